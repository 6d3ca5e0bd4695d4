//! The scheduled break. Its allowance is added to the stored deadline when it begins and the
//! unused part taken back when the candidate returns, so `deadline_at` always equals the
//! engine's `AttemptClock::deadline()` and the deadline finalizer needs no special case.
//!
//! An accommodation may give several breaks. The clock knows one break at a time, so once a
//! break is behind the candidate and another is to come, `settle` moves the time it credited
//! into `credited_ms` (the deadline does not move) and clears it; the next break then starts
//! afresh, at the next scheduled place.

use super::record::{ensure_open, owned, AttemptRow};
use crate::server::db::Db;
use crate::server::error::AppError;

/// Makes way for the next break once the current one is behind the candidate (see the module
/// note). Returns the attempt as it now stands. Safe to repeat: a second settle finds nothing
/// to do, and two at once cannot both apply (the update names the break it clears).
pub async fn settle(db: &Db, now: i64, attempt: AttemptRow) -> Result<AttemptRow, AppError> {
    if !attempt.break_to_settle(now) {
        return Ok(attempt);
    }
    db.write(sqlx::query(
        "UPDATE attempts SET credited_ms = credited_ms + $1, break_started_at = NULL, \
         break_ended_at = NULL, breaks_left = breaks_left - 1, break_after = break_after + break_interval \
         WHERE id = $2 AND break_started_at = $3 AND COALESCE(break_ended_at, -1) = $4 \
         AND breaks_left > 0",
    )
    .bind(attempt.clock.break_credit_ms())
    .bind(&attempt.id)
    .bind(attempt.clock.break_started_at)
    // The break as read: a return recorded meanwhile changes what it credits.
    .bind(attempt.clock.break_ended_at.unwrap_or(-1))
    )
    .await?;
    owned(db, attempt.user_id, &attempt.id).await
}

pub async fn start_break(
    db: &Db,
    now: i64,
    user_id: i64,
    attempt_id: &str,
) -> Result<(), AppError> {
    let attempt = settle(db, now, owned(db, user_id, attempt_id).await?).await?;
    ensure_open(&attempt, now)?;
    if !attempt.break_available() {
        return Err(AppError::Conflict(crate::t!(
            "exam-error-break-unavailable",
            n = attempt.break_after
        )));
    }
    let done = db.write(sqlx::query(
        "UPDATE attempts SET break_started_at = $1, deadline_at = deadline_at + break_allowance_ms \
         WHERE id = $2 AND status = 'in_progress' AND break_started_at IS NULL AND break_declined = 0 AND deadline_at > $1",
    )
    .bind(now)
    .bind(&attempt.id)
    )
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
    db.write(
        sqlx::query(
            "UPDATE attempts SET break_ended_at = $1, deadline_at = deadline_at - $2 \
         WHERE id = $3 AND break_started_at IS NOT NULL AND break_ended_at IS NULL",
        )
        .bind(now)
        .bind(unused)
        .bind(&attempt.id),
    )
    .await?;
    settle(db, now, owned(db, user_id, attempt_id).await?).await?;
    Ok(())
}

pub async fn decline_break(
    db: &Db,
    now: i64,
    user_id: i64,
    attempt_id: &str,
) -> Result<(), AppError> {
    let attempt = settle(db, now, owned(db, user_id, attempt_id).await?).await?;
    ensure_open(&attempt, now)?;
    // "Not now" on a break that may be taken at any point keeps it; a skip of a break not on
    // offer (a second click, a reload of the form) changes nothing.
    if attempt.break_anytime || !attempt.break_available() {
        return Ok(());
    }
    // Skipping one of several scheduled breaks moves on to the next; skipping the last ends
    // the offers. The update names the break as read, so a repeat cannot skip two.
    db.write(sqlx::query(
        "UPDATE attempts SET \
         break_declined = CASE WHEN breaks_left > 0 THEN 0 ELSE 1 END, \
         break_after = CASE WHEN breaks_left > 0 THEN break_after + break_interval ELSE break_after END, \
         breaks_left = CASE WHEN breaks_left > 0 THEN breaks_left - 1 ELSE 0 END \
         WHERE id = $1 AND break_started_at IS NULL AND break_after = $2 AND breaks_left = $3",
    )
    .bind(&attempt.id)
    .bind(attempt.break_after)
    .bind(attempt.breaks_left)
    )
    .await?;
    Ok(())
}
