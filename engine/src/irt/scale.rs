//! Scaled scores, the pass/fail decision, and competency subscores with their band.
//!
//! The reported score is a linear map of θ, clamped and rounded:
//! `scaled = round(clamp(slope·θ + intercept, min, max))` (round half away from zero).
//! The decision is made on that reported number against the cut on the same scale, so a
//! candidate can never see a passing score with a fail (or the reverse).
//!
//! Subscores (one per competency) are EAP estimates from that competency's items alone; with
//! only a handful of items they are imprecise, so each is reported as a band around the cut
//! on θ: **above** when `θ − z·SE > cut`, **below** when `θ + z·SE < cut`, otherwise **near**
//! (z = 1 by default: a one-SE band, the convention of most score reports).

use super::ability::{AbilityScorer, EapSettings, Estimate, Method, SettingsError};
use super::model::ItemParams;
use super::responses::Response;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScaleMap {
    pub slope: f64,
    pub intercept: f64,
    pub min: f64,
    pub max: f64,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScaleError {
    #[error("the scale needs a finite slope above 0 and min < max, got slope {slope}, range [{min}, {max}]")]
    BadMap { slope: f64, min: f64, max: f64 },
    #[error("θ is not a number; an undefined estimate cannot be scaled")]
    NotANumber,
}

impl ScaleMap {
    pub fn new(slope: f64, intercept: f64, min: f64, max: f64) -> Result<Self, ScaleError> {
        if !(slope.is_finite() && slope > 0.0 && intercept.is_finite() && min < max) {
            return Err(ScaleError::BadMap { slope, min, max });
        }
        Ok(Self {
            slope,
            intercept,
            min,
            max,
        })
    }

    /// The reported scaled score for θ (±∞, from an all-correct or all-wrong MLE, clamps to
    /// the ends of the scale).
    pub fn scaled(&self, theta: f64) -> Result<f64, ScaleError> {
        if theta.is_nan() {
            return Err(ScaleError::NotANumber);
        }
        let raw = if theta.is_infinite() {
            if theta > 0.0 {
                self.max
            } else {
                self.min
            }
        } else {
            self.slope * theta + self.intercept
        };
        Ok(raw.clamp(self.min, self.max).round())
    }

    /// Pass when the reported score reaches the cut on the scaled metric.
    pub fn passes(&self, theta: f64, scaled_cut: f64) -> Result<bool, ScaleError> {
        Ok(self.scaled(theta)? >= scaled_cut)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Band {
    Below,
    Near,
    Above,
}

impl Band {
    pub fn of(estimate: &Estimate, cut_theta: f64, z: f64) -> Band {
        if estimate.theta - z * estimate.se > cut_theta {
            Band::Above
        } else if estimate.theta + z * estimate.se < cut_theta {
            Band::Below
        } else {
            Band::Near
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Band::Below => "below",
            Band::Near => "near",
            Band::Above => "above",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Subscore<K> {
    pub competency: K,
    pub items: usize,
    pub estimate: Estimate,
    pub band: Band,
}

/// One EAP subscore per competency, in order of first appearance. `competency[j]` is item
/// `j`'s competency.
pub fn subscores<K: Clone + PartialEq>(
    items: &[ItemParams],
    competency: &[K],
    responses: &[Response],
    settings: EapSettings,
    cut_theta: f64,
    z: f64,
) -> Result<Vec<Subscore<K>>, SettingsError> {
    let mut keys: Vec<K> = Vec::new();
    for k in competency {
        if !keys.contains(k) {
            keys.push(k.clone());
        }
    }
    keys.into_iter()
        .map(|key| {
            let idx: Vec<usize> = (0..items.len()).filter(|&j| competency[j] == key).collect();
            let sub_items: Vec<ItemParams> = idx.iter().map(|&j| items[j]).collect();
            let sub_resp: Vec<Response> = idx.iter().map(|&j| responses[j]).collect();
            let scorer = AbilityScorer::new(&sub_items, Method::Eap(settings))?;
            let estimate = scorer
                .estimate(&sub_resp)
                .expect("the pattern was cut from the same items");
            Ok(Subscore {
                competency: key,
                items: idx.len(),
                band: Band::of(&estimate, cut_theta, z),
                estimate,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::irt::ability::Status;

    #[test]
    fn scaled_scores_clamp_round_and_decide_on_the_reported_number() {
        // θ 0 ↦ 500, one SD ↦ 100 points, reported on 200–800.
        let s = ScaleMap::new(100.0, 500.0, 200.0, 800.0).unwrap();
        assert_eq!(s.scaled(0.0).unwrap(), 500.0);
        assert_eq!(s.scaled(-0.5049).unwrap(), 450.0);
        assert_eq!(s.scaled(9.0).unwrap(), 800.0);
        assert_eq!(s.scaled(f64::NEG_INFINITY).unwrap(), 200.0);
        assert!(s.scaled(f64::NAN).is_err());
        // 449.51 is reported as 450 and passes a cut of 450.
        assert!(s.passes(-0.5049, 450.0).unwrap());
        assert!(!s.passes(-0.506, 450.0).unwrap());
        assert!(ScaleMap::new(0.0, 0.0, 0.0, 1.0).is_err());
    }

    #[test]
    fn bands_follow_the_interval_around_the_cut() {
        let e = |theta, se| Estimate {
            theta,
            se,
            status: Status::Ok,
        };
        assert_eq!(Band::of(&e(1.0, 0.4), 0.0, 1.0), Band::Above);
        assert_eq!(Band::of(&e(0.3, 0.4), 0.0, 1.0), Band::Near);
        assert_eq!(Band::of(&e(-0.5, 0.4), 0.0, 1.0), Band::Below);
    }

    #[test]
    fn subscores_use_only_their_competency() {
        let items: Vec<ItemParams> = (0..6).map(|_| ItemParams::rasch(0.0).unwrap()).collect();
        let comp = ["x", "x", "x", "y", "y", "y"];
        let resp = [Some(true); 3]
            .into_iter()
            .chain([Some(false); 3])
            .collect::<Vec<_>>();
        let subs = subscores(&items, &comp, &resp, EapSettings::default(), 0.0, 1.0).unwrap();
        assert_eq!(subs.len(), 2);
        assert_eq!(subs[0].competency, "x");
        assert!(subs[0].estimate.theta > 0.0 && subs[1].estimate.theta < 0.0);
        assert!((subs[0].estimate.theta + subs[1].estimate.theta).abs() < 1e-12);
    }
}
