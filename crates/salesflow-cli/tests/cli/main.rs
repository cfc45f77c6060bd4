//! The `salesflow` binary against httpmock servers: every subcommand once (request and
//! output checked), the CSV and table formats, each exit code, and the token never shown;
//! and, in `conformance`, the server variants of the conformance table. One test binary.

mod conformance;
mod exports;
mod golden;
mod import;
mod lead_files;
mod mcp;
mod mcp_python;
mod sync;
mod sync_outputs;
mod sync_postgres;
mod untrusted_text;
mod webhooks;

use assert_cmd::Command;
use httpmock::{Mock, MockServer, Then, When};
use predicates::prelude::*;
use salesflow_httpmock::MockServerExt;
use salesflow_test_support::fixture;

/// An emulator served on a runtime of its own, for the binary to talk to while the test
/// waits on it.
struct Served {
    emulator: salesflow_emulator::Emulator,
    runtime: tokio::runtime::Runtime,
}

fn emulator(config: salesflow_emulator::EmulatorConfig) -> Served {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let emulator = runtime
        .block_on(salesflow_emulator::Emulator::start(config))
        .unwrap();
    Served { emulator, runtime }
}

/// A token no output would contain by chance.
const TOKEN: &str = "MARKERcliTok3n77";

/// The binary, configured through the environment for `server`.
fn salesflow(server: &MockServer) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_salesflow"));
    command
        .env_remove("SALESFLOW_ACCOUNT_ID")
        .env("SALESFLOW_TOKEN", TOKEN)
        .env("SALESFLOW_BASE_URL", server.base_url());
    command
}

/// Requires the token and exactly these other query parameters (decoded, as the server
/// reads them).
fn only(when: When, names: &[&'static str]) -> When {
    salesflow_test_support::http_mocks::sends_only(when, TOKEN, names)
}

fn json(then: Then, body: &str) -> Then {
    then.status(200)
        .header("content-type", "application/json")
        .body(body)
}

/// One subcommand: its arguments, the request it must send, and what stdout must show.
struct Case {
    args: &'static [&'static str],
    mock: for<'a> fn(&'a MockServer) -> Mock<'a>,
    shows: &'static str,
}

