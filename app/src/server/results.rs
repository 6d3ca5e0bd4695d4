//! Results for program staff: the list of real attempts with filters, releasing a result held
//! for review, and invalidating an attempt for a recorded reason. Each decision is written
//! with its audit entry in one transaction.

use sqlx::Row;

use super::audit;
use super::db::Db;
use super::error::AppError;
use super::users::User;
use crate::dto::ResultRow;

/// The filters the list offers: which results (`state`) and which outcome.
pub const STATES: [&str; 4] = ["all", "under_review", "released", "invalidated"];
pub const OUTCOMES: [&str; 3] = ["all", "passed", "not_passed"];

/// Submitted real attempts, newest first, as the filters say (unknown filter values are
/// refused by the caller, see `check_filter`).
pub async fn list(db: &Db, state: &str, outcome: &str) -> Result<Vec<ResultRow>, AppError> {
    let state_clause = match state {
        "under_review" => " AND a.released_at IS NULL AND a.invalidated_at IS NULL",
        "released" => " AND a.released_at IS NOT NULL AND a.invalidated_at IS NULL",
        "invalidated" => " AND a.invalidated_at IS NOT NULL",
        _ => "",
    };
    let outcome_clause = match outcome {
        "passed" => " AND a.passed = 1",
        "not_passed" => " AND a.passed = 0",
        _ => "",
    };
    let rows = sqlx::query(&format!(
        "SELECT a.id, a.exam_id, a.submitted_at, a.raw_correct, a.raw_total, a.passed, a.released_at, \
         a.invalidated_at, a.invalidated_reason, u.display_name, u.email, c.number AS certificate \
         FROM attempts a JOIN users u ON u.id = a.user_id LEFT JOIN certifications c ON c.attempt_id = a.id \
         WHERE a.status = 'submitted' AND a.practice = 0{state_clause}{outcome_clause} \
         ORDER BY a.submitted_at DESC LIMIT 500"
    ))
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(ResultRow {
                attempt_id: row.try_get("id")?,
                candidate: row.try_get("display_name")?,
                email: row.try_get("email")?,
                exam_id: row.try_get("exam_id")?,
                submitted_on: super::attempts::day_text(
                    row.try_get::<Option<i64>, _>("submitted_at")?.unwrap_or(0),
                ),
                correct: count(row, "raw_correct")?,
                total: count(row, "raw_total")?,
                passed: row.try_get::<Option<i64>, _>("passed")? == Some(1),
                state: super::attempts::result_state(row)?,
                certificate: row.try_get("certificate")?,
            })
        })
        .collect()
}

fn count(row: &sqlx::any::AnyRow, column: &str) -> Result<u32, AppError> {
    Ok(u32::try_from(row.try_get::<Option<i64>, _>(column)?.unwrap_or(0)).unwrap_or(0))
}

/// Refuses a filter value the page never sends, naming it.
pub fn check_filter(name: &str, value: &str, allowed: &[&str]) -> Result<(), AppError> {
    if value.is_empty() || allowed.contains(&value) {
        Ok(())
    } else {
        Err(AppError::BadRequest(format!(
            "{name} {value:?} is not one of {}",
            allowed.join(", ")
        )))
    }
}

/// Releases a result held for review; a pass certifies an eligible candidate.
pub async fn release(
    db: &Db,
    staff: &User,
    attempt_id: &str,
    now: i64,
    site: &str,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let done = sqlx::query(
        "UPDATE attempts SET released_at = $1 WHERE id = $2 AND status = 'submitted' \
         AND practice = 0 AND released_at IS NULL AND invalidated_at IS NULL",
    )
    .bind(now)
    .bind(attempt_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        drop(tx);
        return Err(why_not(db, attempt_id, "released").await);
    }
    let certificate = super::registry::certify_if_eligible(&mut tx, attempt_id, now).await?;
    audit::append(
        &mut tx,
        db.kind,
        now,
        staff,
        "result.release",
        &format!("attempt:{attempt_id}"),
        serde_json::json!({ "certificate": certificate }),
    )
    .await?;
    let candidate: i64 = sqlx::query_scalar("SELECT user_id FROM attempts WHERE id = $1")
        .bind(attempt_id)
        .fetch_one(&mut *tx)
        .await?;
    super::mail::notify(
        &mut tx,
        now,
        candidate,
        super::mail::Notice::ResultReleased,
        site,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Invalidates a submitted attempt for a reason the candidate will read, inside `tx` (the
/// approval of its proposal: see `proposals`). A certification the attempt earned is revoked
/// with it. `Ok(false)`: the attempt cannot be invalidated (none, open, practice, or already).
pub async fn invalidate_in(
    tx: &mut sqlx::AnyConnection,
    kind: super::db::DbKind,
    approver: &User,
    proposer: &str,
    attempt_id: &str,
    reason: &str,
    now: i64,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE attempts SET invalidated_at = $1, invalidated_reason = $2 WHERE id = $3 \
         AND status = 'submitted' AND practice = 0 AND invalidated_at IS NULL",
    )
    .bind(now)
    .bind(reason)
    .bind(attempt_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    let revoked = sqlx::query(
        "UPDATE certifications SET status = 'revoked', status_reason = $1, status_changed_at = $2 \
         WHERE attempt_id = $3 AND status <> 'revoked'",
    )
    .bind(format!("the exam attempt was invalidated: {reason}"))
    .bind(now)
    .bind(attempt_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    audit::append(
        tx,
        kind,
        now,
        approver,
        "result.invalidate",
        &format!("attempt:{attempt_id}"),
        serde_json::json!({ "reason": reason, "certification_revoked": revoked > 0, "proposed_by": proposer, "approved_by": approver.email }),
    )
    .await?;
    Ok(true)
}

/// Whether an attempt can be invalidated now, and if not why (for a proposal).
pub async fn check_invalidatable(db: &Db, attempt_id: &str) -> Result<(), AppError> {
    let row = sqlx::query("SELECT status, practice, invalidated_at FROM attempts WHERE id = $1")
        .bind(attempt_id)
        .fetch_optional(&db.pool)
        .await?;
    let Some(row) = row else {
        return Err(AppError::NotFound(format!(
            "there is no attempt {attempt_id}"
        )));
    };
    if row.try_get::<String, _>("status")? != "submitted"
        || row.try_get::<i64, _>("practice")? != 0
        || row.try_get::<Option<i64>, _>("invalidated_at")?.is_some()
    {
        return Err(why_not(db, attempt_id, "invalidated").await);
    }
    Ok(())
}

/// Why a release or invalidation changed nothing: no such attempt, or its state.
async fn why_not(db: &Db, attempt_id: &str, verb: &str) -> AppError {
    let row = sqlx::query(
        "SELECT status, practice, released_at, invalidated_at FROM attempts WHERE id = $1",
    )
    .bind(attempt_id)
    .fetch_optional(&db.pool)
    .await;
    let Ok(Some(row)) = row else {
        return AppError::NotFound(format!("there is no attempt {attempt_id}"));
    };
    let get = |c: &str| row.try_get::<Option<i64>, _>(c).ok().flatten();
    let state = if row.try_get::<String, _>("status").ok().as_deref() != Some("submitted") {
        "not submitted yet"
    } else if get("practice") == Some(1) {
        "a practice attempt"
    } else if get("invalidated_at").is_some() {
        "already invalidated"
    } else if get("released_at").is_some() {
        "already released"
    } else {
        "changed meanwhile"
    };
    AppError::Conflict(format!(
        "attempt {attempt_id} cannot be {verb}: it is {state}"
    ))
}
