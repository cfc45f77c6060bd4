//! Sync output files: NDJSON (a JSON object a line) and CSV (a header, then a row a
//! record), appended to run after run. Each commit syncs the file and checkpoints its
//! length; a run after a crash cuts the file back to that length first, so a record is in
//! the file once per run that wrote it, and never cut in half.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::record::iso;
use super::{RunEnd, SinkError, SyncRecord, SyncSink};

/// Opens `path` for appending, cut back to `checkpoint`'s length (what the last commit
/// made durable); returns the file and its length.
fn open_appending(path: &Path, checkpoint: Option<&Value>) -> Result<(File, u64), SinkError> {
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|error| format!("{}: {error}", path.display()))?;
    let mut length = file.metadata()?.len();
    if let Some(committed) = checkpoint.and_then(|c| c["bytes"].as_u64())
        && committed < length
    {
        file.set_len(committed)?;
        length = committed;
    }
    Ok((file, length))
}

/// Syncs `file` and returns its length as the checkpoint.
fn checkpoint(file: &File) -> Result<Option<Value>, SinkError> {
    file.sync_data()?;
    let bytes = file.metadata()?.len();
    Ok(Some(json!({ "bytes": bytes })))
}

/// Writes each record as one JSON line, in the API's spelling (`MemberId`, …).
///
/// ```no_run
/// use salesflow_ext::sync::NdjsonSink;
/// let sink = NdjsonSink::new("contacts.ndjson");
/// ```
pub struct NdjsonSink<R> {
    path: PathBuf,
    file: Option<BufWriter<File>>,
    line: Vec<u8>,
    kind: PhantomData<fn(&R)>,
}

impl<R> NdjsonSink<R> {
    /// A sink appending to `path` (created if missing).
    pub fn new(path: impl AsRef<Path>) -> Self {
        Self {
            path: path.as_ref().to_path_buf(),
            file: None,
            line: Vec::with_capacity(1024),
            kind: PhantomData,
        }
    }
}

impl<R: SyncRecord> SyncSink<R> for NdjsonSink<R> {
    async fn resume(&mut self, checkpoint: Option<&Value>) -> Result<(), SinkError> {
        let (file, _) = open_appending(&self.path, checkpoint)?;
        self.file = Some(BufWriter::with_capacity(256 * 1024, file));
        Ok(())
    }

    async fn write(&mut self, record: &R) -> Result<(), SinkError> {
        self.line.clear();
        serde_json::to_writer(&mut self.line, record)?;
        self.line.push(b'\n');
        let file = self.file.as_mut().expect("resumed before writing");
        file.write_all(&self.line)?;
        Ok(())
    }

    async fn commit(&mut self, _: RunEnd) -> Result<Option<Value>, SinkError> {
        let file = self.file.as_mut().expect("resumed before writing");
        file.flush()?;
        checkpoint(file.get_ref())
    }
}

/// Writes each record as a CSV row, with the kind's columns (`MemberId`, `CampaignId`, …)
/// as the header of a new file; timestamps in ISO 8601 UTC.
///
/// ```no_run
/// use salesflow_ext::sync::CsvSink;
/// let sink = CsvSink::new("contacts.csv");
/// ```
pub struct CsvSink<R> {
    path: PathBuf,
    writer: Option<csv::Writer<File>>,
    kind: PhantomData<fn(&R)>,
}

impl<R> CsvSink<R> {
    /// A sink appending to `path` (created, with a header, if missing or empty).
    pub fn new(path: impl AsRef<Path>) -> Self {
        Self {
            path: path.as_ref().to_path_buf(),
            writer: None,
            kind: PhantomData,
        }
    }
}

impl<R: SyncRecord> SyncSink<R> for CsvSink<R> {
    async fn resume(&mut self, checkpoint: Option<&Value>) -> Result<(), SinkError> {
        let (file, length) = open_appending(&self.path, checkpoint)?;
        let mut writer = csv::WriterBuilder::new()
            .buffer_capacity(256 * 1024)
            .from_writer(file);
        if length == 0 {
            writer.write_record(R::COLUMNS.iter().map(|c| c.name))?;
        }
        self.writer = Some(writer);
        Ok(())
    }

    async fn write(&mut self, record: &R) -> Result<(), SinkError> {
        let value = serde_json::to_value(record)?;
        let writer = self.writer.as_mut().expect("resumed before writing");
        for column in R::COLUMNS {
            writer.write_field(cell(&value[column.name], column.timestamp))?;
        }
        writer.write_record(None::<&[u8]>)?;
        Ok(())
    }

    async fn commit(&mut self, _: RunEnd) -> Result<Option<Value>, SinkError> {
        let writer = self.writer.as_mut().expect("resumed before writing");
        writer.flush()?;
        checkpoint(writer.get_ref())
    }
}

/// A JSON value as a CSV cell: text as it is, null as empty, a timestamp in ISO 8601.
pub(crate) fn cell(value: &Value, timestamp: bool) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) if timestamp => text
            .parse::<salesflow::Timestamp>()
            .map_or_else(|_| text.clone(), iso),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}
