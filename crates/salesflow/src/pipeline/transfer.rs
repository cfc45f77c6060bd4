//! Sends a prepared request and gets its response: the client's rate limit, the first-byte
//! and idle timeouts, retries, and a span that never shows the URL's query.
//!
//! `response.rs` and `list.rs` hand here the function that prepares a call's request
//! (`call::prepare`, again for each attempt). A whole response is read inside the retries,
//! so a transfer that breaks off is retried like a refused connection where the operation
//! is safe to repeat; a streamed response is handed over at its first byte.

use std::time::Duration;

use progenitor_client::ClientInfo;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use tracing::Instrument;

use super::body::{Body, Failure};
use super::operation::Operation;
use super::rate_limit::Turn;
use super::retry::Attempted;
use super::timeouts::{TimedOut, Timeouts, within};
use crate::{Client, Error};

/// How much of the response [`send`] reads before handing it over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reading {
    /// All of it, inside the retries.
    Whole,
    /// Its status and headers; the body is read by the caller, chunk by chunk.
    Streamed,
}

/// Salesflow's response to a request: status, headers, and its body or the way to read it.
pub(crate) struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Body,
    /// The attempt that got this response (1 for the first).
    pub attempt: u32,
}

/// Sends the request `prepare` builds for `operation`, and a new one from it again as the
/// retry policy allows (counting from attempt `attempt`); returns the response read as
/// `reading` says.
///
/// The request is built here, in the attempts' own state, rather than by the caller and
/// handed down: every `async fn` on the way would keep a copy of it, and a retry builds it
/// anew rather than sending a copy kept of the first.
pub(crate) async fn send<P>(
    client: &Client,
    operation: &'static Operation,
    prepare: &mut P,
    reading: Reading,
    attempt: u32,
) -> Result<Response, Error>
where
    P: FnMut() -> Result<reqwest::Request, Error>,
{
    let span = tracing::info_span!(
        "salesflow",
        operation = operation.name,
        method = tracing::field::Empty,
        path = tracing::field::Empty,
        attempts = tracing::field::Empty,
        status = tracing::field::Empty,
        duration_ms = tracing::field::Empty,
    );
    // Without a subscriber that wants it, the span costs nothing more.
    if span.is_disabled() {
        return attempts(client, operation, prepare, reading, attempt, None).await;
    }
    let traced = attempts(client, operation, prepare, reading, attempt, Some(&span));
    traced.instrument(span.clone()).await
}

async fn attempts<P>(
    client: &Client,
    operation: &'static Operation,
    prepare: &mut P,
    reading: Reading,
    mut attempt: u32,
    span: Option<&tracing::Span>,
) -> Result<Response, Error>
where
    P: FnMut() -> Result<reqwest::Request, Error>,
{
    let started = span.map(|_| tokio::time::Instant::now());
    let settings = client.inner();
    let policy = settings.retry();
    let mut named = false;
    let outcome = loop {
        let request = prepare()?;
        if let Some(span) = span.filter(|_| !named) {
            // Once: every attempt sends the same method and path.
            span.record("method", tracing::field::display(request.method()));
            span.record("path", request.url().path());
            named = true;
        }
        // The client's rate, concurrency cap and any 429 pause, for every attempt.
        let turn = settings.limiter.turn().await;
        let outcome = attempt_once(client, request, reading, turn, settings.timeouts).await;
        let outcome = match outcome {
            // reqwest could not make the request at all: no retry can help.
            Err(Failure::Http(error)) if error.is_builder() => {
                return Err(cannot_be_sent(operation.name, error));
            }
            other => other,
        };
        let attempted = match &outcome {
            Ok((status, headers, _)) => Attempted::Answered(*status, headers),
            Err(failure) => Attempted::Failed(failure.kind()),
        };
        if let Some(wait) = policy.pause_for(&attempted) {
            settings.limiter.pause(wait);
        }
        match policy.delay(attempt - 1, operation.idempotent, &attempted) {
            None => break outcome,
            Some(delay) => {
                tracing::debug!(
                    attempt,
                    status = status_of(&outcome),
                    retry_in_ms = millis(delay),
                    "retrying"
                );
                drop(outcome);
                tokio::time::sleep(delay).await;
                attempt += 1;
            }
        }
    };
    if let (Some(span), Some(started)) = (span, started) {
        span.record("attempts", attempt);
        span.record("status", status_of(&outcome));
        span.record("duration_ms", millis(started.elapsed()));
        tracing::debug!("done");
    }
    let (status, headers, body) = outcome.map_err(|failure| failure.into_error(operation.name))?;
    Ok(Response {
        status,
        headers,
        body,
        attempt,
    })
}

/// A request reqwest could not build (a URL it cannot send): the rule it breaks, without
/// the URL, and nothing sent.
pub(crate) fn cannot_be_sent(operation: &'static str, error: reqwest::Error) -> Error {
    let error = error.without_url();
    let why =
        std::error::Error::source(&error).map_or_else(|| error.to_string(), ToString::to_string);
    Error::InvalidRequest {
        operation,
        field: "request".to_owned(),
        // The token is added to a request once it is built: no text of this error has it.
        rule: format!("cannot be sent ({why}); nothing was sent"),
    }
}

/// What one attempt got: the response's status, headers and body.
type Outcome = Result<(StatusCode, HeaderMap, Body), Failure>;

async fn attempt_once(
    client: &Client,
    request: reqwest::Request,
    reading: Reading,
    turn: Turn,
    timeouts: Timeouts,
) -> Outcome {
    let sent = client.client().execute(request);
    let mut response = within(timeouts.first_byte, sent)
        .await
        .map_err(|after| Failure::TimedOut(TimedOut { idle: false, after }))?
        .map_err(Failure::Http)?;
    let status = response.status();
    // Taken, not copied: the body is read from the response without them.
    let headers = std::mem::take(response.headers_mut());
    let body = match reading {
        Reading::Streamed => Body::Streamed {
            response,
            idle: timeouts.idle,
            _turn: turn,
        },
        Reading::Whole => {
            let expected = response
                .content_length()
                .and_then(|length| usize::try_from(length).ok());
            // Read with the turn held, which goes with the streamed body when it is read.
            let mut streamed = Body::Streamed {
                response,
                idle: timeouts.idle,
                _turn: turn,
            };
            Body::Whole(Some(streamed.whole(expected).await?))
        }
    };
    Ok((status, headers, body))
}

/// The status of a response, or 0 when there was none.
fn status_of(outcome: &Outcome) -> u16 {
    outcome.as_ref().map_or(0, |(status, _, _)| status.as_u16())
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_reqwest_cannot_build_is_invalid_not_a_transport_failure() {
        // Building a client installs the TLS crypto provider `reqwest::Client::new` needs.
        crate::ClientBuilder::new().token("s3").build().unwrap();
        let unbuildable = reqwest::Client::new()
            .get("http://127.0.0.1:9/api/x?token=s3cret-token-1")
            .header("bad\nname", "v")
            .build()
            .unwrap_err();
        assert!(unbuildable.is_builder());
        let error = cannot_be_sent("importMember", unbuildable);
        assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
        assert!(!error.is_retryable());
        let shown = format!("{error} {error:?}");
        assert!(
            shown.contains("nothing was sent") && !shown.contains("s3cret"),
            "{shown}"
        );
    }
}
