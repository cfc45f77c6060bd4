//! Answers keep one JSON shape when the SDK writes them out again: an absent field is written
//! as `null`, not left out, so the CLI's JSON, a saved record or a diff has the same keys
//! whatever the server omitted. Request bodies keep leaving absent fields out: for
//! `updateContact` a field sent as `null` would clear it.

use anyhow::{Result, bail};
use serde_json::Value;
use syn::visit_mut::VisitMut;
use syn::{Attribute, ItemStruct, parse_quote};

/// The names of the schemas that are request bodies.
pub fn request_bodies(spec: &openapiv3::OpenAPI) -> Result<Vec<String>> {
    let spec = serde_json::to_value(spec)?;
    let mut names = Vec::new();
    for item in spec["paths"].as_object().into_iter().flatten().map(|p| p.1) {
        for operation in item.as_object().into_iter().flatten().map(|o| o.1) {
            let schema = &operation["requestBody"]["content"]["application/json"]["schema"];
            if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
                let name = reference.rsplit('/').next().unwrap_or(reference);
                names.push(name.to_owned());
            }
        }
    }
    if names.is_empty() {
        bail!("the spec has no request body schema");
    }
    Ok(names)
}

/// Drops `skip_serializing_if = "Option::is_none"` from the fields of every generated
/// struct but `request_bodies`; fails if it changed none.
pub fn rewrite(file: &mut syn::File, request_bodies: &[String]) -> Result<()> {
    let items = crate::syntax::types_module(file)?;
    let mut pass = StableShape {
        request_bodies,
        changed: 0,
    };
    for item in items.iter_mut() {
        // Only the structs of `types` itself: its `builder` module has no serde attributes.
        if let syn::Item::Struct(item) = item {
            pass.visit_item_struct_mut(item);
        }
    }
    if pass.changed == 0 {
        bail!("stable shape: no optional field of an answer found (progenitor's output changed?)");
    }
    Ok(())
}

struct StableShape<'a> {
    request_bodies: &'a [String],
    changed: usize,
}

impl VisitMut for StableShape<'_> {
    fn visit_item_struct_mut(&mut self, item: &mut ItemStruct) {
        if self.request_bodies.contains(&item.ident.to_string()) {
            return;
        }
        for field in &mut item.fields {
            for attr in &mut field.attrs {
                if let Some(rewritten) = without_skip_none(attr) {
                    *attr = rewritten;
                    self.changed += 1;
                }
            }
        }
    }
}

/// `#[serde(a, skip_serializing_if = "::std::option::Option::is_none", b)]` without the
/// `skip_serializing_if`, or `None` if it has no such part.
fn without_skip_none(attr: &Attribute) -> Option<Attribute> {
    if !attr.path().is_ident("serde") {
        return None;
    }
    let syn::Meta::List(list) = &attr.meta else {
        return None;
    };
    let parts: syn::punctuated::Punctuated<syn::Meta, syn::Token![,]> = list
        .parse_args_with(syn::punctuated::Punctuated::parse_terminated)
        .ok()?;
    let is_skip_none = |meta: &syn::Meta| {
        matches!(meta, syn::Meta::NameValue(pair)
            if pair.path.is_ident("skip_serializing_if")
                && matches!(&pair.value, syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(path), .. })
                    if path.value() == "::std::option::Option::is_none"))
    };
    if !parts.iter().any(is_skip_none) {
        return None;
    }
    let kept: Vec<&syn::Meta> = parts.iter().filter(|meta| !is_skip_none(meta)).collect();
    Some(parse_quote!(#[serde(#(#kept),*)]))
}
