//! Rescoring: staff correct an item version's key or drop it from scoring, see the effect on
//! every attempt that has it, then apply it. Preview and apply run the same computation
//! (`effect`, over `attempts::scoring`), and applying refuses if the effect is no longer the one
//! previewed (an attempt submitted or rescored since), so what staff saw is what is stored.
//!
//! Applying writes, in one transaction: the rescoring, the rule in force for that version
//! (later attempts are scored with it too), each changed score before and after
//! (`score_changes`), the attempts' new scores, the certifications a changed outcome earns or
//! loses, and an audit entry for the rescoring and for every score it changed.

use sha2::{Digest, Sha256};
use sqlx::Row;

use certamen_item_bank::item::{indexes_of, key_text, parse_key};

use super::attempts::scoring::{self, Rules, Scored, ScoringRule};
use super::audit;
use super::bank;
use super::db::{flag, Db, DbKind};
use super::error::AppError;
use super::users::User;
use crate::dto::{RescoreEffect, RescorePreview, RescoringRow};

/// What staff ask for: a corrected key (letters as authored, "B" or "A, C") or a drop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub item_id: String,
    pub version: i64,
    pub rule: ScoringRule,
}

/// Reads the form's fields (`change` is "key" or "drop"), checking them against the item
/// version; every mistake names its field.
pub async fn parse_request(
    db: &Db,
    item_id: &str,
    version: &str,
    change: &str,
    key: &str,
) -> Result<Request, AppError> {
    let item_id = item_id.trim().to_string();
    let version: i64 = version.trim().parse().map_err(|_| {
        AppError::BadRequest(format!(
            "version: {version:?} is not an item version number"
        ))
    })?;
    let row =
        sqlx::query("SELECT key_mask, option_count FROM items WHERE id = $1 AND version = $2")
            .bind(&item_id)
            .bind(version)
            .fetch_optional(&db.pool)
            .await?
            .ok_or_else(|| {
                AppError::NotFound(format!("item {item_id:?} has no version {version}"))
            })?;
    let authored: i64 = row.try_get("key_mask")?;
    let options: i64 = row.try_get("option_count")?;
    let rule = match change {
        "drop" => ScoringRule::Dropped,
        "key" => {
            let keys = parse_key(key.trim(), usize::try_from(options).unwrap_or(0))
                .map_err(|e| AppError::BadRequest(format!("key: {key:?} {e}")))?;
            let mask = certamen_item_bank::item::mask_of(&keys);
            // Candidates were told how many answers to choose; a key of another size would
            // score them against a question they were not asked.
            if mask.count_ones() != authored.count_ones() {
                return Err(AppError::BadRequest(format!(
                    "key: the question asked for {} answer(s), so the corrected key must name {} (got {:?})",
                    authored.count_ones(),
                    authored.count_ones(),
                    key.trim()
                )));
            }
            ScoringRule::Key(mask)
        }
        other => {
            return Err(AppError::BadRequest(format!(
                "change: {other:?} is neither \"key\" (correct the key) nor \"drop\" (leave the item out of scoring)"
            )))
        }
    };
    Ok(Request {
        item_id,
        version,
        rule,
    })
}

/// The rule as words: "key corrected to B" or "dropped from scoring".
pub fn rule_text(rule: ScoringRule) -> String {
    match rule {
        ScoringRule::Key(mask) => format!("key corrected to {}", key_text(&indexes_of(mask))),
        ScoringRule::Dropped => "dropped from scoring".into(),
    }
}

/// One affected attempt's score before and after.
struct Change {
    attempt_id: String,
    user_name: String,
    released: bool,
    invalidated: bool,
    old: Scored,
    new: Scored,
}

