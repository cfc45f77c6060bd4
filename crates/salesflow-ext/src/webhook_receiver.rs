//! An axum handler that receives Salesflow's webhook requests: the secret checked, the body
//! capped and parsed, the event handed to your function, and 200 only once it succeeded.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

use salesflow::types::WebhookEvent;

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
/// - answers `405` to anything but a POST, and `413` to a body over
///   [`max_body_bytes`](Self::max_body_bytes) (1 MiB unless set);
/// - parses the body as leniently as the client reads answers ([`parse_webhook_event`]):
///   a body that is no event is `400`, with the field that failed in the log (a `tracing`
///   warning), not in the answer;
/// - awaits your function with the [`WebhookEvent`], and answers `200` only after it
///   returned `Ok`; an `Err` is `500`, so that Salesflow can deliver the event again.
///
/// The log never shows the secret or the URL: only the member and the kind of event.
///
/// ```no_run
/// use salesflow_ext::types::WebhookEvent;
/// use salesflow_ext::{WebhookReceiver, WebhookSecret};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let secret = WebhookSecret::new(std::env::var("SALESFLOW_WEBHOOK_SECRET")?)?;
/// let app = WebhookReceiver::new(secret, |event: WebhookEvent| async move {
///     println!("member {} is now {:?}", event.member_id, event.status);
///     Ok::<_, std::io::Error>(())
/// })
/// .into_router();
/// let listener = tokio::net::TcpListener::bind("0.0.0.0:8080").await?;
/// axum::serve(listener, app).await?;
/// # Ok(())
/// # }
/// ```
pub struct WebhookReceiver<F> {
    secret: WebhookSecret,
    max_body_bytes: usize,
    handle: F,
}

impl<F> fmt::Debug for WebhookReceiver<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookReceiver")
            .field("secret", &self.secret)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish_non_exhaustive()
    }
}

impl<F, Fut, E> WebhookReceiver<F>
where
    F: Fn(WebhookEvent) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), E>> + Send + 'static,
    E: fmt::Display + 'static,
{
    /// The largest body accepted unless [`max_body_bytes`](Self::max_body_bytes) says
    /// otherwise: an event is a few kilobytes.
    pub const DEFAULT_MAX_BODY_BYTES: usize = 1 << 20;

    /// A receiver of the requests that carry `secret`, handing each event to `handle`.
    pub fn new(secret: WebhookSecret, handle: F) -> Self {
        Self {
            secret,
            max_body_bytes: Self::DEFAULT_MAX_BODY_BYTES,
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

    /// An axum [`Router`] that answers every path and method as the receiver does; serve it
    /// alone, or `nest` it in your own application.
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
    E: fmt::Display + 'static,
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
    let Ok(bytes) = axum::body::to_bytes(body, receiver.max_body_bytes).await else {
        // Longer than the limit (without a length that said so), or cut off.
        return too_long;
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
    match (receiver.handle)(event).await {
        Ok(()) => {
            tracing::info!(member_id, kind, "webhook event handled");
            StatusCode::OK.into_response()
        }
        Err(error) => {
            tracing::error!(member_id, kind, %error, "webhook event not handled; answering 500 so that it is sent again");
            answer(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the event was not handled\n",
            )
        }
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
