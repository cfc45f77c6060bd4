//! `salesflow mcp` over stdio, spoken to line by line as the MCP spec's stdio transport says
//! (one JSON-RPC message a line), against the emulator: the tool list, calls of reads, jobs
//! and writes, `--read-only`, a synced SQLite file, refusals, and the token never on stdout.
//! (The official Python SDK drives it too: `mcp_python.rs`.)

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command as Process, Stdio};

use salesflow_emulator::EmulatorConfig;
use serde_json::{Value, json};

use crate::Served;
use crate::sync::scratch;

/// A `salesflow mcp` process and what it wrote to stdout.
struct Session {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    transcript: String,
    next_id: u64,
}

impl Session {
    fn start(served: &Served, args: &[&str]) -> Self {
        let mut child = Process::new(env!("CARGO_BIN_EXE_salesflow"))
            .arg("mcp")
            .args(args)
            .env_remove("SALESFLOW_ACCOUNT_ID")
            .env("SALESFLOW_TOKEN", served.emulator.token())
            .env("SALESFLOW_BASE_URL", served.emulator.base_url())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let mut session = Self {
            child,
            stdin,
            stdout,
            transcript: String::new(),
            next_id: 1,
        };
        let init = session.request(
            "initialize",
            json!({
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "salesflow-cli-tests", "version": "1"}
            }),
        );
        assert_eq!(init["serverInfo"]["name"], "salesflow", "{init}");
        assert!(init["capabilities"]["tools"].is_object(), "{init}");
        session.send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
        session
    }

    fn send(&mut self, message: Value) {
        writeln!(self.stdin, "{message}").unwrap();
        self.stdin.flush().unwrap();
    }

    /// Sends a request and answers its result (or the JSON-RPC error).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let mut line = String::new();
            assert!(
                self.stdout.read_line(&mut line).unwrap() > 0,
                "the server closed stdout"
            );
            self.transcript.push_str(&line);
            let message: Value = serde_json::from_str(&line).unwrap();
            if message["id"] == id {
                return message
                    .get("result")
                    .cloned()
                    .unwrap_or_else(|| message["error"].clone());
            }
        }
    }

    fn tools(&mut self) -> Vec<Value> {
        let listed = self.request("tools/list", json!({}));
        listed["tools"].as_array().unwrap().clone()
    }

    /// A tool call: whether it failed, and its text.
    fn call(&mut self, tool: &str, arguments: Value) -> (bool, String) {
        let result = self.request("tools/call", json!({"name": tool, "arguments": arguments}));
        let text = result["content"][0]["text"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        (result["isError"] == true, text)
    }

    /// A tool call that must succeed: its JSON.
    fn answer(&mut self, tool: &str, arguments: Value) -> Value {
        let (failed, text) = self.call(tool, arguments);
        assert!(!failed, "{tool}: {text}");
        serde_json::from_str(&text).unwrap()
    }

    /// Closes stdin, waits for the end, and answers everything the server wrote.
    fn finish(mut self) -> String {
        drop(self.stdin);
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut self.stdout, &mut rest).unwrap();
        let status = self.child.wait().unwrap();
        assert!(status.success(), "{status}");
        self.transcript + &rest
    }
}

fn leads(prefix: &str) -> Value {
    let mut rows: Vec<Value> = (1..=4)
        .map(|i| json!({"linkedInUrl": format!("https://www.linkedin.com/in/{prefix}-{i}/"), "firstName": format!("Ann{i}")}))
        .collect();
    rows.push(json!({"linkedInUrl": "not a link"}));
    json!(rows)
}

