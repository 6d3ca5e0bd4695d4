//! Background work: the deadline finalizer, the heartbeat that measures downtime, and session
//! clean-up. Every job is idempotent and safe to run in several processes at once.

use std::sync::Arc;
use std::time::Duration;

use super::attempts;
use super::clock::Clock;
use super::db::Db;
use super::session_store::DbSessionStore;

/// One pass of every job; returns how many attempts the finalizer submitted.
pub async fn run_once(db: &Db, clock: &dyn Clock) -> u32 {
    let now = clock.now_ms();
    if let Err(e) = attempts::heartbeat(db, now).await {
        tracing::warn!(error = %e, "heartbeat failed");
    }
    match attempts::finalize_expired(db, now).await {
        Ok(n) => {
            if n > 0 {
                tracing::info!(submitted = n, "submitted attempts whose time ran out");
            }
            n
        }
        Err(e) => {
            tracing::warn!(error = %e, "deadline finalizer failed; will retry");
            0
        }
    }
}

pub fn spawn(
    db: Db,
    clock: Arc<dyn Clock>,
    sessions: DbSessionStore,
    every: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(every);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut passes: u64 = 0;
        loop {
            ticker.tick().await;
            run_once(&db, clock.as_ref()).await;
            passes += 1;
            if passes.is_multiple_of(720) {
                if let Err(e) = sessions.delete_expired().await {
                    tracing::warn!(error = %e, "session clean-up failed");
                }
            }
        }
    })
}
