//! The one error type of the SDK: what went wrong, in which operation, never with the token.

use std::fmt;

use progenitor_client::{ClientInfo, ResponseValue};
use reqwest::StatusCode;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::Client;
use crate::validation::Violation;

/// Why a call failed. Every variant names the operation (the spec's operationId). No
/// rendering of it (`Display`, `Debug`, the `source` chain) contains the API token or the
/// request URL.
///
/// ```
/// # async fn run(client: salesflow::Client) {
/// match client.start_campaign().account_id(321).campaign_id(456).send().await {
///     Ok(_) => println!("started"),
///     Err(error) if error.status() == Some(409) => println!("already running"),
///     Err(error) if error.is_retryable() => println!("try again later: {error}"),
///     Err(error) => eprintln!("{error}"),
/// }
/// # }
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The request did not get an answer: no connection, a timeout, a broken transfer.
    Transport {
        /// The operation that failed.
        operation: &'static str,
        /// What kind of failure it was.
        kind: TransportKind,
        /// The underlying error, without the request URL.
        source: reqwest::Error,
    },
    /// Salesflow answered with an error status.
    Api {
        /// The operation that failed.
        operation: &'static str,
        /// The HTTP status.
        status: StatusCode,
        /// The `Status` field of the answer's JSON body, when it has one.
        api_status: Option<i32>,
        /// The `Message` field of the answer's JSON body, when it has one.
        message: Option<String>,
        /// The start of any other body, shortened and without the token.
        excerpt: Option<String>,
    },
    /// Salesflow answered, but not with what the API documents.
    Decode {
        /// The operation that failed.
        operation: &'static str,
        /// The HTTP status of the answer.
        status: Option<StatusCode>,
        /// Where in the body decoding failed (`[0].CampaignId`), when known.
        field: Option<String>,
        /// What was wrong.
        detail: String,
    },
    /// The request breaks a rule of the API; it was not sent.
    InvalidRequest {
        /// The operation that was not called.
        operation: &'static str,
        /// The field at fault (as the API names it: `firstName`, `PublicIdentifiers[2]`).
        field: String,
        /// What is wrong with it.
        rule: String,
    },
}

/// What kind of transport failure an [`Error::Transport`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportKind {
    /// No connection could be made (refused, unreachable, DNS, TLS handshake).
    Connect,
    /// The connection or the answer took longer than the configured timeout.
    Timeout,
    /// The transfer broke off, or another failure.
    Other,
}

