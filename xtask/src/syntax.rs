//! Reading progenitor's output as a syntax tree: the few lookups every pass needs.

use anyhow::{Context, Result};
use syn::{GenericArgument, ItemImpl, ItemMod, PathArguments, Type};

/// The type arguments of `ty` if its last path segment is `name` (`T, E` of `Result<T, E>`).
pub fn type_arguments(ty: &Type, name: &str) -> Option<Vec<Type>> {
    let Type::Path(path) = ty else {
        return None;
    };
    let segment = path.path.segments.last()?;
    if segment.ident != name {
        return None;
    }
    let PathArguments::AngleBracketed(arguments) = &segment.arguments else {
        return None;
    };
    Some(
        arguments
            .args
            .iter()
            .filter_map(|arg| match arg {
                GenericArgument::Type(ty) => Some(ty.clone()),
                _ => None,
            })
            .collect(),
    )
}

/// The first type argument of `ty` if it is a `name<T>` (`T` of `Vec<T>`).
pub fn only_type_argument(ty: &Type, name: &str) -> Option<Type> {
    type_arguments(ty, name)?.into_iter().next()
}

/// The last segment of the type an `impl` block is for (`ListCampaigns`).
pub fn self_type_name(item: &ItemImpl) -> Option<String> {
    let Type::Path(self_type) = &*item.self_ty else {
        return None;
    };
    self_type.path.segments.last().map(|s| s.ident.to_string())
}

/// The items of the generated `types` module.
pub fn types_module(file: &mut syn::File) -> Result<&mut Vec<syn::Item>> {
    let module: &mut ItemMod = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(module) if module.ident == "types" => Some(module),
            _ => None,
        })
        .context("the generated client has no `types` module")?;
    module
        .content
        .as_mut()
        .map(|(_, items)| items)
        .context("the `types` module is empty")
}
