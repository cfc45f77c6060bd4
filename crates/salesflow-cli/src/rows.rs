//! Flattens JSON results into rows for CSV and tables: one row per item, nested fields as
//! `Parent.Child` columns, and one row per element of an item's list of records (a
//! contact's messages, a webhook's attachments).

use serde_json::{Map, Value};

/// Column names and rows of `value`: an array gives a row per element (or more, see the
/// module docs), anything else one row. With `fixed` columns (the answer's schema), those
/// are the columns, in that order, whatever the rows hold; else the rows' own.
pub fn table(value: &Value, fixed: Option<&[&str]>) -> (Vec<String>, Vec<Vec<String>>) {
    let items: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    let mut records: Vec<Vec<(String, String)>> = Vec::new();
    for item in items {
        records.extend(records_of(item));
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
    (columns, rows)
}

/// The rows of one item.
fn records_of(item: &Value) -> Vec<Vec<(String, String)>> {
    let Value::Object(object) = item else {
        return vec![vec![("value".to_owned(), cell(item))]];
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
            _ => flatten(key, value, &mut shared),
        }
    }
    match exploded {
        None => vec![shared],
        Some((key, elements)) => elements
            .iter()
            .map(|element| {
                let mut record = shared.clone();
                if let Value::Object(fields) = element {
                    flatten_object(key, fields, &mut record);
                }
                record
            })
            .collect(),
    }
}

fn flatten(key: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(fields) => flatten_object(key, fields, out),
        other => out.push((key.to_owned(), cell(other))),
    }
}

fn flatten_object(prefix: &str, fields: &Map<String, Value>, out: &mut Vec<(String, String)>) {
    for (key, value) in fields {
        flatten(&format!("{prefix}.{key}"), value, out);
    }
}

/// A value as a cell: text as it is, null empty, lists joined with "; ".
fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        Value::Array(items) => items.iter().map(cell).collect::<Vec<_>>().join("; "),
        other => other.to_string(),
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
        let (columns, rows) = table(&json!([{"CampaignId": 1, "Status": null}]), Some(&fixed));
        assert_eq!(columns, fixed);
        assert_eq!(rows, [["1", "", "", ""]]);
        let (columns, rows) = table(&json!([]), Some(&fixed));
        assert_eq!(columns, fixed, "a header for no rows");
        assert!(rows.is_empty());
    }

    #[test]
    fn nested_objects_become_dotted_columns() {
        let (columns, rows) = table(
            &json!({"CampaignId": 10, "General": {"TotalReplies": 116}}),
            None,
        );
        assert_eq!(columns, ["CampaignId", "General.TotalReplies"]);
        assert_eq!(rows, [["10", "116"]]);
    }
}
