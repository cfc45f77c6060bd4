//! `salesflow import` of lead files as the tools people use write them (tests/lead-files,
//! made by its make.py from each tool's documented export format), against the emulator:
//! names and encodings arrive intact, the file's own line numbers are reported, a campaign
//! is imported into once whatever the file, and a dead host, a refused token or a missing
//! campaign stop the import at once.

use std::path::{Path, PathBuf};
use std::process::{Command as Process, Output};
use std::time::{Duration, Instant};

use salesflow_emulator::{EmulatorConfig, Fault, Faults};
use serde_json::Value;

use crate::Served as Server;

const CAMPAIGN: i64 = 789;

fn server() -> Server {
    crate::emulator(EmulatorConfig::default())
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/lead-files")
        .join(name)
}

/// A scratch directory holding a copy of the fixture `name` (the journal goes beside it).
fn scratch(test: &str, name: &str) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("salesflow-leads-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(name);
    std::fs::copy(fixture(name), &file).unwrap();
    (dir, file)
}

fn import(server: &Server, file: &Path, extra: &[&str]) -> Output {
    Process::new(env!("CARGO_BIN_EXE_salesflow"))
        .env_remove("SALESFLOW_ACCOUNT_ID")
        .env("SALESFLOW_TOKEN", server.emulator.token())
        .env("SALESFLOW_BASE_URL", server.emulator.base_url())
        .args(["import", "--account-id", "321", "--campaign-id"])
        .arg(CAMPAIGN.to_string())
        .args(extra)
        .arg(file)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The counts the command printed (its last stdout line).
fn summary(output: &Output) -> Value {
    let stdout = text(&output.stdout);
    let last = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(last).unwrap_or_else(|_| panic!("no summary: {stdout}"))
}

fn count(summary: &Value, key: &str) -> u64 {
    summary[key]
        .as_u64()
        .unwrap_or_else(|| panic!("{key}: {summary}"))
}

/// The campaign's members, by public identifier.
fn members(server: &Server) -> std::collections::BTreeMap<String, salesflow_emulator::Contact> {
    let state = server.emulator.state();
    state
        .members_of(CAMPAIGN)
        .map(|c| (c.public_identifier.clone().unwrap_or_default(), c.clone()))
        .collect()
}

/// The line each record of a CSV file starts on, as an editor numbers lines (a quoted
/// field may hold line breaks; CRLF is one line end).
fn record_lines(bytes: &[u8]) -> Vec<usize> {
    let mut starts = vec![1];
    let mut line = 1;
    let mut quoted = false;
    for (at, byte) in bytes.iter().enumerate() {
        match byte {
            b'"' => quoted = !quoted,
            b'\n' => {
                line += 1;
                if !quoted && at + 1 < bytes.len() {
                    starts.push(line);
                }
            }
            _ => {}
        }
    }
    starts
}

#[test]
fn each_tool_s_export_imports_with_its_names_its_encoding_and_its_columns() {
    // file, rows, a profile, its first and last name, job title and location.
    type Case<'a> = (
        &'a str,
        usize,
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        Option<&'a str>,
    );
    let cases: [Case; 9] = [
        (
            "salesforce-report.csv",
            20,
            "sf-002",
            "Zoë",
            "Lee",
            "Founder & CEO",
            Some("Austin, Texas, United States"),
        ),
        (
            "hubspot-contacts.csv",
            20,
            "hub-001",
            "José",
            "Lee",
            "VP Marketing",
            Some("Lyon, Auvergne-Rhône-Alpes, France"),
        ),
        (
            "linkedin-connections.csv",
            20,
            "conn-004",
            "Søren",
            "Lee",
            "CTO",
            None,
        ),
        (
            "pipedrive-people.csv",
            20,
            "pd-015",
            "Björn",
            "García",
            "Head of Sales",
            None,
        ),
        (
            "apollo-people.csv",
            20,
            "ap-006",
            "Chloé",
            "Lee",
            "VP Marketing",
            Some("Austin, Texas, United States"),
        ),
        (
            "excel-semicolons.csv",
            10,
            "xl-007",
            "Raúl",
            "Lee",
            "Founder & CEO",
            Some("Malmö"),
        ),
        ("excel-sep-line.csv", 10, "sep-008", "Inès", "Lee", "", None),
        (
            "excel-unicode-text.txt",
            10,
            "uni-003",
            "Łukasz",
            "Żółć",
            "Account Executive",
            None,
        ),
        (
            "excel-csv-utf8.csv",
            10,
            "u8-009",
            "Jürgen",
            "Lee",
            "",
            None,
        ),
    ];
    for (name, rows, profile, first, last, title, location) in cases {
        let server = server();
        let (dir, file) = scratch("tools", name);
        let output = import(&server, &file, &[]);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{name}: {stderr}");
        let counts = summary(&output);
        assert_eq!(count(&counts, "imported"), rows as u64, "{name}: {counts}");
        let members = members(&server);
        assert_eq!(members.len(), rows, "{name}");
        let member = &members[profile];
        assert_eq!(member.first_name.as_deref(), Some(first), "{name}");
        assert_eq!(member.last_name.as_deref(), Some(last), "{name}");
        if !title.is_empty() {
            assert_eq!(member.occupation.as_deref(), Some(title), "{name}");
        }
        if let Some(location) = location {
            assert_eq!(member.location.as_deref(), Some(location), "{name}");
        }
        assert_eq!(
            member.member_url,
            format!("https://www.linkedin.com/in/{profile}"),
            "{name}: sent normalised"
        );
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}

#[test]
fn windows_1252_and_notes_before_the_header_are_said_once() {
    let server = server();
    let (dir, file) = scratch("notes", "salesforce-report.csv");
    let stderr = text(&import(&server, &file, &[]).stderr);
    assert_eq!(stderr.matches("Windows-1252").count(), 1, "{stderr}");
    let (dir2, file) = scratch("notes2", "linkedin-connections.csv");
    let stderr = text(&import(&server, &file, &[]).stderr);
    assert!(
        stderr.contains("(line 4)"),
        "the header's line is said: {stderr}"
    );
    std::fs::remove_dir_all(dir).unwrap();
    std::fs::remove_dir_all(dir2).unwrap();
}

#[test]
fn the_300_row_sales_navigator_list_imports_once_per_campaign_whatever_the_file() {
    let server = server();
    let (dir, file) = scratch("sn300", "sales-navigator-export.csv");
    let report = dir.join("report.csv");
    let output = import(&server, &file, &["--report", report.to_str().unwrap()]);
    let stderr = text(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(1),
        "invalid rows exit 1: {stderr}"
    );
    let counts = summary(&output);
    assert_eq!(count(&counts, "rows"), 300, "{counts}");
    assert_eq!(count(&counts, "imported"), 258, "{counts}");
    assert_eq!(count(&counts, "duplicates"), 16, "{counts}");
    assert_eq!(count(&counts, "invalid"), 26, "{counts}");
    assert_eq!(count(&counts, "requests"), 258, "{counts}");
    assert_eq!(members(&server).len(), 258);

    // Every reported row is the line its record starts on in the file (CRLF, two titles
    // over two lines): the record there has the link reported.
    let bytes = std::fs::read(&file).unwrap();
    let lines = record_lines(&bytes);
    let urls: std::collections::BTreeMap<usize, String> = csv::Reader::from_reader(&bytes[..])
        .records()
        .enumerate()
        .map(|(index, record)| (lines[index + 1], record.unwrap()[2].to_owned()))
        .collect();
    let mut reader = csv::Reader::from_path(&report).unwrap();
    let headers = reader.headers().unwrap().clone();
    let at = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let mut sales_links = 0;
    let mut reported = 0;
    for record in reader.records() {
        let record = record.unwrap();
        reported += 1;
        let row: usize = record[at("row")].parse().unwrap();
        assert_eq!(
            urls.get(&row),
            Some(&record[at("linkedin_url")].to_owned()),
            "{record:?}"
        );
        if record[at("linkedin_url")].contains("/sales/lead/") {
            sales_links += 1;
            assert_eq!(&record[at("status")], "invalid");
            assert!(
                record[at("error")].contains("Sales Navigator"),
                "{record:?}"
            );
        }
        if record[at("linkedin_url")].contains("?trk=") && &record[at("status")] == "imported" {
            assert!(!record[at("sent_url")].contains('?'), "{record:?}");
        }
    }
    assert_eq!(sales_links, 12);
    assert_eq!(reported, 300);
    assert_eq!(
        lines[40 + 1] + 4,
        lines[42 + 1],
        "rows 40 and 41 take two lines each"
    );
    // Problems name the file's lines on stderr too.
    let problem = stderr
        .lines()
        .find(|line| line.contains("Sales Navigator lead link"))
        .unwrap_or_else(|| panic!("{stderr}"));
    let said: usize = problem
        .split("line ")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{problem}"));
    assert!(urls[&said].contains("/sales/lead/"), "{problem}");

    // The same list under another name: everyone is already in the campaign.
    let copy = dir.join("leads3.csv");
    std::fs::copy(&file, &copy).unwrap();
    let output = import(&server, &copy, &[]);
    let counts = summary(&output);
    assert_eq!(count(&counts, "imported"), 0, "{counts}");
    assert_eq!(count(&counts, "already_in_campaign"), 258, "{counts}");
    assert_eq!(count(&counts, "requests"), 0, "{counts}");
    assert_eq!(members(&server).len(), 258, "no duplicate member");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_member_added_in_the_salesflow_ui_is_not_imported_again_unless_asked() {
    let server = server();
    {
        let mut state = server.emulator.state();
        let id = state.next_id();
        let contact: salesflow_emulator::Contact = serde_json::from_value(serde_json::json!({
            "MemberId": id,
            "CampaignId": CAMPAIGN,
            "FirstName": "Ann",
            "LastName": "Lee",
            "PublicIdentifier": "hub-000",
            "MemberUrl": "https://www.linkedin.com/in/hub-000",
        }))
        .unwrap();
        state.add_contact(contact);
    }
    let (dir, file) = scratch("ui", "hubspot-contacts.csv");
    let counts = summary(&import(&server, &file, &[]));
    assert_eq!(count(&counts, "already_in_campaign"), 1, "{counts}");
    assert_eq!(count(&counts, "imported"), 19, "{counts}");
    assert_eq!(members(&server).len(), 20);

    let (dir2, file) = scratch("ui-again", "hubspot-contacts.csv");
    let counts = summary(&import(&server, &file, &["--allow-duplicates"]));
    assert_eq!(count(&counts, "requests"), 20, "sent anyway: {counts}");
    std::fs::remove_dir_all(dir).unwrap();
    std::fs::remove_dir_all(dir2).unwrap();
}

#[test]
fn a_dead_host_a_refused_token_or_a_missing_campaign_stop_the_import_at_once() {
    let (dir, file) = scratch("fast", "sales-navigator-export.csv");
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let run = |base: String, token: &str, campaign: &str| {
        let started = Instant::now();
        let output = Process::new(env!("CARGO_BIN_EXE_salesflow"))
            .env("SALESFLOW_TOKEN", token)
            .env("SALESFLOW_BASE_URL", base)
            .args(["import", "--account-id", "321", "--campaign-id", campaign])
            .arg(&file)
            .output()
            .unwrap();
        (output, started.elapsed())
    };
    let (output, took) = run(
        format!("http://127.0.0.1:{closed}/api"),
        "emulator-token-0123456789",
        "789",
    );
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("emulator-token"),
        "{stderr}"
    );

    let server = server();
    for (token, campaign, says) in [
        ("wrong-token-0123456789", "789", "token"),
        ("emulator-token-0123456789", "999", "--campaign-id"),
    ] {
        let (output, took) = run(server.emulator.base_url(), token, campaign);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert!(took < Duration::from_secs(5), "{took:?}");
        assert!(stderr.contains(says), "{stderr}");
        assert!(members(&server).is_empty());
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn retries_zero_sends_each_row_once() {
    let server = crate::emulator(EmulatorConfig {
        faults: Faults {
            every: 1,
            kinds: vec![Fault::Unavailable],
            operations: vec!["importMember".to_owned()],
            ..Faults::default()
        },
        ..EmulatorConfig::default()
    });
    let (dir, file) = scratch("once", "excel-sep-line.csv");
    let output = import(&server, &file, &["--retries", "0"]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    assert_eq!(server.emulator.faults().seen, 10, "one request a row");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_dry_run_prints_what_it_would_send_and_sends_no_import() {
    let server = server();
    let (dir, file) = scratch("dry", "hubspot-contacts.csv");
    let output = import(&server, &file, &["--dry-run"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    let lines: Vec<Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 21, "a line per row, then the counts: {stdout}");
    assert_eq!(
        lines[1]["linkedInUrl"],
        "https://www.linkedin.com/in/hub-001"
    );
    assert_eq!(lines[1]["firstName"], "José");
    assert_eq!(count(&lines[20], "would_import"), 20);
    assert!(members(&server).is_empty(), "nothing imported");
    assert!(
        !dir.join("hubspot-contacts.csv.import-789.journal").exists(),
        "a dry run writes no journal"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn columns_are_mapped_and_sent_as_custom_fields_as_asked() {
    let server = server();
    let (dir, file) = scratch("map", "pipedrive-people.csv");
    let output = import(
        &server,
        &file,
        &[
            "--custom-fields",
            "Person - Organization,Person - Email - Work",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let member = &members(&server)["pd-001"];
    assert_eq!(member.custom_fields, ["Globex, Inc.", "p1@example.com"]);

    let odd = dir.join("odd.csv");
    std::fs::write(
        &odd,
        "Profil,Rufname,Notiz\nhttps://www.linkedin.com/in/map-1,Ann,x\n",
    )
    .unwrap();
    let output = import(
        &server,
        &odd,
        &["--map", "Profil=linkedInUrl", "--map", "Rufname=firstName"],
    );
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert_eq!(
        stderr.matches("\"Notiz\"").count(),
        1,
        "named once: {stderr}"
    );
    assert_eq!(members(&server)["map-1"].first_name.as_deref(), Some("Ann"));
    let output = import(
        &server,
        &odd,
        &["--map", "Profil=linkedInUrl", "--strict-columns"],
    );
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_file_that_cannot_be_read_is_one_line_saying_what_to_do() {
    let server = server();
    let dir =
        std::env::temp_dir().join(format!("salesflow-leads-unreadable-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // An .xlsx is a zip; Excel's "Unicode text" without its BOM; commas read as `;`.
    let xlsx = dir.join("leads.xlsx");
    std::fs::write(&xlsx, b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00").unwrap();
    let utf16 = dir.join("leads.txt");
    let bytes = std::fs::read(fixture("excel-unicode-text.txt")).unwrap();
    std::fs::write(&utf16, &bytes[2..]).unwrap();
    let commas = dir.join("commas.csv");
    std::fs::copy(fixture("excel-sep-line.csv"), &commas).unwrap();
    for (file, extra, says) in [
        (&xlsx, &[][..], "Excel"),
        (&utf16, &[][..], "--encoding"),
        (&commas, &["--delimiter", ";"][..], "--delimiter"),
    ] {
        let output = import(&server, file, extra);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{stderr}");
        assert!(lines[0].contains(says), "{stderr}");
    }
    assert!(members(&server).is_empty());
    std::fs::remove_dir_all(dir).unwrap();
}
