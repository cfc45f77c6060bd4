//! listIncomingMessagesByAccount and listIncomingMessagesByCampaign: replies per contact.

use crate::support::{ACCOUNT_ID, answer, at, client, sends_only, server};
use chrono::NaiveDate;
use salesflow::types::ContactMessages;
use salesflow_httpmock::MockServerExt;

fn since() -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 1, 1).unwrap()
}

/// Both samples hold the same two contacts; only the first message's `Interested` differs.
fn assert_sample_messages(contacts: &[ContactMessages], first_interested: bool) {
    assert_eq!(contacts.len(), 2);
    let foo1 = &contacts[0];
    assert_eq!(foo1.member_id, 5);
    assert_eq!(
        foo1.member_url.as_deref(),
        Some("https://www.linkedin.com/in/foo1")
    );
    let ids: Vec<i64> = foo1
        .incoming_messages
        .iter()
        .map(|m| m.conversation_message_id)
        .collect();
    assert_eq!(ids, [10, 12, 14, 16, 34143861, 34143864]);
    let latest = &foo1.incoming_messages[0];
    assert_eq!(
        latest.created_at,
        Some(at((2020, 11, 4), (17, 29, 23), 570_000_000))
    );
    assert_eq!(latest.text.as_deref(), Some("Congratulations!"));
    assert_eq!(latest.interested, Some(first_interested));
    assert!(
        foo1.incoming_messages[1..]
            .iter()
            .all(|m| m.interested.is_none())
    );
    assert_eq!(
        foo1.incoming_messages[2].created_at,
        Some(at((2020, 11, 4), (16, 49, 47), 507_000_000))
    );
    let foo2 = &contacts[1];
    assert_eq!(foo2.member_id, 30);
    assert_eq!(foo2.incoming_messages.len(), 2);
    assert_eq!(
        foo2.incoming_messages[1].text.as_deref(),
        Some("I'm happy to connect, Foo")
    );
}

#[tokio::test]
async fn list_incoming_messages_by_account_decodes_the_sample() {
    let server = server().await;
    let mock = server.list_incoming_messages_by_account(|when, then| {
        let when = when.account_id(ACCOUNT_ID).from(&since()).into_inner();
        sends_only(
            when.query_param("from", "2020-01-01"),
            &["accountId", "from"],
        );
        answer(
            then.into_inner(),
            200,
            fixture!("list_incoming_messages_by_account"),
        );
    });

    let contacts = client(&server)
        .list_incoming_messages_by_account()
        .account_id(ACCOUNT_ID)
        .from(since())
        .send()
        .await
        .expect("the sample decodes")
        .into_inner();

    mock.assert_async().await;
    assert_sample_messages(&contacts, true);
}

#[tokio::test]
async fn list_incoming_messages_by_campaign_decodes_the_sample() {
    let server = server().await;
    let mock = server.list_incoming_messages_by_campaign(|when, then| {
        let when = when.account_id(ACCOUNT_ID).campaign_id(10).from(&since());
        sends_only(when.into_inner(), &["accountId", "campaignId", "from"]);
        answer(
            then.into_inner(),
            200,
            fixture!("list_incoming_messages_by_campaign"),
        );
    });

    let contacts = client(&server)
        .list_incoming_messages_by_campaign()
        .account_id(ACCOUNT_ID)
        .campaign_id(10)
        .from(since())
        .send()
        .await
        .expect("the sample decodes")
        .into_inner();

    mock.assert_async().await;
    assert_sample_messages(&contacts, false);
}
