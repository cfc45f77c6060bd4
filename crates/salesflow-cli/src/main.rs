#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod body;
mod export;
mod failure;
mod generated;
mod import;
mod mcp;
mod output;
mod progress;
mod rows;
mod sync;
mod table;
mod terminal;
mod webhooks;

use std::process::ExitCode;

use clap::{Arg, ArgMatches, Command};
use salesflow::ClientBuilder;

use crate::export::Format;
use crate::failure::Exit;
use crate::generated::cli::{Cli, CliCommand};
use crate::output::Output;

/// The environment variable `--account-id` defaults to.
pub(crate) const ACCOUNT_ID_VAR: &str = "SALESFLOW_ACCOUNT_ID";

const AFTER_HELP: &str = "\
Configuration: the token from SALESFLOW_TOKEN or --token-file (prefer these to --token, which
shows in `ps` and in the shell's history); --account-id or SALESFLOW_ACCOUNT_ID (the default
of every --account-id); --base-url or SALESFLOW_BASE_URL; --timeout or SALESFLOW_TIMEOUT.

Output: JSON on stdout (pretty on a terminal, one line when piped); --format csv or table
for a spreadsheet or a person. Text from prospects is made safe there: a CSV cell that a
spreadsheet would run as a formula gets a leading ' (--csv-verbatim writes it as it is), a
table shows control characters escaped. Errors: one line on stderr.

Exit codes: 0 success, 1 Salesflow answered with an error, 2 usage or invalid input
(nothing was sent), 3 network error (no answer).";

fn main() -> ExitCode {
    let matches = match command().try_get_matches() {
        Ok(matches) => matches,
        // `salesflow` alone: the whole help, as a person reads it.
        Err(error)
            if error.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand =>
        {
            let _ = error.print();
            return Exit::Usage.into();
        }
        // Help and version go to stdout as clap writes them; a usage error is one line.
        Err(error) if !error.use_stderr() => {
            let _ = error.print();
            return Exit::Success.into();
        }
        Err(error) => {
            return failure::usage(&failure::one_line(&error.render().to_string())).into();
        }
    };
    let exit = run(&matches);
    body::remove_copies();
    exit.into()
}

/// The whole command line: global options, one subcommand per operation, completions.
fn command() -> Command {
    let mut root = Command::new("salesflow")
        .version(env!("CARGO_PKG_VERSION"))
        .about("Every Salesflow API operation from the shell: campaigns, contacts, webhooks, analytics, replies.")
        .after_help(AFTER_HELP)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(
            Command::new("completions")
                .about("Print shell completions (bash, zsh, fish, elvish, powershell)")
                .arg(
                    Arg::new("shell")
                        .required(true)
                        .value_parser(clap::value_parser!(clap_complete::Shell)),
                ),
        )
        .subcommand(import::command().args(connection_args()).arg(csv_verbatim_arg()))
        .subcommand(sync::command())
        .subcommand(mcp::command())
        .subcommand(webhooks::command());
    for operation in CliCommand::iter() {
        let mut sub = Cli::<Output>::get_command(operation)
            .name(subcommand_name(operation))
            .args(connection_args())
            .args(output_args());
        // progenitor puts the summary and the whole description into `about`: keep the
        // summary for listings and `-h`, the reflowed description for `--help`.
        let about = sub.get_about().map(ToString::to_string).unwrap_or_default();
        let about = in_command_names(&about);
        let summary = about.split("\n\n").next().unwrap_or_default().to_owned();
        sub = sub.about(summary).long_about(reflow(&about));
        let ids: Vec<String> = sub
            .get_arguments()
            .filter(|arg| arg.get_help().is_some())
            .map(|arg| arg.get_id().to_string())
            .collect();
        for id in ids {
            sub = sub.mut_arg(id, |arg| {
                let help =
                    in_command_names(&arg.get_help().map(ToString::to_string).unwrap_or_default());
                arg.help(help)
            });
        }
        for day_flag in ["from", "to"] {
            if sub.get_arguments().any(|arg| arg.get_id() == day_flag) {
                sub = sub.mut_arg(day_flag, |arg| arg.value_parser(day));
            }
        }
        if sub.get_name() == "list-contacts-by-public-identifiers" {
            // The body's one list, as a repeatable flag: no JSON file needed.
            sub = sub
                .arg(
                    Arg::new(body::IDENTIFIER_FLAG)
                        .long(body::IDENTIFIER_FLAG)
                        .value_name("IDENTIFIER")
                        .action(clap::ArgAction::Append)
                        .help("A LinkedIn public identifier to look up; repeat it for each one"),
                )
                .mut_arg("json-body", |arg| {
                    arg.required(false)
                        .required_unless_present(body::IDENTIFIER_FLAG)
                });
        }
        if let Some((_, fields)) = crate::generated::columns::BODY_FIELDS
            .iter()
            .find(|(id, _)| *id == operation.operation_id())
        {
            let parser = body::json_body_parser(subcommand_name(operation), fields);
            sub = sub.mut_arg("json-body", |arg| {
                arg.value_parser(parser).help(format!(
                    "A JSON file with the body's fields ({}; any case)",
                    fields.join(", ")
                ))
            });
        }
        if sub.get_arguments().any(|arg| arg.get_id() == "account-id") {
            sub = sub.mut_arg("account-id", |arg| {
                arg.env(crate::ACCOUNT_ID_VAR).hide_env_values(true)
            });
        }
        root = root.subcommand(sub);
    }
    root
}

