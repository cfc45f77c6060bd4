//! The conformance table: what a real ASP.NET / IIS server may send instead of the docs'
//! samples, and what the SDK promises for each, for every operation it applies to.
//!
//! Each [`ServerVariant`] turns the docs' sample answer of an operation into another answer
//! (or says it does not apply to that operation) and states the [`Outcome`]. The library
//! (`tests/conformance.rs`) and the command (`crates/salesflow-cli/tests/conformance.rs`)
//! both run every variant against every operation.

use std::io::Write;

use serde_json::{Map, Value, json};

use crate::operations::{EmptyResponse, Operation};

/// An HTTP answer to serve: status, headers, raw body bytes.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// Headers besides the ones the server always sends.
    pub headers: Vec<(&'static str, String)>,
    /// The body, exactly as sent.
    pub body: Vec<u8>,
}

impl Answer {
    /// JSON text with `Content-Type: application/json; charset=utf-8`.
    pub fn json(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            headers: vec![("content-type", "application/json; charset=utf-8".to_owned())],
            body: body.into(),
        }
    }

    /// Nothing but the status.
    pub fn bare(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }
}

/// How the decoded answer of a variant relates to the decoded docs' sample (the baseline,
/// as the SDK writes it out again: every field present, absent ones `null`).
pub type Expect = fn(&Value) -> Value;

/// What the SDK promises for an answer.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Decodes to what this function makes of the decoded docs' sample.
    Decodes(Expect),
    /// Fails as not found ([`salesflow::Error::NotFound`]), with this HTTP status.
    NotFound(u16),
    /// Fails as an API error with this HTTP status; its one-line message contains each text.
    ApiError {
        /// [`salesflow::Error::status`].
        status: u16,
        /// Texts the error's `Display` contains.
        says: Vec<&'static str>,
    },
    /// Fails as an answer the API does not document ([`salesflow::Error::Decode`]), with this
    /// HTTP status.
    Undecodable(u16),
}

/// One row of the table.
pub struct ServerVariant {
    /// A short name, used in test messages.
    pub name: &'static str,
    /// What a .NET server does to send it.
    pub why: &'static str,
    /// The answer and the outcome for `operation`, or `None` if it does not apply.
    pub answer: fn(&Operation) -> Option<(Answer, Outcome)>,
}

/// The decoded sample, unchanged.
fn same(baseline: &Value) -> Value {
    baseline.clone()
}

