//! A PostgreSQL database as the output of a sync (feature `postgres`), with the sync's
//! state in it: the records and the state move in one transaction, so they cannot
//! disagree, and several machines can sync different accounts into one database.
//!
//! It connects over TLS as the URL's `sslmode` says (`prefer` by default), checking the
//! server's certificate against the system's roots.
//!
//! Everything lives in the schema `salesflow` (nothing of the user's `public` schema is
//! touched): a table per kind (`salesflow.contacts`, `campaigns`, `messages`) with the API's
//! fields as typed columns (`bigint`, `boolean`, `timestamptz`, `text`), the record as
//! `raw_json jsonb`, and the bookkeeping of the SQLite sink (`synced_at`, `deleted_at`,
//! `seen_run`, `scope_account_id`, `scope_campaign_id`); `salesflow.sync_runs`, a row per
//! run; `salesflow.sync_state`, a row per (kind, scope); and `salesflow.schema_migrations`,
//! the versions of the schema applied (the sink applies what is missing, under a lock).

use std::marker::PhantomData;

use serde_json::{Value, json};
use tokio_postgres::Client;
use tokio_postgres::types::ToSql;

use super::record::ColumnType;
use super::{Commit, Resumed, RunStart, SinkError, SyncRecord, SyncSink, SyncState};

/// The schema every table of the sink is in.
const SCHEMA: &str = "salesflow";

/// The schema's versions, in order: each applied once, in a transaction, recorded in
/// `salesflow.schema_migrations`. A later version appends here; none is ever edited.
const MIGRATIONS: [&str; 1] = [
    // 1: the runs and the states.
    "CREATE TABLE salesflow.sync_runs (
         run bigserial PRIMARY KEY,
         kind text NOT NULL,
         started_at timestamptz NOT NULL,
         finished_at timestamptz,
         complete boolean,
         written bigint,
         deleted bigint,
         account_id bigint,
         campaign_id bigint
     );
     CREATE TABLE salesflow.sync_state (
         kind text NOT NULL,
         scope text NOT NULL,
         state jsonb NOT NULL,
         run bigint NOT NULL,
         updated_at timestamptz NOT NULL,
         PRIMARY KEY (kind, scope)
     );",
];

/// The key of the lock that serialises schema changes (`pg_advisory_xact_lock`).
const MIGRATION_LOCK: i64 = 0x5341_4c45_5346_4c4f; // "SALESFLO"

/// How many writes are sent in one pipelined batch.
const BATCH: usize = 500;

/// Writes each record into `salesflow.<kind>` of a PostgreSQL database, upserted by id, and
/// keeps the sync's state in `salesflow.sync_state`, committed in the same transaction as
/// the records ([`SyncSink::commit_with_state`]); load it with [`load_state`](Self::load_state)
/// instead of a state file. A run holds a lock on its (kind, scope) for its length: a second
/// sync of the same account into the same database is refused, syncs of other accounts go on
/// side by side.
///
/// ```no_run
/// use salesflow_ext::sync::{PostgresSink, Syncer};
/// use salesflow_ext::types::Contact;
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
/// let client = salesflow::ClientBuilder::new().from_env().build()?;
/// let mut sink = PostgresSink::<Contact>::new("postgres://sync@db.internal/outreach");
/// let mut state = sink.load_state(&Syncer::scope(321, None)).await?;
/// let report = Syncer::new(&client, 321)
///     .contacts(None, &mut state, &mut sink, |_| {})
///     .await?;
/// println!("{} written", report.written);
/// # Ok(()) }
/// ```
pub struct PostgresSink<R> {
    url: String,
    client: Option<Client>,
    scope: Option<String>,
    open: Option<Open>,
    kind: PhantomData<fn(&R)>,
}

/// The run under way.
struct Open {
    run: i64,
    account_id: i64,
    campaign_id: Option<i64>,
    written: u64,
    upsert: tokio_postgres::Statement,
    seen: tokio_postgres::Statement,
    /// Writes not sent yet.
    batch: Batch,
}

