//! Which `importMember` parameter each column of a lead file feeds, from its header as
//! LinkedIn, Sales Navigator tools, CRMs (HubSpot, Salesforce, Pipedrive) and lead tools
//! (Apollo) name it, or as the user maps it.

use super::{CsvOptions, ImportError};

/// The `importMember` parameter (or the part of one) a column feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Use {
    LinkedInUrl,
    FirstName,
    LastName,
    Occupation,
    Location,
    /// A part of the location, when the file has no location column.
    City,
    Region,
    Country,
    CustomField,
    /// Nothing: named once on stderr, unless the user said to ignore it.
    LeftOut,
}

/// The parameters of `importMember` a column can feed, in the order they are described.
const PARAMETERS: [Use; 5] = [
    Use::LinkedInUrl,
    Use::FirstName,
    Use::LastName,
    Use::Occupation,
    Use::Location,
];

impl Use {
    /// The name a person uses for it, the API's parameter name.
    pub fn name(self) -> &'static str {
        match self {
            Self::LinkedInUrl => "linkedInUrl",
            Self::FirstName => "firstName",
            Self::LastName => "lastName",
            Self::Occupation => "occupation",
            Self::Location => "location",
            Self::City => "location (city)",
            Self::Region => "location (state or region)",
            Self::Country => "location (country)",
            Self::CustomField => "customFields",
            Self::LeftOut => "nothing",
        }
    }
}

/// The fields `--map` names: the API's parameter names, in any case.
pub(crate) const MAP_FIELDS: &str =
    "linkedInUrl, firstName, lastName, occupation, location, customField, ignore";

/// A field `--map` names: `None` for `ignore`.
pub(crate) fn field_of(name: &str) -> Result<Option<Use>, ImportError> {
    Ok(Some(match normalize(name).as_str() {
        "linkedinurl" => Use::LinkedInUrl,
        "firstname" => Use::FirstName,
        "lastname" => Use::LastName,
        "occupation" => Use::Occupation,
        "location" => Use::Location,
        "customfield" | "customfields" => Use::CustomField,
        "ignore" | "none" | "skip" => return Ok(None),
        _ => {
            return Err(ImportError::Columns(format!(
                "--map: {name:?} is not a field; use one of {MAP_FIELDS}"
            )));
        }
    }))
}

