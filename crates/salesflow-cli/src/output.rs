//! Prints results and errors, as progenitor's `CliConfig` asks: a list is read with the
//! SDK's `stream()` and written item by item ([`Export`]), a single answer at once.

use std::borrow::Cow;
use std::io::{IsTerminal, Write};

use salesflow::{ResponseValue, StreamExt};
use serde::Serialize;

use crate::export::{Export, Format, Layout};
use crate::failure::{self, Exit};
use crate::generated::cli::CliConfig;

/// The output side of the command line.
pub struct Output {
    format: Format,
    /// CSV cells as they are (`--csv-verbatim`), not made safe for a spreadsheet.
    verbatim: bool,
    pretty: bool,
    /// The columns of CSV and tables: the spec's, or those `--columns` chose.
    columns: Vec<String>,
    raw: Option<RawBody>,
}

/// The body of the last answer, as Salesflow sent it, for `--raw`.
#[derive(Clone, Default)]
pub struct RawBody(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl RawBody {
    /// Keeps `body` (the client's raw-answer tap calls this).
    pub fn keep(&self, body: &[u8]) {
        if let Ok(mut kept) = self.0.lock() {
            kept.clear();
            kept.extend_from_slice(body);
        }
    }
}

/// A list was written as it streamed in; the command ends with this exit code. Returned
/// (as an error, which skips progenitor's own `send`) by the hooks that stream.
#[derive(Debug)]
pub struct Streamed(pub Exit);

impl std::fmt::Display for Streamed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the list was written as it arrived")
    }
}

impl std::error::Error for Streamed {}

/// The columns of the answer of `operation_id` (progenitor's snake-case id), in the spec's
/// order.
pub fn spec_columns(operation_id: &str) -> Option<&'static [&'static str]> {
    crate::generated::columns::COLUMNS
        .iter()
        .find(|(id, _)| *id == operation_id)
        .map(|(_, columns)| *columns)
}

/// The columns `--columns a,b,c` chose among `available`, in the order given (names match
/// ignoring case); an unknown name is an error listing those there are.
pub fn choose_columns(chosen: &str, available: &[&str]) -> Result<Vec<String>, String> {
    chosen
        .split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(|name| {
            available
                .iter()
                .find(|column| column.eq_ignore_ascii_case(name))
                .map(|column| (*column).to_owned())
                .ok_or_else(|| {
                    format!(
                        "--columns: there is no column {name}; the columns are {}",
                        available.join(",")
                    )
                })
        })
        .collect()
}

impl Output {
    /// Output in `format`, JSON pretty-printed when stdout is a terminal, CSV and table
    /// columns as the spec lists them for `operation_id`.
    pub fn new(format: Format, operation_id: &str) -> Self {
        Self {
            format,
            verbatim: false,
            pretty: std::io::stdout().is_terminal(),
            columns: spec_columns(operation_id)
                .unwrap_or_default()
                .iter()
                .map(|c| (*c).to_owned())
                .collect(),
            raw: None,
        }
    }

    /// Writes CSV cells exactly as they are, formulas and all (`--csv-verbatim`).
    pub fn verbatim_csv(mut self, verbatim: bool) -> Self {
        self.verbatim = verbatim;
        self
    }

    /// Prints the body as Salesflow sent it instead of the decoded value, if `raw` is set.
    pub fn with_raw(mut self, raw: Option<RawBody>) -> Self {
        self.raw = raw;
        self
    }

    /// CSV and table columns chosen by `--columns`.
    pub fn with_columns(mut self, columns: Option<Vec<String>>) -> Self {
        if let Some(columns) = columns {
            self.columns = columns;
        }
        self
    }

