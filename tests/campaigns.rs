//! listCampaigns and startCampaign, with startCampaign's documented error answers.

use crate::support::{ACCOUNT_ID, answer, at, client, no_body, sends_only, server};
use httpmock::MockServer;
use salesflow::{CampaignStatus, Error};
use salesflow_httpmock::MockServerExt;

#[tokio::test]
async fn list_campaigns_decodes_the_sample() {
    let server = server().await;
    let mock = server.list_campaigns(|when, then| {
        let when = when.account_id(ACCOUNT_ID).updated_from_date(None);
        sends_only(when.into_inner(), &["accountId"]);
        answer(then.into_inner(), 200, fixture!("list_campaigns"));
    });

    let campaigns = client(&server)
        .list_campaigns()
        .account_id(ACCOUNT_ID)
        .send()
        .await
        .expect("the sample decodes")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(campaigns.len(), 2);
    assert_eq!(campaigns[0].campaign_id, 29854);
    assert_eq!(campaigns[0].campaign_name.as_deref(), Some("Sales"));
    assert_eq!(campaigns[0].status, Some(CampaignStatus::Running));
    assert_eq!(campaigns[0].last_modified_at, None);
    assert_eq!(campaigns[1].campaign_id, 29889);
    assert_eq!(
        campaigns[1].campaign_name.as_deref(),
        Some("Java developers")
    );
    assert_eq!(campaigns[1].status, Some(CampaignStatus::Running));
    assert_eq!(
        campaigns[1].last_modified_at,
        Some(at((2024, 7, 16), (6, 59, 5), 620_000_000))
    );
}

#[tokio::test]
async fn list_campaigns_sends_the_updated_from_date_filter() {
    let server = server().await;
    let mock = server.list_campaigns(|when, then| {
        let when = when
            .account_id(ACCOUNT_ID)
            .updated_from_date(&at((2024, 7, 16), (5, 0, 0), 0))
            .into_inner()
            .query_param("updatedFromDate", "2024-07-16T05:00:00");
        sends_only(when, &["accountId", "updatedFromDate"]);
        answer(then.into_inner(), 200, r#"[{"CampaignId": 29889, "Status": "CAMPAIGN_RUNNING", "CampaignName": "Java developers", "LastModifiedAt": "2024-07-16T06:59:05.62"}]"#);
    });

    let campaigns = client(&server)
        .list_campaigns()
        .account_id(ACCOUNT_ID)
        .updated_from_date(at((2024, 7, 16), (5, 0, 0), 0))
        .send()
        .await
        .expect("the filtered sample decodes")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(campaigns.len(), 1);
    assert_eq!(campaigns[0].campaign_id, 29889);
}

/// Mocks startCampaign for campaign 456, answering `status` with `body`.
fn mock_start<'a>(server: &'a MockServer, status: u16, body: &'static str) -> httpmock::Mock<'a> {
    server.start_campaign(move |when, then| {
        let when = when.account_id(ACCOUNT_ID).campaign_id(456);
        no_body(sends_only(when.into_inner(), &["accountId", "campaignId"]));
        answer(then.into_inner(), status, body);
    })
}

#[tokio::test]
async fn start_campaign_posts_without_body_and_decodes_the_sample() {
    let server = server().await;
    let mock = mock_start(&server, 200, fixture!("start_campaign"));

    let outcome = client(&server)
        .start_campaign()
        .account_id(ACCOUNT_ID)
        .campaign_id(456)
        .send()
        .await
        .expect("the sample decodes")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(outcome.status, Some(200));
    assert_eq!(
        outcome.message.as_deref(),
        Some("Campaign has been started.")
    );
}

/// Starts campaign 456 against a mock answering `status`, and returns the typed error.
async fn start_campaign_error(status: u16, body: &'static str) -> (u16, i32, Option<String>) {
    let server = server().await;
    let mock = mock_start(&server, status, body);
    let error = client(&server)
        .start_campaign()
        .account_id(ACCOUNT_ID)
        .campaign_id(456)
        .send()
        .await
        .expect_err("a documented error answer is an error");
    mock.assert_async().await;
    assert_eq!(error.operation(), "startCampaign");
    match error {
        Error::Api {
            status,
            api_status: Some(api_status),
            message,
            ..
        } => (status, api_status, message),
        other => panic!("expected a typed API error, got {other:?}"),
    }
}

#[tokio::test]
async fn start_campaign_403_is_a_typed_error() {
    let body = r#"{"Status": 403, "Message": "Invalid token/account"}"#;
    let (http, status, message) = start_campaign_error(403, body).await;
    assert_eq!((http, status), (403, 403));
    assert_eq!(message.as_deref(), Some("Invalid token/account"));
}

#[tokio::test]
async fn start_campaign_404_is_a_typed_error() {
    let body = r#"{"Status": 404, "Message": "Campaign not found"}"#;
    let (http, status, message) = start_campaign_error(404, body).await;
    assert_eq!((http, status), (404, 404));
    assert_eq!(message.as_deref(), Some("Campaign not found"));
}

#[tokio::test]
async fn start_campaign_409_is_a_typed_error() {
    let body = r#"{"Status": 409, "Message": "Campaign is already running"}"#;
    let (http, status, message) = start_campaign_error(409, body).await;
    assert_eq!((http, status), (409, 409));
    assert_eq!(message.as_deref(), Some("Campaign is already running"));
}

#[tokio::test]
async fn start_campaign_422_is_a_typed_error_with_the_reason() {
    let body = r#"{"Status": 422, "Message": "Campaign has no members"}"#;
    let (http, status, message) = start_campaign_error(422, body).await;
    assert_eq!((http, status), (422, 422));
    assert_eq!(message.as_deref(), Some("Campaign has no members"));
}