/// One value of a record's row.
#[derive(Debug)]
enum Param {
    Integer(Option<i64>),
    Boolean(Option<bool>),
    Time(Option<chrono::DateTime<chrono::Utc>>),
    Text(Option<String>),
    Json(Value),
}

/// The values of one column for a batch of rows: one array parameter of the statement.
#[derive(Debug)]
enum Column {
    Integer(Vec<Option<i64>>),
    Boolean(Vec<Option<bool>>),
    Time(Vec<Option<chrono::DateTime<chrono::Utc>>>),
    Text(Vec<Option<String>>),
    Json(Vec<Value>),
}

impl Column {
    fn for_param(param: &Param) -> Self {
        match param {
            Param::Integer(_) => Self::Integer(Vec::new()),
            Param::Boolean(_) => Self::Boolean(Vec::new()),
            Param::Time(_) => Self::Time(Vec::new()),
            Param::Text(_) => Self::Text(Vec::new()),
            Param::Json(_) => Self::Json(Vec::new()),
        }
    }

    /// Puts `param` at row `index` (a new last row, or one replaced).
    fn put(&mut self, index: usize, param: Param) {
        fn put<T>(values: &mut Vec<T>, index: usize, value: T) {
            match values.get_mut(index) {
                Some(slot) => *slot = value,
                None => values.push(value),
            }
        }
        match (self, param) {
            (Self::Integer(values), Param::Integer(value)) => put(values, index, value),
            (Self::Boolean(values), Param::Boolean(value)) => put(values, index, value),
            (Self::Time(values), Param::Time(value)) => put(values, index, value),
            (Self::Text(values), Param::Text(value)) => put(values, index, value),
            (Self::Json(values), Param::Json(value)) => put(values, index, value),
            _ => unreachable!("a column keeps its type"),
        }
    }

    fn as_sql(&self) -> &(dyn ToSql + Sync) {
        match self {
            Self::Integer(values) => values,
            Self::Boolean(values) => values,
            Self::Time(values) => values,
            Self::Text(values) => values,
            Self::Json(values) => values,
        }
    }
}

/// Rows to upsert, column by column (a record listed twice in a batch is its last
/// version: an upsert cannot touch one row twice), and rows listed again unchanged.
#[derive(Debug, Default)]
struct Batch {
    columns: Vec<Column>,
    rows: std::collections::HashMap<i64, usize>,
    seen: Vec<i64>,
    seen_campaigns: Vec<Option<i64>>,
}

impl Batch {
    fn len(&self) -> usize {
        self.rows.len() + self.seen.len()
    }

    fn upsert(&mut self, id: i64, params: Vec<Param>) {
        if self.columns.is_empty() {
            self.columns = params.iter().map(Column::for_param).collect();
        }
        let next = self.rows.len();
        let index = *self.rows.entry(id).or_insert(next);
        for (column, param) in self.columns.iter_mut().zip(params) {
            column.put(index, param);
        }
    }
}

