//! `find_contact`: a contact by its LinkedIn profile link or public identifier.

use salesflow_ext::{ProfileKey, ProfileUrl};
use serde_json::{Value, json};

use super::{JobTool, account_id_schema};
use crate::arguments::{ACCOUNT_ID, Arguments};
use crate::operation_tool::Hints;
use crate::tool_error::ToolError;

pub(crate) fn tool() -> JobTool {
    JobTool {
        name: "find_contact",
        title: "Find a contact by LinkedIn profile",
        description: "Find a contact (campaign member) by the LinkedIn profile link \
            (`linkedInUrl`, any form LinkedIn or Sales Navigator exports write: \
            `https://www.linkedin.com/in/jane-doe/`, `linkedin.com/in/jane-doe?trk=x`) or its \
            public identifier (`publicIdentifier`, `jane-doe`). Give one of them. Answers \
            `{\"found\": true, \"contact\": {...}}`, or `{\"found\": false}` when the account \
            has no such contact."
            .to_owned(),
        input_schema: json!({
            "type": "object",
            "properties": {
                "accountId": account_id_schema(),
                "linkedInUrl": {"type": "string", "description": "The contact's LinkedIn profile link."},
                "publicIdentifier": {"type": "string", "minLength": 1, "description": "The public identifier: `linkedin.com/in/<publicIdentifier>`."}
            },
            "required": ["accountId"],
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
    let url: Option<String> = arguments.optional("linkedInUrl")?;
    let identifier: Option<String> = arguments.optional("publicIdentifier")?;
    arguments.finish()?;
    let key = match (url, identifier) {
        (Some(url), None) => ProfileUrl::parse(&url)
            .map_err(|error| ToolError::argument("linkedInUrl", error))?
            .key()
            .clone(),
        (None, Some(identifier)) => ProfileKey::from_identifier(&identifier).ok_or_else(|| {
            ToolError::argument(
                "publicIdentifier",
                "is not a LinkedIn public identifier (the part after linkedin.com/in/)",
            )
        })?,
        (Some(_), Some(_)) => {
            return Err(ToolError::new(
                "give `linkedInUrl` or `publicIdentifier`, not both; nothing was sent",
            ));
        }
        (None, None) => {
            return Err(ToolError::new(
                "give `linkedInUrl` or `publicIdentifier`; nothing was sent",
            ));
        }
    };
    let call = client
        .get_contact_by_public_identifier()
        .account_id(account_id)
        .public_identifier(key.as_str());
    match call.send().await {
        Ok(contact) => Ok(json!({"found": true, "contact": contact.into_inner()})),
        Err(error) if error.is_not_found() => {
            Ok(json!({"found": false, "publicIdentifier": key.as_str()}))
        }
        Err(error) => Err(error.into()),
    }
}
