//! The 21 operations: the docs' sample answer of each, one call through the library, and the
//! same call as a `salesflow` command line.

use salesflow::types::{ContactUpdate, ContactsQuery, WebhookDefinition};
use salesflow::{Client, Error, RunOn};
use serde_json::Value;

use crate::ACCOUNT_ID;

/// What a 2xx answer without a body means for an operation (the spec's `x-empty-response`),
/// restated here as the promise the tests hold the SDK to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmptyResponse {
    /// Not documented: an error.
    Error,
    /// Success; the HTTP status is the outcome (`{"Status": <status>, "Message": null}`).
    Outcome,
    /// An empty list.
    EmptyList,
    /// The record does not exist.
    NotFound,
}

/// One operation of the spec.
#[derive(Debug, Clone, Copy)]
pub struct Operation {
    /// The spec's operationId.
    pub name: &'static str,
    /// The HTTP method.
    pub method: &'static str,
    /// The path, from the base URL.
    pub path: &'static str,
    /// The docs' sample answer (`tests/fixtures/`).
    pub sample: &'static str,
    /// What an answer without a body means.
    pub empty_response: EmptyResponse,
    /// The `salesflow` command line of [`call`]; `BODY` stands for a file holding [`body`](Self::body).
    pub command: &'static [&'static str],
    /// The JSON body the call sends, if any.
    pub body: Option<&'static str>,
}

impl Operation {
    /// Whether the answer is a JSON array.
    pub fn answers_a_list(&self) -> bool {
        self.sample.trim_start().starts_with('[')
    }

    /// The docs' sample answer as JSON.
    pub fn sample_json(&self) -> Value {
        serde_json::from_str(self.sample).expect("the fixtures are JSON")
    }
}

macro_rules! sample {
    ($name:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/",
            $name,
            ".json"
        ))
    };
}

const UPDATE: &str = r#"{"firstName": "John", "phone": "1555123458"}"#;
const IDENTIFIERS: &str = r#"{"PublicIdentifiers": ["identity1", "identity3"]}"#;
const WEBHOOK: &str = r#"{"Name": "Doe", "Url": "https://www.somesite.com/abc"}"#;

