//! Building a client: the builder, the shortcuts, the account-scoped
//! handle, and the calls built on the generated operations.

mod accessors;
mod batched;
mod builder;
mod constructors;

pub use batched::ContactsByPublicIdentifiers;
pub use builder::{BASE_URL_VAR, ClientBuilder, ConfigError, TOKEN_VAR};
