//! typify's builders of the API's structs, as a user meets them: `types::ContactUpdateBuilder`
//! beside `types::ContactUpdate` (rather than a second `ContactUpdate` in a second public
//! module called `builder`, which rustdoc shows under the same name as the struct), and text
//! setters that take what a user has: `.occupation("CTO")`, not only a `String`.
//!
//! The items of `types::builder` move into `types`, each struct `X` renamed `XBuilder`; every
//! path to them is rewritten (`builder::X` in `types`, `types::builder::X` elsewhere, `X` and
//! `super::Y` inside the moved items); a setter bounded by `TryInto<Option<String>>` takes
//! text through `crate::TextValue` instead (`&str`, `String`, an `Option` of either).

use anyhow::{Context, Result, bail};
use syn::visit_mut::VisitMut;
use syn::{Ident, ImplItem, Item, parse_quote};

/// Moves `types::builder` into `types` (see the module docs); fails if there is no such
/// module or no text setter was found.
pub fn rewrite(file: &mut syn::File) -> Result<()> {
    let types = crate::syntax::types_module(file)?;
    let at = types
        .iter()
        .position(|item| matches!(item, Item::Mod(m) if m.ident == "builder"))
        .context("typify wrote no `types::builder` module")?;
    let Item::Mod(module) = types.remove(at) else {
        unreachable!("found above")
    };
    let mut moved = module.content.map(|(_, items)| items).unwrap_or_default();
    let names: Vec<String> = moved
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) => Some(s.ident.to_string()),
            _ => None,
        })
        .collect();
    if names.is_empty() {
        bail!("`types::builder` holds no struct");
    }
    let mut inside = Paths {
        names: &names,
        place: Place::Moved,
    };
    let mut setters = 0;
    for item in &mut moved {
        inside.visit_item_mut(item);
        if let Item::Struct(s) = item {
            s.ident = builder_name(&s.ident);
        }
        if let Item::Impl(block) = item {
            setters += take_text(block);
        }
    }
    if setters == 0 {
        bail!("no setter of `types::builder` takes an `Option<String>`: typify's output changed");
    }
    types.extend(moved);
    Paths {
        names: &names,
        place: Place::Types,
    }
    .visit_file_mut(file);
    Ok(())
}

fn builder_name(name: &Ident) -> Ident {
    Ident::new(&format!("{name}Builder"), name.span())
}

/// Where a path is read from.
#[derive(Clone, Copy)]
enum Place {
    /// Inside the items moved out of `types::builder`.
    Moved,
    /// Anywhere else in the file.
    Types,
}

struct Paths<'a> {
    names: &'a [String],
    place: Place,
}

impl VisitMut for Paths<'_> {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        let known = |name: &String| self.names.contains(name);
        match (self.place, segments.as_slice()) {
            // `super::ContactUpdate`, `super::error::ConversionError`: now beside them.
            (Place::Moved, [first, ..]) if first == "super" && segments.len() > 1 => {
                path.segments = path.segments.iter().skip(1).cloned().collect();
            }
            (Place::Moved, [only]) if known(only) => {
                path.segments[0].ident = builder_name(&path.segments[0].ident);
            }
            // `builder::ContactUpdate` (in `types`), `types::builder::ContactUpdate`.
            (Place::Types, [.., module, name]) if module == "builder" && known(name) => {
                let last = path.segments.pop().expect("two segments").into_value();
                path.segments.pop();
                let mut last = last;
                last.ident = builder_name(&last.ident);
                path.segments.push(last);
            }
            _ => {}
        }
        syn::visit_mut::visit_path_mut(self, path);
    }
}

/// Rewrites the setters of `block` bounded by `T: TryInto<Option<String>>` to take
/// `T: crate::TextValue`; returns how many.
fn take_text(block: &mut syn::ItemImpl) -> usize {
    let mut count = 0;
    for item in &mut block.items {
        let ImplItem::Fn(setter) = item else { continue };
        let Some(clause) = &setter.sig.generics.where_clause else {
            continue;
        };
        let bound = quote::quote!(#clause).to_string().replace(' ', "");
        if !bound
            .contains("T:::std::convert::TryInto<::std::option::Option<::std::string::String>>")
        {
            continue;
        }
        let field = &setter.sig.ident;
        setter.sig.generics.where_clause = Some(parse_quote!(where T: crate::TextValue));
        setter.block = parse_quote!({
            self.#field = Ok(crate::TextValue::into_text(value));
            self
        });
        count += 1;
    }
    count
}

#[cfg(test)]
mod tests {
    use quote::ToTokens;

    #[test]
    fn builders_move_beside_their_structs_and_text_setters_take_str() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct ContactUpdate { pub occupation: Option<String> }
                impl ContactUpdate {
                    pub fn builder() -> builder::ContactUpdate { Default::default() }
                }
                pub mod error { pub struct ConversionError; }
                pub mod builder {
                    pub struct ContactUpdate {
                        occupation: Result<::std::option::Option<::std::string::String>, String>,
                    }
                    impl ContactUpdate {
                        pub fn occupation<T>(mut self, value: T) -> Self
                        where
                            T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                            T::Error: ::std::fmt::Display,
                        {
                            self.occupation = value.try_into().map_err(|e| e.to_string());
                            self
                        }
                    }
                    impl TryFrom<ContactUpdate> for super::ContactUpdate {
                        type Error = super::error::ConversionError;
                    }
                }
            }
            fn body_map(f: fn(types::builder::ContactUpdate) -> types::builder::ContactUpdate) {}
        };
        super::rewrite(&mut file).unwrap();
        let text = file.into_token_stream().to_string().replace(' ', "");
        for expected in [
            "pubstructContactUpdateBuilder{",
            "->ContactUpdateBuilder{",
            "implContactUpdateBuilder{",
            "whereT:crate::TextValue{self.occupation=Ok(crate::TextValue::into_text(value));self}",
            "implTryFrom<ContactUpdateBuilder>forContactUpdate{typeError=error::ConversionError;",
            "fn(types::ContactUpdateBuilder)->types::ContactUpdateBuilder",
        ] {
            assert!(text.contains(expected), "{expected} not in {text}");
        }
        assert!(!text.contains("builder::"), "{text}");
    }

    #[test]
    fn a_file_without_struct_builders_is_an_error() {
        let mut file: syn::File = syn::parse_quote!(
            pub mod types {}
        );
        assert!(super::rewrite(&mut file).is_err());
    }
}