#[test]
fn the_tools_are_every_operation_and_the_jobs_with_schemas_and_hints() {
    let served = crate::emulator(EmulatorConfig::default());
    let mut session = Session::start(&served, &["--account-id", "321"]);
    let tools = session.tools();
    assert_eq!(
        tools.len(),
        24,
        "21 operations, import_leads, find_contact, campaign_report"
    );
    for tool in &tools {
        let name = tool["name"].as_str().unwrap();
        assert_eq!(tool["inputSchema"]["type"], "object", "{name}");
        assert_eq!(tool["inputSchema"]["additionalProperties"], false, "{name}");
        // With a default account, no tool requires accountId.
        let required = tool["inputSchema"]["required"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(!required.contains(&json!("accountId")), "{name}");
        let read_only = tool["annotations"]["readOnlyHint"] == true;
        let properties = &tool["inputSchema"]["properties"];
        assert_eq!(
            properties.get("dry_run").is_some(),
            !read_only,
            "{name}: dry_run on writes"
        );
        assert!(
            !tool.to_string().contains("\"token\""),
            "{name}: no token argument"
        );
    }
    let hints =
        |name: &str| tools.iter().find(|t| t["name"] == name).unwrap()["annotations"].clone();
    assert_eq!(hints("delete_contact")["destructiveHint"], true);
    assert_eq!(hints("detach_webhook")["destructiveHint"], true);
    assert_eq!(hints("import_member")["readOnlyHint"], false);
    assert_eq!(hints("import_member")["idempotentHint"], false);
    assert_eq!(
        hints("list_contacts_by_public_identifiers")["readOnlyHint"],
        true
    );
    session.finish();

    let mut read_only = Session::start(&served, &["--read-only"]);
    let names: Vec<String> = read_only
        .tools()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names.len(), 15, "{names:?}");
    let (failed, text) = read_only.call(
        "start_campaign",
        json!({"accountId": 321, "campaignId": 789}),
    );
    assert!(
        failed && text.contains("--read-only") && !text.contains('\n'),
        "{text}"
    );
    read_only.finish();
    assert_eq!(
        served.emulator.state().campaigns[&789].status,
        "CAMPAIGN_PAUSED"
    );

    let mut chosen = Session::start(&served, &["--tools", "list_campaigns,find_contact"]);
    assert_eq!(chosen.tools().len(), 2);
    chosen.finish();
}

#[test]
fn calls_import_once_check_dry_runs_and_never_show_the_token() {
    let served = crate::emulator(EmulatorConfig::default());
    let state = scratch("mcp-calls");
    let mut session = Session::start(
        &served,
        &[
            "--account-id",
            "321",
            "--state-dir",
            state.to_str().unwrap(),
        ],
    );
    let import = json!({"campaignId": 789, "rows": leads("mcp-cli")});
    let first = session.answer("import_leads", import.clone());
    assert_eq!(
        (first["imported"].as_u64(), first["invalid"].as_u64()),
        (Some(4), Some(1)),
        "{first}"
    );
    assert_eq!(first["needs_attention"][0]["row"], 5, "{first}");
    let again = session.answer("import_leads", import);
    assert_eq!(
        (again["requests"].as_u64(), again["done_earlier"].as_u64()),
        (Some(0), Some(4)),
        "{again}"
    );
    assert_eq!(
        served.emulator.state().contacts.len(),
        4,
        "each lead imported once"
    );

    let page = session.answer(
        "list_contacts_by_campaign",
        json!({"campaignId": 789, "limit": 3}),
    );
    assert_eq!(
        (
            page["total"].as_u64(),
            page["count"].as_u64(),
            page["next_offset"].as_u64()
        ),
        (Some(4), Some(3), Some(3)),
        "{page}"
    );
    let member = page["items"][0]["MemberId"].as_i64().unwrap();
    let found = session.answer(
        "find_contact",
        json!({"linkedInUrl": "linkedin.com/in/MCP-CLI-2"}),
    );
    assert_eq!(found["found"], true, "{found}");
    let report = session.answer("campaign_report", json!({"campaignId": 789}));
    assert!(
        report["statistics"].is_object() && report["analytics"]["report"].is_object(),
        "{report}"
    );

    let dry = session.answer(
        "update_contact",
        json!({"memberId": member, "occupation": "CTO", "dry_run": true}),
    );
    assert_eq!(dry["sent"], false, "{dry}");
    assert_ne!(
        served.emulator.state().contacts[&member]
            .occupation
            .as_deref(),
        Some("CTO")
    );
    let updated = session.answer(
        "update_contact",
        json!({"memberId": member, "occupation": "CTO"}),
    );
    assert_eq!(updated["Occupation"], "CTO");

    let (failed, text) = session.call("get_contact", json!({"memberId": 987654321}));
    assert!(
        failed && text.starts_with("get_contact: not found"),
        "{text}"
    );
    let (failed, text) = session.call("update_contact", json!({"memberId": member}));
    assert!(failed && text.contains("nothing was sent"), "{text}");
    let (failed, text) = session.call("list_campaigns", json!({"limit": 1000}));
    assert!(failed && text.starts_with("argument `limit`"), "{text}");
    // A model that pastes the token into an argument does not get it back.
    let token = served.emulator.token().to_owned();
    let (failed, text) = session.call("find_contact", json!({"publicIdentifier": token}));
    assert!(!failed, "{text}");
    let transcript = session.finish();
    assert!(transcript.len() > 5_000);
    assert!(!transcript.contains(&token), "the token is on stdout");
}

