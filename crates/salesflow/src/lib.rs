#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

// The generated code names the hand-written types `::salesflow::X`, a path that works both
// here and in the generated mock crate.
extern crate self as salesflow;

mod account;
mod answer;
mod auth;
mod batched;
mod client;
mod client_builder;
mod error;
#[allow(missing_docs, clippy::all, clippy::pedantic)]
mod generated;
#[allow(clippy::all)]
mod generated_operations;
mod hooks;
mod hosts;
mod lenient;
mod member_status;
mod open_enum;
mod operation;
mod retry;
mod scrub;
mod settings;
mod statuses;
mod timestamp;
mod validation;
mod webhook_kinds;

pub use account::AccountScope;
pub use auth::ApiToken;
pub use batched::ContactsByPublicIdentifiers;
pub use client_builder::{ACCOUNT_ID_VAR, BASE_URL_VAR, ClientBuilder, ConfigError, TOKEN_VAR};
pub use error::{Error, FieldError, OptionalExt, TransportKind};
pub use generated::*;
pub use lenient::{JsonError, from_json};
pub use member_status::{MemberFlags, MemberStatus};
pub use retry::RetryPolicy;
pub use settings::Settings;
pub use statuses::{AccountStatus, CampaignStatus};
pub use timestamp::{Timestamp, TimestampError};
pub use webhook_kinds::{Distance, IntegrationRunOn, IntegrationType, RunOn, RunOnError};

/// The date and time crate of the public API (`NaiveDate` parameters, [`Timestamp`]).
pub use chrono;
/// The HTTP client underneath, for [`ClientBuilder::configure_http`].
pub use reqwest;

/// Compiles the examples of the workspace README, so the quickstart cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct WorkspaceReadme;
