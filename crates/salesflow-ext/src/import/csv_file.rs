//! A CSV file of leads, as people have them: exported from LinkedIn, a Sales Navigator tool,
//! a CRM or a lead tool, or saved from Excel.

use std::path::{Path, PathBuf};

use super::columns::{self, ColumnPlan, Use};
use super::csv_text::{self, TextFormat};
use super::{ImportError, ImportRow, ImportSource, RowProblem, SourceRow};

/// How many records may come before the header row (LinkedIn's Connections.csv starts with
/// a note).
const HEADER_SEARCH: usize = 20;

/// How to read a lead file, beyond what it says itself.
///
/// ```
/// let mut options = salesflow_ext::CsvOptions::default();
/// options.add_map("Profil=linkedInUrl")?;
/// options.custom_fields = vec!["Company".to_owned()];
/// options.delimiter = Some(b';');
/// # Ok::<(), salesflow_ext::ImportError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CsvOptions {
    /// `(header, field)` pairs: the column `header` feeds `field` (`linkedInUrl`,
    /// `firstName`, `lastName`, `occupation`, `location`, `customField`), or nothing
    /// (`ignore`). Headers and fields match in any case, ignoring spaces and punctuation.
    pub map: Vec<(String, String)>,
    /// Columns to send as the campaign's custom fields, in this order. Empty: the columns
    /// named `Custom Field 1`, `customField2`, ... (or mapped to `customField`), in the
    /// file's order.
    pub custom_fields: Vec<String>,
    /// A column that feeds nothing is an error, instead of being left out and named in
    /// [`CsvFile::notes`].
    pub refuse_unknown_columns: bool,
    /// The file's encoding (a WHATWG label: `utf-8`, `utf-16le`, `windows-1252`, ...);
    /// `None`: found from a byte-order mark, else UTF-8, else Windows-1252.
    pub encoding: Option<String>,
    /// The byte between values; `None`: Excel's `sep=` line, else guessed from the file
    /// (`,`, `;`, tab or `|`).
    pub delimiter: Option<u8>,
}

impl CsvOptions {
    /// Reads `--map`'s `HEADER=FIELD` into [`CsvOptions::map`].
    ///
    /// ```
    /// let mut options = salesflow_ext::CsvOptions::default();
    /// options.add_map("Profile Link=linkedInUrl")?;
    /// assert_eq!(options.map, [("Profile Link".to_owned(), "linkedInUrl".to_owned())]);
    /// assert!(options.add_map("Profile Link").is_err());
    /// assert!(options.add_map("Profile Link=url").is_err());
    /// # Ok::<(), salesflow_ext::ImportError>(())
    /// ```
    pub fn add_map(&mut self, text: &str) -> Result<(), ImportError> {
        let (header, field) = text.rsplit_once('=').ok_or_else(|| {
            ImportError::Columns(format!(
                "--map {text:?} needs the form HEADER=FIELD, e.g. 'Profile Link=linkedInUrl' \
                 (fields: {})",
                columns::MAP_FIELDS
            ))
        })?;
        columns::field_of(field)?;
        self.map
            .push((header.trim().to_owned(), field.trim().to_owned()));
        Ok(())
    }
}

