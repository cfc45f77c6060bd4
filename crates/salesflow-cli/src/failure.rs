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
            crate::ACCOUNT_ID_VAR
        ),
    );
    format!("{} (see --help)", line.trim_end_matches(':'))
}

/// The line printed for an SDK error: what went wrong once and what to do once, in the
/// command's words: subcommands and flags, not operationIds, API fields or library types.
pub fn describe(error: &Error) -> String {
    let command = subcommand(error.operation());
    if let Error::InvalidRequest { field, rule, .. } = error {
        // The only rule on the body as a whole: no field set. The library's words for it
        // name its Rust calls.
        if field == "body" {
            return format!(
                "salesflow: {command}: nothing to send: give at least one of its body flags \
                 (see `salesflow {command} --help`) or --json-body; nothing was sent"
            );
        }
        let rule = rule.trim_end_matches("; set it on the builder");
        let also = (field == "accountId" && rule.starts_with("is required"))
            .then_some(format!(" (or set {})", crate::ACCOUNT_ID_VAR))
            .unwrap_or_default();
        return format!(
            "salesflow: {command}: {} {rule}{also}; nothing was sent",
            flag(field)
        );
    }
    let hint = match error {
        Error::Api { status, .. } => match status {
            300..=399 => Some("redirects are not followed: they would carry the token"),
            401 | 403 => Some(
                "check the token (SALESFLOW_TOKEN or --token-file) and that it belongs to --account-id",
            ),
            404 => None,
            429 => Some("Salesflow is rate-limiting: wait, then try again"),
            500..=599 => Some("Salesflow failed: try again later"),
            _ => None,
        },
        Error::NotFound { .. } => None,
        Error::Transport { kind, .. } => Some(match kind {
            TransportKind::Connect => {
                "check the network, and --base-url or SALESFLOW_BASE_URL if set"
            }
            TransportKind::Timeout => {
                "it was not sent again; check that --base-url or SALESFLOW_BASE_URL, if set, is the Salesflow API, then try again later"
            }
            _ => "try again",
        }),
        _ => None,
    };
    let not_found = matches!(error, Error::NotFound { .. })
        || matches!(error, Error::Api { status, .. } if *status == 404);
    let not_found_hint;
    let hint = if not_found {
        not_found_hint = ids_to_check(error.operation());
        Some(not_found_hint.as_str())
    } else {
        hint
    };
    // A server's message may carry anything: shown, never run by the terminal.
    let detail = error.detail().to_string();
    let detail = crate::terminal::safe(&detail);
    match hint {
        Some(hint) => format!("salesflow: {command}: {detail} ({hint})"),
        None => format!("salesflow: {command}: {detail}"),
    }
}

/// What to check when Salesflow found nothing: the id flags of `operation`'s subcommand,
/// each with the subcommand that lists them.
fn ids_to_check(operation: &str) -> String {
    const LISTED_BY: [(&str, &str); 5] = [
        ("member-id", "list-contacts-by-campaign"),
        ("webhook-campaign-id", "list-webhooks"),
        ("webhook-id", "list-webhooks"),
        ("campaign-id", "list-campaigns"),
        ("account-id", "list-accounts"),
    ];
    let name = subcommand(operation);
    let command = crate::generated::cli::CliCommand::iter()
        .find(|op| op.operation_id().replace('_', "-") == name)
        .map(crate::generated::cli::Cli::<crate::output::Output>::get_command);
    let (flags, listers): (Vec<String>, Vec<String>) = LISTED_BY
        .iter()
        .filter(|(flag, _)| {
            command
                .as_ref()
                .is_some_and(|c| c.get_arguments().any(|a| a.get_id() == flag))
        })
        .map(|(flag, lister)| (format!("--{flag}"), format!("`{lister}`")))
        .unzip();
    if flags.is_empty() {
        return "check the ids given".to_owned();
    }
    let mut listers = listers;
    listers.dedup();
    format!(
        "check {}: {} {} them",
        flags.join(" and "),
        listers.join(" and "),
        if listers.len() == 1 { "lists" } else { "list" }
    )
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

    #[test]
    fn a_missing_thing_names_the_flags_to_check_and_where_to_find_them() {
        assert_eq!(
            ids_to_check("startCampaign"),
            "check --campaign-id and --account-id: `list-campaigns` and `list-accounts` list them"
        );
        assert_eq!(
            ids_to_check("getContact"),
            "check --member-id and --account-id: `list-contacts-by-campaign` and `list-accounts` list them"
        );
    }
}
