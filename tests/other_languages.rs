//! The README's Python and TypeScript calls, run as they are written there, against two
//! emulators: one for the main host, one standing in for the statistics host. Each call
//! must reach the statistics host with `getCampaignStatistics` (whose campaign 789 has 3
//! members there and none on the main host) and the main host with the rest, and decode a
//! typed error. `cargo xtask spec-check` runs it, with the generated Python client, its
//! interpreter and the pinned TypeScript tools; ignored by default.

use std::path::{Path, PathBuf};
use std::process::Command;

use salesflow_emulator::{Contact, Emulator, EmulatorConfig};

use crate::support::run_program;

/// The code block of README.md that follows `<!-- spec-check: LANGUAGE -->`.
fn readme_block(language: &str) -> String {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let marker = format!("<!-- spec-check: {language} -->");
    let after = readme
        .split_once(&marker)
        .unwrap_or_else(|| panic!("README.md has no {marker}"))
        .1;
    let body = after
        .split_once("```")
        .and_then(|(_, rest)| rest.split_once('\n'))
        .expect("a code block after the marker")
        .1;
    body.split_once("```").expect("the block ends").0.to_owned()
}

/// The main host (the default seed) and the statistics host (campaign 789 with 3 members).
async fn two_hosts() -> (Emulator, Emulator) {
    let main = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let statistics = Emulator::start(EmulatorConfig::default()).await.unwrap();
    {
        let mut state = statistics.state();
        for id in 1..=3 {
            let contact: Contact = serde_json::from_value(serde_json::json!({
                "MemberId": 500 + id, "CampaignId": 789,
                "MemberUrl": format!("https://www.linkedin.com/in/stats-{id}"),
            }))
            .unwrap();
            state.contacts.insert(contact.member_id, contact);
        }
    }
    (main, statistics)
}

/// Runs `command` with the hosts' environment; what it printed.
async fn run_against(mut command: Command, main: &Emulator, statistics: &Emulator) -> String {
    command
        .env("SALESFLOW_TOKEN", main.token())
        .env("SALESFLOW_ACCOUNT_ID", "321")
        .env("SALESFLOW_BASE_URL", main.base_url())
        .env("SALESFLOW_STATISTICS_URL", statistics.base_url());
    run_program(command).await
}

/// What both calls must print: statistics from the statistics host, campaigns and the
/// error from the main host.
fn assert_both_hosts(printed: &str) {
    assert!(
        printed.contains("campaign 789 Sales leads: 3 imported"),
        "getCampaignStatistics reached the statistics host: {printed}"
    );
    assert!(
        printed.contains("campaign 790 Java developers: 0 imported"),
        "{printed}"
    );
    assert!(
        printed.contains("contact 1: 404 Member not found"),
        "{printed}"
    );
}

fn scratch(name: &str) -> PathBuf {
    let spec_check = std::env::var("SALESFLOW_SPEC_CHECK")
        .expect("SALESFLOW_SPEC_CHECK: run this through `cargo xtask spec-check`");
    let dir = Path::new(&spec_check).join("generated").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the generated Python client: cargo xtask spec-check"]
async fn the_readme_python_call_reaches_both_hosts_and_decodes_an_error() {
    let python = std::env::var("SALESFLOW_PYTHON").expect("SALESFLOW_PYTHON");
    let package = std::env::var("SALESFLOW_PYTHON_CLIENT").expect("SALESFLOW_PYTHON_CLIENT");
    let dir = scratch("readme-python");
    let script = dir.join("readme_call.py");
    std::fs::write(&script, readme_block("python")).unwrap();
    let (main, statistics) = two_hosts().await;
    let mut command = Command::new(python);
    command.arg(&script).env("PYTHONPATH", package);
    assert_both_hosts(&run_against(command, &main, &statistics).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the pinned TypeScript tools: cargo xtask spec-check"]
async fn the_readme_typescript_call_reaches_both_hosts_and_decodes_an_error() {
    let spec_check =
        PathBuf::from(std::env::var("SALESFLOW_SPEC_CHECK").expect("SALESFLOW_SPEC_CHECK"));
    let dir = scratch("readme-typescript");
    std::fs::write(dir.join("readme_call.ts"), readme_block("typescript")).unwrap();
    // The types openapi-typescript wrote from the spec, beside the call, as the README says.
    std::fs::copy(
        spec_check.join("generated/salesflow.ts"),
        dir.join("salesflow.ts"),
    )
    .unwrap();
    std::fs::write(
        dir.join("tsconfig.json"),
        r#"{"compilerOptions": {"strict": true, "target": "ES2022", "module": "ES2022",
            "moduleResolution": "bundler", "types": ["node"], "outDir": "out"},
            "files": ["readme_call.ts", "salesflow.ts"]}"#,
    )
    .unwrap();
    let mut tsc = Command::new(spec_check.join("node_modules/.bin/tsc"));
    tsc.arg("-p").arg(dir.join("tsconfig.json"));
    run_program(tsc).await;
    std::fs::write(dir.join("out/package.json"), r#"{"type": "module"}"#).unwrap();
    let (main, statistics) = two_hosts().await;
    let mut command = Command::new("node");
    command.arg(dir.join("out/readme_call.js"));
    assert_both_hosts(&run_against(command, &main, &statistics).await);
}