/// The whole table.
pub fn server_variants() -> Vec<ServerVariant> {
    vec![
        ServerVariant {
            name: "docs-sample",
            why: "the answer exactly as the docs show it",
            answer: |op| Some((Answer::json(200, op.sample), Outcome::Decodes(same))),
        },
        ServerVariant {
            name: "nulls-left-out",
            why: "Newtonsoft's NullValueHandling.Ignore drops every null field",
            answer: |op| {
                let body = edit(op.sample_json(), &mut |value| drop_nulls(value));
                Some((Answer::json(200, body), Outcome::Decodes(same)))
            },
        },
        ServerVariant {
            name: "only-identity",
            why: "every field left out but the record's id (all null, nulls ignored)",
            answer: |op| {
                let body = edit(op.sample_json(), &mut |value| {
                    keep_identity_only(value);
                });
                Some((Answer::json(200, body), Outcome::Decodes(skeleton)))
            },
        },
        ServerVariant {
            name: "all-null",
            why: "every field but the record's id null: lists, nested records, documented non-null \
                  scalars (CampaignName, UpdatedAt)",
            answer: |op| {
                let body = edit(op.sample_json(), &mut |value| null_all_but_identity(value));
                Some((Answer::json(200, body), Outcome::Decodes(skeleton)))
            },
        },
        ServerVariant {
            name: "camel-case-keys",
            why: "ASP.NET Core's System.Text.Json writes camelCase by default",
            answer: |op| {
                let body = edit(op.sample_json(), &mut |value| {
                    rename_keys(value, &|key| {
                        let mut chars = key.chars();
                        chars.next().map_or_else(String::new, |first| {
                            first.to_ascii_lowercase().to_string() + chars.as_str()
                        })
                    });
                });
                Some((Answer::json(200, body), Outcome::Decodes(same)))
            },
        },
        ServerVariant {
            name: "lower-case-keys",
            why: "keys in yet another case: .NET binds them case-insensitively",
            answer: |op| {
                let body = edit(op.sample_json(), &mut |value| {
                    rename_keys(value, &|key| key.to_ascii_lowercase());
                });
                Some((Answer::json(200, body), Outcome::Decodes(same)))
            },
        },
        ServerVariant {
            name: "unknown-fields",
            why: "fields added in a later version, Newtonsoft's `$id` reference ids",
            answer: |op| {
                let body = edit(op.sample_json(), &mut |value| add_unknown_fields(value));
                Some((Answer::json(200, body), Outcome::Decodes(same)))
            },
        },
        ServerVariant {
            name: "byte-order-mark",
            why: ".NET's Encoding.UTF8 writes a UTF-8 byte-order mark first",
            answer: |op| {
                let mut body = b"\xEF\xBB\xBF".to_vec();
                body.extend_from_slice(op.sample.as_bytes());
                Some((Answer::json(200, body), Outcome::Decodes(same)))
            },
        },
        ServerVariant {
            name: "gzip",
            why: "IIS dynamic compression, asked for with Accept-Encoding: gzip",
            answer: |op| {
                let mut encoder =
                    flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
                encoder.write_all(op.sample.as_bytes()).expect("in memory");
                let mut answer = Answer::json(200, encoder.finish().expect("in memory"));
                answer.headers.push(("content-encoding", "gzip".to_owned()));
                Some((answer, Outcome::Decodes(same)))
            },
        },
        ServerVariant {
            name: "other-content-type",
            why: "an answer labelled text/plain, as a misconfigured IIS handler sends",
            answer: |op| {
                let mut answer = Answer::json(200, op.sample);
                answer.headers = vec![("content-type", "text/plain; charset=utf-8".to_owned())];
                Some((answer, Outcome::Decodes(same)))
            },
        },
        ServerVariant {
            name: "non-finite-rates",
            why: "Newtonsoft writes a 0/0 rate as \"NaN\" (and infinities by name)",
            answer: |op| {
                if !op.sample.contains("Rate") {
                    return None;
                }
                let body = edit(op.sample_json(), &mut |value| name_non_finite_rates(value));
                // `Rate` writes a non-finite rate back as Newtonsoft named it.
                Some((Answer::json(200, body), Outcome::Decodes(named_rates)))
            },
        },
        ServerVariant {
            name: "integral-doubles-as-integers",
            why: "System.Text.Json writes 0.0 as 0",
            answer: |op| {
                let body = edit(op.sample_json(), &mut |value| {
                    map_numbers(value, &|number| {
                        number
                            .as_f64()
                            .filter(|x| number.is_f64() && x.fract() == 0.0)
                            .map(|x| json!(x as i64))
                    });
                });
                Some((Answer::json(200, body), Outcome::Decodes(same)))
            },
        },
        ServerVariant {
            name: "integers-as-doubles",
            why: "an id or a count computed as a double (750.0)",
            answer: |op| {
                let body = edit(op.sample_json(), &mut |value| {
                    map_numbers(value, &|number| {
                        number
                            .as_i64()
                            .filter(|n| n.abs() < 1 << 52)
                            .map(|n| json!(n as f64))
                    });
                });
                Some((Answer::json(200, body), Outcome::Decodes(same)))
            },
        },
        ServerVariant {
            name: "microsoft-json-dates",
            why: "Newtonsoft's DateFormatHandling.MicrosoftDateFormat: /Date(ms)/",
            answer: |op| {
                let mut changed = 0;
                let body = edit(op.sample_json(), &mut |value| {
                    map_timestamps(value, &mut |time| {
                        (time.and_utc().timestamp_subsec_nanos() % 1_000_000 == 0).then(|| {
                            changed += 1;
                            format!("/Date({})/", time.and_utc().timestamp_millis())
                        })
                    });
                });
                (changed > 0).then(|| (Answer::json(200, body), Outcome::Decodes(same)))
            },
        },
        ServerVariant {
            name: "utc-designator",
            why: "DateTimeKind.Utc values written with a Z (or +00:00)",
            answer: |op| {
                let mut turn = 0;
                let body = edit(op.sample_json(), &mut |value| {
                    map_timestamps(value, &mut |time| {
                        turn += 1;
                        let suffix = if turn % 2 == 0 { "Z" } else { "+00:00" };
                        Some(format!("{}{suffix}", time.format("%Y-%m-%dT%H:%M:%S%.f")))
                    });
                });
                (turn > 0).then(|| (Answer::json(200, body), Outcome::Decodes(same)))
            },
        },
        ServerVariant {
            name: "member-status-as-number",
            why: "a [Flags] enum written without StringEnumConverter: its bits as a number",
            answer: |op| {
                let mut changed = 0;
                let body = edit(op.sample_json(), &mut |value| {
                    visit_fields(value, &mut |key, field| {
                        if key == "Status"
                            && let Some(bits) = field.as_str().and_then(member_bits)
                        {
                            *field = json!(bits);
                            changed += 1;
                        }
                    });
                });
                (changed > 0).then(|| (Answer::json(200, body), Outcome::Decodes(same)))
            },
        },
        ServerVariant {
            name: "no-content-204",
            why: "ASP.NET Core answers 204 when an action returns null",
            answer: |op| Some((Answer::bare(204), empty_outcome(op, 204))),
        },
        ServerVariant {
            name: "empty-200",
            why: "an empty body with HTTP 200",
            answer: |op| Some((Answer::json(200, ""), empty_outcome(op, 200))),
        },
        ServerVariant {
            name: "null-200",
            why: "ASP.NET MVC's Json(null): the body `null`",
            answer: |op| Some((Answer::json(200, "null"), empty_outcome(op, 200))),
        },
        ServerVariant {
            name: "status-without-message",
            why: "an outcome body without its Message",
            answer: |op| {
                (op.empty_response == EmptyResponse::Outcome).then(|| {
                    let outcome: Expect = |_| json!({"Status": 204, "Message": null});
                    (
                        Answer::json(200, r#"{"Status": 204}"#),
                        Outcome::Decodes(outcome),
                    )
                })
            },
        },
        ServerVariant {
            name: "error-status-in-a-200",
            why: "the outcome is an error, reported in the body of an HTTP 200",
            answer: |op| {
                (op.empty_response == EmptyResponse::Outcome).then(|| {
                    (
                        Answer::json(
                            200,
                            r#"{"Status": 409, "Message": "Campaign is already running"}"#,
                        ),
                        Outcome::ApiError {
                            status: 409,
                            says: vec!["Campaign is already running"],
                        },
                    )
                })
            },
        },
        ServerVariant {
            name: "not-found-404",
            why: "a record that does not exist",
            answer: |op| {
                let answer = Answer::json(404, r#"{"Status": 404, "Message": "Member not found"}"#);
                // A call that names its record in its path (`/members/46875434`) or looks one
                // up.
                let names_a_record = op.empty_response == EmptyResponse::NotFound
                    || op.path.split('/').any(|part| part.parse::<u64>().is_ok());
                Some(if names_a_record {
                    (answer, Outcome::NotFound(404))
                } else {
                    (
                        answer,
                        Outcome::ApiError {
                            status: 404,
                            says: vec!["404", "Member not found"],
                        },
                    )
                })
            },
        },
        ServerVariant {
            name: "problem-details-400",
            why: "ASP.NET Core's validation answer, with field errors",
            answer: |_| {
                let body = r#"{"type": "https://tools.ietf.org/html/rfc9110#section-15.5.1",
                    "title": "One or more validation errors occurred.", "status": 400,
                    "traceId": "00-84c1fd4063c38d9f3900d06e56542d48-85d1d4-00",
                    "errors": {"FirstName": ["The field FirstName must be a string with a maximum length of 63."]}}"#;
                Some((
                    Answer::json(400, body.as_bytes()),
                    Outcome::ApiError {
                        status: 400,
                        says: vec![
                            "One or more validation errors occurred.",
                            "FirstName: The field FirstName must be a string with a maximum length of 63.",
                        ],
                    },
                ))
            },
        },
        ServerVariant {
            name: "message-without-status-409",
            why: "an error body with Message and no Status",
            answer: |_| {
                Some((
                    Answer::json(409, r#"{"Message": "Campaign is already running"}"#),
                    Outcome::ApiError {
                        status: 409,
                        says: vec!["409", "Campaign is already running"],
                    },
                ))
            },
        },
        ServerVariant {
            name: "json-string-403",
            why: "an error body that is a bare JSON string",
            answer: |_| {
                Some((
                    Answer::json(403, r#""Invalid token/account""#),
                    Outcome::ApiError {
                        status: 403,
                        says: vec!["403", "Invalid token/account"],
                    },
                ))
            },
        },
        ServerVariant {
            name: "empty-401",
            why: "IIS's 401 with no body",
            answer: |_| {
                Some((
                    Answer::bare(401),
                    Outcome::ApiError {
                        status: 401,
                        says: vec!["401"],
                    },
                ))
            },
        },
        ServerVariant {
            name: "iis-html-500",
            why: "the ASP.NET yellow screen from IIS",
            answer: |_| {
                let page = "<!DOCTYPE html><html><head><title>Runtime Error</title></head><body>\
                    <h1>Server Error in '/' Application.</h1><h2><i>Runtime Error</i></h2>\
                    </body></html>";
                let mut answer = Answer::json(500, page);
                answer.headers = vec![("content-type", "text/html; charset=utf-8".to_owned())];
                Some((
                    answer,
                    Outcome::ApiError {
                        status: 500,
                        says: vec!["500", "Server Error in '/' Application."],
                    },
                ))
            },
        },
    ]
}

/// What an answer without a body is for `op`, answered with `status`.
fn empty_outcome(op: &Operation, status: u16) -> Outcome {
    match op.empty_response {
        EmptyResponse::Outcome if status == 204 => {
            Outcome::Decodes(|_| json!({"Status": 204, "Message": null}))
        }
        EmptyResponse::Outcome => Outcome::Decodes(|_| json!({"Status": 200, "Message": null})),
        EmptyResponse::EmptyList => Outcome::Decodes(|_| json!([])),
        EmptyResponse::NotFound => Outcome::NotFound(status),
        EmptyResponse::Error => Outcome::Undecodable(status),
    }
}

/// The JSON text of `value` after `change`.
fn edit(mut value: Value, change: &mut dyn FnMut(&mut Value)) -> Vec<u8> {
    change(&mut value);
    serde_json::to_vec(&value).expect("JSON")
}

/// The id keys of records, most specific first: a record's identity is the first it has.
const IDENTITY_KEYS: [&str; 6] = [
    "ConversationMessageId",
    "WebhookCampaignId",
    "WebhookId",
    "MemberId",
    "AccountId",
    "CampaignId",
];

fn identity_of(object: &Map<String, Value>) -> Option<&'static str> {
    IDENTITY_KEYS
        .into_iter()
        .find(|key| object.contains_key(*key))
}

/// Applies `each` to every record: the value itself, or each item of a top-level list.
fn records(value: &mut Value, each: &mut dyn FnMut(&mut Map<String, Value>)) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(|item| records(item, each)),
        Value::Object(object) => each(object),
        _ => {}
    }
}

