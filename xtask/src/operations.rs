//! Reads per-operation facts from the spec (host, idempotency, validation rules, constant
//! parameters, docs) and renders the operation table (`generated/operations.rs`) the
//! pipeline consults.

use crate::spec_json::{resolve, snake_case};
use anyhow::{Context, Result, bail};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

/// What the client needs to know about one operation beyond what progenitor generates.
pub struct OperationFacts {
    /// The spec's operationId (`listCampaigns`).
    pub name: String,
    /// progenitor's name for it (`list_campaigns`), the method and `OperationInfo` id.
    pub snake: String,
    /// progenitor's builder type (`ListCampaigns`).
    pub builder: String,
    /// The spec's path (`/members/{memberId}`), below the server's URL.
    path: String,
    /// Whether sending the same request twice is safe (`x-idempotent`, else by method).
    pub idempotent: bool,
    server: Option<String>,
    /// Parameters that can take one value only, pre-set in the builder: (field, value).
    pub constants: Vec<(String, Value)>,
    /// The spec's rules on its input, checked on the builder's values before sending.
    pub rules: Vec<RuleFacts>,
    /// The body's schema name (`ContactUpdate`), where it takes a JSON body.
    pub body_type: Option<String>,
    /// What a 2xx answer without a body means (`x-empty-response`).
    empty_response: EmptyResponse,
    /// How many items of the body's list one request should carry (`x-batch-size`).
    batch_size: Option<usize>,
    /// The longest query string the server takes, in bytes (`x-max-query-length`).
    max_query_bytes: usize,
    /// The spec's names of the array query parameters (`customFields`).
    pub array_params: Vec<String>,
    /// The spec's names of the query parameters that are not required (an `Option` in the
    /// builder, added to the query only when set).
    pub optional_query: Vec<String>,
    /// The doc comment of each setter of the builder.
    pub setter_docs: Vec<crate::examples::ParamDoc>,
    /// A compiling example of the call, for the method's doc comment.
    pub example: String,
}

/// The values of `x-empty-response`, named as the SDK's `EmptyResponse` names them.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum EmptyResponse {
    /// Not documented: an empty answer is an error.
    Error,
    /// `outcome`: success, the HTTP status being the outcome.
    Outcome,
    /// `empty-list`: a list with no items.
    EmptyList,
    /// `not-found`: the record asked for does not exist.
    NotFound,
}

impl EmptyResponse {
    fn read(operation: &Value, name: &str) -> Result<Self> {
        Ok(
            match operation.get("x-empty-response").map(|v| v.as_str()) {
                None => Self::Error,
                Some(Some("outcome")) => Self::Outcome,
                Some(Some("empty-list")) => Self::EmptyList,
                Some(Some("not-found")) => Self::NotFound,
                Some(other) => {
                    bail!(
                        "{name}: x-empty-response is {other:?}; use outcome, empty-list or not-found"
                    )
                }
            },
        )
    }
}

/// A rule of the spec: the value of `field` (in the body, or a query parameter) must meet
/// `check` (a `crate::pipeline::validation::Check` expression).
pub struct RuleFacts {
    pub body: bool,
    pub field: String,
    pub check: TokenStream,
}

/// Every operation of the spec, in the spec's order.
pub fn read(spec: &openapiv3::OpenAPI) -> Result<Vec<OperationFacts>> {
    let spec = serde_json::to_value(spec).context("the spec as JSON")?;
    crate::spec_json::operations(&spec)?
        .into_iter()
        .map(|op| {
            operation_facts(
                &spec,
                op.path,
                op.name,
                op.method,
                op.operation,
                &op.parameters,
            )
            .with_context(|| format!("{} {}", op.method, op.path))
        })
        .collect()
}

fn operation_facts(
    spec: &Value,
    path: &str,
    name: &str,
    method: &str,
    operation: &Value,
    parameters: &[&Value],
) -> Result<OperationFacts> {
    let idempotent = operation
        .get("x-idempotent")
        .and_then(Value::as_bool)
        .unwrap_or(matches!(method, "get" | "delete" | "put" | "head"));
    // The operation's own limit, or the document's.
    let max_query_bytes = operation
        .get("x-max-query-length")
        .or_else(|| spec.get("x-max-query-length"))
        .and_then(Value::as_u64)
        .with_context(|| {
            format!("{name}: no x-max-query-length (the longest query string the server takes) on the operation or at the spec's root")
        })? as usize;
    let server = operation["servers"][0]["url"].as_str().map(str::to_owned);
    let mut rules = Vec::new();
    let mut constants = Vec::new();
    let mut array_params = Vec::new();
    let mut optional_query = Vec::new();
    for parameter in parameters {
        let field = parameter["name"].as_str().context("parameter name")?;
        if parameter["in"] != "query" {
            continue;
        }
        if parameter["required"] != true {
            optional_query.push(field.to_owned());
        }
        let schema = resolve(spec, &parameter["schema"])?;
        if schema["type"] == "array" {
            array_params.push(field.to_owned());
        }
        if let Some([only]) = schema
            .get("enum")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
        {
            constants.push((snake_case(field), only.clone()));
        }
        rules.extend(checks(schema, name)?.into_iter().map(|check| RuleFacts {
            body: false,
            field: field.to_owned(),
            check,
        }));
    }
    let mut batch_size = None;
    if let Some(body) = operation["requestBody"]["content"]["application/json"].get("schema") {
        let body = resolve(spec, body)?;
        for (field, property) in body["properties"].as_object().into_iter().flatten() {
            let property = resolve(spec, property)?;
            rules.extend(checks(property, name)?.into_iter().map(|check| RuleFacts {
                body: true,
                field: field.clone(),
                check,
            }));
            if let Some(size) = property.get("x-batch-size") {
                let size = size
                    .as_u64()
                    .filter(|size| *size > 0)
                    .with_context(|| format!("{name}: x-batch-size of {field} is not a count"))?;
                batch_size = Some(size as usize);
            }
        }
    }
    let empty_response = EmptyResponse::read(operation, name)?;
    let documents_204 = operation["responses"].get("204").is_some();
    if documents_204 != (empty_response != EmptyResponse::Error) {
        bail!(
            "{name}: an operation documents a 204 answer exactly when it says what an empty \
             answer means (x-empty-response)"
        );
    }
    let builder = heck::ToUpperCamelCase::to_upper_camel_case(name);
    let snake = snake_case(name);
    let mut setter_docs = crate::examples::parameter_docs(spec, parameters)?;
    let example = crate::examples::example(spec, &snake, operation, &setter_docs)?;
    setter_docs.extend(crate::examples::body_docs(operation).into_iter().flatten());
    Ok(OperationFacts {
        name: name.to_owned(),
        snake,
        builder,
        path: path.to_owned(),
        idempotent,
        server,
        constants,
        rules,
        empty_response,
        batch_size,
        max_query_bytes,
        array_params,
        optional_query,
        body_type: operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            .as_str()
            .and_then(|reference| reference.rsplit('/').next())
            .map(str::to_owned),
        setter_docs,
        example,
    })
}

