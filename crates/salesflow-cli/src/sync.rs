//! `salesflow sync contacts|campaigns|messages --state STATE.json --out PATH`: what
//! Salesflow knows, into a file or a SQLite database, each run adding what changed since
//! the last (`salesflow_ext::sync`).

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Arg, ArgMatches, Command};
use salesflow_ext::sync::{OutputFile, SyncError, SyncReport, SyncState, Syncer};

use crate::failure::{self, Exit};
use crate::progress::Progress;

/// The `sync` subcommand and its three kinds.
pub fn command() -> Command {
    let kind = |name: &'static str, about: &'static str| {
        Command::new(name)
            .about(about)
            .arg(crate::account_id_arg())
            .arg(
                Arg::new("state")
                    .long("state")
                    .required(true)
                    .value_name("STATE.json")
                    .value_parser(clap::value_parser!(PathBuf))
                    .help("Where the sync keeps its high-water mark (created by the first run)"),
            )
            .arg(
                Arg::new("out")
                    .long("out")
                    .required(true)
                    .value_name("PATH")
                    .value_parser(clap::value_parser!(PathBuf))
                    .help("The output: PATH.ndjson (a JSON object a line), PATH.csv, or PATH.sqlite (a table per kind)"),
            )
            .arg(
                Arg::new("overlap")
                    .long("overlap")
                    .value_name("SECONDS")
                    .value_parser(clap::value_parser!(u64))
                    .default_value("600")
                    .help("List again this far below the high-water mark (a server's late writes)"),
            )
    };
    let campaign = || {
        Arg::new("campaign-id")
            .long("campaign-id")
            .value_name("ID")
            .value_parser(clap::value_parser!(i64))
            .help("Only this campaign [default: every campaign of the account]")
    };
    let full = || {
        Arg::new("full")
            .long("full")
            .action(clap::ArgAction::SetTrue)
            .help("List everything, not only what changed; in SQLite, rows no longer listed get deleted_at")
    };
    Command::new("sync")
        .about("Keep a file or a SQLite database in step with Salesflow: contacts, campaigns, messages")
        .long_about(
            "Writes what Salesflow knows to --out, and on each later run only what changed \
             since: the first run lists everything; later runs ask for records updated since \
             the high-water mark in --state (the latest change time the server gave, minus \
             --overlap) and leave out those already written unchanged. The state moves only \
             once the output is on disk, so a run killed at any point is simply run again: \
             records may be written twice (NDJSON and CSV are cut back to the last complete \
             run first; SQLite upserts by id), none is skipped.\n\n\
             A member never modified (LastModifiedAt null) counts as changed at its AddedAt. \
             Run with --full now and then: it lists everything, and in SQLite marks the \
             records Salesflow no longer lists as deleted (deleted_at).\n\n\
             Prints what it did as JSON on stdout; progress on stderr.",
        )
        .subcommand_required(true)
        .subcommand(
            kind("contacts", "Sync the account's contacts (or one campaign's)")
                .arg(campaign())
                .arg(full()),
        )
        .subcommand(kind(
            "campaigns",
            "Sync the account's campaigns (every run lists them all)",
        ))
        .subcommand(
            kind("messages", "Sync the messages contacts sent, one record a message")
                .arg(campaign())
                .arg(full())
                .arg(
                    Arg::new("since")
                        .long("since")
                        .value_name("DATE")
                        .value_parser(clap::value_parser!(chrono::NaiveDate))
                        .default_value("2000-01-01")
                        .help("The first run's first day (later runs go on from the state)"),
                ),
        )
}

/// Runs `sync KIND`.
pub fn run(matches: &ArgMatches) -> Exit {
    let Some((kind, sub)) = matches.subcommand() else {
        return Exit::Usage;
    };
    if let Err(message) = crate::no_output_options(sub, "sync") {
        return failure::usage(&message);
    }
    let account_id = *sub.get_one::<i64>("account-id").expect("required");
    let campaign_id = sub
        .try_get_one::<i64>("campaign-id")
        .ok()
        .flatten()
        .copied();
    let full = sub
        .try_get_one::<bool>("full")
        .ok()
        .flatten()
        .copied()
        .unwrap_or(false);
    let state_path = sub.get_one::<PathBuf>("state").expect("required");
    let out = sub.get_one::<PathBuf>("out").expect("required");
    let overlap = Duration::from_secs(*sub.get_one::<u64>("overlap").expect("defaulted"));
    let scope = Syncer::scope(account_id, campaign_id);
    let state = match SyncState::load(state_path, kind, &scope) {
        Ok(state) => state,
        Err(error) => return failure::usage(&format!("sync {kind}: {error}")),
    };
    let client = match crate::client(sub, None) {
        Ok(client) => client,
        Err(exit) => return exit,
    };
    let runtime = match crate::runtime() {
        Ok(runtime) => runtime,
        Err(exit) => return exit,
    };
    let syncer = Syncer::new(&client, account_id).overlap(overlap).full(full);
    let unit = match kind {
        "contacts" => "contacts",
        "campaigns" => "campaigns",
        _ => "messages",
    };
    let mut progress = Progress::new("sync", unit);
    let mut shown = 0;
    let mut on_progress = |now: salesflow_ext::sync::SyncProgress| {
        progress.advance(now.listed - shown);
        shown = now.listed;
    };
    let sink_error =
        |error: salesflow_ext::sync::SinkError| failure::usage(&format!("sync {kind}: {error}"));
    let result = match kind {
        "contacts" => match OutputFile::for_path(out) {
            Ok(mut sink) => {
                runtime.block_on(syncer.contacts(campaign_id, &state, &mut sink, &mut on_progress))
            }
            Err(error) => return sink_error(error),
        },
        "campaigns" => match OutputFile::for_path(out) {
            Ok(mut sink) => runtime.block_on(syncer.campaigns(&state, &mut sink, &mut on_progress)),
            Err(error) => return sink_error(error),
        },
        "messages" => {
            let since = *sub
                .get_one::<chrono::NaiveDate>("since")
                .expect("defaulted");
            match OutputFile::for_path(out) {
                Ok(mut sink) => runtime.block_on(syncer.messages(
                    campaign_id,
                    since,
                    &state,
                    &mut sink,
                    &mut on_progress,
                )),
                Err(error) => return sink_error(error),
            }
        }
        _ => return Exit::Usage,
    };
    progress.finish();
    match result.and_then(|report| report.state.save(state_path).map(|()| report)) {
        Ok(report) => {
            print_report(&report, out, state_path);
            Exit::Success
        }
        Err(SyncError::Api(error)) => {
            eprintln!("{}", failure::describe(&error));
            Exit::of(&error)
        }
        Err(error) => failure::usage(&format!("sync {kind}: {error}")),
    }
}

fn print_report(report: &SyncReport, out: &std::path::Path, state: &std::path::Path) {
    let mut value = serde_json::to_value(report).expect("serialisable");
    value["high_water"] = serde_json::json!(report.state.high_water().map(|t| t.to_string()));
    value["out"] = serde_json::json!(out.display().to_string());
    value["state"] = serde_json::json!(state.display().to_string());
    let _ = writeln!(std::io::stdout(), "{value}");
}
