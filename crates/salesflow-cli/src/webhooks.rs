//! `salesflow webhooks listen` and `salesflow webhooks trigger`: receive webhook events on
//! this machine, and send a realistic one to any receiver, the way `stripe listen` and
//! `stripe trigger` are used in development.

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use clap::{Arg, ArgMatches, Command};
use salesflow_ext::types::WebhookEvent;
use salesflow_ext::{WebhookEventExt, WebhookEventKind, WebhookReceiver, WebhookSecret};
use tokio::sync::Notify;

use crate::failure::{self, Exit};

/// The `webhooks` subcommand and its two commands.
pub fn command() -> Command {
    Command::new("webhooks")
        .about("Receive webhook events on this machine, or send a sample event to a receiver")
        .subcommand_required(true)
        .subcommand(
            Command::new("listen")
                .about("Receive webhook events and print each one as it arrives")
                .long_about(
                    "Runs a webhook receiver (the one `salesflow_ext::WebhookReceiver` is) and prints \
                     each event as it arrives: a row on a terminal, one JSON line when piped. It \
                     answers 404 to a request without the secret, 400 to a body that is no event, \
                     and 200 to an event. It prints the URL to POST to (with the secret) on stderr.\n\n\
                     A client that sends its headers or body slower than --read-timeout is cut \
                     off, at most --max-connections are held, and --count exits once its events \
                     are printed, whatever other clients do. It listens on 127.0.0.1 unless \
                     --bind says otherwise; the secret is in the URL, so anything in front of it \
                     (a tunnel, a proxy) must keep query strings out of its logs.",
                )
                .arg(
                    Arg::new("port")
                        .long("port")
                        .value_name("PORT")
                        .value_parser(clap::value_parser!(u16))
                        .default_value("4242")
                        .help("The port to listen on (0: any free port, printed on stderr)"),
                )
                .arg(
                    Arg::new("bind")
                        .long("bind")
                        .value_name("ADDRESS")
                        .default_value("127.0.0.1")
                        .help("The address to listen on (0.0.0.0 to take requests from other machines)"),
                )
                .arg(
                    Arg::new("secret")
                        .long("secret")
                        .env("SALESFLOW_WEBHOOK_SECRET")
                        .hide_env_values(true)
                        .value_name("SECRET")
                        .help("The secret the URL must carry (at least 32 letters, digits, - or _) [default: a new one, printed with the URL]"),
                )
                .arg(
                    Arg::new("count")
                        .long("count")
                        .value_name("N")
                        .value_parser(clap::value_parser!(u64).range(1..))
                        .help("Exit after N events, whatever other clients are doing [default: run until interrupted]"),
                )
                .arg(
                    Arg::new("dedupe")
                        .long("dedupe")
                        .value_name("SECONDS")
                        .value_parser(clap::value_parser!(u64).range(1..))
                        .help("Print an event once when it comes again (alike in every field) within SECONDS: Salesflow's events have no id, and a failed delivery is sent again [default: print every delivery]"),
                )
                .arg(
                    Arg::new("read-timeout")
                        .long("read-timeout")
                        .value_name("SECONDS")
                        .value_parser(clap::value_parser!(u64).range(1..))
                        .default_value("10")
                        .help("Close a connection that takes longer to send a request's headers, or then its body"),
                )
                .arg(
                    Arg::new("max-connections")
                        .long("max-connections")
                        .value_name("N")
                        .value_parser(clap::value_parser!(u32).range(1..))
                        .default_value("128")
                        .help("Hold at most N connections at once; more wait to be accepted"),
                ),
        )
        .subcommand(
            Command::new("trigger")
                .about("POST a realistic webhook event to a receiver")
                .long_about(
                    "POSTs the event Salesflow would send, for the docs' sample member, to URL \
                     (yours, with its secret, or one `salesflow webhooks listen` printed). The \
                     docs spell the event name of member-connected only \
                     (INTEGRATION_RUN_ON_CONNECTED); the others are sent as \
                     INTEGRATION_RUN_ON_REPLY_DETECTED, INTEGRATION_RUN_ON_INVITATION_WITHDRAWN \
                     and INTEGRATION_RUN_ON_FOLLOWUP. Exit code 0 when the receiver answered 2xx, \
                     1 when it answered anything else, 3 when it did not answer.",
                )
                .arg(
                    Arg::new("url")
                        .long("url")
                        .required(true)
                        .value_name("URL")
                        .help("The receiver's URL, secret included"),
                )
                .arg(
                    Arg::new("event")
                        .long("event")
                        .required(true)
                        .value_name("EVENT")
                        .value_parser(clap::builder::PossibleValuesParser::new(
                            WebhookEventKind::NAMES,
                        ))
                        .help("Which event to send"),
                )
                .arg(
                    Arg::new("member-id")
                        .long("member-id")
                        .value_name("ID")
                        .value_parser(clap::value_parser!(i64))
                        .help("The MemberId the event names [default: 1001]"),
                ),
        )
}