impl Error {
    /// The operation (the spec's operationId) that failed.
    pub fn operation(&self) -> &'static str {
        match self {
            Self::Transport { operation, .. }
            | Self::Api { operation, .. }
            | Self::Decode { operation, .. }
            | Self::InvalidRequest { operation, .. } => operation,
        }
    }

    /// The HTTP status of Salesflow's answer, if it answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api { status, .. } => Some(status.as_u16()),
            Self::Decode { status, .. } => status.map(|s| s.as_u16()),
            Self::Transport { .. } | Self::InvalidRequest { .. } => None,
        }
    }

    /// Whether the same call might succeed later: connection failures, timeouts, and 408,
    /// 429, 502, 503, 504 answers. The client has already retried these as its
    /// [`RetryPolicy`](crate::RetryPolicy) allows.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Transport { kind, .. } => {
                matches!(kind, TransportKind::Connect | TransportKind::Timeout)
            }
            Self::Api { status, .. } => matches!(status.as_u16(), 408 | 429 | 502 | 503 | 504),
            Self::Decode { .. } | Self::InvalidRequest { .. } => false,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Transport {
                operation,
                kind,
                source,
            } => {
                let (what, advice) = match kind {
                    TransportKind::Connect => (
                        "could not connect to Salesflow",
                        "check the network and the base URL",
                    ),
                    TransportKind::Timeout => (
                        "Salesflow did not answer in time",
                        "try again later or raise ClientBuilder::timeout",
                    ),
                    TransportKind::Other => ("the exchange with Salesflow failed", "try again"),
                };
                write!(f, "{operation}: {what} ({}); {advice}", causes(source))
            }
            Self::Api {
                operation,
                status,
                api_status,
                message,
                excerpt,
            } => {
                write!(f, "{operation}: Salesflow answered {status}")?;
                if let Some(message) = message {
                    write!(f, ": {message}")?;
                } else if let Some(code) = api_status {
                    write!(f, " (Status {code})")?;
                } else if let Some(excerpt) = excerpt {
                    write!(f, ": {excerpt}")?;
                }
                if status.is_redirection() {
                    f.write_str(" (redirects are not followed: they would carry the token)")?;
                } else if status.as_u16() == 403 {
                    f.write_str(" (check the token and that it belongs to this account)")?;
                }
                Ok(())
            }
            Self::Decode {
                operation,
                status,
                field,
                detail,
            } => {
                write!(f, "{operation}: the answer")?;
                if let Some(status) = status {
                    write!(f, " ({status})")?;
                }
                f.write_str(" is not what the API documents")?;
                if let Some(field) = field {
                    write!(f, ": at `{field}`")?;
                }
                write!(f, ": {detail}")
            }
            Self::InvalidRequest {
                operation,
                field,
                rule,
            } => write!(f, "{operation}: {field} {rule}; nothing was sent"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Transport { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// How a rule violation travels from the `pre` hook, which can only return a string, to
/// [`from_generated`]. Never shown to users.
pub(crate) fn encode_violation(violation: &Violation) -> String {
    serde_json::to_string(violation).expect("a violation is two strings")
}

/// Turns the result of a generated `send()` into the SDK's error type, reading an
/// unexpected answer's body and removing the token from every text kept.
pub(crate) async fn from_generated<T, E>(
    client: &Client,
    operation: &'static str,
    result: Result<ResponseValue<T>, progenitor_client::Error<E>>,
) -> Result<ResponseValue<T>, Error>
where
    T: DeserializeOwned,
    E: Serialize,
{
    use progenitor_client::Error as Generated;

    let error = match result {
        Ok(value) => return Ok(value),
        Err(error) => error,
    };
    // Only failures pay for the scrubber (a copy of the token and its encoded form).
    let scrub = Scrubber::new(client.inner().token().expose());
    let error = match error {
        Generated::InvalidRequest(message) => invalid_builder_input(operation, &message),
        Generated::Custom(encoded) => match serde_json::from_str::<Violation>(&encoded) {
            Ok(violation) => Error::InvalidRequest {
                operation,
                field: violation.field,
                rule: violation.rule,
            },
            Err(_) => Error::InvalidRequest {
                operation,
                field: "request".to_owned(),
                rule: scrub.clean(&encoded),
            },
        },
        Generated::CommunicationError(source)
        | Generated::ResponseBodyError(source)
        | Generated::InvalidUpgrade(source) => transport(operation, source),
        Generated::ErrorResponse(response) => {
            let status = response.status();
            let body = serde_json::to_value(response.into_inner()).unwrap_or_default();
            let (api_status, message) = status_and_message(&body, &scrub);
            Error::Api {
                operation,
                status,
                api_status,
                message,
                excerpt: None,
            }
        }
        Generated::InvalidResponsePayload(bytes, error) => {
            decode_error::<T>(operation, None, &bytes, &error, &scrub)
        }
        Generated::UnexpectedResponse(response) => unexpected(operation, response, &scrub).await,
    };
    Err(error)
}

fn transport(operation: &'static str, source: reqwest::Error) -> Error {
    let kind = if source.is_timeout() {
        TransportKind::Timeout
    } else if source.is_connect() {
        TransportKind::Connect
    } else {
        TransportKind::Other
    };
    Error::Transport {
        operation,
        kind,
        source: source.without_url(),
    }
}

/// progenitor's builder messages: `x was not initialized`, `conversion to `T` for x
/// failed`, `error converting supplied value for x: why`.
fn invalid_builder_input(operation: &'static str, message: &str) -> Error {
    let (field, rule) = if let Some(field) = message.strip_suffix(" was not initialized") {
        (field, "is required; set it on the builder".to_owned())
    } else if let Some(rest) = message.strip_prefix("conversion to `") {
        let (ty, field) = rest
            .split_once("` for ")
            .map_or(("?", rest), |(ty, field)| {
                (ty, field.trim_end_matches(" failed"))
            });
        (field, format!("does not fit in {ty}"))
    } else if let Some((field, why)) = message
        .strip_prefix("error converting supplied value for ")
        .and_then(|rest| rest.split_once(": "))
    {
        (field, why.to_owned())
    } else {
        ("request", message.to_owned())
    };
    Error::InvalidRequest {
        operation,
        field: camel_case(field),
        rule,
    }
}

/// `first_name` → `firstName`: errors use the API's names.
fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Reads an answer that is not the documented one.
async fn unexpected(
    operation: &'static str,
    response: reqwest::Response,
    scrub: &Scrubber,
) -> Error {
    let status = response.status();
    let body = response.bytes().await.unwrap_or_default();
    if status.is_success() {
        let detail = if body.is_empty() {
            format!("status {status} with no body, where the API documents another answer")
        } else {
            format!("status {status}, which the API does not document for this operation")
        };
        return Error::Decode {
            operation,
            status: Some(status),
            field: None,
            detail,
        };
    }
    let json: Option<serde_json::Value> = serde_json::from_slice(&body).ok();
    let (api_status, message) = json
        .as_ref()
        .map_or((None, None), |body| status_and_message(body, scrub));
    let excerpt = (message.is_none() && api_status.is_none() && !body.is_empty())
        .then(|| excerpt(&String::from_utf8_lossy(&body), scrub))
        .filter(|text| !text.is_empty());
    Error::Api {
        operation,
        status,
        api_status,
        message,
        excerpt,
    }
}

/// `Status` and `Message` of a JSON error body (any key case; `title`/`detail` too).
fn status_and_message(body: &serde_json::Value, scrub: &Scrubber) -> (Option<i32>, Option<String>) {
    let Some(object) = body.as_object() else {
        return (None, None);
    };
    let field = |names: &[&str]| {
        object
            .iter()
            .find(|(key, _)| names.iter().any(|name| key.eq_ignore_ascii_case(name)))
            .map(|(_, value)| value)
    };
    let api_status = field(&["Status"])
        .and_then(serde_json::Value::as_i64)
        .and_then(|code| i32::try_from(code).ok());
    let message = field(&["Message", "detail", "title", "error"])
        .and_then(serde_json::Value::as_str)
        .map(|text| scrub.clean(&one_line(text)))
        .filter(|text| !text.is_empty());
    (api_status, message)
}

fn decode_error<T: DeserializeOwned>(
    operation: &'static str,
    status: Option<StatusCode>,
    bytes: &[u8],
    error: &serde_json::Error,
    scrub: &Scrubber,
) -> Error {
    // Decode again to learn where it failed; serde_json alone only gives line and column.
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let (field, detail) = match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Err(located) => {
            let path = located.path().to_string();
            let detail = located.into_inner().to_string();
            ((path != ".").then_some(path), detail)
        }
        Ok(_) => (None, error.to_string()),
    };
    Error::Decode {
        operation,
        status,
        field,
        detail: scrub.clean(&detail),
    }
}

/// The start of a body as one short line of text: tags dropped, white space folded.
fn excerpt(body: &str, scrub: &Scrubber) -> String {
    const MAX_CHARS: usize = 160;
    let mut text = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if in_tag => {}
            _ => text.push(c),
        }
    }
    let folded = one_line(&scrub.clean(&text));
    let mut short: String = folded.chars().take(MAX_CHARS).collect();
    if short.len() < folded.len() {
        short.push('…');
    }
    short
}

