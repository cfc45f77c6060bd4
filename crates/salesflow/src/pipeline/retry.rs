//! When to send a request again: backoff with full jitter, Retry-After, per-operation safety.

use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

use super::error::TransportKind;

/// What an attempt got, as far as retrying goes.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Attempted<'a> {
    /// A response with this status and these headers.
    Answered(StatusCode, &'a HeaderMap),
    /// No (whole) response.
    Failed(TransportKind),
}

/// How the client retries a failed request.
///
/// A request is retried on a connection error, and on 408, 429, 502, 503 and 504 responses
/// (and on a timeout, a reset connection or a truncated body), with exponential backoff
/// and full jitter: before retry `n` (from 0)
/// the client waits a random time between zero and
/// `min(max_delay, initial_delay × 2ⁿ)`, or what the server's `Retry-After` asks if it
/// answered one (seconds or an HTTP date), unless that is longer than `max_retry_after`,
/// in which case it gives up at once.
///
/// Operations that create or change something (`importMember`, a GET; the POSTs but
/// `listContactsByPublicIdentifiers`) are retried only when the request surely did not
/// reach the server (a connection error) or the server refused it (429): a timeout, a reset
/// or a 502 could follow a request that was carried out.
///
/// ```
/// use std::time::Duration;
/// use salesflow::RetryPolicy;
///
/// let patient = RetryPolicy::default()
///     .max_retries(5)
///     .initial_delay(Duration::from_secs(1));
/// assert_eq!(patient.retries(), 5);
/// assert_eq!(RetryPolicy::none().retries(), 0);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_delay: Duration,
    max_delay: Duration,
    max_retry_after: Duration,
    retry_timeouts: bool,
}

impl Default for RetryPolicy {
    /// 3 retries, from 500 ms up to 30 s apart; a `Retry-After` of up to 60 s is honoured.
    fn default() -> Self {
        Self {
            max_retries: 3,
            initial_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(60),
            retry_timeouts: true,
        }
    }
}

impl RetryPolicy {
    /// No retries: every request is sent once.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// How many times a request may be sent again after the first try.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// The upper bound of the first random delay; it doubles with each retry.
    pub fn initial_delay(mut self, delay: Duration) -> Self {
        self.initial_delay = delay;
        self
    }

    /// The largest upper bound of a random delay.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The longest `Retry-After` the client waits for; a longer one ends the retries.
    pub fn max_retry_after(mut self, delay: Duration) -> Self {
        self.max_retry_after = delay;
        self
    }

    /// Whether an attempt that timed out is sent again (by default it is, where that is
    /// safe). Turned off, a server that does not answer costs one timeout, not one per
    /// try: what the `salesflow` command does, so that a call ends within about a minute.
    ///
    /// ```
    /// let once = salesflow::RetryPolicy::default().retry_timeouts(false);
    /// assert_eq!(once.retries(), 3, "other failures are still retried");
    /// ```
    pub fn retry_timeouts(mut self, retry: bool) -> Self {
        self.retry_timeouts = retry;
        self
    }

    /// How many retries this policy allows.
    pub fn retries(&self) -> u32 {
        self.max_retries
    }

    /// How long to wait before retry number `retry` (from 0) after `attempted`, or `None`
    /// to stop and hand the outcome to the caller.
    pub(crate) fn delay(
        &self,
        retry: u32,
        idempotent: bool,
        attempted: &Attempted<'_>,
    ) -> Option<Duration> {
        if retry >= self.max_retries {
            return None;
        }
        match *attempted {
            Attempted::Failed(TransportKind::Connect) => Some(self.backoff(retry)),
            Attempted::Failed(TransportKind::Timeout) if !self.retry_timeouts => None,
            // A timeout, a reset connection, a truncated body: the request may have been
            // carried out, so it is sent again only if that is safe.
            Attempted::Failed(_) if idempotent => Some(self.backoff(retry)),
            Attempted::Failed(_) => None,
            Attempted::Answered(status, headers) => {
                let retryable = status == StatusCode::TOO_MANY_REQUESTS
                    || (idempotent
                        && matches!(
                            status,
                            StatusCode::REQUEST_TIMEOUT
                                | StatusCode::BAD_GATEWAY
                                | StatusCode::SERVICE_UNAVAILABLE
                                | StatusCode::GATEWAY_TIMEOUT
                        ));
                if !retryable {
                    return None;
                }
                match retry_after(headers, SystemTime::now()) {
                    Some(wait) if wait > self.max_retry_after => None,
                    Some(wait) => Some(wait),
                    None => Some(self.backoff(retry)),
                }
            }
        }
    }

