//! What `cargo xtask gen` writes from spec/salesflow.yaml with progenitor, walled off here
//! and never edited by hand: the typed httpmock helpers of every operation.

#[allow(
    missing_docs,
    clippy::all,
    clippy::pedantic,
    clippy::to_string_in_format_args
)]
mod mocks;

pub use mocks::*;
