//! What the emulator knows, across calls: accounts, campaigns, contacts with their messages,
//! webhooks and their attachments, and the deliveries of webhook events.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// Member status bits, as the docs number them.
pub mod status {
    pub const PENDING: u32 = 1;
    pub const INVITATION_SENT: u32 = 2;
    pub const CONNECTED: u32 = 4;
    pub const IMPORTED: u32 = 32;
    pub const INVITATION_WITHDRAWN: u32 = 64;
    pub const DUPLICATE: u32 = 2048;

    /// Every bit with its name, in the docs' order.
    pub const NAMES: [(u32, &str); 10] = [
        (1, "MEMBER_PENDING"),
        (2, "MEMBER_INVITATION_SENT"),
        (4, "MEMBER_CONNECTED"),
        (8, "MEMBER_DISCONNECTED"),
        (16, "MEMBER_DELETED"),
        (32, "MEMBER_IMPORTED"),
        (64, "MEMBER_INVITATION_WITHDRAWN"),
        (1024, "MEMBER_ERROR"),
        (2048, "MEMBER_DUPLICATE"),
        (0, "MEMBER_NOT_SET"),
    ];

    /// The names of the bits set, as Salesflow writes a status: `MEMBER_PENDING, MEMBER_ERROR`.
    pub fn name(bits: u32) -> String {
        if bits == 0 {
            return "MEMBER_NOT_SET".to_owned();
        }
        NAMES
            .iter()
            .filter(|(bit, _)| *bit != 0 && bits & bit != 0)
            .map(|(_, name)| *name)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A LinkedIn account the token can use.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Account {
    /// Its `AccountId`.
    pub account_id: i64,
    /// Its `AccountEmail`.
    pub account_email: String,
    /// Its `Status`.
    #[serde(default = "active")]
    pub status: String,
    /// Its `UserDbId`.
    #[serde(default = "user_db_id")]
    pub user_db_id: String,
    /// Its `UserEmail`.
    #[serde(default = "user_email")]
    pub user_email: String,
}

fn active() -> String {
    "ACCOUNT_ACTIVE".to_owned()
}
fn user_db_id() -> String {
    "f8de222f-f6e9-4d5b-a7fe-3ff5e0680c66".to_owned()
}
fn user_email() -> String {
    "salesflow_user_email@example.com".to_owned()
}

/// A campaign of an account.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Campaign {
    /// Its `CampaignId`.
    pub campaign_id: i64,
    /// Its `AccountId`.
    pub account_id: i64,
    /// Its `CampaignName`.
    pub campaign_name: String,
    /// `CAMPAIGN_RUNNING`, `CAMPAIGN_PAUSED` or `CAMPAIGN_STOPPED`.
    #[serde(default = "paused")]
    pub status: String,
    /// Its `LastModifiedAt`.
    #[serde(default)]
    pub last_modified_at: Option<DateTime<Utc>>,
    /// When it was made (not on the wire: what `updatedFromDate` compares when it was never
    /// modified).
    #[serde(default = "Utc::now")]
    pub created_at: DateTime<Utc>,
}

fn paused() -> String {
    "CAMPAIGN_PAUSED".to_owned()
}

/// A message a contact sent.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Message {
    /// Its `ConversationMessageId`.
    pub conversation_message_id: i64,
    /// Its `CreatedAt`.
    pub created_at: DateTime<Utc>,
    /// Its `Text`.
    pub text: String,
    /// Its `Interested`.
    #[serde(default)]
    pub interested: Option<bool>,
}

