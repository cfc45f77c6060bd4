//! Flattens JSON results into rows for CSV and tables: one row per item, nested fields as
//! `Parent.Child` columns, and one row per element of an item's list of records (a
//! contact's messages, a webhook's attachments). Text from Salesflow comes from prospects,
//! so cells are made safe for where they go: a spreadsheet or a terminal.

use serde_json::{Map, Value};

/// Where the cells go, and so what is made safe in them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cells {
    /// A CSV file for a spreadsheet: text that would run as a formula gets a leading `'`.
    Spreadsheet,
    /// A CSV file for a program (`--csv-verbatim`): every cell as it is.
    Verbatim,
    /// A terminal: control characters shown escaped.
    Terminal,
}

impl Cells {
    /// The cell text for a value (`text`: whether it is text, not a number or a boolean).
    fn safe(self, cell: String, text: bool) -> String {
        match self {
            Self::Spreadsheet if text => salesflow_ext::defuse_formula(&cell).into_owned(),
            Self::Spreadsheet | Self::Verbatim => cell,
            Self::Terminal => crate::terminal::safe(&cell).into_owned(),
        }
    }
}

/// A column's name as a header cell, made safe for where it goes.
pub fn header(column: &str, cells: Cells) -> String {
    cells.safe(column.to_owned(), true)
}

/// The rows of one item (see the module docs), a cell per column of `columns` in that
/// order: a field the item lacks is an empty cell.
pub fn rows(item: &Value, columns: &[String], cells: Cells) -> Vec<Vec<String>> {
    records_of(item, cells)
        .into_iter()
        .map(|mut record| {
            columns
                .iter()
                .map(|column| {
                    record
                        .iter_mut()
                        .find(|(name, _)| name == column)
                        .map(|(_, cell)| std::mem::take(cell))
                        .unwrap_or_default()
                })
                .collect()
        })
        .collect()
}

/// The columns of an item, in its own order, where the spec gives none.
pub fn columns_of(item: &Value) -> Vec<String> {
    let mut columns: Vec<String> = Vec::new();
    for record in records_of(item, Cells::Verbatim) {
        for (column, _) in record {
            if !columns.contains(&column) {
                columns.push(column);
            }
        }
    }
    columns
}

/// The rows of one item.
fn records_of(item: &Value, cells: Cells) -> Vec<Vec<(String, String)>> {
    let Value::Object(object) = item else {
        return vec![vec![("value".to_owned(), cell(item, cells))]];
    };
    let mut shared = Vec::new();
    let mut exploded: Option<(&str, &Vec<Value>)> = None;
    for (key, value) in object {
        match value {
            Value::Array(elements)
                if exploded.is_none()
                    && elements.iter().all(Value::is_object)
                    && !elements.is_empty() =>
            {
                exploded = Some((key, elements));
            }
            _ => flatten(key, value, &mut shared, cells),
        }
    }
    match exploded {
        None => vec![shared],
        Some((key, elements)) => elements
            .iter()
            .map(|element| {
                let mut record = shared.clone();
                if let Value::Object(fields) = element {
                    flatten_object(key, fields, &mut record, cells);
                }
                record
            })
            .collect(),
    }
}

fn flatten(key: &str, value: &Value, out: &mut Vec<(String, String)>, cells: Cells) {
    match value {
        Value::Object(fields) => flatten_object(key, fields, out, cells),
        other => out.push((key.to_owned(), cell(other, cells))),
    }
}

fn flatten_object(
    prefix: &str,
    fields: &Map<String, Value>,
    out: &mut Vec<(String, String)>,
    cells: Cells,
) {
    for (key, value) in fields {
        flatten(&format!("{prefix}.{key}"), value, out, cells);
    }
}

/// A value as a cell, made safe for `cells`: text as it is, null empty, lists joined with
/// "; ", numbers and booleans as JSON writes them.
fn cell(value: &Value, cells: Cells) -> String {
    let (text, is_text) = plain(value);
    cells.safe(text, is_text)
}

fn plain(value: &Value) -> (String, bool) {
    match value {
        Value::Null => (String::new(), false),
        Value::String(text) => (text.clone(), true),
        Value::Array(items) => (
            items
                .iter()
                .map(|item| plain(item).0)
                .collect::<Vec<_>>()
                .join("; "),
            true,
        ),
        other => (other.to_string(), false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn names(columns: &[&str]) -> Vec<String> {
        columns.iter().map(|c| (*c).to_owned()).collect()
    }

    #[test]
    fn a_record_gives_a_row_in_the_columns_order() {
        let columns = names(&["CampaignId", "Status", "LastModifiedAt"]);
        let item = json!({"CampaignId": 2, "Status": "CAMPAIGN_PAUSED", "LastModifiedAt": "2024-07-16T06:59:05.62", "New": 1});
        assert_eq!(
            rows(&item, &columns, Cells::Verbatim),
            [["2", "CAMPAIGN_PAUSED", "2024-07-16T06:59:05.62"]]
        );
        let item = json!({"CampaignId": 1, "LastModifiedAt": null});
        assert_eq!(rows(&item, &columns, Cells::Verbatim), [["1", "", ""]]);
    }

    #[test]
    fn messages_are_one_row_each_with_their_contact() {
        let item = json!({
            "MemberId": 5,
            "IncomingMessages": [
                {"ConversationMessageId": 10, "Text": "Hi"},
                {"ConversationMessageId": 12, "Text": "Thanks"}
            ]
        });
        let columns = columns_of(&item);
        assert_eq!(
            columns,
            [
                "MemberId",
                "IncomingMessages.ConversationMessageId",
                "IncomingMessages.Text"
            ]
        );
        let rows = rows(&item, &columns, Cells::Verbatim);
        assert_eq!(rows, [["5", "10", "Hi"], ["5", "12", "Thanks"]]);
        let none = json!({"MemberId": 6, "IncomingMessages": []});
        assert_eq!(
            super::rows(&none, &columns, Cells::Verbatim),
            [["6", "", ""]]
        );
    }

    #[test]
    fn nested_objects_become_dotted_columns() {
        let item = json!({"CampaignId": 10, "General": {"TotalReplies": 116}});
        assert_eq!(columns_of(&item), ["CampaignId", "General.TotalReplies"]);
        assert_eq!(
            rows(&item, &columns_of(&item), Cells::Verbatim),
            [["10", "116"]]
        );
    }

    #[test]
    fn cells_are_safe_for_where_they_go() {
        let value = json!({"MemberId": -5, "FirstName": "=HYPERLINK(\"http://x\")",
                            "Text": "\u{1b}]0;owned\u{7}", "Tags": ["@a", "b"]});
        let columns = names(&["FirstName", "MemberId", "Tags", "Text"]);
        let rows = |cells| super::rows(&value, &columns, cells).remove(0);
        assert_eq!(
            rows(Cells::Spreadsheet),
            [
                "'=HYPERLINK(\"http://x\")",
                "-5",
                "'@a; b",
                "\u{1b}]0;owned\u{7}"
            ]
        );
        assert_eq!(rows(Cells::Verbatim)[0], "=HYPERLINK(\"http://x\")");
        assert_eq!(rows(Cells::Terminal)[3], "\\u{1b}]0;owned\\u{7}");
    }
}
