//! Adjusts progenitor's client: the SDK reads every answer itself, sends no header the API
//! does not define, and can only be built through its own builder.
//!
//! - Each builder describes its operation to the SDK's pipeline, which sends it: an
//!   `impl crate::pipeline::call::Call` gives the operation's facts (the generated table),
//!   what its answer decodes into, the spec's rules checked on the values set, and the
//!   request. progenitor's `send()` body is kept up to the built request, as a private
//!   `request()`; the hooks (`pre`, `exec`, `post`) and the status `match` go, and `send()`
//!   returns the SDK's own error type (progenitor's prints the URL with the token, matches
//!   statuses exactly, decodes strictly). `check()` runs the checks of `send()` without
//!   sending.
//! - Every builder whose answer is a JSON array gets `stream()`: the items one by one, at
//!   memory that does not grow with the list (`crate::pipeline::list::stream`).
//! - The URL is not formatted from the base URL and parsed again on every call:
//!   `format!("{}/path/{}", client.baseurl, ..)` becomes
//!   `client.operation_url("operationId", &format!("/path/{}", ..))`, which joins the path
//!   to the operation's host, parsed once when the client was built (`pipeline/hosts.rs`).
//! - A query parameter that is not required is added only when it is set:
//!   `.query(&QueryParam::new("updatedFromDate", &updated_from_date))` becomes
//!   `.query_optional("updatedFromDate", &updated_from_date)` (`crate::pipeline::query`),
//!   since reqwest opens and re-serialises the query for a parameter that adds nothing.
//! - The `api-version` header progenitor adds to every request goes: the API defines no such
//!   header, and ASP.NET's API versioning reads that very name.
//! - A parameter that can take one value only is pre-set.
//! - `Client::new` (which builds a reqwest client that follows redirects, and so would carry
//!   the token elsewhere) goes, and `Client::new_with_client` is crate-private: every client
//!   is made by `ClientBuilder`.
//!
//! Every edit is counted; a rewrite that no longer finds what it expects fails.

use anyhow::{Context, Result, bail};
use quote::{ToTokens, quote};
use syn::visit_mut::VisitMut;
use syn::{
    Expr, FieldValue, ImplItem, ImplItemFn, ItemImpl, Member, ReturnType, Stmt, parse_quote,
};

use crate::operations::OperationFacts;
use crate::syntax::{only_type_argument, self_type_name, type_arguments};

/// Rewrites every builder of `file`; fails if a builder of `facts` was not found, or any
/// expected edit could not be made.
pub fn rewrite(file: &mut syn::File, facts: &[OperationFacts]) -> Result<()> {
    let mut rewrite = BuilderRewrite {
        facts,
        wrapped: Vec::new(),
        calls: Vec::new(),
        streams: 0,
        constants_set: 0,
        errors: Vec::new(),
    };
    rewrite.visit_file_mut(file);
    if let Some(error) = rewrite.errors.into_iter().next() {
        return Err(error);
    }
    for op in facts {
        if !rewrite.wrapped.contains(&op.builder) {
            bail!(
                "no `send` found for the builder `{}` of {}",
                op.builder,
                op.name
            );
        }
    }
    if rewrite.streams == 0 {
        bail!("no operation answers with a JSON array: `stream()` was added to no builder");
    }
    let constants: usize = facts.iter().map(|op| op.constants.len()).sum();
    if rewrite.constants_set != constants {
        bail!(
            "pre-set {} constant parameters of the {constants} the spec has",
            rewrite.constants_set
        );
    }
    hide_client_constructors(file)?;
    document_client(file)?;
    Ok(())
}

/// The hand-written user documentation of `Client`, instead of the spec's description of the
/// API (which progenitor puts there, and which speaks of the document, not of the client).
const CLIENT_DOC: &str = "../client/client.md";

