//! Adaptive (CAT) delivery, forward only.
//!
//! The attempt's item pool (ids, versions, competencies and parameters) is stored when it
//! starts. Each next item is chosen by rebuilding the engine's [`AdaptiveTest`] from the
//! attempt's seed and the answers given so far, so any server can continue any attempt and the
//! whole path can be reproduced from the stored rows (invariant 4). An answer is final once the
//! candidate moves on: the save path refuses changes to any question but the newest.

use sqlx::Row;

use certamen_engine::cat::{
    parse_exposure_target, tune_sympson_hetter, AdaptiveTest, CatBank, ContentLimit, Design,
    Selection, StopRule,
};
use certamen_engine::irt::{EapSettings, ItemParams};
use certamen_engine::random::{attempt_rng, option_rng, shuffle, standard_normal};
use certamen_item_bank::exam::{CatSettings, ExamDefinition};

use super::finish::{submit, SubmittedBy};
use super::record::{ensure_open, owned};
use super::start::AttemptKind;
use crate::server::bank::{self, PoolEntry};
use crate::server::db::Db;
use crate::server::error::AppError;

/// The engine's view of one attempt: its bank and design.
pub struct Plan {
    bank: CatBank,
    design: Design,
}

fn settings(exam: &ExamDefinition) -> Result<&CatSettings, AppError> {
    exam.delivery.cat.as_ref().ok_or_else(|| {
        AppError::Internal(format!(
            "exam {} is adaptive but has no [delivery.cat]",
            exam.id
        ))
    })
}

/// The engine's parameters of every pool entry (each must have them).
fn pool_params(pool: &[PoolEntry]) -> Result<Vec<ItemParams>, AppError> {
    pool.iter()
        .map(|entry| {
            let p = entry.irt.ok_or_else(|| {
                AppError::Internal(format!("item {} has no IRT parameters", entry.id))
            })?;
            ItemParams::three_pl(p.a, p.b, p.c)
                .map_err(|e| AppError::Internal(format!("item {}: {e}", entry.id)))
        })
        .collect()
}

/// The design for an attempt of this kind over `pool`: the real test's, or the practice
/// exam's.
pub fn plan_for(
    exam: &ExamDefinition,
    pool: &[PoolEntry],
    kind: AttemptKind,
) -> Result<Plan, AppError> {
    match kind {
        AttemptKind::Real => plan(exam, pool),
        AttemptKind::Practice => practice_plan(exam, pool),
    }
}

/// The practice exam on an adaptive exam: every practice item, each chosen by the real test's
/// selection rule from the answers so far, so it goes as the real test does (one question at
/// a time, forward only, no review, scored on the reported scale). A stopping rule or content
/// limits would only cut a ten-item practice short, so it simply gives them all.
fn practice_plan(exam: &ExamDefinition, pool: &[PoolEntry]) -> Result<Plan, AppError> {
    let cat = settings(exam)?;
    let design = Design {
        min_length: pool.len(),
        max_length: pool.len(),
        stop: StopRule::Fixed,
        selection: Selection::parse(&cat.selection)
            .map_err(|e| AppError::Internal(format!("exam {}: selection: {e}", exam.id)))?,
        competency: Vec::new(),
        content: Vec::new(),
        exposure: None,
        enemies: Vec::new(),
        testlets: Vec::new(),
        pretest: Vec::new(),
        pretest_per_test: 0,
        info_band: None,
        start_theta: 0.0,
    };
    design
        .check(pool.len())
        .map_err(|e| AppError::Internal(format!("exam {} practice: {e}", exam.id)))?;
    Ok(Plan {
        bank: CatBank::new(pool_params(pool)?, EapSettings::default()),
        design,
    })
}