/// The attempts with this item version and what the rule makes of their scores, read through
/// `conn` (the apply transaction, or the pool for a preview).
async fn effect(
    conn: &mut sqlx::AnyConnection,
    request: &Request,
) -> Result<Vec<Change>, AppError> {
    let mut rules = scoring::rules(&mut *conn).await?;
    if rules.get(&(request.item_id.clone(), request.version)) == Some(&request.rule) {
        return Err(AppError::Conflict(format!(
            "item {} version {} is already {}",
            request.item_id,
            request.version,
            rule_text(request.rule)
        )));
    }
    let current: Rules = rules.clone();
    rules.insert((request.item_id.clone(), request.version), request.rule);
    let rows = sqlx::query(
        "SELECT a.id, a.exam_id, a.exam_version, a.raw_correct, a.raw_total, a.passed, a.score, \
         a.released_at, a.invalidated_at, u.display_name, \
         CAST(CASE WHEN a.item_pool IS NULL THEN 0 ELSE 1 END AS BIGINT) AS adaptive \
         FROM attempts a JOIN users u ON u.id = a.user_id \
         WHERE a.status = 'submitted' AND a.practice = 0 AND a.id IN \
         (SELECT attempt_id FROM attempt_items WHERE item_id = $1 AND item_version = $2) \
         ORDER BY a.submitted_at, a.id",
    )
    .bind(&request.item_id)
    .bind(request.version)
    .fetch_all(&mut *conn)
    .await?;
    let mut exams = std::collections::HashMap::new();
    let mut changes = Vec::with_capacity(rows.len());
    for row in &rows {
        let attempt_id: String = row.try_get("id")?;
        let key = (
            row.try_get::<String, _>("exam_id")?,
            row.try_get::<i64, _>("exam_version")?,
        );
        if !exams.contains_key(&key) {
            let definition: String =
                sqlx::query("SELECT definition FROM exams WHERE id = $1 AND version = $2")
                    .bind(&key.0)
                    .bind(key.1)
                    .fetch_one(&mut *conn)
                    .await?
                    .try_get("definition")?;
            exams.insert(key.clone(), bank::parse_exam(&definition)?);
        }
        let exam = &exams[&key];
        let items = scoring::delivered(&mut *conn, &attempt_id).await?;
        let adaptive = row.try_get::<i64, _>("adaptive")? != 0;
        // The score as stored is the "before"; it is what the current rules give (a check
        // that the stored score was not changed behind the scoring rules' back).
        let stored = Scored {
            correct: count(row, "raw_correct")?,
            total: count(row, "raw_total")?,
            passed: row.try_get::<Option<i64>, _>("passed")? == Some(1),
            json: row
                .try_get::<Option<String>, _>("score")?
                .unwrap_or_default(),
            reported: 0.0,
        };
        let old = scoring::score(exam, &items, adaptive, &current)?;
        if (old.correct, old.total, old.passed) != (stored.correct, stored.total, stored.passed) {
            return Err(AppError::Internal(format!(
                "attempt {attempt_id}: its stored score is not what its scoring rules give; rescoring stops"
            )));
        }
        let new = scoring::score(exam, &items, adaptive, &rules)?;
        changes.push(Change {
            attempt_id,
            user_name: row.try_get("display_name")?,
            released: row.try_get::<Option<i64>, _>("released_at")?.is_some(),
            invalidated: row.try_get::<Option<i64>, _>("invalidated_at")?.is_some(),
            old,
            new,
        });
    }
    Ok(changes)
}

fn count(row: &sqlx::any::AnyRow, column: &str) -> Result<u32, AppError> {
    Ok(u32::try_from(row.try_get::<Option<i64>, _>(column)?.unwrap_or(0)).unwrap_or(0))
}

/// A fingerprint of an effect: every attempt with its new score. Apply refuses a different one.
fn digest(request: &Request, changes: &[Change]) -> String {
    let mut h = Sha256::new();
    h.update(format!(
        "{}#{}:{:?}\n",
        request.item_id, request.version, request.rule
    ));
    for c in changes {
        h.update(format!("{}:{}\n", c.attempt_id, c.new.json));
    }
    super::crypto::hex(&h.finalize())
}

fn to_dto(c: &Change) -> RescoreEffect {
    RescoreEffect {
        attempt_id: c.attempt_id.clone(),
        candidate: c.user_name.clone(),
        invalidated: c.invalidated,
        released: c.released,
        old_correct: c.old.correct,
        old_total: c.old.total,
        old_reported: c.old.reported,
        old_passed: c.old.passed,
        new_correct: c.new.correct,
        new_total: c.new.total,
        new_reported: c.new.reported,
        new_passed: c.new.passed,
    }
}

