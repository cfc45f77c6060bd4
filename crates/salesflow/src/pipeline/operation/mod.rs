//! What the spec says about each operation beyond its types: the table's types and its
//! lookup here, the table itself (generated from the spec) beside them.

mod generated_table;

pub(crate) use generated_table::OPERATIONS;

/// One operation of the spec, as the hooks need it.
#[derive(Debug)]
pub(crate) struct Operation {
    /// The spec's operationId (`listCampaigns`), used in errors and traces.
    pub name: &'static str,
    /// progenitor's name (`list_campaigns`), the id hooks receive.
    pub id: &'static str,
    /// The spec's path (`/members/{memberId}`), below the host's URL.
    pub path: &'static str,
    /// Whether sending the same request twice is safe (`x-idempotent`, else by method).
    pub idempotent: bool,
    /// The production server of this operation when it is not the default one.
    pub server: Option<&'static str>,
    /// What its input must meet before it is sent.
    pub rules: &'static [Rule],
    /// What a 2xx answer without a body means (the spec's `x-empty-answer`).
    pub empty_answer: EmptyAnswer,
    /// How many items of its body's list one request should carry (`x-batch-size`).
    pub batch_size: Option<usize>,
    /// The longest query string the server takes, in bytes as sent, the token included
    /// (`x-max-query-length`).
    pub max_query_bytes: usize,
}

/// What a 2xx answer without a body (or with the body `null`) means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EmptyAnswer {
    /// Nothing documented: the answer is not what the API promises.
    Error,
    /// The operation succeeded; the HTTP status is its outcome.
    Outcome,
    /// A list with no items.
    EmptyList,
    /// The record asked for does not exist.
    NotFound,
}

/// Where a rule's field is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    /// A query parameter.
    Query,
    /// A top-level field of the JSON body.
    Body,
}

/// What a value must meet.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Check {
    /// At least this many characters (UTF-16 units, as the .NET server counts).
    MinLength(usize),
    /// At most this many characters (UTF-16 units, as the .NET server counts).
    MaxLength(usize),
    /// An array with at least this many items.
    MinItems(usize),
    /// An array whose every item has at least this many characters.
    ItemsMinLength(usize),
    /// Text with at least one character that is not white space (ASP.NET's `[Required]`).
    NotBlank,
    /// An array whose every item has a character that is not white space.
    ItemsNotBlank,
    /// An integer of at least this value.
    Minimum(i64),
    /// One of these values (as text).
    OneOf(&'static [&'static str]),
    /// An absolute http or https URL, on one of these hosts or their subdomains if any.
    HttpUrl { hosts: &'static [&'static str] },
}

/// A rule of the spec: the field at `place` must meet `check`.
#[derive(Debug)]
pub(crate) struct Rule {
    pub place: Place,
    pub field: &'static str,
    pub check: Check,
}

/// An operation no table entry describes: retried only where that is always safe.
const UNKNOWN: Operation = Operation {
    name: "unknown",
    id: "unknown",
    path: "",
    idempotent: false,
    server: None,
    rules: &[],
    empty_answer: EmptyAnswer::Error,
    batch_size: None,
    // The same server as the others.
    max_query_bytes: OPERATIONS[0].max_query_bytes,
};

/// The operation progenitor calls `id`.
pub(crate) fn find(id: &str) -> &'static Operation {
    OPERATIONS.iter().find(|op| op.id == id).unwrap_or(&UNKNOWN)
}

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
        assert!(!find("import_member").idempotent, "a GET that creates");
        assert!(
            find("list_contacts_by_public_identifiers").idempotent,
            "a POST that reads"
        );
        assert!(!find("start_campaign").idempotent);
        assert!(find("delete_contact").idempotent);
        assert_eq!(
            find("get_campaign_statistics").server,
            Some("https://app.salesflow.io/api")
        );
        assert_eq!(find("list_campaigns").server, None);
        assert_eq!(find("nope").name, "unknown");
        assert_eq!(named("deleteContact").empty_answer, EmptyAnswer::Outcome);
        assert_eq!(named("getContact").empty_answer, EmptyAnswer::NotFound);
        assert_eq!(named("listWebhooks").empty_answer, EmptyAnswer::EmptyList);
        assert_eq!(named("createWebhook").empty_answer, EmptyAnswer::Error);
        assert_eq!(
            named("listContactsByPublicIdentifiers").batch_size,
            Some(20)
        );
    }
}
