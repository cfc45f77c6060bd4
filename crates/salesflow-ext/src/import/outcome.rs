//! What became of each row, and of the whole import.

use std::fmt;

/// What became of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RowStatus {
    /// Salesflow created the member (`member_id`).
    Imported,
    /// The campaign holds the profile already (`member_id`): put there by another import,
    /// the Salesflow UI, or this row's own request whose answer was lost. Not sent.
    AlreadyInCampaign,
    /// An earlier row of the source names the same profile; this one is not sent.
    Duplicate {
        /// The number of the row that is imported for this profile.
        first_row: u64,
    },
    /// The row breaks a rule of the API; nothing was sent for it.
    Invalid,
    /// Salesflow refused it, or no answer came after every try (`error` says which).
    Failed,
    /// Not sent: the import was stopped first. A rerun sends it.
    Pending,
    /// A dry run: it would be sent.
    WouldImport,
}

impl RowStatus {
    /// The status as the report writes it: `imported`, `already-in-campaign`, `duplicate`,
    /// `invalid`, `failed`, `pending`, `would-import`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Imported => "imported",
            Self::AlreadyInCampaign => "already-in-campaign",
            Self::Duplicate { .. } => "duplicate",
            Self::Invalid => "invalid",
            Self::Failed => "failed",
            Self::Pending => "pending",
            Self::WouldImport => "would-import",
        }
    }

    /// Whether the row's profile is in the campaign (imported now, before, or by a
    /// duplicate row).
    pub fn is_done(&self) -> bool {
        matches!(
            self,
            Self::Imported | Self::AlreadyInCampaign | Self::Duplicate { .. }
        )
    }
}

impl fmt::Display for RowStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row's outcome, reported once per row and run, as it happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowOutcome {
    /// The row's number in the source.
    pub row: u64,
    /// The row's LinkedIn URL, as the source gave it.
    pub linkedin_url: String,
    /// The URL sent (or that would be sent): the row's, in the form the API takes (see
    /// [`ProfileUrl`](crate::ProfileUrl)); `None` for an invalid row.
    pub sent_url: Option<String>,
    /// The member in the campaign, where there is one.
    pub member_id: Option<i64>,
    /// What became of it.
    pub status: RowStatus,
    /// Why it is invalid or failed.
    pub error: Option<String>,
    /// Whether it was settled by an earlier run (the journal said so): nothing was sent now.
    pub earlier: bool,
}

/// The counts of an import run, by status.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportSummary {
    /// Rows in the source.
    pub rows: u64,
    /// Imported, in this run or an earlier one.
    pub imported: u64,
    /// Found in the campaign after a lost answer.
    pub already_in_campaign: u64,
    /// Left out as repeats of an earlier row.
    pub duplicates: u64,
    /// Breaking a rule of the API.
    pub invalid: u64,
    /// Refused, or without an answer after every try.
    pub failed: u64,
    /// Not sent because the run was stopped.
    pub pending: u64,
    /// A dry run: rows that would be sent.
    pub would_import: u64,
    /// Requests sent in this run (lookups not counted).
    pub requests: u64,
    /// Whether the run was stopped before the end.
    pub stopped: bool,
    /// Whether it was a dry run (nothing imported).
    pub dry_run: bool,
}

impl ImportSummary {
    pub(crate) fn count(&mut self, outcome: &RowOutcome) {
        self.rows += 1;
        match outcome.status {
            RowStatus::Imported => self.imported += 1,
            RowStatus::AlreadyInCampaign => self.already_in_campaign += 1,
            RowStatus::Duplicate { .. } => self.duplicates += 1,
            RowStatus::Invalid => self.invalid += 1,
            RowStatus::Failed => self.failed += 1,
            RowStatus::Pending => self.pending += 1,
            RowStatus::WouldImport => self.would_import += 1,
        }
    }

    /// Whether every row is in the campaign or a repeat of one that is.
    pub fn is_complete(&self) -> bool {
        self.invalid == 0 && self.failed == 0 && self.pending == 0
    }
}
