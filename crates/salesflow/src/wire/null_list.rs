//! A list a .NET server may write as `null` (or leave out): both read as an empty list, by
//! serde alone (the generated types' nullable lists use it; see xtask/src/nullable_lists.rs).

use serde::{Deserialize, Deserializer};

/// Reads `null` as an empty list, and a list as itself.
pub(crate) fn null_as_empty<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(deserializer)?.unwrap_or_default())
}
