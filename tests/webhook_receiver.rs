//! `WebhookReceiver` served on 127.0.0.1: what it hands over, what it refuses, what it
//! never writes to the log, and the clients that cannot hold it (slow headers, a slow
//! body, a sender that hangs up, the same event sent again).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use salesflow_ext::types::WebhookEvent;
use salesflow_ext::{IntegrationRunOn, WebhookReceiver, WebhookSecret};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::{CapturedLogs, plain_http};

const SECRET: &str = "0123456789abcdef0123456789abcdef-receiver";

/// What the handler of a served receiver has been given.
type Received = Arc<Mutex<Vec<WebhookEvent>>>;

/// Serves a receiver for `SECRET` on this thread's runtime; its handler keeps each event,
/// and fails when `fail` is set. Returns the base URL and the events.
async fn serve(fail: bool, max_body: Option<usize>) -> (String, Received) {
    let received: Received = Arc::default();
    let kept = Arc::clone(&received);
    let mut receiver = WebhookReceiver::new(WebhookSecret::new(SECRET).unwrap(), move |event| {
        let kept = Arc::clone(&kept);
        async move {
            if fail {
                return Err("the CRM is down");
            }
            kept.lock().unwrap().push(event);
            Ok(())
        }
    });
    if let Some(bytes) = max_body {
        receiver = receiver.max_body_bytes(bytes);
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(receiver.serve(listener));
    (format!("http://{address}"), received)
}

async fn post(url: &str, body: &str) -> (u16, String) {
    let answer = plain_http()
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    (answer.status().as_u16(), answer.text().await.unwrap())
}

#[tokio::test]
async fn an_event_with_the_secret_is_handed_over_typed_and_answered_200() {
    let logs = CapturedLogs::start();
    let (base, received) = serve(false, None).await;
    let url = WebhookSecret::new(SECRET)
        .unwrap()
        .url_for(&format!("{base}/salesflow"))
        .unwrap();
    let (status, _) = post(&url, fixture!("webhook_event")).await;
    assert_eq!(status, 200);
    // In the last path segment too, and with camelCase keys.
    let (status, _) = post(
        &format!("{base}/hooks/{SECRET}"),
        r#"{"memberId": 42, "integrationRunOn": "INTEGRATION_RUN_ON_REPLY_DETECTED"}"#,
    )
    .await;
    assert_eq!(status, 200);
    let events = received.lock().unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].first_name.as_deref(), Some("John"));
    assert_eq!(
        events[0].integration_run_on,
        Some(IntegrationRunOn::Connected)
    );
    assert_eq!(events[1].member_id, 42);
    assert_eq!(
        events[1].integration_run_on,
        Some(IntegrationRunOn::Other(
            "INTEGRATION_RUN_ON_REPLY_DETECTED".into()
        ))
    );
    let text = logs.text();
    assert!(text.contains("webhook event handled"), "{text}");
    assert!(!text.contains(SECRET), "{text}");
}

