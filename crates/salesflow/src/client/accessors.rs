//! What a built client can tell about itself, without progenitor's `ClientInfo` trait.

use progenitor_client::ClientInfo;

use crate::{Client, Settings};

impl Client {
    /// The base URL every operation is sent to (but `getCampaignStatistics`, see
    /// [`Settings::statistics_url`]).
    ///
    /// ```
    /// let client = salesflow::Client::with_base_url("http://127.0.0.1:8080/api", "token")?;
    /// assert_eq!(client.base_url(), "http://127.0.0.1:8080/api");
    /// # Ok::<(), salesflow::ConfigError>(())
    /// ```
    pub fn base_url(&self) -> &str {
        self.baseurl()
    }

    /// The settings the client applies to every request: retries, limits, hosts.
    /// `Debug` masks the token.
    ///
    /// ```
    /// let client = salesflow::ClientBuilder::new().token("abc").build()?;
    /// assert_eq!(client.settings().retry().retries(), 3);
    /// assert!(!format!("{:?}", client.settings()).contains("abc"));
    /// # Ok::<(), salesflow::ConfigError>(())
    /// ```
    pub fn settings(&self) -> &Settings {
        self.inner()
    }

    /// `text` with the client's token replaced by `***`, in every form a URL, a form, JSON or
    /// HTML may give it (percent-encoded once or twice, escaped, quoted): for text a program
    /// passes on that might quote a request, as the SDK's own errors never do.
    ///
    /// ```
    /// let client = salesflow::ClientBuilder::new().token("s3cr+t").build()?;
    /// assert_eq!(client.redact("GET /api?token=s3cr%2Bt failed"), "GET /api?token=*** failed");
    /// # Ok::<(), salesflow::ConfigError>(())
    /// ```
    pub fn redact(&self, text: &str) -> String {
        self.inner().scrubber().clean(text)
    }

    /// The URL of `operation` (its operationId) at `path`: what every generated builder
    /// sends to, without parsing the base URL again (xtask/src/builder_rewrite.rs).
    pub(crate) fn operation_url(&self, operation: &str, path: &str) -> reqwest::Url {
        self.inner().hosts.url(operation, path)
    }
}
