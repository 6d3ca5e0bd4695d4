//! Starting an attempt with the attempt's own ChaCha seed: a linear form assembled from the
//! blueprint (fixed or LOFT), or an adaptive attempt's pool and first item. Every delivered
//! item is stored with its exact version and parameters (invariant 4).

use sqlx::Row;

use std::collections::HashSet;

use certamen_engine::form::{assemble_linear, PoolItem};
use certamen_engine::random::attempt_rng;
use certamen_engine::timing::limit_ms;
use certamen_item_bank::exam::{DeliveryMode, ExamDefinition};

use super::adaptive;
use crate::server::bank::{self, PoolEntry};
use crate::server::db::Db;
use crate::server::error::AppError;
use crate::server::{accommodations, applications};

fn random_u64() -> Result<u64, AppError> {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).map_err(|e| AppError::Internal(format!("no OS randomness: {e}")))?;
    Ok(u64::from_le_bytes(b))
}

pub fn random_id() -> Result<String, AppError> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).map_err(|e| AppError::Internal(format!("no OS randomness: {e}")))?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

/// A linear form from the attempt's seed: each item with its option order.
pub fn linear_form(
    exam: &ExamDefinition,
    pool: &[PoolEntry],
    seen: &HashSet<String>,
    seed: u64,
) -> Result<Vec<(PoolEntry, Vec<u8>)>, AppError> {
    let blueprint = exam
        .blueprint()
        .map_err(|e| AppError::Internal(format!("exam {}: {e}", exam.id)))?;
    form_from(pool, &blueprint, seen, seed, &exam.id)
}

/// A linear form meeting `blueprint` from `pool`, each item with its option order.
fn form_from(
    pool: &[PoolEntry],
    blueprint: &certamen_engine::blueprint::Blueprint,
    seen: &HashSet<String>,
    seed: u64,
    exam_id: &str,
) -> Result<Vec<(PoolEntry, Vec<u8>)>, AppError> {
    let pool_items: Vec<PoolItem> = pool
        .iter()
        .map(|e| PoolItem {
            id: e.id.clone(),
            competency: e.competency.clone(),
            option_count: e.options,
            enemies: e.enemies.clone(),
            set: e.set.clone(),
        })
        .collect();
    let form = assemble_linear(&pool_items, blueprint, seen, &mut attempt_rng(seed))
        .map_err(|e| AppError::Internal(format!("exam {exam_id} cannot be assembled: {e}")))?;
    form.items
        .into_iter()
        .map(|item| {
            let entry = pool
                .iter()
                .find(|e| e.id == item.item_id)
                .cloned()
                .ok_or_else(|| {
                    AppError::Internal(format!("item {} left the pool", item.item_id))
                })?;
            Ok((entry, item.option_order))
        })
        .collect()
}

/// Refuses a new real attempt when the candidate has used every attempt the exam allows (in
/// its window), saying when the next one may start.
async fn refuse_if_none_left(
    db: &Db,
    exam: &ExamDefinition,
    user_id: i64,
    exam_id: &str,
    now: i64,
) -> Result<(), AppError> {
    let (used, next) = attempts_counted(exam, &attempt_starts(db, user_id, exam_id).await?, now);
    if used < exam.max_attempts {
        return Ok(());
    }
    Err(AppError::Forbidden(
        match (exam.attempt_window_days, next) {
            (Some(days), Some(at)) => crate::t!(
                "exam-error-attempts-used-window",
                max = exam.max_attempts,
                days = days,
                day = day_text(at)
            ),
            _ => crate::t!("exam-error-attempts-used", max = exam.max_attempts),
        },
    ))
}

/// How many real attempts a candidate may have started after a moment: the limit counted in
/// the new attempt's own transaction, after its insert, so two starts racing each other (or a
/// start racing a submit) cannot both take the last attempt.
#[derive(Debug, Clone, Copy)]
struct AttemptLimit {
    max: i64,
    /// Attempts started after this count (the exam's window; `i64::MIN`: all of them).
    counted_after: i64,
}

impl AttemptLimit {
    fn of(exam: &ExamDefinition, now: i64) -> AttemptLimit {
        AttemptLimit {
            max: i64::from(exam.max_attempts),
            counted_after: window_ms(exam).map_or(i64::MIN, |w| now - w),
        }
    }
}