/// The options of every command that calls Salesflow: the token, where to send, how long
/// to wait, how often to try, how fast to go.
fn connection_args() -> [Arg; 6] {
    [
        Arg::new("token")
                .long("token")
                .env(salesflow::TOKEN_VAR)
                .hide_env_values(true)
                .value_name("TOKEN")
                .help("The Salesflow API token (never printed); prefer SALESFLOW_TOKEN or --token-file, a --token shows in `ps` and in shell history"),
        Arg::new("token-file")
                .long("token-file")
                .value_name("PATH")
                .conflicts_with("token")
                .help("Read the token from this file (`-`: from standard input)"),
        Arg::new("base-url")
                .long("base-url")
                .env(salesflow::BASE_URL_VAR)
                .hide_env_values(true)
                .value_name("URL")
                .help("Send every request to this URL instead of the Salesflow hosts"),
        Arg::new("timeout")
                .long("timeout")
                .env(TIMEOUT_VAR)
                .hide_env_values(true)
                .value_name("SECONDS")
                .value_parser(clap::value_parser!(u64).range(1..))
                .help(
                    "Give up when Salesflow takes this many seconds to start answering, or an \
                     answer stalls this long; an attempt that timed out is not sent again \
                     [default: 60 to start, 30 between chunks; connecting: at most 10]",
                ),
        Arg::new("retries")
                .long("retries")
                .value_name("N")
                .value_parser(clap::value_parser!(u32))
                .help("Send a failed request again up to N times, where that is safe [default: 3]"),
        Arg::new("rate-limit")
                .long("rate-limit")
                .value_name("PER_MINUTE")
                .value_parser(clap::value_parser!(u32).range(1..))
                .help("Send at most this many requests a minute (for `import` and `sync` against an account's quota) [default: no limit]"),
    ]
}

/// `--csv-verbatim`, for every command that writes CSV.
fn csv_verbatim_arg() -> Arg {
    Arg::new("csv-verbatim")
                .long("csv-verbatim")
                .action(clap::ArgAction::SetTrue)
                .help("Write CSV cells exactly as they are, even text that a spreadsheet would run as a formula (=, +, -, @ first; by default it gets a leading '): only for a program that reads the CSV, never a spreadsheet")
}

/// The output options of an operation's subcommand.
fn output_args() -> [Arg; 4] {
    [
        Arg::new("format")
                .long("format")
                .value_parser(clap::builder::PossibleValuesParser::new(Format::NAMES))
                .default_value("json")
                .help("How to print results: json, csv (one row per item, the docs' columns), excel (CSV as Excel opens it: UTF-8 with a byte order mark, CRLF), table (a record per block when wider than the terminal), or ndjson (one JSON line per item)"),
        Arg::new("raw")
                .long("raw")
                .action(clap::ArgAction::SetTrue)
                .conflicts_with("format")
                .help("Print the answer's body exactly as Salesflow sent it (unknown fields and all; the token, if repeated, as ***)"),
        Arg::new("columns")
            .long("columns")
            .value_name("A,B,C")
            .help("The columns of --format csv, excel or table, in this order (names as the header shows them) [default: every column, in the order of the API's docs]"),
        csv_verbatim_arg(),
    ]
}

