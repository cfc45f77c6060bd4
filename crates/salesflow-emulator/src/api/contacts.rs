//! The members' operations: import, read, update, delete, and the three listings.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::{Call, Kind, body_field, campaign_or_404, parse_time, typed_field};
use crate::answer::{Answer, maybe_timestamp, timestamp};
use crate::state::{Contact, State, public_identifier, status};

/// A contact as the members' operations answer with it.
pub(super) fn contact_json(contact: &Contact, state: &State) -> Value {
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
pub(super) fn import(call: &mut Call, state: &mut State, account: i64) -> Answer {
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
    if let Err(missing) = campaign_or_404(state, account, campaign_id) {
        return missing;
    }
    // Importing the same profile into the same campaign again makes a second member,
    // marked as a duplicate: the operation is not idempotent.
    let duplicate = identifier
        .as_deref()
        .is_some_and(|identifier| state.has_profile(campaign_id, identifier));
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
    state.add_contact(contact);
    Answer::ok(answer)
}
pub(super) fn get(call: &mut Call, state: &mut State, account: i64, member: i64) -> Answer {
    if let Some(invalid) = call.invalid() {
        return invalid;
    }
    match state.contact_of(account, member) {
        Some(contact) => Answer::ok(contact_json(contact, state)),
        None => Answer::Missing("Member not found"),
    }
}
pub(super) fn get_by_public_identifier(call: &mut Call, state: &mut State, account: i64) -> Answer {
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
        None => Answer::Missing("Member not found"),
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

pub(super) fn update(call: &mut Call, state: &mut State, account: i64, member: i64) -> Answer {
    let body = call.json().unwrap_or_default();
    let mut changes = Vec::new();
    for (field, max) in UPDATABLE {
        let value = body_field(&body, field);
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
pub(super) fn delete(call: &mut Call, state: &mut State, account: i64, member: i64) -> Answer {
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
pub(super) fn list_by_campaign(call: &mut Call, state: &mut State, account: i64) -> Answer {
    let campaign_id = call.integer("campaignId");
    let from = call.time("updatedFromDate");
    if let Some(invalid) = call.invalid() {
        return invalid;
    }
    if let Err(missing) = campaign_or_404(state, account, campaign_id) {
        return missing;
    }
    let members = state.members_of(campaign_id).collect();
    list(members, state, from)
}
pub(super) fn list_by_account(call: &mut Call, state: &mut State, account: i64) -> Answer {
    let from = call.time("updatedFromDate");
    if let Some(invalid) = call.invalid() {
        return invalid;
    }
    list(state.contacts_of_account(account).collect(), state, from)
}
pub(super) fn list_by_public_identifiers(
    call: &mut Call,
    state: &mut State,
    account: i64,
) -> Answer {
    let body = call.json().unwrap_or_default();
    let mistyped = body_field(&body, "PublicIdentifiers").is_some_and(|v| !v.is_null());
    let wanted: Vec<String> = match typed_field(call, &body, "PublicIdentifiers", Kind::TextList) {
        Some(Value::Array(items)) if !items.is_empty() => items
            .iter()
            .filter_map(Value::as_str)
            .map(|text| text.trim().to_ascii_lowercase())
            .collect(),
        // Not a list of strings: said already.
        None if mistyped => Vec::new(),
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
    // An empty date binds as none (Newtonsoft reads "" into a nullable DateTime as null).
    let from = typed_field(call, &body, "UpdatedFromDate", Kind::Text)
        .and_then(|value| value.as_str().map(str::to_owned))
        .filter(|text| !text.trim().is_empty())
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
