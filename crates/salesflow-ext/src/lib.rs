#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod date_range;
mod formula;
pub mod import;
pub mod sync;
#[cfg(feature = "receiver")]
mod webhook_dedupe;
mod webhook_event;
mod webhook_event_kind;
#[cfg(feature = "receiver")]
mod webhook_receiver;
mod webhook_secret;
#[cfg(feature = "receiver")]
mod webhook_serve;

pub use date_range::{AnalyticsPeriod, DateRange, DateRangeError};
pub use formula::defuse_formula;
pub use import::{
    CsvFile, CsvOptions, ImportError, ImportEvent, ImportRow, ImportSource, ImportStop,
    ImportSummary, Importer, ProfileKey, ProfileUrl, ProfileUrlError, RowOutcome, RowProblem,
    RowStatus, SourceRow,
};
pub use sync::Fingerprint;
pub use webhook_event::{WebhookEventError, WebhookEventExt, parse_webhook_event};
pub use webhook_event_kind::{UnknownWebhookEventKind, WebhookEventKind};
#[cfg(feature = "receiver")]
pub use webhook_receiver::WebhookReceiver;
pub use webhook_secret::{WebhookSecret, WebhookSecretError};

/// The client crate, for all the rest (`salesflow_ext::salesflow::RetryPolicy`).
pub use salesflow;
/// What programs built on this crate name most: the client, its builder and error, and the
/// API's types (`types::Contact`), so that `salesflow-ext` is the one dependency you need.
pub use salesflow::{Client, ClientBuilder, Error, types};
/// What a webhook event says about itself (see [`parse_webhook_event`]).
pub use salesflow::{IntegrationRunOn, IntegrationType};
