//! Every tool of the server called against the emulator, without a transport
//! (`SalesflowMcp::call`): each write checked with `dry_run` (nothing changes) and then
//! made, each read answered; the answers are what the emulator holds.

use salesflow_emulator::{Emulator, EmulatorConfig};
use salesflow_mcp::{SalesflowMcp, ServerOptions};
use serde_json::{Value, json};

struct Server {
    emulator: Emulator,
    mcp: SalesflowMcp,
}

async fn server() -> Server {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let client = salesflow::Client::with_base_url(&emulator.base_url(), emulator.token()).unwrap();
    let state =
        std::env::temp_dir().join(format!("salesflow-mcp-every-tool-{}", std::process::id()));
    let options = ServerOptions {
        default_account: Some(321),
        state_dir: Some(state),
        ..ServerOptions::default()
    };
    let mcp = SalesflowMcp::new(client, options).unwrap();
    Server { emulator, mcp }
}

impl Server {
    async fn call(&self, tool: &str, arguments: Value) -> Value {
        let arguments = arguments.as_object().cloned();
        match self.mcp.call(tool, arguments).await {
            Ok(answer) => answer,
            Err(error) => panic!("{tool}: {error}"),
        }
    }

    /// A write: first with `dry_run` (which must change nothing), then for real.
    async fn write(&self, tool: &str, arguments: Value) -> Value {
        let before = format!("{:?}", self.emulator.state());
        let mut dry = arguments.clone();
        dry["dry_run"] = json!(true);
        let checked = self.call(tool, dry).await;
        assert_eq!(checked["sent"], false, "{tool}: {checked}");
        assert_eq!(
            format!("{:?}", self.emulator.state()),
            before,
            "{tool}: the dry run changed something"
        );
        self.call(tool, arguments).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_tool_calls_its_operation() {
    let server = server().await;
    let member = server
        .write(
            "import_member",
            json!({"campaignId": 789, "linkedInUrl": "https://www.linkedin.com/in/every-tool", "firstName": "Eve"}),
        )
        .await;
    let member_id = member["MemberId"].as_i64().unwrap();
    let updated = server
        .write(
            "update_contact",
            json!({"memberId": member_id, "occupation": "CTO"}),
        )
        .await;
    assert_eq!(updated["Occupation"], "CTO");
    let webhook = server
        .write(
            "create_webhook",
            json!({"name": "every tool", "url": "https://hooks.example.com/sf"}),
        )
        .await;
    let webhook_id = webhook["WebhookId"].as_i64().unwrap();
    let attached = server
        .write(
            "attach_webhook",
            json!({"webhookId": webhook_id, "campaignId": 789, "runOn": 2}),
        )
        .await;
    let attachment = attached["WebhookCampaignId"].as_i64().unwrap();
    server
        .write("start_campaign", json!({"campaignId": 789}))
        .await;
    assert_eq!(
        server.emulator.state().campaigns[&789].status,
        "CAMPAIGN_RUNNING"
    );

    let reads = [
        ("list_accounts", json!({})),
        ("list_campaigns", json!({"status": "campaign_running"})),
        ("get_contact", json!({"memberId": member_id})),
        (
            "get_contact_by_public_identifier",
            json!({"publicIdentifier": "every-tool"}),
        ),
        ("list_contacts_by_campaign", json!({"campaignId": 789})),
        ("list_contacts_by_account", json!({"text": "eve"})),
        (
            "list_contacts_by_public_identifiers",
            json!({"publicIdentifiers": ["every-tool"]}),
        ),
        ("get_campaign_statistics", json!({"campaignId": 789})),
        (
            "get_analytics_by_campaign",
            json!({"campaignId": 789, "from": "2024-01-01", "to": "2024-01-31"}),
        ),
        (
            "get_analytics_by_account",
            json!({"from": "2024-01-01", "to": "2024-01-31"}),
        ),
        ("list_webhooks", json!({})),
        (
            "list_incoming_messages_by_account",
            json!({"from": "2024-01-01"}),
        ),
        (
            "list_incoming_messages_by_campaign",
            json!({"campaignId": 789, "from": "2024-01-01"}),
        ),
        ("find_contact", json!({"publicIdentifier": "Every-Tool"})),
        ("campaign_report", json!({"campaignId": 789})),
    ];
    for (tool, arguments) in reads {
        let answer = server.call(tool, arguments).await;
        assert!(!answer.is_null(), "{tool}");
    }
    // Both campaigns run now (790 from the start, 789 since `start_campaign`).
    let running = server
        .call("list_campaigns", json!({"status": "CAMPAIGN_RUNNING"}))
        .await;
    assert_eq!(running["total"], 2, "{running}");
    let paused = server
        .call("list_campaigns", json!({"status": "CAMPAIGN_PAUSED"}))
        .await;
    assert_eq!(paused["total"], 0, "{paused}");
    let mine = server
        .call("list_contacts_by_account", json!({"text": "EVE"}))
        .await;
    assert_eq!(mine["items"][0]["MemberId"], member_id, "{mine}");
    let hooks = server.call("list_webhooks", json!({})).await;
    assert_eq!(
        hooks["items"][0]["AttachedWebhookCampaigns"][0]["WebhookCampaignId"],
        attachment
    );

    server
        .write("detach_webhook", json!({"webhookCampaignId": attachment}))
        .await;
    server
        .write("delete_webhook", json!({"webhookId": webhook_id}))
        .await;
    server
        .write("delete_contact", json!({"memberId": member_id}))
        .await;
    assert!(server.emulator.state().contacts.is_empty());
    assert!(server.emulator.state().webhooks.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rules_of_the_spec_refuse_a_call_before_anything_is_sent() {
    let server = server().await;
    let refused = |tool: &'static str, arguments: Value, says: &'static str| {
        let mcp = server.mcp.clone();
        async move {
            let error = mcp
                .call(tool, arguments.as_object().cloned())
                .await
                .unwrap_err();
            assert!(error.message().contains(says), "{tool}: {error}");
            assert!(
                error.message().contains("nothing was sent")
                    || error.message().contains("not sent"),
                "{tool}: {error}"
            );
        }
    };
    refused(
        "import_member",
        json!({"campaignId": 789, "linkedInUrl": "https://example.com/in/x"}),
        "linkedInUrl",
    )
    .await;
    refused(
        "create_webhook",
        json!({"url": "https://hooks.example.com"}),
        "`name`",
    )
    .await;
    refused(
        "list_contacts_by_public_identifiers",
        json!({"publicIdentifiers": vec!["a"; 21]}),
        "at most 20",
    )
    .await;
    refused(
        "attach_webhook",
        json!({"webhookId": 1, "campaignId": 789, "runOn": 0}),
        "runOn",
    )
    .await;
    refused("list_campaigns", json!({"offset": -1}), "offset").await;
    assert!(server.emulator.state().contacts.is_empty());
}