/// Every operation, in the spec's order.
pub const OPERATIONS: [Operation; 21] = [
    Operation {
        name: "getCampaignStatistics",
        method: "GET",
        path: "/statistics/GetCampaignStatistics",
        sample: sample!("get_campaign_statistics"),
        empty_response: EmptyResponse::Error,
        command: &[
            "get-campaign-statistics",
            "--account-id",
            "321",
            "--campaign-id",
            "31767",
        ],
        body: None,
    },
    Operation {
        name: "importMember",
        method: "GET",
        path: "/members/Import",
        sample: sample!("import_member"),
        empty_response: EmptyResponse::Error,
        command: &[
            "import-member",
            "--account-id",
            "321",
            "--campaign-id",
            "10",
            "--linked-in-url",
            "https://www.linkedin.com/in/john-smith-123456",
        ],
        body: None,
    },
    Operation {
        name: "getContactByPublicIdentifier",
        method: "GET",
        path: "/members",
        sample: sample!("get_contact_by_public_identifier"),
        empty_response: EmptyResponse::NotFound,
        command: &[
            "get-contact-by-public-identifier",
            "--account-id",
            "321",
            "--public-identifier",
            "identity100",
        ],
        body: None,
    },
    Operation {
        name: "getContact",
        method: "GET",
        path: "/members/46875434",
        sample: sample!("get_contact"),
        empty_response: EmptyResponse::NotFound,
        command: &[
            "get-contact",
            "--account-id",
            "321",
            "--member-id",
            "46875434",
        ],
        body: None,
    },
    Operation {
        name: "updateContact",
        method: "POST",
        path: "/members/46875434",
        sample: sample!("update_contact"),
        empty_response: EmptyResponse::Error,
        command: &[
            "update-contact",
            "--account-id",
            "321",
            "--member-id",
            "46875434",
            "--json-body",
            "BODY",
        ],
        body: Some(UPDATE),
    },
    Operation {
        name: "deleteContact",
        method: "DELETE",
        path: "/members/46875434",
        sample: sample!("delete_contact"),
        empty_response: EmptyResponse::Outcome,
        command: &[
            "delete-contact",
            "--account-id",
            "321",
            "--member-id",
            "46875434",
        ],
        body: None,
    },
    Operation {
        name: "listContactsByCampaign",
        method: "GET",
        path: "/members/list-contacts",
        sample: sample!("list_contacts_by_campaign"),
        empty_response: EmptyResponse::EmptyList,
        command: &[
            "list-contacts-by-campaign",
            "--account-id",
            "321",
            "--campaign-id",
            "10",
        ],
        body: None,
    },
    Operation {
        name: "listContactsByPublicIdentifiers",
        method: "POST",
        path: "/members/list-contacts",
        sample: sample!("list_contacts_by_public_identifiers"),
        empty_response: EmptyResponse::EmptyList,
        command: &[
            "list-contacts-by-public-identifiers",
            "--account-id",
            "321",
            "--json-body",
            "BODY",
        ],
        body: Some(IDENTIFIERS),
    },
    Operation {
        name: "listContactsByAccount",
        method: "GET",
        path: "/members/list-contacts-by-accountid",
        sample: sample!("list_contacts_by_account"),
        empty_response: EmptyResponse::EmptyList,
        command: &["list-contacts-by-account", "--account-id", "321"],
        body: None,
    },
    Operation {
        name: "listCampaigns",
        method: "GET",
        path: "/campaigns/list-campaigns",
        sample: sample!("list_campaigns"),
        empty_response: EmptyResponse::EmptyList,
        command: &["list-campaigns", "--account-id", "321"],
        body: None,
    },
    Operation {
        name: "startCampaign",
        method: "POST",
        path: "/campaigns/start",
        sample: sample!("start_campaign"),
        empty_response: EmptyResponse::Outcome,
        command: &[
            "start-campaign",
            "--account-id",
            "321",
            "--campaign-id",
            "456",
        ],
        body: None,
    },
    Operation {
        name: "listAccounts",
        method: "GET",
        path: "/accounts/list",
        sample: sample!("list_accounts"),
        empty_response: EmptyResponse::EmptyList,
        command: &["list-accounts"],
        body: None,
    },
    Operation {
        name: "createWebhook",
        method: "POST",
        path: "/webhooks/create",
        sample: sample!("create_webhook"),
        empty_response: EmptyResponse::Error,
        command: &[
            "create-webhook",
            "--account-id",
            "321",
            "--json-body",
            "BODY",
        ],
        body: Some(WEBHOOK),
    },
    Operation {
        name: "deleteWebhook",
        method: "DELETE",
        path: "/webhooks/delete",
        sample: sample!("delete_webhook"),
        empty_response: EmptyResponse::Outcome,
        command: &[
            "delete-webhook",
            "--account-id",
            "321",
            "--webhook-id",
            "789",
        ],
        body: None,
    },
    Operation {
        name: "listWebhooks",
        method: "GET",
        path: "/webhooks/list",
        sample: sample!("list_webhooks"),
        empty_response: EmptyResponse::EmptyList,
        command: &["list-webhooks", "--account-id", "321"],
        body: None,
    },
    Operation {
        name: "attachWebhook",
        method: "POST",
        path: "/webhooks/attach",
        sample: sample!("attach_webhook"),
        empty_response: EmptyResponse::Error,
        command: &[
            "attach-webhook",
            "--account-id",
            "321",
            "--webhook-id",
            "789",
            "--campaign-id",
            "789",
            "--run-on",
            "2",
        ],
        body: None,
    },
    Operation {
        name: "detachWebhook",
        method: "POST",
        path: "/webhooks/detach",
        sample: sample!("detach_webhook"),
        empty_response: EmptyResponse::Outcome,
        command: &[
            "detach-webhook",
            "--account-id",
            "321",
            "--webhook-campaign-id",
            "456",
        ],
        body: None,
    },
    Operation {
        name: "getAnalyticsByCampaign",
        method: "GET",
        path: "/analytics/by-campaignid",
        sample: sample!("get_analytics_by_campaign"),
        empty_response: EmptyResponse::Error,
        command: &[
            "get-analytics-by-campaign",
            "--account-id",
            "321",
            "--campaign-id",
            "10",
            "--from",
            "2024-01-01",
            "--to",
            "2025-01-01",
        ],
        body: None,
    },
    Operation {
        name: "getAnalyticsByAccount",
        method: "GET",
        path: "/analytics/by-accountid",
        sample: sample!("get_analytics_by_account"),
        empty_response: EmptyResponse::EmptyList,
        command: &[
            "get-analytics-by-account",
            "--account-id",
            "321",
            "--from",
            "2024-01-01",
            "--to",
            "2025-01-01",
        ],
        body: None,
    },
    Operation {
        name: "listIncomingMessagesByAccount",
        method: "GET",
        path: "/messaging/incoming-messages-by-accountid",
        sample: sample!("list_incoming_messages_by_account"),
        empty_response: EmptyResponse::EmptyList,
        command: &[
            "list-incoming-messages-by-account",
            "--account-id",
            "321",
            "--from",
            "2020-01-01",
        ],
        body: None,
    },
    Operation {
        name: "listIncomingMessagesByCampaign",
        method: "GET",
        path: "/messaging/incoming-messages-by-campaignid",
        sample: sample!("list_incoming_messages_by_campaign"),
        empty_response: EmptyResponse::EmptyList,
        command: &[
            "list-incoming-messages-by-campaign",
            "--account-id",
            "321",
            "--campaign-id",
            "10",
            "--from",
            "2020-01-01",
        ],
        body: None,
    },
];

