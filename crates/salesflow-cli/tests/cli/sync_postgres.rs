//! `salesflow sync --out postgres://…` into a real PostgreSQL (a throw-away cluster the
//! test starts): killed at many moments and run again, nothing is missed and the state in
//! the database agrees with the rows; `--all-accounts` syncs every account, one failing
//! without stopping the others.

use std::collections::BTreeMap;
use std::process::{Command as Process, Stdio};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use httpmock::MockServer;
use salesflow_emulator::EmulatorConfig;
use salesflow_test_support::postgres::Postgres;

use crate::sync::{member, server_versions};

const MEMBERS: i64 = 10_000;

fn sync(served: &crate::Served, url: &str) -> Process {
    sync_account(served, url, "321")
}

/// `salesflow sync contacts --account-id ACCOUNT --out URL`, as one machine runs it.
fn sync_account(served: &crate::Served, url: &str, account: &str) -> Process {
    let mut command = Process::new(env!("CARGO_BIN_EXE_salesflow"));
    command
        .env("SALESFLOW_TOKEN", served.emulator.token())
        .env("SALESFLOW_BASE_URL", served.emulator.base_url())
        .args([
            "sync",
            "contacts",
            "--account-id",
            account,
            "--overlap",
            "5",
            "--out",
            url,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Each member's change time as the rows hold it, in the server's form.
fn rows(postgres: &Postgres) -> BTreeMap<i64, String> {
    postgres
        .query(
            "SELECT \"MemberId\" || '|' || to_char(coalesce(\"LastModifiedAt\", \"AddedAt\") AT TIME ZONE 'UTC', \
             'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') FROM salesflow.contacts WHERE deleted_at IS NULL",
        )
        .lines()
        .map(|line| {
            let (id, time) = line.split_once('|').unwrap();
            (id.parse().unwrap(), time.to_owned())
        })
        .collect()
}

fn runs_done(postgres: &Postgres) -> u64 {
    if postgres.query("SELECT to_regclass('salesflow.sync_state') IS NULL") == "t" {
        return 0;
    }
    postgres
        .query("SELECT state->>'runs' FROM salesflow.sync_state WHERE scope = 'account 321'")
        .parse()
        .unwrap_or(0)
}

#[test]
fn killed_at_many_moments_into_postgres_and_run_again_nothing_is_missed() {
    let served = crate::emulator(EmulatorConfig::default());
    let postgres = Postgres::start();
    let url = postgres.url();
    let now = DateTime::from_timestamp_millis(Utc::now().timestamp_millis()).unwrap();
    let start = now - chrono::Duration::days(2);
    {
        let mut state = served.emulator.state();
        for id in 1..=MEMBERS {
            let modified =
                (id % 3 != 0).then(|| start + chrono::Duration::seconds(id.min(MEMBERS - 100)));
            state.contacts.insert(id, member(id, start, modified));
        }
    }
    // How long a whole run takes here, into a database of its own.
    let probe = Postgres::start();
    let timer = Instant::now();
    assert!(
        sync(&served, &probe.url())
            .output()
            .unwrap()
            .status
            .success()
    );
    let whole = timer.elapsed().as_millis() as u64;
    drop(probe);

    let mut killed = 0;
    for percent in [3, 10, 20, 35, 50, 65, 80, 95] {
        let done_before = runs_done(&postgres);
        let mut child = sync(&served, &url).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(whole * percent / 100));
        let _ = child.kill();
        let output = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&output.stderr);
        assert!(!text.contains(served.emulator.token()), "{text}");
        if output.status.code().is_none() && runs_done(&postgres) == done_before {
            killed += 1;
        } else {
            assert!(output.status.success(), "{text}");
        }
    }
    let last = sync(&served, &url).output().unwrap();
    assert!(
        last.status.success(),
        "{}",
        String::from_utf8_lossy(&last.stderr)
    );
    assert!(killed >= 4, "only {killed} runs were killed mid-way");
    assert_eq!(
        rows(&postgres),
        server_versions(&served),
        "the rows are the server's"
    );
    // The state committed with the rows: its mark is the latest change time they hold.
    let mark = postgres
        .query("SELECT state->>'high_water' FROM salesflow.sync_state WHERE scope = 'account 321'");
    let latest = postgres.query(
        "SELECT to_char(max(coalesce(\"LastModifiedAt\", \"AddedAt\")) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') FROM salesflow.contacts",
    );
    assert!(mark.starts_with(&latest), "{mark} / {latest}");
    assert!(
        !postgres
            .query("SELECT state::text FROM salesflow.sync_state")
            .contains(served.emulator.token())
    );

    // Changes, then a run of only them.
    {
        let mut state = served.emulator.state();
        for id in (10..MEMBERS).step_by(200) {
            let contact = state.contacts.get_mut(&id).unwrap();
            contact.last_modified_at = Some(now);
            contact.occupation = Some("changed".to_owned());
        }
    }
    let changes = sync(&served, &url).output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&changes.stdout).unwrap();
    assert_eq!(
        report["written"],
        (10..MEMBERS).step_by(200).count(),
        "{report}"
    );
    assert_eq!(report["out"], url, "{report}");
    assert_eq!(rows(&postgres), server_versions(&served));
}

