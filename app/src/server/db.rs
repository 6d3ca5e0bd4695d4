//! The database: one pool over sqlx's Any driver, SQLite or PostgreSQL chosen by URL.
//!
//! One schema, two dialect folders of migrations (invariant 7). Queries use `$n` parameters,
//! which both SQLite and PostgreSQL understand, and only BIGINT/TEXT columns, which the Any
//! driver decodes identically on both.

use std::str::FromStr;

use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::server::checkpoints::{self, Checkpointer};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbKind {
    Sqlite,
    Postgres,
}

impl DbKind {
    pub fn name(self) -> &'static str {
        match self {
            DbKind::Sqlite => "sqlite",
            DbKind::Postgres => "postgres",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub kind: DbKind,
    /// The group-commit writer of answer saves (see `attempts::group_commit`); `None` when the
    /// server was started without it, and each save commits alone.
    pub saves: Option<crate::server::attempts::group_commit::SaveWriter>,
    /// Item versions read so far (see `bank::item_version`).
    pub items: std::sync::Arc<crate::server::bank::ItemCache>,
    /// The connections of the reads every request makes (see `hot_reads`).
    pub hot: std::sync::Arc<crate::server::hot_reads::HotReads>,
    /// Where this process's writers wait for SQLite's write lock.
    pub turns: WriteTurns,
    /// The WAL checkpoint thread of a SQLite file (see `checkpoints`); it stops with the last
    /// clone of this `Db`.
    pub checkpoints: Option<Arc<Checkpointer>>,
    /// The database file, when the database is a SQLite file that other connections may open.
    pub sqlite_file: Option<std::path::PathBuf>,
}

/// How long a writer waits for its turn in [`WriteTurns`] before trying SQLite's lock
/// regardless (then SQLite's own busy timeout, 10 s, applies). Under exam-day load a turn comes
/// within a few hundred milliseconds at worst; a longer wait means the lock is held from
/// outside (another process, a database out of reach), where waiting in line would add every
/// writer's 10 s to the next one's, and each should fail within its own timeout as before.
const TURN_WAIT: Duration = Duration::from_secs(2);

/// SQLite's one write lock, taken in turn. SQLite lets one connection write at a time; a writer
/// that finds the lock taken sleeps and tries again (its busy handler sleeps 1, 2, 5, 10, ... up
/// to 100 ms between tries). Under exam-day load the group commit holds the lock most of the
/// time, so a request's own transaction (a start, a break, a submit) slept and missed the
/// moments it came free, for seconds at the 99th percentile, and the group commit, finding a
/// start's transaction in its way, slept past its end while saves queued behind it. This
/// process's writers instead wait here, in arrival order, each woken the moment the one before
/// it ends. The busy handler stays for writers of other processes (the command-line tools)
/// and for a writer whose turn has not come within [`TURN_WAIT`] (which then tries the lock as
/// before, so a transaction that waits on another writer of its own cannot hang either).
/// PostgreSQL locks rows, not the database: no queue there.
#[derive(Debug, Clone, Default)]
pub struct WriteTurns(Option<Arc<Mutex<()>>>);

impl WriteTurns {
    pub fn for_kind(kind: DbKind) -> WriteTurns {
        WriteTurns((kind == DbKind::Sqlite).then(|| Arc::new(Mutex::new(()))))
    }

    /// [`WriteTurns::wait`] from a thread outside the async runtime (the checkpoint thread and
    /// the SQLite group commit's), for as long as it takes: the turn is held only by commits,
    /// each a few milliseconds.
    pub fn blocking_wait(&self) -> Option<OwnedMutexGuard<()>> {
        Some(self.0.as_ref()?.clone().blocking_lock_owned())
    }

