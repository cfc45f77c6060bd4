//! `salesflow webhooks listen` in the background, fed by `salesflow webhooks trigger`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command as Process, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use predicates::prelude::*;

const SECRET: &str = "0123456789abcdef0123456789abcdef-cli";

/// `webhooks listen --port 0` with `args`, and the base URL it printed.
fn listen(args: &[&str]) -> (Child, String) {
    let mut command = Process::new(env!("CARGO_BIN_EXE_salesflow"));
    command
        .args(["webhooks", "listen", "--port", "0"])
        .args(args);
    listening(command)
}

/// `webhooks listen --port 0` with `args`, in a shell that allows it `files` open files.
fn listen_with_open_files(files: u32, args: &[&str]) -> (Child, String) {
    let mut command = Process::new("sh");
    command
        .args(["-c", &format!("ulimit -n {files} && exec \"$0\" \"$@\"")])
        .arg(env!("CARGO_BIN_EXE_salesflow"))
        .args(["webhooks", "listen", "--port", "0"])
        .args(args);
    listening(command)
}

/// Starts `command` (a `listen`); returns it and the base URL it printed.
fn listening(mut command: Process) -> (Child, String) {
    let mut child = command
        .env_remove("SALESFLOW_WEBHOOK_SECRET")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    let base = line
        .trim()
        .strip_prefix("salesflow: listening on ")
        .unwrap_or_else(|| panic!("{line}"))
        .to_owned();
    // The rest of stderr (the URL line) is kept for the test to read.
    let mut rest = String::new();
    stderr.read_line(&mut rest).unwrap();
    child.stderr = None;
    std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
    (child, format!("{base}\n{rest}"))
}

/// What a finished `listen` printed on stdout.
fn printed_by(child: &mut Child) -> String {
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    out
}

fn trigger(url: &str, event: &str) -> assert_cmd::assert::Assert {
    Command::new(env!("CARGO_BIN_EXE_salesflow"))
        .args(["webhooks", "trigger", "--url", url, "--event", event])
        .assert()
}

#[test]
fn listen_prints_each_event_that_trigger_sends_and_refuses_the_rest() {
    let (mut child, printed) = listen(&["--secret", SECRET, "--count", "2"]);
    let base = printed.lines().next().unwrap().to_owned();
    // The secret given is not printed back.
    assert!(!printed.contains(SECRET), "{printed}");
    assert!(printed.contains("secret=<your secret>"), "{printed}");

    trigger(
        &format!("{base}/salesflow?secret={SECRET}"),
        "member-connected",
    )
    .success()
    .stderr(predicate::str::contains(
        "sent member-connected (member 1001)",
    ))
    .stderr(predicate::str::contains("secret=***"))
    .stderr(predicate::str::contains(SECRET).not());
    // A wrong secret: 404 from the receiver, exit 1, nothing printed by listen.
    trigger(&format!("{base}/salesflow?secret={SECRET}x"), "followup")
        .code(1)
        .stderr(predicate::str::contains("404"));
    trigger(&format!("{base}/hooks/{SECRET}"), "reply-detected").success();

    // Two events: listen exits by itself.
    let status = child.wait().unwrap();
    assert!(status.success());
    let out = printed_by(&mut child);
    let events: Vec<serde_json::Value> = out
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON line an event"))
        .collect();
    assert_eq!(events.len(), 2, "{out}");
    assert_eq!(
        events[0]["IntegrationRunOn"],
        "INTEGRATION_RUN_ON_CONNECTED"
    );
    assert_eq!(events[0]["Status"], "MEMBER_CONNECTED");
    assert_eq!(
        events[1]["IntegrationRunOn"],
        "INTEGRATION_RUN_ON_REPLY_DETECTED"
    );
    assert_eq!(events[1]["HasReply"], true);
    assert_eq!(events[1]["FirstName"], "John");
}