    /// The columns of CSV and tables: the spec's (or those `--columns` chose), else, for an
    /// answer the spec gives none, the first item's own.
    fn columns_for(&self, first: Option<&serde_json::Value>) -> Cow<'_, [String]> {
        if self.columns.is_empty() && self.format.has_columns() {
            Cow::Owned(first.map(crate::rows::columns_of).unwrap_or_default())
        } else {
            Cow::Borrowed(&self.columns)
        }
    }

    fn layout<'a>(&self, columns: &'a [String]) -> Layout<'a> {
        Layout {
            format: self.format,
            pretty: self.pretty,
            verbatim: self.verbatim,
            columns,
            width: crate::table::terminal_width(),
        }
    }

    fn print<T: Serialize>(&self, value: &T) {
        let mut stdout = std::io::stdout().lock();
        if let Some(raw) = &self.raw {
            let body = raw.0.lock().map(|body| body.clone()).unwrap_or_default();
            let _ = stdout.write_all(&body);
            if !body.ends_with(b"\n") {
                let _ = stdout.write_all(b"\n");
            }
            return;
        }
        let mut value = serde_json::to_value(value).unwrap_or(serde_json::Value::Null);
        mark_utc(&mut value);
        let (items, list) = match value {
            serde_json::Value::Array(items) => (items, true),
            other => (vec![other], false),
        };
        let columns = self.columns_for(items.first());
        let layout = self.layout(&columns);
        // A closed pipe (`| head`) is not an error worth a panic, nor a message.
        let _ = (|| {
            let mut export = Export::start(&mut stdout, &layout, list)?;
            for item in &items {
                export.item(item)?;
            }
            export.finish()
        })();
    }

    /// Reads a list with `stream()` and writes each item as it arrives. Ends the command
    /// with [`Streamed`] (so progenitor does not send the request again); with `--raw`,
    /// does nothing and lets progenitor send it, to print the body as it came.
    fn stream<T, S>(&self, items: S) -> anyhow::Result<()>
    where
        T: Serialize,
        S: salesflow::Stream<Item = Result<T, salesflow::Error>>,
    {
        if self.raw.is_some() {
            return Ok(());
        }
        let handle = tokio::runtime::Handle::current();
        let exit = tokio::task::block_in_place(|| handle.block_on(self.write_stream(items)));
        Err(anyhow::Error::new(Streamed(exit)))
    }

    async fn write_stream<T, S>(&self, items: S) -> Exit
    where
        T: Serialize,
        S: salesflow::Stream<Item = Result<T, salesflow::Error>>,
    {
        let mut items = std::pin::pin!(items);
        let exit = std::cell::Cell::new(Exit::Success);
        // An item that does not decode is skipped and said (the exit code tells); an error
        // of the request or the transfer is the last item.
        let mut next = async || {
            while let Some(item) = items.next().await {
                match item {
                    Ok(item) => {
                        let mut value =
                            serde_json::to_value(&item).unwrap_or(serde_json::Value::Null);
                        mark_utc(&mut value);
                        return Some(value);
                    }
                    Err(error) => {
                        eprintln!("{}", failure::describe(&error));
                        if matches!(exit.get(), Exit::Success) {
                            exit.set(Exit::of(&error));
                        }
                    }
                }
            }
            None
        };
        let first = next().await;
        let columns = self.columns_for(first.as_ref());
        let layout = self.layout(&columns);
        let mut stdout = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
        // A closed pipe (`| head`) ends the writing, quietly.
        let _ = async {
            let Some(first) = first else {
                // Nothing came but an error: no empty list that would look like an answer.
                if matches!(exit.get(), Exit::Success) {
                    Export::start(&mut stdout, &layout, true)?.finish()?;
                }
                return Ok(());
            };
            let mut export = Export::start(&mut stdout, &layout, true)?;
            export.item(&first)?;
            while let Some(item) = next().await {
                export.item(&item)?;
            }
            export.finish()
        }
        .await
        .map_err(|_: std::io::Error| ());
        exit.get()
    }
}

/// Writes every timestamp field in one unambiguous form: RFC 3339 in UTC, with `Z`
/// (`2024-07-16T06:59:05.62Z`), whatever form Salesflow sent.
fn mark_utc(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(fields) => {
            for (key, field) in fields.iter_mut() {
                if crate::generated::columns::TIMESTAMP_FIELDS.contains(&key.as_str())
                    && let Some(time) = field
                        .as_str()
                        .and_then(|text| text.parse::<salesflow::Timestamp>().ok())
                {
                    *field = serde_json::Value::String(format!("{time}Z"));
                } else {
                    mark_utc(field);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(mark_utc),
        _ => {}
    }
}

/// The hooks of the list operations: each streams its request instead of sending it.
macro_rules! streamed_lists {
    ($($hook:ident => $builder:ident),* $(,)?) => {
        $(
            fn $hook(
                &self,
                _: &clap::ArgMatches,
                request: &mut salesflow::builder::$builder,
            ) -> anyhow::Result<()> {
                self.stream(request.clone().stream())
            }
        )*
    };
}

impl CliConfig for Output {
    fn success_item<T>(&self, value: &ResponseValue<T>)
    where
        T: Serialize + std::fmt::Debug,
    {
        self.print(value.as_ref());
    }

    fn success_no_item(&self, _: &ResponseValue<()>) {}

    fn error(&self, error: &salesflow::Error) {
        eprintln!("{}", failure::describe(error));
    }

    fn execute_list_contacts_by_public_identifiers(
        &self,
        matches: &clap::ArgMatches,
        request: &mut salesflow::builder::ListContactsByPublicIdentifiers,
    ) -> anyhow::Result<()> {
        if let Some(identifiers) = crate::body::identifiers(matches) {
            *request = request
                .clone()
                .body_map(|body| body.public_identifiers(identifiers));
        }
        self.stream(request.clone().stream())
    }

    streamed_lists! {
        execute_list_accounts => ListAccounts,
        execute_list_campaigns => ListCampaigns,
        execute_list_contacts_by_account => ListContactsByAccount,
        execute_list_contacts_by_campaign => ListContactsByCampaign,
        execute_list_webhooks => ListWebhooks,
        execute_get_analytics_by_account => GetAnalyticsByAccount,
        execute_list_incoming_messages_by_account => ListIncomingMessagesByAccount,
        execute_list_incoming_messages_by_campaign => ListIncomingMessagesByCampaign,
    }

    fn list_start<T>(&self)
    where
        T: Serialize + std::fmt::Debug,
    {
    }

    fn list_item<T>(&self, value: &T)
    where
        T: Serialize + std::fmt::Debug,
    {
        self.print(value);
    }

    fn list_end_success<T>(&self)
    where
        T: Serialize + std::fmt::Debug,
    {
    }

    fn list_end_error(&self, error: &salesflow::Error) {
        self.error(error);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_chosen_by_name_in_the_order_given() {
        let available = ["MemberId", "FirstName", "LastName"];
        assert_eq!(
            choose_columns("lastname, MemberId", &available).unwrap(),
            ["LastName", "MemberId"]
        );
        assert_eq!(
            choose_columns("Mail", &available).unwrap_err(),
            "--columns: there is no column Mail; the columns are MemberId,FirstName,LastName"
        );
    }
}
