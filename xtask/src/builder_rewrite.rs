//! Adjusts progenitor's operation builders: `send()` returns the SDK's own error type, and
//! a parameter that can take one value only is pre-set.
//!
//! progenitor's `send()` returns `progenitor_client::Error<E>`, whose `Display` prints the
//! request URL (with the token) and whose variants don't say which operation failed. The
//! original body is kept as it is, inside an `async move` block, and its result is handed to
//! `crate::error::from_generated`, which reads the answer and removes the token.

use anyhow::{Result, bail};
use quote::quote;
use syn::visit_mut::VisitMut;
use syn::{Expr, FieldValue, ImplItem, ImplItemFn, ItemImpl, Member, ReturnType, parse_quote};

use crate::operations::OperationFacts;

/// Rewrites every builder of `file`; fails if a builder of `facts` was not found.
pub fn rewrite(file: &mut syn::File, facts: &[OperationFacts]) -> Result<()> {
    let mut rewrite = BuilderRewrite {
        facts,
        wrapped: Vec::new(),
        constants_set: 0,
    };
    rewrite.visit_file_mut(file);
    for op in facts {
        if !rewrite.wrapped.contains(&op.builder) {
            bail!("no `send` found for the builder of {}", op.name);
        }
    }
    let constants: usize = facts.iter().map(|op| op.constants.len()).sum();
    if rewrite.constants_set != constants {
        bail!(
            "pre-set {} constant parameters of the {constants} the spec has",
            rewrite.constants_set
        );
    }
    Ok(())
}

struct BuilderRewrite<'a> {
    facts: &'a [OperationFacts],
    wrapped: Vec<String>,
    constants_set: usize,
}

impl VisitMut for BuilderRewrite<'_> {
    fn visit_item_impl_mut(&mut self, item: &mut ItemImpl) {
        let syn::Type::Path(self_type) = &*item.self_ty else {
            return;
        };
        let Some(name) = self_type.path.segments.last().map(|s| s.ident.to_string()) else {
            return;
        };
        let Some(op) = self.facts.iter().find(|op| op.builder == name) else {
            return;
        };
        for impl_item in &mut item.items {
            let ImplItem::Fn(function) = impl_item else {
                continue;
            };
            if function.sig.ident == "send" && function.sig.asyncness.is_some() {
                wrap_send(function, &op.name);
                self.wrapped.push(name.clone());
            } else if function.sig.ident == "new" {
                self.constants_set += preset_constants(function, op);
            }
        }
    }
}

/// `send(self) -> Result<ResponseValue<T>, Error<E>>` becomes
/// `send(self) -> Result<ResponseValue<T>, crate::Error>` around the same body.
fn wrap_send(function: &mut ImplItemFn, operation: &str) {
    let ReturnType::Type(_, original) = &function.sig.output else {
        return;
    };
    let original = original.clone();
    let syn::Type::Path(path) = &*original else {
        return;
    };
    let syn::PathArguments::AngleBracketed(arguments) = &path.path.segments[0].arguments else {
        return;
    };
    let ok = &arguments.args[0];
    let body = &function.block;
    function.sig.output = parse_quote!(-> ::std::result::Result<#ok, crate::Error>);
    function.block = parse_quote!({
        let client = self.client;
        let result: #original = async move #body.await;
        crate::error::from_generated(client, #operation, result).await
    });
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
