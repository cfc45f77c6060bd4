//! Bulk import: every row of a source into a campaign exactly once, whatever stops the run.
//!
//! `importMember` creates a member each time it is called (a second call makes a duplicate
//! member), and Salesflow has no idempotency key. So the importer keeps a journal: before a
//! row's request goes out, "sent" is synced to disk; after its answer, the outcome is written
//! (and synced with the next "sent"). A rerun
//! skips the rows with an outcome and looks up the rows that were sent without one in the
//! campaign (by their LinkedIn public identifier) before sending them again.

mod journal;
mod outcome;
mod profile_key;
mod row;
mod source;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures_util::stream::{self, StreamExt};
use salesflow::{Client, Error, TransportKind};

pub(crate) use journal::sync_parent;
use journal::{Entry, Journal, Step};
pub use outcome::{ImportSummary, RowOutcome, RowStatus};
pub use profile_key::ProfileKey;
pub use row::{ImportRow, RowProblem};
pub use source::{CsvFile, ImportSource, SourceRow};

/// Why an import could not run (a row's own problem is its [`RowOutcome`] instead).
#[derive(Debug)]
#[non_exhaustive]
pub enum ImportError {
    /// A file could not be read or written.
    Io {
        /// The file.
        path: PathBuf,
        /// What failed.
        detail: String,
    },
    /// The CSV file's columns are not what an import takes.
    Columns(String),
    /// The journal belongs to another import, or was damaged.
    Journal(String),
    /// The journal was written for other rows: the source changed since.
    SourceChanged(String),
    /// [`Importer::strict`] is on and these rows break the API's rules; nothing was sent.
    Invalid(Vec<(u64, RowProblem)>),
    /// Salesflow refused the import itself (a wrong token, account or campaign); the rows
    /// not yet sent were not. The journal has every row's state: fix the cause, run again.
    Refused(Error),
}

impl ImportError {
    pub(crate) fn io(path: &Path, detail: String) -> Self {
        Self::Io {
            path: path.to_path_buf(),
            detail,
        }
    }
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Io { path, detail } => write!(f, "{}: {detail}", path.display()),
            Self::Columns(text) | Self::Journal(text) | Self::SourceChanged(text) => {
                f.write_str(text)
            }
            Self::Invalid(rows) => {
                write!(
                    f,
                    "{} rows break the API's rules; nothing was sent",
                    rows.len()
                )?;
                for (row, problem) in rows.iter().take(5) {
                    write!(f, "; row {row}: {problem}")?;
                }
                Ok(())
            }
            Self::Refused(error) => write!(f, "{error}"),
        }
    }
}

impl std::error::Error for ImportError {}

/// What [`Importer::run`] tells as it goes.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum ImportEvent<'a> {
    /// Every row is checked; nothing was sent yet.
    Checked {
        /// Rows in the source.
        rows: u64,
        /// The rows that break the API's rules, with the problem.
        invalid: &'a [(u64, RowProblem)],
        /// Rows that repeat the profile of an earlier row.
        duplicates: u64,
    },
    /// A row's outcome.
    Row(&'a RowOutcome),
}

/// Stops an import: the rows not yet sent are not sent, the requests in flight finish and
/// are recorded, and [`Importer::run`] returns with [`ImportSummary::stopped`] set.
///
/// ```
/// let stop = salesflow_ext::ImportStop::new();
/// let for_ctrl_c = stop.clone();
/// for_ctrl_c.stop();
/// assert!(stop.is_stopped());
/// ```
#[derive(Debug, Clone, Default)]
pub struct ImportStop(Arc<(AtomicBool, tokio::sync::Notify)>);

impl ImportStop {
    /// A stop that has not been pulled.
    pub fn new() -> Self {
        Self::default()
    }

    /// Stops the import (any clone of it).
    pub fn stop(&self) {
        self.0.0.store(true, Ordering::SeqCst);
        self.0.1.notify_waiters();
    }

    /// Whether [`ImportStop::stop`] was called.
    pub fn is_stopped(&self) -> bool {
        self.0.0.load(Ordering::SeqCst)
    }

