//! `salesflow sync` against the emulator: killed at many moments and run again, into
//! NDJSON, CSV and SQLite, nothing is skipped and no record is cut in half; then the data
//! changes and the next runs pick up exactly the changes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};
use std::time::Duration;

use chrono::{DateTime, Utc};
use salesflow_emulator::{Contact, EmulatorConfig};

use crate::Served as Server;

const MEMBERS: i64 = 10_000;

fn server() -> Server {
    crate::emulator(EmulatorConfig::default())
}

pub(super) fn member(id: i64, added: DateTime<Utc>, modified: Option<DateTime<Utc>>) -> Contact {
    serde_json::from_value(serde_json::json!({
        "MemberId": id,
        "CampaignId": 789,
        "FirstName": format!("First, \"{id}\""),
        "LastName": "Line\nbreak",
        "PublicIdentifier": format!("member-{id}"),
        "MemberUrl": format!("https://www.linkedin.com/in/member-{id}"),
        "AddedAt": added,
        "LastModifiedAt": modified,
    }))
    .unwrap()
}

/// The emulator's members: id → the change time a sync should have written.
pub(super) fn server_versions(server: &Server) -> BTreeMap<i64, String> {
    server
        .emulator
        .state()
        .contacts
        .values()
        .map(|c| {
            let time = c.last_modified_at.unwrap_or(c.added_at);
            (
                c.member_id,
                time.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            )
        })
        .collect()
}

/// `salesflow sync KIND --account-id ACCOUNT --state STATE --out OUT` against `server`.
pub(super) fn sync_command(
    server: &Server,
    kind: &str,
    account: i64,
    state: &Path,
    out: &Path,
) -> Process {
    let mut command = Process::new(env!("CARGO_BIN_EXE_salesflow"));
    command
        .env("SALESFLOW_TOKEN", server.emulator.token())
        .env("SALESFLOW_BASE_URL", server.emulator.base_url())
        .args(["sync", kind, "--account-id", &account.to_string()])
        .arg("--state")
        .arg(state)
        .arg("--out")
        .arg(out)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

fn sync(server: &Server, state: &Path, out: &Path) -> Process {
    let mut command = sync_command(server, "contacts", 321, state, out);
    command.args(["--overlap", "5"]);
    command
}

/// What the runs of [`killed_then_finished`] did.
struct Runs {
    /// Each run whose work was done (the state counts it), in order, with its report when
    /// it exited by itself: a run meant to be killed may finish first (on a fast machine),
    /// or be killed after it saved its state and before it printed its report.
    finished: Vec<Option<serde_json::Value>>,
    /// How many runs were killed before they finished.
    killed: usize,
}

impl Runs {
    /// The report of the first run to finish, if it printed one, asserting every run after
    /// it had nothing new to write.
    fn first_then_nothing(&self) -> Option<&serde_json::Value> {
        assert!(
            self.finished[1..]
                .iter()
                .flatten()
                .all(|r| r["written"] == 0),
            "{:?}",
            self.finished
        );
        self.finished[0].as_ref()
    }
}

/// How many runs the state at `path` counts.
pub(super) fn runs_done(path: &Path) -> u64 {
    std::fs::read_to_string(path).map_or(0, |text| {
        let state: serde_json::Value = serde_json::from_str(&text).expect("a whole state");
        state["runs"].as_u64().unwrap_or(0)
    })
}

/// Kills the sync at each delay, then runs it to the end.
fn killed_then_finished(server: &Server, state: &Path, out: &Path, delays: &[u64]) -> Runs {
    let mut runs = Runs {
        finished: Vec::new(),
        killed: 0,
    };
    let token = server.emulator.token();
    let seen = |output: std::process::Output, done_before: u64, runs: &mut Runs| {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let stdout = String::from_utf8_lossy(&output.stdout);
        for text in [&*stderr, &*stdout] {
            assert!(
                !text.contains(token),
                "the token in what the sync wrote: {text}"
            );
        }
        let report = if output.status.success() {
            Some(serde_json::from_slice(&output.stdout).unwrap())
        } else {
            // Killed (by a signal), never failed on its own.
            assert!(output.status.code().is_none(), "{stderr}");
            None
        };
        if runs_done(state) > done_before {
            runs.finished.push(report);
        } else {
            assert!(report.is_none(), "a run that exited did its work");
            runs.killed += 1;
        }
    };
    for delay in delays {
        let done_before = runs_done(state);
        let mut child = sync(server, state, out).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(*delay));
        // Killing a run that has just exited does nothing: its status says it finished.
        let _ = child.kill();
        seen(child.wait_with_output().unwrap(), done_before, &mut runs);
    }
    let done_before = runs_done(state);
    seen(
        succeeds(&mut sync(server, state, out)),
        done_before,
        &mut runs,
    );
    let state_text = std::fs::read_to_string(state).unwrap();
    assert!(!state_text.contains(token), "the token in the state");
    runs
}

