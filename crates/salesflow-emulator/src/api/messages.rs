//! The incoming messages of an account's or a campaign's members.

use serde_json::{Value, json};

use super::{Call, campaign_or_404};
use crate::answer::{Answer, timestamp};
use crate::state::State;

fn messages(call: &mut Call, state: &mut State, account: i64, campaign: Option<i64>) -> Answer {
    let from = call.required_time("from");
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

pub(super) fn by_account(call: &mut Call, state: &mut State, account: i64) -> Answer {
    messages(call, state, account, None)
}

pub(super) fn by_campaign(call: &mut Call, state: &mut State, account: i64) -> Answer {
    let campaign = call.integer("campaignId");
    if let Some(invalid) = call.invalid() {
        return invalid;
    }
    if let Err(missing) = campaign_or_404(state, account, campaign) {
        return missing;
    }
    messages(call, state, account, Some(campaign))
}
