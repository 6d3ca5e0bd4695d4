//! Group commit of answer saves. Each commit waits for the disk (SQLite `synchronous = FULL`,
//! PostgreSQL's WAL flush), and SQLite has one writer, so one transaction per save caps saves
//! at the commits per second the disk and the database take. Instead every save is handed to
//! one writer task, which takes all the saves waiting at that moment (up to `MAX_BATCH`),
//! writes them in one transaction in the order they came (`batch.rs`: a few statements for
//! the whole batch), commits once, and only then answers each: durability is unchanged (no
//! save is acknowledged before its commit), and under load one flush carries many saves.
//!
//! On a SQLite file the writer is a thread with a connection of its own, which runs each
//! batch from `BEGIN` to `COMMIT` without handing a statement to another thread
//! (`sqlite_commit`); on PostgreSQL (and an in-memory SQLite database) it is a task of the
//! runtime taking a connection of the pool per batch.
//!
//! A batch that fails is not the end of its saves: when the database is out of reach, each is
//! answered "unavailable" (503, and the page sends it again); any other failure is retried one
//! write per transaction, so one faulty write (or a connection cut in a way the driver does
//! not call an outage) fails only itself.

use std::time::{Duration, Instant};

use tokio::sync::{mpsc, oneshot};

use super::batch::Write;
use super::save::SaveWrite;
use super::sqlite_commit::{Apply, Work};
use crate::server::db::{begin_write, is_unavailable, DbKind, WriteTurns};
use crate::server::error::AppError;

/// The most saves one commit carries.
pub const MAX_BATCH: usize = 512;

/// Why a batch failed, for each save in it: the error's text, and whether it was the database
/// being out of reach (answered 503, and the page sends the save again) rather than a fault.
#[derive(Debug, Clone)]
pub(super) struct Failed {
    pub message: String,
    pub unavailable: bool,
}

/// One piece of work for the writer and where its answer goes: a [`Write`] for the writer on
/// the pool, a `sqlite_commit::Work` for the SQLite thread.
pub(super) struct Job<W> {
    pub work: W,
    pub reply: oneshot::Sender<Result<bool, Failed>>,
}

/// The writer's queue: room for a few full batches, then senders wait.
pub(super) fn queue<W>() -> (mpsc::Sender<Job<W>>, mpsc::Receiver<Job<W>>) {
    mpsc::channel(8 * MAX_BATCH)
}

/// One commit's jobs: `first`, and whatever else is waiting at that moment (up to
/// [`MAX_BATCH`]). Nothing waits on purpose (commits spaced 5 ms apart, to gather more into
/// each, measured no better).
pub(super) fn gather<W>(first: Job<W>, jobs: &mut mpsc::Receiver<Job<W>>) -> Vec<Job<W>> {
    let mut batch = Vec::with_capacity(MAX_BATCH.min(jobs.len() + 1));
    batch.push(first);
    while batch.len() < MAX_BATCH {
        match jobs.try_recv() {
            Ok(job) => batch.push(job),
            Err(_) => break,
        }
    }
    batch
}

/// The writer's queue.
#[derive(Debug, Clone)]
pub struct SaveWriter {
    queue: Queue,
}

#[derive(Debug, Clone)]
enum Queue {
    Pool(mpsc::Sender<Job<Write>>),
    SqliteThread(mpsc::Sender<Job<Work>>),
}

impl SaveWriter {
    /// Starts the writer: on a SQLite file, a thread with a connection of its own
    /// (`sqlite_commit`); otherwise a task taking one of `pool`'s connections per batch.
    pub fn spawn(
        pool: sqlx::AnyPool,
        kind: DbKind,
        turns: WriteTurns,
        sqlite_file: Option<std::path::PathBuf>,
    ) -> SaveWriter {
        if let Some(path) = sqlite_file {
            match super::sqlite_commit::spawn(path, turns.clone()) {
                Ok(queue) => {
                    return SaveWriter {
                        queue: Queue::SqliteThread(queue),
                    }
                }
                Err(e) => tracing::warn!(error = %e,
                    "the SQLite group commit thread did not start; committing through the pool"),
            }
        }
        let (queue, jobs) = queue();
        tokio::spawn(commit_through_pool(pool, kind, turns, jobs));
        SaveWriter {
            queue: Queue::Pool(queue),
        }
    }

    /// Writes one save with the next batch; whether the attempt took it (its sequence number
    /// was new and the attempt open), once that batch is committed.
    pub async fn write(&self, save: SaveWrite) -> Result<bool, AppError> {
        self.send(Write::Save(save)).await
    }

    /// Records the question the candidate is at, with the next batch.
    pub async fn position(&self, attempt_id: &str, position: u32) -> Result<(), AppError> {
        self.send(Write::Position {
            attempt_id: attempt_id.to_string(),
            position,
        })
        .await
        .map(|_| ())
    }

    /// Runs `apply` in the next commit of the SQLite writer's thread (see [`Apply`]): its
    /// answer once committed. `None` where the writer is not that thread (PostgreSQL, an
    /// in-memory database): the caller then writes through the pool.
    pub async fn apply(&self, apply: Apply) -> Option<Result<bool, AppError>> {
        match &self.queue {
            Queue::SqliteThread(queue) => Some(ask(queue, Work::Apply(apply)).await),
            Queue::Pool(_) => None,
        }
    }

