//! The reads every exam-day request makes, on SQLite, run on the request's own thread.
//!
//! sqlx runs each SQLite connection on a thread of its own and hands it every query and every
//! row across threads, so an async task never blocks on the database. For the one-row reads of
//! every request (its session, its attempt with the question) that hand-off costs more than
//! the read: in a 2,000-candidate run the connection threads took 38 % of the server's CPU,
//! nearly half of it in the kernel (thread switches, wake-ups), for reads SQLite answers from
//! its cache in microseconds. So these reads go to a few connections of our own (rusqlite, over
//! the same SQLite library sqlx links) and run where the request runs.
//!
//! What keeps that from blocking the server: a read is one statement outside any transaction,
//! in WAL mode, where a reader never waits for the writer; the busy timeout is zero, so a read
//! that would have to wait for a lock (a WAL being recovered, say) is not waited for but sent
//! through sqlx's pool as before, as is any read that fails here (the pool's answer, error
//! included, is then the one the request gets). Connections are `query_only`: nothing can be
//! written through them. A read never holds a connection across an `.await`, so no more are
//! opened than threads read at once.
//!
//! Rows come back as sqlx's `AnyRow`, built the way sqlx's SQLite driver builds one (each
//! value by its storage class: INTEGER as BIGINT, REAL as DOUBLE, TEXT, BLOB, NULL), so the
//! code that reads them is the same on every path; a test compares the two paths' rows.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use sqlx::any::{AnyRow, AnyTypeInfo, AnyTypeInfoKind, AnyValue};
use sqlx_core::any::{AnyColumn, AnyValueKind};

use super::hot_reads::Param;

/// Statements kept prepared per connection, and shapes of rows kept (the reads of every
/// request are a handful of statements).
const STATEMENTS_KEPT: usize = 32;

pub struct InlineSqlite {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    /// Per statement, a row with its columns and no values: each read's row is a copy of it
    /// (the names shared, as sqlx shares them between the rows of one statement).
    shapes: Mutex<HashMap<String, AnyRow>>,
}

impl std::fmt::Debug for InlineSqlite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InlineSqlite")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// Why a read here gave no answer; the caller then reads through the pool.
#[derive(Debug, thiserror::Error)]
#[error("reading {path} on the request's thread: {source}")]
pub struct InlineError {
    path: String,
    source: rusqlite::Error,
}

impl InlineSqlite {
    /// Reads the SQLite database file at `path` (connections are opened when first needed).
    pub fn new(path: PathBuf) -> InlineSqlite {
        InlineSqlite {
            path,
            idle: Mutex::default(),
            shapes: Mutex::default(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Connection>> {
        self.idle.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn open(&self) -> rusqlite::Result<Connection> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::ZERO)?;
        conn.pragma_update(None, "query_only", true)?;
        conn.set_prepared_statement_cache_capacity(STATEMENTS_KEPT);
        Ok(conn)
    }

    /// The first row of `sql` with `params` bound to `$1`, `$2`, … (or to `?` in order).
    pub fn fetch_optional(
        &self,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<Option<AnyRow>, InlineError> {
        let fail = |source| InlineError {
            path: self.path.display().to_string(),
            source,
        };
        let idle = self.lock().pop();
        let conn = match idle {
            Some(conn) => conn,
            None => self.open().map_err(fail)?,
        };
        // A connection whose read failed is dropped (closed), never reused.
        let row = self.read(&conn, sql, params).map_err(fail)?;
        self.lock().push(conn);
        Ok(row)
    }

    fn read(
        &self,
        conn: &Connection,
        sql: &str,
        params: &[Param<'_>],
    ) -> rusqlite::Result<Option<AnyRow>> {
        let mut stmt = conn.prepare_cached(sql)?;
        for index in 1..=stmt.parameter_count() {
            let n = match stmt.parameter_name(index) {
                Some(name) => name
                    .strip_prefix('$')
                    .and_then(|n| n.parse::<usize>().ok())
                    .ok_or_else(|| rusqlite::Error::InvalidParameterName(name.to_string()))?,
                None => index,
            };
            match params.get(n.wrapping_sub(1)) {
                Some(Param::Text(text)) => stmt.raw_bind_parameter(index, *text)?,
                Some(Param::Int(value)) => stmt.raw_bind_parameter(index, *value)?,
                None => return Err(rusqlite::Error::InvalidParameterCount(n, params.len())),
            }
        }
        let mut row = self.shape(sql, &stmt);
        let count = row.columns.len();
        let mut rows = stmt.raw_query();
        let Some(found) = rows.next()? else {
            return Ok(None);
        };
        row.values.reserve_exact(count);
        for i in 0..count {
            row.values.push(AnyValue {
                kind: match found.get_ref(i)? {
                    ValueRef::Null => AnyValueKind::Null(AnyTypeInfoKind::Null),
                    ValueRef::Integer(v) => AnyValueKind::BigInt(v),
                    ValueRef::Real(v) => AnyValueKind::Double(v),
                    ValueRef::Text(bytes) => AnyValueKind::Text(
                        std::str::from_utf8(bytes)
                            .map_err(rusqlite::Error::Utf8Error)?
                            .to_string()
                            .into(),
                    ),
                    ValueRef::Blob(bytes) => AnyValueKind::Blob(bytes.to_vec().into()),
                },
            });
        }
        Ok(Some(row))
    }

    /// A row of the statement's columns and no values yet.
    fn shape(&self, sql: &str, stmt: &rusqlite::Statement<'_>) -> AnyRow {
        let mut shapes = self.shapes.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(shape) = shapes.get(sql) {
            return shape.clone();
        }
        let columns: Vec<AnyColumn> = stmt
            .column_names()
            .into_iter()
            .enumerate()
            .map(|(ordinal, name)| AnyColumn {
                ordinal,
                name: name.to_string().into(),
                // sqlx's SQLite driver gives the declared type here; nothing reads it (a value
                // is decoded by its own type), and rusqlite tells it only with a feature more.
                type_info: AnyTypeInfo {
                    kind: AnyTypeInfoKind::Null,
                },
            })
            .collect();
        let column_names = columns
            .iter()
            .map(|c| (c.name.clone(), c.ordinal))
            .collect();
        let shape = AnyRow {
            column_names: Arc::new(column_names),
            columns,
            values: Vec::new(),
        };
        if shapes.len() < STATEMENTS_KEPT {
            shapes.insert(sql.to_string(), shape.clone());
        }
        shape
    }
}