/// A campaign member.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Contact {
    /// Its `MemberId`.
    pub member_id: i64,
    /// Its `CampaignId`.
    pub campaign_id: i64,
    /// Its `FirstName`.
    pub first_name: Option<String>,
    /// Its `LastName`.
    pub last_name: Option<String>,
    /// Its `Location`.
    #[serde(default)]
    pub location: Option<String>,
    /// Its `Occupation`.
    #[serde(default)]
    pub occupation: Option<String>,
    /// Its `Industry`.
    #[serde(default)]
    pub industry: Option<String>,
    /// Its `Email`.
    #[serde(default)]
    pub email: Option<String>,
    /// Its `Phone`.
    #[serde(default)]
    pub phone: Option<String>,
    /// Its `Company`.
    #[serde(default)]
    pub company: Option<String>,
    /// Its `PublicIdentifier`.
    #[serde(default)]
    pub public_identifier: Option<String>,
    /// Its `MemberUrl`.
    pub member_url: String,
    /// The status bits, as the docs number them (`MEMBER_IMPORTED` is 32, `MEMBER_CONNECTED` 4).
    #[serde(default = "imported")]
    pub status_bits: u32,
    /// Its `CustomFields`.
    #[serde(default)]
    pub custom_fields: Vec<String>,
    /// Its `Muted`.
    #[serde(default)]
    pub muted: bool,
    /// Its `ConnectedAt`.
    #[serde(default)]
    pub connected_at: Option<DateTime<Utc>>,
    /// Its `Messages`.
    #[serde(default)]
    pub messages: Vec<Message>,
    /// Its `LastModifiedAt`.
    #[serde(default)]
    pub last_modified_at: Option<DateTime<Utc>>,
    /// Its `AddedAt`.
    #[serde(default = "Utc::now")]
    pub added_at: DateTime<Utc>,
}

fn imported() -> u32 {
    status::IMPORTED
}

impl Contact {
    /// When it last changed: `LastModifiedAt`, or `AddedAt` for a member never modified.
    pub fn changed_at(&self) -> DateTime<Utc> {
        self.last_modified_at.unwrap_or(self.added_at)
    }
}

/// One attachment of a webhook to a campaign, for one kind of event.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Attachment {
    /// Its `WebhookCampaignId`.
    pub webhook_campaign_id: i64,
    /// Its `CampaignId`.
    pub campaign_id: i64,
    /// Its `RunOn`.
    pub run_on: i32,
}

/// A webhook of an account.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Webhook {
    /// Its `WebhookId`.
    pub webhook_id: i64,
    /// Its `AccountId`.
    pub account_id: i64,
    /// Its `Name`.
    pub name: String,
    /// Its `Url`.
    pub url: String,
    /// Its `DisableForMutedContacts`.
    #[serde(default)]
    pub disable_for_muted_contacts: Option<bool>,
    /// Its `AttachedWebhookCampaigns`.
    #[serde(default)]
    pub attached_webhook_campaigns: Vec<Attachment>,
}

/// One webhook event the emulator POSTed (or tried to).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Delivery {
    /// Its `DeliveryId`.
    pub delivery_id: i64,
    /// Its `WebhookId`.
    pub webhook_id: i64,
    /// Its `WebhookCampaignId`.
    pub webhook_campaign_id: i64,
    /// Its `MemberId`.
    pub member_id: i64,
    /// The event's `IntegrationRunOn`.
    pub event: String,
    /// Its `Attempts`.
    pub attempts: u32,
    /// Its `Delivered`.
    pub delivered: bool,
    /// The receiver's last HTTP status, if it answered.
    pub last_status: Option<u16>,
    /// Why the last attempt failed, if it did.
    pub last_error: Option<String>,
    /// The body POSTed.
    pub payload: serde_json::Value,
}

/// What the emulator starts from (`--seed FILE`): its token, accounts, campaigns, contacts
/// and webhooks, with PascalCase keys as the API writes them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Seed {
    /// The API token every request must carry.
    #[serde(default = "default_token")]
    pub token: String,
    /// Its `Accounts`.
    #[serde(default)]
    pub accounts: Vec<Account>,
    /// Its `Campaigns`.
    #[serde(default)]
    pub campaigns: Vec<Campaign>,
    /// Its `Contacts`.
    #[serde(default)]
    pub contacts: Vec<Contact>,
    /// Its `Webhooks`.
    #[serde(default)]
    pub webhooks: Vec<Webhook>,
}

/// The token of the default seed.
pub const DEFAULT_TOKEN: &str = "emulator-token-0123456789";

fn default_token() -> String {
    DEFAULT_TOKEN.to_owned()
}

impl Default for Seed {
    /// Account 321 (active, with a paused and a running campaign, no members yet) and
    /// account 322 (blocked, no campaigns).
    fn default() -> Self {
        let now = Utc::now();
        let account = |id: i64, status: &str| Account {
            account_id: id,
            account_email: format!("linkedin.account{id}@example.org"),
            status: status.to_owned(),
            user_db_id: user_db_id(),
            user_email: user_email(),
        };
        let campaign = |id: i64, name: &str, status: &str| Campaign {
            campaign_id: id,
            account_id: 321,
            campaign_name: name.to_owned(),
            status: status.to_owned(),
            last_modified_at: None,
            created_at: now - Duration::days(30),
        };
        Self {
            token: default_token(),
            accounts: vec![
                account(321, "ACCOUNT_ACTIVE"),
                account(322, "ACCOUNT_BLOCKED"),
            ],
            campaigns: vec![
                campaign(789, "Sales leads", "CAMPAIGN_PAUSED"),
                campaign(790, "Java developers", "CAMPAIGN_RUNNING"),
            ],
            contacts: Vec::new(),
            webhooks: Vec::new(),
        }
    }
}