/// The real test's design for `pool` (every entry must have parameters and a blueprint
/// competency).
pub fn plan(exam: &ExamDefinition, pool: &[PoolEntry]) -> Result<Plan, AppError> {
    let cat = settings(exam)?;
    let limits = exam.cat_limits(cat);
    let params = pool_params(pool)?;
    let mut competency = Vec::with_capacity(pool.len());
    for entry in pool {
        competency.push(
            limits
                .iter()
                .position(|(id, _)| *id == entry.competency)
                .ok_or_else(|| {
                    AppError::Internal(format!(
                        "item {} is in competency {}, which the blueprint does not have",
                        entry.id, entry.competency
                    ))
                })?,
        );
    }
    // Enemy pairs within the pool, from whichever side lists them.
    let index: std::collections::HashMap<&str, usize> = pool
        .iter()
        .enumerate()
        .map(|(j, e)| (e.id.as_str(), j))
        .collect();
    let enemies: Vec<Vec<usize>> = pool
        .iter()
        .enumerate()
        .flat_map(|(j, e)| {
            let index = &index;
            e.enemies
                .iter()
                .filter_map(move |other| index.get(other.as_str()).map(|&k| vec![j, k]))
        })
        .collect();
    // Scenario sets: testlets in pool (id) order; the first item stands for the set.
    let mut testlets: Vec<Vec<usize>> = Vec::new();
    for (j, entry) in pool.iter().enumerate() {
        let Some(set) = &entry.set else { continue };
        match testlets
            .iter_mut()
            .find(|t| pool[t[0]].set.as_deref() == Some(set.as_str()))
        {
            Some(t) => t.push(j),
            None => testlets.push(vec![j]),
        }
    }
    let design = Design {
        min_length: cat.min_length as usize,
        max_length: cat.max_length as usize,
        stop: StopRule::parse(&cat.stop, Some(cat.cut_theta))
            .map_err(|e| AppError::Internal(format!("exam {}: stop: {e}", exam.id)))?,
        selection: Selection::parse(&cat.selection)
            .map_err(|e| AppError::Internal(format!("exam {}: selection: {e}", exam.id)))?,
        competency,
        content: limits
            .iter()
            .map(|(_, l)| ContentLimit {
                min: l.min as usize,
                max: l.max as usize,
                share: l.share,
            })
            .collect(),
        exposure: match &cat.exposure {
            None => None,
            Some(_) => Some(
                pool.iter()
                    .map(|e| {
                        e.exposure_k.ok_or_else(|| {
                            AppError::Internal(format!(
                                "item {} has no exposure parameter in an exposure-controlled pool",
                                e.id
                            ))
                        })
                    })
                    .collect::<Result<Vec<f64>, AppError>>()?,
            ),
        },
        enemies,
        testlets,
        pretest: Vec::new(),
        pretest_per_test: 0,
        info_band: None,
        start_theta: 0.0,
    };
    design
        .check(pool.len())
        .map_err(|e| AppError::Internal(format!("exam {}: {e}", exam.id)))?;
    Ok(Plan {
        bank: CatBank::new(params, EapSettings::default()),
        design,
    })
}

/// The pool for a new adaptive attempt: the approved items of the blueprint's competencies,
/// without those the candidate saw in earlier attempts unless that leaves too few to meet the
/// design (then the whole pool, as LOFT does); with exposure control, each item carries its
/// tuned Sympson–Hetter parameter.
pub async fn pool_for_attempt(
    exam: &ExamDefinition,
    approved: Vec<PoolEntry>,
    seen: &std::collections::HashSet<String>,
) -> Result<Vec<PoolEntry>, AppError> {
    let all: Vec<PoolEntry> = approved
        .into_iter()
        .filter(|e| exam.competency(&e.competency).is_some())
        .collect();
    let unseen: Vec<PoolEntry> = all
        .iter()
        .filter(|e| !seen.contains(&e.id))
        .cloned()
        .collect();
    let pool = if unseen.len() < all.len() && feasible(exam, &unseen) {
        unseen
    } else {
        all
    };
    with_exposure(exam, pool).await
}

/// Whether the design can be met from `pool` (exposure control aside).
fn feasible(exam: &ExamDefinition, pool: &[PoolEntry]) -> bool {
    let mut exam = exam.clone();
    if let Some(cat) = exam.delivery.cat.as_mut() {
        cat.exposure = None;
    }
    plan(&exam, pool).is_ok()
}

/// Tuned Sympson–Hetter parameters by exam version and pool: tuning simulates a thousand
/// candidates several times over, so each distinct pool is tuned once per process.
type TunedCache = std::sync::Mutex<std::collections::HashMap<String, Vec<f64>>>;
static TUNED: std::sync::OnceLock<TunedCache> = std::sync::OnceLock::new();