/// Replaces the doc comment of `pub struct Client` with `CLIENT_DOC`.
fn document_client(file: &mut syn::File) -> Result<()> {
    let mut found = 0;
    for item in &mut file.items {
        if let syn::Item::Struct(client) = item
            && client.ident == "Client"
        {
            client.attrs.retain(|attr| !attr.path().is_ident("doc"));
            client
                .attrs
                .insert(0, parse_quote!(#[doc = include_str!(#CLIENT_DOC)]));
            found += 1;
        }
    }
    if found != 1 {
        bail!("expected one `pub struct Client` to document, found {found}");
    }
    Ok(())
}

struct BuilderRewrite<'a> {
    facts: &'a [OperationFacts],
    wrapped: Vec<String>,
    /// The `impl Call` of each builder, added to the builders' module.
    calls: Vec<syn::Item>,
    streams: usize,
    constants_set: usize,
    errors: Vec<anyhow::Error>,
}

impl VisitMut for BuilderRewrite<'_> {
    fn visit_item_impl_mut(&mut self, item: &mut ItemImpl) {
        let Some(name) = self_type_name(item) else {
            return;
        };
        let Some(index) = self.facts.iter().position(|op| op.builder == name) else {
            return;
        };
        let op = &self.facts[index];
        let mut added = Vec::new();
        for impl_item in &mut item.items {
            let ImplItem::Fn(function) = impl_item else {
                continue;
            };
            if function.sig.ident == "send" && function.sig.asyncness.is_some() {
                match wrap_send(function, op, index) {
                    Ok((methods, call)) => {
                        self.wrapped.push(name.clone());
                        self.streams += usize::from(methods.len() > 2);
                        added.extend(methods);
                        self.calls.push(call);
                    }
                    Err(error) => self.errors.push(error),
                }
            } else if function.sig.ident == "new" {
                self.constants_set += preset_constants(function, op);
            }
        }
        item.items.extend(added.into_iter().map(ImplItem::Fn));
    }

    fn visit_item_mod_mut(&mut self, module: &mut syn::ItemMod) {
        let before = self.calls.len();
        syn::visit_mut::visit_item_mod_mut(self, module);
        let calls = self.calls.split_off(before);
        if let Some((_, items)) = &mut module.content {
            items.extend(calls);
        }
    }
}

/// `send(self) -> Result<ResponseValue<T>, Error<E>>` becomes
/// `send(self) -> Result<ResponseValue<T>, crate::Error>`, which hands the builder to the
/// SDK's pipeline; the original body, up to the built request, becomes the private
/// `request()`. Returns the methods to add (`request`, `check`, and `stream` where `T` is a
/// `Vec<Item>`) and the builder's `impl crate::pipeline::Call`.
fn wrap_send(
    function: &mut ImplItemFn,
    op: &OperationFacts,
    index: usize,
) -> Result<(Vec<ImplItemFn>, syn::Item)> {
    let operation = &op.name;
    let ReturnType::Type(_, original) = &function.sig.output else {
        bail!("`send` of {operation} returns nothing");
    };
    let [ok, error]: [syn::Type; 2] = type_arguments(original, "Result")
        .and_then(|arguments| arguments.try_into().ok())
        .with_context(|| format!("`send` of {operation} does not return `Result<T, E>`"))?;
    let inner = only_type_argument(&ok, "ResponseValue")
        .with_context(|| format!("`send` of {operation} does not return a `ResponseValue<T>`"))?;
    let mut body = function.block.clone();
    let mut edits = ResponseEdits {
        operation: operation.clone(),
        optional_query: op.optional_query.clone(),
        ..ResponseEdits::default()
    };
    edits.visit_block_mut(&mut body);
    let mut skipped = edits.optional_rewritten.clone();
    skipped.sort();
    let mut expected = op.optional_query.clone();
    expected.sort();
    if skipped != expected {
        bail!(
            "`send` of {operation}: the optional query parameters rewritten were {skipped:?}, \
             the spec has {expected:?} (progenitor's `.query(&QueryParam::new(..))` changed?)"
        );
    }
    for (what, count) in [
        ("the `api-version` header", edits.api_version_removed),
        (
            "the URL formatted from `client.baseurl`",
            edits.url_rewritten,
        ),
        ("the header map", edits.header_map_removed),
    ] {
        if count != 1 {
            bail!(
                "`send` of {operation}: expected to rewrite {what} once, found it {count} times \
                 (progenitor's output changed; update xtask/src/builder_rewrite.rs)"
            );
        }
    }
    // What follows the built request (the hooks, sending it, the status `match`) goes: the
    // pipeline sends it.
    let built = body
        .stmts
        .iter()
        .position(is_request_let)
        .with_context(|| format!("`send` of {operation} binds no `request`"))?;
    body.stmts.truncate(built + 1);
    body.stmts.push(Stmt::Expr(parse_quote!(Ok(request)), None));
    if !edits.optional_rewritten.is_empty() {
        body.stmts.insert(
            0,
            parse_quote!(
                use crate::pipeline::query::OptionalQuery as _;
            ),
        );
    }
    let request: ImplItemFn = parse_quote! {
        /// The request progenitor's code builds (host, parameters, body), without the token.
        fn request(self) -> ::std::result::Result<reqwest::Request, #error> #body
    };
    let check: ImplItemFn = parse_quote! {
        /// Checks the call as [`send`](Self::send) does before sending anything: the values
        /// set against the spec's rules, and the length of the query string with the client's
        /// token. `Err` is the [`Error::InvalidRequest`](crate::Error::InvalidRequest) that
        /// `send` would return.
        pub fn check(&self) -> ::std::result::Result<(), crate::Error> {
            crate::pipeline::call::check(self)
        }
    };
    function.sig.output = parse_quote!(-> ::std::result::Result<#ok, crate::Error>);
    let call = call_impl(op, index, &inner)?;
    let Some(item) = only_type_argument(&inner, "Vec") else {
        function.block = parse_quote!({ crate::pipeline::response::finish(self).await });
        return Ok((vec![request, check], call));
    };
    function.block = parse_quote!({ crate::pipeline::list::collect(self).await });
    let stream_doc = format!(
        "Sends the request like [`send`](Self::send), and yields the answer's items one \
         by one as their bytes arrive, at memory that does not grow with the list. An \
         item that does not decode is an `Err` naming its index and field, and the items \
         after it still come; an error of the request, the answer or the transfer is the \
         last item. Retries happen before the first byte only.\n\n{}",
        stream_example(&op.example)?
    );
    let stream: ImplItemFn = parse_quote! {
        #[doc = #stream_doc]
        pub fn stream(
            self,
        ) -> impl ::futures_core::Stream<Item = ::std::result::Result<#item, crate::Error>>
               + ::std::marker::Send
               + 'a {
            crate::pipeline::list::stream(self)
        }
    };
    Ok((vec![request, check, stream], call))
}