const CASES: [Case; 21] = [
    Case {
        args: &[
            "get-campaign-statistics",
            "--account-id",
            "321",
            "--campaign-id",
            "31767",
        ],
        mock: |s| {
            s.get_campaign_statistics(|w, t| {
                only(
                    w.account_id(321)
                        .campaign_id(31767)
                        .is_force_request(true)
                        .into_inner(),
                    &["accountId", "campaignId", "isForceRequest"],
                );
                json(t.into_inner(), fixture!("get_campaign_statistics"));
            })
        },
        shows: r#""UpdatedAt":"2021-04-13T17:55:39.82Z""#,
    },
    Case {
        args: &[
            "import-member",
            "--account-id",
            "321",
            "--campaign-id",
            "10",
            "--linked-in-url",
            "https://www.linkedin.com/in/john-smith-123456",
            "--first-name",
            "John",
            "--custom-fields",
            "a",
            "--custom-fields",
            "b",
        ],
        mock: |s| {
            s.import_member(|w, t| {
                let w = w
                    .account_id(321)
                    .campaign_id(10)
                    .first_name("John")
                    .into_inner()
                    .query_param(
                        "linkedInUrl",
                        "https://www.linkedin.com/in/john-smith-123456",
                    )
                    .query_param("customFields", "a")
                    .query_param("customFields", "b");
                only(
                    w,
                    &[
                        "accountId",
                        "campaignId",
                        "linkedInUrl",
                        "firstName",
                        "customFields",
                        "customFields",
                    ],
                );
                json(t.into_inner(), fixture!("import_member"));
            })
        },
        shows: r#""Status":"MEMBER_IMPORTED""#,
    },
    Case {
        args: &[
            "get-contact-by-public-identifier",
            "--account-id",
            "321",
            "--public-identifier",
            "identity100",
        ],
        mock: |s| {
            s.get_contact_by_public_identifier(|w, t| {
                only(
                    w.account_id(321)
                        .into_inner()
                        .query_param("publicIdentifier", "identity100"),
                    &["accountId", "publicIdentifier"],
                );
                json(t.into_inner(), fixture!("get_contact_by_public_identifier"));
            })
        },
        shows: r#""PublicIdentifier":"identity100""#,
    },
    Case {
        args: &[
            "get-contact",
            "--account-id",
            "321",
            "--member-id",
            "46875434",
        ],
        mock: |s| {
            s.get_contact(|w, t| {
                only(
                    w.account_id(321).member_id(46875434).into_inner(),
                    &["accountId"],
                );
                json(t.into_inner(), fixture!("get_contact"));
            })
        },
        shows: r#""Status":"MEMBER_PENDING, MEMBER_ERROR""#,
    },
    Case {
        args: &[
            "update-contact",
            "--account-id",
            "321",
            "--member-id",
            "46875434",
            "--first-name",
            "John",
            "--phone",
            "1555123458",
        ],
        mock: |s| {
            s.update_contact(|w, t| {
                only(
                    w.account_id(321).member_id(46875434).into_inner(),
                    &["accountId"],
                )
                .json_body(serde_json::json!({"firstName": "John", "phone": "1555123458"}));
                json(t.into_inner(), fixture!("update_contact"));
            })
        },
        shows: r#""LastModifiedAt":"2024-04-21T09:41:06.17Z""#,
    },
    Case {
        args: &[
            "delete-contact",
            "--account-id",
            "321",
            "--member-id",
            "46875434",
        ],
        mock: |s| {
            s.delete_contact(|w, t| {
                only(
                    w.account_id(321).member_id(46875434).into_inner(),
                    &["accountId"],
                );
                json(t.into_inner(), fixture!("delete_contact"));
            })
        },
        shows: r#"{"Message":null,"Status":204}"#,
    },
    Case {
        args: &[
            "list-contacts-by-campaign",
            "--account-id",
            "321",
            "--campaign-id",
            "10",
            "--updated-from-date",
            "2024-01-01",
        ],
        mock: |s| {
            s.list_contacts_by_campaign(|w, t| {
                only(
                    w.account_id(321)
                        .campaign_id(10)
                        .into_inner()
                        .query_param("updatedFromDate", "2024-01-01T00:00:00"),
                    &["accountId", "campaignId", "updatedFromDate"],
                );
                json(t.into_inner(), fixture!("list_contacts_by_campaign"));
            })
        },
        shows: r#""FirstName":"Nick""#,
    },
    Case {
        args: &[
            "list-contacts-by-public-identifiers",
            "--account-id",
            "321",
            "--json-body",
            "BODY",
        ],
        mock: |s| {
            s.list_contacts_by_public_identifiers(|w, t| {
                only(w.account_id(321).into_inner(), &["accountId"]).json_body(
                    serde_json::json!({"PublicIdentifiers": ["identity1", "identity3"]}),
                );
                json(
                    t.into_inner(),
                    fixture!("list_contacts_by_public_identifiers"),
                );
            })
        },
        shows: r#""PublicIdentifier":"identity3""#,
    },
    Case {
        args: &["list-contacts-by-account", "--account-id", "321"],
        mock: |s| {
            s.list_contacts_by_account(|w, t| {
                only(w.account_id(321).into_inner(), &["accountId"]);
                json(t.into_inner(), fixture!("list_contacts_by_account"));
            })
        },
        shows: r#""Location":"Chickago""#,
    },
    Case {
        args: &["list-campaigns", "--account-id", "321"],
        mock: |s| {
            s.list_campaigns(|w, t| {
                only(w.account_id(321).into_inner(), &["accountId"]);
                json(t.into_inner(), fixture!("list_campaigns"));
            })
        },
        shows: r#""CampaignName":"Java developers""#,
    },
    Case {
        args: &[
            "start-campaign",
            "--account-id",
            "321",
            "--campaign-id",
            "456",
        ],
        mock: |s| {
            s.start_campaign(|w, t| {
                only(
                    w.account_id(321).campaign_id(456).into_inner(),
                    &["accountId", "campaignId"],
                );
                json(t.into_inner(), fixture!("start_campaign"));
            })
        },
        shows: "Campaign has been started.",
    },
    Case {
        args: &["list-accounts"],
        mock: |s| {
            s.list_accounts(|w, t| {
                only(w.into_inner(), &[]);
                json(t.into_inner(), fixture!("list_accounts"));
            })
        },
        shows: r#""Status":"ACCOUNT_BLOCKED""#,
    },
    Case {
        args: &[
            "create-webhook",
            "--account-id",
            "321",
            "--name",
            "Doe",
            "--url",
            "https://www.somesite.com/abc",
        ],
        mock: |s| {
            s.create_webhook(|w, t| {
                only(w.account_id(321).into_inner(), &["accountId"]).json_body(
                    serde_json::json!({"Name": "Doe", "Url": "https://www.somesite.com/abc"}),
                );
                json(t.into_inner(), fixture!("create_webhook"));
            })
        },
        shows: r#""WebhookId":10265"#,
    },
    Case {
        args: &[
            "delete-webhook",
            "--account-id",
            "321",
            "--webhook-id",
            "789",
        ],
        mock: |s| {
            s.delete_webhook(|w, t| {
                only(
                    w.account_id(321).webhook_id(789).into_inner(),
                    &["accountId", "webhookId"],
                );
                json(t.into_inner(), fixture!("delete_webhook"));
            })
        },
        shows: r#""Status":204"#,
    },
    Case {
        args: &["list-webhooks", "--account-id", "321"],
        mock: |s| {
            s.list_webhooks(|w, t| {
                only(w.account_id(321).into_inner(), &["accountId"]);
                json(t.into_inner(), fixture!("list_webhooks"));
            })
        },
        shows: r#""RunOn":7"#,
    },
    Case {
        args: &[
            "attach-webhook",
            "--account-id",
            "321",
            "--webhook-id",
            "456",
            "--campaign-id",
            "789",
            "--run-on",
            "REPLY_DETECTED",
        ],
        mock: |s| {
            s.attach_webhook(|w, t| {
                only(
                    w.account_id(321)
                        .webhook_id(456)
                        .campaign_id(789)
                        .into_inner()
                        .query_param("runOn", "2"),
                    &["accountId", "webhookId", "campaignId", "runOn"],
                );
                json(t.into_inner(), fixture!("attach_webhook"));
            })
        },
        shows: r#""WebhookCampaignId":27830"#,
    },
    Case {
        args: &[
            "detach-webhook",
            "--account-id",
            "321",
            "--webhook-campaign-id",
            "456",
        ],
        mock: |s| {
            s.detach_webhook(|w, t| {
                only(
                    w.account_id(321).webhook_campaign_id(456).into_inner(),
                    &["accountId", "webhookCampaignId"],
                );
                json(t.into_inner(), fixture!("detach_webhook"));
            })
        },
        shows: r#""Status":204"#,
    },
    Case {
        args: &[
            "get-analytics-by-campaign",
            "--account-id",
            "321",
            "--campaign-id",
            "10",
            "--from",
            "2024-01-01",
            "--to",
            "2025-01-01",
        ],
        mock: |s| {
            s.get_analytics_by_campaign(|w, t| {
                only(
                    w.account_id(321)
                        .campaign_id(10)
                        .into_inner()
                        .query_param("from", "2024-01-01")
                        .query_param("to", "2025-01-01"),
                    &["accountId", "campaignId", "from", "to"],
                );
                json(t.into_inner(), fixture!("get_analytics_by_campaign"));
            })
        },
        shows: r#""TotalCampaignMembers":1115"#,
    },
    Case {
        args: &[
            "get-analytics-by-account",
            "--account-id",
            "321",
            "--from",
            "2024-01-01",
            "--to",
            "2025-01-01",
        ],
        mock: |s| {
            s.get_analytics_by_account(|w, t| {
                only(
                    w.account_id(321)
                        .into_inner()
                        .query_param("from", "2024-01-01")
                        .query_param("to", "2025-01-01"),
                    &["accountId", "from", "to"],
                );
                json(t.into_inner(), fixture!("get_analytics_by_account"));
            })
        },
        shows: r#""ConnectionRate":19.066666666666666"#,
    },
    Case {
        args: &[
            "list-incoming-messages-by-account",
            "--account-id",
            "321",
            "--from",
            "2020-01-01",
        ],
        mock: |s| {
            s.list_incoming_messages_by_account(|w, t| {
                only(
                    w.account_id(321)
                        .into_inner()
                        .query_param("from", "2020-01-01"),
                    &["accountId", "from"],
                );
                json(
                    t.into_inner(),
                    fixture!("list_incoming_messages_by_account"),
                );
            })
        },
        shows: r#""Text":"Congratulations!""#,
    },
    Case {
        args: &[
            "list-incoming-messages-by-campaign",
            "--account-id",
            "321",
            "--campaign-id",
            "10",
            "--from",
            "2020-01-01",
        ],
        mock: |s| {
            s.list_incoming_messages_by_campaign(|w, t| {
                only(
                    w.account_id(321)
                        .campaign_id(10)
                        .into_inner()
                        .query_param("from", "2020-01-01"),
                    &["accountId", "campaignId", "from"],
                );
                json(
                    t.into_inner(),
                    fixture!("list_incoming_messages_by_campaign"),
                );
            })
        },
        shows: r#""Interested":false"#,
    },
];

