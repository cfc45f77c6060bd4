//! The token never shows: for every kind of failure, no rendering of the error (Display,
//! Debug, pretty Debug, source chain) and nothing traced contains it.

mod support;

use std::time::Duration;

use httpmock::MockServer;
use salesflow::{ClientBuilder, Error, RetryPolicy, TransportKind};
use salesflow_httpmock::MockServerExt;
use support::{ACCOUNT_ID, CapturedLogs, answer, server};

/// A token no message would contain by chance.
const MARKER: &str = "MARKERtok3nSecret9f2";

fn builder(base_url: &str) -> ClientBuilder {
    ClientBuilder::new()
        .token(MARKER)
        .base_url(base_url)
        .retry(RetryPolicy::none())
        .timeout(Duration::from_secs(5))
}

/// Calls listCampaigns and returns its error and what was traced meanwhile.
async fn fail(builder: ClientBuilder) -> (Error, String) {
    let logs = CapturedLogs::start();
    let client = builder.build().unwrap();
    let error = client
        .list_campaigns()
        .account_id(ACCOUNT_ID)
        .send()
        .await
        .expect_err("this call fails");
    (error, logs.text())
}

/// Every way the error and the logs can be shown, none with the token.
fn assert_no_token(error: &Error, logs: &str) {
    let mut renderings = vec![
        ("Display", error.to_string()),
        ("Debug", format!("{error:?}")),
        ("pretty Debug", format!("{error:#?}")),
        ("logs", logs.to_owned()),
    ];
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        renderings.push(("source", format!("{cause} / {cause:?}")));
        source = cause.source();
    }
    for (how, text) in renderings {
        assert!(
            !text.contains(MARKER),
            "the token shows in the {how}: {text}"
        );
    }
    assert!(
        !error.to_string().contains('\n'),
        "Display is one line: {error}"
    );
    assert!(logs.contains("listCampaigns"), "the call is traced: {logs}");
    assert!(
        !logs.contains("token="),
        "no query string is traced: {logs}"
    );
}