    async fn stopped(&self) {
        loop {
            let notified = self.0.1.notified();
            if self.is_stopped() {
                return;
            }
            notified.await;
        }
    }
}

/// Imports rows into a campaign with `importMember`: checks every row first, sends at most
/// `concurrency` at a time (under the client's rate limit), and reports each row's outcome
/// as it happens. With a [journal](Importer::journal), a rerun after a crash, a kill or a
/// stop imports every row exactly once.
///
/// A request that surely created nothing (a refused connection, a 429 after the client's
/// own retries) is sent again in a later round; one whose answer was lost (a timeout, a
/// reset, a 5xx, an unreadable answer) is first looked up in the campaign, once for all
/// such rows, after a pause (2 s, doubling), so that a member Salesflow created is found
/// rather than created twice. Memory: the rows are read from the source as they are sent;
/// what is kept is each profile's first row and each row's last journal entry, a few dozen
/// bytes a row.
///
/// ```no_run
/// use salesflow_ext::{CsvFile, ImportEvent, Importer};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let client = salesflow::ClientBuilder::new().from_env()?.build()?;
/// let leads = CsvFile::open("leads.csv")?;
/// let summary = Importer::new(&client, 321, 789)
///     .concurrency(4)
///     .journal("leads.csv.journal")
///     .run(&leads, |event| {
///         if let ImportEvent::Row(outcome) = event {
///             println!("row {}: {}", outcome.row, outcome.status);
///         }
///     })
///     .await?;
/// println!("{} imported, {} failed", summary.imported, summary.failed);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Importer {
    client: Client,
    account_id: i64,
    campaign_id: i64,
    concurrency: usize,
    journal: Option<PathBuf>,
    strict: bool,
    stop: ImportStop,
    tries: u32,
    pause: Duration,
}

/// A row to send, with what is known of it so far.
#[derive(Debug)]
struct Pending {
    number: u64,
    key: ProfileKey,
    row: ImportRow,
    /// Its request may have reached Salesflow: look in the campaign before sending again.
    in_doubt: bool,
    error: String,
}

/// A row before any request: settled already, or to send.
enum Classified {
    Settled(RowOutcome),
    ToSend(Pending),
}

/// What one row came to in a pass.
enum Sent {
    /// Settled without a request (invalid, a duplicate, settled by an earlier run).
    Early(RowOutcome),
    /// Settled by its request's answer.
    Settled(RowOutcome),
    /// To be tried again (and looked up first if `in_doubt`).
    Again(Pending),
    /// The import cannot go on (Salesflow refused the import itself, or the journal cannot
    /// be written): stop.
    Refused(Pending, ImportError),
}

impl Importer {
    /// An importer into campaign `campaign_id` of account `account_id`: 4 requests at a
    /// time, no journal, not strict.
    pub fn new(client: &Client, account_id: i64, campaign_id: i64) -> Self {
        Self {
            client: client.clone(),
            account_id,
            campaign_id,
            concurrency: 4,
            journal: None,
            strict: false,
            stop: ImportStop::new(),
            tries: 4,
            pause: Duration::from_secs(2),
        }
    }

    /// Sends at most `n` requests at a time (at least 1).
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// Keeps the journal at `path` (created if missing): what makes a rerun import every
    /// row exactly once. Without one, a run that is stopped or crashes cannot be resumed
    /// safely.
    pub fn journal(mut self, path: impl Into<PathBuf>) -> Self {
        self.journal = Some(path.into());
        self
    }

    /// Refuses to send anything when any row breaks a rule ([`ImportError::Invalid`]);
    /// by default the bad rows are reported and the good ones imported.
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// The stop this import obeys (see [`ImportStop`]).
    pub fn stop_with(mut self, stop: ImportStop) -> Self {
        self.stop = stop;
        self
    }

    /// How many times a row without an answer is tried in one run (default 4), and the
    /// pause before the first retry round (default 2 s, doubling).
    pub fn tries(mut self, tries: u32, pause: Duration) -> Self {
        self.tries = tries.max(1);
        self.pause = pause;
        self
    }

