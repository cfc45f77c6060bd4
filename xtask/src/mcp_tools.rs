//! The MCP server's tools, one per operation (`crates/salesflow-mcp/src/generated/tools.rs`):
//! each tool's name, title and description for a model, its input schema (the spec's
//! parameters and body fields, references inlined, as plain JSON Schema), its hints, and the
//! code that turns a call's arguments into the client's builder call.

use anyhow::{Context, Result, bail};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::{Map, Value, json};

use crate::operations::OperationFacts;
use crate::spec_json::resolve;

/// The `format`s a JSON Schema client understands that the spec uses on inputs; others
/// (`int64`, `salesflow-timestamp`) are the spec's own and are left out.
const KNOWN_FORMATS: [&str; 4] = ["date", "date-time", "uri", "email"];

/// The longest `pattern` kept in a tool's schema: longer ones (the timestamp forms) cost a
/// model more than the description that says the same.
const MAX_PATTERN: usize = 40;

/// One input of a tool: a parameter of the operation, or a field of its body.
struct Input {
    /// Its name in the tool's arguments: the parameter's name, or the body field's in
    /// lowerCamelCase (`Name` → `name`), so every argument is spelt alike.
    name: String,
    /// The builder's setter (`account_id`), for a parameter.
    setter: Option<String>,
    /// The body's key (`Name`), for a body field.
    body_key: Option<String>,
    required: bool,
    /// Its JSON Schema in the tool's input schema.
    schema: Value,
    /// The Rust type the builder's setter takes, for a parameter.
    rust_type: Option<syn::Type>,
}

/// What one tool is made of.
struct ToolFacts {
    name: String,
    title: String,
    description: String,
    inputs: Vec<Input>,
    read_only: bool,
    destructive: bool,
    idempotent: bool,
    /// For a list: whether its items have a `Status` (the `status` filter).
    list: Option<bool>,
    /// The builder method (`list_campaigns`) and its body type (`ContactUpdate`).
    snake: String,
    body_type: Option<String>,
}

/// The tools of the spec's operations, rendered as `generated/tools.rs`.
pub fn render(
    spec: &openapiv3::OpenAPI,
    facts: &[OperationFacts],
    client: &syn::File,
) -> Result<TokenStream> {
    let spec = serde_json::to_value(spec).context("the spec as JSON")?;
    let tool_names: Vec<(String, String)> = facts
        .iter()
        .map(|op| (op.name.clone(), op.snake.clone()))
        .collect();
    let mut tools = Vec::new();
    for found in crate::spec_json::operations(&spec)? {
        let op = facts
            .iter()
            .find(|op| op.name == found.name)
            .with_context(|| format!("{}: no operation facts", found.name))?;
        tools.push(
            tool(&spec, &found, op, client, &tool_names)
                .with_context(|| format!("{} {} ({})", found.method, found.path, found.name))?,
        );
    }
    if tools.is_empty() {
        bail!("the spec has no operations");
    }
    tokens(&tools)
}

