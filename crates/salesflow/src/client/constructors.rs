//! Shortcuts for the common cases of [`ClientBuilder`](crate::ClientBuilder).

use crate::pipeline::hosts;
use crate::{ApiToken, Client, ClientBuilder};

impl Client {
    /// The production API host of every operation but `getCampaignStatistics`, which the
    /// client sends to `https://app.salesflow.io/api` when this is its base URL.
    pub const PRODUCTION_URL: &'static str = hosts::PRODUCTION_URL;

    /// A builder: token, default account, hosts, timeouts, retries.
    ///
    /// ```
    /// let client = salesflow::Client::builder().token("abcdefghijklmnop123").build()?;
    /// # Ok::<(), salesflow::ConfigError>(())
    /// ```
    ///
    /// Every client is made by [`ClientBuilder`], so none can follow redirects (which would
    /// carry the token elsewhere). There is no constructor around it:
    ///
    /// ```compile_fail
    /// let http = salesflow::reqwest::Client::new(); // follows redirects
    /// let settings = salesflow::Settings::new("abcdefghijklmnop123");
    /// let client = salesflow::Client::new_with_client("https://mvc.salesflow.io/api", http, settings);
    /// ```
    ///
    /// ```compile_fail
    /// let settings = salesflow::Client::with_token("t").unwrap().settings().clone();
    /// let client = salesflow::Client::new("https://mvc.salesflow.io/api", settings);
    /// ```
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client for the production API with the default settings, authenticated with
    /// `token`; a blank token is [`ConfigError::MissingToken`](crate::ConfigError::MissingToken).
    ///
    /// ```
    /// let client = salesflow::Client::with_token("abcdefghijklmnop123")?;
    /// assert_eq!(client.base_url(), "https://mvc.salesflow.io/api");
    /// assert!(salesflow::Client::with_token("  ").is_err());
    /// # Ok::<(), salesflow::ConfigError>(())
    /// ```
    pub fn with_token(token: impl Into<ApiToken>) -> Result<Self, crate::ConfigError> {
        ClientBuilder::new().token(token).build()
    }

    /// A client for the API at `base_url` (a test server, a proxy) with the default
    /// settings, authenticated with `token`. `base_url` includes any path stem (`/api`).
    ///
    /// ```
    /// let client = salesflow::Client::with_base_url("http://127.0.0.1:8080/api", "token")?;
    /// assert_eq!(client.base_url(), "http://127.0.0.1:8080/api");
    /// assert!(salesflow::Client::with_base_url("127.0.0.1:8080", "token").is_err());
    /// # Ok::<(), salesflow::ConfigError>(())
    /// ```
    pub fn with_base_url(
        base_url: &str,
        token: impl Into<ApiToken>,
    ) -> Result<Self, crate::ConfigError> {
        ClientBuilder::new().base_url(base_url).token(token).build()
    }
}
