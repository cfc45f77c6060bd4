#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

// The generated code names the hand-written types `::salesflow::X`, a path that works both
// here and in the generated mock crate.
extern crate self as salesflow;

// The layout: `client/` builds a client, `pipeline/` carries every request and its response,
// `wire/` holds the values on the wire, `generated/` what progenitor writes from the spec.
mod client;
mod generated;
mod pipeline;
mod wire;

pub use client::{
    BASE_URL_VAR, ClientBuilder, ConfigError, ContactsByPublicIdentifiers, TOKEN_VAR,
};
/// The builder of each operation (`builder::ListCampaigns`), returned by the methods of
/// [`Client`]: set the parameters, then `send()`.
pub use generated::client::builder;
/// The request and response types of every operation, generated from the spec's schemas.
pub use generated::client::types;
pub use generated::client::{Client, ResponseValue};
pub use pipeline::{
    ApiToken, Error, FieldError, OptionalExt, RateLimit, RetryPolicy, Settings, TransportKind,
};
pub use wire::{
    AccountStatus, CampaignStatus, Distance, IntegrationRunOn, IntegrationType, JsonError,
    MemberFlags, MemberStatus, Rate, RunOn, RunOnError, TextValue, Timestamp, TimestampError,
    from_json,
};

/// What `stream()` of a list returns: its items one by one, as their bytes arrive.
pub use futures_core::Stream;
/// Adapters for a [`Stream`] (`next().await`, `try_collect()`, …), so that consuming
/// `stream()` needs no other crate.
pub use futures_util::stream::{StreamExt, TryStreamExt};

/// The date and time crate of the public API (`NaiveDate` parameters, [`Timestamp`]).
pub use chrono;
/// The HTTP client underneath, for [`ClientBuilder::configure_http`]. With the default
/// `rustls` feature, reqwest has no TLS crypto provider of its own: building a salesflow
/// client installs ring as rustls's default, so build one before a plain `reqwest::Client`
/// (or install a provider yourself).
pub use reqwest;

/// Compiles the examples of the workspace README, so the quickstart cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct WorkspaceReadme;
