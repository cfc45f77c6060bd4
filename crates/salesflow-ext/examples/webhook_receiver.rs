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
//! that Salesflow sends the event again. Serve it behind HTTPS: the secret is in the URL.

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
    let register = secret.url_for(&format!("https://your-host.example.com:{port}/salesflow"))?;
    eprintln!("register this URL with Salesflow (keep it private): {register}");
    let app = WebhookReceiver::new(secret, handle).into_router();
    let listener = tokio::net::TcpListener::bind(("0.0.0.0", port)).await?;
    eprintln!("listening on {}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}
