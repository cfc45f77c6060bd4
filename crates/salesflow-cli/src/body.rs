//! A `--json-body` file and the body flags together: the file's keys are matched to the
//! body's fields ignoring case, as Salesflow (ASP.NET) binds them, and a key that is none
//! of them is refused with its name; each flag given sets its field, and a flag that
//! disagrees with the file is a usage error naming both. Nothing is dropped.

use std::path::PathBuf;

use clap::ArgMatches;
use clap::parser::ValueSource;
use serde_json::Value;

/// The `--json-body` value parser of the operation whose body has `fields`: reads the file,
/// names each key as the spec does (`FirstName` → `firstName`), refuses a key that is no
/// field, and hands progenitor's code a copy with the spec's names (written once into a
/// directory of this process, removed by [`remove_copies`]). The user's file is only read.
pub fn json_body_parser(
    subcommand: String,
    fields: &'static [&'static str],
) -> impl Fn(&str) -> Result<PathBuf, String> + Clone + Send + Sync + 'static {
    move |path: &str| {
        let text =
            std::fs::read_to_string(path).map_err(|error| format!("cannot read it: {error}"))?;
        let value: Value =
            serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|error| {
                format!("it is not JSON ({error}); give a file holding one JSON object")
            })?;
        let renamed = spec_names(&subcommand, value, fields)?;
        let dir = copies_dir();
        std::fs::create_dir_all(&dir).map_err(|error| format!("cannot copy it: {error}"))?;
        let copy = dir.join(format!("{subcommand}.json"));
        std::fs::write(&copy, renamed.to_string())
            .map_err(|error| format!("cannot copy it: {error}"))?;
        Ok(copy)
    }
}

/// `value` (a body) with each key spelled as in `fields`, matched ignoring case.
fn spec_names(subcommand: &str, value: Value, fields: &[&str]) -> Result<Value, String> {
    let Value::Object(given) = value else {
        return Err(
            "it is not a JSON object; give a file holding one, with the body's fields".into(),
        );
    };
    let mut renamed = serde_json::Map::new();
    for (key, value) in given {
        let Some(field) = fields.iter().find(|field| field.eq_ignore_ascii_case(&key)) else {
            return Err(format!(
                "its field \"{key}\" is not one {subcommand} takes ({}); correct or remove it",
                fields.join(", ")
            ));
        };
        if renamed.insert((*field).to_owned(), value).is_some() {
            return Err(format!(
                "it gives the field {field} twice (in two spellings); keep one"
            ));
        }
    }
    Ok(Value::Object(renamed))
}

/// Where this process keeps its copies of `--json-body` files.
fn copies_dir() -> PathBuf {
    std::env::temp_dir().join(format!("salesflow-{}", std::process::id()))
}

/// Removes the copies of `--json-body` files this process made.
pub fn remove_copies() {
    let _ = std::fs::remove_dir_all(copies_dir());
}

/// The repeatable flag of the one list in a body (`PublicIdentifiers`).
pub const IDENTIFIER_FLAG: &str = "public-identifier";

/// The flag that sets the body field `key` (`DisableForMutedContacts` →
/// `disable-for-muted-contacts`, `PublicIdentifiers` → `public-identifier`).
fn flag_of(key: &str) -> String {
    if key.eq_ignore_ascii_case("PublicIdentifiers") {
        return IDENTIFIER_FLAG.to_owned();
    }
    heck::ToKebabCase::to_kebab_case(key)
}

/// Fails, naming both, when a flag given on the command line sets a field of the
/// `--json-body` file to another value.
pub fn agrees_with_flags(sub: &ArgMatches) -> Result<(), String> {
    let Ok(Some(path)) = sub.try_get_one::<PathBuf>("json-body") else {
        return Ok(());
    };
    // An unreadable or malformed file is reported where it is read.
    let Some(Value::Object(fields)) = std::fs::read_to_string(path)
        .ok()
        .and_then(|text| serde_json::from_str::<Value>(&text).ok())
    else {
        return Ok(());
    };
    for (key, value) in &fields {
        let flag = flag_of(key);
        let given = matches!(
            sub.try_contains_id(&flag)
                .ok()
                .and_then(|_| sub.value_source(&flag)),
            Some(ValueSource::CommandLine | ValueSource::EnvVariable)
        );
        if !given || value.is_null() {
            continue;
        }
        let flagged: Vec<String> = sub
            .get_raw(&flag)
            .into_iter()
            .flatten()
            .map(|raw| raw.to_string_lossy().into_owned())
            .collect();
        let in_file: Vec<String> = match value {
            Value::Array(items) => items.iter().map(text).collect(),
            other => vec![text(other)],
        };
        if !same(&flagged, &in_file) {
            return Err(format!(
                "--{flag} {} and the --json-body field {key} ({}) disagree: give one of them",
                flagged.join(" "),
                in_file.join(", ")
            ));
        }
    }
    Ok(())
}

fn text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// The same values, read as timestamps where both are (`2024-01-01` is
/// `2024-01-01T00:00:00`).
fn same(flagged: &[String], in_file: &[String]) -> bool {
    flagged.len() == in_file.len()
        && flagged.iter().zip(in_file).all(|(a, b)| {
            a == b
                || match (
                    a.parse::<salesflow::Timestamp>(),
                    b.parse::<salesflow::Timestamp>(),
                ) {
                    (Ok(a), Ok(b)) => a == b,
                    _ => false,
                }
        })
}

/// The values of `--public-identifier`, if given.
pub fn identifiers(matches: &ArgMatches) -> Option<Vec<String>> {
    matches
        .try_get_many::<String>(IDENTIFIER_FLAG)
        .ok()
        .flatten()
        .map(|values| values.cloned().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const FIELDS: &[&str] = &["firstName", "lastName"];

    #[test]
    fn keys_take_the_spec_spelling_and_unknown_keys_are_refused() {
        assert_eq!(
            spec_names(
                "update-contact",
                json!({"FirstName": "Ann", "lastname": "Lee"}),
                FIELDS
            )
            .unwrap(),
            json!({"firstName": "Ann", "lastName": "Lee"})
        );
        assert_eq!(
            spec_names("update-contact", json!({"Company": "Acme"}), FIELDS).unwrap_err(),
            "its field \"Company\" is not one update-contact takes (firstName, lastName); correct or remove it"
        );
        assert!(
            spec_names(
                "update-contact",
                json!({"firstName": "A", "FIRSTNAME": "B"}),
                FIELDS
            )
            .is_err()
        );
        assert!(spec_names("update-contact", json!(["Ann"]), FIELDS).is_err());
    }
}
