//! The spec's operations, generated into `generated/operations.rs`, looked up by name.

pub(crate) use crate::generated::operations::OPERATIONS;

use super::operation::{EmptyResponse, Operation};

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