async fn with_exposure(
    exam: &ExamDefinition,
    mut pool: Vec<PoolEntry>,
) -> Result<Vec<PoolEntry>, AppError> {
    let Some(spec) = exam.delivery.cat.as_ref().and_then(|c| c.exposure.clone()) else {
        plan(exam, &pool)?;
        return Ok(pool);
    };
    let target = parse_exposure_target(&spec)
        .map_err(|e| AppError::Internal(format!("exam {}: exposure: {e}", exam.id)))?;
    let key = format!(
        "{}@{}:{}",
        exam.id,
        exam.version,
        pool.iter()
            .map(|e| format!("{}#{}", e.id, e.version))
            .collect::<Vec<_>>()
            .join(",")
    );
    let cached = TUNED
        .get_or_init(Default::default)
        .lock()
        .map_err(|_| AppError::Internal("the exposure cache is poisoned".into()))?
        .get(&key)
        .cloned();
    let k = match cached {
        Some(k) => k,
        None => {
            let (exam_owned, pool_owned) = (exam.clone(), pool.clone());
            let k = tokio::task::spawn_blocking(move || -> Result<Vec<f64>, AppError> {
                let mut open = exam_owned;
                if let Some(cat) = open.delivery.cat.as_mut() {
                    cat.exposure = None;
                }
                let plan = plan(&open, &pool_owned)?;
                // A fixed N(0, 1) sample and seed: every server tunes the same pool alike.
                let mut rng = attempt_rng(0x5348_0000 ^ u64::from(open.version));
                let sample: Vec<f64> = (0..1000).map(|_| standard_normal(&mut rng)).collect();
                Ok(tune_sympson_hetter(
                    &plan.bank,
                    &plan.design,
                    &sample,
                    target,
                    8,
                    u64::from(open.version),
                ))
            })
            .await
            .map_err(|e| AppError::Internal(format!("exposure tuning stopped: {e}")))??;
            TUNED
                .get_or_init(Default::default)
                .lock()
                .map_err(|_| AppError::Internal("the exposure cache is poisoned".into()))?
                .insert(key, k.clone());
            k
        }
    };
    for (entry, k) in pool.iter_mut().zip(k) {
        entry.exposure_k = Some(k);
    }
    plan(exam, &pool)?;
    Ok(pool)
}

/// The next item of an attempt whose answers so far are `given` (pool index, correct), in
/// delivery order; `None` once the test is over.
pub fn replay(plan: &Plan, seed: u64, given: &[(usize, bool)]) -> Result<Option<usize>, AppError> {
    let mut rng = attempt_rng(seed);
    let mut test = AdaptiveTest::new(&plan.bank, &plan.design, &[], &mut rng);
    for (k, &(j, correct)) in given.iter().enumerate() {
        match test.next_item(&mut rng) {
            Some(x) if x == j => test
                .answer(correct)
                .map_err(|e| AppError::Internal(e.to_string()))?,
            other => {
                return Err(AppError::Internal(format!(
                    "adaptive replay diverged at question {}: stored pool item {j}, engine gives {other:?}",
                    k + 1
                )))
            }
        }
    }
    Ok(test.next_item(&mut rng))
}

/// The stored pool of an adaptive attempt.
pub fn parse_pool(text: &str) -> Result<Vec<PoolEntry>, AppError> {
    serde_json::from_str(text)
        .map_err(|e| AppError::Internal(format!("stored item pool unreadable: {e}")))
}

/// Inserts the item at `position` (pool index `j`) with its option order and parameters.
pub(super) async fn insert_item(
    conn: &mut sqlx::AnyConnection,
    attempt_id: &str,
    seed: u64,
    position: u32,
    entry: &PoolEntry,
) -> Result<(), AppError> {
    let mut order: Vec<u8> = (0..entry.options).collect();
    shuffle(&mut order, &mut option_rng(seed, u64::from(position)));
    let sql = format!("INSERT INTO {QUESTION_COLUMNS} VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)");
    bind_question(sqlx::query(&sql), attempt_id, position, entry, &order)
        .execute(&mut *conn)
        .await?;
    super::marks::recompute(conn, attempt_id).await
}

/// An attempt's question row: its table and columns, as bound by [`bind_question`].
pub(super) const QUESTION_COLUMNS: &str = "attempt_items (attempt_id, position, item_id, \
     item_version, option_order, irt_a, irt_b, irt_c, irt_source)";

/// A question row's values after its attempt and position ([`QUESTION_COLUMNS`]): the item as
/// drawn, its options in the order shown, and its IRT parameters.
#[derive(Debug, Clone)]
pub(super) struct QuestionValues {
    pub item_id: String,
    pub version: i64,
    pub order: String,
    pub a: Option<f64>,
    pub b: Option<f64>,
    pub c: Option<f64>,
    pub source: Option<&'static str>,
}

