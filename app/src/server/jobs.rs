//! Background work: the deadline finalizer, the heartbeat that measures downtime, and session
//! clean-up. Every job is idempotent and safe to run in several processes at once.

use std::sync::Arc;
use std::time::Duration;

use super::attempts;
use super::clock::Clock;
use super::db::Db;
use super::session_store::DbSessionStore;

/// One pass of every job; returns how many attempts the finalizer submitted, and whether the
/// heartbeat reached the database.
///
/// `silent_for` is how long (in real time) this process has gone without a heartbeat reaching
/// the database. Beyond `downtime_threshold_ms` the heartbeat also credits downtime, as at
/// start-up: a database that was unreachable for a while (every server alive, none able to
/// save an answer) is downtime for the candidates too. Only then: the servers' clock may
/// also jump (tests move theirs by minutes), and a jump is not an outage when the heartbeat
/// kept getting through. Crediting comes before the finalizer, so an attempt whose deadline
/// passed during the outage gets its time back instead of being submitted.
pub async fn run_once(
    db: &Db,
    clock: &dyn Clock,
    silent_for: Duration,
    downtime_threshold: Duration,
) -> (u32, bool) {
    let now = clock.now_ms();
    let beat = if silent_for > downtime_threshold {
        let threshold_ms = i64::try_from(downtime_threshold.as_millis()).unwrap_or(i64::MAX);
        attempts::credit_downtime(db, now, threshold_ms)
            .await
            .map(|credited| {
                if let Some((gap, n)) = credited {
                    tracing::warn!(
                        downtime_ms = gap,
                        attempts = n,
                        "the database was out of reach for a while: the time was credited to open attempts"
                    );
                }
            })
    } else {
        attempts::heartbeat(db, now).await
    };
    if let Err(e) = &beat {
        tracing::warn!(error = %e, "heartbeat failed");
    }
    let submitted = match attempts::finalize_expired(db, now).await {
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
    };
    (submitted, beat.is_ok())
}

pub fn spawn(
    db: Db,
    clock: Arc<dyn Clock>,
    sessions: DbSessionStore,
    every: Duration,
    downtime_threshold: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(every);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut passes: u64 = 0;
        // The server beat (and credited any downtime) as it started.
        let mut last_beat = std::time::Instant::now();
        loop {
            ticker.tick().await;
            let (_, beat) =
                run_once(&db, clock.as_ref(), last_beat.elapsed(), downtime_threshold).await;
            if beat {
                last_beat = std::time::Instant::now();
            }
            passes += 1;
            if passes.is_multiple_of(720) {
                if let Err(e) = sessions.delete_expired().await {
                    tracing::warn!(error = %e, "session clean-up failed");
                }
            }
        }
    })
}
