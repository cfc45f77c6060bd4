//! A SQLite database as the output of a sync (feature `sqlite`): a table per kind, a row per
//! record upserted by id, typed columns plus the record's JSON, an index on the change time,
//! and, after a complete listing, the rows of the run's scope that Salesflow no longer lists
//! marked deleted.
//!
//! Several syncs share one database: each kind has its table, and each row records the
//! scope it was last listed in (`scope_account_id`, and `scope_campaign_id` where the
//! campaign is known), so that a complete run of campaign 789 or of account 321 marks only
//! rows of its own scope. Rows written before scopes were kept have none until a run lists
//! them again, and are never marked until then.

use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params_from_iter, types::Value as Sql};
use serde_json::{Value, json};

use super::record::{ColumnType, iso};
use super::{Commit, Resumed, RunStart, SinkError, SyncRecord, SyncSink};

/// The columns a sync adds to the record's own, in the order they are written.
const BOOKKEEPING: [&str; 6] = [
    "raw_json",
    "synced_at",
    "deleted_at",
    "seen_run",
    "scope_account_id",
    "scope_campaign_id",
];

/// Writes each record into the table named for its kind (`contacts`, `campaigns`,
/// `messages`) of a SQLite database: the API's fields as typed columns (timestamps as ISO
/// 8601 UTC text), `raw_json` (the record as JSON), `synced_at`, `deleted_at` (set when a
/// complete run of its scope no longer lists it), `scope_account_id` and
/// `scope_campaign_id`, and `salesflow_sync_runs`, one row per run.
///
/// The database is opened when the run starts: a missing one is created, one that holds a
/// table of the kind's name that no sync made is refused.
///
/// ```no_run
/// use salesflow_ext::sync::SqliteSink;
/// use salesflow_ext::types::Contact;
///
/// let sink = SqliteSink::<Contact>::new("salesflow.sqlite");
/// ```
pub struct SqliteSink<R> {
    path: PathBuf,
    open: Option<Open>,
    kind: PhantomData<fn(&R)>,
}

/// The database of a run under way.
struct Open {
    connection: Connection,
    /// The database's own id (`salesflow_sync_database`), in every checkpoint.
    database: String,
    run: i64,
    account_id: i64,
    campaign_id: Option<i64>,
    written: u64,
    upsert: String,
    seen: String,
}