#[tokio::test]
async fn connection_refused() {
    let port = support::closed_port();
    let (error, logs) = fail(builder(&format!("http://127.0.0.1:{port}"))).await;
    assert!(
        matches!(
            error,
            Error::Transport {
                kind: TransportKind::Connect,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.is_retryable());
    assert_no_token(&error, &logs);
}

#[tokio::test]
async fn timeout() {
    let server = server().await;
    server.list_campaigns(|_, then| {
        then.into_inner()
            .delay(Duration::from_secs(3))
            .status(200)
            .body("[]");
    });
    let slow = builder(&server.base_url()).timeout(Duration::from_millis(200));
    let (error, logs) = fail(slow).await;
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
        error.to_string().contains("did not answer in time"),
        "{error}"
    );
    assert_no_token(&error, &logs);
}

#[tokio::test]
async fn dns_failure() {
    let (error, logs) = fail(builder("http://salesflow-test.invalid/api")).await;
    assert!(
        matches!(
            error,
            Error::Transport {
                kind: TransportKind::Connect,
                ..
            }
        ),
        "{error:?}"
    );
    assert_no_token(&error, &logs);
}

/// A server that answers every listCampaigns call with `status` and `body`.
async fn answering(status: u16, body: &'static str) -> MockServer {
    let server = server().await;
    server.list_campaigns(move |_, then| {
        answer(then.into_inner(), status, body);
    });
    server
}

#[tokio::test]
async fn client_error_with_a_json_body_that_echoes_the_token() {
    let server = answering(
        401,
        r#"{"Status": 401, "Message": "Token MARKERtok3nSecret9f2 is invalid"}"#,
    )
    .await;
    let (error, logs) = fail(builder(&server.base_url())).await;
    match &error {
        Error::Api {
            status,
            api_status,
            message,
            ..
        } => {
            assert_eq!(status.as_u16(), 401);
            assert_eq!(*api_status, Some(401));
            assert_eq!(message.as_deref(), Some("Token *** is invalid"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(error.status(), Some(401));
    assert!(!error.is_retryable());
    assert_no_token(&error, &logs);
}

#[tokio::test]
async fn server_error_with_an_html_page_that_shows_the_url() {
    let server = server().await;
    server.list_campaigns(|_, then| {
        then.into_inner()
            .status(500)
            .header("content-type", "text/html")
            .body(
                "<html><body><h1>Server Error in '/' Application.</h1>\n<p>Request: \
                 /api/campaigns/list-campaigns?accountId=321&amp;token=MARKERtok3nSecret9f2</p></body></html>",
            );
    });
    let (error, logs) = fail(builder(&server.base_url())).await;
    match &error {
        Error::Api {
            status, excerpt, ..
        } => {
            assert_eq!(status.as_u16(), 500);
            let excerpt = excerpt.as_deref().unwrap();
            assert!(
                excerpt.starts_with("Server Error in '/' Application."),
                "{excerpt}"
            );
            assert!(excerpt.contains("token=***"), "{excerpt}");
        }
        other => panic!("{other:?}"),
    }
    assert_no_token(&error, &logs);
}

#[tokio::test]
async fn ok_with_malformed_json() {
    let server = answering(200, r#"[{"CampaignId": "MARKERtok3nSecret9f2"}]"#).await;
    let (error, logs) = fail(builder(&server.base_url())).await;
    match &error {
        Error::Decode {
            operation,
            field,
            detail,
            ..
        } => {
            assert_eq!(*operation, "listCampaigns");
            assert_eq!(field.as_deref(), Some("[0].CampaignId"));
            assert!(detail.contains("invalid type"), "{detail}");
        }
        other => panic!("{other:?}"),
    }
    assert_no_token(&error, &logs);
}

#[tokio::test]
async fn no_content_where_a_body_is_documented() {
    // attachWebhook documents the attachment it creates; an empty answer is not one.
    let server = server().await;
    server.attach_webhook(|_, then| {
        then.into_inner().status(204);
    });
    let logs = CapturedLogs::start();
    let error = builder(&server.base_url())
        .build()
        .unwrap()
        .attach_webhook()
        .account_id(ACCOUNT_ID)
        .webhook_id(1)
        .campaign_id(2)
        .run_on(salesflow::RunOn::ReplyDetected)
        .send()
        .await
        .expect_err("no attachment in the answer");
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert_eq!(error.status(), Some(204));
    assert!(error.to_string().contains("no body"), "{error}");
    let logs = logs.text().replace("attachWebhook", "listCampaigns");
    assert_no_token(&error, &logs);
}

#[tokio::test]
async fn redirect_is_not_followed() {
    let elsewhere = server().await;
    let followed = elsewhere.mock(|when, then| {
        when.any_request();
        then.status(200).body("[]");
    });
    let server = server().await;
    let location = format!(
        "{}/api/campaigns/list-campaigns?token={MARKER}",
        elsewhere.base_url()
    );
    server.list_campaigns(move |_, then| {
        then.into_inner()
            .status(302)
            .header("location", location.as_str());
    });
    let (error, logs) = fail(builder(&server.base_url())).await;
    assert_eq!(error.status(), Some(302));
    assert!(
        error.to_string().contains("redirects are not followed"),
        "{error}"
    );
    assert_eq!(
        followed.calls_async().await,
        0,
        "the token was not carried elsewhere"
    );
    assert_no_token(&error, &logs);
}

#[tokio::test]
async fn invalid_input_and_debug_of_the_client() {
    let logs = CapturedLogs::start();
    let client = builder("http://127.0.0.1:9").build().unwrap();
    let error = client
        .get_contact_by_public_identifier()
        .account_id(ACCOUNT_ID)
        .public_identifier("")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    let shown = format!("{client:?} {:?}", client.list_campaigns());
    assert!(!shown.contains(MARKER), "{shown}");
    assert!(!logs.text().contains(MARKER));
}
