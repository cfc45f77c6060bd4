//! The webhook operations: create, delete, list, attach, detach.

use crate::support::{ACCOUNT_ID, answer, client, no_body, sends_only, server};
use salesflow::RunOn;
use salesflow::types::WebhookDefinition;
use salesflow_httpmock::MockServerExt;
use serde_json::json;

#[tokio::test]
async fn create_webhook_posts_the_definition_and_decodes_the_webhook() {
    let server = server().await;
    let mock = server.create_webhook(|when, then| {
        let when = when.account_id(ACCOUNT_ID).into_inner();
        sends_only(when, &["accountId"]).json_body(json!({
            "Name": "Doe",
            "Url": "https://www.somesite.com/abc",
        }));
        answer(then.into_inner(), 200, fixture!("create_webhook"));
    });

    let definition = WebhookDefinition {
        name: "Doe".parse().unwrap(),
        url: "https://www.somesite.com/abc".parse().unwrap(),
        disable_for_muted_contacts: None,
    };
    let webhook = client(&server)
        .create_webhook()
        .account_id(ACCOUNT_ID)
        .body(definition)
        .send()
        .await
        .expect("the sample decodes")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(webhook.webhook_id, 10265);
    assert_eq!(webhook.name.as_deref(), Some("Doe"));
    assert_eq!(webhook.url.as_deref(), Some("https://www.somesite.com/abc"));
    assert_eq!(webhook.disable_for_muted_contacts, None);
    assert!(webhook.attached_webhook_campaigns.is_empty());
}

#[tokio::test]
async fn create_webhook_sends_disable_for_muted_contacts_when_set() {
    let server = server().await;
    let mock = server.create_webhook(|when, then| {
        let when = when.account_id(ACCOUNT_ID).into_inner();
        sends_only(when, &["accountId"]).json_body(json!({
            "Name": "Replies",
            "Url": "https://hooks.example.com/salesflow",
            "DisableForMutedContacts": true,
        }));
        answer(then.into_inner(), 200, fixture!("create_webhook"));
    });

    client(&server)
        .create_webhook()
        .account_id(ACCOUNT_ID)
        .body_map(|body| {
            body.name("Replies".to_string())
                .url("https://hooks.example.com/salesflow".to_string())
                .disable_for_muted_contacts(Some(true))
        })
        .send()
        .await
        .expect("the sample decodes");

    mock.assert_async().await;
}

#[tokio::test]
async fn delete_webhook_sends_delete_with_the_webhook_id() {
    let server = server().await;
    let mock = server.delete_webhook(|when, then| {
        let when = when.webhook_id(789).account_id(456);
        no_body(sends_only(when.into_inner(), &["webhookId", "accountId"]));
        answer(then.into_inner(), 200, fixture!("delete_webhook"));
    });

    let outcome = client(&server)
        .delete_webhook()
        .webhook_id(789)
        .account_id(456)
        .send()
        .await
        .expect("the sample decodes")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(outcome.status, Some(204));
    assert_eq!(outcome.message, None);
}

#[tokio::test]
async fn list_webhooks_decodes_the_repaired_sample() {
    let server = server().await;
    let mock = server.list_webhooks(|when, then| {
        sends_only(when.account_id(ACCOUNT_ID).into_inner(), &["accountId"]);
        answer(then.into_inner(), 200, fixture!("list_webhooks"));
    });

    let webhooks = client(&server)
        .list_webhooks()
        .account_id(ACCOUNT_ID)
        .send()
        .await
        .expect("the sample decodes")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(webhooks.len(), 2);
    let first = &webhooks[0];
    assert_eq!(first.webhook_id, 8984);
    assert_eq!(first.name.as_deref(), Some("SomeCoolName"));
    assert_eq!(first.url.as_deref(), Some("https://www.somehost.com/abc"));
    assert_eq!(first.disable_for_muted_contacts, Some(false));
    let attachments: Vec<(i64, Option<i64>, Option<RunOn>)> = first
        .attached_webhook_campaigns
        .iter()
        .map(|a| (a.webhook_campaign_id, a.campaign_id, a.run_on))
        .collect();
    assert_eq!(
        attachments,
        [
            (17745, Some(29124), Some(RunOn::MemberConnected)),
            (17746, Some(29124), Some(RunOn::ReplyDetected)),
            (17747, Some(29124), Some(RunOn::InvitationWithdrawn)),
            (17812, Some(29130), Some(RunOn::ReplyDetected))
        ]
    );
    let second = &webhooks[1];
    assert_eq!(second.webhook_id, 8985);
    assert_eq!(second.name.as_deref(), Some("AnotherCoolName"));
    assert_eq!(second.disable_for_muted_contacts, None);
    assert!(second.attached_webhook_campaigns.is_empty());
}

#[tokio::test]
async fn attach_webhook_posts_the_query_and_decodes_the_attachment() {
    let server = server().await;
    let mock = server.attach_webhook(|when, then| {
        let when = when
            .account_id(ACCOUNT_ID)
            .webhook_id(456)
            .campaign_id(789)
            .run_on(&RunOn::ReplyDetected);
        no_body(sends_only(
            when.into_inner(),
            &["accountId", "webhookId", "campaignId", "runOn"],
        ));
        answer(then.into_inner(), 200, fixture!("attach_webhook"));
    });

    let attachment = client(&server)
        .attach_webhook()
        .account_id(ACCOUNT_ID)
        .webhook_id(456)
        .campaign_id(789)
        .run_on(RunOn::ReplyDetected)
        .send()
        .await
        .expect("the sample decodes")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(attachment.webhook_campaign_id, 27830);
    assert_eq!(attachment.campaign_id, Some(789));
    assert_eq!(attachment.run_on, Some(RunOn::ReplyDetected));
}

#[tokio::test]
async fn detach_webhook_posts_the_attachment_id() {
    let server = server().await;
    let mock = server.detach_webhook(|when, then| {
        let when = when.account_id(ACCOUNT_ID).webhook_campaign_id(456);
        no_body(sends_only(
            when.into_inner(),
            &["accountId", "webhookCampaignId"],
        ));
        answer(then.into_inner(), 200, fixture!("detach_webhook"));
    });

    let outcome = client(&server)
        .detach_webhook()
        .account_id(ACCOUNT_ID)
        .webhook_campaign_id(456)
        .send()
        .await
        .expect("the sample decodes")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(outcome.status, Some(204));
    assert_eq!(outcome.message, None);
}
