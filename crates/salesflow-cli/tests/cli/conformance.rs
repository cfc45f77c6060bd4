//! The conformance table (`salesflow_test_support::variants`) through the `salesflow`
//! command: every server variant against every operation it applies to prints what the
//! table promises as JSON, or fails with exit code 1 and one line that keeps the status.

use std::process::Command;

use httpmock::MockServer;
use salesflow_test_support::operations::{OPERATIONS, Operation};
use salesflow_test_support::variants::{Answer, Outcome, server_variants};
use serde_json::Value;

/// A token no output would contain by chance.
const TOKEN: &str = "MARKERconformanceTok9";

/// What one run of the command gave: exit code, stdout, stderr.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(server: &MockServer, op: &Operation, answer: &Answer, body_file: &std::path::Path) -> Run {
    let mut mock = server.mock(|when, then| {
        when.method(op.method).path(op.path);
        let mut then = then.status(answer.status);
        for (name, value) in &answer.headers {
            then = then.header(*name, value.as_str());
        }
        then.body(answer.body.clone());
    });
    if let Some(body) = op.body {
        std::fs::write(body_file, body).expect("a temporary file");
    }
    let args = op.command.iter().map(|arg| {
        if *arg == "BODY" {
            body_file.display().to_string()
        } else {
            (*arg).to_owned()
        }
    });
    let output = Command::new(env!("CARGO_BIN_EXE_salesflow"))
        .args(args)
        .env_remove("SALESFLOW_ACCOUNT_ID")
        .env("SALESFLOW_TOKEN", TOKEN)
        .env("SALESFLOW_BASE_URL", server.base_url())
        .output()
        .expect("the binary runs");
    mock.delete();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn check(outcome: &Outcome, baseline: &Value, run: &Run) -> Result<(), String> {
    if run.stdout.contains(TOKEN) || run.stderr.contains(TOKEN) {
        return Err("the token shows".to_owned());
    }
    let line = run.stderr.trim_end();
    let failed_once = run.code == 1 && !line.contains('\n') && run.stdout.is_empty();
    match outcome {
        Outcome::Decodes(expect) => {
            if run.code != 0 {
                return Err(format!("exit {}: {line}", run.code));
            }
            let printed: Value = serde_json::from_str(&run.stdout)
                .map_err(|error| format!("stdout is not JSON ({error}): {}", run.stdout))?;
            let expected = expect(baseline);
            if printed == expected {
                Ok(())
            } else {
                Err(format!("printed {printed}\n  expected {expected}"))
            }
        }
        Outcome::NotFound(status) => {
            if failed_once && line.contains("not found") && line.contains(&status.to_string()) {
                Ok(())
            } else {
                Err(format!(
                    "expected not found ({status}), exit {}: {line}",
                    run.code
                ))
            }
        }
        Outcome::ApiError { status, says } => {
            let missing = says.iter().find(|text| !line.contains(*text));
            if failed_once && missing.is_none() && line.contains(&status.to_string()) {
                Ok(())
            } else {
                Err(format!(
                    "expected an API error {status} saying {says:?}, exit {}: {line}",
                    run.code
                ))
            }
        }
        Outcome::Undecodable(status) => {
            if failed_once
                && line.contains("not what the API documents")
                && line.contains(&status.to_string())
            {
                Ok(())
            } else {
                Err(format!(
                    "expected a decode error ({status}), exit {}: {line}",
                    run.code
                ))
            }
        }
    }
}

#[test]
fn every_server_variant_through_the_command() {
    let server = MockServer::start();
    let body_file =
        std::env::temp_dir().join(format!("salesflow-conformance-{}.json", std::process::id()));
    let variants = server_variants();
    let mut failures = Vec::new();
    let mut cases = 0;
    for op in &OPERATIONS {
        let baseline = run(&server, op, &Answer::json(200, op.sample), &body_file);
        assert_eq!(baseline.code, 0, "{}: {}", op.name, baseline.stderr);
        let baseline: Value = serde_json::from_str(&baseline.stdout).expect("JSON on stdout");
        for variant in &variants {
            let Some((answer, outcome)) = (variant.answer)(op) else {
                continue;
            };
            cases += 1;
            let result = run(&server, op, &answer, &body_file);
            if let Err(why) = check(&outcome, &baseline, &result) {
                failures.push(format!("{} × {}: {why}", variant.name, op.name));
            }
        }
    }
    let _ = std::fs::remove_file(&body_file);
    assert!(
        failures.is_empty(),
        "{} of {cases} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(cases > 21 * 20, "the table covers every operation: {cases}");
}
