//! Sync output files: NDJSON (a JSON object a line) and CSV (a header, then a row a
//! record), appended to run after run.
//!
//! Each commit syncs the file and checkpoints its length with fingerprints of its first 4
//! KiB and of the 64 KiB before that length, so that the next run can tell it is the same
//! file at the same length before it appends. What a run does with the file it finds:
//!
//! | the file | the run |
//! |---|---|
//! | missing or empty | writes everything into it (a first run, or rebuilt: nothing to lose) |
//! | as checkpointed | appends |
//! | longer, and the run that checkpointed it was cut off | cuts the cut-off run's bytes, appends |
//! | longer after a run that ended | refuses: something else wrote them |
//! | shorter (a backup restored) | refuses; with `full`, cuts a torn last record and appends everything |
//! | other bytes before the checkpoint, or a file no state knows | refuses |
//!
//! A refusal changes nothing in the file and says what differs and what to do.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::fingerprint::Fingerprint;
use super::record::iso;
use super::{Commit, Resumed, RunStart, SinkError, SyncRecord, SyncSink};

/// How much of a file's start its checkpoint fingerprints.
const HEAD: u64 = 4 * 1024;
/// How much of a file before its checkpointed length its checkpoint fingerprints.
const TAIL: u64 = 64 * 1024;

/// How a file's last record ends, to cut off one a crash left half written.
#[derive(Clone, Copy)]
enum Records {
    /// A record a line: the last newline ends the last whole record.
    Lines,
    /// CSV: a quoted field may hold a newline, so the records are read to find the end.
    Csv,
}

/// A file's checkpoint: its length, and fingerprints of its head and of its tail below that
/// length (absent in states written before they were kept).
struct FileCheckpoint {
    bytes: u64,
    head: Option<String>,
    tail: Option<String>,
}

impl FileCheckpoint {
    fn of(value: &Value) -> Result<Self, SinkError> {
        let bytes = value["bytes"].as_u64().ok_or(
            "the state's checkpoint is not a file's; give the --state this output was written with",
        )?;
        let text = |key: &str| value[key].as_str().map(str::to_owned);
        Ok(Self {
            bytes,
            head: text("head"),
            tail: text("tail"),
        })
    }

    /// The checkpoint of `path` at its length `bytes`.
    fn take(path: &Path, bytes: u64) -> Result<Value, SinkError> {
        let (head, tail) = fingerprints(path, bytes)?;
        Ok(json!({ "bytes": bytes, "head": head, "tail": tail }))
    }

    /// Whether `path` (of `length` bytes, at least the checkpoint's) has the checkpointed
    /// bytes where the fingerprints look.
    fn same_bytes(&self, path: &Path) -> Result<bool, SinkError> {
        let (Some(head), Some(tail)) = (&self.head, &self.tail) else {
            return Ok(true); // a checkpoint of before fingerprints: its length is all there is
        };
        let (found_head, found_tail) = fingerprints(path, self.bytes)?;
        Ok(*head == found_head && *tail == found_tail)
    }

    /// Whether the first bytes of `path` (of `length` bytes, fewer than the checkpoint's)
    /// are the checkpointed file's.
    fn same_head(&self, path: &Path, length: u64) -> Result<bool, SinkError> {
        let Some(head) = &self.head else {
            return Ok(true);
        };
        let window = self.bytes.min(HEAD);
        if length < window {
            return Ok(false);
        }
        Ok(*head == digest_of(&mut File::open(path)?, 0, window)?)
    }
}

/// The fingerprints of the head of `path` and of the tail below `bytes`.
fn fingerprints(path: &Path, bytes: u64) -> Result<(String, String), SinkError> {
    let mut file = File::open(path)?;
    let head = digest_of(&mut file, 0, bytes.min(HEAD))?;
    let tail = digest_of(&mut file, bytes.saturating_sub(TAIL), bytes)?;
    Ok((head, tail))
}

/// The fingerprint of the bytes `from..to` of `file`.
fn digest_of(file: &mut File, from: u64, to: u64) -> Result<String, SinkError> {
    let mut bytes = vec![0; usize::try_from(to - from)?];
    file.seek(SeekFrom::Start(from))?;
    file.read_exact(&mut bytes)?;
    let mut digest = Fingerprint::new();
    digest.update(&bytes);
    Ok(digest.hex())
}

