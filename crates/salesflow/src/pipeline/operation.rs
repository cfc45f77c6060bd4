//! What the spec says about each operation beyond its types and rules: the types of the
//! table `generated/operations.rs` holds (looked up in `operation_table.rs`).

/// One operation of the spec, as the pipeline needs it.
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