#[test]
fn every_account_is_synced_and_one_failing_does_not_stop_the_others() {
    let postgres = Postgres::start();
    let server = MockServer::start();
    let accounts = server.mock(|when, then| {
        when.method("GET").path("/accounts/list");
        then.status(200).header("content-type", "application/json").body(
            r#"[{"AccountId": 11, "Status": "ACCOUNT_ACTIVE"}, {"AccountId": 12, "Status": "ACCOUNT_BLOCKED"}, {"AccountId": 13, "Status": "ACCOUNT_ACTIVE"}]"#,
        );
    });
    let contacts = |account: &'static str, body: &'static str| {
        server.mock(move |when, then| {
            when.method("GET")
                .path("/members/list-contacts-by-accountid")
                .query_param("accountId", account);
            then.status(200)
                .header("content-type", "application/json")
                .body(body);
        })
    };
    contacts(
        "11",
        r#"[{"MemberId": 1, "AddedAt": "2024-05-21T09:41:06.17"}, {"MemberId": 2, "AddedAt": "2024-05-21T09:41:06.17"}]"#,
    );
    contacts(
        "13",
        r#"[{"MemberId": 3, "AddedAt": "2024-05-22T09:41:06.17"}]"#,
    );
    server.mock(|when, then| {
        when.method("GET")
            .path("/members/list-contacts-by-accountid")
            .query_param("accountId", "12");
        then.status(403)
            .header("content-type", "application/json")
            .body(r#"{"Status": 403, "Message": "Account is blocked"}"#);
    });
    let output = Process::new(env!("CARGO_BIN_EXE_salesflow"))
        .env("SALESFLOW_TOKEN", crate::TOKEN)
        .env("SALESFLOW_BASE_URL", server.base_url())
        .env_remove("SALESFLOW_ACCOUNT_ID")
        .args([
            "sync",
            "contacts",
            "--all-accounts",
            "--retries",
            "0",
            "--out",
            &postgres.url(),
        ])
        .output()
        .unwrap();
    accounts.assert();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert_eq!(
        (
            lines[0]["account_id"].as_i64(),
            lines[0]["written"].as_u64()
        ),
        (Some(11), Some(2))
    );
    assert_eq!(lines[1]["account_id"], 12);
    assert!(
        lines[1]["error"]
            .as_str()
            .unwrap()
            .contains("Account is blocked"),
        "{stdout}"
    );
    assert_eq!(
        (
            lines[2]["account_id"].as_i64(),
            lines[2]["written"].as_u64()
        ),
        (Some(13), Some(1))
    );
    assert!(stderr.contains("1 of 3 accounts failed"), "{stderr}");
    assert!(!stdout.contains(crate::TOKEN) && !stderr.contains(crate::TOKEN));
    // Each account its own scope and state; the one that failed completed no run.
    assert_eq!(
        postgres.query("SELECT string_agg(scope || ':' || (state->>'runs'), ',' ORDER BY scope) FROM salesflow.sync_state"),
        "account 11:1,account 12:0,account 13:1"
    );
    assert_eq!(postgres.query("SELECT string_agg(\"MemberId\" || ':' || scope_account_id, ',' ORDER BY \"MemberId\") FROM salesflow.contacts"), "1:11,2:11,3:13");

    // A file output cannot take every account; nothing is listed.
    let refused = Process::new(env!("CARGO_BIN_EXE_salesflow"))
        .env("SALESFLOW_TOKEN", crate::TOKEN)
        .env("SALESFLOW_BASE_URL", server.base_url())
        .args([
            "sync",
            "contacts",
            "--all-accounts",
            "--state",
            "s.json",
            "--out",
            "c.sqlite",
        ])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&refused.stderr)
            .contains("--all-accounts writes every account into one database")
    );
    accounts.assert_calls(1);
}