    async fn wait(&self) -> Option<OwnedMutexGuard<()>> {
        let turns = self.0.as_ref()?;
        match tokio::time::timeout(TURN_WAIT, turns.clone().lock_owned()).await {
            Ok(turn) => Some(turn),
            Err(_) => {
                tracing::warn!(
                    "a write waited {} s for its turn; trying SQLite's lock directly",
                    TURN_WAIT.as_secs()
                );
                None
            }
        }
    }
}

/// A transaction that may write (see [`Db::begin`]); on SQLite it holds this process's write
/// turn until it commits, rolls back or is dropped.
#[derive(Debug)]
pub struct WriteTx {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    /// Dropped after `tx` is finished: fields drop after the method that consumes `self`.
    _turn: Option<OwnedMutexGuard<()>>,
}

impl WriteTx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.tx.rollback().await
    }
}

impl std::ops::Deref for WriteTx {
    type Target = sqlx::AnyConnection;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbSetupError {
    #[error("database URL {0:?} is neither sqlite: nor postgres:")]
    UnknownScheme(String),
    #[error("cannot open the database at {url}: {source}")]
    Connect { url: String, source: sqlx::Error },
    #[error("cannot migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// SQLite URLs get `mode=rwc` so the file is created on first start.
fn normalise(url: &str) -> Result<(String, DbKind), DbSetupError> {
    if url.starts_with("sqlite:") {
        let url = if url.contains("mode=") {
            url.to_string()
        } else if url.contains('?') {
            format!("{url}&mode=rwc")
        } else {
            format!("{url}?mode=rwc")
        };
        Ok((url, DbKind::Sqlite))
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Ok((url.to_string(), DbKind::Postgres))
    } else {
        Err(DbSetupError::UnknownScheme(url.to_string()))
    }
}

/// The file of a SQLite URL that other connections may open beside the pool's: `None` for
/// PostgreSQL, an in-memory database (private to its pool) or a read-only one.
fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    if !url.starts_with("sqlite:") || url.contains(":memory:") || url.contains("mode=memory") {
        return None;
    }
    if url.contains("mode=ro") {
        return None;
    }
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(url).ok()?;
    Some(options.get_filename().to_path_buf())
}

/// How every connection that writes a SQLite file is set up: the pool's, and the group
/// commit's own (`attempts::sqlite_commit`). WAL lets readers run beside the writer;
/// `synchronous = FULL` makes a commit durable on disk before a save is acknowledged
/// (invariant 2); a commit checkpoints only past the backstop (see `checkpoints`).
pub fn sqlite_pragmas() -> String {
    format!(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; \
         PRAGMA busy_timeout = 10000; PRAGMA wal_autocheckpoint = {};",
        checkpoints::BACKSTOP_PAGES
    )
}

/// Hides a password in a URL before it is logged.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

impl Db {
    /// Hands answer saves and page positions to one group-commit writer.
    pub fn with_group_commit(mut self) -> Db {
        self.saves = Some(crate::server::attempts::group_commit::SaveWriter::spawn(
            self.pool.clone(),
            self.kind,
            self.turns.clone(),
            self.sqlite_file.clone(),
        ));
        self
    }

