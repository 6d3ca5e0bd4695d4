//! The reads every exam-day request makes (its session, the attempt with its question), on a
//! few connections kept beside the pool.
//!
//! sqlx's pool tests a connection each time one is given back (a `ping`: on PostgreSQL a round
//! trip to the server, on SQLite a round trip to the connection's worker thread), so a one-query
//! read costs two round trips. These reads are single statements outside any transaction, so a
//! connection that answered one is fit for the next without a test: it is kept here and used
//! again as it is. A connection whose query failed, or whose read was abandoned half-way (the
//! request was dropped), is closed, never reused; a read that finds its kept connection dead
//! (the database restarted, the network cut it) is sent again through the pool once, so a
//! stale connection never costs a candidate an error. When all the kept connections are in
//! use, a read goes through the pool as any other.
//!
//! On a SQLite file the reads skip sqlx altogether and run on the request's own thread
//! (`inline_sqlite`): there the hand-off to a connection's thread is the largest part of a read.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AnyPool};

use super::db::is_unavailable;
use super::inline_sqlite::InlineSqlite;

/// A value bound to a hot read's `$n` (the reads bind only text and integers).
#[derive(Debug, Clone, Copy)]
pub enum Param<'q> {
    Text(&'q str),
    Int(i64),
}

#[derive(Debug)]
pub struct HotReads {
    /// SQLite file databases: reads on the request's thread (see `inline_sqlite`).
    inline: Option<InlineSqlite>,
    idle: Mutex<Vec<AnyConnection>>,
    /// Connections kept here, idle or in use.
    open: AtomicUsize,
    limit: usize,
}

/// A kept connection in use; closed when dropped without [`Lease::give_back`].
struct Lease<'a> {
    conn: Option<AnyConnection>,
    owner: &'a HotReads,
    /// Taken from the idle list (it may have died since it was last used).
    reused: bool,
}

