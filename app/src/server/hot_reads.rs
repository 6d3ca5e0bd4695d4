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

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, AnyConnection, AnyPool};

use super::db::is_unavailable;

#[derive(Debug)]
pub struct HotReads {
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
            idle: Mutex::default(),
            open: AtomicUsize::new(0),
            limit: usize::try_from(max_connections / 4).unwrap_or(0).max(2),
        }
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

    /// Runs the read `make` builds (it may be built twice: see the module's words on a dead
    /// connection) and returns its row, if any.
    pub async fn fetch_optional<'q>(
        &self,
        pool: &AnyPool,
        make: impl Fn() -> Query<'q, Any, AnyArguments<'q>>,
    ) -> Result<Option<AnyRow>, sqlx::Error> {
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
            .fetch_optional(&pool, || sqlx::query("SELECT 1 AS one"))
            .await
            .unwrap();
        assert!(row.is_some());
        assert_eq!(hot.lock().len(), 1, "kept for the next read");
        assert_eq!(hot.open.load(Ordering::SeqCst), 1);
        let failed = hot
            .fetch_optional(&pool, || sqlx::query("SELECT * FROM no_such_table"))
            .await;
        assert!(failed.is_err());
        assert_eq!(
            hot.lock().len(),
            0,
            "a connection whose read failed is closed"
        );
        assert_eq!(hot.open.load(Ordering::SeqCst), 0);
    }
}
