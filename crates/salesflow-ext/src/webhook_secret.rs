//! A secret in the webhook URL, checked in constant time: Salesflow signs nothing it POSTs.

use std::fmt;

use subtle::ConstantTimeEq;

/// A shared secret that proves a webhook request comes from the URL you gave Salesflow.
///
/// Salesflow does not sign webhook requests, and anyone who learns the URL can POST to it.
/// The safe pattern: put a long random secret in the URL you register
/// ([`url_for`](Self::url_for)), keep the URL private, and reject every request whose query
/// string does not carry it ([`verify_query`](Self::verify_query), a constant-time
/// comparison, so the secret cannot be guessed byte by byte from response times). Serve the
/// URL over HTTPS only, and keep it out of logs. `Debug` prints a mask.
///
/// ```
/// use salesflow_ext::WebhookSecret;
///
/// let secret = WebhookSecret::generate();
/// let url = secret.url_for("https://hooks.example.com/salesflow")?;
/// // Register `url` with create_webhook; then, for each request received:
/// let query = url.split_once('?').unwrap().1;
/// assert!(secret.verify_query(query));
/// assert!(!secret.verify_query("secret=guess"));
/// assert_eq!(format!("{secret:?}"), "WebhookSecret(***)");
/// # Ok::<(), salesflow_ext::WebhookSecretError>(())
/// ```
#[derive(Clone)]
pub struct WebhookSecret(String);

/// Why a text cannot be a [`WebhookSecret`], or a URL cannot carry one.
///
/// ```
/// # use salesflow_ext::{WebhookSecret, WebhookSecretError};
/// assert_eq!(WebhookSecret::new("hunter2").unwrap_err(), WebhookSecretError::TooShort { len: 7 });
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookSecretError {
    /// The secret is shorter than [`WebhookSecret::MIN_LEN`].
    TooShort {
        /// Its length in bytes.
        len: usize,
    },
    /// The secret has a character that is not a letter, digit, `-` or `_`.
    NotUrlSafe,
    /// The URL to register is not an absolute http(s) URL, or already has a fragment.
    BadUrl,
}

impl fmt::Display for WebhookSecretError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooShort { len } => write!(
                f,
                "webhook secret is {len} bytes long; use at least {} (WebhookSecret::generate makes 64)",
                WebhookSecret::MIN_LEN
            ),
            Self::NotUrlSafe => f.write_str(
                "webhook secret may hold only letters, digits, '-' and '_' (it goes into a URL)",
            ),
            Self::BadUrl => f.write_str(
                "webhook URL must be an absolute http:// or https:// URL without a #fragment",
            ),
        }
    }
}

impl std::error::Error for WebhookSecretError {}

impl WebhookSecret {
    /// The query parameter that carries the secret.
    pub const PARAMETER: &'static str = "secret";

    /// The shortest secret accepted, in bytes (128 bits of hex).
    pub const MIN_LEN: usize = 32;

