//! The 21 operations of the spec, as a stateful Salesflow answers them: each reads its
//! parameters (checked against the spec's rules), the token and the account, then the state.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Value, json};

use crate::answer::{Answer, maybe_timestamp, microsoft_date, timestamp};
use crate::state::{Attachment, Contact, State, Webhook, public_identifier, status};

/// A request as the operations read it: its query parameters (names matched in any case, as
/// ASP.NET binds them) and its body.
pub struct Call<'a> {
    query: Vec<(String, String)>,
    body: &'a [u8],
    errors: Vec<(String, String)>,
}

impl<'a> Call<'a> {
    pub fn new(query: Option<&str>, body: &'a [u8]) -> Self {
        let query = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect();
        Self {
            query,
            body,
            errors: Vec::new(),
        }
    }

    fn all(&self, name: &str) -> Vec<&str> {
        self.query
            .iter()
            .filter(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
            .collect()
    }

    fn text(&self, name: &str) -> Option<&str> {
        self.all(name).into_iter().next()
    }

    fn fail(&mut self, field: &str, message: String) {
        self.errors.push((field.to_owned(), message));
    }

    /// A required integer parameter (ASP.NET's binding messages when it is missing or bad).
    fn integer(&mut self, name: &str) -> i64 {
        let text = self.text(name).map(|text| text.trim().to_owned());
        match text.as_deref() {
            None | Some("") => {
                self.fail(name, format!("The {name} field is required."));
                0
            }
            Some(text) => text.parse().unwrap_or_else(|_| {
                self.fail(name, format!("The value '{text}' is not valid."));
                0
            }),
        }
    }

    /// A required text parameter.
    fn required_text(&mut self, name: &str) -> String {
        match self.text(name) {
            Some(text) if !text.trim().is_empty() => text.to_owned(),
            _ => {
                self.fail(name, format!("The {name} field is required."));
                String::new()
            }
        }
    }

    /// An optional timestamp or date parameter.
    fn time(&mut self, name: &str) -> Option<DateTime<Utc>> {
        let text = self.text(name)?.trim().to_owned();
        if text.is_empty() {
            return None;
        }
        let parsed = parse_time(&text);
        if parsed.is_none() {
            self.fail(name, format!("The value '{text}' is not valid."));
        }
        parsed
    }

    /// The JSON body, or `None` with an error.
    fn json(&mut self) -> Option<Value> {
        let text = self.body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(self.body);
        match serde_json::from_slice::<Value>(text) {
            Ok(value @ Value::Object(_)) => Some(value),
            _ => {
                self.fail("", "A non-empty request body is required.".to_owned());
                None
            }
        }
    }

    /// The errors so far, as the 400 ASP.NET answers with.
    fn invalid(&self) -> Option<Answer> {
        (!self.errors.is_empty()).then(|| Answer::invalid(&self.errors))
    }
}

/// A timestamp in any form the API reads: RFC 3339, `2024-07-16T05:00:00`, `2024-07-16
/// 05:00:00`, a date.
fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Some(time.to_utc());
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(time) = chrono::NaiveDateTime::parse_from_str(text, format) {
            return Some(time.and_utc());
        }
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .map(|date| date.and_hms_opt(0, 0, 0).expect("midnight").and_utc())
}

