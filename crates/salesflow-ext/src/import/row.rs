//! One lead to import, and what is wrong with it before anything is sent.

use std::fmt;

use super::{ProfileKey, ProfileUrl};

/// One lead to import into a campaign: the `importMember` parameters.
///
/// ```
/// use salesflow_ext::ImportRow;
///
/// let row = ImportRow::new("https://www.linkedin.com/in/jane-doe")
///     .first_name("Jane")
///     .last_name("Doe")
///     .custom_fields(["Acme", "Berlin office"]);
/// assert_eq!(row.profile().unwrap().as_str(), "jane-doe");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportRow {
    /// The LinkedIn profile URL (`linkedInUrl`).
    pub linkedin_url: String,
    /// `firstName`.
    pub first_name: Option<String>,
    /// `lastName`.
    pub last_name: Option<String>,
    /// `occupation` (the headline).
    pub occupation: Option<String>,
    /// `location`.
    pub location: Option<String>,
    /// The campaign's custom fields, in order (`customFields`).
    pub custom_fields: Vec<String>,
}

impl ImportRow {
    /// A row for the profile at `linkedin_url`.
    pub fn new(linkedin_url: impl Into<String>) -> Self {
        Self {
            linkedin_url: linkedin_url.into(),
            ..Self::default()
        }
    }

    /// Sets `firstName`.
    pub fn first_name(mut self, value: impl Into<String>) -> Self {
        self.first_name = Some(value.into());
        self
    }

    /// Sets `lastName`.
    pub fn last_name(mut self, value: impl Into<String>) -> Self {
        self.last_name = Some(value.into());
        self
    }

    /// Sets `occupation`.
    pub fn occupation(mut self, value: impl Into<String>) -> Self {
        self.occupation = Some(value.into());
        self
    }

    /// Sets `location`.
    pub fn location(mut self, value: impl Into<String>) -> Self {
        self.location = Some(value.into());
        self
    }

    /// Sets the custom fields, in the campaign's order.
    pub fn custom_fields<S: Into<String>>(mut self, values: impl IntoIterator<Item = S>) -> Self {
        self.custom_fields = values.into_iter().map(Into::into).collect();
        self
    }

    /// The profile the URL names, if it names one.
    pub fn profile(&self) -> Option<ProfileKey> {
        ProfileKey::from_url(&self.linkedin_url)
    }

    /// The row's LinkedIn URL in the form the API takes (see [`ProfileUrl::parse`]), or
    /// what is wrong with it.
    pub fn profile_url(&self) -> Result<ProfileUrl, RowProblem> {
        ProfileUrl::parse(&self.linkedin_url).map_err(|error| RowProblem {
            field: "linkedInUrl".to_owned(),
            message: error.to_string(),
        })
    }

    /// The `importMember` query parameters of the row, as a request carries them, with
    /// `url` (the row's URL as it is sent).
    pub(crate) fn parameters<'a>(&'a self, url: &'a ProfileUrl) -> Vec<(&'static str, &'a str)> {
        let mut parameters = vec![("linkedInUrl", url.as_str())];
        for (name, value) in [
            ("firstName", &self.first_name),
            ("lastName", &self.last_name),
            ("occupation", &self.occupation),
            ("location", &self.location),
        ] {
            if let Some(value) = value {
                parameters.push((name, value.as_str()));
            }
        }
        for value in &self.custom_fields {
            parameters.push(("customFields", value.as_str()));
        }
        parameters
    }

    /// The row's `importMember` call on `client`, with `url` (the row's URL as it is sent).
    pub fn request<'c>(
        &self,
        client: &'c salesflow::Client,
        url: &ProfileUrl,
        account_id: i64,
        campaign_id: i64,
    ) -> salesflow::builder::ImportMember<'c> {
        let mut request = client
            .import_member()
            .account_id(account_id)
            .campaign_id(campaign_id)
            .linked_in_url(url.as_str());
        if let Some(value) = &self.first_name {
            request = request.first_name(value.as_str());
        }
        if let Some(value) = &self.last_name {
            request = request.last_name(value.as_str());
        }
        if let Some(value) = &self.occupation {
            request = request.occupation(value.as_str());
        }
        if let Some(value) = &self.location {
            request = request.location(value.as_str());
        }
        if !self.custom_fields.is_empty() {
            request = request.custom_fields(self.custom_fields.clone());
        }
        request
    }

    /// Checks the whole request for the row with `client`'s token, sending nothing: the
    /// spec's rules, and that it fits in the query string the server takes (IIS: 2,048
    /// bytes), which [`check`](Self::check) can count only roughly.
    pub fn check_request(
        &self,
        client: &salesflow::Client,
        account_id: i64,
        campaign_id: i64,
    ) -> Result<(), RowProblem> {
        let url = self.profile_url()?;
        let request = self.request(client, &url, account_id, campaign_id);
        request.check().map_err(problem)
    }

    /// Checks the row against the spec's rules for `importMember`, its LinkedIn URL made
    /// into the form the API takes first (see [`ProfileUrl::parse`]), sending nothing: the
    /// URL that would be sent, or the problem, naming the parameter at fault. The query
    /// string's length is counted with a one-character token and ids;
    /// [`check_request`](Self::check_request) counts the real ones.
    pub fn check(&self) -> Result<ProfileUrl, RowProblem> {
        static CHECKS: std::sync::OnceLock<salesflow::Client> = std::sync::OnceLock::new();
        let client = CHECKS.get_or_init(|| {
            salesflow::Client::builder()
                .token("-")
                .build()
                .expect("a client with a token and the default URL builds")
        });
        let url = self.profile_url()?;
        self.request(client, &url, 1, 1).check().map_err(problem)?;
        Ok(url)
    }
}

/// The row problem of a request refused before sending.
fn problem(error: salesflow::Error) -> RowProblem {
    match error {
        salesflow::Error::InvalidRequest { field, rule, .. } => RowProblem {
            field,
            message: rule,
        },
        other => RowProblem {
            field: "row".to_owned(),
            message: other.to_string(),
        },
    }
}

/// What is wrong with a row: the `importMember` parameter at fault and the rule it breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// The parameter (`linkedInUrl`); a CSV reader puts the column's header here.
    pub field: String,
    /// What is wrong and what it needs.
    pub message: String,
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.field, self.message)
    }
}

impl std::error::Error for RowProblem {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_is_checked_against_the_spec_before_sending() {
        assert!(
            ImportRow::new("https://www.linkedin.com/in/jane")
                .check()
                .is_ok()
        );
        let empty = ImportRow::new("").check().unwrap_err();
        assert_eq!(empty.field, "linkedInUrl");
        assert!(empty.message.contains("empty"), "{empty}");
        let elsewhere = ImportRow::new("https://example.com/in/jane")
            .check()
            .unwrap_err();
        assert_eq!(elsewhere.field, "linkedInUrl");
        let company = ImportRow::new("https://www.linkedin.com/company/acme")
            .check()
            .unwrap_err();
        assert!(company.message.contains("company page"), "{company}");
        let pasted = ImportRow::new("linkedin.com/in/Jane/?trk=x")
            .check()
            .unwrap();
        assert_eq!(pasted.as_str(), "https://www.linkedin.com/in/Jane");
    }
}
