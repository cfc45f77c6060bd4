//! The tool of one API operation, as `generated/tools.rs` describes it.

/// One operation of the spec as a tool: its name and texts for a model, its input schema,
/// its hints; written by `cargo xtask gen` (`xtask/src/mcp_tools.rs`).
#[derive(Debug)]
pub(crate) struct OperationTool {
    /// The tool's name: the operationId in snake_case (`list_campaigns`).
    pub name: &'static str,
    /// The spec's summary.
    pub title: &'static str,
    /// The summary and the spec's description, operationIds written as tool names.
    pub description: &'static str,
    /// JSON Schema of the arguments: the spec's parameters and body fields.
    pub input_schema: &'static str,
    /// What it does to the world: `x-read-only` (else a GET reads), `x-destructive` (else
    /// a DELETE), `x-idempotent` (else by method); every operation reaches Salesflow.
    pub hints: Hints,
    /// For a list: what its items have to filter on.
    pub list: Option<ListItems>,
}

/// What the items of a list tool have, beyond text, to filter on.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ListItems {
    /// A `Status` (members, campaigns, accounts): the `status` filter.
    pub status: bool,
}

/// What a tool does to the world, as MCP's annotations say it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hints {
    /// It changes nothing.
    pub read_only: bool,
    /// It removes or overwrites what exists.
    pub destructive: bool,
    /// Calling it twice does what calling it once does.
    pub idempotent: bool,
    /// It reaches beyond this server (Salesflow, LinkedIn), not a local file.
    pub open_world: bool,
}

impl Hints {
    /// A tool that looks things up in Salesflow.
    pub(crate) const LOOKUP: Self = Self {
        read_only: true,
        destructive: false,
        idempotent: true,
        open_world: true,
    };
}