/// Counts the candidate's real attempts the limit covers, the new one included.
const COUNT_COUNTED: &str = "SELECT COUNT(*) FROM attempts WHERE user_id = $1 AND exam_id = $2 \
     AND practice = 0 AND started_at > $3";

/// A real attempt, or the practice exam (never counted, any number of times).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptKind {
    Real,
    Practice,
}

async fn open_attempt(
    db: &Db,
    user_id: i64,
    exam_id: &str,
    kind: AttemptKind,
) -> Result<Option<String>, AppError> {
    let row = sqlx::query(
        "SELECT id FROM attempts WHERE user_id = $1 AND exam_id = $2 AND practice = $3 \
         AND status = 'in_progress'",
    )
    .bind(user_id)
    .bind(exam_id)
    .bind(i64::from(kind == AttemptKind::Practice))
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|r| r.try_get("id")).transpose()?)
}

/// The practice form: every deliverable practice item, grouped by competency in the exam's
/// order, options shuffled by the attempt's seed like a real form.
fn practice_form(
    exam: &ExamDefinition,
    pool: &[PoolEntry],
    seed: u64,
) -> Result<Vec<(PoolEntry, Vec<u8>)>, AppError> {
    use certamen_engine::blueprint::{Blueprint, CompetencyTarget};
    let targets: Vec<CompetencyTarget> = exam
        .competencies()
        .map(|(_, c)| CompetencyTarget {
            competency: c.id.clone(),
            items: u32::try_from(pool.iter().filter(|e| e.competency == c.id).count())
                .unwrap_or(u32::MAX),
        })
        .filter(|t| t.items > 0)
        .collect();
    if targets.is_empty() {
        return Err(AppError::NotFound(crate::t!(
            "exam-error-no-practice-questions",
            exam = &exam.id
        )));
    }
    let blueprint = Blueprint::new(targets)
        .map_err(|e| AppError::Internal(format!("practice blueprint of {}: {e}", exam.id)))?;
    form_from(pool, &blueprint, &HashSet::new(), seed, &exam.id)
}

/// The candidate's open attempt at `exam_id` of this kind, or a new one: a real attempt needs
/// an approved application and an attempt left; the practice exam needs neither.
pub async fn start_or_resume(
    db: &Db,
    now: i64,
    user_id: i64,
    exam_id: &str,
    kind: AttemptKind,
) -> Result<String, AppError> {
    if let Some(id) = open_attempt(db, user_id, exam_id, kind).await? {
        return Ok(id);
    }
    if kind == AttemptKind::Practice {
        return start_practice(db, now, user_id, exam_id).await;
    }
    applications::require_approved(db, user_id).await?;
    let (exam_version, exam) = bank::latest_exam(db, exam_id).await?;
    // Checked here so a candidate with none left costs no form assembly, and again in the
    // attempt's own transaction (`insert_attempt`), which decides.
    refuse_if_none_left(db, &exam, user_id, exam_id, now).await?;

    let pool = bank::approved_pool(db).await?;
    // Items from this candidate's earlier attempts at the exam: a retake prefers unseen items.
    let seen: HashSet<String> = sqlx::query(
        "SELECT DISTINCT ai.item_id AS item_id FROM attempt_items ai \
         JOIN attempts a ON a.id = ai.attempt_id WHERE a.user_id = $1 AND a.exam_id = $2 \
         AND a.practice = 0",
    )
    .bind(user_id)
    .bind(exam_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|row| row.try_get::<String, _>("item_id"))
    .collect::<Result<_, _>>()?;
    let (seed, begin) = match exam.delivery.mode {
        DeliveryMode::Loft => {
            let seed = random_u64()?;
            (seed, Start::Linear(linear_form(&exam, &pool, &seen, seed)?))
        }
        DeliveryMode::Fixed => {
            // Everyone's form comes from the same seed and the whole pool; the bank check
            // makes sure the seed is there.
            let seed = exam.delivery.form_seed.ok_or_else(|| {
                AppError::Internal(format!("exam {exam_id} is a fixed form without form_seed"))
            })?;
            (
                seed,
                Start::Linear(linear_form(&exam, &pool, &HashSet::new(), seed)?),
            )
        }
        DeliveryMode::Cat => {
            let seed = random_u64()?;
            let pool = adaptive::pool_for_attempt(&exam, pool, &seen).await?;
            let plan = adaptive::plan(&exam, &pool)?;
            let first = adaptive::replay(&plan, seed, &[])?.ok_or_else(|| {
                AppError::Internal(format!("exam {exam_id}: no item can start the test"))
            })?;
            (seed, Start::Adaptive { pool, first })
        }
    };

    let timing = Timing {
        minutes: exam.time_limit_minutes,
        break_after: exam.scheduled_break.after_item,
        break_minutes: exam.scheduled_break.minutes,
        questions: exam.form_length,
    };
    let begun = Begin {
        user_id,
        exam_id,
        exam_version,
        seed,
        kind: AttemptKind::Real,
        limit: Some(AttemptLimit::of(&exam, now)),
    };
    match insert_attempt(db, now, &begun, &timing, &begin).await {
        // No attempt of its own and none open: the last one was taken meanwhile.
        Err(AppError::Conflict(_)) if open_attempt(db, user_id, exam_id, kind).await?.is_none() => {
            refuse_if_none_left(db, &exam, user_id, exam_id, now).await?;
            Err(AppError::Conflict(crate::t!("exam-error-start-race")))
        }
        other => other,
    }
}