/// How long one run takes on this machine, by a run into a scratch output; returns
/// kill points at `percents` of that.
fn kill_points(server: &Server, state: &Path, out: &Path, percents: &[u64]) -> Vec<u64> {
    let probe = std::time::Instant::now();
    succeeds(&mut sync(server, state, out));
    let whole = probe.elapsed().as_millis() as u64;
    percents
        .iter()
        .map(|percent| whole * percent / 100)
        .collect()
}

/// Runs `command` to the end, asserting it succeeded.
pub(super) fn succeeds(command: &mut Process) -> std::process::Output {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// The (id, change time) pairs an NDJSON file holds, failing on a torn line.
fn ndjson_versions(path: &Path) -> Vec<(i64, String)> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| {
            let record: serde_json::Value = serde_json::from_str(line).expect("whole lines only");
            let time = record["LastModifiedAt"]
                .as_str()
                .or(record["AddedAt"].as_str())
                .unwrap();
            let time: salesflow::Timestamp = time.parse().unwrap();
            (
                record["MemberId"].as_i64().unwrap(),
                time.to_utc()
                    .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            )
        })
        .collect()
}

fn csv_versions(path: &Path) -> Vec<(i64, String)> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (id, added, modified) = (
        column("MemberId"),
        column("AddedAt"),
        column("LastModifiedAt"),
    );
    reader
        .records()
        .map(|record| {
            let record = record.expect("whole records only");
            let time = Some(&record[modified])
                .filter(|t| !t.is_empty())
                .unwrap_or(&record[added]);
            (record[id].parse().unwrap(), time.to_owned())
        })
        .collect()
}