#[test]
fn two_machines_sync_their_accounts_into_one_database_at_once() {
    let served = crate::emulator(EmulatorConfig::default());
    let postgres = Postgres::start();
    let start = DateTime::from_timestamp_millis(Utc::now().timestamp_millis()).unwrap()
        - chrono::Duration::days(1);
    {
        let mut state = served.emulator.state();
        let campaign: salesflow_emulator::Campaign = serde_json::from_value(serde_json::json!({
            "CampaignId": 900, "AccountId": 322, "CampaignName": "Client B",
            "CreatedAt": start - chrono::Duration::days(5)
        }))
        .unwrap();
        state.campaigns.insert(900, campaign);
        for id in 1..=4_000 {
            let mut contact = member(id, start, Some(start + chrono::Duration::seconds(id)));
            if id > 2_000 {
                contact.campaign_id = 900;
            }
            state.contacts.insert(id, contact);
        }
    }
    let machine = |account: &str| {
        sync_account(&served, &postgres.url(), account)
            .spawn()
            .unwrap()
    };
    // Both at once, twice: first runs (the schema made by whichever is first), then runs
    // of nothing new.
    for expected in [2_000, 0] {
        let (a, b) = (machine("321"), machine("322"));
        for child in [a, b] {
            let output = child.wait_with_output().unwrap();
            assert!(
                output.status.success(),
                "{}",
                String::from_utf8_lossy(&output.stderr)
            );
            let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
            assert_eq!(report["written"], expected, "{report}");
        }
    }
    assert_eq!(
        postgres.query("SELECT string_agg(scope_account_id || ':' || n, ',' ORDER BY scope_account_id) FROM (SELECT scope_account_id, count(*) AS n FROM salesflow.contacts GROUP BY 1) c"),
        "321:2000,322:2000"
    );
    assert_eq!(
        postgres.query("SELECT string_agg(scope || ':' || (state->>'runs'), ',' ORDER BY scope) FROM salesflow.sync_state"),
        "account 321:2,account 322:2"
    );
    assert_eq!(rows(&postgres), server_versions(&served));
}

#[test]
fn a_database_that_takes_only_tls_is_synced_over_tls_with_its_certificate_checked() {
    let served = crate::emulator(EmulatorConfig::default());
    let start = DateTime::from_timestamp_millis(Utc::now().timestamp_millis()).unwrap();
    for id in 1..=20 {
        served
            .emulator
            .state()
            .contacts
            .insert(id, member(id, start, None));
    }
    let postgres = Postgres::start_tls();
    let url = format!("{}?sslmode=require", postgres.url_by_name());
    // The server's certificate authority trusted (as a company's would be, in the system's
    // store; here through SSL_CERT_FILE): synced, over TLS (the server takes nothing else).
    let trusted = sync(&served, &url)
        .env("SSL_CERT_FILE", postgres.ca_file())
        .output()
        .unwrap();
    assert!(
        trusted.status.success(),
        "{}",
        String::from_utf8_lossy(&trusted.stderr)
    );
    assert_eq!(
        postgres.query("SELECT count(*) FROM salesflow.contacts"),
        "20"
    );
    // Not trusted: refused, one line, nothing written.
    let untrusted = sync(&served, &url)
        .env("SSL_CERT_FILE", "/nonexistent/ca.pem")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&untrusted.stderr);
    assert_eq!(untrusted.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("cannot connect to the database") && stderr.contains("certificate"),
        "{stderr}"
    );
    // Without TLS, the server refuses (hostssl only): TLS was what carried the first run.
    let plain = sync(
        &served,
        &format!("{}?sslmode=disable", postgres.url_by_name()),
    )
    .output()
    .unwrap();
    assert_eq!(plain.status.code(), Some(2));
}
