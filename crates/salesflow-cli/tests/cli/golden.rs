//! What users see, checked against committed files (`tests/golden/`), as oxide.rs does for
//! its command: the help of the root and of a few subcommands, and every output format of a
//! few commands against the docs' samples. Any change to them shows in review.
//!
//! `SALESFLOW_UPDATE_GOLDEN=1 cargo test -p salesflow-cli golden` rewrites the files.

use std::path::PathBuf;
use std::process::Command;

use httpmock::MockServer;
use salesflow_test_support::operations::OPERATIONS;

const TOKEN: &str = "golden-token";

fn golden(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(format!("{name}.txt"))
}

/// Compares `actual` with the golden file `name`, or rewrites it when asked to.
fn check(name: &str, actual: &str, mismatches: &mut Vec<String>) {
    let path = golden(name);
    if std::env::var_os("SALESFLOW_UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).expect("the golden folder is writable");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if expected != actual {
        mismatches.push(format!(
            "{name}: differs from {} (SALESFLOW_UPDATE_GOLDEN=1 rewrites it)\n--- expected\n{expected}\n--- actual\n{actual}",
            path.display()
        ));
    }
}

fn salesflow(server: Option<&MockServer>, args: &[&str]) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_salesflow"));
    command
        .env_remove("SALESFLOW_ACCOUNT_ID")
        .env_remove("SALESFLOW_BASE_URL")
        .env_remove("SALESFLOW_TIMEOUT")
        .env("SALESFLOW_TOKEN", TOKEN)
        .env("COLUMNS", "100")
        .args(args);
    if let Some(server) = server {
        command.env("SALESFLOW_BASE_URL", server.base_url());
    }
    let output = command.output().expect("the binary runs");
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

#[test]
fn help_and_outputs_match_the_golden_files() {
    let mut mismatches = Vec::new();
    for (name, args) in [
        ("help-root", &["--help"][..]),
        ("help-list-campaigns", &["list-campaigns", "--help"][..]),
        ("help-import-member", &["import-member", "--help"][..]),
        (
            "help-list-contacts-by-public-identifiers",
            &["list-contacts-by-public-identifiers", "--help"][..],
        ),
    ] {
        check(name, &salesflow(None, args), &mut mismatches);
    }

    let server = MockServer::start();
    for op in &OPERATIONS {
        let sample = op.sample;
        server.mock(|when, then| {
            when.method(op.method).path(op.path);
            then.status(200)
                .header("content-type", "application/json")
                .body(sample);
        });
    }
    // The command lines of the conformance table's operations (test-support).
    let commands = [
        "listCampaigns",
        "listIncomingMessagesByCampaign",
        "getAnalyticsByCampaign",
    ]
    .map(|name| {
        let command = salesflow_test_support::operations::operation(name).command;
        (command[0], command)
    });
    for (name, args) in commands {
        for format in ["json", "csv", "table", "ndjson"] {
            let mut with_format = args.to_vec();
            with_format.extend(["--format", format]);
            check(
                &format!("{name}.{format}"),
                &salesflow(Some(&server), &with_format),
                &mut mismatches,
            );
        }
    }

    let empty = MockServer::start();
    empty.mock(|when, then| {
        when.any_request();
        then.status(200)
            .header("content-type", "application/json")
            .body("[]");
    });
    for format in ["csv", "table", "ndjson"] {
        let output = salesflow(
            Some(&empty),
            &["list-campaigns", "--account-id", "321", "--format", format],
        );
        check(
            &format!("list-campaigns-empty.{format}"),
            &output,
            &mut mismatches,
        );
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n\n"));
}
