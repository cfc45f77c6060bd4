//! A LinkedIn profile link as people paste it, made into the one form the API takes.

use std::fmt;

use super::ProfileKey;

/// A LinkedIn profile link in the form `importMember` takes and Salesflow stores:
/// `https://www.linkedin.com/in/IDENTIFIER`. [`ProfileUrl::parse`] accepts a link as people
/// paste it and copy it out of exports: without a scheme, `http`, a host in any case,
/// `linkedin.com` without `www.`, a country (`uk.`, `de.`) or mobile (`m.`) host, a query
/// (`?trk=…`, `?originalSubdomain=…`), a fragment, a trailing slash, or a page below the
/// profile (`/details/experience/`, a language such as `/en`), all of which name the same
/// profile.
///
/// A link that names no person is refused with what it is and what to do: a Sales
/// Navigator lead (`/sales/lead/…`, whose id only LinkedIn can turn into a profile), a
/// company, school or showcase page, an old `/pub/` profile link, or a host that is not
/// LinkedIn's.
///
/// ```
/// use salesflow_ext::ProfileUrl;
///
/// let url = ProfileUrl::parse("linkedin.com/in/Jane-Doe/?trk=public_profile")?;
/// assert_eq!(url.as_str(), "https://www.linkedin.com/in/Jane-Doe");
/// assert_eq!(url.key().as_str(), "jane-doe");
///
/// let lead = ProfileUrl::parse("https://www.linkedin.com/sales/lead/ACwAAA,NAME_SEARCH,x").unwrap_err();
/// assert!(lead.to_string().contains("Sales Navigator"));
/// # Ok::<(), salesflow_ext::ProfileUrlError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProfileUrl {
    url: String,
    key: ProfileKey,
}

/// Why a link is not a LinkedIn profile link the API takes; its `Display` says what the
/// link is and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProfileUrlError {
    /// Nothing was given.
    Empty,
    /// Not a web link at all.
    NotALink,
    /// A link to another site than LinkedIn (the host).
    NotLinkedIn(String),
    /// A Sales Navigator lead or account link.
    SalesNavigator,
    /// A company, school or showcase page (its kind).
    NotAPerson(&'static str),
    /// An old public profile link (`/pub/name/…`).
    OldPublicProfile,
    /// A LinkedIn page that names no profile (the path).
    NoProfile(String),
}

impl fmt::Display for ProfileUrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const FORM: &str = "https://www.linkedin.com/in/IDENTIFIER";
        match self {
            Self::Empty => write!(f, "is empty; it needs a LinkedIn profile link ({FORM})"),
            Self::NotALink => write!(
                f,
                "is not a link; it needs a LinkedIn profile link ({FORM})"
            ),
            Self::NotLinkedIn(host) => write!(
                f,
                "is a link to {host}, not to LinkedIn; it needs a LinkedIn profile link ({FORM})"
            ),
            Self::SalesNavigator => write!(
                f,
                "is a Sales Navigator lead link, which only LinkedIn can turn into a profile; \
                 use the person's profile link ({FORM}): in Sales Navigator, \"View LinkedIn \
                 profile\", or the export's LinkedIn profile URL column"
            ),
            Self::NotAPerson(kind) => write!(
                f,
                "is a LinkedIn {kind} page, not a person; a campaign imports people ({FORM})"
            ),
            Self::OldPublicProfile => write!(
                f,
                "is an old public profile link (/pub/…); open it in a browser and use the \
                 {FORM} link it leads to"
            ),
            Self::NoProfile(path) => write!(
                f,
                "is a LinkedIn page ({path}) that names no profile; it needs a profile link ({FORM})"
            ),
        }
    }
}

impl std::error::Error for ProfileUrlError {}