/// Runs `operation` (its operationId) for `call` against `state`.
pub fn run(operation: &str, path_id: Option<&str>, call: &mut Call, state: &mut State) -> Answer {
    if call.text("token") != Some(state.token.as_str()) {
        return Answer::forbidden();
    }
    let account = if operation == "listAccounts" {
        0
    } else {
        let account = call.integer("accountId");
        if let Some(invalid) = call.invalid() {
            return invalid;
        }
        if !state.has_account(account) {
            return Answer::forbidden();
        }
        account
    };
    let member = path_id.map(|id| {
        id.parse::<i64>().unwrap_or_else(|_| {
            call.fail("memberId", format!("The value '{id}' is not valid."));
            0
        })
    });
    match operation {
        "listAccounts" => Answer::ok(json!(
            state
                .accounts
                .iter()
                .map(|a| json!({
                    "AccountId": a.account_id, "AccountEmail": a.account_email, "Status": a.status,
                    "UserDbId": a.user_db_id, "UserEmail": a.user_email,
                }))
                .collect::<Vec<_>>()
        )),
        "listCampaigns" => list_campaigns(call, state, account),
        "startCampaign" => start_campaign(call, state, account),
        "getCampaignStatistics" => campaign_statistics(call, state, account),
        "importMember" => import_member(call, state, account),
        "getContact" => get_contact(call, state, account, member.unwrap_or_default()),
        "getContactByPublicIdentifier" => get_contact_by_public_identifier(call, state, account),
        "updateContact" => update_contact(call, state, account, member.unwrap_or_default()),
        "deleteContact" => delete_contact(call, state, account, member.unwrap_or_default()),
        "listContactsByCampaign" => list_contacts_by_campaign(call, state, account),
        "listContactsByAccount" => list_contacts_by_account(call, state, account),
        "listContactsByPublicIdentifiers" => {
            list_contacts_by_public_identifiers(call, state, account)
        }
        "createWebhook" => create_webhook(call, state, account),
        "deleteWebhook" => delete_webhook(call, state, account),
        "listWebhooks" => Answer::ok(json!(
            state
                .webhooks
                .values()
                .filter(|w| w.account_id == account)
                .map(webhook_json)
                .collect::<Vec<_>>()
        )),
        "attachWebhook" => attach_webhook(call, state, account),
        "detachWebhook" => detach_webhook(call, state, account),
        "getAnalyticsByCampaign" => analytics_by_campaign(call, state, account),
        "getAnalyticsByAccount" => analytics_by_account(call, state, account),
        "listIncomingMessagesByAccount" => messages(call, state, account, None),
        "listIncomingMessagesByCampaign" => {
            let campaign = call.integer("campaignId");
            if let Some(invalid) = call.invalid() {
                return invalid;
            }
            if state.campaign_of(account, campaign).is_none() {
                return Answer::not_found("Campaign not found");
            }
            messages(call, state, account, Some(campaign))
        }
        _ => Answer::not_found("No such operation"),
    }
}

/// A contact as the members' operations answer with it.
pub fn contact_json(contact: &Contact, state: &State) -> Value {
    let campaign = state.campaigns.get(&contact.campaign_id);
    json!({
        "MemberId": contact.member_id,
        "FirstName": contact.first_name,
        "LastName": contact.last_name,
        "Location": contact.location,
        "Occupation": contact.occupation,
        "Industry": contact.industry,
        "Email": contact.email,
        "Phone": contact.phone,
        "PublicIdentifier": contact.public_identifier,
        "Status": status::name(contact.status_bits),
        "CampaignId": contact.campaign_id,
        "CampaignName": campaign.map(|c| c.campaign_name.clone()),
        "Company": contact.company,
        "MemberUrl": contact.member_url,
        "LastModifiedAt": maybe_timestamp(contact.last_modified_at),
        "AddedAt": timestamp(contact.added_at),
    })
}

fn list_campaigns(call: &mut Call, state: &mut State, account: i64) -> Answer {
    let from = call.time("updatedFromDate");
    if let Some(invalid) = call.invalid() {
        return invalid;
    }
    let campaigns: Vec<Value> = state
        .campaigns
        .values()
        .filter(|c| c.account_id == account)
        .filter(|c| from.is_none_or(|from| c.last_modified_at.unwrap_or(c.created_at) >= from))
        .map(|c| {
            json!({
                "CampaignId": c.campaign_id, "CampaignName": c.campaign_name, "Status": c.status,
                "LastModifiedAt": maybe_timestamp(c.last_modified_at),
            })
        })
        .collect();
    Answer::ok(Value::Array(campaigns))
}