/// Checks `path` against the run's checkpoint (see the module docs), cuts what an
/// interrupted run left after it, and opens it for appending; returns the file, its length
/// and what the run found.
fn open_appending(
    path: &Path,
    run: &RunStart<'_>,
    records: Records,
) -> Result<(File, u64, Resumed), SinkError> {
    let shown = path.display();
    let length = match std::fs::metadata(path) {
        Ok(metadata) => Some(metadata.len()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
        Err(error) => return Err(format!("{shown}: {error}").into()),
    };
    let saved = run.checkpoint.map(FileCheckpoint::of).transpose()?;
    let (keep, resumed) = match (saved, length) {
        (None, None | Some(0)) => (0, Resumed::AsCheckpointed),
        (None, Some(length)) => {
            return Err(format!(
                "{shown} already holds {length} bytes, but the --state has no record of writing them; give the --state it was written with, or a new --out"
            )
            .into());
        }
        (Some(_), None) => (
            0,
            Resumed::Rebuilt(format!(
                "{shown} does not exist: writing everything into a new one"
            )),
        ),
        (Some(_), Some(0)) => (
            0,
            Resumed::Rebuilt(format!("{shown} is empty: writing everything into it")),
        ),
        (Some(saved), Some(length)) if length < saved.bytes => {
            if !saved.same_head(path, length)? {
                return Err(not_the_file(path, saved.bytes));
            }
            if !run.rebuild {
                return Err(format!(
                    "{shown} is {length} bytes, shorter than the {} bytes the last sync left in it (restored from a backup?); run with --full to write everything again after what it holds, or give the --out it was written with",
                    saved.bytes
                )
                .into());
            }
            let keep = whole_records(path, records)?;
            (
                keep,
                Resumed::Rebuilt(format!(
                    "{shown} is shorter than the --state says: writing everything again after its first {keep} bytes"
                )),
            )
        }
        (Some(saved), Some(length)) => {
            if !saved.same_bytes(path)? {
                return Err(not_the_file(path, saved.bytes));
            }
            let legacy = saved.tail.is_none();
            if length > saved.bytes && !run.interrupted && !legacy {
                return Err(format!(
                    "{shown} has {} bytes after the {} the last sync wrote, which no sync wrote; move them out of the file, or give a new --out with a new --state",
                    length - saved.bytes,
                    saved.bytes
                )
                .into());
            }
            (saved.bytes, Resumed::AsCheckpointed)
        }
    };
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|error| format!("{shown}: {error}"))?;
    if length.is_some_and(|length| keep < length) {
        file.set_len(keep)?;
    }
    Ok((file, keep, resumed))
}

fn not_the_file(path: &Path, bytes: u64) -> SinkError {
    format!(
        "{} is not the file the --state was written with (its first {bytes} bytes are not those the last sync wrote); give the --out it was written with, or a new --out with a new --state",
        path.display()
    )
    .into()
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

/// Syncs `file` (at `path`) and returns its checkpoint.
fn checkpoint(path: &Path, file: &File) -> Result<Option<Value>, SinkError> {
    file.sync_data()?;
    let bytes = file.metadata()?.len();
    FileCheckpoint::take(path, bytes).map(Some)
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
    async fn resume(&mut self, run: RunStart<'_>) -> Result<Resumed, SinkError> {
        let (file, _, resumed) = open_appending(&self.path, &run, Records::Lines)?;
        self.file = Some(BufWriter::with_capacity(256 * 1024, file));
        Ok(resumed)
    }

    async fn write(&mut self, record: &R) -> Result<(), SinkError> {
        self.line.clear();
        serde_json::to_writer(&mut self.line, record)?;
        self.line.push(b'\n');
        let file = self.file.as_mut().expect("resumed before writing");
        file.write_all(&self.line)?;
        Ok(())
    }

    async fn commit(&mut self, _: Commit) -> Result<Option<Value>, SinkError> {
        let file = self.file.as_mut().expect("resumed before writing");
        file.flush()?;
        checkpoint(&self.path, file.get_ref())
    }
}

/// Writes each record as a CSV row, with the kind's columns (`MemberId`, `CampaignId`, …)
/// as the header of a new file; timestamps in ISO 8601 UTC. Text a spreadsheet would run
/// as a formula is written with a leading `'` ([`defuse_formula`](crate::defuse_formula))
/// unless [`verbatim`](Self::verbatim) is set.
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
    /// The file is empty: the header goes before the first row (not before the first
    /// checkpoint, which then stays at 0 bytes).
    needs_header: bool,
    /// The order the file's header gives the columns (indices into the kind's columns):
    /// a file written by an earlier version keeps its own order.
    order: Vec<usize>,
    verbatim: bool,
    kind: PhantomData<fn(&R)>,
}

impl<R> CsvSink<R> {
    /// A sink appending to `path` (created, with a header, if missing or empty).
    pub fn new(path: impl AsRef<Path>) -> Self {
        Self {
            path: path.as_ref().to_path_buf(),
            writer: None,
            needs_header: false,
            order: Vec::new(),
            verbatim: false,
            kind: PhantomData,
        }
    }

