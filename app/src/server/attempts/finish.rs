//! Submitting and scoring, the deadline finalizer, and credit for server downtime.

use sqlx::Row;

use certamen_engine::scoring::{RawScore, ScaledScore};
use certamen_item_bank::exam::Release;

use super::record::owned;
use super::scoring;
use crate::dto;
use crate::server::bank;
use crate::server::db::{flag, Db};
use crate::server::error::AppError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubmittedBy {
    Candidate,
    Deadline,
}

impl SubmittedBy {
    fn as_str(self) -> &'static str {
        match self {
            SubmittedBy::Candidate => "candidate",
            SubmittedBy::Deadline => "deadline",
        }
    }
}

/// Where a submitted attempt's result stands, from its row (`released_at`, `invalidated_at`,
/// `invalidated_reason`).
pub fn result_state(row: &sqlx::any::AnyRow) -> Result<dto::ResultState, AppError> {
    Ok(
        if row.try_get::<Option<i64>, _>("invalidated_at")?.is_some() {
            dto::ResultState::Invalidated(
                row.try_get::<Option<String>, _>("invalidated_reason")?
                    .unwrap_or_default(),
            )
        } else if row.try_get::<Option<i64>, _>("released_at")?.is_some() {
            dto::ResultState::Released
        } else {
            dto::ResultState::UnderReview
        },
    )
}

