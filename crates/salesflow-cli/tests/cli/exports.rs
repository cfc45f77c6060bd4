//! List exports a spreadsheet opens, and the command's own manners: columns in the docs'
//! order (the same in a list and in the sync's CSV), `--columns`, `--format excel`, a wide
//! table shown record by record; `--json-body` keys as the server binds them; a silent
//! server, a 404 and a bad base URL each answered with what to do; help and pipes.

use std::io::Read;
use std::process::{Command as Process, Output, Stdio};
use std::time::{Duration, Instant};

use salesflow_emulator::EmulatorConfig;

use crate::Served as Server;

fn server_with_members(count: i64) -> Server {
    let server = crate::emulator(EmulatorConfig::default());
    {
        let mut state = server.emulator.state();
        for index in 0..count {
            let id = state.next_id();
            let contact: salesflow_emulator::Contact = serde_json::from_value(serde_json::json!({
                "MemberId": id,
                "CampaignId": 789,
                "FirstName": if index == 0 { "María" } else { "Ann" },
                "LastName": "Lee",
                "Occupation": "Head of Sales, EMEA and the Americas",
                "Location": "Berlin, Germany",
                "PublicIdentifier": format!("export-{index}"),
                "MemberUrl": format!("https://www.linkedin.com/in/export-{index}"),
            }))
            .unwrap();
            state.add_contact(contact);
        }
    }
    server
}

fn salesflow(server: &Server) -> Process {
    let mut command = Process::new(env!("CARGO_BIN_EXE_salesflow"));
    command
        .env_remove("COLUMNS")
        .env("SALESFLOW_TOKEN", server.emulator.token())
        .env("SALESFLOW_BASE_URL", server.emulator.base_url())
        .env("SALESFLOW_ACCOUNT_ID", "321");
    command
}

