//! The import's journal: one JSON line per step of a row, so a rerun knows what each row's
//! last known state was, whatever stopped the run before. "Sent" is synced to disk before
//! the request goes out; an answer's line is written at once (a killed process loses
//! nothing the kernel has) and synced with the next "sent" or at the end: should a power cut
//! lose it, the row is merely looked up in the campaign, not imported twice.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use serde::{Deserialize, Serialize};

use super::ImportError;

/// The first line of a journal: which import it belongs to.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
struct Header {
    salesflow_import: u32,
    account_id: i64,
    campaign_id: i64,
}

impl Header {
    fn of(account_id: i64, campaign_id: i64) -> Self {
        Self {
            salesflow_import: 1,
            account_id,
            campaign_id,
        }
    }
}

/// A row's step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Step {
    /// The request is about to go out: from here on it may reach Salesflow.
    Sent,
    /// Salesflow answered with the new member.
    Imported,
    /// The answer was lost, and the campaign was found to hold the profile.
    Found,
    /// Salesflow refused the row (a 4xx answer): sending it again would be refused again.
    Failed,
    /// The request surely did not create anything (a refused connection, a 429): the row is
    /// to be sent again.
    Unsent,
}

/// One line after the header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Entry {
    pub row: u64,
    pub key: String,
    pub step: Step,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

type Reply = tokio::sync::oneshot::Sender<std::io::Result<()>>;

/// An open journal: entries are appended by a writer thread, which syncs once for every
/// batch of entries waiting (group commit), so concurrent rows share a sync.
pub(crate) struct Journal {
    path: PathBuf,
    sender: Option<mpsc::Sender<(Entry, Reply)>>,
    writer: Option<std::thread::JoinHandle<()>>,
}

impl Journal {
    /// Opens (or creates) the journal of importing into `campaign_id`, and returns each
    /// row's last entry. A last line cut short by a crash is dropped.
    pub fn open(
        path: &Path,
        account_id: i64,
        campaign_id: i64,
    ) -> Result<(Self, HashMap<u64, Entry>), ImportError> {
        let io = |error: std::io::Error| ImportError::io(path, error.to_string());
        let header = Header::of(account_id, campaign_id);
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .map_err(io)?;
        let mut text = String::new();
        file.read_to_string(&mut text).map_err(io)?;
        let last = if text.is_empty() {
            let mut line = serde_json::to_string(&header).expect("serialisable");
            line.push('\n');
            file.write_all(line.as_bytes()).map_err(io)?;
            file.sync_all().map_err(io)?;
            sync_parent(path);
            HashMap::new()
        } else {
            // A crash in the middle of a write leaves a last line without its newline.
            let complete = text.rfind('\n').map_or(0, |at| at + 1);
            if complete < text.len() {
                file.set_len(complete as u64).map_err(io)?;
                file.seek(SeekFrom::End(0)).map_err(io)?;
            }
            parse(path, &text[..complete], &header)?
        };
        let (sender, receiver) = mpsc::channel::<(Entry, Reply)>();
        let writer = std::thread::Builder::new()
            .name("salesflow-journal".to_owned())
            .spawn(move || write_entries(file, receiver))
            .map_err(io)?;
        Ok((
            Self {
                path: path.to_path_buf(),
                sender: Some(sender),
                writer: Some(writer),
            },
            last,
        ))
    }

    /// Each row's last entry in the journal at `path` of importing into `campaign_id`,
    /// changing nothing: none if there is no journal yet (a dry run reads it so).
    pub fn read(
        path: &Path,
        account_id: i64,
        campaign_id: i64,
    ) -> Result<HashMap<u64, Entry>, ImportError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(HashMap::new()),
            Err(error) => return Err(ImportError::io(path, error.to_string())),
        };
        let complete = text.rfind('\n').map_or(0, |at| at + 1);
        let header = Header::of(account_id, campaign_id);
        parse(path, &text[..complete], &header)
    }

    /// Appends `entry` and returns once it is written (for a "sent" entry: on disk).
    pub async fn record(&self, entry: Entry) -> Result<(), ImportError> {
        let (reply, done) = tokio::sync::oneshot::channel();
        let failed = |detail: String| ImportError::io(&self.path, detail);
        self.sender
            .as_ref()
            .expect("open until dropped")
            .send((entry, reply))
            .map_err(|_| failed("the journal's writer stopped".to_owned()))?;
        match done.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) => Err(failed(error.to_string())),
            Err(_) => Err(failed("the journal's writer stopped".to_owned())),
        }
    }
}

