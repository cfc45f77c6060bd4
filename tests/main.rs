//! The workspace's tests, built as one binary (one link instead of one a file): each module
//! tests one area of the API or one promise of the SDK, against servers on 127.0.0.1.
//!
//! The Prism tests (`prism`) are ignored unless `cargo xtask spec-check` starts Prism and
//! runs them with `SALESFLOW_PRISM_URL` set.

#[macro_use]
extern crate salesflow_test_support;

mod support;

mod accounts;
mod analytics;
mod campaigns;
mod client_config;
mod conformance;
mod contacts;
mod emulator;
mod import;
mod messaging;
mod other_languages;
mod plain_serde;
mod prism;
mod properties;
mod python_client;
mod retries;
mod secrets;
mod send_futures;
mod spec_examples;
mod statistics;
mod streaming;
mod sync;
mod sync_postgres;
mod tls;
mod validation;
mod webhook_events;
mod webhook_receiver;
mod webhooks;
mod wire;
