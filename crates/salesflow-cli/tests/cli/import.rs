//! `salesflow import` against the emulator: killed at many moments and run again, under
//! injected 429s, 503s, timeouts and resets, every row ends up in the campaign exactly once.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Output, Stdio};
use std::time::{Duration, Instant};

use salesflow_emulator::{EmulatorConfig, Fault, Faults};

use crate::Served as Server;

const CAMPAIGN: &str = "789";

fn server(faults: Faults) -> Server {
    crate::emulator(EmulatorConfig {
        faults,
        ..EmulatorConfig::default()
    })
}

fn every_fault() -> Faults {
    Faults {
        every: 3,
        kinds: vec![
            Fault::TooManyRequests,
            Fault::Timeout,
            Fault::Unavailable,
            Fault::Reset,
            Fault::Drop,
        ],
        operations: vec!["importMember".to_owned()],
        stall_ms: 1_500,
        ..Faults::default()
    }
}

/// A scratch directory with a CSV file of `rows` leads (and one repeat, one bad row).
fn leads(name: &str, rows: usize) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("salesflow-import-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut csv = String::from("LinkedIn URL,first_name,Last-Name,Custom Field 1\n");
    for index in 0..rows {
        csv.push_str(&format!(
            "https://www.linkedin.com/in/lead-{index}/,First{index},Last{index},c{index}\n"
        ));
    }
    csv.push_str("https://WWW.linkedin.com/in/LEAD-0,Again,Repeat,\n");
    csv.push_str("https://example.com/in/not-linkedin,Bad,Row,\n");
    let file = dir.join("leads.csv");
    std::fs::write(&file, csv).unwrap();
    (dir, file)
}

