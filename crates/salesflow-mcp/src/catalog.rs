//! The tools a server offers: the operations' (generated) and the jobs', with the
//! arguments the server adds (pages, `dry_run`), the default account, `--read-only` and
//! `--tools` applied.

use std::sync::Arc;

use rmcp::model::{Tool, ToolAnnotations};
use serde_json::{Value, json};

use crate::arguments::{ACCOUNT_ID, DRY_RUN};
use crate::generated::tools::OPERATION_TOOLS;
use crate::jobs;
use crate::operation_tool::{Hints, OperationTool};
use crate::page::{MAX_ANSWER_BYTES, Page};
use crate::server::ServerOptions;

/// What answers a tool's calls.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind {
    Operation,
    ImportLeads,
    FindContact,
    CampaignReport,
    #[cfg(feature = "sqlite")]
    QueryContacts,
}

/// One tool of the server.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub tool: Tool,
    pub kind: Kind,
}

impl Entry {
    /// Whether the tool changes nothing (its `readOnlyHint`).
    fn read_only(&self) -> bool {
        self.tool
            .annotations
            .as_ref()
            .and_then(|a| a.read_only_hint)
            == Some(true)
    }
}

/// The tools a server offers, and those `--read-only` took away (refused by name).
#[derive(Debug, Clone, Default)]
pub(crate) struct Catalog {
    offered: Vec<Entry>,
    withheld: Vec<String>,
}

impl Catalog {
    /// The tools `options` ask for; an unknown name in `--tools` is an error that lists them.
    pub(crate) fn new(options: &ServerOptions) -> Result<Self, String> {
        let mut all: Vec<Entry> = OPERATION_TOOLS
            .iter()
            .map(|tool| operation_entry(tool, options.default_account))
            .collect::<Result<_, _>>()?;
        #[cfg_attr(not(feature = "sqlite"), expect(unused_mut))]
        let mut job_tools = vec![
            (jobs::import_leads::tool(), Kind::ImportLeads),
            (jobs::find_contact::tool(), Kind::FindContact),
            (jobs::campaign_report::tool(), Kind::CampaignReport),
        ];
        #[cfg(feature = "sqlite")]
        if let Some(database) = &options.sqlite {
            job_tools.push((jobs::query_contacts::tool(database)?, Kind::QueryContacts));
        }
        #[cfg(not(feature = "sqlite"))]
        if options.sqlite.is_some() {
            return Err("--sqlite: this build has no SQLite (the `sqlite` feature)".to_owned());
        }
        for (job, kind) in job_tools {
            let (name, title) = (job.name, job.title);
            all.push(entry(
                name,
                title,
                job.description,
                job.input_schema,
                job.hints,
                kind,
                options.default_account,
            )?);
        }
        if let Some(chosen) = &options.tools {
            let unknown: Vec<&String> = chosen
                .iter()
                .filter(|name| !all.iter().any(|entry| entry.tool.name == name.as_str()))
                .collect();
            if !unknown.is_empty() {
                let names: Vec<&str> = all.iter().map(|entry| entry.tool.name.as_ref()).collect();
                return Err(format!(
                    "--tools: no tool {}; the tools are {}",
                    unknown
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    names.join(", ")
                ));
            }
            all.retain(|entry| chosen.iter().any(|name| entry.tool.name == name.as_str()));
        }
        let (offered, withheld) = if options.read_only {
            let (offered, withheld): (Vec<Entry>, Vec<Entry>) =
                all.into_iter().partition(Entry::read_only);
            (
                offered,
                withheld
                    .into_iter()
                    .map(|e| e.tool.name.into_owned())
                    .collect(),
            )
        } else {
            (all, Vec::new())
        };
        Ok(Self { offered, withheld })
    }

    /// The tools offered, in order: the operations' as the spec orders them, then the jobs'.
    pub(crate) fn tools(&self) -> Vec<Tool> {
        self.offered
            .iter()
            .map(|entry| entry.tool.clone())
            .collect()
    }

    /// The tool named `name`, if offered.
    pub(crate) fn find(&self, name: &str) -> Option<&Entry> {
        self.offered.iter().find(|entry| entry.tool.name == name)
    }

    /// Whether `name` is a tool that `--read-only` withheld.
    pub(crate) fn is_withheld(&self, name: &str) -> bool {
        self.withheld.iter().any(|withheld| withheld == name)
    }
}

