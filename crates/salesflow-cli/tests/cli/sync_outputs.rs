//! `salesflow sync` and the user's data: a complete run marks deletions only in its own
//! scope (campaign, account) of a shared database; the state knows its output, and a file
//! or database that is not it (another, a shorter backup, foreign bytes, none the state
//! knows) is refused and left as it was; a first run killed again and again writes each
//! record once.

use std::path::{Path, PathBuf};
use std::process::{Command as Process, Output};
use std::time::Duration;

use chrono::{DateTime, Utc};
use salesflow_emulator::EmulatorConfig;

use super::sync::{member, runs_done, scratch, succeeds, sync_command as sync};
use crate::Served as Server;

fn server() -> Server {
    crate::emulator(EmulatorConfig::default())
}

/// Runs `command`, which must be refused with exit 2 and one line on stderr containing
/// `says`; returns that line.
fn refused(command: &mut Process, says: &str) -> String {
    let output = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains(says), "{stderr}");
    stderr
}

fn report(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap()
}

fn query_i64(db: &Path, sql: &str) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(sql, [], |row| row.get(0))
        .unwrap()
}

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(Utc::now().timestamp_millis()).unwrap()
}

/// Members `ids` of `campaign`, each with a reply.
fn seed(server: &Server, campaign: i64, ids: std::ops::RangeInclusive<i64>) {
    let added = now() - chrono::Duration::days(1);
    let mut state = server.emulator.state();
    for id in ids {
        let mut contact = member(id, added, None);
        contact.campaign_id = campaign;
        contact.messages.push(
            serde_json::from_value(serde_json::json!({
                "ConversationMessageId": 1_000_000 + id,
                "CreatedAt": added,
                "Text": format!("reply of {id}"),
            }))
            .unwrap(),
        );
        state.contacts.insert(id, contact);
    }
}

/// A second account, 323, with campaign 900.
fn second_account(server: &Server) {
    let mut state = server.emulator.state();
    let mut account = state.accounts[0].clone();
    account.account_id = 323;
    state.accounts.push(account);
    let mut campaign = state.campaigns[&789].clone();
    campaign.campaign_id = 900;
    campaign.account_id = 323;
    state.campaigns.insert(900, campaign);
}

#[test]
fn a_complete_run_marks_deleted_only_what_is_in_its_own_scope() {
    let server = server();
    second_account(&server);
    seed(&server, 789, 1..=50);
    seed(&server, 790, 51..=80);
    seed(&server, 900, 81..=90);
    let dir = scratch("sync-scopes");
    let db = dir.join("crm.sqlite");
    let live = |table: &str| {
        query_i64(
            &db,
            &format!("SELECT COUNT(*) FROM {table} WHERE deleted_at IS NULL"),
        )
    };
    let full = |kind: &str, account: i64, campaign: Option<i64>, state: &str| {
        let mut command = sync(&server, kind, account, &dir.join(state), &db);
        if let Some(campaign) = campaign {
            command.args(["--campaign-id", &campaign.to_string()]);
        }
        if kind != "campaigns" {
            command.arg("--full");
        }
        succeeds(&mut command)
    };
    // The case: two campaigns into one database, --full each; then the second
    // account, and the first account whole.
    full("contacts", 321, Some(789), "a.json");
    full("contacts", 321, Some(790), "b.json");
    assert_eq!(
        live("contacts"),
        80,
        "campaign 790's run leaves 789's alone"
    );
    full("contacts", 323, None, "c.json");
    full("contacts", 321, None, "d.json");
    assert_eq!(
        live("contacts"),
        90,
        "each account's run leaves the other's alone"
    );

    // Deletions are seen by the runs whose scope they are in, and only there.
    {
        let mut state = server.emulator.state();
        state.contacts.remove(&5);
        state.contacts.remove(&60);
        state.contacts.remove(&85);
    }
    full("contacts", 321, Some(790), "b.json");
    let deleted = |id: i64| {
        query_i64(
            &db,
            &format!("SELECT deleted_at IS NOT NULL FROM contacts WHERE MemberId = {id}"),
        ) == 1
    };
    assert!(deleted(60) && !deleted(5) && !deleted(85));
    full("contacts", 321, None, "d.json");
    assert!(
        deleted(5) && !deleted(85),
        "account 321's run sees 5, not 323's 85"
    );
    full("contacts", 323, None, "c.json");
    assert!(deleted(85));
    assert_eq!(live("contacts"), 87);

    // Campaigns: each account's listing is complete, and marks only its own.
    full("campaigns", 321, None, "campaigns-321.json");
    full("campaigns", 323, None, "campaigns-323.json");
    full("campaigns", 321, None, "campaigns-321.json");
    assert_eq!(live("campaigns"), 3, "789, 790 and 900");

    // Messages: one campaign's complete run leaves the other campaign's.
    let messages = |campaign: i64, state: &str| {
        succeeds(
            sync(&server, "messages", 321, &dir.join(state), &db)
                .args(["--campaign-id", &campaign.to_string(), "--full"])
                .args(["--since", "2020-01-01"]),
        )
    };
    messages(789, "m789.json");
    messages(790, "m790.json");
    messages(789, "m789.json");
    assert_eq!(live("messages"), 49 + 29, "the members left in 789 and 790");
    std::fs::remove_dir_all(dir).unwrap();
}

