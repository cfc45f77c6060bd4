//! The 21 operations of the spec, as a stateful Salesflow answers them: each reads its
//! parameters (checked against the spec's rules), the token and the account, then the state.
//! One file an area of the API; here, how a request is read and which operation runs.

mod analytics;
mod campaigns;
mod contacts;
mod messages;
mod webhooks;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Value, json};

use crate::answer::Answer;
use crate::state::State;

/// A request as the operations read it: its query parameters (names matched in any case, as
/// ASP.NET binds them) and its body.
pub struct Call<'a> {
    query: Vec<(String, String)>,
    body: &'a [u8],
    errors: Vec<(String, String)>,
}

impl<'a> Call<'a> {
    pub fn new(query: Option<&str>, body: &'a [u8]) -> Self {
        let query = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect();
        Self {
            query,
            body,
            errors: Vec::new(),
        }
    }

    fn all(&self, name: &str) -> Vec<&str> {
        self.query
            .iter()
            .filter(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
            .collect()
    }

    fn text(&self, name: &str) -> Option<&str> {
        self.all(name).into_iter().next()
    }

    fn fail(&mut self, field: &str, message: String) {
        self.errors.push((field.to_owned(), message));
    }

    /// A required integer parameter (ASP.NET's binding messages when it is missing or bad).
    fn integer(&mut self, name: &str) -> i64 {
        let text = self.text(name).map(|text| text.trim().to_owned());
        match text.as_deref() {
            None | Some("") => {
                self.fail(name, format!("The {name} field is required."));
                0
            }
            Some(text) => text.parse().unwrap_or_else(|_| {
                self.fail(name, format!("The value '{text}' is not valid."));
                0
            }),
        }
    }

    /// A required text parameter.
    fn required_text(&mut self, name: &str) -> String {
        match self.text(name) {
            Some(text) if !text.trim().is_empty() => text.to_owned(),
            _ => {
                self.fail(name, format!("The {name} field is required."));
                String::new()
            }
        }
    }

    /// A required date parameter: missing or empty is "required", as ASP.NET binds a
    /// non-nullable `DateTime`.
    fn required_time(&mut self, name: &str) -> Option<DateTime<Utc>> {
        if self.text(name).is_none_or(|text| text.trim().is_empty()) {
            self.fail(name, format!("The {name} field is required."));
            return None;
        }
        self.time(name)
    }

    /// An optional timestamp or date parameter (empty reads as absent, as ASP.NET binds a
    /// nullable `DateTime`).
    fn time(&mut self, name: &str) -> Option<DateTime<Utc>> {
        let text = self.text(name)?.trim().to_owned();
        if text.is_empty() {
            return None;
        }
        let parsed = parse_time(&text);
        if parsed.is_none() {
            self.fail(name, format!("The value '{text}' is not valid."));
        }
        parsed
    }

    /// The JSON body, or `None` with an error.
    fn json(&mut self) -> Option<Value> {
        let text = self.body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(self.body);
        match serde_json::from_slice::<Value>(text) {
            Ok(value @ Value::Object(_)) => Some(value),
            _ => {
                self.fail("", "A non-empty request body is required.".to_owned());
                None
            }
        }
    }

    /// The errors so far, as the 400 ASP.NET answers with.
    fn invalid(&self) -> Option<Answer> {
        (!self.errors.is_empty()).then(|| Answer::invalid(&self.errors))
    }
}

/// A timestamp in any form the API reads: RFC 3339, `2024-07-16T05:00:00`, `2024-07-16
/// 05:00:00`, a date.
fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Some(time.to_utc());
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(time) = chrono::NaiveDateTime::parse_from_str(text, format) {
            return Some(time.and_utc());
        }
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .map(|date| date.and_hms_opt(0, 0, 0).expect("midnight").and_utc())
}

