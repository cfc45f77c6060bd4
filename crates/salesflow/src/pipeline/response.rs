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

use super::body::Body;
use super::call::{Call, preparer};
use super::error_body::{ErrorBody, field};
use super::operation::{EmptyResponse, Operation};
use super::scrub::Scrubber;
use super::transfer::{self, Reading};
use crate::wire::lenient_json;
use crate::{Client, Error};

/// The UTF-8 byte-order mark .NET's `Encoding.UTF8` writes before a body.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The end of every generated `send()` but those of lists: `call` sent (built again for a
/// retry), its response decoded or the SDK's error.
pub(crate) fn finish<'a, T, C>(
    call: C,
) -> impl Future<Output = Result<ResponseValue<T>, Error>> + Send + 'a
where
    T: DeserializeOwned + 'a,
    C: Call<'a, Output = T>,
{
    let (client, operation) = (call.client(), C::OPERATION);
    let mut request = preparer(call);
    async move {
        let response = transfer::send(client, operation, &mut request, Reading::Whole, 1).await?;
        let status = response.status;
        let Body::Whole(Some(body)) = response.body else {
            unreachable!("a whole response has its body");
        };
        tap(client, status, &body);
        let scrub = || client.inner().scrubber();
        read::<T>(operation, status, &body, scrub)
            .map(|value| ResponseValue::new(value, status, response.headers))
    }
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