/// Submits and scores the attempt exactly once; `false` if it was already submitted.
pub async fn submit(
    db: &Db,
    now: i64,
    attempt_id: &str,
    by: SubmittedBy,
) -> Result<bool, AppError> {
    let header = sqlx::query(
        "SELECT exam_id, exam_version, practice, CAST(CASE WHEN item_pool IS NULL THEN 0 ELSE 1 END AS BIGINT) AS adaptive \
         FROM attempts WHERE id = $1",
    )
        .bind(attempt_id)
        .fetch_one(&db.pool)
        .await?;
    let exam = bank::exam_version(
        db,
        &header.try_get::<String, _>("exam_id")?,
        header.try_get("exam_version")?,
    )
    .await?;

    let mut tx = db.begin().await?;
    // Whoever flips the status owns the scoring; anyone else (a second server, a repeated
    // click, the finalizer racing the candidate) sees 0 rows and stops.
    let flipped = sqlx::query(
        "UPDATE attempts SET status = 'submitted', submitted_at = $1, submitted_by = $2 \
         WHERE id = $3 AND status = 'in_progress'",
    )
    .bind(now)
    .bind(by.as_str())
    .bind(attempt_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if flipped == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    let items = scoring::delivered(&mut tx, attempt_id).await?;
    let rules = scoring::rules(&mut tx).await?;
    // Scored as the attempt was delivered (an adaptive attempt, practice or real, has its pool).
    let adaptive = header.try_get::<i64, _>("adaptive")? != 0;
    let scoring::Scored {
        correct,
        total,
        passed,
        json: score_json,
        ..
    } = scoring::score(&exam, &items, adaptive, &rules)?;
    sqlx::query("UPDATE attempts SET raw_correct = $1, raw_total = $2, passed = $3, score = $4 WHERE id = $5")
        .bind(i64::from(correct))
        .bind(i64::from(total))
        .bind(flag(passed))
        .bind(score_json)
        .bind(attempt_id)
        .execute(&mut *tx)
        .await?;
    // The result reaches the candidate now, or once staff release it (a practice result
    // always at once); a released pass certifies an eligible candidate.
    let practice = header.try_get::<i64, _>("practice")? != 0;
    if practice || exam.results.release == Release::Immediate {
        sqlx::query("UPDATE attempts SET released_at = $1 WHERE id = $2")
            .bind(now)
            .bind(attempt_id)
            .execute(&mut *tx)
            .await?;
        crate::server::registry::certify_if_eligible(&mut tx, attempt_id, now).await?;
    }
    tx.commit().await?;
    tracing::info!(
        attempt = attempt_id,
        by = by.as_str(),
        correct,
        total,
        "attempt submitted"
    );
    Ok(true)
}

/// Submits every open attempt whose deadline has passed; returns how many this call submitted.
pub async fn finalize_expired(db: &Db, now: i64) -> Result<u32, AppError> {
    let rows = sqlx::query("SELECT id FROM attempts WHERE status = 'in_progress' AND deadline_at <= $1 ORDER BY deadline_at LIMIT 200")
        .bind(now)
        .fetch_all(&db.pool)
        .await?;
    let mut done = 0;
    for row in rows {
        let id: String = row.try_get("id")?;
        // One attempt that cannot be finished is logged and left for the next round; it must
        // not hold up every other attempt whose time is up.
        match submit(db, now, &id, SubmittedBy::Deadline).await {
            Ok(true) => done += 1,
            Ok(false) => {}
            Err(e) => {
                tracing::error!(attempt = %id, error = %e, "finishing an expired attempt failed")
            }
        }
    }
    Ok(done)
}

/// Records that this process is alive at `now`.
pub async fn heartbeat(db: &Db, now: i64) -> Result<(), AppError> {
    db.write(
        sqlx::query(
            "INSERT INTO service_heartbeat (id, alive_at) VALUES (1, $1) \
         ON CONFLICT (id) DO UPDATE SET alive_at = excluded.alive_at \
         WHERE service_heartbeat.alive_at < excluded.alive_at",
        )
        .bind(now),
    )
    .await?;
    Ok(())
}

/// The heartbeat, at start-up and on every beat: if no server reached the database for longer
/// than `gap_threshold_ms` (all were down, or the database was), gives every open attempt that
/// was still running then the whole outage back (invariant 2), and beats. Returns the outage
/// length and how many attempts were credited. Safe with several servers at once: only the one
/// that moves the heartbeat from the old value credits.
pub async fn credit_downtime(
    db: &Db,
    now: i64,
    gap_threshold_ms: i64,
) -> Result<Option<(i64, u64)>, AppError> {
    let last: Option<i64> = sqlx::query("SELECT alive_at FROM service_heartbeat WHERE id = 1")
        .fetch_optional(&db.pool)
        .await?
        .map(|r| r.try_get("alive_at"))
        .transpose()?;
    let Some(last) = last else {
        heartbeat(db, now).await?;
        return Ok(None);
    };
    let gap = now - last;
    if gap <= gap_threshold_ms {
        heartbeat(db, now).await?;
        return Ok(None);
    }
    let mut tx = db.begin().await?;
    let claimed =
        sqlx::query("UPDATE service_heartbeat SET alive_at = $1 WHERE id = 1 AND alive_at = $2")
            .bind(now)
            .bind(last)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    if claimed == 0 {
        tx.rollback().await?;
        return Ok(None);
    }
    let credited = sqlx::query(
        "UPDATE attempts SET credited_ms = credited_ms + $1, deadline_at = deadline_at + $1 \
         WHERE status = 'in_progress' AND deadline_at > $2",
    )
    .bind(gap)
    .bind(last)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    sqlx::query("INSERT INTO outages (began_at, ended_at, credited_attempts) VALUES ($1, $2, $3)")
        .bind(last)
        .bind(now)
        .bind(i64::try_from(credited).unwrap_or(i64::MAX))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Some((gap, credited)))
}

/// One competency on a report: id, correct, total, percent, band.
type CompetencyRow = (String, u32, u32, f64, Option<String>);

/// The headline of a report, whichever way the attempt was scored.
struct Summary {
    correct: u32,
    total: u32,
    percent: f64,
    cut_percent: u32,
    passed: bool,
    scaled: Option<dto::ScaledResult>,
}

