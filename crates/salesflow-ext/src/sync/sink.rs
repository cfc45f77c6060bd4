//! Where a sync writes: the trait a CRM, a warehouse or a file implements.

use std::future::Future;

use super::{SyncRecord, SyncState};

/// The error a sink returns: anything, shown as its message.
pub type SinkError = Box<dyn std::error::Error + Send + Sync>;

/// What a run tells its sink before the first write ([`SyncSink::resume`]).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct RunStart<'a> {
    /// The checkpoint the last [`commit`](SyncSink::commit) returned (kept in the state);
    /// `None` before the first run.
    pub checkpoint: Option<&'a serde_json::Value>,
    /// Whether the run that made `checkpoint` was cut off before it ended: what the output
    /// holds beyond the checkpoint is that run's, and may be dropped.
    pub interrupted: bool,
    /// Whether the user asked for a complete run (`full(true)`, `--full`): an output that
    /// does not hold what the checkpoint says may then be written again from scratch, where
    /// that destroys nothing (see [`Resumed::Rebuilt`]).
    pub rebuild: bool,
    /// The account the run lists.
    pub account_id: i64,
    /// The campaign the run lists, if only one.
    pub campaign_id: Option<i64>,
}

/// What a sink found when a run [resumed](SyncSink::resume) it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resumed {
    /// The output holds what the checkpoint says (or there is no checkpoint and nothing
    /// to hold): the run goes on from the state.
    AsCheckpointed,
    /// The output holds none, or not all, of what the state says it wrote (it is gone,
    /// empty, or older than the state, and `rebuild` was asked for): the run lists and
    /// writes everything, as a first run does. The text says why, for the user.
    Rebuilt(String),
}

/// When a run asks its sink to make the writes so far durable ([`SyncSink::commit`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Commit {
    /// Whether the run has ended. `false`: a checkpoint mid-run (every few thousand
    /// records, and once before the first write), after which only durability matters.
    pub run_ended: bool,
    /// Whether the run listed every record in its scope (the first run, `--full`, or a
    /// kind the API cannot filter): at its end, records of that scope the sink holds but
    /// this run neither wrote nor saw [unchanged](SyncSink::unchanged) are gone from
    /// Salesflow.
    pub complete: bool,
    /// When the run started, by the local clock (only for the sink's own bookkeeping, such
    /// as when a deletion was seen; never for what to list).
    pub started_at: chrono::DateTime<chrono::Utc>,
}

/// Receives the records of a sync. `write` may buffer; `commit` must make every record
/// written durable (flushed and synced, or committed) before it returns, because the sync
/// records its progress only after it. A crash between the two makes the next run write
/// those records again, so writing must tolerate a repeat (an upsert by id does).
///
/// ```
/// use salesflow_ext::sync::{Commit, SinkError, SyncSink};
/// use salesflow_ext::types::Contact;
///
/// /// Keeps the records in memory (a CRM client would send them instead).
/// struct Collect(Vec<i64>);
///
/// impl SyncSink<Contact> for Collect {
///     async fn write(&mut self, contact: &Contact) -> Result<(), SinkError> {
///         self.0.push(contact.member_id);
///         Ok(())
///     }
///     async fn commit(&mut self, _: Commit) -> Result<Option<serde_json::Value>, SinkError> {
///         Ok(None) // a real sink makes its writes durable here
///     }
/// }
/// ```
pub trait SyncSink<R: SyncRecord> {
    /// Before the first write: checks that the output is the one the state's checkpoint
    /// was written with, and drops what an interrupted run wrote after it. An output that
    /// is not (another file, a shorter one, foreign data) is an error, and nothing is
    /// changed: a sink must never truncate or write into what it cannot tell is its own.
    fn resume(&mut self, run: RunStart<'_>) -> impl Future<Output = Result<Resumed, SinkError>> {
        let _ = run;
        async { Ok(Resumed::AsCheckpointed) }
    }

    /// Writes (or buffers) one record.
    fn write(&mut self, record: &R) -> impl Future<Output = Result<(), SinkError>>;

    /// A record listed again unchanged, so not written: it is still in Salesflow (what a
    /// sink that marks deletions after a complete run needs to know).
    fn unchanged(&mut self, record: &R) -> impl Future<Output = Result<(), SinkError>> {
        let _ = record;
        async { Ok(()) }
    }

    /// Makes every record written durable, and returns a checkpoint for the state: what
    /// [`resume`](SyncSink::resume) needs to recognise the output and where it got to.
    fn commit(
        &mut self,
        at: Commit,
    ) -> impl Future<Output = Result<Option<serde_json::Value>, SinkError>>;

    /// [`commit`](SyncSink::commit), given the state as the sync will hold it once the
    /// commit succeeds (how far the run got, or, at its end, the new high-water mark). A sink
    /// that can keep the state in the same transaction as the records (a database) stores
    /// it here, so that output and state can never disagree; the default ignores it (the
    /// sync saves the state to its own file after the commit).
    fn commit_with_state(
        &mut self,
        at: Commit,
        state: &SyncState,
    ) -> impl Future<Output = Result<Option<serde_json::Value>, SinkError>> {
        let _ = state;
        self.commit(at)
    }
}