impl QuestionValues {
    /// `entry`, its options shown in `order`.
    pub fn of(entry: &PoolEntry, order: &[u8]) -> QuestionValues {
        let order: Vec<String> = order.iter().map(u8::to_string).collect();
        QuestionValues {
            item_id: entry.id.clone(),
            version: entry.version,
            order: order.join(","),
            a: entry.irt.map(|p| p.a),
            b: entry.irt.map(|p| p.b),
            c: entry.irt.map(|p| p.c),
            source: entry.irt.map(|p| p.source()),
        }
    }
}

/// Binds the 9 values of one question row ([`QUESTION_COLUMNS`]): the item as drawn, at
/// `position`, its options shown in `order`.
pub(super) fn bind_question<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    attempt_id: &str,
    position: u32,
    entry: &PoolEntry,
    order: &[u8],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    let v = QuestionValues::of(entry, order);
    q.bind(attempt_id.to_string())
        .bind(i64::from(position))
        .bind(v.item_id)
        .bind(v.version)
        .bind(v.order)
        .bind(v.a)
        .bind(v.b)
        .bind(v.c)
        .bind(v.source)
}

/// Where the candidate goes after confirming an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Advance {
    /// The question at this position is next (also the answer when a stale page confirms a
    /// question already behind the candidate).
    Item(u32),
    /// The stopping rule was met: the attempt is submitted and scored.
    Finished,
}

/// Confirms the answer at `position` (the newest question) and chooses the next item, or ends
/// the test when the design says so.
pub async fn advance(
    db: &Db,
    now: i64,
    user_id: i64,
    attempt_id: &str,
    position: u32,
) -> Result<Advance, AppError> {
    let attempt = owned(db, user_id, attempt_id).await?;
    ensure_open(&attempt, now)?;
    let exam = bank::exam_version(db, &attempt.exam_id, attempt.exam_version).await?;
    let mut tx = db.begin().await?;
    // Take the attempt's write lock first, so no save can change an answer between reading
    // the answers and storing the item chosen from them.
    let locked = sqlx::query(
        "UPDATE attempts SET current_position = current_position WHERE id = $1 AND status = 'in_progress'",
    )
    .bind(&attempt.id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if locked == 0 {
        return Err(AppError::Conflict(crate::t!("exam-error-submitted")));
    }
    let header = sqlx::query("SELECT seed, item_pool FROM attempts WHERE id = $1")
        .bind(&attempt.id)
        .fetch_one(&mut *tx)
        .await?;
    let seed = header.try_get::<i64, _>("seed")? as u64;
    let pool = parse_pool(
        &header
            .try_get::<Option<String>, _>("item_pool")?
            .ok_or_else(|| AppError::Internal("an adaptive attempt without its pool".into()))?,
    )?;
    let rows = sqlx::query(
        "SELECT ai.item_id, ai.choice_mask, i.key_mask FROM attempt_items ai \
         JOIN items i ON i.id = ai.item_id AND i.version = ai.item_version \
         WHERE ai.attempt_id = $1 ORDER BY ai.position",
    )
    .bind(&attempt.id)
    .fetch_all(&mut *tx)
    .await?;
    let newest = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    if position != newest {
        // A stale page (back button, second tab): the candidate belongs at the newest question.
        tx.rollback().await?;
        return Ok(Advance::Item(newest.max(1)));
    }
    let mut given = Vec::with_capacity(rows.len());
    for row in &rows {
        let id: String = row.try_get("item_id")?;
        let j = pool
            .iter()
            .position(|e| e.id == id)
            .ok_or_else(|| AppError::Internal(format!("item {id} is not in the attempt's pool")))?;
        let choice: Option<i64> = row.try_get("choice_mask")?;
        let Some(choice) = choice else {
            return Err(AppError::BadRequest(crate::t!(
                "exam-error-choose-first",
                n = position
            )));
        };
        given.push((j, choice == row.try_get::<i64, _>("key_mask")?));
    }
    let kind = if attempt.practice {
        AttemptKind::Practice
    } else {
        AttemptKind::Real
    };
    let plan = plan_for(&exam, &pool, kind)?;
    match replay(&plan, seed, &given)? {
        Some(j) => {
            let next = newest + 1;
            insert_item(&mut tx, &attempt.id, seed, next, &pool[j]).await?;
            sqlx::query("UPDATE attempts SET current_position = $1 WHERE id = $2")
                .bind(i64::from(next))
                .bind(&attempt.id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(Advance::Item(next))
        }
        None => {
            tx.rollback().await?;
            submit(db, now, &attempt.id, SubmittedBy::Candidate).await?;
            Ok(Advance::Finished)
        }
    }
}
