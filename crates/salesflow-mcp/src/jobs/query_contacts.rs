//! `query_contacts`: one read-only SQL statement over a database `salesflow sync` wrote.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags, types::ValueRef};
use serde_json::{Map, Value, json};

use super::JobTool;
use crate::arguments::Arguments;
use crate::operation_tool::Hints;
use crate::page::MAX_ANSWER_BYTES;
use crate::tool_error::ToolError;

/// Rows an answer holds when the call does not say.
const DEFAULT_ROWS: usize = 50;
/// The most rows an answer holds.
pub const MAX_ROWS: usize = 500;
/// How long a statement may run.
pub const MAX_TIME: Duration = Duration::from_secs(5);

/// The tool, its description naming the tables and columns of `database`.
pub(crate) fn tool(database: &Path) -> Result<JobTool, String> {
    let connection = open(database)?;
    let mut tables = connection
        .prepare(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT NULL ORDER BY name",
        )
        .and_then(|mut statement| {
            statement
                .query_map([], |row| row.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()
        })
        .map_err(|error| {
            format!(
                "--sqlite {}: cannot read its tables: {error}",
                database.display()
            )
        })?;
    for table in &mut tables {
        *table = table.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    Ok(JobTool {
        name: "query_contacts",
        title: "Query the synced contacts with SQL",
        description: format!(
            "Run one read-only SQL statement (SQLite; SELECT or WITH) over the database \
             `salesflow sync` keeps of contacts, campaigns and accounts, for questions the list \
             tools answer slowly (counts, groups, joins). The file is opened read-only; a \
             statement runs at most {} s and answers at most `limit` rows (default \
             {DEFAULT_ROWS}, at most {MAX_ROWS}) and {MAX_ANSWER_BYTES} bytes. Each table holds \
             the API's fields as columns, the record's JSON in `raw_json`, and `deleted_at` \
             (set when the record left Salesflow). Tables:\n{}",
            MAX_TIME.as_secs(),
            tables.join("\n")
        ),
        input_schema: json!({
            "type": "object",
            "properties": {
                "sql": {"type": "string", "minLength": 1, "description": "One SELECT (or WITH ... SELECT) statement."},
                "limit": {"type": "integer", "minimum": 1, "maximum": MAX_ROWS, "description": "The most rows to answer."}
            },
            "required": ["sql"],
            "additionalProperties": false
        }),
        // A local file, read only.
        hints: Hints {
            open_world: false,
            ..Hints::LOOKUP
        },
    })
}

fn open(database: &Path) -> Result<Connection, String> {
    if !database.is_file() {
        return Err(format!(
            "--sqlite {}: no such file; give the database `salesflow sync --out FILE.sqlite` wrote",
            database.display()
        ));
    }
    let connection = Connection::open_with_flags(
        database,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|error| format!("--sqlite {}: {error}", database.display()))?;
    connection
        .execute_batch("PRAGMA query_only = ON;")
        .map_err(|error| format!("--sqlite {}: {error}", database.display()))?;
    Ok(connection)
}

pub(crate) async fn run(database: PathBuf, arguments: &mut Arguments) -> Result<Value, ToolError> {
    let sql: String = arguments.required("sql")?;
    let limit: usize = arguments.optional("limit")?.unwrap_or(DEFAULT_ROWS);
    arguments.finish()?;
    if limit == 0 || limit > MAX_ROWS {
        return Err(ToolError::argument(
            "limit",
            format!("is {limit}; give 1 to {MAX_ROWS}"),
        ));
    }
    tokio::task::spawn_blocking(move || query(&database, &sql, limit))
        .await
        .map_err(|error| ToolError::new(format!("query_contacts: the query stopped: {error}")))?
}

fn query(database: &Path, sql: &str, limit: usize) -> Result<Value, ToolError> {
    let first = sql
        .trim_start()
        .split(|c: char| !c.is_ascii_alphabetic())
        .next()
        .unwrap_or_default()
        .to_ascii_uppercase();
    if first != "SELECT" && first != "WITH" {
        return Err(ToolError::argument(
            "sql",
            "must be one SELECT (or WITH ... SELECT) statement: the database is read-only here",
        ));
    }
    let connection = open(database).map_err(ToolError::new)?;
    let deadline = Instant::now() + MAX_TIME;
    connection.progress_handler(10_000, Some(move || Instant::now() > deadline));
    let refused = |error: rusqlite::Error| {
        let text = match error {
            rusqlite::Error::MultipleStatement => {
                "holds more than one statement; give one".to_owned()
            }
            rusqlite::Error::SqliteFailure(code, _)
                if code.code == rusqlite::ErrorCode::OperationInterrupted =>
            {
                format!(
                    "ran longer than {} s; narrow it (a WHERE, a LIMIT)",
                    MAX_TIME.as_secs()
                )
            }
            other => other.to_string(),
        };
        ToolError::argument("sql", text)
    };
    let mut statement = connection.prepare(sql).map_err(refused)?;
    if !statement.readonly() {
        return Err(ToolError::argument(
            "sql",
            "would change the database; only reads are allowed",
        ));
    }
    let columns: Vec<String> = statement
        .column_names()
        .into_iter()
        .map(str::to_owned)
        .collect();
    let mut rows = statement.query([]).map_err(refused)?;
    let mut answer = Vec::new();
    let mut bytes = 400 + columns.iter().map(|c| c.len() + 3).sum::<usize>();
    let mut complete = true;
    while let Some(row) = rows.next().map_err(refused)? {
        if answer.len() == limit {
            complete = false;
            break;
        }
        let mut record = Map::new();
        for (index, column) in columns.iter().enumerate() {
            let value = match row.get_ref(index).map_err(refused)? {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(n) => json!(n),
                ValueRef::Real(x) => json!(x),
                ValueRef::Text(text) => json!(String::from_utf8_lossy(text)),
                ValueRef::Blob(blob) => json!(format!("<{} bytes>", blob.len())),
            };
            record.insert(column.clone(), value);
        }
        let record = Value::Object(record);
        let size = record.to_string().len() + 1;
        if bytes + size > MAX_ANSWER_BYTES {
            complete = false;
            break;
        }
        bytes += size;
        answer.push(record);
    }
    Ok(json!({
        "columns": columns,
        "count": answer.len(),
        "rows": answer,
        "complete": complete,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn database() -> PathBuf {
        let path = std::env::temp_dir().join(format!(
            "sf-mcp-query-{}-{}.sqlite",
            std::process::id(),
            fastrand_suffix()
        ));
        let connection = Connection::open(&path).unwrap();
        connection
            .execute_batch(
                "CREATE TABLE contacts (MemberId INTEGER PRIMARY KEY, FirstName TEXT, raw_json TEXT);
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
                 INSERT INTO contacts SELECT i, 'Ann' || i, '{}' FROM n;",
            )
            .unwrap();
        path
    }

    fn fastrand_suffix() -> u128 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    }

    #[test]
    fn a_select_answers_at_most_its_limit() {
        let path = database();
        let out = query(
            &path,
            "SELECT MemberId, FirstName FROM contacts ORDER BY MemberId",
            10,
        )
        .unwrap();
        assert_eq!(out["count"], 10);
        assert_eq!(out["complete"], false);
        assert_eq!(out["rows"][0]["FirstName"], "Ann1");
        let out = query(&path, "select count(*) AS n from contacts", 10).unwrap();
        assert_eq!(out["rows"][0]["n"], 1000);
        assert_eq!(out["complete"], true);
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn writes_and_second_statements_are_refused_and_change_nothing() {
        let path = database();
        for sql in [
            "DELETE FROM contacts",
            "SELECT 1; DELETE FROM contacts",
            "WITH x AS (SELECT 1) DELETE FROM contacts",
            "ATTACH DATABASE '/tmp/other.sqlite' AS other",
            "PRAGMA query_only = OFF",
        ] {
            let error = query(&path, sql, 10).unwrap_err();
            assert!(
                error.message().starts_with("argument `sql`"),
                "{sql}: {error}"
            );
        }
        let out = query(&path, "SELECT count(*) AS n FROM contacts", 10).unwrap();
        assert_eq!(out["rows"][0]["n"], 1000);
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn a_statement_that_runs_too_long_is_stopped() {
        let path = database();
        let started = Instant::now();
        let error = query(
            &path,
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n",
            10,
        )
        .unwrap_err();
        assert!(error.message().contains("ran longer"), "{error}");
        assert!(started.elapsed() < MAX_TIME * 3);
        std::fs::remove_file(path).unwrap();
    }
}
