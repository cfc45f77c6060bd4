//! `salesflow import --campaign-id N FILE.csv`: every row of a CSV file into a campaign,
//! exactly once however often it is run again (`salesflow_ext::Importer`, with its journal).

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Arg, ArgMatches, Command};
use salesflow_ext::{
    CsvFile, ImportError, ImportEvent, ImportStop, Importer, RowOutcome, RowStatus,
};

use crate::failure::{self, Exit};
use crate::progress::Progress;

/// How many row problems are printed on stderr before "and N more".
const SHOWN: usize = 20;

/// The `import` subcommand.
pub fn command() -> Command {
    Command::new("import")
        .about("Import the leads of a CSV file into a campaign, each exactly once, even when run again")
        .long_about(
            "Imports every row of FILE (a CSV file with a header row) into the campaign with \
             import-member, CONCURRENCY requests at a time.\n\n\
             Columns: a LinkedIn URL (linkedInUrl, `LinkedIn URL`, linkedin_url, ...), and \
             optionally firstName, lastName, occupation, location and custom fields \
             (customField1, `Custom Field 2`, ... sent in the file's order). Headers match \
             in any case, ignoring spaces, _ and -. Any other column is an error.\n\n\
             Every row is checked before the first request: a bad row is reported with its \
             line and column and left out (with --strict, nothing is sent). A profile that \
             an earlier row names already is imported once and reported as a duplicate.\n\n\
             Exactly once: the journal (--journal) records each row before its request and \
             after its answer, on disk. Run the same command again after a crash, Ctrl-C or \
             kill and it skips the rows done, looks up in the campaign the rows whose answer \
             was lost, and imports the rest. Ctrl-C finishes the requests in flight, records \
             them and exits 130.\n\n\
             Prints the counts as JSON on stdout; --report writes every row's outcome as CSV. \
             Exit codes: 0 every row is in the campaign, 1 some rows failed or are invalid \
             (see the report), 2 the command, the file or the journal is wrong (nothing \
             sent), 3 no answer, 130 interrupted.",
        )
        .arg(
            Arg::new("file")
                .required(true)
                .value_name("FILE")
                .value_parser(clap::value_parser!(PathBuf))
                .help("The CSV file of leads"),
        )
        .arg(crate::account_id_arg())
        .arg(
            Arg::new("campaign-id")
                .long("campaign-id")
                .required(true)
                .value_name("ID")
                .value_parser(clap::value_parser!(i64))
                .help("The campaign to import into (see `list-campaigns`)"),
        )
        .arg(
            Arg::new("concurrency")
                .long("concurrency")
                .value_name("N")
                .value_parser(clap::value_parser!(u16).range(1..=64))
                .default_value("4")
                .help("How many requests at a time"),
        )
        .arg(
            Arg::new("journal")
                .long("journal")
                .value_name("PATH")
                .value_parser(clap::value_parser!(PathBuf))
                .help("Where to keep the journal [default: FILE.import-CAMPAIGN.journal, beside FILE]"),
        )
        .arg(
            Arg::new("report")
                .long("report")
                .value_name("PATH")
                .value_parser(clap::value_parser!(PathBuf))
                .help("Write each row's outcome here, as CSV: row, linkedin_url, member_id, status, error"),
        )
        .arg(
            Arg::new("strict")
                .long("strict")
                .action(clap::ArgAction::SetTrue)
                .help("Send nothing if any row is invalid"),
        )
}

/// The journal's default path: beside the file, named for the campaign.
fn default_journal(file: &Path, campaign_id: i64) -> PathBuf {
    let mut name = file.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".import-{campaign_id}.journal"));
    file.with_file_name(name)
}