impl<R: SyncRecord> PostgresSink<R> {
    /// A sink writing to the database at `url` (`postgres://user:password@host:port/db`,
    /// `?sslmode=require` for TLS only; by default TLS is used when the server offers it,
    /// its certificate checked against the system's roots). Nothing is connected before
    /// [`load_state`](Self::load_state) or the run.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            client: None,
            scope: None,
            open: None,
            kind: PhantomData,
        }
    }

    /// The state of syncing this kind of `scope` ([`Syncer::scope`](super::Syncer::scope))
    /// into this database: the one the last run committed, or a new one. Connects, brings
    /// the schema up to date, and takes the scope's lock, held until the sink is dropped.
    pub async fn load_state(&mut self, scope: &str) -> Result<SyncState, SinkError> {
        self.connect(scope).await?;
        let client = self.client.as_ref().expect("connected");
        let row = client
            .query_opt(
                "SELECT state FROM salesflow.sync_state WHERE kind = $1 AND scope = $2",
                &[&R::KIND, &scope],
            )
            .await
            .map_err(said)?;
        match row {
            None => Ok(SyncState::new(R::KIND, scope)),
            Some(row) => {
                let state: Value = row.get(0);
                serde_json::from_value(state).map_err(|error| {
                    format!(
                        "the state of {} of {scope} in the database: {error}",
                        R::KIND
                    )
                    .into()
                })
            }
        }
    }

    async fn connect(&mut self, scope: &str) -> Result<(), SinkError> {
        if self.client.is_some() {
            return Ok(());
        }
        let (client, connection) = tokio_postgres::connect(&self.url, tls()?)
            .await
            .map_err(|error| format!("cannot connect to the database: {}", said(error)))?;
        tokio::spawn(async move {
            // Its end is the client's: an error shows in the next query.
            let _ = connection.await;
        });
        migrate::<R>(&client).await?;
        let lock = format!("salesflow sync {} {scope}", R::KIND);
        let locked: bool = client
            .query_one(
                "SELECT pg_try_advisory_lock(hashtextextended($1, 0))",
                &[&lock],
            )
            .await
            .map_err(said)?
            .get(0);
        if !locked {
            return Err(format!(
                "another sync of {} of {scope} is writing into this database; wait for it to end",
                R::KIND
            )
            .into());
        }
        self.client = Some(client);
        self.scope = Some(scope.to_owned());
        Ok(())
    }

    /// Sends the writes waiting: one statement for the rows to upsert, one for those
    /// listed again unchanged, each taking a column as an array.
    async fn flush(&mut self) -> Result<(), SinkError> {
        let (Some(client), Some(open)) = (self.client.as_ref(), self.open.as_mut()) else {
            return Ok(());
        };
        let batch = std::mem::take(&mut open.batch);
        if !batch.rows.is_empty() {
            let params: Vec<&(dyn ToSql + Sync)> =
                batch.columns.iter().map(Column::as_sql).collect();
            client.execute(&open.upsert, &params).await.map_err(said)?;
        }
        if !batch.seen.is_empty() {
            client
                .execute(
                    &open.seen,
                    &[
                        &open.run,
                        &open.account_id,
                        &batch.seen,
                        &batch.seen_campaigns,
                    ],
                )
                .await
                .map_err(said)?;
        }
        Ok(())
    }

    fn open(&mut self) -> &mut Open {
        self.open.as_mut().expect("resumed before writing")
    }
}

