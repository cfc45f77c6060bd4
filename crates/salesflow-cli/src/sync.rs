//! `salesflow sync contacts|campaigns|messages --state STATE.json --out PATH`: what
//! Salesflow knows, into a file or a SQLite database, each run adding what changed since
//! the last (`salesflow_ext::sync`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Arg, ArgMatches, Command};
use salesflow_ext::sync::{
    OutputFile, SinkError, SyncError, SyncRecord, SyncReport, SyncState, Syncer,
};

use crate::failure::{self, Exit};
use crate::progress::Progress;

/// The `sync` subcommand and its three kinds.
pub fn command() -> Command {
    let kind = |name: &'static str, about: &'static str| {
        Command::new(name)
            .about(about)
            .arg(crate::account_id_arg())
            .args(crate::connection_args())
            .arg(crate::csv_verbatim_arg())
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
            .help("List everything, not only what changed; in SQLite, rows of this scope no longer listed get deleted_at; rebuilds an output older than its state")
    };
    Command::new("sync")
        .about("Keep a file or a SQLite database in step with Salesflow: contacts, campaigns, messages")
        .long_about(
            "Writes what Salesflow knows to --out, and on each later run only what changed \
             since: the first run lists everything; later runs ask for records updated since \
             the high-water mark in --state (the latest change time the server gave, minus \
             --overlap) and leave out those already written unchanged. The state moves only \
             once the output is on disk, and is saved every 5,000 records: a run killed at \
             any point is simply run again, and goes on after the records it had written \
             (NDJSON and CSV are cut back to its last checkpoint; SQLite upserts by id); \
             none is skipped.\n\n\
             The state knows its output: a --out that is not the file or database the \
             state was written with (another file, a shorter one restored from a backup, \
             data no sync wrote) is refused with exit 2 and left as it is; --full writes \
             everything again into an output older than its state. A missing or empty \
             output is written from scratch.\n\n\
             A member never modified (LastModifiedAt null) counts as changed at its AddedAt. \
             Run with --full now and then: it lists everything, and in SQLite marks the \
             records of its scope (the account, or the --campaign-id) that Salesflow no \
             longer lists as deleted (deleted_at); other accounts and campaigns in the same \
             database keep theirs.\n\n\
             CSV cells that a spreadsheet would run as a formula (=, +, -, @ first) get a \
             leading ' unless --csv-verbatim is given.\n\n\
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
    let mut state = match SyncState::load(state_path, kind, &scope) {
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
        // A listing started again (an interrupted run's listed otherwise) counts from 0.
        progress.advance(now.listed.saturating_sub(shown));
        shown = shown.max(now.listed);
    };
    let verbatim = sub.get_flag("csv-verbatim");
    let sink_error = |error: SinkError| failure::usage(&format!("sync {kind}: {error}"));
    let result = match kind {
        "contacts" => match output(out, verbatim) {
            Ok(mut sink) => runtime.block_on(syncer.contacts(
                campaign_id,
                &mut state,
                &mut sink,
                &mut on_progress,
            )),
            Err(error) => return sink_error(error),
        },
        "campaigns" => match output(out, verbatim) {
            Ok(mut sink) => {
                runtime.block_on(syncer.campaigns(&mut state, &mut sink, &mut on_progress))
            }
            Err(error) => return sink_error(error),
        },
        "messages" => {
            let since = *sub
                .get_one::<chrono::NaiveDate>("since")
                .expect("defaulted");
            match output(out, verbatim) {
                Ok(mut sink) => runtime.block_on(syncer.messages(
                    campaign_id,
                    since,
                    &mut state,
                    &mut sink,
                    &mut on_progress,
                )),
                Err(error) => return sink_error(error),
            }
        }
        _ => return Exit::Usage,
    };
    match &result {
        // Refused before anything was listed: the one line says why.
        Err(SyncError::Output(_) | SyncError::State(_)) => progress.clear(),
        _ => progress.finish(),
    }
    match result {
        Ok(report) => {
            if let Some(why) = &report.rebuilt {
                progress.say(&format!("salesflow: sync {kind}: {why}"));
            }
            print_report(&report, &state, out, state_path);
            Exit::Success
        }
        Err(SyncError::Api(error)) => {
            eprintln!("{}", failure::describe(&error));
            Exit::of(&error)
        }
        Err(error) => failure::usage(&format!("sync {kind}: {error}")),
    }
}

/// The output `path` names, CSV cells verbatim or not.
fn output<R: SyncRecord>(path: &Path, verbatim: bool) -> Result<OutputFile<R>, SinkError> {
    OutputFile::for_path(path).map(|sink| sink.verbatim_csv(verbatim))
}

fn print_report(
    report: &SyncReport,
    state: &SyncState,
    out: &std::path::Path,
    state_path: &std::path::Path,
) {
    let mut value = serde_json::to_value(report).expect("serialisable");
    value["high_water"] = serde_json::json!(state.high_water().map(|t| t.to_string()));
    value["out"] = serde_json::json!(out.display().to_string());
    value["state"] = serde_json::json!(state_path.display().to_string());
    let _ = writeln!(std::io::stdout(), "{value}");
}
