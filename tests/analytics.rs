//! getAnalyticsByCampaign and getAnalyticsByAccount: dates sent as days, figures decoded.

use crate::support::{ACCOUNT_ID, answer, client, sends_only, server};
use chrono::NaiveDate;
use salesflow::Rate;
use salesflow_ext::{AnalyticsPeriod, DateRange};
use salesflow_httpmock::MockServerExt;

fn day(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

#[tokio::test]
async fn get_analytics_by_campaign_sends_days_and_decodes_every_figure() {
    let server = server().await;
    let mock = server.get_analytics_by_campaign(|when, then| {
        let when = when
            .account_id(ACCOUNT_ID)
            .campaign_id(10)
            .from(&day(2024, 1, 1))
            .to(&day(2025, 1, 1))
            .into_inner()
            .query_param("from", "2024-01-01")
            .query_param("to", "2025-01-01");
        sends_only(when, &["accountId", "campaignId", "from", "to"]);
        answer(
            then.into_inner(),
            200,
            fixture!("get_analytics_by_campaign"),
        );
    });

    let analytics = client(&server)
        .get_analytics_by_campaign()
        .account_id(ACCOUNT_ID)
        .campaign_id(10)
        .from(day(2024, 1, 1))
        .to(day(2025, 1, 1))
        .send()
        .await
        .expect("the sample decodes")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(analytics.campaign_id, 10);
    let linkedin = analytics.linkedin.as_ref().unwrap();
    assert_eq!(linkedin.invitation_sent_health_score, Some(Rate(0.0)));
    assert_eq!(linkedin.connection_rate, Some(Rate(0.0)));
    assert_eq!(linkedin.replies_after1th_followup, Some(0));
    assert_eq!(linkedin.invite_sent, Some(0));
    assert_eq!(linkedin.replies_from_linked_in, Some(0));
    let email = analytics.email.as_ref().unwrap();
    assert_eq!(email.open_rate, Some(Rate(0.0)));
    assert_eq!(email.replies_after4th_email_or_above, Some(0));
    assert_eq!(email.sent, Some(0));
    let general = analytics.general.as_ref().unwrap();
    assert_eq!(general.total_reply_rate, Some(Rate(0.0)));
    assert_eq!(general.total_campaign_members, Some(1115));
    assert_eq!(general.created_campaigns, Some(5));
    assert_eq!(general.active_campaigns, Some(0));
    assert_eq!(general.total_replies, Some(116));
    assert_eq!(general.campaign_members_with_linked_in_premium, Some(13));
}

#[tokio::test]
async fn get_analytics_by_account_decodes_one_entry_per_campaign() {
    let server = server().await;
    let mock = server.get_analytics_by_account(|when, then| {
        let when = when
            .account_id(ACCOUNT_ID)
            .from(&day(2024, 1, 1))
            .to(&day(2025, 1, 1));
        sends_only(when.into_inner(), &["accountId", "from", "to"]);
        answer(then.into_inner(), 200, fixture!("get_analytics_by_account"));
    });

    let analytics = client(&server)
        .get_analytics_by_account()
        .account_id(ACCOUNT_ID)
        .from(day(2024, 1, 1))
        .to(day(2025, 1, 1))
        .send()
        .await
        .expect("the sample decodes")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(analytics.len(), 2);
    let first = &analytics[0];
    assert_eq!(first.campaign_id, 10);
    assert_eq!(
        first.linkedin.as_ref().unwrap().connection_rate,
        Some(Rate(19.066666666666666))
    );
    assert_eq!(
        first.linkedin.as_ref().unwrap().linked_in_reply_rate,
        Some(Rate(3.302509907529723))
    );
    assert_eq!(
        first.linkedin.as_ref().unwrap().replies_after2th_followup,
        Some(5)
    );
    assert_eq!(
        first
            .linkedin
            .as_ref()
            .unwrap()
            .invites_accepted_with_connection_message,
        Some(143)
    );
    assert_eq!(first.linkedin.as_ref().unwrap().invite_sent, Some(750));
    assert_eq!(
        first.linkedin.as_ref().unwrap().linked_in_follow_ups_sent,
        Some(139)
    );
    assert_eq!(
        first.linkedin.as_ref().unwrap().replies_from_linked_in,
        Some(25)
    );
    assert_eq!(
        first.general.as_ref().unwrap().total_campaign_members,
        Some(865)
    );
    assert_eq!(
        first
            .general
            .as_ref()
            .unwrap()
            .campaign_members_with_linked_in_premium,
        Some(1)
    );
    let second = &analytics[1];
    assert_eq!(second.campaign_id, 11);
    assert_eq!(
        second.linkedin.as_ref().unwrap().reply_rate_after_follow_up,
        Some(Rate(60.0))
    );
    assert_eq!(
        second.linkedin.as_ref().unwrap().replies_after3th_followup,
        Some(16)
    );
    assert_eq!(
        second
            .linkedin
            .as_ref()
            .unwrap()
            .linked_in_reply_rate_for_new_connections,
        Some(Rate(34.626865671641795))
    );
    assert_eq!(second.general.as_ref().unwrap().total_replies, Some(116));
}

#[tokio::test]
async fn a_date_range_sends_the_day_after_its_last_day_as_to() {
    let server = server().await;
    let mock = server.get_analytics_by_campaign(|when, then| {
        let when = when
            .account_id(ACCOUNT_ID)
            .campaign_id(10)
            .into_inner()
            .query_param("from", "2024-01-01")
            .query_param("to", "2024-02-01");
        sends_only(when, &["accountId", "campaignId", "from", "to"]);
        answer(
            then.into_inner(),
            200,
            fixture!("get_analytics_by_campaign"),
        );
    });

    client(&server)
        .get_analytics_by_campaign()
        .account_id(ACCOUNT_ID)
        .campaign_id(10)
        .period(DateRange::month(2024, 1).unwrap())
        .send()
        .await
        .expect("the sample decodes");

    mock.assert_async().await;
}
