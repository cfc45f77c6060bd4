//! Query parameters that are not required: added only when they are set.

use progenitor_client::QueryParam;
use serde::Serialize;

/// What the generated code calls for every optional query parameter
/// (xtask/src/builder_rewrite.rs), instead of `query`.
pub(crate) trait OptionalQuery {
    /// `self` with `name=value` in its query when `value` is set, else `self` as it is:
    /// reqwest opens and re-serialises the whole query even for a parameter that adds
    /// nothing.
    fn query_optional<T: Serialize>(self, name: &str, value: &Option<T>) -> Self;
}

impl OptionalQuery for reqwest::RequestBuilder {
    fn query_optional<T: Serialize>(self, name: &str, value: &Option<T>) -> Self {
        match value {
            Some(_) => self.query(&QueryParam::new(name, value)),
            None => self,
        }
    }
}
