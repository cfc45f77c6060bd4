//! What the spec says about each operation beyond its types and rules: the table's types
//! and its lookup here, the table itself generated from the spec (`generated/operations.rs`).

pub(crate) use crate::generated::operations::OPERATIONS;

/// One operation of the spec, as the hooks need it.
#[derive(Debug)]
pub(crate) struct Operation {
    /// The spec's operationId (`listCampaigns`), used in errors and traces.
    pub name: &'static str,
    /// The spec's path (`/members/{memberId}`), below the host's URL.
    pub path: &'static str,
    /// Whether sending the same request twice is safe (`x-idempotent`, else by method).
    pub idempotent: bool,
    /// The production server of this operation when it is not the default one.
    pub server: Option<&'static str>,
    /// What a 2xx response without a body means (the spec's `x-empty-response`).
    pub empty_response: EmptyResponse,
    /// How many items of its body's list one request should carry (`x-batch-size`).
    pub batch_size: Option<usize>,
    /// The longest query string the server takes, in bytes as sent, the token included
    /// (`x-max-query-length`).
    pub max_query_bytes: usize,
}

/// What a 2xx response without a body (or with the body `null`) means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EmptyResponse {
    /// Nothing documented: the response is not what the API promises.
    Error,
    /// The operation succeeded; the HTTP status is its outcome.
    Outcome,
    /// A list with no items.
    EmptyList,
    /// The record asked for does not exist.
    NotFound,
}

/// An operation no table entry describes: retried only where that is always safe.
const UNKNOWN: Operation = Operation {
    name: "unknown",
    path: "",
    idempotent: false,
    server: None,
    empty_response: EmptyResponse::Error,
    batch_size: None,
    // The same server as the others.
    max_query_bytes: OPERATIONS[0].max_query_bytes,
};

/// The operation the spec calls `name` (its operationId).
pub(crate) fn named(name: &str) -> &'static Operation {
    OPERATIONS
        .iter()
        .find(|op| op.name == name)
        .unwrap_or(&UNKNOWN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_knows_every_operation_and_its_facts() {
        assert_eq!(OPERATIONS.len(), 21);
        assert!(!named("importMember").idempotent, "a GET that creates");
        assert!(
            named("listContactsByPublicIdentifiers").idempotent,
            "a POST that reads"
        );
        assert!(!named("startCampaign").idempotent);
        assert!(named("deleteContact").idempotent);
        assert_eq!(
            named("getCampaignStatistics").server,
            Some("https://app.salesflow.io/api")
        );
        assert_eq!(named("listCampaigns").server, None);
        assert_eq!(named("nope").name, "unknown");
        assert_eq!(
            named("deleteContact").empty_response,
            EmptyResponse::Outcome
        );
        assert_eq!(named("getContact").empty_response, EmptyResponse::NotFound);
        assert_eq!(
            named("listWebhooks").empty_response,
            EmptyResponse::EmptyList
        );
        assert_eq!(named("createWebhook").empty_response, EmptyResponse::Error);
        assert_eq!(
            named("listContactsByPublicIdentifiers").batch_size,
            Some(20)
        );
    }
}
