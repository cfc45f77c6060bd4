#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod auth;
mod client;
#[allow(missing_docs, clippy::all, clippy::pedantic)]
mod generated;
mod hooks;
mod hosts;

pub use auth::ApiToken;
pub use generated::*;
