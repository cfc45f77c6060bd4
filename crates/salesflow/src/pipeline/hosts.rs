//! Sends each operation to its production host (the docs name two) or to the configured one,
//! with every host's URL parsed once, when the client is built, instead of once a request.

use reqwest::Url;

use super::operation_table::OPERATIONS;
use crate::ConfigError;

/// The production host of every operation but `getCampaignStatistics`.
pub(crate) const PRODUCTION_URL: &str = "https://mvc.salesflow.io/api";

/// Where a client sends each operation: its base URL, or, for an operation with a host of
/// its own, that host.
///
/// An operation goes to the host configured for it
/// ([`ClientBuilder::statistics_base_url`](crate::ClientBuilder::statistics_base_url)), or
/// to the spec's server for it when the client talks to production. A client with any other
/// base URL (a test server, a proxy) sends everything there.
#[derive(Debug)]
pub(crate) struct Hosts {
    base: Host,
    /// The operations (by operationId) sent elsewhere than `base`.
    apart: Vec<(&'static str, Host)>,
    /// The whole URL of each operation whose path has no parameter: (operationId, path,
    /// URL), so that a call copies it instead of joining it again.
    fixed: Vec<(&'static str, &'static str, Url)>,
}

/// One base URL, parsed: scheme, host, port and the path stem (`/api`).
#[derive(Debug)]
struct Host {
    url: Url,
}

impl Host {
    fn parse(base_url: &str) -> Result<Self, ConfigError> {
        let url = Url::parse(base_url.trim_end_matches('/'))
            .map_err(|_| ConfigError::BadBaseUrl(base_url.to_owned()))?;
        Ok(Self { url })
    }

    /// This host's URL of `path` (which starts with `/`).
    fn join(&self, path: &str) -> Url {
        let mut url = self.url.clone();
        // `http://host` parses with the path `/`, `http://host/api/` keeps its slash.
        let stem = self.url.path().trim_end_matches('/');
        let mut full = String::with_capacity(stem.len() + path.len());
        full.push_str(stem);
        full.push_str(path);
        url.set_path(&full);
        url
    }
}

impl Hosts {
    /// The hosts of a client whose base URL is `base_url`, with `statistics_url` configured
    /// for the operations that have a server of their own in the spec. Both are URLs the
    /// builder checked already.
    pub(crate) fn new(base_url: &str, statistics_url: Option<&str>) -> Result<Self, ConfigError> {
        let base = Host::parse(base_url)?;
        let mut apart = Vec::new();
        for operation in OPERATIONS.iter() {
            let Some(spec_server) = operation.server else {
                continue;
            };
            let target = match statistics_url {
                Some(configured) => configured,
                None if base_url.trim_end_matches('/') == PRODUCTION_URL => spec_server,
                None => continue,
            };
            apart.push((operation.name, Host::parse(target)?));
        }
        let mut hosts = Self {
            base,
            apart,
            fixed: Vec::new(),
        };
        hosts.fixed = OPERATIONS
            .iter()
            .filter(|operation| !operation.path.contains('{'))
            .map(|operation| {
                let url = hosts.host(operation.name).join(operation.path);
                (operation.name, operation.path, url)
            })
            .collect();
        Ok(hosts)
    }

    fn host(&self, operation: &str) -> &Host {
        self.apart
            .iter()
            .find(|(name, _)| *name == operation)
            .map_or(&self.base, |(_, host)| host)
    }

    /// The URL of `path` (from the spec, with its parameters filled in and encoded) for
    /// `operation` (its operationId).
    pub(crate) fn url(&self, operation: &str, path: &str) -> Url {
        let fixed = self
            .fixed
            .iter()
            .find(|(name, fixed_path, _)| *name == operation && *fixed_path == path);
        match fixed {
            Some((_, _, url)) => url.clone(),
            None => self.host(operation).join(path),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(base: &str, statistics: Option<&str>, operation: &str, path: &str) -> String {
        Hosts::new(base, statistics)
            .unwrap()
            .url(operation, path)
            .to_string()
    }

    #[test]
    fn statistics_moves_to_the_app_host_in_production() {
        assert_eq!(
            url(
                PRODUCTION_URL,
                None,
                "getCampaignStatistics",
                "/statistics/GetCampaignStatistics"
            ),
            "https://app.salesflow.io/api/statistics/GetCampaignStatistics"
        );
    }

    #[test]
    fn in_production_each_operation_goes_to_its_own_host() {
        // Every operation of the table, not only those that stay: exactly the one the spec
        // gives a server of its own moves, and it moves to that server.
        let mut moved = Vec::new();
        for op in OPERATIONS.iter() {
            let routed = url(PRODUCTION_URL, None, op.name, "/some/path");
            if routed == "https://mvc.salesflow.io/api/some/path" {
                assert_eq!(op.server, None, "{} stayed on the mvc host", op.name);
            } else {
                let server = op.server.expect("only an operation with a server moves");
                assert_eq!(routed, format!("{server}/some/path"), "{}", op.name);
                moved.push(op.name);
            }
        }
        assert_eq!(moved, ["getCampaignStatistics"]);
    }

    #[test]
    fn a_custom_base_url_keeps_every_operation() {
        for base in [
            "http://127.0.0.1:9",
            "http://127.0.0.1:9/",
            "http://127.0.0.1:9/api/",
        ] {
            let stem = base.trim_end_matches('/');
            for op in OPERATIONS.iter() {
                assert_eq!(
                    url(base, None, op.name, "/some/path"),
                    format!("{stem}/some/path"),
                    "{} with the base {base}",
                    op.name
                );
            }
        }
    }

    #[test]
    fn a_custom_base_url_receives_every_operation_unless_statistics_has_its_own() {
        let path = "/statistics/GetCampaignStatistics";
        assert_eq!(
            url("http://127.0.0.1:9", None, "getCampaignStatistics", path),
            "http://127.0.0.1:9/statistics/GetCampaignStatistics"
        );
        let apart = Some("http://127.0.0.1:10/stats/");
        assert_eq!(
            url("http://127.0.0.1:9", apart, "getCampaignStatistics", path),
            "http://127.0.0.1:10/stats/statistics/GetCampaignStatistics"
        );
        assert_eq!(
            url(
                "http://127.0.0.1:9",
                apart,
                "listCampaigns",
                "/campaigns/list-campaigns"
            ),
            "http://127.0.0.1:9/campaigns/list-campaigns"
        );
    }

    #[test]
    fn a_fixed_path_is_the_same_url_as_one_joined() {
        let hosts = Hosts::new("http://127.0.0.1:9/api", None).unwrap();
        for op in OPERATIONS.iter().filter(|op| !op.path.contains('{')) {
            assert!(hosts.fixed.iter().any(|(name, _, _)| *name == op.name));
            assert_eq!(
                hosts.url(op.name, op.path),
                hosts.base.join(op.path),
                "{}",
                op.name
            );
        }
        // A path other than the spec's is joined, not taken from the table.
        assert_eq!(
            hosts.url("listCampaigns", "/campaigns/other").as_str(),
            "http://127.0.0.1:9/api/campaigns/other"
        );
    }

    #[test]
    fn a_path_is_kept_as_encoded() {
        // What the generated code hands over is encoded already; nothing is encoded twice,
        // and nothing in it can start a query.
        assert_eq!(
            url(
                "http://127.0.0.1:9/api",
                None,
                "getContact",
                "/members/a%2Fb%3Fc%20d"
            ),
            "http://127.0.0.1:9/api/members/a%2Fb%3Fc%20d"
        );
    }
}