/// Everything the emulator holds.
#[derive(Debug)]
pub struct State {
    /// Its `Token`.
    pub token: String,
    /// Its `Accounts`.
    pub accounts: Vec<Account>,
    /// Its `Campaigns`.
    pub campaigns: BTreeMap<i64, Campaign>,
    /// Its `Contacts`.
    pub contacts: BTreeMap<i64, Contact>,
    /// Its `Webhooks`.
    pub webhooks: BTreeMap<i64, Webhook>,
    /// Its `Deliveries`, the latest [`State::DELIVERIES_KEPT`].
    pub deliveries: Vec<Delivery>,
    next_id: i64,
    last_time: DateTime<Utc>,
    /// (campaign, public identifier) → a member of that profile in that campaign, so that an
    /// import finds a duplicate in one lookup; made again whenever `contacts` changed size
    /// behind its back (a test inserting members directly).
    profiles: std::collections::HashMap<(i64, String), i64>,
    /// The size of `contacts` when `profiles` was last complete.
    indexed: usize,
}

impl State {
    /// The state `seed` describes; new ids start above every id in it.
    pub fn new(seed: Seed) -> Self {
        let highest = seed
            .campaigns
            .iter()
            .map(|c| c.campaign_id)
            .chain(seed.contacts.iter().map(|c| c.member_id))
            .chain(seed.webhooks.iter().map(|w| w.webhook_id))
            .chain(seed.webhooks.iter().flat_map(|w| {
                w.attached_webhook_campaigns
                    .iter()
                    .map(|a| a.webhook_campaign_id)
            }))
            .chain(
                seed.contacts
                    .iter()
                    .flat_map(|c| c.messages.iter().map(|m| m.conversation_message_id)),
            )
            .max()
            .unwrap_or(0);
        Self {
            token: seed.token,
            accounts: seed.accounts,
            campaigns: seed
                .campaigns
                .into_iter()
                .map(|c| (c.campaign_id, c))
                .collect(),
            contacts: seed
                .contacts
                .into_iter()
                .map(|c| (c.member_id, c))
                .collect(),
            webhooks: seed
                .webhooks
                .into_iter()
                .map(|w| (w.webhook_id, w))
                .collect(),
            deliveries: Vec::new(),
            next_id: highest.max(100_000) + 1,
            last_time: DateTime::<Utc>::MIN_UTC,
            profiles: std::collections::HashMap::new(),
            indexed: usize::MAX,
        }
    }

    /// How many deliveries the state keeps (the oldest go first): a webhook firing without
    /// end does not fill the memory.
    pub const DELIVERIES_KEPT: usize = 10_000;

    /// Records a delivery, forgetting the oldest beyond [`Self::DELIVERIES_KEPT`].
    pub fn record_delivery(&mut self, delivery: Delivery) {
        if self.deliveries.len() >= Self::DELIVERIES_KEPT {
            let excess = self.deliveries.len() + 1 - Self::DELIVERIES_KEPT;
            self.deliveries.drain(..excess);
        }
        self.deliveries.push(delivery);
    }

    /// Whether campaign `campaign_id` has a member of the profile `identifier`: one lookup,
    /// so that an import into a campaign of 100,000 members costs what it does into none.
    pub fn has_profile(&mut self, campaign_id: i64, identifier: &str) -> bool {
        if self.indexed != self.contacts.len() {
            self.index_profiles();
        }
        let key = (campaign_id, identifier.to_owned());
        let holds = |state: &Self, member: i64| {
            state.contacts.get(&member).is_some_and(|c| {
                c.campaign_id == campaign_id && c.public_identifier.as_deref() == Some(identifier)
            })
        };
        match self.profiles.get(&key).copied() {
            Some(member) if holds(self, member) => true,
            // The member changed or went: look again from the contacts themselves.
            Some(_) => {
                self.index_profiles();
                self.profiles.contains_key(&key)
            }
            None => false,
        }
    }

