//! The generated types carry their own leniency: `serde_json` alone, on every answer the spec
//! allows (each variant of the conformance table the spec promises, for every operation),
//! decodes what `salesflow::from_json` (the SDK's own decoding) does. What the SDK reads
//! beyond the spec (keys in any case, `750.0` for an integer) is the wrapper's, and the
//! README says so; a byte-order mark is before the JSON, not in it.

use salesflow::types;
use salesflow_test_support::operations::OPERATIONS;
use salesflow_test_support::variants::{Outcome, server_variants};
use serde::de::DeserializeOwned;

/// The variants whose answers the spec promises, with a JSON body.
const PROMISED: [&str; 11] = [
    "docs-sample",
    "nulls-left-out",
    "only-identity",
    "all-null",
    "unknown-fields",
    "byte-order-mark",
    "non-finite-rates",
    "integral-doubles-as-integers",
    "microsoft-json-dates",
    "utc-designator",
    "member-status-as-number",
];

/// Decodes `body` as `T` with serde alone and with the SDK; an error unless both succeed
/// with the same value.
fn both_ways<T: DeserializeOwned + PartialEq + std::fmt::Debug>(body: &[u8]) -> Result<(), String> {
    let json = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let plain: T = serde_json::from_slice(json).map_err(|e| format!("serde alone: {e}"))?;
    let sdk: T = salesflow::from_json(body).map_err(|e| format!("the SDK: {e}"))?;
    // NaN is not equal to itself: compare what each writes back.
    let written = |value: &T| format!("{value:?}");
    if written(&plain) != written(&sdk) {
        return Err(format!("serde alone: {plain:?}\nthe SDK: {sdk:?}"));
    }
    Ok(())
}

/// The answer type of `operation`.
fn answer_of(operation: &str, body: &[u8]) -> Result<(), String> {
    use types::*;
    match operation {
        "listAccounts" => both_ways::<Vec<Account>>(body),
        "listCampaigns" => both_ways::<Vec<Campaign>>(body),
        "getAnalyticsByAccount" => both_ways::<Vec<CampaignAnalytics>>(body),
        "listContactsByCampaign" | "listContactsByPublicIdentifiers" | "listContactsByAccount" => {
            both_ways::<Vec<Contact>>(body)
        }
        "listIncomingMessagesByAccount" | "listIncomingMessagesByCampaign" => {
            both_ways::<Vec<ContactMessages>>(body)
        }
        "listWebhooks" => both_ways::<Vec<Webhook>>(body),
        "getAnalyticsByCampaign" => both_ways::<CampaignAnalytics>(body),
        "getCampaignStatistics" => both_ways::<CampaignStatistics>(body),
        "importMember" | "getContact" | "getContactByPublicIdentifier" | "updateContact" => {
            both_ways::<Contact>(body)
        }
        "deleteContact" | "startCampaign" | "deleteWebhook" | "detachWebhook" => {
            both_ways::<StatusMessage>(body)
        }
        "createWebhook" => both_ways::<Webhook>(body),
        "attachWebhook" => both_ways::<WebhookCampaign>(body),
        other => Err(format!("no answer type for {other}: add it to answer_of")),
    }
}

#[test]
fn serde_alone_decodes_every_promised_answer_as_the_sdk_does() {
    let variants = server_variants();
    let mut checked = 0;
    let mut failures = Vec::new();
    for variant in variants.iter().filter(|v| PROMISED.contains(&v.name)) {
        for op in OPERATIONS.iter() {
            let Some((answer, Outcome::Decodes(_))) = (variant.answer)(op) else {
                continue;
            };
            checked += 1;
            if let Err(error) = answer_of(op.name, &answer.body) {
                failures.push(format!("{} × {}: {error}", variant.name, op.name));
            }
        }
    }
    assert!(checked > 150, "only {checked} cases");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_webhook_event_decodes_with_serde_alone_in_every_form() {
    let sample = fixture!("webhook_event");
    let mut numeric: serde_json::Value = serde_json::from_str(sample).unwrap();
    numeric["Status"] = serde_json::json!(4);
    numeric["Distance"] = serde_json::json!(3);
    numeric["MemberCampaigns"] = serde_json::Value::Null;
    for body in [sample.to_owned(), numeric.to_string()] {
        both_ways::<types::WebhookEvent>(body.as_bytes()).unwrap();
    }
}
