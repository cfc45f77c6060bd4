//! `salesflow import --campaign-id N FILE.csv`: every row of a CSV file into a campaign,
//! exactly once however often it is run again (`salesflow_ext::Importer`, with its journal).

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Arg, ArgMatches, Command};
use salesflow_ext::{
    CsvFile, CsvOptions, ImportError, ImportEvent, ImportStop, Importer, RowOutcome, RowStatus,
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
             The file: exported from LinkedIn, a Sales Navigator tool, a CRM (HubSpot, \
             Salesforce, Pipedrive) or a lead tool (Apollo), or saved from Excel: UTF-8 (with \
             or without a byte-order mark), UTF-16 with one, or Windows-1252; values separated \
             by , ; tab or | (found from the file, or Excel's sep= line; --delimiter says \
             otherwise); line numbers are the file's own.\n\n\
             Columns are found by their headers, in any case, ignoring spaces and punctuation, \
             as those tools name them: the LinkedIn profile link (`LinkedIn Profile URL`, \
             `Person Linkedin Url`, `LinkedIn URL`, URL, ...), first and last name, the \
             occupation (Headline, Title, `Job Title`, Position), the location (Location, or \
             City, State and Country joined), custom fields (`Custom Field 1`, ..., in the \
             file's order). --map 'HEADER=FIELD' says what any column holds. A column that \
             feeds nothing (Company, Email) is named once on stderr and left out; \
             --custom-fields sends such columns as the campaign's custom fields, in the order \
             given; --strict-columns refuses them instead.\n\n\
             LinkedIn links are sent as https://www.linkedin.com/in/IDENTIFIER, whatever form \
             they were pasted in (no scheme, http, a country or mobile host, ?trk= and other \
             queries, a trailing slash); the report keeps the link as given beside the one \
             sent. A Sales Navigator lead link or a company page is refused, saying what to \
             use instead.\n\n\
             Before the first row, the campaign is listed once: a profile it holds already \
             (from another file, or the Salesflow UI) is not sent again, and is reported as \
             already-in-campaign (--allow-duplicates sends it anyway). A profile that an \
             earlier row names is imported once and reported as a duplicate. Every row is \
             checked before the first request: a bad row is reported with its line and \
             column and left out (with --strict, nothing is sent). --dry-run does all of \
             that, prints what would be sent, and sends nothing.\n\n\
             Exactly once: the journal (--journal) records each row before its request and \
             after its answer, on disk. Run the same command again after a crash, Ctrl-C or \
             kill and it skips the rows done, finds in the campaign the rows whose answer was \
             lost, and imports the rest. Ctrl-C finishes the requests in flight, records them \
             and exits 130. A host that cannot be reached, a refused token or a missing \
             campaign stops the import at once.\n\n\
             Prints the counts as JSON on stdout; --report writes every row's outcome as CSV. \
             Exit codes: 0 every row is in the campaign, 1 some rows failed or are invalid \
             (see the report) or Salesflow refused the import, 2 the command, the file or the \
             journal is wrong (nothing sent), 3 no answer, 130 interrupted.",
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
                .help("Write each row's outcome here, as CSV: row, linkedin_url (as given), sent_url, member_id, status, error"),
        )
        .arg(
            Arg::new("strict")
                .long("strict")
                .action(clap::ArgAction::SetTrue)
                .help("Send nothing if any row is invalid"),
        )
        .arg(
            Arg::new("map")
                .long("map")
                .value_name("HEADER=FIELD")
                .action(clap::ArgAction::Append)
                .help("The column HEADER holds FIELD: linkedInUrl, firstName, lastName, occupation, location, customField, or ignore (repeatable)"),
        )
        .arg(
            Arg::new("custom-fields")
                .long("custom-fields")
                .value_name("HEADER,...")
                .value_delimiter(',')
                .action(clap::ArgAction::Append)
                .help("Send these columns as the campaign's custom fields, in this order"),
        )
        .arg(
            Arg::new("strict-columns")
                .long("strict-columns")
                .action(clap::ArgAction::SetTrue)
                .help("Refuse a file with a column that feeds nothing, instead of leaving the column out"),
        )
        .arg(
            Arg::new("delimiter")
                .long("delimiter")
                .value_name("CHAR")
                .value_parser(delimiter)
                .help("What separates the values: , ; | or tab [default: found from the file]"),
        )
        .arg(
            Arg::new("encoding")
                .long("encoding")
                .value_name("NAME")
                .help("The file's encoding: utf-8, utf-16le, utf-16be, windows-1252, ... [default: found from the file]"),
        )
        .arg(
            Arg::new("allow-duplicates")
                .long("allow-duplicates")
                .action(clap::ArgAction::SetTrue)
                .help("Send rows whose profile the campaign holds already (Salesflow makes a second member of it)"),
        )
        .arg(
            Arg::new("dry-run")
                .long("dry-run")
                .action(clap::ArgAction::SetTrue)
                .help("Read, check and look up every row, print what would be sent (one JSON line a row), send nothing"),
        )
}

/// `--delimiter`: one character, or its name.
fn delimiter(text: &str) -> Result<u8, String> {
    match text {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        "comma" => Ok(b','),
        "semicolon" => Ok(b';'),
        "pipe" => Ok(b'|'),
        one if one.len() == 1 && one.is_ascii() => Ok(one.as_bytes()[0]),
        _ => Err("one character (, ; |) or tab".to_owned()),
    }
}

/// The lead file, read as the options say; what was decided about it said once on stderr.
fn open(sub: &ArgMatches, file: &Path) -> Result<CsvFile, ImportError> {
    let mut options = CsvOptions::default();
    for map in sub.get_many::<String>("map").into_iter().flatten() {
        options.add_map(map)?;
    }
    options.custom_fields = sub
        .get_many::<String>("custom-fields")
        .into_iter()
        .flatten()
        .map(|header| header.trim().to_owned())
        .filter(|header| !header.is_empty())
        .collect();
    options.refuse_unknown_columns = sub.get_flag("strict-columns");
    options.delimiter = sub.get_one::<u8>("delimiter").copied();
    options.encoding = sub.get_one::<String>("encoding").cloned();
    let source = CsvFile::open_with(file, &options)?;
    for note in source.notes() {
        eprintln!("salesflow: import: {}", crate::terminal::safe(note));
    }
    eprintln!(
        "salesflow: import: columns: {}",
        crate::terminal::safe(&source.describe_columns())
    );
    Ok(source)
}

/// The journal's default path: beside the file, named for the campaign.
fn default_journal(file: &Path, campaign_id: i64) -> PathBuf {
    let mut name = file.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".import-{campaign_id}.journal"));
    file.with_file_name(name)
}

