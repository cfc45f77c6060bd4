//! Documentation of the operation builders, written from the spec: a doc comment for each
//! setter (the parameter's description, and whether it is required), and for each
//! operation a `no_run` example that compiles, with the spec's example values.

use anyhow::{Context, Result};
use serde_json::Value;

use crate::spec_json::{resolve, snake_case};

/// One parameter of an operation, as its builder's setter documents it.
pub struct ParamDoc {
    /// The setter (`account_id`).
    pub setter: String,
    /// Its doc comment.
    pub doc: String,
    /// The argument of the setter in the example, if the example sets it.
    example: Option<String>,
}

/// The setter docs of every parameter (path and query) of an operation; constant
/// parameters, which the builder pre-sets, say so.
pub fn parameter_docs(spec: &Value, parameters: &[&Value]) -> Result<Vec<ParamDoc>> {
    let mut docs = Vec::new();
    for parameter in parameters {
        let name = parameter["name"].as_str().context("parameter name")?;
        let schema = resolve(spec, &parameter["schema"])?;
        let description = one_paragraph(parameter["description"].as_str().unwrap_or(name));
        let required = parameter["required"] == Value::Bool(true);
        let constant = schema
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|values| values.len() == 1);
        let doc = if constant {
            format!("{description}\n\nPre-set to the one value the API accepts; no need to set it.")
        } else if required {
            format!("{description}\n\n**Required.**")
        } else {
            format!("{description}\n\nOptional.")
        };
        let example = if constant || (!required && parameter.get("example").is_none()) {
            None
        } else {
            Some(rust_value(schema, parameter.get("example"))?)
        };
        docs.push(ParamDoc {
            setter: snake_case(name),
            doc,
            example,
        });
    }
    Ok(docs)
}

/// The docs of `body` and `body_map`, naming the body's schema.
pub fn body_docs(operation: &Value) -> Option<[ParamDoc; 2]> {
    let reference =
        operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].as_str()?;
    let schema = reference.rsplit('/').next().unwrap_or(reference);
    Some([
        ParamDoc {
            setter: "body".to_owned(),
            doc: format!(
                "The JSON body, a [`types::{schema}`](crate::types::{schema}).\n\n**Required.**"
            ),
            example: None,
        },
        ParamDoc {
            setter: "body_map".to_owned(),
            doc: format!(
                "Sets the fields of the JSON body one by one, on a \
                 [`types::{schema}Builder`](crate::types::{schema}Builder): \
                 `.body_map(|body| body.occupation(\"CTO\"))`."
            ),
            example: None,
        },
    ])
}

/// A compiling `no_run` example of `method`, with the spec's example values.
pub fn example(
    spec: &Value,
    method: &str,
    operation: &Value,
    parameters: &[ParamDoc],
) -> Result<String> {
    let mut calls = vec![format!(".{method}()")];
    for parameter in parameters {
        if let Some(value) = &parameter.example {
            calls.push(format!(".{}({value})", parameter.setter));
        }
    }
    let content = &operation["requestBody"]["content"]["application/json"];
    if let (Some(schema), Some(Value::Object(example))) =
        (content.get("schema"), content.get("example"))
    {
        let schema = resolve(spec, schema)?;
        let mut fields = String::from("|body| body");
        for (key, value) in example {
            let property = resolve(spec, &schema["properties"][key])?;
            // A timestamp would need a fallible parse inside the closure: left out.
            if property["format"] == "salesflow-timestamp" || property.get("allOf").is_some() {
                continue;
            }
            fields.push_str(&format!(
                ".{}({})",
                snake_case(key),
                rust_value(property, Some(value))?
            ));
        }
        calls.push(format!(".body_map({fields})"));
    }
    calls.push(".send()".to_owned());
    calls.push(".await?;".to_owned());
    let mut text = String::from(
        "```no_run\n# async fn example(client: &salesflow::Client) -> Result<(), Box<dyn std::error::Error>> {\nlet answer = client\n",
    );
    for call in calls {
        text.push_str("    ");
        text.push_str(&call);
        text.push('\n');
    }
    text.push_str("println!(\"{:?}\", answer.into_inner());\n# Ok(())\n# }\n```");
    Ok(text)
}

/// The Rust expression of an example value of `schema`.
fn rust_value(schema: &Value, example: Option<&Value>) -> Result<String> {
    let text = |value: &Value| {
        value
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| value.to_string())
    };
    Ok(match (schema["type"].as_str(), schema["format"].as_str()) {
        (Some("integer"), _) if schema.get("x-extensible-enum").is_some() => {
            format!(
                "salesflow::RunOn::from({})",
                example.map_or("1".to_owned(), text)
            )
        }
        (Some("integer"), _) => example.map_or("1".to_owned(), text),
        (Some("boolean"), _) => example.map_or("true".to_owned(), text),
        (Some("string"), Some("date")) => format!(
            "{:?}.parse::<salesflow::chrono::NaiveDate>()?",
            example.map_or("2024-01-01".to_owned(), text)
        ),
        (Some("string"), Some("salesflow-timestamp")) => format!(
            "{:?}.parse::<salesflow::Timestamp>()?",
            example.map_or("2024-01-01".to_owned(), text)
        ),
        (Some("string"), _) => format!("{:?}.to_owned()", example.map_or("text".to_owned(), text)),
        (Some("array"), _) => {
            let items: Vec<String> = example
                .and_then(Value::as_array)
                .map(|items| {
                    items
                        .iter()
                        .map(|item| format!("{:?}.to_owned()", text(item)))
                        .collect()
                })
                .unwrap_or_default();
            format!("vec![{}]", items.join(", "))
        }
        _ => example.map_or("Default::default()".to_owned(), text),
    })
}

/// A description as one paragraph per blank-line-separated block, lines joined.
fn one_paragraph(text: &str) -> String {
    text.trim()
        .split("\n\n")
        .map(|paragraph| paragraph.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n\n")
}