/// Joins the hard-wrapped lines of each paragraph (the spec wraps at 100 columns), so the
/// terminal can wrap them; list items (`- `) keep their own lines.
fn reflow(text: &str) -> String {
    text.trim()
        .split("\n\n")
        .map(|paragraph| {
            let mut out = String::new();
            for line in paragraph.lines().map(str::trim) {
                if !out.is_empty() {
                    out.push(if line.starts_with("- ") { '\n' } else { ' ' });
                }
                out.push_str(line);
            }
            out
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// A day flag (`--from`, `--to`): a date, or any timestamp form the help describes, read as
/// its day (in UTC), as the API rounds it. Rounding is said once, on stderr.
fn day(text: &str) -> Result<chrono::NaiveDate, String> {
    if let Ok(date) = text.trim().parse::<chrono::NaiveDate>() {
        return Ok(date);
    }
    let time: salesflow::Timestamp = text.parse().map_err(|error| format!("{error}"))?;
    let date = time.to_utc().date_naive();
    static SAID: std::sync::Once = std::sync::Once::new();
    SAID.call_once(|| {
        eprintln!(
            "salesflow: {text} is read as the day {date}: the API counts analytics and messages by whole days"
        );
    });
    Ok(date)
}

/// The environment variable `--timeout` reads.
const TIMEOUT_VAR: &str = "SALESFLOW_TIMEOUT";

/// The token: from --token-file (`-` for standard input), --token or SALESFLOW_TOKEN.
fn token(sub: &ArgMatches) -> Result<String, String> {
    let token = match sub.get_one::<String>("token-file") {
        Some(path) if path == "-" => {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
                .map_err(|error| format!("cannot read the token from standard input: {error}"))?;
            text
        }
        Some(path) => std::fs::read_to_string(path)
            .map_err(|error| format!("cannot read --token-file {path}: {error}"))?,
        None => sub.get_one::<String>("token").cloned().unwrap_or_default(),
    };
    let token = token.trim();
    if token.is_empty() {
        return Err(format!(
            "no API token: set {} or pass --token-file PATH (or --token)",
            salesflow::TOKEN_VAR
        ));
    }
    Ok(token.to_owned())
}

/// The spec's texts name operations by operationId (`` `listAccounts` ``); the command's
/// help names its subcommands (`` `list-accounts` ``).
fn in_command_names(text: &str) -> String {
    CliCommand::iter().fold(text.to_owned(), |text, operation| {
        let camel = heck::ToLowerCamelCase::to_lower_camel_case(operation.operation_id());
        text.replace(
            &format!("`{camel}`"),
            &format!("`{}`", subcommand_name(operation)),
        )
    })
}

/// `list_campaigns` → `list-campaigns`.
fn subcommand_name(operation: CliCommand) -> String {
    operation.operation_id().replace('_', "-")
}

/// The client the global options describe (token, base URL, timeout, retries), keeping the
/// raw answer in `raw` where `--raw` asked for it. A problem is printed, exit 2.
fn client(sub: &ArgMatches, raw: Option<output::RawBody>) -> Result<salesflow::Client, Exit> {
    let token = token(sub).map_err(|message| failure::usage(&message))?;
    let mut builder = ClientBuilder::new()
        .token(token)
        .application(concat!("salesflow-cli/", env!("CARGO_PKG_VERSION")));
    // An empty SALESFLOW_BASE_URL means the default, as if it were not set.
    if let Some(url) = sub
        .get_one::<String>("base-url")
        .filter(|url| !url.trim().is_empty())
    {
        builder = builder.base_url(url.trim());
    }
    if let Some(seconds) = sub.get_one::<u64>("timeout") {
        let timeout = std::time::Duration::from_secs(*seconds);
        builder = builder
            .timeout(timeout)
            .connect_timeout(timeout.min(std::time::Duration::from_secs(10)));
    }
    if let Some(raw) = raw {
        builder = builder.on_raw_response(move |_, body| raw.keep(body));
    }
    // A server that does not answer costs one timeout, not one per try: a call ends
    // within about a minute by default.
    let retries = sub.get_one::<u32>("retries").copied().unwrap_or(3);
    builder = builder.retry(
        salesflow::RetryPolicy::default()
            .max_retries(retries)
            .retry_timeouts(false),
    );
    if let Some(per_minute) = sub.get_one::<u32>("rate-limit") {
        builder = builder.rate_limit(salesflow::RateLimit::per_minute(*per_minute));
    }
    builder.build().map_err(|error| match error {
        salesflow::ConfigError::BadBaseUrl(_) => {
            let from = match sub.value_source("base-url") {
                Some(clap::parser::ValueSource::EnvVariable) => salesflow::BASE_URL_VAR,
                _ => "--base-url",
            };
            failure::usage(&format!(
                "{from}: {error}; correct it, or leave it out for Salesflow's own hosts"
            ))
        }
        other => failure::usage(&other.to_string()),
    })
}

/// The `--account-id` of the hand-written commands (`import`, `sync`): required, from
/// `SALESFLOW_ACCOUNT_ID` when not given, as the generated subcommands take it.
fn account_id_arg() -> Arg {
    Arg::new("account-id")
        .long("account-id")
        .required(true)
        .env(crate::ACCOUNT_ID_VAR)
        .hide_env_values(true)
        .value_name("ID")
        .value_parser(clap::value_parser!(i64))
        .help("The LinkedIn account (see `list-accounts`)")
}

/// The runtime of a command: one thread (a command is one job at a time).
fn runtime() -> Result<tokio::runtime::Runtime, Exit> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| failure::usage(&format!("cannot start: {error}")))
}

fn run(matches: &ArgMatches) -> Exit {
    let Some((name, sub)) = matches.subcommand() else {
        return Exit::Usage;
    };
    if name == "completions" {
        let shell = *sub
            .get_one::<clap_complete::Shell>("shell")
            .expect("required");
        // Written whole, then copied: a closed pipe (`| head -1`) is not a panic.
        let mut script = Vec::new();
        clap_complete::generate(shell, &mut command(), "salesflow", &mut script);
        let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), &script);
        return Exit::Success;
    }
    if name == "webhooks" {
        return webhooks::run(sub);
    }
    if name == "import" {
        return import::run(sub);
    }
    if name == "sync" {
        return sync::run(sub);
    }
    if name == "mcp" {
        return mcp::run(sub);
    }
    let Some(operation) = CliCommand::iter().find(|op| subcommand_name(*op) == name) else {
        return Exit::Usage;
    };
    if let Err(message) = body::agrees_with_flags(sub) {
        return failure::usage(&message);
    }
    let raw = sub.get_flag("raw").then(output::RawBody::default);
    let client = match client(sub, raw.clone()) {
        Ok(client) => client,
        Err(exit) => return exit,
    };
    let format = sub
        .get_one::<String>("format")
        .and_then(|name| Format::from_name(name))
        .unwrap_or(Format::Json);
    let columns = match sub.get_one::<String>("columns") {
        None => None,
        Some(_) if !format.has_columns() => {
            return failure::usage(
                "--columns chooses the columns of --format csv, excel or table; add one of them, or leave --columns out",
            );
        }
        Some(chosen) => {
            let available = output::spec_columns(operation.operation_id()).unwrap_or_default();
            match output::choose_columns(chosen, available) {
                Ok(columns) => Some(columns),
                Err(message) => return failure::usage(&message),
            }
        }
    };
    let cli = Cli::new(
        client,
        Output::new(format, operation.operation_id())
            .verbatim_csv(sub.get_flag("csv-verbatim"))
            .with_columns(columns)
            .with_raw(raw),
    );
    // Two threads: a list is streamed from inside progenitor's (synchronous) hook.
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => return failure::usage(&format!("cannot start: {error}")),
    };
    match runtime.block_on(cli.execute(operation, sub)) {
        Ok(()) => Exit::Success,
        Err(error) => {
            if let Some(output::Streamed(exit)) = error.downcast_ref::<output::Streamed>() {
                return *exit;
            }
            match error.downcast_ref::<salesflow::Error>() {
                // API and network errors were printed by `Output::error`.
                Some(api_error) => Exit::of(api_error),
                None => failure::usage(&format!("{error:#}")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        command().debug_assert();
    }

    #[test]
    fn descriptions_are_reflowed_but_lists_kept() {
        assert_eq!(
            reflow("Summary\n\nOne line\nwrapped.\n- item\n  more\n- two"),
            "Summary\n\nOne line wrapped.\n- item more\n- two"
        );
    }

    #[test]
    fn every_operation_is_a_kebab_case_subcommand() {
        let command = command();
        let names: Vec<&str> = command.get_subcommands().map(Command::get_name).collect();
        assert_eq!(
            names.len(),
            26,
            "21 operations, import, sync, mcp, webhooks and completions"
        );
        for name in [
            "list-campaigns",
            "import-member",
            "get-analytics-by-campaign",
            "completions",
            "webhooks",
            "import",
        ] {
            assert!(names.contains(&name), "{name}");
        }
    }
}