/// Runs `import`.
pub fn run(sub: &ArgMatches) -> Exit {
    let file = sub.get_one::<PathBuf>("file").expect("required");
    let account_id = *sub.get_one::<i64>("account-id").expect("required");
    let campaign_id = *sub.get_one::<i64>("campaign-id").expect("required");
    let concurrency = *sub.get_one::<u16>("concurrency").expect("defaulted");
    let journal = sub
        .get_one::<PathBuf>("journal")
        .cloned()
        .unwrap_or_else(|| default_journal(file, campaign_id));
    let source = match open(sub, file) {
        Ok(source) => source,
        Err(error) => return failure::usage(&format!("import: {error}")),
    };
    let dry_run = sub.get_flag("dry-run");
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
    let mut importer = Importer::new(&client, account_id, campaign_id)
        .concurrency(usize::from(concurrency))
        .journal(&journal)
        .strict(sub.get_flag("strict"))
        .allow_duplicates(sub.get_flag("allow-duplicates"))
        .dry_run(dry_run)
        .stop_with(stop.clone());
    if let Some(retries) = sub.get_one::<u32>("retries") {
        // --retries 0: each row is sent once; N: once and N more times.
        importer = importer.tries(retries.saturating_add(1), std::time::Duration::from_secs(2));
    }
    let mut progress = Progress::new("import", "rows");
    let mut problems = 0usize;
    let result = runtime.block_on(async {
        tokio::spawn(stop_on_ctrl_c(stop.clone()));
        importer
            .run(&source, |event| match event {
                ImportEvent::Checked { rows, .. } => progress.set_total(rows),
                ImportEvent::WouldSend { row, parameters } => {
                    let mut line = serde_json::Map::new();
                    line.insert("row".to_owned(), row.into());
                    for (name, value) in parameters {
                        let value = serde_json::Value::from(*value);
                        match line.get_mut(*name) {
                            Some(serde_json::Value::Array(values)) => values.push(value),
                            _ if *name == "customFields" => {
                                line.insert((*name).to_owned(), vec![value].into());
                            }
                            _ => {
                                line.insert((*name).to_owned(), value);
                            }
                        }
                    }
                    progress.print(&serde_json::Value::Object(line).to_string());
                }
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
        Err(ImportError::Refused(error) | ImportError::Unreachable(error)) => {
            eprintln!("{}", failure::describe(&error));
            eprintln!(
                "salesflow: import: stopped before sending the rest; the journal keeps every row's state: run the same command again once this is fixed"
            );
            Exit::of(&error)
        }
        Err(ImportError::Invalid(rows)) => {
            for (row, problem) in rows.iter().take(SHOWN) {
                eprintln!("salesflow: import: line {row}: {problem}");
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
        "salesflow: import: line {}: {}: {}",
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
            .write_record([
                "row",
                "linkedin_url",
                "sent_url",
                "member_id",
                "status",
                "error",
            ])
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
            outcome.sent_url.as_deref().unwrap_or(""),
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