fn operation_entry(tool: &OperationTool, default_account: Option<i64>) -> Result<Entry, String> {
    let mut schema: Value = serde_json::from_str(tool.input_schema)
        .map_err(|error| format!("the schema of tool {}: {error}", tool.name))?;
    let mut description = tool.description.to_owned();
    if let Some(items) = tool.list {
        let properties = &mut schema["properties"];
        properties["limit"] = json!({
            "type": "integer", "minimum": 1, "maximum": Page::MAX_LIMIT,
            "description": format!("The most items to answer (default {}).", Page::DEFAULT_LIMIT)
        });
        properties["offset"] = json!({
            "type": "integer", "minimum": 0,
            "description": "How many matching items to skip (the `next_offset` of the previous page)."
        });
        properties["text"] = json!({
            "type": "string",
            "description": "Only items with this text in a text field, in any case."
        });
        let mut filters = "`text`";
        if items.status {
            properties["status"] = json!({
                "type": "string",
                "description": "Only items whose `Status` is (or, for flags, includes) this value, e.g. MEMBER_CONNECTED."
            });
            filters = "`text` and `status`";
        }
        description.push_str(&format!(
            "\n\nAnswers one page: at most `limit` items (default {}, at most {}) and {} bytes, \
             from `offset`, with `total` (every item that matches {filters}) and `next_offset` \
             (null after the last page).",
            Page::DEFAULT_LIMIT,
            Page::MAX_LIMIT,
            MAX_ANSWER_BYTES,
        ));
    }
    if !tool.hints.read_only {
        schema["properties"][DRY_RUN] = json!({
            "type": "boolean",
            "description": "Check the call against the API's rules and send nothing."
        });
        description.push_str(
            "\n\n`dry_run: true` checks the call against the API's rules and sends nothing.",
        );
    }
    entry(
        tool.name,
        tool.title,
        description,
        schema,
        tool.hints,
        Kind::Operation,
        default_account,
    )
}

/// A tool of the server: its texts, its schema (an object), its hints as annotations,
/// `accountId` optional where the server has a default account.
fn entry(
    name: &'static str,
    title: &'static str,
    description: String,
    schema: Value,
    hints: Hints,
    kind: Kind,
    default_account: Option<i64>,
) -> Result<Entry, String> {
    let Value::Object(schema) = schema else {
        return Err(format!("the input schema of tool {name} is not an object"));
    };
    let tool = Tool::new(name, description, Arc::new(schema))
        .with_title(title)
        .with_annotations(
            ToolAnnotations::new()
                .read_only(hints.read_only)
                .destructive(hints.destructive)
                .idempotent(hints.idempotent)
                .open_world(hints.open_world),
        );
    Ok(Entry {
        tool: with_default_account(tool, default_account),
        kind,
    })
}

/// With a default account, `accountId` is optional and says so.
fn with_default_account(mut tool: Tool, default_account: Option<i64>) -> Tool {
    let Some(account) = default_account else {
        return tool;
    };
    let mut schema = (*tool.input_schema).clone();
    if let Some(Value::Object(property)) = schema
        .get_mut("properties")
        .and_then(|properties| properties.get_mut(ACCOUNT_ID))
    {
        let text = property
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let text = format!("{text} Default: {account}, the server's account.");
        property.insert("description".to_owned(), json!(text.trim()));
        if let Some(Value::Array(required)) = schema.get_mut("required") {
            required.retain(|name| name != ACCOUNT_ID);
        }
    }
    tool.input_schema = Arc::new(schema);
    tool
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(options: &ServerOptions) -> Vec<String> {
        Catalog::new(options)
            .unwrap()
            .tools()
            .into_iter()
            .map(|tool| tool.name.into_owned())
            .collect()
    }

    #[test]
    fn the_readme_names_every_tool() {
        let readme = include_str!("../README.md");
        for name in names(&ServerOptions::default()) {
            assert!(
                readme.contains(&format!("`{name}`")),
                "README.md does not name {name}"
            );
        }
    }

    #[test]
    fn read_only_and_chosen_tools_narrow_the_list() {
        let read_only = ServerOptions {
            read_only: true,
            ..ServerOptions::default()
        };
        let catalog = Catalog::new(&read_only).unwrap();
        assert!(catalog.find("list_campaigns").is_some());
        assert!(catalog.find("import_leads").is_none());
        assert!(catalog.is_withheld("import_leads"));
        let chosen = ServerOptions {
            tools: Some(vec!["find_contact".into()]),
            ..ServerOptions::default()
        };
        assert_eq!(names(&chosen), ["find_contact"]);
        let unknown = ServerOptions {
            tools: Some(vec!["find_contacts".into()]),
            ..ServerOptions::default()
        };
        let error = Catalog::new(&unknown).unwrap_err();
        assert!(
            error.contains("no tool `find_contacts`") && error.contains("find_contact,"),
            "{error}"
        );
    }

    #[test]
    fn a_default_account_makes_account_id_optional() {
        let with_account = ServerOptions {
            default_account: Some(321),
            ..ServerOptions::default()
        };
        for tool in Catalog::new(&with_account).unwrap().tools() {
            let required = tool
                .input_schema
                .get("required")
                .cloned()
                .unwrap_or_default();
            assert!(!required.to_string().contains(ACCOUNT_ID), "{}", tool.name);
        }
        let without = Catalog::new(&ServerOptions::default()).unwrap();
        let tool = without.find("list_campaigns").unwrap();
        assert!(
            tool.tool.input_schema["required"]
                .to_string()
                .contains(ACCOUNT_ID)
        );
    }
}