fn tool(
    spec: &Value,
    found: &crate::spec_json::SpecOperation<'_>,
    op: &OperationFacts,
    client: &syn::File,
    tool_names: &[(String, String)],
) -> Result<ToolFacts> {
    let (method, operation) = (found.method, found.operation);
    let fields = builder_fields(client, &op.builder)?;
    let mut inputs = Vec::new();
    for parameter in &found.parameters {
        let name = parameter["name"].as_str().context("parameter name")?;
        let setter = crate::spec_json::snake_case(name);
        // A parameter with one possible value is pre-set by the builder.
        if op.constants.iter().any(|(field, _)| *field == setter) {
            continue;
        }
        let rust_type = fields
            .iter()
            .find(|(field, _)| *field == setter)
            .map(|(_, ty)| ty.clone())
            .with_context(|| format!("builder {} has no field {setter}", op.builder))?;
        let mut schema = json_schema(spec, &parameter["schema"], tool_names)?;
        if let Some(text) = parameter["description"].as_str() {
            schema["description"] = json!(for_a_model(text, tool_names, &[]));
        }
        inputs.push(Input {
            name: name.to_owned(),
            setter: Some(setter),
            body_key: None,
            required: parameter["required"] == true,
            schema,
            rust_type: Some(rust_type),
        });
    }
    if let Some(body) = operation["requestBody"]["content"]["application/json"].get("schema") {
        let body = resolve(spec, body)?;
        if body["type"] != "object" {
            bail!("a tool's body must be an object, to give its fields as arguments");
        }
        let required = strings(&body["required"]);
        for (key, property) in body["properties"].as_object().into_iter().flatten() {
            let name = heck::ToLowerCamelCase::to_lower_camel_case(key.as_str());
            if inputs.iter().any(|input| input.name == name) {
                bail!("the body field {key} and a parameter are both the argument {name}");
            }
            inputs.push(Input {
                name,
                setter: None,
                body_key: Some(key.clone()),
                required: required.contains(key),
                schema: json_schema(spec, property, tool_names)?,
                rust_type: None,
            });
        }
    }
    let read_only = operation
        .get("x-read-only")
        .and_then(Value::as_bool)
        .unwrap_or(method == "get");
    let destructive = operation
        .get("x-destructive")
        .and_then(Value::as_bool)
        .unwrap_or(method == "delete");
    let answer = operation["responses"]
        .as_object()
        .into_iter()
        .flatten()
        .find(|(status, _)| status.starts_with('2'))
        .map(|(_, answer)| resolve(spec, answer))
        .transpose()?
        .and_then(|answer| answer["content"]["application/json"].get("schema"))
        .map(|schema| resolve(spec, schema))
        .transpose()?;
    let list = match answer {
        Some(schema) if schema["type"] == "array" => {
            let item = resolve(spec, &schema["items"])?;
            Some(item["properties"].get("Status").is_some())
        }
        _ => None,
    };
    let renames: Vec<(String, String)> = inputs
        .iter()
        .filter_map(|input| Some((input.body_key.clone()?, input.name.clone())))
        .filter(|(key, name)| key != name)
        .collect();
    let summary = operation["summary"].as_str().context("summary")?;
    let description = operation["description"].as_str().unwrap_or_default();
    Ok(ToolFacts {
        name: op.snake.clone(),
        title: summary.to_owned(),
        description: for_a_model(
            &format!("{summary}.\n\n{description}"),
            tool_names,
            &renames,
        ),
        inputs,
        read_only,
        destructive,
        idempotent: op.idempotent,
        list,
        snake: op.snake.clone(),
        body_type: op.body_type.clone(),
    })
}

/// The fields of builder `name` and the types their setters take (`Result<Option<T>,
/// String>` → `T`), with paths that resolve outside the client crate.
fn builder_fields(client: &syn::File, name: &str) -> Result<Vec<(String, syn::Type)>> {
    let module = client
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(module) if module.ident == "builder" => module.content.as_ref(),
            _ => None,
        })
        .context("the client has no `mod builder`")?;
    let builder = module
        .1
        .iter()
        .find_map(|item| match item {
            syn::Item::Struct(found) if found.ident == name => Some(found),
            _ => None,
        })
        .with_context(|| format!("the client has no builder {name}"))?;
    let mut fields = Vec::new();
    for field in &builder.fields {
        let Some(ident) = &field.ident else { continue };
        let Some(inner) = generic_argument(&field.ty, "Result") else {
            continue;
        };
        let inner = generic_argument(&inner, "Option").unwrap_or(inner);
        let text = quote!(#inner)
            .to_string()
            .replace(":: chrono :: naive :: ", ":: salesflow :: chrono :: ");
        let text = if text.starts_with("types ::") {
            format!(":: salesflow :: {text}")
        } else {
            text
        };
        let ty = syn::parse_str(&text).with_context(|| format!("type {text}"))?;
        fields.push((ident.to_string(), ty));
    }
    Ok(fields)
}

/// `T` of `Wrapper<T, ..>`.
fn generic_argument(ty: &syn::Type, wrapper: &str) -> Option<syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    if last.ident != wrapper {
        return None;
    }
    let syn::PathArguments::AngleBracketed(arguments) = &last.arguments else {
        return None;
    };
    match arguments.args.first()? {
        syn::GenericArgument::Type(inner) => Some(inner.clone()),
        _ => None,
    }
}

