//! getCampaignStatistics: the request it sends and the docs' sample answer decoded.

use crate::support::{ACCOUNT_ID, answer, at, client, sends_only, server};
use salesflow_httpmock::MockServerExt;

#[tokio::test]
async fn get_campaign_statistics_sends_force_flag_and_decodes_the_sample() {
    let server = server().await;
    let mock = server.get_campaign_statistics(|when, then| {
        let when = when
            .account_id(ACCOUNT_ID)
            .campaign_id(31767)
            .is_force_request(true);
        sends_only(
            when.into_inner(),
            &["accountId", "campaignId", "isForceRequest"],
        );
        answer(then.into_inner(), 200, fixture!("get_campaign_statistics"));
    });

    let statistics = client(&server)
        .get_campaign_statistics()
        .account_id(ACCOUNT_ID)
        .campaign_id(31767)
        .is_force_request(true)
        .send()
        .await
        .expect("the sample decodes")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(statistics.campaign_id, 31767);
    assert_eq!(statistics.total, Some(555));
    assert_eq!(statistics.in_mails, Some(0));
    assert_eq!(statistics.imported, Some(2));
    assert_eq!(statistics.connections, Some(1));
    assert_eq!(statistics.messages, Some(0));
    assert_eq!(statistics.pending, Some(552));
    assert_eq!(statistics.replies, Some(0));
    assert_eq!(statistics.withdrawn, Some(0));
    assert_eq!(statistics.invitations, Some(0));
    // "/Date(1618336539820)/": milliseconds since the epoch.
    assert_eq!(
        statistics.updated_at,
        Some(at((2021, 4, 13), (17, 55, 39), 820_000_000))
    );
    assert_eq!(statistics.elapsed, Some(3.5381));
}
