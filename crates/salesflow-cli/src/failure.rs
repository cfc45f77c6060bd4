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
    /// 130: stopped by Ctrl-C (128 + SIGINT, as shells report it).
    Interrupted,
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
            Exit::Interrupted => 130,
        })
    }
}

/// Prints a usage problem and returns its exit code.
pub fn usage(message: &str) -> Exit {
    eprintln!("salesflow: {}", crate::terminal::safe(message));
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
    let line = parts.join(" ");
    // A missing --account-id can come from the environment too: say so.
    let line = line.replace(
        "--account-id <account-id>",
        &format!(
            "--account-id <account-id> (or set {})",
            salesflow::ACCOUNT_ID_VAR
        ),
    );
    format!("{} (see --help)", line.trim_end_matches(':'))
}

/// The line printed for an SDK error: what went wrong once and what to do once, in the
/// command's words: subcommands and flags, not operationIds, API fields or library types.
pub fn describe(error: &Error) -> String {
    let command = subcommand(error.operation());
    if let Error::InvalidRequest { field, rule, .. } = error {
        let rule = rule.trim_end_matches("; set it on the builder");
        let also = (field == "accountId" && rule.starts_with("is required"))
            .then_some(format!(" (or set {})", salesflow::ACCOUNT_ID_VAR))
            .unwrap_or_default();
        return format!(
            "salesflow: {command}: {} {rule}{also}; nothing was sent",
            flag(field)
        );
    }
    let hint = match error {
        Error::Api { status, .. } => match status.as_u16() {
            300..=399 => Some("redirects are not followed: they would carry the token"),
            401 | 403 => Some(
                "check the token (SALESFLOW_TOKEN or --token-file) and that it belongs to --account-id",
            ),
            404 => Some("check the ids given"),
            429 => Some("Salesflow is rate-limiting: wait, then try again"),
            500..=599 => Some("Salesflow failed: try again later"),
            _ => None,
        },
        Error::NotFound { .. } => Some("check the ids given"),
        Error::Transport { kind, .. } => Some(match kind {
            TransportKind::Connect => "check the network, and --base-url if set",
            TransportKind::Timeout => "try again later, or raise --timeout",
            _ => "try again",
        }),
        _ => None,
    };
    // A server's message may carry anything: shown, never run by the terminal.
    let detail = error.detail().to_string();
    let detail = crate::terminal::safe(&detail);
    match hint {
        Some(hint) => format!("salesflow: {command}: {detail} ({hint})"),
        None => format!("salesflow: {command}: {detail}"),
    }
}

/// `listCampaigns` → `list-campaigns`: the subcommand of an operation.
pub fn subcommand(operation: &str) -> String {
    heck::ToKebabCase::to_kebab_case(operation)
}

/// The flag of a request field (`linkedInUrl` → `--linked-in-url`), or, for a field of the
/// JSON body (`PublicIdentifiers[2]`, `Name`), the field as `--json-body` holds it.
fn flag(field: &str) -> String {
    let is_parameter = field.starts_with(|c: char| c.is_ascii_lowercase())
        && field.chars().all(|c| c.is_ascii_alphanumeric());
    if is_parameter {
        format!("--{}", heck::ToKebabCase::to_kebab_case(field))
    } else {
        format!("the --json-body field {field}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_become_flags() {
        assert_eq!(flag("linkedInUrl"), "--linked-in-url");
        assert_eq!(flag("accountId"), "--account-id");
        assert_eq!(
            flag("PublicIdentifiers[2]"),
            "the --json-body field PublicIdentifiers[2]"
        );
        assert_eq!(
            subcommand("getContactByPublicIdentifier"),
            "get-contact-by-public-identifier"
        );
    }

    #[test]
    fn one_hint_in_the_commands_words() {
        let missing = Error::InvalidRequest {
            operation: "listCampaigns",
            field: "accountId".into(),
            rule: "is required; set it on the builder".into(),
        };
        assert_eq!(
            describe(&missing),
            "salesflow: list-campaigns: --account-id is required (or set SALESFLOW_ACCOUNT_ID); nothing was sent"
        );
    }
}