fn run(command: &mut Process) -> (i32, String, String) {
    let output: Output = command.output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

const CONTACTS: [&str; 4] = [
    "list-contacts-by-campaign",
    "--campaign-id",
    "789",
    "--format",
];

#[test]
fn csv_columns_follow_the_docs_and_match_the_sync_csv() {
    let server = server_with_members(3);
    let (code, csv, stderr) = run(salesflow(&server).args(CONTACTS).arg("csv"));
    assert_eq!(code, 0, "{stderr}");
    let header = csv.lines().next().unwrap();
    assert!(
        header.starts_with("MemberId,PublicIdentifier,FirstName,LastName,"),
        "{header}"
    );
    let dir = std::env::temp_dir().join(format!("salesflow-export-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("contacts.csv");
    let (code, _, stderr) = run(salesflow(&server)
        .args(["sync", "contacts", "--out"])
        .arg(&out)
        .arg("--state")
        .arg(dir.join("state.json")));
    assert_eq!(code, 0, "{stderr}");
    let synced = std::fs::read_to_string(&out).unwrap();
    assert_eq!(synced.lines().next().unwrap(), header, "the same columns");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn columns_are_chosen_and_excel_gets_a_bom_and_crlf() {
    let server = server_with_members(2);
    let (code, csv, stderr) = run(salesflow(&server).args(CONTACTS).args([
        "csv",
        "--columns",
        "lastname,MemberId,firstName",
    ]));
    assert_eq!(code, 0, "{stderr}");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "LastName,MemberId,FirstName");
    assert!(
        lines[1].starts_with("Lee,") && lines[1].ends_with(",María"),
        "{csv}"
    );

    let (code, _, stderr) =
        run(salesflow(&server)
            .args(CONTACTS)
            .args(["csv", "--columns", "MemberId,Mail"]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("no column Mail") && stderr.contains("FirstName"),
        "{stderr}"
    );

    let output = salesflow(&server)
        .args(CONTACTS)
        .arg("excel")
        .output()
        .unwrap();
    assert!(output.status.success());
    assert!(output.stdout.starts_with(b"\xef\xbb\xbfMemberId,"));
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(text.matches("\r\n").count(), 3, "CRLF after each line");
    assert!(text.contains("María"));
}

#[test]
fn a_table_wider_than_the_terminal_shows_each_record_vertically() {
    let server = server_with_members(2);
    let (code, table, stderr) = run(salesflow(&server)
        .env("COLUMNS", "80")
        .args(CONTACTS)
        .arg("table"));
    assert_eq!(code, 0, "{stderr}");
    assert!(table.starts_with("-[ record 1 ]"), "{table}");
    assert!(table.contains("\nFirstName        | María\n"), "{table}");
    assert_eq!(table.matches("-[ record").count(), 2);
    assert!(
        table.lines().all(|line| line.chars().count() <= 80),
        "{table}"
    );

    let (code, table, _) = run(salesflow(&server)
        .env("COLUMNS", "80")
        .args(CONTACTS)
        .args(["table", "--columns", "MemberId,FirstName"]));
    assert_eq!(code, 0);
    assert!(table.starts_with("| MemberId | FirstName |"), "{table}");
}

#[test]
fn json_output_of_a_list_is_one_array_and_ndjson_one_line_each() {
    let server = server_with_members(50);
    let (code, json, _) = run(salesflow(&server).args(CONTACTS).arg("json"));
    assert_eq!(code, 0);
    let items: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    assert_eq!(items.len(), 50);
    let (_, ndjson, _) = run(salesflow(&server).args(CONTACTS).arg("ndjson"));
    assert_eq!(ndjson.lines().count(), 50);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(ndjson.lines().next().unwrap()).unwrap(),
        items[0]
    );
}

#[test]
fn json_body_keys_are_matched_as_the_server_binds_them_and_unknown_keys_refused() {
    let server = server_with_members(1);
    let member = server
        .emulator
        .state()
        .members_of(789)
        .next()
        .unwrap()
        .member_id;
    let dir = std::env::temp_dir().join(format!("salesflow-body-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let body = dir.join("body.json");
    let update = || {
        run(salesflow(&server)
            .args([
                "update-contact",
                "--member-id",
                &member.to_string(),
                "--json-body",
            ])
            .arg(&body))
    };
    // The docs' own casing, with a BOM as Windows editors write it.
    std::fs::write(
        &body,
        "\u{feff}{\"FirstName\":\"Zed\",\"LASTNAME\":\"Quinn\"}",
    )
    .unwrap();
    let (code, _, stderr) = update();
    assert_eq!(code, 0, "{stderr}");
    let state = server.emulator.state();
    let contact = state.contacts.get(&member).unwrap();
    assert_eq!(contact.first_name.as_deref(), Some("Zed"));
    assert_eq!(contact.last_name.as_deref(), Some("Quinn"));
    drop(state);

    std::fs::write(&body, "{\"FirstName\":\"Bo\",\"Company\":\"Acme\"}").unwrap();
    let (code, _, stderr) = update();
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("\"Company\" is not one update-contact takes"),
        "{stderr}"
    );
    let state = server.emulator.state();
    assert_eq!(
        state.contacts[&member].first_name.as_deref(),
        Some("Zed"),
        "nothing sent"
    );
    drop(state);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_silent_server_costs_one_timeout_not_one_per_try() {
    use salesflow_test_support::raw_server::{RawServer, Reply};
    let silent = RawServer::start(|_, _| {
        std::thread::sleep(Duration::from_secs(6));
        Reply::Close
    });
    let started = Instant::now();
    let output = Process::new(env!("CARGO_BIN_EXE_salesflow"))
        .env("SALESFLOW_TOKEN", "abcdefghijklmnop0123")
        .env("SALESFLOW_BASE_URL", silent.base_url())
        .args(["list-campaigns", "--account-id", "321", "--timeout", "1"])
        .output()
        .unwrap();
    let took = started.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(took < Duration::from_millis(2_500), "one attempt: {took:?}");
    assert_eq!(silent.requests().len(), 1);
    assert!(
        stderr.contains("not sent again") && !stderr.contains("raise --timeout"),
        "{stderr}"
    );
}

#[test]
fn errors_name_the_flag_and_the_subcommand_to_use() {
    let server = server_with_members(0);
    let (code, _, stderr) = run(salesflow(&server).args(["start-campaign", "--campaign-id", "5"]));
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("--campaign-id") && stderr.contains("`list-campaigns`"),
        "{stderr}"
    );
    let (code, _, stderr) = run(salesflow(&server)
        .env("SALESFLOW_BASE_URL", "ftp://example.com")
        .arg("list-campaigns"));
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("salesflow: SALESFLOW_BASE_URL: "),
        "{stderr}"
    );
    let (code, _, stderr) = run(salesflow(&server).args(["list-campaigns", "--base-url", "nope"]));
    assert_eq!(code, 2);
    assert!(stderr.starts_with("salesflow: --base-url: "), "{stderr}");
    let (code, _, stderr) =
        run(salesflow(&server).args(["webhooks", "listen", "--secret", "short"]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--secret is 5 characters long") && !stderr.contains("WebhookSecret"),
        "{stderr}"
    );
}

#[test]
fn help_is_whole_and_each_subcommand_lists_only_what_it_takes() {
    let server = server_with_members(0);
    let (code, stdout, stderr) = run(&mut salesflow(&server));
    assert_eq!(code, 2);
    let help = stdout + &stderr;
    assert!(
        help.contains("Commands:")
            && help.contains("list-campaigns")
            && help.contains("Exit codes"),
        "{help}"
    );
    let (_, import, _) = run(salesflow(&server).args(["import", "--help"]));
    assert!(
        !import.contains("--format") && !import.contains("--raw"),
        "{import}"
    );
    assert!(import.contains("--retries"));
    let (_, list, _) = run(salesflow(&server).args(["list-campaigns", "--help"]));
    assert!(
        list.contains("--format") && list.contains("--columns"),
        "{list}"
    );
    let (_, completions, _) = run(salesflow(&server).args(["completions", "--help"]));
    assert!(!completions.contains("--token"), "{completions}");
}

#[test]
fn a_closed_pipe_ends_the_command_quietly() {
    let server = server_with_members(3_000);
    for args in [
        &["completions", "bash"][..],
        &[
            "list-contacts-by-campaign",
            "--campaign-id",
            "789",
            "--format",
            "csv",
        ][..],
    ] {
        let mut child = salesflow(&server)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 16];
        child.stdout.take().unwrap().read_exact(&mut first).unwrap();
        // The reading end is closed here, as `| head -c 16` does.
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_ne!(output.status.code(), Some(101), "{args:?}");
    }
}

#[test]
fn counts_are_written_as_people_write_them() {
    let server = server_with_members(0);
    let dir = std::env::temp_dir().join(format!("salesflow-one-row-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("one.csv");
    std::fs::write(&file, "linkedInUrl\nhttps://www.linkedin.com/in/one-row\n").unwrap();
    let (code, _, stderr) = run(salesflow(&server)
        .args(["import", "--campaign-id", "789"])
        .arg(&file));
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("1/1 row in"), "{stderr}");
    assert!(!stderr.contains("rows in"), "{stderr}");
    std::fs::remove_dir_all(dir).unwrap();
}
