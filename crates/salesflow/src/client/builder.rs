//! Builds a [`Client`]: token, hosts, timeouts, retries, User-Agent, TLS.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::pipeline::hosts;
use crate::{ApiToken, Client, RetryPolicy, Settings};

/// The environment variable [`ClientBuilder::from_env`] reads the token from.
pub const TOKEN_VAR: &str = "SALESFLOW_TOKEN";
/// The environment variable [`ClientBuilder::from_env`] reads the base URL from.
pub const BASE_URL_VAR: &str = "SALESFLOW_BASE_URL";

/// Configures a [`Client`].
///
/// Defaults: the production hosts; timeouts that fit responses of any size (10 s to connect,
/// 60 s from sending a request to the first byte of its response, 30 s of silence between
/// two chunks of a body, and no limit on a whole transfer, so that a 140 MB list on a slow
/// link is not cut off while its bytes keep coming); [`RetryPolicy::default`], User-Agent `salesflow-rs/<version>`, gzip-compressed responses,
/// no redirects followed and no `Referer` sent (a redirect would carry the token, which is in
/// the URL, to wherever it points), and HTTPS through rustls with ring (aws-lc-rs with the
/// `aws-lc` feature, the platform's TLS with `native-tls`). These safe defaults cannot be turned off: every
/// [`Client`] is made here.
///
/// ```
/// use std::time::Duration;
/// use salesflow::{ClientBuilder, RetryPolicy};
///
/// let client = ClientBuilder::new()
///     .token("abcdefghijklmnop123")
///     .timeout(Duration::from_secs(20))
///     .retry(RetryPolicy::default().max_retries(5))
///     .application("crm-sync/2.1")
///     .build()?;
/// # Ok::<(), salesflow::ConfigError>(())
/// ```
#[derive(Clone)]
pub struct ClientBuilder {
    token: Option<ApiToken>,
    base_url: String,
    statistics_url: Option<String>,
    connect_timeout: Option<Duration>,
    first_byte_timeout: Option<Duration>,
    idle_timeout: Option<Duration>,
    total_timeout: Option<Duration>,
    retry: RetryPolicy,
    application: Option<String>,
    configure: Option<Configure>,
    raw_responses: Option<crate::pipeline::RawResponses>,
    rate_limit: Option<crate::RateLimit>,
    max_concurrency: Option<usize>,
}

/// A user's adjustment of the HTTP client (proxy, certificates, pool).
type Configure = Arc<dyn Fn(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + Sync>;

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("token", &self.token)
            .field("base_url", &self.base_url)
            .field("statistics_url", &self.statistics_url)
            .field("connect_timeout", &self.connect_timeout)
            .field("first_byte_timeout", &self.first_byte_timeout)
            .field("idle_timeout", &self.idle_timeout)
            .field("total_timeout", &self.total_timeout)
            .field("retry", &self.retry)
            .field("application", &self.application)
            .field("configure_http", &self.configure.is_some())
            .field("on_raw_response", &self.raw_responses.is_some())
            .field("rate_limit", &self.rate_limit)
            .field("max_concurrency", &self.max_concurrency)
            .finish()
    }
}

/// Why a [`ClientBuilder`] could not build a client; the message says what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// No token was given, or it is empty or white space only.
    MissingToken,
    /// The base URL is not an absolute http(s) URL without a query string; holds the URL
    /// as shown (without its query, fragment or user info, which may hold secrets).
    BadBaseUrl(String),
    /// The application name cannot go into a User-Agent header.
    BadApplication(String),
    /// The HTTP client could not be built (for example, no TLS backend could start).
    Http(String),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingToken => write!(
                f,
                "no Salesflow API token (none given, or it is blank): call ClientBuilder::token \
                 or set {TOKEN_VAR}"
            ),
            Self::BadBaseUrl(value) => write!(
                f,
                "base URL {value} is not an absolute http:// or https:// URL without a query \
                 string or fragment (e.g. {}); the token is given apart, never in the URL",
                hosts::PRODUCTION_URL
            ),
            Self::BadApplication(value) => write!(
                f,
                "application name {value:?} cannot go into a User-Agent: use visible ASCII, like \"crm-sync/2.1\""
            ),
            Self::Http(reason) => write!(f, "the HTTP client could not be built: {reason}"),
        }
    }
}

