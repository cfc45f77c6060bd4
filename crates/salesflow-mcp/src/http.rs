//! The server over MCP's streamable HTTP transport, at `/mcp`: on a loopback address by
//! default; anywhere else only behind a bearer token.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rmcp::transport::streamable_http_server::{
    StreamableHttpServerConfig, StreamableHttpService, session::local::LocalSessionManager,
};
use subtle::ConstantTimeEq;
use tokio_util::sync::CancellationToken;

use crate::server::SalesflowMcp;

/// The path the transport answers at.
pub const MCP_PATH: &str = "/mcp";

/// The fewest characters a bearer token may have: one that can be guessed protects nothing.
pub const MIN_BEARER_LENGTH: usize = 16;

/// The secret an HTTP client must send (`Authorization: Bearer <token>`). Its `Debug`
/// shows nothing of it.
#[derive(Clone)]
pub struct BearerToken(Arc<str>);

impl BearerToken {
    /// A bearer token, if it is at least [`MIN_BEARER_LENGTH`] characters (white space
    /// around it is not part of it).
    pub fn new(token: &str) -> Result<Self, String> {
        let token = token.trim();
        if token.chars().count() < MIN_BEARER_LENGTH {
            return Err(format!(
                "the bearer token has {} characters; give at least {MIN_BEARER_LENGTH} (e.g. `openssl rand -hex 32`)",
                token.chars().count()
            ));
        }
        Ok(Self(token.into()))
    }

    fn admits(&self, request: &Request) -> bool {
        let Some(given) = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
        else {
            return false;
        };
        bool::from(given.trim().as_bytes().ct_eq(self.0.as_bytes()))
    }
}

impl std::fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BearerToken(***)")
    }
}

/// Serves `server` on `listener` until `shutdown` completes. A listener on an address that
/// is not loopback needs `bearer` (refused otherwise, before serving anything): the MCP
/// endpoint acts with the Salesflow token, so whoever reaches it must prove they may.
pub async fn serve_http(
    server: SalesflowMcp,
    listener: tokio::net::TcpListener,
    bearer: Option<BearerToken>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let address = listener.local_addr()?;
    if !address.ip().is_loopback() && bearer.is_none() {
        return Err(std::io::Error::other(format!(
            "{address} is reachable from other machines: give a bearer token (--bearer-token-file) or listen on 127.0.0.1"
        )));
    }
    let cancel = CancellationToken::new();
    let mut config = StreamableHttpServerConfig::default().with_cancellation_token(cancel.clone());
    if !address.ip().is_loopback() {
        // Host checks guard a loopback server against DNS rebinding; off loopback the
        // bearer token does (a browser adds no `Authorization` to a rebound request).
        config = config.disable_allowed_hosts();
    }
    let service = StreamableHttpService::new(
        move || Ok(server.clone()),
        Arc::new(LocalSessionManager::default()),
        config,
    );
    let mut router = axum::Router::new()
        .nest_service(MCP_PATH, service)
        .layer(axum::middleware::from_fn(session_end_no_content));
    if let Some(bearer) = bearer {
        router = router.layer(axum::middleware::from_fn_with_state(bearer, require_bearer));
    }
    // Without Nagle's delay: a small answer is one write, sent at once (with it, the
    // client's delayed ACK cost each call about 40 ms).
    let listener = axum::serve::ListenerExt::tap_io(listener, |stream| {
        let _ = stream.set_nodelay(true);
    });
    axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            shutdown.await;
            cancel.cancel();
        })
        .await
}

/// A session ended by `DELETE` is answered `204 No Content`, not rmcp's `202 Accepted`:
/// the official Python SDK takes only 200 and 204 there, and logs a warning for every
/// session otherwise. (The session is gone either way; nothing is pending.)
async fn session_end_no_content(request: Request, next: Next) -> Response {
    let delete = request.method() == axum::http::Method::DELETE;
    let response = next.run(request).await;
    if delete && response.status() == StatusCode::ACCEPTED {
        return StatusCode::NO_CONTENT.into_response();
    }
    response
}

async fn require_bearer(
    State(bearer): State<BearerToken>,
    request: Request,
    next: Next,
) -> Response {
    if bearer.admits(&request) {
        return next.run(request).await;
    }
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, "Bearer")],
        "this MCP server needs `Authorization: Bearer <token>`\n",
    )
        .into_response()
}

/// `ADDR` of `--http`: `host:port`, or a port alone (on 127.0.0.1).
pub fn parse_address(text: &str) -> Result<SocketAddr, String> {
    let text = text.trim();
    if let Ok(port) = text.parse::<u16>() {
        return Ok(SocketAddr::from(([127, 0, 0, 1], port)));
    }
    text.parse::<SocketAddr>().map_err(|_| {
        format!(
            "--http {text}: give a port (8931) or an address and port (127.0.0.1:8931, [::1]:8931)"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_port_alone_is_loopback() {
        assert_eq!(parse_address("8931").unwrap().to_string(), "127.0.0.1:8931");
        assert_eq!(
            parse_address("0.0.0.0:80").unwrap().to_string(),
            "0.0.0.0:80"
        );
        assert!(parse_address("localhost").is_err());
    }

    #[test]
    fn a_short_bearer_token_is_refused_and_never_shown() {
        assert!(BearerToken::new("short").is_err());
        let token = BearerToken::new("0123456789abcdef0123").unwrap();
        assert_eq!(format!("{token:?}"), "BearerToken(***)");
    }

    #[tokio::test]
    async fn a_public_address_without_a_bearer_token_is_refused() {
        let listener = tokio::net::TcpListener::bind("0.0.0.0:0").await.unwrap();
        let client = salesflow::Client::with_token("t").unwrap();
        let server = SalesflowMcp::new(client, Default::default()).unwrap();
        let error = serve_http(server, listener, None, async {})
            .await
            .unwrap_err();
        assert!(error.to_string().contains("bearer token"), "{error}");
    }
}
