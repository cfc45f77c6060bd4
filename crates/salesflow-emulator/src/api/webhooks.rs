//! The webhooks' operations: create, delete, list, attach to a campaign for an event, detach.

use serde_json::{Value, json};

use super::{Call, Kind, campaign_or_404, typed_field};
use crate::answer::Answer;
use crate::state::{Attachment, State, Webhook};

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
pub(super) fn create(call: &mut Call, state: &mut State, account: i64) -> Answer {
    let body = call.json().unwrap_or_default();
    let mut text = |name: &str| {
        typed_field(call, &body, name, Kind::Text).and_then(|v| v.as_str().map(str::to_owned))
    };
    let (name, url) = (text("Name"), text("Url"));
    let disable_for_muted_contacts =
        typed_field(call, &body, "DisableForMutedContacts", Kind::Boolean).and_then(Value::as_bool);
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
        disable_for_muted_contacts,
        attached_webhook_campaigns: Vec::new(),
    };
    let answer = webhook_json(&webhook);
    state.webhooks.insert(webhook.webhook_id, webhook);
    Answer::ok(answer)
}
pub(super) fn delete(call: &mut Call, state: &mut State, account: i64) -> Answer {
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
pub(super) fn attach(call: &mut Call, state: &mut State, account: i64) -> Answer {
    let webhook_id = call.integer("webhookId");
    let campaign_id = call.integer("campaignId");
    let run_on = call.integer("runOn");
    if call.text("runOn").is_some() && run_on < 1 {
        call.fail("runOn", "The field runOn must be at least 1.".to_owned());
    }
    if let Some(invalid) = call.invalid() {
        return invalid;
    }
    if let Err(missing) = campaign_or_404(state, account, campaign_id) {
        return missing;
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
pub(super) fn detach(call: &mut Call, state: &mut State, account: i64) -> Answer {
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

pub(super) fn list(state: &State, account: i64) -> Answer {
    let listed = state
        .webhooks
        .values()
        .filter(|w| w.account_id == account)
        .map(webhook_json)
        .collect();
    Answer::ok(Value::Array(listed))
}
