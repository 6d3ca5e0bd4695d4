//! Read models for the candidate's pages. Only what a candidate may see leaves this module:
//! never a key, a rationale, or an item that has not been presented (invariant 3).

use sqlx::Row;

use certamen_engine::scoring::ScaledScore;

use super::finish::{submit, SubmittedBy};
use super::record::{owned, AttemptRow, Reader, ATTEMPT_COLUMNS};
use crate::dto;
use crate::server::db::Db;
use crate::server::error::AppError;
use crate::server::{accommodations, applications, bank};

/// Where a candidate returning to this attempt should land.
pub fn resume_target(attempt: &AttemptRow, now: i64) -> String {
    if !attempt.is_open() || now >= attempt.clock.deadline() {
        format!("/attempts/{}/report", attempt.id)
    } else if attempt.clock.on_break(now) {
        format!("/attempts/{}/break", attempt.id)
    } else {
        format!(
            "/attempts/{}/items/{}",
            attempt.id,
            attempt.current_position.max(1)
        )
    }
}

/// An open attempt past its deadline is submitted on the spot, so a late page view never
/// shows a question that can no longer be answered.
async fn open_or_redirect(
    db: &Db,
    now: i64,
    user_id: i64,
    attempt_id: &str,
) -> Result<Result<AttemptRow, String>, AppError> {
    let attempt = owned(db, user_id, attempt_id).await?;
    still_open(db, now, attempt).await
}

/// [`open_or_redirect`] for an attempt already read.
async fn still_open(
    db: &Db,
    now: i64,
    attempt: AttemptRow,
) -> Result<Result<AttemptRow, String>, AppError> {
    let attempt = super::breaks::settle(db, now, attempt).await?;
    if attempt.is_open() && now >= attempt.clock.deadline() {
        submit(db, now, &attempt.id, SubmittedBy::Deadline).await?;
        return Ok(Err(format!("/attempts/{}/report", attempt.id)));
    }
    if !attempt.is_open() {
        return Ok(Err(format!("/attempts/{}/report", attempt.id)));
    }
    Ok(Ok(attempt))
}

/// The attempt's question at one position, as stored.
struct Question {
    option_order: String,
    choice_mask: Option<i64>,
    struck_mask: i64,
    flagged: bool,
    item_id: String,
    item_version: i64,
}

/// The candidate's attempt, its question at `position` (if it has one) and every question's
/// state in position order, in one query: an item page is the most frequent read of exam day.
async fn attempt_and_question(
    db: &Db,
    reader: &Reader<'_>,
    attempt_id: &str,
    position: u32,
) -> Result<(AttemptRow, Option<Question>, Vec<dto::QuestionMark>), AppError> {
    let id = super::record::parse_attempt_id(attempt_id)?;
    // Every question's state is kept on the attempt's row (`marks.rs`).
    let select = format!(
        "{ATTEMPT_COLUMNS}, q.option_order, q.choice_mask AS q_choice, q.struck_mask, \
         q.flagged AS q_flagged, q.item_id, q.item_version, a.marks"
    );
    let joins = "LEFT JOIN attempt_items q ON q.attempt_id = a.id AND q.position = $2";
    let (row, attempt) =
        super::record::owned_row_at(db, reader, &select, joins, &id, position).await?;
    let question = match row.try_get::<Option<String>, _>("option_order")? {
        Some(option_order) => Some(Question {
            option_order,
            choice_mask: row.try_get("q_choice")?,
            struck_mask: row.try_get("struck_mask")?,
            flagged: row.try_get::<i64, _>("q_flagged")? != 0,
            item_id: row.try_get("item_id")?,
            item_version: row.try_get("item_version")?,
        }),
        None => None,
    };
    let marks = super::marks::parse(&row.try_get::<String, _>("marks")?)?;
    Ok((attempt, question, marks))
}

/// The display indexes (in display order) of the options in a bit set of authored indexes.
fn displayed(order: &[usize], mask: i64) -> Vec<u32> {
    order
        .iter()
        .enumerate()
        .filter(|(_, &authored)| authored < 63 && mask & (1i64 << authored) != 0)
        .filter_map(|(display, _)| u32::try_from(display).ok())
        .collect()
}

