#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod generated;

pub use generated::*;