impl Drop for Journal {
    fn drop(&mut self) {
        drop(self.sender.take());
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
    }
}

/// Each row's last entry in the complete lines `text` of the journal at `path`, whose
/// first line must be `header`.
fn parse(path: &Path, text: &str, header: &Header) -> Result<HashMap<u64, Entry>, ImportError> {
    let mut lines = text.lines();
    let found: Option<Header> = lines.next().and_then(|l| serde_json::from_str(l).ok());
    match found {
        Some(found) if found == *header => {}
        Some(found) => {
            return Err(ImportError::Journal(format!(
                "{} is the journal of importing into campaign {} of account {}, not campaign {} of account {}; give another --journal",
                path.display(),
                found.campaign_id,
                found.account_id,
                header.campaign_id,
                header.account_id
            )));
        }
        None => {
            return Err(ImportError::Journal(format!(
                "{} is not an import journal; give another --journal",
                path.display()
            )));
        }
    }
    let mut last = HashMap::new();
    for (index, line) in lines.enumerate() {
        let entry: Entry = serde_json::from_str(line).map_err(|error| {
            ImportError::Journal(format!(
                "{} line {}: {error}; the journal was changed by hand, restore it or start a new one",
                path.display(),
                index + 2
            ))
        })?;
        last.insert(entry.row, entry);
    }
    Ok(last)
}

/// The writer thread: takes every entry waiting, writes them in one go, syncs if one of them
/// is "sent" (a request waits for it), answers; syncs once more at the end.
fn write_entries(mut file: File, receiver: mpsc::Receiver<(Entry, Reply)>) {
    while let Ok(first) = receiver.recv() {
        let mut batch = vec![first];
        batch.extend(receiver.try_iter());
        let mut bytes = Vec::with_capacity(batch.len() * 96);
        for (entry, _) in &batch {
            serde_json::to_writer(&mut bytes, entry).expect("serialisable");
            bytes.push(b'\n');
        }
        let must_sync = batch.iter().any(|(entry, _)| entry.step == Step::Sent);
        let result = file
            .write_all(&bytes)
            .and_then(|()| if must_sync { file.sync_data() } else { Ok(()) });
        for (_, reply) in batch {
            let _ = reply.send(match &result {
                Ok(()) => Ok(()),
                Err(error) => Err(std::io::Error::new(error.kind(), error.to_string())),
            });
        }
    }
    let _ = file.sync_data();
}

/// Syncs the directory that holds `path`, so a new file's name survives a power cut too.
pub(crate) fn sync_parent(path: &Path) {
    if let Some(parent) = path.parent() {
        let parent = if parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            parent
        };
        if let Ok(dir) = File::open(parent) {
            let _ = dir.sync_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(row: u64, step: Step) -> Entry {
        Entry {
            row,
            key: format!("p{row}"),
            step,
            member_id: None,
            error: None,
        }
    }

    #[tokio::test]
    async fn a_torn_last_line_is_dropped_and_the_rest_kept() {
        let dir = std::env::temp_dir().join(format!("journal-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("torn.journal");
        let _ = std::fs::remove_file(&path);
        {
            let (journal, last) = Journal::open(&path, 1, 2).unwrap();
            assert!(last.is_empty());
            journal.record(entry(2, Step::Sent)).await.unwrap();
            journal.record(entry(2, Step::Imported)).await.unwrap();
            journal.record(entry(3, Step::Sent)).await.unwrap();
        }
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(br#"{"row":3,"key":"p3","st"#).unwrap();
        drop(file);
        let (journal, last) = Journal::open(&path, 1, 2).unwrap();
        assert_eq!(last[&2].step, Step::Imported);
        assert_eq!(last[&3].step, Step::Sent);
        journal.record(entry(3, Step::Failed)).await.unwrap();
        drop(journal);
        let (_, last) = Journal::open(&path, 1, 2).unwrap();
        assert_eq!(last[&3].step, Step::Failed);
        let Err(ImportError::Journal(message)) = Journal::open(&path, 1, 9) else {
            panic!("another campaign's journal was taken");
        };
        assert!(message.contains("campaign 2"), "{message}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
