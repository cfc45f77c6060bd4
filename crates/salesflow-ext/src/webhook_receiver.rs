//! An axum handler that receives Salesflow's webhook requests: the secret checked, the body
//! capped, read within a time limit and parsed, the event handed to your function, run to
//! its end, and 200 only once it succeeded.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tokio_util::task::TaskTracker;

use salesflow::types::WebhookEvent;

use crate::webhook_dedupe::{Claim, Dedupe};
use crate::{WebhookSecret, parse_webhook_event};

/// Receives the events Salesflow POSTs to a webhook URL and hands each one, typed, to your
/// function.
///
/// Salesflow signs nothing, so the receiver's only protection is the secret in the URL you
/// register ([`WebhookSecret::url_for`] puts it in the query string; a last path segment
/// works too, as in `https://hooks.example.com/salesflow/<secret>`). For each request it:
///
/// - compares the secret in constant time, and answers `404 Not Found` without one (not
///   401: a prober learns nothing, not even that something listens here);
/// - answers `405` to anything but a POST, `413` to a body over
///   [`max_body_bytes`](Self::max_body_bytes) (1 MiB unless set), and `408` to a body not
///   sent within [`read_timeout`](Self::read_timeout) (10 s unless set);
/// - parses the body as leniently as the client reads answers ([`parse_webhook_event`]):
///   a body that is no event is `400`, with the field that failed in the log (a `tracing`
///   warning), not in the answer;
/// - with a [`dedupe_window`](Self::dedupe_window), answers `200` at once to an event
///   alike in every field to one handled within the window (Salesflow's events carry no
///   id, and a failed delivery comes again);
/// - runs your function with the [`WebhookEvent`] to its end, even if the sender hangs
///   up meanwhile (the outcome is logged), and answers `200` only after it returned `Ok`;
///   an `Err` is `500`, so that Salesflow can deliver the event again.
///
/// [`serve`](Self::serve) runs it on a listener with what a server open to the internet
/// needs: a time limit on each request's headers, a cap on connections, and at shutdown
/// the handlers under way run to their end. Serve it over HTTPS (behind a proxy that
/// terminates TLS), and keep query strings out of that proxy's access log: the secret is
/// in the URL.
///
/// The log never shows the secret or the URL: only the member and the kind of event.
///
/// ```no_run
/// use salesflow_ext::types::WebhookEvent;
/// use salesflow_ext::{WebhookReceiver, WebhookSecret};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let secret = WebhookSecret::new(std::env::var("SALESFLOW_WEBHOOK_SECRET")?)?;
/// let receiver = WebhookReceiver::new(secret, |event: WebhookEvent| async move {
///     println!("member {} is now {:?}", event.member_id, event.status);
///     Ok::<_, std::io::Error>(())
/// })
/// .dedupe_window(std::time::Duration::from_secs(600));
/// // This machine only: the proxy in front of it takes the requests from outside.
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
/// receiver.serve(listener).await?;
/// # Ok(())
/// # }
/// ```
pub struct WebhookReceiver<F> {
    secret: WebhookSecret,
    max_body_bytes: usize,
    pub(crate) read_timeout: Duration,
    pub(crate) max_connections: usize,
    pub(crate) shutdown_grace: Duration,
    dedupe: Option<Arc<Dedupe>>,
    /// The handlers under way, which a shutdown waits for.
    pub(crate) handlers: TaskTracker,
    handle: F,
}

impl<F> fmt::Debug for WebhookReceiver<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookReceiver")
            .field("secret", &self.secret)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("read_timeout", &self.read_timeout)
            .field("max_connections", &self.max_connections)
            .field("dedupe", &self.dedupe.is_some())
            .finish_non_exhaustive()
    }
}

