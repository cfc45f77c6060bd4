//! Incremental sync: what Salesflow knows, into your CRM, a file or a SQLite database,
//! nothing missed and nothing lost.
//!
//! The rules: the first run lists everything; a later run asks only for what changed since
//! the high-water mark (the latest change time the *server* gave a record written, never
//! this machine's clock) minus an overlap window, which covers a server whose clock or
//! commit order is a little off; records listed again unchanged (same id, same change time)
//! are not written twice. The mark moves only after the sink has made the records durable:
//! a crash at any point can make the next run write some records again, never skip one.
//!
//! A member never modified has `LastModifiedAt: null`; its `AddedAt` is its change time.
//! The docs do not say whether `updatedFromDate` looks at `AddedAt` for such members (the
//! emulator does); if the real server does not, members added and never modified since the
//! last run are missed by an incremental run, so run a complete one (`full(true)`,
//! `--full`) from time to time: it lists everything, and marks in SQLite what is gone.

mod files;
mod output_file;
mod record;
mod sink;
#[cfg(feature = "sqlite")]
mod sqlite;
mod state;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use futures_util::StreamExt;
use salesflow::types::{Campaign, Contact, ContactMessages};
use salesflow::{Client, Error, Timestamp};

pub use files::{CsvSink, NdjsonSink};
pub use output_file::OutputFile;
pub use record::{Column, ColumnType, MessageRecord, SyncRecord};
pub use sink::{RunEnd, SinkError, SyncSink};
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteSink;
pub use state::SyncState;

/// Why a sync stopped. The state given to it is still the one to use next time.
#[derive(Debug)]
#[non_exhaustive]
pub enum SyncError {
    /// Listing failed.
    Api(Error),
    /// The sink failed.
    Sink(SinkError),
    /// The state file belongs to another sync, or is damaged.
    State(String),
    /// A file could not be read or written.
    Io {
        /// The file.
        path: PathBuf,
        /// What failed.
        detail: String,
    },
}

impl SyncError {
    pub(crate) fn io(path: &Path, error: std::io::Error) -> Self {
        Self::Io {
            path: path.to_path_buf(),
            detail: error.to_string(),
        }
    }
}

impl std::fmt::Display for SyncError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Api(error) => write!(f, "{error}"),
            Self::Sink(error) => write!(f, "writing the output failed: {error}"),
            Self::State(text) => f.write_str(text),
            Self::Io { path, detail } => write!(f, "{}: {detail}", path.display()),
        }
    }
}

impl std::error::Error for SyncError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Api(error) => Some(error),
            _ => None,
        }
    }
}

/// How far a run got, for a progress display.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct SyncProgress {
    /// Records listed so far.
    pub listed: u64,
    /// Records written so far.
    pub written: u64,
}

/// What a run did, and the state to keep for the next one.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SyncReport {
    /// `contacts`, `campaigns` or `messages`.
    pub kind: &'static str,
    /// Records listed.
    pub listed: u64,
    /// Records written.
    pub written: u64,
    /// Records listed again unchanged, not written.
    pub unchanged: u64,
    /// Whether everything was listed (a first or `full` run, or campaigns).
    pub complete: bool,
    /// What was asked for: the `updatedFromDate` (or `from` day) sent, if any.
    pub listed_from: Option<String>,
    /// The new state: save it ([`SyncState::save`]) for the next run.
    #[serde(skip)]
    pub state: SyncState,
}

/// Lists what changed and writes it to a [`SyncSink`], keeping a [`SyncState`].
///
/// ```no_run
/// use std::path::Path;
/// use salesflow_ext::sync::{NdjsonSink, SyncState, Syncer};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let client = salesflow::ClientBuilder::new().from_env()?.build()?;
/// let path = Path::new("contacts.state.json");
/// let state = SyncState::load(path, "contacts", &Syncer::scope(321, None))?;
/// let mut sink = NdjsonSink::new("contacts.ndjson");
/// let report = Syncer::new(&client, 321)
///     .contacts(None, &state, &mut sink, |_| {})
///     .await?;
/// report.state.save(path)?; // only now is the run's progress kept
/// println!("{} written, {} unchanged", report.written, report.unchanged);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Syncer {
    client: Client,
    account_id: i64,
    overlap: chrono::Duration,
    full: bool,
}

