//! The server over standard input and output: how Claude Desktop, Claude Code, Cursor and
//! VS Code start a local MCP server.

use rmcp::ServiceExt;

use crate::server::SalesflowMcp;

/// Serves `server` on standard input and output until the client closes them. Nothing
/// else may write to standard output meanwhile: it carries the protocol.
pub async fn serve_stdio(server: SalesflowMcp) -> Result<(), String> {
    let running = server
        .serve(rmcp::transport::io::stdio())
        .await
        .map_err(|error| format!("the MCP session did not start: {error}"))?;
    running
        .waiting()
        .await
        .map(|_| ())
        .map_err(|error| format!("the MCP session ended: {error}"))
}