fn start_campaign(call: &mut Call, state: &mut State, account: i64) -> Answer {
    let campaign_id = call.integer("campaignId");
    if let Some(invalid) = call.invalid() {
        return invalid;
    }
    let Some(campaign) = state.campaign_of(account, campaign_id) else {
        return Answer::not_found("Campaign not found");
    };
    if campaign.status == "CAMPAIGN_RUNNING" {
        return Answer::Outcome(409, Some("Campaign is already running.".to_owned()));
    }
    if !state
        .contacts
        .values()
        .any(|c| c.campaign_id == campaign_id)
    {
        return Answer::Outcome(
            422,
            Some("Campaign can't be started: it has no members.".to_owned()),
        );
    }
    let now = state.now();
    let campaign = state.campaigns.get_mut(&campaign_id).expect("found above");
    campaign.status = "CAMPAIGN_RUNNING".to_owned();
    campaign.last_modified_at = Some(now);
    Answer::Outcome(200, Some("Campaign has been started.".to_owned()))
}

fn campaign_statistics(call: &mut Call, state: &mut State, account: i64) -> Answer {
    let campaign_id = call.integer("campaignId");
    if call.text("isForceRequest") != Some("true") {
        call.fail(
            "isForceRequest",
            "The isForceRequest field must be true.".to_owned(),
        );
    }
    if let Some(invalid) = call.invalid() {
        return invalid;
    }
    if state.campaign_of(account, campaign_id).is_none() {
        return Answer::not_found("Campaign not found");
    }
    let members: Vec<&Contact> = state
        .contacts
        .values()
        .filter(|c| c.campaign_id == campaign_id)
        .collect();
    let count = |bit: u32| members.iter().filter(|c| c.status_bits & bit != 0).count();
    let replies = members.iter().filter(|c| !c.messages.is_empty()).count();
    Answer::ok(json!({
        "CampaignId": campaign_id,
        "Total": members.len(),
        "InMails": 0,
        "Imported": count(status::IMPORTED),
        "Connections": count(status::CONNECTED),
        "Messages": members.iter().map(|c| c.messages.len()).sum::<usize>(),
        "Pending": count(status::PENDING),
        "Replies": replies,
        "Withdrawn": count(status::INVITATION_WITHDRAWN),
        "Invitations": count(status::INVITATION_SENT),
        "UpdatedAt": microsoft_date(Utc::now()),
        "Elapsed": 0.0125,
    }))
}

fn import_member(call: &mut Call, state: &mut State, account: i64) -> Answer {
    let campaign_id = call.integer("campaignId");
    let url = call.required_text("linkedInUrl");
    let identifier = public_identifier(&url);
    let linkedin = reqwest::Url::parse(url.trim()).ok().is_some_and(|parsed| {
        matches!(parsed.scheme(), "http" | "https")
            && parsed
                .host_str()
                .is_some_and(|host| host == "linkedin.com" || host.ends_with(".linkedin.com"))
    });
    if !url.is_empty() && (!linkedin || identifier.is_none()) {
        call.fail(
            "linkedInUrl",
            "The linkedInUrl field is not a LinkedIn profile URL.".to_owned(),
        );
    }
    if let Some(invalid) = call.invalid() {
        return invalid;
    }
    if state.campaign_of(account, campaign_id).is_none() {
        return Answer::not_found("Campaign not found");
    }
    // Importing the same profile into the same campaign again makes a second member,
    // marked as a duplicate: the operation is not idempotent.
    let duplicate = state
        .contacts
        .values()
        .any(|c| c.campaign_id == campaign_id && c.public_identifier == identifier);
    let text = |call: &Call, name: &str| {
        call.text(name)
            .map(str::trim)
            .filter(|text| !text.is_empty())
            .map(str::to_owned)
    };
    let custom_fields = call
        .all("customFields")
        .into_iter()
        .map(str::to_owned)
        .collect();
    let member_id = state.next_id();
    let now = state.now();
    let contact = Contact {
        member_id,
        campaign_id,
        first_name: text(call, "firstName"),
        last_name: text(call, "lastName"),
        location: text(call, "location"),
        occupation: text(call, "occupation"),
        industry: None,
        email: None,
        phone: None,
        company: None,
        public_identifier: identifier,
        member_url: url.trim().to_owned(),
        status_bits: if duplicate {
            status::IMPORTED | status::DUPLICATE
        } else {
            status::IMPORTED
        },
        custom_fields,
        muted: false,
        connected_at: None,
        messages: Vec::new(),
        last_modified_at: None,
        added_at: now,
    };
    let answer = contact_json(&contact, state);
    state.contacts.insert(member_id, contact);
    Answer::ok(answer)
}

