//! The group commit's writer on a SQLite file: a connection of its own, on a thread of its own.
//!
//! Through sqlx a commit is six statements (`BEGIN IMMEDIATE`, the attempts' read, three
//! writes, `COMMIT`). Each is handed to the connection's worker thread, and its answer back to
//! a task of the server's runtime, which on a busy server waits behind page renders before it
//! sends the next; the write turn is held all that while, and every save queued behind the
//! commit waits too. Here one thread runs a whole batch, commit included, without handing
//! anything back and forth: the runtime is woken once per write, when its answer is sent.
//!
//! The writes are the ones `batch::decide` chooses, as on PostgreSQL; here they are run one
//! prepared row statement at a time, which costs microseconds in-process (the multi-row
//! statements of `batch::write` are there to save round trips this path does not make).
//! Durability is the pool's: `synchronous = FULL`, and an answer is sent only after `COMMIT`
//! returns.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use tokio::sync::mpsc;

use super::batch::{decide, AttemptState, Write, STATE_SELECT};
use super::group_commit::{gather, Failed, Job, Tally};
use crate::server::db::{flag, sqlite_code_unavailable, sqlite_pragmas, WriteTurns};

/// Statements run in the writer's thread beside the saves, in the batch's transaction under a
/// savepoint of their own: a start's inserts, which otherwise held the write turn for five
/// round trips each while the saves waited. `Ok(false)` rolls the savepoint back (the work was
/// refused, as a start that raced another); an error fails the batch, which is then retried one
/// job at a time (so the statements must be safe to run again after a rollback).
pub type Apply = Arc<dyn Fn(&Connection) -> rusqlite::Result<bool> + Send + Sync>;

/// What the writer's thread is handed.
pub enum Work {
    Write(Write),
    Apply(Apply),
}

impl std::fmt::Debug for Work {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Work::Write(w) => w.fmt(f),
            Work::Apply(_) => f.write_str("Apply"),
        }
    }
}

/// Starts the writer's thread on the SQLite file at `path`; its queue is returned, and the
/// thread ends when every sender of it is dropped.
pub(super) fn spawn(path: PathBuf, turns: WriteTurns) -> std::io::Result<mpsc::Sender<Job<Work>>> {
    let (queue, jobs) = super::group_commit::queue();
    std::thread::Builder::new()
        .name("sqlite-group-commit".into())
        .spawn(move || run(&path, &turns, jobs))?;
    Ok(queue)
}

fn run(path: &Path, turns: &WriteTurns, mut jobs: mpsc::Receiver<Job<Work>>) {
    // Every save waits for this thread's next commit: let it start as soon as it is woken.
    crate::server::short_slice::ask_for_calling_thread();
    let mut writer = Writer {
        path,
        turns,
        conn: None,
    };
    let mut tally = Tally::default();
    while let Some(first) = jobs.blocking_recv() {
        let batch = gather(first, &mut jobs);
        let began = Instant::now();
        let (work, replies): (Vec<Work>, Vec<_>) =
            batch.into_iter().map(|j| (j.work, j.reply)).unzip();
        let answers = writer.write_with_retries(&work);
        for (reply, answer) in replies.into_iter().zip(answers) {
            let _ = reply.send(answer);
        }
        tally.add(work.len(), began.elapsed());
    }
}

struct Writer<'a> {
    path: &'a Path,
    turns: &'a WriteTurns,
    /// Opened at the first batch; dropped after a failure, so the next batch opens afresh.
    conn: Option<Connection>,
}

impl Writer<'_> {
    /// The batch in one transaction; if that fails other than by the database being out of
    /// reach, each job alone (as `group_commit` does through sqlx).
    fn write_with_retries(&mut self, work: &[Work]) -> Vec<Result<bool, Failed>> {
        let e = match self.write_batch(work.iter()) {
            Ok(taken) => return taken.into_iter().map(Ok).collect(),
            Err(e) => e,
        };
        if e.unavailable || work.len() == 1 {
            tracing::warn!(error = %e.message, writes = work.len(), "a batch of saves was not written");
            return work.iter().map(|_| Err(e.clone())).collect();
        }
        tracing::error!(error = %e.message, writes = work.len(), "a batch of saves failed; writing each alone");
        work.iter()
            .map(|one| {
                self.write_batch(std::iter::once(one))
                    .map(|taken| taken.first().copied().unwrap_or(false))
                    .inspect_err(
                        |e| tracing::error!(error = %e.message, "a save failed on its own"),
                    )
            })
            .collect()
    }

    /// Per job, in order: whether it was taken.
    fn write_batch<'w>(
        &mut self,
        work: impl Iterator<Item = &'w Work>,
    ) -> Result<Vec<bool>, Failed> {
        let mut conn = match self.conn.take() {
            Some(conn) => conn,
            None => open(self.path).map_err(|e| failed(&e))?,
        };
        let _turn = self.turns.blocking_wait();
        let taken = write(&mut conn, work).map_err(|e| failed(&e))?;
        // Kept only after a commit that went through.
        self.conn = Some(conn);
        Ok(taken)
    }
}

fn failed(e: &rusqlite::Error) -> Failed {
    Failed {
        message: e.to_string(),
        unavailable: match e {
            rusqlite::Error::SqliteFailure(f, _) => sqlite_code_unavailable(f.extended_code),
            _ => false,
        },
    }
}

/// The writer's connection, set up as the pool's are (`db::Db::connect`).
fn open(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.execute_batch(&sqlite_pragmas())?;
    Ok(conn)
}

