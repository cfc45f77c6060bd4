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
mod fingerprint;
mod output_file;
#[cfg(feature = "postgres")]
mod postgres;
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

pub use fingerprint::Fingerprint;

pub use files::{CsvSink, NdjsonSink};
pub use output_file::OutputFile;
#[cfg(feature = "postgres")]
pub use postgres::PostgresSink;
pub use record::{Column, ColumnType, MessageRecord, SyncRecord};
pub use sink::{Commit, Resumed, RunStart, SinkError, SyncSink};
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteSink;
pub use state::{SyncState, Unfinished};

/// Why a sync stopped. The state given to it is still the one to use next time.
#[derive(Debug)]
#[non_exhaustive]
pub enum SyncError {
    /// Listing failed.
    Api(Error),
    /// The sink failed.
    Sink(SinkError),
    /// The output is not the one the state was written with (another file, a shorter
    /// one, data no sync wrote), or cannot be opened; nothing was written to it.
    Output(SinkError),
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
            Self::Output(error) => write!(f, "{error}"),
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

/// What a run did. The state given to the run holds where it got to (and, if it was
/// loaded from a file, is saved there).
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
    /// Records an interrupted run had written already, left out by this one (it listed the
    /// same first items in the same order).
    pub resumed: u64,
    /// Whether everything was listed (a first or `full` run, or campaigns).
    pub complete: bool,
    /// What was asked for: the `updatedFromDate` (or `from` day) sent, if any.
    pub listed_from: Option<String>,
    /// Why the run wrote everything again although the state had a checkpoint (the output
    /// was gone, or older than the state and `full` was asked for).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rebuilt: Option<String>,
}

/// Lists what changed and writes it to a [`SyncSink`], keeping a [`SyncState`].
///
/// ```no_run
/// use std::path::Path;
/// use salesflow_ext::sync::{NdjsonSink, SyncState, Syncer};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let client = salesflow::ClientBuilder::new().from_env().build()?;
/// // The sync saves the state back to this file as it goes, and at the end.
/// let mut state = SyncState::load(Path::new("contacts.state.json"), "contacts", &Syncer::scope(321, None))?;
/// let mut sink = NdjsonSink::new("contacts.ndjson");
/// let report = Syncer::new(&client, 321)
///     .contacts(None, &mut state, &mut sink, |_| {})
///     .await?;
/// println!("{} written, {} unchanged", report.written, report.unchanged);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Syncer {
    client: Client,
    account_id: i64,
    overlap: chrono::Duration,
    full: bool,
    checkpoint_every: u64,
}

impl Syncer {
    /// A sync of account `account_id`, with an overlap window of 10 minutes and a
    /// checkpoint every 5,000 records written.
    pub fn new(client: &Client, account_id: i64) -> Self {
        Self {
            client: client.clone(),
            account_id,
            overlap: chrono::Duration::minutes(10),
            full: false,
            checkpoint_every: 5_000,
        }
    }

    /// How far below the high-water mark a run lists again (default 10 minutes): a record
    /// the server stamped earlier but committed later than the mark's is still found.
    pub fn overlap(mut self, overlap: std::time::Duration) -> Self {
        self.overlap = chrono::Duration::from_std(overlap).unwrap_or(chrono::Duration::MAX);
        self
    }

    /// Lists everything, whatever the state says (and lets a sink mark what is gone, and
    /// rebuild an output that is older than its state).
    pub fn full(mut self, full: bool) -> Self {
        self.full = full;
        self
    }

    /// How many records a run writes between two checkpoints (default 5,000, at least 1):
    /// the most a run killed before its end writes again when it is run again.
    pub fn checkpoint_every(mut self, records: u64) -> Self {
        self.checkpoint_every = records.max(1);
        self
    }

    /// The scope a state is kept for: `account 321`, or `account 321 campaign 789`.
    pub fn scope(account_id: i64, campaign_id: Option<i64>) -> String {
        match campaign_id {
            Some(campaign) => format!("account {account_id} campaign {campaign}"),
            None => format!("account {account_id}"),
        }
    }