/// A CSV file of leads with a header row, read as the tools that write such files write
/// them (see [`CsvOptions`] for what can be said instead):
///
/// - **Columns** are found by their headers, in any case and ignoring spaces and
///   punctuation, as LinkedIn, Sales Navigator tools, HubSpot, Salesforce, Pipedrive and
///   Apollo name them: `LinkedIn Profile URL`, `Person Linkedin Url`, `First Name`,
///   `Title`/`Job Title`/`Headline`/`Position`, `Location` (or `City`, `State`, `Country`,
///   joined), `Custom Field 1`, ... A column that feeds no `importMember` parameter
///   (`Company`, `Email`) is left out and named in [`CsvFile::notes`]; nothing is refused
///   for an extra column unless [`CsvOptions::refuse_unknown_columns`].
/// - **Text**: UTF-8 with or without a byte-order mark, UTF-16 with one, or Windows-1252
///   when the file is not UTF-8; `,`, `;`, tab or `|` between values (found from the file,
///   or Excel's `sep=` line); CRLF or LF; values over several lines in quotes; lines before
///   the header row (LinkedIn's note) are left out and named.
/// - **Row numbers** are the file's own line numbers.
///
/// The file is read as it is needed (twice by an import: once to check, once to send), so
/// memory does not grow with it.
///
/// ```no_run
/// use salesflow_ext::CsvFile;
///
/// let file = CsvFile::open("leads.csv")?;
/// for note in file.notes() {
///     eprintln!("{note}");
/// }
/// println!("{}", file.describe_columns());
/// # Ok::<(), salesflow_ext::ImportError>(())
/// ```
#[derive(Debug, Clone)]
pub struct CsvFile {
    path: PathBuf,
    format: TextFormat,
    plan: ColumnPlan,
    /// How many records come before the first row of leads (the header row included).
    skip: usize,
    notes: Vec<String>,
}

