//! The scheduled break. Its allowance is added to the stored deadline when it begins and the
//! unused part taken back when the candidate returns, so `deadline_at` always equals the
//! engine's `AttemptClock::deadline()` and the deadline finalizer needs no special case.

use super::record::{ensure_open, owned};
use crate::server::db::Db;
use crate::server::error::AppError;

pub async fn start_break(
    db: &Db,
    now: i64,
    user_id: i64,
    attempt_id: &str,
) -> Result<(), AppError> {
    let attempt = owned(db, user_id, attempt_id).await?;
    ensure_open(&attempt, now)?;
    if !attempt.break_available() {
        return Err(AppError::Conflict(crate::t!(
            "exam-error-break-unavailable",
            n = attempt.break_after
        )));
    }
    let done = sqlx::query(
        "UPDATE attempts SET break_started_at = $1, deadline_at = deadline_at + break_allowance_ms \
         WHERE id = $2 AND status = 'in_progress' AND break_started_at IS NULL AND break_declined = 0 AND deadline_at > $1",
    )
    .bind(now)
    .bind(&attempt.id)
    .execute(&db.pool)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::Conflict(crate::t!("exam-error-break-started")));
    }
    Ok(())
}

pub async fn end_break(db: &Db, now: i64, user_id: i64, attempt_id: &str) -> Result<(), AppError> {
    let attempt = owned(db, user_id, attempt_id).await?;
    ensure_open(&attempt, now)?;
    let Some(began) = attempt
        .clock
        .break_started_at
        .filter(|_| attempt.clock.break_ended_at.is_none())
    else {
        return Err(AppError::Conflict(crate::t!("exam-error-not-on-break")));
    };
    let used = (now - began).clamp(0, attempt.clock.break_allowance_ms);
    let unused = attempt.clock.break_allowance_ms - used;
    sqlx::query(
        "UPDATE attempts SET break_ended_at = $1, deadline_at = deadline_at - $2 \
         WHERE id = $3 AND break_started_at IS NOT NULL AND break_ended_at IS NULL",
    )
    .bind(now)
    .bind(unused)
    .bind(&attempt.id)
    .execute(&db.pool)
    .await?;
    Ok(())
}

pub async fn decline_break(
    db: &Db,
    now: i64,
    user_id: i64,
    attempt_id: &str,
) -> Result<(), AppError> {
    let attempt = owned(db, user_id, attempt_id).await?;
    ensure_open(&attempt, now)?;
    if attempt.break_anytime {
        // "Not now": the break stays available until the candidate takes it.
        return Ok(());
    }
    sqlx::query(
        "UPDATE attempts SET break_declined = 1 WHERE id = $1 AND break_started_at IS NULL",
    )
    .bind(&attempt.id)
    .execute(&db.pool)
    .await?;
    Ok(())
}
