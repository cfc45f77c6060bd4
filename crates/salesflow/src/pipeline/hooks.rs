//! The hooks progenitor calls around every request: host, rules, token, retries, tracing.

use std::time::Duration;

use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};
use tracing::Instrument;

use super::{answer, hosts, operation, token, validation};
use crate::{Client, Settings};

impl ClientHooks<Settings> for Client {
    /// Routes to the operation's host, checks the spec's rules, then adds the token (last,
    /// so nothing before it can see the token).
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        let operation = operation::find(info.operation_id);
        hosts::route(request, self.baseurl(), self.inner(), operation);
        validation::check(operation, request)
            .map_err(|violation| Error::Custom(answer::encode_violation(&violation)))?;
        with_length(request);
        token::authenticate(request, self.inner().token());
        Ok(())
    }

    /// Sends the request, again as the retry policy allows, in a span that records the
    /// operation, method, path (never the query, which holds the token), attempts, status
    /// and duration. The body is read here, inside the retries, so a transfer that breaks
    /// off is retried like a refused connection where the operation is safe to repeat.
    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let operation = operation::find(info.operation_id);
        let span = tracing::info_span!(
            "salesflow",
            operation = operation.name,
            method = %request.method(),
            path = request.url().path(),
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        async move {
            let started = tokio::time::Instant::now();
            let policy = self.inner().retry();
            let mut attempt: u32 = 1;
            let outcome = loop {
                // The client's rate, concurrency cap and any 429 pause, for every attempt.
                let turn = self.inner().limiter.turn().await;
                // A JSON or empty body can always be cloned; keep the original for a retry.
                let Some(copy) = request.try_clone() else {
                    break whole(self.client().execute(request).await).await;
                };
                let outcome = whole(self.client().execute(copy).await).await;
                drop(turn);
                if let Some(wait) = policy.pause_for(&outcome) {
                    self.inner().limiter.pause(wait);
                }
                match policy.delay(attempt - 1, operation.idempotent, &outcome) {
                    None => break outcome,
                    Some(delay) => {
                        tracing::debug!(
                            attempt,
                            status = status_of(&outcome),
                            retry_in_ms = millis(delay),
                            "retrying"
                        );
                        tokio::time::sleep(delay).await;
                        attempt += 1;
                    }
                }
            };
            let span = tracing::Span::current();
            span.record("attempts", attempt);
            span.record("status", status_of(&outcome));
            span.record("duration_ms", millis(started.elapsed()));
            tracing::debug!("done");
            outcome
        }
        .instrument(span)
        .await
    }
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

/// The answer with its whole body read, or the error that broke the transfer off.
async fn whole(outcome: reqwest::Result<reqwest::Response>) -> reqwest::Result<reqwest::Response> {
    let response = outcome?;
    let mut head = http::Response::builder()
        .status(response.status())
        .version(response.version());
    if let Some(headers) = head.headers_mut() {
        *headers = response.headers().clone();
    }
    let body = response.bytes().await?;
    Ok(head
        .body(body)
        .expect("the parts of a valid response")
        .into())
}

/// The status of an answer, or 0 when there was none.
fn status_of(outcome: &reqwest::Result<reqwest::Response>) -> u16 {
    outcome
        .as_ref()
        .map_or(0, |response| response.status().as_u16())
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