/// Starts a practice attempt: the practice form, its own time and break, an approved
/// accommodation applied as on the real exam.
async fn start_practice(
    db: &Db,
    now: i64,
    user_id: i64,
    exam_id: &str,
) -> Result<String, AppError> {
    let (exam_version, exam) = bank::latest_exam(db, exam_id).await?;
    let Some(practice) = exam.practice.clone() else {
        return Err(AppError::NotFound(format!(
            "exam {exam_id} offers no practice exam"
        )));
    };
    let pool = bank::practice_pool(db).await?;
    let seed = random_u64()?;
    // The practice goes the way the real exam goes: a linear form on a fixed or LOFT exam,
    // one question at a time chosen from the answers on an adaptive one.
    let (questions, begin) = if exam.delivery.mode == DeliveryMode::Cat {
        let plan = adaptive::plan_for(&exam, &pool, AttemptKind::Practice)?;
        let first = adaptive::replay(&plan, seed, &[])?.ok_or_else(|| {
            AppError::NotFound(crate::t!(
                "exam-error-no-practice-questions",
                exam = &exam.id
            ))
        })?;
        (pool.len(), Start::Adaptive { pool, first })
    } else {
        let form = practice_form(&exam, &pool, seed)?;
        (form.len(), Start::Linear(form))
    };
    let timing = Timing {
        minutes: practice.time_limit_minutes,
        break_after: u32::try_from(questions.div_ceil(2)).unwrap_or(1),
        break_minutes: practice.break_minutes,
        questions: u32::try_from(questions).unwrap_or(1),
    };
    let begun = Begin {
        user_id,
        exam_id,
        exam_version,
        seed,
        kind: AttemptKind::Practice,
        limit: None,
    };
    insert_attempt(db, now, &begun, &timing, &begin).await
}

/// What the attempt starts with: the whole linear form, or the adaptive pool and the
/// position of its first item in it.
enum Start {
    Linear(Vec<(PoolEntry, Vec<u8>)>),
    Adaptive { pool: Vec<PoolEntry>, first: usize },
}

/// Whose attempt at what, from which seed.
struct Begin<'a> {
    user_id: i64,
    exam_id: &'a str,
    exam_version: i64,
    seed: u64,
    kind: AttemptKind,
    /// The attempt limit of a real attempt (none for practice).
    limit: Option<AttemptLimit>,
}

/// The standard time, and where and how long the scheduled break is.
struct Timing {
    minutes: u32,
    break_after: u32,
    break_minutes: u32,
    /// The form's length, for spacing several breaks.
    questions: u32,
}

/// Where the first break comes, how many questions apart the others are, and how many follow
/// the first: one break stays where the exam puts it; several are spaced evenly (two in 120
/// questions: after 40 and 80).
fn break_plan(timing: &Timing, count: u32) -> (i64, i64, i64) {
    if count <= 1 {
        return (i64::from(timing.break_after), 0, 0);
    }
    let interval = i64::from((timing.questions / (count + 1)).max(1));
    (interval, interval, i64::from(count - 1))
}

