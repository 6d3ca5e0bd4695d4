//! `certamen demo seed-results`: simulated candidates and their attempts, so a newcomer has a
//! few thousand results to explore in the staff console. Nothing here is real: every candidate
//! it makes is marked `simulated` (their emails end in `@seed.certamen.test` and their names
//! say "Simulated"), has no application, so never becomes a certificant, and every page of
//! figures says how many of its attempts are simulated.
//!
//! The simulation, from one ChaCha seed:
//! - each candidate's ability θ ~ N(0, 1), with no difference between languages or regions
//!   (any difference the figures show is chance, which is what the minimum group size is for);
//! - a county drawn by region (Los Angeles 25 %, Southern 30 %, Bay Area 20 %, Central 15 %,
//!   Superior 10 %, then a county of the region at random) and Spanish questions for 30 %;
//! - a first attempt on a day of the last 365, and for a candidate who failed, a retake with
//!   probability 0.7 some 30 to 120 days later (θ + 0.25, having studied), at most the
//!   exam's attempt limit and never after today;
//! - a real form assembled for each attempt as a candidate would get it (the attempt's own
//!   seed, unseen items first on a retake), each answer right with the 3PL probability of the
//!   item's stored parameters (a = 1, b = 0, c = 0.2 for an item without any), 1 % left blank;
//! - then the attempt is submitted and scored by the same code as a candidate's.
//!
//! Adaptive exams are not simulated (the next item depends on each answer): the command says
//! so and writes nothing.

use std::collections::{HashMap, HashSet};

use rand_chacha::rand_core::Rng;
use rand_chacha::ChaCha20Rng;
use sqlx::Row;

use certamen_engine::irt::ItemParams;
use certamen_engine::random::{attempt_rng, below, standard_normal, unit};
use certamen_item_bank::exam::DeliveryMode;

use super::attempts::{self, SubmittedBy};
use super::bank::{self, PoolEntry};
use super::db::Db;
use super::error::AppError;
use crate::places::{Region, COUNTIES};

/// What to simulate.
#[derive(Debug, Clone)]
pub struct SeedPlan {
    pub exam_id: Option<String>,
    pub candidates: u32,
    pub seed: u64,
    /// Today, in Unix milliseconds: attempts fall in the 365 days before it.
    pub now: i64,
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedReport {
    pub exam_id: String,
    pub candidates: u32,
    pub attempts: u32,
    pub passed: u32,
}

const DAY_MS: i64 = 86_400_000;
const REGION_SHARES: [(Region, f64); 5] = [
    (Region::LosAngeles, 0.25),
    (Region::Southern, 0.30),
    (Region::BayArea, 0.20),
    (Region::Central, 0.15),
    (Region::Superior, 0.10),
];

fn county(rng: &mut ChaCha20Rng) -> &'static str {
    let u = unit(rng);
    let mut acc = 0.0;
    let mut region = Region::Superior;
    for (r, share) in REGION_SHARES {
        acc += share;
        if u < acc {
            region = r;
            break;
        }
    }
    let counties: Vec<&'static str> = COUNTIES
        .iter()
        .filter(|(_, r)| *r == region)
        .map(|(c, _)| *c)
        .collect();
    counties[below(rng, u32::try_from(counties.len()).unwrap_or(1)) as usize]
}

/// Simulates `plan.candidates` candidates and their attempts at the exam, all or nothing per
/// attempt (each attempt is written and scored in its own transactions, as a real one is).
/// `progress(done)` is called after each candidate.
pub async fn seed(
    db: &Db,
    plan: &SeedPlan,
    mut progress: impl FnMut(u32),
) -> Result<SeedReport, AppError> {
    let exam_id = match &plan.exam_id {
        Some(id) => id.clone(),
        None => bank::exam_ids(db).await?.into_iter().next().ok_or_else(|| {
            AppError::NotFound(
                "no exam is loaded: start the app once (cargo xtask start) or run certamen bank import first".into(),
            )
        })?,
    };
    let (exam_version, exam) = bank::latest_exam(db, &exam_id).await?;
    if exam.delivery.mode == DeliveryMode::Cat {
        return Err(AppError::BadRequest(format!(
            "exam {exam_id} is adaptive: seed-results simulates linear (fixed or LOFT) exams only"
        )));
    }
    let pool = bank::approved_pool(db).await?;
    let keys = key_masks(db).await?;
    // Numbering goes on from any simulated candidates already there.
    let already: i64 = sqlx::query("SELECT COUNT(*) AS n FROM users WHERE simulated = 1")
        .fetch_one(&db.pool)
        .await?
        .try_get("n")?;
    // One hash of a password nobody is told: simulated accounts cannot be signed in to.
    let hash = super::auth::hash_password(super::crypto::random_hex(32)?).await?;
    let mut rng = attempt_rng(plan.seed);
    let mut report = SeedReport {
        exam_id: exam_id.clone(),
        candidates: 0,
        attempts: 0,
        passed: 0,
    };
    for k in 0..plan.candidates {
        let n = already + i64::from(k) + 1;
        let user_id = simulated_candidate(db, n, &hash, &mut rng, plan.now).await?;
        report.candidates += 1;
        let theta = standard_normal(&mut rng);
        let language = if unit(&mut rng) < 0.3 { "es" } else { "en" };
        let mut day = plan.now - DAY_MS * (2 + i64::from(below(&mut rng, 364)));
        let mut seen: HashSet<String> = HashSet::new();
        for number in 0..exam.max_attempts {
            let ability = theta + 0.25 * f64::from(number);
            let start = day + 17 * 3_600_000 + i64::from(below(&mut rng, 6 * 60)) * 60_000;
            let sitting = Sitting {
                exam_id: &exam_id,
                exam_version,
                language,
                start,
                ability,
            };
            let passed = sit(
                db, &exam, &pool, &keys, &mut seen, user_id, &sitting, &mut rng,
            )
            .await?;
            report.attempts += 1;
            report.passed += u32::from(passed);
            day += DAY_MS * (30 + i64::from(below(&mut rng, 91)));
            if passed || unit(&mut rng) >= 0.7 || day >= plan.now - 2 * DAY_MS {
                break;
            }
        }
        progress(report.candidates);
    }
    Ok(report)
}