fn get_contact(call: &mut Call, state: &mut State, account: i64, member: i64) -> Answer {
    if let Some(invalid) = call.invalid() {
        return invalid;
    }
    match state.contact_of(account, member) {
        Some(contact) => Answer::ok(contact_json(contact, state)),
        None => Answer::not_found("Member not found"),
    }
}

fn get_contact_by_public_identifier(call: &mut Call, state: &mut State, account: i64) -> Answer {
    let wanted = call
        .required_text("publicIdentifier")
        .trim()
        .to_ascii_lowercase();
    if let Some(invalid) = call.invalid() {
        return invalid;
    }
    let found = state
        .contacts_of_account(account)
        .find(|c| c.public_identifier.as_deref() == Some(wanted.as_str()));
    match found {
        Some(contact) => Answer::ok(contact_json(contact, state)),
        None => Answer::not_found("Member not found"),
    }
}

/// The fields `updateContact` changes, with their maximum lengths (UTF-16 units).
const UPDATABLE: [(&str, usize); 7] = [
    ("firstName", 63),
    ("lastName", 63),
    ("location", 127),
    ("occupation", 1023),
    ("industry", 1023),
    ("email", 1023),
    ("phone", 1023),
];

fn update_contact(call: &mut Call, state: &mut State, account: i64, member: i64) -> Answer {
    let body = call.json().unwrap_or_default();
    let mut changes = Vec::new();
    for (field, max) in UPDATABLE {
        let value = body
            .as_object()
            .and_then(|map| map.iter().find(|(key, _)| key.eq_ignore_ascii_case(field)))
            .map(|(_, value)| value);
        match value {
            None | Some(Value::Null) => {}
            Some(Value::String(text)) if text.encode_utf16().count() > max => call.fail(
                field,
                format!("The field {field} must be a string with a maximum length of {max}."),
            ),
            Some(Value::String(text)) => changes.push((field, text.clone())),
            Some(_) => call.fail(field, format!("The field {field} must be a string.")),
        }
    }
    if let Some(invalid) = call.invalid() {
        return invalid;
    }
    if state.contact_of(account, member).is_none() {
        return Answer::not_found("Member not found");
    }
    let now = state.now();
    let contact = state.contacts.get_mut(&member).expect("found above");
    for (field, text) in changes {
        let slot = match field {
            "firstName" => &mut contact.first_name,
            "lastName" => &mut contact.last_name,
            "location" => &mut contact.location,
            "occupation" => &mut contact.occupation,
            "industry" => &mut contact.industry,
            "email" => &mut contact.email,
            _ => &mut contact.phone,
        };
        *slot = Some(text);
    }
    contact.last_modified_at = Some(now);
    let contact = contact.clone();
    Answer::ok(contact_json(&contact, state))
}

fn delete_contact(call: &mut Call, state: &mut State, account: i64, member: i64) -> Answer {
    if let Some(invalid) = call.invalid() {
        return invalid;
    }
    if state.contact_of(account, member).is_none() {
        return Answer::not_found("Member not found");
    }
    state.contacts.remove(&member);
    Answer::Deleted
}

fn list(contacts: Vec<&Contact>, state: &State, from: Option<DateTime<Utc>>) -> Answer {
    let listed = contacts
        .into_iter()
        .filter(|c| from.is_none_or(|from| c.changed_at() >= from))
        .map(|c| contact_json(c, state))
        .collect();
    Answer::ok(Value::Array(listed))
}

fn list_contacts_by_campaign(call: &mut Call, state: &mut State, account: i64) -> Answer {
    let campaign_id = call.integer("campaignId");
    let from = call.time("updatedFromDate");
    if let Some(invalid) = call.invalid() {
        return invalid;
    }
    if state.campaign_of(account, campaign_id).is_none() {
        return Answer::not_found("Campaign not found");
    }
    let members = state
        .contacts
        .values()
        .filter(|c| c.campaign_id == campaign_id)
        .collect();
    list(members, state, from)
}