    /// A new secret: 32 random bytes from the operating system, as 64 hex digits.
    ///
    /// # Panics
    /// If the operating system has no random source (it always has one on the platforms
    /// Rust supports with `std`).
    ///
    /// ```
    /// # use salesflow_ext::WebhookSecret;
    /// let secret = WebhookSecret::generate();
    /// assert!(secret.expose().bytes().all(|b| b.is_ascii_hexdigit()));
    /// ```
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).expect("the operating system's random source works");
        Self(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// A secret you already have (stored in your configuration).
    ///
    /// ```
    /// # use salesflow_ext::WebhookSecret;
    /// assert!(WebhookSecret::new("short").is_err());
    /// assert!(WebhookSecret::new("0123456789abcdef0123456789abcdef").is_ok());
    /// ```
    pub fn new(secret: impl Into<String>) -> Result<Self, WebhookSecretError> {
        let secret = secret.into();
        if secret.len() < Self::MIN_LEN {
            return Err(WebhookSecretError::TooShort { len: secret.len() });
        }
        if !secret
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(WebhookSecretError::NotUrlSafe);
        }
        Ok(Self(secret))
    }

    /// The secret itself, to store it; handle it like a password.
    ///
    /// ```
    /// # use salesflow_ext::WebhookSecret;
    /// let stored = WebhookSecret::generate().expose().to_owned();
    /// assert!(WebhookSecret::new(stored).is_ok());
    /// ```
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `base_url` with the secret added to its query string: the URL to register.
    ///
    /// ```
    /// # use salesflow_ext::WebhookSecret;
    /// let secret = WebhookSecret::new("0123456789abcdef0123456789abcdef")?;
    /// assert_eq!(
    ///     secret.url_for("https://example.com/hook?team=7")?,
    ///     "https://example.com/hook?team=7&secret=0123456789abcdef0123456789abcdef"
    /// );
    /// # Ok::<(), salesflow_ext::WebhookSecretError>(())
    /// ```
    pub fn url_for(&self, base_url: &str) -> Result<String, WebhookSecretError> {
        let absolute = ["https://", "http://"].iter().any(|scheme| {
            base_url
                .get(..scheme.len())
                .is_some_and(|start| start.eq_ignore_ascii_case(scheme))
                && base_url.len() > scheme.len()
        });
        if !absolute || base_url.contains('#') || base_url.contains(char::is_whitespace) {
            return Err(WebhookSecretError::BadUrl);
        }
        let separator = match base_url.find('?') {
            None => '?',
            Some(at) if at + 1 == base_url.len() || base_url.ends_with('&') => {
                return Ok(format!("{base_url}{}={}", Self::PARAMETER, self.0));
            }
            Some(_) => '&',
        };
        Ok(format!(
            "{base_url}{separator}{}={}",
            Self::PARAMETER,
            self.0
        ))
    }

    /// Whether `presented` is the secret, compared in constant time.
    ///
    /// ```
    /// # use salesflow_ext::WebhookSecret;
    /// let secret = WebhookSecret::new("0123456789abcdef0123456789abcdef").unwrap();
    /// assert!(secret.verify("0123456789abcdef0123456789abcdef"));
    /// assert!(!secret.verify("0123456789abcdef0123456789abcdeF"));
    /// ```
    pub fn verify(&self, presented: &str) -> bool {
        bool::from(self.0.as_bytes().ct_eq(presented.as_bytes()))
    }

    /// Whether a request's query string (without the `?`) carries the secret in
    /// [`PARAMETER`](Self::PARAMETER). Every occurrence must match: a request that repeats
    /// the parameter with another value is rejected.
    ///
    /// ```
    /// # use salesflow_ext::WebhookSecret;
    /// let secret = WebhookSecret::new("0123456789abcdef0123456789abcdef").unwrap();
    /// assert!(secret.verify_query("team=7&secret=0123456789abcdef0123456789abcdef"));
    /// assert!(!secret.verify_query("team=7"));
    /// ```
    pub fn verify_query(&self, query: &str) -> bool {
        let mut found = false;
        let mut all_match = true;
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            if name == Self::PARAMETER {
                found = true;
                all_match &= self.verify(&value);
            }
        }
        found && all_match
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret() -> WebhookSecret {
        WebhookSecret::new("0123456789abcdef0123456789abcdef").unwrap()
    }

    #[test]
    fn generated_secrets_are_long_distinct_and_url_safe() {
        let (a, b) = (WebhookSecret::generate(), WebhookSecret::generate());
        assert_eq!(a.expose().len(), 64);
        assert_ne!(a.expose(), b.expose());
        assert!(WebhookSecret::new(a.expose()).is_ok());
    }

    #[test]
    fn verify_query_needs_the_exact_secret_every_time_it_appears() {
        let s = secret();
        let good = "secret=0123456789abcdef0123456789abcdef";
        assert!(s.verify_query(good));
        assert!(s.verify_query(&format!("a=1&{good}&b=2")));
        assert!(!s.verify_query(""));
        assert!(!s.verify_query("a=1"));
        assert!(!s.verify_query("secret=0123456789abcdef0123456789abcde"));
        assert!(!s.verify_query(&format!("{good}&secret=other")));
        assert!(!s.verify_query("SECRET=0123456789abcdef0123456789abcdef"));
    }

    #[test]
    fn bad_secrets_and_urls_are_refused_with_a_reason() {
        assert_eq!(
            WebhookSecret::new("abc").unwrap_err(),
            WebhookSecretError::TooShort { len: 3 }
        );
        assert_eq!(
            WebhookSecret::new("0123456789abcdef0123456789abcde&").unwrap_err(),
            WebhookSecretError::NotUrlSafe
        );
        for url in [
            "example.com/hook",
            "ftp://x",
            "https://",
            "https://x/#frag",
            "https://x y",
        ] {
            assert_eq!(
                secret().url_for(url),
                Err(WebhookSecretError::BadUrl),
                "{url}"
            );
        }
        assert!(
            secret()
                .url_for("https://x/hook?")
                .unwrap()
                .ends_with("?secret=0123456789abcdef0123456789abcdef")
        );
        assert!(
            WebhookSecretError::TooShort { len: 3 }
                .to_string()
                .contains("at least 32")
        );
    }
}
