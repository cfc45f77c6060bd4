//! `salesflow-emulator --port P [--seed FILE] [--variant NAME]...`: a stateful Salesflow on
//! localhost, for any client in any language.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;

use salesflow_emulator::{Emulator, EmulatorConfig, Seed, Variants};

const USAGE: &str = "\
usage: salesflow-emulator [--port P] [--bind ADDRESS] [--seed FILE] [--variant NAME]...
                          [--fault KIND]... [--fault-every N]

  --port P          the port to listen on (default 8080; 0: any free port)
  --bind ADDRESS    the address to listen on (default 127.0.0.1)
  --seed FILE       the accounts, campaigns, contacts and webhooks to start from (JSON,
                    PascalCase keys; see the README); default: account 321 with campaigns
                    789 and 790, token emulator-token-0123456789
  --variant NAME    answer as a real server may: omit-nulls, camel-case, bom, delete-204,
                    nan-rates, gzip, empty-204, numeric-enums (repeat for several;
                    PUT /__emulator/variants changes them)
  --fault KIND      make every N-th request fail, taking the kinds in turn: 429, 503 (not
                    carried out), timeout, reset (carried out, then the answer is held back
                    or broken off), drop (broken off before); PUT /__emulator/faults changes them
  --fault-every N   which requests fail (default 5 when a --fault is given)

The API is at http://ADDRESS:P/api, the control API at http://ADDRESS:P/__emulator.";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("salesflow-emulator: {message}");
            ExitCode::from(2)
        }
    }
}

/// What it prints once it listens: where, with which token, and the seeded accounts and
/// campaigns, so that a client in any language can be pointed at it at once.
fn banner(emulator: &Emulator) -> String {
    let state = emulator.state();
    let mut text = format!(
        "salesflow-emulator: API at {} (token {})\n",
        emulator.base_url(),
        emulator.token()
    );
    for account in &state.accounts {
        let campaigns: Vec<String> = state
            .campaigns
            .values()
            .filter(|c| c.account_id == account.account_id)
            .map(|c| format!("{} {:?} ({})", c.campaign_id, c.campaign_name, c.status))
            .collect();
        let campaigns = if campaigns.is_empty() {
            "no campaigns".to_owned()
        } else {
            format!("campaigns {}", campaigns.join(", "))
        };
        text.push_str(&format!(
            "salesflow-emulator: account {} ({}): {campaigns}\n",
            account.account_id, account.status
        ));
    }
    if let Some(account) = state.accounts.first() {
        text.push_str(&format!(
            "salesflow-emulator: try: curl '{}/campaigns/list-campaigns?accountId={}&token={}'\n",
            emulator.base_url(),
            account.account_id,
            emulator.token()
        ));
    }
    text.push_str(&format!(
        "salesflow-emulator: control API at {}\n",
        emulator.control_url()
    ));
    text
}

fn run() -> Result<(), String> {
    let mut config = EmulatorConfig::default();
    let mut port: u16 = 8080;
    let mut bind = "127.0.0.1".to_owned();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--port" => {
                let text = value("--port")?;
                port = text
                    .parse()
                    .map_err(|_| format!("--port {text} is not a port"))?;
            }
            "--bind" => bind = value("--bind")?,
            "--seed" => {
                let path = value("--seed")?;
                let text = std::fs::read_to_string(&path)
                    .map_err(|error| format!("cannot read --seed {path}: {error}"))?;
                config.seed = serde_json::from_str::<Seed>(&text)
                    .map_err(|error| format!("--seed {path} is not a seed: {error}"))?;
            }
            "--variant" => {
                let name = value("--variant")?;
                if !config.variants.set(&name, true) {
                    return Err(format!(
                        "no variant {name:?}; the variants are {}",
                        Variants::NAMES.join(", ")
                    ));
                }
            }
            "--fault" => {
                let name = value("--fault")?;
                let fault = serde_json::from_value(serde_json::Value::String(name.clone()))
                    .map_err(|_| {
                        format!(
                            "no fault {name:?}; the faults are {}",
                            salesflow_emulator::Faults::NAMES.join(", ")
                        )
                    })?;
                config.faults.kinds.push(fault);
                if config.faults.every == 0 {
                    config.faults.every = 5;
                }
            }
            "--fault-every" => {
                let text = value("--fault-every")?;
                config.faults.every = text
                    .parse()
                    .map_err(|_| format!("--fault-every {text} is not a number"))?;
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    config.address = format!("{bind}:{port}")
        .parse::<SocketAddr>()
        .map_err(|_| format!("--bind {bind} is not an IP address"))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|error| format!("cannot start: {error}"))?;
    runtime.block_on(async {
        let emulator = Emulator::start(config)
            .await
            .map_err(|error| format!("cannot listen: {error}"))?;
        // Not `eprintln!`, which panics when no one reads stderr any more.
        let _ = std::io::stderr().write_all(banner(&emulator).as_bytes());
        std::future::pending::<()>().await;
        Ok(())
    })
}
