//! Adjusts progenitor's generated command-line interface to the SDK.
//!
//! - `CliConfig::error` and `list_end_error` take the SDK's `salesflow::Error` (what every
//!   `send()` returns), not `progenitor_client::Error<T>`.
//! - Output bounds drop `schemars::JsonSchema`: the SDK's types only need `Serialize`.
//! - The `--json-body-template` flag goes: progenitor declares it with the help text "XXX"
//!   and never reads it.
//! - A parameter that can take one value only (pre-set by the builder) is not required.
//! - `--json-body` is read first and the body flags after it, so a flag given with it sets
//!   its field instead of being silently replaced by the file (progenitor reads the file
//!   last). A flag that disagrees with the file is refused before this runs (main.rs).
//! - An array parameter (`Vec<T>`) is a repeatable flag (`--custom-fields a --custom-fields
//!   b`): clap has no parser for `Vec<T>`, so the generated code would not compile.
//!
//! Every edit matches syntax-tree nodes (a call `Arg::new("name")`, a `Vec<T>` type), is
//! counted, and the pass fails when it makes fewer or more edits than the spec implies.

use anyhow::{Result, bail};
use quote::ToTokens;
use syn::visit_mut::VisitMut;
use syn::{Expr, ItemTrait, TraitItem, TypeParamBound, WherePredicate, parse_quote};

/// What the spec implies the CLI has: the number of the edits to expect.
pub struct Expected<'a> {
    /// Flag names of the parameters the builders pre-set (`is-force-request`).
    pub constants: &'a [String],
    /// How many operations take a JSON body (each has a `--json-body-template` flag).
    pub bodies: usize,
    /// How many array parameters there are (each has a parser and a reader to fix).
    pub arrays: usize,
}

/// Applies every adjustment to the generated CLI file; fails if one no longer finds what
/// it expects.
pub fn fix(file: &mut syn::File, expected: &Expected<'_>) -> Result<()> {
    let mut fix = CliFix {
        constants: expected.constants,
        error_signatures: 0,
        schema_bounds: 0,
        templates_removed: 0,
        repeatable: 0,
        constants_optional: Vec::new(),
        bodies_first: 0,
    };
    fix.visit_file_mut(file);
    let mut constants: Vec<String> = expected.constants.to_vec();
    constants.sort();
    fix.constants_optional.sort();
    let counts = [
        ("`CliConfig` error methods", fix.error_signatures, 2),
        (
            "`--json-body-template` flags",
            fix.templates_removed,
            expected.bodies,
        ),
        (
            "array flag parsers and readers",
            fix.repeatable,
            2 * expected.arrays,
        ),
        (
            "`--json-body` readers moved before the flags",
            fix.bodies_first,
            expected.bodies,
        ),
    ];
    for (what, made, wanted) in counts {
        if made != wanted {
            bail!(
                "CLI fix: changed {made} {what}, expected {wanted} (progenitor's CLI output \
                 changed; update xtask/src/cli_fix.rs)"
            );
        }
    }
    if fix.schema_bounds == 0 {
        bail!("CLI fix: no `JsonSchema` bound found to drop from `CliConfig`");
    }
    if fix.constants_optional != constants {
        bail!(
            "CLI fix: made {:?} optional, expected the pre-set parameters {constants:?}",
            fix.constants_optional
        );
    }
    Ok(())
}

struct CliFix<'a> {
    constants: &'a [String],
    error_signatures: usize,
    schema_bounds: usize,
    templates_removed: usize,
    repeatable: usize,
    constants_optional: Vec<String>,
    bodies_first: usize,
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
                self.error_signatures += 1;
                continue;
            }
            if let Some(where_clause) = &mut function.sig.generics.where_clause {
                for predicate in &mut where_clause.predicates {
                    if let WherePredicate::Type(bound) = predicate {
                        let before = bound.bounds.len();
                        bound.bounds = bound
                            .bounds
                            .iter()
                            .filter(|b| !is_json_schema(b))
                            .cloned()
                            .collect();
                        self.schema_bounds += before - bound.bounds.len();
                    }
                }
            }
        }
    }

    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        // `if let Some(value) = matches.get_one::<PathBuf>("json-body") { ... }` moves to
        // just after `let mut request = ...;`.
        if let Some(index) = block.stmts.iter().position(reads_json_body) {
            let statement = block.stmts.remove(index);
            let start = block
                .stmts
                .iter()
                .position(|stmt| {
                    matches!(stmt, syn::Stmt::Local(local)
                        if local.pat.to_token_stream().to_string().contains("request"))
                })
                .map_or(0, |at| at + 1);
            block.stmts.insert(start, statement);
            self.bodies_first += 1;
        }
        syn::visit_mut::visit_block_mut(self, block);
    }

    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        // `x.arg(Arg::new("json-body-template")...)` becomes `x`.
        while let Expr::MethodCall(call) = expr {
            let is_template = call.method == "arg"
                && call
                    .args
                    .first()
                    .and_then(arg_name)
                    .is_some_and(|name| name == "json-body-template");
            if !is_template {
                break;
            }
            *expr = (*call.receiver).clone();
            self.templates_removed += 1;
        }
        if let Some(repeatable) = repeatable_flag(expr) {
            *expr = repeatable;
            self.repeatable += 1;
        }
        // `Arg::new("is-force-request")...required(true)` becomes `required(false)`.
        if let Expr::MethodCall(call) = expr
            && call.method == "required"
            && let Some(name) = arg_name(&call.receiver)
            && self.constants.contains(&name)
        {
            call.args = parse_quote!(false);
            self.constants_optional.push(name);
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}

/// The name of the flag a builder chain starts from: `"x"` of `Arg::new("x").long(..)...`.
fn arg_name(expr: &Expr) -> Option<String> {
    match expr {
        Expr::MethodCall(call) => arg_name(&call.receiver),
        Expr::Call(call) => {
            let Expr::Path(function) = &*call.func else {
                return None;
            };
            let segments: Vec<String> = function
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            if !segments.ends_with(&["Arg".to_owned(), "new".to_owned()]) {
                return None;
            }
            match call.args.first()? {
                Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(name),
                    ..
                }) => Some(name.value()),
                _ => None,
            }
        }
        _ => None,
    }
}

/// `if let Some(value) = matches.get_one::<..>("json-body") { .. }`
fn reads_json_body(stmt: &syn::Stmt) -> bool {
    let syn::Stmt::Expr(Expr::If(condition), _) = stmt else {
        return false;
    };
    let Expr::Let(binding) = &*condition.cond else {
        return false;
    };
    let Expr::MethodCall(call) = &*binding.expr else {
        return false;
    };
    call.method == "get_one"
        && matches!(call.args.first(), Some(Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(name), .. }))
            if name.value() == "json-body")
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
    crate::syntax::only_type_argument(&ty, "Vec")
}
