//! How the emulator writes its answers: as the docs show them (PascalCase keys, `.NET`
//! timestamps, `{Status, Message}` bodies, ASP.NET's ProblemDetails), or in one of the
//! variants a real server may send instead.

use std::io::Write;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

/// The ways a real Salesflow server may answer other than the docs' samples, each switched
/// on or off (`--variant NAME` on the command line, `PUT /__emulator/variants` at run time).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", default, deny_unknown_fields)]
pub struct Variants {
    /// Leave out every field whose value is `null` (ASP.NET Core's `WhenWritingNull`).
    pub omit_nulls: bool,
    /// camelCase keys (System.Text.Json's default) instead of PascalCase (Newtonsoft's).
    pub camel_case: bool,
    /// A UTF-8 byte-order mark before the JSON.
    pub bom: bool,
    /// `204 No Content` with no body for a delete or a detach, instead of
    /// `200 {"Status": 204, "Message": null}`.
    pub delete_204: bool,
    /// Rates of campaigns without sends written as `"NaN"` (Newtonsoft's 0/0).
    pub nan_rates: bool,
    /// gzip the body when the request accepts it.
    pub gzip: bool,
    /// `204 No Content` for an empty list and for a contact that does not exist (ASP.NET
    /// Core answers 204 when an action returns null), as `x-empty-response` documents.
    pub empty_204: bool,
    /// Statuses as numbers (a .NET enum serialised without its names): a member status as
    /// its bits (`1025`), a campaign or account status as its place in the docs' list.
    pub numeric_enums: bool,
}

impl Variants {
    /// The variants' names, as `--variant` takes them.
    pub const NAMES: [&'static str; 8] = [
        "omit-nulls",
        "camel-case",
        "bom",
        "delete-204",
        "nan-rates",
        "gzip",
        "empty-204",
        "numeric-enums",
    ];

    /// Switches the variant `name` on; `false` if there is no such variant.
    pub fn set(&mut self, name: &str, on: bool) -> bool {
        let flag = match name {
            "omit-nulls" => &mut self.omit_nulls,
            "camel-case" => &mut self.camel_case,
            "bom" => &mut self.bom,
            "delete-204" => &mut self.delete_204,
            "nan-rates" => &mut self.nan_rates,
            "gzip" => &mut self.gzip,
            "empty-204" => &mut self.empty_204,
            "numeric-enums" => &mut self.numeric_enums,
            _ => return false,
        };
        *flag = on;
        true
    }
}

/// A timestamp as Salesflow writes one: local-looking, no offset, milliseconds
/// (`2024-07-16T06:59:05.62`).
pub fn timestamp(time: DateTime<Utc>) -> Value {
    let text = time.format("%Y-%m-%dT%H:%M:%S%.3f").to_string();
    let text = text.trim_end_matches('0').trim_end_matches('.').to_owned();
    Value::String(text)
}

/// An optional timestamp.
pub fn maybe_timestamp(time: Option<DateTime<Utc>>) -> Value {
    time.map_or(Value::Null, timestamp)
}

/// A timestamp as the statistics host writes one: `/Date(1618336539820)/`.
pub fn microsoft_date(time: DateTime<Utc>) -> Value {
    Value::String(format!("/Date({})/", time.timestamp_millis()))
}

/// What an answer is, before the variants shape its bytes.
pub enum Answer {
    /// A JSON body with an HTTP status.
    Json(StatusCode, Value),
    /// The outcome of an operation without data: `{Status, Message}` with that status in
    /// the body (the HTTP status too, but for `204`, which is a 200 on the wire).
    Outcome(u16, Option<String>),
    /// A delete's or a detach's success: `200 {Status: 204}`, or a bare 204 in that variant.
    Deleted,
    /// The contact asked for does not exist: `404 {Status, Message}`, or a bare 204 in the
    /// `empty-204` variant.
    Missing(&'static str),
}

impl Answer {
    /// `200` with `body`.
    pub fn ok(body: Value) -> Self {
        Self::Json(StatusCode::OK, body)
    }

    /// `{Status: 404, Message: message}` with HTTP 404.
    pub fn not_found(message: &str) -> Self {
        Self::Outcome(404, Some(message.to_owned()))
    }

    /// `{Status: 403, Message}`: a wrong token, or an account the token does not reach.
    pub fn forbidden() -> Self {
        Self::Outcome(
            403,
            Some("Invalid token or the account is not accessible with it.".to_owned()),
        )
    }

    /// ASP.NET Core's answer to a request that breaks a rule: 400 with ProblemDetails whose
    /// `errors` name each field.
    pub fn invalid(errors: &[(String, String)]) -> Self {
        let mut by_field = Map::new();
        for (field, message) in errors {
            let entry = by_field
                .entry(field.clone())
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(messages) = entry {
                messages.push(Value::String(message.clone()));
            }
        }
        Self::Json(
            StatusCode::BAD_REQUEST,
            json!({
                "type": "https://tools.ietf.org/html/rfc9110#section-15.5.1",
                "title": "One or more validation errors occurred.",
                "status": 400,
                "errors": by_field,
                "traceId": "00-6f1c3e9a0b2d4c5e8f7a6b5c4d3e2f10-1a2b3c4d5e6f7a8b-00",
            }),
        )
    }

