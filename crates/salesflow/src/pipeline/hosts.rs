//! Sends each operation to its production host (the docs name two) or to the configured one.

use super::operation::Operation;
use crate::Settings;

/// The production host of every operation but `getCampaignStatistics`.
pub(crate) const PRODUCTION_URL: &str = "https://mvc.salesflow.io/api";

/// Moves a request to the operation's own host: the one configured for it
/// ([`ClientBuilder::statistics_base_url`](crate::ClientBuilder::statistics_base_url)), or
/// the spec's server for it when the client talks to production. A client with any other
/// base URL (a test server, a proxy) sends everything there.
pub(crate) fn route(
    request: &mut reqwest::Request,
    base_url: &str,
    settings: &Settings,
    operation: &Operation,
) {
    let Some(spec_server) = operation.server else {
        return;
    };
    let target = match settings.statistics_url() {
        Some(configured) => configured,
        None if base_url == PRODUCTION_URL => spec_server,
        None => return,
    };
    let moved = request
        .url()
        .as_str()
        .strip_prefix(base_url)
        .map(|rest| format!("{}{rest}", target.trim_end_matches('/')))
        .and_then(|url| reqwest::Url::parse(&url).ok());
    if let Some(url) = moved {
        *request.url_mut() = url;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::operation::{OPERATIONS, find};

    fn request(url: &str) -> reqwest::Request {
        reqwest::Request::new(reqwest::Method::GET, reqwest::Url::parse(url).unwrap())
    }

    fn routed(url: &str, base: &str, settings: &Settings, id: &str) -> String {
        let mut req = request(url);
        route(&mut req, base, settings, find(id));
        req.url().to_string()
    }

    #[test]
    fn statistics_moves_to_the_app_host_in_production() {
        let settings = Settings::new("t");
        assert_eq!(
            routed(
                "https://mvc.salesflow.io/api/statistics/GetCampaignStatistics?campaignId=1",
                PRODUCTION_URL,
                &settings,
                "get_campaign_statistics"
            ),
            "https://app.salesflow.io/api/statistics/GetCampaignStatistics?campaignId=1"
        );
    }

    #[test]
    fn in_production_each_operation_goes_to_its_own_host() {
        // Every operation of the table, not only those `route` leaves alone: exactly the
        // one the spec gives a server of its own moves, and it moves to that server.
        let settings = Settings::new("t");
        let mut moved = Vec::new();
        for op in OPERATIONS.iter() {
            let url = "https://mvc.salesflow.io/api/some/path?accountId=1";
            let routed = routed(url, PRODUCTION_URL, &settings, op.id);
            if routed == url {
                assert_eq!(op.server, None, "{} stayed on the mvc host", op.name);
            } else {
                let server = op.server.expect("only an operation with a server moves");
                assert_eq!(
                    routed,
                    format!("{server}/some/path?accountId=1"),
                    "{}",
                    op.name
                );
                moved.push(op.name);
            }
        }
        assert_eq!(moved, ["getCampaignStatistics"]);
    }

    #[test]
    fn a_custom_base_url_keeps_every_operation() {
        let settings = Settings::new("t");
        for op in OPERATIONS.iter() {
            let url = "http://127.0.0.1:9/some/path";
            assert_eq!(
                routed(url, "http://127.0.0.1:9", &settings, op.id),
                url,
                "{}",
                op.name
            );
        }
    }

    #[test]
    fn a_custom_base_url_receives_every_operation_unless_statistics_has_its_own() {
        let url = "http://127.0.0.1:9/statistics/GetCampaignStatistics";
        let settings = Settings::new("t");
        assert_eq!(
            routed(
                url,
                "http://127.0.0.1:9",
                &settings,
                "get_campaign_statistics"
            ),
            url
        );
        let mut apart = Settings::new("t");
        apart.statistics_url = Some("http://127.0.0.1:10/".to_owned());
        assert_eq!(
            routed(url, "http://127.0.0.1:9", &apart, "get_campaign_statistics"),
            "http://127.0.0.1:10/statistics/GetCampaignStatistics"
        );
    }
}
