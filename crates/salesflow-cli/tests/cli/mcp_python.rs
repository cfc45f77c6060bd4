//! `salesflow mcp` driven by a client nobody here wrote: the official MCP Python SDK (`mcp`
//! on PyPI, pinned in tests/spec-check/python/requirements.txt), over stdio and over
//! streamable HTTP, against the emulator (tests/spec-check/python/mcp_client.py says what
//! it checks). `cargo xtask spec-check` installs the SDK and runs this with
//! `SALESFLOW_PYTHON` set; ignored otherwise.

use std::process::Command as Process;

use salesflow_emulator::EmulatorConfig;

use crate::sync::scratch;

#[test]
#[ignore = "needs the MCP Python SDK: cargo xtask spec-check"]
fn the_official_python_sdk_drives_the_server_over_stdio_and_http() {
    let python = std::env::var("SALESFLOW_PYTHON")
        .expect("SALESFLOW_PYTHON: run this through `cargo xtask spec-check`");
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/spec-check/python/mcp_client.py"
    );
    let served = crate::emulator(EmulatorConfig::default());
    let work = scratch("mcp-python");
    let output = Process::new(python)
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_salesflow"))
        .arg(served.emulator.base_url())
        .arg(served.emulator.token())
        .arg(&work)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("stdio: every check passed"), "{stdout}");
    assert!(stdout.contains("http: every check passed"), "{stdout}");
    println!("{stdout}");
}