impl std::error::Error for ConfigError {}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl ClientBuilder {
    /// A builder with the defaults and no token yet.
    pub fn new() -> Self {
        Self {
            token: None,
            base_url: hosts::PRODUCTION_URL.to_owned(),
            statistics_url: None,
            connect_timeout: Some(Duration::from_secs(10)),
            first_byte_timeout: Some(Duration::from_secs(60)),
            idle_timeout: Some(Duration::from_secs(30)),
            total_timeout: None,
            retry: RetryPolicy::default(),
            application: None,
            configure: None,
            raw_responses: None,
            rate_limit: None,
            max_concurrency: None,
        }
    }

    /// Reads `SALESFLOW_TOKEN` and `SALESFLOW_BASE_URL` where set, over what the builder
    /// has. (The account is a parameter of each call: `.account_id(321)`.)
    ///
    /// ```no_run
    /// let client = salesflow::ClientBuilder::new().from_env().build()?;
    /// # Ok::<(), salesflow::ConfigError>(())
    /// ```
    pub fn from_env(self) -> Self {
        self.from_vars(|name| std::env::var(name).ok())
    }

    /// Like [`from_env`](Self::from_env), with the variables looked up by `lookup`.
    ///
    /// ```
    /// use std::collections::HashMap;
    /// let vars = HashMap::from([("SALESFLOW_TOKEN", "abc"), ("SALESFLOW_BASE_URL", "http://127.0.0.1:8080/api")]);
    /// let client = salesflow::ClientBuilder::new()
    ///     .from_vars(|name| vars.get(name).map(|v| v.to_string()))
    ///     .build()?;
    /// assert_eq!(client.base_url(), "http://127.0.0.1:8080/api");
    /// # Ok::<(), salesflow::ConfigError>(())
    /// ```
    pub fn from_vars(mut self, lookup: impl Fn(&str) -> Option<String>) -> Self {
        let set = |name| lookup(name).filter(|value: &String| !value.trim().is_empty());
        if let Some(token) = set(TOKEN_VAR) {
            self.token = Some(ApiToken::new(token.trim()));
        }
        if let Some(url) = set(BASE_URL_VAR) {
            self.base_url = url.trim().to_owned();
        }
        self
    }

    /// The API token (required).
    pub fn token(mut self, token: impl Into<ApiToken>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Sends every operation to `url` (with its `/api` stem), e.g. a test server or a
    /// proxy, instead of the production hosts.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Sends `getCampaignStatistics`, which production serves from another host, to `url`.
    pub fn statistics_base_url(mut self, url: impl Into<String>) -> Self {
        self.statistics_url = Some(url.into());
        self
    }

    /// How long to wait for a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How long to wait from sending a request (connecting included) to the first byte of
    /// its response (default 60 s): the time Salesflow takes to start answering.
    pub fn first_byte_timeout(mut self, timeout: Duration) -> Self {
        self.first_byte_timeout = Some(timeout);
        self
    }

    /// How long a body may stall: the longest wait between two of its chunks (default 30 s).
    /// A large response takes as long as it needs while its bytes keep coming.
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = Some(timeout);
        self
    }

    /// A limit on a whole attempt, response included (none by default: a long list on a slow
    /// link could never meet it). For callers who need a hard deadline.
    pub fn total_timeout(mut self, timeout: Duration) -> Self {
        self.total_timeout = Some(timeout);
        self
    }

    /// Sets the first-byte and the idle timeout to `timeout` (what the `salesflow`
    /// command's `--timeout` does): no attempt waits longer than this for Salesflow to
    /// start answering, or for the next bytes of a response.
    ///
    /// ```
    /// use std::time::Duration;
    /// let client = salesflow::ClientBuilder::new()
    ///     .token("abcdefghijklmnop123")
    ///     .timeout(Duration::from_secs(20))
    ///     .connect_timeout(Duration::from_secs(5))
    ///     .build()?;
    /// # Ok::<(), salesflow::ConfigError>(())
    /// ```
    pub fn timeout(self, timeout: Duration) -> Self {
        self.first_byte_timeout(timeout).idle_timeout(timeout)
    }

    /// No timeouts at all: an attempt waits as long as the server takes. For tests on a
    /// paused tokio clock, where the connect timeout (a tokio timer) would fire at once.
    pub fn no_timeouts(mut self) -> Self {
        self.connect_timeout = None;
        self.first_byte_timeout = None;
        self.idle_timeout = None;
        self.total_timeout = None;
        self
    }

    /// How failed requests are retried ([`RetryPolicy::none`] to turn retries off).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Your application's name and version, added to the User-Agent:
    /// `salesflow-rs/0.1.0 crm-sync/2.1`.
    pub fn application(mut self, name: impl Into<String>) -> Self {
        self.application = Some(name.into());
        self
    }

