//! Bulk import: every row of a source into a campaign exactly once, whatever stops the run,
//! and whatever else put people in the campaign.
//!
//! `importMember` creates a member each time it is called (a second call makes a duplicate
//! member), and Salesflow has no idempotency key. So the importer first lists the campaign
//! once and skips every profile already in it (put there by another file, or the Salesflow
//! UI), and keeps a journal: before a row's request goes out, "sent" is synced to disk;
//! after its answer, the outcome is written (and synced with the next "sent"). A rerun
//! skips the rows with an outcome and finds the rows that were sent without one in that
//! listing before sending them again.

mod columns;
mod csv_file;
mod csv_text;
mod journal;
mod outcome;
mod profile_key;
mod profile_url;
mod row;
mod source;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures_util::stream::{self, StreamExt};
use salesflow::{Client, Error, TransportKind};

pub use csv_file::{CsvFile, CsvOptions};
pub(crate) use journal::sync_parent;
use journal::{Entry, Journal, Step};
pub use outcome::{ImportSummary, RowOutcome, RowStatus};
pub use profile_key::ProfileKey;
pub use profile_url::{ProfileUrl, ProfileUrlError};
pub use row::{ImportRow, RowProblem};
pub use source::{ImportSource, SourceRow};

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
    /// The CSV file's columns are not what an import takes, or the options that map them
    /// name a column it does not have.
    Columns(String),
    /// The file cannot be read as text of leads (a workbook, UTF-16 without a byte-order
    /// mark, an unknown `--encoding`): what it is and what to do.
    Unreadable(String),
    /// The journal belongs to another import, or was damaged.
    Journal(String),
    /// The journal was written for other rows: the source changed since.
    SourceChanged(String),
    /// [`Importer::strict`] is on and these rows break the API's rules; nothing was sent.
    Invalid(Vec<(u64, RowProblem)>),
    /// Salesflow refused the import itself (a wrong token, account or campaign); the rows
    /// not yet sent were not. The journal has every row's state: fix the cause, run again.
    Refused(Error),
    /// Salesflow could not be reached (after the client's own retries): the import stopped
    /// rather than let every row wait for its tries. The journal has every row's state.
    Unreachable(Error),
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
            Self::Columns(text)
            | Self::Unreadable(text)
            | Self::Journal(text)
            | Self::SourceChanged(text) => f.write_str(text),
            Self::Invalid(rows) => {
                write!(
                    f,
                    "{} rows break the API's rules; nothing was sent",
                    rows.len()
                )?;
                for (row, problem) in rows.iter().take(5) {
                    write!(f, "; line {row}: {problem}")?;
                }
                Ok(())
            }
            Self::Refused(error) | Self::Unreachable(error) => write!(f, "{error}"),
        }
    }
}

impl std::error::Error for ImportError {}

/// What [`Importer::run`] tells as it goes.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum ImportEvent<'a> {
    /// Every row is checked and the campaign looked up; nothing was sent yet.
    Checked {
        /// Rows in the source.
        rows: u64,
        /// The rows that break the API's rules, with the problem.
        invalid: &'a [(u64, RowProblem)],
        /// Rows that repeat the profile of an earlier row.
        duplicates: u64,
        /// Profiles of the source the campaign holds already (not sent again).
        in_campaign: u64,
    },
    /// A dry run: the `importMember` parameters a row would be sent with, just before its
    /// [`ImportEvent::Row`] (`would-import`).
    WouldSend {
        /// The row's number.
        row: u64,
        /// The parameters, by their API names (`customFields` once for each value).
        parameters: &'a [(&'static str, &'a str)],
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

/// Imports rows into a campaign with `importMember`: checks every row first, lists the
/// campaign once to skip the profiles already in it, sends at most `concurrency` rows at a
/// time (under the client's rate limit), and reports each row's outcome as it happens. With
/// a [journal](Importer::journal), a rerun after a crash, a kill or a stop imports every row
/// exactly once; with the campaign lookup, so does another file, a copy of this one, or an
/// import made in the Salesflow UI.
///
/// A request that surely created nothing (a 429 after the client's own retries) is sent
/// again in a later round; one whose answer was lost (a timeout, a reset, a 5xx, an
/// unreadable answer) is first looked up in the campaign, once for all such rows, after a
/// pause (2 s, doubling), so that a member Salesflow created is found rather than created
/// twice. A host that cannot be reached, a refused token and a missing campaign stop the
/// import at once ([`ImportError::Unreachable`], [`ImportError::Refused`]): the lookup
/// before the first row meets them. Memory: the rows are read from the source as they are
/// sent, and the campaign's members as they arrive; what is kept is each profile's first
/// row, each row's last journal entry, and the members that are rows of the source, a few
/// dozen bytes a row.
///
/// ```no_run
/// use salesflow_ext::{CsvFile, ImportEvent, Importer};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let client = salesflow::ClientBuilder::new().from_env().build()?;
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
    allow_duplicates: bool,
    dry_run: bool,
    stop: ImportStop,
    tries: u32,
    pause: Duration,
}

