#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

#[allow(
    missing_docs,
    clippy::all,
    clippy::pedantic,
    clippy::to_string_in_format_args
)]
mod generated;

pub use generated::*;
