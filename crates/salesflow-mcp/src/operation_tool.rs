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
    /// It changes nothing (`x-read-only`, else a GET).
    pub read_only: bool,
    /// It removes or overwrites what exists (`x-destructive`, else a DELETE).
    pub destructive: bool,
    /// Sending it twice does what sending it once does (`x-idempotent`, else by method).
    pub idempotent: bool,
    /// For a list: what its items have to filter on.
    pub list: Option<ListItems>,
}

/// What the items of a list tool have, beyond text, to filter on.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ListItems {
    /// A `Status` (members, campaigns, accounts): the `status` filter.
    pub status: bool,
}
