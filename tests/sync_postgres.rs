//! `salesflow_ext::sync::PostgresSink` against the emulator and a real PostgreSQL (a
//! throw-away cluster the test starts): records and state committed together, a second
//! run that writes nothing, a full run that marks deletions only in its own scope, two
//! accounts synced into one database at once, and a second sync of the same scope refused.

use chrono::{Duration, Utc};
use salesflow_emulator::{Campaign, Contact, Emulator, EmulatorConfig};
use salesflow_ext::sync::{PostgresSink, Syncer};
use salesflow_ext::types;
use salesflow_test_support::postgres::Postgres;

use crate::support::emulator_client as client;

/// `count` members of `campaign`, ids from `first`.
fn members(emulator: &Emulator, campaign: i64, first: i64, count: i64) {
    let added = Utc::now() - Duration::days(3);
    let mut state = emulator.state();
    for id in first..first + count {
        let contact: Contact = serde_json::from_value(serde_json::json!({
            "MemberId": id,
            "CampaignId": campaign,
            "FirstName": format!("First{id}"),
            "PublicIdentifier": format!("pg-{id}"),
            "MemberUrl": format!("https://www.linkedin.com/in/pg-{id}"),
            "AddedAt": added,
            "LastModifiedAt": added + Duration::minutes(id % 97),
        }))
        .unwrap();
        state.contacts.insert(id, contact);
    }
}

/// A second account (322) with a campaign (900) of its own.
fn second_account(emulator: &Emulator) {
    let campaign: Campaign = serde_json::from_value(serde_json::json!({
        "CampaignId": 900,
        "AccountId": 322,
        "CampaignName": "Agency client",
        "Status": "CAMPAIGN_RUNNING",
        "LastModifiedAt": null,
        "CreatedAt": Utc::now() - Duration::days(10),
    }))
    .unwrap();
    emulator.state().campaigns.insert(900, campaign);
}

/// A throw-away PostgreSQL (started off the runtime's threads).
async fn postgres() -> Postgres {
    tokio::task::spawn_blocking(Postgres::start).await.unwrap()
}

/// A throw-away PostgreSQL, its URL, and an emulator.
async fn servers() -> (Postgres, String, Emulator) {
    let postgres = postgres().await;
    let url = postgres.url();
    (
        postgres,
        url,
        Emulator::start(EmulatorConfig::default()).await.unwrap(),
    )
}