#[test]
fn every_subcommand_sends_its_request_and_prints_json() {
    let body = std::env::temp_dir().join(format!("salesflow-cli-body-{}.json", std::process::id()));
    std::fs::write(
        &body,
        r#"{"PublicIdentifiers": ["identity1", "identity3"]}"#,
    )
    .unwrap();
    for case in CASES {
        let server = MockServer::start();
        let mock = (case.mock)(&server);
        let args: Vec<String> = case
            .args
            .iter()
            .map(|arg| {
                if *arg == "BODY" {
                    body.display().to_string()
                } else {
                    arg.to_string()
                }
            })
            .collect();
        let output = salesflow(&server).args(&args).output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{args:?}: {stderr}");
        mock.assert();
        assert!(stdout.contains(case.shows), "{args:?} printed {stdout}");
        assert_eq!(
            stdout.lines().count(),
            1,
            "compact JSON when piped: {stdout}"
        );
        assert!(!stdout.contains(TOKEN) && !stderr.contains(TOKEN));
    }
    let _ = std::fs::remove_file(body);
}

#[test]
fn the_account_id_comes_from_the_environment() {
    let server = MockServer::start();
    let mock = server.list_campaigns(|w, t| {
        only(w.account_id(777).into_inner(), &["accountId"]);
        json(t.into_inner(), fixture!("list_campaigns"));
    });
    salesflow(&server)
        .env("SALESFLOW_ACCOUNT_ID", "777")
        .arg("list-campaigns")
        .assert()
        .success();
    mock.assert();
}