fn import(server: &Server, file: &Path, extra: &[&str]) -> Process {
    let mut command = Process::new(env!("CARGO_BIN_EXE_salesflow"));
    command
        .env("SALESFLOW_TOKEN", server.emulator.token())
        .env("SALESFLOW_BASE_URL", server.emulator.base_url())
        .args(["import", "--account-id", "321", "--campaign-id", CAMPAIGN])
        .args(["--timeout", "1"])
        .args(extra)
        .arg(file)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// How many members of the campaign each profile has.
fn members_by_profile(server: &Server) -> BTreeMap<String, usize> {
    let state = server.emulator.state();
    let mut counts = BTreeMap::new();
    for contact in state.contacts.values() {
        if contact.campaign_id.to_string() == CAMPAIGN {
            let key = contact.public_identifier.clone().unwrap_or_default();
            *counts.entry(key).or_insert(0) += 1;
        }
    }
    counts
}

fn assert_each_row_once(server: &Server, rows: usize) {
    let counts = members_by_profile(server);
    let expected: BTreeMap<String, usize> = (0..rows)
        .map(|index| (format!("lead-{index}"), 1))
        .collect();
    assert_eq!(counts, expected, "each row exactly once, none else");
}

fn finish(mut command: Process) -> Output {
    command.output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn killed_at_many_moments_and_run_again_it_imports_every_row_exactly_once() {
    const ROWS: usize = 30;
    let server = server(every_fault());
    let (dir, file) = leads("kill", ROWS);
    // Kill points spread from before the first request to the retry rounds.
    let delays_ms = [
        3, 12, 25, 40, 60, 90, 130, 180, 250, 400, 700, 1_100, 1_600, 2_300,
    ];
    let mut killed_with_work_done = 0;
    for delay in delays_ms {
        let mut child = import(&server, &file, &[]).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        let finished = child.try_wait().unwrap().is_some();
        child.kill().unwrap();
        let _ = child.wait();
        if !finished {
            killed_with_work_done += 1;
        }
        // Never more than one member for a profile, at any moment.
        assert!(
            members_by_profile(&server)
                .values()
                .all(|count| *count == 1),
            "after a kill at {delay} ms: {:?}",
            members_by_profile(&server)
        );
    }
    assert!(killed_with_work_done >= 5, "most runs were killed mid-way");
    let report = dir.join("report.csv");
    let mut last = None;
    for _ in 0..5 {
        let output = finish(import(
            &server,
            &file,
            &["--report", report.to_str().unwrap()],
        ));
        let code = output.status.code();
        last = Some(output);
        // 1: the bad row is reported; every other row is in the campaign.
        if code == Some(1) && text(&last.as_ref().unwrap().stdout).contains("\"failed\":0") {
            break;
        }
    }
    let output = last.unwrap();
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    let summary: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(summary["rows"], ROWS + 2, "{summary}");
    assert_eq!(
        summary["imported"].as_u64().unwrap() + summary["already_in_campaign"].as_u64().unwrap(),
        ROWS as u64,
        "{summary}"
    );
    assert_eq!(summary["duplicates"], 1, "{summary}");
    assert_eq!(summary["invalid"], 1, "{summary}");
    assert!(
        stderr.contains("line 33: invalid: LinkedIn URL"),
        "the bad row with its line and column: {stderr}"
    );
    assert_each_row_once(&server, ROWS);
    let faults = server.emulator.faults();
    assert!(
        faults.injected >= 5,
        "every kind of fault happened: {faults:?}"
    );

    // The token is in no output and no file the import wrote, whatever failed.
    let token = server.emulator.token();
    let journal = std::fs::read_to_string(dir.join("leads.csv.import-789.journal")).unwrap();
    for (name, text) in [
        ("stdout", &stdout),
        ("stderr", &stderr),
        ("journal", &journal),
    ] {
        assert!(!text.contains(token), "the token in the {name}");
    }
    let report = std::fs::read_to_string(&report).unwrap();
    assert!(!report.contains(token), "the token in the report");
    assert_eq!(
        report.lines().count(),
        ROWS + 3,
        "a line a row, and the header: {report}"
    );
    assert!(
        report.starts_with("row,linkedin_url,sent_url,member_id,status,error\n"),
        "{report}"
    );
    assert!(
        report
            .contains("32,https://WWW.linkedin.com/in/LEAD-0,https://www.linkedin.com/in/LEAD-0,"),
        "the repeat, as given and as sent: {report}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn ctrl_c_finishes_the_requests_in_flight_and_exits_130() {
    const ROWS: usize = 40;
    let server = server(Faults {
        every: 1,
        kinds: vec![Fault::Timeout],
        operations: vec!["importMember".to_owned()],
        stall_ms: 300,
        ..Faults::default()
    });
    let (dir, file) = leads("interrupt", ROWS);
    let child = import(&server, &file, &["--concurrency", "2"])
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(700));
    let interrupted = Instant::now();
    let status = Process::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let output = child.wait_with_output().unwrap();
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(
        interrupted.elapsed() < Duration::from_secs(3),
        "the requests in flight only: {:?}",
        interrupted.elapsed()
    );
    assert!(
        stderr.contains("finishing the requests in flight"),
        "{stderr}"
    );
    assert!(stderr.contains("run the same command again"), "{stderr}");
    let summary: serde_json::Value = serde_json::from_str(text(&output.stdout).trim()).unwrap();
    assert_eq!(summary["stopped"], true, "{summary}");
    assert!(summary["pending"].as_u64().unwrap() > 0, "{summary}");
    let before = members_by_profile(&server).len() as u64;
    assert_eq!(
        summary["imported"].as_u64().unwrap(),
        before,
        "every answer recorded"
    );

    // Without faults, the rerun imports the rest, each once.
    server.emulator.set_faults(Faults::default());
    let output = finish(import(&server, &file, &[]));
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    assert_each_row_once(&server, ROWS);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn strict_sends_nothing_when_a_row_is_bad_and_strict_columns_refuses_unknown_ones() {
    let server = server(Faults::default());
    let (dir, file) = leads("strict", 3);
    let output = finish(import(&server, &file, &["--strict"]));
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("line 6: LinkedIn URL"), "{stderr}");
    assert!(stderr.contains("nothing was sent"), "{stderr}");
    assert!(members_by_profile(&server).is_empty());

    let odd = dir.join("odd.csv");
    std::fs::write(
        &odd,
        "linkedin_url,Company\nhttps://www.linkedin.com/in/x,Acme\n",
    )
    .unwrap();
    let output = finish(import(&server, &odd, &["--strict-columns"]));
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("column \"Company\" feeds no importMember parameter"),
        "{stderr}"
    );
    assert!(members_by_profile(&server).is_empty());
    // By default the column is named once and left out, and the row imported.
    let output = finish(import(&server, &odd, &[]));
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert_eq!(
        stderr
            .matches("left out, as importMember has no parameter for it: \"Company\"")
            .count(),
        1,
        "{stderr}"
    );
    assert_eq!(members_by_profile(&server).len(), 1);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_rate_limit_spaces_the_requests() {
    let server = server(Faults::default());
    let (dir, file) = leads("rate", 6);
    let started = std::time::Instant::now();
    // 240 a minute: one every 250 ms, so the 6 rows take at least 5 intervals.
    let output = finish(import(&server, &file, &["--rate-limit", "240"]));
    let elapsed = started.elapsed();
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    assert!(elapsed >= Duration::from_millis(1_200), "{elapsed:?}");
    assert_each_row_once(&server, 6);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_lead_the_server_cannot_take_is_refused_with_its_line_and_never_sent() {
    let server = server(Faults::default());
    let dir =
        std::env::temp_dir().join(format!("salesflow-import-too-long-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // A 5 MB first name (a URL over 64 KiB is one reqwest cannot even build); a headline
    // within its 1,023 characters but 2,260 bytes encoded.
    let huge = "x".repeat(5 * 1024 * 1024);
    let cyrillic = "Руководитель отдела продаж, ".repeat(15);
    let csv = format!(
        "LinkedIn URL,First Name,Headline\n\
         https://www.linkedin.com/in/lead-a,Ann,CEO\n\
         https://www.linkedin.com/in/lead-b,{huge},CTO\n\
         https://www.linkedin.com/in/lead-c,Cy,\"{cyrillic}\"\n\
         https://www.linkedin.com/in/lead-d,Dee,COO\n"
    );
    let file = dir.join("leads.csv");
    std::fs::write(&file, csv).unwrap();
    drop(huge);
    let output = finish(import(&server, &file, &["--retries", "3"]));
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "line 3: invalid: First Name is 5242880 characters long; the API accepts at most 63"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("line 4: invalid: Headline is 2260 bytes URL-encoded")
            && stderr.contains("the server (IIS) refuses a query string over 2048 bytes"),
        "{stderr}"
    );
    assert!(
        stderr.len() < 4_000,
        "the value itself is not shown: {} bytes",
        stderr.len()
    );
    let counts = members_by_profile(&server);
    assert_eq!(
        counts.keys().collect::<Vec<_>>(),
        ["lead-a", "lead-d"],
        "only the two the server can take were sent"
    );
    // Not in the journal as sent: a run again sends nothing.
    let journal = std::fs::read_to_string(dir.join("leads.csv.import-789.journal")).unwrap();
    assert!(
        !journal.contains("\"row\":3") && !journal.contains("\"row\":4"),
        "{journal}"
    );
    let again = finish(import(&server, &file, &[]));
    let summary: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(summary["requests"], 0, "{summary}");
    assert_eq!(summary["invalid"], 2, "{summary}");
    std::fs::remove_dir_all(dir).unwrap();
}
