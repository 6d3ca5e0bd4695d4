//! Scoring an attempt from its delivered items: number-correct for a linear form, θ on the
//! reported scale for an adaptive one, each with the staff's scoring rules applied (a
//! corrected key, a dropped item). Submitting and rescoring both score through here, so a
//! rescoring preview is exactly what applying it stores.

use std::collections::HashMap;

use sqlx::Row;

use certamen_engine::irt::{ItemParams, ScaleMap};
use certamen_engine::scoring::{
    score_raw, score_scaled, AreaOrder, CalibratedItem, ScaledScore, ScoredItem,
};
use certamen_item_bank::exam::{CatSettings, ExamDefinition};

use crate::server::error::AppError;

/// One delivered item as scoring reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivered {
    pub item_id: String,
    pub item_version: i64,
    pub competency: String,
    /// The key as authored (a bit set of option indexes).
    pub key_mask: i64,
    pub choice_mask: Option<i64>,
    /// The parameters the item was delivered with (a, b, c).
    pub irt: Option<(f64, f64, f64)>,
}

/// A staff decision on how one item version is scored, for every attempt that has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ScoringRule {
    /// The key is corrected to this bit set of options.
    Key(i64),
    /// The item is left out of scoring.
    Dropped,
}

/// The rules in force, by (item id, version).
pub type Rules = HashMap<(String, i64), ScoringRule>;

/// An attempt's score as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub correct: u32,
    pub total: u32,
    pub passed: bool,
    /// The engine's `RawScore` or `ScaledScore`, as JSON.
    pub json: String,
    /// Percent correct (linear) or the scaled score (adaptive): the figure people read.
    pub reported: f64,
}

/// The attempt's delivered items, in position order.
pub async fn delivered(
    conn: &mut sqlx::AnyConnection,
    attempt_id: &str,
) -> Result<Vec<Delivered>, AppError> {
    let rows = sqlx::query(
        "SELECT ai.item_id, ai.item_version, ai.choice_mask, ai.irt_a, ai.irt_b, ai.irt_c, \
         i.competency, i.key_mask FROM attempt_items ai \
         JOIN items i ON i.id = ai.item_id AND i.version = ai.item_version \
         WHERE ai.attempt_id = $1 ORDER BY ai.position",
    )
    .bind(attempt_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(from_row).collect()
}

fn from_row(row: &sqlx::any::AnyRow) -> Result<Delivered, AppError> {
    let a: Option<f64> = row.try_get("irt_a")?;
    let b: Option<f64> = row.try_get("irt_b")?;
    let c: Option<f64> = row.try_get("irt_c")?;
    Ok(Delivered {
        item_id: row.try_get("item_id")?,
        item_version: row.try_get("item_version")?,
        competency: row.try_get("competency")?,
        key_mask: row.try_get("key_mask")?,
        choice_mask: row.try_get("choice_mask")?,
        irt: match (a, b, c) {
            (Some(a), Some(b), Some(c)) => Some((a, b, c)),
            _ => None,
        },
    })
}

/// Every scoring rule staff have applied.
pub async fn rules(conn: &mut sqlx::AnyConnection) -> Result<Rules, AppError> {
    let rows = sqlx::query("SELECT item_id, item_version, key_mask, dropped FROM scoring_rules")
        .fetch_all(conn)
        .await?;
    let mut rules = Rules::new();
    for row in rows {
        let rule = if row.try_get::<i64, _>("dropped")? != 0 {
            ScoringRule::Dropped
        } else {
            ScoringRule::Key(row.try_get::<Option<i64>, _>("key_mask")?.ok_or_else(|| {
                AppError::Internal("a scoring rule with neither a key nor a drop".into())
            })?)
        };
        rules.insert(
            (row.try_get("item_id")?, row.try_get("item_version")?),
            rule,
        );
    }
    Ok(rules)
}

/// The content areas of the exam with their competencies, for area bands.
fn area_order(exam: &ExamDefinition) -> Vec<AreaOrder<'_>> {
    exam.content_areas
        .iter()
        .map(|a| {
            (
                a.id.as_str(),
                a.competencies.iter().map(|c| c.id.as_str()).collect(),
            )
        })
        .collect()
}

/// Scores `items` as the attempt was delivered (`adaptive`: on θ), under `rules`.
pub fn score(
    exam: &ExamDefinition,
    items: &[Delivered],
    adaptive: bool,
    rules: &Rules,
) -> Result<Scored, AppError> {
    let order: Vec<&str> = exam.competencies().map(|(_, c)| c.id.as_str()).collect();
    // (item, whether its answer is right), without the dropped items.
    let graded: Vec<(&Delivered, Option<bool>)> = items
        .iter()
        .filter_map(|d| match rules.get(&(d.item_id.clone(), d.item_version)) {
            Some(ScoringRule::Dropped) => None,
            Some(ScoringRule::Key(key)) => Some((d, d.choice_mask.map(|c| c == *key))),
            None => Some((d, d.choice_mask.map(|c| c == d.key_mask))),
        })
        .collect();
    match &exam.delivery.cat {
        Some(cat) if adaptive => {
            let s = scaled(&graded, cat, &order, &area_order(exam))?;
            Ok(Scored {
                correct: s.correct,
                total: s.items,
                passed: s.passed,
                reported: s.scaled,
                json: to_json(&s)?,
            })
        }
        _ => {
            let scored: Vec<ScoredItem<'_>> = graded
                .iter()
                .map(|(d, ok)| ScoredItem {
                    competency: d.competency.as_str(),
                    correct: *ok == Some(true),
                })
                .collect();
            let s = score_raw(&scored, exam.pass_percent, &order);
            Ok(Scored {
                correct: s.correct,
                total: s.total,
                passed: s.passed,
                reported: s.percent,
                json: to_json(&s)?,
            })
        }
    }
}

fn to_json<T: serde::Serialize>(score: &T) -> Result<String, AppError> {
    serde_json::to_string(score).map_err(|e| AppError::Internal(e.to_string()))
}

/// The θ-based score of an adaptive attempt, from the parameters stored with each delivered
/// item (never the bank's current ones).
fn scaled(
    graded: &[(&Delivered, Option<bool>)],
    cat: &CatSettings,
    order: &[&str],
    areas: &[AreaOrder<'_>],
) -> Result<ScaledScore, AppError> {
    let mut items = Vec::with_capacity(graded.len());
    for (d, ok) in graded {
        let (a, b, c) = d.irt.ok_or_else(|| {
            AppError::Internal("an adaptive attempt's item has no stored parameters".into())
        })?;
        let params = ItemParams::three_pl(a, b, c)
            .map_err(|e| AppError::Internal(format!("stored item parameters: {e}")))?;
        items.push(CalibratedItem {
            competency: d.competency.as_str(),
            params,
            correct: *ok,
        });
    }
    let scale = ScaleMap::new(
        cat.scale.slope,
        cat.scale.intercept,
        cat.scale.min,
        cat.scale.max,
    )
    .map_err(|e| AppError::Internal(format!("the exam's scale: {e}")))?;
    score_scaled(&items, cat.cut_theta, scale, order, areas)
        .map_err(|e| AppError::Internal(format!("scoring the adaptive attempt: {e}")))
}