    /// Opens the pool and brings the schema up to date.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Db, DbSetupError> {
        sqlx::any::install_default_drivers();
        let (url, kind) = normalise(url)?;
        let connect_err = |source| DbSetupError::Connect {
            url: redact(&url),
            source,
        };
        let options = AnyConnectOptions::from_str(&url).map_err(connect_err)?;
        let mut pool_options = AnyPoolOptions::new().max_connections(max_connections);
        if kind == DbKind::Sqlite {
            // Each connection is set up by `sqlite_pragmas` (WAL, synchronous=FULL).
            // A SQLite connection is a file handle on this machine: it cannot go stale the way a
            // network connection does, so the pool's test of each one before handing it out (a
            // round trip to its worker thread, on every query) buys nothing.
            pool_options = pool_options.test_before_acquire(false);
            pool_options = pool_options.after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute(sqlite_pragmas().as_str()).await?;
                    Ok(())
                })
            });
        }
        let pool = pool_options
            .connect_with(options)
            .await
            .map_err(connect_err)?;
        match kind {
            DbKind::Sqlite => SQLITE_MIGRATIONS.run(&pool).await?,
            DbKind::Postgres => POSTGRES_MIGRATIONS.run(&pool).await?,
        }
        let turns = WriteTurns::for_kind(kind);
        let mut hot = crate::server::hot_reads::HotReads::for_pool_of(max_connections);
        let mut checkpoints = None;
        let file = sqlite_file(&url);
        if let Some(path) = file.clone() {
            checkpoints = match Checkpointer::start(path.clone(), turns.clone()) {
                Ok(c) => Some(Arc::new(c)),
                // Then commits checkpoint as they pass the backstop: slower, never wrong.
                Err(e) => {
                    tracing::warn!(error = %e, "the WAL checkpoint thread did not start");
                    None
                }
            };
            hot = hot.reading_sqlite_file(path);
        }
        Ok(Db {
            pool,
            kind,
            saves: None,
            items: Default::default(),
            hot: std::sync::Arc::new(hot),
            turns,
            checkpoints,
            sqlite_file: file,
        })
    }

    /// Begins a transaction that may write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): a deferred transaction that reads and then writes fails at once with
    /// "database is locked", whatever the busy timeout, when another connection committed in
    /// between (its snapshot is stale and cannot be upgraded), where waiting for the lock at
    /// `BEGIN` honours the timeout. PostgreSQL's `BEGIN` already waits for row locks.
    /// On SQLite, this process's writers take the lock in turn ([`WriteTurns`]).
    pub async fn begin(&self) -> Result<WriteTx, sqlx::Error> {
        begin_write(&self.pool, self.kind, &self.turns).await
    }

    /// Runs one writing statement as a transaction of its own, in this process's write turn
    /// on SQLite ([`WriteTurns`]).
    pub async fn write<'q>(
        &self,
        statement: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ) -> Result<sqlx::any::AnyQueryResult, sqlx::Error> {
        let _turn = self.turns.wait().await;
        statement.execute(&self.pool).await
    }

    /// Whether the database answers a trivial query.
    pub async fn reachable(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }
}

/// [`Db::begin`] on a bare pool.
pub async fn begin_write(
    pool: &AnyPool,
    kind: DbKind,
    turns: &WriteTurns,
) -> Result<WriteTx, sqlx::Error> {
    let turn = turns.wait().await;
    let tx = match kind {
        DbKind::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await?,
        DbKind::Postgres => pool.begin().await?,
    };
    Ok(WriteTx { tx, _turn: turn })
}

/// Whether an error means the database cannot take the request just now (a dropped or refused
/// connection, a full pool, a server shutting down or out of room, a lock held past the busy
/// timeout) rather than a fault in the request or in our SQL. Such a request may simply be sent
/// again: nothing of it was written (every write is one transaction).
pub fn is_unavailable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|c| unavailable_code(&c)),
        _ => false,
    }
}

/// PostgreSQL's SQLSTATE (five characters) or SQLite's extended result code (a number, at most
/// four digits), as the Any driver passes them on.
fn unavailable_code(code: &str) -> bool {
    if code.len() == 5 {
        // 08: connection exception; 53: insufficient resources (disk full, out of memory, too
        // many connections); 57P01–57P03: shutting down or not yet accepting connections.
        return code.starts_with("08")
            || code.starts_with("53")
            || matches!(code, "57P01" | "57P02" | "57P03");
    }
    code.parse::<i32>().is_ok_and(sqlite_code_unavailable)
}

/// Whether SQLite's extended result code means the database is out of reach for now. The
/// primary code is the low byte: BUSY, LOCKED, IOERR, FULL, CANTOPEN.
pub fn sqlite_code_unavailable(extended: i32) -> bool {
    matches!(extended & 0xff, 5 | 6 | 10 | 13 | 14)
}

