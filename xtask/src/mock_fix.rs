//! Repairs progenitor's httpmock output for array query parameters (upstream issue 1260).
//!
//! progenitor emits `self.0.query_param("name", value.to_string())` for every query
//! parameter; for an array (`&Vec<String>`) that does not compile. An array is sent as
//! repeated keys (`name=a&name=b`), so the matcher becomes one `query_param` per element.

use quote::ToTokens;
use syn::visit_mut::VisitMut;
use syn::{Expr, ImplItemFn, parse_quote};

/// Rewrites the matcher of every mock method whose parameter is a `Vec`.
pub fn fix_array_query_params(file: &mut syn::File) {
    ArrayParamFix.visit_file_mut(file);
}

struct ArrayParamFix;

impl VisitMut for ArrayParamFix {
    fn visit_impl_item_fn_mut(&mut self, function: &mut ImplItemFn) {
        if takes_vec(function) {
            QueryParamRewrite.visit_block_mut(&mut function.block);
        }
    }
}

/// Whether the method's `value` parameter (or its `Into<Option<_>>` bound) is a `Vec`.
fn takes_vec(function: &ImplItemFn) -> bool {
    let signature = function.sig.to_token_stream().to_string();
    signature.contains("Vec <")
}

struct QueryParamRewrite;

impl VisitMut for QueryParamRewrite {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Expr::MethodCall(call) = expr
            && call.method == "query_param"
            && call.args.len() == 2
        {
            let receiver = &call.receiver;
            let name = &call.args[0];
            *expr = parse_quote! {
                value.iter().fold(#receiver, |when, item| when.query_param(#name, item.to_string()))
            };
            return;
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}
