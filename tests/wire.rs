//! The raw bytes of every request, read off a plain TCP listener (not through httpmock's
//! matchers): what IIS and ASP.NET need, and nothing they don't. And the exchanges that break
//! off: a reset connection or a truncated body is retried where that is safe.

use std::time::Duration;

use salesflow::{Client, ClientBuilder, Error, RetryPolicy, TransportKind};
use salesflow_test_support::operations::{OPERATIONS, call};
use salesflow_test_support::raw_server::{RawServer, Reply, parse_request};

const TOKEN: &str = "wire-token";

fn client(server: &RawServer, retry: RetryPolicy) -> Client {
    ClientBuilder::new()
        .token(TOKEN)
        .base_url(server.base_url())
        .retry(retry)
        .timeout(Duration::from_secs(5))
        .build()
        .expect("a test client")
}

/// Retries at once: these tests count requests, not time.
fn quick_retries(retries: u32) -> RetryPolicy {
    RetryPolicy::default()
        .max_retries(retries)
        .initial_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(2))
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

#[tokio::test]
async fn every_request_carries_what_iis_needs_and_nothing_more() {
    for op in &OPERATIONS {
        let sample = op.sample;
        let server = RawServer::start(move |_, _| Reply::json(200, sample));
        call(&client(&server, RetryPolicy::none()), op.name)
            .await
            .unwrap_or_else(|error| panic!("{}: {error}", op.name));
        let requests = server.requests();
        assert_eq!(requests.len(), 1, "{}", op.name);
        let (line, headers, body) = parse_request(&requests[0]);
        let name = op.name;
        assert!(
            line.starts_with(&format!("{} ", op.method)),
            "{name}: {line}"
        );
        assert_eq!(header(&headers, "api-version"), None, "{name}: {headers:?}");
        let encodings = header(&headers, "accept-encoding").unwrap_or_default();
        assert!(
            encodings.contains("gzip"),
            "{name}: accept-encoding {encodings:?}"
        );
        assert_eq!(
            header(&headers, "accept"),
            Some("application/json"),
            "{name}"
        );
        assert!(
            header(&headers, "user-agent").is_some_and(|ua| ua.starts_with("salesflow-rs/")),
            "{name}: {headers:?}"
        );
        let length = header(&headers, "content-length");
        match (op.method, op.body) {
            ("POST", None) => {
                assert_eq!(length, Some("0"), "{name}: a bodiless POST says its length");
                assert_eq!(header(&headers, "content-type"), None, "{name}");
                assert!(body.is_empty(), "{name}");
            }
            ("POST", Some(_)) => {
                assert_eq!(length, Some(body.len().to_string().as_str()), "{name}");
                assert_eq!(
                    header(&headers, "content-type"),
                    Some("application/json"),
                    "{name}"
                );
            }
            _ => {
                assert!(body.is_empty(), "{name}: a {} has no body", op.method);
                assert!(length.is_none_or(|l| l == "0"), "{name}: {length:?}");
            }
        }
        assert!(
            header(&headers, "transfer-encoding").is_none(),
            "{name}: IIS wants a length, not chunks"
        );
    }
}

/// Lists campaigns against a server that answers the first `failures` requests with
/// `failure` and then the docs' sample; returns how many requests it received.
async fn list_campaigns_after(failures: usize, failure: Reply) -> usize {
    let sample = salesflow_test_support::operations::operation("listCampaigns").sample;
    let server = RawServer::start(move |n, _| {
        if n < failures {
            failure.clone()
        } else {
            Reply::json(200, sample)
        }
    });
    let campaigns = client(&server, quick_retries(3))
        .list_campaigns()
        .account_id(321)
        .send()
        .await
        .expect("a later try succeeds");
    assert_eq!(campaigns.len(), 2);
    server.requests().len()
}

#[tokio::test]
async fn a_reset_connection_is_retried_for_a_read() {
    assert_eq!(list_campaigns_after(2, Reply::Close).await, 3);
}

#[tokio::test]
async fn a_truncated_body_is_retried_for_a_read() {
    let sample = salesflow_test_support::operations::operation("listCampaigns").sample;
    let truncated = Reply::truncated(&sample[..20], sample.len());
    assert_eq!(list_campaigns_after(1, truncated).await, 2);
}

/// Calls importMember, which creates a member: not safe to repeat.
async fn import(client: &Client) -> Error {
    client
        .import_member()
        .account_id(321)
        .campaign_id(10)
        .linked_in_url("https://www.linkedin.com/in/jane")
        .send()
        .await
        .expect_err("the exchange breaks off")
}

#[tokio::test]
async fn an_import_that_may_have_happened_is_not_repeated() {
    let sample = salesflow_test_support::operations::operation("importMember").sample;
    for (what, reply) in [
        ("reset", Reply::Close),
        ("truncated", Reply::truncated(&sample[..10], sample.len())),
    ] {
        let first = reply.clone();
        let server = RawServer::start(move |n, _| {
            if n == 0 {
                first.clone()
            } else {
                Reply::json(200, sample)
            }
        });
        let error = import(&client(&server, quick_retries(3))).await;
        assert_eq!(server.requests().len(), 1, "{what}: sent once");
        assert!(
            matches!(
                error,
                Error::Transport {
                    kind: TransportKind::Other,
                    ..
                }
            ),
            "{what}: {error:?}"
        );
        assert!(!error.is_retryable(), "{what}: the member may exist now");
    }
}

#[tokio::test]
async fn a_timeout_is_retryable_only_where_repeating_is_safe() {
    let server = RawServer::start(|_, _| {
        std::thread::sleep(Duration::from_millis(600));
        Reply::Close
    });
    let slow = ClientBuilder::new()
        .token(TOKEN)
        .base_url(server.base_url())
        .retry(RetryPolicy::none())
        .timeout(Duration::from_millis(150))
        .build()
        .unwrap();
    let error = import(&slow).await;
    assert!(
        matches!(
            error,
            Error::Transport {
                kind: TransportKind::Timeout,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        !error.is_retryable(),
        "importMember may have created the member"
    );
    let error = slow
        .list_campaigns()
        .account_id(321)
        .send()
        .await
        .unwrap_err();
    assert!(error.is_retryable(), "a read can be sent again: {error:?}");
}
