//! The MCP server: lists the catalog's tools, and answers each call with the client
//! underneath, every answer redacted and bounded.

use std::path::PathBuf;
use std::sync::Arc;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    ListToolsResult, PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};
use serde_json::Value;

use crate::arguments::Arguments;
use crate::catalog::{Catalog, Kind};
use crate::page::MAX_ANSWER_BYTES;
use crate::tool_error::ToolError;

/// How a server is set up: which tools it offers, and what it assumes.
///
/// ```
/// let options = salesflow_mcp::ServerOptions {
///     read_only: true,
///     default_account: Some(321),
///     ..salesflow_mcp::ServerOptions::default()
/// };
/// let client = salesflow::Client::with_token("token")?;
/// let server = salesflow_mcp::SalesflowMcp::new(client, options)?;
/// assert!(server.tool_names().contains(&"list_campaigns".to_owned()));
/// assert!(!server.tool_names().contains(&"update_contact".to_owned()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct ServerOptions {
    /// Offer only the tools that change nothing; a call of another is refused.
    pub read_only: bool,
    /// Offer only these tools (by name); `None`: every tool.
    pub tools: Option<Vec<String>>,
    /// The account `accountId` means when a call leaves it out.
    pub default_account: Option<i64>,
    /// A database `salesflow sync` wrote: offers `query_contacts` over it.
    pub sqlite: Option<PathBuf>,
    /// Where `import_leads` keeps its journals (what makes a repeated call import nothing
    /// twice); `None`: the platform's state folder (see [`default_state_dir`]).
    pub state_dir: Option<PathBuf>,
}

/// The folder of the server's journals when [`ServerOptions::state_dir`] is not set:
/// `$XDG_STATE_HOME/salesflow/mcp`, else `~/.local/state/salesflow/mcp`, else
/// `%LOCALAPPDATA%\salesflow\mcp`, else `salesflow-mcp` in the temporary folder.
pub fn default_state_dir() -> PathBuf {
    let var = |name: &str| std::env::var_os(name).filter(|value| !value.is_empty());
    if let Some(state) = var("XDG_STATE_HOME") {
        return PathBuf::from(state).join("salesflow/mcp");
    }
    if let Some(home) = var("HOME") {
        return PathBuf::from(home).join(".local/state/salesflow/mcp");
    }
    if let Some(local) = var("LOCALAPPDATA") {
        return PathBuf::from(local).join("salesflow").join("mcp");
    }
    std::env::temp_dir().join("salesflow-mcp")
}

/// Salesflow as an MCP server: a tool per API operation (generated from the spec) and the
/// job tools, calling Salesflow with `client`. The token stays in the client: it is no tool's
/// argument, and every text the server answers is redacted.
#[derive(Debug, Clone)]
pub struct SalesflowMcp {
    client: salesflow::Client,
    catalog: Arc<Catalog>,
    options: Arc<ServerOptions>,
}

/// What the server tells a client about itself on `initialize`.
const INSTRUCTIONS: &str = "Salesflow automates LinkedIn and email outreach. Most tools act \
    for one LinkedIn account (`accountId`, from `list_accounts`). Lists answer a page at a time \
    (`limit`, `offset`, `total`, `next_offset`). Every tool that changes something takes \
    `dry_run`. To add leads to a campaign, prefer `import_leads` (exactly once, duplicates \
    skipped) to `import_member`.";

impl SalesflowMcp {
    /// A server of the tools `options` choose; an unknown tool name or an unreadable
    /// `sqlite` file is an error that says so.
    pub fn new(client: salesflow::Client, options: ServerOptions) -> Result<Self, String> {
        let catalog = Catalog::new(&options)?;
        Ok(Self {
            client,
            catalog: Arc::new(catalog),
            options: Arc::new(options),
        })
    }

    /// The names of the tools offered, in the order `tools/list` gives them.
    pub fn tool_names(&self) -> Vec<String> {
        self.catalog
            .tools()
            .into_iter()
            .map(|tool| tool.name.into_owned())
            .collect()
    }