/// A header as it is compared: lower case letters and digits only (`LinkedIn_URL__c` and
/// `linkedin url` are one name).
pub(crate) fn normalize(header: &str) -> String {
    let header = header.trim();
    let header = header
        .strip_suffix("__c")
        .or_else(|| header.strip_suffix("__C"))
        .unwrap_or(header);
    header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// What a header names, and how sure that is (lower is surer): the names LinkedIn's own
/// export, Sales Navigator exports (Evaboot, Phantombuster), HubSpot, Salesforce (report
/// labels and API names), Pipedrive and Apollo write.
fn recognise(name: &str) -> Option<(Use, u8)> {
    Some(match name {
        "linkedinurl"
        | "linkedinprofileurl"
        | "linkedinprofile"
        | "linkedinprofilelink"
        | "linkedinlink"
        | "personlinkedinurl"
        | "contactlinkedinurl"
        | "hslinkedinurl"
        | "publicprofileurl"
        | "linkedinpublicurl"
        | "linkedinpublicprofileurl"
        | "defaultprofileurl" => (Use::LinkedInUrl, 0),
        "linkedin" | "profileurl" | "profilelink" | "linkedinprofileid" => (Use::LinkedInUrl, 1),
        // Sales Navigator's own links: used only when there is no profile link, so that
        // each row says what it is and what to do.
        "salesnavigatorurl"
        | "salesnavigatorprofileurl"
        | "salesnavigatorlink"
        | "salesnavurl"
        | "navigatorurl"
        | "salesnavigatorleadurl"
        | "leadurl" => (Use::LinkedInUrl, 2),
        // LinkedIn's Connections.csv calls the profile link just URL.
        "url" => (Use::LinkedInUrl, 3),
        "firstname" | "givenname" | "forename" | "fname" => (Use::FirstName, 0),
        // The same in the languages of Excel's semicolon countries.
        "vorname" | "prenom" | "nombre" | "voornaam" | "nome" => (Use::FirstName, 0),
        "first" => (Use::FirstName, 1),
        "lastname" | "surname" | "familyname" | "lname" => (Use::LastName, 0),
        "nachname" | "familienname" | "nom" | "apellido" | "apellidos" | "achternaam"
        | "cognome" => (Use::LastName, 0),
        "last" => (Use::LastName, 1),
        "occupation" | "headline" => (Use::Occupation, 0),
        "jobtitle" | "title" | "currenttitle" | "currentjobtitle" | "position"
        | "currentposition" | "designation" => (Use::Occupation, 1),
        "role" => (Use::Occupation, 2),
        "berufsbezeichnung" | "titel" | "poste" | "cargo" | "functie" | "funktion" => {
            (Use::Occupation, 1)
        }
        "location" | "geography" | "geolocation" | "fulllocation" | "standort" | "ort"
        | "ubicacion" | "localisation" => (Use::Location, 0),
        "city" | "mailingcity" | "town" | "stadt" | "ville" | "ciudad" => (Use::City, 0),
        "state"
        | "stateregion"
        | "province"
        | "stateprovince"
        | "mailingstate"
        | "mailingstateprovince"
        | "region"
        | "county"
        | "bundesland" => (Use::Region, 0),
        "country" | "countryregion" | "mailingcountry" | "land" | "pays" | "pais" => {
            (Use::Country, 0)
        }
        custom if custom.starts_with("customfield") => (Use::CustomField, 0),
        _ => return None,
    })
}

/// Whether `headers` name a column of LinkedIn URLs (by its name, or by the user's map):
/// the header row, rather than a note above it.
pub(crate) fn names_a_url_column(headers: &[String], options: &CsvOptions) -> bool {
    headers.iter().any(|header| {
        let name = normalize(header);
        options.map.iter().any(|(mapped, field)| {
            normalize(mapped) == name && matches!(field_of(field), Ok(Some(Use::LinkedInUrl)))
        }) || recognise_header(&name).is_some_and(|(field, _)| field == Use::LinkedInUrl)
    })
}

/// What a header names, trying it also without a CRM's entity prefix (Pipedrive's
/// `Person - Job title`, Apollo's `Person Linkedin Url` is named as it is).
fn recognise_header(name: &str) -> Option<(Use, u8)> {
    recognise(name).or_else(|| {
        ["person", "contact", "lead", "prospect"]
            .iter()
            .find_map(|prefix| name.strip_prefix(prefix))
            .filter(|rest| !rest.is_empty())
            .and_then(recognise)
    })
}

/// How the columns of a file are used.
#[derive(Debug, Clone)]
pub(crate) struct ColumnPlan {
    /// The file's headers, as written.
    pub headers: Vec<String>,
    /// What each column feeds.
    pub uses: Vec<Use>,
    /// The columns sent as custom fields, in the order they are sent.
    pub custom_fields: Vec<usize>,
    /// What a person should know about the columns (left out, location made of parts).
    pub notes: Vec<String>,
}

impl ColumnPlan {
    /// The plan for `headers`, or `None` if no column holds LinkedIn URLs (the row is not a
    /// header row, or the file needs `--map`).
    pub fn new(headers: &[String], options: &CsvOptions) -> Result<Option<Self>, ImportError> {
        let names: Vec<String> = headers.iter().map(|h| normalize(h)).collect();
        let mut uses = vec![Use::LeftOut; headers.len()];
        let mut rank = vec![u8::MAX; headers.len()];
        let mut ignored = vec![false; headers.len()];
        for (header, field) in &options.map {
            let wanted = normalize(header);
            let Some(index) = names.iter().position(|name| *name == wanted) else {
                return Err(ImportError::Columns(format!(
                    "--map: no column {header:?} in the header ({})",
                    quoted(headers)
                )));
            };
            match field_of(field)? {
                Some(field) => {
                    uses[index] = field;
                    // Mapped by the user: surer than any name.
                    rank[index] = 0;
                }
                None => ignored[index] = true,
            }
        }
        let mapped: Vec<bool> = (0..headers.len())
            .map(|i| options.map.iter().any(|(h, _)| normalize(h) == names[i]))
            .collect();
        for (index, name) in names.iter().enumerate() {
            if mapped[index] {
                continue;
            }
            if let Some((field, sureness)) = recognise_header(name) {
                uses[index] = field;
                rank[index] = sureness + 1;
            }
        }
        let mut notes = Vec::new();
        // The columns a note explains already.
        let mut explained = vec![false; headers.len()];
        // One column for each parameter: the surest; two as sure are for the user to choose.
        let location_parts = [Use::City, Use::Region, Use::Country];
        for field in PARAMETERS.into_iter().chain(location_parts) {
            let holders: Vec<usize> = (0..headers.len()).filter(|&i| uses[i] == field).collect();
            let Some(&best) = holders.iter().min_by_key(|&&i| rank[i]) else {
                continue;
            };
            let tied: Vec<usize> = holders
                .iter()
                .copied()
                .filter(|&i| rank[i] == rank[best])
                .collect();
            if tied.len() > 1 {
                return Err(ImportError::Columns(format!(
                    "columns {} all hold {}; choose one with --map '{}=ignore' (or map it to another field)",
                    quoted_at(headers, &tied),
                    field.name(),
                    display(headers, tied[1])
                )));
            }
            for &other in holders.iter().filter(|&&i| i != best) {
                uses[other] = Use::LeftOut;
                explained[other] = true;
                notes.push(format!(
                    "{} is left out: {} comes from {}",
                    quoted_at(headers, &[other]),
                    field.name(),
                    quoted_at(headers, &[best])
                ));
            }
        }
        if !uses.contains(&Use::LinkedInUrl) {
            return Ok(None);
        }
        // A location column, or a location made of its parts.
        let parts: Vec<usize> = (0..headers.len())
            .filter(|&i| matches!(uses[i], Use::City | Use::Region | Use::Country))
            .collect();
        if let Some(location) = uses.iter().position(|u| *u == Use::Location) {
            for &part in &parts {
                uses[part] = Use::LeftOut;
                explained[part] = true;
                notes.push(format!(
                    "{} is left out: location comes from {}",
                    quoted_at(headers, &[part]),
                    quoted_at(headers, &[location])
                ));
            }
        } else if !parts.is_empty() {
            notes.push(format!(
                "location is made of {}, joined with \", \"",
                quoted_at(headers, &parts)
            ));
        }
        let custom_fields = if options.custom_fields.is_empty() {
            (0..headers.len())
                .filter(|&i| uses[i] == Use::CustomField)
                .collect()
        } else {
            let mut order = Vec::new();
            for wanted in &options.custom_fields {
                let name = normalize(wanted);
                let Some(index) = names.iter().position(|n| *n == name) else {
                    return Err(ImportError::Columns(format!(
                        "--custom-fields: no column {wanted:?} in the header ({})",
                        quoted(headers)
                    )));
                };
                order.push(index);
            }
            if let Some(unnamed) =
                (0..headers.len()).find(|i| uses[*i] == Use::CustomField && !order.contains(i))
            {
                return Err(ImportError::Columns(format!(
                    "column {} holds a custom field, but --custom-fields does not name it; add \
                     it where it belongs in the campaign's order",
                    quoted_at(headers, &[unnamed])
                )));
            }
            order
        };
        let left_out: Vec<usize> = (0..headers.len())
            .filter(|&i| {
                uses[i] == Use::LeftOut
                    && !ignored[i]
                    && !explained[i]
                    && !custom_fields.contains(&i)
            })
            .collect();
        if !left_out.is_empty() {
            if options.refuse_unknown_columns {
                return Err(ImportError::Columns(format!(
                    "column {} feeds no importMember parameter; map it (--map 'HEADER=FIELD'), \
                     send it as a custom field (--custom-fields), or ignore it (--map 'HEADER=ignore')",
                    quoted_at(headers, &left_out)
                )));
            }
            notes.push(format!(
                "left out, as importMember has no parameter for {}: {} (--custom-fields \
                 'HEADER,...' sends columns as custom fields, --map 'HEADER=FIELD' uses one)",
                if left_out.len() == 1 { "it" } else { "them" },
                quoted_at(headers, &left_out)
            ));
        }
        Ok(Some(Self {
            headers: headers.to_vec(),
            uses,
            custom_fields,
            notes,
        }))
    }

    /// The header of the column that feeds `parameter` (an `importMember` parameter name),
    /// as a message names it.
    pub fn name_of(&self, parameter: &str) -> String {
        let wanted = match parameter {
            "linkedInUrl" => Use::LinkedInUrl,
            "firstName" => Use::FirstName,
            "lastName" => Use::LastName,
            "occupation" => Use::Occupation,
            "location" => Use::Location,
            "customFields" => {
                let columns: Vec<usize> = self.custom_fields.clone();
                return if columns.is_empty() {
                    parameter.to_owned()
                } else {
                    display_all(&self.headers, &columns)
                };
            }
            other => return other.to_owned(),
        };
        let columns: Vec<usize> = match self.uses.iter().position(|u| *u == wanted) {
            Some(column) => vec![column],
            None if wanted == Use::Location => (0..self.uses.len())
                .filter(|&i| matches!(self.uses[i], Use::City | Use::Region | Use::Country))
                .collect(),
            None => Vec::new(),
        };
        if columns.is_empty() {
            parameter.to_owned()
        } else {
            display_all(&self.headers, &columns)
        }
    }

    /// One line naming what feeds each parameter, for a person to check.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        for field in PARAMETERS {
            let fed = self.uses.contains(&field)
                || (field == Use::Location
                    && self
                        .uses
                        .iter()
                        .any(|u| matches!(u, Use::City | Use::Region | Use::Country)));
            if fed {
                parts.push(format!(
                    "{} from {}",
                    field.name(),
                    self.name_of(field.name())
                ));
            }
        }
        if !self.custom_fields.is_empty() {
            parts.push(format!(
                "customFields from {}",
                display_all(&self.headers, &self.custom_fields)
            ));
        }
        parts.join(", ")
    }
}

