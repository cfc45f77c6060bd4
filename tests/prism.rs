//! All 21 operations through the Rust client against Prism (`cargo xtask spec-check`).
//!
//! Prism checks each request against spec/salesflow.yaml and answers with the spec's
//! example, so a request the spec does not allow, or an example the generated types cannot
//! decode, fails here. Needs `SALESFLOW_PRISM_URL`; ignored by default.

use chrono::NaiveDate;
use salesflow::types::{ContactUpdate, ContactsQuery, WebhookDefinition};
use salesflow::{CampaignStatus, Client, ClientBuilder, RetryPolicy, RunOn};

const ACCOUNT_ID: i64 = 321;

fn prism_url() -> String {
    std::env::var("SALESFLOW_PRISM_URL")
        .expect("SALESFLOW_PRISM_URL: run these through `cargo xtask spec-check`")
}

fn client() -> Client {
    ClientBuilder::new()
        .token("prism-token")
        .base_url(prism_url())
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[tokio::test]
#[ignore = "needs Prism: cargo xtask spec-check"]
async fn every_operation_is_accepted_by_prism_and_its_example_decodes() {
    let client = client();

    let statistics = client
        .get_campaign_statistics()
        .account_id(ACCOUNT_ID)
        .campaign_id(31767)
        .send()
        .await
        .unwrap();
    assert_eq!(statistics.total, Some(555));

    let imported = client
        .import_member()
        .account_id(ACCOUNT_ID)
        .campaign_id(10)
        .linked_in_url("https://www.linkedin.com/in/john-smith-123456")
        .first_name("John")
        .custom_fields(vec!["a".to_owned(), "b".to_owned()])
        .send()
        .await
        .unwrap();
    assert_eq!(imported.member_id, 202279022);

    let update = ContactUpdate {
        first_name: Some("John".into()),
        last_name: Some("Doe".into()),
        location: None,
        occupation: None,
        industry: None,
        email: None,
        phone: Some("1555123458".into()),
    };
    let updated = client
        .update_contact()
        .account_id(ACCOUNT_ID)
        .member_id(46875434)
        .body(update)
        .send()
        .await
        .unwrap();
    assert_eq!(updated.member_id, 46875434);

    let contact = client
        .get_contact()
        .account_id(ACCOUNT_ID)
        .member_id(46875434)
        .send()
        .await
        .unwrap();
    assert!(contact.status.as_ref().unwrap().has_error());

    let by_identifier = client
        .get_contact_by_public_identifier()
        .account_id(ACCOUNT_ID)
        .public_identifier("identity100")
        .send()
        .await
        .unwrap();
    assert_eq!(
        by_identifier.public_identifier.as_deref(),
        Some("identity100")
    );

    let deleted = client
        .delete_contact()
        .account_id(ACCOUNT_ID)
        .member_id(46875434)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status, Some(204));

    let query = ContactsQuery {
        public_identifiers: vec!["identity1".into(), "identity3".into()],
        updated_from_date: Some(day(2022, 7, 29).into()),
    };
    let listed = client
        .list_contacts_by_public_identifiers()
        .account_id(ACCOUNT_ID)
        .body(query)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.len(), 2);

    let in_campaign = client
        .list_contacts_by_campaign()
        .account_id(ACCOUNT_ID)
        .campaign_id(10)
        .updated_from_date(day(2024, 1, 1))
        .send()
        .await
        .unwrap();
    assert_eq!(in_campaign.len(), 2);

    let campaigns = client
        .list_campaigns()
        .account_id(ACCOUNT_ID)
        .send()
        .await
        .unwrap();
    assert_eq!(campaigns[0].status, Some(CampaignStatus::Running));

    let started = client
        .start_campaign()
        .account_id(ACCOUNT_ID)
        .campaign_id(456)
        .send()
        .await
        .unwrap();
    assert_eq!(started.status, Some(200));

    let accounts = client.list_accounts().send().await.unwrap();
    assert_eq!(accounts.len(), 2);

    // A loopback URL: Prism calls the webhook's callback, and nothing may leave the machine.
    let definition = WebhookDefinition {
        name: "Doe".into(),
        url: "http://127.0.0.1:9/hook".into(),
        disable_for_muted_contacts: None,
    };
    let webhook = client
        .create_webhook()
        .account_id(ACCOUNT_ID)
        .body(definition)
        .send()
        .await
        .unwrap();
    assert_eq!(webhook.webhook_id, 10265);

    let removed = client
        .delete_webhook()
        .account_id(ACCOUNT_ID)
        .webhook_id(789)
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status, Some(204));

    let webhooks = client
        .list_webhooks()
        .account_id(ACCOUNT_ID)
        .send()
        .await
        .unwrap();
    assert_eq!(
        webhooks[0].attached_webhook_campaigns[2].run_on,
        Some(RunOn::InvitationWithdrawn)
    );

    let attached = client
        .attach_webhook()
        .account_id(ACCOUNT_ID)
        .webhook_id(456)
        .campaign_id(789)
        .run_on(RunOn::ReplyDetected)
        .send()
        .await
        .unwrap();
    assert_eq!(attached.run_on, Some(RunOn::ReplyDetected));

    let detached = client
        .detach_webhook()
        .account_id(ACCOUNT_ID)
        .webhook_campaign_id(456)
        .send()
        .await
        .unwrap();
    assert_eq!(detached.status, Some(204));

    let everywhere = client
        .list_contacts_by_account()
        .account_id(ACCOUNT_ID)
        .send()
        .await
        .unwrap();
    assert_eq!(everywhere.len(), 2);

    let analytics = client
        .get_analytics_by_campaign()
        .account_id(ACCOUNT_ID)
        .campaign_id(10)
        .from(day(2024, 1, 1))
        .to(day(2025, 1, 1))
        .send()
        .await
        .unwrap();
    assert_eq!(
        analytics.general.as_ref().unwrap().total_campaign_members,
        Some(1115)
    );

    let per_campaign = client
        .get_analytics_by_account()
        .account_id(ACCOUNT_ID)
        .from(day(2024, 1, 1))
        .to(day(2025, 1, 1))
        .send()
        .await
        .unwrap();
    assert_eq!(per_campaign.len(), 2);

    let replies = client
        .list_incoming_messages_by_account()
        .account_id(ACCOUNT_ID)
        .from(day(2020, 1, 1))
        .send()
        .await
        .unwrap();
    assert_eq!(replies[0].incoming_messages.len(), 6);

    let campaign_replies = client
        .list_incoming_messages_by_campaign()
        .account_id(ACCOUNT_ID)
        .campaign_id(10)
        .from(day(2020, 1, 1))
        .send()
        .await
        .unwrap();
    assert_eq!(campaign_replies[1].member_id, 30);
}

