//! SQLite's WAL checkpoints, off the commit path.
//!
//! In WAL mode a commit appends its pages to the `-wal` file, and a checkpoint later copies
//! them into the database file and syncs it. By default the connection whose commit takes the
//! WAL past 1,000 pages runs that checkpoint itself, inside its commit. Under exam-day load
//! that connection is the group commit's, whose commits write some 10,000 WAL pages a second:
//! several times a second a commit also waited for the copy and the database file's fsync, and
//! every save in it, and all the saves queued behind it, waited with it.
//!
//! Here the pool's connections checkpoint only as a backstop, once the WAL reaches
//! [`BACKSTOP_PAGES`], and a thread of our own runs a passive checkpoint every [`EVERY`]. A
//! passive checkpoint takes no lock that a reader or writer waits for: it copies the frames no
//! reader still needs while commits go on. The WAL starts over from its beginning only when a
//! commit finds every frame copied, which commits arriving every few milliseconds rarely
//! allow; so once the WAL holds [`RESTART_AT`] pages, the thread copies the few frames left
//! in this process's write turn (`db::WriteTurns`), between two commits, and the next commit
//! starts the WAL over. The bulk of the copying and syncing is done outside the turn.
//! Durability is unchanged: a save is acknowledged after its commit's WAL frames are synced,
//! and a checkpoint only moves what is already durable.

use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use super::db::WriteTurns;

/// How often the checkpoint thread copies the WAL into the database file.
pub const EVERY: Duration = Duration::from_millis(100);

/// The WAL size (in pages) at which the thread finishes a checkpoint in the write turn.
pub const RESTART_AT: i64 = 4_000;

/// The WAL size (in pages) at which a committing connection checkpoints after all, should the
/// checkpoint thread fall behind or stop: the pool's `wal_autocheckpoint` (SQLite's default
/// is 1,000). At 4 KiB a page, 40 MiB.
pub const BACKSTOP_PAGES: u32 = 10_000;

/// The checkpoint thread of one database file; it stops when this is dropped.
#[derive(Debug)]
pub struct Checkpointer {
    /// Dropping the sender wakes the thread, which then ends.
    _stop: mpsc::Sender<()>,
    last: Arc<Mutex<Option<Checkpoint>>>,
}

/// What one checkpoint found: the frames in the WAL, and how many of them are in the database
/// file (all of them, unless a reader still needed the older pages).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checkpoint {
    pub frames: i64,
    pub copied: i64,
}

impl Checkpointer {
    /// Starts checkpointing the SQLite database file at `path` every [`EVERY`].
    pub fn start(path: PathBuf, turns: WriteTurns) -> std::io::Result<Checkpointer> {
        let (stop, stopped) = mpsc::channel::<()>();
        let last = Arc::new(Mutex::new(None));
        let seen = last.clone();
        std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || run(&path, &turns, &stopped, &seen))?;
        Ok(Checkpointer { _stop: stop, last })
    }

    /// The last checkpoint that ran, if any has.
    pub fn last(&self) -> Option<Checkpoint> {
        *self.last.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn run(
    path: &Path,
    turns: &WriteTurns,
    stopped: &mpsc::Receiver<()>,
    last: &Mutex<Option<Checkpoint>>,
) {
    let mut conn: Option<rusqlite::Connection> = None;
    let mut failing = false;
    // `recv_timeout` times out every EVERY; it returns otherwise only when the Checkpointer
    // is dropped (nothing is ever sent).
    while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(EVERY) {
        let began = std::time::Instant::now();
        if conn.is_none() {
            conn = open(path).map_err(|e| report(path, &e, &mut failing)).ok();
        }
        let Some(c) = conn.as_ref() else { continue };
        let result = checkpoint(c).and_then(|done| {
            if done.frames < RESTART_AT {
                return Ok(done);
            }
            let _turn = turns.blocking_wait();
            checkpoint(c)
        });
        match result {
            Ok(done) => {
                tracing::debug!(
                    frames = done.frames,
                    copied = done.copied,
                    ms = began.elapsed().as_secs_f64() * 1e3,
                    "WAL checkpoint"
                );
                *last.lock().unwrap_or_else(|p| p.into_inner()) = Some(done);
                if failing {
                    tracing::info!(path = %path.display(), "WAL checkpoints run again");
                    failing = false;
                }
            }
            Err(e) => {
                report(path, &e, &mut failing);
                // The next try opens afresh.
                conn = None;
            }
        }
    }
}

/// Says that checkpoints fail, once per outage rather than at every try.
fn report(path: &Path, e: &rusqlite::Error, failing: &mut bool) {
    if !*failing {
        tracing::warn!(path = %path.display(), error = %e,
            "a WAL checkpoint failed; commits checkpoint themselves past the backstop");
        *failing = true;
    }
}

fn open(path: &Path) -> rusqlite::Result<rusqlite::Connection> {
    let conn = rusqlite::Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    // The database file is synced after the copy, as the pool's own checkpoints did.
    conn.pragma_update(None, "synchronous", "FULL")?;
    Ok(conn)
}

/// Runs one passive checkpoint.
fn checkpoint(conn: &rusqlite::Connection) -> rusqlite::Result<Checkpoint> {
    // Columns: whether another connection was checkpointing at that moment (then nothing was
    // copied, and the next try copies), the WAL's frames, and the frames in the database file
    // (both -1 when the database is not in WAL mode).
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
        Ok(Checkpoint {
            frames: r.get(1)?,
            copied: r.get(2)?,
        })
    })
}
