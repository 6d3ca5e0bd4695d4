//! Retiring an item must leave every exam able to start: if the approved pool without it can
//! no longer fill an exam's blueprint, every candidate's start would fail, so the retirement
//! is refused with the numbers.

use std::collections::HashSet;

use certamen_item_bank::exam::DeliveryMode;
use sqlx::Row;

use super::attempts;
use super::bank;
use super::db::{Db, DbKind};
use super::error::AppError;

/// Refuses retiring `item_id` when an exam could not be assembled from the approved pool
/// without it. Call inside the retirement's transaction `tx`, after its item lock: on
/// PostgreSQL it also takes a lock that makes retirements check one at a time (SQLite has one
/// writer), so two retirements at once cannot each leave the other's competency one short.
pub async fn check_retire(
    tx: &mut sqlx::AnyConnection,
    db: &Db,
    item_id: &str,
) -> Result<(), AppError> {
    if db.kind == DbKind::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock(730001)")
            .execute(&mut *tx)
            .await?;
    }
    let pool = bank::approved_pool(db).await?;
    let Some(retired) = pool.iter().find(|e| e.id == item_id) else {
        // Not in the live pool (a practice item, or not deliverable): no exam depends on it.
        return Ok(());
    };
    let competency = retired.competency.clone();
    let without: Vec<_> = pool.iter().filter(|e| e.id != item_id).cloned().collect();
    let exams: Vec<String> = sqlx::query("SELECT DISTINCT id FROM exams ORDER BY id")
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| r.try_get("id"))
        .collect::<Result<_, _>>()?;
    for exam_id in exams {
        let (_, exam) = bank::latest_exam(db, &exam_id).await?;
        let Some(needed) = exam.competency(&competency).map(|c| c.items) else {
            continue;
        };
        let fills = |items: &[bank::PoolEntry]| match exam.delivery.mode {
            DeliveryMode::Cat => attempts::plan(&exam, items).is_ok(),
            DeliveryMode::Loft | DeliveryMode::Fixed => {
                let seed = exam.delivery.form_seed.unwrap_or(1);
                attempts::linear_form(&exam, items, &HashSet::new(), seed).is_ok()
            }
        };
        // A pool that already cannot fill the exam is not this retirement's doing.
        if fills(&pool) && !fills(&without) {
            let have = pool.iter().filter(|e| e.competency == competency).count();
            return Err(AppError::Conflict(format!(
                "item {item_id} cannot be retired: exam {exam_id} needs {needed} items of competency {competency} on every form and the approved pool has {have}, {left} without this item, so no exam could start; approve another {competency} item first",
                left = have - 1
            )));
        }
    }
    Ok(())
}
