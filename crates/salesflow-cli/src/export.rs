//! Writes results as they arrive, in the format asked for: JSON (a list stays one array),
//! NDJSON, CSV (for a program, or for Excel) or a table. Each item is written, then
//! dropped: memory does not grow with the list.

use std::io::{self, Write};

use serde_json::Value;

use crate::rows::{self, Cells};
use crate::table::StreamTable;

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON: pretty on a terminal, one line when piped.
    Json,
    /// CSV with a header row, one row per item.
    Csv,
    /// CSV as Excel opens it by a double click: UTF-8 with a byte order mark, CRLF.
    Excel,
    /// A Markdown table, one row per item (one block per record when wider than the
    /// terminal).
    Table,
    /// One line of JSON per item of a list (the answer itself, for one record).
    Ndjson,
}

impl Format {
    /// The names `--format` takes.
    pub const NAMES: [&'static str; 5] = ["json", "csv", "excel", "table", "ndjson"];

    /// The format named `name` (one of [`NAMES`](Self::NAMES)).
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "json" => Some(Self::Json),
            "csv" => Some(Self::Csv),
            "excel" => Some(Self::Excel),
            "table" => Some(Self::Table),
            "ndjson" => Some(Self::Ndjson),
            _ => None,
        }
    }

    /// Whether the format has columns (`--columns` applies).
    pub fn has_columns(self) -> bool {
        matches!(self, Self::Csv | Self::Excel | Self::Table)
    }
}

/// What an export needs to know besides the items.
pub struct Layout<'a> {
    /// The format.
    pub format: Format,
    /// Pretty JSON (on a terminal).
    pub pretty: bool,
    /// CSV cells exactly as they are (`--csv-verbatim`).
    pub verbatim: bool,
    /// The columns of CSV and tables, in order.
    pub columns: &'a [String],
    /// The terminal's width, for tables.
    pub width: Option<usize>,
}

/// An export in progress to `out`.
pub struct Export<'a, W: Write> {
    kind: Kind<W>,
    columns: &'a [String],
    items: usize,
}

enum Kind<W: Write> {
    Json { out: W, pretty: bool, list: bool },
    Ndjson(W),
    Csv(Box<csv::Writer<W>>, Cells),
    Table(StreamTable<W>),
}

impl<'a, W: Write> Export<'a, W> {
    /// Starts an export: a list (`list`) or one value. CSV writes its header (after a
    /// byte order mark for Excel), JSON opens the array.
    pub fn start(mut out: W, layout: &Layout<'a>, list: bool) -> io::Result<Self> {
        let kind = match layout.format {
            Format::Json => {
                if list {
                    write!(out, "[")?;
                }
                Kind::Json {
                    out,
                    pretty: layout.pretty,
                    list,
                }
            }
            Format::Ndjson => Kind::Ndjson(out),
            Format::Csv | Format::Excel => {
                let excel = layout.format == Format::Excel;
                if excel {
                    out.write_all("\u{feff}".as_bytes())?;
                }
                let mut writer = csv::WriterBuilder::new()
                    .terminator(if excel {
                        csv::Terminator::CRLF
                    } else {
                        csv::Terminator::Any(b'\n')
                    })
                    .from_writer(out);
                let cells = if layout.verbatim {
                    Cells::Verbatim
                } else {
                    Cells::Spreadsheet
                };
                let header: Vec<String> = layout
                    .columns
                    .iter()
                    .map(|c| rows::header(c, cells))
                    .collect();
                writer.write_record(&header)?;
                Kind::Csv(Box::new(writer), cells)
            }
            Format::Table => {
                let header = layout
                    .columns
                    .iter()
                    .map(|c| rows::header(c, Cells::Terminal))
                    .collect();
                Kind::Table(StreamTable::new(out, header, layout.width))
            }
        };
        Ok(Self {
            kind,
            columns: layout.columns,
            items: 0,
        })
    }

    /// Writes one item.
    pub fn item(&mut self, item: &Value) -> io::Result<()> {
        let first = self.items == 0;
        self.items += 1;
        match &mut self.kind {
            Kind::Json { out, pretty, list } => {
                if *list {
                    if !first {
                        write!(out, ",")?;
                    }
                    if *pretty {
                        // As serde_json prints a pretty array: each item indented by two.
                        let text = serde_json::to_string_pretty(item)?;
                        write!(out, "\n  {}", text.replace('\n', "\n  "))?;
                    } else {
                        serde_json::to_writer(&mut *out, item)?;
                    }
                } else if *pretty {
                    serde_json::to_writer_pretty(&mut *out, item)?;
                } else {
                    serde_json::to_writer(&mut *out, item)?;
                }
            }
            Kind::Ndjson(out) => {
                serde_json::to_writer(&mut *out, item)?;
                writeln!(out)?;
            }
            Kind::Csv(writer, cells) => {
                for row in rows::rows(item, self.columns, *cells) {
                    writer.write_record(&row)?;
                }
            }
            Kind::Table(table) => {
                for row in rows::rows(item, self.columns, Cells::Terminal) {
                    table.row(row)?;
                }
            }
        }
        Ok(())
    }

    /// Ends the export: closes the JSON array, writes what a table holds, flushes.
    pub fn finish(self) -> io::Result<()> {
        match self.kind {
            Kind::Json {
                mut out,
                pretty,
                list,
            } => {
                if list {
                    if pretty && self.items > 0 {
                        write!(out, "\n]")?;
                    } else {
                        write!(out, "]")?;
                    }
                }
                if list || self.items > 0 {
                    writeln!(out)?;
                }
                out.flush()
            }
            Kind::Ndjson(mut out) => out.flush(),
            Kind::Csv(mut writer, _) => writer.flush(),
            Kind::Table(table) => table.finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn export(format: Format, pretty: bool, items: &[Value], list: bool) -> String {
        let columns = ["Id".to_owned(), "Name".to_owned()];
        let layout = Layout {
            format,
            pretty,
            verbatim: false,
            columns: &columns,
            width: None,
        };
        let mut out = Vec::new();
        let mut export = Export::start(&mut out, &layout, list).unwrap();
        for item in items {
            export.item(item).unwrap();
        }
        export.finish().unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn json_written_item_by_item_is_what_serde_json_writes_for_the_list() {
        let items = [
            json!({"Id": 1, "Name": "Ann"}),
            json!({"Id": 2, "Name": null}),
        ];
        let whole = Value::Array(items.to_vec());
        for pretty in [false, true] {
            let expected = if pretty {
                serde_json::to_string_pretty(&whole).unwrap()
            } else {
                whole.to_string()
            };
            assert_eq!(export(Format::Json, pretty, &items, true), expected + "\n");
            assert_eq!(export(Format::Json, pretty, &[], true), "[]\n");
        }
        assert_eq!(
            export(Format::Json, false, &items[..1], false),
            "{\"Id\":1,\"Name\":\"Ann\"}\n"
        );
    }

    #[test]
    fn excel_gets_a_byte_order_mark_and_crlf() {
        let text = export(
            Format::Excel,
            false,
            &[json!({"Id": 1, "Name": "María"})],
            true,
        );
        assert_eq!(text, "\u{feff}Id,Name\r\n1,María\r\n");
        let text = export(
            Format::Csv,
            false,
            &[json!({"Id": 1, "Name": "María"})],
            true,
        );
        assert_eq!(text, "Id,Name\n1,María\n");
    }
}
