//! The one error type of the SDK: what went wrong, in which operation, never with the token.

use std::fmt;

use super::operation_table;

/// Why a call failed. Every variant names the operation (the spec's operationId). No
/// rendering of it (`Display`, `Debug`, the `source` chain) contains the API token or the
/// request URL.
///
/// ```
/// # async fn run(client: salesflow::Client) {
/// match client.start_campaign().account_id(321).campaign_id(456).send().await {
///     Ok(_) => println!("started"),
///     Err(error) if error.status() == Some(409) => println!("already running"),
///     Err(error) if error.is_retryable() => println!("try again later: {error}"),
///     Err(error) => eprintln!("{error}"),
/// }
/// # }
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The request did not get a whole response: no connection, a timeout, a broken transfer.
    Transport {
        /// The operation that failed.
        operation: &'static str,
        /// What kind of failure it was.
        kind: TransportKind,
        /// The underlying error: reqwest's (without the request URL), or which of the
        /// client's timeouts ran out.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// Salesflow answered with an error status, or reported an error in the body of a
    /// success response.
    Api {
        /// The operation that failed.
        operation: &'static str,
        /// The HTTP status (`409`); for an outcome reported as an error in the body of a 2xx
        /// response (`{"Status": 409}` with HTTP 200), that error status.
        status: u16,
        /// The `Status` field of the response's JSON body, when it has one.
        api_status: Option<i32>,
        /// The `Message` (or ProblemDetails `title`/`detail`) of the response, when it has one.
        message: Option<String>,
        /// The field errors of an ASP.NET validation response (ProblemDetails `errors`,
        /// `ModelState`), by field name.
        field_errors: Vec<FieldError>,
        /// The start of any other body, shortened and without the token.
        excerpt: Option<String>,
    },
    /// The record asked for does not exist: a call that names its record (`getContact`,
    /// `updateContact`, `deleteContact`: `/members/{memberId}`) or looks one up
    /// (`getContactByPublicIdentifier`) answered 404; or a lookup answered 204 without a
    /// body, or the body `null`.
    ///
    /// ```
    /// # async fn run(client: salesflow::Client) -> Result<(), salesflow::Error> {
    /// let update = client
    ///     .update_contact()
    ///     .account_id(321)
    ///     .member_id(46875434)
    ///     .body_map(|b| b.occupation("CTO"));
    /// match update.send().await {
    ///     Err(salesflow::Error::NotFound { .. }) => println!("no such member"),
    ///     other => println!("{:?}", other?.member_id),
    /// }
    /// # Ok(()) }
    /// ```
    NotFound {
        /// The operation that failed.
        operation: &'static str,
        /// The HTTP status of the response (404, 204 or 200).
        status: u16,
        /// The response's message, when it has one.
        message: Option<String>,
    },
    /// Salesflow answered, but not with what the API documents.
    Decode {
        /// The operation that failed.
        operation: &'static str,
        /// The HTTP status of the response.
        status: u16,
        /// Where in the body decoding failed (`[0].CampaignId`), when known.
        field: Option<String>,
        /// What was wrong.
        detail: String,
    },
    /// The request breaks a rule of the API; it was not sent.
    InvalidRequest {
        /// The operation that was not called.
        operation: &'static str,
        /// The field at fault (as the API names it: `firstName`, `PublicIdentifiers[2]`).
        field: String,
        /// What is wrong with it.
        rule: String,
    },
}

/// One field error of an ASP.NET validation response: `{"errors": {"FirstName": ["..."]}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field, as the server names it (`FirstName`).
    pub field: String,
    /// What the server says is wrong with it.
    pub message: String,
}

/// What kind of transport failure an [`Error::Transport`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportKind {
    /// No connection could be made (refused, unreachable, DNS, TLS handshake): the request
    /// surely did not reach Salesflow.
    Connect,
    /// The connection or the response took longer than the configured timeout.
    Timeout,
    /// The exchange broke off (a reset connection, a truncated body), or another failure.
    Other,
}