fn list_contacts_by_account(call: &mut Call, state: &mut State, account: i64) -> Answer {
    let from = call.time("updatedFromDate");
    if let Some(invalid) = call.invalid() {
        return invalid;
    }
    list(state.contacts_of_account(account).collect(), state, from)
}

fn list_contacts_by_public_identifiers(call: &mut Call, state: &mut State, account: i64) -> Answer {
    let body = call.json().unwrap_or_default();
    let field = |name: &str| {
        body.as_object()
            .and_then(|map| map.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)))
            .map(|(_, value)| value.clone())
    };
    let wanted: Vec<String> = match field("PublicIdentifiers") {
        Some(Value::Array(items)) if !items.is_empty() => items
            .iter()
            .filter_map(Value::as_str)
            .map(|text| text.trim().to_ascii_lowercase())
            .collect(),
        _ => {
            call.fail(
                "PublicIdentifiers",
                "The PublicIdentifiers field is required.".to_owned(),
            );
            Vec::new()
        }
    };
    if wanted.iter().any(String::is_empty) {
        call.fail(
            "PublicIdentifiers",
            "The PublicIdentifiers field must not hold an empty identifier.".to_owned(),
        );
    }
    let from = field("UpdatedFromDate")
        .and_then(|value| value.as_str().map(str::to_owned))
        .and_then(|text| {
            let parsed = parse_time(&text);
            if parsed.is_none() {
                call.fail(
                    "UpdatedFromDate",
                    format!("The value '{text}' is not valid."),
                );
            }
            parsed
        });
    if let Some(invalid) = call.invalid() {
        return invalid;
    }
    let members = state
        .contacts_of_account(account)
        .filter(|c| {
            c.public_identifier
                .as_ref()
                .is_some_and(|id| wanted.contains(id))
        })
        .collect();
    list(members, state, from)
}

fn webhook_json(webhook: &Webhook) -> Value {
    json!({
        "WebhookId": webhook.webhook_id,
        "Name": webhook.name,
        "Url": webhook.url,
        "DisableForMutedContacts": webhook.disable_for_muted_contacts,
        "AttachedWebhookCampaigns": webhook.attached_webhook_campaigns.iter().map(attachment_json).collect::<Vec<_>>(),
    })
}

fn attachment_json(attachment: &Attachment) -> Value {
    json!({
        "WebhookCampaignId": attachment.webhook_campaign_id,
        "CampaignId": attachment.campaign_id,
        "RunOn": attachment.run_on,
    })
}

fn create_webhook(call: &mut Call, state: &mut State, account: i64) -> Answer {
    let body = call.json().unwrap_or_default();
    let field = |name: &str| {
        body.as_object()
            .and_then(|map| map.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)))
            .map(|(_, value)| value.clone())
    };
    let name = field("Name").and_then(|v| v.as_str().map(str::to_owned));
    let url = field("Url").and_then(|v| v.as_str().map(str::to_owned));
    match &name {
        Some(name) if name.trim().is_empty() => {
            call.fail("Name", "The Name field is required.".to_owned())
        }
        Some(name) if name.encode_utf16().count() > 255 => call.fail(
            "Name",
            "The field Name must be a string with a maximum length of 255.".to_owned(),
        ),
        Some(_) => {}
        None => call.fail("Name", "The Name field is required.".to_owned()),
    }
    let absolute = url
        .as_deref()
        .and_then(|url| reqwest::Url::parse(url).ok())
        .is_some_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some());
    match &url {
        Some(url) if url.encode_utf16().count() > 511 => call.fail(
            "Url",
            "The field Url must be a string with a maximum length of 511.".to_owned(),
        ),
        Some(_) if !absolute => call.fail(
            "Url",
            "The Url field is not a valid fully-qualified http or https URL.".to_owned(),
        ),
        Some(_) => {}
        None => call.fail("Url", "The Url field is required.".to_owned()),
    }
    if let Some(invalid) = call.invalid() {
        return invalid;
    }
    let webhook = Webhook {
        webhook_id: state.next_id(),
        account_id: account,
        name: name.unwrap_or_default(),
        url: url.unwrap_or_default(),
        disable_for_muted_contacts: field("DisableForMutedContacts").and_then(|v| v.as_bool()),
        attached_webhook_campaigns: Vec::new(),
    };
    let answer = webhook_json(&webhook);
    state.webhooks.insert(webhook.webhook_id, webhook);
    Answer::ok(answer)
}

