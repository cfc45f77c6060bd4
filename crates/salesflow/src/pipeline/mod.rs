//! The request pipeline every call goes through: the operation's facts from the spec, its
//! rules checked, its host chosen, the token added last, retries, and the response read into
//! a value or one [`Error`](crate::Error) without the token.

pub(crate) mod body;
pub(crate) mod call;
mod error;
mod error_body;
pub(crate) mod hosts;
pub(crate) mod list;
pub(crate) mod operation;
pub(crate) mod operation_table;
pub(crate) mod query;
pub(crate) mod rate_limit;
pub(crate) mod response;
mod retry;
pub(crate) mod scrub;
mod settings;
pub(crate) mod timeouts;
mod token;
pub(crate) mod transfer;
pub(crate) mod validation;

pub use error::{Error, FieldError, OptionalExt, TransportKind};
pub use rate_limit::RateLimit;
pub use retry::RetryPolicy;
pub(crate) use settings::RawResponses;
pub use settings::Settings;
pub use token::ApiToken;