impl<R: SyncRecord> SqliteSink<R> {
    /// A sink writing to the database at `path` (created if missing when the run starts).
    pub fn new(path: impl AsRef<Path>) -> Self {
        Self {
            path: path.as_ref().to_path_buf(),
            open: None,
            kind: PhantomData,
        }
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

    /// Refuses a database whose table of this kind, or whose runs table, no sync made.
    fn check_ours(&self, connection: &Connection) -> Result<(), SinkError> {
        let ours = [
            (R::KIND, &["raw_json", "seen_run"][..]),
            ("salesflow_sync_runs", &["run", "kind", "started_at"][..]),
        ];
        for (table, needed) in ours {
            let columns = columns_of(connection, table)?;
            if !columns.is_empty() && needed.iter().any(|c| !columns.iter().any(|n| n == c)) {
                return Err(format!(
                    "{} has a table {table} that no sync made; give another --out",
                    self.path.display()
                )
                .into());
            }
        }
        Ok(())
    }

    /// Whether the database holds the run the checkpoint names.
    fn holds(connection: &Connection, saved: &Value) -> Result<bool, SinkError> {
        let Some(run) = saved["run"].as_i64() else {
            return Ok(false);
        };
        if let Some(database) = saved["database"].as_str()
            && database_id(connection)?.as_deref() != Some(database)
        {
            return Ok(false);
        }
        if columns_of(connection, "salesflow_sync_runs")?.is_empty() {
            return Ok(false);
        }
        Ok(connection
            .query_row(
                "SELECT 1 FROM salesflow_sync_runs WHERE run = ?1 AND kind = ?2",
                rusqlite::params![run, R::KIND],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// Creates the kind's table, the runs table and the database's id where missing, and
    /// adds the scope columns to tables made before them.
    fn migrate(connection: &Connection) -> Result<String, SinkError> {
        let table = R::KIND;
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
                 seen_run INTEGER NOT NULL,
                 scope_account_id INTEGER,
                 scope_campaign_id INTEGER
             );
             CREATE INDEX IF NOT EXISTS \"{table}_{changed}\" ON \"{table}\" (\"{changed}\");
             CREATE TABLE IF NOT EXISTS salesflow_sync_runs (
                 run INTEGER PRIMARY KEY,
                 kind TEXT NOT NULL,
                 started_at TEXT NOT NULL,
                 finished_at TEXT,
                 complete INTEGER,
                 written INTEGER,
                 deleted INTEGER,
                 account_id INTEGER,
                 campaign_id INTEGER
             );
             CREATE TABLE IF NOT EXISTS salesflow_sync_database (id TEXT NOT NULL);",
            columns.join(",\n                 "),
            changed = R::CHANGED_COLUMN,
        ))?;
        for (table, added) in [
            (table, ["scope_account_id", "scope_campaign_id"]),
            ("salesflow_sync_runs", ["account_id", "campaign_id"]),
        ] {
            let present = columns_of(connection, table)?;
            for column in added.iter().filter(|c| !present.iter().any(|p| p == *c)) {
                connection.execute_batch(&format!(
                    "ALTER TABLE \"{table}\" ADD COLUMN {column} INTEGER"
                ))?;
            }
        }
        if let Some(id) = database_id(connection)? {
            return Ok(id);
        }
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).map_err(|error| format!("no random source: {error}"))?;
        let id: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        connection.execute(
            "INSERT INTO salesflow_sync_database (id) VALUES (?1)",
            [&id],
        )?;
        Ok(id)
    }

    fn statements() -> (String, String) {
        let table = R::KIND;
        let id = R::COLUMNS[0].name;
        let names: Vec<String> = R::COLUMNS
            .iter()
            .map(|c| format!("\"{}\"", c.name))
            .chain(BOOKKEEPING.map(str::to_owned))
            .collect();
        let marks = vec!["?"; names.len()].join(", ");
        let updates: Vec<String> = names
            .iter()
            .skip(1)
            .map(|name| match name.as_str() {
                // A campaign seen once stays known when an account-wide listing omits it.
                "scope_campaign_id" => {
                    format!("{name} = coalesce(excluded.{name}, \"{table}\".{name})")
                }
                _ => format!("{name} = excluded.{name}"),
            })
            .collect();
        let upsert = format!(
            "INSERT INTO \"{table}\" ({}) VALUES ({marks}) ON CONFLICT(\"{id}\") DO UPDATE SET {}",
            names.join(", "),
            updates.join(", ")
        );
        let seen = format!(
            "UPDATE \"{table}\" SET seen_run = ?1, deleted_at = NULL, scope_account_id = ?2, \
             scope_campaign_id = coalesce(?3, scope_campaign_id) WHERE \"{id}\" = ?4"
        );
        (upsert, seen)
    }

    fn open(&mut self) -> &mut Open {
        self.open.as_mut().expect("resumed before writing")
    }
}

