//! θ-based scoring of an adaptive test: the EAP estimate from the items the candidate was
//! given, the reported scaled score and its pass/fail decision, and a band per competency.
//!
//! ```text
//! θ, SE    = EAP and posterior SD over the delivered items (N(0,1) prior, 61 nodes on [−4, 4],
//!            the same setting adaptive selection uses, so the score is the estimate the test ended on)
//! scaled   = round(clamp(slope·θ + intercept, min, max))
//! passed   ⇔ scaled ≥ scaled(cut_θ)      (decided on the reported number; see irt::scale)
//! band_k   = above / near / below the cut, from competency k's items alone (θ_k ± 1·SE_k)
//! ```
//! A delivered item left unanswered (only possible when time runs out) scores as incorrect, as
//! on a linear form.

use serde::{Deserialize, Serialize};

use crate::irt::scale::subscores;
use crate::irt::{AbilityScorer, EapSettings, ItemParams, Method, ScaleMap};

/// One delivered item as adaptive scoring sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct CalibratedItem<'a> {
    pub competency: &'a str,
    pub params: ItemParams,
    /// `None`: presented but not answered before time ran out.
    pub correct: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompetencyBand {
    pub competency: String,
    pub items: u32,
    /// "below", "near" or "above" the passing standard.
    pub band: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScaledScore {
    pub theta: f64,
    pub se: f64,
    pub scaled: f64,
    pub scaled_cut: f64,
    pub scale_min: f64,
    pub scale_max: f64,
    pub passed: bool,
    /// Items delivered and how many of them were answered correctly (for records; the score
    /// is θ, not the count).
    pub items: u32,
    pub correct: u32,
    /// In the blueprint's order; competencies with no items delivered are left out.
    pub competencies: Vec<CompetencyBand>,
    /// The same bands by content area, from each area's items together, in the exam's order.
    /// (Scores stored before areas were banded have none.)
    #[serde(default)]
    pub areas: Vec<AreaBand>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaBand {
    pub area: String,
    pub items: u32,
    /// "below", "near" or "above" the passing standard.
    pub band: String,
}

/// A content area and the competencies it holds, for the area bands.
pub type AreaOrder<'a> = (&'a str, Vec<&'a str>);

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScaledScoreError {
    #[error("an adaptive attempt with no delivered items cannot be scored")]
    NoItems,
    #[error("the ability estimate could not be scaled: {0}")]
    Scale(String),
}

pub fn score_scaled(
    items: &[CalibratedItem<'_>],
    cut_theta: f64,
    scale: ScaleMap,
    competency_order: &[&str],
    areas: &[AreaOrder<'_>],
) -> Result<ScaledScore, ScaledScoreError> {
    if items.is_empty() {
        return Err(ScaledScoreError::NoItems);
    }
    let params: Vec<ItemParams> = items.iter().map(|i| i.params).collect();
    let responses: Vec<Option<bool>> = items
        .iter()
        .map(|i| Some(i.correct.unwrap_or(false)))
        .collect();
    let eap = EapSettings::default();
    let scorer = AbilityScorer::new(&params, Method::Eap(eap))
        .map_err(|e| ScaledScoreError::Scale(e.to_string()))?;
    let estimate = scorer
        .estimate(&responses)
        .map_err(|e| ScaledScoreError::Scale(e.to_string()))?;
    let scaled = scale
        .scaled(estimate.theta)
        .map_err(|e| ScaledScoreError::Scale(e.to_string()))?;
    let scaled_cut = scale
        .scaled(cut_theta)
        .map_err(|e| ScaledScoreError::Scale(e.to_string()))?;
    let keys: Vec<&str> = items.iter().map(|i| i.competency).collect();
    let subs = subscores(&params, &keys, &responses, eap, cut_theta, 1.0)
        .map_err(|e| ScaledScoreError::Scale(e.to_string()))?;
    let competencies = competency_order
        .iter()
        .filter_map(|&c| {
            let s = subs.iter().find(|s| s.competency == c)?;
            Some(CompetencyBand {
                competency: c.to_string(),
                items: u32::try_from(s.items).unwrap_or(u32::MAX),
                band: s.band.as_str().to_string(),
            })
        })
        .collect();
    // Each area's items together (an item of a competency in no area is left out).
    let area_of = |competency: &str| {
        areas
            .iter()
            .find(|(_, cs)| cs.contains(&competency))
            .map(|(a, _)| *a)
    };
    let in_area: Vec<usize> = (0..items.len())
        .filter(|&j| area_of(items[j].competency).is_some())
        .collect();
    let area_bands = if in_area.is_empty() {
        Vec::new()
    } else {
        let a_params: Vec<ItemParams> = in_area.iter().map(|&j| params[j]).collect();
        let a_keys: Vec<&str> = in_area
            .iter()
            .filter_map(|&j| area_of(items[j].competency))
            .collect();
        let a_resp: Vec<Option<bool>> = in_area.iter().map(|&j| responses[j]).collect();
        let subs = subscores(&a_params, &a_keys, &a_resp, eap, cut_theta, 1.0)
            .map_err(|e| ScaledScoreError::Scale(e.to_string()))?;
        areas
            .iter()
            .filter_map(|(a, _)| {
                let s = subs.iter().find(|s| s.competency == *a)?;
                Some(AreaBand {
                    area: a.to_string(),
                    items: u32::try_from(s.items).unwrap_or(u32::MAX),
                    band: s.band.as_str().to_string(),
                })
            })
            .collect()
    };
    Ok(ScaledScore {
        theta: estimate.theta,
        se: estimate.se,
        scaled,
        scaled_cut,
        scale_min: scale.min,
        scale_max: scale.max,
        passed: scaled >= scaled_cut,
        items: u32::try_from(items.len()).unwrap_or(u32::MAX),
        correct: u32::try_from(items.iter().filter(|i| i.correct == Some(true)).count())
            .unwrap_or(u32::MAX),
        competencies,
        areas: area_bands,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scale() -> ScaleMap {
        ScaleMap::new(50.0, 500.0, 200.0, 800.0).unwrap()
    }

    #[test]
    fn the_score_is_the_eap_estimate_scaled_and_decided_on_the_reported_number() {
        let p = ItemParams::three_pl(1.0, 0.0, 0.2).unwrap();
        let items: Vec<CalibratedItem> = (0..20)
            .map(|i| CalibratedItem {
                competency: if i < 10 { "A" } else { "B" },
                params: p,
                correct: Some(i % 4 != 0),
            })
            .collect();
        let areas = [("X", vec!["A", "B"])];
        let s = score_scaled(&items, 0.0, scale(), &["B", "A", "C"], &areas).unwrap();
        // The same estimate the engine's scorer gives on its own.
        let direct = AbilityScorer::new(&[p; 20], Method::Eap(EapSettings::default()))
            .unwrap()
            .estimate(&items.iter().map(|i| i.correct).collect::<Vec<_>>())
            .unwrap();
        assert!((s.theta - direct.theta).abs() < 1e-12);
        assert_eq!(s.scaled, (500.0 + 50.0 * direct.theta).round());
        assert_eq!(s.scaled_cut, 500.0);
        assert_eq!(s.passed, s.scaled >= 500.0);
        assert_eq!((s.items, s.correct), (20, 15));
        assert_eq!(s.competencies.len(), 2, "C had no items");
        assert_eq!(s.competencies[0].competency, "B");
        assert!(["below", "near", "above"].contains(&s.competencies[0].band.as_str()));
        // One area holding both competencies: its band comes from all 20 items, as the
        // total does, so it sits on the same side of the cut as the whole score.
        assert_eq!(s.areas.len(), 1);
        assert_eq!((s.areas[0].area.as_str(), s.areas[0].items), ("X", 20));
        let whole = crate::irt::Band::of(&direct, 0.0, 1.0);
        assert_eq!(s.areas[0].band, whole.as_str());
    }

    #[test]
    fn an_unanswered_item_counts_as_incorrect() {
        let p = ItemParams::two_pl(1.2, 0.0).unwrap();
        let mk = |last: Option<bool>| {
            vec![
                CalibratedItem {
                    competency: "A",
                    params: p,
                    correct: Some(true),
                },
                CalibratedItem {
                    competency: "A",
                    params: p,
                    correct: last,
                },
            ]
        };
        let skipped = score_scaled(&mk(None), 0.0, scale(), &["A"], &[]).unwrap();
        let wrong = score_scaled(&mk(Some(false)), 0.0, scale(), &["A"], &[]).unwrap();
        assert_eq!(skipped, wrong);
        assert_eq!(
            score_scaled(&[], 0.0, scale(), &["A"], &[]),
            Err(ScaledScoreError::NoItems)
        );
    }
}