impl Lease<'_> {
    fn give_back(mut self) {
        if let Some(conn) = self.conn.take() {
            self.owner.lock().push(conn);
        }
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if self.conn.take().is_some() {
            self.owner.open.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

impl HotReads {
    /// Keeps at most a quarter of the pool's size beside it, and at least two.
    pub fn for_pool_of(max_connections: u32) -> HotReads {
        HotReads {
            inline: None,
            idle: Mutex::default(),
            open: AtomicUsize::new(0),
            limit: usize::try_from(max_connections / 4).unwrap_or(0).max(2),
        }
    }

    /// Reads the SQLite database file at `path` on the request's thread, the pool kept for
    /// what cannot be read there.
    pub fn reading_sqlite_file(mut self, path: std::path::PathBuf) -> HotReads {
        self.inline = Some(InlineSqlite::new(path));
        self
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<AnyConnection>> {
        self.idle.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A kept connection, a new one taken out of the pool, or `None` when all are in use.
    async fn lease(&self, pool: &AnyPool) -> Result<Option<Lease<'_>>, sqlx::Error> {
        let idle = self.lock().pop();
        if let Some(conn) = idle {
            return Ok(Some(Lease {
                conn: Some(conn),
                owner: self,
                reused: true,
            }));
        }
        if self.open.fetch_add(1, Ordering::SeqCst) >= self.limit {
            self.open.fetch_sub(1, Ordering::SeqCst);
            return Ok(None);
        }
        match pool.acquire().await {
            Ok(conn) => Ok(Some(Lease {
                conn: Some(conn.detach()),
                owner: self,
                reused: false,
            })),
            Err(e) => {
                self.open.fetch_sub(1, Ordering::SeqCst);
                Err(e)
            }
        }
    }

    /// Runs `sql` with `params` bound to `$1`, `$2`, … and returns its first row, if any.
    pub async fn fetch_optional<'q>(
        &self,
        pool: &AnyPool,
        sql: &'q str,
        params: &[Param<'q>],
    ) -> Result<Option<AnyRow>, sqlx::Error> {
        if let Some(inline) = &self.inline {
            match inline.fetch_optional(sql, params) {
                Ok(row) => return Ok(row),
                Err(e) => tracing::debug!(error = %e, "reading through the pool instead"),
            }
        }
        let make = || {
            params.iter().fold(sqlx::query(sql), |q, p| match *p {
                Param::Text(text) => q.bind(text),
                Param::Int(value) => q.bind(value),
            })
        };
        let Some(mut lease) = self.lease(pool).await? else {
            return make().fetch_optional(pool).await;
        };
        let conn = lease.conn.as_mut().expect("a lease holds its connection");
        match make().fetch_optional(conn).await {
            Ok(row) => {
                lease.give_back();
                Ok(row)
            }
            Err(e) if lease.reused && is_unavailable(&e) => {
                drop(lease);
                tracing::debug!(error = %e, "a kept connection had died; reading through the pool");
                make().fetch_optional(pool).await
            }
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::Row;

    #[test]
    fn a_quarter_of_the_pool_and_at_least_two_are_kept() {
        assert_eq!(HotReads::for_pool_of(1).limit, 2);
        assert_eq!(HotReads::for_pool_of(16).limit, 4);
        assert_eq!(HotReads::for_pool_of(100).limit, 25);
    }

    #[tokio::test]
    async fn a_connection_is_kept_after_a_read_and_closed_after_a_failure() {
        sqlx::any::install_default_drivers();
        let pool = sqlx::any::AnyPoolOptions::new()
            .max_connections(2)
            .connect("sqlite::memory:")
            .await
            .unwrap();
        let hot = HotReads::for_pool_of(2);
        let row = hot
            .fetch_optional(&pool, "SELECT 1 AS one", &[])
            .await
            .unwrap();
        assert!(row.is_some());
        assert_eq!(hot.lock().len(), 1, "kept for the next read");
        assert_eq!(hot.open.load(Ordering::SeqCst), 1);
        let failed = hot
            .fetch_optional(&pool, "SELECT * FROM no_such_table", &[])
            .await;
        assert!(failed.is_err());
        assert_eq!(
            hot.lock().len(),
            0,
            "a connection whose read failed is closed"
        );
        assert_eq!(hot.open.load(Ordering::SeqCst), 0);
    }

    /// The same read through sqlx's pool and on the request's thread gives the same values, of
    /// every kind a column holds, with parameters named out of order and one used twice.
    #[tokio::test]
    async fn a_read_on_the_requests_thread_answers_as_the_pool_does() {
        sqlx::any::install_default_drivers();
        let dir = std::env::temp_dir().join(format!("certamen-hot-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("h.db");
        let pool = sqlx::any::AnyPoolOptions::new()
            .max_connections(2)
            .connect(&format!("sqlite:{}?mode=rwc", path.display()))
            .await
            .expect("pool");
        for sql in [
            "PRAGMA journal_mode = WAL",
            "CREATE TABLE t (id TEXT PRIMARY KEY, n BIGINT, x DOUBLE PRECISION, s TEXT, b BLOB)",
            "INSERT INTO t VALUES ('a', 7, 2.5, 'année', x'00ff'), ('b', NULL, NULL, NULL, NULL)",
        ] {
            sqlx::query(sql).execute(&pool).await.expect(sql);
        }
        let through_pool = HotReads::for_pool_of(2);
        let inline = HotReads::for_pool_of(2).reading_sqlite_file(path.clone());
        let sql = "SELECT id, n, x, s, b, n + $2 AS m, $2 AS again FROM t WHERE id = $1";
        for id in ["a", "b"] {
            let params = [Param::Text(id), Param::Int(35)];
            let one = through_pool.fetch_optional(&pool, sql, &params).await;
            let two = inline.fetch_optional(&pool, sql, &params).await;
            let (one, two) = (
                one.expect("pool").expect("row"),
                two.expect("inline").expect("row"),
            );
            type Values = (
                String,
                Option<i64>,
                Option<f64>,
                Option<String>,
                Option<Vec<u8>>,
                Option<i64>,
                i64,
            );
            let values = |r: &AnyRow| -> Values {
                (
                    r.get("id"),
                    r.get("n"),
                    r.get("x"),
                    r.get("s"),
                    r.get("b"),
                    r.get("m"),
                    r.get("again"),
                )
            };
            assert_eq!(values(&one), values(&two), "row {id}");
            let a: i32 = two.get("again");
            assert_eq!(a, 35, "an integer read as a narrower one, as sqlx allows");
        }
        assert_eq!(values_of_first(&inline, &pool, "a").await, Some(7));
        let none = inline
            .fetch_optional(&pool, sql, &[Param::Text("zzz"), Param::Int(1)])
            .await
            .expect("no row is no error");
        assert!(none.is_none());
        // A read that fails on the request's thread is sent through the pool, whose answer the
        // caller gets (here the same error).
        let failed = inline
            .fetch_optional(&pool, "SELECT * FROM no_such_table", &[])
            .await;
        match failed {
            Err(e) => assert!(e.to_string().contains("no_such_table"), "{e}"),
            Ok(_) => panic!("a read of a missing table answered"),
        }
        // Nothing can be written through the connections of the reads.
        let inline_only = InlineSqlite::new(path);
        assert!(inline_only
            .fetch_optional("UPDATE t SET n = 1 RETURNING n", &[])
            .is_err());
        let n: Option<i64> = sqlx::query_scalar("SELECT n FROM t WHERE id = 'a'")
            .fetch_one(&pool)
            .await
            .expect("read");
        assert_eq!(n, Some(7));
        let _ = std::fs::remove_dir_all(&dir);
    }

    async fn values_of_first(hot: &HotReads, pool: &AnyPool, id: &str) -> Option<i64> {
        let row = hot
            .fetch_optional(pool, "SELECT n FROM t WHERE id = ?", &[Param::Text(id)])
            .await
            .expect("read")?;
        row.get("n")
    }
}