/// The operation named `name`.
///
/// # Panics
/// If no operation has that name.
pub fn operation(name: &str) -> &'static Operation {
    OPERATIONS
        .iter()
        .find(|op| op.name == name)
        .unwrap_or_else(|| panic!("no operation {name}"))
}

fn day(text: &str) -> salesflow::chrono::NaiveDate {
    text.parse().expect("a date")
}

fn json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("the SDK's types serialize")
}

fn body<T: serde::de::DeserializeOwned>(text: &str) -> T {
    serde_json::from_str(text).expect("the bodies above are valid")
}

/// Calls operation `name` through the library with the arguments of its command line, and
/// returns the decoded answer as the SDK writes it out again.
pub async fn call(client: &Client, name: &str) -> Result<Value, Error> {
    let account = ACCOUNT_ID;
    Ok(match name {
        "getCampaignStatistics" => json(
            &*client
                .get_campaign_statistics()
                .account_id(account)
                .campaign_id(31767)
                .send()
                .await?,
        ),
        "importMember" => json(
            &*client
                .import_member()
                .account_id(account)
                .campaign_id(10)
                .linked_in_url("https://www.linkedin.com/in/john-smith-123456")
                .send()
                .await?,
        ),
        "getContactByPublicIdentifier" => json(
            &*client
                .get_contact_by_public_identifier()
                .account_id(account)
                .public_identifier("identity100")
                .send()
                .await?,
        ),
        "getContact" => json(
            &*client
                .get_contact()
                .account_id(account)
                .member_id(46875434)
                .send()
                .await?,
        ),
        "updateContact" => json(
            &*client
                .update_contact()
                .account_id(account)
                .member_id(46875434)
                .body(body::<ContactUpdate>(UPDATE))
                .send()
                .await?,
        ),
        "deleteContact" => json(
            &*client
                .delete_contact()
                .account_id(account)
                .member_id(46875434)
                .send()
                .await?,
        ),
        "listContactsByCampaign" => json(
            &*client
                .list_contacts_by_campaign()
                .account_id(account)
                .campaign_id(10)
                .send()
                .await?,
        ),
        "listContactsByPublicIdentifiers" => json(
            &*client
                .list_contacts_by_public_identifiers()
                .account_id(account)
                .body(body::<ContactsQuery>(IDENTIFIERS))
                .send()
                .await?,
        ),
        "listContactsByAccount" => json(
            &*client
                .list_contacts_by_account()
                .account_id(account)
                .send()
                .await?,
        ),
        "listCampaigns" => json(&*client.list_campaigns().account_id(account).send().await?),
        "startCampaign" => json(
            &*client
                .start_campaign()
                .account_id(account)
                .campaign_id(456)
                .send()
                .await?,
        ),
        "listAccounts" => json(&*client.list_accounts().send().await?),
        "createWebhook" => json(
            &*client
                .create_webhook()
                .account_id(account)
                .body(body::<WebhookDefinition>(WEBHOOK))
                .send()
                .await?,
        ),
        "deleteWebhook" => json(
            &*client
                .delete_webhook()
                .account_id(account)
                .webhook_id(789)
                .send()
                .await?,
        ),
        "listWebhooks" => json(&*client.list_webhooks().account_id(account).send().await?),
        "attachWebhook" => json(
            &*client
                .attach_webhook()
                .account_id(account)
                .webhook_id(789)
                .campaign_id(789)
                .run_on(RunOn::ReplyDetected)
                .send()
                .await?,
        ),
        "detachWebhook" => json(
            &*client
                .detach_webhook()
                .account_id(account)
                .webhook_campaign_id(456)
                .send()
                .await?,
        ),
        "getAnalyticsByCampaign" => json(
            &*client
                .get_analytics_by_campaign()
                .account_id(account)
                .campaign_id(10)
                .from(day("2024-01-01"))
                .to(day("2025-01-01"))
                .send()
                .await?,
        ),
        "getAnalyticsByAccount" => json(
            &*client
                .get_analytics_by_account()
                .account_id(account)
                .from(day("2024-01-01"))
                .to(day("2025-01-01"))
                .send()
                .await?,
        ),
        "listIncomingMessagesByAccount" => json(
            &*client
                .list_incoming_messages_by_account()
                .account_id(account)
                .from(day("2020-01-01"))
                .send()
                .await?,
        ),
        "listIncomingMessagesByCampaign" => json(
            &*client
                .list_incoming_messages_by_campaign()
                .account_id(account)
                .campaign_id(10)
                .from(day("2020-01-01"))
                .send()
                .await?,
        ),
        other => panic!("no operation {other}"),
    })
}