/// One question as the candidate sees it, or the page to go to instead.
pub async fn item_page(
    db: &Db,
    now: i64,
    reader: &Reader<'_>,
    attempt_id: &str,
    position: u32,
) -> Result<Result<dto::ItemPage, String>, AppError> {
    let (attempt, question, marks) = attempt_and_question(db, reader, attempt_id, position).await?;
    let attempt = match still_open(db, now, attempt).await? {
        Ok(a) => a,
        Err(target) => return Ok(Err(target)),
    };
    if attempt.clock.on_break(now) {
        return Ok(Err(format!("/attempts/{}/break", attempt.id)));
    }
    let total = u32::try_from(marks.len()).unwrap_or(u32::MAX);
    let answered = u32::try_from(marks.iter().filter(|m| m.answered).count()).unwrap_or(u32::MAX);
    let adaptive = if attempt.adaptive {
        // Forward only: the newest question is the only one there is to see.
        let newest = total;
        if position != newest {
            return Ok(Err(format!("/attempts/{}/items/{newest}", attempt.id)));
        }
        Some(adaptive_progress(db, &attempt).await?)
    } else {
        None
    };
    let Some(question) = question else {
        return Err(AppError::NotFound(crate::t!(
            "exam-error-question-missing",
            n = position,
            total = total
        )));
    };
    let item = bank::item_version(db, &question.item_id, question.item_version).await?;
    let order: Vec<usize> = question
        .option_order
        .split(',')
        .map(|s| {
            s.parse()
                .map_err(|_| AppError::Internal("stored option order unreadable".into()))
        })
        .collect::<Result<_, _>>()?;
    // The attempt's question language, where the item has that version (else English).
    let (text, language) = match (attempt.language.as_str(), &item.es) {
        ("es", Some(es)) => (es, "es"),
        _ => (&item.en, "en"),
    };
    let options = order
        .iter()
        .map(|&i| {
            text.options
                .get(i)
                .cloned()
                .ok_or_else(|| AppError::Internal("option order out of range".into()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    // The chosen options' display indexes, in display order.
    let choices = displayed(&order, question.choice_mask.unwrap_or(0));
    let struck = displayed(&order, question.struck_mask);
    // The question list for jumping (linear exams only: an adaptive one goes forward only).
    let questions = if attempt.adaptive { Vec::new() } else { marks };
    // How many options to choose is part of the question, never the key itself.
    let select = item.key_indexes().map_or(1, |k| k.len());
    // Remember where the candidate is, so closing the browser resumes here (a write only when
    // it moved; on SQLite it rides with the next group commit of saves).
    if attempt.current_position != i64::from(position) {
        set_current_position(db, &attempt.id, position).await?;
    }
    let break_offered = attempt.clock.break_started_at.is_none() && !attempt.break_declined;
    Ok(Ok(dto::ItemPage {
        attempt_id: attempt.id.clone(),
        position,
        total,
        stem: text.stem.clone(),
        language: language.to_string(),
        attempt_language: attempt.language.clone(),
        options,
        choices,
        struck,
        questions,
        select: u32::try_from(select).unwrap_or(1),
        flagged: question.flagged,
        next_seq: attempt.last_seq + 1,
        remaining_ms: attempt.clock.remaining_ms(now),
        limit_ms: attempt.clock.limit_ms,
        answered,
        break_after: if break_offered {
            u32::try_from(attempt.break_after).unwrap_or(0)
        } else {
            0
        },
        adaptive,
        scenario: item.scenario.as_ref().map(|s| match (language, &s.es) {
            ("es", Some(es)) => es.clone(),
            _ => s.en.clone(),
        }),
        speech: attempt.speech,
        practice: attempt.practice,
        break_now: attempt.break_anytime && attempt.break_available(),
    }))
}

pub async fn review(
    db: &Db,
    now: i64,
    user_id: i64,
    attempt_id: &str,
) -> Result<Result<dto::Review, String>, AppError> {
    let attempt = match open_or_redirect(db, now, user_id, attempt_id).await? {
        Ok(a) => a,
        Err(target) => return Ok(Err(target)),
    };
    if attempt.adaptive {
        // An adaptive exam has no review: it ends when its stopping rule is met.
        return Ok(Err(resume_target(&attempt, now)));
    }
    let rows = sqlx::query(
        "SELECT ai.position, ai.choice_mask, ai.flagged, i.key_mask FROM attempt_items ai \
         JOIN items i ON i.id = ai.item_id AND i.version = ai.item_version \
         WHERE ai.attempt_id = $1 ORDER BY ai.position",
    )
    .bind(&attempt.id)
    .fetch_all(&db.pool)
    .await?;
    let rows = rows
        .iter()
        .map(|r| {
            Ok(dto::ReviewRow {
                position: u32::try_from(r.try_get::<i64, _>("position")?).unwrap_or(0),
                chosen: r
                    .try_get::<Option<i64>, _>("choice_mask")?
                    .map_or(0, i64::count_ones),
                // Only the number of options to choose leaves the server, not which.
                select: r.try_get::<i64, _>("key_mask")?.count_ones(),
                flagged: r.try_get::<i64, _>("flagged")? != 0,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(Ok(dto::Review {
        attempt_id: attempt.id.clone(),
        rows,
        remaining_ms: attempt.clock.remaining_ms(now),
        limit_ms: attempt.clock.limit_ms,
    }))
}

pub async fn break_page(
    db: &Db,
    now: i64,
    user_id: i64,
    attempt_id: &str,
) -> Result<Result<dto::BreakPage, String>, AppError> {
    let attempt = match open_or_redirect(db, now, user_id, attempt_id).await? {
        Ok(a) => a,
        Err(target) => return Ok(Err(target)),
    };
    let state = if let Some(left) = attempt.clock.break_remaining_ms(now) {
        dto::BreakState::OnBreak {
            break_remaining_ms: left,
            break_length_ms: attempt.clock.break_allowance_ms,
        }
    } else if attempt.break_available() {
        // The attempt's own allowance: an accommodation may have lengthened it.
        dto::BreakState::Offered {
            minutes: u32::try_from(attempt.clock.break_allowance_ms / 60_000).unwrap_or(0),
            anytime: attempt.break_anytime,
        }
    } else {
        dto::BreakState::Unavailable
    };
    Ok(Ok(dto::BreakPage {
        attempt_id: attempt.id.clone(),
        state,
        exam_remaining_ms: attempt.clock.remaining_ms(now),
        resume_position: u32::try_from(attempt.current_position.max(1)).unwrap_or(1),
    }))
}

pub async fn dashboard(
    db: &Db,
    now: i64,
    user: &crate::server::users::User,
) -> Result<dto::Dashboard, AppError> {
    let mut exams = Vec::new();
    for exam_id in bank::exam_ids(db).await? {
        let (_, exam) = bank::latest_exam(db, &exam_id).await?;
        let rows = sqlx::query(&format!(
            "SELECT {ATTEMPT_COLUMNS}, submitted_at, raw_correct, raw_total, passed, score, \
             released_at, invalidated_at, invalidated_reason FROM attempts a \
             WHERE a.user_id = $1 AND a.exam_id = $2 ORDER BY a.started_at"
        ))
        .bind(user.id)
        .bind(&exam_id)
        .fetch_all(&db.pool)
        .await?;
        // Real attempts and practice attempts are listed and numbered apart; only real ones
        // count against the attempt limit.
        let mut open_attempt = None;
        let mut past = Vec::new();
        let mut practice_open = None;
        let mut practice_past = Vec::new();
        let mut starts = Vec::new();
        for row in &rows {
            let a = super::record::from_row(row)?;
            if !a.practice {
                starts.push(a.clock.started_at);
            }
            let (open, list) = if a.practice {
                (&mut practice_open, &mut practice_past)
            } else {
                (&mut open_attempt, &mut past)
            };
            if a.is_open() {
                *open = Some(a.id.clone());
                continue;
            }
            let state = super::finish::result_state(row)?;
            // A result not released shows no score, not even here.
            let shown = state == dto::ResultState::Released;
            let correct: i64 = row
                .try_get::<Option<i64>, _>("raw_correct")?
                .filter(|_| shown)
                .unwrap_or(0);
            let total: i64 = row.try_get::<Option<i64>, _>("raw_total")?.unwrap_or(0);
            let number = list.len() + 1;
            list.push(dto::PastAttempt {
                id: a.id.clone(),
                number: u32::try_from(number).unwrap_or(u32::MAX),
                submitted_at_ms: row.try_get::<Option<i64>, _>("submitted_at")?.unwrap_or(0),
                percent: if total > 0 {
                    100.0 * correct as f64 / total as f64
                } else {
                    0.0
                },
                passed: shown && row.try_get::<Option<i64>, _>("passed")?.unwrap_or(0) != 0,
                scaled: if a.adaptive && shown {
                    row.try_get::<Option<String>, _>("score")?
                        .and_then(|s| serde_json::from_str::<ScaledScore>(&s).ok())
                        .map(|s| s.scaled)
                } else {
                    None
                },
                state,
            });
        }
        let counted = super::start::attempts_counted(&exam, &starts, now);
        let practice = match &exam.practice {
            Some(p) => Some(dto::PracticeCard {
                questions: u32::try_from(bank::practice_pool(db).await?.len()).unwrap_or(0),
                time_limit_minutes: p.time_limit_minutes,
                open_attempt: practice_open,
                past: practice_past,
                language: crate::server::accounts::preferred_language(db, user.id)
                    .await?
                    .unwrap_or_else(|| "en".to_string()),
            }),
            None => None,
        };
        exams.push(dto::ExamCard {
            id: exam.id.clone(),
            title: exam.title_in(crate::i18n::page_lang().code()).to_string(),
            form_length: exam.form_length,
            time_limit_minutes: exam.time_limit_minutes,
            max_attempts: exam.max_attempts,
            attempts_used: counted.0,
            window_days: exam.attempt_window_days,
            next_attempt_on: counted.1.map(super::start::day_text),
            open_attempt,
            past,
            practice,
        });
    }
    let (accommodation, application) = if user.role == crate::dto::Role::Candidate {
        (
            Some(accommodations::summary(db, user.id).await?),
            Some(
                applications::latest_status(db, user.id)
                    .await?
                    .unwrap_or_else(|| "none".to_string()),
            ),
        )
    } else {
        (None, None)
    };
    let certification = if user.role == crate::dto::Role::Candidate {
        // The candidate sees what the public sees; the staff reason stays with staff.
        crate::server::registry::of_user(db, now, user.id)
            .await?
            .map(|mut c| {
                c.reason = None;
                c.attempt_id.clear();
                c
            })
    } else {
        None
    };
    Ok(dto::Dashboard {
        display_name: user.display_name.clone(),
        role: user.role,
        exams,
        accommodation,
        application,
        certification,
        passkey_needed: matches!(user.role, dto::Role::Staff | dto::Role::Admin)
            && !user.console_sign_in,
        account_changes: Vec::new(),
    })
}

pub async fn instructions(
    db: &Db,
    now: i64,
    user_id: i64,
    exam_id: &str,
) -> Result<dto::Instructions, AppError> {
    let (_, exam) = bank::latest_exam(db, exam_id).await?;
    let rows = sqlx::query(
        "SELECT id, status, started_at FROM attempts WHERE user_id = $1 AND exam_id = $2 AND practice = 0 \
         ORDER BY started_at",
    )
    .bind(user_id)
    .bind(exam_id)
    .fetch_all(&db.pool)
    .await?;
    let mut open_attempt = None;
    for r in &rows {
        if r.try_get::<String, _>("status")? == "in_progress" {
            open_attempt = Some(r.try_get("id")?);
        }
    }
    let starts = rows
        .iter()
        .map(|r| r.try_get::<i64, _>("started_at"))
        .collect::<Result<Vec<_>, _>>()?;
    let (used, next) = super::start::attempts_counted(&exam, &starts, now);
    Ok(dto::Instructions {
        exam_id: exam.id.clone(),
        title: exam.title_in(crate::i18n::page_lang().code()).to_string(),
        paragraphs: exam
            .instructions_in(crate::i18n::page_lang().code())
            .to_vec(),
        open_attempt,
        attempts_left: exam.max_attempts.saturating_sub(used),
        next_attempt_on: next.map(super::start::day_text),
        accommodation: accommodations::active_profile(db, user_id)
            .await?
            .map(|(_, p)| p.describe(Some(exam.time_limit_minutes))),
        preferred_language: crate::server::accounts::preferred_language(db, user_id)
            .await?
            .unwrap_or_else(|| "en".to_string()),
    })
}

/// How many questions the attempt's form has.
pub async fn question_count(db: &Db, attempt_id: &str) -> Result<u32, AppError> {
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM attempt_items WHERE attempt_id = $1")
        .bind(attempt_id)
        .fetch_one(&db.pool)
        .await?
        .try_get("n")?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Where the candidate will resume; only ever set on an open attempt. It goes with the next
/// group commit of saves.
pub async fn set_current_position(
    db: &Db,
    attempt_id: &str,
    position: u32,
) -> Result<(), AppError> {
    match &db.saves {
        Some(writer) => writer.position(attempt_id, position).await,
        None => super::group_commit::write_alone(
            db,
            super::batch::Write::Position {
                attempt_id: attempt_id.to_string(),
                position,
            },
        )
        .await
        .map(|_| ()),
    }
}

/// How long an adaptive attempt may run: the exam's lengths, or every item of its stored pool
/// for a practice attempt (it gives them all).
async fn adaptive_progress(
    db: &Db,
    attempt: &AttemptRow,
) -> Result<dto::AdaptiveProgress, AppError> {
    if attempt.practice {
        let pool: Option<String> = sqlx::query("SELECT item_pool FROM attempts WHERE id = $1")
            .bind(&attempt.id)
            .fetch_one(&db.pool)
            .await?
            .try_get("item_pool")?;
        let n = super::adaptive::parse_pool(pool.as_deref().unwrap_or("[]"))?.len();
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        return Ok(dto::AdaptiveProgress {
            min_length: n,
            max_length: n,
        });
    }
    let exam = bank::exam_version(db, &attempt.exam_id, attempt.exam_version).await?;
    let cat = exam.delivery.cat.as_ref().ok_or_else(|| {
        AppError::Internal("an adaptive attempt of an exam without [delivery.cat]".into())
    })?;
    Ok(dto::AdaptiveProgress {
        min_length: cat.min_length,
        max_length: cat.max_length,
    })
}
