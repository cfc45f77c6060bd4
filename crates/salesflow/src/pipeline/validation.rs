//! Checks a request against the spec's rules before it is sent (lengths, URLs, known values).
//! The rules themselves are read from the operation table (`operation/`).

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::operation::{Check, Operation, Place, Rule};

/// A request that breaks a rule: which field, which rule, and what the value was like.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Violation {
    pub field: String,
    pub rule: String,
}

impl Violation {
    /// The SDK's error for it: nothing was sent.
    fn into_error(self, operation: &'static str) -> crate::Error {
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

/// Checks the query and JSON body of `request` against every rule of `operation`.
pub(crate) fn check(operation: &Operation, request: &reqwest::Request) -> Result<(), Violation> {
    if operation.rules.is_empty() {
        return Ok(());
    }
    // One pass over the query string (a value may be megabytes), each value checked
    // against the rules of its field.
    let query_rules = || {
        operation
            .rules
            .iter()
            .filter(|rule| rule.place == Place::Query)
    };
    if query_rules().next().is_some() {
        for (name, value) in request.url().query_pairs() {
            let mut rules = query_rules().filter(|rule| name == rule.field).peekable();
            if rules.peek().is_none() {
                continue;
            }
            let value = Value::String(value.into_owned());
            for rule in rules {
                check_value(rule, &value)?;
            }
        }
    }
    // The body is parsed only for operations with rules on it.
    if operation.rules.iter().any(|rule| rule.place == Place::Body)
        && let Some(body) = request
            .body()
            .and_then(reqwest::Body::as_bytes)
            .and_then(|bytes| serde_json::from_slice::<Value>(bytes).ok())
    {
        check_body(operation, &body)?;
    }
    Ok(())
}

/// Checks that the query string `request` goes out with (the token in it) fits in what the
/// server takes (`x-max-query-length`): IIS refuses a longer one whatever it holds.
pub(crate) fn check_query_length(
    operation: &Operation,
    request: &reqwest::Request,
) -> Result<(), Violation> {
    let query = request.url().query().unwrap_or_default();
    let pieces = query.split('&').map(|piece| {
        let name = piece.split('=').next().unwrap_or_default();
        (Cow::Owned(form_decoded(name)), piece.len())
    });
    query_fits(operation, query.len(), pieces)
}

/// `Ok` if a query string of `total` bytes (as sent) is within the operation's limit; else
/// the violation, naming the longest of `pieces` (each parameter's name, and the bytes of
/// its `name=value`), the token aside. `pieces` is read only for a query too long.
fn query_fits<'a>(
    operation: &Operation,
    total: usize,
    pieces: impl Iterator<Item = (Cow<'a, str>, usize)>,
) -> Result<(), Violation> {
    let max = operation.max_query_bytes;
    if total <= max {
        return Ok(());
    }
    let longest = pieces
        .filter(|(name, _)| name != super::token::TOKEN_PARAMETER)
        .max_by_key(|(_, bytes)| *bytes);
    let (field, bytes) = longest.map_or_else(
        || ("request".to_owned(), total),
        |(name, bytes)| (name.into_owned(), bytes),
    );
    Err(Violation {
        field,
        rule: format!(
            "is {bytes} bytes URL-encoded, and makes the query string {total} bytes with the \
             token; the server (IIS) refuses a query string over {max} bytes: shorten it"
        ),
    })
}

/// A name as a form-encoded query string has it, decoded.
fn form_decoded(name: &str) -> String {
    let url = reqwest::Url::parse(&format!("http://x/?{name}=")).ok();
    url.and_then(|url| url.query_pairs().next().map(|(name, _)| name.into_owned()))
        .unwrap_or_else(|| name.to_owned())
}

/// The length of `text` form-encoded, as a request's query string carries it: the bytes
/// `*-._`, digits and ASCII letters as they are, a space as `+`, any other byte as `%XX`
/// (what `url`'s `form_urlencoded`, which reqwest uses, writes).
fn form_len(text: &str) -> usize {
    text.bytes()
        .map(|byte| match byte {
            b'*' | b'-' | b'.' | b'_' | b' ' | b'0'..=b'9' | b'A'..=b'Z' | b'a'..=b'z' => 1,
            _ => 3,
        })
        .sum()
}

/// Whether `parameters` and `token` (last), as a request carries them, fit in the query
/// string the operation takes; counted, not encoded.
fn parameters_fit(
    operation: &Operation,
    parameters: &[(&str, &str)],
    token: Option<&str>,
) -> Result<(), Violation> {
    let piece = |name: &str, value: &str| form_len(name) + 1 + form_len(value);
    let token = token.map_or(0, |token| piece(super::token::TOKEN_PARAMETER, token) + 1);
    let pairs: usize = parameters
        .iter()
        .map(|(name, value)| piece(name, value))
        .sum();
    let separators = parameters.len().saturating_sub(1);
    let pieces = parameters
        .iter()
        .map(|(name, value)| (Cow::Borrowed(*name), piece(name, value)));
    query_fits(operation, pairs + separators + token, pieces)
}

impl crate::Client {
    /// Checks query parameters as [`check_parameters`] does, and that with this client's
    /// token they fit in the query string the server takes (`x-max-query-length`): what
    /// `send()` would refuse, without sending. Give every parameter the request would carry
    /// (`accountId` too), since each counts towards the length.
    ///
    /// ```
    /// use salesflow::Error;
    ///
    /// let client = salesflow::Client::with_token("abcdefghijklmnop123");
    /// // 400 characters, within the 1,023 allowed, but 2,400 bytes URL-encoded (`%C3%A9`).
    /// let long = "é".repeat(400);
    /// let row = [
    ///     ("accountId", "321"),
    ///     ("campaignId", "789"),
    ///     ("linkedInUrl", "https://www.linkedin.com/in/jane-doe"),
    ///     ("occupation", long.as_str()),
    /// ];
    /// let Err(Error::InvalidRequest { field, rule, .. }) = client.check_parameters("importMember", row) else {
    ///     panic!("refused")
    /// };
    /// assert_eq!(field, "occupation");
    /// assert!(rule.contains("refuses a query string over 2048 bytes"), "{rule}");
    /// ```
    pub fn check_parameters<'a>(
        &self,
        operation_id: &str,
        parameters: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<(), crate::Error> {
        let token = progenitor_client::ClientInfo::inner(self).token().expose();
        check_with_token(operation_id, parameters, Some(token))
    }
}

/// Checks query parameters against the spec's rules of the operation `operation_id`
/// (`"importMember"`) without building or sending a request: what a bulk job runs over
/// every row before the first call. The same rules `send()` checks, and the length of the
/// query string they make (without a token: [`Client::check_parameters`](crate::Client::check_parameters)
/// counts the client's).
///
/// ```
/// use salesflow::{Error, check_parameters};
///
/// let row = [("linkedInUrl", "https://www.linkedin.com/in/jane-doe")];
/// assert!(check_parameters("importMember", row).is_ok());
///
/// let bad = check_parameters("importMember", [("linkedInUrl", "https://example.com/jane")]);
/// let Err(Error::InvalidRequest { field, .. }) = bad else { panic!("refused") };
/// assert_eq!(field, "linkedInUrl");
/// ```
pub fn check_parameters<'a>(
    operation_id: &str,
    parameters: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<(), crate::Error> {
    check_with_token(operation_id, parameters, None)
}

fn check_with_token<'a>(
    operation_id: &str,
    parameters: impl IntoIterator<Item = (&'a str, &'a str)>,
    token: Option<&str>,
) -> Result<(), crate::Error> {
    let operation = super::operation::named(operation_id);
    if operation.path.is_empty() {
        return Err(crate::Error::InvalidRequest {
            operation: operation.name,
            field: operation_id.to_owned(),
            rule: "is not an operationId of the spec (`importMember`, …)".to_owned(),
        });
    }
    let parameters: Vec<(&str, &str)> = parameters.into_iter().collect();
    for rule in operation
        .rules
        .iter()
        .filter(|rule| rule.place == Place::Query)
    {
        for (name, value) in &parameters {
            if *name == rule.field {
                check_value(rule, &Value::String((*value).to_owned()))
                    .map_err(|violation| violation.into_error(operation.name))?;
            }
        }
    }
    parameters_fit(operation, &parameters, token)
        .map_err(|violation| violation.into_error(operation.name))
}

/// Checks a JSON body against the body rules of `operation`.
pub(crate) fn check_body(operation: &Operation, body: &Value) -> Result<(), Violation> {
    for rule in operation
        .rules
        .iter()
        .filter(|rule| rule.place == Place::Body)
    {
        if let Some(value) = body.get(rule.field).filter(|v| !v.is_null()) {
            check_value(rule, value)?;
        }
    }
    Ok(())
}

fn check_value(rule: &Rule, value: &Value) -> Result<(), Violation> {
    let violation = |rule_text: String| Violation {
        field: rule.field.to_owned(),
        rule: rule_text,
    };
    let text = match value {
        Value::String(text) => Some(text.as_str()),
        _ => None,
    };
    match rule.check {
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
                        field: format!("{}[{index}]", rule.field),
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
                        field: format!("{}[{index}]", rule.field),
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

    fn rule(check: Check) -> Rule {
        Rule {
            place: Place::Body,
            field: "name",
            check,
        }
    }

    fn text(value: &str) -> Value {
        Value::String(value.to_owned())
    }

    #[test]
    fn a_query_is_counted_as_reqwest_encodes_it() {
        for text in [
            "abc",
            "a b",
            "Ab\"Cd\\Ef<Gh>Ij&Kl+Mn/Op=Qr%St Uv",
            "é😀*-._~",
            "",
        ] {
            let mut url = reqwest::Url::parse("http://x/").unwrap();
            url.query_pairs_mut().append_pair("occupation", text);
            assert_eq!(
                form_len("occupation") + 1 + form_len(text),
                url.query().unwrap().len(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn lengths_count_utf16_units_like_the_server() {
        assert!(check_value(&rule(Check::MaxLength(2)), &text("éé")).is_ok());
        let error = check_value(&rule(Check::MaxLength(2)), &text("😀😀")).unwrap_err();
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
            let violation = check_value(&rule(check), &value).unwrap_err();
            assert_eq!(violation.to_string(), expected);
        }
    }

    #[test]
    fn good_values_pass() {
        let linkedin = Check::HttpUrl {
            hosts: &["linkedin.com"],
        };
        for url in ["https://www.linkedin.com/in/x", "http://linkedin.com/in/y"] {
            assert!(check_value(&rule(linkedin), &text(url)).is_ok(), "{url}");
        }
        assert!(check_value(&rule(Check::OneOf(&["true"])), &text("true")).is_ok());
        assert!(check_value(&rule(Check::ItemsMinLength(1)), &serde_json::json!(["a"])).is_ok());
        assert!(check_value(&rule(Check::NotBlank), &text(" a ")).is_ok());
        assert!(check_value(&rule(Check::Minimum(1)), &text("12")).is_ok());
    }
}