fn delete_webhook(call: &mut Call, state: &mut State, account: i64) -> Answer {
    let webhook_id = call.integer("webhookId");
    if let Some(invalid) = call.invalid() {
        return invalid;
    }
    match state.webhooks.get(&webhook_id) {
        Some(webhook) if webhook.account_id == account => {
            state.webhooks.remove(&webhook_id);
            Answer::Deleted
        }
        _ => Answer::not_found("Webhook not found"),
    }
}

fn attach_webhook(call: &mut Call, state: &mut State, account: i64) -> Answer {
    let webhook_id = call.integer("webhookId");
    let campaign_id = call.integer("campaignId");
    let run_on = call.integer("runOn");
    if call.text("runOn").is_some() && run_on < 1 {
        call.fail("runOn", "The field runOn must be at least 1.".to_owned());
    }
    if let Some(invalid) = call.invalid() {
        return invalid;
    }
    if state.campaign_of(account, campaign_id).is_none() {
        return Answer::not_found("Campaign not found");
    }
    let attachment_id = state.next_id();
    let Some(webhook) = state
        .webhooks
        .get_mut(&webhook_id)
        .filter(|w| w.account_id == account)
    else {
        return Answer::not_found("Webhook not found");
    };
    let run_on = i32::try_from(run_on).unwrap_or(i32::MAX);
    // Up to one attachment per event kind and campaign, as the docs say.
    if webhook
        .attached_webhook_campaigns
        .iter()
        .any(|a| a.campaign_id == campaign_id && a.run_on == run_on)
    {
        return Answer::Outcome(
            409,
            Some("The webhook is attached to this campaign for this event already.".to_owned()),
        );
    }
    let attachment = Attachment {
        webhook_campaign_id: attachment_id,
        campaign_id,
        run_on,
    };
    let answer = attachment_json(&attachment);
    webhook.attached_webhook_campaigns.push(attachment);
    Answer::ok(answer)
}

fn detach_webhook(call: &mut Call, state: &mut State, account: i64) -> Answer {
    let attachment_id = call.integer("webhookCampaignId");
    if let Some(invalid) = call.invalid() {
        return invalid;
    }
    for webhook in state
        .webhooks
        .values_mut()
        .filter(|w| w.account_id == account)
    {
        let before = webhook.attached_webhook_campaigns.len();
        webhook
            .attached_webhook_campaigns
            .retain(|a| a.webhook_campaign_id != attachment_id);
        if webhook.attached_webhook_campaigns.len() != before {
            return Answer::Deleted;
        }
    }
    Answer::not_found("Webhook attachment not found")
}

/// A rate in percent, with two decimals (0 when nothing was sent).
fn rate(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    (part as f64 * 10_000.0 / whole as f64).round() / 100.0
}

