#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod answer;
mod api;
mod control;
mod delivery;
mod faults;
mod state;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::extract::{Request, State as Shared};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};

pub use answer::Variants;
pub use delivery::Event;
pub use faults::{Fault, Faults};
pub use state::{
    Account, Attachment, Campaign, Contact, DEFAULT_TOKEN, Delivery, Message, Seed, State, Webhook,
};

/// The largest request body the emulator reads.
const MAX_BODY: usize = 1 << 20;

/// The path prefix of the control API: none of the API's paths starts with it.
pub const CONTROL_PREFIX: &str = "/__emulator";

/// How to start an emulator: its data, the variants it answers with, its address.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// What it starts from (the default: account 321 with two campaigns).
    pub seed: Seed,
    /// The real-server variants switched on.
    pub variants: Variants,
    /// Where it listens (the default: 127.0.0.1, any free port).
    pub address: SocketAddr,
    /// The faults it injects (the default: none).
    pub faults: Faults,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            seed: Seed::default(),
            variants: Variants::default(),
            address: SocketAddr::from(([127, 0, 0, 1], 0)),
            faults: Faults::default(),
        }
    }
}

/// What every request handler shares.
struct Inner {
    state: Mutex<State>,
    variants: Mutex<Variants>,
    faults: Mutex<Faults>,
    http: reqwest::Client,
    /// Where it listens: no event is delivered there (a webhook pointing at the emulator
    /// would deliver to itself without end).
    address: SocketAddr,
}

/// A running emulator: a stateful Salesflow on localhost, served on a task of the runtime
/// it was started on, until it is dropped.
///
/// ```no_run
/// # async fn run() -> std::io::Result<()> {
/// use salesflow_emulator::{Emulator, EmulatorConfig};
///
/// let emulator = Emulator::start(EmulatorConfig::default()).await?;
/// let client = salesflow::Client::with_base_url(&emulator.base_url(), emulator.token())
///     .expect("a valid URL");
/// let campaigns = client.list_campaigns().account_id(321).send().await.expect("listed");
/// assert_eq!(campaigns.len(), 2);
/// # Ok(()) }
/// ```
pub struct Emulator {
    address: SocketAddr,
    inner: Arc<Inner>,
    token: String,
    server: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl Emulator {
    /// Starts an emulator as `config` says, on the current tokio runtime.
    pub async fn start(config: EmulatorConfig) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(config.address).await?;
        Self::serve(listener, config)
    }

    /// Serves an emulator on `listener`.
    pub fn serve(
        listener: tokio::net::TcpListener,
        config: EmulatorConfig,
    ) -> std::io::Result<Self> {
        let address = listener.local_addr()?;
        // Deliveries go out through reqwest, whose TLS (the SDK's rustls) needs a provider.
        // Deprecated in rustls 0.23.48 (no post-quantum key exchange); ring builds fast.
        #[allow(deprecated)]
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(10))
            .user_agent(concat!("salesflow-emulator/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(std::io::Error::other)?;
        let token = config.seed.token.clone();
        let inner = Arc::new(Inner {
            state: Mutex::new(State::new(config.seed)),
            variants: Mutex::new(config.variants),
            faults: Mutex::new(config.faults),
            http,
            address,
        });
        let app = router(Arc::clone(&inner));
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self {
            address,
            inner,
            token,
            server,
        })
    }

    /// The address it listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The base URL of its API (`http://127.0.0.1:PORT/api`), for any client.
    pub fn base_url(&self) -> String {
        format!("http://{}/api", self.address)
    }

    /// The base URL of its control API (`http://127.0.0.1:PORT/__emulator`).
    pub fn control_url(&self) -> String {
        format!("http://{}{CONTROL_PREFIX}", self.address)
    }

    /// The API token it takes.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// Its state, to look at (hold the guard briefly: requests wait for it).
    pub fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.inner.state)
    }

    /// Switches variants on or off from now on.
    pub fn set_variants(&self, variants: Variants) {
        *lock(&self.inner.variants) = variants;
    }

    /// Injects `faults` from now on (the counts start again).
    pub fn set_faults(&self, faults: Faults) {
        *lock(&self.inner.faults) = faults;
    }

    /// The faults, with how many requests were counted and how many failed.
    pub fn faults(&self) -> Faults {
        lock(&self.inner.faults).clone()
    }

    /// Makes `event` happen to member `member_id` (a reply with `text`), as
    /// `POST /__emulator/members/{id}/{connect,reply,withdraw}` does, and returns the
    /// deliveries it made; `None` if there is no such member.
    pub async fn simulate(
        &self,
        member_id: i64,
        event: Event,
        text: Option<&str>,
    ) -> Option<Vec<Delivery>> {
        control::simulate(&self.inner, member_id, event, text).await
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// IIS's default `maxQueryString`, in bytes.
const MAX_QUERY_STRING: usize = 2048;

/// What IIS answers to a query string over its limit: 404.15, an HTML page.
fn query_string_too_long() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(axum::http::header::CONTENT_TYPE, "text/html")],
        "<!DOCTYPE html><html><head><title>IIS 10.0 Detailed Error - 404.15 - Not Found</title></head>\
         <body><h3>HTTP Error 404.15 - Not Found</h3><h4>The request filtering module is configured \
         to deny a request where the query string is too long.</h4></body></html>",
    )
        .into_response()
}