/// Stores the new attempt and its first items in one transaction; if a start of the same
/// kind raced this one, returns that attempt instead.
async fn insert_attempt(
    db: &Db,
    now: i64,
    begun: &Begin<'_>,
    timing: &Timing,
    begin: &Start,
) -> Result<String, AppError> {
    let Begin {
        user_id,
        exam_id,
        exam_version,
        seed,
        kind,
        limit: attempt_limit,
    } = *begun;
    let id = random_id()?;
    // An approved accommodation sets the exam time and the break for attempts started after it.
    // The practice exam takes the time multiplier and speech; its short break stays its own.
    let profile = accommodations::active_profile(db, user_id).await?;
    let (limit, allowance) = match &profile {
        Some((_, p)) => (
            limit_ms(timing.minutes, f64::from(p.time_percent) / 100.0),
            i64::from(if kind == AttemptKind::Practice {
                timing.break_minutes
            } else {
                p.break_minutes
            }) * 60_000,
        ),
        None => (
            limit_ms(timing.minutes, 1.0),
            i64::from(timing.break_minutes) * 60_000,
        ),
    };
    // Several breaks apply to the practice exam too (each of its own short length).
    let (break_after, break_interval, breaks_left) =
        break_plan(timing, profile.as_ref().map_or(1, |(_, p)| p.break_count));
    // The attempt row's values after its id, in `INSERT_ATTEMPT`'s order. The seed's 64 bits
    // are stored as a signed BIGINT with the same bit pattern.
    let row = AttemptValues {
        user_id,
        exam_id: exam_id.to_string(),
        exam_version,
        seed: seed as i64,
        started_at: now,
        limit_ms: limit,
        break_after,
        break_allowance_ms: allowance,
        deadline_at: now + limit,
        accommodation_id: profile.as_ref().map(|(id, _)| *id),
        speech: i64::from(profile.as_ref().is_some_and(|(_, p)| p.speech)),
        practice: i64::from(kind == AttemptKind::Practice),
        break_anytime: i64::from(profile.as_ref().is_some_and(|(_, p)| p.break_anytime)),
        break_interval,
        breaks_left,
    };
    if let (Start::Linear(form), Some(writer)) = (begin, &db.saves) {
        let apply = linear_start_on_writer(id.clone(), row.clone(), attempt_limit, form);
        match writer.apply(apply).await {
            Some(Ok(true)) => {
                tracing::info!(attempt = %id, user_id, exam_id, practice = kind == AttemptKind::Practice, "attempt started");
                return Ok(id);
            }
            Some(Ok(false)) => return raced(db, user_id, exam_id, kind).await,
            Some(Err(e)) => return Err(e),
            // Not the SQLite thread: through the pool, below.
            None => {}
        }
    }
    let mut tx = db.begin().await?;
    // The insert comes first so SQLite takes its write lock at once (no read-then-write upgrade).
    let inserted = sqlx::query(INSERT_ATTEMPT)
        .bind(&id)
        .bind(row.user_id)
        .bind(row.exam_id)
        .bind(row.exam_version)
        .bind(row.seed)
        .bind(row.started_at)
        .bind(row.limit_ms)
        .bind(row.break_after)
        .bind(row.break_allowance_ms)
        .bind(row.deadline_at)
        .bind(row.accommodation_id)
        .bind(row.speech)
        .bind(row.practice)
        .bind(row.break_anytime)
        .bind(row.break_interval)
        .bind(row.breaks_left)
        .execute(&mut *tx)
        .await;
    if let Err(sqlx::Error::Database(e)) = &inserted {
        if e.is_unique_violation() {
            drop(tx);
            return raced(db, user_id, exam_id, kind).await;
        }
    }
    inserted?;
    if let Some(limit) = attempt_limit {
        // On PostgreSQL two starts' transactions do not see each other's insert; the lock on
        // the candidate's row makes the second wait for the first's commit, then count it.
        if db.kind == super::super::db::DbKind::Postgres {
            sqlx::query("SELECT id FROM users WHERE id = $1 FOR UPDATE")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        }
        let counted: i64 = sqlx::query_scalar(COUNT_COUNTED)
            .bind(user_id)
            .bind(exam_id)
            .bind(limit.counted_after)
            .fetch_one(&mut *tx)
            .await?;
        if counted > limit.max {
            drop(tx);
            return raced(db, user_id, exam_id, kind).await;
        }
    }
    match begin {
        Start::Linear(form) => {
            // The questions in a few statements of many rows, not one statement per question:
            // the transaction holds SQLite's one write lock, and under exam-day load each
            // statement's trip to the connection's thread and back could take milliseconds,
            // while every save's group commit waited behind the 120 of them.
            for (chunk, rows) in form.chunks(QUESTIONS_PER_INSERT).enumerate() {
                let sql = format!(
                    "INSERT INTO {} VALUES {}",
                    adaptive::QUESTION_COLUMNS,
                    super::batch::values(db.kind, rows.len(), 9)
                );
                let mut q = sqlx::query(&sql);
                for (i, (entry, order)) in rows.iter().enumerate() {
                    let position = chunk * QUESTIONS_PER_INSERT + i + 1;
                    let position = u32::try_from(position).unwrap_or(u32::MAX);
                    q = adaptive::bind_question(q, &id, position, entry, order);
                }
                q.execute(&mut *tx).await?;
            }
            super::marks::recompute(&mut tx, &id).await?;
        }
        Start::Adaptive { pool, first } => {
            let text =
                serde_json::to_string(pool).map_err(|e| AppError::Internal(e.to_string()))?;
            sqlx::query("UPDATE attempts SET item_pool = $1 WHERE id = $2")
                .bind(text)
                .bind(&id)
                .execute(&mut *tx)
                .await?;
            adaptive::insert_item(&mut tx, &id, seed, 1, &pool[*first]).await?;
        }
    }
    tx.commit().await?;
    tracing::info!(attempt = %id, user_id, exam_id, practice = kind == AttemptKind::Practice, "attempt started");
    Ok(id)
}

