//! The high-water mark a sync keeps between runs, in a small JSON file replaced atomically.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use salesflow::Timestamp;
use serde::{Deserialize, Serialize};

use super::SyncError;

/// Where a sync got to: the latest change time the server reported for a record written
/// (never the local clock), the records written at or near that time (so the overlap
/// listed again is not written twice), and the output's checkpoint.
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
    /// Completed runs.
    #[serde(default)]
    pub runs: u64,
}

impl SyncState {
    /// The state before a first run.
    pub fn new(kind: &str, scope: &str) -> Self {
        Self {
            kind: kind.to_owned(),
            scope: scope.to_owned(),
            high_water: None,
            recent: BTreeMap::new(),
            checkpoint: None,
            runs: 0,
        }
    }

    /// The high-water mark.
    pub fn high_water(&self) -> Option<Timestamp> {
        self.high_water
    }

    /// Reads the state at `path`, or a new one if there is no file; refuses a state of
    /// another kind or scope.
    pub fn load(path: &Path, kind: &str, scope: &str) -> Result<Self, SyncError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Self::new(kind, scope));
            }
            Err(error) => return Err(SyncError::io(path, error)),
        };
        let state: Self = serde_json::from_str(&text).map_err(|error| {
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
        Ok(state)
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
