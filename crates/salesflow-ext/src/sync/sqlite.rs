//! A SQLite database as the output of a sync (feature `sqlite`): a table per kind, a row per
//! record upserted by id, typed columns plus the record's JSON, an index on the change time,
//! and, after a complete listing, the rows Salesflow no longer lists marked deleted.

use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, params_from_iter, types::Value as Sql};
use serde_json::{Value, json};

use super::record::{ColumnType, iso};
use super::{RunEnd, SinkError, SyncRecord, SyncSink};

/// Records a transaction holds before it is committed (and memory freed), mid-run.
const BATCH: u64 = 5_000;

/// Writes each record into the table named for its kind (`contacts`, `campaigns`,
/// `messages`) of a SQLite database: the API's fields as typed columns (timestamps as ISO
/// 8601 UTC text), `raw_json` (the record as JSON), `synced_at`, `deleted_at` (set when a
/// complete run no longer lists it), and `salesflow_sync_runs`, one row per run.
///
/// ```no_run
/// use salesflow_ext::sync::SqliteSink;
/// use salesflow_ext::types::Contact;
///
/// let sink = SqliteSink::<Contact>::open("salesflow.sqlite")?;
/// # Ok::<(), salesflow_ext::sync::SinkError>(())
/// ```
pub struct SqliteSink<R> {
    path: PathBuf,
    connection: Connection,
    run: i64,
    in_batch: u64,
    written: u64,
    upsert: String,
    seen: String,
    kind: PhantomData<fn(&R)>,
}

impl<R: SyncRecord> SqliteSink<R> {
    /// Opens (or creates) the database at `path` and the kind's table.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, SinkError> {
        let path = path.as_ref().to_path_buf();
        let connection =
            Connection::open(&path).map_err(|error| format!("{}: {error}", path.display()))?;
        let table = R::KIND;
        let id = R::COLUMNS[0].name;
        let mut columns = Vec::new();
        for (index, column) in R::COLUMNS.iter().enumerate() {
            let kind = match column.kind {
                ColumnType::Integer | ColumnType::Boolean => "INTEGER",
                ColumnType::Text => "TEXT",
            };
            let key = if index == 0 { " PRIMARY KEY" } else { "" };
            columns.push(format!("\"{}\" {kind}{key}", column.name));
        }
        connection.execute_batch(&format!(
            "PRAGMA synchronous = FULL;
             CREATE TABLE IF NOT EXISTS \"{table}\" (
                 {},
                 raw_json TEXT NOT NULL,
                 synced_at TEXT NOT NULL,
                 deleted_at TEXT,
                 seen_run INTEGER NOT NULL
             );
             CREATE INDEX IF NOT EXISTS \"{table}_{changed}\" ON \"{table}\" (\"{changed}\");
             CREATE TABLE IF NOT EXISTS salesflow_sync_runs (
                 run INTEGER PRIMARY KEY,
                 kind TEXT NOT NULL,
                 started_at TEXT NOT NULL,
                 finished_at TEXT,
                 complete INTEGER,
                 written INTEGER,
                 deleted INTEGER
             );",
            columns.join(",\n                 "),
            changed = R::CHANGED_COLUMN,
        ))?;
        let names: Vec<String> = R::COLUMNS
            .iter()
            .map(|c| format!("\"{}\"", c.name))
            .chain(["raw_json", "synced_at", "deleted_at", "seen_run"].map(str::to_owned))
            .collect();
        let marks = vec!["?"; names.len()].join(", ");
        let updates: Vec<String> = names
            .iter()
            .skip(1)
            .map(|name| format!("{name} = excluded.{name}"))
            .collect();
        let upsert = format!(
            "INSERT INTO \"{table}\" ({}) VALUES ({marks}) ON CONFLICT(\"{id}\") DO UPDATE SET {}",
            names.join(", "),
            updates.join(", ")
        );
        let seen =
            format!("UPDATE \"{table}\" SET seen_run = ?1, deleted_at = NULL WHERE \"{id}\" = ?2");
        Ok(Self {
            path,
            connection,
            run: 0,
            in_batch: 0,
            written: 0,
            upsert,
            seen,
            kind: PhantomData,
        })
    }

    /// The database's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn now() -> String {
        iso(salesflow::Timestamp::from_utc(chrono::DateTime::from(
            std::time::SystemTime::now(),
        )))
    }
}

impl<R: SyncRecord> SyncSink<R> for SqliteSink<R> {
    async fn resume(&mut self, _: Option<&Value>) -> Result<(), SinkError> {
        self.connection.execute_batch("BEGIN")?;
        self.connection.execute(
            "INSERT INTO salesflow_sync_runs (kind, started_at) VALUES (?1, ?2)",
            [R::KIND, Self::now().as_str()],
        )?;
        self.run = self.connection.last_insert_rowid();
        Ok(())
    }

    async fn write(&mut self, record: &R) -> Result<(), SinkError> {
        let value = serde_json::to_value(record)?;
        let mut values: Vec<Sql> = R::COLUMNS
            .iter()
            .map(|column| sql(&value[column.name], column.kind, column.timestamp))
            .collect();
        values.push(Sql::Text(value.to_string()));
        values.push(Sql::Text(Self::now()));
        values.push(Sql::Null);
        values.push(Sql::Integer(self.run));
        self.connection
            .prepare_cached(&self.upsert)?
            .execute(params_from_iter(values))?;
        self.written += 1;
        self.in_batch += 1;
        if self.in_batch >= BATCH {
            self.connection.execute_batch("COMMIT; BEGIN")?;
            self.in_batch = 0;
        }
        Ok(())
    }

    async fn unchanged(&mut self, record: &R) -> Result<(), SinkError> {
        self.connection
            .prepare_cached(&self.seen)?
            .execute(rusqlite::params![self.run, record.id()])?;
        Ok(())
    }

    async fn commit(&mut self, end: RunEnd) -> Result<Option<Value>, SinkError> {
        let table = R::KIND;
        let deleted = if end.complete {
            self.connection.execute(
                &format!(
                    "UPDATE \"{table}\" SET deleted_at = ?1 WHERE seen_run <> ?2 AND deleted_at IS NULL"
                ),
                rusqlite::params![
                    iso(salesflow::Timestamp::from_utc(end.started_at)),
                    self.run
                ],
            )?
        } else {
            0
        };
        self.connection.execute(
            "UPDATE salesflow_sync_runs SET finished_at = ?1, complete = ?2, written = ?3, deleted = ?4 WHERE run = ?5",
            rusqlite::params![Self::now(), end.complete, self.written, deleted as i64, self.run],
        )?;
        self.connection.execute_batch("COMMIT")?;
        Ok(Some(json!({ "run": self.run })))
    }
}

/// A JSON value as the SQL value of a column.
fn sql(value: &Value, kind: ColumnType, timestamp: bool) -> Sql {
    match (value, kind) {
        (Value::Null, _) => Sql::Null,
        (Value::Bool(flag), _) => Sql::Integer(i64::from(*flag)),
        (Value::Number(number), ColumnType::Integer | ColumnType::Boolean) => number
            .as_i64()
            .map_or_else(|| Sql::Text(number.to_string()), Sql::Integer),
        (Value::String(text), _) if timestamp => Sql::Text(
            text.parse::<salesflow::Timestamp>()
                .map_or_else(|_| text.clone(), iso),
        ),
        (Value::String(text), _) => Sql::Text(text.clone()),
        (other, _) => Sql::Text(other.to_string()),
    }
}
