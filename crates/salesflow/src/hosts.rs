//! Sends getCampaignStatistics to its own production host (the docs name two hosts).

/// The production host of every operation but `getCampaignStatistics`.
pub(crate) const PRODUCTION_URL: &str = "https://mvc.salesflow.io/api";

/// The production host of `getCampaignStatistics`.
pub(crate) const STATISTICS_URL: &str = "https://app.salesflow.io/api";

/// The operation served by [`STATISTICS_URL`], as progenitor names it in `OperationInfo`.
const STATISTICS_OPERATION: &str = "get_campaign_statistics";

/// Moves a request for the statistics operation from the production host to the statistics
/// host. A client with any other base URL (a test server, a proxy) sends everything there.
pub(crate) fn route(request: &mut reqwest::Request, base_url: &str, operation_id: &str) {
    if operation_id != STATISTICS_OPERATION || base_url != PRODUCTION_URL {
        return;
    }
    let moved = request
        .url()
        .as_str()
        .strip_prefix(PRODUCTION_URL)
        .map(|rest| format!("{STATISTICS_URL}{rest}"))
        .and_then(|url| reqwest::Url::parse(&url).ok());
    if let Some(url) = moved {
        *request.url_mut() = url;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(url: &str) -> reqwest::Request {
        reqwest::Request::new(reqwest::Method::GET, reqwest::Url::parse(url).unwrap())
    }

    #[test]
    fn statistics_moves_to_the_app_host_in_production() {
        let mut req =
            request("https://mvc.salesflow.io/api/statistics/GetCampaignStatistics?campaignId=1");
        route(&mut req, PRODUCTION_URL, "get_campaign_statistics");
        assert_eq!(
            req.url().as_str(),
            "https://app.salesflow.io/api/statistics/GetCampaignStatistics?campaignId=1"
        );
    }

    #[test]
    fn other_operations_stay_on_the_mvc_host() {
        let url = "https://mvc.salesflow.io/api/campaigns/list-campaigns?accountId=1";
        let mut req = request(url);
        route(&mut req, PRODUCTION_URL, "list_campaigns");
        assert_eq!(req.url().as_str(), url);
    }

    #[test]
    fn a_custom_base_url_receives_every_operation() {
        let url = "http://127.0.0.1:9/statistics/GetCampaignStatistics";
        let mut req = request(url);
        route(&mut req, "http://127.0.0.1:9", "get_campaign_statistics");
        assert_eq!(req.url().as_str(), url);
    }
}
