//! Where the rows of an import come from: a list in memory, or a CSV file read twice (once
//! to check every row, once to send them), so memory does not grow with the file.

use std::path::{Path, PathBuf};

use super::{ImportError, ImportRow, RowProblem};

/// One row of a source: its number (what a person calls it: the line of a CSV file, the
/// place in a list from 1), the row as read, and what is wrong with it, if anything.
#[derive(Debug, Clone)]
pub struct SourceRow {
    /// The row's number.
    pub number: u64,
    /// The row as read (as much of it as could be read).
    pub row: ImportRow,
    /// Why it cannot be imported, if it cannot: [`ImportRow::check`]'s problem, or why it
    /// could not be read.
    pub problem: Option<RowProblem>,
}

impl SourceRow {
    /// A row, checked.
    pub fn checked(number: u64, row: ImportRow) -> Self {
        let problem = row.check().err();
        Self {
            number,
            row,
            problem,
        }
    }
}

/// Rows to import, readable more than once in the same order: the importer reads them once
/// to check every row before the first request, then again to send them.
pub trait ImportSource {
    /// The rows, from the first.
    fn rows(&self) -> Result<Box<dyn Iterator<Item = SourceRow> + '_>, ImportError>;

    /// How the source names the place of an `importMember` parameter (`occupation`) in
    /// a problem it reports: a CSV file names its column's header (`Headline`).
    fn name_of(&self, parameter: &str) -> String {
        parameter.to_owned()
    }
}

impl ImportSource for [ImportRow] {
    fn rows(&self) -> Result<Box<dyn Iterator<Item = SourceRow> + '_>, ImportError> {
        Ok(Box::new(self.iter().enumerate().map(|(index, row)| {
            SourceRow::checked(index as u64 + 1, row.clone())
        })))
    }
}

impl ImportSource for Vec<ImportRow> {
    fn rows(&self) -> Result<Box<dyn Iterator<Item = SourceRow> + '_>, ImportError> {
        self.as_slice().rows()
    }
}

/// Which `importMember` parameter a CSV column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    LinkedInUrl,
    FirstName,
    LastName,
    Occupation,
    Location,
    CustomField,
}

/// A CSV file of leads with a header row. Headers match case-insensitively, ignoring spaces,
/// `_` and `-`: `linkedInUrl`, `LinkedIn URL` and `linkedin_url` are one column; likewise
/// `firstName`, `lastName`, `occupation` (or `headline`), `location`, and custom field
/// columns (`customField1`, `Custom Field 2`, …), sent in the order of the file. Any other
/// column is an error: nothing in the file is silently left out. Row numbers are the
/// file's line numbers (the header is line 1).
///
/// ```no_run
/// use salesflow_ext::CsvFile;
///
/// let file = CsvFile::open("leads.csv")?;
/// println!("{} custom field columns", file.custom_field_columns());
/// # Ok::<(), salesflow_ext::ImportError>(())
/// ```
#[derive(Debug, Clone)]
pub struct CsvFile {
    path: PathBuf,
    headers: Vec<String>,
    columns: Vec<Column>,
}

impl CsvFile {
    /// Opens `path` and reads its header row.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, ImportError> {
        let path = path.as_ref().to_path_buf();
        let mut reader = reader(&path)?;
        let headers: Vec<String> = reader
            .headers()
            .map_err(|error| ImportError::io(&path, error.to_string()))?
            .iter()
            .map(|header| header.trim_start_matches('\u{feff}').trim().to_owned())
            .collect();
        let mut columns = Vec::with_capacity(headers.len());
        let mut unknown = Vec::new();
        for header in &headers {
            match column(header) {
                Some(column) => {
                    if column != Column::CustomField && columns.contains(&column) {
                        return Err(ImportError::Columns(format!(
                            "{}: two columns hold the same parameter (the second is {header:?}); keep one",
                            path.display()
                        )));
                    }
                    columns.push(column);
                }
                None => unknown.push(format!("{header:?}")),
            }
        }
        if !unknown.is_empty() {
            return Err(ImportError::Columns(format!(
                "{}: column {} is not one importMember takes (linkedInUrl, firstName, lastName, \
                 occupation, location, customField1…); rename or remove it",
                path.display(),
                unknown.join(", ")
            )));
        }
        if !columns.contains(&Column::LinkedInUrl) {
            return Err(ImportError::Columns(format!(
                "{}: no linkedInUrl column (the header row needs one, e.g. `linkedInUrl` or `LinkedIn URL`)",
                path.display()
            )));
        }
        Ok(Self {
            path,
            headers,
            columns,
        })
    }

    /// How many custom field columns the file has.
    pub fn custom_field_columns(&self) -> usize {
        self.columns
            .iter()
            .filter(|c| **c == Column::CustomField)
            .count()
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn row(&self, record: &csv::StringRecord) -> (ImportRow, Option<RowProblem>) {
        let extra = (record.len() > self.columns.len()).then(|| RowProblem {
            field: format!("column {}", self.columns.len() + 1),
            message: format!(
                "is beyond the header's {} columns; remove the extra values or name the column",
                self.columns.len()
            ),
        });
        let mut row = ImportRow::default();
        let mut custom = Vec::new();
        for (index, column) in self.columns.iter().enumerate() {
            let value = record.get(index).unwrap_or("").trim();
            let set = |slot: &mut Option<String>| {
                if !value.is_empty() {
                    *slot = Some(value.to_owned());
                }
            };
            match column {
                Column::LinkedInUrl => row.linkedin_url = value.to_owned(),
                Column::FirstName => set(&mut row.first_name),
                Column::LastName => set(&mut row.last_name),
                Column::Occupation => set(&mut row.occupation),
                Column::Location => set(&mut row.location),
                Column::CustomField => custom.push(value.to_owned()),
            }
        }
        // Blank custom fields keep their place; only the trailing ones are not sent.
        while custom.last().is_some_and(String::is_empty) {
            custom.pop();
        }
        row.custom_fields = custom;
        let problem = extra.or_else(|| {
            row.check().err().map(|problem| RowProblem {
                field: self.name_of(&problem.field),
                message: problem.message,
            })
        });
        (row, problem)
    }
}

