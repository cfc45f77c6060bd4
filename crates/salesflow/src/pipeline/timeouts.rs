//! The first-byte and idle timeouts of an attempt, kept by tokio's timers.

use std::fmt;
use std::future::Future;
use std::time::Duration;

/// How long an attempt may wait, besides the connect timeout (which reqwest applies).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Timeouts {
    /// From sending the request (connecting included) to the response's status line.
    pub first_byte: Option<Duration>,
    /// Between two chunks of the body.
    pub idle: Option<Duration>,
}

/// `work`, unless `after` passes first: a tokio timer, which tests on a paused clock drive.
/// The first-byte and idle timeouts cost a small call about 2% (`cargo bench -p
/// salesflow-tests --bench performance -- --small-only`: 1.021x against the same client
/// without timeouts, median of 21 rounds); the watchdog thread they replaced measured 1.020x
/// in the same bench.
pub(crate) async fn within<T>(
    after: Option<Duration>,
    work: impl Future<Output = T>,
) -> Result<T, Duration> {
    match after {
        None => Ok(work.await),
        Some(after) => tokio::time::timeout(after, work).await.map_err(|_| after),
    }
}

/// A timeout of the SDK's that ran out: which one, and after how long.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TimedOut {
    /// The idle timeout (else the first-byte one).
    pub idle: bool,
    pub after: Duration,
}

impl fmt::Display for TimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seconds = self.after.as_secs_f64();
        if self.idle {
            write!(
                f,
                "the idle timeout: the response stalled, no data for {seconds} s"
            )
        } else {
            write!(
                f,
                "the first-byte timeout: no response within {seconds} s of sending the request"
            )
        }
    }
}

impl std::error::Error for TimedOut {}
