//! The Python client generated from the spec, through a stateful flow against the emulator,
//! and every answer of the emulator in every variant the spec promises, validated by
//! openapi-core (`cargo xtask spec-check` runs both, with the generated client and its
//! interpreter).
//!
//! Needs `SALESFLOW_PYTHON` (the interpreter) and `SALESFLOW_PYTHON_CLIENT` (the generated
//! package's directory); ignored by default.

use std::process::Command;

use salesflow_emulator::{Emulator, EmulatorConfig};

use crate::support::run_program;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the generated Python client: cargo xtask spec-check"]
async fn the_generated_python_client_runs_a_stateful_flow_against_the_emulator() {
    let python = std::env::var("SALESFLOW_PYTHON")
        .expect("SALESFLOW_PYTHON: run this through `cargo xtask spec-check`");
    let package = std::env::var("SALESFLOW_PYTHON_CLIENT")
        .expect("SALESFLOW_PYTHON_CLIENT: run this through `cargo xtask spec-check`");
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/spec-check/python/stateful_flow.py"
    );
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let mut command = Command::new(python);
    command
        .arg(script)
        .arg(emulator.base_url())
        .arg(emulator.token())
        .env("PYTHONPATH", package);
    println!("{}", run_program(command).await);
    // What the flow did is in the emulator's state: it imported one member and deleted it.
    assert!(emulator.state().contacts.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs openapi-core in the spec-check interpreter: cargo xtask spec-check"]
async fn openapi_core_accepts_every_answer_of_every_promised_variant_of_the_emulator() {
    let python = std::env::var("SALESFLOW_PYTHON")
        .expect("SALESFLOW_PYTHON: run this through `cargo xtask spec-check`");
    let root = env!("CARGO_MANIFEST_DIR");
    let script = format!("{root}/spec-check/python/validate_answers.py");
    let spec = format!("{root}/../spec/salesflow.yaml");
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let mut command = Command::new(python);
    command.args([
        script,
        spec,
        format!("http://{}", emulator.address()),
        emulator.token().to_owned(),
    ]);
    let stdout = run_program(command).await;
    assert!(stdout.contains(" 0 rejected"), "{stdout}");
    println!("{stdout}");
}
