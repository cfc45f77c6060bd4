//! What tests of the library and of the command share about httpmock servers: the docs'
//! sample answers, a matcher for the exact query, an answer with a JSON body, a closed port.

use httpmock::{HttpMockRequest, Then, When};

/// A docs sample answer from `tests/fixtures/`, by operation name:
/// `fixture!("list_campaigns")`.
#[macro_export]
macro_rules! fixture {
    ($name:literal) => {
        $crate::http_mocks::fixture($name)
    };
}

/// The docs' sample answers, by file name.
const FIXTURES: [(&str, &str); 22] = [
    (
        "attach_webhook",
        include_str!("../../../tests/fixtures/attach_webhook.json"),
    ),
    (
        "create_webhook",
        include_str!("../../../tests/fixtures/create_webhook.json"),
    ),
    (
        "delete_contact",
        include_str!("../../../tests/fixtures/delete_contact.json"),
    ),
    (
        "delete_webhook",
        include_str!("../../../tests/fixtures/delete_webhook.json"),
    ),
    (
        "detach_webhook",
        include_str!("../../../tests/fixtures/detach_webhook.json"),
    ),
    (
        "get_analytics_by_account",
        include_str!("../../../tests/fixtures/get_analytics_by_account.json"),
    ),
    (
        "get_analytics_by_campaign",
        include_str!("../../../tests/fixtures/get_analytics_by_campaign.json"),
    ),
    (
        "get_campaign_statistics",
        include_str!("../../../tests/fixtures/get_campaign_statistics.json"),
    ),
    (
        "get_contact",
        include_str!("../../../tests/fixtures/get_contact.json"),
    ),
    (
        "get_contact_by_public_identifier",
        include_str!("../../../tests/fixtures/get_contact_by_public_identifier.json"),
    ),
    (
        "import_member",
        include_str!("../../../tests/fixtures/import_member.json"),
    ),
    (
        "list_accounts",
        include_str!("../../../tests/fixtures/list_accounts.json"),
    ),
    (
        "list_campaigns",
        include_str!("../../../tests/fixtures/list_campaigns.json"),
    ),
    (
        "list_contacts_by_account",
        include_str!("../../../tests/fixtures/list_contacts_by_account.json"),
    ),
    (
        "list_contacts_by_campaign",
        include_str!("../../../tests/fixtures/list_contacts_by_campaign.json"),
    ),
    (
        "list_contacts_by_public_identifiers",
        include_str!("../../../tests/fixtures/list_contacts_by_public_identifiers.json"),
    ),
    (
        "list_incoming_messages_by_account",
        include_str!("../../../tests/fixtures/list_incoming_messages_by_account.json"),
    ),
    (
        "list_incoming_messages_by_campaign",
        include_str!("../../../tests/fixtures/list_incoming_messages_by_campaign.json"),
    ),
    (
        "list_webhooks",
        include_str!("../../../tests/fixtures/list_webhooks.json"),
    ),
    (
        "start_campaign",
        include_str!("../../../tests/fixtures/start_campaign.json"),
    ),
    (
        "update_contact",
        include_str!("../../../tests/fixtures/update_contact.json"),
    ),
    (
        "webhook_event",
        include_str!("../../../tests/fixtures/webhook_event.json"),
    ),
];

/// The docs' sample answer named `name` (a file of `tests/fixtures/`).
///
/// # Panics
/// If there is no such file.
pub fn fixture(name: &str) -> &'static str {
    FIXTURES
        .iter()
        .find(|(file, _)| *file == name)
        .map(|(_, text)| *text)
        .unwrap_or_else(|| panic!("no fixture tests/fixtures/{name}.json"))
}

/// Requires the query string to hold `token=<token>` and, besides it, exactly the parameter
/// names in `names` (each once, unless listed more than once), and nothing else. Names are
/// compared after percent-decoding, as the server reads them.
pub fn sends_only(when: When, token: &'static str, names: &[&'static str]) -> When {
    let mut expected: Vec<String> = names
        .iter()
        .copied()
        .chain(["token"])
        .map(str::to_owned)
        .collect();
    expected.sort_unstable();
    when.query_param("token", token)
        .is_true(move |request| query_names(request) == expected)
}

/// The decoded names of the query parameters of `request`, sorted.
pub fn query_names(request: &HttpMockRequest) -> Vec<String> {
    let uri = request.uri_str();
    let url = uri.split_once('#').map_or(uri, |(before, _)| before);
    let mut names: Vec<String> = url
        .split_once('?')
        .map(|(_, query)| {
            form_decode(query)
                .into_iter()
                .map(|(name, _)| name)
                .collect()
        })
        .unwrap_or_default();
    names.sort_unstable();
    names
}

/// `a=1&b%20c=2` → `[("a", "1"), ("b c", "2")]`, as `application/x-www-form-urlencoded`.
fn form_decode(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(name), percent_decode(value))
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'+' => out.push(b' '),
            b'%' if index + 2 < bytes.len() => {
                match u8::from_str_radix(&text[index + 1..index + 3], 16) {
                    Ok(byte) => {
                        out.push(byte);
                        index += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        index += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Answers with `status` and the JSON text `body`.
pub fn answer(then: Then, status: u16, body: &str) -> Then {
    then.status(status)
        .header("content-type", "application/json; charset=utf-8")
        .body(body)
}

/// A port on 127.0.0.1 where nothing listens: connecting to it is refused.
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("a bound address").port()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_decoded_like_a_form() {
        assert_eq!(
            form_decode("a=1&b%20c=x+y&%7E=%2"),
            [
                ("a".to_owned(), "1".to_owned()),
                ("b c".to_owned(), "x y".to_owned()),
                ("~".to_owned(), "%2".to_owned())
            ]
        );
    }
}
