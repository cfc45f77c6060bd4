//! Documents progenitor's builders from the spec: each setter gets its parameter's
//! description and says whether it is required; each operation's method gets an example
//! that compiles (`no_run`) in place of progenitor's `ignore`d one, which named variables
//! that do not exist and so could rot unseen.

use anyhow::{Result, bail};
use syn::visit_mut::VisitMut;
use syn::{ImplItem, ItemImpl, parse_quote};

use crate::operations::OperationFacts;

/// Adds the docs; fails unless every setter and every example was found.
pub fn document(file: &mut syn::File, facts: &[OperationFacts]) -> Result<()> {
    let mut pass = BuilderDocs {
        facts,
        setters: 0,
        examples: 0,
        errors: Vec::new(),
    };
    pass.visit_file_mut(file);
    if let Some(error) = pass.errors.into_iter().next() {
        return Err(error);
    }
    let setters: usize = facts.iter().map(|op| op.setter_docs.len()).sum();
    if pass.setters != setters {
        bail!(
            "builder docs: documented {} setters, the spec has {setters} parameters and bodies",
            pass.setters
        );
    }
    if pass.examples != facts.len() {
        bail!(
            "builder docs: replaced {} `ignore` examples, expected one for each of the {} operations",
            pass.examples,
            facts.len()
        );
    }
    Ok(())
}

struct BuilderDocs<'a> {
    facts: &'a [OperationFacts],
    setters: usize,
    examples: usize,
    errors: Vec<anyhow::Error>,
}

impl VisitMut for BuilderDocs<'_> {
    fn visit_item_impl_mut(&mut self, item: &mut ItemImpl) {
        if item.trait_.is_some() {
            return;
        }
        let Some(name) = crate::syntax::self_type_name(item) else {
            return;
        };
        if name == "Client" {
            for impl_item in &mut item.items {
                let ImplItem::Fn(function) = impl_item else {
                    continue;
                };
                let Some(op) = self.facts.iter().find(|op| function.sig.ident == op.snake) else {
                    continue;
                };
                match replace_example(&mut function.attrs, &op.example) {
                    true => self.examples += 1,
                    false => self.errors.push(anyhow::anyhow!(
                        "builder docs: no ```ignore example in the docs of Client::{}",
                        op.snake
                    )),
                }
            }
            return;
        }
        let Some(op) = self.facts.iter().find(|op| op.builder == name) else {
            return;
        };
        for impl_item in &mut item.items {
            let ImplItem::Fn(function) = impl_item else {
                continue;
            };
            let Some(setter) = op
                .setter_docs
                .iter()
                .find(|setter| function.sig.ident == setter.setter)
            else {
                continue;
            };
            let doc = &setter.doc;
            function.attrs.retain(|attr| !attr.path().is_ident("doc"));
            function.attrs.insert(0, parse_quote!(#[doc = #doc]));
            self.setters += 1;
        }
    }
}

/// Replaces the ```ignore block of a doc comment with `example`; whether it found one.
fn replace_example(attrs: &mut [syn::Attribute], example: &str) -> bool {
    for attr in attrs.iter_mut() {
        let syn::Meta::NameValue(pair) = &attr.meta else {
            continue;
        };
        if !pair.path.is_ident("doc") {
            continue;
        }
        let syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(text),
            ..
        }) = &pair.value
        else {
            continue;
        };
        let text = text.value();
        let Some(start) = text.find("```ignore") else {
            continue;
        };
        let Some(length) = text[start + 9..].find("```") else {
            continue;
        };
        let end = start + 9 + length + 3;
        let replaced = format!("{}{example}{}", &text[..start], &text[end..]);
        *attr = parse_quote!(#[doc = #replaced]);
        return true;
    }
    false
}