    /// Checks every row of `source` against the API's rules, sending nothing: the invalid
    /// rows with their problem (the column, for a CSV file).
    pub fn check(
        &self,
        source: &(impl ImportSource + ?Sized),
    ) -> Result<Vec<(u64, RowProblem)>, ImportError> {
        Ok(self
            .rows(source)?
            .filter_map(|source_row| source_row.problem.map(|p| (source_row.number, p)))
            .collect())
    }

    /// The rows of `source`, each also checked as its request would go out: with the
    /// account, the campaign and the client's token, it must fit in the query string the
    /// server takes.
    fn rows<'s>(
        &'s self,
        source: &'s (impl ImportSource + ?Sized),
    ) -> Result<impl Iterator<Item = SourceRow> + 's, ImportError> {
        Ok(source.rows()?.map(move |mut source_row| {
            if source_row.problem.is_none()
                && let Err(mut problem) =
                    source_row
                        .row
                        .check_request(&self.client, self.account_id, self.campaign_id)
            {
                problem.field = source.name_of(&problem.field);
                source_row.problem = Some(problem);
            }
            source_row
        }))
    }

    /// Imports every row of `source`, calling `on_event` once when every row is checked
    /// ([`ImportEvent::Checked`], before the first request), then once for each row as its
    /// outcome is known ([`ImportEvent::Row`]; rows settled by an earlier run included,
    /// with `earlier` set).
    pub async fn run(
        &self,
        source: &(impl ImportSource + ?Sized),
        mut on_event: impl FnMut(ImportEvent<'_>),
    ) -> Result<ImportSummary, ImportError> {
        // The journal first: the check compares its rows with the source's.
        let (journal, recorded) = match &self.journal {
            Some(path) => {
                let (journal, recorded) = Journal::open(path, self.account_id, self.campaign_id)?;
                (Some(journal), recorded)
            }
            None => (None, HashMap::new()),
        };
        // Pass 1: every row checked, the first row of each profile found, the journal matched.
        let mut first_rows: HashMap<ProfileKey, u64> = HashMap::new();
        let mut invalid = Vec::new();
        let mut rows_seen = 0u64;
        for source_row in self.rows(source)? {
            rows_seen += 1;
            match &source_row.problem {
                None => {
                    let key = source_row
                        .row
                        .profile()
                        .expect("checked rows name a profile");
                    if let Some(entry) = recorded.get(&source_row.number)
                        && entry.key != key.as_str()
                    {
                        return Err(ImportError::SourceChanged(format!(
                            "row {} is {} now, but the journal recorded {} for it: the file changed since; restore it, or import it with a new --journal",
                            source_row.number, key, entry.key
                        )));
                    }
                    first_rows.entry(key).or_insert(source_row.number);
                }
                Some(problem) => invalid.push((source_row.number, problem.clone())),
            }
        }
        if self.strict && !invalid.is_empty() {
            return Err(ImportError::Invalid(invalid));
        }
        on_event(ImportEvent::Checked {
            rows: rows_seen,
            invalid: &invalid,
            duplicates: rows_seen - invalid.len() as u64 - first_rows.len() as u64,
        });
        drop(invalid);
        let mut summary = ImportSummary::default();
        let mut report = |outcome: RowOutcome, summary: &mut ImportSummary| {
            summary.count(&outcome);
            on_event(ImportEvent::Row(&outcome));
        };
        // Rows sent by an earlier run without a recorded answer: looked up in the campaign.
        let mut settled: HashMap<u64, Entry> = recorded;
        let doubtful: HashMap<ProfileKey, u64> = settled
            .values()
            .filter(|entry| entry.step == Step::Sent)
            .filter_map(|entry| Some((ProfileKey::from_identifier(&entry.key)?, entry.row)))
            .collect();
        if !doubtful.is_empty() {
            let found = self
                .look_up(&doubtful)
                .await
                .map_err(ImportError::Refused)?;
            for (key, row) in doubtful {
                let entry = match found.get(&key) {
                    Some(member_id) => Entry {
                        row,
                        key: key.to_string(),
                        step: Step::Found,
                        member_id: Some(*member_id),
                        error: None,
                    },
                    None => Entry {
                        row,
                        key: key.to_string(),
                        step: Step::Unsent,
                        member_id: None,
                        error: None,
                    },
                };
                if let Some(journal) = &journal {
                    journal.record(entry.clone()).await?;
                }
                settled.insert(row, entry);
            }
        }
        // Pass 2: each row reported or sent, `concurrency` at a time, until stopped.
        let mut rows = self.rows(source)?;
        let mut again = Vec::new();
        let mut refused = None;
        {
            let stop = self.stop.stopped();
            let sends = stream::iter(rows.by_ref())
                .take_until(Box::pin(stop))
                .map(|source_row| {
                    let early = self.classify(source_row, &first_rows, &settled);
                    let journal = journal.as_ref();
                    async move {
                        match early {
                            Classified::Settled(outcome) => Sent::Early(outcome),
                            Classified::ToSend(pending) => self.send(journal, pending).await,
                        }
                    }
                })
                .buffer_unordered(self.concurrency);
            futures_util::pin_mut!(sends);
            while let Some(sent) = sends.next().await {
                match sent {
                    Sent::Early(outcome) => report(outcome, &mut summary),
                    Sent::Settled(outcome) => {
                        summary.requests += 1;
                        report(outcome, &mut summary);
                    }
                    Sent::Again(pending) => {
                        summary.requests += 1;
                        again.push(pending);
                    }
                    Sent::Refused(pending, error) => {
                        summary.requests += 1;
                        again.push(pending);
                        if refused.is_none() {
                            refused = Some(error);
                            self.stop.stop();
                        }
                    }
                }
            }
        }
        // Retry rounds for the rows without an answer.
        let mut round = 0;
        while !again.is_empty() && !self.stop.is_stopped() && round + 1 < self.tries {
            // The pause ends early when the import is stopped.
            let pause = self.pause * 2u32.pow(round);
            let _ = tokio::time::timeout(pause, self.stop.stopped()).await;
            if self.stop.is_stopped() {
                break;
            }
            round += 1;
            let doubtful: HashMap<ProfileKey, u64> = again
                .iter()
                .filter(|p| p.in_doubt)
                .map(|p| (p.key.clone(), p.number))
                .collect();
            let found = if doubtful.is_empty() {
                HashMap::new()
            } else {
                match self.look_up(&doubtful).await {
                    Ok(found) => found,
                    // Not known: those rows wait for the next round.
                    Err(_) => continue,
                }
            };
            let mut resend = Vec::new();
            for pending in again.drain(..) {
                if let Some(member_id) = found.get(&pending.key) {
                    if let Some(journal) = &journal {
                        journal
                            .record(Entry {
                                row: pending.number,
                                key: pending.key.to_string(),
                                step: Step::Found,
                                member_id: Some(*member_id),
                                error: None,
                            })
                            .await?;
                    }
                    let outcome = RowOutcome {
                        row: pending.number,
                        linkedin_url: pending.row.linkedin_url,
                        member_id: Some(*member_id),
                        status: RowStatus::AlreadyInCampaign,
                        error: None,
                        earlier: false,
                    };
                    report(outcome, &mut summary);
                } else {
                    resend.push(pending);
                }
            }
            let sends = stream::iter(resend)
                .map(|pending| self.send(journal.as_ref(), pending))
                .buffer_unordered(self.concurrency);
            futures_util::pin_mut!(sends);
            while let Some(sent) = sends.next().await {
                summary.requests += 1;
                match sent {
                    Sent::Early(outcome) | Sent::Settled(outcome) => report(outcome, &mut summary),
                    Sent::Again(pending) => again.push(pending),
                    Sent::Refused(pending, error) => {
                        again.push(pending);
                        if refused.is_none() {
                            refused = Some(error);
                            self.stop.stop();
                        }
                    }
                }
            }
        }
        summary.stopped = self.stop.is_stopped() && refused.is_none();
        for pending in again {
            let tries = round + 1;
            let error = if summary.stopped || refused.is_some() {
                None
            } else {
                Some(format!(
                    "{} (tried {tries} time{}; run again to retry: the journal keeps it)",
                    pending.error,
                    if tries == 1 { "" } else { "s" }
                ))
            };
            let status = if error.is_some() {
                RowStatus::Failed
            } else {
                RowStatus::Pending
            };
            let outcome = RowOutcome {
                row: pending.number,
                linkedin_url: pending.row.linkedin_url,
                member_id: None,
                status,
                error,
                earlier: false,
            };
            report(outcome, &mut summary);
        }
        // Stopped: the rows never taken are reported as pending.
        for source_row in rows {
            let outcome = match self.classify(source_row, &first_rows, &settled) {
                Classified::Settled(outcome) => outcome,
                Classified::ToSend(pending) => RowOutcome {
                    row: pending.number,
                    linkedin_url: pending.row.linkedin_url,
                    member_id: None,
                    status: RowStatus::Pending,
                    error: None,
                    earlier: false,
                },
            };
            report(outcome, &mut summary);
        }
        match refused {
            Some(error) => Err(error),
            None => Ok(summary),
        }
    }

    /// A row's outcome without a request (invalid, a duplicate, settled before), or the
    /// row to send.
    fn classify(
        &self,
        source_row: SourceRow,
        first_rows: &HashMap<ProfileKey, u64>,
        settled: &HashMap<u64, Entry>,
    ) -> Classified {
        let number = source_row.number;
        let row = source_row.row;
        match source_row.problem {
            None => {}
            Some(problem) => {
                return Classified::Settled(RowOutcome {
                    row: number,
                    linkedin_url: row.linkedin_url,
                    member_id: None,
                    status: RowStatus::Invalid,
                    error: Some(problem.to_string()),
                    earlier: false,
                });
            }
        }
        let key = row.profile().expect("checked rows name a profile");
        let outcome = |status, member_id, error, earlier| RowOutcome {
            row: number,
            linkedin_url: row.linkedin_url.clone(),
            member_id,
            status,
            error,
            earlier,
        };
        if let Some(&first_row) = first_rows.get(&key)
            && first_row != number
        {
            let member_id = settled.get(&first_row).and_then(|e| e.member_id);
            return Classified::Settled(outcome(
                RowStatus::Duplicate { first_row },
                member_id,
                Some(format!("the profile {key} is also in row {first_row}")),
                false,
            ));
        }
        match settled.get(&number) {
            Some(entry) if entry.step == Step::Imported => {
                Classified::Settled(outcome(RowStatus::Imported, entry.member_id, None, true))
            }
            Some(entry) if entry.step == Step::Found => Classified::Settled(outcome(
                RowStatus::AlreadyInCampaign,
                entry.member_id,
                None,
                true,
            )),
            Some(entry) if entry.step == Step::Failed => {
                Classified::Settled(outcome(RowStatus::Failed, None, entry.error.clone(), true))
            }
            _ => Classified::ToSend(Pending {
                number,
                key,
                row,
                in_doubt: false,
                error: String::new(),
            }),
        }
    }

    /// Sends one row: "sent" on disk first, then the request, then its outcome.
    async fn send(&self, journal: Option<&Journal>, mut pending: Pending) -> Sent {
        let entry = |step, member_id, error| Entry {
            row: pending.number,
            key: pending.key.to_string(),
            step,
            member_id,
            error,
        };
        if let Some(journal) = journal
            && let Err(error) = journal.record(entry(Step::Sent, None, None)).await
        {
            // Nothing was sent; without its journal the run must not go on.
            pending.error = error.to_string();
            return Sent::Refused(pending, error);
        }
        let row = &pending.row;
        let mut request = self
            .client
            .import_member()
            .account_id(self.account_id)
            .campaign_id(self.campaign_id)
            .linked_in_url(row.linkedin_url.as_str());
        if let Some(value) = &row.first_name {
            request = request.first_name(value.as_str());
        }
        if let Some(value) = &row.last_name {
            request = request.last_name(value.as_str());
        }
        if let Some(value) = &row.occupation {
            request = request.occupation(value.as_str());
        }
        if let Some(value) = &row.location {
            request = request.location(value.as_str());
        }
        if !row.custom_fields.is_empty() {
            request = request.custom_fields(row.custom_fields.clone());
        }
        let answer = request.send().await;
        let (step, member_id, error, verdict, fatal) = match answer {
            Ok(member) => (
                Step::Imported,
                Some(member.member_id),
                None,
                Verdict::Done,
                None,
            ),
            Err(error) => {
                let verdict = verdict(&error);
                let step = match verdict {
                    Verdict::Done | Verdict::Refused => Step::Failed,
                    Verdict::NotCreated | Verdict::Fatal => Step::Unsent,
                    Verdict::InDoubt => Step::Sent,
                };
                let text = error.to_string();
                let fatal = (verdict == Verdict::Fatal).then_some(error);
                (step, None, Some(text), verdict, fatal)
            }
        };
        // "Sent" is on disk already for an answer that may have created the member.
        if step != Step::Sent
            && let Some(journal) = journal
            && let Err(failure) = journal.record(entry(step, member_id, error.clone())).await
        {
            pending.in_doubt = true;
            pending.error = failure.to_string();
            return Sent::Refused(pending, failure);
        }
        let settled = |status| {
            Sent::Settled(RowOutcome {
                row: pending.number,
                linkedin_url: pending.row.linkedin_url.clone(),
                member_id,
                status,
                error: error.clone(),
                earlier: false,
            })
        };
        match verdict {
            Verdict::Done => settled(RowStatus::Imported),
            Verdict::Refused => settled(RowStatus::Failed),
            Verdict::NotCreated | Verdict::InDoubt => {
                pending.in_doubt = pending.in_doubt || verdict == Verdict::InDoubt;
                pending.error = error.unwrap_or_default();
                Sent::Again(pending)
            }
            Verdict::Fatal => {
                pending.error = error.unwrap_or_default();
                Sent::Refused(
                    pending,
                    ImportError::Refused(fatal.expect("a fatal verdict has its error")),
                )
            }
        }
    }

    /// The members of the campaign among `wanted`, by profile: one listing of the campaign,
    /// read as it arrives.
    async fn look_up(
        &self,
        wanted: &HashMap<ProfileKey, u64>,
    ) -> Result<HashMap<ProfileKey, i64>, Error> {
        let mut found = HashMap::new();
        let members = self
            .client
            .list_contacts_by_campaign()
            .account_id(self.account_id)
            .campaign_id(self.campaign_id)
            .stream();
        futures_util::pin_mut!(members);
        while let Some(member) = members.next().await {
            let member = member?;
            let key = member
                .public_identifier
                .as_deref()
                .and_then(ProfileKey::from_identifier)
                .filter(|key| wanted.contains_key(key))
                .or_else(|| member.member_url.as_deref().and_then(ProfileKey::from_url));
            if let Some(key) = key.filter(|key| wanted.contains_key(key)) {
                // The first member of the profile: the one this import made, or one before.
                found.entry(key).or_insert(member.member_id);
            }
        }
        Ok(found)
    }
}

/// What an error of `importMember` says about the member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// Created.
    Done,
    /// Refused for this row (a 4xx about the row): sending it again is refused again.
    Refused,
    /// Surely not created: the connection was refused, or Salesflow answered 429 or 408.
    NotCreated,
    /// Perhaps created: a timeout or a reset after the request went out, a 5xx, or a
    /// success answer that could not be read.
    InDoubt,
    /// Refused for every row: the token, the account or the campaign is wrong.
    Fatal,
}

fn verdict(error: &Error) -> Verdict {
    match error {
        Error::InvalidRequest { .. } => Verdict::Refused,
        Error::Transport {
            kind: TransportKind::Connect,
            ..
        } => Verdict::NotCreated,
        Error::Transport { .. } | Error::Decode { .. } => Verdict::InDoubt,
        Error::NotFound { .. } => Verdict::Fatal,
        Error::Api { status, .. } => match status.as_u16() {
            408 | 429 => Verdict::NotCreated,
            401 | 403 | 404 => Verdict::Fatal,
            400..=499 => Verdict::Refused,
            _ => Verdict::InDoubt,
        },
        _ => Verdict::InDoubt,
    }
}
