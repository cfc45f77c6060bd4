//! A lead file's bytes as CSV records, as Excel, CRMs and lead tools write them: UTF-8 with
//! or without a byte-order mark, UTF-16 with one (Excel's "Unicode text"), Windows-1252
//! (Excel's "CSV" on a Western Windows) when the file is not UTF-8; `,`, `;` (Excel where the
//! decimal mark is a comma), tab or `|` between values, or the delimiter Excel's `sep=` first
//! line names; CRLF or LF line ends. The file is transcoded to UTF-8 as it is read, so memory
//! does not grow with it, and every record keeps the file's own line number.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};
use encoding_rs_io::DecodeReaderBytesBuilder;

use super::ImportError;

/// How a lead file is written: what [`TextFormat::detect`] found, or what the user said.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TextFormat {
    /// The file's text encoding.
    pub encoding: &'static Encoding,
    /// The byte between values.
    pub delimiter: u8,
    /// Whether the first line is Excel's `sep=X`, which is not a record.
    pub sep_line: bool,
}

/// The delimiters a lead file may use, in the order a tie is settled.
const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// How much of the file the delimiter is guessed from.
const SAMPLE: usize = 64 * 1024;

impl TextFormat {
    /// Finds how the file at `path` is written; `encoding` (a WHATWG label: `utf-8`,
    /// `utf-16le`, `windows-1252`, ...) and `delimiter` override what would be guessed.
    /// Returns the notes a person should see about what was decided.
    pub fn detect(
        path: &Path,
        encoding: Option<&str>,
        delimiter: Option<u8>,
    ) -> Result<(Self, Vec<String>), ImportError> {
        let unreadable =
            |why: String| ImportError::Unreadable(format!("{}: {why}", path.display()));
        let mut head = Vec::with_capacity(SAMPLE);
        open(path)?
            .take(SAMPLE as u64)
            .read_to_end(&mut head)
            .map_err(|error| ImportError::io(path, error.to_string()))?;
        if head.starts_with(b"PK\x03\x04") {
            return Err(unreadable(
                "is an Excel workbook (.xlsx) or another zip file, not CSV; in Excel, \
                 File > Save As > \"CSV UTF-8 (Comma delimited)\", and import that file"
                    .to_owned(),
            ));
        }
        if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            return Err(unreadable(
                "is an Excel 97-2003 workbook (.xls), not CSV; in Excel, File > Save As > \
                 \"CSV UTF-8 (Comma delimited)\", and import that file"
                    .to_owned(),
            ));
        }
        let mut notes = Vec::new();
        let bom = Encoding::for_bom(&head).map(|(encoding, _)| encoding);
        let encoding = match (encoding, bom) {
            (Some(label), _) => Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
                ImportError::Unreadable(format!(
                    "--encoding {label:?} is not an encoding's name; use utf-8, utf-16le, \
                     utf-16be, windows-1252 (or another WHATWG label)"
                ))
            })?,
            (None, Some(encoding)) => encoding,
            (None, None) if head.contains(&0) => {
                return Err(unreadable(
                    "has NUL bytes: it looks like UTF-16 without a byte-order mark; pass \
                     --encoding utf-16le (or utf-16be), or save it as \"CSV UTF-8\""
                        .to_owned(),
                ));
            }
            (None, None) if is_utf8(path)? => UTF_8,
            (None, None) => {
                notes.push(format!(
                    "{} is not UTF-8: read as Windows-1252 (Excel's \"CSV\" on Windows); pass \
                     --encoding if it is another",
                    path.display()
                ));
                WINDOWS_1252
            }
        };
        if encoding == UTF_16LE || encoding == UTF_16BE {
            notes.push(format!(
                "{} is UTF-16 (Excel's \"Unicode text\")",
                path.display()
            ));
        }
        let (text, _, _) = encoding.decode(&head);
        // A sample cut in the middle of a line ends at its last whole line.
        let text = match text.rfind('\n') {
            Some(end) if head.len() == SAMPLE => &text[..end],
            _ => &text[..],
        };
        let first_line = text.lines().next().unwrap_or("").trim();
        let sep = first_line
            .strip_prefix("sep=")
            .or_else(|| first_line.strip_prefix("SEP="))
            .filter(|rest| rest.len() == 1)
            .map(|rest| rest.as_bytes()[0]);
        let delimiter = match (delimiter, sep) {
            (Some(delimiter), _) => delimiter,
            (None, Some(sep)) => sep,
            (None, None) => {
                let guessed = guess_delimiter(text);
                if guessed != b',' {
                    notes.push(format!(
                        "values are separated by {} (pass --delimiter if they are not)",
                        delimiter_name(guessed)
                    ));
                }
                guessed
            }
        };
        Ok((
            Self {
                encoding,
                delimiter,
                sep_line: sep.is_some(),
            },
            notes,
        ))
    }

    /// The file's records, from its first line (Excel's `sep=` line left out), and what
    /// gives each its line number (`lines.line_at(record.position().byte())`).
    pub fn records(
        &self,
        path: &Path,
    ) -> Result<(csv::Reader<Box<dyn Read + Send>>, Lines), ImportError> {
        let text = DecodeReaderBytesBuilder::new()
            .encoding(Some(self.encoding))
            .bom_override(true)
            .strip_bom(true)
            .utf8_passthru(true)
            .build(open(path)?);
        let lines = Lines::default();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(self.delimiter)
            .buffer_capacity(64 * 1024)
            .from_reader(Box::new(Counting {
                inner: text,
                lines: lines.clone(),
            }) as Box<dyn Read + Send>);
        if self.sep_line {
            let mut sep = csv::StringRecord::new();
            reader
                .read_record(&mut sep)
                .map_err(|error| ImportError::io(path, error.to_string()))?;
        }
        Ok((reader, lines))
    }
}

