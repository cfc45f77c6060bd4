//! A complete webhook receiver: copy it, and replace `handle` with what your system does.
//!
//! ```sh
//! export SALESFLOW_WEBHOOK_SECRET=$(openssl rand -hex 32)   # keep it; register it once
//! cargo run -p salesflow-ext --features receiver --example webhook_receiver
//! ```
//!
//! It prints the URL to register (with `salesflow create-webhook --url ...` or
//! `Client::create_webhook`, then `attach-webhook` to a campaign) with the host you expose it
//! under, answers 200 to each event once `handle` returned `Ok`, and 500 when it failed, so
//! that Salesflow sends the event again; an event that comes again within 10 minutes is
//! handled once.
//!
//! It listens on 127.0.0.1 (this machine only) unless `BIND` says otherwise
//! (`BIND=0.0.0.0`): put it behind a proxy that terminates HTTPS, since the secret is in
//! the URL, and keep query strings out of that proxy's access log (nginx: a `log_format`
//! with `$uri` instead of `$request`; Caddy: `log { format filter { request>uri query {
//! delete secret } } }`).

use salesflow_ext::types::WebhookEvent;
use salesflow_ext::{WebhookEventExt, WebhookReceiver, WebhookSecret};

/// What to do with one event: here, print it. Return an error to have it sent again.
async fn handle(event: WebhookEvent) -> Result<(), std::io::Error> {
    let kind = event
        .integration_run_on
        .as_ref()
        .map_or("unknown event".to_owned(), ToString::to_string);
    println!(
        "{kind}: member {} ({} {}), campaigns {:?}",
        event.member_id,
        event.first_name.as_deref().unwrap_or(""),
        event.last_name.as_deref().unwrap_or(""),
        event.campaign_names(),
    );
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let secret = match std::env::var("SALESFLOW_WEBHOOK_SECRET") {
        Ok(secret) => WebhookSecret::new(secret)?,
        Err(_) => {
            let secret = WebhookSecret::generate();
            eprintln!("no SALESFLOW_WEBHOOK_SECRET: using a new secret for this run only");
            secret
        }
    };
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(8080);
    // This machine only, unless asked: the proxy in front takes the requests from outside.
    let bind = std::env::var("BIND").unwrap_or_else(|_| "127.0.0.1".to_owned());
    let register = secret.url_for("https://your-host.example.com/salesflow")?;
    eprintln!("register this URL with Salesflow (keep it private): {register}");
    let receiver =
        WebhookReceiver::new(secret, handle).dedupe_window(std::time::Duration::from_secs(600));
    let listener = tokio::net::TcpListener::bind((bind.as_str(), port)).await?;
    eprintln!("listening on {}", listener.local_addr()?);
    receiver
        .serve_until(listener, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
