//! Adjusts progenitor's generated command-line interface to the SDK.
//!
//! - `CliConfig::error` and `list_end_error` take the SDK's `salesflow::Error` (what every
//!   `send()` returns), not `progenitor_client::Error<T>`.
//! - Output bounds drop `schemars::JsonSchema`: the SDK's types only need `Serialize`.
//! - The `--json-body-template` flag goes: progenitor declares it with the help text "XXX"
//!   and never reads it.
//! - A parameter that can take one value only (pre-set by the builder) is not required.
//! - An array parameter (`Vec<T>`) is a repeatable flag (`--custom-fields a --custom-fields
//!   b`): clap has no parser for `Vec<T>`, so the generated code would not compile.

use quote::ToTokens;
use syn::visit_mut::VisitMut;
use syn::{Expr, ItemTrait, TraitItem, TypeParamBound, WherePredicate, parse_quote};

/// Applies every adjustment to the generated CLI file. `constants` are the flag names of
/// the parameters the builders pre-set.
pub fn fix(file: &mut syn::File, constants: &[String]) {
    CliFix { constants }.visit_file_mut(file);
}

struct CliFix<'a> {
    constants: &'a [String],
}

impl VisitMut for CliFix<'_> {
    fn visit_item_trait_mut(&mut self, item: &mut ItemTrait) {
        if item.ident != "CliConfig" {
            return;
        }
        for trait_item in &mut item.items {
            let TraitItem::Fn(function) = trait_item else {
                continue;
            };
            let name = function.sig.ident.to_string();
            if name == "error" || name == "list_end_error" {
                let ident = &function.sig.ident;
                *function = parse_quote! {
                    fn #ident(&self, value: &salesflow::Error);
                };
                continue;
            }
            if let Some(where_clause) = &mut function.sig.generics.where_clause {
                for predicate in &mut where_clause.predicates {
                    if let WherePredicate::Type(bound) = predicate {
                        bound.bounds = bound
                            .bounds
                            .iter()
                            .filter(|b| !is_json_schema(b))
                            .cloned()
                            .collect();
                    }
                }
            }
        }
    }

    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        // `x.arg(Arg::new("json-body-template")...)` becomes `x`.
        while let Expr::MethodCall(call) = expr {
            let is_template = call.method == "arg"
                && call.args.first().is_some_and(|arg| {
                    arg.to_token_stream()
                        .to_string()
                        .contains("\"json-body-template\"")
                });
            if !is_template {
                break;
            }
            *expr = (*call.receiver).clone();
        }
        if let Some(repeatable) = repeatable_flag(expr) {
            *expr = repeatable;
        }
        // `Arg::new("is-force-request")...required(true)` becomes `required(false)`.
        if let Expr::MethodCall(call) = expr
            && call.method == "required"
        {
            let chain = call.receiver.to_token_stream().to_string();
            if self
                .constants
                .iter()
                .any(|flag| chain.contains(&format!("Arg :: new (\"{flag}\")")))
            {
                call.args = parse_quote!(false);
            }
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}

fn is_json_schema(bound: &TypeParamBound) -> bool {
    matches!(bound, TypeParamBound::Trait(t)
        if t.path.segments.last().is_some_and(|s| s.ident == "JsonSchema"))
}

/// `arg.value_parser(value_parser!(Vec<T>))` → `arg.value_parser(value_parser!(T))
/// .action(Append)`, and `matches.get_one::<Vec<T>>(name)` → the values of `get_many::<T>`.
fn repeatable_flag(expr: &Expr) -> Option<Expr> {
    let Expr::MethodCall(call) = expr else {
        return None;
    };
    if call.method == "value_parser" {
        let Some(Expr::Macro(parser)) = call.args.first() else {
            return None;
        };
        let element = vec_element(parser.mac.tokens.clone())?;
        let receiver = &call.receiver;
        return Some(parse_quote! {
            #receiver
                .value_parser(::clap::value_parser!(#element))
                .action(::clap::ArgAction::Append)
        });
    }
    if call.method == "get_one" {
        let turbofish = call.turbofish.as_ref()?;
        let element = vec_element(turbofish.args.to_token_stream())?;
        let receiver = &call.receiver;
        let args = &call.args;
        return Some(parse_quote! {
            #receiver
                .get_many::<#element>(#args)
                .map(|values| values.cloned().collect::<::std::vec::Vec<#element>>())
        });
    }
    None
}

/// `T` of a `::std::vec::Vec<T>` type written as tokens.
fn vec_element(tokens: proc_macro2::TokenStream) -> Option<syn::Type> {
    let ty: syn::Type = syn::parse2(tokens).ok()?;
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    if last.ident != "Vec" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(arguments) = &last.arguments else {
        return None;
    };
    match arguments.args.first()? {
        syn::GenericArgument::Type(element) => Some(element.clone()),
        _ => None,
    }
}
