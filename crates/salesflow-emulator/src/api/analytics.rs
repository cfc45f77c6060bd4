//! The analytics operations, counted from the campaigns' members.

use serde_json::{Value, json};

use super::{Call, campaign_or_404};
use crate::answer::Answer;
use crate::state::{Contact, State, status};

/// A rate in percent, with two decimals (0 when nothing was sent).
fn rate(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    (part as f64 * 10_000.0 / whole as f64).round() / 100.0
}
/// A campaign's analytics, derived from its members.
fn campaign_analytics(state: &State, campaign_id: i64, campaigns_of_account: usize) -> Value {
    let members: Vec<&Contact> = state.members_of(campaign_id).collect();
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
pub(super) fn by_campaign(call: &mut Call, state: &mut State, account: i64) -> Answer {
    let campaign_id = call.integer("campaignId");
    period(call);
    if let Some(invalid) = call.invalid() {
        return invalid;
    }
    if let Err(missing) = campaign_or_404(state, account, campaign_id) {
        return missing;
    }
    let count = state
        .campaigns
        .values()
        .filter(|c| c.account_id == account)
        .count();
    Answer::ok(campaign_analytics(state, campaign_id, count))
}
pub(super) fn by_account(call: &mut Call, state: &mut State, account: i64) -> Answer {
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
