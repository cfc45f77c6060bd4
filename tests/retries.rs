//! Retries on a paused clock: what is retried, how often, and how long the client waits.

use std::time::Duration;

use crate::support::{ACCOUNT_ID, TOKEN, answer, server};
use httpmock::MockServer;
use salesflow::{Client, ClientBuilder, Error, RetryPolicy};
use salesflow_httpmock::MockServerExt;
use tokio::time::Instant;

/// A client without timers of its own (no timeouts, no idle-pool timer), so that on a
/// paused clock the only time that passes is the client's waiting between retries.
fn client(server: &MockServer, policy: RetryPolicy) -> Client {
    ClientBuilder::new()
        .token(TOKEN)
        .base_url(server.base_url())
        .retry(policy)
        .no_timeouts()
        .configure_http(|http| http.pool_idle_timeout(None))
        .build()
        .unwrap()
}

/// Mocks listCampaigns answering `status` for the first `times` calls, then 200.
async fn campaigns_failing(
    server: &MockServer,
    status: u16,
    times: usize,
) -> (httpmock::Mock<'_>, httpmock::Mock<'_>) {
    let failing = server.list_campaigns(move |_, then| {
        answer(
            then.into_inner(),
            status,
            r#"{"Status": 503, "Message": "busy"}"#,
        );
    });
    failing.up_to_n_times_async(times).await;
    let ok = server.list_campaigns(|_, then| {
        answer(then.into_inner(), 200, fixture!("list_campaigns"));
    });
    (failing, ok)
}

#[tokio::test(start_paused = true)]
async fn get_503_503_200_is_three_requests_and_success() {
    let server = server().await;
    let (failing, ok) = campaigns_failing(&server, 503, 2).await;
    let policy = RetryPolicy::default()
        .initial_delay(Duration::from_millis(100))
        .max_delay(Duration::from_millis(400));

    let started = Instant::now();
    let campaigns = client(&server, policy)
        .list_campaigns()
        .account_id(ACCOUNT_ID)
        .send()
        .await
        .expect("the third try succeeds");

    assert_eq!(campaigns.len(), 2);
    assert_eq!(failing.calls_async().await, 2);
    assert_eq!(ok.calls_async().await, 1);
    // Full jitter: at most 100 ms before the first retry and 200 ms before the second.
    assert!(
        started.elapsed() <= Duration::from_millis(300),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(start_paused = true)]
async fn retries_stop_after_the_policy_s_count() {
    let server = server().await;
    let (failing, ok) = campaigns_failing(&server, 502, 10).await;
    let error = client(&server, RetryPolicy::default().max_retries(2))
        .list_campaigns()
        .account_id(ACCOUNT_ID)
        .send()
        .await
        .expect_err("three 502s");
    assert_eq!(error.status(), Some(502));
    assert!(error.is_retryable());
    assert_eq!(failing.calls_async().await, 3, "one try and two retries");
    assert_eq!(ok.calls_async().await, 0);
}

#[tokio::test(start_paused = true)]
async fn retries_can_be_turned_off() {
    let server = server().await;
    let (failing, _) = campaigns_failing(&server, 503, 10).await;
    let error = client(&server, RetryPolicy::none())
        .list_campaigns()
        .account_id(ACCOUNT_ID)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(503));
    assert_eq!(failing.calls_async().await, 1);
}

/// Imports a member against a server that always answers `status`; returns the error's
/// status and how many requests the server saw.
async fn import_member_answered(status: u16) -> (Option<u16>, usize) {
    let server = server().await;
    let mock = server.import_member(move |_, then| {
        answer(then.into_inner(), status, "failed");
    });
    let error = client(&server, RetryPolicy::default())
        .import_member()
        .account_id(ACCOUNT_ID)
        .campaign_id(1)
        .linked_in_url("https://www.linkedin.com/in/jane")
        .send()
        .await
        .unwrap_err();
    (error.status(), mock.calls_async().await)
}

#[tokio::test(start_paused = true)]
async fn import_member_500_is_one_request() {
    assert_eq!(import_member_answered(500).await, (Some(500), 1));
}

#[tokio::test(start_paused = true)]
async fn import_member_is_not_retried_after_a_503_that_may_have_imported() {
    // A GET that creates is not repeated after an answer that may follow an import.
    assert_eq!(import_member_answered(503).await, (Some(503), 1));
}

