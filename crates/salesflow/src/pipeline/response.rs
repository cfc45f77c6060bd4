//! Reads Salesflow's response as a real ASP.NET server sends it, into a value or an [`Error`].
//!
//! Every generated `send()` but those of lists ends here (see `call.rs`;
//! lists are read by `list.rs`, which falls back on [`read`] for what is not a list). A 2xx
//! response is decoded leniently (a byte-order mark, keys in any case, omitted nulls;
//! `lenient_json.rs`); a response without a body means what the operation's `x-empty-response`
//! says; any other status is an [`Error::Api`] that keeps the status whatever the body is.
//! Every text kept from the response has the token removed.

use progenitor_client::{ClientInfo, ResponseValue};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::call::{Call, prepare};
use super::error::one_line;
use super::operation::{EmptyResponse, Operation};
use super::scrub::Scrubber;
use super::transfer::{self, Body, Reading};
use crate::wire::lenient_json;
use crate::{Client, Error, FieldError};

/// The UTF-8 byte-order mark .NET's `Encoding.UTF8` writes before a body.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The end of every generated `send()` but those of lists: `call` sent (built again for a
/// retry), its response decoded or the SDK's error.
pub(crate) async fn finish<'a, C: Call<'a>>(call: C) -> Result<ResponseValue<C::Output>, Error> {
    let client = call.client();
    let mut request = move || prepare(call.clone());
    let response = transfer::send(client, C::OPERATION, &mut request, Reading::Whole, 1).await?;
    let status = response.status;
    let Body::Whole(Some(body)) = response.body else {
        unreachable!("a whole response has its body");
    };
    tap(client, status, &body);
    let scrub = || client.inner().scrubber();
    read::<C::Output>(C::OPERATION, status, &body, scrub)
        .map(|value| ResponseValue::new(value, status, response.headers))
}

/// Hands the response to the client's `on_raw_response` function, if it has one, without the
/// token.
pub(crate) fn tap(client: &Client, status: StatusCode, body: &[u8]) {
    if let Some(tap) = &client.inner().raw_responses {
        let text = String::from_utf8_lossy(body);
        let clean = client.inner().scrubber().clean(&text);
        (tap.0)(status.as_u16(), clean.as_bytes());
    }
}

/// Decodes a response of `operation`: `status` and the whole `body`.
pub(crate) fn read<'s, T: DeserializeOwned>(
    operation: &Operation,
    status: StatusCode,
    body: &[u8],
    scrub: impl Fn() -> &'s Scrubber,
) -> Result<T, Error> {
    let name = operation.name;
    let body = body.strip_prefix(BOM).unwrap_or(body);
    let body = body.trim_ascii();
    let empty = body.is_empty() || body == b"null" || status == StatusCode::NO_CONTENT;
    if !status.is_success() {
        // A 404 of a call that names its record (`/members/{memberId}`) or looks one up
        // says that record does not exist.
        let names_a_record =
            operation.empty_response == EmptyResponse::NotFound || operation.path.contains('{');
        if names_a_record && status == StatusCode::NOT_FOUND {
            let details = ErrorBody::read(body, scrub());
            return Err(Error::NotFound {
                operation: name,
                status: status.as_u16(),
                message: details.message,
            });
        }
        return Err(api_error(name, status, ErrorBody::read(body, scrub())));
    }
    if empty {
        let stand_in = match operation.empty_response {
            EmptyResponse::Outcome => format!(r#"{{"Status": {}}}"#, status.as_u16()),
            EmptyResponse::EmptyList => "[]".to_owned(),
            EmptyResponse::NotFound => {
                return Err(Error::NotFound {
                    operation: name,
                    status: status.as_u16(),
                    message: None,
                });
            }
            EmptyResponse::Error => {
                return Err(Error::Decode {
                    operation: name,
                    status: status.as_u16(),
                    field: None,
                    detail: "the response has no body, where the API documents a JSON value"
                        .to_owned(),
                });
            }
        };
        return decode(name, status, stand_in.as_bytes(), &scrub);
    }
    if operation.empty_response == EmptyResponse::Outcome
        && let Some(failure) = failed_outcome(body, &scrub)
    {
        return Err(api_error(name, failure.0, failure.1));
    }
    decode(name, status, body, &scrub)
}

fn decode<'s, T: DeserializeOwned>(
    name: &'static str,
    status: StatusCode,
    body: &[u8],
    scrub: &impl Fn() -> &'s Scrubber,
) -> Result<T, Error> {
    lenient_json::from_slice(body).map_err(|located| {
        let scrub = scrub();
        Error::Decode {
            operation: name,
            status: status.as_u16(),
            field: located.path.map(|path| scrub.clean(&path)),
            detail: scrub.clean(&located.error.to_string()),
        }
    })
}

/// An outcome body of a 2xx response whose `Status` is an error code (`{"Status": 409}`).
fn failed_outcome<'s>(
    body: &[u8],
    scrub: &impl Fn() -> &'s Scrubber,
) -> Option<(StatusCode, ErrorBody)> {
    let value: Value = serde_json::from_slice(body).ok()?;
    let code = field(&value, &["Status"])?.as_u64()?;
    let status = StatusCode::from_u16(u16::try_from(code).ok()?).ok()?;
    if !(status.is_client_error() || status.is_server_error()) {
        return None;
    }
    Some((status, ErrorBody::from_json(&value, scrub())))
}