    async fn send(&self, write: Write) -> Result<bool, AppError> {
        match &self.queue {
            Queue::Pool(queue) => ask(queue, write).await,
            Queue::SqliteThread(queue) => ask(queue, Work::Write(write)).await,
        }
    }
}

/// Queues `work` and waits for the commit that carries it.
async fn ask<W>(queue: &mpsc::Sender<Job<W>>, work: W) -> Result<bool, AppError> {
    let (reply, answer) = oneshot::channel();
    queue
        .send(Job { work, reply })
        .await
        .map_err(|_| AppError::Internal("the save writer has stopped".into()))?;
    answer
        .await
        .map_err(|_| AppError::Internal("the save writer dropped a save".into()))?
        .map_err(|e| {
            let message = format!("writing: {}", e.message);
            if e.unavailable {
                AppError::Unavailable(message)
            } else {
                AppError::Internal(message)
            }
        })
}

/// The writer as a task of the runtime: each batch through one of `pool`'s connections.
async fn commit_through_pool(
    pool: sqlx::AnyPool,
    kind: DbKind,
    turns: WriteTurns,
    mut jobs: mpsc::Receiver<Job<Write>>,
) {
    let mut tally = Tally::default();
    while let Some(first) = jobs.recv().await {
        let batch = gather(first, &mut jobs);
        let began = Instant::now();
        let (writes, replies): (Vec<Write>, Vec<_>) =
            batch.into_iter().map(|j| (j.work, j.reply)).unzip();
        let answers = write_with_retries(&pool, kind, &turns, &writes).await;
        for (reply, answer) in replies.into_iter().zip(answers) {
            let _ = reply.send(answer);
        }
        tally.add(writes.len(), began.elapsed());
    }
}

/// Commits and writes per `Tally::EVERY`, logged at debug level: what an operator reads to
/// see how full the commits are (`RUST_LOG=certamen_app::server::attempts::group_commit=debug`).
/// `busy_share` is the share of the time the writer spent committing, its wait for the write
/// turn included: near 1, saves queue behind the writer.
#[derive(Debug)]
pub(super) struct Tally {
    since: Instant,
    commits: u64,
    writes: u64,
    busy: Duration,
    longest: Duration,
}

impl Default for Tally {
    fn default() -> Self {
        Tally {
            since: Instant::now(),
            commits: 0,
            writes: 0,
            busy: Duration::ZERO,
            longest: Duration::ZERO,
        }
    }
}

impl Tally {
    const EVERY: Duration = Duration::from_secs(10);

    pub(super) fn add(&mut self, writes: usize, took: Duration) {
        self.commits += 1;
        self.writes += writes as u64;
        self.busy += took;
        self.longest = self.longest.max(took);
        let span = self.since.elapsed();
        if span >= Self::EVERY {
            tracing::debug!(
                commits_per_s = self.commits as f64 / span.as_secs_f64(),
                writes_per_commit = self.writes as f64 / self.commits as f64,
                busy_share = self.busy.as_secs_f64() / span.as_secs_f64(),
                longest_ms = self.longest.as_secs_f64() * 1e3,
                "group commit"
            );
            *self = Tally::default();
        }
    }
}

/// Writes the batch in one transaction; if that fails other than by the database being out
/// of reach, each write alone. Per write: whether its attempt took it, or why not.
async fn write_with_retries(
    pool: &sqlx::AnyPool,
    kind: DbKind,
    turns: &WriteTurns,
    writes: &[Write],
) -> Vec<Result<bool, Failed>> {
    let e = match write_batch(pool, kind, turns, writes).await {
        Ok(taken) => return taken.into_iter().map(Ok).collect(),
        Err(e) => e,
    };
    let failed = |e: &sqlx::Error| Failed {
        message: e.to_string(),
        unavailable: is_unavailable(e),
    };
    if is_unavailable(&e) || writes.len() == 1 {
        tracing::warn!(error = %e, writes = writes.len(), "a batch of saves was not written");
        return writes.iter().map(|_| Err(failed(&e))).collect();
    }
    tracing::error!(error = %e, writes = writes.len(), "a batch of saves failed; writing each alone");
    let mut answers = Vec::with_capacity(writes.len());
    for write in writes {
        answers.push(
            match write_batch(pool, kind, turns, std::slice::from_ref(write)).await {
                Ok(taken) => Ok(taken.first().copied().unwrap_or(false)),
                Err(e) => {
                    tracing::error!(error = %e, "a save failed on its own");
                    Err(failed(&e))
                }
            },
        );
    }
    answers
}

/// Writes one write in a transaction of its own (a server started without group commit).
pub async fn write_alone(db: &crate::server::db::Db, write: Write) -> Result<bool, AppError> {
    let taken = write_batch(&db.pool, db.kind, &db.turns, std::slice::from_ref(&write)).await?;
    Ok(taken.first().copied().unwrap_or(false))
}

async fn write_batch(
    pool: &sqlx::AnyPool,
    kind: DbKind,
    turns: &WriteTurns,
    writes: &[Write],
) -> Result<Vec<bool>, sqlx::Error> {
    let mut tx = begin_write(pool, kind, turns).await?;
    let taken = super::batch::write(&mut tx, kind, writes).await?;
    tx.commit().await?;
    Ok(taken)
}