fn sqlite_versions(path: &Path) -> BTreeMap<i64, String> {
    let connection = rusqlite::Connection::open(path).unwrap();
    let mut statement = connection
        .prepare("SELECT MemberId, coalesce(LastModifiedAt, AddedAt) FROM contacts WHERE deleted_at IS NULL")
        .unwrap();
    statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// Every version the server has is in the output (repeats allowed, nothing missing).
fn assert_nothing_skipped(output: &[(i64, String)], server: &BTreeMap<i64, String>) {
    let written: BTreeSet<(i64, String)> = output.iter().cloned().collect();
    let missing: Vec<_> = server
        .iter()
        .filter(|(id, time)| !written.contains(&(**id, (*time).clone())))
        .take(5)
        .collect();
    assert!(
        missing.is_empty(),
        "missing, of {}: {missing:?}",
        server.len()
    );
}

pub(super) fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("salesflow-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn killed_at_many_moments_and_run_again_the_output_misses_nothing() {
    let server = server();
    let now = DateTime::from_timestamp_millis(Utc::now().timestamp_millis()).unwrap();
    let start = now - chrono::Duration::days(2);
    {
        let mut state = server.emulator.state();
        for id in 1..=MEMBERS {
            // A third never modified; the last hundred share the latest change time.
            let modified =
                (id % 3 != 0).then(|| start + chrono::Duration::seconds(id.min(MEMBERS - 100)));
            let contact = member(id, start, modified);
            state.contacts.insert(id, contact);
        }
    }
    let dir = scratch("sync");
    // Kill points spread over a whole run, as long as it takes on this machine.
    let (probe_state, probe_out) = (dir.join("probe.json"), dir.join("probe.sqlite"));
    let delays = kill_points(
        &server,
        &probe_state,
        &probe_out,
        &[2, 10, 20, 35, 50, 65, 80, 95],
    );
    let outputs = ["contacts.ndjson", "contacts.csv", "contacts.sqlite"];
    for out in outputs {
        let runs = killed_then_finished(
            &server,
            &dir.join(format!("{out}.state.json")),
            &dir.join(out),
            &delays,
        );
        // The first run to finish lists everything; any after it has nothing new.
        if let Some(first) = runs.first_then_nothing() {
            assert_eq!(first["listed"], MEMBERS, "{first}");
        }
        assert!(
            runs.killed >= 4,
            "{out}: {} of the runs were killed mid-way",
            runs.killed
        );
    }
    let versions = server_versions(&server);
    assert_nothing_skipped(&ndjson_versions(&dir.join(outputs[0])), &versions);
    assert_nothing_skipped(&csv_versions(&dir.join(outputs[1])), &versions);
    assert_eq!(sqlite_versions(&dir.join(outputs[2])), versions);

    // The data changes: members added at the latest change time there is (the boundary),
    // members changed now, members deleted.
    let mark = start + chrono::Duration::seconds(MEMBERS - 100);
    {
        let mut state = server.emulator.state();
        for id in MEMBERS + 1..=MEMBERS + 50 {
            state.contacts.insert(id, member(id, start, Some(mark)));
        }
        for id in (10..MEMBERS).step_by(200) {
            let contact = state.contacts.get_mut(&id).unwrap();
            contact.last_modified_at = Some(now);
            contact.occupation = Some("changed".to_owned());
        }
        for id in (11..MEMBERS).step_by(500) {
            state.contacts.remove(&id);
        }
    }
    let changed = 50 + (10..MEMBERS).step_by(200).count() as u64;
    let deleted = (11..MEMBERS).step_by(500).count();
    // The probe's state is from before the change too: it times a run of the changes.
    let delays = kill_points(&server, &probe_state, &probe_out, &[5, 25, 50, 75]);
    for out in outputs {
        let runs = killed_then_finished(
            &server,
            &dir.join(format!("{out}.state.json")),
            &dir.join(out),
            &delays,
        );
        // The first run to finish writes exactly the changes; any after it, nothing.
        if let Some(first) = runs.first_then_nothing() {
            assert_eq!(first["written"], changed, "only the changes: {first}");
            assert_eq!(first["complete"], false, "{first}");
        }
    }
    let versions = server_versions(&server);
    assert_nothing_skipped(&ndjson_versions(&dir.join(outputs[0])), &versions);
    assert_nothing_skipped(&csv_versions(&dir.join(outputs[1])), &versions);
    let in_db = sqlite_versions(&dir.join(outputs[2]));
    assert!(
        versions
            .iter()
            .all(|(id, time)| in_db.get(id) == Some(time)),
        "every change is in the database"
    );
    assert_eq!(
        in_db.len(),
        versions.len() + deleted,
        "deleted members stay until a full run"
    );

    // A full run marks them.
    succeeds(
        sync(
            &server,
            &dir.join("contacts.sqlite.state.json"),
            &dir.join(outputs[2]),
        )
        .arg("--full"),
    );
    assert_eq!(sqlite_versions(&dir.join(outputs[2])), versions);
    std::fs::remove_dir_all(dir).unwrap();
}
