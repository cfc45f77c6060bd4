//! What a webhook event says about itself: the integration that sent it and the event
//! that triggered it, as open enums (a new kind never fails an event).

use super::open_enum::open_string_enum;

open_string_enum! {
    /// The kind of integration that sent a webhook event. The docs show one value.
    pub enum IntegrationType {
        /// `INTEGRATION_TYPE_WEBHOOK`: a webhook call.
        Webhook = "INTEGRATION_TYPE_WEBHOOK",
    }
}

open_string_enum! {
    /// The event that triggered a webhook call. The docs spell out only the connected
    /// event; the reply, withdrawn and follow-up events arrive as
    /// [`Other`](IntegrationRunOn::Other) with the name Salesflow sends.
    ///
    /// ```
    /// use salesflow::IntegrationRunOn;
    /// assert_eq!(IntegrationRunOn::from("INTEGRATION_RUN_ON_CONNECTED"), IntegrationRunOn::Connected);
    /// ```
    pub enum IntegrationRunOn {
        /// `INTEGRATION_RUN_ON_CONNECTED`: a campaign member connected.
        Connected = "INTEGRATION_RUN_ON_CONNECTED",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_events_are_kept() {
        let event: IntegrationRunOn =
            serde_json::from_str("\"INTEGRATION_RUN_ON_FOLLOWUP\"").unwrap();
        assert_eq!(
            event,
            IntegrationRunOn::Other("INTEGRATION_RUN_ON_FOLLOWUP".into())
        );
        assert_eq!(
            serde_json::to_string(&event).unwrap(),
            "\"INTEGRATION_RUN_ON_FOLLOWUP\""
        );
        assert_eq!(
            IntegrationType::from("INTEGRATION_TYPE_WEBHOOK"),
            IntegrationType::Webhook
        );
    }
}