    /// Adds a member (an import), keeping the profile index whole.
    pub fn add_contact(&mut self, contact: Contact) {
        if self.indexed != self.contacts.len() {
            self.index_profiles();
        }
        if let Some(identifier) = &contact.public_identifier {
            self.profiles
                .entry((contact.campaign_id, identifier.clone()))
                .or_insert(contact.member_id);
        }
        self.contacts.insert(contact.member_id, contact);
        self.indexed = self.contacts.len();
    }

    fn index_profiles(&mut self) {
        self.profiles.clear();
        for contact in self.contacts.values() {
            if let Some(identifier) = &contact.public_identifier {
                self.profiles
                    .entry((contact.campaign_id, identifier.clone()))
                    .or_insert(contact.member_id);
            }
        }
        self.indexed = self.contacts.len();
    }

    /// A new id, higher than every id there is.
    pub fn next_id(&mut self) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// The time of a change: now, and always later than the change before (so that
    /// `updatedFromDate` can tell every change apart).
    pub fn now(&mut self) -> DateTime<Utc> {
        let now = Utc::now().max(self.last_time + Duration::milliseconds(1));
        // Salesflow keeps milliseconds (`.62`, `.507`).
        let now = DateTime::from_timestamp_millis(now.timestamp_millis()).unwrap_or(now);
        self.last_time = now;
        now
    }

    /// Whether the token reaches account `account_id`.
    pub fn has_account(&self, account_id: i64) -> bool {
        self.accounts.iter().any(|a| a.account_id == account_id)
    }

    /// The campaign `campaign_id` if it is the account's.
    pub fn campaign_of(&self, account_id: i64, campaign_id: i64) -> Option<&Campaign> {
        self.campaigns
            .get(&campaign_id)
            .filter(|c| c.account_id == account_id)
    }

    /// The contact `member_id` if it is a member of one of the account's campaigns.
    pub fn contact_of(&self, account_id: i64, member_id: i64) -> Option<&Contact> {
        self.contacts
            .get(&member_id)
            .filter(|c| self.campaign_of(account_id, c.campaign_id).is_some())
    }

    /// The members of campaign `campaign_id`, in the order of their ids.
    pub fn members_of(&self, campaign_id: i64) -> impl Iterator<Item = &Contact> {
        self.contacts
            .values()
            .filter(move |c| c.campaign_id == campaign_id)
    }

    /// The account's contacts, in the order of their ids.
    pub fn contacts_of_account(&self, account_id: i64) -> impl Iterator<Item = &Contact> {
        self.contacts
            .values()
            .filter(move |c| self.campaign_of(account_id, c.campaign_id).is_some())
    }

    /// A snapshot of everything, as `/__emulator/state` shows it.
    pub fn snapshot(&self) -> serde_json::Value {
        serde_json::json!({
            "Token": "***",
            "Accounts": self.accounts,
            "Campaigns": self.campaigns.values().collect::<Vec<_>>(),
            "Contacts": self.contacts.values().collect::<Vec<_>>(),
            "Webhooks": self.webhooks.values().collect::<Vec<_>>(),
            "Deliveries": self.deliveries,
        })
    }
}

/// The public identifier of a LinkedIn profile URL (`https://www.linkedin.com/in/jane-doe/`
/// is `jane-doe`), lower case, as LinkedIn treats it.
pub fn public_identifier(url: &str) -> Option<String> {
    let rest = url.split("/in/").nth(1)?;
    let identifier = rest.split(['/', '?', '#']).next()?.trim();
    (!identifier.is_empty()).then(|| identifier.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_names_join_their_bits() {
        assert_eq!(status::name(status::IMPORTED), "MEMBER_IMPORTED");
        assert_eq!(status::name(1 | 1024), "MEMBER_PENDING, MEMBER_ERROR");
        assert_eq!(status::name(0), "MEMBER_NOT_SET");
    }

    #[test]
    fn public_identifiers_come_from_profile_urls() {
        assert_eq!(
            public_identifier("https://www.linkedin.com/in/Jane-Doe-12/?trk=x").as_deref(),
            Some("jane-doe-12")
        );
        assert_eq!(
            public_identifier("https://www.linkedin.com/company/x"),
            None
        );
    }

    #[test]
    fn change_times_only_go_forward() {
        let mut state = State::new(Seed::default());
        let first = state.now();
        let second = state.now();
        assert!(second > first);
    }
}
