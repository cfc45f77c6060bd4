//! What a client carries besides its HTTP connection: token, retries, limits, hosts.

use std::fmt;
use std::sync::Arc;

use crate::{ApiToken, RetryPolicy};

/// A function of a response's status and raw body.
type Tap = dyn Fn(u16, &[u8]) + Send + Sync;

/// What [`ClientBuilder::on_raw_response`](crate::ClientBuilder::on_raw_response) calls.
#[derive(Clone)]
pub(crate) struct RawResponses(pub(crate) Arc<Tap>);

impl fmt::Debug for RawResponses {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RawResponses(..)")
    }
}

/// The settings a [`Client`](crate::Client) applies to every request. Made by
/// [`ClientBuilder`](crate::ClientBuilder); `Debug` masks the token.
///
/// ```
/// let client = salesflow::ClientBuilder::new().token("abc").build()?;
/// let settings = client.settings();
/// assert_eq!(settings.retry().retries(), 3);
/// assert!(!format!("{settings:?}").contains("abc"));
/// # Ok::<(), salesflow::ConfigError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Settings {
    pub(crate) token: ApiToken,
    pub(crate) retry: RetryPolicy,
    pub(crate) statistics_url: Option<String>,
    pub(crate) raw_responses: Option<RawResponses>,
    pub(crate) limiter: super::rate_limit::Limiter,
    pub(crate) timeouts: super::timeouts::Timeouts,
    /// Each operation's host, parsed once.
    pub(crate) hosts: Arc<super::hosts::Hosts>,
    /// What removes the token from texts a server sent back, built once it is needed.
    pub(crate) scrubber: super::scrub::LazyScrubber,
}

impl Settings {
    /// How failed requests are retried.
    pub fn retry(&self) -> &RetryPolicy {
        &self.retry
    }

    /// The base URL `getCampaignStatistics` is sent to, when set apart from the others.
    pub fn statistics_url(&self) -> Option<&str> {
        self.statistics_url.as_deref()
    }

    pub(crate) fn token(&self) -> &ApiToken {
        &self.token
    }

    /// Removes the token, in any form, from a text a server sent back.
    pub(crate) fn scrubber(&self) -> &super::scrub::Scrubber {
        self.scrubber.get(&self.token)
    }
}