impl ImportSource for CsvFile {
    /// The header of the column that holds `field` (an `importMember` parameter).
    fn name_of(&self, field: &str) -> String {
        let wanted = match field {
            "linkedInUrl" => Column::LinkedInUrl,
            "firstName" => Column::FirstName,
            "lastName" => Column::LastName,
            "occupation" => Column::Occupation,
            "location" => Column::Location,
            "customFields" => Column::CustomField,
            other => return other.to_owned(),
        };
        self.columns
            .iter()
            .position(|c| *c == wanted)
            .map_or_else(|| field.to_owned(), |i| self.headers[i].clone())
    }

    fn rows(&self) -> Result<Box<dyn Iterator<Item = SourceRow> + '_>, ImportError> {
        let mut reader = reader(&self.path)?;
        // The header was read by `open`; reading it again positions the reader after it.
        reader
            .headers()
            .map_err(|error| ImportError::io(&self.path, error.to_string()))?;
        Ok(Box::new(reader.into_records().filter_map(move |record| {
            Some(match record {
                Ok(record) => {
                    let number = record.position().map_or(0, csv::Position::line);
                    // A line of only separators is a blank line in a spreadsheet's export.
                    if record.iter().all(|value| value.trim().is_empty()) {
                        return None;
                    }
                    let (row, problem) = self.row(&record);
                    SourceRow {
                        number,
                        row,
                        problem,
                    }
                }
                Err(error) => SourceRow {
                    number: error.position().map_or(0, csv::Position::line),
                    row: ImportRow::default(),
                    problem: Some(RowProblem {
                        field: "row".to_owned(),
                        message: format!("cannot be read: {error}"),
                    }),
                },
            })
        })))
    }
}

fn reader(path: &Path) -> Result<csv::Reader<std::fs::File>, ImportError> {
    let file =
        std::fs::File::open(path).map_err(|error| ImportError::io(path, error.to_string()))?;
    Ok(csv::ReaderBuilder::new()
        .flexible(true)
        .buffer_capacity(64 * 1024)
        .from_reader(file))
}

/// The parameter a header names, if any.
fn column(header: &str) -> Option<Column> {
    let name: String = header
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect();
    Some(match name.as_str() {
        "linkedinurl" | "linkedinprofileurl" | "profileurl" | "linkedin" => Column::LinkedInUrl,
        "firstname" => Column::FirstName,
        "lastname" => Column::LastName,
        "occupation" | "headline" => Column::Occupation,
        "location" => Column::Location,
        custom if custom.starts_with("customfield") => Column::CustomField,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_in_any_spelling() {
        for header in [
            "linkedInUrl",
            "LinkedIn URL",
            "linkedin_url",
            "LINKEDIN-URL",
        ] {
            assert_eq!(column(header), Some(Column::LinkedInUrl), "{header}");
        }
        assert_eq!(column("First Name"), Some(Column::FirstName));
        assert_eq!(column("last_name"), Some(Column::LastName));
        assert_eq!(column("Custom Field 2"), Some(Column::CustomField));
        assert_eq!(column("customFields"), Some(Column::CustomField));
        assert_eq!(column("Company"), None);
    }
}
