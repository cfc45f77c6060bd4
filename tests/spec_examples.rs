//! Every example in spec/salesflow.yaml decodes into the generated types, and every response
//! example is the docs' sample kept in `fixtures/`, so the spec, the types and the docs
//! cannot drift apart.

use std::path::{Path, PathBuf};

use salesflow::{CampaignStatus, Distance, IntegrationType, MemberFlags, RunOn, types};
use serde::de::DeserializeOwned;
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn spec() -> Value {
    let text = std::fs::read_to_string(root().join("spec/salesflow.yaml")).unwrap();
    serde_yaml_ng::from_str(&text).expect("the spec is YAML")
}

fn decode<T: DeserializeOwned>(value: &Value) -> Result<(), String> {
    T::deserialize(value).map(drop).map_err(|e| e.to_string())
}

/// Decodes `value` as the named component schema's generated type.
fn decode_named(name: &str, value: &Value) -> Result<(), String> {
    match name {
        "Timestamp" | "TimeFilter" => decode::<salesflow::Timestamp>(value),
        "Rate" => decode::<salesflow::Rate>(value),
        "MemberStatus" => decode::<salesflow::MemberStatus>(value),
        "CampaignStatus" => decode::<salesflow::CampaignStatus>(value),
        "AccountStatus" => decode::<salesflow::AccountStatus>(value),
        "RunOn" => decode::<salesflow::RunOn>(value),
        "IntegrationType" => decode::<salesflow::IntegrationType>(value),
        "IntegrationRunOn" => decode::<salesflow::IntegrationRunOn>(value),
        "Distance" => decode::<salesflow::Distance>(value),
        "StatusMessage" => decode::<types::StatusMessage>(value),
        "ErrorBody" => decode::<types::ErrorBody>(value),
        "CampaignStatistics" => decode::<types::CampaignStatistics>(value),
        "Contact" => decode::<types::Contact>(value),
        "ContactUpdate" => decode::<types::ContactUpdate>(value),
        "ContactsQuery" => decode::<types::ContactsQuery>(value),
        "Campaign" => decode::<types::Campaign>(value),
        "Account" => decode::<types::Account>(value),
        "WebhookDefinition" => decode::<types::WebhookDefinition>(value),
        "Webhook" => decode::<types::Webhook>(value),
        "WebhookCampaign" => decode::<types::WebhookCampaign>(value),
        "CampaignAnalytics" => decode::<types::CampaignAnalytics>(value),
        "LinkedInAnalytics" => decode::<types::LinkedInAnalytics>(value),
        "EmailAnalytics" => decode::<types::EmailAnalytics>(value),
        "GeneralAnalytics" => decode::<types::GeneralAnalytics>(value),
        "ContactMessages" => decode::<types::ContactMessages>(value),
        "IncomingMessage" => decode::<types::IncomingMessage>(value),
        "WebhookEvent" => decode::<types::WebhookEvent>(value),
        "WebhookAccount" => decode::<types::WebhookAccount>(value),
        "WebhookCampaignRef" => decode::<types::WebhookCampaignRef>(value),
        other => Err(format!(
            "no decoder for schema {other}: add it to decode_named in tests/spec_examples.rs"
        )),
    }
}

/// Follows a local `$ref` (`#/components/...`) to the node it names.
fn resolve<'a>(spec: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference.strip_prefix('#').expect("only local references");
            spec.pointer(pointer)
                .unwrap_or_else(|| panic!("{reference} names nothing"))
        }
        None => node,
    }
}

fn schema_name(reference: &Value) -> &str {
    let reference = reference["$ref"].as_str().expect("a named schema");
    reference.rsplit('/').next().unwrap()
}

/// Decodes `example` as `schema`: a named schema, or an array of one.
fn decode_as(schema: &Value, example: &Value) -> Result<(), String> {
    if schema.get("$ref").is_some() {
        return decode_named(schema_name(schema), example);
    }
    assert_eq!(
        schema["type"], "array",
        "inline schemas are arrays of a named schema"
    );
    let items = example.as_array().ok_or("the example is not an array")?;
    items
        .iter()
        .try_for_each(|item| decode_named(schema_name(&schema["items"]), item))
}

/// Every JSON body in the spec that has an example: (where, schema, example).
fn json_examples(spec: &Value) -> Vec<(String, Value, Value)> {
    let mut found = Vec::new();
    let mut take = |place: String, body: &Value| {
        let media = &body["content"]["application/json"];
        if let Some(example) = media.get("example") {
            found.push((place, media["schema"].clone(), example.clone()));
        }
    };
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let Some(id) = operation.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            if let Some(body) = operation.get("requestBody") {
                take(format!("{method} {path} ({id}) request"), body);
            }
            for (status, response) in operation["responses"].as_object().unwrap() {
                take(
                    format!("{method} {path} ({id}) {status}"),
                    resolve(spec, response),
                );
            }
        }
    }
    found
}

