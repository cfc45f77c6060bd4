#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

// The layout: `generated/` holds the operations' tools (`cargo xtask gen`), `jobs/` the
// tools of the jobs; `catalog.rs` chooses what a server offers, `server.rs` answers calls,
// `http.rs` and `stdio.rs` carry them.
mod arguments;
mod catalog;
mod generated;
mod http;
mod jobs;
mod operation_tool;
mod outcome;
mod page;
mod server;
mod stdio;
mod tool_error;

pub use http::{BearerToken, MCP_PATH, MIN_BEARER_LENGTH, parse_address, serve_http};
pub use jobs::import_leads::MAX_ROWS as MAX_IMPORT_ROWS;
pub use page::MAX_ANSWER_BYTES;
pub use server::{SalesflowMcp, ServerOptions, default_state_dir};
pub use stdio::serve_stdio;
pub use tool_error::ToolError;

/// The MCP SDK underneath (`rmcp`), at the version this crate is built with.
pub use rmcp;