#[test]
fn query_contacts_reads_a_synced_database_and_changes_nothing() {
    let served = crate::emulator(EmulatorConfig::default());
    let dir = scratch("mcp-sqlite");
    let mut session = Session::start(
        &served,
        &["--account-id", "321", "--state-dir", dir.to_str().unwrap()],
    );
    session.answer(
        "import_leads",
        json!({"campaignId": 789, "rows": leads("mcp-sql")}),
    );
    session.finish();
    let database = dir.join("contacts.sqlite");
    let synced = crate::sync::succeeds(&mut crate::sync::sync_command(
        &served,
        "contacts",
        321,
        &dir.join("state.json"),
        &database,
    ));
    assert!(synced.status.success());
    let before = std::fs::read(&database).unwrap();

    let mut session = Session::start(&served, &["--sqlite", database.to_str().unwrap()]);
    let tools = session.tools();
    let query = tools
        .iter()
        .find(|t| t["name"] == "query_contacts")
        .unwrap();
    assert!(
        query["description"]
            .as_str()
            .unwrap()
            .contains("CREATE TABLE"),
        "the tables are described"
    );
    assert_eq!(query["annotations"]["openWorldHint"], false);
    let counted = session.answer(
        "query_contacts",
        json!({"sql": "SELECT count(*) AS n FROM contacts WHERE deleted_at IS NULL"}),
    );
    assert_eq!(counted["rows"][0]["n"], 4, "{counted}");
    for sql in [
        "DELETE FROM contacts",
        "SELECT 1; DROP TABLE contacts",
        "UPDATE contacts SET raw_json = ''",
    ] {
        let (failed, text) = session.call("query_contacts", json!({"sql": sql}));
        assert!(
            failed && text.starts_with("argument `sql`"),
            "{sql}: {text}"
        );
    }
    session.finish();
    assert_eq!(
        std::fs::read(&database).unwrap(),
        before,
        "the database is unchanged"
    );
}

#[test]
fn what_cannot_work_is_refused_in_one_line_before_serving() {
    let served = crate::emulator(EmulatorConfig::default());
    let refused = |args: &[&str], says: &str| {
        let token_file = args.contains(&"--token-file");
        let mut command = Process::new(env!("CARGO_BIN_EXE_salesflow"));
        if !token_file {
            command.env("SALESFLOW_TOKEN", served.emulator.token());
        }
        let output = command
            .arg("mcp")
            .args(args)
            .env_remove(if token_file {
                "SALESFLOW_TOKEN"
            } else {
                "SALESFLOW_TIMEOUT"
            })
            .env("SALESFLOW_BASE_URL", served.emulator.base_url())
            .env_remove("SALESFLOW_MCP_BEARER_TOKEN")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
        assert!(output.stdout.is_empty());
    };
    refused(
        &["--token-file", "-"],
        "standard input carries the MCP session",
    );
    refused(&["--tools", "list_campaign"], "no tool `list_campaign`");
    refused(&["--http", "0.0.0.0:0"], "bearer token");
    refused(
        &["--sqlite", "/nonexistent/contacts.sqlite"],
        "no such file",
    );
    let short = scratch("mcp-bearer").join("bearer");
    std::fs::write(&short, "short").unwrap();
    refused(
        &[
            "--http",
            "0",
            "--bearer-token-file",
            short.to_str().unwrap(),
        ],
        "at least 16",
    );
}