/// The same call as [`call`] through `stream()`, for the operations that answer with a list
/// (`None` for the others): every item collected, or the first error.
pub async fn stream(client: &Client, name: &str) -> Option<Result<Value, Error>> {
    let account = ACCOUNT_ID;
    Some(match name {
        "listContactsByCampaign" => {
            collected(
                client
                    .list_contacts_by_campaign()
                    .account_id(account)
                    .campaign_id(10)
                    .stream(),
            )
            .await
        }
        "listContactsByPublicIdentifiers" => {
            collected(
                client
                    .list_contacts_by_public_identifiers()
                    .account_id(account)
                    .body(body::<ContactsQuery>(IDENTIFIERS))
                    .stream(),
            )
            .await
        }
        "listContactsByAccount" => {
            collected(
                client
                    .list_contacts_by_account()
                    .account_id(account)
                    .stream(),
            )
            .await
        }
        "listCampaigns" => collected(client.list_campaigns().account_id(account).stream()).await,
        "listAccounts" => collected(client.list_accounts().stream()).await,
        "listWebhooks" => collected(client.list_webhooks().account_id(account).stream()).await,
        "getAnalyticsByAccount" => {
            collected(
                client
                    .get_analytics_by_account()
                    .account_id(account)
                    .from(day("2024-01-01"))
                    .to(day("2025-01-01"))
                    .stream(),
            )
            .await
        }
        "listIncomingMessagesByAccount" => {
            collected(
                client
                    .list_incoming_messages_by_account()
                    .account_id(account)
                    .from(day("2020-01-01"))
                    .stream(),
            )
            .await
        }
        "listIncomingMessagesByCampaign" => {
            collected(
                client
                    .list_incoming_messages_by_campaign()
                    .account_id(account)
                    .campaign_id(10)
                    .from(day("2020-01-01"))
                    .stream(),
            )
            .await
        }
        _ => return None,
    })
}

/// Every item of `items`, or the first error.
async fn collected<T: serde::Serialize>(
    items: impl salesflow::Stream<Item = Result<T, Error>>,
) -> Result<Value, Error> {
    use salesflow::TryStreamExt;
    let items: Vec<T> = std::pin::pin!(items).try_collect().await?;
    Ok(json(&items))
}
