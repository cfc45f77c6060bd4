//! Which LinkedIn profile a URL names, so that two spellings of one profile are one row.

use std::fmt;

/// The LinkedIn profile a URL names: its public identifier (`jane-doe` in
/// `https://www.linkedin.com/in/Jane-Doe/?trk=x`), lower case and percent-decoded, as
/// LinkedIn treats it. Rows and campaign members are matched by it.
///
/// ```
/// use salesflow_ext::ProfileKey;
///
/// let a = ProfileKey::from_url("https://www.linkedin.com/in/Jane-Doe/?trk=abc").unwrap();
/// let b = ProfileKey::from_url("http://linkedin.com/in/jane-doe").unwrap();
/// assert_eq!(a, b);
/// assert_eq!(a.as_str(), "jane-doe");
/// assert!(ProfileKey::from_url("https://example.com/in/jane-doe").is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProfileKey(String);

impl ProfileKey {
    /// The profile of a LinkedIn profile link, in any form [`ProfileUrl::parse`] takes, or
    /// `None` if the link names no LinkedIn profile.
    ///
    /// [`ProfileUrl::parse`]: super::ProfileUrl::parse
    pub fn from_url(url: &str) -> Option<Self> {
        super::ProfileUrl::parse(url)
            .ok()
            .map(|url| url.key().clone())
    }

    /// The profile of the identifier segment of a profile link's path, percent-encoded
    /// as it is there (`jos%C3%A9`).
    pub(crate) fn from_path_segment(segment: &str) -> Option<Self> {
        Self::from_identifier(&percent_decode(segment))
    }

    /// The profile of a public identifier (`Jane-Doe`), or `None` if it is blank.
    pub fn from_identifier(identifier: &str) -> Option<Self> {
        let identifier = identifier.trim();
        (!identifier.is_empty()).then(|| Self(identifier.to_lowercase()))
    }

    /// The identifier, lower case.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ProfileKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `%C3%A9` → `é`; a malformed escape is kept as written.
fn percent_decode(text: &str) -> String {
    let bytes: Vec<u8> =
        form_urlencoded::parse(format!("x={}", text.replace('+', "%2B")).as_bytes())
            .next()
            .map(|(_, value)| value.into_owned().into_bytes())
            .unwrap_or_else(|| text.as_bytes().to_vec());
    String::from_utf8(bytes).unwrap_or_else(|_| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_profile_are_one_key() {
        let key = |url| ProfileKey::from_url(url).map(|k| k.0);
        assert_eq!(
            key("https://www.linkedin.com/in/jane-doe").as_deref(),
            Some("jane-doe")
        );
        assert_eq!(
            key("https://uk.linkedin.com/in/JANE-DOE/").as_deref(),
            Some("jane-doe")
        );
        assert_eq!(
            key("https://www.linkedin.com/in/jos%C3%A9?x=1#y").as_deref(),
            Some("josé")
        );
        assert_eq!(key("https://www.linkedin.com/company/acme"), None);
        assert_eq!(key("https://www.linkedin.com/in/"), None);
        assert_eq!(key("ftp://linkedin.com/in/jane"), None);
        assert_eq!(key("linkedin.com/in/Jane").as_deref(), Some("jane"));
        assert_eq!(key("https://notlinkedin.com/in/jane"), None);
    }
}
