//! The SDK against `salesflow-emulator`, a stateful Salesflow on 127.0.0.1: webhooks end to
//! end (created, attached, delivered to a `WebhookReceiver`, detached), data that persists
//! across calls, the documented refusals, and every real-server variant at once.

use std::sync::{Arc, Mutex};

use salesflow::{Client, ClientBuilder, Error, RunOn};
use salesflow_emulator::{
    Attachment, Campaign, Contact, Emulator, EmulatorConfig, Event, Message, Seed, Variants,
    Webhook,
};
use salesflow_ext::types::WebhookEvent;
use salesflow_ext::{IntegrationRunOn, WebhookReceiver, WebhookSecret};

use crate::support::plain_http;

const ACCOUNT: i64 = 321;
const CAMPAIGN: i64 = 789;
const SECRET: &str = "0123456789abcdef0123456789abcdef-emulator";

use crate::support::emulator_client as client;

/// A receiver on this runtime that keeps every event; its URL carries `SECRET`.
async fn receiver() -> (String, Arc<Mutex<Vec<WebhookEvent>>>) {
    let received: Arc<Mutex<Vec<WebhookEvent>>> = Arc::default();
    let kept = Arc::clone(&received);
    let app = WebhookReceiver::new(WebhookSecret::new(SECRET).unwrap(), move |event| {
        let kept = Arc::clone(&kept);
        async move {
            kept.lock().unwrap().push(event);
            Ok::<_, std::convert::Infallible>(())
        }
    })
    .into_router();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://{}/salesflow?secret={SECRET}",
        listener.local_addr().unwrap()
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, received)
}

async fn import(client: &Client, profile: &str, first_name: &str) -> salesflow::types::Contact {
    client
        .import_member()
        .account_id(ACCOUNT)
        .campaign_id(CAMPAIGN)
        .linked_in_url(format!("https://www.linkedin.com/in/{profile}"))
        .first_name(first_name)
        .last_name("Doe")
        .send()
        .await
        .expect("imported")
        .into_inner()
}

/// A webhook `name` POSTing to `url`, attached to `CAMPAIGN` for `run_on`: the webhook's id
/// and the attachment.
async fn attached_webhook(
    client: &Client,
    name: &str,
    url: &str,
    run_on: RunOn,
) -> (i64, salesflow::types::WebhookCampaign) {
    let webhook = client
        .create_webhook()
        .account_id(ACCOUNT)
        .body_map(|body| body.name(name.to_string()).url(url.to_string()))
        .send()
        .await
        .expect("created");
    let attached = client
        .attach_webhook()
        .account_id(ACCOUNT)
        .webhook_id(webhook.webhook_id)
        .campaign_id(CAMPAIGN)
        .run_on(run_on)
        .send()
        .await
        .expect("attached")
        .into_inner();
    (webhook.webhook_id, attached)
}

/// `POST /__emulator/members/{id}/{action}` over HTTP, as any language would; its JSON.
async fn control(
    emulator: &Emulator,
    member_id: i64,
    action: &str,
    body: &str,
) -> serde_json::Value {
    let answer = plain_http()
        .post(format!(
            "{}/members/{member_id}/{action}",
            emulator.control_url()
        ))
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 200);
    answer.json().await.unwrap()
}

