//! The high-water mark a sync keeps between runs (and its checkpoints within one), in a
//! small JSON file replaced atomically.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use salesflow::Timestamp;
use serde::{Deserialize, Serialize};

use super::SyncError;

/// Where a sync got to: the latest change time the server reported for a record written
/// (never the local clock), the records written at or near that time (so the overlap
/// listed again is not written twice), the output's checkpoint, and, while a run is under
/// way, how far into its listing the output holds.
///
/// A state [loaded](SyncState::load) from a file is saved back to it by the sync itself:
/// once before the first write, every few thousand records, and at the end of the run.
///
/// ```
/// use salesflow_ext::sync::SyncState;
///
/// let state = SyncState::new("contacts", "account 321");
/// assert!(state.high_water().is_none()); // the first run lists everything
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncState {
    /// `contacts`, `campaigns` or `messages`.
    pub kind: String,
    /// What was listed (`account 321`, `campaign 789`): a state is not reused for another.
    pub scope: String,
    /// The latest change time of a record written.
    #[serde(default)]
    pub high_water: Option<Timestamp>,
    /// Records written with a change time in the overlap window below the mark: id → time.
    #[serde(default)]
    pub recent: BTreeMap<i64, Timestamp>,
    /// What the output said it had when it was last made durable.
    #[serde(default)]
    pub checkpoint: Option<serde_json::Value>,
    /// A run under way when the state was saved (one that was killed, if it is still here
    /// when the next run starts): what of its listing the checkpoint holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unfinished: Option<Unfinished>,
    /// Completed runs.
    #[serde(default)]
    pub runs: u64,
    /// The file it was loaded from, where the sync saves it.
    #[serde(skip)]
    path: Option<PathBuf>,
}

/// How far a run had got at its last checkpoint: the first `items` items of the listing
/// it asked for are in the output. A run that asks for the same listing and gets the same
/// first items (by their ids and change times) leaves them out instead of writing them
/// again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unfinished {
    /// What the run listed from (the report's `listed_from`).
    pub listed_from: Option<String>,
    /// How many items of the listing the output holds.
    pub items: u64,
    /// A digest of their records' ids and change times, in order.
    pub digest: String,
}

impl SyncState {
    /// The state before a first run, kept in memory only (save it yourself with
    /// [`save`](Self::save); prefer [`load`](Self::load), whose file the sync keeps).
    pub fn new(kind: &str, scope: &str) -> Self {
        Self {
            kind: kind.to_owned(),
            scope: scope.to_owned(),
            high_water: None,
            recent: BTreeMap::new(),
            checkpoint: None,
            unfinished: None,
            runs: 0,
            path: None,
        }
    }

    /// The high-water mark.
    pub fn high_water(&self) -> Option<Timestamp> {
        self.high_water
    }

    /// Reads the state at `path`, or a new one if there is no file; refuses a state of
    /// another kind or scope. A sync given this state saves it back to `path`.
    pub fn load(path: &Path, kind: &str, scope: &str) -> Result<Self, SyncError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Self {
                    path: Some(path.to_path_buf()),
                    ..Self::new(kind, scope)
                });
            }
            Err(error) => return Err(SyncError::io(path, error)),
        };
        let mut state: Self = serde_json::from_str(&text).map_err(|error| {
            SyncError::State(format!(
                "{} is not a sync state ({error}); give another --state",
                path.display()
            ))
        })?;
        if state.kind != kind || state.scope != scope {
            return Err(SyncError::State(format!(
                "{} is the state of syncing {} of {}, not {kind} of {scope}; give another --state",
                path.display(),
                state.kind,
                state.scope
            )));
        }
        state.path = Some(path.to_path_buf());
        Ok(state)
    }

    /// Forgets what was synced, keeping the kind, the scope and the count of runs: for an
    /// output that holds none of it.
    pub(super) fn forget(&mut self) {
        self.high_water = None;
        self.recent.clear();
        self.checkpoint = None;
        self.unfinished = None;
    }

    /// Saves the state to the file it was loaded from, if any.
    pub(super) fn persist(&self) -> Result<(), SyncError> {
        match &self.path {
            Some(path) => self.save(path),
            None => Ok(()),
        }
    }

    /// Writes the state to `path` atomically: a new file, synced, renamed over the old one,
    /// the directory synced. A crash leaves the old state or the new one, never a mix.
    pub fn save(&self, path: &Path) -> Result<(), SyncError> {
        let mut name = path.file_name().unwrap_or_default().to_os_string();
        name.push(".tmp");
        let temporary = path.with_file_name(name);
        let mut file =
            std::fs::File::create(&temporary).map_err(|error| SyncError::io(&temporary, error))?;
        let text = serde_json::to_string_pretty(self).expect("serialisable");
        file.write_all(text.as_bytes())
            .and_then(|()| file.write_all(b"\n"))
            .and_then(|()| file.sync_all())
            .map_err(|error| SyncError::io(&temporary, error))?;
        std::fs::rename(&temporary, path).map_err(|error| SyncError::io(path, error))?;
        crate::import::sync_parent(path);
        Ok(())
    }
}
