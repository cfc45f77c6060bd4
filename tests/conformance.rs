//! The conformance table (`salesflow_test_support::variants`) through the library: every
//! server variant a real ASP.NET / IIS server may send, against every operation it applies
//! to, decodes to what the table promises, or fails with the error and status it promises.

use httpmock::MockServer;
use salesflow::{ClientBuilder, Error, RetryPolicy};
use salesflow_test_support::operations::{OPERATIONS, Operation, call, operation, stream};
use salesflow_test_support::variants::{Answer, Outcome, server_variants};
use serde_json::Value;

const TOKEN: &str = "conformance-token";

/// How a test calls an operation.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Via {
    Send,
    Stream,
}

/// Serves `answer` for `op` and returns the result of calling it through `client`.
async fn answered(
    server: &MockServer,
    client: &salesflow::Client,
    op: &Operation,
    answer: &Answer,
    via: Via,
) -> Result<Value, Error> {
    let mock = server
        .mock_async(|when, then| {
            when.method(op.method).path(op.path);
            let mut then = then.status(answer.status);
            for (name, value) in &answer.headers {
                then = then.header(*name, value.as_str());
            }
            then.body(answer.body.clone());
        })
        .await;
    let result = match via {
        Via::Send => call(client, op.name).await,
        Via::Stream => stream(client, op.name).await.expect("a list operation"),
    };
    mock.delete_async().await;
    result
}

/// Every key and value of the docs' sample is in what the SDK decoded (which adds the
/// documented fields the sample leaves out, as `null`).
fn contains(decoded: &Value, sample: &Value) -> bool {
    match (decoded, sample) {
        (Value::Object(decoded), Value::Object(sample)) => sample
            .iter()
            .all(|(key, value)| decoded.get(key).is_some_and(|mine| contains(mine, value))),
        (Value::Array(decoded), Value::Array(sample)) => {
            decoded.len() == sample.len() && decoded.iter().zip(sample).all(|(a, b)| contains(a, b))
        }
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        // Timestamps and statuses are written out in one canonical form.
        (Value::String(_), Value::String(_)) => true,
        (a, b) => a == b,
    }
}

fn check(outcome: &Outcome, baseline: &Value, result: Result<Value, Error>) -> Result<(), String> {
    match (outcome, result) {
        (Outcome::Decodes(expect), Ok(value)) => {
            let expected = expect(baseline);
            if value == expected {
                Ok(())
            } else {
                Err(format!("decoded {value}\n  expected {expected}"))
            }
        }
        (Outcome::NotFound(status), Err(error)) => {
            if matches!(error, Error::NotFound { .. })
                && error.is_not_found()
                && error.status() == Some(*status)
            {
                Ok(())
            } else {
                Err(format!("expected not found ({status}), got {error:?}"))
            }
        }
        (Outcome::ApiError { status, says }, Err(error)) => {
            let line = error.to_string();
            let kept = matches!(error, Error::Api { .. }) && error.status() == Some(*status);
            match says.iter().find(|text| !line.contains(*text)) {
                None if kept => Ok(()),
                Some(missing) => Err(format!("{line:?} does not say {missing:?}")),
                None => Err(format!("expected an API error {status}, got {error:?}")),
            }
        }
        (Outcome::Undecodable(status), Err(error)) => {
            if matches!(error, Error::Decode { .. }) && error.status() == Some(*status) {
                Ok(())
            } else {
                Err(format!("expected a decode error ({status}), got {error:?}"))
            }
        }
        (expected, Ok(value)) => Err(format!("expected {expected:?}, decoded {value}")),
        (expected, Err(error)) => Err(format!("expected {expected:?}, got {error:?}")),
    }
}

#[tokio::test]
async fn every_server_variant_decodes_for_every_operation_it_applies_to() {
    let server = MockServer::start_async().await;
    let client = ClientBuilder::new()
        .token(TOKEN)
        .base_url(server.base_url())
        .retry(RetryPolicy::none())
        .build()
        .expect("a test client");
    let variants = server_variants();
    let mut failures = Vec::new();
    let mut cases = 0;
    for op in &OPERATIONS {
        let sample = Answer::json(200, op.sample);
        let baseline = answered(&server, &client, op, &sample, Via::Send)
            .await
            .unwrap_or_else(|error| panic!("{}: the docs' sample fails: {error}", op.name));
        assert!(
            contains(&baseline, &op.sample_json()),
            "{}: decoding loses part of the docs' sample: {baseline}",
            op.name
        );
        for variant in &variants {
            let Some((answer, outcome)) = (variant.answer)(op) else {
                continue;
            };
            // A list is read through `send()` and through `stream()`: the same outcome.
            let ways: &[Via] = match op.answers_a_list() {
                true => &[Via::Send, Via::Stream],
                false => &[Via::Send],
            };
            for &via in ways {
                cases += 1;
                let result = answered(&server, &client, op, &answer, via).await;
                if let Err(why) = check(&outcome, &baseline, result) {
                    failures.push(format!("{} × {} ({via:?}): {why}", variant.name, op.name));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {cases} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(cases > 21 * 20, "the table covers every operation: {cases}");
    println!(
        "{cases} cases of {} variants × {} operations",
        variants.len(),
        OPERATIONS.len()
    );
}

#[tokio::test]
async fn non_finite_rates_are_the_doubles_they_name() {
    let server = MockServer::start_async().await;
    let op = operation("getAnalyticsByCampaign");
    let body = op
        .sample
        .replacen("\"ConnectionRate\": 0.0", "\"ConnectionRate\": \"NaN\"", 1);
    let body = body
        .replacen("\"OpenRate\": 0.0", "\"OpenRate\": \"Infinity\"", 1)
        .replacen("\"ReplyRate\": 0.0", "\"ReplyRate\": \"-Infinity\"", 1)
        .replacen("\"TotalReplyRate\": 0.0", "\"TotalReplyRate\": 7", 1);
    assert_ne!(
        body, op.sample,
        "the sample has the rates this test rewrites"
    );
    let mock = server.mock(|when, then| {
        when.path(op.path);
        then.status(200).body(body.as_str());
    });
    let client = salesflow::Client::with_base_url(&server.base_url(), TOKEN).unwrap();
    let analytics = client
        .get_analytics_by_campaign()
        .account_id(321)
        .campaign_id(10)
        .from(
            "2024-01-01"
                .parse::<salesflow::chrono::NaiveDate>()
                .unwrap(),
        )
        .to("2025-01-01"
            .parse::<salesflow::chrono::NaiveDate>()
            .unwrap())
        .send()
        .await
        .expect("non-finite rates decode");
    mock.assert();
    let linkedin = analytics.linkedin.as_ref().unwrap();
    let email = analytics.email.as_ref().unwrap();
    let general = analytics.general.as_ref().unwrap();
    assert!(linkedin.connection_rate.unwrap().is_nan());
    assert_eq!(email.open_rate, Some(salesflow::Rate(f64::INFINITY)));
    assert_eq!(email.reply_rate, Some(salesflow::Rate(f64::NEG_INFINITY)));
    assert_eq!(general.total_reply_rate, Some(salesflow::Rate(7.0)));
}
