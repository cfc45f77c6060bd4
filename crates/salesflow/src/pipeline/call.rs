//! The seam between the generated code and the pipeline: a builder describes its operation
//! ([`Call`], implemented for every builder by `cargo xtask gen`); everything else is here
//! and in the files beside it, written once for every operation.
//!
//! A call is checked on the values set (the spec's rules), built into a request by
//! progenitor's own code, given a body length where it has none, then the token (last, so
//! nothing before it can see the token), then its query string is measured against what
//! the server takes. Sending and reading the response are `transfer.rs`'s, `response.rs`'s and
//! `list.rs`'s.

use progenitor_client::ClientInfo;
use serde::de::DeserializeOwned;

use super::operation::Operation;
use super::validation::{self, Violation};
use super::{token, transfer};
use crate::{Client, Error};

/// An operation's builder, as the pipeline sends it. Implemented by the generated code
/// (xtask/src/builder_rewrite.rs), never by hand.
pub(crate) trait Call<'a>: Clone + Send + 'a {
    /// What the spec says about the operation (its entry in `generated/operations.rs`).
    const OPERATION: &'static Operation;
    /// What a 2xx response decodes into.
    type Output: DeserializeOwned;
    /// The client the builder was made by.
    fn client(&self) -> &'a Client;
    /// The spec's rules, checked on the values set.
    fn check_rules(&self) -> Result<(), Violation>;
    /// The request progenitor's code builds, without the token.
    fn build(self) -> Result<reqwest::Request, Error>;
}

/// What `check()` of every builder runs: all that `send()` checks, without sending.
pub(crate) fn check<'a, C: Call<'a>>(call: &C) -> Result<(), Error> {
    prepare(call.clone()).map(drop)
}

/// How each attempt of a call gets its request: [`prepare`] of a clone of the call. Boxed,
/// so that the futures of `send()` hold no closure over `C: Call<'a>`: rustc cannot prove
/// such a future `Send` for every lifetime, which a caller's `async fn` taking `&Client`,
/// spawned, needs (tests/send_futures.rs). (`stream()` keeps its closure: its stream is
/// declared `Send`, and the box cost its failing-items benchmark row about 5%.)
pub(crate) type Preparer<'a> = Box<dyn FnMut() -> Result<reqwest::Request, Error> + Send + 'a>;

/// The [`Preparer`] of `call`.
pub(crate) fn preparer<'a, C: Call<'a>>(call: C) -> Preparer<'a> {
    Box::new(move || prepare(call.clone()))
}

/// The request of `call`, checked, built and authenticated: what an attempt sends.
pub(crate) fn prepare<'a, C: Call<'a>>(call: C) -> Result<reqwest::Request, Error> {
    let (client, name) = (call.client(), C::OPERATION.name);
    let refused = |violation: Violation| violation.into_error(name);
    call.check_rules().map_err(refused)?;
    let mut request = call.build()?;
    with_length(&mut request);
    token::authenticate(&mut request, client.inner().token());
    validation::check_query_length(C::OPERATION, &request).map_err(refused)?;
    Ok(request)
}

/// A POST (or PUT, PATCH) without a body gets an empty one and `Content-Length: 0`: IIS
/// (http.sys) answers a POST with neither a body nor a length `411 Length Required`.
fn with_length(request: &mut reqwest::Request) {
    let method = request.method();
    let needs_length = method == reqwest::Method::POST
        || method == reqwest::Method::PUT
        || method == reqwest::Method::PATCH;
    if needs_length && request.body().is_none() {
        *request.body_mut() = Some(reqwest::Body::from(Vec::new()));
        request.headers_mut().insert(
            reqwest::header::CONTENT_LENGTH,
            reqwest::header::HeaderValue::from_static("0"),
        );
    }
}

/// Why progenitor's code built no request, in the SDK's terms: a value missing or not
/// convertible (its builder's message), or a request reqwest cannot make.
pub(crate) fn not_built<E>(operation: &'static str, error: progenitor_client::Error<E>) -> Error {
    match error {
        progenitor_client::Error::InvalidRequest(message) => {
            invalid_builder_input(operation, &message)
        }
        progenitor_client::Error::CommunicationError(source) => {
            transfer::cannot_be_sent(operation, source)
        }
        // Only the two above come from building a request.
        other => Error::InvalidRequest {
            operation,
            field: "request".to_owned(),
            rule: format!("cannot be built ({})", std::any::type_name_of_val(&other)),
        },
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
        // The API's names (`firstName`), as progenitor converts them.
        field: heck::ToLowerCamelCase::to_lower_camel_case(field),
        rule,
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
}
