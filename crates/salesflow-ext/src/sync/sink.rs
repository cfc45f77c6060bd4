//! Where a sync writes: the trait a CRM, a warehouse or a file implements.

use std::future::Future;

use super::SyncRecord;

/// The error a sink returns: anything, shown as its message.
pub type SinkError = Box<dyn std::error::Error + Send + Sync>;

/// How a run ends, for [`SyncSink::commit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunEnd {
    /// Whether the run listed every record (the first run, `--full`, or a kind the API
    /// cannot filter): records the sink holds but this run did not write are gone from
    /// Salesflow.
    pub complete: bool,
    /// When the run started, by the local clock (only for the sink's own bookkeeping, such
    /// as when a deletion was seen; never for what to list).
    pub started_at: chrono::DateTime<chrono::Utc>,
}

/// Receives the records of a sync. `write` may buffer; `commit` must make every record
/// written durable (flushed and synced, or committed) before it returns, because the sync
/// advances its high-water mark only after it. A crash between the two makes the next run
/// write those records again, so writing must tolerate a repeat (an upsert by id does).
///
/// ```
/// use salesflow_ext::sync::{RunEnd, SinkError, SyncSink};
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
///     async fn commit(&mut self, _: RunEnd) -> Result<Option<serde_json::Value>, SinkError> {
///         Ok(None) // a real sink makes its writes durable here
///     }
/// }
/// ```
pub trait SyncSink<R: SyncRecord> {
    /// Before the first write: the checkpoint the last [`commit`](SyncSink::commit) returned
    /// (kept in the state), so that the sink can drop what a crashed run wrote after it.
    fn resume(
        &mut self,
        checkpoint: Option<&serde_json::Value>,
    ) -> impl Future<Output = Result<(), SinkError>> {
        let _ = checkpoint;
        async { Ok(()) }
    }

    /// Writes (or buffers) one record.
    fn write(&mut self, record: &R) -> impl Future<Output = Result<(), SinkError>>;

    /// A record listed again unchanged, so not written: it is still in Salesflow (what a
    /// sink that marks deletions after a complete run needs to know).
    fn unchanged(&mut self, record: &R) -> impl Future<Output = Result<(), SinkError>> {
        let _ = record;
        async { Ok(()) }
    }

    /// Makes every record written durable, and returns a checkpoint for the state.
    fn commit(
        &mut self,
        end: RunEnd,
    ) -> impl Future<Output = Result<Option<serde_json::Value>, SinkError>>;
}