    /// The HTTP answer, shaped by `variants` for a request with `request_headers`.
    pub fn render(self, variants: Variants, request_headers: &HeaderMap) -> Response {
        let (status, body) = match self {
            Self::Json(StatusCode::OK, Value::Array(items))
                if items.is_empty() && variants.empty_204 =>
            {
                return StatusCode::NO_CONTENT.into_response();
            }
            Self::Missing(_) if variants.empty_204 => {
                return StatusCode::NO_CONTENT.into_response();
            }
            Self::Missing(message) => (
                StatusCode::NOT_FOUND,
                json!({ "Status": 404, "Message": message }),
            ),
            Self::Json(status, body) => (status, body),
            Self::Outcome(code, message) => {
                let status = match code {
                    204 => StatusCode::OK,
                    code => StatusCode::from_u16(code).unwrap_or(StatusCode::OK),
                };
                (status, json!({ "Status": code, "Message": message }))
            }
            Self::Deleted if variants.delete_204 => {
                return StatusCode::NO_CONTENT.into_response();
            }
            Self::Deleted => (StatusCode::OK, json!({ "Status": 204, "Message": null })),
        };
        // ProblemDetails is ASP.NET's own, camelCase in every variant.
        let problem = status == StatusCode::BAD_REQUEST;
        let body = if problem { body } else { shape(body, variants) };
        let mut bytes = Vec::new();
        if variants.bom {
            bytes.extend_from_slice(b"\xEF\xBB\xBF");
        }
        serde_json::to_writer(&mut bytes, &body).expect("JSON writes");
        let content_type = if problem {
            "application/problem+json; charset=utf-8"
        } else {
            "application/json; charset=utf-8"
        };
        let accepts_gzip = request_headers
            .get_all(header::ACCEPT_ENCODING)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .any(|value| {
                value
                    .split(',')
                    .any(|coding| coding.trim().starts_with("gzip"))
            });
        let mut response = if variants.gzip && accepts_gzip {
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            encoder.write_all(&bytes).expect("memory writes");
            let zipped = encoder.finish().expect("memory writes");
            let mut response = (status, zipped).into_response();
            response
                .headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            response
        } else {
            (status, bytes).into_response()
        };
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        response
    }
}

/// Applies the variants that change the JSON itself: nulls left out, camelCase keys,
/// `"NaN"` for rates that are 0 because nothing was sent.
fn shape(value: Value, variants: Variants) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, value)| !(variants.omit_nulls && value.is_null()))
                .map(|(key, value)| {
                    let nan =
                        variants.nan_rates && key.ends_with("Rate") && value.as_f64() == Some(0.0);
                    let value = if nan {
                        Value::String("NaN".to_owned())
                    } else if variants.numeric_enums && key == "Status" {
                        numeric_status(value)
                    } else {
                        shape(value, variants)
                    };
                    let key = if variants.camel_case {
                        camel(&key)
                    } else {
                        key
                    };
                    (key, value)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|item| shape(item, variants))
                .collect(),
        ),
        other => other,
    }
}

/// A status as .NET writes an enum without its names: a member status as its bits, a
/// campaign or account status as its place in the docs' list; a number stays one.
fn numeric_status(value: Value) -> Value {
    const CAMPAIGN: [&str; 3] = ["CAMPAIGN_RUNNING", "CAMPAIGN_PAUSED", "CAMPAIGN_STOPPED"];
    const ACCOUNT: [&str; 2] = ["ACCOUNT_ACTIVE", "ACCOUNT_BLOCKED"];
    let Value::String(text) = &value else {
        return value;
    };
    if let Some(place) = CAMPAIGN
        .iter()
        .chain(ACCOUNT.iter())
        .position(|name| name == text)
    {
        let place = if place >= CAMPAIGN.len() {
            place - CAMPAIGN.len()
        } else {
            place
        };
        return json!(place);
    }
    let mut bits = 0;
    for name in text.split(',').map(str::trim) {
        match crate::state::status::NAMES
            .iter()
            .find(|(_, known)| *known == name)
        {
            Some((bit, _)) => bits |= bit,
            None => return value,
        }
    }
    json!(bits)
}

/// `CampaignId` → `campaignId`.
fn camel(key: &str) -> String {
    let mut chars = key.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_shape_the_json() {
        let body = json!({"CampaignId": 1, "LastModifiedAt": null, "ConnectionRate": 0.0, "Nested": [{"MemberId": 2}]});
        let all = Variants {
            omit_nulls: true,
            camel_case: true,
            nan_rates: true,
            numeric_enums: true,
            ..Variants::default()
        };
        assert_eq!(
            shape(
                json!([{"Status": "MEMBER_PENDING, MEMBER_ERROR"}, {"Status": "CAMPAIGN_STOPPED"},
                       {"Status": "ACCOUNT_BLOCKED"}, {"Status": 204}]),
                all
            ),
            json!([{"status": 1025}, {"status": 2}, {"status": 1}, {"status": 204}])
        );
        assert_eq!(
            shape(body.clone(), all),
            json!({"campaignId": 1, "connectionRate": "NaN", "nested": [{"memberId": 2}]})
        );
        assert_eq!(shape(body.clone(), Variants::default()), body);
        let mut named = Variants::default();
        for name in Variants::NAMES {
            assert!(named.set(name, true), "{name}");
        }
        assert!(!named.set("nope", true));
    }

    #[test]
    fn timestamps_are_written_as_salesflow_writes_them() {
        let time = DateTime::parse_from_rfc3339("2024-07-16T06:59:05.620Z")
            .unwrap()
            .to_utc();
        assert_eq!(timestamp(time), "2024-07-16T06:59:05.62");
        assert_eq!(
            microsoft_date(time),
            format!("/Date({})/", time.timestamp_millis())
        );
    }
}
