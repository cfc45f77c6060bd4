//! Serving a [`WebhookReceiver`] on a listener with what a server open to the internet
//! needs, which `axum::serve` does not give: a time limit on each request's headers (slow
//! clients cannot hold connections), a cap on connections (under the process's limit of
//! open files), and a shutdown that waits for the handlers under way, not for the clients.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use salesflow::types::WebhookEvent;

use crate::WebhookReceiver;

impl<F, Fut, E> WebhookReceiver<F>
where
    F: Fn(WebhookEvent) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), E>> + Send + 'static,
    E: fmt::Display + Send + 'static,
{
    /// Serves the receiver on `listener` (HTTP/1.1) until the process ends: see
    /// [`serve_until`](Self::serve_until).
    pub async fn serve(self, listener: TcpListener) -> std::io::Result<()> {
        self.serve_until(listener, std::future::pending()).await
    }

    /// Serves the receiver on `listener` (HTTP/1.1) until `shutdown` completes.
    ///
    /// Each connection must send a request's headers within the
    /// [`read_timeout`](Self::read_timeout), and its body within it again, or it is
    /// closed; at most [`max_connections`](Self::max_connections) are held, and more wait
    /// to be accepted. When `shutdown` completes, no more connections are accepted, the
    /// handlers under way run to their end (for at most the
    /// [`shutdown_grace`](Self::shutdown_grace)), then every connection is closed, however
    /// slowly its client sends.
    ///
    /// ```no_run
    /// # use salesflow_ext::types::WebhookEvent;
    /// use salesflow_ext::{WebhookReceiver, WebhookSecret};
    ///
    /// # async fn run() -> std::io::Result<()> {
    /// let receiver = WebhookReceiver::new(WebhookSecret::generate(), |_: WebhookEvent| async {
    ///     Ok::<_, std::convert::Infallible>(())
    /// });
    /// let listener = tokio::net::TcpListener::bind("127.0.0.1:4242").await?;
    /// receiver
    ///     .serve_until(listener, async { tokio::signal::ctrl_c().await.unwrap() })
    ///     .await
    /// # }
    /// ```
    pub async fn serve_until(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()>,
    ) -> std::io::Result<()> {
        let header_timeout = self.read_timeout;
        let grace = self.shutdown_grace;
        let handlers = self.handlers.clone();
        let connections = std::sync::Arc::new(Semaphore::new(self.max_connections));
        let router = self.into_router();
        let mut served = JoinSet::new();
        tokio::pin!(shutdown);
        loop {
            let permit = tokio::select! {
                () = &mut shutdown => break,
                permit = connections.clone().acquire_owned() => permit.expect("never closed"),
            };
            let stream = tokio::select! {
                () = &mut shutdown => break,
                accepted = listener.accept() => match accepted {
                    Ok((stream, _)) => stream,
                    Err(error) => {
                        // Out of file descriptors, or a connection reset while queued: the
                        // listener itself is fine, so wait a moment and go on.
                        tracing::warn!(%error, "accepting a webhook connection failed");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                },
            };
            let service = TowerToHyperService::new(router.clone());
            served.spawn(async move {
                let _held = permit;
                let connection = hyper::server::conn::http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(header_timeout)
                    .serve_connection(TokioIo::new(stream), service);
                if let Err(error) = connection.await {
                    tracing::debug!(%error, "a webhook connection ended");
                }
            });
            while served.try_join_next().is_some() {}
        }
        drop(listener);
        handlers.close();
        if tokio::time::timeout(grace, handlers.wait()).await.is_err() {
            tracing::warn!(
                running = handlers.len(),
                "webhook handlers still running at shutdown after the grace period"
            );
        }
        served.shutdown().await;
        Ok(())
    }
}
