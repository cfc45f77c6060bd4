//! `import_leads`: rows into a campaign through the journaled importer, exactly once.

use std::path::{Path, PathBuf};

use salesflow_ext::{ImportEvent, ImportRow, Importer, RowStatus};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{JobTool, account_id_schema, campaign_id_schema};
use crate::arguments::{ACCOUNT_ID, Arguments};
use crate::operation_tool::Hints;
use crate::tool_error::ToolError;

/// The most rows one call imports: an answer and a call's time stay small; a bigger file
/// goes through `salesflow import`.
pub const MAX_ROWS: usize = 1_000;

/// The most rows the answer details (invalid, failed, not sent); the counts cover all.
const MAX_DETAILED: usize = 50;

/// One lead, as the tool takes it: `importMember`'s parameters.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Lead {
    linked_in_url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    occupation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    location: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    custom_fields: Vec<String>,
}

impl Lead {
    fn row(&self) -> ImportRow {
        let mut row = ImportRow::new(&self.linked_in_url);
        if let Some(value) = &self.first_name {
            row = row.first_name(value);
        }
        if let Some(value) = &self.last_name {
            row = row.last_name(value);
        }
        if let Some(value) = &self.occupation {
            row = row.occupation(value);
        }
        if let Some(value) = &self.location {
            row = row.location(value);
        }
        row.custom_fields(self.custom_fields.iter().cloned())
    }
}

pub(crate) fn tool() -> JobTool {
    let text = |description: &str| json!({"type": "string", "description": description});
    JobTool {
        name: "import_leads",
        title: "Import leads into a campaign",
        description: format!(
            "Import leads (LinkedIn profiles) into a campaign, each exactly once: every row is \
             checked first (an invalid row is reported, not sent), profiles already in the \
             campaign and repeated rows are skipped, and a journal kept by the server makes \
             the same call, repeated after a timeout or a crash, send nothing twice. At most \
             {MAX_ROWS} rows a call. `dry_run: true` checks and looks up every row and sends \
             nothing. Answers the counts (`imported`, `already_in_campaign`, `duplicates`, \
             `invalid`, `failed`, `done_earlier`: rows a previous identical call settled) and \
             the rows that need attention."
        ),
        input_schema: json!({
            "type": "object",
            "properties": {
                "accountId": account_id_schema(),
                "campaignId": campaign_id_schema(),
                "rows": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": MAX_ROWS,
                    "description": "The leads, in order (a row's number is its place, from 1).",
                    "items": {
                        "type": "object",
                        "properties": {
                            "linkedInUrl": text("The LinkedIn profile link (any form LinkedIn or Sales Navigator write)."),
                            "firstName": text("First name."),
                            "lastName": text("Last name."),
                            "occupation": text("Occupation (LinkedIn headline)."),
                            "location": text("Location."),
                            "customFields": {"type": "array", "items": {"type": "string"}, "description": "Values of the campaign's custom fields, in order."}
                        },
                        "required": ["linkedInUrl"],
                        "additionalProperties": false
                    }
                },
                "dry_run": {"type": "boolean", "description": "Check every row and look the campaign up, sending no import."}
            },
            "required": ["accountId", "campaignId", "rows"],
            "additionalProperties": false
        }),
        // Each row is imported once, however often the call is made.
        hints: Hints {
            read_only: false,
            destructive: false,
            idempotent: true,
            open_world: true,
        },
    }
}

pub(crate) async fn run(
    client: &salesflow::Client,
    arguments: &mut Arguments,
    journals: &Path,
) -> Result<Value, ToolError> {
    let account_id: i64 = arguments.required(ACCOUNT_ID)?;
    let campaign_id: i64 = arguments.required("campaignId")?;
    let leads: Vec<Lead> = arguments.required("rows")?;
    let dry_run = arguments.dry_run()?;
    arguments.finish()?;
    if leads.is_empty() || leads.len() > MAX_ROWS {
        return Err(ToolError::argument(
            "rows",
            format!(
                "has {} rows; give 1 to {MAX_ROWS} (split a longer list into several calls)",
                leads.len()
            ),
        ));
    }
    let journal = journal_path(journals, account_id, campaign_id, &leads)?;
    let rows: Vec<ImportRow> = leads.iter().map(Lead::row).collect();
    let importer = Importer::new(client, account_id, campaign_id)
        .journal(&journal)
        .dry_run(dry_run);
    let mut detailed = Vec::new();
    let mut done_earlier = 0u64;
    let summary = importer
        .run(&rows, |event| {
            let ImportEvent::Row(outcome) = event else {
                return;
            };
            if outcome.earlier {
                done_earlier += 1;
            }
            let attention = matches!(
                outcome.status,
                RowStatus::Invalid | RowStatus::Failed | RowStatus::Pending
            );
            if attention && detailed.len() < MAX_DETAILED {
                detailed.push(json!({
                    "row": outcome.row,
                    "linkedInUrl": outcome.linkedin_url,
                    "status": outcome.status.as_str(),
                    "error": outcome.error,
                }));
            }
        })
        .await
        .map_err(|error| ToolError::new(format!("import_leads: {error}")))?;
    let mut answer = json!(summary);
    answer["done_earlier"] = json!(done_earlier);
    answer["needs_attention"] = json!(detailed);
    Ok(answer)
}

/// The journal of these rows into this campaign: the same call finds the same journal (and
/// sends nothing twice); other rows get their own.
fn journal_path(
    journals: &Path,
    account_id: i64,
    campaign_id: i64,
    leads: &[Lead],
) -> Result<PathBuf, ToolError> {
    std::fs::create_dir_all(journals).map_err(|error| {
        ToolError::new(format!(
            "cannot create the journal folder {}: {error}; start the server with a writable --state-dir",
            journals.display()
        ))
    })?;
    // The same rows name the same journal in every version of the server.
    let mut digest = salesflow_ext::Fingerprint::new();
    digest.update(serde_json::to_string(leads).unwrap_or_default().as_bytes());
    Ok(journals.join(format!(
        "import-{account_id}-{campaign_id}-{}.journal",
        digest.hex()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_rows_name_the_same_journal_and_others_another() {
        let folder = std::env::temp_dir().join(format!("sf-mcp-journal-{}", std::process::id()));
        let lead = |url: &str| Lead {
            linked_in_url: url.into(),
            first_name: None,
            last_name: None,
            occupation: None,
            location: None,
            custom_fields: Vec::new(),
        };
        let a = journal_path(&folder, 1, 2, &[lead("https://linkedin.com/in/a")]).unwrap();
        let again = journal_path(&folder, 1, 2, &[lead("https://linkedin.com/in/a")]).unwrap();
        let b = journal_path(&folder, 1, 2, &[lead("https://linkedin.com/in/b")]).unwrap();
        let other_campaign =
            journal_path(&folder, 1, 3, &[lead("https://linkedin.com/in/a")]).unwrap();
        assert_eq!(a, again);
        assert_ne!(a, b);
        assert_ne!(a, other_campaign);
        std::fs::remove_dir_all(folder).unwrap();
    }
}
