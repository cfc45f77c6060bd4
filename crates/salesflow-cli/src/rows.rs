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

/// Column names and rows of `value`: an array gives a row per element (or more, see the
/// module docs), anything else one row. With `fixed` columns (the answer's schema), those
/// are the columns, in that order, whatever the rows hold; else the rows' own.
pub fn table(
    value: &Value,
    fixed: Option<&[&str]>,
    cells: Cells,
) -> (Vec<String>, Vec<Vec<String>>) {
    let items: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    let mut records: Vec<Vec<(String, String)>> = Vec::new();
    for item in items {
        records.extend(records_of(item, cells));
    }
    let mut columns: Vec<String> = fixed
        .map(|fixed| fixed.iter().map(|c| (*c).to_owned()).collect())
        .unwrap_or_default();
    for record in records.iter().filter(|_| fixed.is_none()) {
        for (column, _) in record {
            if !columns.contains(column) {
                columns.push(column.clone());
            }
        }
    }
    let rows = records
        .iter()
        .map(|record| {
            columns
                .iter()
                .map(|column| {
                    record
                        .iter()
                        .find(|(name, _)| name == column)
                        .map(|(_, cell)| cell.clone())
                        .unwrap_or_default()
                })
                .collect()
        })
        .collect();
    let columns = columns
        .into_iter()
        .map(|column| cells.safe(column, true))
        .collect();
    (columns, rows)
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

    #[test]
    fn a_list_of_records_gives_a_row_per_record() {
        let (columns, rows) = table(
            &json!([
                {"CampaignId": 1, "Status": "CAMPAIGN_RUNNING", "LastModifiedAt": null},
                {"CampaignId": 2, "Status": "CAMPAIGN_PAUSED", "LastModifiedAt": "2024-07-16T06:59:05.62"}
            ]),
            None,
            Cells::Verbatim,
        );
        assert_eq!(columns, ["CampaignId", "LastModifiedAt", "Status"]);
        assert_eq!(rows[0], ["1", "", "CAMPAIGN_RUNNING"]);
        assert_eq!(rows[1][1], "2024-07-16T06:59:05.62");
    }

    #[test]
    fn messages_are_one_row_each_with_their_contact() {
        let (columns, rows) = table(
            &json!([{
            "MemberId": 5,
            "IncomingMessages": [
                {"ConversationMessageId": 10, "Text": "Hi"},
                {"ConversationMessageId": 12, "Text": "Thanks"}
            ]
        }, {"MemberId": 6, "IncomingMessages": []}]),
            None,
            Cells::Verbatim,
        );
        assert_eq!(
            columns,
            [
                "MemberId",
                "IncomingMessages.ConversationMessageId",
                "IncomingMessages.Text",
                "IncomingMessages"
            ]
        );
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1][..3], ["5", "12", "Thanks"]);
        assert_eq!(rows[2][0], "6");
    }

    #[test]
    fn fixed_columns_do_not_depend_on_the_rows() {
        let fixed = ["CampaignId", "CampaignName", "LastModifiedAt", "Status"];
        let (columns, rows) = table(
            &json!([{"CampaignId": 1, "Status": null}]),
            Some(&fixed),
            Cells::Verbatim,
        );
        assert_eq!(columns, fixed);
        assert_eq!(rows, [["1", "", "", ""]]);
        let (columns, rows) = table(&json!([]), Some(&fixed), Cells::Verbatim);
        assert_eq!(columns, fixed, "a header for no rows");
        assert!(rows.is_empty());
    }

    #[test]
    fn nested_objects_become_dotted_columns() {
        let (columns, rows) = table(
            &json!({"CampaignId": 10, "General": {"TotalReplies": 116}}),
            None,
            Cells::Verbatim,
        );
        assert_eq!(columns, ["CampaignId", "General.TotalReplies"]);
        assert_eq!(rows, [["10", "116"]]);
    }

    #[test]
    fn cells_are_safe_for_where_they_go() {
        let value = json!([{"MemberId": -5, "FirstName": "=HYPERLINK(\"http://x\")",
                            "Text": "\u{1b}]0;owned\u{7}", "Tags": ["@a", "b"]}]);
        let (_, rows) = table(&value, None, Cells::Spreadsheet);
        // Columns in key order: FirstName, MemberId, Tags, Text.
        assert_eq!(
            rows[0],
            [
                "'=HYPERLINK(\"http://x\")",
                "-5",
                "'@a; b",
                "\u{1b}]0;owned\u{7}"
            ]
        );
        let (_, rows) = table(&value, None, Cells::Verbatim);
        assert_eq!(rows[0][0], "=HYPERLINK(\"http://x\")");
        let (_, rows) = table(&value, None, Cells::Terminal);
        assert_eq!(rows[0][3], "\\u{1b}]0;owned\\u{7}");
    }
}
