//! The states of campaigns and accounts, as open enums (a new state never fails a response).

use crate::open_enum::open_string_enum;

open_string_enum! {
    /// The state of a campaign.
    ///
    /// ```
    /// use salesflow::CampaignStatus;
    /// assert_eq!("CAMPAIGN_PAUSED".parse(), Ok(CampaignStatus::Paused));
    /// let newer = CampaignStatus::from("CAMPAIGN_ARCHIVED");
    /// assert_eq!(newer, CampaignStatus::Other("CAMPAIGN_ARCHIVED".into()));
    /// assert_eq!(newer.to_string(), "CAMPAIGN_ARCHIVED");
    /// ```
    pub enum CampaignStatus {
        /// `CAMPAIGN_RUNNING`: the campaign is running right now.
        Running = "CAMPAIGN_RUNNING",
        /// `CAMPAIGN_PAUSED`: the campaign will be started at its scheduled time.
        Paused = "CAMPAIGN_PAUSED",
        /// `CAMPAIGN_STOPPED`: stopped, and never started automatically.
        Stopped = "CAMPAIGN_STOPPED",
    }
}

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