/// Runs `operation` (its operationId) for `call` against `state`.
pub fn run(operation: &str, path_id: Option<&str>, call: &mut Call, state: &mut State) -> Answer {
    if call.text("token") != Some(state.token.as_str()) {
        return Answer::forbidden();
    }
    let account = if operation == "listAccounts" {
        0
    } else {
        let account = call.integer("accountId");
        if let Some(invalid) = call.invalid() {
            return invalid;
        }
        if !state.has_account(account) {
            return Answer::forbidden();
        }
        account
    };
    let member = path_id.map(|id| {
        id.parse::<i64>().unwrap_or_else(|_| {
            call.fail("memberId", format!("The value '{id}' is not valid."));
            0
        })
    });
    match operation {
        "listAccounts" => Answer::ok(json!(
            state
                .accounts
                .iter()
                .map(|a| json!({
                    "AccountId": a.account_id, "AccountEmail": a.account_email, "Status": a.status,
                    "UserDbId": a.user_db_id, "UserEmail": a.user_email,
                }))
                .collect::<Vec<_>>()
        )),
        "listCampaigns" => campaigns::list(call, state, account),
        "startCampaign" => campaigns::start(call, state, account),
        "getCampaignStatistics" => campaigns::statistics(call, state, account),
        "importMember" => contacts::import(call, state, account),
        "getContact" => contacts::get(call, state, account, member.unwrap_or_default()),
        "getContactByPublicIdentifier" => contacts::get_by_public_identifier(call, state, account),
        "updateContact" => contacts::update(call, state, account, member.unwrap_or_default()),
        "deleteContact" => contacts::delete(call, state, account, member.unwrap_or_default()),
        "listContactsByCampaign" => contacts::list_by_campaign(call, state, account),
        "listContactsByAccount" => contacts::list_by_account(call, state, account),
        "listContactsByPublicIdentifiers" => {
            contacts::list_by_public_identifiers(call, state, account)
        }
        "createWebhook" => webhooks::create(call, state, account),
        "deleteWebhook" => webhooks::delete(call, state, account),
        "listWebhooks" => webhooks::list(state, account),
        "attachWebhook" => webhooks::attach(call, state, account),
        "detachWebhook" => webhooks::detach(call, state, account),
        "getAnalyticsByCampaign" => analytics::by_campaign(call, state, account),
        "getAnalyticsByAccount" => analytics::by_account(call, state, account),
        "listIncomingMessagesByAccount" => messages::by_account(call, state, account),
        "listIncomingMessagesByCampaign" => messages::by_campaign(call, state, account),
        _ => Answer::not_found("No such operation"),
    }
}

/// The field `name` of a JSON body, its key matched in any case (as ASP.NET binds it).
fn body_field<'v>(body: &'v Value, name: &str) -> Option<&'v Value> {
    body.as_object()?
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value)
}

/// The JSON types a body field may have, as the .NET type it binds to names them.
#[derive(Clone, Copy)]
enum Kind {
    /// `string` (or null).
    Text,
    /// `bool?`.
    Boolean,
    /// `string[]`.
    TextList,
}

/// The field `name` of `body` if it is of `kind` (or null); a field of another JSON type
/// fails as System.Text.Json fails to convert it (400, the field named).
fn typed_field<'v>(call: &mut Call, body: &'v Value, name: &str, kind: Kind) -> Option<&'v Value> {
    let value = body_field(body, name)?;
    let (fits, dotnet) = match kind {
        Kind::Text => (value.is_string(), "System.String"),
        Kind::Boolean => (value.is_boolean(), "System.Nullable`1[System.Boolean]"),
        Kind::TextList => (
            value
                .as_array()
                .is_some_and(|items| items.iter().all(Value::is_string)),
            "System.String[]",
        ),
    };
    if value.is_null() {
        return None;
    }
    if !fits {
        call.fail(
            name,
            format!("The JSON value could not be converted to {dotnet}. Path: $.{name}"),
        );
        return None;
    }
    Some(value)
}

/// `404 Campaign not found` unless `campaign_id` is one of the account's campaigns.
fn campaign_or_404(state: &State, account: i64, campaign_id: i64) -> Result<(), Answer> {
    match state.campaign_of(account, campaign_id) {
        Some(_) => Ok(()),
        None => Err(Answer::not_found("Campaign not found")),
    }
}