#[tokio::test]
#[ignore = "needs Prism: cargo xtask spec-check"]
async fn prism_rejects_a_request_the_spec_does_not_allow() {
    // Around the Rust client, which would refuse it: listCampaigns without accountId.
    let response = raw_get(format!(
        "{}/campaigns/list-campaigns?token=prism-token",
        prism_url()
    ))
    .await
    .unwrap();
    // Prism answers a request that breaks the spec with the operation's documented 400 (its
    // example, an `ErrorBody`; 422 with its own report where none is documented).
    assert_eq!(response.status().as_u16(), 400);
    let problem: salesflow::types::ErrorBody = response.json().await.unwrap();
    assert!(problem.errors.is_some_and(|errors| !errors.is_empty()));

    // A wrong type: campaignId must be an integer.
    let response = raw_get(format!(
        "{}/campaigns/start?token=prism-token&accountId=1&campaignId=abc",
        prism_url()
    ))
    .await
    .unwrap();
    assert_eq!(
        response.status().as_u16(),
        405,
        "start is a POST, not a GET"
    );
    let response = crate::support::plain_http()
        .post(format!(
            "{}/campaigns/start?token=prism-token&accountId=1&campaignId=abc",
            prism_url()
        ))
        .send()
        .await
        .unwrap();
    // startCampaign documents a 422 (a campaign that cannot start): Prism answers with it.
    assert_eq!(response.status().as_u16(), 422);
}

#[tokio::test]
#[ignore = "needs Prism: cargo xtask spec-check"]
async fn prism_enforces_the_token() {
    let response = raw_get(format!("{}/accounts/list", prism_url()))
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
}

/// A GET with [`plain_http`](crate::support::plain_http).
async fn raw_get(url: String) -> salesflow::reqwest::Result<salesflow::reqwest::Response> {
    crate::support::plain_http().get(url).send().await
}