impl Error {
    /// The operation (the spec's operationId) that failed.
    pub fn operation(&self) -> &'static str {
        match self {
            Self::Transport { operation, .. }
            | Self::Api { operation, .. }
            | Self::NotFound { operation, .. }
            | Self::Decode { operation, .. }
            | Self::InvalidRequest { operation, .. } => operation,
        }
    }

    /// The HTTP status of Salesflow's response: `Some` whenever it answered, including a 2xx
    /// response whose body could not be decoded; `None` if it did not answer or nothing was
    /// sent.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api { status, .. }
            | Self::NotFound { status, .. }
            | Self::Decode { status, .. } => Some(*status),
            Self::Transport { .. } | Self::InvalidRequest { .. } => None,
        }
    }

    /// Whether the record asked for does not exist: [`Error::NotFound`], or any 404 response.
    ///
    /// ```
    /// # async fn run(client: salesflow::Client) -> Result<(), salesflow::Error> {
    /// match client.get_contact().account_id(321).member_id(46875434).send().await {
    ///     Ok(contact) => println!("{:?}", contact.first_name),
    ///     Err(error) if error.is_not_found() => println!("no such contact"),
    ///     Err(error) => return Err(error),
    /// }
    /// # Ok(()) }
    /// ```
    pub fn is_not_found(&self) -> bool {
        match self {
            Self::NotFound { .. } => true,
            Self::Api { status, .. } => *status == 404,
            _ => false,
        }
    }

    /// Whether the same call might succeed later, by the rules the client's
    /// [`RetryPolicy`](crate::RetryPolicy) follows (and has already applied): a refused
    /// connection and a 429 always; a timeout, a broken exchange and 408, 502, 503, 504 only
    /// for operations that are safe to repeat. A timeout of `importMember` is not retryable:
    /// the member may have been created.
    pub fn is_retryable(&self) -> bool {
        let idempotent = || operation_table::named(self.operation()).idempotent;
        match self {
            Self::Transport { kind, .. } => match kind {
                TransportKind::Connect => true,
                TransportKind::Timeout | TransportKind::Other => idempotent(),
            },
            Self::Api { status, .. } => match status {
                429 => true,
                408 | 502 | 503 | 504 => idempotent(),
                _ => false,
            },
            Self::NotFound { .. } | Self::Decode { .. } | Self::InvalidRequest { .. } => false,
        }
    }
}

/// Turns a `Result` of a lookup into an `Option`: a not-found response is `Ok(None)`.
///
/// ```
/// use salesflow::OptionalExt;
/// # async fn run(client: salesflow::Client) -> Result<(), salesflow::Error> {
/// let contact = client
///     .get_contact_by_public_identifier()
///     .account_id(321)
///     .public_identifier("john-smith-123456")
///     .send()
///     .await
///     .optional()?;
/// if contact.is_none() {
///     println!("not in Salesflow yet");
/// }
/// # Ok(()) }
/// ```
pub trait OptionalExt<T> {
    /// `Ok(Some(value))`, `Ok(None)` if [`Error::is_not_found`], or the other error.
    fn optional(self) -> Result<Option<T>, Error>;
}

impl<T> OptionalExt<T> for Result<T, Error> {
    fn optional(self) -> Result<Option<T>, Error> {
        match self {
            Ok(value) => Ok(Some(value)),
            Err(error) if error.is_not_found() => Ok(None),
            Err(error) => Err(error),
        }
    }
}

impl Error {
    /// What went wrong, without the operation's name and without advice: for a program that
    /// words its own (the `salesflow` command names its flags instead).
    ///
    /// ```
    /// let error = salesflow::Error::InvalidRequest {
    ///     operation: "listCampaigns",
    ///     field: "accountId".into(),
    ///     rule: "is required".into(),
    /// };
    /// assert_eq!(error.detail().to_string(), "accountId is required; nothing was sent");
    /// assert_eq!(error.to_string(), "listCampaigns: accountId is required; nothing was sent");
    /// ```
    pub fn detail(&self) -> impl fmt::Display + '_ {
        Detail(self)
    }

    /// What to do about it, in the library's terms (`ClientBuilder::timeout`), if there is
    /// advice; `Display` ends with it.
    pub fn advice(&self) -> Option<&'static str> {
        match self {
            Self::Transport { kind, .. } => Some(match kind {
                TransportKind::Connect => "check the network and the base URL",
                TransportKind::Timeout => "try again later or raise the client's timeouts",
                TransportKind::Other => "try again",
            }),
            Self::Api { status, .. } if (300..400).contains(status) => {
                Some("redirects are not followed: they would carry the token")
            }
            Self::Api { status: 403, .. } => {
                Some("check the token and that it belongs to this account")
            }
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.operation(), self.detail())?;
        match (self, self.advice()) {
            (Self::Transport { .. }, Some(advice)) => write!(f, "; {advice}"),
            (_, Some(advice)) => write!(f, " ({advice})"),
            (_, None) => Ok(()),
        }
    }
}

