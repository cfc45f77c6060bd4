//! The campaigns' operations: list, start, and the statistics counted from their members.

use chrono::Utc;
use serde_json::{Value, json};

use super::{Call, campaign_or_404};
use crate::answer::{Answer, maybe_timestamp, microsoft_date};
use crate::state::{Contact, State, status};

pub(super) fn list(call: &mut Call, state: &mut State, account: i64) -> Answer {
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
pub(super) fn start(call: &mut Call, state: &mut State, account: i64) -> Answer {
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
    if state.members_of(campaign_id).next().is_none() {
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
pub(super) fn statistics(call: &mut Call, state: &mut State, account: i64) -> Answer {
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
    if let Err(missing) = campaign_or_404(state, account, campaign_id) {
        return missing;
    }
    let members: Vec<&Contact> = state.members_of(campaign_id).collect();
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