impl CsvFile {
    /// Opens `path` as its text and header say.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, ImportError> {
        Self::open_with(path, &CsvOptions::default())
    }

    /// Opens `path`, reading it as `options` say.
    pub fn open_with(path: impl AsRef<Path>, options: &CsvOptions) -> Result<Self, ImportError> {
        let path = path.as_ref().to_path_buf();
        let (format, mut notes) =
            TextFormat::detect(&path, options.encoding.as_deref(), options.delimiter)?;
        let (mut reader, lines) = format.records(&path)?;
        let mut record = csv::StringRecord::new();
        let mut first: Option<(Vec<String>, u64)> = None;
        for index in 0..HEADER_SEARCH {
            let more = reader
                .read_record(&mut record)
                .map_err(|error| ImportError::Unreadable(format!("{}: {error}", path.display())))?;
            if !more {
                break;
            }
            let line = record.position().map_or(0, |p| lines.line_at(p.byte()));
            let headers: Vec<String> = record
                .iter()
                .map(|h| h.trim_start_matches('\u{feff}').trim().to_owned())
                .collect();
            if headers.iter().all(String::is_empty) {
                continue;
            }
            if columns::names_a_url_column(&headers, options) {
                let plan = ColumnPlan::new(&headers, options)?
                    .expect("a header with a URL column has a plan");
                if let Some((_, first_line)) = first {
                    notes.push(format!(
                        "{} before the header row (line {line}) {} left out",
                        if line - first_line > 1 {
                            format!("lines {first_line}-{}", line - 1)
                        } else {
                            format!("line {first_line}")
                        },
                        if line - first_line > 1 { "are" } else { "is" }
                    ));
                }
                notes.extend(plan.notes.iter().cloned());
                return Ok(Self {
                    path,
                    format,
                    plan,
                    skip: index + 1,
                    notes,
                });
            }
            first.get_or_insert((headers, line));
        }
        let (headers, _) = first.unwrap_or_default();
        let single = headers.len() == 1;
        Err(ImportError::Columns(format!(
            "{}: no column holds LinkedIn profile links (header row: {}); name it with --map \
             'HEADER=linkedInUrl'{}",
            path.display(),
            if headers.is_empty() {
                "none, the file is empty".to_owned()
            } else {
                headers
                    .iter()
                    .map(|h| format!("{h:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            if single {
                format!(
                    "; the values run together in one column, so they may be separated by \
                     something else than {}: pass --delimiter",
                    csv_text::delimiter_name(format.delimiter)
                )
            } else {
                String::new()
            }
        )))
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What a person should know about how the file is read, a line each: its encoding if
    /// it is not UTF-8, its delimiter if it is not a comma, lines before the header row,
    /// the columns left out, a location made of its parts.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// Which column feeds each `importMember` parameter, in one line
    /// (`linkedInUrl from LinkedIn Profile URL, firstName from First Name, ...`).
    pub fn describe_columns(&self) -> String {
        self.plan.describe()
    }

    /// How many columns are sent as custom fields.
    pub fn custom_field_columns(&self) -> usize {
        self.plan.custom_fields.len()
    }

    fn row(&self, record: &csv::StringRecord) -> (ImportRow, Option<RowProblem>) {
        let width = self.plan.uses.len();
        let extra = record
            .iter()
            .enumerate()
            .skip(width)
            .find(|(_, value)| !value.trim().is_empty())
            .map(|(index, _)| RowProblem {
                field: format!("column {}", index + 1),
                message: format!(
                    "is beyond the header's {width} columns; remove the extra values or name \
                     the column"
                ),
            });
        let value = |index: usize| record.get(index).unwrap_or("").trim();
        let mut row = ImportRow::default();
        let mut location_parts: [Option<&str>; 3] = [None; 3];
        for (index, column) in self.plan.uses.iter().enumerate() {
            let value = value(index);
            let text = (!value.is_empty()).then(|| value.to_owned());
            match column {
                Use::LinkedInUrl => row.linkedin_url = value.to_owned(),
                Use::FirstName => row.first_name = text,
                Use::LastName => row.last_name = text,
                Use::Occupation => row.occupation = text,
                Use::Location => row.location = text,
                Use::City => location_parts[0] = Some(value),
                Use::Region => location_parts[1] = Some(value),
                Use::Country => location_parts[2] = Some(value),
                Use::CustomField | Use::LeftOut => {}
            }
        }
        if row.location.is_none() {
            let joined: Vec<&str> = location_parts
                .into_iter()
                .flatten()
                .filter(|part| !part.is_empty())
                .collect();
            if !joined.is_empty() {
                row.location = Some(joined.join(", "));
            }
        }
        let mut custom: Vec<String> = self
            .plan
            .custom_fields
            .iter()
            .map(|&index| value(index).to_owned())
            .collect();
        // Blank custom fields keep their place; only the trailing ones are not sent.
        while custom.last().is_some_and(String::is_empty) {
            custom.pop();
        }
        row.custom_fields = custom;
        (row, extra)
    }
}

impl ImportSource for CsvFile {
    /// The header of the column that feeds `field` (an `importMember` parameter).
    fn name_of(&self, field: &str) -> String {
        self.plan.name_of(field)
    }

    fn rows(&self) -> Result<Box<dyn Iterator<Item = SourceRow> + Send + '_>, ImportError> {
        let (mut reader, lines) = self.format.records(&self.path)?;
        let mut record = csv::StringRecord::new();
        for _ in 0..self.skip {
            reader
                .read_record(&mut record)
                .map_err(|error| ImportError::io(&self.path, error.to_string()))?;
        }
        Ok(Box::new(reader.into_records().filter_map(move |record| {
            Some(match record {
                Ok(record) => {
                    let number = record.position().map_or(0, |p| lines.line_at(p.byte()));
                    // A line of only separators is a blank line in a spreadsheet's export.
                    if record.iter().all(|value| value.trim().is_empty()) {
                        return None;
                    }
                    let (row, extra) = self.row(&record);
                    let checked = match extra {
                        Some(problem) => Err(problem),
                        None => row.check().map_err(|problem| RowProblem {
                            field: self.name_of(&problem.field),
                            message: problem.message,
                        }),
                    };
                    SourceRow {
                        number,
                        row,
                        checked,
                    }
                }
                Err(error) => SourceRow {
                    number: error.position().map_or(0, |p| lines.line_at(p.byte())),
                    row: ImportRow::default(),
                    checked: Err(RowProblem {
                        field: "row".to_owned(),
                        message: format!("cannot be read: {error}"),
                    }),
                },
            })
        })))
    }
}