/// How a delimiter is called in a message.
pub(crate) fn delimiter_name(delimiter: u8) -> String {
    match delimiter {
        b'\t' => "tabs".to_owned(),
        b';' => "semicolons (;)".to_owned(),
        b',' => "commas (,)".to_owned(),
        b'|' => "bars (|)".to_owned(),
        other => format!("{:?}", char::from(other)),
    }
}

fn open(path: &Path) -> Result<File, ImportError> {
    File::open(path).map_err(|error| ImportError::io(path, error.to_string()))
}

/// Whether the whole file is UTF-8, read in pieces (memory does not grow with it).
fn is_utf8(path: &Path) -> Result<bool, ImportError> {
    let mut file = open(path)?;
    let mut buffer = vec![0u8; 64 * 1024];
    let mut carried = 0;
    loop {
        let read = file
            .read(&mut buffer[carried..])
            .map_err(|error| ImportError::io(path, error.to_string()))?;
        let filled = carried + read;
        if read == 0 {
            // What is carried at the end is a sequence cut short.
            return Ok(carried == 0);
        }
        match std::str::from_utf8(&buffer[..filled]) {
            Ok(_) => carried = 0,
            // A sequence split between two reads: carry its start into the next one.
            Err(error) if error.error_len().is_none() => {
                let valid = error.valid_up_to();
                buffer.copy_within(valid..filled, 0);
                carried = filled - valid;
            }
            Err(_) => return Ok(false),
        }
    }
}

/// The delimiter that splits the sample's lines into the same number of values (more than
/// one) most often; a comma when none does (a file of one column).
fn guess_delimiter(sample: &str) -> u8 {
    let mut best = (0usize, 0usize, b',');
    for delimiter in DELIMITERS {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(sample.as_bytes());
        let mut counts: Vec<(usize, usize)> = Vec::new();
        for record in reader.records().take(20).map_while(Result::ok) {
            let width = record.len();
            if width < 2 {
                continue;
            }
            match counts.iter_mut().find(|(w, _)| *w == width) {
                Some((_, seen)) => *seen += 1,
                None => counts.push((width, 1)),
            }
        }
        if let Some(&(width, seen)) = counts.iter().max_by_key(|(width, seen)| (*seen, *width))
            && (seen, width) > (best.0, best.1)
        {
            best = (seen, width, delimiter);
        }
    }
    best.2
}