/// Runs `webhooks listen` or `webhooks trigger`.
pub fn run(matches: &ArgMatches) -> Exit {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => return failure::usage(&format!("cannot start: {error}")),
    };
    match matches.subcommand() {
        Some(("listen", sub)) => runtime.block_on(listen(sub)),
        Some(("trigger", sub)) => runtime.block_on(trigger(sub)),
        _ => Exit::Usage,
    }
}

async fn listen(sub: &ArgMatches) -> Exit {
    let (secret, announce) = match sub.get_one::<String>("secret") {
        Some(text) => match WebhookSecret::new(text.trim()) {
            Ok(secret) => (secret, false),
            Err(error) => {
                let problem = match error {
                    salesflow_ext::WebhookSecretError::TooShort { len } => format!(
                        "is {len} characters long; give at least {}",
                        WebhookSecret::MIN_LEN
                    ),
                    _ => "may hold only letters, digits, - and _ (it goes into a URL)".to_owned(),
                };
                return failure::usage(&format!(
                    "--secret {problem}, or leave it out for a new one"
                ));
            }
        },
        None => (WebhookSecret::generate(), true),
    };
    let port = *sub.get_one::<u16>("port").expect("defaulted");
    let bind = sub.get_one::<String>("bind").expect("defaulted");
    let address: SocketAddr = match format!("{bind}:{port}").parse() {
        Ok(address) => address,
        Err(_) => return failure::usage(&format!("--bind {bind} is not an IP address")),
    };
    let listener = match tokio::net::TcpListener::bind(address).await {
        Ok(listener) => listener,
        Err(error) => return failure::usage(&format!("cannot listen on {address}: {error}")),
    };
    let local = listener.local_addr().map_or(address, |local| local);
    let path = format!("http://{local}/salesflow");
    let url = secret.url_for(&path).expect("an http URL");
    eprintln!("salesflow: listening on http://{local}");
    if announce {
        // The one place the secret is shown: the person who started it needs the URL.
        eprintln!("salesflow: a new secret for this run; POST events to {url}");
    } else {
        eprintln!("salesflow: POST events to {path}?secret=<your secret>");
    }
    let printer = Arc::new(Printer::new(std::io::stdout().is_terminal()));
    let limit = sub.get_one::<u64>("count").copied();
    let done = Arc::new(Notify::new());
    let seen = Arc::clone(&printer);
    let finished = Arc::clone(&done);
    let mut receiver = WebhookReceiver::new(secret, move |event: WebhookEvent| {
        let printer = Arc::clone(&seen);
        let finished = Arc::clone(&finished);
        async move {
            let count = printer.print(&event)?;
            if limit.is_some_and(|limit| count >= limit) {
                finished.notify_one();
            }
            Ok::<_, std::io::Error>(())
        }
    });
    receiver = receiver
        .read_timeout(Duration::from_secs(
            *sub.get_one::<u64>("read-timeout").expect("defaulted"),
        ))
        .max_connections(*sub.get_one::<u32>("max-connections").expect("defaulted") as usize);
    if let Some(seconds) = sub.get_one::<u64>("dedupe") {
        receiver = receiver.dedupe_window(Duration::from_secs(*seconds));
    }
    let served = receiver.serve_until(listener, async move { done.notified().await });
    match served.await {
        Ok(()) => Exit::Success,
        Err(error) => failure::usage(&format!("the receiver stopped: {error}")),
    }
}