#[test]
fn without_a_secret_listen_makes_one_and_prints_the_url_once() {
    let (mut child, printed) = listen(&["--count", "1"]);
    let url = printed
        .lines()
        .nth(1)
        .and_then(|line| line.split("POST events to ").nth(1))
        .unwrap_or_else(|| panic!("{printed}"))
        .to_owned();
    assert!(url.contains("?secret="), "{url}");
    trigger(&url, "invitation-withdrawn").success();
    assert!(child.wait().unwrap().success());
    let out = printed_by(&mut child);
    assert!(
        out.contains("INTEGRATION_RUN_ON_INVITATION_WITHDRAWN"),
        "{out}"
    );
}

#[test]
fn trigger_says_what_is_wrong_without_showing_the_secret() {
    // Nothing listens on a closed port: exit 3.
    let port = salesflow_test_support::http_mocks::closed_port();
    trigger(
        &format!("http://127.0.0.1:{port}/in?secret={SECRET}"),
        "member-connected",
    )
    .code(3)
    .stderr(predicate::str::contains("cannot connect"))
    .stderr(predicate::str::contains(SECRET).not());
    trigger("ftp://example.com/in", "member-connected")
        .code(2)
        .stderr(predicate::str::contains("not an http:// or https:// URL"));
    trigger("http://127.0.0.1:9/in", "connected")
        .code(2)
        .stderr(predicate::str::contains("member-connected"));
    // A secret that is too short is refused before anything listens.
    Command::new(env!("CARGO_BIN_EXE_salesflow"))
        .args(["webhooks", "listen", "--port", "0", "--secret", "short"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("at least 32"));
}

/// The `salesflow` command against `base_url`, its JSON output parsed.
fn api(base_url: &str, token: &str, args: &[&str]) -> serde_json::Value {
    let output = Command::new(env!("CARGO_BIN_EXE_salesflow"))
        .env("SALESFLOW_TOKEN", token)
        .env("SALESFLOW_BASE_URL", base_url)
        .env("SALESFLOW_ACCOUNT_ID", "321")
        .args(args)
        .args(["--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&output).expect("JSON on stdout")
}

#[test]
fn the_whole_webhook_flow_through_the_command_against_the_emulator() {
    use salesflow_emulator::{EmulatorConfig, Event};

    let served = crate::emulator(EmulatorConfig::default());
    let (emulator, runtime) = (&served.emulator, &served.runtime);
    let (base, token) = (emulator.base_url(), emulator.token().to_owned());
    let (mut listener, printed) = listen(&["--secret", SECRET, "--count", "2"]);
    let receiver = printed.lines().next().unwrap().to_owned();
    let hook_url = format!("{receiver}/salesflow?secret={SECRET}");

    let webhook = api(
        &base,
        &token,
        &["create-webhook", "--name", "dev", "--url", &hook_url],
    );
    let webhook_id = webhook["WebhookId"].to_string();
    let attached = api(
        &base,
        &token,
        &[
            "attach-webhook",
            "--webhook-id",
            &webhook_id,
            "--campaign-id",
            "789",
            "--run-on",
            "MEMBER_CONNECTED",
        ],
    );
    let member = api(
        &base,
        &token,
        &[
            "import-member",
            "--campaign-id",
            "789",
            "--linked-in-url",
            "https://www.linkedin.com/in/cli-user",
            "--first-name",
            "Cli",
        ],
    );
    let member_id = member["MemberId"].as_i64().unwrap();
    let deliveries = runtime
        .block_on(emulator.simulate(member_id, Event::Connected, None))
        .unwrap();
    assert!(deliveries[0].delivered, "{deliveries:?}");

    let listed = api(&base, &token, &["list-webhooks"]);
    assert_eq!(listed[0]["AttachedWebhookCampaigns"][0]["RunOn"], 1);
    let attachment = attached["WebhookCampaignId"].to_string();
    api(
        &base,
        &token,
        &["detach-webhook", "--webhook-campaign-id", &attachment],
    );
    let after = runtime
        .block_on(emulator.simulate(member_id, Event::Replied, Some("Hello")))
        .unwrap();
    assert!(after.is_empty(), "detached: {after:?}");

    // listen would wait for a second event: stop it and read what it printed.
    listener.kill().unwrap();
    listener.wait().unwrap();
    let out = printed_by(&mut listener);
    let events: Vec<serde_json::Value> = out
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(events.len(), 1, "{out}");
    assert_eq!(events[0]["MemberId"], member_id);
    assert_eq!(events[0]["FirstName"], "Cli");
    assert_eq!(
        events[0]["IntegrationRunOn"],
        "INTEGRATION_RUN_ON_CONNECTED"
    );
    assert_eq!(events[0]["Status"], "MEMBER_CONNECTED");
}

/// Holds a connection to `address` sending a request's headers a line every `every`, never
/// ending them, until the receiver cuts it off or `stop`.
fn slow_client(
    address: String,
    every: Duration,
    stop: Arc<AtomicBool>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let Ok(mut socket) = TcpStream::connect(&address) else {
            return;
        };
        let _ = socket.write_all(b"POST /salesflow?secret=guess HTTP/1.1\r\nhost: x\r\n");
        while !stop.load(Ordering::SeqCst) {
            std::thread::sleep(every);
            if socket.write_all(b"x-slow: yes\r\n").is_err() {
                break;
            }
        }
    })
}

#[test]
fn listen_serves_real_events_while_slow_clients_hold_more_connections_than_it_may_open() {
    // The case, with listen's defaults: more slow clients than the process may
    // open files, each sending a header line every 300 ms and never ending them; 10 real
    // events must still be answered (once the read timeout, 10 s, cuts the slow ones off).
    let (mut child, printed) = listen_with_open_files(64, &["--secret", SECRET]);
    let base = printed.lines().next().unwrap().to_owned();
    let address = base.trim_start_matches("http://").to_owned();
    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..100)
        .map(|_| {
            slow_client(
                address.clone(),
                Duration::from_millis(300),
                Arc::clone(&stop),
            )
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let started = Instant::now();
    let events: Vec<_> = (0..10)
        .map(|_| {
            let url = format!("{base}/salesflow?secret={SECRET}");
            std::thread::spawn(move || trigger(&url, "reply-detected").try_success().is_ok())
        })
        .collect();
    let delivered = events
        .into_iter()
        .filter_map(|event| event.join().ok())
        .filter(|answered| *answered)
        .count();
    assert_eq!(delivered, 10, "10 of 10 real events answered");
    assert!(
        started.elapsed() < Duration::from_secs(25),
        "{:?}",
        started.elapsed()
    );
    stop.store(true, Ordering::SeqCst);
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(printed_by(&mut child).lines().count(), 10);
    for client in clients {
        client.join().unwrap();
    }
}

#[test]
fn count_exits_once_its_events_are_printed_whatever_other_clients_do() {
    let (mut child, printed) = listen(&["--secret", SECRET, "--count", "1"]);
    let base = printed.lines().next().unwrap().to_owned();
    // A client that sent half a request's headers and holds the connection.
    let mut half = TcpStream::connect(base.trim_start_matches("http://")).unwrap();
    half.write_all(format!("POST /salesflow?secret={SECRET} HTTP/1.1\r\nhost: x\r\n").as_bytes())
        .unwrap();
    trigger(
        &format!("{base}/salesflow?secret={SECRET}"),
        "member-connected",
    )
    .success();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "listen did not exit"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success());
    assert_eq!(printed_by(&mut child).lines().count(), 1);
    drop(half);
}

#[test]
fn dedupe_prints_an_event_sent_again_once() {
    let (mut child, printed) = listen(&["--secret", SECRET, "--count", "2", "--dedupe", "60"]);
    let base = printed.lines().next().unwrap().to_owned();
    let url = format!("{base}/salesflow?secret={SECRET}");
    // The same event three times (Salesflow delivering again), answered 200 each time.
    for _ in 0..3 {
        trigger(&url, "reply-detected").success();
    }
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        child.try_wait().unwrap().is_none(),
        "one event printed, one to go"
    );
    trigger(&url, "member-connected").success();
    assert!(child.wait().unwrap().success());
    let out = printed_by(&mut child);
    let kinds: Vec<String> = out
        .lines()
        .map(|line| {
            serde_json::from_str::<serde_json::Value>(line).unwrap()["IntegrationRunOn"].to_string()
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "\"INTEGRATION_RUN_ON_REPLY_DETECTED\"",
            "\"INTEGRATION_RUN_ON_CONNECTED\""
        ],
        "{out}"
    );
}
