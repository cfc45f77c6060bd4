//! The spec's rules on a call's values (lengths, URLs, known values), checked on the typed
//! values a builder holds before any request is built (each builder's generated
//! `check_rules` calls [`check`] and [`check_body`] with its rules); and the length of the
//! query string a request goes out with.

use std::fmt;

use serde::Serialize;
use serde_json::Value;

use super::operation::Operation;

/// What a value must meet.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Check {
    /// At least this many characters (UTF-16 units, as the .NET server counts).
    MinLength(usize),
    /// At most this many characters (UTF-16 units, as the .NET server counts).
    MaxLength(usize),
    /// An array with at least this many items.
    MinItems(usize),
    /// An array whose every item has at least this many characters.
    ItemsMinLength(usize),
    /// Text with at least one character that is not white space (ASP.NET's `[Required]`).
    NotBlank,
    /// An array whose every item has a character that is not white space.
    ItemsNotBlank,
    /// An integer of at least this value.
    Minimum(i64),
    /// One of these values (as text).
    OneOf(&'static [&'static str]),
    /// An absolute http or https URL, on one of these hosts or their subdomains if any.
    HttpUrl { hosts: &'static [&'static str] },
}

/// A value that breaks a rule: which field, which rule, and what the value was like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Violation {
    pub field: String,
    pub rule: String,
}

impl Violation {
    /// The SDK's error for it: nothing was sent.
    pub(crate) fn into_error(self, operation: &'static str) -> crate::Error {
        crate::Error::InvalidRequest {
            operation,
            field: self.field,
            rule: self.rule,
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.field, self.rule)
    }
}

/// Checks the value of the parameter `field` (the spec's name) against `checks`. A value
/// not set (`None`) meets every check.
pub(crate) fn check<T: Serialize + ?Sized>(
    field: &'static str,
    value: &T,
    checks: &[Check],
) -> Result<(), Violation> {
    let value = serde_json::to_value(value).unwrap_or(Value::Null);
    if value.is_null() {
        return Ok(());
    }
    checks
        .iter()
        .try_for_each(|rule| check_value(field, *rule, &value))
}

/// Checks the top-level fields of a JSON body against their checks; a body with no field
/// set (`updateContact` with nothing to update) is refused.
pub(crate) fn check_body<T: Serialize>(
    body: &T,
    checks: &[(&'static str, Check)],
) -> Result<(), Violation> {
    let body = serde_json::to_value(body).unwrap_or(Value::Null);
    if body.as_object().is_some_and(serde_json::Map::is_empty) {
        return Err(Violation {
            field: "body".to_owned(),
            rule: "has no field set; set the fields to send with `.body_map(|b| b.occupation(\"CTO\"))` \
                   or `.body(..)`"
                .to_owned(),
        });
    }
    for (field, rule) in checks {
        if let Some(value) = body.get(field).filter(|v| !v.is_null()) {
            check_value(field, *rule, value)?;
        }
    }
    Ok(())
}

/// Checks that the query string `request` goes out with (the token in it) fits in what the
/// server takes (`x-max-query-length`): IIS refuses a longer one whatever it holds. The
/// longest parameter, the token aside, is named.
pub(crate) fn check_query_length(
    operation: &Operation,
    request: &reqwest::Request,
) -> Result<(), Violation> {
    let max = operation.max_query_bytes;
    let query = request.url().query().unwrap_or_default();
    let total = query.len();
    if total <= max {
        return Ok(());
    }
    let longest = reqwest::Url::parse(&format!("http://x/?{query}"))
        .ok()
        .and_then(|url| {
            url.query_pairs()
                .map(|(name, _)| name.into_owned())
                .zip(query.split('&').map(str::len))
                .filter(|(name, _)| name != super::token::TOKEN_PARAMETER)
                .max_by_key(|(_, bytes)| *bytes)
        });
    let (field, bytes) = longest.unwrap_or_else(|| ("request".to_owned(), total));
    Err(Violation {
        field,
        rule: format!(
            "is {bytes} bytes URL-encoded, and makes the query string {total} bytes with the \
             token; the server (IIS) refuses a query string over {max} bytes: shorten it"
        ),
    })
}

fn check_value(field: &str, check: Check, value: &Value) -> Result<(), Violation> {
    let violation = |rule_text: String| Violation {
        field: field.to_owned(),
        rule: rule_text,
    };
    let text = match value {
        Value::String(text) => Some(text.as_str()),
        _ => None,
    };
    match check {
        Check::MinLength(min) => {
            if let Some(text) = text
                && length(text) < min
            {
                return Err(violation(if text.is_empty() {
                    "is empty; the API needs a value".to_owned()
                } else {
                    format!(
                        "is {} characters long; the API needs at least {min}",
                        length(text)
                    )
                }));
            }
        }
        Check::MaxLength(max) => {
            if let Some(text) = text
                && length(text) > max
            {
                return Err(violation(format!(
                    "is {} characters long; the API accepts at most {max}",
                    length(text)
                )));
            }
        }
        Check::MinItems(min) => {
            if let Some(items) = value.as_array()
                && items.len() < min
            {
                return Err(violation(format!(
                    "has {} items; the API needs at least {min}",
                    items.len()
                )));
            }
        }
        Check::ItemsMinLength(min) => {
            let items = value.as_array().map(Vec::as_slice).unwrap_or_default();
            for (index, item) in items.iter().enumerate() {
                let len = item.as_str().map_or(0, length);
                if len < min {
                    return Err(Violation {
                        field: format!("{field}[{index}]"),
                        rule: if len == 0 {
                            "is empty; every item needs a value".to_owned()
                        } else {
                            format!("is {len} characters long; every item needs at least {min}")
                        },
                    });
                }
            }
        }
        Check::NotBlank => {
            if let Some(text) = text
                && !text.is_empty()
                && text.trim().is_empty()
            {
                return Err(violation(
                    "is only white space; the API needs a value".to_owned(),
                ));
            }
        }
        Check::ItemsNotBlank => {
            let items = value.as_array().map(Vec::as_slice).unwrap_or_default();
            for (index, item) in items.iter().enumerate() {
                if let Some(text) = item.as_str()
                    && !text.is_empty()
                    && text.trim().is_empty()
                {
                    return Err(Violation {
                        field: format!("{field}[{index}]"),
                        rule: "is only white space; every item needs a value".to_owned(),
                    });
                }
            }
        }
        Check::Minimum(min) => {
            let number = match value {
                Value::Number(number) => number.as_i64(),
                Value::String(text) => text.trim().parse::<i64>().ok(),
                _ => None,
            };
            if let Some(number) = number
                && number < min
            {
                return Err(violation(format!(
                    "is {number}; the API needs at least {min}"
                )));
            }
        }
        Check::OneOf(allowed) => {
            let given = text.map_or_else(|| value.to_string(), str::to_owned);
            if !allowed.contains(&given.as_str()) {
                return Err(violation(format!(
                    "is {}; the API accepts {}",
                    shorten(&given),
                    allowed.join(", ")
                )));
            }
        }
        Check::HttpUrl { hosts } => {
            if let Some(text) = text {
                check_url(text, hosts).map_err(|problem| violation(problem.to_owned()))?;
            }
        }
    }
    Ok(())
}

/// Characters as the .NET server counts them: UTF-16 code units.
fn length(text: &str) -> usize {
    text.encode_utf16().count()
}

fn check_url(text: &str, hosts: &[&str]) -> Result<(), &'static str> {
    let url = reqwest::Url::parse(text)
        .map_err(|_| "is not a URL; give an absolute http:// or https:// URL")?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("is not an http:// or https:// URL");
    }
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    let allowed = hosts.is_empty()
        || hosts
            .iter()
            .any(|h| host == *h || host.strip_suffix(h).is_some_and(|sub| sub.ends_with('.')));
    if !allowed {
        return Err("is not on the host the API expects (a linkedin.com profile URL)");
    }
    Ok(())
}

