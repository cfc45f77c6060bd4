//! `cargo xtask spec-check` and `cargo xtask docs`: the spec seen from outside Rust.
//!
//! Everything runs from pinned tools in tests/spec-check (npm lockfile, Python requirements)
//! and writes only to tests/spec-check/generated and target/, which git ignores.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// The folder of the pinned tools, relative to the workspace root.
const TOOLS: &str = "tests/spec-check";

/// Environment for the npm tools: no telemetry, update notices or install-time pings.
const QUIET: [(&str, &str); 4] = [
    ("REDOCLY_TELEMETRY", "off"),
    ("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true"),
    ("SCARF_ANALYTICS", "false"),
    ("NO_UPDATE_NOTIFIER", "1"),
];

struct Paths {
    root: PathBuf,
    tools: PathBuf,
    generated: PathBuf,
    spec: PathBuf,
}

impl Paths {
    fn new(root: &Path) -> Self {
        let tools = root.join(TOOLS);
        Self {
            root: root.to_path_buf(),
            generated: tools.join("generated"),
            spec: root.join("spec/salesflow.yaml"),
            tools,
        }
    }

    fn bin(&self, name: &str) -> PathBuf {
        self.tools.join("node_modules/.bin").join(name)
    }

    fn venv(&self, name: &str) -> PathBuf {
        self.generated.join("venv/bin").join(name)
    }
}

/// Lints the spec, type-checks TypeScript, runs Python and Rust clients against Prism, and
/// the Python client through a stateful flow against the emulator.
pub fn spec_check(root: &Path) -> Result<()> {
    let paths = Paths::new(root);
    std::fs::create_dir_all(&paths.generated)?;
    install_node_tools(&paths)?;
    install_python_tools(&paths)?;

    step("openapi-spec-validator");
    run(Command::new(paths.venv("python"))
        .args(["-m", "openapi_spec_validator"])
        .arg(&paths.spec))?;

    step("redocly lint (recommended)");
    run(Command::new(paths.bin("redocly"))
        .arg("lint")
        .arg(&paths.spec)
        .arg("--config")
        .arg(paths.tools.join("redocly.yaml")))?;

    step("spectral lint (spectral:oas)");
    run(Command::new(paths.bin("spectral"))
        .arg("lint")
        .arg(&paths.spec)
        .arg("--ruleset")
        .arg(paths.tools.join(".spectral.yaml"))
        .args(["--fail-severity", "hint"]))?;

    step("TypeScript: openapi-typescript, then tsc --noEmit (strict)");
    run(Command::new(paths.bin("openapi-typescript"))
        .arg(&paths.spec)
        .arg("-o")
        .arg(paths.generated.join("salesflow.ts")))?;
    run(Command::new(paths.bin("tsc"))
        .arg("-p")
        .arg(paths.tools.join("tsconfig.json")))?;

    step("Python: openapi-python-client");
    let python_client = paths.generated.join("python-client");
    run(Command::new(paths.venv("openapi-python-client"))
        .arg("generate")
        .arg("--path")
        .arg(&paths.spec)
        .arg("--output-path")
        .arg(&python_client)
        .arg("--overwrite")
        .arg("--config")
        .arg(paths.tools.join("python/openapi-python-client.yaml")))?;

    step("Prism mock on 127.0.0.1, with request validation");
    let prism = Prism::start(&paths)?;
    let url = prism.url();

    step("Python client against Prism");
    run(Command::new(paths.venv("python"))
        .arg(paths.tools.join("python/check_client.py"))
        .arg(&url)
        .env("PYTHONPATH", &python_client))?;

    step(
        "Rust client against Prism (all 21 operations); against the emulator: the Python client, \
         the README's Python and TypeScript calls, openapi-core on every answer, `salesflow mcp` \
         through the MCP Python SDK (stdio and HTTP)",
    );
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    run(Command::new(cargo)
        .current_dir(&paths.root)
        // `--tests` builds what `cargo test --workspace` built (same features, no rebuild);
        // the Prism and Python-client tests are the workspace's only ignored tests.
        .args(["test", "--workspace", "--tests", "--", "--ignored"])
        .env("SALESFLOW_PRISM_URL", &url)
        // tests/python_client.rs: the Python client through a stateful flow against the
        // emulator, which the test starts itself; crates/salesflow-cli/tests/cli/mcp_python.rs:
        // `salesflow mcp` through the official MCP Python SDK.
        .env("SALESFLOW_PYTHON", paths.venv("python"))
        .env("SALESFLOW_PYTHON_CLIENT", &python_client)
        // tests/other_languages.rs: the README's Python and TypeScript calls, with the
        // pinned TypeScript tools and the types generated above.
        .env("SALESFLOW_SPEC_CHECK", &paths.tools))?;

    drop(prism);
    println!("\nspec-check: all checks passed");
    Ok(())
}

