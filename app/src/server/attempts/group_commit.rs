//! Group commit of answer saves. Each commit waits for the disk (SQLite `synchronous = FULL`,
//! PostgreSQL's WAL flush), and SQLite has one writer, so one transaction per save caps saves
//! at the commits per second the disk and the database take. Instead every save is handed to
//! one writer task, which takes all the saves waiting at that moment (up to `MAX_BATCH`),
//! writes them in one transaction in the order they came (`batch.rs`: a few statements for
//! the whole batch), commits once, and only then answers each: durability is unchanged (no
//! save is acknowledged before its commit), and under load one flush carries many saves.
//!
//! A batch that fails is not the end of its saves: when the database is out of reach, each is
//! answered "unavailable" (503, and the page sends it again); any other failure is retried one
//! write per transaction, so one faulty write (or a connection cut in a way the driver does
//! not call an outage) fails only itself.

use std::time::{Duration, Instant};

use tokio::sync::{mpsc, oneshot};

use super::batch::Write;
use super::save::SaveWrite;
use crate::server::db::{begin_write, is_unavailable, DbKind, WriteTurns};
use crate::server::error::AppError;

/// The most saves one commit carries.
pub const MAX_BATCH: usize = 512;

/// Why a batch failed, for each save in it: the error's text, and whether it was the database
/// being out of reach (answered 503, and the page sends the save again) rather than a fault.
#[derive(Debug, Clone)]
struct Failed {
    message: String,
    unavailable: bool,
}

#[derive(Debug)]
struct Job {
    write: Write,
    reply: oneshot::Sender<Result<bool, Failed>>,
}

/// The writer task's queue.
#[derive(Debug, Clone)]
pub struct SaveWriter {
    queue: mpsc::Sender<Job>,
}

impl SaveWriter {
    /// Starts the writer on `pool` (it takes one connection per batch).
    pub fn spawn(pool: sqlx::AnyPool, kind: DbKind, turns: WriteTurns) -> SaveWriter {
        let (queue, mut jobs) = mpsc::channel::<Job>(8 * MAX_BATCH);
        tokio::spawn(async move {
            let mut batch: Vec<Job> = Vec::with_capacity(MAX_BATCH);
            let mut tally = Tally::default();
            while let Some(first) = jobs.recv().await {
                batch.push(first);
                // Whatever else is waiting goes in the same commit; nothing waits on purpose
                // (commits spaced 5 ms apart, to gather more into each, measured no better).
                while batch.len() < MAX_BATCH {
                    match jobs.try_recv() {
                        Ok(job) => batch.push(job),
                        Err(_) => break,
                    }
                }
                let began = Instant::now();
                let (writes, replies): (Vec<Write>, Vec<_>) =
                    batch.drain(..).map(|j| (j.write, j.reply)).unzip();
                let answers = write_with_retries(&pool, kind, &turns, &writes).await;
                for (reply, answer) in replies.into_iter().zip(answers) {
                    let _ = reply.send(answer);
                }
                tally.add(writes.len(), began.elapsed());
            }
        });
        SaveWriter { queue }
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

    async fn send(&self, write: Write) -> Result<bool, AppError> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send(Job { write, reply })
            .await
            .map_err(|_| AppError::Internal("the save writer has stopped".into()))?;
        answer
            .await
            .map_err(|_| AppError::Internal("the save writer dropped a save".into()))?
            .map_err(|e| {
                let message = format!("saving: {}", e.message);
                if e.unavailable {
                    AppError::Unavailable(message)
                } else {
                    AppError::Internal(message)
                }
            })
    }
}

/// Commits and writes per `Tally::EVERY`, logged at debug level: what an operator reads to
/// see how full the commits are (`RUST_LOG=certamen_app::server::attempts::group_commit=debug`).
/// `busy_share` is the share of the time the writer spent committing, its wait for the write
/// turn included: near 1, saves queue behind the writer.
#[derive(Debug)]
struct Tally {
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

    fn add(&mut self, writes: usize, took: Duration) {
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