/// A row to send, with what is known of it so far.
#[derive(Debug)]
struct Pending {
    number: u64,
    url: ProfileUrl,
    row: ImportRow,
    /// Its request may have reached Salesflow: look in the campaign before sending again.
    in_doubt: bool,
    error: String,
}

impl Pending {
    /// The row's outcome without a member.
    fn outcome(self, status: RowStatus, error: Option<String>) -> RowOutcome {
        RowOutcome {
            error,
            ..self.outcome_of(status)
        }
    }

    /// The outcome `status` of the row (without a member or an error), the row kept.
    fn outcome_of(&self, status: RowStatus) -> RowOutcome {
        RowOutcome {
            row: self.number,
            linkedin_url: self.row.linkedin_url.clone(),
            sent_url: Some(self.url.as_str().to_owned()),
            member_id: None,
            status,
            error: None,
            earlier: false,
        }
    }
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
    /// A dry run: it would be sent.
    Would(Pending),
    /// Settled by its request's answer.
    Settled(RowOutcome),
    /// To be tried again (and looked up first if `in_doubt`).
    Again(Pending),
    /// The import cannot go on (Salesflow refused the import itself or cannot be reached,
    /// or the journal cannot be written): stop.
    Refused(Pending, ImportError),
}

/// What the source's rows are, after the first pass.
struct Checked {
    /// The first row of each valid profile.
    first_rows: HashMap<ProfileKey, u64>,
    rows: u64,
    invalid: Vec<(u64, RowProblem)>,
}

/// One run of [`Importer::run`] once the rows are checked: what it has reported, the rows
/// to try again, and why it must stop, if it must.
struct Run<'a, F> {
    importer: &'a Importer,
    on_event: F,
    summary: ImportSummary,
    again: Vec<Pending>,
    refused: Option<ImportError>,
}