/// A value shown in an error, cut to stay on one line.
fn shorten(value: &str) -> String {
    let mut shown: String = value.chars().take(40).collect();
    if shown.len() < value.len() {
        shown.push('…');
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(value: &str) -> Value {
        Value::String(value.to_owned())
    }

    #[test]
    fn lengths_count_utf16_units_like_the_server() {
        assert!(check_value("name", Check::MaxLength(2), &text("éé")).is_ok());
        let error = check_value("name", Check::MaxLength(2), &text("😀😀")).unwrap_err();
        assert_eq!(
            error.rule,
            "is 4 characters long; the API accepts at most 2"
        );
    }

    #[test]
    fn every_check_names_the_rule() {
        let cases: [(Check, Value, &str); 9] = [
            (
                Check::NotBlank,
                text(" \t "),
                "name is only white space; the API needs a value",
            ),
            (
                Check::ItemsNotBlank,
                serde_json::json!(["a", "  "]),
                "name[1] is only white space; every item needs a value",
            ),
            (
                Check::Minimum(1),
                text("0"),
                "name is 0; the API needs at least 1",
            ),
            (
                Check::MinLength(1),
                text(""),
                "name is empty; the API needs a value",
            ),
            (
                Check::MinItems(1),
                Value::Array(vec![]),
                "name has 0 items; the API needs at least 1",
            ),
            (
                Check::ItemsMinLength(1),
                serde_json::json!(["a", ""]),
                "name[1] is empty; every item needs a value",
            ),
            (
                Check::OneOf(&["1", "2", "7"]),
                serde_json::json!(3),
                "name is 3; the API accepts 1, 2, 7",
            ),
            (
                Check::HttpUrl { hosts: &[] },
                text("/relative"),
                "name is not a URL; give an absolute http:// or https:// URL",
            ),
            (
                Check::HttpUrl {
                    hosts: &["linkedin.com"],
                },
                text("https://evil-linkedin.com/in/x"),
                "name is not on the host the API expects (a linkedin.com profile URL)",
            ),
        ];
        for (check, value, expected) in cases {
            let violation = check_value("name", check, &value).unwrap_err();
            assert_eq!(violation.to_string(), expected);
        }
    }

    #[test]
    fn good_values_pass() {
        let linkedin = Check::HttpUrl {
            hosts: &["linkedin.com"],
        };
        for url in ["https://www.linkedin.com/in/x", "http://linkedin.com/in/y"] {
            assert!(check_value("name", linkedin, &text(url)).is_ok(), "{url}");
        }
        assert!(check_value("name", Check::OneOf(&["true"]), &serde_json::json!(true)).is_ok());
        assert!(check_value("name", Check::ItemsMinLength(1), &serde_json::json!(["a"])).is_ok());
        assert!(check_value("name", Check::NotBlank, &text(" a ")).is_ok());
        assert!(check_value("name", Check::Minimum(1), &serde_json::json!(12)).is_ok());
    }
}