/// Another request started this candidate's attempt a moment ago: that one.
async fn raced(
    db: &Db,
    user_id: i64,
    exam_id: &str,
    kind: AttemptKind,
) -> Result<String, AppError> {
    open_attempt(db, user_id, exam_id, kind)
        .await?
        .ok_or_else(|| AppError::Conflict(crate::t!("exam-error-start-race")))
}

/// A new attempt's row: `$1` is its id, the rest [`AttemptValues`] in order.
const INSERT_ATTEMPT: &str =
    "INSERT INTO attempts (id, user_id, exam_id, exam_version, seed, status, started_at, limit_ms, \
     break_after, break_allowance_ms, deadline_at, accommodation_id, speech, practice, break_anytime, \
     break_interval, breaks_left) \
     VALUES ($1, $2, $3, $4, $5, 'in_progress', $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)";

/// What a new attempt's row holds beside its id, as [`INSERT_ATTEMPT`] binds it.
#[derive(Debug, Clone)]
struct AttemptValues {
    user_id: i64,
    exam_id: String,
    exam_version: i64,
    seed: i64,
    started_at: i64,
    limit_ms: i64,
    break_after: i64,
    break_allowance_ms: i64,
    deadline_at: i64,
    accommodation_id: Option<i64>,
    speech: i64,
    practice: i64,
    break_anytime: i64,
    break_interval: i64,
    breaks_left: i64,
}