    /// Syncs the contacts of the account (`listContactsByAccount`), or of one campaign
    /// (`listContactsByCampaign`), read as they arrive.
    pub async fn contacts<S: SyncSink<Contact>>(
        &self,
        campaign_id: Option<i64>,
        state: &mut SyncState,
        sink: &mut S,
        on_progress: impl FnMut(SyncProgress),
    ) -> Result<SyncReport, SyncError> {
        let mut run = Run::begin(self, campaign_id, state, sink).await?;
        let since = run.since();
        run.listed_from = since.map(|t| t.to_string());
        let (client, account_id) = (&self.client, self.account_id);
        match campaign_id {
            Some(campaign) => {
                let list = || {
                    let request = client
                        .list_contacts_by_campaign()
                        .account_id(account_id)
                        .campaign_id(campaign);
                    match since {
                        Some(since) => request.updated_from_date(since),
                        None => request,
                    }
                    .stream()
                };
                run.go(list, std::iter::once, sink, on_progress).await
            }
            None => {
                let list = || {
                    let request = client.list_contacts_by_account().account_id(account_id);
                    match since {
                        Some(since) => request.updated_from_date(since),
                        None => request,
                    }
                    .stream()
                };
                run.go(list, std::iter::once, sink, on_progress).await
            }
        }
    }

    /// Syncs the account's campaigns (`listCampaigns`). The API cannot list only what
    /// changed, so every run is a complete listing; campaigns unchanged since the last run
    /// are not written again.
    pub async fn campaigns<S: SyncSink<Campaign>>(
        &self,
        state: &mut SyncState,
        sink: &mut S,
        on_progress: impl FnMut(SyncProgress),
    ) -> Result<SyncReport, SyncError> {
        let mut run = Run::begin(self, None, state, sink).await?;
        run.keep_all = true;
        run.complete = true;
        let (client, account_id) = (&self.client, self.account_id);
        let list = || client.list_campaigns().account_id(account_id).stream();
        run.go(list, std::iter::once, sink, on_progress).await
    }

    /// Syncs the messages contacts sent (`listIncomingMessagesByAccount`, or
    /// `listIncomingMessagesByCampaign`), one record per message. The API lists from a
    /// day: the first run from `first_day`, later ones from the day of the mark minus the
    /// overlap.
    pub async fn messages<S: SyncSink<MessageRecord>>(
        &self,
        campaign_id: Option<i64>,
        first_day: chrono::NaiveDate,
        state: &mut SyncState,
        sink: &mut S,
        on_progress: impl FnMut(SyncProgress),
    ) -> Result<SyncReport, SyncError> {
        let mut run = Run::begin(self, campaign_id, state, sink).await?;
        run.by_day = true;
        let day = run.since().map_or(first_day, Timestamp::date);
        run.listed_from = Some(day.to_string());
        let (client, account_id) = (&self.client, self.account_id);
        let expand = |contact: ContactMessages| MessageRecord::of(&contact).collect::<Vec<_>>();
        match campaign_id {
            Some(campaign) => {
                let list = || {
                    client
                        .list_incoming_messages_by_campaign()
                        .account_id(account_id)
                        .campaign_id(campaign)
                        .from(day)
                        .stream()
                };
                run.go(list, expand, sink, on_progress).await
            }
            None => {
                let list = || {
                    client
                        .list_incoming_messages_by_account()
                        .account_id(account_id)
                        .from(day)
                        .stream()
                };
                run.go(list, expand, sink, on_progress).await
            }
        }
    }
}

/// One run: the state it goes on from and updates, and what it knows before listing.
struct Run<'a> {
    state: &'a mut SyncState,
    overlap: chrono::Duration,
    checkpoint_every: u64,
    complete: bool,
    /// Keep every record's change time (a kind listed whole each run), not only the window.
    keep_all: bool,
    /// The API lists from a day: the next run lists again from the start of the window's day.
    by_day: bool,
    listed_from: Option<String>,
    rebuilt: Option<String>,
    started_at: chrono::DateTime<chrono::Utc>,
}

/// What one listing of a run came to.
enum Pass {
    /// Listed to the end.
    Listed(Tally),
    /// The listing's first items are not those an interrupted run wrote: list again and
    /// write them all.
    Diverged,
}