/// The one `pattern` the spec uses: at least one character that is not white space, the
/// rule of ASP.NET's `[Required]` (which rejects empty and whitespace-only strings).
const NOT_BLANK: &str = "\\S";

/// The checks a value's schema asks for, as `crate::validation::Check` expressions.
fn checks(schema: &Value, operation: &str) -> Result<Vec<TokenStream>> {
    let mut checks = Vec::new();
    let number = |key: &str| schema.get(key).and_then(Value::as_u64).map(|n| n as usize);
    let not_blank = |schema: &Value| -> Result<bool> {
        match schema.get("pattern").map(Value::as_str) {
            None => Ok(false),
            Some(Some(NOT_BLANK)) => Ok(true),
            // The hosts' pattern, for tools: `x-allowed-hosts` gives the check.
            Some(_) if schema.get("x-allowed-hosts").is_some() => Ok(false),
            Some(other) => bail!(
                "{operation}: pattern {other:?} has no check; only {NOT_BLANK:?} (not blank) is known"
            ),
        }
    };
    match schema["type"].as_str() {
        // A timestamp's `pattern` is its forms, which `Timestamp` itself parses.
        Some("string") if schema["format"] == crate::constraints::TIMESTAMP_FORMAT => {}
        Some("string") => {
            if let Some(min) = number("minLength") {
                checks.push(quote!(Check::MinLength(#min)));
            }
            if not_blank(schema)? {
                checks.push(quote!(Check::NotBlank));
            }
            // The server's own limit, in UTF-16 units, where `maxLength` is its half in
            // characters (what a JSON-Schema client can never pass).
            if let Some(max) = number("x-max-length-utf16").or_else(|| number("maxLength")) {
                checks.push(quote!(Check::MaxLength(#max)));
            }
            if schema["format"] == "uri" {
                let hosts = strings(&schema["x-allowed-hosts"]);
                checks.push(quote!(Check::HttpUrl { hosts: &[#(#hosts),*] }));
            }
        }
        Some("array") => {
            if let Some(min) = number("minItems") {
                checks.push(quote!(Check::MinItems(#min)));
            }
            if let Some(min) = schema["items"].get("minLength").and_then(Value::as_u64) {
                let min = min as usize;
                checks.push(quote!(Check::ItemsMinLength(#min)));
            }
            if not_blank(&schema["items"])? {
                checks.push(quote!(Check::ItemsNotBlank));
            }
        }
        Some("integer") => {
            if let Some(min) = schema.get("minimum").and_then(Value::as_i64) {
                checks.push(quote!(Check::Minimum(#min)));
            }
        }
        _ => {}
    }
    // A closed `enum` lists every valid value. An `x-extensible-enum` lists the known ones
    // only: a new value must go through, so it gives no check.
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let values: Vec<String> = values.iter().map(scalar_text).collect();
        checks.push(quote!(Check::OneOf(&[#(#values),*])));
    }
    Ok(checks)
}

/// A JSON scalar as it appears in a query string.
fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The table of operations (`generated/operations.rs`).
pub fn render(facts: &[OperationFacts]) -> Result<TokenStream> {
    if facts.is_empty() {
        bail!("the spec has no operations");
    }
    let entries = facts.iter().map(|op| {
        let (name, path, idempotent) = (&op.name, &op.path, op.idempotent);
        let max_query_bytes = op.max_query_bytes;
        let empty_response = format_ident!("{}", format!("{:?}", op.empty_response));
        let batch_size = match op.batch_size {
            Some(size) => quote!(Some(#size)),
            None => quote!(None),
        };
        let server = match &op.server {
            Some(url) => quote!(Some(#url)),
            None => quote!(None),
        };
        quote! {
            Operation {
                name: #name,
                path: #path,
                idempotent: #idempotent,
                server: #server,
                empty_response: EmptyResponse::#empty_response,
                batch_size: #batch_size,
                max_query_bytes: #max_query_bytes,
            }
        }
    });
    let count = facts.len();
    Ok(quote! {
        use crate::pipeline::operation::{EmptyResponse, Operation};

        /// Every operation of the spec, in its order: its host, whether it may be repeated,
        /// the longest query string it may carry, and what an empty answer means. (The rules
        /// on its input are checked by its builder: `impl Call` in `client.rs`.)
        pub(crate) const OPERATIONS: [Operation; #count] = [#(#entries),*];
    })
}
