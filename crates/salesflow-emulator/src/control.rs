//! The control API under `/__emulator/`: what happens on LinkedIn (a member connects,
//! replies, has an invitation withdrawn), the variants, and a look at the state.

use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::delivery::{self, Event};
use crate::state::{Delivery, Message, status};
use crate::{Faults, Inner, Variants, lock};

/// A control request: `rest` is the path after the prefix.
pub(crate) async fn handle(inner: &Inner, method: &Method, rest: &str, body: &[u8]) -> Response {
    let segments: Vec<&str> = rest.trim_matches('/').split('/').collect();
    match (method.as_str(), segments.as_slice()) {
        ("GET", ["state"]) => json_answer(StatusCode::OK, lock(&inner.state).snapshot()),
        ("GET", ["deliveries"]) => {
            json_answer(StatusCode::OK, json!(lock(&inner.state).deliveries))
        }
        ("GET", ["variants"]) => json_answer(StatusCode::OK, json!(*lock(&inner.variants))),
        ("PUT", ["variants"]) => match serde_json::from_slice::<Variants>(body) {
            Ok(variants) => {
                *lock(&inner.variants) = variants;
                json_answer(StatusCode::OK, json!(variants))
            }
            Err(error) => json_answer(
                StatusCode::BAD_REQUEST,
                json!({"Error": format!("{error}; the variants are {:?}", Variants::NAMES)}),
            ),
        },
        ("GET", ["faults"]) => json_answer(StatusCode::OK, json!(*lock(&inner.faults))),
        ("PUT", ["faults"]) => match serde_json::from_slice::<Faults>(body) {
            Ok(faults) => {
                *lock(&inner.faults) = faults.clone();
                json_answer(StatusCode::OK, json!(faults))
            }
            Err(error) => json_answer(
                StatusCode::BAD_REQUEST,
                json!({"Error": format!("{error}; the kinds are {:?}", Faults::NAMES)}),
            ),
        },
        ("POST", ["members", id, action]) => {
            let Ok(member_id) = id.parse::<i64>() else {
                return json_answer(
                    StatusCode::BAD_REQUEST,
                    json!({"Error": "a member id is a number"}),
                );
            };
            let event = match *action {
                "connect" => Event::Connected,
                "reply" => Event::Replied,
                "withdraw" => Event::Withdrawn,
                "mute" | "unmute" => {
                    let mut state = lock(&inner.state);
                    let now = state.now();
                    return match state.contacts.get_mut(&member_id) {
                        Some(contact) => {
                            contact.muted = *action == "mute";
                            contact.last_modified_at = Some(now);
                            json_answer(
                                StatusCode::OK,
                                json!({"MemberId": member_id, "Muted": contact.muted}),
                            )
                        }
                        None => not_found(member_id),
                    };
                }
                _ => return StatusCode::NOT_FOUND.into_response(),
            };
            let text = serde_json::from_slice::<Value>(body)
                .ok()
                .and_then(|body| body.get("Text").and_then(Value::as_str).map(str::to_owned));
            match simulate(inner, member_id, event, text.as_deref()).await {
                Some(deliveries) => json_answer(
                    StatusCode::OK,
                    json!({"MemberId": member_id, "Deliveries": deliveries}),
                ),
                None => not_found(member_id),
            }
        }
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

fn not_found(member_id: i64) -> Response {
    json_answer(
        StatusCode::NOT_FOUND,
        json!({"Error": format!("no member {member_id}")}),
    )
}

fn json_answer(status: StatusCode, body: Value) -> Response {
    (status, axum::Json(body)).into_response()
}

/// Applies `event` to member `member_id` and delivers it to every webhook attached for it;
/// returns those deliveries, or `None` if there is no such member.
pub(crate) async fn simulate(
    inner: &Inner,
    member_id: i64,
    event: Event,
    text: Option<&str>,
) -> Option<Vec<Delivery>> {
    let planned = {
        let mut state = lock(&inner.state);
        let now = state.now();
        // Only a reply takes an id (for its message).
        let message_id = (event == Event::Replied).then(|| state.next_id());
        let contact = state.contacts.get_mut(&member_id)?;
        let kept = status::DUPLICATE | 1024;
        match event {
            Event::Connected => {
                contact.status_bits = (contact.status_bits & kept) | status::CONNECTED;
                contact.connected_at = Some(now);
            }
            Event::Replied => {
                contact.messages.push(Message {
                    conversation_message_id: message_id.unwrap_or_default(),
                    created_at: now,
                    text: text.unwrap_or("Thanks for reaching out!").to_owned(),
                    interested: None,
                });
            }
            Event::Withdrawn => {
                contact.status_bits = (contact.status_bits & kept) | status::INVITATION_WITHDRAWN;
            }
        }
        contact.last_modified_at = Some(now);
        delivery::plan(event, member_id, &mut state)
    };
    let mut ids = Vec::new();
    for post in &planned {
        ids.push(post.delivery_id);
        delivery::deliver(&inner.http, inner.address, post, |attempt| {
            let mut state = lock(&inner.state);
            if let Some(record) = state
                .deliveries
                .iter_mut()
                .find(|d| d.delivery_id == post.delivery_id)
            {
                record.attempts += 1;
                match attempt {
                    Ok(code) => {
                        record.last_status = Some(code);
                        record.delivered = (200..300).contains(&code);
                        record.last_error = None;
                    }
                    Err(error) => {
                        record.last_status = None;
                        record.last_error = Some(error);
                    }
                }
            }
        })
        .await;
    }
    let state = lock(&inner.state);
    Some(
        state
            .deliveries
            .iter()
            .filter(|d| ids.contains(&d.delivery_id))
            .cloned()
            .collect(),
    )
}
