//! What every test file shares: the mock server, the client pointed at it, and matchers for
//! the parts of a request the typed mock helpers don't cover.

use httpmock::{MockServer, When};

/// The token every test client sends; a mock only answers requests that carry it.
pub const TOKEN: &str = "test-token-7f3a";
/// The account every test acts for (the docs' examples use 321).
pub const ACCOUNT_ID: i64 = 321;

/// A fresh mock server on 127.0.0.1.
pub async fn server() -> MockServer {
    MockServer::start_async().await
}

/// A client that sends every request to `server`, with [`TOKEN`].
pub fn client(server: &MockServer) -> salesflow::Client {
    salesflow::Client::with_base_url(&server.base_url(), TOKEN).expect("a mock server URL")
}

/// Requires the query string to hold `token=TOKEN` and, besides it, exactly the parameter
/// names in `names` (each once, unless listed more than once), and nothing else.
pub fn sends_only(when: When, names: &[&'static str]) -> When {
    salesflow_test_support::http_mocks::sends_only(when, TOKEN, names)
}

/// Requires the request to have no body (the operations whose docs send `-d {}` send none).
pub fn no_body(when: When) -> When {
    when.is_true(|request| request.body().is_empty())
}

pub use salesflow_test_support::http_mocks::{answer, closed_port};

/// The UTC timestamp with these fields (`nanos` past the second).
pub fn at(date: (i32, u32, u32), time: (u32, u32, u32), nanos: u32) -> salesflow::Timestamp {
    let day = chrono::NaiveDate::from_ymd_opt(date.0, date.1, date.2).expect("a valid date");
    let time =
        chrono::NaiveTime::from_hms_nano_opt(time.0, time.1, time.2, nanos).expect("a valid time");
    salesflow::Timestamp::from_utc(day.and_time(time).and_utc())
}

/// A plain reqwest client, for requests the SDK would refuse to send or that are not the
/// API's. With the SDK's default TLS (rustls with ring), reqwest has no crypto provider until
/// a salesflow client installs one: build one first.
pub fn plain_http() -> salesflow::reqwest::Client {
    let _ = salesflow::ClientBuilder::new().token("unused").build();
    salesflow::reqwest::Client::new()
}

/// Everything `tracing` writes on this thread from `start()` on, as text.
///
/// One global subscriber writes each event to a buffer of the thread it happens on (tests
/// run on a current-thread runtime, so a test's events stay on its thread). A per-test
/// `set_default` subscriber would miss events: tracing caches whether a call site is enabled
/// when it is first hit, perhaps by another test running without a subscriber.
pub struct CapturedLogs(());

thread_local! {
    static THREAD_LOGS: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl CapturedLogs {
    /// Starts capturing every level, with span fields printed when a span closes.
    pub fn start() -> Self {
        static INSTALL: std::sync::Once = std::sync::Once::new();
        INSTALL.call_once(|| {
            let subscriber = tracing_subscriber::fmt()
                .with_max_level(tracing::Level::TRACE)
                .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
                .with_writer(|| ThreadWriter)
                .finish();
            tracing::subscriber::set_global_default(subscriber).expect("one global subscriber");
        });
        THREAD_LOGS.with(|logs| logs.borrow_mut().clear());
        Self(())
    }

    /// What was written on this thread so far.
    pub fn text(&self) -> String {
        THREAD_LOGS.with(|logs| String::from_utf8_lossy(&logs.borrow()).into_owned())
    }
}

struct ThreadWriter;

impl std::io::Write for ThreadWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        THREAD_LOGS.with(|logs| logs.borrow_mut().extend_from_slice(bytes));
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// An SDK client for `emulator`, without retries (a test sees each answer as it came).
pub fn emulator_client(emulator: &salesflow_emulator::Emulator) -> salesflow::Client {
    salesflow::ClientBuilder::new()
        .token(emulator.token())
        .base_url(emulator.base_url())
        .retry(salesflow::RetryPolicy::none())
        .build()
        .unwrap()
}

/// Runs a program of another language (off the async runtime, so the servers it talks to keep
/// answering), requires it to succeed, and returns what it printed.
pub async fn run_program(mut command: std::process::Command) -> String {
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .expect("the blocking task ends")
        .expect("the program starts");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    stdout
}
