//! Reads the validation rules of the spec: the string schemas with length limits or a
//! pattern.

use schemars::schema::{InstanceType, SchemaObject, SingleOrVec, StringValidation};

/// The `format` of every timestamp in the spec.
pub const TIMESTAMP_FORMAT: &str = "salesflow-timestamp";

/// Every distinct string schema of the spec that has `minLength`, `maxLength` or `pattern`, as
/// typify sees it (metadata aside): the timestamps (format [`TIMESTAMP_FORMAT`], whose
/// pattern is their forms), to be mapped to `Timestamp`, and the others, to a plain `String`.
pub fn constrained_strings(spec: &openapiv3::OpenAPI) -> (Vec<SchemaObject>, Vec<SchemaObject>) {
    let value = serde_json::to_value(spec).expect("an OpenAPI document is JSON");
    let mut found = Vec::new();
    collect(&value, &mut found);
    found
        .into_iter()
        .partition(|schema| schema.format.as_deref() == Some(TIMESTAMP_FORMAT))
}

/// `{type: string, format: <format>}`, as typify compares schemas.
pub fn string_with_format(format: &str) -> SchemaObject {
    SchemaObject {
        instance_type: Some(SingleOrVec::Single(Box::new(InstanceType::String))),
        format: Some(format.to_owned()),
        ..SchemaObject::default()
    }
}

fn collect(value: &serde_json::Value, found: &mut Vec<SchemaObject>) {
    match value {
        serde_json::Value::Object(map) => {
            let is_string = map.get("type").and_then(|t| t.as_str()) == Some("string");
            let length = |key: &str| map.get(key).and_then(serde_json::Value::as_u64);
            let (min, max) = (length("minLength"), length("maxLength"));
            let pattern = map
                .get("pattern")
                .and_then(|p| p.as_str())
                .map(str::to_owned);
            if is_string && (min.is_some() || max.is_some() || pattern.is_some()) {
                let schema = SchemaObject {
                    instance_type: Some(SingleOrVec::Single(Box::new(InstanceType::String))),
                    format: map
                        .get("format")
                        .and_then(|f| f.as_str())
                        .map(str::to_owned),
                    string: Some(Box::new(StringValidation {
                        min_length: min.map(|n| n as u32),
                        max_length: max.map(|n| n as u32),
                        pattern,
                    })),
                    // progenitor carries `x-` keys over into the schema typify compares.
                    extensions: map
                        .iter()
                        .filter(|(key, _)| key.starts_with("x-"))
                        .map(|(key, value)| (key.clone(), value.clone()))
                        .collect(),
                    ..SchemaObject::default()
                };
                if !found.contains(&schema) {
                    found.push(schema);
                }
            }
            map.values().for_each(|child| collect(child, found));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|child| collect(child, found)),
        _ => {}
    }
}
