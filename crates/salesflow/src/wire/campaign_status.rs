//! `CampaignStatus`: the state of a campaign, an open enum (a new state never fails).

use super::open_enum::open_string_enum;

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
