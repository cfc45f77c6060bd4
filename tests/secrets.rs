//! The token never shows: for every kind of failure, no rendering of the error (Display,
//! Debug, pretty Debug, source chain) and nothing traced contains it.

use std::time::Duration;

use crate::support::{ACCOUNT_ID, CapturedLogs, answer, server};
use httpmock::MockServer;
use salesflow::{ClientBuilder, Error, RetryPolicy, TransportKind};
use salesflow_httpmock::MockServerExt;
use salesflow_test_support::raw_server::{RawServer, Reply};

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

/// Every rendering of `error` (Display, Debug, pretty Debug, its source chain) and `logs`,
/// in one text.
fn shown(error: &Error, logs: &str) -> String {
    let mut shown = format!("{error}\n{error:?}\n{error:#?}\n{logs}");
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        shown.push_str(&format!("\n{cause} {cause:?}"));
        source = cause.source();
    }
    shown
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
    let port = crate::support::closed_port();
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
            assert_eq!(*status, 401);
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
            assert_eq!(*status, 500);
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
    assert_eq!(
        error.status(),
        Some(200),
        "a 200 that fails to decode keeps its status"
    );
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

/// Tokens with every character a URL, a form, JSON or HTML encodes differently.
const HARD_TOKENS: [&str; 4] = [
    "tokSECRET+/=12345==",
    "tok SECRET~*12345",
    "Ab9/+~* =&<>\"'%41z",
    "MARKER+only+plus+signs",
];

/// Every way a server may write `token` back: raw, as .NET's `HttpUtility.UrlEncode` does
/// (lower hex, `+` for a space), as `Uri.EscapeDataString` does (upper hex, `%20`), with the
/// reserved characters left alone, twice encoded, JSON-escaped, HTML-escaped.
fn echoed_forms(token: &str) -> Vec<String> {
    let unreserved = |b: u8| b.is_ascii_alphanumeric() || b"-._~".contains(&b);
    let percent = |upper: bool, space_plus: bool, keep_reserved: bool| -> String {
        token
            .bytes()
            .map(|b| match b {
                b' ' if space_plus => "+".to_owned(),
                _ if unreserved(b) => (b as char).to_string(),
                _ if keep_reserved && b != b' ' && b != b'%' => (b as char).to_string(),
                _ if upper => format!("%{b:02X}"),
                _ => format!("%{b:02x}"),
            })
            .collect()
    };
    let lower_form = percent(false, true, false);
    let json: String = token
        .chars()
        .map(|c| match c {
            '/' => "\\/".to_owned(),
            '+' => "\\u002B".to_owned(),
            '"' => "\\\"".to_owned(),
            '<' => "\\u003c".to_owned(),
            other => other.to_string(),
        })
        .collect();
    let html: String = token
        .chars()
        .map(|c| match c {
            '&' => "&amp;".to_owned(),
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            '"' => "&quot;".to_owned(),
            '+' => "&#43;".to_owned(),
            other => other.to_string(),
        })
        .collect();
    vec![
        token.to_owned(),
        lower_form.clone(),
        percent(true, false, false),
        percent(true, true, false),
        percent(false, false, true),
        lower_form.replace('%', "%25"),
        json,
        html,
    ]
}

/// A server that answers 500 with an HTML page and, on a second path, 400 with a JSON body,
/// each repeating the token in every form of [`echoed_forms`].
fn echoing_server(token: &'static str) -> RawServer {
    RawServer::start(move |n, _| {
        let forms = echoed_forms(token);
        if n % 2 == 0 {
            let page: String = forms
                .iter()
                .map(|form| format!("<p>Request: /api/campaigns/list-campaigns?token={form}</p>\n"))
                .collect();
            let page = format!("<html><body><h1>Server Error</h1>{page}</body></html>");
            Reply::whole(500, "text/html", &page)
        } else {
            let messages: Vec<String> = forms
                .iter()
                .map(|form| {
                    format!(
                        "\"token {}\"",
                        form.replace('\\', "\\\\").replace('"', "\\\"")
                    )
                })
                .collect();
            let body = format!(
                r#"{{"title": "Bad token {}", "status": 400, "errors": {{"token": [{}]}}}}"#,
                forms[6].replace('"', "\\\""),
                messages.join(", ")
            );
            Reply::json(400, &body)
        }
    })
}

#[tokio::test]
async fn a_server_that_echoes_the_token_in_any_encoding_never_shows_it() {
    for token in HARD_TOKENS {
        let server = echoing_server(token);
        let client = ClientBuilder::new()
            .token(token)
            .base_url(server.base_url())
            .retry(RetryPolicy::none())
            .build()
            .unwrap();
        for expected_status in [500, 400] {
            let logs = CapturedLogs::start();
            let error = client
                .list_campaigns()
                .account_id(ACCOUNT_ID)
                .send()
                .await
                .expect_err("the server fails");
            assert_eq!(error.status(), Some(expected_status), "{error:?}");
            let shown = shown(&error, &logs.text());
            for form in echoed_forms(token) {
                assert!(
                    !shown.contains(&form),
                    "token {token:?} shows as {form:?} in: {shown}"
                );
            }
            assert!(
                shown.contains("***"),
                "the token's place is marked: {shown}"
            );
        }
        assert_eq!(server.requests().len(), 2);
    }
}

/// Tokens holding every character whose escapes differ between URLs, forms, JSON, HTML and
/// Rust's `Debug`: `" \ < > & + / = %` and a space.
const QUOTING_TOKENS: [&str; 3] = [
    r#"Ab"Cd\Ef<Gh>Ij&Kl+Mn/Op=Qr%St Uv"#,
    r#""\<>&+/=% secretTAIL9"#,
    r#"q9<b>bold</b>&amp;"x"\y"#,
];

