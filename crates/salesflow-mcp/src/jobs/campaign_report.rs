//! `campaign_report`: a campaign's statistics and its analytics over a period, in one answer.

use salesflow::chrono::{Days, NaiveDate, Utc};
use serde_json::{Value, json};

use super::{JobTool, account_id_schema, campaign_id_schema};
use crate::arguments::{ACCOUNT_ID, Arguments};
use crate::operation_tool::Hints;
use crate::tool_error::ToolError;

/// The days a report covers when the call gives no `from`.
const DEFAULT_DAYS: u64 = 30;

pub(crate) fn tool() -> JobTool {
    JobTool {
        name: "campaign_report",
        title: "Report on a campaign",
        description: format!(
            "A campaign's report in one answer: its statistics (member counts by state, \
             replies: `get_campaign_statistics`) and its LinkedIn, email and overall analytics \
             from `from` to `to` (`get_analytics_by_campaign`; by default the last \
             {DEFAULT_DAYS} days to today, UTC). A part that fails is given as its error, \
             beside the part that did not."
        ),
        input_schema: json!({
            "type": "object",
            "properties": {
                "accountId": account_id_schema(),
                "campaignId": campaign_id_schema(),
                "from": {"type": "string", "format": "date", "description": "The first day of the analytics (YYYY-MM-DD)."},
                "to": {"type": "string", "format": "date", "description": "The last day of the analytics (YYYY-MM-DD); today by default."}
            },
            "required": ["accountId", "campaignId"],
            "additionalProperties": false
        }),
        hints: Hints::LOOKUP,
    }
}

pub(crate) async fn run(
    client: &salesflow::Client,
    arguments: &mut Arguments,
) -> Result<Value, ToolError> {
    let account_id: i64 = arguments.required(ACCOUNT_ID)?;
    let campaign_id: i64 = arguments.required("campaignId")?;
    let to: NaiveDate = arguments
        .optional("to")?
        .unwrap_or_else(|| Utc::now().date_naive());
    let from: NaiveDate = match arguments.optional("from")? {
        Some(from) => from,
        None => to
            .checked_sub_days(Days::new(DEFAULT_DAYS))
            .unwrap_or(NaiveDate::MIN),
    };
    arguments.finish()?;
    if from > to {
        return Err(ToolError::argument(
            "from",
            format!("is {from}, after `to` ({to}); give a day on or before it"),
        ));
    }
    let statistics = client
        .get_campaign_statistics()
        .account_id(account_id)
        .campaign_id(campaign_id)
        .send();
    let analytics = client
        .get_analytics_by_campaign()
        .account_id(account_id)
        .campaign_id(campaign_id)
        .from(from)
        .to(to);
    let (statistics, analytics) = tokio::join!(statistics, analytics.send());
    if let (Err(a), Err(b)) = (&statistics, &analytics)
        && a.status() == b.status()
    {
        // The same refusal twice (a bad token, a missing campaign) is one error.
        return Err(ToolError::api(a));
    }
    let part = |result: Result<Value, salesflow::Error>| match result {
        Ok(value) => value,
        Err(error) => json!({"error": ToolError::api(&error).message()}),
    };
    Ok(json!({
        "campaignId": campaign_id,
        "statistics": part(statistics.map(|answer| json!(answer.into_inner()))),
        "analytics": {
            "from": from,
            "to": to,
            "report": part(analytics.map(|answer| json!(answer.into_inner()))),
        },
    }))
}