async fn sync(
    emulator: &Emulator,
    url: &str,
    account: i64,
    full: bool,
) -> salesflow_ext::sync::SyncReport {
    let mut sink = PostgresSink::<types::Contact>::new(url);
    let mut state = sink
        .load_state(&Syncer::scope(account, None))
        .await
        .unwrap();
    Syncer::new(&client(emulator), account)
        .full(full)
        .contacts(None, &mut state, &mut sink, |_| {})
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_and_state_move_together_and_deletions_stay_in_their_scope() {
    let (postgres, url, emulator) = servers().await;
    second_account(&emulator);
    members(&emulator, 789, 1, 300);
    members(&emulator, 900, 10_001, 50);

    let first = sync(&emulator, &url, 321, false).await;
    assert_eq!((first.written, first.complete), (300, true));
    sync(&emulator, &url, 322, false).await;
    let again = sync(&emulator, &url, 321, false).await;
    assert_eq!(again.written, 0, "{again:?}");
    let count = |sql: &str| postgres.query(sql);
    assert_eq!(
        count("SELECT count(*) FROM salesflow.contacts WHERE scope_account_id = 321"),
        "300"
    );
    assert_eq!(
        count("SELECT count(*) FROM salesflow.contacts WHERE scope_account_id = 322"),
        "50"
    );
    // The state is in the database, with the run that wrote it.
    assert_eq!(
        count(
            "SELECT state->>'runs' FROM salesflow.sync_state WHERE kind = 'contacts' AND scope = 'account 321'"
        ),
        "2"
    );
    // Typed columns, the record as jsonb.
    assert_eq!(
        count(
            "SELECT pg_typeof(\"LastModifiedAt\")::text || ' ' || (raw_json->>'FirstName') FROM salesflow.contacts WHERE \"MemberId\" = 7"
        ),
        "timestamp with time zone First7"
    );

    // Two members leave account 321; a full run of 321 marks them, and nothing of 322.
    emulator.state().contacts.remove(&5);
    emulator.state().contacts.remove(&6);
    emulator.state().contacts.remove(&10_001);
    let full = sync(&emulator, &url, 321, true).await;
    assert!(full.complete);
    assert_eq!(
        count(
            "SELECT string_agg(\"MemberId\"::text, ',' ORDER BY \"MemberId\") FROM salesflow.contacts WHERE deleted_at IS NOT NULL"
        ),
        "5,6"
    );
    assert_eq!(
        count("SELECT deleted FROM salesflow.sync_runs ORDER BY run DESC LIMIT 1"),
        "2"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_accounts_sync_into_one_database_at_once_and_one_scope_once() {
    let (postgres, url, emulator) = servers().await;
    second_account(&emulator);
    members(&emulator, 789, 1, 3_000);
    members(&emulator, 900, 100_001, 3_000);
    // Both at once, each in its own connection and transaction, first runs both (the
    // schema made by whichever comes first, under the migration lock).
    let (a, b) = tokio::join!(
        sync(&emulator, &url, 321, false),
        sync(&emulator, &url, 322, false)
    );
    assert_eq!((a.written, b.written), (3_000, 3_000));
    assert_eq!(
        postgres.query("SELECT count(*) FROM salesflow.contacts"),
        "6000"
    );
    assert_eq!(
        postgres.query("SELECT count(*) FROM salesflow.sync_state"),
        "2"
    );
    assert_eq!(
        postgres.query("SELECT count(*) FROM salesflow.schema_migrations"),
        "1"
    );

    // A sync of a scope another holds is refused, and changes nothing.
    let mut holder = PostgresSink::<types::Contact>::new(&url);
    holder.load_state(&Syncer::scope(321, None)).await.unwrap();
    let error = refusal(&url).await;
    assert!(
        error.contains("another sync of contacts of account 321"),
        "{error}"
    );
    let mut other = PostgresSink::<types::Contact>::new(&url);
    other.load_state(&Syncer::scope(322, None)).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_table_no_sync_made_is_refused_and_left_alone() {
    let postgres = postgres().await;
    postgres.query("CREATE SCHEMA salesflow; CREATE TABLE salesflow.contacts (id int, name text); INSERT INTO salesflow.contacts VALUES (1, 'mine')");
    let error = refusal(&postgres.url()).await;
    assert!(error.contains("is not one a sync made"), "{error}");
    assert_eq!(
        postgres.query("SELECT name FROM salesflow.contacts"),
        "mine"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_older_schema_is_upgraded_and_a_newer_one_refused() {
    let (postgres, url, emulator) = servers().await;
    members(&emulator, 789, 1, 10);
    // As an older version left it: its migrations applied, a contacts table without the
    // fields the API added since.
    sync(&emulator, &url, 321, false).await;
    postgres
        .query("ALTER TABLE salesflow.contacts DROP COLUMN \"Company\", DROP COLUMN \"AddedAt\"");
    let upgraded = sync(&emulator, &url, 321, false).await;
    assert_eq!(upgraded.written, 0, "nothing changed in Salesflow");
    assert_eq!(
        postgres.query("SELECT count(*) FROM salesflow.contacts WHERE \"AddedAt\" IS NOT NULL"),
        "10",
        "the columns are back, filled from the rows' JSON"
    );
    assert_eq!(
        postgres.query("SELECT count(*) FROM salesflow.contacts WHERE \"AddedAt\" = (raw_json->>'AddedAt')::timestamp AT TIME ZONE 'UTC'"),
        "10"
    );
    postgres.query("INSERT INTO salesflow.schema_migrations (version) VALUES (99)");
    let error = refusal(&url).await;
    assert!(error.contains("newer than this program's"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_that_cannot_be_used_says_why_in_the_servers_words() {
    let postgres = postgres().await;
    let missing = postgres.url().replace("/postgres", "/nodb");
    let error = refusal(&missing).await;
    assert!(
        error.contains("database \"nodb\" does not exist"),
        "{error}"
    );
    let closed = "postgres://salesflow:secret-password@127.0.0.1:1/postgres";
    let error = refusal(closed).await;
    assert!(error.contains("Connection refused"), "{error}");
    assert!(!error.contains("secret-password"), "{error}");
}

/// What a sink of contacts into `url` answers when it loads the state of account 321 and is
/// refused (the test fails if it is not).
async fn refusal(url: &str) -> String {
    let mut sink = PostgresSink::<types::Contact>::new(url);
    match sink.load_state(&Syncer::scope(321, None)).await {
        Ok(_) => panic!("the sync into {url} was not refused"),
        Err(error) => error.to_string(),
    }
}
