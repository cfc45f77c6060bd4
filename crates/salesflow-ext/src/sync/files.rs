//! Sync output files: NDJSON (a JSON object a line) and CSV (a header, then a row a
//! record), appended to run after run. Each commit syncs the file and checkpoints its
//! length; a run after a crash cuts the file back to that length first (or, before any
//! checkpoint, to the end of its last whole record), so no record is ever cut in half.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::record::iso;
use super::{RunEnd, SinkError, SyncRecord, SyncSink};

/// How a file's last record ends, to cut off one a crash left half written.
#[derive(Clone, Copy)]
enum Records {
    /// A record a line: the last newline ends the last whole record.
    Lines,
    /// CSV: a quoted field may hold a newline, so the records are read to find the end.
    Csv,
}

/// Opens `path` for appending, cut back to `checkpoint`'s length (what the last commit
/// made durable), or, without one (a first run), to the end of its last whole record;
/// returns the file and its length.
fn open_appending(
    path: &Path,
    checkpoint: Option<&Value>,
    records: Records,
) -> Result<(File, u64), SinkError> {
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|error| format!("{}: {error}", path.display()))?;
    let mut length = file.metadata()?.len();
    let keep = match checkpoint.and_then(|c| c["bytes"].as_u64()) {
        Some(committed) => committed.min(length),
        None if length > 0 => whole_records(path, records)?,
        None => 0,
    };
    if keep < length {
        file.set_len(keep)?;
        length = keep;
    }
    Ok((file, length))
}

/// The length of `path` up to the end of its last whole record.
fn whole_records(path: &Path, records: Records) -> Result<u64, SinkError> {
    let bytes = std::fs::read(path)?;
    if bytes.last() == Some(&b'\n') {
        return Ok(bytes.len() as u64);
    }
    Ok(match records {
        Records::Lines => bytes
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |at| at + 1) as u64,
        Records::Csv => {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(bytes.as_slice());
            let mut record = csv::ByteRecord::new();
            let mut start = 0;
            let mut last_start = 0;
            while reader.read_byte_record(&mut record).unwrap_or(false) {
                last_start = start;
                start = reader.position().byte();
            }
            // The file does not end with a newline: its last record is the torn one.
            last_start
        }
    })
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
/// use salesflow_ext::types::Contact;
///
/// let sink = NdjsonSink::<Contact>::new("contacts.ndjson");
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
        let (file, _) = open_appending(&self.path, checkpoint, Records::Lines)?;
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
/// use salesflow_ext::types::Campaign;
///
/// let sink = CsvSink::<Campaign>::new("campaigns.csv");
/// ```
pub struct CsvSink<R> {
    path: PathBuf,
    // Boxed: a CSV writer is large, and an `OutputFile` is any one of the sinks.
    writer: Option<Box<csv::Writer<File>>>,
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
        let (file, length) = open_appending(&self.path, checkpoint, Records::Csv)?;
        let mut writer = csv::WriterBuilder::new()
            .buffer_capacity(256 * 1024)
            .from_writer(file);
        if length == 0 {
            writer.write_record(R::COLUMNS.iter().map(|c| c.name))?;
        }
        self.writer = Some(Box::new(writer));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_torn_last_record_is_cut_off() {
        let dir = std::env::temp_dir().join(format!("salesflow-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let lines = dir.join("torn.ndjson");
        std::fs::write(&lines, "{\"a\":1}\n{\"a\":2}\n{\"a\":").unwrap();
        assert_eq!(whole_records(&lines, Records::Lines).unwrap(), 16);
        let csv = dir.join("torn.csv");
        std::fs::write(&csv, "Id,Text\n1,\"two\nlines\"\n2,\"cut\nhere").unwrap();
        assert_eq!(whole_records(&csv, Records::Csv).unwrap(), 22);
        std::fs::write(&csv, "Id,Text\n1,x\n").unwrap();
        assert_eq!(whole_records(&csv, Records::Csv).unwrap(), 12);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
