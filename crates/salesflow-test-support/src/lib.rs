#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod big_list;
pub mod http_mocks;
pub mod operations;
pub mod postgres;
pub mod raw_server;
pub mod variants;

/// The account every test acts for (the docs' examples use 321).
pub const ACCOUNT_ID: i64 = 321;
