//! `salesflow mcp`: Salesflow for AI agents, as a Model Context Protocol server on stdio (the
//! default) or streamable HTTP.

use clap::{Arg, ArgAction, ArgMatches, Command};
use salesflow_mcp::{BearerToken, SalesflowMcp, ServerOptions};

use crate::failure::{self, Exit};

/// The environment variable `--bearer-token-file` defaults to holding the token itself.
const BEARER_VAR: &str = "SALESFLOW_MCP_BEARER_TOKEN";

pub(crate) fn command() -> Command {
    Command::new("mcp")
        .about("Serve every Salesflow operation as tools for AI agents (Model Context Protocol)")
        .long_about(
            "Serve Salesflow to AI agents over the Model Context Protocol: a tool per API \
             operation (generated from the spec, with its annotations), and import_leads, \
             find_contact, campaign_report and (with --sqlite) query_contacts. On standard \
             input and output by default, as Claude Desktop, Claude Code, Cursor and VS Code \
             start a local server; --http for streamable HTTP. The token stays here: it is no \
             tool's argument and never in an answer.",
        )
        .arg(crate::account_id_arg().required(false).help(
            "The account a call means when it leaves out accountId (then optional in every tool)",
        ))
        .arg(
            Arg::new("http")
                .long("http")
                .value_name("ADDR")
                .help("Serve streamable HTTP at http://ADDR/mcp instead of stdio: a port (on 127.0.0.1) or address:port; an address other machines reach needs a bearer token"),
        )
        .arg(
            Arg::new("bearer-token-file")
                .long("bearer-token-file")
                .value_name("PATH")
                .requires("http")
                .help(format!("With --http: the token HTTP clients must send (Authorization: Bearer), read from this file; or set {BEARER_VAR} [required off loopback]")),
        )
        .arg(
            Arg::new("read-only")
                .long("read-only")
                .action(ArgAction::SetTrue)
                .help("Offer only tools that change nothing; a call of another is refused"),
        )
        .arg(
            Arg::new("tools")
                .long("tools")
                .value_name("A,B")
                .value_delimiter(',')
                .help("Offer only these tools (by name, e.g. list_campaigns,find_contact) [default: all]"),
        )
        .arg(
            Arg::new("sqlite")
                .long("sqlite")
                .value_name("FILE")
                .help("A database `salesflow sync --out FILE.sqlite` wrote: offer query_contacts, read-only SQL over it"),
        )
        .arg(
            Arg::new("state-dir")
                .long("state-dir")
                .value_name("DIR")
                .help("Where import_leads keeps its journals (what makes a repeated import send nothing twice) [default: $XDG_STATE_HOME/salesflow/mcp]"),
        )
        .arg(
            Arg::new("list-tools")
                .long("list-tools")
                .action(ArgAction::SetTrue)
                .help("Print the tools as `tools/list` answers them (JSON) and exit"),
        )
        .args(crate::connection_args())
}

pub(crate) fn run(sub: &ArgMatches) -> Exit {
    let stdio = sub.get_one::<String>("http").is_none() && !sub.get_flag("list-tools");
    if stdio
        && sub
            .get_one::<String>("token-file")
            .is_some_and(|path| path == "-")
    {
        return failure::usage(
            "--token-file -: standard input carries the MCP session; give the token in a file or SALESFLOW_TOKEN",
        );
    }
    // The tool list needs no token: it sends nothing.
    let listing = sub.get_flag("list-tools");
    let client = if listing {
        salesflow::Client::with_token("-").map_err(|error| failure::usage(&error.to_string()))
    } else {
        crate::client(sub, None)
    };
    let client = match client {
        Ok(client) => client,
        Err(exit) => return exit,
    };
    let options = ServerOptions {
        read_only: sub.get_flag("read-only"),
        tools: sub
            .get_many::<String>("tools")
            .map(|names| names.map(|name| name.trim().to_owned()).collect()),
        default_account: sub.get_one::<i64>("account-id").copied(),
        sqlite: sub.get_one::<String>("sqlite").map(Into::into),
        state_dir: sub.get_one::<String>("state-dir").map(Into::into),
    };
    let server = match SalesflowMcp::new(client, options) {
        Ok(server) => server,
        Err(message) => return failure::usage(&message),
    };
    if listing {
        let tools = serde_json::json!({ "tools": server.tools() });
        let text = serde_json::to_string_pretty(&tools).unwrap_or_default() + "\n";
        // A closed pipe (`| head`) is not a failure.
        let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes());
        return Exit::Success;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => return failure::usage(&format!("cannot start: {error}")),
    };
    let Some(address) = sub.get_one::<String>("http") else {
        return match runtime.block_on(salesflow_mcp::serve_stdio(server)) {
            Ok(()) => Exit::Success,
            Err(message) => failure::usage(&message),
        };
    };
    let address = match salesflow_mcp::parse_address(address) {
        Ok(address) => address,
        Err(message) => return failure::usage(&message),
    };
    let bearer = match bearer(sub) {
        Ok(bearer) => bearer,
        Err(message) => return failure::usage(&message),
    };
    if !address.ip().is_loopback() && bearer.is_none() {
        return failure::usage(&format!(
            "--http {address} is reachable from other machines: give a bearer token (--bearer-token-file or {BEARER_VAR}), or listen on 127.0.0.1"
        ));
    }
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(address).await {
            Ok(listener) => listener,
            Err(error) => return failure::usage(&format!("--http {address}: {error}")),
        };
        let bound = listener.local_addr().map_or(address, |bound| bound);
        eprintln!(
            "salesflow mcp: serving http://{bound}{} (Ctrl-C stops)",
            salesflow_mcp::MCP_PATH
        );
        let stop = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        match salesflow_mcp::serve_http(server, listener, bearer, stop).await {
            Ok(()) => Exit::Success,
            Err(error) => failure::usage(&format!("--http {bound}: {error}")),
        }
    })
}

/// The bearer token of `--bearer-token-file`, else of `SALESFLOW_MCP_BEARER_TOKEN`.
fn bearer(sub: &ArgMatches) -> Result<Option<BearerToken>, String> {
    let text = match sub.get_one::<String>("bearer-token-file") {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|error| format!("cannot read --bearer-token-file {path}: {error}"))?,
        None => match std::env::var(BEARER_VAR) {
            Ok(token) if !token.trim().is_empty() => token,
            _ => return Ok(None),
        },
    };
    BearerToken::new(&text).map(Some)
}
