//! Building a client: the builder, the shortcuts, the account-scoped
//! handle, and the calls built on the generated operations.

mod accessors;
mod account;
mod batched;
mod builder;
mod constructors;

pub use account::AccountScope;
pub use batched::ContactsByPublicIdentifiers;
pub use builder::{ACCOUNT_ID_VAR, BASE_URL_VAR, ClientBuilder, ConfigError, TOKEN_VAR};
