//! Item health from live responses, for certification staff: for every item version delivered
//! in the counted attempts of an exam (real, submitted, not invalidated), its exposure, the
//! classical statistics, the fit of its IRT parameters, and DIF between English and Spanish
//! and between each region and the others, with each flag's reason in words.
//!
//! - Correct means correct under the scoring rules in force (a corrected key counts).
//! - θ: each attempt's EAP estimate from its own items' delivered parameters (N(0, 1) prior,
//!   61 points), the scored items only. Fit (infit, outfit) holds θ fixed.
//! - DIF: Mantel–Haenszel matched on θ in bins of 0.25 (forms differ, so there is no common
//!   total score to match on; θ includes the studied item, as MH's total score does).

use std::collections::{BTreeMap, HashMap};

use sqlx::Row;

use certamen_engine::classical::live_item_stats;
use certamen_engine::dif::{mantel_haenszel_matched, Group, MhResult};
use certamen_engine::irt::{item_fit, AbilityScorer, EapSettings, ItemParams, Method};

use super::attempts::scoring::{self, ScoringRule};
use super::db::Db;
use super::error::AppError;
use super::rescoring::rule_text;
use crate::dto::{Dif, ItemHealth};
use crate::places::{region_of, Region};

/// Items with fewer responses are listed but not judged.
pub const MIN_RESPONSES: u32 = 100;
/// A DIF comparison needs this many in the focal group.
const MIN_FOCAL: usize = 50;

/// One response as the statistics need it.
pub(crate) struct Response {
    pub attempt: usize,
    pub item: (String, i64),
    pub right: bool,
}

/// The counted attempts of an exam and every response in them.
pub(crate) struct Responses {
    /// Per attempt: language, region, whether simulated, θ.
    pub attempts: Vec<AttemptFacts>,
    pub responses: Vec<Response>,
    /// Per item version: competency, delivered parameters and their source.
    pub items: BTreeMap<(String, i64), ItemFacts>,
    pub rules: scoring::Rules,
}

pub(crate) struct AttemptFacts {
    pub language: String,
    pub region: Option<Region>,
    pub simulated: bool,
    pub theta: f64,
    /// Items right and items scored on the form (for the rest score).
    pub correct: u32,
    pub scored: u32,
}

pub(crate) struct ItemFacts {
    pub competency: String,
    pub params: Option<(f64, f64, f64)>,
    pub source: String,
}

