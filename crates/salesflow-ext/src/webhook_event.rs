//! Reads the JSON body Salesflow POSTs to a webhook into the typed [`WebhookEvent`].

use std::fmt;

use salesflow::types::WebhookEvent;

/// Why a webhook body is not a Salesflow event: the field and position it failed at, and what
/// was wrong. Of the body, which holds a contact's personal data, it shows at most the one
/// value that failed.
///
/// ```
/// # use salesflow_ext::parse_webhook_event;
/// let error = parse_webhook_event(b"{\"MemberId\": true}").unwrap_err();
/// assert_eq!(error.to_string(),
///     "webhook body is not a Salesflow event: field `MemberId`: \
///      invalid type: boolean `true`, expected i64 at line 1 column 17");
/// ```
#[derive(Debug)]
pub struct WebhookEventError {
    inner: salesflow::JsonError,
}

impl WebhookEventError {
    /// The field the body failed on (`MemberId`, `LinkedInAccount.Username`), or `.` for
    /// the body as a whole.
    ///
    /// ```
    /// # use salesflow_ext::parse_webhook_event;
    /// let error = parse_webhook_event(br#"{"LinkedInAccount": {"Username": 1}}"#).unwrap_err();
    /// assert_eq!(error.field(), "LinkedInAccount.Username");
    /// ```
    pub fn field(&self) -> &str {
        self.inner.field().unwrap_or(".")
    }

    /// The line of the body the error is on (1-based).
    ///
    /// ```
    /// # use salesflow_ext::parse_webhook_event;
    /// let error = parse_webhook_event(b"{\n\"MemberId\": null}").unwrap_err();
    /// assert_eq!((error.line(), error.column()), (2, 16));
    /// ```
    pub fn line(&self) -> usize {
        self.inner.line()
    }

    /// The column of that line (1-based); see [`line`](Self::line).
    pub fn column(&self) -> usize {
        self.inner.column()
    }
}

impl fmt::Display for WebhookEventError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.inner.is_eof() && self.inner.line() == 1 && self.inner.column() == 0 {
            return f.write_str(
                "webhook body is empty: Salesflow sends a JSON object; check that the body is read",
            );
        }
        write!(f, "webhook body is not a Salesflow event: {}", self.inner)
    }
}

impl std::error::Error for WebhookEventError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.inner)
    }
}

/// Parses the raw body of a webhook request.
///
/// Fields the SDK does not know are ignored, and event kinds, statuses and distances it does
/// not know are kept (as `Other`), so a change on Salesflow's side does not break a receiver.
/// The body is read as leniently as the client reads answers ([`salesflow::from_json`]): a
/// byte-order mark, keys in any case, omitted or `null` fields.
///
/// ```
/// use salesflow_ext::{IntegrationRunOn, parse_webhook_event};
///
/// let body = br#"{"IntegrationType": "INTEGRATION_TYPE_WEBHOOK",
///     "IntegrationRunOn": "INTEGRATION_RUN_ON_CONNECTED", "MemberId": 7, "Status": "MEMBER_CONNECTED"}"#;
/// let event = parse_webhook_event(body)?;
/// assert_eq!(event.integration_run_on, Some(IntegrationRunOn::Connected));
/// assert!(event.status.unwrap().is_connected());
///
/// // camelCase keys, as ASP.NET Core writes them, read the same.
/// let event = parse_webhook_event(br#"{"memberId": 7, "firstName": "Ann"}"#)?;
/// assert_eq!(event.first_name.as_deref(), Some("Ann"));
///
/// let error = parse_webhook_event(br#"{"MemberId": "seven"}"#).unwrap_err();
/// assert_eq!(error.field(), "MemberId");
/// # Ok::<(), salesflow_ext::WebhookEventError>(())
/// ```
pub fn parse_webhook_event(body: &[u8]) -> Result<WebhookEvent, WebhookEventError> {
    salesflow::from_json(body).map_err(|inner| WebhookEventError { inner })
}

/// What [`WebhookEvent`] lacks as a generated struct.
pub trait WebhookEventExt {
    /// `Custom1` to `Custom10`, in order (`None` where the field is empty or absent).
    ///
    /// ```
    /// use salesflow_ext::{WebhookEventExt, parse_webhook_event};
    /// let event = parse_webhook_event(br#"{"IntegrationType": "INTEGRATION_TYPE_WEBHOOK",
    ///     "IntegrationRunOn": "INTEGRATION_RUN_ON_CONNECTED", "MemberId": 1,
    ///     "Custom1": "a", "Custom3": "c"}"#).unwrap();
    /// assert_eq!(event.custom_fields()[..3], [Some("a"), None, Some("c")]);
    /// ```
    fn custom_fields(&self) -> [Option<&str>; 10];

    /// The names of the campaigns the member belongs to.
    ///
    /// ```
    /// use salesflow_ext::{WebhookEventExt, parse_webhook_event};
    /// let event = parse_webhook_event(br#"{"IntegrationType": "INTEGRATION_TYPE_WEBHOOK",
    ///     "IntegrationRunOn": "INTEGRATION_RUN_ON_CONNECTED", "MemberId": 1,
    ///     "MemberCampaigns": [{"CampaignName": "Test campaign"}]}"#).unwrap();
    /// assert_eq!(event.campaign_names(), ["Test campaign"]);
    /// ```
    fn campaign_names(&self) -> Vec<&str>;
}

impl WebhookEventExt for WebhookEvent {
    fn custom_fields(&self) -> [Option<&str>; 10] {
        [
            &self.custom1,
            &self.custom2,
            &self.custom3,
            &self.custom4,
            &self.custom5,
            &self.custom6,
            &self.custom7,
            &self.custom8,
            &self.custom9,
            &self.custom10,
        ]
        .map(|field| field.as_deref().filter(|value| !value.is_empty()))
    }

    fn campaign_names(&self) -> Vec<&str> {
        self.member_campaigns
            .iter()
            .filter_map(|campaign| campaign.campaign_name.as_deref())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_bodies_are_clear_errors() {
        let empty = parse_webhook_event(b"").unwrap_err();
        assert!(
            empty.to_string().starts_with("webhook body is empty"),
            "{empty}"
        );

        let not_json = parse_webhook_event(b"<html>").unwrap_err();
        assert_eq!(not_json.field(), ".");
        assert!(
            not_json.to_string().contains("line 1 column 1"),
            "{not_json}"
        );

        let missing = parse_webhook_event(br#"{"IntegrationRunOn": "x"}"#).unwrap_err();
        assert!(
            missing.to_string().contains("missing field `MemberId`"),
            "{missing}"
        );

        let nested = parse_webhook_event(
            br#"{"IntegrationType": "x", "IntegrationRunOn": "y", "MemberId": 1,
                "LinkedInAccount": {"Username": 5}}"#,
        )
        .unwrap_err();
        assert_eq!(nested.field(), "LinkedInAccount.Username");
        assert_eq!(nested.line(), 2);

        let trailing = parse_webhook_event(
            br#"{"IntegrationType": "x", "IntegrationRunOn": "y", "MemberId": 1} {}"#,
        )
        .unwrap_err();
        assert!(
            trailing.to_string().contains("trailing characters"),
            "{trailing}"
        );
    }

    #[test]
    fn errors_do_not_repeat_the_body() {
        let error =
            parse_webhook_event(br#"{"Email": "jane@example.com", "MemberId": "x"}"#).unwrap_err();
        assert!(!error.to_string().contains("jane@example.com"), "{error}");
    }
}
