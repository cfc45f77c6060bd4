//! The payload Salesflow POSTs to a webhook: the docs' sample, typed, and what a newer
//! Salesflow may send.

use salesflow::{Distance, MemberFlags};
use salesflow_ext::{IntegrationRunOn, IntegrationType, WebhookEventExt, parse_webhook_event};

use crate::support::at;

#[test]
fn the_docs_sample_decodes_with_every_value_typed() {
    let event = parse_webhook_event(fixture!("webhook_event").as_bytes()).expect("the sample");

    assert_eq!(event.integration_type, Some(IntegrationType::Webhook));
    assert_eq!(event.integration_run_on, Some(IntegrationRunOn::Connected));
    assert_eq!(event.member_id, 0);
    assert_eq!(event.linked_in_member_id, Some(1234567890));
    assert_eq!(event.first_name.as_deref(), Some("John"));
    assert_eq!(event.last_name.as_deref(), Some("Smith"));
    assert_eq!(
        event.occupation.as_deref(),
        Some("Founder and Chief Executive Officer at Smith & Co")
    );
    assert_eq!(event.company.as_deref(), Some("Smith & Co"));
    assert_eq!(
        event.location.as_deref(),
        Some("Miami/Fort Lauderdale Area")
    );
    assert_eq!(event.phone_number.as_deref(), Some("123 4567890"));
    assert_eq!(event.email.as_deref(), Some("john.smith@example.com"));
    assert_eq!(event.address.as_deref(), Some(""));
    assert_eq!(
        (
            event.birthday_year,
            event.birthday_month,
            event.birthday_day
        ),
        (Some(1980), Some(12), Some(1))
    );
    assert_eq!(
        event.date_added,
        Some(at((2021, 2, 18), (15, 33, 44), 590_570_500))
    );
    assert_eq!(
        event.connected_at,
        Some(at((2021, 2, 18), (16, 33, 44), 590_570_500))
    );
    assert_eq!(
        event.member_url.as_deref(),
        Some("https://linkedin.com/in/john-smith-123321")
    );
    assert_eq!(event.industry.as_deref(), Some("Banking"));
    assert_eq!(event.distance, Some(Distance::Third));
    assert_eq!(
        event.current_position.as_deref(),
        Some("Chief Executive Officer")
    );
    let status = event.status.as_ref().expect("a status");
    assert_eq!(status.flags(), MemberFlags::CONNECTED);
    assert!(status.is_connected());
    assert_eq!(
        (event.has_reply, event.is_muted, event.is_seen),
        (Some(false), Some(false), Some(false))
    );
    assert_eq!(
        (event.connections_count, event.followers_count),
        (Some(100), Some(100))
    );
    assert_eq!(event.is_sales_navigator, Some(false));
    let account = event.linked_in_account.as_ref().expect("an account");
    assert_eq!(account.first_name.as_deref(), Some("Bob"));
    assert_eq!(account.last_name.as_deref(), Some("White"));
    assert_eq!(account.username.as_deref(), Some("bob.white@example.org"));
    let expected: Vec<String> = (1..=10).map(|i| format!("CustomValue{i}")).collect();
    let custom: Vec<&str> = event.custom_fields().iter().map(|f| f.unwrap()).collect();
    assert_eq!(custom, expected);
    assert!(
        event
            .member_actions_formatted
            .as_deref()
            .unwrap()
            .starts_with("<p>Connection message [2/18/2021 4:33 PM]")
    );
    assert_eq!(event.campaign_names(), ["Test campaign"]);
}

#[test]
fn a_newer_event_kind_with_new_fields_still_decodes() {
    let body = br#"{
        "IntegrationType": "INTEGRATION_TYPE_ZAPIER",
        "IntegrationRunOn": "INTEGRATION_RUN_ON_FOLLOWUP",
        "MemberId": 42,
        "Status": "MEMBER_CONNECTED, MEMBER_SNOOZED",
        "Distance": "OUT_OF_NETWORK",
        "DateAdded": "/Date(1618336539820)/",
        "ConnectedAt": null,
        "FollowupNumber": 3,
        "Sentiment": {"Label": "positive"}
    }"#;
    let event = parse_webhook_event(body).expect("unknown values are kept");
    assert_eq!(
        event.integration_type,
        Some(IntegrationType::Other("INTEGRATION_TYPE_ZAPIER".into()))
    );
    assert_eq!(
        event.integration_run_on,
        Some(IntegrationRunOn::Other(
            "INTEGRATION_RUN_ON_FOLLOWUP".into()
        ))
    );
    let status = event.status.as_ref().unwrap();
    assert!(status.is_connected());
    assert_eq!(status.unknown_names(), ["MEMBER_SNOOZED"]);
    assert_eq!(
        event.distance,
        Some(Distance::Other("OUT_OF_NETWORK".into()))
    );
    assert_eq!(
        event.date_added,
        Some(at((2021, 4, 13), (17, 55, 39), 820_000_000))
    );
    assert_eq!(event.connected_at, None);
    assert_eq!(event.custom_fields(), [None; 10]);
}

#[test]
fn a_malformed_body_names_the_field() {
    let body = br#"{"IntegrationType": "INTEGRATION_TYPE_WEBHOOK",
        "IntegrationRunOn": "INTEGRATION_RUN_ON_CONNECTED", "MemberId": 1,
        "DateAdded": "last tuesday"}"#;
    let error = parse_webhook_event(body).unwrap_err();
    assert_eq!(error.field(), "DateAdded");
    assert!(
        error
            .to_string()
            .contains("\"last tuesday\" is not a Salesflow timestamp"),
        "{error}"
    );
}