/// The builder's `impl crate::pipeline::Call`: the operation's facts (entry `index` of the
/// generated table), what its answer decodes into, the spec's rules on its values, and its
/// request.
fn call_impl(op: &OperationFacts, index: usize, output: &syn::Type) -> Result<syn::Item> {
    let builder = syn::Ident::new(&op.builder, proc_macro2::Span::call_site());
    let mut checks = Vec::new();
    let mut fields: Vec<&str> = Vec::new();
    for rule in op.rules.iter().filter(|rule| !rule.body) {
        if !fields.contains(&rule.field.as_str()) {
            fields.push(&rule.field);
        }
    }
    for field in fields {
        let member = syn::Ident::new(
            &crate::spec_json::snake_case(field),
            proc_macro2::Span::call_site(),
        );
        let rules = op
            .rules
            .iter()
            .filter(|rule| !rule.body && rule.field == field)
            .map(|rule| &rule.check);
        checks.push(quote! {
            if let Ok(value) = &self.#member {
                check(#field, value, &[#(#rules),*])?;
            }
        });
    }
    let body_rules: Vec<_> = op.rules.iter().filter(|rule| rule.body).collect();
    if !body_rules.is_empty() && op.body_type.is_none() {
        bail!("{}: rules on a body the spec does not name", op.name);
    }
    // Every body is checked: one with no field set is refused, whatever its rules.
    if let Some(body_type) = &op.body_type {
        let body_type = syn::Ident::new(body_type, proc_macro2::Span::call_site());
        let rules = body_rules.iter().map(|rule| {
            let (field, check) = (&rule.field, &rule.check);
            quote!((#field, #check))
        });
        checks.push(quote! {
            if let Ok(body) = &self.body
                && let Ok(body) = types::#body_type::try_from(body.clone())
            {
                check_body(&body, &[#(#rules),*])?;
            }
        });
    }
    // What the checks call, and nothing more.
    let query = op.rules.iter().any(|rule| !rule.body);
    let uses = match (query, op.body_type.is_some()) {
        (false, false) => quote!(),
        (true, false) => quote!(
            use crate::pipeline::validation::{Check, check};
        ),
        (false, true) if body_rules.is_empty() => quote!(
            use crate::pipeline::validation::check_body;
        ),
        (false, true) => quote!(
            use crate::pipeline::validation::{Check, check_body};
        ),
        (true, true) => quote!(
            use crate::pipeline::validation::{Check, check, check_body};
        ),
    };
    Ok(parse_quote! {
        impl<'a> crate::pipeline::call::Call<'a> for #builder<'a> {
            const OPERATION: &'static crate::pipeline::operation::Operation =
                &crate::generated::operations::OPERATIONS[#index];
            type Output = #output;
            fn client(&self) -> &'a super::Client {
                self.client
            }
            fn check_rules(&self) -> ::std::result::Result<(), crate::pipeline::validation::Violation> {
                #uses
                #(#checks)*
                Ok(())
            }
            fn build(self) -> ::std::result::Result<reqwest::Request, crate::Error> {
                self.request()
                    .map_err(|error| crate::pipeline::call::not_built(Self::OPERATION.name, error))
            }
        }
    })
}

/// The operation's `send()` example (from examples.rs), made to read the list as a stream.
fn stream_example(example: &str) -> Result<String> {
    let sent = "    .send()\n    .await?;\nprintln!(\"{:?}\", answer.into_inner());\n";
    let streamed = "    .stream();\nlet mut items = std::pin::pin!(items);\n\
                    while let Some(item) = items.next().await {\n    println!(\"{:?}\", item?);\n}\n";
    let opening = "let answer = client\n";
    if !example.contains(sent) || !example.contains(opening) {
        bail!("the example no longer ends with `.send().await?` and a println: {example}");
    }
    Ok(example
        .replace(sent, streamed)
        .replace(opening, "use salesflow::StreamExt;\nlet items = client\n"))
}

/// The edits inside one `send` body, counted.
#[derive(Default)]
struct ResponseEdits {
    /// The operationId, for the URL.
    operation: String,
    /// The spec's names of its query parameters that are not required.
    optional_query: Vec<String>,
    /// Those whose `.query(..)` was rewritten.
    optional_rewritten: Vec<String>,
    api_version_removed: usize,
    url_rewritten: usize,
    header_map_removed: usize,
}

impl VisitMut for ResponseEdits {
    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        let before = block.stmts.len();
        block.stmts.retain(|stmt| !is_api_version_append(stmt));
        self.api_version_removed += before - block.stmts.len();
        let before = block.stmts.len();
        block.stmts.retain(|stmt| !is_header_map_let(stmt));
        self.header_map_removed += before - block.stmts.len();
        syn::visit_mut::visit_block_mut(self, block);
    }

    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        // `builder.headers(header_map)` becomes `builder`: the map is gone with its one header.
        if let Expr::MethodCall(call) = expr
            && call.method == "headers"
            && call.args.len() == 1
            && is_path(&call.args[0], "header_map")
        {
            *expr = (*call.receiver).clone();
            self.visit_expr_mut(expr);
            return;
        }
        // `builder.query(&QueryParam::new("name", &value))` of an optional parameter becomes
        // `builder.query_optional("name", &value)`.
        if let Expr::MethodCall(call) = expr
            && call.method == "query"
            && call.args.len() == 1
            && let Some((name, value)) = query_param(&call.args[0])
            && self.optional_query.contains(&name)
        {
            let mut receiver = (*call.receiver).clone();
            self.visit_expr_mut(&mut receiver);
            *expr = parse_quote!(#receiver.query_optional(#name, #value));
            self.optional_rewritten.push(name);
            return;
        }
        // `format!("{}/path/{}", client.baseurl, ..)` becomes `client.operation_url(..)`.
        if let Expr::Macro(formatted) = expr
            && formatted.mac.path.is_ident("format")
            && let Some(url) = operation_url(&formatted.mac, &self.operation)
        {
            *expr = url;
            self.url_rewritten += 1;
            return;
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}

/// The name and value of `&progenitor_client::QueryParam::new("name", &value)`.
fn query_param(argument: &Expr) -> Option<(String, Expr)> {
    let Expr::Reference(reference) = argument else {
        return None;
    };
    let Expr::Call(call) = &*reference.expr else {
        return None;
    };
    let path = call.func.to_token_stream().to_string().replace(' ', "");
    if path != "progenitor_client::QueryParam::new" || call.args.len() != 2 {
        return None;
    }
    let Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Str(name),
        ..
    }) = &call.args[0]
    else {
        return None;
    };
    Some((name.value(), call.args[1].clone()))
}

/// `format!("{}/members/{}", client.baseurl, encode_path(..))` as
/// `client.operation_url("getContact", &format!("/members/{}", encode_path(..)))` (a plain
/// `"/path"` where nothing is filled in), or `None` if `format` is not the URL's.
fn operation_url(format: &syn::Macro, operation: &str) -> Option<Expr> {
    let arguments = format
        .parse_body_with(syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated)
        .ok()?;
    let mut arguments = arguments.into_iter();
    let Some(Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Str(template),
        ..
    })) = arguments.next()
    else {
        return None;
    };
    let base = arguments.next()?;
    if base.to_token_stream().to_string() != "client . baseurl" {
        return None;
    }
    let path = template.value().strip_prefix("{}")?.to_owned();
    if !path.starts_with('/') {
        return None;
    }
    let rest: Vec<Expr> = arguments.collect();
    let path: Expr = if rest.is_empty() {
        // No placeholder is left, so the template is the path (`{{` would be a brace).
        let path = path.replace("{{", "{").replace("}}", "}");
        parse_quote!(#path)
    } else {
        parse_quote!(&format!(#path, #(#rest),*))
    };
    Some(parse_quote!(client.operation_url(#operation, #path)))
}

/// `header_map.append(HeaderName::from_static("api-version"), ...);`
fn is_api_version_append(stmt: &Stmt) -> bool {
    let Stmt::Expr(Expr::MethodCall(call), Some(_)) = stmt else {
        return false;
    };
    call.method == "append"
        && is_path(&call.receiver, "header_map")
        && call.args.first().is_some_and(|name| {
            let Expr::Call(from_static) = name else {
                return false;
            };
            from_static.args.iter().any(|arg| {
                matches!(arg, Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(text), .. })
                    if text.value() == "api-version")
            })
        })
}

/// `let mut header_map = HeaderMap::with_capacity(..);`
fn is_header_map_let(stmt: &Stmt) -> bool {
    binds(stmt, "header_map")
}

/// `let mut request = client.client.get(url)...build()?;`
fn is_request_let(stmt: &Stmt) -> bool {
    binds(stmt, "request")
}

/// `let <name> = ..;`
fn binds(stmt: &Stmt, name: &str) -> bool {
    matches!(stmt, Stmt::Local(local)
        if matches!(&local.pat, syn::Pat::Ident(binding) if binding.ident == name))
}

fn is_path(expr: &Expr, name: &str) -> bool {
    matches!(expr, Expr::Path(path) if path.path.is_ident(name))
}

/// Removes `Client::new` and makes `Client::new_with_client` crate-private.
fn hide_client_constructors(file: &mut syn::File) -> Result<()> {
    let mut removed = 0;
    let mut hidden = 0;
    for item in &mut file.items {
        let syn::Item::Impl(implementation) = item else {
            continue;
        };
        let is_client = implementation.trait_.is_none()
            && implementation.self_ty.to_token_stream().to_string() == "Client";
        if !is_client {
            continue;
        }
        let before = implementation.items.len();
        implementation
            .items
            .retain(|item| !matches!(item, ImplItem::Fn(f) if f.sig.ident == "new"));
        removed += before - implementation.items.len();
        for item in &mut implementation.items {
            if let ImplItem::Fn(function) = item
                && function.sig.ident == "new_with_client"
            {
                function.vis = parse_quote!(pub(crate));
                hidden += 1;
            }
        }
    }
    if (removed, hidden) != (1, 1) {
        bail!(
            "expected one `Client::new` to remove and one `Client::new_with_client` to hide, \
             found {removed} and {hidden}"
        );
    }
    Ok(())
}

/// In `new`, sets `field: Ok(value)` for each constant parameter; returns how many.
fn preset_constants(function: &mut ImplItemFn, op: &OperationFacts) -> usize {
    let mut set = 0;
    for (field, value) in &op.constants {
        let literal: Expr = match value {
            serde_json::Value::Bool(b) => parse_quote!(#b),
            serde_json::Value::Number(n) => syn::parse_str(&n.to_string()).expect("a number"),
            serde_json::Value::String(s) => parse_quote!(#s.to_string()),
            _ => continue,
        };
        let mut visitor = FieldInit {
            field,
            value: quote!(Ok(#literal)),
            found: false,
        };
        visitor.visit_block_mut(&mut function.block);
        set += usize::from(visitor.found);
    }
    set
}

struct FieldInit<'a> {
    field: &'a str,
    value: proc_macro2::TokenStream,
    found: bool,
}

impl VisitMut for FieldInit<'_> {
    fn visit_field_value_mut(&mut self, field: &mut FieldValue) {
        if let Member::Named(name) = &field.member
            && name == self.field
        {
            let value = &self.value;
            field.expr = parse_quote!(#value);
            self.found = true;
        }
    }
}