fn api_error(operation: &'static str, status: StatusCode, body: ErrorBody) -> Error {
    Error::Api {
        operation,
        status: status.as_u16(),
        api_status: body.api_status,
        message: body.message,
        field_errors: body.field_errors,
        excerpt: body.excerpt,
    }
}

/// What an error response's body says, whatever its form.
#[derive(Debug, Default, PartialEq)]
struct ErrorBody {
    api_status: Option<i32>,
    message: Option<String>,
    field_errors: Vec<FieldError>,
    excerpt: Option<String>,
}

impl ErrorBody {
    /// Reads `{Status, Message}` (any key case), ProblemDetails, ASP.NET Web API's
    /// `{Message, ModelState}`, a JSON string, or else keeps a short excerpt of the text.
    fn read(body: &[u8], scrub: &Scrubber) -> Self {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::String(text)) => Self {
                message: Some(one_line(&scrub.clean(&text))).filter(|t| !t.is_empty()),
                ..Self::default()
            },
            Ok(value @ Value::Object(_)) => Self::from_json(&value, scrub),
            _ => Self {
                excerpt: Some(excerpt(&String::from_utf8_lossy(body), scrub))
                    .filter(|text| !text.is_empty()),
                ..Self::default()
            },
        }
    }

    fn from_json(body: &Value, scrub: &Scrubber) -> Self {
        let api_status = field(body, &["Status"])
            .and_then(Value::as_i64)
            .and_then(|code| i32::try_from(code).ok());
        let text = |names: &[&str]| {
            field(body, names)
                .and_then(Value::as_str)
                .map(|text| one_line(&scrub.clean(text)))
                .filter(|text| !text.is_empty())
        };
        let message = match (text(&["Message", "title", "error"]), text(&["detail"])) {
            (Some(title), Some(detail)) if title != detail => Some(format!("{title} ({detail})")),
            (title, detail) => title.or(detail),
        };
        let mut field_errors = Vec::new();
        if let Some(Value::Object(errors)) = field(body, &["errors", "ModelState"]) {
            for (name, messages) in errors {
                let name = scrub.clean(name.strip_prefix("$.").unwrap_or(name));
                let messages: Vec<&str> = match messages {
                    Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
                    Value::String(text) => vec![text.as_str()],
                    _ => Vec::new(),
                };
                for message in messages {
                    field_errors.push(FieldError {
                        field: name.clone(),
                        message: one_line(&scrub.clean(message)),
                    });
                }
            }
        }
        let excerpt = (api_status.is_none() && message.is_none() && field_errors.is_empty())
            .then(|| excerpt(&body.to_string(), scrub));
        Self {
            api_status,
            message,
            field_errors,
            excerpt,
        }
    }
}

/// The value of the first key of `names` that `body` has, in any case.
fn field<'a>(body: &'a Value, names: &[&str]) -> Option<&'a Value> {
    let object = body.as_object()?;
    names.iter().find_map(|name| {
        object
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value)
    })
}

/// The start of a body as one short line of text: the token removed first (a `<` or `>` in
/// it must not be taken for a tag), then tags dropped, white space folded, the rest cut.
fn excerpt(body: &str, scrub: &Scrubber) -> String {
    const MAX_CHARS: usize = 160;
    let body = scrub.clean(body);
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
    let folded = one_line(&text);
    let mut short: String = folded.chars().take(MAX_CHARS).collect();
    if short.len() < folded.len() {
        short.push('…');
    }
    short
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn error_bodies_in_every_form() {
        let scrub = Scrubber::new("tok3n");
        let read = |body: &str| ErrorBody::read(body.as_bytes(), &scrub);
        let documented = read(r#"{"status": 409, "message": "Campaign is already running"}"#);
        assert_eq!(documented.api_status, Some(409));
        assert_eq!(
            documented.message.as_deref(),
            Some("Campaign is already running")
        );
        let problem = read(
            r#"{"type": "https://tools.ietf.org/html/rfc9110#section-15.5.1",
                "title": "One or more validation errors occurred.", "status": 400,
                "errors": {"FirstName": ["The field FirstName must be a string with a maximum length of 63."],
                           "$.Email": ["Bad."]}}"#,
        );
        assert_eq!(problem.api_status, Some(400));
        assert_eq!(
            problem.message.as_deref(),
            Some("One or more validation errors occurred.")
        );
        assert_eq!(problem.field_errors.len(), 2);
        assert_eq!(problem.field_errors[0].field, "Email");
        assert_eq!(problem.field_errors[1].field, "FirstName");
        let web_api = read(
            r#"{"Message": "The request is invalid.", "ModelState": {"model.Name": ["Required."]}}"#,
        );
        assert_eq!(web_api.field_errors[0].field, "model.Name");
        assert_eq!(
            read(r#""Invalid token tok3n""#).message.as_deref(),
            Some("Invalid token ***")
        );
        assert_eq!(read("").excerpt, None);
        assert_eq!(
            read("<h1>Bad Gateway</h1>").excerpt.as_deref(),
            Some("Bad Gateway")
        );
        let unknown = read(r#"{"code": "E42"}"#);
        assert_eq!(unknown.excerpt.as_deref(), Some(r#"{"code":"E42"}"#));
    }
}
