//! Every rule the docs state rejects bad input with a clear error, before any request.

use crate::support::{ACCOUNT_ID, client, server};
use httpmock::{Mock, MockServer};
use salesflow::types::{ContactUpdate, ContactsQuery, WebhookDefinition};
use salesflow::{Error, RunOn};

/// A mock server and a client of it.
async fn watching() -> (MockServer, salesflow::Client) {
    let server = server().await;
    let client = client(&server);
    (server, client)
}

/// A mock that counts every request the server receives.
fn any_request(server: &MockServer) -> Mock<'_> {
    server.mock(|when, then| {
        when.any_request();
        then.status(500);
    })
}

/// Asserts `result` is an invalid-request error for `field` whose message contains `says`,
/// and that `hits`, a mock matching any request, saw none.
async fn assert_refused<T: std::fmt::Debug>(
    hits: &Mock<'_>,
    result: Result<T, Error>,
    field: &str,
    says: &str,
) {
    let error = result.expect_err("bad input is refused");
    match &error {
        Error::InvalidRequest { field: f, .. } => assert_eq!(f, field, "{error}"),
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
    let message = error.to_string();
    assert!(message.contains(says), "{message}");
    assert!(message.ends_with("nothing was sent"), "{message}");
    assert_eq!(hits.calls_async().await, 0, "no request reached the server");
}

fn update(field: &str, value: String) -> ContactUpdate {
    let mut update = ContactUpdate {
        first_name: None,
        last_name: None,
        location: None,
        occupation: None,
        industry: None,
        email: None,
        phone: None,
    };
    let slot = match field {
        "firstName" => &mut update.first_name,
        "lastName" => &mut update.last_name,
        "location" => &mut update.location,
        "occupation" => &mut update.occupation,
        "industry" => &mut update.industry,
        "email" => &mut update.email,
        "phone" => &mut update.phone,
        other => panic!("{other}"),
    };
    *slot = Some(value);
    update
}

#[tokio::test]
async fn update_contact_field_lengths() {
    let limits = [
        ("firstName", 63),
        ("lastName", 63),
        ("location", 127),
        ("occupation", 1023),
        ("industry", 1023),
        ("email", 1023),
        ("phone", 1023),
    ];
    for (field, max) in limits {
        let (server, client) = watching().await;
        let hits = any_request(&server);
        let result = client
            .update_contact()
            .member_id(1)
            .account_id(ACCOUNT_ID)
            .body(update(field, "x".repeat(max + 1)))
            .send()
            .await;
        let says = format!(
            "updateContact: {field} is {} characters long; the API accepts at most {max}",
            max + 1
        );
        assert_refused(&hits, result, field, &says).await;
    }
}

#[tokio::test]
async fn update_contact_at_the_limit_is_sent() {
    let (server, client) = watching().await;
    let hits = server.mock(|when, then| {
        when.any_request();
        then.status(200).body(fixture!("update_contact"));
    });
    client
        .update_contact()
        .member_id(1)
        .account_id(ACCOUNT_ID)
        .body(update("firstName", "é".repeat(63)))
        .send()
        .await
        .expect("63 characters are allowed");
    assert_eq!(hits.calls_async().await, 1);
}

fn webhook(name: &str, url: &str) -> WebhookDefinition {
    WebhookDefinition {
        name: name.to_owned(),
        url: url.to_owned(),
        disable_for_muted_contacts: None,
    }
}

#[tokio::test]
async fn create_webhook_name_and_url() {
    let long_url = format!("https://example.com/{}", "a".repeat(500));
    let cases = [
        (
            webhook(&"n".repeat(256), "https://example.com/h"),
            "Name",
            "is 256 characters long; the API accepts at most 255",
        ),
        (
            webhook("", "https://example.com/h"),
            "Name",
            "Name is empty",
        ),
        (
            webhook("hook", &long_url),
            "Url",
            "is 520 characters long; the API accepts at most 511",
        ),
        (
            webhook("hook", "/relative/hook"),
            "Url",
            "is not a URL; give an absolute http:// or https:// URL",
        ),
        (
            webhook("hook", "ftp://example.com/h"),
            "Url",
            "is not an http:// or https:// URL",
        ),
    ];
    for (definition, field, says) in cases {
        let (server, client) = watching().await;
        let hits = any_request(&server);
        let result = client
            .create_webhook()
            .account_id(ACCOUNT_ID)
            .body(definition)
            .send()
            .await;
        assert_refused(&hits, result, field, says).await;
    }
}

#[tokio::test]
async fn public_identifiers_not_empty_and_no_empty_element() {
    let cases = [
        (
            vec![],
            "PublicIdentifiers",
            "has 0 items; the API needs at least 1",
        ),
        (
            vec!["identity1".to_owned(), String::new()],
            "PublicIdentifiers[1]",
            "is empty; every item needs a value",
        ),
    ];
    for (identifiers, field, says) in cases {
        let (server, client) = watching().await;
        let hits = any_request(&server);
        let result = client
            .list_contacts_by_public_identifiers()
            .account_id(ACCOUNT_ID)
            .body(ContactsQuery {
                public_identifiers: identifiers,
                updated_from_date: None,
            })
            .send()
            .await;
        assert_refused(&hits, result, field, says).await;
    }
}

#[tokio::test]
async fn run_on_must_be_a_positive_code() {
    for code in [0, -1] {
        let (server, client) = watching().await;
        let hits = any_request(&server);
        let result = client
            .attach_webhook()
            .account_id(ACCOUNT_ID)
            .webhook_id(1)
            .campaign_id(2)
            .run_on(RunOn::Other(code))
            .send()
            .await;
        let says = format!("runOn is {code}; the API needs at least 1");
        assert_refused(&hits, result, "runOn", &says).await;
    }
}

#[tokio::test]
async fn a_run_on_code_the_sdk_does_not_know_is_sent() {
    // Changelog 1.12 adds a follow-up kind whose code the docs don't give.
    let server = server().await;
    let mock = server.mock(|when, then| {
        when.path("/webhooks/attach").query_param("runOn", "3");
        then.status(200)
            .body(r#"{"WebhookCampaignId": 5, "CampaignId": 2, "RunOn": 3}"#);
    });
    let attachment = client(&server)
        .attach_webhook()
        .account_id(ACCOUNT_ID)
        .webhook_id(1)
        .campaign_id(2)
        .run_on(RunOn::Other(3))
        .send()
        .await
        .expect("an open enumeration is open both ways");
    mock.assert_async().await;
    assert_eq!(attachment.run_on, Some(RunOn::Other(3)));
}

#[tokio::test]
async fn blank_identifiers_and_names_are_refused() {
    let (server, client) = watching().await;
    let hits = any_request(&server);
    let result = client
        .get_contact_by_public_identifier()
        .account_id(ACCOUNT_ID)
        .public_identifier("   ")
        .send()
        .await;
    assert_refused(&hits, result, "publicIdentifier", "only white space").await;
    let result = client
        .list_contacts_by_public_identifiers()
        .account_id(ACCOUNT_ID)
        .body(ContactsQuery {
            public_identifiers: vec!["a".into(), "\t".into()],
            updated_from_date: None,
        })
        .send()
        .await;
    assert_refused(&hits, result, "PublicIdentifiers[1]", "only white space").await;
    let result = client
        .list_contacts_by_public_identifiers_batched()
        .account_id(ACCOUNT_ID)
        .public_identifiers((0..45).map(|n| {
            if n == 41 {
                " ".to_owned()
            } else {
                format!("id{n}")
            }
        }))
        .send()
        .await;
    assert_refused(&hits, result, "PublicIdentifiers[41]", "only white space").await;
    let result = client
        .create_webhook()
        .account_id(ACCOUNT_ID)
        .body(WebhookDefinition {
            name: "  ".into(),
            url: "https://example.com/hook".into(),
            disable_for_muted_contacts: None,
        })
        .send()
        .await;
    assert_refused(&hits, result, "Name", "only white space").await;
}

#[tokio::test]
async fn linked_in_url_must_be_a_linkedin_url() {
    let cases = [
        ("", "linkedInUrl is empty"),
        ("linkedin.com/in/jane", "is not a URL"),
        (
            "https://example.com/in/jane",
            "is not on the host the API expects",
        ),
    ];
    for (url, says) in cases {
        let (server, client) = watching().await;
        let hits = any_request(&server);
        let result = client
            .import_member()
            .account_id(ACCOUNT_ID)
            .campaign_id(1)
            .linked_in_url(url)
            .send()
            .await;
        assert_refused(&hits, result, "linkedInUrl", says).await;
    }
}

#[tokio::test]
async fn is_force_request_must_stay_true() {
    let (server, client) = watching().await;
    let hits = any_request(&server);
    let result = client
        .get_campaign_statistics()
        .account_id(ACCOUNT_ID)
        .campaign_id(1)
        .is_force_request(false)
        .send()
        .await;
    assert_refused(
        &hits,
        result,
        "isForceRequest",
        "is false; the API accepts true",
    )
    .await;
}

#[tokio::test]
async fn public_identifier_must_not_be_empty() {
    let (server, client) = watching().await;
    let hits = any_request(&server);
    let result = client
        .get_contact_by_public_identifier()
        .account_id(ACCOUNT_ID)
        .public_identifier("")
        .send()
        .await;
    assert_refused(
        &hits,
        result,
        "publicIdentifier",
        "publicIdentifier is empty",
    )
    .await;
}

#[tokio::test]
async fn a_missing_required_parameter_is_named() {
    let (server, client) = watching().await;
    let hits = any_request(&server);
    let result = client.list_campaigns().send().await;
    assert_refused(
        &hits,
        result,
        "accountId",
        "listCampaigns: accountId is required; set it on the builder",
    )
    .await;
}

/// `importMember` with `occupation`, through `client`.
async fn import_with(
    client: &salesflow::Client,
    occupation: &str,
) -> Result<salesflow::types::Contact, Error> {
    client
        .import_member()
        .account_id(ACCOUNT_ID)
        .campaign_id(789)
        .linked_in_url("https://www.linkedin.com/in/jane-doe")
        .occupation(occupation)
        .send()
        .await
        .map(|answer| answer.into_inner())
}

#[tokio::test]
async fn a_query_string_longer_than_iis_takes_is_refused_before_sending() {
    let (server, client) = watching().await;
    let hits = any_request(&server);
    // Each character within the 1,023 allowed, but 6 bytes URL-encoded: 2,400 in all.
    let cyrillic = "Руководитель отдела продаж, ".repeat(15);
    assert!(cyrillic.chars().count() <= 1023);
    assert_refused(
        &hits,
        import_with(&client, &cyrillic).await,
        "occupation",
        "the server (IIS) refuses a query string over 2048 bytes",
    )
    .await;
    // A field the server cannot take at all: refused by its own limit.
    let huge = "x".repeat(50 * 1024 * 1024);
    assert_refused(
        &hits,
        client
            .import_member()
            .account_id(ACCOUNT_ID)
            .campaign_id(789)
            .linked_in_url("https://www.linkedin.com/in/jane-doe")
            .first_name(huge.as_str())
            .send()
            .await,
        "firstName",
        "the API accepts at most 63",
    )
    .await;
}

#[tokio::test]
async fn the_longest_query_string_iis_takes_is_sent() {
    let (server, client) = watching().await;
    let sent = server.mock(|when, then| {
        when.any_request();
        then.status(200)
            .header("content-type", "application/json")
            .body(r#"{"MemberId": 7}"#);
    });
    // The longest occupation that fits, found by the same check send() runs: an `é` is 6
    // bytes URL-encoded.
    let fits = |length: usize| {
        client
            .import_member()
            .account_id(321)
            .campaign_id(789)
            .linked_in_url("https://www.linkedin.com/in/jane-doe")
            .occupation("é".repeat(length))
            .check()
            .is_ok()
    };
    let longest = (0..=1023).rev().find(|n| fits(*n)).unwrap();
    assert!(longest > 250 && longest < 340, "{longest}");
    import_with(&client, &"é".repeat(longest)).await.unwrap();
    assert_eq!(sent.calls_async().await, 1);
    let error = import_with(&client, &"é".repeat(longest + 1))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    assert_eq!(sent.calls_async().await, 1, "the one too long was not sent");
}