/// The columns of `table` (none if there is no such table).
fn columns_of(connection: &Connection, table: &str) -> Result<Vec<String>, SinkError> {
    let mut statement = connection.prepare("SELECT name FROM pragma_table_info(?1)")?;
    let names = statement
        .query_map([table], |row| row.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(names)
}

/// The database's own id, once a sync gave it one.
fn database_id(connection: &Connection) -> Result<Option<String>, SinkError> {
    if columns_of(connection, "salesflow_sync_database")?.is_empty() {
        return Ok(None);
    }
    Ok(connection
        .query_row(
            "SELECT id FROM salesflow_sync_database LIMIT 1",
            [],
            |row| row.get(0),
        )
        .optional()?)
}

impl<R: SyncRecord> SyncSink<R> for SqliteSink<R> {
    async fn resume(&mut self, run: RunStart<'_>) -> Result<Resumed, SinkError> {
        let shown = self.path.display().to_string();
        let exists = self.path.exists();
        let mut resumed = Resumed::AsCheckpointed;
        if run.checkpoint.is_some() && !exists {
            resumed = Resumed::Rebuilt(format!(
                "{shown} does not exist: writing everything into a new one"
            ));
        }
        let connection =
            Connection::open(&self.path).map_err(|error| format!("{shown}: {error}"))?;
        self.check_ours(&connection)
            .map_err(|error| format!("{shown}: {error}"))?;
        if let Some(saved) = run.checkpoint.filter(|_| exists)
            && !Self::holds(&connection, saved)?
        {
            if !run.rebuild {
                return Err(format!(
                    "{shown} is not the database the --state was written with (it holds no run {} of {}: another database, or one restored from a backup); run with --full to write everything into it again, or give the --out it was written with",
                    saved["run"], R::KIND
                )
                .into());
            }
            resumed = Resumed::Rebuilt(format!(
                "{shown} does not hold the --state's last run: writing everything into it again"
            ));
        }
        let database = Self::migrate(&connection)?;
        connection.execute_batch("BEGIN")?;
        connection.execute(
            "INSERT INTO salesflow_sync_runs (kind, started_at, account_id, campaign_id) VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![R::KIND, Self::now(), run.account_id, run.campaign_id],
        )?;
        let (upsert, seen) = Self::statements();
        self.open = Some(Open {
            run: connection.last_insert_rowid(),
            connection,
            database,
            account_id: run.account_id,
            campaign_id: run.campaign_id,
            written: 0,
            upsert,
            seen,
        });
        Ok(resumed)
    }

    async fn write(&mut self, record: &R) -> Result<(), SinkError> {
        let value = serde_json::to_value(record)?;
        let open = self.open();
        let mut values: Vec<Sql> = R::COLUMNS
            .iter()
            .map(|column| sql(&value[column.name], column.kind, column.timestamp))
            .collect();
        values.push(Sql::Text(value.to_string()));
        values.push(Sql::Text(Self::now()));
        values.push(Sql::Null);
        values.push(Sql::Integer(open.run));
        values.push(Sql::Integer(open.account_id));
        values.push(
            open.campaign_id
                .or(record.campaign_id())
                .map_or(Sql::Null, Sql::Integer),
        );
        open.connection
            .prepare_cached(&open.upsert)?
            .execute(params_from_iter(values))?;
        open.written += 1;
        Ok(())
    }

    async fn unchanged(&mut self, record: &R) -> Result<(), SinkError> {
        let open = self.open();
        let campaign = open.campaign_id.or(record.campaign_id());
        open.connection
            .prepare_cached(&open.seen)?
            .execute(rusqlite::params![
                open.run,
                open.account_id,
                campaign,
                record.id()
            ])?;
        Ok(())
    }

    async fn commit(&mut self, at: Commit) -> Result<Option<Value>, SinkError> {
        let open = self.open();
        let checkpoint = json!({ "database": open.database, "run": open.run });
        if !at.run_ended {
            open.connection.execute_batch("COMMIT; BEGIN")?;
            return Ok(Some(checkpoint));
        }
        let table = R::KIND;
        let deleted = if at.complete {
            open.connection.execute(
                &format!(
                    "UPDATE \"{table}\" SET deleted_at = ?1 WHERE seen_run <> ?2 AND deleted_at IS NULL \
                     AND scope_account_id = ?3 AND (?4 IS NULL OR scope_campaign_id = ?4)"
                ),
                rusqlite::params![
                    iso(salesflow::Timestamp::from_utc(at.started_at)),
                    open.run,
                    open.account_id,
                    open.campaign_id,
                ],
            )?
        } else {
            0
        };
        open.connection.execute(
            "UPDATE salesflow_sync_runs SET finished_at = ?1, complete = ?2, written = ?3, deleted = ?4 WHERE run = ?5",
            rusqlite::params![Self::now(), at.complete, open.written, deleted as i64, open.run],
        )?;
        open.connection.execute_batch("COMMIT")?;
        Ok(Some(checkpoint))
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