impl<F, Fut, E> WebhookReceiver<F>
where
    F: Fn(WebhookEvent) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), E>> + Send + 'static,
    E: fmt::Display + Send + 'static,
{
    /// The largest body accepted unless [`max_body_bytes`](Self::max_body_bytes) says
    /// otherwise: an event is a few kilobytes.
    pub const DEFAULT_MAX_BODY_BYTES: usize = 1 << 20;

    /// A receiver of the requests that carry `secret`, handing each event to `handle`.
    pub fn new(secret: WebhookSecret, handle: F) -> Self {
        Self {
            secret,
            max_body_bytes: Self::DEFAULT_MAX_BODY_BYTES,
            read_timeout: Duration::from_secs(10),
            max_connections: 128,
            shutdown_grace: Duration::from_secs(30),
            dedupe: None,
            handlers: TaskTracker::new(),
            handle,
        }
    }

    /// Refuses (`413`) a body longer than `bytes`.
    ///
    /// ```
    /// # use salesflow_ext::types::WebhookEvent;
    /// use salesflow_ext::{WebhookReceiver, WebhookSecret};
    /// let receiver = WebhookReceiver::new(WebhookSecret::generate(), |_: WebhookEvent| async {
    ///     Ok::<_, std::convert::Infallible>(())
    /// })
    /// .max_body_bytes(64 * 1024);
    /// # let _ = receiver;
    /// ```
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// How long a sender may take to send a request's headers, and then its body (10 s
    /// each unless set): a connection that sends slower is closed (`408` for a body), so
    /// that slow clients cannot hold the receiver. [`serve`](Self::serve) applies it to the
    /// headers; the body's limit applies however the router is served.
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = timeout;
        self
    }

    /// How many connections [`serve`](Self::serve) holds at once (128 unless set, at
    /// least 1); more wait to be accepted. Keep it under the process's limit of open files.
    pub fn max_connections(mut self, connections: usize) -> Self {
        self.max_connections = connections.max(1);
        self
    }

    /// How long a shutdown of [`serve_until`](Self::serve_until) waits for the handlers
    /// under way to end (30 s unless set).
    pub fn shutdown_grace(mut self, grace: Duration) -> Self {
        self.shutdown_grace = grace;
        self
    }

    /// Handles once an event that comes again within `window`: a request whose event is
    /// alike in every field to one handled within the window is answered `200` without
    /// calling the function; one alike to an event being handled waits for its outcome.
    /// An event whose handling failed is handled when it comes again. Off unless set.
    ///
    /// Salesflow's events carry no id, so "alike in every field" is what identifies one: a
    /// redelivery repeats every field, while a new reply or follow-up changes the
    /// conversation (`MemberActionsFormatted`) and a new connection its time. Memory holds
    /// the events of one window.
    pub fn dedupe_window(mut self, window: Duration) -> Self {
        self.dedupe = Some(Arc::new(Dedupe::new(window)));
        self
    }

    /// An axum [`Router`] that answers every path and method as the receiver does; serve it
    /// alone, or `nest` it in your own application (then give your server a time limit on
    /// request headers: [`serve`](Self::serve) does).
    pub fn into_router(self) -> Router {
        Router::new()
            .fallback(receive::<F, Fut, E>)
            .with_state(Arc::new(self))
    }
}

/// What the receiver answers: a status and a short text, never the secret or the field that
/// failed.
fn answer(status: StatusCode, text: &'static str) -> Response {
    (status, text).into_response()
}

async fn receive<F, Fut, E>(
    State(receiver): State<Arc<WebhookReceiver<F>>>,
    request: Request,
) -> Response
where
    F: Fn(WebhookEvent) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), E>> + Send + 'static,
    E: fmt::Display + Send + 'static,
{
    if !carries_secret(&receiver.secret, request.uri()) {
        return StatusCode::NOT_FOUND.into_response();
    }
    if request.method() != Method::POST {
        let mut refused = answer(StatusCode::METHOD_NOT_ALLOWED, "POST only\n");
        refused
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return refused;
    }
    let too_long = answer(StatusCode::PAYLOAD_TOO_LARGE, "the body is too long\n");
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|length| length.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|length| length > receiver.max_body_bytes as u64) {
        return too_long;
    }
    let body: Body = request.into_body();
    let read = axum::body::to_bytes(body, receiver.max_body_bytes);
    let bytes = match tokio::time::timeout(receiver.read_timeout, read).await {
        Ok(Ok(bytes)) => bytes,
        // Longer than the limit (without a length that said so), or cut off.
        Ok(Err(_)) => return too_long,
        Err(_) => {
            tracing::warn!("a webhook body was not sent in time; closing");
            let mut slow = answer(StatusCode::REQUEST_TIMEOUT, "the body took too long\n");
            slow.headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            return slow;
        }
    };
    let event = match parse_webhook_event(&bytes) {
        Ok(event) => event,
        Err(error) => {
            tracing::warn!(field = %error.field(), %error, "refused a webhook body that is not a Salesflow event");
            return answer(
                StatusCode::BAD_REQUEST,
                "the body is not a Salesflow webhook event\n",
            );
        }
    };
    let member_id = event.member_id;
    let kind = event
        .integration_run_on
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default();
    let handling = match &receiver.dedupe {
        Some(dedupe) => match dedupe.claim(&event).await {
            Claim::Duplicate => {
                tracing::info!(member_id, kind, "webhook event handled already; not again");
                return StatusCode::OK.into_response();
            }
            Claim::Mine(handling) => Some(handling),
        },
        None => None,
    };
    // Run apart from this request: a sender that hangs up does not cut the handler short.
    let handled = (receiver.handle)(event);
    let task = receiver.handlers.spawn(async move {
        let outcome = handled.await.map_err(|error| error.to_string());
        match &outcome {
            Ok(()) => tracing::info!(member_id, kind, "webhook event handled"),
            Err(error) => tracing::error!(member_id, kind, %error, "webhook event not handled; answering 500 so that it is sent again"),
        }
        if let Some(handling) = handling {
            handling.finish(outcome.is_ok());
        }
        outcome
    });
    match task.await {
        Ok(Ok(())) => StatusCode::OK.into_response(),
        // An error, or a handler that panicked.
        Ok(Err(_)) | Err(_) => answer(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the event was not handled\n",
        ),
    }
}

/// Whether the request's URL carries `secret`: as the `secret` query parameter, or as its
/// last path segment. Both are compared in constant time.
fn carries_secret(secret: &WebhookSecret, uri: &axum::http::Uri) -> bool {
    let in_query = uri.query().is_some_and(|query| secret.verify_query(query));
    let last_segment = uri.path().trim_end_matches('/').rsplit('/').next();
    let in_path = last_segment.is_some_and(|segment| secret.verify(segment));
    // Both are always compared, so the time does not tell which one was tried.
    in_query | in_path
}