/// The candidate's score report for a submitted attempt.
pub async fn report(db: &Db, user_id: i64, attempt_id: &str) -> Result<dto::Report, AppError> {
    let attempt = owned(db, user_id, attempt_id).await?;
    if attempt.is_open() {
        return Err(AppError::Conflict(crate::t!(
            "exam-error-not-submitted-yet"
        )));
    }
    let row = sqlx::query(
        "SELECT a.score, a.submitted_at, a.submitted_by, a.released_at, a.invalidated_at, \
         a.invalidated_reason, u.display_name, c.number AS certificate FROM attempts a \
         JOIN users u ON u.id = a.user_id LEFT JOIN certifications c ON c.attempt_id = a.id \
         WHERE a.id = $1",
    )
    .bind(&attempt.id)
    .fetch_one(&db.pool)
    .await?;
    let lang = crate::i18n::page_lang().code();
    let exam = bank::exam_version(db, &attempt.exam_id, attempt.exam_version).await?;
    let submitted_at: i64 = row.try_get("submitted_at")?;
    // What every report says; the score is filled in below only once it is released:
    // nothing of it leaves the server before release (or after invalidation).
    let mut report = dto::Report {
        attempt_id: attempt.id.clone(),
        exam_title: exam.title_in(lang).to_string(),
        candidate_name: row.try_get("display_name")?,
        submitted_at_ms: submitted_at,
        submitted_on: super::start::day_text(submitted_at),
        by_deadline: row.try_get::<String, _>("submitted_by")? == "deadline",
        correct: 0,
        total: 0,
        percent: 0.0,
        cut_percent: 0,
        passed: false,
        scaled: None,
        areas: Vec::new(),
        practice: attempt.practice,
        state: result_state(&row)?,
        certificate: None,
    };
    if report.state != dto::ResultState::Released {
        return Ok(report);
    }
    let stored = row.try_get::<String, _>("score")?;
    let unreadable =
        |e: serde_json::Error| AppError::Internal(format!("stored score unreadable: {e}"));
    // One row per competency the attempt had items of: (id, correct, total, percent, band).
    let (summary, rows): (Summary, Vec<CompetencyRow>) = if attempt.adaptive {
        let s: ScaledScore = serde_json::from_str(&stored).map_err(unreadable)?;
        let percent = if s.items > 0 {
            100.0 * f64::from(s.correct) / f64::from(s.items)
        } else {
            0.0
        };
        (
            Summary {
                correct: s.correct,
                total: s.items,
                percent,
                cut_percent: 0,
                passed: s.passed,
                scaled: Some(dto::ScaledResult {
                    scaled: s.scaled,
                    scaled_cut: s.scaled_cut,
                    scale_min: s.scale_min,
                    scale_max: s.scale_max,
                }),
            },
            s.competencies
                .into_iter()
                .map(|c| (c.competency, 0, c.items, 0.0, Some(c.band)))
                .collect(),
        )
    } else {
        let s: RawScore = serde_json::from_str(&stored).map_err(unreadable)?;
        (
            Summary {
                correct: s.correct,
                total: s.total,
                percent: s.percent,
                cut_percent: s.cut_percent,
                passed: s.passed,
                scaled: None,
            },
            s.competencies
                .into_iter()
                .map(|c| (c.competency, c.correct, c.total, c.percent, None))
                .collect(),
        )
    };
    // The exam's names in the page's language (its definition may give them in Spanish).
    let areas = exam
        .content_areas
        .iter()
        .map(|area| dto::AreaResult {
            name: exam.name_in(lang, &area.id, &area.name).to_string(),
            competencies: area
                .competencies
                .iter()
                .filter_map(|c| {
                    let (_, correct, total, percent, band) =
                        rows.iter().find(|r| r.0 == c.id)?.clone();
                    Some(dto::CompetencyResult {
                        id: c.id.clone(),
                        name: exam.name_in(lang, &c.id, &c.name).to_string(),
                        correct,
                        total,
                        percent,
                        band,
                    })
                })
                .collect(),
        })
        .filter(|area| !area.competencies.is_empty())
        .collect();
    report.correct = summary.correct;
    report.total = summary.total;
    report.percent = summary.percent;
    report.cut_percent = summary.cut_percent;
    report.passed = summary.passed;
    report.scaled = summary.scaled;
    report.areas = areas;
    report.certificate = row.try_get("certificate")?;
    Ok(report)
}
