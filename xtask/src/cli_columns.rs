//! The CSV and table columns of each operation's answer, from its response schema, so the
//! same command prints the same columns whatever the rows hold (and a header for no rows).
//!
//! They mirror how the command flattens a record (crates/salesflow-cli/src/rows.rs): fields
//! in the order the spec (and so the docs) lists them (ids, names, then the rest), a nested
//! record as `Parent.Child`, and the first list of records exploded into one row per
//! element, its columns last. The sync's CSV files use the same order (a test in the
//! command checks that they agree).

use anyhow::Result;
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::operations::OperationFacts;
use crate::spec_json::resolve;

/// The generated `COLUMNS` table.
pub fn render(spec: &openapiv3::OpenAPI, facts: &[OperationFacts]) -> Result<TokenStream> {
    let order = Order(spec);
    let spec = serde_json::to_value(spec)?;
    let mut entries = Vec::new();
    for op in facts {
        let schema = answer_schema(&spec, &op.name)?;
        let columns = columns(&spec, &order, schema)?;
        let id = &op.snake;
        entries.push(quote!((#id, &[#(#columns),*])));
    }
    let count = entries.len();
    let mut bodies = Vec::new();
    for op in facts {
        if let Some(schema) = body_schema(&spec, &op.name)? {
            let fields: Vec<&String> = order.of(&spec, resolve(&spec, schema)?);
            let id = &op.snake;
            bodies.push(quote!((#id, &[#(#fields),*])));
        }
    }
    let body_count = bodies.len();
    let timestamps = timestamp_fields(&spec);
    Ok(quote! {
        /// The CSV and table columns of each operation's answer (by progenitor's operation
        /// id), in order, from the response schema of the spec.
        pub const COLUMNS: [(&str, &[&str]); #count] = [#(#entries),*];

        /// The fields of each operation's JSON body (by progenitor's operation id), as the
        /// spec spells them: a `--json-body` file's keys are matched to these.
        pub const BODY_FIELDS: [(&str, &[&str]); #body_count] = [#(#bodies),*];

        /// The fields of the spec's schemas that hold a timestamp (`format:
        /// salesflow-timestamp`): the command prints them in one form, marked UTC.
        pub const TIMESTAMP_FIELDS: &[&str] = &[#(#timestamps),*];
    })
}

/// The names of every schema property whose value is a timestamp.
fn timestamp_fields(spec: &Value) -> Vec<String> {
    crate::spec_json::property_names(spec, |property| {
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

/// The order of each schema's properties as the spec's text lists them (`serde_json`'s map,
/// without `preserve_order`, sorts them; openapiv3 keeps them).
struct Order<'a>(&'a openapiv3::OpenAPI);

impl Order<'_> {
    /// The property names of `record` (a schema of `spec`), in the spec's order: a schema
    /// of `components` is found by identity; any other is sorted by name.
    fn of<'v>(&self, spec: &'v Value, record: &'v Value) -> Vec<&'v String> {
        let Some(properties) = record.get("properties").and_then(Value::as_object) else {
            return Vec::new();
        };
        let mut names: Vec<&String> = properties.keys().collect();
        names.sort();
        let components = self.0.components.iter().flat_map(|c| &c.schemas);
        for (name, schema) in components {
            if !std::ptr::eq(&spec["components"]["schemas"][name], record) {
                continue;
            }
            if let openapiv3::ReferenceOr::Item(openapiv3::Schema {
                schema_kind: openapiv3::SchemaKind::Type(openapiv3::Type::Object(object)),
                ..
            }) = schema
            {
                let position = |n: &String| object.properties.get_index_of(n.as_str());
                names.sort_by_key(|n| position(n));
            }
        }
        names
    }
}

/// The schema of the JSON body of operation `name`, if it takes one.
fn body_schema<'a>(spec: &'a Value, name: &str) -> Result<Option<&'a Value>> {
    for item in spec["paths"].as_object().into_iter().flatten().map(|p| p.1) {
        for operation in item.as_object().into_iter().flatten().map(|o| o.1) {
            if operation["operationId"] == name {
                let body = resolve(spec, &operation["requestBody"])?;
                let schema = &body["content"]["application/json"]["schema"];
                return Ok((!schema.is_null()).then_some(schema));
            }
        }
    }
    anyhow::bail!("{name}: not in the spec")
}

fn columns(spec: &Value, order: &Order, schema: &Value) -> Result<Vec<String>> {
    let record = if schema["type"] == "array" {
        resolve(spec, &schema["items"])?
    } else {
        schema
    };
    anyhow::ensure!(
        record["properties"].is_object(),
        "an answer's record has properties"
    );
    let mut shared = Vec::new();
    let mut exploded: Option<Vec<String>> = None;
    for name in order.of(spec, record) {
        let property = resolve(spec, &record["properties"][name])?;
        if property["type"] == "array" {
            let items = resolve(spec, &property["items"])?;
            if items.get("properties").is_some() && exploded.is_none() {
                let children = order.of(spec, items);
                exploded = Some(children.iter().map(|c| format!("{name}.{c}")).collect());
                continue;
            }
        }
        if property.get("properties").is_some() {
            let children = order.of(spec, property);
            shared.extend(children.iter().map(|c| format!("{name}.{c}")));
        } else {
            shared.push(name.clone());
        }
    }
    shared.extend(exploded.unwrap_or_default());
    Ok(shared)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_follow_the_spec_not_the_alphabet() {
        let text = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Contact:
      type: object
      properties:
        MemberId: {type: integer}
        FirstName: {type: string}
        Stats: {$ref: "#/components/schemas/Stats"}
        AddedAt: {type: string}
        Messages: {type: array, items: {$ref: "#/components/schemas/Message"}}
    Stats:
      type: object
      properties: {Zeta: {type: integer}, Alpha: {type: integer}}
    Message:
      type: object
      properties: {Text: {type: string}, CreatedAt: {type: string}}
"##;
        let openapi: openapiv3::OpenAPI = serde_yaml_ng::from_str(text).unwrap();
        let spec = serde_json::to_value(&openapi).unwrap();
        let answer =
            serde_json::json!({"type": "array", "items": {"$ref": "#/components/schemas/Contact"}});
        let columns = columns(&spec, &Order(&openapi), &answer).unwrap();
        assert_eq!(
            columns,
            [
                "MemberId",
                "FirstName",
                "Stats.Zeta",
                "Stats.Alpha",
                "AddedAt",
                "Messages.Text",
                "Messages.CreatedAt"
            ]
        );
    }
}