/// A spec schema as plain JSON Schema for a tool's input: references inlined, `nullable`
/// and the spec's extensions left out, only the formats a client knows, short patterns.
fn json_schema(spec: &Value, schema: &Value, tool_names: &[(String, String)]) -> Result<Value> {
    let schema = resolve(spec, schema)?;
    let mut out = Map::new();
    for (key, value) in schema.as_object().context("a schema is an object")? {
        match key.as_str() {
            "type" | "enum" | "minimum" | "maximum" | "minLength" | "maxLength" | "minItems"
            | "maxItems" | "default" => {
                out.insert(key.clone(), value.clone());
            }
            // The most items one request should carry: the most a call takes.
            "x-batch-size" => {
                out.insert("maxItems".to_owned(), value.clone());
            }
            "format" if KNOWN_FORMATS.contains(&value.as_str().unwrap_or_default()) => {
                out.insert(key.clone(), value.clone());
            }
            "pattern" if value.as_str().is_some_and(|p| p.len() <= MAX_PATTERN) => {
                out.insert(key.clone(), value.clone());
            }
            "description" => {
                let text = value.as_str().unwrap_or_default();
                out.insert(key.clone(), json!(for_a_model(text, tool_names, &[])));
            }
            "example" => {
                out.insert("examples".to_owned(), json!([value]));
            }
            "items" => {
                out.insert(key.clone(), json_schema(spec, value, tool_names)?);
            }
            "oneOf" | "anyOf" | "allOf" | "properties" | "$ref" => {
                bail!("a tool input with `{key}` has no plain JSON Schema form here")
            }
            _ => {}
        }
    }
    Ok(Value::Object(out))
}

/// Sentences about the wire, which the server handles and a model cannot act on: the
/// spec's extensions, the request's length, parameters the builder sets itself.
const WIRE_WORDS: [&str; 4] = ["`x-", "Content-Length", "query keys", "`isForceRequest`"];

/// The spec's text for a model: operationIds as tool names (`` `listAccounts` `` →
/// `` `list_accounts` ``), body keys as the tool's arguments (`` `Name` `` → `` `name` ``),
/// without the paragraphs about hosts (the server picks them) and the sentences about the
/// wire.
fn for_a_model(
    text: &str,
    tool_names: &[(String, String)],
    renames: &[(String, String)],
) -> String {
    let text = tool_names
        .iter()
        .chain(renames)
        .fold(text.to_owned(), |text, (from, to)| {
            text.replace(&format!("`{from}`"), &format!("`{to}`"))
        });
    text.trim()
        .split("\n\n")
        .filter(|paragraph| !paragraph.contains("served by"))
        .map(|paragraph| {
            // The spec wraps at 100 columns; a model reads one line a paragraph as well.
            let mut out = String::new();
            for line in paragraph.lines().map(str::trim) {
                if !out.is_empty() {
                    out.push(if line.starts_with("- ") { '\n' } else { ' ' });
                }
                out.push_str(line);
            }
            out.split_inclusive(". ")
                .filter(|sentence| !WIRE_WORDS.iter().any(|word| sentence.contains(word)))
                .collect::<String>()
                .trim()
                .to_owned()
        })
        .filter(|paragraph| !paragraph.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

/// The input schema of a tool: its inputs, a root `type: object`, no other argument; a raw
/// string literal of pretty JSON, for a reader of the generated file.
fn input_schema(tool: &ToolFacts) -> Result<TokenStream> {
    let properties: Map<String, Value> = tool
        .inputs
        .iter()
        .map(|input| (input.name.clone(), input.schema.clone()))
        .collect();
    let required: Vec<&str> = tool
        .inputs
        .iter()
        .filter(|input| input.required)
        .map(|input| input.name.as_str())
        .collect();
    let schema = json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    });
    let text = serde_json::to_string_pretty(&schema)?;
    if text.contains("\"#") {
        bail!(
            "the schema of {} holds `\"#`, which ends a raw string",
            tool.name
        );
    }
    format!("r#\"{text}\"#")
        .parse()
        .map_err(|error| anyhow::anyhow!("the schema of {} as a literal: {error}", tool.name))
}