    /// The tools offered, as `tools/list` answers them.
    pub fn tools(&self) -> Vec<Tool> {
        self.catalog.tools()
    }

    /// Calls tool `name` with `arguments` (a JSON object, or `None`): its answer as JSON, or
    /// the one line of its failure. What `tools/call` does, without a transport.
    pub async fn call(
        &self,
        name: &str,
        arguments: Option<serde_json::Map<String, Value>>,
    ) -> Result<Value, ToolError> {
        let answer = self.call_unbounded(name, arguments).await?;
        bounded(name, answer.to_string())?;
        Ok(answer)
    }

    /// The answer of tool `name`, of any size.
    async fn call_unbounded(
        &self,
        name: &str,
        arguments: Option<serde_json::Map<String, Value>>,
    ) -> Result<Value, ToolError> {
        let Some(entry) = self.catalog.find(name) else {
            if self.catalog.is_withheld(name) {
                return Err(ToolError::new(format!(
                    "{name} changes data, and this server was started with --read-only: \
                     nothing was sent; ask the user to run it without --read-only to do this"
                )));
            }
            return Err(ToolError::unknown_tool(name));
        };
        let mut arguments = Arguments::new(arguments, self.options.default_account);
        let client = &self.client;
        match entry.kind {
            Kind::Operation => {
                crate::generated::tools::call_operation(client, name, &mut arguments)
                    .await
                    .map(|outcome| outcome.0)
            }
            Kind::ImportLeads => {
                let journals = self
                    .options
                    .state_dir
                    .clone()
                    .unwrap_or_else(default_state_dir);
                crate::jobs::import_leads::run(client, &mut arguments, &journals).await
            }
            Kind::FindContact => crate::jobs::find_contact::run(client, &mut arguments).await,
            Kind::CampaignReport => crate::jobs::campaign_report::run(client, &mut arguments).await,
            #[cfg(feature = "sqlite")]
            Kind::QueryContacts => {
                let database = self.options.sqlite.clone().unwrap_or_default();
                crate::jobs::query_contacts::run(database, &mut arguments).await
            }
        }
    }

    /// [`call`](Self::call)'s answer as the text MCP carries, serialised once.
    async fn call_text(
        &self,
        name: &str,
        arguments: Option<serde_json::Map<String, Value>>,
    ) -> Result<String, ToolError> {
        let answer = self.call_unbounded(name, arguments).await?;
        bounded(name, answer.to_string())
    }

    /// The answer of a call as MCP's result: the JSON as one text (no `structuredContent`
    /// beside it: the same answer twice would double what a client passes to its model), or
    /// a tool error; the token redacted from either.
    async fn result(
        &self,
        name: &str,
        arguments: Option<serde_json::Map<String, Value>>,
    ) -> CallToolResult {
        match self.call_text(name, arguments).await {
            Ok(text) => {
                let text = self.client.redact(&text);
                CallToolResult::success(vec![ContentBlock::text(text)])
            }
            Err(error) => {
                let text = self.client.redact(error.message());
                CallToolResult::error(vec![ContentBlock::text(text)])
            }
        }
    }
}

/// `text` if it is within [`MAX_ANSWER_BYTES`], else the error that says what to ask for.
fn bounded(name: &str, text: String) -> Result<String, ToolError> {
    let size = text.len();
    if size > MAX_ANSWER_BYTES {
        return Err(ToolError::new(format!(
            "{name}: the answer is {size} bytes, over this server's bound of \
             {MAX_ANSWER_BYTES}; ask for less (a smaller `limit`, a filter), or use the \
             `salesflow` command for the whole record"
        )));
    }
    Ok(text)
}

impl ServerHandler for SalesflowMcp {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(
                Implementation::new("salesflow", env!("CARGO_PKG_VERSION")).with_title("Salesflow"),
            )
            .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.catalog.tools()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        Ok(self.result(&request.name, request.arguments).await.into())
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.catalog.find(name).map(|entry| entry.tool.clone())
    }
}