/// A linear start's statements for the SQLite writer's thread (`sqlite_commit`): the attempt,
/// its questions and their states, in the next group commit. `false` when the insert found
/// this candidate's attempt of the same kind already open (a start raced this one).
fn linear_start_on_writer(
    id: String,
    row: AttemptValues,
    limit: Option<AttemptLimit>,
    form: &[(PoolEntry, Vec<u8>)],
) -> super::sqlite_commit::Apply {
    let questions: Vec<adaptive::QuestionValues> = form
        .iter()
        .map(|(entry, order)| adaptive::QuestionValues::of(entry, order))
        .collect();
    std::sync::Arc::new(move |conn: &rusqlite::Connection| {
        let r = &row;
        let inserted = conn
            .prepare_cached(INSERT_ATTEMPT)?
            .execute(rusqlite::params![
                id,
                r.user_id,
                r.exam_id,
                r.exam_version,
                r.seed,
                r.started_at,
                r.limit_ms,
                r.break_after,
                r.break_allowance_ms,
                r.deadline_at,
                r.accommodation_id,
                r.speech,
                r.practice,
                r.break_anytime,
                r.break_interval,
                r.breaks_left
            ]);
        match inserted {
            Err(rusqlite::Error::SqliteFailure(f, _))
                if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE =>
            {
                return Ok(false)
            }
            other => other?,
        };
        // The attempt limit, counted after the insert in the same transaction (its
        // savepoint is rolled back when it is exceeded).
        if let Some(limit) = limit {
            let counted: i64 = conn.prepare_cached(COUNT_COUNTED)?.query_row(
                rusqlite::params![r.user_id, r.exam_id, limit.counted_after],
                |row| row.get(0),
            )?;
            if counted > limit.max {
                return Ok(false);
            }
        }
        let mut insert = conn.prepare_cached(&format!(
            "INSERT INTO {} VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            adaptive::QUESTION_COLUMNS
        ))?;
        for (at, q) in questions.iter().enumerate() {
            let position = u32::try_from(at + 1).unwrap_or(u32::MAX);
            insert.execute(rusqlite::params![
                id, position, q.item_id, q.version, q.order, q.a, q.b, q.c, q.source
            ])?;
        }
        conn.prepare_cached(super::marks::RECOMPUTE)?
            .execute([&id])?;
        Ok(true)
    })
}

/// Questions per INSERT when an attempt starts: 9 values each, far below SQLite's (32,766) and
/// PostgreSQL's (65,535) limits on a statement's parameters.
const QUESTIONS_PER_INSERT: usize = 200;

/// When each of the candidate's real attempts at this exam started, oldest first.
pub async fn attempt_starts(db: &Db, user_id: i64, exam_id: &str) -> Result<Vec<i64>, AppError> {
    sqlx::query(
        "SELECT started_at FROM attempts WHERE user_id = $1 AND exam_id = $2 AND practice = 0 \
         ORDER BY started_at",
    )
    .bind(user_id)
    .bind(exam_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| r.try_get::<i64, _>("started_at").map_err(AppError::from))
    .collect()
}

/// Of attempts started at `started` (oldest first), those that count against `max_attempts`
/// at `now`: every one, or those started within the exam's window. Returns how many, and
/// (when none is left) the time the oldest counted one leaves the window, when the next
/// attempt may start.
pub fn attempts_counted(
    exam: &certamen_item_bank::exam::ExamDefinition,
    started: &[i64],
    now: i64,
) -> (u32, Option<i64>) {
    let window_ms = window_ms(exam);
    let counted: Vec<i64> = match window_ms {
        Some(w) => started.iter().copied().filter(|&t| t > now - w).collect(),
        None => started.to_vec(),
    };
    let n = u32::try_from(counted.len()).unwrap_or(u32::MAX);
    let next = match (window_ms, counted.first()) {
        (Some(w), Some(&oldest)) if n >= exam.max_attempts => Some(oldest + w),
        _ => None,
    };
    (n, next)
}

/// The exam's attempt window in ms, if it has one (attempts started within it count).
fn window_ms(exam: &ExamDefinition) -> Option<i64> {
    exam.attempt_window_days
        .map(|d| i64::from(d) * 24 * 60 * 60 * 1000)
}

/// A day as people read it in the page's language ("March 3, 2027", "3 de marzo de 2027"), in UTC.
pub fn day_text(ms: i64) -> String {
    use crate::i18n::Lang;
    // Fluent has no date formats of its own; the two languages' month names are here.
    const MESES: [&str; 12] = [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ];
    match time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000)) {
        Ok(t) => match crate::i18n::page_lang() {
            Lang::En => format!("{} {}, {}", t.month(), t.day(), t.year()),
            Lang::Es => format!(
                "{} de {} de {}",
                t.day(),
                MESES[usize::from(u8::from(t.month())) - 1],
                t.year()
            ),
        },
        Err(_) => crate::t!("date-later"),
    }
}