#[test]
fn flags_override_the_environment() {
    let server = MockServer::start();
    let mock = server.list_accounts(|w, t| {
        w.into_inner().query_param("token", "from-flag");
        json(t.into_inner(), "[]");
    });
    Command::new(env!("CARGO_BIN_EXE_salesflow"))
        .env("SALESFLOW_TOKEN", TOKEN)
        .env("SALESFLOW_BASE_URL", "http://127.0.0.1:9")
        .args([
            "list-accounts",
            "--token",
            "from-flag",
            "--base-url",
            &server.base_url(),
        ])
        .assert()
        .success()
        .stdout("[]\n");
    mock.assert();
}

#[test]
fn csv_has_a_header_and_a_row_per_campaign() {
    let server = MockServer::start();
    server.list_campaigns(|w, t| {
        w.account_id(321);
        json(t.into_inner(), fixture!("list_campaigns"));
    });
    salesflow(&server)
        .args(["list-campaigns", "--account-id", "321", "--format", "csv"])
        .assert()
        .success()
        .stdout(
            "CampaignId,CampaignName,Status,LastModifiedAt\n\
             29854,Sales,CAMPAIGN_RUNNING,\n\
             29889,Java developers,CAMPAIGN_RUNNING,2024-07-16T06:59:05.62Z\n",
        );
}