impl Syncer {
    /// A sync of account `account_id`, with an overlap window of 10 minutes.
    pub fn new(client: &Client, account_id: i64) -> Self {
        Self {
            client: client.clone(),
            account_id,
            overlap: chrono::Duration::minutes(10),
            full: false,
        }
    }

    /// How far below the high-water mark a run lists again (default 10 minutes): a record
    /// the server stamped earlier but committed later than the mark's is still found.
    pub fn overlap(mut self, overlap: std::time::Duration) -> Self {
        self.overlap = chrono::Duration::from_std(overlap).unwrap_or(chrono::Duration::MAX);
        self
    }

    /// Lists everything, whatever the state says (and lets a sink mark what is gone).
    pub fn full(mut self, full: bool) -> Self {
        self.full = full;
        self
    }

    /// The scope a state is kept for: `account 321`, or `account 321 campaign 789`.
    pub fn scope(account_id: i64, campaign_id: Option<i64>) -> String {
        match campaign_id {
            Some(campaign) => format!("account {account_id} campaign {campaign}"),
            None => format!("account {account_id}"),
        }
    }

    /// The time to list from, if this run lists only changes.
    fn since(&self, state: &SyncState) -> Option<Timestamp> {
        let mark = state.high_water.filter(|_| !self.full)?;
        let from = mark.to_utc().checked_sub_signed(self.overlap)?;
        Some(Timestamp::from_utc(from))
    }

    /// Syncs the contacts of the account (`listContactsByAccount`), or of one campaign
    /// (`listContactsByCampaign`), read as they arrive.
    pub async fn contacts<S: SyncSink<Contact>>(
        &self,
        campaign_id: Option<i64>,
        state: &SyncState,
        sink: &mut S,
        on_progress: impl FnMut(SyncProgress),
    ) -> Result<SyncReport, SyncError> {
        let since = self.since(state);
        let account = self.client.account(self.account_id);
        let listed_from = since.map(|t| t.to_string());
        let run = Run::new(self, state, since.is_none(), listed_from);
        match campaign_id {
            Some(campaign) => {
                let mut request = account.list_contacts_by_campaign().campaign_id(campaign);
                if let Some(since) = since {
                    request = request.updated_from_date(since);
                }
                run.go(request.stream(), std::iter::once, sink, on_progress)
                    .await
            }
            None => {
                let mut request = account.list_contacts_by_account();
                if let Some(since) = since {
                    request = request.updated_from_date(since);
                }
                run.go(request.stream(), std::iter::once, sink, on_progress)
                    .await
            }
        }
    }

    /// Syncs the account's campaigns (`listCampaigns`). The API cannot list only what
    /// changed, so every run is a complete listing; campaigns unchanged since the last run
    /// are not written again.
    pub async fn campaigns<S: SyncSink<Campaign>>(
        &self,
        state: &SyncState,
        sink: &mut S,
        on_progress: impl FnMut(SyncProgress),
    ) -> Result<SyncReport, SyncError> {
        let stream = self
            .client
            .account(self.account_id)
            .list_campaigns()
            .stream();
        Run::new(self, state, true, None)
            .keep_all()
            .go(stream, std::iter::once, sink, on_progress)
            .await
    }

    /// Syncs the messages contacts sent (`listIncomingMessagesByAccount`, or
    /// `listIncomingMessagesByCampaign`), one record per message. The API lists from a
    /// day: the first run from `first_day`, later ones from the day of the mark minus the
    /// overlap.
    pub async fn messages<S: SyncSink<MessageRecord>>(
        &self,
        campaign_id: Option<i64>,
        first_day: chrono::NaiveDate,
        state: &SyncState,
        sink: &mut S,
        on_progress: impl FnMut(SyncProgress),
    ) -> Result<SyncReport, SyncError> {
        let since = self.since(state);
        let day = since.map_or(first_day, Timestamp::date);
        let account = self.client.account(self.account_id);
        let expand = |contact: ContactMessages| MessageRecord::of(&contact).collect::<Vec<_>>();
        let run = Run::new(self, state, since.is_none(), Some(day.to_string())).by_day();
        match campaign_id {
            Some(campaign) => {
                let stream = account
                    .list_incoming_messages_by_campaign()
                    .campaign_id(campaign)
                    .from(day)
                    .stream();
                run.go(stream, expand, sink, on_progress).await
            }
            None => {
                let stream = account
                    .list_incoming_messages_by_account()
                    .from(day)
                    .stream();
                run.go(stream, expand, sink, on_progress).await
            }
        }
    }
}