impl ProfileUrl {
    /// The profile link `text` names, in the API's form, or why it names none.
    pub fn parse(text: &str) -> Result<Self, ProfileUrlError> {
        let text = text
            .trim_matches(|c: char| c.is_whitespace() || matches!(c, '\u{200b}' | '\u{feff}'))
            .trim_start_matches('<')
            .trim_end_matches('>');
        if text.is_empty() {
            return Err(ProfileUrlError::Empty);
        }
        let with_scheme = if text.contains("://") {
            text.to_owned()
        } else {
            format!("https://{}", text.trim_start_matches('/'))
        };
        let url =
            salesflow::reqwest::Url::parse(&with_scheme).map_err(|_| ProfileUrlError::NotALink)?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(ProfileUrlError::NotALink);
        }
        let host = url.host_str().ok_or(ProfileUrlError::NotALink)?;
        if host != "linkedin.com" && !host.ends_with(".linkedin.com") {
            return Err(ProfileUrlError::NotLinkedIn(host.to_owned()));
        }
        let segments: Vec<&str> = url
            .path_segments()
            .map(|segments| segments.filter(|s| !s.is_empty()).collect())
            .unwrap_or_default();
        let lower: Vec<String> = segments.iter().map(|s| s.to_ascii_lowercase()).collect();
        // LinkedIn's lightweight mobile site puts its pages under /mwlite.
        let start = usize::from(lower.first().is_some_and(|s| s == "mwlite"));
        let identifier = match lower.get(start).map(String::as_str) {
            Some("in") => segments.get(start + 1),
            Some("sales") => return Err(ProfileUrlError::SalesNavigator),
            Some("company") => return Err(ProfileUrlError::NotAPerson("company")),
            Some("school") => return Err(ProfileUrlError::NotAPerson("school")),
            Some("showcase") => return Err(ProfileUrlError::NotAPerson("showcase")),
            Some("pub") => return Err(ProfileUrlError::OldPublicProfile),
            _ => None,
        };
        let Some(identifier) = identifier else {
            return Err(ProfileUrlError::NoProfile(url.path().to_owned()));
        };
        let key = ProfileKey::from_path_segment(identifier)
            .ok_or_else(|| ProfileUrlError::NoProfile(url.path().to_owned()))?;
        Ok(Self {
            url: format!("https://www.linkedin.com/in/{identifier}"),
            key,
        })
    }

    /// The link, `https://www.linkedin.com/in/IDENTIFIER`.
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// The profile it names, to match rows and campaign members by.
    pub fn key(&self) -> &ProfileKey {
        &self.key
    }
}

impl fmt::Display for ProfileUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> String {
        ProfileUrl::parse(text)
            .unwrap_or_else(|error| panic!("{text}: {error}"))
            .url
    }

    #[test]
    fn links_as_people_paste_them_become_the_one_form() {
        for text in [
            "https://www.linkedin.com/in/jane-doe",
            "https://www.linkedin.com/in/jane-doe/",
            "http://linkedin.com/in/jane-doe",
            "linkedin.com/in/jane-doe/",
            "www.linkedin.com/in/jane-doe",
            "//www.linkedin.com/in/jane-doe",
            "HTTPS://WWW.LINKEDIN.COM/IN/jane-doe/",
            "https://uk.linkedin.com/in/jane-doe?trk=people-guest_people_search-card",
            "https://de.linkedin.com/in/jane-doe/en",
            "https://m.linkedin.com/in/jane-doe#experience",
            "https://www.linkedin.com/mwlite/in/jane-doe",
            "https://www.linkedin.com/in/jane-doe/details/experience/?originalSubdomain=fr",
            " <https://www.linkedin.com/in/jane-doe> ",
            "\u{feff}https://www.linkedin.com/in/jane-doe\u{200b}",
        ] {
            assert_eq!(
                parsed(text),
                "https://www.linkedin.com/in/jane-doe",
                "{text}"
            );
        }
        // The identifier keeps its case and its (percent-encoded) letters.
        assert_eq!(
            parsed("https://www.linkedin.com/in/José-García-12ab/"),
            "https://www.linkedin.com/in/Jos%C3%A9-Garc%C3%ADa-12ab"
        );
        assert_eq!(
            ProfileUrl::parse("linkedin.com/in/Jos%C3%A9")
                .unwrap()
                .key()
                .as_str(),
            "josé"
        );
        // A profile link by member id, as some exports write it, is a profile link.
        assert_eq!(
            parsed("https://www.linkedin.com/in/ACwAAAB1cDEB2x3y"),
            "https://www.linkedin.com/in/ACwAAAB1cDEB2x3y"
        );
    }

    #[test]
    fn a_link_to_no_person_says_what_it_is() {
        let error = |text: &str| ProfileUrl::parse(text).unwrap_err();
        assert_eq!(error(""), ProfileUrlError::Empty);
        assert_eq!(
            error("https://www.linkedin.com/sales/lead/ACwAAA,NAME_SEARCH,abc"),
            ProfileUrlError::SalesNavigator
        );
        assert_eq!(
            error("linkedin.com/sales/people/ACwAAA,name"),
            ProfileUrlError::SalesNavigator
        );
        assert_eq!(
            error("https://www.linkedin.com/company/acme/"),
            ProfileUrlError::NotAPerson("company")
        );
        assert_eq!(
            error("https://www.linkedin.com/pub/jane-doe/1/2/3"),
            ProfileUrlError::OldPublicProfile
        );
        assert_eq!(
            error("https://example.com/in/jane"),
            ProfileUrlError::NotLinkedIn("example.com".to_owned())
        );
        assert_eq!(
            error("https://notlinkedin.com/in/jane"),
            ProfileUrlError::NotLinkedIn("notlinkedin.com".to_owned())
        );
        assert_eq!(
            error("https://www.linkedin.com/in/"),
            ProfileUrlError::NoProfile("/in/".to_owned())
        );
        assert_eq!(
            error("ftp://linkedin.com/in/jane"),
            ProfileUrlError::NotALink
        );
        assert!(
            error("https://www.linkedin.com/sales/lead/x")
                .to_string()
                .contains("https://www.linkedin.com/in/IDENTIFIER")
        );
    }
}
