//! The API token, kept secret, and how it is added to a request.
//!
//! Salesflow authenticates with a `token` query parameter. The token is kept in the
//! [`Client`](crate::Client) and appended just before a request is sent (see `call.rs`), so
//! no operation takes it as an argument and no builder holds it.

use std::fmt;

/// The name of the query parameter that carries the token.
pub(crate) const TOKEN_PARAMETER: &str = "token";

/// The Salesflow API token: a secret that travels in the `token` query parameter.
///
/// Its `Debug` and `Display` print a mask, never the token, so a client, a builder or a
/// token can be logged.
///
/// ```
/// let token = salesflow::ApiToken::new("abcdefghijklmnop123");
/// assert_eq!(format!("{token:?}"), "ApiToken(***)");
/// assert_eq!(token.to_string(), "***");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ApiToken(String);

impl ApiToken {
    /// Wraps a token obtained in Salesflow for an account.
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }

    /// The token itself, for the one place that must send it.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for ApiToken {
    fn from(token: String) -> Self {
        Self(token)
    }
}

impl From<&str> for ApiToken {
    fn from(token: &str) -> Self {
        Self(token.to_owned())
    }
}

impl fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiToken(***)")
    }
}

impl fmt::Display for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Adds the token to the request's query string.
pub(crate) fn authenticate(request: &mut reqwest::Request, token: &ApiToken) {
    request
        .url_mut()
        .query_pairs_mut()
        .append_pair(TOKEN_PARAMETER, token.expose());
}
