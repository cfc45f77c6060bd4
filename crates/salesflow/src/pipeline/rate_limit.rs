//! A request rate, a concurrency cap and a 429 pause, shared by every clone of a client.
//!
//! Salesflow documents no limits, so a client has none unless it is given one
//! ([`ClientBuilder::rate_limit`](crate::ClientBuilder::rate_limit),
//! [`ClientBuilder::max_concurrency`](crate::ClientBuilder::max_concurrency)). A 429 response
//! always pauses every caller of the client until its `Retry-After` has passed. The limiter
//! keeps time with tokio's clock, so tests on a paused clock see it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// How many requests a client may start: `per_second` on average, `burst` at once.
///
/// ```
/// use salesflow::RateLimit;
/// let limit = RateLimit::per_second(10).burst(5);
/// assert_eq!((limit.rate(), limit.burst_size()), (10.0, 5));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    per_second: f64,
    burst: u32,
}

impl RateLimit {
    /// `requests` a second, in a burst of one.
    ///
    /// # Panics
    /// If `requests` is zero.
    pub fn per_second(requests: u32) -> Self {
        assert!(
            requests > 0,
            "a rate limit of zero requests a second sends nothing"
        );
        Self {
            per_second: f64::from(requests),
            burst: 1,
        }
    }

    /// `requests` a minute, in a burst of one.
    ///
    /// # Panics
    /// If `requests` is zero.
    pub fn per_minute(requests: u32) -> Self {
        assert!(
            requests > 0,
            "a rate limit of zero requests a minute sends nothing"
        );
        Self {
            per_second: f64::from(requests) / 60.0,
            burst: 1,
        }
    }

    /// How many requests may start at once after a quiet time (at least one).
    pub fn burst(mut self, requests: u32) -> Self {
        self.burst = requests.max(1);
        self
    }

    /// The average rate, in requests a second.
    pub fn rate(&self) -> f64 {
        self.per_second
    }

    /// The burst.
    pub fn burst_size(&self) -> u32 {
        self.burst
    }
}

/// The shared state: a token bucket, a pause, a semaphore. Cheap to clone (one `Arc`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Limiter(Arc<Shared>);

#[derive(Debug, Default)]
struct Shared {
    bucket: Option<Mutex<Bucket>>,
    paused_until: Mutex<Option<Instant>>,
    slots: Option<Arc<Semaphore>>,
}

#[derive(Debug)]
struct Bucket {
    limit: RateLimit,
    tokens: f64,
    last: Instant,
}

/// The right to send one request; a concurrency slot is held until it is dropped.
pub(crate) struct Turn {
    _slot: Option<OwnedSemaphorePermit>,
}

impl Limiter {
    pub(crate) fn new(rate: Option<RateLimit>, max_concurrency: Option<usize>) -> Self {
        Self(Arc::new(Shared {
            bucket: rate.map(|limit| {
                Mutex::new(Bucket {
                    limit,
                    tokens: f64::from(limit.burst),
                    last: Instant::now(),
                })
            }),
            paused_until: Mutex::new(None),
            slots: max_concurrency.map(|n| Arc::new(Semaphore::new(n.max(1)))),
        }))
    }

    /// Waits for a concurrency slot, the end of any 429 pause, and a token of the rate.
    pub(crate) async fn turn(&self) -> Turn {
        let slot = match &self.0.slots {
            Some(slots) => Arc::clone(slots).acquire_owned().await.ok(),
            None => None,
        };
        loop {
            let paused = *self.0.paused_until.lock().expect("not poisoned");
            if let Some(until) = paused
                && until > Instant::now()
            {
                tokio::time::sleep_until(until).await;
                continue;
            }
            match self.take_token() {
                None => return Turn { _slot: slot },
                Some(wait) => tokio::time::sleep(wait).await,
            }
        }
    }

    /// Takes a token, or says how long until one is there.
    fn take_token(&self) -> Option<Duration> {
        let bucket = self.0.bucket.as_ref()?;
        let mut bucket = bucket.lock().expect("not poisoned");
        let now = Instant::now();
        let elapsed = now.duration_since(bucket.last).as_secs_f64();
        bucket.last = now;
        let burst = f64::from(bucket.limit.burst);
        bucket.tokens = (bucket.tokens + elapsed * bucket.limit.per_second).min(burst);
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            None
        } else {
            Some(Duration::from_secs_f64(
                (1.0 - bucket.tokens) / bucket.limit.per_second,
            ))
        }
    }

    /// A 429 asked to wait `wait`: nobody using this client sends before it has passed.
    pub(crate) fn pause(&self, wait: Duration) {
        let until = Instant::now() + wait;
        let mut paused = self.0.paused_until.lock().expect("not poisoned");
        if paused.is_none_or(|current| current < until) {
            *paused = Some(until);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_thousand_callers_at_ten_a_second_take_a_hundred_seconds() {
        let limiter = Limiter::new(Some(RateLimit::per_second(10)), None);
        let started = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..1000 {
            let limiter = limiter.clone();
            tasks.push(tokio::spawn(async move {
                let _turn = limiter.turn().await;
                Instant::now()
            }));
        }
        let mut times = Vec::new();
        for task in tasks {
            times.push(task.await.expect("no call is lost").duration_since(started));
        }
        assert_eq!(times.len(), 1000);
        let total = times.iter().max().unwrap().as_secs_f64();
        assert!((99.0..=101.0).contains(&total), "took {total} s");
        // No one-second window holds more than the rate plus the burst.
        times.sort();
        for (i, start) in times.iter().enumerate() {
            let in_window = times[i..]
                .iter()
                .take_while(|t| **t < *start + Duration::from_secs(1))
                .count();
            assert!(in_window <= 11, "{in_window} in the second from {start:?}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_pause_holds_every_caller() {
        let limiter = Limiter::new(None, None);
        limiter.pause(Duration::from_secs(2));
        let started = Instant::now();
        let a = tokio::spawn({
            let limiter = limiter.clone();
            async move {
                let _turn = limiter.turn().await;
                Instant::now()
            }
        });
        let b = limiter.turn();
        let _turn = b.await;
        assert!(started.elapsed() >= Duration::from_secs(2));
        assert!(a.await.unwrap().duration_since(started) >= Duration::from_secs(2));
    }

    #[tokio::test(start_paused = true)]
    async fn the_concurrency_cap_holds_the_next_caller_until_a_turn_ends() {
        let limiter = Limiter::new(None, Some(1));
        let first = limiter.turn().await;
        let waiting = tokio::spawn({
            let limiter = limiter.clone();
            async move {
                let _turn = limiter.turn().await;
            }
        });
        tokio::time::sleep(Duration::from_millis(10)).await;
        assert!(!waiting.is_finished(), "the cap of one is taken");
        drop(first);
        waiting.await.unwrap();
    }
}