/// An error and its causes, outermost first, on one line (`error sending request: client
/// error (Connect): tcp connect error: Connection refused (os error 111)`).
fn causes(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![one_line(&error.to_string())];
    let mut next = error.source();
    while let Some(cause) = next {
        let text = one_line(&cause.to_string());
        if !parts.iter().any(|part| part.contains(&text)) {
            parts.push(text);
        }
        next = cause.source();
    }
    parts.join(": ")
}

/// Folds white space (new lines included) to single spaces.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Replaces the token, as it is and as it appears in a URL, with `***`.
struct Scrubber {
    forms: Vec<String>,
}

impl Scrubber {
    fn new(token: &str) -> Self {
        let mut forms = vec![token.to_owned()];
        let encoded: String = form_urlencoded::byte_serialize(token.as_bytes()).collect();
        if encoded != token {
            forms.push(encoded);
        }
        forms.retain(|form| !form.is_empty());
        Self { forms }
    }

    fn clean(&self, text: &str) -> String {
        self.forms.iter().fold(text.to_owned(), |text, form| {
            text.replace(form.as_str(), "***")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_messages_become_field_and_rule() {
        let cases = [
            (
                "account_id was not initialized",
                "accountId",
                "is required; set it on the builder",
            ),
            (
                "conversion to `i64` for campaign_id failed",
                "campaignId",
                "does not fit in i64",
            ),
            (
                "error converting supplied value for updated_from_date: not a timestamp",
                "updatedFromDate",
                "not a timestamp",
            ),
        ];
        for (message, field, rule) in cases {
            match invalid_builder_input("op", message) {
                Error::InvalidRequest {
                    field: f, rule: r, ..
                } => {
                    assert_eq!((f.as_str(), r.as_str()), (field, rule));
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn excerpts_drop_tags_fold_space_and_the_token() {
        let scrub = Scrubber::new("s3cr/t");
        let html =
            "<html><body>\n<h1>Error</h1><p>GET /api?token=s3cr%2Ft failed</p></body></html>";
        assert_eq!(excerpt(html, &scrub), "Error GET /api?token=*** failed");
        let long = "x".repeat(500);
        assert_eq!(excerpt(&long, &scrub).chars().count(), 161);
    }

    #[test]
    fn error_bodies_give_status_and_message_in_any_case() {
        let scrub = Scrubber::new("tok3n");
        let body = serde_json::json!({"status": 409, "message": "Campaign is already running"});
        assert_eq!(
            status_and_message(&body, &scrub),
            (Some(409), Some("Campaign is already running".to_owned()))
        );
        let problem = serde_json::json!({"title": "Unauthorized", "status": 401});
        assert_eq!(
            status_and_message(&problem, &scrub),
            (Some(401), Some("Unauthorized".to_owned()))
        );
    }
}
