//! Group commit of answer saves on SQLite. SQLite has one writer, and each commit waits for
//! the disk (`synchronous = FULL`), so one transaction per save would cap saves at the disk's
//! commits per second. Instead every save is handed to one writer task, which takes all the
//! saves waiting at that moment (up to `MAX_BATCH`), writes them in one transaction in the
//! order they came, commits once, and only then answers each: durability is unchanged (no save
//! is acknowledged before its commit), and under load one disk flush carries many saves. A
//! batch that fails to commit fails every save in it; none is acknowledged, and the pages send
//! them again. PostgreSQL takes concurrent commits itself, so it keeps one transaction a save.

use tokio::sync::{mpsc, oneshot};

use super::save::{write_save, SaveWrite};
use crate::server::error::AppError;

/// The most saves one commit carries.
pub const MAX_BATCH: usize = 512;

/// What the writer writes: an answer, or where the candidate is (a page view), which on SQLite
/// would otherwise be a commit of its own for every question opened.
#[derive(Debug)]
enum Write {
    Save(SaveWrite),
    Position { attempt_id: String, position: u32 },
}

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
    pub fn spawn(pool: sqlx::AnyPool) -> SaveWriter {
        let (queue, mut jobs) = mpsc::channel::<Job>(8 * MAX_BATCH);
        tokio::spawn(async move {
            let mut batch: Vec<Job> = Vec::with_capacity(MAX_BATCH);
            while let Some(first) = jobs.recv().await {
                batch.push(first);
                // Whatever else is waiting goes in the same commit; nothing waits on purpose.
                while batch.len() < MAX_BATCH {
                    match jobs.try_recv() {
                        Ok(job) => batch.push(job),
                        Err(_) => break,
                    }
                }
                match write_batch(&pool, &batch).await {
                    Ok(advanced) => {
                        for (job, a) in batch.drain(..).zip(advanced) {
                            let _ = job.reply.send(Ok(a));
                        }
                    }
                    Err(e) => {
                        tracing::error!(error = %e, saves = batch.len(), "a batch of saves failed to commit");
                        let failed = Failed {
                            message: e.to_string(),
                            unavailable: crate::server::db::is_unavailable(&e),
                        };
                        for job in batch.drain(..) {
                            let _ = job.reply.send(Err(failed.clone()));
                        }
                    }
                }
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

async fn write_batch(pool: &sqlx::AnyPool, batch: &[Job]) -> Result<Vec<bool>, sqlx::Error> {
    let mut tx = crate::server::db::begin_write(pool, crate::server::db::DbKind::Sqlite).await?;
    let mut advanced = Vec::with_capacity(batch.len());
    for job in batch {
        advanced.push(match &job.write {
            Write::Save(save) => write_save(&mut tx, save).await?,
            Write::Position {
                attempt_id,
                position,
            } => {
                super::view::record_position(&mut tx, attempt_id, *position).await?;
                true
            }
        });
    }
    tx.commit().await?;
    Ok(advanced)
}
