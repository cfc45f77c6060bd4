//! The sink a file name asks for: `.ndjson`, `.csv`, or `.sqlite`.

use std::path::Path;

use serde_json::Value;

use super::{Commit, CsvSink, NdjsonSink, Resumed, RunStart, SinkError, SyncRecord, SyncSink};

/// A sync's output file, chosen by its extension: `.ndjson` (or `.jsonl`) for
/// [`NdjsonSink`], `.csv` for [`CsvSink`], `.sqlite` (`.sqlite3`, `.db`) for
/// `SqliteSink` (feature `sqlite`).
///
/// ```
/// use salesflow_ext::sync::OutputFile;
/// use salesflow_ext::types::Contact;
///
/// assert!(OutputFile::<Contact>::for_path("contacts.ndjson").is_ok());
/// assert!(OutputFile::<Contact>::for_path("contacts.xlsx").is_err());
/// ```
pub enum OutputFile<R> {
    /// JSON lines.
    Ndjson(NdjsonSink<R>),
    /// CSV.
    Csv(CsvSink<R>),
    /// SQLite (boxed: its connection is several times the size of the file sinks).
    #[cfg(feature = "sqlite")]
    Sqlite(Box<super::SqliteSink<R>>),
}

impl<R: SyncRecord> OutputFile<R> {
    /// The sink for `path`, by its extension.
    pub fn for_path(path: impl AsRef<Path>) -> Result<Self, SinkError> {
        let path = path.as_ref();
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default()
            .to_ascii_lowercase();
        match extension.as_str() {
            "ndjson" | "jsonl" => Ok(Self::Ndjson(NdjsonSink::new(path))),
            "csv" => Ok(Self::Csv(CsvSink::new(path))),
            #[cfg(feature = "sqlite")]
            "sqlite" | "sqlite3" | "db" => Ok(Self::Sqlite(Box::new(super::SqliteSink::new(path)))),
            #[cfg(not(feature = "sqlite"))]
            "sqlite" | "sqlite3" | "db" => Err(format!(
                "{}: this build has no SQLite output (the `sqlite` feature is off); write .ndjson or .csv",
                path.display()
            )
            .into()),
            _ => Err(format!(
                "{}: the output's extension says what to write: .ndjson, .csv or .sqlite",
                path.display()
            )
            .into()),
        }
    }
}

impl<R> OutputFile<R> {
    /// For a CSV output: writes text cells exactly as they are ([`CsvSink::verbatim`]).
    pub fn verbatim_csv(self, verbatim: bool) -> Self {
        match self {
            Self::Csv(sink) => Self::Csv(sink.verbatim(verbatim)),
            other => other,
        }
    }
}

impl<R: SyncRecord> SyncSink<R> for OutputFile<R> {
    async fn resume(&mut self, run: RunStart<'_>) -> Result<Resumed, SinkError> {
        match self {
            Self::Ndjson(sink) => sink.resume(run).await,
            Self::Csv(sink) => sink.resume(run).await,
            #[cfg(feature = "sqlite")]
            Self::Sqlite(sink) => sink.resume(run).await,
        }
    }

    async fn write(&mut self, record: &R) -> Result<(), SinkError> {
        match self {
            Self::Ndjson(sink) => sink.write(record).await,
            Self::Csv(sink) => sink.write(record).await,
            #[cfg(feature = "sqlite")]
            Self::Sqlite(sink) => sink.write(record).await,
        }
    }

    async fn unchanged(&mut self, record: &R) -> Result<(), SinkError> {
        match self {
            Self::Ndjson(sink) => sink.unchanged(record).await,
            Self::Csv(sink) => sink.unchanged(record).await,
            #[cfg(feature = "sqlite")]
            Self::Sqlite(sink) => sink.unchanged(record).await,
        }
    }

    async fn commit(&mut self, at: Commit) -> Result<Option<Value>, SinkError> {
        match self {
            Self::Ndjson(sink) => sink.commit(at).await,
            Self::Csv(sink) => sink.commit(at).await,
            #[cfg(feature = "sqlite")]
            Self::Sqlite(sink) => sink.commit(at).await,
        }
    }
}
