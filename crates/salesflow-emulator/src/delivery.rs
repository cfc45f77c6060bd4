//! Webhook events: the payload Salesflow POSTs, filled from the state, and its delivery to
//! every webhook attached for that event, retried a few times and recorded.

use std::time::Duration;

use serde_json::{Value, json};

use crate::answer::{maybe_timestamp, timestamp};
use crate::state::{Contact, Delivery, State, status};

/// An event the control API can make happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// The member accepted the invitation (`runOn` 1).
    Connected,
    /// The member sent a message (`runOn` 2; not for muted members).
    Replied,
    /// The invitation was withdrawn (`runOn` 7).
    Withdrawn,
}

impl Event {
    /// The `runOn` code of the attachments that fire on it.
    pub fn run_on(self) -> i32 {
        match self {
            Self::Connected => 1,
            Self::Replied => 2,
            Self::Withdrawn => 7,
        }
    }

    /// What the payload's `IntegrationRunOn` says (the docs spell the connected one; the
    /// others are named the same way, as `salesflow webhooks trigger` does).
    pub fn integration_run_on(self) -> &'static str {
        match self {
            Self::Connected => "INTEGRATION_RUN_ON_CONNECTED",
            Self::Replied => "INTEGRATION_RUN_ON_REPLY_DETECTED",
            Self::Withdrawn => "INTEGRATION_RUN_ON_INVITATION_WITHDRAWN",
        }
    }
}

/// The body Salesflow POSTs for `event` of `contact`, as the docs' sample shows it.
pub fn payload(event: Event, contact: &Contact, state: &State) -> Value {
    let campaign = state.campaigns.get(&contact.campaign_id);
    let account =
        campaign.and_then(|c| state.accounts.iter().find(|a| a.account_id == c.account_id));
    let actions: Vec<String> = contact
        .messages
        .iter()
        .map(|m| {
            let name = [contact.first_name.as_deref(), contact.last_name.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            format!(
                "<p>{name} [{}]: {}</p>",
                m.created_at.format("%-m/%-d/%Y %-I:%M %p"),
                m.text
            )
        })
        .collect();
    let mut body = json!({
        "IntegrationType": "INTEGRATION_TYPE_WEBHOOK",
        "IntegrationRunOn": event.integration_run_on(),
        "MemberId": contact.member_id,
        "LinkedInMemberId": null,
        "FirstName": contact.first_name,
        "LastName": contact.last_name,
        "Occupation": contact.occupation,
        "Company": contact.company,
        "Location": contact.location,
        "PhoneNumber": contact.phone,
        "Email": contact.email,
        "Address": null,
        "DateAdded": timestamp(contact.added_at),
        "ConnectedAt": maybe_timestamp(contact.connected_at),
        "MemberUrl": contact.member_url,
        "Industry": contact.industry,
        "Status": status::name(contact.status_bits),
        "HasReply": !contact.messages.is_empty(),
        "IsMuted": contact.muted,
        "IsSeen": false,
        "IsSalesNavigator": false,
        "LinkedInAccount": account.map(|a| json!({"Username": a.account_email})),
        "MemberActionsFormatted": actions.join("\r\n\r\n"),
        "MemberCampaigns": campaign.map(|c| vec![json!({"CampaignName": c.campaign_name})]).unwrap_or_default(),
    });
    let object = body.as_object_mut().expect("an object");
    for (index, value) in contact.custom_fields.iter().take(10).enumerate() {
        object.insert(format!("Custom{}", index + 1), Value::String(value.clone()));
    }
    body
}

/// One POST to make: where, and what.
pub struct Planned {
    pub delivery_id: i64,
    pub url: String,
    pub payload: Value,
}

/// Records a delivery of `event` for `member_id` to every webhook attached to the member's
/// campaign for it (none for a muted member's reply to a webhook that skips muted
/// contacts, and none for any muted member's reply, as the docs say); returns the POSTs to
/// make.
pub fn plan(event: Event, member_id: i64, state: &mut State) -> Vec<Planned> {
    let Some(contact) = state.contacts.get(&member_id).cloned() else {
        return Vec::new();
    };
    if event == Event::Replied && contact.muted {
        return Vec::new();
    }
    let payload = payload(event, &contact, state);
    let targets: Vec<(i64, i64, String)> = state
        .webhooks
        .values()
        .filter(|w| !(contact.muted && w.disable_for_muted_contacts == Some(true)))
        .flat_map(|w| {
            w.attached_webhook_campaigns
                .iter()
                .filter(|a| a.campaign_id == contact.campaign_id && a.run_on == event.run_on())
                .map(|a| (w.webhook_id, a.webhook_campaign_id, w.url.clone()))
        })
        .collect();
    let mut planned = Vec::new();
    for (webhook_id, webhook_campaign_id, url) in targets {
        let delivery_id = state.next_id();
        state.record_delivery(Delivery {
            delivery_id,
            webhook_id,
            webhook_campaign_id,
            member_id,
            event: event.integration_run_on().to_owned(),
            attempts: 0,
            delivered: false,
            last_status: None,
            last_error: None,
            payload: payload.clone(),
        });
        planned.push(Planned {
            delivery_id,
            url,
            payload: payload.clone(),
        });
    }
    planned
}

/// How many times a delivery is tried before it is given up.
pub const ATTEMPTS: u32 = 3;

/// The result of one attempt: the receiver's status, or why there was none.
pub type Attempt = Result<u16, String>;

/// Whether `url` is the emulator's own address `own` (its port, on a loopback address,
/// `localhost`, or the address it is bound to).
fn is_own(url: &str, own: std::net::SocketAddr) -> bool {
    let Ok(url) = reqwest::Url::parse(url) else {
        return false;
    };
    if url.port_or_known_default() != Some(own.port()) {
        return false;
    }
    let host = url.host_str().unwrap_or_default();
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    match host.trim_matches(['[', ']']).parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback() || ip.is_unspecified() || ip == own.ip(),
        Err(_) => false,
    }
}

/// POSTs `planned`, up to [`ATTEMPTS`] times while it fails (no answer, or not a 2xx),
/// calling `record` after each attempt; never to the emulator's own address `own`, where
/// each delivery could make another.
pub async fn deliver(
    http: &reqwest::Client,
    own: std::net::SocketAddr,
    planned: &Planned,
    mut record: impl FnMut(Attempt),
) {
    if is_own(&planned.url, own) {
        record(Err(
            "not sent: the webhook's URL is the emulator's own address, where each delivery \
             could cause another"
                .to_owned(),
        ));
        return;
    }
    for attempt in 1..=ATTEMPTS {
        let sent = http
            .post(&planned.url)
            .header("content-type", "application/json; charset=utf-8")
            .body(serde_json::to_vec(&planned.payload).expect("JSON writes"))
            .send()
            .await;
        let outcome = match sent {
            Ok(answer) => Ok(answer.status().as_u16()),
            // Without the URL: it carries the receiver's secret.
            Err(error) => Err(error.without_url().to_string()),
        };
        let delivered = matches!(outcome, Ok(code) if (200..300).contains(&code));
        record(outcome);
        if delivered {
            return;
        }
        if attempt < ATTEMPTS {
            tokio::time::sleep(Duration::from_millis(100 * u64::from(attempt))).await;
        }
    }
}