/// An HTTP status with its reason phrase (`400 Bad Request`).
fn shown(status: u16) -> String {
    reqwest::StatusCode::from_u16(status).map_or_else(|_| status.to_string(), |s| s.to_string())
}

/// [`Error::detail`].
struct Detail<'a>(&'a Error);

impl fmt::Display for Detail<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Error::Transport { kind, source, .. } => {
                let what = match kind {
                    TransportKind::Connect => "could not connect to Salesflow",
                    TransportKind::Timeout => "Salesflow did not answer in time",
                    TransportKind::Other => "the exchange with Salesflow broke off",
                };
                write!(f, "{what} ({})", causes(&**source))
            }
            Error::Api {
                status,
                api_status,
                message,
                field_errors,
                excerpt,
                ..
            } => {
                write!(f, "Salesflow answered {}", shown(*status))?;
                if let Some(message) = message {
                    write!(f, ": {message}")?;
                } else if let Some(code) = api_status {
                    write!(f, " (Status {code})")?;
                } else if let Some(excerpt) = excerpt {
                    write!(f, ": {excerpt}")?;
                }
                for (index, error) in field_errors.iter().enumerate() {
                    let lead = if index == 0 { " —" } else { ";" };
                    write!(f, "{lead} {}: {}", error.field, error.message)?;
                }
                Ok(())
            }
            Error::NotFound {
                status, message, ..
            } => {
                write!(f, "not found (Salesflow answered {}", shown(*status))?;
                if let Some(message) = message {
                    write!(f, ": {message}")?;
                }
                f.write_str(")")
            }
            Error::Decode {
                status,
                field,
                detail,
                ..
            } => {
                write!(
                    f,
                    "the response ({}) is not what the API documents",
                    shown(*status)
                )?;
                if let Some(field) = field {
                    write!(f, ": at `{field}`")?;
                }
                write!(f, ": {detail}")
            }
            Error::InvalidRequest { field, rule, .. } => {
                write!(f, "{field} {rule}; nothing was sent")
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Transport { source, .. } => Some(&**source),
            _ => None,
        }
    }
}

/// An error and its causes, outermost first, on one line (`error sending request: client
/// error (Connect): tcp connect error: Connection refused (os error 111)`).
fn causes(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![one_line(&error.to_string())];
    let mut next = error.source();
    while let Some(cause) = next {
        let text = one_line(&cause.to_string());
        if !parts.iter().any(|part| part.contains(&text)) {
            parts.push(text);
        }
        next = cause.source();
    }
    parts.join(": ")
}

/// Folds white space (new lines included) to single spaces.
pub(crate) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(operation: &'static str, status: u16) -> Error {
        Error::Api {
            operation,
            status,
            api_status: None,
            message: None,
            field_errors: Vec::new(),
            excerpt: None,
        }
    }

    #[test]
    fn retryable_agrees_with_the_retry_policy() {
        assert!(api("listCampaigns", 503).is_retryable());
        assert!(!api("importMember", 503).is_retryable(), "may have created");
        assert!(api("importMember", 429).is_retryable(), "refused, not done");
        assert!(!api("listCampaigns", 500).is_retryable());
        assert!(!api("startCampaign", 502).is_retryable());
        assert!(api("listContactsByPublicIdentifiers", 502).is_retryable());
    }

    #[test]
    fn not_found_covers_the_variant_and_any_404() {
        assert!(api("startCampaign", 404).is_not_found());
        assert!(!api("startCampaign", 409).is_not_found());
        let missing = Error::NotFound {
            operation: "getContact",
            status: 204,
            message: None,
        };
        assert!(missing.is_not_found());
        assert_eq!(missing.status(), Some(204));
        assert_eq!(Err::<(), _>(missing).optional().unwrap(), None);
        assert!(Err::<(), _>(api("getContact", 500)).optional().is_err());
    }

    #[test]
    fn field_errors_are_shown_after_the_message() {
        let error = Error::Api {
            operation: "updateContact",
            status: 400,
            api_status: Some(400),
            message: Some("One or more validation errors occurred.".to_owned()),
            field_errors: vec![
                FieldError {
                    field: "FirstName".to_owned(),
                    message: "Too long.".to_owned(),
                },
                FieldError {
                    field: "Email".to_owned(),
                    message: "Not an address.".to_owned(),
                },
            ],
            excerpt: None,
        };
        assert_eq!(
            error.to_string(),
            "updateContact: Salesflow answered 400 Bad Request: One or more validation errors \
             occurred. — FirstName: Too long.; Email: Not an address."
        );
    }
}
