//! `salesflow_ext::sync` against the emulator, whose data changes between runs: adds,
//! updates and deletes, records with identical change times at the high-water mark, a
//! member never modified; the SQLite output read back with SQL.

use chrono::{DateTime, Duration, Utc};
use rusqlite::Connection;
use salesflow_emulator::{Contact, Emulator, EmulatorConfig, Event};
use salesflow_ext::sync::{NdjsonSink, SqliteSink, SyncState, Syncer};
use salesflow_ext::types;

const ACCOUNT: i64 = 321;
const CAMPAIGN: i64 = 789;

use crate::support::emulator_client as client;

/// A member of campaign 789 with the change times given.
fn member(id: i64, added: DateTime<Utc>, modified: Option<DateTime<Utc>>) -> Contact {
    serde_json::from_value(serde_json::json!({
        "MemberId": id,
        "CampaignId": CAMPAIGN,
        "FirstName": format!("First{id}"),
        "LastName": "Seeded",
        "PublicIdentifier": format!("seeded-{id}"),
        "MemberUrl": format!("https://www.linkedin.com/in/seeded-{id}"),
        "AddedAt": added,
        "LastModifiedAt": modified,
    }))
    .unwrap()
}

fn add(emulator: &Emulator, contact: Contact) {
    emulator.state().contacts.insert(contact.member_id, contact);
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("salesflow-sync-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs one contacts sync into both outputs, saving the state as the command does.
async fn run(
    syncer: &Syncer,
    state_path: &std::path::Path,
    db: &std::path::Path,
    ndjson: &std::path::Path,
) -> (salesflow_ext::sync::SyncReport, SyncState) {
    let scope = Syncer::scope(ACCOUNT, None);
    let mut state = SyncState::load(state_path, "contacts", &scope).unwrap();
    let mut sink = SqliteSink::<types::Contact>::new(db);
    let report = syncer
        .contacts(None, &mut state, &mut sink, |_| {})
        .await
        .unwrap();
    // The NDJSON output keeps a state of its own (its checkpoint is its length).
    let ndjson_state_path = state_path.with_extension("ndjson.json");
    let mut ndjson_state = SyncState::load(&ndjson_state_path, "contacts", &scope).unwrap();
    let mut lines = NdjsonSink::<types::Contact>::new(ndjson);
    let other = syncer
        .contacts(None, &mut ndjson_state, &mut lines, |_| {})
        .await
        .unwrap();
    assert_eq!(
        (other.written, other.unchanged),
        (report.written, report.unchanged),
        "both outputs see the same run"
    );
    (report, state)
}

fn rows(db: &std::path::Path, sql: &str) -> Vec<(i64, Option<String>)> {
    let connection = Connection::open(db).unwrap();
    let mut statement = connection.prepare(sql).unwrap();
    statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_run_writes_what_changed_once_and_a_full_run_marks_deletions() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let client = client(&emulator);
    // Salesflow keeps milliseconds.
    let now = DateTime::from_timestamp_millis(Utc::now().timestamp_millis()).unwrap();
    let mark = now - Duration::hours(1);
    let old = now - Duration::days(3);
    for id in 1..=5 {
        add(
            &emulator,
            member(id, old, Some(old + Duration::minutes(id))),
        );
    }
    // Two members changed at the same millisecond, the latest change there is; one more
    // added then and never modified.
    add(&emulator, member(6, old, Some(mark)));
    add(&emulator, member(7, old, Some(mark)));
    add(&emulator, member(8, mark, None));

    let dir = scratch("runs");
    let (state, db, ndjson) = (
        dir.join("state.json"),
        dir.join("out.sqlite"),
        dir.join("out.ndjson"),
    );
    let syncer = Syncer::new(&client, ACCOUNT).overlap(std::time::Duration::from_secs(60));

    let (first, first_state) = run(&syncer, &state, &db, &ndjson).await;
    assert!(first.complete && first.listed_from.is_none(), "{first:?}");
    assert_eq!(first.written, 8);
    assert_eq!(
        first_state
            .high_water()
            .map(|t| t.to_utc().timestamp_millis()),
        Some(mark.timestamp_millis()),
        "the mark is the server's latest change time, not this machine's clock"
    );

    // Between runs: one more member at the mark's very millisecond, an update, a delete.
    add(&emulator, member(9, old, Some(mark)));
    client
        .update_contact()
        .account_id(ACCOUNT)
        .member_id(2)
        .body_map(|body| body.occupation(Some("CTO".to_owned())))
        .send()
        .await
        .unwrap();
    client
        .delete_contact()
        .account_id(ACCOUNT)
        .member_id(3)
        .send()
        .await
        .unwrap();

    let (second, _) = run(&syncer, &state, &db, &ndjson).await;
    assert!(!second.complete, "{second:?}");
    assert_eq!(
        second.listed_from.as_deref(),
        Some(
            (salesflow::Timestamp::from_utc(mark - Duration::seconds(60)))
                .to_string()
                .as_str()
        ),
        "the mark minus the overlap"
    );
    // Listed: 6, 7, 8 (unchanged, at the mark), 9 (new at the mark) and 2 (updated).
    assert_eq!(
        (second.listed, second.written, second.unchanged),
        (5, 2, 3),
        "{second:?}"
    );

    let (third, _) = run(&syncer, &state, &db, &ndjson).await;
    // The mark moved to the update's time: only member 2 is in the window now.
    assert_eq!(
        (third.listed, third.written),
        (1, 0),
        "nothing new: {third:?}"
    );

    assert_eq!(
        rows(
            &db,
            "SELECT MemberId, Occupation FROM contacts WHERE MemberId = 2"
        ),
        [(2, Some("CTO".to_owned()))]
    );
    assert_eq!(
        rows(
            &db,
            "SELECT COUNT(*), NULL FROM contacts WHERE deleted_at IS NULL"
        ),
        [(9, None)],
        "an incremental run cannot see a deletion"
    );
    // A member never modified: its AddedAt made it, LastModifiedAt stays NULL.
    let connection = Connection::open(&db).unwrap();
    let (added, modified, raw): (String, Option<String>, String) = connection
        .query_row(
            "SELECT AddedAt, LastModifiedAt, raw_json FROM contacts WHERE MemberId = 8",
            [],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .unwrap();
    let added: DateTime<Utc> = added.parse().unwrap();
    assert_eq!(
        added.timestamp_millis(),
        mark.timestamp_millis(),
        "ISO 8601 UTC"
    );
    assert_eq!(modified, None);
    assert!(raw.contains("\"MemberId\":8"), "{raw}");

    let full = Syncer::new(&client, ACCOUNT).full(true);
    let (fourth, _) = run(&full, &state, &db, &ndjson).await;
    assert!(fourth.complete && fourth.listed_from.is_none());
    assert_eq!(fourth.listed, 8);
    assert_eq!(
        rows(
            &db,
            "SELECT MemberId, NULL FROM contacts WHERE deleted_at IS NOT NULL"
        ),
        [(3, None)],
        "the complete run marks the member Salesflow no longer lists"
    );
    assert_eq!(
        rows(
            &db,
            "SELECT COUNT(*), group_concat(complete) FROM salesflow_sync_runs"
        ),
        [(4, Some("1,0,0,1".to_owned()))]
    );
    let uses_index: String = connection
        .query_row(
            "EXPLAIN QUERY PLAN SELECT * FROM contacts WHERE LastModifiedAt > '2024-01-01'",
            [],
            |row| row.get(3),
        )
        .unwrap();
    assert!(
        uses_index.contains("contacts_LastModifiedAt"),
        "{uses_index}"
    );

    // NDJSON: 8 lines, then 2, then none; the full run writes what is not unchanged.
    let text = std::fs::read_to_string(&ndjson).unwrap();
    let ids: Vec<i64> = text
        .lines()
        .map(|line| {
            serde_json::from_str::<serde_json::Value>(line).unwrap()["MemberId"]
                .as_i64()
                .unwrap()
        })
        .collect();
    assert_eq!(&ids[..10], [1, 2, 3, 4, 5, 6, 7, 8, 2, 9], "{ids:?}");
    assert_eq!(ids.len() as u64, 8 + 2 + fourth.written, "{ids:?}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_are_synced_one_record_a_message_from_the_day_of_the_mark() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let client = client(&emulator);
    let member = client
        .import_member()
        .account_id(ACCOUNT)
        .campaign_id(CAMPAIGN)
        .linked_in_url("https://www.linkedin.com/in/replier")
        .send()
        .await
        .unwrap();
    emulator
        .simulate(member.member_id, Event::Replied, Some("Happy to talk"))
        .await
        .unwrap();
    // An earlier message of the same day, more than the overlap before the reply: the
    // next run lists it again (the API lists from a day) and must leave it out.
    let earlier = Utc::now() - Duration::minutes(30);
    if earlier.date_naive() == Utc::now().date_naive() {
        let mut state = emulator.state();
        let contact = state.contacts.get_mut(&member.member_id).unwrap();
        contact.messages.push(
            serde_json::from_value(serde_json::json!({
                "ConversationMessageId": 9_000_001,
                "CreatedAt": earlier,
                "Text": "Earlier that day",
            }))
            .unwrap(),
        );
    }
    let dir = scratch("messages");
    let path = dir.join("messages.ndjson");
    let syncer = Syncer::new(&client, ACCOUNT).overlap(std::time::Duration::from_secs(60));
    let first_day = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    let mut state = SyncState::new("messages", &Syncer::scope(ACCOUNT, None));
    let mut sink = NdjsonSink::new(&path);
    let first = syncer
        .messages(None, first_day, &mut state, &mut sink, |_| {})
        .await
        .unwrap();
    let messages = emulator.state().contacts[&member.member_id].messages.len() as u64;
    assert_eq!(
        (first.written, first.listed_from.as_deref()),
        (messages, Some("2020-01-01"))
    );
    let mut sink = NdjsonSink::new(&path);
    let again = syncer
        .messages(None, first_day, &mut state, &mut sink, |_| {})
        .await
        .unwrap();
    assert_eq!((again.written, again.unchanged), (0, messages), "{again:?}");
    let today = Utc::now().date_naive().to_string();
    assert!(
        again.listed_from.as_deref() <= Some(today.as_str()),
        "from the mark's day: {again:?}"
    );
    emulator
        .simulate(member.member_id, Event::Replied, Some("Tuesday?"))
        .await
        .unwrap();
    let mut sink = NdjsonSink::new(&path);
    let third = syncer
        .messages(None, first_day, &mut state, &mut sink, |_| {})
        .await
        .unwrap();
    assert_eq!(third.written, 1, "{third:?}");
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.lines().count() as u64, messages + 1, "{text}");
    assert!(text.contains("\"Text\":\"Tuesday?\""), "{text}");
    std::fs::remove_dir_all(dir).unwrap();
}