/// The bytes of `path`, to show a refused run left it as it was.
fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn a_state_refuses_a_file_that_is_not_its_output_and_changes_nothing() {
    let server = server();
    seed(&server, 789, 1..=2_000);
    let dir = scratch("sync-state-file");
    let (state, out) = (dir.join("contacts.state.json"), dir.join("contacts.ndjson"));
    let run = |out: &Path| sync(&server, "contacts", 321, &state, out);
    succeeds(&mut run(&out));
    let first = bytes(&out);

    // (a) The state used with another, larger file: refused, the file as it was.
    let other = dir.join("other.ndjson");
    let mut text = String::new();
    for id in 0..30_000 {
        text.push_str(&format!(
            "{{\"MemberId\":{id},\"Note\":\"someone else's\"}}\n"
        ));
    }
    std::fs::write(&other, &text).unwrap();
    refused(
        &mut run(&other),
        "is not the file the --state was written with",
    );
    refused(run(&other).arg("--full"), "is not the file");
    assert_eq!(bytes(&other), text.as_bytes());

    // A file no state knows, and bytes something else appended after a finished run.
    refused(
        &mut sync(&server, "contacts", 321, &dir.join("new.json"), &other),
        "has no record of writing them",
    );
    assert_eq!(bytes(&other), text.as_bytes());
    let mut appended = first.clone();
    appended.extend_from_slice(b"{\"MemberId\":1,\"Note\":\"mine\"}\n");
    std::fs::write(&out, &appended).unwrap();
    refused(&mut run(&out), "which no sync wrote");
    assert_eq!(bytes(&out), appended);
    std::fs::write(&out, &first).unwrap();

    // (c) An older backup, cut mid-record: refused; --full writes everything after it.
    let backup = first[..first.len() / 2].to_vec();
    assert_ne!(backup.last(), Some(&b'\n'), "cut in the middle of a record");
    std::fs::write(&out, &backup).unwrap();
    refused(&mut run(&out), "shorter than the");
    assert_eq!(bytes(&out), backup);
    let rebuilt = succeeds(run(&out).arg("--full"));
    assert!(
        String::from_utf8_lossy(&rebuilt.stderr).contains("is shorter than the --state says"),
        "{}",
        String::from_utf8_lossy(&rebuilt.stderr)
    );
    let lines = std::fs::read_to_string(&out).unwrap();
    let ids: std::collections::BTreeSet<i64> = lines
        .lines()
        .map(|line| {
            serde_json::from_str::<serde_json::Value>(line).expect("whole lines")["MemberId"]
                .as_i64()
                .unwrap()
        })
        .collect();
    assert_eq!(ids.len(), 2_000, "every contact, none torn");

    // (b) The output deleted: the next run writes everything into a new one.
    std::fs::remove_file(&out).unwrap();
    let again = succeeds(&mut run(&out));
    assert_eq!(report(&again)["written"], 2_000, "{}", report(&again));
    assert!(String::from_utf8_lossy(&again.stderr).contains("does not exist"));
    assert_eq!(
        std::fs::read_to_string(&out).unwrap().lines().count(),
        2_000
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_state_refuses_a_database_that_is_not_its_output_and_changes_nothing() {
    let server = server();
    seed(&server, 789, 1..=300);
    let dir = scratch("sync-state-db");
    let (state, db) = (dir.join("contacts.state.json"), dir.join("crm.sqlite"));
    let run = |db: &Path| sync(&server, "contacts", 321, &state, db);
    succeeds(&mut run(&db));
    let backup = dir.join("backup.sqlite");
    std::fs::copy(&db, &backup).unwrap();
    // A later run, then the database restored from the backup: it has not that run.
    server
        .emulator
        .state()
        .contacts
        .get_mut(&7)
        .unwrap()
        .last_modified_at = Some(now());
    succeeds(&mut run(&db));
    std::fs::copy(&backup, &db).unwrap();
    let restored = bytes(&db);
    refused(
        &mut run(&db),
        "is not the database the --state was written with",
    );
    assert_eq!(bytes(&db), restored);
    let rebuilt = succeeds(run(&db).arg("--full"));
    assert_eq!(report(&rebuilt)["written"], 300, "{}", report(&rebuilt));

    // Another database altogether (another sync's), and one with a table no sync made.
    let other = dir.join("other.sqlite");
    succeeds(&mut sync(
        &server,
        "contacts",
        321,
        &dir.join("other.json"),
        &other,
    ));
    let before = bytes(&other);
    refused(&mut run(&other), "is not the database");
    assert_eq!(bytes(&other), before);
    let foreign = dir.join("crm-of-my-own.sqlite");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT)")
        .unwrap();
    let before = bytes(&foreign);
    refused(
        &mut sync(&server, "contacts", 321, &dir.join("fresh.json"), &foreign),
        "has a table contacts that no sync made",
    );
    assert_eq!(bytes(&foreign), before);

    // (b) The database deleted: written again whole.
    std::fs::remove_file(&db).unwrap();
    let again = succeeds(&mut run(&db));
    assert_eq!(report(&again)["written"], 300);
    assert_eq!(query_i64(&db, "SELECT COUNT(*) FROM contacts"), 300);
    std::fs::remove_dir_all(dir).unwrap();
}

/// Starts a run and kills it after `delay`: `None` if it was killed before its work was
/// done, else its report if it printed one (a kill may come after the state is saved).
fn killed_after(
    mut command: Process,
    state: &Path,
    delay: Duration,
) -> Option<Option<serde_json::Value>> {
    let done_before = runs_done(state);
    let mut child = command.spawn().unwrap();
    std::thread::sleep(delay);
    let _ = child.kill();
    let output = child.wait_with_output().unwrap();
    let report = if output.status.success() {
        Some(report(&output))
    } else {
        assert!(
            output.status.code().is_none(),
            "killed, not failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        None
    };
    (runs_done(state) > done_before).then_some(report)
}

#[test]
fn a_first_run_killed_again_and_again_writes_each_contact_once() {
    const MEMBERS: i64 = 20_000;
    let server = server();
    seed(&server, 789, 1..=MEMBERS);
    let dir = scratch("sync-first-kills");
    for name in ["contacts.ndjson", "contacts.csv"] {
        let (state, out): (PathBuf, PathBuf) = (dir.join(format!("{name}.json")), dir.join(name));
        // How long a whole run takes here, into a scratch output.
        let probe = std::time::Instant::now();
        let (probe_state, probe_out) = (
            dir.join(format!("probe-{name}.json")),
            dir.join(format!("probe-{name}")),
        );
        succeeds(&mut sync(
            &server,
            "contacts",
            321,
            &probe_state,
            &probe_out,
        ));
        let whole = probe.elapsed();
        // Each run is killed before it can finish, a little later each time: only the
        // checkpoints carry it forward.
        let mut killed = 0;
        let mut finished = Vec::new();
        for percent in [30, 45, 60, 75, 90] {
            let run = sync(&server, "contacts", 321, &state, &out);
            match killed_after(run, &state, whole * percent / 100) {
                Some(report) => finished.push(report),
                None => killed += 1,
            }
        }
        finished.push(Some(report(&succeeds(&mut sync(
            &server, "contacts", 321, &state, &out,
        )))));
        let ids: Vec<i64> = if out.extension().unwrap() == "csv" {
            let mut reader = csv::Reader::from_path(&out).unwrap();
            reader
                .records()
                .map(|r| r.expect("whole records")[0].parse().unwrap())
                .collect()
        } else {
            std::fs::read_to_string(&out)
                .unwrap()
                .lines()
                .map(|line| {
                    serde_json::from_str::<serde_json::Value>(line).unwrap()["MemberId"]
                        .as_i64()
                        .unwrap()
                })
                .collect()
        };
        let unique: std::collections::BTreeSet<i64> = ids.iter().copied().collect();
        assert_eq!(unique.len() as i64, MEMBERS, "{out:?}: every contact");
        assert_eq!(
            ids.len() as i64,
            MEMBERS,
            "{out:?}: each once, after {killed} kills"
        );
        assert!(killed >= 3, "{out:?}: {killed} runs were killed");
        // The first run to finish wrote what the killed ones had not (unless it was killed
        // after its state was saved); any after it nothing.
        if let Some(first) = &finished[0] {
            assert_eq!(
                first["written"].as_u64().unwrap() + first["resumed"].as_u64().unwrap(),
                MEMBERS as u64,
                "{first}"
            );
        }
        assert!(
            finished[1..].iter().flatten().all(|r| r["written"] == 0),
            "{finished:?}"
        );
    }
    std::fs::remove_dir_all(dir).unwrap();
}