/// How a message names the column at `index`: its header, or its place when it has none.
fn display(headers: &[String], index: usize) -> String {
    match headers[index].trim() {
        "" => format!("column {}", index + 1),
        header => header.to_owned(),
    }
}

fn display_all(headers: &[String], columns: &[usize]) -> String {
    columns
        .iter()
        .map(|&i| display(headers, i))
        .collect::<Vec<_>>()
        .join(" + ")
}

/// The columns at `indexes`, quoted, for a message; columns without a header by their place.
fn quoted_at(headers: &[String], indexes: &[usize]) -> String {
    let unnamed: Vec<usize> = indexes
        .iter()
        .copied()
        .filter(|&i| headers[i].trim().is_empty())
        .collect();
    let mut parts: Vec<String> = indexes
        .iter()
        .filter(|&&i| !headers[i].trim().is_empty())
        .map(|&i| format!("{:?}", headers[i]))
        .collect();
    match unnamed.as_slice() {
        [] => {}
        [one] => parts.push(format!("column {} (no header)", one + 1)),
        many => parts.push(format!(
            "{} columns without a header ({})",
            many.len(),
            many.iter()
                .map(|i| (i + 1).to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
    parts.join(", ")
}

fn quoted(headers: &[String]) -> String {
    quoted_at(headers, &(0..headers.len()).collect::<Vec<_>>())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(headers: &[&str], options: &CsvOptions) -> ColumnPlan {
        let headers: Vec<String> = headers.iter().map(|h| (*h).to_owned()).collect();
        ColumnPlan::new(&headers, options)
            .unwrap()
            .expect("a URL column")
    }

    #[test]
    fn headers_match_as_tools_write_them() {
        for header in [
            "linkedInUrl",
            "LinkedIn URL",
            "linkedin_url",
            "LINKEDIN-URL",
            "LinkedIn Profile URL",
            "Person Linkedin Url",
            "LinkedIn_URL__c",
            "Person - LinkedIn profile",
            "profileUrl",
            "URL",
        ] {
            assert_eq!(
                recognise_header(&normalize(header)).map(|(u, _)| u),
                Some(Use::LinkedInUrl),
                "{header}"
            );
        }
        assert_eq!(
            recognise_header(&normalize("Person - First name"))
                .unwrap()
                .0,
            Use::FirstName
        );
        assert_eq!(
            recognise_header(&normalize("Job Title")).unwrap().0,
            Use::Occupation
        );
        assert_eq!(
            recognise_header(&normalize("State/Region")).unwrap().0,
            Use::Region
        );
        assert_eq!(
            recognise_header(&normalize("Custom Field 2")).unwrap().0,
            Use::CustomField
        );
        assert_eq!(recognise_header(&normalize("Company")), None);
    }

    #[test]
    fn the_surest_column_wins_and_the_rest_are_named() {
        let plan = plan(
            &[
                "First Name",
                "URL",
                "LinkedIn Profile URL",
                "Title",
                "Headline",
                "Email",
                "",
            ],
            &CsvOptions::default(),
        );
        assert_eq!(plan.uses[2], Use::LinkedInUrl);
        assert_eq!(plan.uses[1], Use::LeftOut);
        assert_eq!(plan.uses[4], Use::Occupation);
        assert_eq!(
            plan.describe(),
            "linkedInUrl from LinkedIn Profile URL, firstName from First Name, occupation from Headline"
        );
        let notes = plan.notes.join("\n");
        assert!(
            notes.contains("\"URL\" is left out: linkedInUrl comes from \"LinkedIn Profile URL\""),
            "{notes}"
        );
        assert!(notes.contains("\"Email\", column 7 (no header)"), "{notes}");
    }

    #[test]
    fn the_user_maps_orders_and_refuses() {
        let mut options = CsvOptions::default();
        options.add_map("Profil=linkedInUrl").unwrap();
        options.add_map("Firma=ignore").unwrap();
        options.custom_fields = vec!["Notiz".to_owned(), "Custom Field 1".to_owned()];
        let plan = plan(&["Profil", "Firma", "Custom Field 1", "Notiz"], &options);
        assert_eq!(plan.uses[0], Use::LinkedInUrl);
        assert_eq!(plan.custom_fields, [3, 2]);
        assert!(plan.notes.is_empty(), "{:?}", plan.notes);

        options.custom_fields = vec!["Notiz".to_owned()];
        let headers: Vec<String> = ["Profil", "Firma", "Custom Field 1", "Notiz"]
            .map(str::to_owned)
            .to_vec();
        let error = ColumnPlan::new(&headers, &options).unwrap_err().to_string();
        assert!(
            error.contains("\"Custom Field 1\" holds a custom field"),
            "{error}"
        );

        let strict = CsvOptions {
            refuse_unknown_columns: true,
            ..CsvOptions::default()
        };
        let headers: Vec<String> = ["linkedInUrl", "Company"].map(str::to_owned).to_vec();
        let error = ColumnPlan::new(&headers, &strict).unwrap_err().to_string();
        assert!(
            error.contains("\"Company\" feeds no importMember parameter"),
            "{error}"
        );
        let tie: Vec<String> = ["LinkedIn URL", "linkedin_url"].map(str::to_owned).to_vec();
        let error = ColumnPlan::new(&tie, &CsvOptions::default())
            .unwrap_err()
            .to_string();
        assert!(error.contains("--map 'linkedin_url=ignore'"), "{error}");
    }

    #[test]
    fn a_location_is_made_of_its_parts_when_there_is_none() {
        let plan = plan(
            &["LinkedIn", "City", "State", "Country"],
            &CsvOptions::default(),
        );
        assert_eq!(plan.name_of("location"), "City + State + Country");
        let with = plan_with_location();
        assert_eq!(with.name_of("location"), "Location");
    }

    fn plan_with_location() -> ColumnPlan {
        plan(&["LinkedIn", "City", "Location"], &CsvOptions::default())
    }
}
