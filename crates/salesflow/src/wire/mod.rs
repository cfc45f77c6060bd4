//! The values on the wire: every form of timestamp the API sends, member statuses as bit
//! flags, rates that may be `"NaN"`, the open enumerations that keep values they don't know, and the lenient JSON
//! reading that a .NET server needs, also item by item for lists that arrive in chunks;
//! and the text a builder's field takes.

mod account_status;
mod campaign_status;
mod distance;
mod integration;
pub(crate) mod json_array;
pub(crate) mod lenient_json;
mod member_status;
pub(crate) mod null_list;
mod open_enum;
mod rate;
mod run_on;
mod text_value;
mod timestamp;

pub use account_status::AccountStatus;
pub use campaign_status::CampaignStatus;
pub use distance::Distance;
pub use integration::{IntegrationRunOn, IntegrationType};
pub use lenient_json::{JsonError, from_json};
pub use member_status::{MemberFlags, MemberStatus};
pub use rate::Rate;
pub use run_on::{RunOn, RunOnError};
pub use text_value::TextValue;
pub use timestamp::{Timestamp, TimestampError};
