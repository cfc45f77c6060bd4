//! Where the rows of an import come from: a list in memory, or a file read twice (once to
//! check every row, once to send them), so memory does not grow with the file.

use super::{ImportError, ImportRow, ProfileUrl, RowProblem};

/// One row of a source: its number (what a person calls it: the line of a CSV file, the
/// place in a list from 1), the row as read, and either the profile link it sends (in the
/// API's form) or what is wrong with it.
#[derive(Debug, Clone)]
pub struct SourceRow {
    /// The row's number.
    pub number: u64,
    /// The row as read (as much of it as could be read).
    pub row: ImportRow,
    /// [`ImportRow::check`]'s verdict: the link to send, or why the row cannot be
    /// imported (or could not be read).
    pub checked: Result<ProfileUrl, RowProblem>,
}

impl SourceRow {
    /// A row, checked.
    pub fn checked(number: u64, row: ImportRow) -> Self {
        let checked = row.check();
        Self {
            number,
            row,
            checked,
        }
    }
}

/// Rows to import, readable more than once in the same order: the importer reads them once
/// to check every row before the first request, then again to send them.
///
/// The rows come through a `Send` iterator, so that an import of a source that is `Sync`
/// can run in a spawned task (`tokio::spawn`).
pub trait ImportSource {
    /// The rows, from the first.
    fn rows(&self) -> Result<Box<dyn Iterator<Item = SourceRow> + Send + '_>, ImportError>;

    /// How the source names the place of an `importMember` parameter (`occupation`) in
    /// a problem it reports: a CSV file names its column's header (`Headline`).
    fn name_of(&self, parameter: &str) -> String {
        parameter.to_owned()
    }
}

impl ImportSource for [ImportRow] {
    fn rows(&self) -> Result<Box<dyn Iterator<Item = SourceRow> + Send + '_>, ImportError> {
        Ok(Box::new(self.iter().enumerate().map(|(index, row)| {
            SourceRow::checked(index as u64 + 1, row.clone())
        })))
    }
}

impl ImportSource for Vec<ImportRow> {
    fn rows(&self) -> Result<Box<dyn Iterator<Item = SourceRow> + Send + '_>, ImportError> {
        self.as_slice().rows()
    }
}
