//! The analytics operations, counted from the campaigns' members.

use chrono::{DateTime, Utc};
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
/// The days an analytics call counts, `from` 00:00 to the end of `to` (UTC).
#[derive(Clone, Copy)]
struct Period {
    from: DateTime<Utc>,
    until: DateTime<Utc>,
}

impl Period {
    fn holds(self, time: DateTime<Utc>) -> bool {
        self.from <= time && time < self.until
    }
}

/// A campaign's analytics in `period`, derived from its members: the invitations of the
/// members added in it, the connections and replies made in it.
fn campaign_analytics(
    state: &State,
    campaign_id: i64,
    campaigns_of_account: usize,
    period: Period,
) -> Value {
    let members: Vec<&Contact> = state.members_of(campaign_id).collect();
    let invited = members
        .iter()
        .filter(|c| period.holds(c.added_at))
        .filter(|c| {
            c.status_bits
                & (status::INVITATION_SENT | status::CONNECTED | status::INVITATION_WITHDRAWN)
                != 0
        })
        .count();
    let accepted = members
        .iter()
        .filter(|c| c.status_bits & status::CONNECTED != 0)
        .filter(|c| period.holds(c.connected_at.unwrap_or(c.added_at)))
        .count();
    // Each member's replies in the period.
    let replies: Vec<usize> = members
        .iter()
        .map(|c| {
            c.messages
                .iter()
                .filter(|m| period.holds(m.created_at))
                .count()
        })
        .collect();
    let replied = replies.iter().filter(|count| **count > 0).count();
    let total_replies: usize = replies.iter().sum();
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
            "TotalReplies": total_replies,
            "CampaignMembersWithLinkedInPremium": 0,
        },
    })
}
/// `from` and `to` of the analytics operations: dates, both required.
fn period(call: &mut Call) -> Option<Period> {
    let from = call.required_time("from");
    let to = call.required_time("to");
    let (from, to) = (from?, to?);
    Some(Period {
        from: from.date_naive().and_hms_opt(0, 0, 0)?.and_utc(),
        until: (to.date_naive() + chrono::Days::new(1))
            .and_hms_opt(0, 0, 0)?
            .and_utc(),
    })
}
pub(super) fn by_campaign(call: &mut Call, state: &mut State, account: i64) -> Answer {
    let campaign_id = call.integer("campaignId");
    let period = period(call);
    if let Some(invalid) = call.invalid() {
        return invalid;
    }
    let period = period.expect("checked");
    if let Err(missing) = campaign_or_404(state, account, campaign_id) {
        return missing;
    }
    let count = state
        .campaigns
        .values()
        .filter(|c| c.account_id == account)
        .count();
    Answer::ok(campaign_analytics(state, campaign_id, count, period))
}
pub(super) fn by_account(call: &mut Call, state: &mut State, account: i64) -> Answer {
    let period = period(call);
    if let Some(invalid) = call.invalid() {
        return invalid;
    }
    let period = period.expect("checked");
    let ids: Vec<i64> = state
        .campaigns
        .values()
        .filter(|c| c.account_id == account)
        .map(|c| c.campaign_id)
        .collect();
    Answer::ok(Value::Array(
        ids.iter()
            .map(|id| campaign_analytics(state, *id, ids.len(), period))
            .collect(),
    ))
}
