//! What `cargo xtask gen` writes from the spec: never edited by hand.

pub(crate) mod tools;
