//! Faults to inject: every `every`-th request of the chosen operations fails, in turn, as
//! each of `kinds` says. What a client that must survive a bad network is tested against.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

/// One way a request fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fault {
    /// `429 Too Many Requests` with `Retry-After: 0`; the request is not carried out.
    #[serde(rename = "429")]
    TooManyRequests,
    /// `503 Service Unavailable`, as IIS answers when its queue is full; not carried out.
    #[serde(rename = "503")]
    Unavailable,
    /// Carried out, then the answer is held back for `stall_ms`: the client times out.
    Timeout,
    /// Carried out, then the connection breaks off in the middle of the answer.
    Reset,
    /// The connection breaks off before the request is carried out.
    Drop,
}

impl Fault {
    /// Whether the request is carried out before the fault.
    pub fn after_work(self) -> bool {
        matches!(self, Self::Timeout | Self::Reset)
    }
}

/// Which requests fail, and how (`PUT /__emulator/faults`, `--fault KIND`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", default, deny_unknown_fields)]
pub struct Faults {
    /// Every how many matching requests one fails (0: none).
    pub every: u64,
    /// The kinds of failure, taken in turn.
    pub kinds: Vec<Fault>,
    /// The operations (operationIds) whose requests count; empty: every operation.
    pub operations: Vec<String>,
    /// How long a `timeout` holds its answer back, in milliseconds.
    pub stall_ms: u64,
    /// Matching requests seen so far (read only: what the emulator counted).
    pub seen: u64,
    /// Faults injected so far (read only).
    pub injected: u64,
}

impl Default for Faults {
    fn default() -> Self {
        Self {
            every: 0,
            kinds: Vec::new(),
            operations: Vec::new(),
            stall_ms: 5_000,
            seen: 0,
            injected: 0,
        }
    }
}

impl Faults {
    /// The kind names, as `--fault` and the JSON take them.
    pub const NAMES: [&'static str; 5] = ["429", "503", "timeout", "reset", "drop"];

    /// The fault for the next request of `operation`, if it is to fail.
    pub(crate) fn next(&mut self, operation: &str) -> Option<Fault> {
        if self.every == 0 || self.kinds.is_empty() {
            return None;
        }
        if !self.operations.is_empty() && !self.operations.iter().any(|op| op == operation) {
            return None;
        }
        self.seen += 1;
        if !self.seen.is_multiple_of(self.every) {
            return None;
        }
        let fault = self.kinds[(self.injected % self.kinds.len() as u64) as usize];
        self.injected += 1;
        Some(fault)
    }

    /// How long a `timeout` stalls.
    pub(crate) fn stall(&self) -> Duration {
        Duration::from_millis(self.stall_ms)
    }
}

/// The answer of a fault that refuses the request.
pub(crate) fn refusal(fault: Fault) -> Response {
    let (status, message) = match fault {
        Fault::TooManyRequests => (StatusCode::TOO_MANY_REQUESTS, "Too many requests"),
        _ => (StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable"),
    };
    let body = serde_json::json!({"Status": status.as_u16(), "Message": message});
    let mut response = (status, axum::Json(body)).into_response();
    if fault == Fault::TooManyRequests {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("0"));
    }
    response
}

/// An answer whose body breaks off: the client sees the connection end mid-answer.
pub(crate) fn broken() -> Response {
    let mut response = Response::new(Body::from_stream(BrokenBody(false)));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}

/// A body that sends the start of a JSON object, then fails.
struct BrokenBody(bool);

impl futures_core::Stream for BrokenBody {
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        let item = if self.0 {
            Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "injected reset",
            ))
        } else {
            Ok(Bytes::from_static(b"{\"MemberId\":"))
        };
        self.0 = true;
        std::task::Poll::Ready(Some(item))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_nth_matching_request_fails_in_turn() {
        let mut faults = Faults {
            every: 2,
            kinds: vec![Fault::TooManyRequests, Fault::Reset],
            operations: vec!["importMember".to_owned()],
            ..Faults::default()
        };
        let seen: Vec<Option<Fault>> = (0..5).map(|_| faults.next("importMember")).collect();
        assert_eq!(
            seen,
            [
                None,
                Some(Fault::TooManyRequests),
                None,
                Some(Fault::Reset),
                None
            ]
        );
        assert_eq!(faults.next("listCampaigns"), None);
        assert_eq!(faults.injected, 2);
        let parsed: Faults =
            serde_json::from_str(r#"{"every": 3, "kinds": ["503", "timeout", "drop"]}"#).unwrap();
        assert_eq!(
            parsed.kinds,
            [Fault::Unavailable, Fault::Timeout, Fault::Drop]
        );
    }
}