fn router(inner: Arc<Inner>) -> Router {
    Router::new().fallback(handle).with_state(inner)
}

/// Every request: the control API under [`CONTROL_PREFIX`], the API under `/api`.
async fn handle(Shared(inner): Shared<Arc<Inner>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_BODY).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let path = parts.uri.path().to_owned();
    if let Some(rest) = path.strip_prefix(CONTROL_PREFIX) {
        return control::handle(&inner, &parts.method, rest, &body).await;
    }
    // IIS's request filtering refuses a query string over `maxQueryString` (2,048 bytes by
    // default) before any application sees it.
    if parts.uri.query().map_or(0, str::len) > MAX_QUERY_STRING {
        return query_string_too_long();
    }
    // IIS matches paths in any case.
    let lower = path.to_ascii_lowercase();

    let Some(rest) = lower.strip_prefix("/api") else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Some((operation, member)) = route(&parts.method, rest.trim_end_matches('/')) else {
        let allowed: Vec<&str> = [Method::GET, Method::POST, Method::DELETE]
            .iter()
            .filter(|method| route(method, rest.trim_end_matches('/')).is_some())
            .map(Method::as_str)
            .collect();
        if allowed.is_empty() {
            return StatusCode::NOT_FOUND.into_response();
        }
        // As ASP.NET does (and RFC 9110 asks): the methods the path takes.
        let mut refused = StatusCode::METHOD_NOT_ALLOWED.into_response();
        if let Ok(value) = axum::http::HeaderValue::from_str(&allowed.join(", ")) {
            refused
                .headers_mut()
                .insert(axum::http::header::ALLOW, value);
        }
        return refused;
    };
    let variants = *lock(&inner.variants);
    let (fault, stall) = {
        let mut faults = lock(&inner.faults);
        (faults.next(operation), faults.stall())
    };
    match fault {
        Some(faults::Fault::Drop) => return faults::broken(),
        Some(fault) if !fault.after_work() => return faults::refusal(fault),
        _ => {}
    }
    let mut call = api::Call::new(parts.uri.query(), &body);
    let answer = {
        let mut state = lock(&inner.state);
        api::run(operation, member.as_deref(), &mut call, &mut state)
    };
    match fault {
        Some(faults::Fault::Reset) => faults::broken(),
        Some(faults::Fault::Timeout) => {
            tokio::time::sleep(stall).await;
            answer.render(variants, &parts.headers)
        }
        _ => answer.render(variants, &parts.headers),
    }
}

/// The operation (operationId) of `method` on `path` (below `/api`, lower case), and the
/// member id in the path where there is one.
fn route(method: &Method, path: &str) -> Option<(&'static str, Option<String>)> {
    let fixed = match (method.as_str(), path) {
        ("GET", "/statistics/getcampaignstatistics") => "getCampaignStatistics",
        ("GET", "/members/import") => "importMember",
        ("GET", "/members") => "getContactByPublicIdentifier",
        ("GET", "/members/list-contacts") => "listContactsByCampaign",
        ("POST", "/members/list-contacts") => "listContactsByPublicIdentifiers",
        ("GET", "/members/list-contacts-by-accountid") => "listContactsByAccount",
        ("GET", "/campaigns/list-campaigns") => "listCampaigns",
        ("POST", "/campaigns/start") => "startCampaign",
        ("GET", "/accounts/list") => "listAccounts",
        ("POST", "/webhooks/create") => "createWebhook",
        ("DELETE", "/webhooks/delete") => "deleteWebhook",
        ("GET", "/webhooks/list") => "listWebhooks",
        ("POST", "/webhooks/attach") => "attachWebhook",
        ("POST", "/webhooks/detach") => "detachWebhook",
        ("GET", "/analytics/by-campaignid") => "getAnalyticsByCampaign",
        ("GET", "/analytics/by-accountid") => "getAnalyticsByAccount",
        ("GET", "/messaging/incoming-messages-by-accountid") => "listIncomingMessagesByAccount",
        ("GET", "/messaging/incoming-messages-by-campaignid") => "listIncomingMessagesByCampaign",
        _ => "",
    };
    if !fixed.is_empty() {
        return Some((fixed, None));
    }
    let member = path.strip_prefix("/members/")?;
    if member.contains('/')
        || matches!(
            member,
            "import" | "list-contacts" | "list-contacts-by-accountid"
        )
    {
        return None;
    }
    let operation = match method.as_str() {
        "GET" => "getContact",
        "POST" => "updateContact",
        "DELETE" => "deleteContact",
        _ => return None,
    };
    Some((operation, Some(member.to_owned())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_of_the_spec_has_a_route() {
        let spec: serde_json::Value =
            serde_yaml_ng::from_str(include_str!("../../../spec/salesflow.yaml")).unwrap();
        let mut routed = 0;
        for (path, item) in spec["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                let Some(id) = operation["operationId"].as_str() else {
                    continue;
                };
                let method = Method::from_bytes(method.to_ascii_uppercase().as_bytes()).unwrap();
                let path = path.replace("{memberId}", "46875434").to_ascii_lowercase();
                let (found, _) = route(&method, &path).unwrap_or_else(|| panic!("{method} {path}"));
                assert_eq!(found, id, "{method} {path}");
                routed += 1;
            }
        }
        assert_eq!(routed, 21);
    }
}
