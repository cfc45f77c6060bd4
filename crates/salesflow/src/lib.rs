#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

// The generated code names the hand-written types `::salesflow::X`, a path that works both
// here and in the generated mock crate.
extern crate self as salesflow;

mod auth;
mod client;
#[allow(missing_docs, clippy::all, clippy::pedantic)]
mod generated;
mod hooks;
mod hosts;
mod member_status;
mod open_enum;
mod statuses;
mod timestamp;
mod webhook_kinds;

pub use auth::ApiToken;
pub use generated::*;
pub use member_status::{MemberFlags, MemberStatus};
pub use statuses::{AccountStatus, CampaignStatus};
pub use timestamp::{Timestamp, TimestampError};
pub use webhook_kinds::{Distance, IntegrationRunOn, IntegrationType, RunOn, RunOnError};

/// The date and time crate of the public API (`NaiveDate` parameters, [`Timestamp`]).
pub use chrono;

/// Compiles the examples of the workspace README, so the quickstart cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct WorkspaceReadme;