/// The counts of one listing, and the change times it saw.
#[derive(Default)]
struct Tally {
    listed: u64,
    written: u64,
    unchanged: u64,
    resumed: u64,
    mark: Option<Timestamp>,
    /// Change times of the records in the output (or, keeping all, listed) in this run.
    times: HashMap<i64, Timestamp>,
}

impl<'a> Run<'a> {
    /// Resumes the sink at the state's checkpoint (the state is forgotten if the output
    /// holds none of it).
    async fn begin<R: SyncRecord>(
        syncer: &Syncer,
        campaign_id: Option<i64>,
        state: &'a mut SyncState,
        sink: &mut impl SyncSink<R>,
    ) -> Result<Self, SyncError> {
        let started_at = chrono::DateTime::from(std::time::SystemTime::now());
        let resumed = sink
            .resume(RunStart {
                checkpoint: state.checkpoint.as_ref(),
                interrupted: state.unfinished.is_some(),
                rebuild: syncer.full,
                account_id: syncer.account_id,
                campaign_id,
            })
            .await
            .map_err(SyncError::Output)?;
        let rebuilt = match resumed {
            Resumed::AsCheckpointed => None,
            Resumed::Rebuilt(why) => {
                state.forget();
                Some(why)
            }
        };
        let complete = syncer.full || state.high_water.is_none();
        Ok(Self {
            state,
            overlap: syncer.overlap,
            checkpoint_every: syncer.checkpoint_every,
            complete,
            keep_all: false,
            by_day: false,
            listed_from: None,
            rebuilt,
            started_at,
        })
    }