/// Renders the spec to one HTML page with Redocly.
pub fn docs(root: &Path) -> Result<()> {
    let paths = Paths::new(root);
    install_node_tools(&paths)?;
    let output = root.join("target/doc/salesflow-api.html");
    // The rendered page is read by maintainers too: each `x-decision` (why the spec says what
    // it says) is shown after the description it belongs to.
    let with_decisions = root.join("target/doc/salesflow-api.yaml");
    let text = std::fs::read_to_string(&paths.spec)?;
    let mut spec: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text)?;
    let shown = show_decisions(&mut spec);
    if shown == 0 {
        anyhow::bail!("the spec has no x-decision to show");
    }
    std::fs::create_dir_all(root.join("target/doc"))?;
    std::fs::write(&with_decisions, serde_yaml_ng::to_string(&spec)?)?;
    step("redocly build-docs");
    run(Command::new(paths.bin("redocly"))
        .arg("build-docs")
        .arg(&with_decisions)
        .arg("--output")
        .arg(&output))?;
    println!("wrote {} ({shown} decisions shown)", output.display());
    Ok(())
}

/// Appends every `x-decision` to the `description` beside it; returns how many.
fn show_decisions(node: &mut serde_yaml_ng::Value) -> usize {
    use serde_yaml_ng::Value;
    let mut shown = 0;
    match node {
        Value::Mapping(map) => {
            let decision = map
                .get("x-decision")
                .and_then(Value::as_str)
                .map(str::to_owned);
            if let Some(decision) = decision {
                let description = map
                    .get("description")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                let joined = format!("{description}\n\n**Why (spec decision):** {decision}");
                map.insert(Value::from("description"), Value::from(joined));
                shown += 1;
            }
            for (_, child) in map.iter_mut() {
                shown += show_decisions(child);
            }
        }
        Value::Sequence(items) => {
            for item in items {
                shown += show_decisions(item);
            }
        }
        _ => {}
    }
    shown
}

fn install_node_tools(paths: &Paths) -> Result<()> {
    let installed = paths.tools.join("node_modules/.package-lock.json");
    if is_newer(&installed, &paths.tools.join("package-lock.json")) {
        return Ok(());
    }
    step("npm ci (pinned tools)");
    // No install scripts: none of the tools needs one, and some only phone home.
    run(Command::new("npm").current_dir(&paths.tools).args([
        "ci",
        "--ignore-scripts",
        "--no-audit",
        "--no-fund",
    ]))
}

fn install_python_tools(paths: &Paths) -> Result<()> {
    let requirements = paths.tools.join("python/requirements.txt");
    let marker = paths.generated.join("venv/installed-requirements.txt");
    if std::fs::read(&marker).ok() == std::fs::read(&requirements).ok() {
        return Ok(());
    }
    step("Python virtual environment (pinned tools)");
    run(Command::new("python3")
        .args(["-m", "venv"])
        .arg(paths.generated.join("venv")))?;
    run(Command::new(paths.venv("pip"))
        .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
        .arg(&requirements))?;
    std::fs::copy(&requirements, &marker)?;
    Ok(())
}

/// Whether `a` exists and was modified after `b`.
fn is_newer(a: &Path, b: &Path) -> bool {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    matches!((modified(a), modified(b)), (Some(a), Some(b)) if a >= b)
}

fn step(name: &str) {
    println!("\n== {name}");
}

fn run(command: &mut Command) -> Result<()> {
    for (key, value) in QUIET {
        command.env(key, value);
    }
    let shown = format!("{command:?}");
    let status = command
        .status()
        .with_context(|| format!("could not start {shown}"))?;
    if !status.success() {
        bail!("failed ({status}): {shown}");
    }
    Ok(())
}

/// A Prism mock server, stopped when dropped.
struct Prism {
    child: Child,
    port: u16,
}

impl Prism {
    fn start(paths: &Paths) -> Result<Self> {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let log = std::fs::File::create(paths.generated.join("prism.log"))?;
        let mut command = Command::new(paths.bin("prism"));
        command
            .arg("mock")
            .arg(&paths.spec)
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .stdout(Stdio::from(log.try_clone()?))
            .stderr(Stdio::from(log));
        for (key, value) in QUIET {
            command.env(key, value);
        }
        let child = command.spawn().context("starting Prism")?;
        let mut prism = Self { child, port };
        let deadline = Instant::now() + Duration::from_secs(90);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Some(status) = prism.child.try_wait()? {
                bail!("Prism stopped ({status}); see {TOOLS}/generated/prism.log");
            }
            if Instant::now() > deadline {
                bail!("Prism did not listen within 90 s; see {TOOLS}/generated/prism.log");
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        println!("Prism listens on {}", prism.url());
        Ok(prism)
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