    /// How long a 429 with `Retry-After` asks every caller to wait (capped like a retry's).
    pub(crate) fn pause_for(&self, attempted: &Attempted<'_>) -> Option<Duration> {
        let Attempted::Answered(StatusCode::TOO_MANY_REQUESTS, headers) = *attempted else {
            return None;
        };
        retry_after(headers, SystemTime::now()).map(|wait| wait.min(self.max_retry_after))
    }

    /// Full jitter: a random time up to `min(max_delay, initial_delay × 2^retry)`.
    fn backoff(&self, retry: u32) -> Duration {
        let ceiling = self
            .initial_delay
            .saturating_mul(2u32.saturating_pow(retry))
            .min(self.max_delay);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(fastrand::u64(0..=nanos))
    }
}

/// The wait a `Retry-After` header asks for: seconds, or an HTTP date (from `now`).
fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = httpdate::parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT").unwrap();
        assert_eq!(
            retry_after(&headers("2"), now),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            retry_after(&headers("Wed, 21 Oct 2015 07:28:30 GMT"), now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            retry_after(&headers("Wed, 21 Oct 2015 07:27:00 GMT"), now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after(&headers("soon"), now), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn backoff_stays_under_the_doubling_ceiling() {
        let policy = RetryPolicy::default()
            .initial_delay(Duration::from_millis(100))
            .max_delay(Duration::from_millis(350));
        for _ in 0..200 {
            assert!(policy.backoff(0) <= Duration::from_millis(100));
            assert!(policy.backoff(1) <= Duration::from_millis(200));
            assert!(policy.backoff(2) <= Duration::from_millis(350));
            assert!(policy.backoff(40) <= Duration::from_millis(350));
        }
    }

    #[test]
    fn backoff_is_spread_over_the_whole_window() {
        // Full jitter: uniform between zero and the ceiling. A backoff that always waited
        // zero, or always the ceiling, fails here; a fair one fails with a probability far
        // below 1e-9 (the mean of 4,000 uniform draws is within 15% of the middle).
        let policy = RetryPolicy::default()
            .initial_delay(Duration::from_millis(100))
            .max_delay(Duration::from_secs(10));
        for (retry, ceiling) in [(0, 100.0), (2, 400.0)] {
            let draws: Vec<f64> = (0..4000)
                .map(|_| policy.backoff(retry).as_secs_f64() * 1000.0)
                .collect();
            let mean = draws.iter().sum::<f64>() / draws.len() as f64;
            assert!(
                (mean - ceiling / 2.0).abs() < ceiling * 0.15,
                "mean {mean} of {ceiling}"
            );
            assert!(draws.iter().any(|d| *d < ceiling * 0.1), "some short waits");
            assert!(draws.iter().any(|d| *d > ceiling * 0.9), "some long waits");
        }
    }

    #[test]
    fn a_timeout_is_retried_unless_the_policy_says_not() {
        let timeout = Attempted::Failed(TransportKind::Timeout);
        let connect = Attempted::Failed(TransportKind::Connect);
        let policy = RetryPolicy::default();
        assert!(policy.delay(0, true, &timeout).is_some());
        let policy = policy.retry_timeouts(false);
        assert!(policy.delay(0, true, &timeout).is_none());
        assert!(policy.delay(0, true, &connect).is_some());
    }
}
