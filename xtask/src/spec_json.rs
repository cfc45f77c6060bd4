//! Reading the spec as JSON: following `$ref`s, the names of properties, the names
//! progenitor gives operations.

use anyhow::{Context, Result};
use serde_json::Value;

/// The names of the properties of the spec's component schemas that `matches`, sorted,
/// each once.
pub(crate) fn property_names(spec: &Value, matches: impl Fn(&Value) -> bool) -> Vec<String> {
    let mut names: Vec<String> = spec["components"]["schemas"]
        .as_object()
        .into_iter()
        .flatten()
        .flat_map(|(_, schema)| schema["properties"].as_object().into_iter().flatten())
        .filter(|(_, property)| matches(property))
        .map(|(name, _)| name.clone())
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Follows a local `$ref`; an `allOf` of one schema is that schema.
pub(crate) fn resolve<'a>(spec: &'a Value, node: &'a Value) -> Result<&'a Value> {
    if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
        let pointer = reference.strip_prefix('#').context("only local $refs")?;
        let target = spec
            .pointer(pointer)
            .with_context(|| format!("{reference} names nothing"))?;
        return resolve(spec, target);
    }
    if let Some([only]) = node
        .get("allOf")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
    {
        return resolve(spec, only);
    }
    Ok(node)
}

/// One operation of the spec: where it is, and its parameters (the path item's and its
/// own, references followed).
pub(crate) struct SpecOperation<'a> {
    pub path: &'a str,
    pub method: &'a str,
    /// The spec's operationId.
    pub name: &'a str,
    pub operation: &'a Value,
    pub parameters: Vec<&'a Value>,
}

/// Every operation of the spec (those with an operationId), in the spec's order.
pub(crate) fn operations(spec: &Value) -> Result<Vec<SpecOperation<'_>>> {
    let mut found = Vec::new();
    for (path, item) in spec["paths"].as_object().context("paths")? {
        let shared = item.get("parameters").and_then(Value::as_array);
        for (method, operation) in item.as_object().context("path item")? {
            let Some(name) = operation.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let own = operation.get("parameters").and_then(Value::as_array);
            let parameters = shared
                .into_iter()
                .flatten()
                .chain(own.into_iter().flatten())
                .map(|p| resolve(spec, p))
                .collect::<Result<_>>()
                .with_context(|| format!("{method} {path}"))?;
            found.push(SpecOperation {
                path,
                method,
                name,
                operation,
                parameters,
            });
        }
    }
    Ok(found)
}

/// `listCampaigns` → `list_campaigns`, with the crate progenitor itself names methods with.
pub fn snake_case(camel: &str) -> String {
    heck::ToSnakeCase::to_snake_case(camel)
}

#[cfg(test)]
mod tests {
    use super::snake_case;

    #[test]
    fn snake_case_matches_progenitor_names() {
        assert_eq!(snake_case("listCampaigns"), "list_campaigns");
        assert_eq!(
            snake_case("getContactByPublicIdentifier"),
            "get_contact_by_public_identifier"
        );
    }
}
