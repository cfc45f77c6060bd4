//! The CSV and table columns of each operation's answer, from its response schema, so the
//! same command prints the same columns whatever the rows hold (and a header for no rows).
//!
//! They mirror how the command flattens a record (crates/salesflow-cli/src/rows.rs): fields
//! by name, a nested record as `Parent.Child`, and the first list of records exploded into
//! one row per element, its columns last.

use anyhow::{Context, Result};
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::operations::{OperationFacts, resolve};

/// The generated `COLUMNS` table.
pub fn render(spec: &openapiv3::OpenAPI, facts: &[OperationFacts]) -> Result<TokenStream> {
    let spec = serde_json::to_value(spec)?;
    let mut entries = Vec::new();
    for op in facts {
        let schema = answer_schema(&spec, &op.name)?;
        let columns = columns(&spec, schema)?;
        let id = &op.snake;
        entries.push(quote!((#id, &[#(#columns),*])));
    }
    let count = entries.len();
    let timestamps = timestamp_fields(&spec);
    Ok(quote! {
        /// The CSV and table columns of each operation's answer (by progenitor's operation
        /// id), in order, from the response schema of the spec.
        pub const COLUMNS: [(&str, &[&str]); #count] = [#(#entries),*];

        /// The fields of the spec's schemas that hold a timestamp (`format:
        /// salesflow-timestamp`): the command prints them in one form, marked UTC.
        pub const TIMESTAMP_FIELDS: &[&str] = &[#(#timestamps),*];
    })
}

/// The names of every schema property whose value is a timestamp.
fn timestamp_fields(spec: &Value) -> Vec<String> {
    crate::operations::property_names(spec, |property| {
        property["format"] == "salesflow-timestamp"
            || property["$ref"] == "#/components/schemas/Timestamp"
    })
}

fn answer_schema<'a>(spec: &'a Value, name: &str) -> Result<&'a Value> {
    for item in spec["paths"].as_object().into_iter().flatten().map(|p| p.1) {
        for operation in item.as_object().into_iter().flatten().map(|o| o.1) {
            if operation["operationId"] == name {
                let schema =
                    &operation["responses"]["200"]["content"]["application/json"]["schema"];
                return resolve(spec, schema);
            }
        }
    }
    anyhow::bail!("{name}: no 200 JSON answer in the spec")
}

fn columns(spec: &Value, schema: &Value) -> Result<Vec<String>> {
    let record = if schema["type"] == "array" {
        resolve(spec, &schema["items"])?
    } else {
        schema
    };
    let properties = record["properties"]
        .as_object()
        .context("an answer's record has properties")?;
    let mut names: Vec<&String> = properties.keys().collect();
    names.sort();
    let mut shared = Vec::new();
    let mut exploded: Option<Vec<String>> = None;
    for name in names {
        let property = resolve(spec, &properties[name])?;
        if property["type"] == "array" {
            let items = resolve(spec, &property["items"])?;
            if items.get("properties").is_some() && exploded.is_none() {
                let mut children: Vec<&String> = items["properties"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|c| c.0)
                    .collect();
                children.sort();
                exploded = Some(
                    children
                        .into_iter()
                        .map(|c| format!("{name}.{c}"))
                        .collect(),
                );
                continue;
            }
        }
        if let Some(children) = property.get("properties").and_then(Value::as_object) {
            let mut children: Vec<&String> = children.keys().collect();
            children.sort();
            shared.extend(children.into_iter().map(|c| format!("{name}.{c}")));
        } else {
            shared.push(name.clone());
        }
    }
    shared.extend(exploded.unwrap_or_default());
    Ok(shared)
}