/// TLS as the URL's `sslmode` says (`prefer` by default: TLS when the server offers it;
/// `require`: only TLS; `disable`: never), the server's certificate checked against the
/// system's roots (and `SSL_CERT_FILE`'s), as reqwest checks Salesflow's.
fn tls() -> Result<tokio_postgres_rustls::MakeRustlsConnect, SinkError> {
    use rustls_platform_verifier::BuilderVerifierExt as _;
    // ring, as the SDK's HTTPS uses (crates/salesflow/src/client/builder.rs says why).
    #[allow(deprecated)]
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_platform_verifier()?
        .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

/// Creates the schema and applies the migrations it lacks, then creates (or completes)
/// the kind's table; all under one lock, so that syncs starting together do not race.
async fn migrate<R: SyncRecord>(client: &Client) -> Result<(), SinkError> {
    client.batch_execute("BEGIN").await.map_err(said)?;
    client
        .execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await
        .map_err(said)?;
    client
        .batch_execute(&format!(
            "CREATE SCHEMA IF NOT EXISTS {SCHEMA};
             CREATE TABLE IF NOT EXISTS {SCHEMA}.schema_migrations (
                 version integer PRIMARY KEY,
                 applied_at timestamptz NOT NULL DEFAULT now()
             );"
        ))
        .await
        .map_err(said)?;
    let applied: i32 = client
        .query_one(
            &format!("SELECT coalesce(max(version), 0) FROM {SCHEMA}.schema_migrations"),
            &[],
        )
        .await
        .map_err(said)?
        .get(0);
    if applied as usize > MIGRATIONS.len() {
        client.batch_execute("ROLLBACK").await.map_err(said)?;
        return Err(format!(
            "the database's salesflow schema is at version {applied}, newer than this program's {}; use a newer salesflow",
            MIGRATIONS.len()
        )
        .into());
    }
    for (index, migration) in MIGRATIONS.iter().enumerate().skip(applied as usize) {
        client.batch_execute(migration).await.map_err(said)?;
        let version = index as i32 + 1;
        client
            .execute(
                &format!("INSERT INTO {SCHEMA}.schema_migrations (version) VALUES ($1)"),
                &[&version],
            )
            .await
            .map_err(said)?;
    }
    let table = R::KIND;
    let columns = columns_of(client, table).await?;
    if !columns.is_empty()
        && !["raw_json", "seen_run"]
            .iter()
            .all(|c| columns.iter().any(|n| n == c))
    {
        client.batch_execute("ROLLBACK").await.map_err(said)?;
        return Err(format!(
            "the table {SCHEMA}.{table} is not one a sync made; drop it or use another database"
        )
        .into());
    }
    let id = R::COLUMNS[0].name;
    client
        .batch_execute(&format!(
            "CREATE TABLE IF NOT EXISTS {SCHEMA}.\"{table}\" (
                 \"{id}\" bigint PRIMARY KEY,
                 raw_json jsonb NOT NULL,
                 synced_at timestamptz NOT NULL,
                 deleted_at timestamptz,
                 seen_run bigint NOT NULL,
                 scope_account_id bigint,
                 scope_campaign_id bigint
             );
             CREATE INDEX IF NOT EXISTS \"{table}_scope\" ON {SCHEMA}.\"{table}\" (scope_account_id, scope_campaign_id);"
        ))
        .await.map_err(said)?;
    // A field the API added since the table was made becomes a column, filled from the
    // JSON the rows already hold.
    let present = columns_of(client, table).await?;
    for column in R::COLUMNS.iter().skip(1) {
        if present.iter().any(|name| name == column.name) {
            continue;
        }
        let name = column.name;
        let kind = sql_type(column.kind, column.timestamp);
        let value = format!("raw_json->>'{name}'");
        let filled = match (column.kind, column.timestamp) {
            // The sink's JSON writes timestamps in UTC without an offset.
            (_, true) => format!("({value})::timestamp AT TIME ZONE 'UTC'"),
            (ColumnType::Integer, _) => {
                format!("CASE WHEN {value} ~ '^-?[0-9]+$' THEN ({value})::bigint END")
            }
            (ColumnType::Boolean, _) => {
                format!("CASE WHEN {value} IN ('true', 'false') THEN ({value})::boolean END")
            }
            (ColumnType::Text, _) => value,
        };
        client
            .batch_execute(&format!(
                "ALTER TABLE {SCHEMA}.\"{table}\" ADD COLUMN \"{name}\" {kind};
                 UPDATE {SCHEMA}.\"{table}\" SET \"{name}\" = {filled} WHERE raw_json ? '{name}';"
            ))
            .await
            .map_err(said)?;
    }
    client.batch_execute("COMMIT").await.map_err(said)?;
    Ok(())
}

async fn columns_of(client: &Client, table: &str) -> Result<Vec<String>, SinkError> {
    Ok(client
        .query(
            "SELECT column_name::text FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2",
            &[&SCHEMA, &table],
        )
        .await.map_err(said)?
        .iter()
        .map(|row| row.get(0))
        .collect())
}

fn sql_type(kind: ColumnType, timestamp: bool) -> &'static str {
    match (kind, timestamp) {
        (_, true) => "timestamptz",
        (ColumnType::Integer, _) => "bigint",
        (ColumnType::Boolean, _) => "boolean",
        (ColumnType::Text, _) => "text",
    }
}

