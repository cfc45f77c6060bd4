//! What the client builder sets: hosts per operation, User-Agent, default account,
//! configuration from the environment.

use std::collections::HashMap;

use crate::support::{ACCOUNT_ID, TOKEN, answer, sends_only, server};
use salesflow::ClientBuilder;
use salesflow_httpmock::MockServerExt;

#[tokio::test]
async fn statistics_and_every_other_operation_go_to_their_own_hosts() {
    let (mvc, app) = (server().await, server().await);
    let statistics = app.get_campaign_statistics(|when, then| {
        let when = when
            .account_id(ACCOUNT_ID)
            .campaign_id(5)
            .is_force_request(true);
        sends_only(
            when.into_inner(),
            &["accountId", "campaignId", "isForceRequest"],
        );
        answer(then.into_inner(), 200, fixture!("get_campaign_statistics"));
    });
    let campaigns = mvc.list_campaigns(|when, then| {
        sends_only(when.account_id(ACCOUNT_ID).into_inner(), &["accountId"]);
        answer(then.into_inner(), 200, fixture!("list_campaigns"));
    });
    let client = ClientBuilder::new()
        .token(TOKEN)
        .base_url(mvc.base_url())
        .statistics_base_url(app.base_url())
        .build()
        .unwrap();

    // isForceRequest=true is sent without being set.
    client
        .get_campaign_statistics()
        .account_id(ACCOUNT_ID)
        .campaign_id(5)
        .send()
        .await
        .unwrap();
    client
        .list_campaigns()
        .account_id(ACCOUNT_ID)
        .send()
        .await
        .unwrap();

    statistics.assert_async().await;
    campaigns.assert_async().await;
}

#[tokio::test]
async fn the_user_agent_names_the_sdk_and_the_application() {
    let server = server().await;
    let expected = format!("salesflow-rs/{} crm-sync/2.1", env!("CARGO_PKG_VERSION"));
    let mock = server.list_accounts(|when, then| {
        when.into_inner().header("user-agent", expected.as_str());
        answer(then.into_inner(), 200, "[]");
    });
    let client = ClientBuilder::new()
        .token(TOKEN)
        .base_url(server.base_url())
        .application("crm-sync/2.1")
        .build()
        .unwrap();
    client.list_accounts().send().await.unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn environment_sets_token_and_base_url_once_for_every_call() {
    let server = server().await;
    let mock = server.list_webhooks(|when, then| {
        sends_only(when.account_id(777).into_inner(), &["accountId"]);
        answer(then.into_inner(), 200, fixture!("list_webhooks"));
    });
    let vars = HashMap::from([
        ("SALESFLOW_TOKEN", TOKEN.to_owned()),
        ("SALESFLOW_BASE_URL", server.base_url()),
    ]);
    let client = ClientBuilder::new()
        .from_vars(|name| vars.get(name).cloned())
        .build()
        .unwrap();

    let webhooks = client.list_webhooks().account_id(777).send().await.unwrap();

    assert_eq!(webhooks.len(), 2);
    mock.assert_async().await;
}