    /// Adjusts the HTTP client the SDK builds: a proxy, extra root certificates, pool
    /// settings. `configure` gets reqwest's builder with the SDK's timeouts and User-Agent
    /// set; after it, the client is set again not to follow redirects and not to send a
    /// `Referer`, since either would carry the token (which is in the URL) elsewhere.
    ///
    /// ```
    /// let client = salesflow::ClientBuilder::new()
    ///     .token("abcdefghijklmnop123")
    ///     .configure_http(|http| http.pool_max_idle_per_host(4))
    ///     .build()?;
    /// # Ok::<(), salesflow::ConfigError>(())
    /// ```
    pub fn configure_http(
        mut self,
        configure: impl Fn(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + Sync + 'static,
    ) -> Self {
        self.configure = Some(Arc::new(configure));
        self
    }

    /// Calls `tap` with the status and the body of every response, as received (decompressed),
    /// before it is decoded, with the token replaced by `***` wherever the body repeats it:
    /// for logging, or to print the response exactly as Salesflow sent it (the `salesflow`
    /// command's `--raw`). Bodies can be large; `tap` should not keep more than it needs.
    ///
    /// ```
    /// let client = salesflow::ClientBuilder::new()
    ///     .token("abcdefghijklmnop123")
    ///     .on_raw_response(|status, body| eprintln!("{status}: {} bytes", body.len()))
    ///     .build()?;
    /// # Ok::<(), salesflow::ConfigError>(())
    /// ```
    pub fn on_raw_response(mut self, tap: impl Fn(u16, &[u8]) + Send + Sync + 'static) -> Self {
        self.raw_responses = Some(crate::pipeline::RawResponses(Arc::new(tap)));
        self
    }

    /// Starts at most this many requests a second (with a burst), across every clone of the
    /// client and every task using it. Salesflow documents no limit, so there is none by
    /// default; a 429 response pauses every caller of the client until its `Retry-After` has
    /// passed, limit or not.
    ///
    /// ```
    /// use salesflow::{ClientBuilder, RateLimit};
    /// let client = ClientBuilder::new()
    ///     .token("abcdefghijklmnop123")
    ///     .rate_limit(RateLimit::per_second(10).burst(5))
    ///     .max_concurrency(4)
    ///     .build()?;
    /// # Ok::<(), salesflow::ConfigError>(())
    /// ```
    pub fn rate_limit(mut self, limit: crate::RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }

    /// Sends at most `requests` at once, across every clone of the client (none by default).
    pub fn max_concurrency(mut self, requests: usize) -> Self {
        self.max_concurrency = Some(requests.max(1));
        self
    }

    /// The User-Agent the client sends.
    fn user_agent(&self) -> String {
        let base = concat!("salesflow-rs/", env!("CARGO_PKG_VERSION"));
        match &self.application {
            Some(app) => format!("{base} {app}"),
            None => base.to_owned(),
        }
    }

    /// The client.
    pub fn build(self) -> Result<Client, ConfigError> {
        let token = self
            .token
            .clone()
            .filter(|token| !token.expose().trim().is_empty())
            .ok_or(ConfigError::MissingToken)?;
        let base_url = checked_url(&self.base_url)?;
        let statistics_url = self
            .statistics_url
            .as_deref()
            .map(checked_url)
            .transpose()?;
        let hosts = hosts::Hosts::new(&base_url, statistics_url.as_deref())?;
        if let Some(app) = &self.application
            && (app.is_empty() || !app.bytes().all(|b| b.is_ascii_graphic() || b == b' '))
        {
            return Err(ConfigError::BadApplication(app.clone()));
        }
        install_crypto_provider();
        let mut http = reqwest::Client::builder().user_agent(self.user_agent());
        if let Some(timeout) = self.connect_timeout {
            http = http.connect_timeout(timeout);
        }
        if let Some(timeout) = self.total_timeout {
            http = http.timeout(timeout);
        }
        if let Some(configure) = &self.configure {
            http = configure(http);
        }
        let http = http
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .build()
            .map_err(|e| ConfigError::Http(e.without_url().to_string()))?;
        let settings = Settings {
            token,
            retry: self.retry,
            statistics_url,
            raw_responses: self.raw_responses.clone(),
            limiter: crate::pipeline::rate_limit::Limiter::new(
                self.rate_limit,
                self.max_concurrency,
            ),
            timeouts: crate::pipeline::timeouts::Timeouts {
                first_byte: self.first_byte_timeout,
                idle: self.idle_timeout,
            },
            hosts: Arc::new(hosts),
            scrubber: Default::default(),
        };
        Ok(Client::new_with_client(&base_url, http, settings))
    }
}

/// With the default `rustls` feature, makes ring rustls's process-wide crypto provider,
/// unless the program installed one already (then that one is used).
fn install_crypto_provider() {
    #[cfg(feature = "rustls")]
    {
        // rustls 0.23.48 deprecates ring's provider for having no post-quantum key
        // exchange; ring stays the default for its build (seconds, not aws-lc-sys's C
        // build), and the `aws-lc` feature gives the post-quantum one.
        #[allow(deprecated)]
        let provider = rustls::crypto::ring::default_provider();
        // Err means a provider is installed already: that one serves.
        let _ = provider.install_default();
    }
}

/// An absolute http(s) URL without a trailing slash.
fn checked_url(url: &str) -> Result<String, ConfigError> {
    let bad = || ConfigError::BadBaseUrl(shown_url(url));
    let parsed = reqwest::Url::parse(url.trim()).map_err(|_| bad())?;
    // A query string or a fragment would end up between the path stem and each
    // operation's path, or beside the token.
    let bare = parsed.query().is_none() && parsed.fragment().is_none();
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() || !bare {
        return Err(bad());
    }
    Ok(url.trim().trim_end_matches('/').to_owned())
}

/// A URL as an error may show it: up to its query string or fragment (`?…`), without user
/// info (`***@`). Either may hold a token someone put there.
fn shown_url(url: &str) -> String {
    let (stem, cut) = match url.find(['?', '#']) {
        Some(at) => (&url[..at], true),
        None => (url, false),
    };
    let stem = match (stem.find("://"), stem.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}***@{}", &stem[..scheme + 3], &stem[at + 1..])
        }
        (None, Some(at)) => format!("***@{}", &stem[at + 1..]),
        _ => stem.to_owned(),
    };
    format!("\"{stem}{}\"", if cut { "?…" } else { "" })
}