#[test]
fn every_body_example_decodes_into_its_generated_type() {
    let spec = spec();
    let examples = json_examples(&spec);
    assert!(
        examples.len() >= 21 + 3,
        "one per operation and request body"
    );
    let failures: Vec<String> = examples
        .iter()
        .filter_map(|(place, schema, example)| {
            decode_as(schema, example)
                .err()
                .map(|e| format!("{place}: {e}"))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "examples that do not decode:\n{}",
        failures.join("\n")
    );
}

#[test]
fn every_schema_example_decodes_and_every_schema_has_a_decoder() {
    let spec = spec();
    let schemas = spec["components"]["schemas"].as_object().unwrap();
    for (name, schema) in schemas {
        let result = decode_named(name, schema.get("example").unwrap_or(&Value::Null));
        if let Err(error) = result {
            assert!(
                !error.starts_with("no decoder") && schema.get("example").is_none(),
                "schema {name}: {error}"
            );
        }
    }
}

#[test]
fn every_success_example_is_the_docs_sample() {
    let spec = spec();
    let fixtures = root().join("tests/fixtures");
    let mut compared = 0;
    for item in spec["paths"].as_object().unwrap().values() {
        for operation in item.as_object().unwrap().values() {
            let Some(id) = operation.get("operationId").and_then(Value::as_str) else {
                continue; // path-level `parameters`
            };
            let example = &operation["responses"]["200"]["content"]["application/json"]["example"];
            let file = fixtures.join(format!("{}.json", snake_case(id)));
            let text = std::fs::read_to_string(&file)
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            let sample: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(
                example, &sample,
                "the spec's example of {id} differs from the docs"
            );
            compared += 1;
        }
    }
    assert_eq!(compared, 21, "every operation has a docs sample");

    let webhook = &spec["components"]["schemas"]["WebhookEvent"]["example"];
    let text = std::fs::read_to_string(fixtures.join("webhook_event.json")).unwrap();
    assert_eq!(webhook, &serde_json::from_str::<Value>(&text).unwrap());
}

#[test]
fn the_docs_forms_of_timestamps_and_statuses_decode() {
    // Each form, and the UTC time it stands for (seconds and nanoseconds since the epoch).
    let forms = [
        ("2024-04-21T09:41:06.17", 1_713_692_466, 170_000_000),
        (
            "2021-02-18T15:33:44.5905705+00:00",
            1_613_662_424,
            590_570_500,
        ),
        ("2025-03-06T15:32:57.8477542Z", 1_741_275_177, 847_754_200),
        ("2022-07-29 06:45:15", 1_659_077_115, 0),
        ("2024-01-02", 1_704_153_600, 0),
        ("/Date(1618336539820)/", 1_618_336_539, 820_000_000),
        ("/Date(1618336539820+0100)/", 1_618_336_539, 820_000_000),
    ];
    for (form, seconds, nanos) in forms {
        let json = format!(
            r#"{{"ConversationMessageId": 1, "CreatedAt": "{form}", "Text": null, "Interested": null}}"#
        );
        let message: types::IncomingMessage = serde_json::from_str(&json).unwrap();
        let expected = chrono::DateTime::from_timestamp(seconds, nanos).unwrap();
        assert_eq!(message.created_at.unwrap().to_utc(), expected, "{form}");
    }
    let statuses = [
        (
            "MEMBER_PENDING, MEMBER_ERROR",
            MemberFlags::PENDING | MemberFlags::ERROR,
            None,
        ),
        ("MEMBER_NOT_SET", MemberFlags::NOT_SET, None),
        (
            "MEMBER_SOMETHING_NEW",
            MemberFlags::NOT_SET,
            Some("MEMBER_SOMETHING_NEW"),
        ),
        ("4096", MemberFlags::from_bits_retain(4096), None),
    ];
    for (status, flags, unknown) in statuses {
        let json = format!(
            r#"{{"Status": "{status}", "IntegrationType": "INTEGRATION_TYPE_NEW", "IntegrationRunOn": "INTEGRATION_RUN_ON_FOLLOWUP", "MemberId": 1, "Distance": "DISTANCE_9"}}"#
        );
        let event: types::WebhookEvent = serde_json::from_str(&json).unwrap();
        let decoded = event.status.expect("a status");
        assert_eq!(decoded.flags(), flags, "{status}");
        assert_eq!(decoded.unknown_names().first().map(String::as_str), unknown);
        assert_eq!(decoded.to_string(), status);
        assert_eq!(
            event.integration_type,
            Some(IntegrationType::Other("INTEGRATION_TYPE_NEW".into()))
        );
        assert_eq!(event.distance, Some(Distance::Other("DISTANCE_9".into())));
    }
}

#[test]
fn unknown_fields_and_new_enum_values_do_not_break_decoding() {
    let campaign = r#"{"CampaignId": 1, "CampaignName": "x", "Status": "CAMPAIGN_ARCHIVED",
        "LastModifiedAt": null, "SomeFutureField": {"nested": [1, 2]}}"#;
    let campaign: types::Campaign = serde_json::from_str(campaign).unwrap();
    assert_eq!(
        campaign.status,
        Some(CampaignStatus::Other("CAMPAIGN_ARCHIVED".into()))
    );
    // A .NET enum written without its names arrives as a number: kept, not a failure.
    let numbered: types::Campaign =
        serde_json::from_str(r#"{"CampaignId": 1, "Status": 2}"#).unwrap();
    assert_eq!(numbered.status, Some(CampaignStatus::Other("2".into())));
    let attachment = r#"{"WebhookCampaignId": 1, "CampaignId": 2, "RunOn": 9}"#;
    let attachment: types::WebhookCampaign = serde_json::from_str(attachment).unwrap();
    assert_eq!(attachment.run_on, Some(RunOn::Other(9)));
}

fn snake_case(camel: &str) -> String {
    heck::ToSnakeCase::to_snake_case(camel)
}