impl<F: FnMut(ImportEvent<'_>)> Run<'_, F> {
    /// Reports a row's outcome, after (in a dry run) the parameters it would be sent with.
    fn report(&mut self, outcome: RowOutcome, would_send: Option<&Pending>) {
        if let Some(pending) = would_send {
            let parameters = pending.row.parameters(&pending.url);
            (self.on_event)(ImportEvent::WouldSend {
                row: pending.number,
                parameters: &parameters,
            });
        }
        self.summary.count(&outcome);
        (self.on_event)(ImportEvent::Row(&outcome));
    }

    /// Takes what one row came to: reported, or kept to try again (and the run stopped if
    /// the import cannot go on).
    fn take(&mut self, sent: Sent) {
        let requested = !matches!(sent, Sent::Early(_) | Sent::Would(_));
        self.summary.requests += u64::from(requested);
        match sent {
            Sent::Early(outcome) | Sent::Settled(outcome) => self.report(outcome, None),
            Sent::Would(pending) => {
                let outcome = pending.outcome_of(RowStatus::WouldImport);
                self.report(outcome, Some(&pending));
            }
            Sent::Again(pending) => self.again.push(pending),
            Sent::Refused(pending, error) => {
                self.again.push(pending);
                if self.refused.is_none() {
                    self.refused = Some(error);
                    self.importer.stop.stop();
                }
            }
        }
    }

    /// Each row reported or sent, `concurrency` at a time, until the run is stopped.
    async fn send_all(
        &mut self,
        rows: impl Iterator<Item = Classified>,
        journal: Option<&Journal>,
    ) {
        let importer = self.importer;
        let sends = stream::iter(rows)
            .take_until(Box::pin(importer.stop.stopped()))
            .map(|classified| async move {
                match classified {
                    Classified::Settled(outcome) => Sent::Early(outcome),
                    Classified::ToSend(pending) if importer.dry_run => Sent::Would(pending),
                    Classified::ToSend(pending) => importer.send(journal, pending).await,
                }
            })
            .buffer_unordered(importer.concurrency);
        futures_util::pin_mut!(sends);
        while let Some(sent) = sends.next().await {
            self.take(sent);
        }
    }

    /// Rounds for the rows without an answer, each after a pause (doubling): those in doubt
    /// looked up first, the rest sent again. Returns how many rounds ran.
    async fn retry_rounds(&mut self, journal: Option<&Journal>) -> Result<u32, ImportError> {
        let importer = self.importer;
        let mut round = 0;
        while !self.again.is_empty() && !importer.stop.is_stopped() && round + 1 < importer.tries {
            // The pause ends early when the import is stopped.
            let pause = importer.pause * 2u32.pow(round);
            let _ = tokio::time::timeout(pause, importer.stop.stopped()).await;
            if importer.stop.is_stopped() {
                break;
            }
            round += 1;
            let doubtful: HashMap<ProfileKey, u64> = self
                .again
                .iter()
                .filter(|p| p.in_doubt)
                .map(|p| (p.url.key().clone(), p.number))
                .collect();
            let found = match doubtful.is_empty() {
                true => HashMap::new(),
                false => match importer.look_up(&doubtful).await {
                    Ok(found) => found,
                    // Not known: those rows wait for the next round.
                    Err(_) => continue,
                },
            };
            let mut resend = Vec::new();
            for pending in std::mem::take(&mut self.again) {
                let Some(&member_id) = found.get(pending.url.key()) else {
                    resend.push(pending);
                    continue;
                };
                if let Some(journal) = journal {
                    let key = pending.url.key().to_string();
                    let (row, member_id) = (pending.number, Some(member_id));
                    let step = Step::Found;
                    let entry = Entry {
                        row,
                        key,
                        step,
                        member_id,
                        error: None,
                    };
                    journal.record(entry).await?;
                }
                let mut outcome = pending.outcome(RowStatus::AlreadyInCampaign, None);
                outcome.member_id = Some(member_id);
                self.report(outcome, None);
            }
            let sends = stream::iter(resend)
                .map(|pending| importer.send(journal, pending))
                .buffer_unordered(importer.concurrency);
            futures_util::pin_mut!(sends);
            while let Some(sent) = sends.next().await {
                self.take(sent);
            }
        }
        Ok(round)
    }

    /// Reports the rows left without an answer after `rounds` retry rounds (failed, or
    /// pending when the run was stopped) and the rows never taken (pending); the summary,
    /// or why the import could not go on.
    fn finish(
        mut self,
        rounds: u32,
        untaken: impl Iterator<Item = Classified>,
    ) -> Result<ImportSummary, ImportError> {
        self.summary.stopped = self.importer.stop.is_stopped() && self.refused.is_none();
        let tries = rounds + 1;
        for pending in std::mem::take(&mut self.again) {
            let status = match self.summary.stopped || self.refused.is_some() {
                true => RowStatus::Pending,
                false => RowStatus::Failed,
            };
            let error = (status == RowStatus::Failed).then(|| {
                format!(
                    "{} (sent {tries} time{}; run again to retry: the journal keeps it)",
                    pending.error,
                    if tries == 1 { "" } else { "s" }
                )
            });
            self.report(pending.outcome(status, error), None);
        }
        for classified in untaken {
            let outcome = match classified {
                Classified::Settled(outcome) => outcome,
                Classified::ToSend(pending) => pending.outcome(RowStatus::Pending, None),
            };
            self.report(outcome, None);
        }
        match self.refused {
            Some(error) => Err(error),
            None => Ok(self.summary),
        }
    }
}

impl Importer {
    /// An importer into campaign `campaign_id` of account `account_id`: 4 requests at a
    /// time, no journal, not strict, profiles already in the campaign skipped.
    pub fn new(client: &Client, account_id: i64, campaign_id: i64) -> Self {
        Self {
            client: client.clone(),
            account_id,
            campaign_id,
            concurrency: 4,
            journal: None,
            strict: false,
            allow_duplicates: false,
            dry_run: false,
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

    /// Sends the rows whose profile the campaign holds already too (Salesflow then makes a
    /// second member of it, marked `MEMBER_DUPLICATE`); by default the campaign is listed
    /// once before the first row and those rows are reported
    /// [`RowStatus::AlreadyInCampaign`].
    pub fn allow_duplicates(mut self, allow: bool) -> Self {
        self.allow_duplicates = allow;
        self
    }

    /// Reads, checks and looks up every row as a run would, and reports each row that would
    /// be sent as [`RowStatus::WouldImport`], sending no import (the campaign is listed).
    /// The journal is read, never written.
    pub fn dry_run(mut self, dry_run: bool) -> Self {
        self.dry_run = dry_run;
        self
    }

    /// The stop this import obeys (see [`ImportStop`]).
    pub fn stop_with(mut self, stop: ImportStop) -> Self {
        self.stop = stop;
        self
    }

    /// How many times a row without an answer is sent in one run (default 4; 1 sends each
    /// row once), and the pause before the first retry round (default 2 s, doubling).
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
            .filter_map(|source_row| source_row.checked.err().map(|p| (source_row.number, p)))
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
            if source_row.checked.is_ok()
                && let Err(mut problem) =
                    source_row
                        .row
                        .check_request(&self.client, self.account_id, self.campaign_id)
            {
                problem.field = source.name_of(&problem.field);
                source_row.checked = Err(problem);
            }
            source_row
        }))
    }

    /// Pass 1: every row checked, the first row of each profile found, the journal's rows
    /// matched with the source's.
    fn check_all(
        &self,
        source: &(impl ImportSource + ?Sized),
        recorded: &HashMap<u64, Entry>,
    ) -> Result<Checked, ImportError> {
        let mut checked = Checked {
            first_rows: HashMap::new(),
            rows: 0,
            invalid: Vec::new(),
        };
        for source_row in self.rows(source)? {
            checked.rows += 1;
            match source_row.checked {
                Ok(url) => {
                    if let Some(entry) = recorded.get(&source_row.number)
                        && entry.key != url.key().as_str()
                    {
                        return Err(ImportError::SourceChanged(format!(
                            "row {} is {} now, but the journal recorded {} for it: the file changed since; restore it, or import it with a new --journal",
                            source_row.number,
                            url.key(),
                            entry.key
                        )));
                    }
                    checked
                        .first_rows
                        .entry(url.key().clone())
                        .or_insert(source_row.number);
                }
                Err(problem) => checked.invalid.push((source_row.number, problem)),
            }
        }
        Ok(checked)
    }

    /// Imports every row of `source`, calling `on_event` once when every row is checked and
    /// the campaign looked up ([`ImportEvent::Checked`], before the first request), then once
    /// for each row as its outcome is known ([`ImportEvent::Row`]; rows settled by an
    /// earlier run included, with `earlier` set).
    ///
    /// The steps: open the journal; check every row; look the campaign up (the rows an
    /// earlier run sent without an answer, and the profiles in it already); send each row;
    /// retry the rows without an answer in rounds; report what is left.
    pub async fn run(
        &self,
        source: &(impl ImportSource + ?Sized),
        on_event: impl FnMut(ImportEvent<'_>),
    ) -> Result<ImportSummary, ImportError> {
        // The journal first: the check compares its rows with the source's.
        let (journal, recorded) = self.open_journal()?;
        let checked = self.check_all(source, &recorded)?;
        if self.strict && !checked.invalid.is_empty() {
            return Err(ImportError::Invalid(checked.invalid));
        }
        let (settled, existing) = self.look_up_campaign(&checked, recorded, &journal).await?;
        let mut run = Run {
            importer: self,
            on_event,
            summary: ImportSummary {
                dry_run: self.dry_run,
                ..ImportSummary::default()
            },
            again: Vec::new(),
            refused: None,
        };
        (run.on_event)(ImportEvent::Checked {
            rows: checked.rows,
            invalid: &checked.invalid,
            duplicates: checked.rows
                - checked.invalid.len() as u64
                - checked.first_rows.len() as u64,
            in_campaign: existing.len() as u64,
        });
        let classify =
            |source_row| self.classify(source_row, &checked.first_rows, &settled, &existing);
        let mut rows = self.rows(source)?;
        run.send_all(rows.by_ref().map(classify), journal.as_ref())
            .await;
        let rounds = run.retry_rounds(journal.as_ref()).await?;
        // Stopped: the rows never taken are reported as pending.
        run.finish(rounds, rows.map(classify))
    }

    /// The journal (read only in a dry run) and the rows it recorded.
    fn open_journal(&self) -> Result<(Option<Journal>, HashMap<u64, Entry>), ImportError> {
        Ok(match &self.journal {
            Some(path) if self.dry_run => (
                None,
                Journal::read(path, self.account_id, self.campaign_id)?,
            ),
            Some(path) => {
                let (journal, recorded) = Journal::open(path, self.account_id, self.campaign_id)?;
                (Some(journal), recorded)
            }
            None => (None, HashMap::new()),
        })
    }

    /// One listing of the campaign: the rows an earlier run sent without a recorded answer
    /// (then found, or not sent, in the journal), and every profile of the source unless
    /// duplicates are allowed. It also meets a wrong token, account or campaign, or a host
    /// that cannot be reached, before any row is sent. Returns the rows settled and the
    /// profiles in the campaign already.
    async fn look_up_campaign(
        &self,
        checked: &Checked,
        mut settled: HashMap<u64, Entry>,
        journal: &Option<Journal>,
    ) -> Result<(HashMap<u64, Entry>, HashMap<ProfileKey, i64>), ImportError> {
        let doubtful: HashMap<ProfileKey, u64> = settled
            .values()
            .filter(|entry| entry.step == Step::Sent)
            .filter_map(|entry| Some((ProfileKey::from_identifier(&entry.key)?, entry.row)))
            .collect();
        let wanted = match self.allow_duplicates {
            true => &doubtful,
            false => &checked.first_rows,
        };
        let in_campaign = if wanted.is_empty() {
            HashMap::new()
        } else {
            self.look_up(wanted).await.map_err(|error| match error {
                Error::Transport { .. } => ImportError::Unreachable(error),
                error => ImportError::Refused(error),
            })?
        };
        for (key, row) in doubtful {
            let member_id = in_campaign.get(&key).copied();
            let step = match member_id {
                Some(_) => Step::Found,
                None => Step::Unsent,
            };
            let entry = Entry {
                row,
                key: key.to_string(),
                step,
                member_id,
                error: None,
            };
            if let Some(journal) = journal {
                journal.record(entry.clone()).await?;
            }
            settled.insert(row, entry);
        }
        let existing = match self.allow_duplicates {
            true => HashMap::new(),
            false => in_campaign,
        };
        Ok((settled, existing))
    }

    /// A row's outcome without a request (invalid, a duplicate, settled before, in the
    /// campaign already), or the row to send.
    fn classify(
        &self,
        source_row: SourceRow,
        first_rows: &HashMap<ProfileKey, u64>,
        settled: &HashMap<u64, Entry>,
        existing: &HashMap<ProfileKey, i64>,
    ) -> Classified {
        let number = source_row.number;
        let row = source_row.row;
        let url = match source_row.checked {
            Ok(url) => url,
            Err(problem) => {
                return Classified::Settled(RowOutcome {
                    row: number,
                    linkedin_url: row.linkedin_url,
                    sent_url: None,
                    member_id: None,
                    status: RowStatus::Invalid,
                    error: Some(problem.to_string()),
                    earlier: false,
                });
            }
        };
        let key = url.key().clone();
        let outcome = |status, member_id, error, earlier| RowOutcome {
            row: number,
            linkedin_url: row.linkedin_url.clone(),
            sent_url: Some(url.as_str().to_owned()),
            member_id,
            status,
            error,
            earlier,
        };
        if let Some(&first_row) = first_rows.get(&key)
            && first_row != number
        {
            let member_id = settled
                .get(&first_row)
                .and_then(|e| e.member_id)
                .or_else(|| existing.get(&key).copied());
            return Classified::Settled(outcome(
                RowStatus::Duplicate { first_row },
                member_id,
                Some(format!("the profile {key} is also on line {first_row}")),
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
            _ => match existing.get(&key) {
                Some(&member_id) => Classified::Settled(outcome(
                    RowStatus::AlreadyInCampaign,
                    Some(member_id),
                    None,
                    false,
                )),
                None => Classified::ToSend(Pending {
                    number,
                    url,
                    row,
                    in_doubt: false,
                    error: String::new(),
                }),
            },
        }
    }

    /// Sends one row: "sent" on disk first, then the request, then its outcome.
    async fn send(&self, journal: Option<&Journal>, mut pending: Pending) -> Sent {
        let entry = |step, member_id, error| Entry {
            row: pending.number,
            key: pending.url.key().to_string(),
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
        let (account, campaign) = (self.account_id, self.campaign_id);
        let request = pending
            .row
            .request(&self.client, &pending.url, account, campaign);
        let (step, member_id, error, verdict, fatal) = match request.send().await {
            Ok(member) => (
                Step::Imported,
                Some(member.member_id),
                None,
                Verdict::Done,
                None,
            ),
            Err(error) => {
                let verdict = verdict(&error);
                let text = error.to_string();
                let fatal =
                    matches!(verdict, Verdict::Fatal | Verdict::Unreachable).then_some(error);
                (verdict.step(), None, Some(text), verdict, fatal)
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
                sent_url: Some(pending.url.as_str().to_owned()),
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
            Verdict::Fatal | Verdict::Unreachable => {
                pending.error = error.unwrap_or_default();
                let error = fatal.expect("a fatal verdict has its error");
                let error = if verdict == Verdict::Unreachable {
                    ImportError::Unreachable(error)
                } else {
                    ImportError::Refused(error)
                };
                Sent::Refused(pending, error)
            }
        }
    }

    /// The members of the campaign among `wanted`, by profile: one listing of the campaign,
    /// read as it arrives (memory: the members found, not the campaign).
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
    /// Surely not created: Salesflow answered 429 or 408.
    NotCreated,
    /// Surely not created, and no row will be: Salesflow cannot be reached.
    Unreachable,
    /// Perhaps created: a timeout or a reset after the request went out, a 5xx, or a
    /// success answer that could not be read.
    InDoubt,
    /// Refused for every row: the token, the account or the campaign is wrong.
    Fatal,
}

impl Verdict {
    /// What the journal records for a row its request came to.
    fn step(self) -> Step {
        match self {
            Self::Done => Step::Imported,
            Self::Refused => Step::Failed,
            Self::NotCreated | Self::Fatal | Self::Unreachable => Step::Unsent,
            Self::InDoubt => Step::Sent,
        }
    }
}

fn verdict(error: &Error) -> Verdict {
    match error {
        Error::InvalidRequest { .. } => Verdict::Refused,
        Error::Transport {
            kind: TransportKind::Connect,
            ..
        } => Verdict::Unreachable,
        Error::Transport { .. } | Error::Decode { .. } => Verdict::InDoubt,
        Error::NotFound { .. } => Verdict::Fatal,
        Error::Api { status, .. } => match *status {
            408 | 429 => Verdict::NotCreated,
            401 | 403 | 404 => Verdict::Fatal,
            400..=499 => Verdict::Refused,
            _ => Verdict::InDoubt,
        },
        _ => Verdict::InDoubt,
    }
}