/// Reads every response of the exam's counted attempts and estimates each attempt's θ.
pub(crate) async fn load(db: &Db, exam_id: &str) -> Result<Responses, AppError> {
    let mut conn = db.pool.acquire().await?;
    let rules = scoring::rules(&mut conn).await?;
    let heads = sqlx::query(
        "SELECT a.id, a.language, p.county, u.simulated FROM attempts a \
         JOIN users u ON u.id = a.user_id LEFT JOIN candidate_profiles p ON p.user_id = a.user_id \
         WHERE a.exam_id = $1 AND a.status = 'submitted' AND a.practice = 0 AND a.invalidated_at IS NULL \
         ORDER BY a.id",
    )
    .bind(exam_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut index: HashMap<String, usize> = HashMap::with_capacity(heads.len());
    let mut attempts = Vec::with_capacity(heads.len());
    for (k, row) in heads.iter().enumerate() {
        index.insert(row.try_get("id")?, k);
        attempts.push(AttemptFacts {
            language: row.try_get("language")?,
            region: row
                .try_get::<Option<String>, _>("county")?
                .as_deref()
                .and_then(region_of),
            simulated: row.try_get::<i64, _>("simulated")? != 0,
            theta: 0.0,
            correct: 0,
            scored: 0,
        });
    }
    // Each item version's facts once (its key, competency and the parameters in its body, the
    // same for every attempt that delivered it), then only four columns per response.
    let versions = sqlx::query(
        "SELECT id, version, key_mask, competency, body FROM items \
         WHERE id IN (SELECT DISTINCT ai.item_id FROM attempt_items ai JOIN attempts a ON a.id = ai.attempt_id \
         WHERE a.exam_id = $1)",
    )
    .bind(exam_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut items: BTreeMap<(String, i64), ItemFacts> = BTreeMap::new();
    let mut keys: HashMap<(String, i64), i64> = HashMap::new();
    for row in &versions {
        let key = (
            row.try_get::<String, _>("id")?,
            row.try_get::<i64, _>("version")?,
        );
        let item = super::bank::parse_item(&row.try_get::<String, _>("body")?)?;
        keys.insert(key.clone(), row.try_get("key_mask")?);
        items.insert(
            key,
            ItemFacts {
                competency: row.try_get("competency")?,
                params: item.irt.as_ref().map(|p| (p.a, p.b, p.c)),
                source: match item.irt.map(|p| p.source) {
                    Some(certamen_item_bank::item::ParamSource::Provisional) => "provisional",
                    Some(certamen_item_bank::item::ParamSource::Calibrated) => "calibrated",
                    None => "none",
                }
                .to_string(),
            },
        );
    }
    let rows = sqlx::query(
        "SELECT ai.attempt_id, ai.item_id, ai.item_version, ai.choice_mask FROM attempt_items ai \
         JOIN attempts a ON a.id = ai.attempt_id \
         WHERE a.exam_id = $1 AND a.status = 'submitted' AND a.practice = 0 AND a.invalidated_at IS NULL",
    )
    .bind(exam_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut responses = Vec::with_capacity(rows.len());
    // Per attempt: (parameters, right) of its scored items, for θ.
    let mut patterns: Vec<Vec<(ItemParams, bool)>> = vec![Vec::new(); attempts.len()];
    for row in &rows {
        let Some(&k) = index.get(&row.try_get::<String, _>("attempt_id")?) else {
            continue;
        };
        let key = (
            row.try_get::<String, _>("item_id")?,
            row.try_get::<i64, _>("item_version")?,
        );
        let (Some(authored), Some(facts)) = (keys.get(&key), items.get(&key)) else {
            continue;
        };
        let choice: Option<i64> = row.try_get("choice_mask")?;
        let rule = rules.get(&key).copied();
        let right = match rule {
            Some(ScoringRule::Key(mask)) => choice == Some(mask),
            _ => choice == Some(*authored),
        };
        if rule != Some(ScoringRule::Dropped) {
            attempts[k].scored += 1;
            attempts[k].correct += u32::from(right);
            if let Some(p) = facts
                .params
                .and_then(|(a, b, c)| ItemParams::three_pl(a, b, c).ok())
            {
                patterns[k].push((p, right));
            }
        }
        responses.push(Response {
            attempt: k,
            item: key,
            right,
        });
    }
    // Only the versions some counted attempt delivered.
    let delivered: std::collections::HashSet<&(String, i64)> =
        responses.iter().map(|r| &r.item).collect();
    items.retain(|k, _| delivered.contains(k));
    drop(conn);
    // θ for every attempt (the EAP of its scored items), off the async runtime.
    let thetas = tokio::task::spawn_blocking(move || -> Result<Vec<f64>, AppError> {
        patterns
            .iter()
            .map(|pattern| {
                if pattern.is_empty() {
                    return Ok(0.0);
                }
                let params: Vec<ItemParams> = pattern.iter().map(|(p, _)| *p).collect();
                let answers: Vec<Option<bool>> = pattern.iter().map(|(_, r)| Some(*r)).collect();
                let scorer = AbilityScorer::new(&params, Method::Eap(EapSettings::default()))
                    .map_err(|e| AppError::Internal(e.to_string()))?;
                scorer
                    .estimate(&answers)
                    .map(|e| e.theta)
                    .map_err(|e| AppError::Internal(e.to_string()))
            })
            .collect()
    })
    .await
    .map_err(|e| AppError::Internal(format!("estimating abilities stopped: {e}")))??;
    for (a, theta) in attempts.iter_mut().zip(thetas) {
        a.theta = theta;
    }
    Ok(Responses {
        attempts,
        responses,
        items,
        rules,
    })
}

fn stratum(theta: f64) -> i64 {
    (theta / 0.25).floor() as i64
}

fn dif(focal: &str, result: Option<MhResult>, focal_n: usize) -> Option<Dif> {
    let r = result?;
    Some(Dif {
        focal: focal.to_string(),
        class: r.label(),
        d_dif: r.d_dif,
        focal_responses: u32::try_from(focal_n).unwrap_or(u32::MAX),
    })
}

const REGIONS: [Region; 5] = [
    Region::BayArea,
    Region::Central,
    Region::LosAngeles,
    Region::Southern,
    Region::Superior,
];

/// Every delivered item version's health, flagged ones first.
pub(crate) fn health(data: &Responses) -> Vec<ItemHealth> {
    let n_attempts = data.attempts.len().max(1) as f64;
    let mut by_item: BTreeMap<&(String, i64), Vec<&Response>> = BTreeMap::new();
    for r in &data.responses {
        by_item.entry(&r.item).or_default().push(r);
    }
    let mut out: Vec<ItemHealth> = by_item
        .into_iter()
        .map(|(key, rs)| item_health(data, key, &rs, n_attempts))
        .collect();
    // Flagged items first (false sorts before true), then by id and version.
    out.sort_by(|a, b| {
        a.flags
            .is_empty()
            .cmp(&b.flags.is_empty())
            .then_with(|| a.item_id.cmp(&b.item_id))
            .then_with(|| a.version.cmp(&b.version))
    });
    out
}

fn item_health(
    data: &Responses,
    key: &(String, i64),
    rs: &[&Response],
    n_attempts: f64,
) -> ItemHealth {
    let facts = &data.items[key];
    let n = rs.len();
    let attempt = |r: &Response| &data.attempts[r.attempt];
    let classical: Vec<(bool, u32, u32)> = rs
        .iter()
        .map(|r| (r.right, attempt(r).correct, attempt(r).scored))
        .collect();
    let (p, r_rest) = live_item_stats(&classical);
    let params = facts
        .params
        .and_then(|(a, b, c)| ItemParams::three_pl(a, b, c).ok());
    let fit = params.and_then(|p| {
        let pairs: Vec<(f64, bool)> = rs.iter().map(|r| (attempt(r).theta, r.right)).collect();
        item_fit(&p, &pairs)
    });
    // English against Spanish, and each region against the rest.
    let matched = |focal: &dyn Fn(&AttemptFacts) -> Option<bool>| {
        let persons: Vec<(i64, Group, bool)> = rs
            .iter()
            .filter_map(|r| {
                let a = attempt(r);
                let group = if focal(a)? {
                    Group::Focal
                } else {
                    Group::Reference
                };
                Some((stratum(a.theta), group, r.right))
            })
            .collect();
        let focal_n = persons.iter().filter(|p| p.1 == Group::Focal).count();
        let reference_n = persons.len() - focal_n;
        if focal_n < MIN_FOCAL || reference_n < MIN_FOCAL {
            return (None, focal_n);
        }
        (mantel_haenszel_matched(&persons), focal_n)
    };
    let (lang, lang_n) = matched(&|a| Some(a.language == "es"));
    let dif_language = dif("Spanish", lang, lang_n);
    let dif_region = REGIONS
        .iter()
        .filter_map(|&region| {
            let (r, focal_n) = matched(&|a| a.region.map(|x| x == region));
            dif(region.name(), r, focal_n)
        })
        .max_by(|a, b| a.d_dif.abs().total_cmp(&b.d_dif.abs()));
    let rule = data.rules.get(key).copied();
    let mut health = ItemHealth {
        item_id: key.0.clone(),
        version: key.1,
        competency: facts.competency.clone(),
        source: facts.source.clone(),
        responses: u32::try_from(n).unwrap_or(u32::MAX),
        exposure: 100.0 * n as f64 / n_attempts,
        p_value: p.is_finite().then_some(p),
        r_rest: r_rest.is_finite().then_some(r_rest),
        infit: fit.map(|f| f.infit),
        outfit: fit.map(|f| f.outfit),
        dif_language,
        dif_region,
        scoring_rule: rule.map(rule_text),
        flags: Vec::new(),
    };
    health.flags = flags(&health);
    health
}

/// The reasons an item needs a look. Thresholds: p outside 0.20–0.95; a point-biserial under
/// 0.15 (negative: the key is suspect); infit or outfit outside 0.8–1.2 (Wright & Linacre
/// 1994, high-stakes multiple choice); ETS class C DIF; more than 75 % of candidates seeing it.
/// (Provisional parameters are not a flag: the recalibration section counts them.)
pub(crate) fn flags(h: &ItemHealth) -> Vec<String> {
    let mut f = Vec::new();
    if h.responses < MIN_RESPONSES {
        return f;
    }
    if let Some(p) = h.p_value {
        if p < 0.20 {
            f.push(format!(
                "very hard: only {:.0}% answer it correctly",
                100.0 * p
            ));
        } else if p > 0.95 {
            f.push(format!("very easy: {:.0}% answer it correctly", 100.0 * p));
        }
    }
    match h.r_rest {
        Some(r) if r < 0.0 => f.push(format!(
            "negative discrimination ({r:.2}): stronger candidates miss it more; check the key"
        )),
        Some(r) if r < 0.15 => f.push(format!(
            "low discrimination ({r:.2}): it hardly separates stronger from weaker candidates"
        )),
        _ => {}
    }
    if let (Some(infit), Some(outfit)) = (h.infit, h.outfit) {
        if !(0.8..=1.2).contains(&infit) || !(0.8..=1.2).contains(&outfit) {
            f.push(format!(
                "misfits its IRT parameters (infit {infit:.2}, outfit {outfit:.2}; 0.8–1.2 expected)"
            ));
        }
    }
    for dif in [&h.dif_language, &h.dif_region].into_iter().flatten() {
        if dif.class.starts_with('C') {
            let who = if dif.d_dif < 0.0 { "harder" } else { "easier" };
            f.push(format!(
                "large DIF (ETS class {}, D = {:.2}): {who} for {} candidates than for others of equal ability",
                dif.class, dif.d_dif, dif.focal
            ));
        }
    }
    if h.exposure > 75.0 {
        f.push(format!(
            "overexposed: {:.0}% of candidates saw it",
            h.exposure
        ));
    }
    f
}

/// The item-health page of `exam_id` (empty: the first exam).
pub async fn page(db: &Db, exam_id: &str) -> Result<crate::dto::ItemHealthPage, AppError> {
    let (_, exam_id) = super::statistics::chosen_exam(db, exam_id).await?;
    let data = load(db, &exam_id).await?;
    let items = health(&data);
    Ok(crate::dto::ItemHealthPage {
        attempts: u32::try_from(data.attempts.len()).unwrap_or(u32::MAX),
        simulated: simulated(&data),
        min_responses: MIN_RESPONSES,
        items,
        proposals: super::calibration::list(db, &exam_id).await?,
        exam_id,
    })
}

/// How many counted attempts are simulated.
pub(crate) fn simulated(data: &Responses) -> u32 {
    u32::try_from(data.attempts.iter().filter(|a| a.simulated).count()).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn healthy() -> ItemHealth {
        ItemHealth {
            item_id: "X".into(),
            version: 1,
            competency: "C01".into(),
            source: "calibrated".into(),
            responses: 500,
            exposure: 50.0,
            p_value: Some(0.6),
            r_rest: Some(0.35),
            infit: Some(1.0),
            outfit: Some(1.05),
            dif_language: Some(Dif {
                focal: "Spanish".into(),
                class: "A".into(),
                d_dif: 0.2,
                focal_responses: 150,
            }),
            dif_region: None,
            scoring_rule: None,
            flags: Vec::new(),
        }
    }

    #[test]
    fn a_healthy_item_has_no_flags_and_each_problem_names_itself() {
        assert!(flags(&healthy()).is_empty());
        let mut h = healthy();
        h.p_value = Some(0.12);
        h.r_rest = Some(-0.05);
        h.outfit = Some(1.4);
        h.dif_language = Some(Dif {
            focal: "Spanish".into(),
            class: "C-".into(),
            d_dif: -1.8,
            focal_responses: 150,
        });
        let f = flags(&h).join("\n");
        for words in [
            "very hard: only 12%",
            "negative discrimination (-0.05)",
            "misfits its IRT parameters",
            "ETS class C-, D = -1.80): harder for Spanish",
        ] {
            assert!(f.contains(words), "{words} in {f}");
        }
    }

    #[test]
    fn too_few_responses_are_not_judged() {
        let mut h = healthy();
        h.responses = MIN_RESPONSES - 1;
        h.p_value = Some(0.01);
        assert!(flags(&h).is_empty());
    }
}
