//! Prints results (JSON, CSV or a table) and errors, as progenitor's `CliConfig` asks.

use std::io::{IsTerminal, Write};

use salesflow::ResponseValue;
use serde::Serialize;

use crate::failure;
use crate::generated::CliConfig;
use crate::rows::{self, Cells};

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON: pretty on a terminal, one line when piped.
    Json,
    /// CSV with a header row, one row per item.
    Csv,
    /// A Markdown table, one row per item.
    Table,
    /// One line of JSON per item of a list (the answer itself, for one record).
    Ndjson,
}

impl Format {
    /// The names `--format` takes.
    pub const NAMES: [&'static str; 4] = ["json", "csv", "table", "ndjson"];

    /// The format named `name` (one of [`NAMES`](Self::NAMES)).
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "json" => Some(Self::Json),
            "csv" => Some(Self::Csv),
            "table" => Some(Self::Table),
            "ndjson" => Some(Self::Ndjson),
            _ => None,
        }
    }
}

/// The output side of the command line.
pub struct Output {
    format: Format,
    /// CSV cells as they are (`--csv-verbatim`), not made safe for a spreadsheet.
    verbatim: bool,
    pretty: bool,
    columns: Option<&'static [&'static str]>,
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

impl Output {
    /// Output in `format`, JSON pretty-printed when stdout is a terminal.
    pub fn new(format: Format, operation_id: &str) -> Self {
        Self {
            format,
            verbatim: false,
            pretty: std::io::stdout().is_terminal(),
            columns: crate::generated_columns::COLUMNS
                .iter()
                .find(|(id, _)| *id == operation_id)
                .map(|(_, columns)| *columns),
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

    fn print<T: Serialize>(&self, value: &T) {
        if let Some(raw) = &self.raw {
            let body = raw.0.lock().map(|body| body.clone()).unwrap_or_default();
            let mut stdout = std::io::stdout().lock();
            let _ = stdout.write_all(&body);
            if !body.ends_with(b"\n") {
                let _ = stdout.write_all(b"\n");
            }
            return;
        }
        let mut value = serde_json::to_value(value).unwrap_or(serde_json::Value::Null);
        mark_utc(&mut value);
        let text = match self.format {
            Format::Json if self.pretty => serde_json::to_string_pretty(&value).unwrap_or_default(),
            Format::Json => value.to_string(),
            Format::Csv if self.verbatim => csv_text(&value, self.columns, Cells::Verbatim),
            Format::Csv => csv_text(&value, self.columns, Cells::Spreadsheet),
            Format::Table => table_text(&value, self.columns),
            Format::Ndjson => match &value {
                serde_json::Value::Array(items) => {
                    items.iter().map(|item| format!("{item}\n")).collect()
                }
                other => other.to_string(),
            },
        };
        let text = text.trim_end();
        if text.is_empty() {
            return; // an empty list as NDJSON: no lines at all
        }
        let mut stdout = std::io::stdout().lock();
        // A closed pipe (`| head`) is not an error worth a panic.
        let _ = writeln!(stdout, "{text}");
    }
}

/// Writes every timestamp field in one unambiguous form: RFC 3339 in UTC, with `Z`
/// (`2024-07-16T06:59:05.62Z`), whatever form Salesflow sent.
fn mark_utc(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(fields) => {
            for (key, field) in fields.iter_mut() {
                if crate::generated_columns::TIMESTAMP_FIELDS.contains(&key.as_str())
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

fn csv_text(value: &serde_json::Value, fixed: Option<&[&str]>, cells: Cells) -> String {
    let (columns, rows) = rows::table(value, fixed, cells);
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(&columns);
    for row in rows {
        let _ = writer.write_record(&row);
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

fn table_text(value: &serde_json::Value, fixed: Option<&[&str]>) -> String {
    let (columns, rows) = rows::table(value, fixed, Cells::Terminal);
    let mut table = comfy_table::Table::new();
    table.load_style(comfy_table::presets::ASCII_MARKDOWN);
    table.set_header(columns);
    for row in rows {
        table.add_row(row);
    }
    table.to_string()
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
        Ok(())
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