/// The line numbers of a CSV reader's records. The CSV reader's own count, and the offset
/// it gives a record, are those of where it began to read it: before the blank lines it
/// skips, and before the LF of a CRLF line end (which it reads as a line end and a blank
/// line), so it numbers such records a line or more too early. This counts the line ends the
/// reader reads, and answers for the records in order. It keeps only the line ends between
/// the record asked about and the reader's read-ahead, so memory does not grow with the file.
#[derive(Debug, Clone, Default)]
pub(crate) struct Lines(Arc<Mutex<LineEnds>>);

#[derive(Debug)]
struct LineEnds {
    /// The line ends read and not yet passed: their offset, and whether their line is blank
    /// (nothing but CRs).
    ahead: VecDeque<(u64, bool)>,
    /// The bytes read.
    read: u64,
    /// Whether the line being read is blank so far.
    blank: bool,
    /// The line ends passed, and the last of them.
    passed: u64,
    last: Option<u64>,
}

impl Default for LineEnds {
    fn default() -> Self {
        Self {
            ahead: VecDeque::new(),
            read: 0,
            blank: true,
            passed: 0,
            last: None,
        }
    }
}

impl Lines {
    /// The line (from 1) of the record the CSV reader began to read at `offset`: the line
    /// after the line ends and blank lines that follow `offset`. Offsets are asked in order.
    pub fn line_at(&self, offset: u64) -> u64 {
        let mut ends = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        while let Some(&(end, _)) = ends.ahead.front()
            && end < offset
        {
            ends.ahead.pop_front();
            ends.passed += 1;
            ends.last = Some(end);
        }
        let at_line_start = offset == 0 || ends.last == Some(offset - 1);
        let skipped = ends
            .ahead
            .iter()
            .enumerate()
            .take_while(|&(index, &(end, blank))| {
                end == offset || (blank && (index > 0 || at_line_start))
            })
            .count() as u64;
        ends.passed + skipped + 1
    }

    fn count(&self, bytes: &[u8]) {
        let mut ends = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let start = ends.read;
        for (index, &byte) in bytes.iter().enumerate() {
            if byte == b'\n' {
                let blank = ends.blank;
                ends.ahead.push_back((start + index as u64, blank));
                ends.blank = true;
            } else if byte != b'\r' {
                ends.blank = false;
            }
        }
        ends.read += bytes.len() as u64;
    }
}

/// A reader that tells `lines` every line end it passes on.
struct Counting<R> {
    inner: R,
    lines: Lines,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(out)?;
        self.lines.count(&out[..read]);
        Ok(read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_numbered_by_the_lines_they_start_on() {
        let dir = std::env::temp_dir().join(format!("csv-lines-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("lines.csv");
        std::fs::write(&path, "a,b\r\n\r\n1,\"x\r\ny\"\r\n\n2,z\r\n3,w").unwrap();
        let format = TextFormat {
            encoding: UTF_8,
            delimiter: b',',
            sep_line: false,
        };
        let (reader, lines) = format.records(&path).unwrap();
        let numbered: Vec<(u64, String)> = reader
            .into_records()
            .map(|record| {
                let record = record.unwrap();
                (
                    lines.line_at(record.position().unwrap().byte()),
                    record[0].to_owned(),
                )
            })
            .collect();
        assert_eq!(
            numbered,
            [
                (1, "a".to_owned()),
                (3, "1".to_owned()),
                (6, "2".to_owned()),
                (7, "3".to_owned())
            ]
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn the_delimiter_is_the_one_that_splits_the_lines_alike() {
        assert_eq!(guess_delimiter("a,b,c\n1,2,3\n"), b',');
        assert_eq!(guess_delimiter("First Name;Last Name;URL\nA;B;C\n"), b';');
        assert_eq!(guess_delimiter("a\tb\n1\t2\n"), b'\t');
        assert_eq!(guess_delimiter("a|b|c\n1|2|3\n"), b'|');
        // Commas inside quoted values do not count; a note before the header neither.
        assert_eq!(
            guess_delimiter("Notes:\n\"a, b, c, d\"\n\nx;y;z\n1;\"2,5\";3\n"),
            b';'
        );
        assert_eq!(guess_delimiter("linkedInUrl\nhttps://x\n"), b',');
    }
}