/// The upsert of a batch of records and the update of those listed again unchanged, each
/// column an array parameter (`unnest`).
fn statements<R: SyncRecord>() -> (String, String) {
    let table = R::KIND;
    let id = R::COLUMNS[0].name;
    let mut names: Vec<String> = R::COLUMNS
        .iter()
        .map(|c| format!("\"{}\"", c.name))
        .collect();
    let mut types: Vec<&str> = R::COLUMNS
        .iter()
        .map(|c| sql_type(c.kind, c.timestamp))
        .collect();
    names.extend(
        [
            "raw_json",
            "seen_run",
            "scope_account_id",
            "scope_campaign_id",
        ]
        .map(str::to_owned),
    );
    types.extend(["jsonb", "bigint", "bigint", "bigint"]);
    let arrays: Vec<String> = types
        .iter()
        .enumerate()
        .map(|(index, kind)| format!("${}::{kind}[]", index + 1))
        .collect();
    let updates: Vec<String> = names
        .iter()
        .skip(1)
        .map(|name| match name.as_str() {
            // A campaign seen once stays known when an account-wide listing omits it.
            "scope_campaign_id" => format!("{name} = coalesce(excluded.{name}, t.{name})"),
            _ => format!("{name} = excluded.{name}"),
        })
        .collect();
    let upsert = format!(
        "INSERT INTO {SCHEMA}.\"{table}\" AS t ({names}, synced_at, deleted_at) \
         SELECT u.*, now(), NULL FROM unnest({arrays}) AS u \
         ON CONFLICT (\"{id}\") DO UPDATE SET {updates}, synced_at = excluded.synced_at, deleted_at = NULL",
        names = names.join(", "),
        arrays = arrays.join(", "),
        updates = updates.join(", "),
    );
    let seen = format!(
        "UPDATE {SCHEMA}.\"{table}\" AS t SET seen_run = $1, deleted_at = NULL, scope_account_id = $2, \
         scope_campaign_id = coalesce(u.campaign, t.scope_campaign_id) \
         FROM unnest($3::bigint[], $4::bigint[]) AS u(id, campaign) WHERE t.\"{id}\" = u.id"
    );
    (upsert, seen)
}

impl<R: SyncRecord> SyncSink<R> for PostgresSink<R> {
    async fn resume(&mut self, run: RunStart<'_>) -> Result<Resumed, SinkError> {
        let scope = super::Syncer::scope(run.account_id, run.campaign_id);
        if self.scope.as_deref().is_some_and(|held| held != scope) {
            return Err(format!(
                "this sink holds the state of {}, not of {scope}",
                self.scope.as_deref().unwrap_or_default()
            )
            .into());
        }
        self.connect(&scope).await?;
        let client = self.client.as_ref().expect("connected");
        let (upsert, seen) = statements::<R>();
        let (upsert, seen) = (
            client.prepare(&upsert).await.map_err(said)?,
            client.prepare(&seen).await.map_err(said)?,
        );
        client.batch_execute("BEGIN").await.map_err(said)?;
        let run_id: i64 = client
            .query_one(
                "INSERT INTO salesflow.sync_runs (kind, started_at, account_id, campaign_id) VALUES ($1, now(), $2, $3) RETURNING run",
                &[&R::KIND, &run.account_id, &run.campaign_id],
            )
            .await.map_err(said)?
            .get(0);
        self.open = Some(Open {
            run: run_id,
            account_id: run.account_id,
            campaign_id: run.campaign_id,
            written: 0,
            upsert,
            seen,
            batch: Batch::default(),
        });
        // The state came from this database, committed with the records: they agree.
        Ok(Resumed::AsCheckpointed)
    }

    async fn write(&mut self, record: &R) -> Result<(), SinkError> {
        let value = serde_json::to_value(record)?;
        let open = self.open();
        let mut params: Vec<Param> = R::COLUMNS
            .iter()
            .map(|column| param(&value[column.name], column.kind, column.timestamp))
            .collect();
        let campaign = open.campaign_id.or(record.campaign_id());
        params.push(Param::Json(value));
        params.push(Param::Integer(Some(open.run)));
        params.push(Param::Integer(Some(open.account_id)));
        params.push(Param::Integer(campaign));
        open.batch.upsert(record.id(), params);
        open.written += 1;
        if open.batch.len() >= BATCH {
            self.flush().await?;
        }
        Ok(())
    }

    async fn unchanged(&mut self, record: &R) -> Result<(), SinkError> {
        let open = self.open();
        let campaign = open.campaign_id.or(record.campaign_id());
        open.batch.seen.push(record.id());
        open.batch.seen_campaigns.push(campaign);
        if open.batch.len() >= BATCH {
            self.flush().await?;
        }
        Ok(())
    }