/// One run: what it knows before listing.
struct Run<'a> {
    state: &'a SyncState,
    overlap: chrono::Duration,
    complete: bool,
    /// Keep every record's change time (a kind listed whole each run), not only the window.
    keep_all: bool,
    /// The API lists from a day: the next run lists again from the start of the window's day.
    by_day: bool,
    listed_from: Option<String>,
}

impl<'a> Run<'a> {
    fn new(
        syncer: &Syncer,
        state: &'a SyncState,
        complete: bool,
        listed_from: Option<String>,
    ) -> Self {
        Self {
            state,
            overlap: syncer.overlap,
            complete,
            keep_all: false,
            by_day: false,
            listed_from,
        }
    }

    fn by_day(mut self) -> Self {
        self.by_day = true;
        self
    }

    /// Whether a record changed at `time` is listed again by the next run (whose mark is
    /// `mark`), so that its id and time must be kept to leave it out then.
    fn listed_again(&self, time: Timestamp, mark: Option<Timestamp>) -> bool {
        let Some(mark) = mark else { return true };
        let Some(mut start) = mark.to_utc().checked_sub_signed(self.overlap) else {
            return true;
        };
        if self.by_day {
            start = start
                .date_naive()
                .and_hms_opt(0, 0, 0)
                .expect("midnight")
                .and_utc();
        }
        time.to_utc() >= start
    }

    fn keep_all(mut self) -> Self {
        self.keep_all = true;
        self
    }

    async fn go<I, R, It, S>(
        self,
        stream: impl futures_util::Stream<Item = Result<I, Error>>,
        mut expand: impl FnMut(I) -> It,
        sink: &mut S,
        mut on_progress: impl FnMut(SyncProgress),
    ) -> Result<SyncReport, SyncError>
    where
        R: SyncRecord,
        It: IntoIterator<Item = R>,
        S: SyncSink<R>,
    {
        let started_at = chrono::DateTime::from(std::time::SystemTime::now());
        sink.resume(self.state.checkpoint.as_ref())
            .await
            .map_err(SyncError::Sink)?;
        let mut progress = SyncProgress::default();
        let mut mark = self.state.high_water;
        // Change times of the records written (or, keeping all, listed) in this run.
        let mut times: HashMap<i64, Timestamp> = HashMap::new();
        let mut prune_at = 4_096;
        let mut unchanged = 0;
        futures_util::pin_mut!(stream);
        while let Some(item) = stream.next().await {
            for record in expand(item.map_err(SyncError::Api)?) {
                progress.listed += 1;
                let changed = record.changed_at();
                let id = record.id();
                if let Some(time) = changed {
                    if self.keep_all {
                        times.insert(id, time);
                    }
                    if self.state.recent.get(&id) == Some(&time) {
                        sink.unchanged(&record).await.map_err(SyncError::Sink)?;
                        unchanged += 1;
                        on_progress(progress);
                        continue;
                    }
                }
                sink.write(&record).await.map_err(SyncError::Sink)?;
                progress.written += 1;
                if let Some(time) = changed {
                    mark = mark.max(Some(time));
                    times.insert(id, time);
                }
                if !self.keep_all && times.len() >= prune_at {
                    times.retain(|_, time| self.listed_again(*time, mark));
                    prune_at = (times.len() * 2).max(4_096);
                }
                on_progress(progress);
            }
        }
        let checkpoint = sink
            .commit(RunEnd {
                complete: self.complete,
                started_at,
            })
            .await
            .map_err(SyncError::Sink)?;
        let mut recent: BTreeMap<i64, Timestamp> = if self.keep_all {
            BTreeMap::new()
        } else {
            self.state.recent.clone()
        };
        recent.extend(times);
        if !self.keep_all {
            recent.retain(|_, time| self.listed_again(*time, mark));
        }
        let state = SyncState {
            kind: self.state.kind.clone(),
            scope: self.state.scope.clone(),
            high_water: mark,
            recent,
            checkpoint,
            runs: self.state.runs + 1,
        };
        Ok(SyncReport {
            kind: R::KIND,
            listed: progress.listed,
            written: progress.written,
            unchanged,
            complete: self.complete,
            listed_from: self.listed_from,
            state,
        })
    }
}
