//! A `--json-body` file and the body flags together: each flag given sets its field, and a
//! flag that disagrees with the file is a usage error naming both. Nothing is dropped.

use std::path::PathBuf;

use clap::ArgMatches;
use clap::parser::ValueSource;
use serde_json::Value;

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