/// Runs `import`.
pub fn run(sub: &ArgMatches) -> Exit {
    if let Err(message) = crate::no_output_options(sub, "import") {
        return failure::usage(&message);
    }
    let file = sub.get_one::<PathBuf>("file").expect("required");
    let account_id = *sub.get_one::<i64>("account-id").expect("required");
    let campaign_id = *sub.get_one::<i64>("campaign-id").expect("required");
    let concurrency = *sub.get_one::<u16>("concurrency").expect("defaulted");
    let journal = sub
        .get_one::<PathBuf>("journal")
        .cloned()
        .unwrap_or_else(|| default_journal(file, campaign_id));
    let source = match CsvFile::open(file) {
        Ok(source) => source,
        Err(error) => return failure::usage(&format!("import: {error}")),
    };
    let client = match crate::client(sub, None) {
        Ok(client) => client,
        Err(exit) => return exit,
    };
    let verbatim = sub.get_flag("csv-verbatim");
    let mut report = match sub
        .get_one::<PathBuf>("report")
        .map(|path| Report::create(path, verbatim))
    {
        Some(Ok(report)) => Some(report),
        Some(Err(message)) => return failure::usage(&format!("import: {message}")),
        None => None,
    };
    let runtime = match crate::runtime() {
        Ok(runtime) => runtime,
        Err(exit) => return exit,
    };
    let stop = ImportStop::new();
    let importer = Importer::new(&client, account_id, campaign_id)
        .concurrency(usize::from(concurrency))
        .journal(&journal)
        .strict(sub.get_flag("strict"))
        .stop_with(stop.clone());
    let mut progress = Progress::new("import", "rows");
    let mut problems = 0usize;
    let result = runtime.block_on(async {
        tokio::spawn(stop_on_ctrl_c(stop.clone()));
        importer
            .run(&source, |event| match event {
                ImportEvent::Checked { rows, .. } => progress.set_total(rows),
                ImportEvent::Row(outcome) => {
                    progress.advance(1);
                    if let Some(report) = &mut report {
                        report.write(outcome);
                    }
                    if matches!(outcome.status, RowStatus::Invalid | RowStatus::Failed) {
                        problems += 1;
                        if problems <= SHOWN {
                            progress.say(&problem_line(outcome));
                        }
                    }
                }
                _ => {}
            })
            .await
    });
    progress.finish();
    if problems > SHOWN {
        let more = problems - SHOWN;
        let hint = if report.is_some() {
            "see the report"
        } else {
            "--report PATH lists them all"
        };
        progress.say(&format!(
            "salesflow: import: and {more} more rows not imported ({hint})"
        ));
    }
    if let Some(report) = report
        && let Err(message) = report.finish()
    {
        progress.say(&format!("salesflow: import: {message}"));
    }
    match result {
        Ok(summary) => {
            let line = serde_json::to_string(&summary).expect("serialisable");
            let _ = writeln!(std::io::stdout(), "{line}");
            if summary.stopped {
                progress.say(&format!(
                    "salesflow: import: stopped; run the same command again to import the {} rows left",
                    summary.pending
                ));
                Exit::Interrupted
            } else if summary.is_complete() {
                Exit::Success
            } else {
                Exit::Api
            }
        }
        Err(ImportError::Refused(error)) => {
            eprintln!("{}", failure::describe(&error));
            Exit::of(&error)
        }
        Err(ImportError::Invalid(rows)) => {
            for (row, problem) in rows.iter().take(SHOWN) {
                eprintln!("salesflow: import: row {row}: {problem}");
            }
            failure::usage(&format!(
                "import: {} rows are invalid and --strict is on; nothing was sent",
                rows.len()
            ))
        }
        Err(error) => failure::usage(&format!("import: {error}")),
    }
}

/// Pulls `stop` on the first Ctrl-C; a second one ends the process at once (the journal
/// is consistent at every moment, so a rerun still imports each row once).
async fn stop_on_ctrl_c(stop: ImportStop) {
    if tokio::signal::ctrl_c().await.is_err() {
        return;
    }
    let _ = writeln!(
        std::io::stderr(),
        "salesflow: stopping: finishing the requests in flight (Ctrl-C again to quit now)"
    );
    stop.stop();
    if tokio::signal::ctrl_c().await.is_ok() {
        std::process::exit(130);
    }
}

fn problem_line(outcome: &RowOutcome) -> String {
    let error = outcome.error.as_deref().unwrap_or("no detail");
    format!(
        "salesflow: import: row {}: {}: {}",
        outcome.row,
        outcome.status,
        crate::terminal::safe(error)
    )
}

/// The report: one CSV row per source row, as outcomes arrive; text a spreadsheet would
/// run as a formula (a URL or an error from the file or the server) defused unless
/// `verbatim`.
struct Report {
    path: PathBuf,
    writer: csv::Writer<std::fs::File>,
    verbatim: bool,
    failed: Option<String>,
}

impl Report {
    fn create(path: &Path, verbatim: bool) -> Result<Self, String> {
        let mut writer = csv::Writer::from_path(path)
            .map_err(|error| format!("cannot write --report {}: {error}", path.display()))?;
        writer
            .write_record(["row", "linkedin_url", "member_id", "status", "error"])
            .map_err(|error| format!("cannot write --report {}: {error}", path.display()))?;
        Ok(Self {
            path: path.to_path_buf(),
            writer,
            verbatim,
            failed: None,
        })
    }

    fn write(&mut self, outcome: &RowOutcome) {
        if self.failed.is_some() {
            return;
        }
        let member_id = outcome
            .member_id
            .map(|id| id.to_string())
            .unwrap_or_default();
        let text = |text: &'_ str| -> String {
            if self.verbatim {
                text.to_owned()
            } else {
                salesflow_ext::defuse_formula(text).into_owned()
            }
        };
        let written = self.writer.write_record([
            outcome.row.to_string().as_str(),
            text(&outcome.linkedin_url).as_str(),
            member_id.as_str(),
            outcome.status.as_str(),
            text(outcome.error.as_deref().unwrap_or("")).as_str(),
        ]);
        if let Err(error) = written {
            self.failed = Some(format!(
                "cannot write --report {}: {error}",
                self.path.display()
            ));
        }
    }

    fn finish(mut self) -> Result<(), String> {
        if let Some(failed) = self.failed {
            return Err(failed);
        }
        self.writer
            .flush()
            .map_err(|error| format!("cannot write --report {}: {error}", self.path.display()))
    }
}
