//! progenitor's hooks, which the generated code no longer calls: every request goes through
//! `call.rs` instead, whose errors are the SDK's own. The generated client asserts that the
//! trait is implemented.

impl progenitor_client::ClientHooks<crate::Settings> for crate::Client {}