/// What the rescoring would do to every attempt with the item version; nothing is written.
pub async fn preview(db: &Db, request: &Request) -> Result<RescorePreview, AppError> {
    let mut conn = db.pool.acquire().await?;
    let changes = effect(&mut conn, request).await?;
    Ok(RescorePreview {
        item_id: request.item_id.clone(),
        version: request.version,
        change: rule_text(request.rule),
        outcomes_changed: count_outcomes(&changes),
        digest: digest(request, &changes),
        attempts: changes.iter().map(to_dto).collect(),
    })
}

fn count_outcomes(changes: &[Change]) -> u32 {
    u32::try_from(
        changes
            .iter()
            .filter(|c| c.old.passed != c.new.passed)
            .count(),
    )
    .unwrap_or(u32::MAX)
}

/// Applies the rescoring previewed as `expected_digest`; returns its id.
pub async fn apply(
    db: &Db,
    staff: &User,
    request: &Request,
    reason: &str,
    expected_digest: &str,
    now: i64,
) -> Result<i64, AppError> {
    let reason = super::forms::required_reason(
        reason,
        "a rescoring needs a reason for the record (what was wrong with the item)",
    )?;
    let mut tx = db.begin().await?;
    // One rescoring at a time, and no attempt scored meanwhile with the rules it replaces:
    // on PostgreSQL the table lock makes a submit's read of the rules wait (SQLite's first
    // write below takes its one writer's lock).
    if db.kind == DbKind::Postgres {
        sqlx::query("LOCK TABLE scoring_rules IN ACCESS EXCLUSIVE MODE")
            .execute(&mut *tx)
            .await?;
    }
    let (kind, key_mask) = match request.rule {
        ScoringRule::Key(mask) => ("key", Some(mask)),
        ScoringRule::Dropped => ("drop", None),
    };
    let id: i64 = sqlx::query(
        "INSERT INTO rescorings (item_id, item_version, kind, key_mask, reason, decided_by, decided_at, \
         attempts, outcomes_changed) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 0) RETURNING id",
    )
    .bind(&request.item_id)
    .bind(request.version)
    .bind(kind)
    .bind(key_mask)
    .bind(reason)
    .bind(staff.id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    let changes = effect(&mut tx, request).await?;
    if digest(request, &changes) != expected_digest {
        return Err(AppError::Conflict(
            "the effect is no longer the one you previewed (an attempt with this item was submitted or rescored since): nothing was changed; preview it again".into(),
        ));
    }
    sqlx::query("UPDATE rescorings SET attempts = $1, outcomes_changed = $2 WHERE id = $3")
        .bind(i64::try_from(changes.len()).unwrap_or(i64::MAX))
        .bind(i64::from(count_outcomes(&changes)))
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM scoring_rules WHERE item_id = $1 AND item_version = $2")
        .bind(&request.item_id)
        .bind(request.version)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO scoring_rules (item_id, item_version, key_mask, dropped, rescoring_id) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&request.item_id)
    .bind(request.version)
    .bind(key_mask)
    .bind(flag(request.rule == ScoringRule::Dropped))
    .bind(id)
    .execute(&mut *tx)
    .await?;
    audit::append(
        &mut tx,
        db.kind,
        now,
        staff,
        "score.rescore",
        &format!("item:{}#{}", request.item_id, request.version),
        serde_json::json!({
            "rescoring": id,
            "change": rule_text(request.rule),
            "reason": reason,
            "attempts": changes.len(),
            "outcomes_changed": count_outcomes(&changes),
        }),
    )
    .await?;
    for c in &changes {
        record_change(&mut tx, db.kind, staff, id, c, now).await?;
    }
    tx.commit().await?;
    tracing::info!(
        rescoring = id,
        item = %request.item_id,
        attempts = changes.len(),
        "rescoring applied"
    );
    Ok(id)
}