/// Whether `text` shows any 6 characters of `token` in a row: a whole token or a remainder
/// of one that a scrubber missed.
fn shows_part_of(token: &str, text: &str) -> Option<String> {
    let chars: Vec<char> = token.chars().collect();
    chars
        .windows(6)
        .map(|window| window.iter().collect::<String>())
        .find(|window| text.contains(window.as_str()))
}

/// The token as a JSON string's contents (`"` and `\` escaped).
fn json_escaped(token: &str) -> String {
    serde_json::to_string(token)
        .unwrap()
        .trim_matches('"')
        .to_owned()
}

/// Each failure a server can make of a call, the token in it as servers write it, and
/// whether the error keeps the token's place (`***`).
fn failures(token: &'static str) -> Vec<(u16, String, &'static str, bool)> {
    let json = json_escaped(token);
    let page = format!(
        "<html><body><h1>Error</h1><p>GET /api/campaigns/list-campaigns?accountId=321&token={token}</p></body></html>"
    );
    let json_kind = "application/json";
    vec![
        // An IIS page with the URL raw: a `<` of the token must not be taken for a tag.
        (500, page, "text/html", true),
        // A JSON body of no known shape: kept as an excerpt of its JSON, `\"` and all.
        (
            400,
            format!(r#"{{"code": "E1", "query": "token={json}"}}"#),
            json_kind,
            true,
        ),
        // The documented shape, and ProblemDetails naming the field by the token.
        (
            401,
            format!(r#"{{"Status": 401, "Message": "Invalid token {json}"}}"#),
            json_kind,
            true,
        ),
        (
            400,
            format!(r#"{{"title": "Bad", "status": 400, "errors": {{"{json}": ["bad {json}"]}}}}"#),
            json_kind,
            true,
        ),
        // A success that does not decode: serde quotes the value in its message.
        (
            200,
            format!(r#"[{{"CampaignId": "{json}"}}]"#),
            json_kind,
            true,
        ),
        // An unknown key is left out of the message altogether.
        (200, format!(r#"[{{"{json}": 1}}]"#), json_kind, false),
    ]
}

#[tokio::test]
async fn tokens_with_quotes_backslashes_and_brackets_never_show_nor_a_remainder_of_them() {
    for token in QUOTING_TOKENS {
        let answers = failures(token);
        let served = answers.clone();
        let server = RawServer::start(move |n, _| {
            let (status, body, kind, _) = &served[n % served.len()];
            Reply::whole(*status, kind, body)
        });
        let client = ClientBuilder::new()
            .token(token)
            .base_url(server.base_url())
            .retry(RetryPolicy::none())
            .build()
            .unwrap();
        for (status, body, _, marked) in &answers {
            let logs = CapturedLogs::start();
            let error = client
                .list_campaigns()
                .account_id(ACCOUNT_ID)
                .send()
                .await
                .expect_err("the server fails");
            assert_eq!(error.status(), Some(*status), "{error:?}");
            let shown = shown(&error, &logs.text());
            if let Some(part) = shows_part_of(token, &shown) {
                panic!("{token:?}: {part:?} shows, for {body}: {shown}");
            }
            assert_eq!(shown.contains("***"), *marked, "the token's place: {shown}");
        }
        // A list item that does not decode, read as a stream.
        let items = RawServer::start(move |_, _| {
            Reply::json(
                200,
                &format!(
                    r#"[{{"MemberId": 1}}, {{"MemberId": "{}"}}]"#,
                    json_escaped(token)
                ),
            )
        });
        let client = ClientBuilder::new()
            .token(token)
            .base_url(items.base_url())
            .build()
            .unwrap();
        let stream = client
            .list_contacts_by_account()
            .account_id(ACCOUNT_ID)
            .stream();
        let results: Vec<_> = salesflow::StreamExt::collect(stream).await;
        let error = results[1].as_ref().expect_err("the second item");
        let shown = format!("{error} {error:?}");
        assert!(shows_part_of(token, &shown).is_none(), "{shown}");
        assert!(shown.contains("invalid type: string \"***\""), "{shown}");
    }
}

#[test]
fn a_base_url_with_the_token_in_it_is_refused_without_showing_it() {
    for token in QUOTING_TOKENS {
        let url = format!("http://127.0.0.1:9/api?token={token}");
        let error = ClientBuilder::new()
            .token(token)
            .base_url(&url)
            .build()
            .unwrap_err();
        let shown = format!("{error} {error:?}");
        assert!(shows_part_of(token, &shown).is_none(), "{shown}");
    }
}

#[tokio::test]
async fn an_adjusted_http_client_still_follows_no_redirect_and_sends_no_referer() {
    let elsewhere = server().await;
    let followed = elsewhere.mock(|when, then| {
        when.any_request();
        then.status(200).body("[]");
    });
    let server = server().await;
    let location = format!("{}/api/campaigns/list-campaigns", elsewhere.base_url());
    server.list_campaigns(move |_, then| {
        then.into_inner()
            .status(307)
            .header("location", location.as_str());
    });
    let adjusted = builder(&server.base_url()).configure_http(|http| {
        http.redirect(salesflow::reqwest::redirect::Policy::limited(10))
            .referer(true)
    });
    let (error, logs) = fail(adjusted).await;
    assert_eq!(error.status(), Some(307));
    assert_eq!(
        followed.calls_async().await,
        0,
        "the redirect was not followed"
    );
    assert_no_token(&error, &logs);
}