/// A campaign's analytics, derived from its members.
fn campaign_analytics(state: &State, campaign_id: i64, campaigns_of_account: usize) -> Value {
    let members: Vec<&Contact> = state
        .contacts
        .values()
        .filter(|c| c.campaign_id == campaign_id)
        .collect();
    let invited = members
        .iter()
        .filter(|c| {
            c.status_bits
                & (status::INVITATION_SENT | status::CONNECTED | status::INVITATION_WITHDRAWN)
                != 0
        })
        .count();
    let accepted = members
        .iter()
        .filter(|c| c.status_bits & status::CONNECTED != 0)
        .count();
    let replied = members.iter().filter(|c| !c.messages.is_empty()).count();
    let running = state
        .campaigns
        .get(&campaign_id)
        .is_some_and(|c| c.status == "CAMPAIGN_RUNNING");
    json!({
        "CampaignId": campaign_id,
        "Linkedin": {
            "InvitationSentHealthScore": 0,
            "ConnectionRate": rate(accepted, invited),
            "ConnectionRateWithConnectionMessage": rate(accepted, invited),
            "ConnectionRateWithoutConnectionMessage": 0.0,
            "RepliesAfter1thFollowup": 0,
            "RepliesAfter2thFollowup": 0,
            "RepliesAfter3thFollowup": 0,
            "LinkedInReplyRate": rate(replied, accepted),
            "ReplyRateAfterConnectionMessage": rate(replied, accepted),
            "ReplyRateAfterFollowUp": 0.0,
            "ReplyRateAfterOpenInMail": 0.0,
            "LinkedInReplyRateForNewConnections": rate(replied, accepted),
            "InMailsSent": 0,
            "InvitesAcceptedWithConnectionMessage": accepted,
            "InvitesAcceptedWithoutConnectionMessage": 0,
            "PositiveRepliesReplyRate": 0.0,
            "NegativeRepliesReplyRate": 0.0,
            "InviteSent": invited,
            "InvitesAccepted": accepted,
            "LinkedInFollowUpsSent": 0,
            "RepliesFromLinkedIn": replied,
        },
        "Email": {
            "OpenRate": 0.0, "ReplyRate": 0.0, "RepliesAfter1thEmail": 0, "RepliesAfter2thEmail": 0,
            "RepliesAfter3thEmail": 0, "RepliesAfter4thEmailOrAbove": 0, "Sent": 0, "Replies": 0,
        },
        "General": {
            "TotalReplyRate": rate(replied, members.len()),
            "TotalCampaignMembers": members.len(),
            "CreatedCampaigns": campaigns_of_account,
            "ActiveCampaigns": usize::from(running),
            "TotalReplies": members.iter().map(|c| c.messages.len()).sum::<usize>(),
            "CampaignMembersWithLinkedInPremium": 0,
        },
    })
}

/// `from` and `to` of the analytics operations: dates, both required.
fn period(call: &mut Call) {
    for name in ["from", "to"] {
        if call.text(name).is_none() {
            call.fail(name, format!("The {name} field is required."));
        } else {
            call.time(name);
        }
    }
}

fn analytics_by_campaign(call: &mut Call, state: &mut State, account: i64) -> Answer {
    let campaign_id = call.integer("campaignId");
    period(call);
    if let Some(invalid) = call.invalid() {
        return invalid;
    }
    if state.campaign_of(account, campaign_id).is_none() {
        return Answer::not_found("Campaign not found");
    }
    let count = state
        .campaigns
        .values()
        .filter(|c| c.account_id == account)
        .count();
    Answer::ok(campaign_analytics(state, campaign_id, count))
}

fn analytics_by_account(call: &mut Call, state: &mut State, account: i64) -> Answer {
    period(call);
    if let Some(invalid) = call.invalid() {
        return invalid;
    }
    let ids: Vec<i64> = state
        .campaigns
        .values()
        .filter(|c| c.account_id == account)
        .map(|c| c.campaign_id)
        .collect();
    Answer::ok(Value::Array(
        ids.iter()
            .map(|id| campaign_analytics(state, *id, ids.len()))
            .collect(),
    ))
}

fn messages(call: &mut Call, state: &mut State, account: i64, campaign: Option<i64>) -> Answer {
    if call.text("from").is_none() {
        call.fail("from", "The from field is required.".to_owned());
    }
    let from = call.time("from");
    if let Some(invalid) = call.invalid() {
        return invalid;
    }
    let members: Vec<Value> = state
        .contacts_of_account(account)
        .filter(|c| campaign.is_none_or(|id| c.campaign_id == id))
        .filter_map(|c| {
            let messages: Vec<Value> = c
                .messages
                .iter()
                .filter(|m| from.is_none_or(|from| m.created_at >= from))
                .map(|m| {
                    json!({
                        "ConversationMessageId": m.conversation_message_id,
                        "CreatedAt": timestamp(m.created_at),
                        "Text": m.text,
                        "Interested": m.interested,
                    })
                })
                .collect();
            (!messages.is_empty()).then(|| {
                json!({"MemberId": c.member_id, "MemberUrl": c.member_url, "IncomingMessages": messages})
            })
        })
        .collect();
    Answer::ok(Value::Array(members))
}