fn drop_nulls(value: &mut Value) {
    match value {
        Value::Object(object) => {
            object.retain(|_, field| !field.is_null());
            object.values_mut().for_each(drop_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

fn keep_identity_only(value: &mut Value) {
    records(value, &mut |object| {
        let identity = identity_of(object);
        object.retain(|key, _| Some(key.as_str()) == identity);
    });
}

fn null_all_but_identity(value: &mut Value) {
    records(value, &mut |object| {
        let identity = identity_of(object);
        for (key, field) in object.iter_mut() {
            if Some(key.as_str()) != identity {
                *field = Value::Null;
            }
        }
    });
}

/// What a record decodes to when only its identity was sent: the id, empty lists, and
/// `null` for everything else.
pub fn skeleton(baseline: &Value) -> Value {
    let mut value = baseline.clone();
    records(&mut value, &mut |object| {
        let identity = identity_of(object);
        for (key, field) in object.iter_mut() {
            if Some(key.as_str()) == identity {
                continue;
            }
            *field = if field.is_array() {
                json!([])
            } else {
                Value::Null
            };
        }
    });
    value
}

fn rename_keys(value: &mut Value, rename: &dyn Fn(&str) -> String) {
    match value {
        Value::Object(object) => {
            let renamed: Map<String, Value> = std::mem::take(object)
                .into_iter()
                .map(|(key, mut field)| {
                    rename_keys(&mut field, rename);
                    (rename(&key), field)
                })
                .collect();
            *object = renamed;
        }
        Value::Array(items) => items.iter_mut().for_each(|item| rename_keys(item, rename)),
        _ => {}
    }
}

fn add_unknown_fields(value: &mut Value) {
    match value {
        Value::Object(object) => {
            object.values_mut().for_each(add_unknown_fields);
            object.insert("$id".to_owned(), json!("1"));
            object.insert(
                "AddedInVersion99".to_owned(),
                json!({"Nested": [1, 2, {"Deep": null}], "Flag": true}),
            );
        }
        Value::Array(items) => items.iter_mut().for_each(add_unknown_fields),
        _ => {}
    }
}

/// The names Newtonsoft gives the non-finite doubles, in turn.
const NON_FINITE: [&str; 3] = ["NaN", "Infinity", "-Infinity"];

/// Is this analytics key a rate (a double)?
pub fn is_rate(key: &str) -> bool {
    key.ends_with("Rate") || key == "InvitationSentHealthScore"
}

fn name_non_finite_rates(value: &mut Value) {
    let mut turn = 0;
    visit_fields(value, &mut |key, field| {
        if is_rate(key) && field.is_number() {
            *field = json!(NON_FINITE[turn % NON_FINITE.len()]);
            turn += 1;
        }
    });
}

/// The decoded sample with its rates named as the server sent them (how `Rate` writes a
/// non-finite rate).
fn named_rates(baseline: &Value) -> Value {
    let mut value = baseline.clone();
    name_non_finite_rates(&mut value);
    value
}

fn visit_fields(value: &mut Value, each: &mut dyn FnMut(&str, &mut Value)) {
    match value {
        Value::Object(object) => {
            for (key, field) in object.iter_mut() {
                each(key, field);
                visit_fields(field, each);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| visit_fields(item, each)),
        _ => {}
    }
}

fn map_numbers(value: &mut Value, change: &dyn Fn(&serde_json::Number) -> Option<Value>) {
    match value {
        Value::Number(number) => {
            if let Some(changed) = change(number) {
                *value = changed;
            }
        }
        Value::Object(object) => object
            .values_mut()
            .for_each(|field| map_numbers(field, change)),
        Value::Array(items) => items.iter_mut().for_each(|item| map_numbers(item, change)),
        _ => {}
    }
}

/// Rewrites every offset-less date-and-time string (`2024-04-21T09:41:06.17`) that `change`
/// gives a new text for.
fn map_timestamps(
    value: &mut Value,
    change: &mut dyn FnMut(salesflow::chrono::NaiveDateTime) -> Option<String>,
) {
    match value {
        Value::String(text) => {
            if let Ok(time) =
                salesflow::chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
                && let Some(changed) = change(time)
            {
                *text = changed;
            }
        }
        Value::Object(object) => object
            .values_mut()
            .for_each(|field| map_timestamps(field, change)),
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| map_timestamps(item, change)),
        _ => {}
    }
}

/// The bits of a member status written as names (`"MEMBER_PENDING, MEMBER_ERROR"` is 1025).
fn member_bits(names: &str) -> Option<u32> {
    const BITS: [(&str, u32); 10] = [
        ("MEMBER_NOT_SET", 0),
        ("MEMBER_PENDING", 1),
        ("MEMBER_INVITATION_SENT", 2),
        ("MEMBER_CONNECTED", 4),
        ("MEMBER_DISCONNECTED", 8),
        ("MEMBER_DELETED", 16),
        ("MEMBER_IMPORTED", 32),
        ("MEMBER_INVITATION_WITHDRAWN", 64),
        ("MEMBER_ERROR", 1024),
        ("MEMBER_DUPLICATE", 2048),
    ];
    names.split(',').try_fold(0, |bits, name| {
        BITS.iter()
            .find(|(known, _)| *known == name.trim())
            .map(|(_, bit)| bits | bit)
    })
}
