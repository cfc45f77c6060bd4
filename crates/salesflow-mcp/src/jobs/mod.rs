//! The tools for the jobs users do with the API, beyond one operation each: importing leads
//! exactly once, finding a contact by profile, a campaign's report, SQL over a synced file.

pub(crate) mod campaign_report;
pub(crate) mod find_contact;
pub(crate) mod import_leads;
#[cfg(feature = "sqlite")]
pub(crate) mod query_contacts;

use serde_json::Value;

use crate::operation_tool::Hints;

/// A tool of a job: its name, texts, schema and hints.
#[derive(Debug, Clone)]
pub(crate) struct JobTool {
    pub name: &'static str,
    pub title: &'static str,
    pub description: String,
    pub input_schema: Value,
    pub hints: Hints,
}

/// The `accountId` argument of a job, as the operations' tools describe it.
pub(crate) fn account_id_schema() -> Value {
    serde_json::json!({
        "type": "integer",
        "description": "The LinkedIn account (see `list_accounts`) the call acts for."
    })
}

/// The `campaignId` argument of a job.
pub(crate) fn campaign_id_schema() -> Value {
    serde_json::json!({
        "type": "integer",
        "description": "The campaign (see `list_campaigns`)."
    })
}