/// Prints events: a row each on a terminal (after a header), else one JSON line each.
struct Printer {
    rows: bool,
    printed: AtomicU64,
}

impl Printer {
    fn new(rows: bool) -> Self {
        Self {
            rows,
            printed: AtomicU64::new(0),
        }
    }

    /// Prints `event` on stdout; returns how many events have been printed.
    fn print(&self, event: &WebhookEvent) -> std::io::Result<u64> {
        self.print_to(&mut std::io::stdout().lock(), event)
    }

    fn print_to(&self, out: &mut impl Write, event: &WebhookEvent) -> std::io::Result<u64> {
        let count = self.printed.fetch_add(1, Ordering::SeqCst) + 1;
        if !self.rows {
            serde_json::to_writer(&mut *out, event)?;
            writeln!(out)?;
            out.flush()?;
            return Ok(count);
        }
        if count == 1 {
            writeln!(
                out,
                "{:<20}  {:<40}  {:>10}  {:<24}  {:<28}  CAMPAIGNS",
                "RECEIVED (UTC)", "EVENT", "MEMBER", "NAME", "STATUS"
            )?;
        }
        let name = [event.first_name.as_deref(), event.last_name.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let kind = event
            .integration_run_on
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        let status = event
            .status
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        let row = format!(
            "{:<20}  {kind:<40}  {:>10}  {name:<24}  {status:<28}  {}",
            chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now())
                .format("%Y-%m-%dT%H:%M:%SZ"),
            event.member_id,
            event.campaign_names().join(", "),
        );
        // Names, campaigns and values come from whoever sent the event: shown, never run.
        writeln!(out, "{}", crate::terminal::safe(&row))?;
        out.flush()?;
        Ok(count)
    }
}

async fn trigger(sub: &ArgMatches) -> Exit {
    let url = sub.get_one::<String>("url").expect("required");
    let kind: WebhookEventKind = sub
        .get_one::<String>("event")
        .expect("required")
        .parse()
        .expect("one of the possible values");
    let shown = masked(url);
    let target = match salesflow::reqwest::Url::parse(url) {
        Ok(target) if matches!(target.scheme(), "http" | "https") => target,
        _ => return failure::usage(&format!("--url {shown} is not an http:// or https:// URL")),
    };
    let mut event = kind.sample();
    if let Some(member_id) = sub.get_one::<i64>("member-id") {
        event.member_id = *member_id;
    }
    let http = match http_client() {
        Ok(http) => http,
        Err(message) => return failure::usage(&message),
    };
    let sent = http
        .post(target)
        .header("content-type", "application/json; charset=utf-8")
        .body(serde_json::to_vec(&event).expect("an event serialises"))
        .send()
        .await;
    match sent {
        Ok(answer) if answer.status().is_success() => {
            eprintln!(
                "salesflow: sent {kind} (member {}) to {shown}: {}",
                event.member_id,
                answer.status()
            );
            Exit::Success
        }
        Ok(answer) => {
            eprintln!(
                "salesflow: {shown} answered {} to {kind}; check the URL and its secret",
                answer.status()
            );
            Exit::Api
        }
        Err(error) => {
            // reqwest's message names the URL: say it without the secret.
            let kind_of = if error.is_connect() {
                "cannot connect"
            } else if error.is_timeout() {
                "no answer in time"
            } else {
                "the request failed"
            };
            eprintln!("salesflow: {kind_of} to {shown}: is the receiver running?");
            Exit::Network
        }
    }
}