/// Stores one attempt's new score with its before and after, and what a changed outcome does
/// to the certification: a new pass certifies an eligible candidate (once the result is
/// released), a lost pass revokes the certification it earned.
async fn record_change(
    tx: &mut sqlx::AnyConnection,
    kind: DbKind,
    staff: &User,
    rescoring: i64,
    c: &Change,
    now: i64,
) -> Result<(), AppError> {
    if c.old.json == c.new.json {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO score_changes (rescoring_id, attempt_id, old_correct, old_total, old_passed, \
         old_score, new_correct, new_total, new_passed, new_score) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(rescoring)
    .bind(&c.attempt_id)
    .bind(i64::from(c.old.correct))
    .bind(i64::from(c.old.total))
    .bind(flag(c.old.passed))
    .bind(&c.old.json)
    .bind(i64::from(c.new.correct))
    .bind(i64::from(c.new.total))
    .bind(flag(c.new.passed))
    .bind(&c.new.json)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE attempts SET raw_correct = $1, raw_total = $2, passed = $3, score = $4 WHERE id = $5",
    )
    .bind(i64::from(c.new.correct))
    .bind(i64::from(c.new.total))
    .bind(flag(c.new.passed))
    .bind(&c.new.json)
    .bind(&c.attempt_id)
    .execute(&mut *tx)
    .await?;
    let mut certification = serde_json::Value::Null;
    if c.old.passed != c.new.passed && !c.invalidated {
        if c.new.passed && c.released {
            // A pass an earlier rescoring took away gets its certification back; a first
            // pass certifies an eligible candidate.
            let restored = sqlx::query(
                "UPDATE certifications SET status = 'active', status_reason = $1, status_changed_at = $2 \
                 WHERE attempt_id = $3 AND status = 'revoked' AND status_reason LIKE 'rescoring %' \
                 AND NOT EXISTS (SELECT 1 FROM certifications o WHERE o.user_id = certifications.user_id \
                 AND o.attempt_id <> $3 AND o.status <> 'revoked' AND o.expires_at > $2)",
            )
            .bind(format!("rescoring {rescoring}: the exam attempt passes again"))
            .bind(now)
            .bind(&c.attempt_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            let had: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM certifications WHERE attempt_id = $1")
                    .bind(&c.attempt_id)
                    .fetch_one(&mut *tx)
                    .await?;
            if restored > 0 {
                certification = serde_json::json!({ "restored": true });
            } else if had == 0 {
                if let Some(number) =
                    super::registry::certify_if_eligible(tx, &c.attempt_id, now).await?
                {
                    certification = serde_json::json!({ "issued": number });
                }
            }
        } else if !c.new.passed {
            let revoked = sqlx::query(
                "UPDATE certifications SET status = 'revoked', status_reason = $1, status_changed_at = $2 \
                 WHERE attempt_id = $3 AND status <> 'revoked'",
            )
            .bind(format!(
                "rescoring {rescoring}: the exam attempt no longer passes"
            ))
            .bind(now)
            .bind(&c.attempt_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if revoked > 0 {
                certification = serde_json::json!({ "revoked": true });
            }
        }
    }
    audit::append(
        tx,
        kind,
        now,
        staff,
        "score.change",
        &format!("attempt:{}", c.attempt_id),
        serde_json::json!({
            "rescoring": rescoring,
            "before": { "correct": c.old.correct, "total": c.old.total, "passed": c.old.passed },
            "after": { "correct": c.new.correct, "total": c.new.total, "passed": c.new.passed },
            "certification": certification,
        }),
    )
    .await?;
    Ok(())
}

/// Every rescoring, newest first.
pub async fn list(db: &Db) -> Result<Vec<RescoringRow>, AppError> {
    let rows = sqlx::query(
        "SELECT r.id, r.item_id, r.item_version, r.kind, r.key_mask, r.reason, r.decided_at, \
         r.attempts, r.outcomes_changed, u.email FROM rescorings r JOIN users u ON u.id = r.decided_by \
         ORDER BY r.id DESC",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let rule = if r.try_get::<String, _>("kind")? == "drop" {
                ScoringRule::Dropped
            } else {
                ScoringRule::Key(r.try_get::<Option<i64>, _>("key_mask")?.unwrap_or(0))
            };
            Ok(RescoringRow {
                id: r.try_get("id")?,
                item_id: r.try_get("item_id")?,
                version: r.try_get("item_version")?,
                change: rule_text(rule),
                reason: r.try_get("reason")?,
                decided_by: r.try_get("email")?,
                decided_on: super::attempts::day_text(r.try_get("decided_at")?),
                attempts: count(r, "attempts")?,
                outcomes_changed: count(r, "outcomes_changed")?,
            })
        })
        .collect()
}