#[cfg(test)]
mod tests {
    use super::*;
    use progenitor_client::ClientInfo;

    #[test]
    fn defaults_go_to_production() {
        let client = ClientBuilder::new().token("t").build().unwrap();
        assert_eq!(client.baseurl(), "https://mvc.salesflow.io/api");
    }

    #[test]
    fn the_user_agent_names_the_sdk_and_the_application() {
        let builder = ClientBuilder::new().application("crm-sync/2.1");
        assert_eq!(
            builder.user_agent(),
            format!("salesflow-rs/{} crm-sync/2.1", env!("CARGO_PKG_VERSION"))
        );
    }

    #[test]
    fn bad_configuration_is_refused_with_what_to_do() {
        let missing = ClientBuilder::new().build().unwrap_err();
        assert_eq!(missing, ConfigError::MissingToken);
        assert!(missing.to_string().contains("set SALESFLOW_TOKEN"));
        for blank in ["", "  ", "\t\n"] {
            let error = ClientBuilder::new().token(blank).build().unwrap_err();
            assert_eq!(error, ConfigError::MissingToken, "{blank:?}");
        }
        let url = ClientBuilder::new()
            .token("t")
            .base_url("mvc.salesflow.io")
            .build();
        assert!(matches!(url, Err(ConfigError::BadBaseUrl(_))));
        for with_extra in ["http://127.0.0.1:9/api?x=1", "http://127.0.0.1:9/api#top"] {
            let url = ClientBuilder::new().token("t").base_url(with_extra).build();
            assert!(
                matches!(url, Err(ConfigError::BadBaseUrl(_))),
                "{with_extra}"
            );
        }
        // The error shows the URL without what may hold a secret.
        for (url, shown) in [
            (
                "http://127.0.0.1:9/api?token=s3cr\"t",
                "\"http://127.0.0.1:9/api?…\"",
            ),
            ("ftp://u:s3cr\"t@host/api", "\"ftp://***@host/api\""),
            ("no url#s3cr\"t", "\"no url?…\""),
        ] {
            let error = ClientBuilder::new()
                .token("t")
                .base_url(url)
                .build()
                .unwrap_err();
            assert_eq!(error, ConfigError::BadBaseUrl(shown.to_owned()));
            assert!(!error.to_string().contains("s3cr"), "{error}");
        }
        let app = ClientBuilder::new()
            .token("t")
            .application("bad\nname")
            .build();
        assert!(matches!(app, Err(ConfigError::BadApplication(_))));
    }

    #[test]
    fn debug_masks_the_token() {
        let builder = ClientBuilder::new().token("very-secret-token");
        assert!(!format!("{builder:?}").contains("very-secret-token"));
        let client = builder.build().unwrap();
        assert!(!format!("{client:?}").contains("very-secret-token"));
    }
}