    /// Writes text cells exactly as they are, even those a spreadsheet would run as a
    /// formula: for a program that reads the file, never for a spreadsheet.
    pub fn verbatim(mut self, verbatim: bool) -> Self {
        self.verbatim = verbatim;
        self
    }
}

impl<R: SyncRecord> CsvSink<R> {
    fn header(&mut self) -> Result<&mut csv::Writer<File>, SinkError> {
        let writer = self.writer.as_mut().expect("resumed before writing");
        if self.needs_header {
            writer.write_record(R::COLUMNS.iter().map(|c| c.name))?;
            self.needs_header = false;
        }
        Ok(writer)
    }
}

impl<R: SyncRecord> SyncSink<R> for CsvSink<R> {
    async fn resume(&mut self, run: RunStart<'_>) -> Result<Resumed, SinkError> {
        let (file, length, resumed) = open_appending(&self.path, &run, Records::Csv)?;
        let writer = csv::WriterBuilder::new()
            .buffer_capacity(256 * 1024)
            .from_writer(file);
        self.needs_header = length == 0;
        self.order = if length == 0 {
            (0..R::COLUMNS.len()).collect()
        } else {
            header_order::<R>(&self.path)?
        };
        self.writer = Some(Box::new(writer));
        Ok(resumed)
    }

    async fn write(&mut self, record: &R) -> Result<(), SinkError> {
        let value = serde_json::to_value(record)?;
        let verbatim = self.verbatim;
        self.header()?;
        let writer = self.writer.as_mut().expect("resumed before writing");
        for column in self.order.iter().map(|at| &R::COLUMNS[*at]) {
            writer.write_field(cell(&value[column.name], column.timestamp, verbatim).as_ref())?;
        }
        writer.write_record(None::<&[u8]>)?;
        Ok(())
    }

    async fn commit(&mut self, at: Commit) -> Result<Option<Value>, SinkError> {
        if at.run_ended {
            self.header()?; // a run that wrote nothing still leaves a file with its header
        }
        let writer = self.writer.as_mut().expect("resumed before writing");
        writer.flush()?;
        checkpoint(&self.path, writer.get_ref())
    }
}

/// Where each column of the header of the CSV file at `path` is among `R`'s columns: a file
/// an earlier version wrote in another order keeps that order. A header that is not the
/// kind's columns is refused (the file was not written by a sync of this kind).
fn header_order<R: SyncRecord>(path: &Path) -> Result<Vec<usize>, SinkError> {
    let mut reader = csv::Reader::from_path(path)?;
    let header = reader.headers()?;
    let order: Option<Vec<usize>> = header
        .iter()
        .map(|name| R::COLUMNS.iter().position(|c| c.name == name))
        .collect();
    match order {
        Some(order) if order.len() == R::COLUMNS.len() => Ok(order),
        _ => Err(format!(
            "{}: its header is not the columns of a sync of {} ({}); give the --out it was written with, or a new --out with a new --state",
            path.display(),
            R::KIND,
            R::COLUMNS.iter().map(|c| c.name).collect::<Vec<_>>().join(",")
        )
        .into()),
    }
}

/// A JSON value as a CSV cell: text as it is (a formula defused unless `verbatim`), null as
/// empty, a timestamp in ISO 8601, numbers and booleans as JSON writes them.
pub(crate) fn cell(value: &Value, timestamp: bool, verbatim: bool) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    match value {
        Value::Null => Cow::Borrowed(""),
        Value::String(text) if timestamp => match text.parse::<salesflow::Timestamp>() {
            Ok(time) => Cow::Owned(iso(time)),
            Err(_) if verbatim => Cow::Borrowed(text),
            Err(_) => crate::defuse_formula(text),
        },
        Value::String(text) if verbatim => Cow::Borrowed(text),
        Value::String(text) => crate::defuse_formula(text),
        other => Cow::Owned(other.to_string()),
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

    #[test]
    fn cells_keep_numbers_and_defuse_formulas() {
        let text = |s: &str| Value::String(s.to_owned());
        assert_eq!(cell(&json!(-5), false, false), "-5");
        assert_eq!(
            cell(&text("=HYPERLINK(\"x\")"), false, false),
            "'=HYPERLINK(\"x\")"
        );
        assert_eq!(cell(&text("=1+1"), false, true), "=1+1");
        assert_eq!(cell(&Value::Null, false, false), "");
        assert_eq!(
            cell(&text("2024-04-21T09:41:06.17"), true, false),
            "2024-04-21T09:41:06.170Z"
        );
    }
}