#[tokio::test(start_paused = true)]
async fn a_429_is_retried_even_for_a_post_after_its_retry_after() {
    let server = server().await;
    let limited = server.start_campaign(|_, then| {
        then.into_inner()
            .status(429)
            .header("retry-after", "2")
            .body("slow down");
    });
    limited.up_to_n_times_async(1).await;
    let started_mock = server.start_campaign(|_, then| {
        answer(then.into_inner(), 200, fixture!("start_campaign"));
    });

    let started = Instant::now();
    let outcome = client(&server, RetryPolicy::default())
        .start_campaign()
        .account_id(ACCOUNT_ID)
        .campaign_id(456)
        .send()
        .await
        .expect("the retry succeeds");

    assert_eq!(outcome.status, Some(200));
    assert_eq!(
        started.elapsed(),
        Duration::from_secs(2),
        "waited what Retry-After asked"
    );
    assert_eq!(limited.calls_async().await, 1);
    assert_eq!(started_mock.calls_async().await, 1);
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_beyond_the_cap_ends_the_retries() {
    let server = server().await;
    let limited = server.list_campaigns(|_, then| {
        then.into_inner().status(429).header("retry-after", "3600");
    });
    let started = Instant::now();
    let error = client(
        &server,
        RetryPolicy::default().max_retry_after(Duration::from_secs(60)),
    )
    .list_campaigns()
    .account_id(ACCOUNT_ID)
    .send()
    .await
    .unwrap_err();
    assert_eq!(error.status(), Some(429));
    assert_eq!(limited.calls_async().await, 1);
    assert_eq!(started.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn a_404_is_one_request() {
    let server = server().await;
    let mock = server.get_contact(|_, then| {
        answer(
            then.into_inner(),
            404,
            r#"{"Status": 404, "Message": "Member not found"}"#,
        );
    });
    let error = client(&server, RetryPolicy::default())
        .get_contact()
        .member_id(7)
        .account_id(ACCOUNT_ID)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(&error, Error::NotFound { message: Some(m), .. } if m == "Member not found"));
    assert!(!error.is_retryable());
    assert_eq!(mock.calls_async().await, 1);
}

#[tokio::test(start_paused = true)]
async fn a_connection_refused_is_retried_even_for_a_post() {
    // Nothing listens: every try fails to connect, so the request surely never arrived.
    let port = crate::support::closed_port();
    let logs = crate::support::CapturedLogs::start();
    let client = ClientBuilder::new()
        .token(TOKEN)
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry(RetryPolicy::default().max_retries(2))
        .build()
        .unwrap();
    let error = client
        .start_campaign()
        .account_id(ACCOUNT_ID)
        .campaign_id(456)
        .send()
        .await
        .unwrap_err();
    assert!(error.is_retryable());
    let text = logs.text();
    assert_eq!(text.matches("retrying").count(), 2, "{text}");
    assert!(text.contains("attempts=3"), "{text}");
    // The span names the request (recorded once it is built), never its query.
    assert!(text.contains("method=POST"), "{text}");
    assert!(text.contains(r#"path="/campaigns/start""#), "{text}");
    assert!(!text.contains("accountId"), "{text}");
    assert!(
        !text.contains("method=POST method="),
        "recorded once: {text}"
    );
}

/// A client of `server` with a rate limit, no retries and no timers of its own.
fn limited(server: &MockServer, limit: salesflow::RateLimit) -> Client {
    ClientBuilder::new()
        .token(TOKEN)
        .base_url(server.base_url())
        .retry(RetryPolicy::none())
        .rate_limit(limit)
        .no_timeouts()
        .configure_http(|http| http.pool_idle_timeout(None))
        .build()
        .unwrap()
}

#[tokio::test(start_paused = true)]
async fn a_rate_limit_is_shared_by_every_clone_and_task() {
    let server = server().await;
    let ok = server.list_campaigns(|_, then| {
        answer(then.into_inner(), 200, "[]");
    });
    let client = limited(&server, salesflow::RateLimit::per_second(10));
    let started = Instant::now();
    let calls: Vec<_> = (0..30)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.list_campaigns().account_id(ACCOUNT_ID).send().await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().expect("no call is lost");
    }
    let elapsed = started.elapsed();
    assert_eq!(ok.calls_async().await, 30);
    assert!(
        elapsed >= Duration::from_millis(2_900),
        "30 calls at 10 a second, burst 1: {elapsed:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_429_pauses_every_caller_of_the_client() {
    let server = server().await;
    let limited_answer = server.list_campaigns(|_, then| {
        answer(
            then.into_inner(),
            429,
            r#"{"Status": 429, "Message": "slow down"}"#,
        )
        .header("retry-after", "2");
    });
    limited_answer.up_to_n_times_async(1).await;
    let ok = server.list_accounts(|_, then| {
        answer(then.into_inner(), 200, "[]");
    });
    let client = limited(&server, salesflow::RateLimit::per_second(1000).burst(1000));
    let started = Instant::now();
    let error = client
        .list_campaigns()
        .account_id(ACCOUNT_ID)
        .send()
        .await
        .expect_err("a 429 without retries");
    assert_eq!(error.status(), Some(429));
    // Another operation, another task: it waits for the pause too.
    let other = client.clone();
    tokio::spawn(async move { other.list_accounts().send().await })
        .await
        .unwrap()
        .expect("sent after the pause");
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(ok.calls_async().await, 1);
}