/// A client for a receiver: no redirects (they would carry the secret elsewhere), a timeout.
fn http_client() -> Result<salesflow::reqwest::Client, String> {
    // The SDK's default TLS (rustls with ring) needs its provider installed once.
    // Deprecated in rustls 0.23.48 (no post-quantum key exchange); ring builds fast.
    #[allow(deprecated)]
    let _ = rustls::crypto::ring::default_provider().install_default();
    salesflow::reqwest::Client::builder()
        .redirect(salesflow::reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(30))
        .user_agent(concat!("salesflow-cli/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|error| format!("cannot start HTTP: {}", error.without_url()))
}

/// `url` with the value of its `secret` parameter (if any) and any user info shown as ***.
fn masked(url: &str) -> String {
    let Ok(mut parsed) = salesflow::reqwest::Url::parse(url) else {
        // Not a URL: show nothing of it that could be a secret.
        return "the URL".to_owned();
    };
    if !parsed.username().is_empty() || parsed.password().is_some() {
        let _ = parsed.set_username("***");
        let _ = parsed.set_password(None);
    }
    if parsed.query().is_some() {
        let pairs: Vec<(String, String)> = parsed
            .query_pairs()
            .map(|(name, value)| {
                let value = if name == WebhookSecret::PARAMETER {
                    "***".to_owned()
                } else {
                    value.into_owned()
                };
                (name.into_owned(), value)
            })
            .collect();
        parsed.query_pairs_mut().clear().extend_pairs(pairs);
    }
    // A secret in the last path segment, as a receiver also takes it.
    let last = parsed
        .path()
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    if last.len() >= WebhookSecret::MIN_LEN && WebhookSecret::new(last.as_str()).is_ok() {
        let path = parsed.path().to_owned();
        parsed.set_path(&format!("{}***", &path[..path.len() - last.len()]));
    }
    parsed.to_string().replace("%2A%2A%2A", "***")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn on_a_terminal_each_event_is_a_row_under_one_header() {
        let printer = Printer::new(true);
        let mut out = Vec::new();
        for kind in [
            WebhookEventKind::MemberConnected,
            WebhookEventKind::InvitationWithdrawn,
        ] {
            printer.print_to(&mut out, &kind.sample()).unwrap();
        }
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(lines[0].starts_with("RECEIVED (UTC)"), "{text}");
        assert!(lines[1].contains("INTEGRATION_RUN_ON_CONNECTED"), "{text}");
        assert!(lines[1].contains("John Smith"), "{text}");
        assert!(lines[1].ends_with("Test campaign"), "{text}");
        assert!(lines[2].contains("MEMBER_INVITATION_WITHDRAWN"), "{text}");
        let piped = Printer::new(false);
        let mut out = Vec::new();
        piped
            .print_to(&mut out, &WebhookEventKind::ReplyDetected.sample())
            .unwrap();
        let line: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(
            line["IntegrationRunOn"],
            "INTEGRATION_RUN_ON_REPLY_DETECTED"
        );
    }

    #[test]
    fn a_shown_url_hides_the_secret_wherever_it_is() {
        let secret = "0123456789abcdef0123456789abcdef";
        assert_eq!(
            masked(&format!(
                "https://hooks.example.com/in?team=7&secret={secret}"
            )),
            "https://hooks.example.com/in?team=7&secret=***"
        );
        assert_eq!(
            masked(&format!("http://127.0.0.1:4242/hooks/{secret}")),
            "http://127.0.0.1:4242/hooks/***"
        );
        assert_eq!(
            masked("https://user:pass@example.com/x"),
            "https://***@example.com/x"
        );
        assert_eq!(masked("not a url"), "the URL");
    }
}
