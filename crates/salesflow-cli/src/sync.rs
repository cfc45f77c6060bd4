//! `salesflow sync contacts|campaigns|messages --state STATE.json --out PATH` (or
//! `--out postgres://…`, the state in the database; `--all-accounts`): what Salesflow knows,
//! into a file, a SQLite or a PostgreSQL database, each run adding what changed since the
//! last (`salesflow_ext::sync`).

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
            .arg(
                crate::account_id_arg()
                    .required(false)
                    .required_unless_present("all-accounts")
                    .conflicts_with("all-accounts"),
            )
            .arg(
                Arg::new("all-accounts")
                    .long("all-accounts")
                    .action(clap::ArgAction::SetTrue)
                    .help("Every account the token can use (list-accounts), each its own scope and state, 4 at a time; needs --out postgres://"),
            )
            .args(crate::connection_args())
            .arg(crate::csv_verbatim_arg())
            .arg(
                Arg::new("state")
                    .long("state")
                    .value_name("STATE.json")
                    .value_parser(clap::value_parser!(PathBuf))
                    .help("Where the sync keeps its high-water mark (created by the first run); not with PostgreSQL, which keeps it in the database"),
            )
            .arg(
                Arg::new("out")
                    .long("out")
                    .required(true)
                    .value_name("PATH")
                    .value_parser(clap::value_parser!(PathBuf))
                    .help("The output: PATH.ndjson (a JSON object a line), PATH.csv, PATH.sqlite (a table per kind), or postgres://USER@HOST/DB (tables in the schema salesflow, the state with them)"),
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
            .conflicts_with("all-accounts")
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
        .about("Keep a file, a SQLite or a PostgreSQL database in step with Salesflow: contacts, campaigns, messages")
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
             Into PostgreSQL (--out postgres://USER@HOST/DB), the tables are in the schema \
             salesflow and the state is kept in the database, committed in the same \
             transaction as the records (no --state); several machines may sync different \
             accounts into one database at once. --all-accounts syncs every account the token \
             can use into it, four at a time: a JSON line per account, exit 1 if any failed.\n\n\
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

/// What to list: the kind, and what it takes.
#[derive(Clone, Copy)]
enum Job {
    Contacts(Option<i64>),
    Campaigns,
    Messages(Option<i64>, chrono::NaiveDate),
}

impl Job {
    fn of(kind: &str, sub: &ArgMatches) -> Option<Self> {
        let campaign_id = sub
            .try_get_one::<i64>("campaign-id")
            .ok()
            .flatten()
            .copied();
        match kind {
            "contacts" => Some(Self::Contacts(campaign_id)),
            "campaigns" => Some(Self::Campaigns),
            "messages" => {
                let since = *sub
                    .get_one::<chrono::NaiveDate>("since")
                    .expect("defaulted");
                Some(Self::Messages(campaign_id, since))
            }
            _ => None,
        }
    }

    fn campaign_id(self) -> Option<i64> {
        match self {
            Self::Contacts(campaign) | Self::Messages(campaign, _) => campaign,
            Self::Campaigns => None,
        }
    }
}

/// Runs `sync KIND`.
pub fn run(matches: &ArgMatches) -> Exit {
    let Some((kind, sub)) = matches.subcommand() else {
        return Exit::Usage;
    };
    let Some(job) = Job::of(kind, sub) else {
        return Exit::Usage;
    };
    let full = sub
        .try_get_one::<bool>("full")
        .ok()
        .flatten()
        .copied()
        .unwrap_or(false);
    let out = sub.get_one::<PathBuf>("out").expect("required");
    let postgres = out
        .to_str()
        .filter(|url| url.starts_with("postgres://") || url.starts_with("postgresql://"))
        .map(str::to_owned);
    let state_path = sub.get_one::<PathBuf>("state");
    let all_accounts = sub.get_flag("all-accounts");
    match (&postgres, state_path) {
        (Some(_), Some(_)) => {
            return failure::usage(
                "--state: PostgreSQL keeps the sync state in the database, committed with the records; leave --state out",
            );
        }
        (None, None) => {
            return failure::usage(
                "--state STATE.json is required with a file output (PostgreSQL keeps the state in the database)",
            );
        }
        _ => {}
    }
    if all_accounts && postgres.is_none() {
        return failure::usage(
            "--all-accounts writes every account into one database: give --out postgres://USER@HOST/DB",
        );
    }
    let overlap = Duration::from_secs(*sub.get_one::<u64>("overlap").expect("defaulted"));
    let client = match crate::client(sub, None) {
        Ok(client) => client,
        Err(exit) => return exit,
    };
    let runtime = match crate::runtime() {
        Ok(runtime) => runtime,
        Err(exit) => return exit,
    };
    let syncer = |account_id| Syncer::new(&client, account_id).overlap(overlap).full(full);
    let unit = match kind {
        "contacts" => "contacts",
        "campaigns" => "campaigns",
        _ => "messages",
    };
    let progress = std::cell::RefCell::new(Progress::new("sync", unit));
    if let (true, Some(url)) = (all_accounts, &postgres) {
        return every_account(&runtime, &client, &syncer, kind, job, url, &progress);
    }
    let account_id = *sub.get_one::<i64>("account-id").expect("required");
    let mut shown = 0;
    let on_progress = |now: salesflow_ext::sync::SyncProgress| {
        // A listing started again (an interrupted run's listed otherwise) counts from 0.
        progress
            .borrow_mut()
            .advance(now.listed.saturating_sub(shown));
        shown = shown.max(now.listed);
    };
    let scope = Syncer::scope(account_id, job.campaign_id());
    let result = match (&postgres, state_path) {
        (Some(url), _) => runtime.block_on(into_postgres(
            &syncer(account_id),
            job,
            url,
            &scope,
            on_progress,
        )),
        (None, Some(state_path)) => {
            let mut state = match SyncState::load(state_path, kind, &scope) {
                Ok(state) => state,
                Err(error) => return failure::usage(&format!("sync {kind}: {error}")),
            };
            let verbatim = sub.get_flag("csv-verbatim");
            runtime
                .block_on(into_file(
                    &syncer(account_id),
                    job,
                    out,
                    verbatim,
                    &mut state,
                    on_progress,
                ))
                .map(|report| (report, state))
        }
        (None, None) => unreachable!("refused above"),
    };
    let mut progress = progress.into_inner();
    match &result {
        // Refused before anything was listed: the one line says why.
        Err(SyncError::Output(_) | SyncError::State(_)) => progress.clear(),
        _ => progress.finish(),
    }
    match result {
        Ok((report, state)) => {
            if let Some(why) = &report.rebuilt {
                progress.say(&format!("salesflow: sync {kind}: {why}"));
            }
            let (shown_out, shown_state) = match (&postgres, state_path) {
                (Some(url), _) => (without_password(url), "the database".to_owned()),
                (None, state_path) => (
                    out.display().to_string(),
                    state_path
                        .map(|p| p.display().to_string())
                        .unwrap_or_default(),
                ),
            };
            print_report(&report, &state, &shown_out, &shown_state, None);
            Exit::Success
        }
        Err(SyncError::Api(error)) => {
            eprintln!("{}", failure::describe(&error));
            Exit::of(&error)
        }
        Err(error) => failure::usage(&format!("sync {kind}: {error}")),
    }
}

/// `sync KIND --all-accounts --out postgres://…`: every account of the token, four at a
/// time under the client's one rate limit, each its own scope and state; one failing does
/// not stop the others. A line of JSON per account, then exit 1 if any failed.
fn every_account(
    runtime: &tokio::runtime::Runtime,
    client: &salesflow::Client,
    syncer: &dyn Fn(i64) -> Syncer,
    kind: &str,
    job: Job,
    url: &str,
    progress: &std::cell::RefCell<Progress>,
) -> Exit {
    use futures_util::StreamExt as _;
    let accounts = match runtime.block_on(client.list_accounts().send()) {
        Ok(accounts) => accounts.into_inner(),
        Err(error) => {
            eprintln!("{}", failure::describe(&error));
            return Exit::of(&error);
        }
    };
    let runs = accounts.iter().map(|account| {
        let account_id = account.account_id;
        let mut shown = 0;
        let on_progress = move |now: salesflow_ext::sync::SyncProgress| {
            progress
                .borrow_mut()
                .advance(now.listed.saturating_sub(shown));
            shown = shown.max(now.listed);
        };
        let scope = Syncer::scope(account_id, None);
        let syncer = syncer(account_id);
        async move {
            let result = into_postgres(&syncer, job, url, &scope, on_progress).await;
            (account_id, result)
        }
    });
    let results: Vec<_> = runtime.block_on(
        futures_util::stream::iter(runs)
            .buffer_unordered(4)
            .collect(),
    );
    progress.borrow_mut().finish();
    let mut failed = 0;
    let mut results = results;
    results.sort_by_key(|(account_id, _)| *account_id);
    for (account_id, result) in results {
        match result {
            Ok((report, state)) => {
                print_report(
                    &report,
                    &state,
                    &without_password(url),
                    "the database",
                    Some(account_id),
                );
            }
            Err(error) => {
                failed += 1;
                let detail = match &error {
                    SyncError::Api(error) => failure::describe(error),
                    other => format!("sync {kind}: {other}"),
                };
                let line =
                    serde_json::json!({"account_id": account_id, "kind": kind, "error": detail});
                let _ = writeln!(std::io::stdout(), "{line}");
                eprintln!("salesflow: account {account_id}: {detail}");
            }
        }
    }
    if failed > 0 {
        eprintln!(
            "salesflow: sync {kind}: {failed} of {} accounts failed (their lines on stdout say why); the others are synced",
            accounts.len()
        );
        return Exit::Api;
    }
    Exit::Success
}

/// One sync into PostgreSQL, its state loaded from and committed to the database.
async fn into_postgres(
    syncer: &Syncer,
    job: Job,
    url: &str,
    scope: &str,
    on_progress: impl FnMut(salesflow_ext::sync::SyncProgress),
) -> Result<(SyncReport, SyncState), SyncError> {
    use salesflow_ext::sync::{MessageRecord, PostgresSink};
    use salesflow_ext::types::{Campaign, Contact};
    match job {
        Job::Contacts(campaign) => {
            let mut sink = PostgresSink::<Contact>::new(url);
            let mut state = sink.load_state(scope).await.map_err(SyncError::Output)?;
            let report = syncer
                .contacts(campaign, &mut state, &mut sink, on_progress)
                .await?;
            Ok((report, state))
        }
        Job::Campaigns => {
            let mut sink = PostgresSink::<Campaign>::new(url);
            let mut state = sink.load_state(scope).await.map_err(SyncError::Output)?;
            let report = syncer.campaigns(&mut state, &mut sink, on_progress).await?;
            Ok((report, state))
        }
        Job::Messages(campaign, since) => {
            let mut sink = PostgresSink::<MessageRecord>::new(url);
            let mut state = sink.load_state(scope).await.map_err(SyncError::Output)?;
            let report = syncer
                .messages(campaign, since, &mut state, &mut sink, on_progress)
                .await?;
            Ok((report, state))
        }
    }
}

/// One sync into a file (NDJSON, CSV, SQLite), with its state file.
async fn into_file(
    syncer: &Syncer,
    job: Job,
    out: &Path,
    verbatim: bool,
    state: &mut SyncState,
    on_progress: impl FnMut(salesflow_ext::sync::SyncProgress),
) -> Result<SyncReport, SyncError> {
    match job {
        Job::Contacts(campaign) => {
            let mut sink = output(out, verbatim).map_err(SyncError::Output)?;
            syncer
                .contacts(campaign, state, &mut sink, on_progress)
                .await
        }
        Job::Campaigns => {
            let mut sink = output(out, verbatim).map_err(SyncError::Output)?;
            syncer.campaigns(state, &mut sink, on_progress).await
        }
        Job::Messages(campaign, since) => {
            let mut sink = output(out, verbatim).map_err(SyncError::Output)?;
            syncer
                .messages(campaign, since, state, &mut sink, on_progress)
                .await
        }
    }
}

/// A database URL as it may be shown: without its password.
fn without_password(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// The output `path` names, CSV cells verbatim or not.
fn output<R: SyncRecord>(path: &Path, verbatim: bool) -> Result<OutputFile<R>, SinkError> {
    OutputFile::for_path(path).map(|sink| sink.verbatim_csv(verbatim))
}

fn print_report(
    report: &SyncReport,
    state: &SyncState,
    out: &str,
    state_at: &str,
    account_id: Option<i64>,
) {
    let mut value = serde_json::to_value(report).expect("serialisable");
    if let Some(account_id) = account_id {
        value["account_id"] = serde_json::json!(account_id);
    }
    value["high_water"] = serde_json::json!(state.high_water().map(|t| t.to_string()));
    value["out"] = serde_json::json!(out);
    value["state"] = serde_json::json!(state_at);
    let _ = writeln!(std::io::stdout(), "{value}");
}