/// Booleans are stored as 0/1 BIGINTs on both databases.
pub fn flag(b: bool) -> i64 {
    i64::from(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unavailability_is_told_from_faults() {
        assert!(is_unavailable(&sqlx::Error::PoolTimedOut));
        assert!(is_unavailable(&sqlx::Error::PoolClosed));
        assert!(is_unavailable(&sqlx::Error::Io(std::io::Error::from(
            std::io::ErrorKind::ConnectionRefused
        ))));
        assert!(!is_unavailable(&sqlx::Error::RowNotFound));
        assert!(!is_unavailable(&sqlx::Error::ColumnNotFound("x".into())));
        // PostgreSQL: connection failure, too many connections, admin shutdown.
        for code in ["08006", "08001", "53300", "53100", "57P01", "57P03"] {
            assert!(unavailable_code(code), "{code}");
        }
        // Unique violation, syntax error, serialization failure: faults or conflicts.
        for code in ["23505", "42601", "40001", "57014"] {
            assert!(!unavailable_code(code), "{code}");
        }
        // SQLite: BUSY, BUSY_SNAPSHOT (517), LOCKED, IOERR_WRITE (778), FULL, CANTOPEN.
        for code in ["5", "517", "6", "778", "13", "14"] {
            assert!(unavailable_code(code), "{code}");
        }
        // CONSTRAINT_UNIQUE (2067), ERROR, READONLY (a mistake in setup, not an outage).
        for code in ["2067", "1", "8"] {
            assert!(!unavailable_code(code), "{code}");
        }
    }

    #[test]
    fn only_sqlite_files_written_by_the_pool_are_read_beside_it() {
        assert_eq!(
            sqlite_file("sqlite:/tmp/x/a.db?mode=rwc"),
            Some(std::path::PathBuf::from("/tmp/x/a.db"))
        );
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("sqlite:file:t?mode=memory&cache=shared"), None);
        assert_eq!(sqlite_file("sqlite:a.db?mode=ro"), None);
        assert_eq!(sqlite_file("postgres://root@127.0.0.1/test"), None);
    }

    #[test]
    fn sqlite_urls_are_created_on_first_start() {
        assert_eq!(
            normalise("sqlite:a.db").expect("ok").0,
            "sqlite:a.db?mode=rwc"
        );
        assert_eq!(
            normalise("sqlite:a.db?x=1").expect("ok").0,
            "sqlite:a.db?x=1&mode=rwc"
        );
        assert_eq!(
            normalise("sqlite:a.db?mode=ro").expect("ok").0,
            "sqlite:a.db?mode=ro"
        );
        assert!(matches!(
            normalise("mysql://x"),
            Err(DbSetupError::UnknownScheme(_))
        ));
    }

    #[test]
    fn passwords_are_redacted_from_logged_urls() {
        assert_eq!(
            redact("postgres://root:secret@host/db"),
            "postgres://root:***@host/db"
        );
        assert_eq!(redact("postgres://root@host/db"), "postgres://root@host/db");
    }

    /// A pool of 4 on a new SQLite file in its own temporary folder (removed by the caller).
    async fn fresh_sqlite(name: &str) -> (Db, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!("certamen-db-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        let url = format!("sqlite:{}", dir.join("t.db").display());
        (Db::connect(&url, 4).await.expect("connect"), dir)
    }

    /// A transaction that reads, then writes, while another connection writes: with a deferred
    /// BEGIN the other commit lands between our read and our write, and our write fails at
    /// once ("database is locked", seen as a rare server error in renewals). With
    /// `Db::begin` the other writer waits for our commit instead, and both succeed.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_read_then_write_transaction_survives_a_concurrent_writer_on_sqlite() {
        let (db, dir) = fresh_sqlite("begin").await;
        sqlx::query("CREATE TABLE counter (n BIGINT NOT NULL)")
            .execute(&db.pool)
            .await
            .expect("table");
        sqlx::query("INSERT INTO counter (n) VALUES (0)")
            .execute(&db.pool)
            .await
            .expect("row");

        let mut tx = db.begin().await.expect("begin");
        let n: i64 = sqlx::query_scalar("SELECT n FROM counter")
            .fetch_one(&mut *tx)
            .await
            .expect("read");
        let pool = db.pool.clone();
        let other = tokio::spawn(async move {
            sqlx::query("UPDATE counter SET n = n + 100")
                .execute(&pool)
                .await
                .map(|_| ())
        });
        // Give the other writer every chance to commit first (it must not be able to).
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        sqlx::query("UPDATE counter SET n = $1")
            .bind(n + 1)
            .execute(&mut *tx)
            .await
            .expect("our write after our read");
        tx.commit().await.expect("commit");
        other
            .await
            .expect("task")
            .expect("the other writer waited, then wrote");
        let n: i64 = sqlx::query_scalar("SELECT n FROM counter")
            .fetch_one(&db.pool)
            .await
            .expect("read back");
        assert_eq!(n, 101, "both writes, ours first");
        db.pool.close().await;
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// This process's writers wait for one another and write in arrival order; a statement on
    /// its own (`Db::write`) waits its turn too. (Left to SQLite's busy handler, the two
    /// waiting writers would retry on their own schedules, in either order.)
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn writers_take_the_sqlite_lock_in_turn() {
        let (db, dir) = fresh_sqlite("turns").await;
        db.write(sqlx::query("CREATE TABLE seen (n BIGINT NOT NULL)"))
            .await
            .expect("table");

        let first = db.begin().await.expect("begin");
        let (db2, db3) = (db.clone(), db.clone());
        let second = tokio::spawn(async move {
            let mut tx = db2.begin().await.expect("second begin");
            sqlx::query("INSERT INTO seen (n) VALUES (2)")
                .execute(&mut *tx)
                .await
                .expect("second insert");
            tx.commit().await.expect("second commit");
        });
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let third = tokio::spawn(async move {
            db3.write(sqlx::query("INSERT INTO seen (n) VALUES (3)"))
                .await
                .expect("third insert");
        });
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert!(
            !second.is_finished() && !third.is_finished(),
            "both wait for the first"
        );
        let mut first = first;
        sqlx::query("INSERT INTO seen (n) VALUES (1)")
            .execute(&mut *first)
            .await
            .expect("first insert");
        first.commit().await.expect("first commit");
        second.await.expect("second");
        third.await.expect("third");
        let order: Vec<i64> = sqlx::query_scalar("SELECT n FROM seen ORDER BY rowid")
            .fetch_all(&db.pool)
            .await
            .expect("read back");
        assert_eq!(order, [1, 2, 3], "in arrival order");
        db.pool.close().await;
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A commit checkpoints the WAL only past the backstop, and the checkpoint thread copies
    /// what the commits appended into the database file.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_wal_is_checkpointed_by_its_own_thread_not_by_commits() {
        let (db, dir) = fresh_sqlite("checkpoints").await;
        let backstop: i64 = sqlx::query_scalar("PRAGMA wal_autocheckpoint")
            .fetch_one(&db.pool)
            .await
            .expect("pragma");
        assert_eq!(backstop, i64::from(checkpoints::BACKSTOP_PAGES));
        db.write(sqlx::query("CREATE TABLE t (n BIGINT NOT NULL)"))
            .await
            .expect("table");
        for n in 0..50_i64 {
            db.write(sqlx::query("INSERT INTO t (n) VALUES ($1)").bind(n))
                .await
                .expect("insert");
        }
        let checkpointer = db.checkpoints.clone().expect("a SQLite file has one");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            match checkpointer.last() {
                Some(c) if c.frames > 0 && c.copied == c.frames => break,
                _ if std::time::Instant::now() > deadline => {
                    panic!("no checkpoint copied the WAL: {:?}", checkpointer.last())
                }
                _ => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
            }
        }
        db.pool.close().await;
        let _ = std::fs::remove_dir_all(&dir);
    }
}
