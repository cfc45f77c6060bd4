//! Repairs progenitor's httpmock output for array query parameters (upstream issue 1260),
//! and lets text matchers take `&str`.
//!
//! progenitor emits `self.0.query_param("name", value.to_string())` for every query
//! parameter; for an array (`&Vec<String>`) that does not compile. An array is sent as
//! repeated keys (`name=a&name=b`), so the matcher becomes one `query_param` per element.
//!
//! A query parameter with a length rule is a `String` in the client (see
//! `constraints.rs`), and progenitor's matcher for it then takes `&String`: `when.
//! first_name("Jane")` would not compile. The matcher only calls `to_string()` on it, so it
//! takes `&str` instead.

use anyhow::{Result, bail};
use syn::visit_mut::VisitMut;
use syn::{Expr, ImplItemFn, parse_quote};

/// Rewrites the matcher of every mock method whose `value` is a `Vec`; `arrays` are the
/// spec's names of the array query parameters (`customFields`). Fails unless each got
/// exactly one matcher rewritten.
pub fn fix_array_query_params(file: &mut syn::File, arrays: &[String]) -> Result<()> {
    let mut fix = ArrayParamFix {
        arrays,
        rewritten: Vec::new(),
    };
    fix.visit_file_mut(file);
    let mut expected = arrays.to_vec();
    expected.sort();
    fix.rewritten.sort();
    if fix.rewritten != expected {
        bail!(
            "mock fix: rewrote the matchers of {:?}, expected one each for the array parameters \
             {expected:?} (progenitor's httpmock output changed?)",
            fix.rewritten
        );
    }
    Ok(())
}

struct ArrayParamFix<'a> {
    arrays: &'a [String],
    rewritten: Vec<String>,
}

impl VisitMut for ArrayParamFix<'_> {
    fn visit_impl_item_fn_mut(&mut self, function: &mut ImplItemFn) {
        if takes_vec(function) {
            let mut rewrite = QueryParamRewrite {
                arrays: self.arrays,
                rewritten: Vec::new(),
            };
            rewrite.visit_block_mut(&mut function.block);
            self.rewritten.extend(rewrite.rewritten);
        }
    }
}

/// Whether a generic parameter of the method is bound by `Into<Option<&Vec<_>>>`, or its
/// `value` argument is a `Vec`: the syntax tree is searched for a `Vec` path segment.
fn takes_vec(function: &ImplItemFn) -> bool {
    struct FindVec(bool);
    impl VisitMut for FindVec {
        fn visit_path_segment_mut(&mut self, segment: &mut syn::PathSegment) {
            self.0 |= segment.ident == "Vec";
            syn::visit_mut::visit_path_segment_mut(self, segment);
        }
    }
    let mut find = FindVec(false);
    find.visit_signature_mut(&mut function.sig.clone());
    find.0
}

struct QueryParamRewrite<'a> {
    arrays: &'a [String],
    rewritten: Vec<String>,
}

impl VisitMut for QueryParamRewrite<'_> {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Expr::MethodCall(call) = expr
            && call.method == "query_param"
            && call.args.len() == 2
            && let Some(Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(name),
                ..
            })) = call.args.first()
            && self.arrays.contains(&name.value())
        {
            let receiver = &call.receiver;
            self.rewritten.push(name.value());
            *expr = parse_quote! {
                value.iter().fold(#receiver, |when, item| when.query_param(#name, item.to_string()))
            };
            return;
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}

/// Makes every matcher argument `&String` (or `Into<Option<&String>>`) a `&str`; fails if
/// there is none, since the spec has length rules on query parameters.
pub fn text_matchers_take_str(file: &mut syn::File) -> Result<()> {
    struct StrFix(usize);
    impl VisitMut for StrFix {
        fn visit_impl_item_fn_mut(&mut self, function: &mut ImplItemFn) {
            self.visit_signature_mut(&mut function.sig);
        }
        fn visit_type_reference_mut(&mut self, reference: &mut syn::TypeReference) {
            let is_string = matches!(&*reference.elem, syn::Type::Path(path)
                if path.path.segments.last().is_some_and(|last| last.ident == "String"));
            if is_string {
                *reference.elem = parse_quote!(str);
                self.0 += 1;
            }
            syn::visit_mut::visit_type_reference_mut(self, reference);
        }
    }
    let mut fix = StrFix(0);
    fix.visit_file_mut(file);
    if fix.0 == 0 {
        bail!(
            "mock fix: no matcher takes `&String` (progenitor's httpmock output changed?); \
             text_matchers_take_str has nothing left to do"
        );
    }
    Ok(())
}