    async fn commit(&mut self, at: Commit) -> Result<Option<Value>, SinkError> {
        self.finish(at, None).await
    }

    async fn commit_with_state(
        &mut self,
        at: Commit,
        state: &SyncState,
    ) -> Result<Option<Value>, SinkError> {
        self.finish(at, Some(state)).await
    }
}

impl<R: SyncRecord> PostgresSink<R> {
    /// The writes so far, the state and (at the end) the deletion marks and the run's row,
    /// in one transaction.
    async fn finish(
        &mut self,
        at: Commit,
        state: Option<&SyncState>,
    ) -> Result<Option<Value>, SinkError> {
        self.flush().await?;
        let scope = self.scope.clone().unwrap_or_default();
        let client = self.client.as_ref().expect("connected");
        let open = self.open.as_ref().expect("resumed before committing");
        let checkpoint = json!({ "database": "postgres", "run": open.run });
        if let Some(state) = state {
            let mut saved = serde_json::to_value(state)?;
            saved["checkpoint"] = checkpoint.clone();
            client
                .execute(
                    "INSERT INTO salesflow.sync_state (kind, scope, state, run, updated_at) VALUES ($1, $2, $3, $4, now()) \
                     ON CONFLICT (kind, scope) DO UPDATE SET state = excluded.state, run = excluded.run, updated_at = now()",
                    &[&R::KIND, &scope, &saved, &open.run],
                )
                .await.map_err(said)?;
        }
        if !at.run_ended {
            client.batch_execute("COMMIT; BEGIN").await.map_err(said)?;
            return Ok(Some(checkpoint));
        }
        let deleted = if at.complete {
            client
                .execute(
                    &format!(
                        "UPDATE {SCHEMA}.\"{}\" SET deleted_at = $1 WHERE seen_run <> $2 AND deleted_at IS NULL \
                         AND scope_account_id = $3 AND ($4::bigint IS NULL OR scope_campaign_id = $4)",
                        R::KIND
                    ),
                    &[&at.started_at, &open.run, &open.account_id, &open.campaign_id],
                )
                .await.map_err(said)?
        } else {
            0
        };
        client
            .execute(
                "UPDATE salesflow.sync_runs SET finished_at = now(), complete = $1, written = $2, deleted = $3 WHERE run = $4",
                &[&at.complete, &(open.written as i64), &(deleted as i64), &open.run],
            )
            .await.map_err(said)?;
        client.batch_execute("COMMIT").await.map_err(said)?;
        Ok(Some(checkpoint))
    }
}

/// A PostgreSQL error with what the server or the connection said (its `Display` alone is
/// `db error` or `error connecting to server`).
fn said(error: tokio_postgres::Error) -> SinkError {
    if let Some(db) = error.as_db_error() {
        let mut text = format!("PostgreSQL: {}", db.message());
        if let Some(detail) = db.detail() {
            text.push_str(&format!(" ({detail})"));
        }
        if let Some(hint) = db.hint() {
            text.push_str(&format!("; {hint}"));
        }
        return text.into();
    }
    match std::error::Error::source(&error) {
        Some(source) => format!("{error}: {source}").into(),
        None => error.to_string().into(),
    }
}

/// A JSON value as the parameter of a column of `kind`: what does not fit the column's type
/// is NULL there (the record's JSON keeps it).
fn param(value: &Value, kind: ColumnType, timestamp: bool) -> Param {
    if timestamp {
        let time = value
            .as_str()
            .and_then(|text| text.parse::<salesflow::Timestamp>().ok())
            .map(|time| time.to_utc());
        return Param::Time(time);
    }
    match kind {
        ColumnType::Integer => Param::Integer(value.as_i64()),
        ColumnType::Boolean => Param::Boolean(value.as_bool()),
        ColumnType::Text => Param::Text(match value {
            Value::Null => None,
            Value::String(text) => Some(text.clone()),
            other => Some(other.to_string()),
        }),
    }
}