/// The authored key of every item version.
async fn key_masks(db: &Db) -> Result<HashMap<(String, i64), i64>, AppError> {
    let rows = sqlx::query("SELECT id, version, key_mask FROM items")
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|r| {
            Ok((
                (r.try_get("id")?, r.try_get("version")?),
                r.try_get("key_mask")?,
            ))
        })
        .collect()
}

async fn simulated_candidate(
    db: &Db,
    n: i64,
    hash: &str,
    rng: &mut ChaCha20Rng,
    now: i64,
) -> Result<i64, AppError> {
    let email = format!("simulated-{n:05}@seed.certamen.test");
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO users (email, display_name, role, password_hash, created_at, simulated) \
         VALUES ($1, $2, 'candidate', $3, $4, 1)",
    )
    .bind(&email)
    .bind(format!("Simulated Candidate {n:05}"))
    .bind(hash)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let user_id: i64 = sqlx::query("SELECT id FROM users WHERE email = $1")
        .bind(&email)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
    let born = format!(
        "{}-{:02}-{:02}",
        1960 + below(rng, 40),
        1 + below(rng, 12),
        1 + below(rng, 28)
    );
    sqlx::query(
        "INSERT INTO candidate_profiles (user_id, date_of_birth, county, language, created_at) \
         VALUES ($1, $2, $3, 'en', $4)",
    )
    .bind(user_id)
    .bind(born)
    .bind(county(rng))
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(user_id)
}

/// One simulated attempt: who, when, in which language, at what ability.
struct Sitting<'a> {
    exam_id: &'a str,
    exam_version: i64,
    language: &'a str,
    start: i64,
    ability: f64,
}