    /// The time to list from, if this run lists only changes.
    fn since(&self) -> Option<Timestamp> {
        let mark = self.state.high_water.filter(|_| !self.complete)?;
        let from = mark.to_utc().checked_sub_signed(self.overlap)?;
        Some(Timestamp::from_utc(from))
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

    /// Lists with `list` and writes what changed; goes on from an interrupted run where
    /// it listed the same.
    async fn go<I, R, It, S, L>(
        mut self,
        list: impl Fn() -> L,
        mut expand: impl FnMut(I) -> It,
        sink: &mut S,
        mut on_progress: impl FnMut(SyncProgress),
    ) -> Result<SyncReport, SyncError>
    where
        R: SyncRecord,
        It: IntoIterator<Item = R>,
        S: SyncSink<R>,
        L: futures_util::Stream<Item = Result<I, Error>>,
    {
        let mut skip = self
            .state
            .unfinished
            .take()
            .filter(|unfinished| unfinished.listed_from == self.listed_from);
        loop {
            if skip.is_none() {
                // Before the first write: the output as it is now, and a run under way.
                self.checkpoint(sink, 0, &Fingerprint::new()).await?;
            }
            let pass = self
                .pass(list(), &mut expand, sink, &mut on_progress, skip.take())
                .await?;
            if let Pass::Listed(tally) = pass {
                return self.end(sink, tally).await;
            }
        }
    }

    /// One listing, written to the sink; the first `skip.items` items are left out when
    /// they are the ones the interrupted run wrote.
    async fn pass<I, R, It, S>(
        &mut self,
        stream: impl futures_util::Stream<Item = Result<I, Error>>,
        expand: &mut impl FnMut(I) -> It,
        sink: &mut S,
        on_progress: &mut impl FnMut(SyncProgress),
        skip: Option<Unfinished>,
    ) -> Result<Pass, SyncError>
    where
        R: SyncRecord,
        It: IntoIterator<Item = R>,
        S: SyncSink<R>,
    {
        let mut tally = Tally {
            mark: self.state.high_water,
            ..Tally::default()
        };
        let mut digest = Fingerprint::new();
        let mut items = 0u64;
        let mut since_checkpoint = 0u64;
        let mut prune_at = 4_096;
        let skipped = skip.as_ref().map_or(0, |skip| skip.items);
        futures_util::pin_mut!(stream);
        while let Some(item) = stream.next().await {
            let resuming = items < skipped;
            for record in expand(item.map_err(SyncError::Api)?) {
                tally.listed += 1;
                let changed = record.changed_at();
                let id = record.id();
                digest.update(&id.to_le_bytes());
                digest.update(
                    &changed
                        .map_or(i64::MIN, |t| t.to_utc().timestamp_millis())
                        .to_le_bytes(),
                );
                if let Some(time) = changed
                    && self.keep_all
                {
                    tally.times.insert(id, time);
                }
                let unchanged =
                    changed.is_some_and(|time| self.state.recent.get(&id) == Some(&time));
                if unchanged || resuming {
                    sink.unchanged(&record).await.map_err(SyncError::Sink)?;
                    if unchanged {
                        tally.unchanged += 1;
                        on_progress(tally.progress());
                        continue;
                    }
                    tally.resumed += 1;
                } else {
                    sink.write(&record).await.map_err(SyncError::Sink)?;
                    tally.written += 1;
                    since_checkpoint += 1;
                }
                if let Some(time) = changed {
                    tally.mark = tally.mark.max(Some(time));
                    tally.times.insert(id, time);
                }
                if !self.keep_all && tally.times.len() >= prune_at {
                    let mark = tally.mark;
                    tally.times.retain(|_, time| self.listed_again(*time, mark));
                    prune_at = (tally.times.len() * 2).max(4_096);
                }
                on_progress(tally.progress());
            }
            items += 1;
            if items == skipped
                && skip
                    .as_ref()
                    .is_some_and(|skip| skip.digest != digest.hex())
            {
                return Ok(Pass::Diverged);
            }
            if since_checkpoint >= self.checkpoint_every {
                self.checkpoint(sink, items, &digest).await?;
                since_checkpoint = 0;
            }
        }
        if items < skipped {
            return Ok(Pass::Diverged);
        }
        Ok(Pass::Listed(tally))
    }

    /// Makes the writes so far durable, and saves the state with the output's checkpoint
    /// and how far into the listing it holds.
    async fn checkpoint<R: SyncRecord>(
        &mut self,
        sink: &mut impl SyncSink<R>,
        items: u64,
        digest: &Fingerprint,
    ) -> Result<(), SyncError> {
        self.state.unfinished = Some(Unfinished {
            listed_from: self.listed_from.clone(),
            items,
            digest: digest.hex(),
        });
        self.commit(sink, false).await
    }

    /// Commits the sink with the state as it is now (which a sink that keeps the state
    /// stores in the same transaction), then saves the state, with the sink's checkpoint,
    /// to its file.
    async fn commit<R: SyncRecord>(
        &mut self,
        sink: &mut impl SyncSink<R>,
        run_ended: bool,
    ) -> Result<(), SyncError> {
        let at = Commit {
            run_ended,
            complete: self.complete,
            started_at: self.started_at,
        };
        let checkpoint = sink
            .commit_with_state(at, self.state)
            .await
            .map_err(SyncError::Sink)?;
        self.state.checkpoint = checkpoint;
        self.state.persist()
    }

    /// The end of a run: the output made durable (and told whether the run was complete),
    /// then the state moved on.
    async fn end<R: SyncRecord>(
        mut self,
        sink: &mut impl SyncSink<R>,
        tally: Tally,
    ) -> Result<SyncReport, SyncError> {
        let mut recent: BTreeMap<i64, Timestamp> = if self.keep_all {
            BTreeMap::new()
        } else {
            std::mem::take(&mut self.state.recent)
        };
        recent.extend(tally.times);
        if !self.keep_all {
            recent.retain(|_, time| self.listed_again(*time, tally.mark));
        }
        // The state as it is once the commit succeeds (a sink that keeps it stores this
        // one in the same transaction); saved to its file only after.
        self.state.high_water = tally.mark;
        self.state.recent = recent;
        self.state.unfinished = None;
        self.state.runs += 1;
        self.commit(sink, true).await?;
        Ok(SyncReport {
            kind: R::KIND,
            listed: tally.listed,
            written: tally.written,
            unchanged: tally.unchanged,
            resumed: tally.resumed,
            complete: self.complete,
            listed_from: self.listed_from,
            rebuilt: self.rebuilt,
        })
    }
}

impl Tally {
    fn progress(&self) -> SyncProgress {
        SyncProgress {
            listed: self.listed,
            written: self.written,
        }
    }
}
