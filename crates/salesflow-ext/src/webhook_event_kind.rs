//! The events Salesflow calls webhooks for, by name, with a realistic sample of each, for
//! receivers to be tried without a Salesflow account (`salesflow webhooks trigger`).

use std::fmt;
use std::str::FromStr;

use salesflow::types::WebhookEvent;
use salesflow::{IntegrationRunOn, RunOn};

/// An event Salesflow calls a webhook for.
///
/// The docs spell `IntegrationRunOn` only for the connected event
/// (`INTEGRATION_RUN_ON_CONNECTED`); the others are named here the same way
/// (`INTEGRATION_RUN_ON_REPLY_DETECTED`, `INTEGRATION_RUN_ON_INVITATION_WITHDRAWN`,
/// `INTEGRATION_RUN_ON_FOLLOWUP`), which is a guess: a receiver should treat any other value
/// as possible too ([`IntegrationRunOn::Other`]).
///
/// ```
/// use salesflow_ext::WebhookEventKind;
/// let kind: WebhookEventKind = "reply-detected".parse()?;
/// assert_eq!(kind.run_on().map(|run_on| run_on.code()), Some(2));
/// let event = kind.sample();
/// assert_eq!(event.integration_run_on.unwrap().as_str(), "INTEGRATION_RUN_ON_REPLY_DETECTED");
/// # Ok::<(), salesflow_ext::UnknownWebhookEventKind>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WebhookEventKind {
    /// A campaign member's status changed to connected (`runOn` 1).
    MemberConnected,
    /// An incoming message from the contact, not for muted contacts (`runOn` 2).
    ReplyDetected,
    /// An invitation to the contact was withdrawn (`runOn` 7).
    InvitationWithdrawn,
    /// A follow-up (changelog 1.12; its `runOn` code is not documented).
    Followup,
}

/// A name that is none of [`WebhookEventKind::NAMES`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownWebhookEventKind(pub String);

impl fmt::Display for UnknownWebhookEventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is no webhook event; use one of {}",
            self.0,
            WebhookEventKind::NAMES.join(", ")
        )
    }
}

impl std::error::Error for UnknownWebhookEventKind {}

impl WebhookEventKind {
    /// Every kind, in the order of the docs.
    pub const ALL: [Self; 4] = [
        Self::MemberConnected,
        Self::ReplyDetected,
        Self::InvitationWithdrawn,
        Self::Followup,
    ];

    /// The kinds' names, as [`name`](Self::name) gives them.
    pub const NAMES: [&'static str; 4] = [
        "member-connected",
        "reply-detected",
        "invitation-withdrawn",
        "followup",
    ];

    /// Its name on a command line (`member-connected`).
    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// The `runOn` code to attach a webhook for it, where the docs give one.
    pub fn run_on(self) -> Option<RunOn> {
        match self {
            Self::MemberConnected => Some(RunOn::MemberConnected),
            Self::ReplyDetected => Some(RunOn::ReplyDetected),
            Self::InvitationWithdrawn => Some(RunOn::InvitationWithdrawn),
            Self::Followup => None,
        }
    }

    /// What the event's `IntegrationRunOn` says.
    pub fn integration_run_on(self) -> IntegrationRunOn {
        IntegrationRunOn::from(match self {
            Self::MemberConnected => "INTEGRATION_RUN_ON_CONNECTED",
            Self::ReplyDetected => "INTEGRATION_RUN_ON_REPLY_DETECTED",
            Self::InvitationWithdrawn => "INTEGRATION_RUN_ON_INVITATION_WITHDRAWN",
            Self::Followup => "INTEGRATION_RUN_ON_FOLLOWUP",
        })
    }

    /// The member status after the event.
    fn member_status(self) -> &'static str {
        match self {
            Self::InvitationWithdrawn => "MEMBER_INVITATION_WITHDRAWN",
            _ => "MEMBER_CONNECTED",
        }
    }

    /// A realistic event of this kind: the docs' sample member, with this kind's
    /// `IntegrationRunOn`, status and reply flag.
    pub fn sample(self) -> WebhookEvent {
        let replied = self == Self::ReplyDetected;
        let connected = self != Self::InvitationWithdrawn;
        let body = serde_json::json!({
            "IntegrationType": "INTEGRATION_TYPE_WEBHOOK",
            "IntegrationRunOn": self.integration_run_on().as_str(),
            "MemberId": 1001,
            "LinkedInMemberId": 1234567890,
            "FirstName": "John",
            "LastName": "Smith",
            "Occupation": "Founder and Chief Executive Officer at Smith & Co",
            "Company": "Smith & Co",
            "Location": "Miami/Fort Lauderdale Area",
            "PhoneNumber": "123 4567890",
            "Email": "john.smith@example.com",
            "DateAdded": "2021-02-18T15:33:44.5905705+00:00",
            "ConnectedAt": if connected { Some("2021-02-18T16:33:44.5905705+00:00") } else { None },
            "MemberUrl": "https://linkedin.com/in/john-smith-123321",
            "Industry": "Banking",
            "Distance": "DISTANCE_3",
            "CurrentPosition": "Chief Executive Officer",
            "Status": self.member_status(),
            "HasReply": replied,
            "IsMuted": false,
            "IsSeen": false,
            "ConnectionsCount": 100,
            "FollowersCount": 100,
            "IsSalesNavigator": false,
            "LinkedInAccount": {
                "FirstName": "Bob",
                "LastName": "White",
                "Username": "bob.white@example.org"
            },
            "MemberActionsFormatted": if replied {
                "<p>Connection message [2/18/2021 4:33 PM]: Hi John</p>\r\n\r\n<p>John Smith [2/18/2021 4:40 PM]: Thanks, let's talk</p>"
            } else {
                "<p>Connection message [2/18/2021 4:33 PM]: Hi John</p>"
            },
            "MemberCampaigns": [{ "CampaignName": "Test campaign" }]
        });
        serde_json::from_value(body).expect("the sample is a webhook event")
    }
}

impl fmt::Display for WebhookEventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for WebhookEventKind {
    type Err = UnknownWebhookEventKind;

    /// A kind by its name (`member-connected`), in any case, with `_` for `-`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let wanted = text.trim().to_ascii_lowercase().replace('_', "-");
        Self::ALL
            .into_iter()
            .find(|kind| kind.name() == wanted)
            .ok_or_else(|| UnknownWebhookEventKind(text.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_name_that_reads_back_and_a_sample_of_its_own() {
        for kind in WebhookEventKind::ALL {
            assert_eq!(kind.name().parse(), Ok(kind));
            let event = kind.sample();
            assert_eq!(event.integration_run_on, Some(kind.integration_run_on()));
            assert_eq!(event.member_id, 1001);
            // The sample is what a receiver reads back from the wire.
            let wire = serde_json::to_vec(&event).unwrap();
            let back = crate::parse_webhook_event(&wire).unwrap();
            assert_eq!(back.integration_run_on, event.integration_run_on);
        }
        assert_eq!(
            WebhookEventKind::MemberConnected.integration_run_on(),
            IntegrationRunOn::Connected
        );
        assert!(
            WebhookEventKind::InvitationWithdrawn
                .sample()
                .connected_at
                .is_none()
        );
        assert_eq!(
            WebhookEventKind::ReplyDetected.sample().has_reply,
            Some(true)
        );
        let error = "connected".parse::<WebhookEventKind>().unwrap_err();
        assert!(
            error
                .to_string()
                .contains("member-connected, reply-detected"),
            "{error}"
        );
        assert_eq!(
            "REPLY_DETECTED".parse(),
            Ok(WebhookEventKind::ReplyDetected)
        );
    }
}