#[test]
fn csv_flattens_messages_one_row_each() {
    let server = MockServer::start();
    server.list_incoming_messages_by_account(|w, t| {
        w.account_id(321);
        json(
            t.into_inner(),
            fixture!("list_incoming_messages_by_account"),
        );
    });
    let output = salesflow(&server)
        .args([
            "list-incoming-messages-by-account",
            "--account-id",
            "321",
            "--from",
            "2020-01-01",
            "--format",
            "csv",
        ])
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines.len(),
        1 + 8,
        "a header and one row per message: {text}"
    );
    assert_eq!(
        lines[0],
        "MemberId,MemberUrl,IncomingMessages.ConversationMessageId,IncomingMessages.CreatedAt,IncomingMessages.Text,IncomingMessages.Interested"
    );
    assert_eq!(
        lines[1],
        "5,https://www.linkedin.com/in/foo1,10,2020-11-04T17:29:23.57Z,Congratulations!,true"
    );
    assert_eq!(
        lines[8],
        "30,https://www.linkedin.com/in/foo2,106,2024-01-03T23:26:10.13Z,\"I'm happy to connect, Foo\","
    );
}

#[test]
fn table_is_a_markdown_table() {
    let server = MockServer::start();
    server.list_accounts(|w, t| {
        w.into_inner().query_param("token", TOKEN);
        json(t.into_inner(), fixture!("list_accounts"));
    });
    let output = salesflow(&server)
        .args(["list-accounts", "--format", "table"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(lines[0].starts_with("| AccountId"), "{text}");
    assert!(lines[1].starts_with("|---"), "{text}");
    assert!(
        lines[2].contains("ACCOUNT_BLOCKED") && lines[3].contains("ACCOUNT_ACTIVE"),
        "{text}"
    );
}

/// Runs the binary and returns (exit code, stdout, stderr), asserting the token never shows.
fn fails(command: &mut Command) -> (i32, String, String) {
    let output = command.output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!stdout.contains(TOKEN), "token in stdout: {stdout}");
    assert!(!stderr.contains(TOKEN), "token in stderr: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line on stderr: {stderr}");
    (output.status.code().unwrap(), stdout, stderr)
}

#[test]
fn exit_1_when_salesflow_answers_an_error() {
    let server = MockServer::start();
    server.start_campaign(|_, t| {
        t.into_inner()
            .status(409)
            .header("content-type", "application/json")
            .body(r#"{"Status": 409, "Message": "Campaign is already running"}"#);
    });
    let (code, stdout, stderr) = fails(salesflow(&server).args([
        "start-campaign",
        "--account-id",
        "321",
        "--campaign-id",
        "456",
    ]));
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    assert_eq!(
        stderr.trim_end(),
        "salesflow: start-campaign: Salesflow answered 409 Conflict: Campaign is already running",
        "one line, the message once, no operationId"
    );
}

#[test]
fn exit_1_and_a_hint_for_a_bad_token() {
    let server = MockServer::start();
    server.list_accounts(|_, t| {
        t.into_inner()
            .status(403)
            .body(format!("<html>Forbidden: token {TOKEN}</html>"));
    });
    let (code, _, stderr) = fails(salesflow(&server).arg("list-accounts"));
    assert_eq!(code, 1);
    assert!(
        stderr.contains("(check the token (SALESFLOW_TOKEN or --token-file) and that it belongs to --account-id)"),
        "{stderr}"
    );
    assert_eq!(stderr.matches("check").count(), 1, "one hint: {stderr}");
    assert!(!stderr.contains("listAccounts"), "{stderr}");
}

#[test]
fn exit_2_for_usage_and_invalid_input() {
    let server = MockServer::start();
    let any = server.mock(|when, then| {
        when.any_request();
        then.status(500);
    });
    let (code, _, stderr) =
        fails(salesflow(&server).args(["start-campaign", "--account-id", "321"]));
    assert_eq!(code, 2, "a missing flag");
    assert!(stderr.contains("--campaign-id"), "{stderr}");

    let long = "x".repeat(64);
    let (code, _, stderr) = fails(salesflow(&server).args([
        "update-contact",
        "--account-id",
        "1",
        "--member-id",
        "2",
        "--first-name",
        &long,
    ]));
    assert_eq!(code, 2, "a rule of the API");
    assert!(
        stderr.contains(
            "update-contact: --first-name is 64 characters long; the API accepts at most 63"
        ),
        "{stderr}"
    );

    let (code, _, stderr) =
        fails(salesflow(&server).args(["update-contact", "--account-id", "1", "--member-id", "2"]));
    assert_eq!(code, 2, "nothing to update");
    assert!(
        stderr.contains("update-contact: nothing to send: give at least one of its body flags")
            && !stderr.contains("body_map"),
        "{stderr}"
    );

    let headline = "Руководитель отдела продаж, ".repeat(15);
    let (code, _, stderr) = fails(salesflow(&server).args([
        "import-member",
        "--account-id",
        "1",
        "--campaign-id",
        "2",
        "--linked-in-url",
        "https://www.linkedin.com/in/jane-doe",
        "--occupation",
        &headline,
    ]));
    assert_eq!(code, 2, "a query string IIS refuses");
    assert!(
        stderr.contains("import-member: --occupation is ")
            && stderr.contains("the server (IIS) refuses a query string over 2048 bytes")
            && stderr.trim_end().ends_with("nothing was sent"),
        "{stderr}"
    );

    let (code, _, stderr) = fails(salesflow(&server).args([
        "attach-webhook",
        "--account-id",
        "1",
        "--webhook-id",
        "2",
        "--campaign-id",
        "3",
        "--run-on",
        "sometimes",
    ]));
    assert_eq!(code, 2, "a value clap rejects");
    assert!(stderr.contains("not a webhook event kind"), "{stderr}");

    let (code, _, stderr) = fails(
        Command::new(env!("CARGO_BIN_EXE_salesflow"))
            .env_remove("SALESFLOW_TOKEN")
            .args(["list-accounts", "--base-url", &server.base_url()]),
    );
    assert_eq!(code, 2, "no token");
    assert!(
        stderr.contains("no API token: set SALESFLOW_TOKEN or pass --token-file PATH"),
        "{stderr}"
    );
    assert_eq!(any.calls(), 0, "nothing was sent");
}

#[test]
fn exit_3_when_there_is_no_answer() {
    let port = salesflow_test_support::http_mocks::closed_port();
    let (code, _, stderr) = fails(
        Command::new(env!("CARGO_BIN_EXE_salesflow"))
            .env("SALESFLOW_TOKEN", TOKEN)
            .env("SALESFLOW_BASE_URL", format!("http://127.0.0.1:{port}"))
            .arg("list-accounts"),
    );
    assert_eq!(code, 3);
    assert!(
        stderr.contains("could not connect to Salesflow"),
        "{stderr}"
    );
}

#[test]
fn help_never_shows_the_token() {
    let output = Command::new(env!("CARGO_BIN_EXE_salesflow"))
        .env("SALESFLOW_TOKEN", TOKEN)
        .args(["list-campaigns", "--help"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    assert!(
        help.contains("List campaigns") && help.contains("--updated-from-date"),
        "{help}"
    );
    assert!(help.contains("[env: SALESFLOW_TOKEN]"), "{help}");
    assert!(!help.contains(TOKEN), "{help}");
}

#[test]
fn completions_for_a_shell() {
    Command::new(env!("CARGO_BIN_EXE_salesflow"))
        .args(["completions", "bash"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("list-campaigns").and(predicate::str::contains("_salesflow")),
        );
}

#[test]
fn no_subcommand_prints_the_whole_help() {
    let output = Command::new(env!("CARGO_BIN_EXE_salesflow"))
        .env_remove("SALESFLOW_TOKEN")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let help = String::from_utf8_lossy(&output.stderr);
    assert!(help.lines().count() > 20, "multi-line help: {help}");
    assert!(
        help.contains("Usage:") && help.contains("list-campaigns"),
        "{help}"
    );
}

#[test]
fn help_names_environment_variables_without_their_values() {
    let output = Command::new(env!("CARGO_BIN_EXE_salesflow"))
        .env(
            "SALESFLOW_BASE_URL",
            "https://user:pa55word@proxy.example.com/api",
        )
        .env("SALESFLOW_ACCOUNT_ID", "321")
        .env("SALESFLOW_TIMEOUT", "7")
        .args(["list-campaigns", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    for name in [
        "SALESFLOW_BASE_URL",
        "SALESFLOW_ACCOUNT_ID",
        "SALESFLOW_TIMEOUT",
        "SALESFLOW_TOKEN",
    ] {
        assert!(help.contains(&format!("[env: {name}]")), "{name}: {help}");
    }
    assert!(
        !help.contains("pa55word") && !help.contains("=321"),
        "{help}"
    );
    assert!(help.contains("--token-file"), "{help}");
    assert!(
        help.contains("(see `list-accounts`)"),
        "subcommands by their names: {help}"
    );
    assert!(!help.contains("`listAccounts`"), "{help}");
}

#[test]
fn the_token_can_come_from_a_file_or_standard_input() {
    let server = MockServer::start();
    let mock = server.list_accounts(|when, then| {
        when.into_inner().query_param("token", TOKEN);
        json(then.into_inner(), "[]");
    });
    let file = std::env::temp_dir().join(format!("salesflow-token-{}", std::process::id()));
    std::fs::write(&file, format!("{TOKEN}\n")).unwrap();
    Command::new(env!("CARGO_BIN_EXE_salesflow"))
        .env_remove("SALESFLOW_TOKEN")
        .env("SALESFLOW_BASE_URL", server.base_url())
        .args(["list-accounts", "--token-file"])
        .arg(&file)
        .assert()
        .success()
        .stdout("[]\n");
    std::fs::remove_file(&file).unwrap();
    Command::new(env!("CARGO_BIN_EXE_salesflow"))
        .env_remove("SALESFLOW_TOKEN")
        .env("SALESFLOW_BASE_URL", server.base_url())
        .args(["list-accounts", "--token-file", "-"])
        .write_stdin(format!("{TOKEN}\n"))
        .assert()
        .success();
    assert_eq!(mock.calls(), 2);
}

#[test]
fn a_timeout_and_a_retry_count_bound_the_wait() {
    use salesflow_test_support::raw_server::{RawServer, Reply};
    let silent = RawServer::start(|_, _| {
        std::thread::sleep(std::time::Duration::from_secs(4));
        Reply::Close
    });
    let started = std::time::Instant::now();
    let (code, _, stderr) = fails(
        Command::new(env!("CARGO_BIN_EXE_salesflow"))
            .env("SALESFLOW_TOKEN", TOKEN)
            .env("SALESFLOW_BASE_URL", silent.base_url())
            .args([
                "list-campaigns",
                "--account-id",
                "321",
                "--timeout",
                "1",
                "--retries",
                "0",
            ]),
    );
    assert_eq!(code, 3, "{stderr}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    assert!(
        stderr.contains("did not answer in time") && stderr.contains("try again later"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("ClientBuilder"),
        "no library names: {stderr}"
    );
    assert_eq!(silent.requests().len(), 1, "--retries 0: one try");
}

#[test]
fn a_base_url_with_a_query_string_is_a_usage_error() {
    let (code, _, stderr) = fails(
        Command::new(env!("CARGO_BIN_EXE_salesflow"))
            .env("SALESFLOW_TOKEN", TOKEN)
            .args(["list-accounts", "--base-url", "http://127.0.0.1:9/api?x=1"]),
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains("without a query string or fragment"),
        "{stderr}"
    );
    // Someone put the token there: the error shows the URL without it.
    let url = format!("http://127.0.0.1:9/api?token={TOKEN}");
    let (code, stdout, stderr) = fails(
        Command::new(env!("CARGO_BIN_EXE_salesflow"))
            .env("SALESFLOW_TOKEN", TOKEN)
            .args(["list-accounts", "--base-url", &url]),
    );
    assert_eq!(code, 2);
    assert!(
        !stderr.contains(TOKEN) && !stdout.contains(TOKEN),
        "{stderr}"
    );
    assert!(stderr.contains("http://127.0.0.1:9/api?…"), "{stderr}");
}

/// Writes `body` to a temporary file for `--json-body`.
fn body_file(name: &str, body: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("salesflow-{name}-{}.json", std::process::id()));
    std::fs::write(&path, body).unwrap();
    path
}

#[test]
fn flags_and_a_json_body_combine() {
    let server = MockServer::start();
    let webhook = server.create_webhook(|when, then| {
        when.into_inner().json_body(serde_json::json!({
            "Name": "Doe",
            "Url": "https://www.somesite.com/abc",
            "DisableForMutedContacts": true
        }));
        json(then.into_inner(), fixture!("create_webhook"));
    });
    let file = body_file(
        "webhook",
        r#"{"Name": "Doe", "Url": "https://www.somesite.com/abc"}"#,
    );
    salesflow(&server)
        .args([
            "create-webhook",
            "--account-id",
            "321",
            "--disable-for-muted-contacts",
            "true",
        ])
        .arg("--json-body")
        .arg(&file)
        .assert()
        .success();
    webhook.assert();

    let contacts = server.list_contacts_by_public_identifiers(|when, then| {
        when.into_inner().json_body(serde_json::json!({
            "PublicIdentifiers": ["identity1", "identity3"],
            "UpdatedFromDate": "2024-01-01T00:00:00"
        }));
        json(
            then.into_inner(),
            fixture!("list_contacts_by_public_identifiers"),
        );
    });
    let ids = body_file(
        "ids",
        r#"{"PublicIdentifiers": ["identity1", "identity3"]}"#,
    );
    salesflow(&server)
        .args(["list-contacts-by-public-identifiers", "--account-id", "321"])
        .args(["--updated-from-date", "2024-01-01", "--json-body"])
        .arg(&ids)
        .assert()
        .success();
    salesflow(&server)
        .args(["list-contacts-by-public-identifiers", "--account-id", "321"])
        .args([
            "--public-identifier",
            "identity1",
            "--public-identifier",
            "identity3",
        ])
        .args(["--updated-from-date", "2024-01-01"])
        .assert()
        .success();
    assert_eq!(
        contacts.calls(),
        2,
        "the date was sent both times, the list from flags"
    );

    let (code, _, stderr) = fails(
        salesflow(&server)
            .args([
                "create-webhook",
                "--account-id",
                "321",
                "--name",
                "Other",
                "--json-body",
            ])
            .arg(&file),
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--name Other and the --json-body field Name (Doe) disagree"),
        "{stderr}"
    );
    for path in [file, ids] {
        std::fs::remove_file(path).unwrap();
    }
}

#[test]
fn a_day_flag_takes_a_date_and_time_and_says_it_is_rounded() {
    let server = MockServer::start();
    let mock = server.get_analytics_by_campaign(|when, then| {
        when.into_inner()
            .query_param("from", "2024-01-05")
            .query_param("to", "2024-02-01");
        json(then.into_inner(), fixture!("get_analytics_by_campaign"));
    });
    let output = salesflow(&server)
        .args([
            "get-analytics-by-campaign",
            "--account-id",
            "321",
            "--campaign-id",
            "10",
        ])
        .args([
            "--from",
            "2024-01-05T10:10:10",
            "--to",
            "2024-02-01 23:00:00",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    mock.assert();
    assert_eq!(stderr.lines().count(), 1, "said once: {stderr}");
    assert!(stderr.contains("is read as the day 2024-01-05"), "{stderr}");
}

#[test]
fn raw_prints_the_body_as_salesflow_sent_it() {
    let server = MockServer::start();
    let body = format!(
        "[{{\"campaignId\": 7, \"NewField\": {{\"x\": [1, 2]}}, \"Echo\": \"{TOKEN}\"}}]\n"
    );
    server.list_campaigns(|_, then| {
        json(then.into_inner(), &body);
    });
    let output = salesflow(&server)
        .args(["list-campaigns", "--account-id", "321", "--raw"])
        .output()
        .unwrap();
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "[{\"campaignId\": 7, \"NewField\": {\"x\": [1, 2]}, \"Echo\": \"***\"}]\n",
        "unknown fields and all, the token masked"
    );
}

#[test]
fn a_missing_account_id_says_the_environment_works_too() {
    let (code, _, stderr) = fails(
        Command::new(env!("CARGO_BIN_EXE_salesflow"))
            .env_remove("SALESFLOW_ACCOUNT_ID")
            .env("SALESFLOW_TOKEN", TOKEN)
            .arg("list-campaigns"),
    );
    assert_eq!(code, 2);
    assert_eq!(
        stderr.trim_end(),
        "salesflow: the following required arguments were not provided: --account-id \
         <account-id> (or set SALESFLOW_ACCOUNT_ID) (see --help)"
    );
}
