//! A list the spec marks `nullable` becomes a plain `Vec<T>` that reads `null` or a missing
//! key as empty, instead of progenitor's `Option<Vec<T>>`, where `None` and `Some(vec![])`
//! would mean the same thing.
//!
//! The field gets `#[serde(default)]` for a missing key, and reads `null` as an empty list
//! (crates/salesflow/src/wire/null_list.rs), so that serde alone decodes what the server
//! sends.

use anyhow::{Result, bail};
use serde_json::Value;
use syn::visit_mut::VisitMut;
use syn::{Field, Type, parse_quote};

use crate::syntax::only_type_argument;

/// The JSON names of the nullable array properties of the spec's schemas.
pub fn nullable_list_names(spec: &openapiv3::OpenAPI) -> Result<Vec<String>> {
    let spec = serde_json::to_value(spec)?;
    let names = crate::spec_json::property_names(&spec, |property| {
        property["type"] == "array" && property["nullable"] == Value::Bool(true)
    });
    Ok(names)
}

/// Rewrites the fields named `names` (and every `Option<Vec<T>>` of the `types` module, which
/// only these have); fails unless each name was found.
pub fn rewrite(file: &mut syn::File, names: &[String]) -> Result<()> {
    let types = crate::syntax::types_module(file)?;
    let mut pass = NullableLists {
        names,
        fields: Vec::new(),
        types_rewritten: 0,
    };
    for item in types.iter_mut() {
        pass.visit_item_mut(item);
    }
    let mut missing: Vec<&String> = names.iter().filter(|n| !pass.fields.contains(n)).collect();
    missing.dedup();
    if !missing.is_empty() {
        bail!("nullable lists: no `Option<Vec<T>>` field found for {missing:?}");
    }
    // The struct field, the builder's field, its setter's bound: at least three a list.
    if pass.types_rewritten < 3 * names.len() {
        bail!(
            "nullable lists: rewrote {} types for {} lists (progenitor's output changed?)",
            pass.types_rewritten,
            names.len()
        );
    }
    Ok(())
}

struct NullableLists<'a> {
    names: &'a [String],
    fields: Vec<String>,
    types_rewritten: usize,
}

impl VisitMut for NullableLists<'_> {
    fn visit_field_mut(&mut self, field: &mut Field) {
        if let Some(name) = serde_rename(field)
            && self.names.contains(&name)
            && option_of_vec(&field.ty).is_some()
        {
            field.attrs.retain(|attr| !attr.path().is_ident("serde"));
            field.attrs.push(parse_quote!(
                #[serde(
                    rename = #name,
                    default,
                    deserialize_with = "crate::wire::null_list::null_as_empty"
                )]
            ));
            self.fields.push(name);
        }
        syn::visit_mut::visit_field_mut(self, field);
    }

    fn visit_type_mut(&mut self, ty: &mut Type) {
        if let Some(list) = option_of_vec(ty) {
            *ty = list;
            self.types_rewritten += 1;
            return;
        }
        syn::visit_mut::visit_type_mut(self, ty);
    }
}

/// `T` of `Option<T>` when `T` is a `Vec<_>`.
fn option_of_vec(ty: &Type) -> Option<Type> {
    let inner = only_type_argument(ty, "Option")?;
    only_type_argument(&inner, "Vec")?;
    Some(inner)
}

/// The `rename = "..."` of a field's `#[serde(...)]`.
fn serde_rename(field: &Field) -> Option<String> {
    let attr = field.attrs.iter().find(|a| a.path().is_ident("serde"))?;
    let mut rename = None;
    let _ = attr.parse_nested_meta(|meta| {
        if meta.path.is_ident("rename") {
            let value: syn::LitStr = meta.value()?.parse()?;
            rename = Some(value.value());
        } else if meta.input.peek(syn::Token![=]) {
            let _: syn::Expr = meta.value()?.parse()?;
        }
        Ok(())
    });
    rename
}