fn tokens(tools: &[ToolFacts]) -> Result<TokenStream> {
    let mut entries = Vec::new();
    for tool in tools {
        let (name, title, description) = (&tool.name, &tool.title, &tool.description);
        let schema = input_schema(tool)?;
        let (read_only, destructive, idempotent) =
            (tool.read_only, tool.destructive, tool.idempotent);
        let list = match tool.list {
            Some(status) => quote!(Some(ListItems { status: #status })),
            None => quote!(None),
        };
        entries.push(quote! {
            OperationTool {
                name: #name,
                title: #title,
                description: #description,
                input_schema: #schema,
                hints: Hints {
                    read_only: #read_only,
                    destructive: #destructive,
                    idempotent: #idempotent,
                    open_world: true,
                },
                list: #list,
            }
        });
    }
    let arms = tools.iter().map(dispatch_arm);
    let count = tools.len();
    Ok(quote! {
        use crate::arguments::{Arguments, BodyField};
        use crate::operation_tool::{Hints, ListItems, OperationTool};
        use crate::outcome::Outcome;
        use crate::tool_error::ToolError;

        /// A tool for every operation of the spec, in its order.
        pub(crate) const OPERATION_TOOLS: [OperationTool; #count] = [#(#entries),*];

        /// Calls the operation of tool `name` with `arguments`: every argument is used or
        /// refused, a write with `dry_run` is checked and not sent, a list is read as a
        /// stream and answered a page at a time.
        pub(crate) async fn call_operation(
            client: &::salesflow::Client,
            name: &str,
            arguments: &mut Arguments,
        ) -> ::std::result::Result<Outcome, ToolError> {
            match name {
                #(#arms)*
                _ => Err(ToolError::unknown_tool(name)),
            }
        }
    })
}

fn dispatch_arm(tool: &ToolFacts) -> TokenStream {
    let name = &tool.name;
    let method = format_ident!("{}", tool.snake);
    let parameters = tool.inputs.iter().filter_map(|input| {
        let setter = format_ident!("{}", input.setter.as_ref()?);
        let ty = input.rust_type.as_ref()?;
        let argument = &input.name;
        Some(if input.required {
            quote! { call = call.#setter(arguments.required::<#ty>(#argument)?); }
        } else {
            quote! {
                if let Some(value) = arguments.optional::<#ty>(#argument)? {
                    call = call.#setter(value);
                }
            }
        })
    });
    let body = tool.body_type.as_ref().map(|body_type| {
        let ty = format_ident!("{body_type}");
        let fields = tool.inputs.iter().filter_map(|input| {
            let key = input.body_key.as_ref()?;
            let (argument, required) = (&input.name, input.required);
            let max_items = match input.schema.get("maxItems").and_then(Value::as_u64) {
                Some(max) => {
                    let max = max as usize;
                    quote!(Some(#max))
                }
                None => quote!(None),
            };
            Some(quote!(BodyField {
                argument: #argument,
                key: #key,
                required: #required,
                max_items: #max_items,
            }))
        });
        quote! {
            if let Some(body) = arguments.body::<::salesflow::types::#ty>(&[#(#fields),*])? {
                call = call.body(body);
            }
        }
    });
    let (start, end) = if let Some(status) = tool.list {
        (
            quote! { let page = arguments.page(ListItems { status: #status })?; },
            quote! {
                arguments.finish()?;
                Outcome::page(call.stream(), page).await
            },
        )
    } else if tool.read_only {
        (
            quote! {},
            quote! {
                arguments.finish()?;
                Outcome::sent(call.send().await)
            },
        )
    } else {
        (
            quote! { let dry_run = arguments.dry_run()?; },
            quote! {
                arguments.finish()?;
                if dry_run {
                    return Outcome::checked(call.check(), arguments);
                }
                Outcome::sent(call.send().await)
            },
        )
    };
    // A call without inputs is never changed.
    let binding = if tool.inputs.is_empty() {
        quote!(let call)
    } else {
        quote!(let mut call)
    };
    quote! {
        #name => {
            #start
            #binding = client.#method();
            #(#parameters)*
            #body
            #end
        }
    }
}