#[tokio::test]
async fn without_the_secret_every_request_is_404_and_nothing_is_handed_over() {
    let (base, received) = serve(false, None).await;
    let body = fixture!("webhook_event");
    let almost = &SECRET[..SECRET.len() - 1];
    for url in [
        format!("{base}/salesflow"),
        format!("{base}/salesflow?secret="),
        format!("{base}/salesflow?secret={almost}"),
        format!("{base}/salesflow?secret={SECRET}x"),
        // The parameter repeated with another value.
        format!("{base}/salesflow?secret={SECRET}&secret=guess"),
        format!("{base}/{SECRET}/more"),
        format!("{base}/salesflow?token={SECRET}"),
    ] {
        let (status, text) = post(&url, body).await;
        assert_eq!(status, 404, "{url}");
        assert!(text.is_empty(), "{url}: {text}");
    }
    // Whatever the method: a prober learns nothing.
    let answer = plain_http()
        .get(format!("{base}/salesflow"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 404);
    assert!(received.lock().unwrap().is_empty());
}

#[tokio::test]
async fn with_the_secret_only_a_post_is_taken() {
    let (base, received) = serve(false, None).await;
    let answer = plain_http()
        .get(format!("{base}/hook?secret={SECRET}"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 405);
    assert_eq!(answer.headers()["allow"], "POST");
    assert!(received.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_body_over_the_limit_is_413_with_or_without_a_length() {
    let (base, received) = serve(false, Some(256)).await;
    let url = format!("{base}/hook?secret={SECRET}");
    let long = format!(r#"{{"MemberId": 1, "FirstName": "{}"}}"#, "a".repeat(300));
    assert_eq!(post(&url, &long).await.0, 413);
    // Chunked, so that no Content-Length announces it: refused once it has read too much.
    let address = base.trim_start_matches("http://");
    let mut socket = tokio::net::TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST /hook?secret={SECRET} HTTP/1.1\r\nhost: {address}\r\ntransfer-encoding: chunked\r\n\
         content-type: application/json\r\nconnection: close\r\n\r\n"
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    for piece in long.as_bytes().chunks(100) {
        let chunk = format!("{:x}\r\n", piece.len());
        socket.write_all(chunk.as_bytes()).await.unwrap();
        socket.write_all(piece).await.unwrap();
        socket.write_all(b"\r\n").await.unwrap();
    }
    socket.write_all(b"0\r\n\r\n").await.unwrap();
    let mut answer = String::new();
    socket.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    // Within the limit, the same receiver takes it.
    assert_eq!(post(&url, r#"{"MemberId": 1}"#).await.0, 200);
    assert_eq!(received.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_body_that_is_no_event_is_400_with_the_field_in_the_log_only() {
    let logs = CapturedLogs::start();
    let (base, received) = serve(false, None).await;
    let url = format!("{base}/hook?secret={SECRET}");
    let (status, text) = post(
        &url,
        r#"{"MemberId": "seven", "Email": "jane@example.com"}"#,
    )
    .await;
    assert_eq!(status, 400);
    assert!(!text.contains("MemberId"), "{text}");
    for body in ["", "<html>", "[1, 2]", r#"{"FirstName": "no id"}"#] {
        assert_eq!(post(&url, body).await.0, 400, "{body:?}");
    }
    assert!(received.lock().unwrap().is_empty());
    let text = logs.text();
    assert!(text.contains("field=MemberId"), "{text}");
    assert!(!text.contains("jane@example.com"), "{text}");
    assert!(!text.contains(SECRET), "{text}");
    assert!(!text.contains("/hook"), "the URL is not logged: {text}");
}

#[tokio::test]
async fn a_handler_that_fails_gets_500_so_that_salesflow_sends_the_event_again() {
    let logs = CapturedLogs::start();
    let (base, _) = serve(true, None).await;
    let (status, text) = post(
        &format!("{base}/hook?secret={SECRET}"),
        fixture!("webhook_event"),
    )
    .await;
    assert_eq!(status, 500);
    assert!(!text.contains("CRM"), "{text}");
    let text = logs.text();
    assert!(text.contains("the CRM is down"), "{text}");
    assert!(!text.contains(SECRET), "{text}");
}

/// A receiver for `SECRET` whose handler takes `pause` and counts the events it finished,
/// served with `read_timeout` and `max_connections`.
async fn serve_with(
    read_timeout: Duration,
    max_connections: usize,
    pause: Duration,
    dedupe: Option<Duration>,
) -> (String, Arc<AtomicUsize>) {
    let finished = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&finished);
    let mut receiver = WebhookReceiver::new(
        WebhookSecret::new(SECRET).unwrap(),
        move |_: WebhookEvent| {
            let count = Arc::clone(&count);
            async move {
                tokio::time::sleep(pause).await;
                count.fetch_add(1, Ordering::SeqCst);
                Ok::<_, std::convert::Infallible>(())
            }
        },
    )
    .read_timeout(read_timeout)
    .max_connections(max_connections);
    if let Some(window) = dedupe {
        receiver = receiver.dedupe_window(window);
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(receiver.serve(listener));
    (format!("http://{address}"), finished)
}

/// A client that sends a request's headers one line at a time, `every` apart, never ending
/// them, and connects again whenever it is cut off; counts the cut-offs.
fn slow_client(address: String, every: Duration, cut_off: Arc<AtomicUsize>) {
    tokio::spawn(async move {
        loop {
            let Ok(mut socket) = tokio::net::TcpStream::connect(&address).await else {
                tokio::time::sleep(every).await;
                continue;
            };
            let _ = socket
                .write_all(format!("POST /hook?secret={SECRET} HTTP/1.1\r\nhost: x\r\n").as_bytes())
                .await;
            loop {
                tokio::time::sleep(every).await;
                let mut byte = [0; 1];
                // Closed by the receiver: a read ends, or a write fails.
                let closed = matches!(
                    tokio::time::timeout(Duration::from_millis(1), socket.read(&mut byte)).await,
                    Ok(Ok(0) | Err(_))
                ) || socket.write_all(b"x-slow: yes\r\n").await.is_err();
                if closed {
                    cut_off.fetch_add(1, Ordering::SeqCst);
                    break;
                }
            }
        }
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_are_cut_off_and_real_events_still_get_through() {
    let (base, finished) = serve_with(Duration::from_secs(1), 16, Duration::ZERO, None).await;
    let address = base.trim_start_matches("http://").to_owned();
    let cut_off = Arc::new(AtomicUsize::new(0));
    // Three times as many slow clients as connections the receiver holds, each sending a
    // header line every 300 ms and never ending, coming back when cut off.
    for _ in 0..48 {
        slow_client(
            address.clone(),
            Duration::from_millis(300),
            Arc::clone(&cut_off),
        );
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let http = salesflow::reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .build()
        .unwrap();
    let url = format!("{base}/hook?secret={SECRET}");
    let started = std::time::Instant::now();
    let sends = (0..10).map(|_| {
        http.post(&url)
            .header("content-type", "application/json")
            .body(fixture!("webhook_event"))
            .send()
    });
    for answer in futures_util::future::join_all(sends).await {
        assert_eq!(answer.expect("answered in time").status(), 200);
    }
    assert_eq!(finished.load(Ordering::SeqCst), 10, "10 of 10 real events");
    assert!(started.elapsed() < Duration::from_secs(15));
    // The connections held were cut off after the read timeout, freeing their places.
    assert!(
        cut_off.load(Ordering::SeqCst) >= 16,
        "slow clients cut off: {}",
        cut_off.load(Ordering::SeqCst)
    );
}

#[tokio::test]
async fn a_body_sent_too_slowly_is_408() {
    let (base, finished) = serve_with(Duration::from_millis(500), 8, Duration::ZERO, None).await;
    let address = base.trim_start_matches("http://");
    let mut socket = tokio::net::TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST /hook?secret={SECRET} HTTP/1.1\r\nhost: {address}\r\ncontent-type: application/json\r\n\
         content-length: 100\r\n\r\n{{\"MemberId\""
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    let started = std::time::Instant::now();
    let mut answer = vec![0; 1024];
    let read = tokio::time::timeout(Duration::from_secs(5), socket.read(&mut answer))
        .await
        .expect("answered")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer[..read]).into_owned();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(finished.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_handler_runs_to_its_end_when_the_sender_hangs_up() {
    let logs = CapturedLogs::start();
    let (base, finished) =
        serve_with(Duration::from_secs(5), 8, Duration::from_millis(800), None).await;
    let impatient = salesflow::reqwest::Client::builder()
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let sent = impatient
        .post(format!("{base}/hook?secret={SECRET}"))
        .header("content-type", "application/json")
        .body(fixture!("webhook_event"))
        .send()
        .await;
    assert!(sent.is_err(), "the sender gave up first");
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    assert_eq!(finished.load(Ordering::SeqCst), 1, "handled, once");
    let text = logs.text();
    assert!(
        text.contains("webhook event handled"),
        "its outcome is logged: {text}"
    );
}

#[tokio::test]
async fn with_a_dedupe_window_an_event_sent_again_is_handled_once() {
    let (base, finished) = serve_with(
        Duration::from_secs(5),
        8,
        Duration::from_millis(100),
        Some(Duration::from_secs(60)),
    )
    .await;
    let url = format!("{base}/hook?secret={SECRET}");
    let event = fixture!("webhook_event");
    // Twice at once, and once more after: one handling, three 200s.
    let (first, second) = tokio::join!(post(&url, event), post(&url, event));
    assert_eq!((first.0, second.0), (200, 200));
    assert_eq!(post(&url, event).await.0, 200);
    assert_eq!(finished.load(Ordering::SeqCst), 1);
    // Another event (a new reply: the conversation changed) is handled.
    let reply = event.replace("This is a test inbound message", "Happy to talk on Tuesday");
    assert_ne!(reply, event);
    assert_eq!(post(&url, &reply).await.0, 200);
    assert_eq!(finished.load(Ordering::SeqCst), 2);
    // Without a window, every delivery is handled.
    let (base, finished) = serve_with(Duration::from_secs(5), 8, Duration::ZERO, None).await;
    let url = format!("{base}/hook?secret={SECRET}");
    post(&url, event).await;
    post(&url, event).await;
    assert_eq!(finished.load(Ordering::SeqCst), 2);
}
