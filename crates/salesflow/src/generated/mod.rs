//! Code `cargo xtask gen` writes from spec/salesflow.yaml with progenitor, walled off here.
//! Never edited by hand: change the spec (or the xtask) and regenerate.

// `prelude` re-exports what the crate root already does.
#[allow(missing_docs, unused_imports, clippy::all, clippy::pedantic)]
pub(crate) mod client;

/// What the spec says about each operation beyond its types: its host, its safety to repeat.
pub(crate) mod operations;
