//! Constructors that pick the production host and take the token once.

use crate::{ApiToken, Client, hosts};

impl Client {
    /// The production API host of every operation but `getCampaignStatistics`, which the
    /// client sends to `https://app.salesflow.io/api` when this is its base URL.
    pub const PRODUCTION_URL: &'static str = hosts::PRODUCTION_URL;

    /// A client for the production API, authenticated with `token`.
    ///
    /// ```
    /// let client = salesflow::Client::with_token("abcdefghijklmnop123");
    /// assert_eq!(salesflow::ClientInfo::baseurl(&client), "https://mvc.salesflow.io/api");
    /// ```
    pub fn with_token(token: impl Into<ApiToken>) -> Self {
        Self::with_base_url(Self::PRODUCTION_URL, token)
    }

    /// A client for the API at `base_url` (a test server, a proxy), authenticated with
    /// `token`. `base_url` includes the `/api` path stem, with no trailing slash.
    ///
    /// ```
    /// let client = salesflow::Client::with_base_url("http://127.0.0.1:8080/api", "token");
    /// assert_eq!(salesflow::ClientInfo::baseurl(&client), "http://127.0.0.1:8080/api");
    /// ```
    pub fn with_base_url(base_url: &str, token: impl Into<ApiToken>) -> Self {
        Self::new(base_url.trim_end_matches('/'), token.into())
    }
}
