//! What the spec says about each operation beyond its types (see `generated_operations.rs`).

use crate::generated_operations::OPERATIONS;
use crate::validation::Rule;

/// One operation of the spec, as the hooks need it.
#[derive(Debug)]
pub(crate) struct Operation {
    /// The spec's operationId (`listCampaigns`), used in errors and traces.
    pub name: &'static str,
    /// progenitor's name (`list_campaigns`), the id hooks receive.
    pub id: &'static str,
    /// Whether sending the same request twice is safe (`x-idempotent`, else by method).
    pub idempotent: bool,
    /// The production server of this operation when it is not the default one.
    pub server: Option<&'static str>,
    /// What its input must meet before it is sent.
    pub rules: &'static [Rule],
}

/// An operation no table entry describes: retried only where that is always safe.
const UNKNOWN: Operation = Operation {
    name: "unknown",
    id: "unknown",
    idempotent: false,
    server: None,
    rules: &[],
};

/// The operation progenitor calls `id`.
pub(crate) fn find(id: &str) -> &'static Operation {
    OPERATIONS.iter().find(|op| op.id == id).unwrap_or(&UNKNOWN)
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
    }
}