/// Writes the batch in one `BEGIN IMMEDIATE` transaction and commits it; per job, in order,
/// whether it was taken.
fn write<'w>(
    conn: &mut Connection,
    work: impl Iterator<Item = &'w Work>,
) -> rusqlite::Result<Vec<bool>> {
    // The saves and page positions go through `batch::decide` together; each `Apply` runs on
    // its own. Each keeps its place in the batch, for its answer.
    let mut writes: Vec<Write> = Vec::new();
    let mut write_at: Vec<usize> = Vec::new();
    let mut applies: Vec<(usize, &Apply)> = Vec::new();
    let mut count = 0;
    for (at, one) in work.enumerate() {
        match one {
            Work::Write(w) => {
                writes.push(w.clone());
                write_at.push(at);
            }
            Work::Apply(a) => applies.push((at, a)),
        }
        count = at + 1;
    }
    let mut taken = vec![false; count];
    let mut tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for (at, t) in write_at.into_iter().zip(saves(&tx, &writes)?) {
        taken[at] = t;
    }
    for (at, apply) in applies {
        let sp = tx.savepoint()?;
        taken[at] = apply(&sp)?;
        if taken[at] {
            sp.commit()?;
        }
        // Otherwise dropping it rolls it back.
    }
    tx.commit()?;
    Ok(taken)
}

/// The saves and page positions, as `batch::decide` rules; per write, whether it was taken.
fn saves(tx: &Connection, writes: &[Write]) -> rusqlite::Result<Vec<bool>> {
    if writes.is_empty() {
        return Ok(Vec::new());
    }
    let mut read = tx.prepare_cached(&format!("{STATE_SELECT} WHERE a.id = ?1"))?;
    let mut states = HashMap::new();
    for write in writes {
        let id = write.attempt_id();
        if states.contains_key(id) {
            continue;
        }
        let state = read
            .query_row([id], |r| {
                Ok(AttemptState {
                    open: r.get::<_, String>("status")? == "in_progress",
                    last_seq: r.get("last_seq")?,
                    deadline_at: r.get("deadline_at")?,
                    newest: r.get("newest")?,
                    current_position: r.get("current_position")?,
                    marks: r.get("marks")?,
                })
            })
            .optional()?;
        if let Some(state) = state {
            states.insert(id, state);
        }
    }
    drop(read);
    let d = decide(states, writes);
    let mut attempts = tx.prepare_cached(
        "UPDATE attempts SET last_seq = ?2, current_position = ?3, marks = ?4 WHERE id = ?1",
    )?;
    for (id, seq, position, marks) in &d.attempts {
        attempts.execute(rusqlite::params![id, seq, position, marks])?;
    }
    let mut log = tx.prepare_cached(
        "INSERT INTO response_log (attempt_id, seq, position, choice_mask, flagged, received_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for s in &d.log {
        log.execute(rusqlite::params![
            s.attempt_id,
            s.seq,
            s.position,
            s.choice,
            flag(s.flagged),
            s.now
        ])?;
    }
    let mut answers = tx.prepare_cached(
        "UPDATE attempt_items SET choice_mask = ?3, flagged = ?4, answered_at = ?5 \
         WHERE attempt_id = ?1 AND position = ?2",
    )?;
    for s in &d.answers {
        answers.execute(rusqlite::params![
            s.attempt_id,
            s.position,
            s.choice,
            flag(s.flagged),
            s.now
        ])?;
    }
    Ok(d.taken)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::db::Db;
    use tokio::sync::oneshot;

    /// An `Apply` that inserts `n` into `t`, then answers `then`.
    fn insert(n: i64, then: fn() -> rusqlite::Result<bool>) -> Work {
        Work::Apply(Arc::new(move |conn: &Connection| {
            conn.execute("INSERT INTO t (n) VALUES (?1)", [n])?;
            then()
        }))
    }

    /// One batch of four jobs: one taken, one that fails, one refused, one taken. The failure
    /// sends each job alone; the refused one's insert is rolled back; the others commit.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failing_job_fails_alone_and_a_refused_one_leaves_nothing() {
        let dir = std::env::temp_dir().join(format!("certamen-commit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("db.sqlite");
        let db = Db::connect(&format!("sqlite:{}", path.display()), 2)
            .await
            .expect("database");
        db.write(sqlx::query("CREATE TABLE t (n BIGINT PRIMARY KEY)"))
            .await
            .expect("table");

        let (queue, jobs) = super::super::group_commit::queue();
        let mut answers = Vec::new();
        let fails = || {
            Err(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT),
                Some("a fault of this job".into()),
            ))
        };
        for work in [
            insert(1, || Ok(true)),
            insert(2, fails),
            insert(3, || Ok(false)),
            insert(4, || Ok(true)),
        ] {
            let (reply, answer) = oneshot::channel();
            queue.try_send(Job { work, reply }).expect("queued");
            answers.push(answer);
        }
        // Every job is waiting when the writer starts: they make one batch.
        drop(queue);
        let turns = db.turns.clone();
        tokio::task::spawn_blocking(move || run(&path, &turns, jobs))
            .await
            .expect("the writer ran");

        let mut got = Vec::new();
        for answer in answers {
            got.push(answer.await.expect("answered").map_err(|e| e.unavailable));
        }
        assert_eq!(got, [Ok(true), Err(false), Ok(false), Ok(true)]);
        let stored: Vec<i64> = sqlx::query_scalar("SELECT n FROM t ORDER BY n")
            .fetch_all(&db.pool)
            .await
            .expect("read back");
        assert_eq!(stored, [1, 4]);
        db.pool.close().await;
        let _ = std::fs::remove_dir_all(&dir);
    }
}
