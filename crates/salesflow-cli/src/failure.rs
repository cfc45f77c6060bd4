//! Exit codes and the one line printed on stderr when something fails.

use std::process::ExitCode;

use salesflow::{Error, TransportKind};

/// The documented exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: the call succeeded (or help was printed).
    Success,
    /// 1: Salesflow answered with an error, or an answer the API does not document.
    Api,
    /// 2: the command line or the input is wrong; nothing was sent.
    Usage,
    /// 3: no answer: connection, DNS, TLS or timeout.
    Network,
}

impl Exit {
    /// The exit code for an SDK error.
    pub fn of(error: &Error) -> Self {
        match error {
            Error::InvalidRequest { .. } => Self::Usage,
            Error::Transport { .. } => Self::Network,
            _ => Self::Api,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(match exit {
            Exit::Success => 0,
            Exit::Api => 1,
            Exit::Usage => 2,
            Exit::Network => 3,
        })
    }
}

/// Prints a usage problem and returns its exit code.
pub fn usage(message: &str) -> Exit {
    eprintln!("salesflow: {message}");
    Exit::Usage
}

/// clap's several-line usage error as one line: what is wrong, then where to look.
pub fn one_line(rendered: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for line in rendered.lines().map(str::trim) {
        if line.is_empty() || line.starts_with("Usage:") || line.starts_with("For more information")
        {
            continue;
        }
        if let Some(tip) = line.strip_prefix("tip: ") {
            parts.push(tip);
            continue;
        }
        parts.push(line.strip_prefix("error: ").unwrap_or(line));
    }
    format!("{} (see --help)", parts.join(" ").trim_end_matches(':'))
}

/// The line printed for an SDK error: what went wrong and what to do.
pub fn describe(error: &Error) -> String {
    let hint = match error {
        Error::Api { status, .. } => match status.as_u16() {
            401 | 403 => {
                Some("check --token (SALESFLOW_TOKEN) and that it belongs to --account-id")
            }
            404 => Some("check the ids given"),
            409 if error.operation() == "startCampaign" => Some("the campaign is already running"),
            429 => Some("Salesflow is rate-limiting: wait, then try again"),
            500..=599 => Some("Salesflow failed: try again later"),
            _ => None,
        },
        Error::Transport {
            kind: TransportKind::Connect,
            ..
        } => Some("check the network, and --base-url if set"),
        Error::InvalidRequest { .. } => Some("fix the input; see --help"),
        _ => None,
    };
    match hint {
        Some(hint) => format!("salesflow: {error} ({hint})"),
        None => format!("salesflow: {error}"),
    }
}
