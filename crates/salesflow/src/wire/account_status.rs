//! `AccountStatus`: the state of a LinkedIn account, an open enum (a new state never fails).

use super::open_enum::open_string_enum;

open_string_enum! {
    /// The state of a LinkedIn account. The docs show these two values only.
    ///
    /// ```
    /// use salesflow::AccountStatus;
    /// assert_eq!(AccountStatus::from("ACCOUNT_BLOCKED"), AccountStatus::Blocked);
    /// assert!(!AccountStatus::from("ACCOUNT_PAUSED").is_known());
    /// ```
    pub enum AccountStatus {
        /// `ACCOUNT_ACTIVE`: the account works.
        Active = "ACCOUNT_ACTIVE",
        /// `ACCOUNT_BLOCKED`: the account is blocked.
        Blocked = "ACCOUNT_BLOCKED",
    }
}