/// Assembles, answers, submits and scores one attempt; whether it passed.
#[allow(clippy::too_many_arguments)]
async fn sit(
    db: &Db,
    exam: &certamen_item_bank::exam::ExamDefinition,
    pool: &[PoolEntry],
    keys: &HashMap<(String, i64), i64>,
    seen: &mut HashSet<String>,
    user_id: i64,
    s: &Sitting<'_>,
    rng: &mut ChaCha20Rng,
) -> Result<bool, AppError> {
    let attempt_seed = rng.next_u64();
    let form = match exam.delivery.form_seed {
        Some(form_seed) => attempts::linear_form(exam, pool, &HashSet::new(), form_seed)?,
        None => attempts::linear_form(exam, pool, seen, attempt_seed)?,
    };
    let id = attempts::random_id()?;
    let limit = i64::from(exam.time_limit_minutes) * 60_000;
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO attempts (id, user_id, exam_id, exam_version, seed, status, started_at, limit_ms, \
         break_after, break_allowance_ms, deadline_at, language, current_position) \
         VALUES ($1, $2, $3, $4, $5, 'in_progress', $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(&id)
    .bind(user_id)
    .bind(s.exam_id)
    .bind(s.exam_version)
    .bind(attempt_seed as i64)
    .bind(s.start)
    .bind(limit)
    .bind(i64::from(exam.scheduled_break.after_item))
    .bind(i64::from(exam.scheduled_break.minutes) * 60_000)
    // No deadline until it is scored (set below): a server running on the same database
    // must not finalize a simulated attempt between its rows and its submission.
    .bind(i64::MAX)
    .bind(s.language)
    .bind(i64::try_from(form.len()).unwrap_or(i64::MAX))
    .execute(&mut *tx)
    .await?;
    // One statement for the whole form: 120 rows in one round trip.
    let mut sql = String::from(
        "INSERT INTO attempt_items (attempt_id, position, item_id, item_version, option_order, \
         choice_mask, answered_at, irt_a, irt_b, irt_c, irt_source) VALUES ",
    );
    for k in 0..form.len() {
        let b = k * 11;
        if k > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!(
            "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
            b + 1,
            b + 2,
            b + 3,
            b + 4,
            b + 5,
            b + 6,
            b + 7,
            b + 8,
            b + 9,
            b + 10,
            b + 11
        ));
    }
    let mut query = sqlx::query(&sql);
    for (k, (entry, order)) in form.iter().enumerate() {
        let key = *keys
            .get(&(entry.id.clone(), entry.version))
            .ok_or_else(|| {
                AppError::Internal(format!(
                    "item {} version {} has no key",
                    entry.id, entry.version
                ))
            })?;
        let params = entry.irt.map_or((1.0, 0.0, 0.2), |p| (p.a, p.b, p.c));
        let choice = answer(params, key, entry.options, s.ability, rng)?;
        let order: Vec<String> = order.iter().map(u8::to_string).collect();
        query = query
            .bind(id.clone())
            .bind(i64::try_from(k + 1).unwrap_or(i64::MAX))
            .bind(entry.id.clone())
            .bind(entry.version)
            .bind(order.join(","))
            .bind(choice)
            .bind(choice.map(|_| s.start + 60_000 * i64::try_from(k).unwrap_or(0)))
            .bind(entry.irt.map(|p| p.a))
            .bind(entry.irt.map(|p| p.b))
            .bind(entry.irt.map(|p| p.c))
            .bind(entry.irt.map(|p| p.source()));
        seen.insert(entry.id.clone());
    }
    query.execute(&mut *tx).await?;
    attempts::marks::recompute(&mut tx, &id).await?;
    tx.commit().await?;
    // Submitted well within the time, as most candidates are.
    let submitted = s.start + limit * 2 / 3 + i64::from(below(rng, 30)) * 60_000;
    attempts::submit(db, submitted, &id, SubmittedBy::Candidate).await?;
    sqlx::query("UPDATE attempts SET deadline_at = $1 WHERE id = $2")
        .bind(s.start + limit)
        .bind(&id)
        .execute(&db.pool)
        .await?;
    let passed: Option<i64> = sqlx::query("SELECT passed FROM attempts WHERE id = $1")
        .bind(&id)
        .fetch_one(&db.pool)
        .await?
        .try_get("passed")?;
    Ok(passed == Some(1))
}

/// A simulated answer: the key with the model's probability, else one wrong option (for a
/// multiple-answer key, one of its keys with a wrong option); blank 1 % of the time.
fn answer(
    (a, b, c): (f64, f64, f64),
    key: i64,
    options: u8,
    theta: f64,
    rng: &mut ChaCha20Rng,
) -> Result<Option<i64>, AppError> {
    if unit(rng) < 0.01 {
        return Ok(None);
    }
    let p = ItemParams::three_pl(a, b, c)
        .map_err(|e| AppError::Internal(format!("stored item parameters: {e}")))?
        .prob(theta);
    if unit(rng) < p {
        return Ok(Some(key));
    }
    let wrong: Vec<i64> = (0..i64::from(options))
        .filter(|i| key & (1 << i) == 0)
        .collect();
    if wrong.is_empty() {
        return Ok(Some(key));
    }
    let pick = 1 << wrong[below(rng, u32::try_from(wrong.len()).unwrap_or(1)) as usize];
    Ok(Some(if key.count_ones() > 1 {
        // Keep the lowest key and swap the others for one wrong option.
        (key & -key) | pick
    } else {
        pick
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_answer_is_never_the_key_and_a_right_one_always_is() {
        let mut rng = attempt_rng(5);
        for _ in 0..2000 {
            // Easy item, able candidate: mostly right; hard item, weak candidate: mostly wrong.
            for (b, theta) in [(-3.0, 3.0), (3.0, -3.0)] {
                for key in [0b0010, 0b0101] {
                    match answer((1.0, b, 0.0), key, 5, theta, &mut rng).unwrap() {
                        None => {}
                        Some(m) if m == key => {}
                        Some(m) => {
                            assert_ne!(m & !key, 0, "a wrong answer chooses a wrong option");
                            assert_eq!(m.count_ones(), key.count_ones(), "as many choices as keys");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn counties_follow_the_region_shares() {
        let mut rng = attempt_rng(9);
        let draws = 20_000;
        let la = (0..draws)
            .filter(|_| crate::places::region_of(county(&mut rng)) == Some(Region::LosAngeles))
            .count();
        let share = la as f64 / draws as f64;
        assert!((share - 0.25).abs() < 0.015, "{share}");
    }
}