#[tokio::test]
async fn a_connection_reaches_the_attached_webhook_as_a_typed_event_and_a_detached_one_gets_nothing()
 {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let client = client(&emulator);
    let (url, received) = receiver().await;

    let (webhook_id, attached) =
        attached_webhook(&client, "CRM sync", &url, RunOn::MemberConnected).await;
    assert_eq!(attached.run_on, Some(RunOn::MemberConnected));
    // The same webhook, campaign and event again: refused, as the docs allow one.
    let again = client
        .attach_webhook()
        .account_id(ACCOUNT)
        .webhook_id(webhook_id)
        .campaign_id(CAMPAIGN)
        .run_on(RunOn::MemberConnected)
        .send()
        .await
        .unwrap_err();
    assert_eq!(again.status(), Some(409), "{again}");

    let member = import(&client, "jane-doe", "Jane").await;
    let answer = control(&emulator, member.member_id, "connect", "").await;
    assert_eq!(answer["Deliveries"][0]["Delivered"], true, "{answer}");

    {
        let events = received.lock().unwrap();
        assert_eq!(events.len(), 1);
        let event = &events[0];
        assert_eq!(event.member_id, member.member_id);
        assert_eq!(event.first_name.as_deref(), Some("Jane"));
        assert_eq!(event.integration_run_on, Some(IntegrationRunOn::Connected));
        assert!(event.status.as_ref().unwrap().is_connected());
        assert_eq!(
            event.member_url.as_deref(),
            Some("https://www.linkedin.com/in/jane-doe")
        );
        assert_eq!(
            event.member_campaigns[0].campaign_name.as_deref(),
            Some("Sales leads")
        );
    }
    // The member reads back connected.
    let read = client
        .get_contact()
        .member_id(member.member_id)
        .account_id(ACCOUNT)
        .send()
        .await
        .unwrap();
    assert!(read.status.as_ref().unwrap().is_connected());

    client
        .detach_webhook()
        .account_id(ACCOUNT)
        .webhook_campaign_id(attached.webhook_campaign_id)
        .send()
        .await
        .expect("detached");
    let answer = control(
        &emulator,
        member.member_id,
        "reply",
        r#"{"Text": "Sounds good"}"#,
    )
    .await;
    assert_eq!(answer["Deliveries"], serde_json::json!([]), "{answer}");
    assert_eq!(
        received.lock().unwrap().len(),
        1,
        "nothing after the detach"
    );
    // The reply is still an incoming message.
    let messages = client
        .list_incoming_messages_by_campaign()
        .account_id(ACCOUNT)
        .campaign_id(CAMPAIGN)
        .from("2020-01-01".parse::<chrono::NaiveDate>().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(messages.len(), 1);
    assert_eq!(
        messages[0].incoming_messages[0].text.as_deref(),
        Some("Sounds good")
    );
}

#[tokio::test]
async fn a_delivery_that_fails_is_tried_three_times_and_shown() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let client = client(&emulator);
    let port = crate::support::closed_port();
    let down = format!("http://127.0.0.1:{port}/hook?secret={SECRET}");
    attached_webhook(&client, "down", &down, RunOn::InvitationWithdrawn).await;
    let member = import(&client, "nick-foo", "Nick").await;
    let deliveries = emulator
        .simulate(member.member_id, Event::Withdrawn, None)
        .await
        .expect("a member");
    assert_eq!(deliveries.len(), 1);
    assert_eq!(deliveries[0].attempts, 3);
    assert!(!deliveries[0].delivered);
    let error = deliveries[0].last_error.as_deref().unwrap();
    assert!(!error.contains(SECRET), "{error}");
    let shown: serde_json::Value = plain_http()
        .get(format!("{}/deliveries", emulator.control_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(shown[0]["Event"], "INTEGRATION_RUN_ON_INVITATION_WITHDRAWN");
    assert_eq!(shown[0]["Attempts"], 3);
}

/// Import, get, update, list since the update, get by identifier, delete: the state carries
/// from call to call. Run plainly and with every variant on.
async fn crud_flow(emulator: &Emulator) {
    let client = client(emulator);
    let first = import(&client, "ann-lee", "Ann").await;
    assert_eq!(
        first.status.as_ref().unwrap().to_string(),
        "MEMBER_IMPORTED"
    );
    let second = import(&client, "bob-ray", "Bob").await;
    let all = client
        .list_contacts_by_campaign()
        .account_id(ACCOUNT)
        .campaign_id(CAMPAIGN)
        .send()
        .await
        .unwrap();
    assert_eq!(all.len(), 2);

    let updated = client
        .update_contact()
        .member_id(second.member_id)
        .account_id(ACCOUNT)
        .body_map(|body| body.occupation(Some("CTO".to_string())))
        .send()
        .await
        .unwrap();
    let changed_at = updated
        .last_modified_at
        .expect("an update sets LastModifiedAt");
    assert_eq!(updated.occupation.as_deref(), Some("CTO"));
    let since = client
        .list_contacts_by_account()
        .account_id(ACCOUNT)
        .updated_from_date(changed_at)
        .send()
        .await
        .unwrap();
    let ids: Vec<i64> = since.iter().map(|c| c.member_id).collect();
    assert_eq!(ids, [second.member_id], "only what changed since");

    let found = client
        .get_contact_by_public_identifier()
        .account_id(ACCOUNT)
        .public_identifier("ann-lee")
        .send()
        .await
        .unwrap();
    assert_eq!(found.member_id, first.member_id);

    client
        .delete_contact()
        .member_id(first.member_id)
        .account_id(ACCOUNT)
        .send()
        .await
        .expect("deleted");
    let gone = client
        .get_contact()
        .member_id(first.member_id)
        .account_id(ACCOUNT)
        .send()
        .await
        .unwrap_err();
    assert!(gone.is_not_found(), "{gone}");

    // Statistics and analytics count the state.
    let statistics = client
        .get_campaign_statistics()
        .account_id(ACCOUNT)
        .campaign_id(CAMPAIGN)
        .send()
        .await
        .unwrap();
    assert_eq!(statistics.total, Some(1));
    let analytics = client
        .get_analytics_by_account()
        .account_id(ACCOUNT)
        .from("2024-01-01".parse::<chrono::NaiveDate>().unwrap())
        .to("2024-02-01".parse::<chrono::NaiveDate>().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(analytics.len(), 2);
    let campaigns = client
        .list_campaigns()
        .account_id(ACCOUNT)
        .send()
        .await
        .unwrap();
    assert_eq!(campaigns.len(), 2);
    let webhooks = client
        .list_webhooks()
        .account_id(ACCOUNT)
        .send()
        .await
        .unwrap();
    assert!(webhooks.is_empty());
    let accounts = client.list_accounts().send().await.unwrap();
    assert_eq!(accounts.len(), 2);
}

#[tokio::test]
async fn data_persists_across_calls() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    crud_flow(&emulator).await;
}

#[tokio::test]
async fn the_sdk_reads_every_real_server_variant_of_the_emulator() {
    let mut variants = Variants::default();
    for name in Variants::NAMES {
        assert!(variants.set(name, true));
    }
    let emulator = Emulator::start(EmulatorConfig {
        variants,
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    crud_flow(&emulator).await;
    // The variants are on the wire: camelCase keys, no nulls, a BOM, gzip.
    let answer = plain_http()
        .get(format!(
            "{}/campaigns/list-campaigns?token={}&accountId={ACCOUNT}",
            emulator.base_url(),
            emulator.token()
        ))
        .send()
        .await
        .unwrap();
    let bytes = answer.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8_lossy(&bytes[3..]).into_owned();
    assert!(text.contains("\"campaignId\""), "{text}");
    assert!(!text.contains("null"), "{text}");
}

#[tokio::test]
async fn the_documented_refusals() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let client = client(&emulator);
    let start = |campaign: i64| {
        let client = client.clone();
        async move {
            client
                .start_campaign()
                .account_id(ACCOUNT)
                .campaign_id(campaign)
                .send()
                .await
        }
    };
    // 422: no members; 404: no such campaign; 409: running already.
    assert_eq!(start(CAMPAIGN).await.unwrap_err().status(), Some(422));
    assert!(start(1).await.unwrap_err().is_not_found());
    assert_eq!(start(790).await.unwrap_err().status(), Some(409));
    import(&client, "cara-moe", "Cara").await;
    start(CAMPAIGN).await.expect("started");
    assert_eq!(start(CAMPAIGN).await.unwrap_err().status(), Some(409));

    // The same profile again: a second member, marked a duplicate.
    let duplicate = import(&client, "cara-moe", "Cara").await;
    assert!(
        duplicate
            .status
            .as_ref()
            .unwrap()
            .to_string()
            .contains("MEMBER_DUPLICATE")
    );

    // 403: a wrong token, or an account the token does not reach.
    let stranger = ClientBuilder::new()
        .token("not-the-token")
        .base_url(emulator.base_url())
        .build()
        .unwrap();
    let refused = stranger
        .list_campaigns()
        .account_id(ACCOUNT)
        .send()
        .await
        .unwrap_err();
    assert_eq!(refused.status(), Some(403), "{refused}");
    let other = client
        .list_campaigns()
        .account_id(999)
        .send()
        .await
        .unwrap_err();
    assert_eq!(other.status(), Some(403));

    // A request the SDK would refuse, sent by hand: ASP.NET's 400 with the field.
    let answer = plain_http()
        .post(format!(
            "{}/members/{}?token={}&accountId={ACCOUNT}",
            emulator.base_url(),
            duplicate.member_id,
            emulator.token()
        ))
        .header("content-type", "application/json")
        .body(format!(r#"{{"firstName": "{}"}}"#, "x".repeat(70)))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 400);
    let problem: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(problem["title"], "One or more validation errors occurred.");
    assert!(
        problem["errors"]["firstName"][0]
            .as_str()
            .unwrap()
            .contains("maximum length of 63")
    );
    let missing = plain_http()
        .get(format!(
            "{}/members/list-contacts?token={}&accountId={ACCOUNT}&campaignId=abc",
            emulator.base_url(),
            emulator.token()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status().as_u16(), 400);
    let error: Error = client
        .list_contacts_by_campaign()
        .account_id(ACCOUNT)
        .campaign_id(555)
        .send()
        .await
        .unwrap_err();
    assert!(error.is_not_found(), "{error}");
}

/// The data the per-operation calls of `salesflow_test_support::operations` name: their
/// campaigns, members, identifiers and webhook.
fn per_operation_seed() -> Seed {
    let now = chrono::Utc::now();
    let campaign = |id: i64, name: &str, status: &str| Campaign {
        campaign_id: id,
        account_id: ACCOUNT,
        campaign_name: name.to_owned(),
        status: status.to_owned(),
        last_modified_at: None,
        created_at: now,
    };
    let contact = |id: i64, campaign_id: i64, identifier: &str| Contact {
        member_id: id,
        campaign_id,
        first_name: Some("John".to_owned()),
        last_name: Some("Doe".to_owned()),
        location: None,
        occupation: None,
        industry: None,
        email: None,
        phone: None,
        company: None,
        public_identifier: Some(identifier.to_owned()),
        member_url: format!("https://www.linkedin.com/in/{identifier}"),
        status_bits: 32,
        custom_fields: Vec::new(),
        muted: false,
        connected_at: None,
        messages: vec![Message {
            conversation_message_id: id + 1,
            created_at: now,
            text: "Happy to connect".to_owned(),
            interested: None,
        }],
        last_modified_at: None,
        added_at: now,
    };
    Seed {
        campaigns: vec![
            campaign(10, "Sale lead", "CAMPAIGN_PAUSED"),
            campaign(31767, "Statistics", "CAMPAIGN_RUNNING"),
            campaign(456, "To start", "CAMPAIGN_PAUSED"),
            campaign(789, "Webhooks", "CAMPAIGN_PAUSED"),
        ],
        contacts: vec![
            contact(46875434, 10, "identity100"),
            contact(46875440, 10, "identity1"),
            contact(46875450, 456, "identity3"),
        ],
        webhooks: vec![Webhook {
            webhook_id: 789,
            account_id: ACCOUNT,
            name: "SomeCoolName".to_owned(),
            url: "https://hooks.example.com/abc".to_owned(),
            disable_for_muted_contacts: None,
            attached_webhook_campaigns: vec![Attachment {
                webhook_campaign_id: 456,
                campaign_id: 789,
                run_on: 1,
            }],
        }],
        ..Seed::default()
    }
}

#[tokio::test]
async fn every_operation_of_the_per_operation_tests_is_answered_by_the_emulator() {
    use salesflow_test_support::operations::{OPERATIONS, call};

    let mut every_variant = Variants::default();
    for name in Variants::NAMES {
        every_variant.set(name, true);
    }
    for variants in [Variants::default(), every_variant] {
        for operation in OPERATIONS {
            // A fresh emulator each: the delete of one call is not the missing record of
            // another.
            let emulator = Emulator::start(EmulatorConfig {
                seed: per_operation_seed(),
                variants,
                ..EmulatorConfig::default()
            })
            .await
            .unwrap();
            let answer = call(&client(&emulator), operation.name)
                .await
                .unwrap_or_else(|error| panic!("{} ({variants:?}): {error}", operation.name));
            if let Some(items) = answer.as_array() {
                assert!(!items.is_empty(), "{} listed nothing", operation.name);
            }
        }
    }
}

#[tokio::test]
async fn a_muted_member_s_reply_is_not_delivered_as_the_docs_say() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let client = client(&emulator);
    let (url, received) = receiver().await;
    attached_webhook(&client, "replies", &url, RunOn::ReplyDetected).await;
    let member = import(&client, "quiet-one", "Quinn").await;
    control(&emulator, member.member_id, "mute", "").await;
    let muted = control(&emulator, member.member_id, "reply", r#"{"Text": "hush"}"#).await;
    assert_eq!(muted["Deliveries"], serde_json::json!([]), "{muted}");
    control(&emulator, member.member_id, "unmute", "").await;
    let heard = control(&emulator, member.member_id, "reply", r#"{"Text": "hello"}"#).await;
    assert_eq!(heard["Deliveries"][0]["Delivered"], true, "{heard}");
    let events = received.lock().unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].has_reply, Some(true));
    assert!(
        events[0]
            .member_actions_formatted
            .as_deref()
            .is_some_and(|actions| actions.contains("hello") && actions.contains("hush")),
        "{:?}",
        events[0].member_actions_formatted
    );
}

#[tokio::test]
async fn a_query_string_over_2048_bytes_gets_what_iis_answers() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let http = crate::support::plain_http();
    let url = |occupation: &str| {
        format!(
            "{}/members/Import?accountId=321&campaignId=789&linkedInUrl=https%3A%2F%2Fwww.linkedin.com%2Fin%2Fx&occupation={occupation}&token={}",
            emulator.base_url(),
            emulator.token()
        )
    };
    let answer = http.get(url(&"a".repeat(2_000))).send().await.unwrap();
    assert_eq!(answer.status(), 404);
    assert!(answer.text().await.unwrap().contains("404.15"));
    let answer = http.get(url("CEO")).send().await.unwrap();
    assert_eq!(answer.status(), 200);
}

/// A raw call to the emulator: status, headers and body as JSON (or null).
async fn raw(
    emulator: &Emulator,
    method: &str,
    path_and_query: &str,
    body: Option<&str>,
) -> (
    u16,
    salesflow::reqwest::header::HeaderMap,
    serde_json::Value,
) {
    let url = format!(
        "{}{path_and_query}{}token={}",
        emulator.base_url(),
        if path_and_query.contains('?') {
            "&"
        } else {
            "?"
        },
        emulator.token()
    );
    let method = salesflow::reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = plain_http().request(method, url);
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_owned());
    }
    let answer = request.send().await.unwrap();
    let (status, headers) = (answer.status().as_u16(), answer.headers().clone());
    let body = answer.json().await.unwrap_or(serde_json::Value::Null);
    (status, headers, body)
}

#[tokio::test]
async fn empty_and_mistyped_values_are_400_naming_the_field_as_asp_net_answers() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let cases = [
        (
            "GET",
            "/messaging/incoming-messages-by-accountid?accountId=321&from=",
            None,
            "from",
        ),
        (
            "GET",
            "/analytics/by-accountid?accountId=321&from=&to=2024-01-31",
            None,
            "from",
        ),
        (
            "GET",
            "/analytics/by-accountid?accountId=321&from=2024-01-01&to=",
            None,
            "to",
        ),
        (
            "POST",
            "/webhooks/create?accountId=321",
            Some(
                r#"{"Name": "dev", "Url": "https://example.com/h", "DisableForMutedContacts": {}}"#,
            ),
            "DisableForMutedContacts",
        ),
        (
            "POST",
            "/webhooks/create?accountId=321",
            Some(r#"{"Name": 7, "Url": "https://example.com/h"}"#),
            "Name",
        ),
        (
            "POST",
            "/members/list-contacts?accountId=321",
            Some(r#"{"PublicIdentifiers": ["a"], "UpdatedFromDate": {}}"#),
            "UpdatedFromDate",
        ),
        (
            "POST",
            "/members/list-contacts?accountId=321",
            Some(r#"{"PublicIdentifiers": "a"}"#),
            "PublicIdentifiers",
        ),
    ];
    for (method, path, body, field) in cases {
        let (status, _, answer) = raw(&emulator, method, path, body).await;
        assert_eq!(status, 400, "{method} {path} {body:?}: {answer}");
        assert!(answer["errors"][field].is_array(), "{path}: {answer}");
        assert_eq!(
            answer["errors"].as_object().unwrap().len(),
            1,
            "{path}: {answer}"
        );
    }
    // An empty optional value binds as absent.
    let (status, _, _) = raw(
        &emulator,
        "GET",
        "/campaigns/list-campaigns?accountId=321&updatedFromDate=",
        None,
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_method_a_path_does_not_take_is_405_with_allow() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    for (method, path, allow) in [
        ("PUT", "/members/list-contacts", "GET, POST"),
        ("PATCH", "/members/5", "GET, POST, DELETE"),
        ("GET", "/webhooks/create", "POST"),
    ] {
        let (status, headers, _) = raw(&emulator, method, path, None).await;
        assert_eq!(status, 405, "{method} {path}");
        assert_eq!(headers["allow"], allow, "{method} {path}");
    }
}

#[tokio::test]
async fn analytics_count_what_happened_between_from_and_to() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let client = client(&emulator);
    let member = import(&client, "analytics-1", "Ann").await;
    control(&emulator, member.member_id, "connect", "{}").await;
    control(&emulator, member.member_id, "reply", r#"{"Text": "Hi"}"#).await;
    let today = chrono::Utc::now().date_naive();
    let analytics = |from: chrono::NaiveDate, to: chrono::NaiveDate| {
        let client = client.clone();
        async move {
            client
                .get_analytics_by_campaign()
                .account_id(ACCOUNT)
                .campaign_id(CAMPAIGN)
                .from(from)
                .to(to)
                .send()
                .await
                .unwrap()
                .into_inner()
        }
    };
    let now = analytics(today, today).await;
    assert_eq!(now.general.as_ref().unwrap().total_replies, Some(1));
    assert_eq!(now.linkedin.as_ref().unwrap().invites_accepted, Some(1));
    let day = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    let then = analytics(day, day + chrono::Days::new(30)).await;
    assert_eq!(then.general.as_ref().unwrap().total_replies, Some(0));
    assert_eq!(then.linkedin.as_ref().unwrap().invites_accepted, Some(0));
}

#[tokio::test]
async fn no_event_is_delivered_to_the_emulator_itself() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let client = client(&emulator);
    let member = import(&client, "loop-1", "Ann").await;
    // A webhook pointing at the emulator's own control API: each delivery would reply again.
    let own = format!(
        "{}/members/{}/reply",
        emulator.control_url(),
        member.member_id
    );
    attached_webhook(&client, "loop", &own, RunOn::ReplyDetected).await;
    let answer = control(&emulator, member.member_id, "reply", "{}").await;
    let deliveries = answer["Deliveries"].as_array().unwrap();
    assert_eq!(deliveries.len(), 1, "{answer}");
    assert_eq!(deliveries[0]["Delivered"], false);
    assert!(
        deliveries[0]["LastError"]
            .as_str()
            .unwrap()
            .contains("own address"),
        "{answer}"
    );
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(emulator.state().deliveries.len(), 1, "no loop");
}

#[tokio::test]
async fn the_sdk_reads_the_204_and_numeric_enum_variants() {
    let emulator = Emulator::start(EmulatorConfig {
        variants: Variants {
            empty_204: true,
            numeric_enums: true,
            ..Variants::default()
        },
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let client = client(&emulator);
    let (status, _, _) = raw(
        &emulator,
        "GET",
        "/members/list-contacts?accountId=321&campaignId=789",
        None,
    )
    .await;
    assert_eq!(status, 204, "an empty list");
    let none = client
        .list_contacts_by_campaign()
        .account_id(ACCOUNT)
        .campaign_id(CAMPAIGN)
        .send()
        .await
        .unwrap();
    assert!(none.is_empty());
    let missing = client
        .get_contact()
        .account_id(ACCOUNT)
        .member_id(1)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(missing, Error::NotFound { .. }), "{missing:?}");
    let member = import(&client, "numeric-1", "Ann").await;
    assert_eq!(
        member.status.map(|s| s.to_string()).as_deref(),
        Some("MEMBER_IMPORTED")
    );
    let campaigns = client
        .list_campaigns()
        .account_id(ACCOUNT)
        .send()
        .await
        .unwrap();
    let statuses: Vec<String> = campaigns
        .iter()
        .filter_map(|c| c.status.as_ref().map(ToString::to_string))
        .collect();
    assert_eq!(statuses, ["1", "0"], "kept as the numbers they are");
}
