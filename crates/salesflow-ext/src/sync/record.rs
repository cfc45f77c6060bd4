//! What a sync writes: the three kinds of record, with their id, the server's time of their
//! last change, and their columns for CSV and SQLite.

use salesflow::Timestamp;
use salesflow::types::{Campaign, Contact, ContactMessages};
use serde::Serialize;

/// The SQLite type of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// Whole numbers (ids).
    Integer,
    /// Text; timestamps as ISO 8601 in UTC (`2024-03-21T09:41:06.170Z`), which SQLite's
    /// date functions read and which sort in time order.
    Text,
    /// `true`/`false` as 1/0.
    Boolean,
}

/// A column of a record: its key in the record's JSON (the API's spelling) and its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The key (`MemberId`, `LastModifiedAt`).
    pub name: &'static str,
    /// Its type.
    pub kind: ColumnType,
    /// Whether it holds a timestamp.
    pub timestamp: bool,
}

const fn integer(name: &'static str) -> Column {
    Column {
        name,
        kind: ColumnType::Integer,
        timestamp: false,
    }
}
const fn text(name: &'static str) -> Column {
    Column {
        name,
        kind: ColumnType::Text,
        timestamp: false,
    }
}
const fn time(name: &'static str) -> Column {
    Column {
        name,
        kind: ColumnType::Text,
        timestamp: true,
    }
}
const fn boolean(name: &'static str) -> Column {
    Column {
        name,
        kind: ColumnType::Boolean,
        timestamp: false,
    }
}

/// A record a sync lists and writes.
pub trait SyncRecord: Serialize + Send + Sync {
    /// The kind, as tables and files name it: `contacts`, `campaigns`, `messages`.
    const KIND: &'static str;
    /// The columns, the id first, in the order the spec lists the record's fields (the
    /// command's list exports use the same order); the names are the API's.
    const COLUMNS: &'static [Column];
    /// The column of the change time (indexed in SQLite).
    const CHANGED_COLUMN: &'static str;

    /// The record's id (`MemberId`, `CampaignId`, `ConversationMessageId`).
    fn id(&self) -> i64;

    /// When the server last changed it, by its own clock: what the high-water mark is made
    /// of. `None` when the server gave no time.
    fn changed_at(&self) -> Option<Timestamp>;

    /// The campaign it belongs to, where the record says (a sink that marks deletions
    /// keeps it, so that a complete run of one campaign marks only that campaign's).
    fn campaign_id(&self) -> Option<i64> {
        None
    }
}

impl SyncRecord for Contact {
    const KIND: &'static str = "contacts";
    const COLUMNS: &'static [Column] = &[
        integer("MemberId"),
        text("PublicIdentifier"),
        text("FirstName"),
        text("LastName"),
        text("Location"),
        text("Occupation"),
        text("Industry"),
        text("Company"),
        text("Email"),
        text("Phone"),
        text("MemberUrl"),
        text("Status"),
        integer("CampaignId"),
        text("CampaignName"),
        time("LastModifiedAt"),
        time("AddedAt"),
    ];
    const CHANGED_COLUMN: &'static str = "LastModifiedAt";

    fn id(&self) -> i64 {
        self.member_id
    }

    /// `LastModifiedAt`; for a member never modified (`null`), `AddedAt`: a member is
    /// changed when it is added, and Salesflow leaves `LastModifiedAt` null until the first
    /// change after that.
    fn changed_at(&self) -> Option<Timestamp> {
        self.last_modified_at.or(self.added_at)
    }

    fn campaign_id(&self) -> Option<i64> {
        self.campaign_id
    }
}

impl SyncRecord for Campaign {
    const KIND: &'static str = "campaigns";
    const COLUMNS: &'static [Column] = &[
        integer("CampaignId"),
        text("CampaignName"),
        text("Status"),
        time("LastModifiedAt"),
    ];
    const CHANGED_COLUMN: &'static str = "LastModifiedAt";

    fn id(&self) -> i64 {
        self.campaign_id
    }

    fn changed_at(&self) -> Option<Timestamp> {
        self.last_modified_at
    }
}

/// One message a contact sent, with the contact it came from: the rows of a messages sync
/// (the API groups them by contact).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MessageRecord {
    /// `ConversationMessageId`.
    pub conversation_message_id: i64,
    /// The contact's `MemberId`.
    pub member_id: i64,
    /// The contact's `MemberUrl`.
    pub member_url: Option<String>,
    /// `CreatedAt`.
    pub created_at: Option<Timestamp>,
    /// `Text`.
    pub text: Option<String>,
    /// `Interested` (set on a contact's latest message only).
    pub interested: Option<bool>,
}

impl MessageRecord {
    /// The messages of one contact, as records.
    pub fn of(contact: &ContactMessages) -> impl Iterator<Item = Self> + '_ {
        contact.incoming_messages.iter().map(|message| Self {
            conversation_message_id: message.conversation_message_id,
            member_id: contact.member_id,
            member_url: contact.member_url.clone(),
            created_at: message.created_at,
            text: message.text.clone(),
            interested: message.interested,
        })
    }
}

impl SyncRecord for MessageRecord {
    const KIND: &'static str = "messages";
    const COLUMNS: &'static [Column] = &[
        integer("ConversationMessageId"),
        integer("MemberId"),
        text("MemberUrl"),
        time("CreatedAt"),
        text("Text"),
        boolean("Interested"),
    ];
    const CHANGED_COLUMN: &'static str = "CreatedAt";

    fn id(&self) -> i64 {
        self.conversation_message_id
    }

    fn changed_at(&self) -> Option<Timestamp> {
        self.created_at
    }
}

/// A timestamp as CSV and SQLite hold it: ISO 8601 in UTC, milliseconds.
pub(crate) fn iso(time: Timestamp) -> String {
    time.to_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
