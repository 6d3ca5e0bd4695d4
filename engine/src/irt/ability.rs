//! Ability (θ) estimation from one response pattern: EAP, MAP, MLE and WLE.
//!
//! With `u_j ∈ {0, 1}` the responses to the administered items, the log-likelihood is
//! `ln L(θ) = Σ_j u_j ln P_j(θ) + (1 − u_j) ln Q_j(θ)` and its derivative (the score) is
//! `S(θ) = Σ_j (u_j − P_j) P'_j / (P_j Q_j)`.
//!
//! - **EAP** (Bock & Mislevy 1982): on nodes `θ_q` with prior weights `w_q`,
//!   `EAP = Σ θ_q w_q L(θ_q) / Σ w_q L(θ_q)` and the posterior SD
//!   `PSD = sqrt(Σ (θ_q − EAP)² w_q L(θ_q) / Σ w_q L(θ_q))`. The rectangle rule takes
//!   `w_q ∝ φ((θ_q − μ)/σ)`; the trapezoid rule (catR's `integrate.catR`) halves the two end
//!   weights.
//! - **MAP** (Bayes modal): the root of `S(θ) − (θ − μ)/σ²`, SE `1/sqrt(Σ I_j(θ̂) + 1/σ²)`.
//! - **MLE**: the root of `S(θ)`, SE `1/sqrt(Σ I_j(θ̂))`. No finite MLE exists for an
//!   all-correct or all-wrong pattern, nor for a mixed 3PL pattern whose likelihood keeps rising
//!   as θ → −∞ (it tends to `Π c^u (1 − c)^(1−u)`); these are reported with their status and
//!   an infinite θ, never a number from the search bounds.
//! - **WLE** (Warm 1989): the root of `S(θ) + J(θ)/(2 I(θ))`, `J = Σ P'_j P''_j/(P_j Q_j)`,
//!   which removes the first-order bias of the MLE and is finite for all-correct and all-wrong
//!   Rasch/2PL patterns. SE `1/sqrt(Σ I_j(θ̂))`, the usual approximation.
//!
//! MAP, MLE and WLE find the global solution the way the reference does: a search over a
//! 0.05-wide grid (MAP on [−8, 8], MLE and WLE on [−10, 10]) picks the best bracket, then
//! Brent's method solves the estimating equation in it to 1e-13.

use super::model::ItemParams;
use super::responses::{Response, ResponseMatrix};
use super::roots::{brent_root, golden_max};

/// A normal prior on θ.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NormalPrior {
    pub mean: f64,
    pub sd: f64,
}

impl Default for NormalPrior {
    fn default() -> Self {
        Self { mean: 0.0, sd: 1.0 }
    }
}

/// How the EAP integral is approximated on the equally spaced grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuadratureRule {
    /// Every node weighted by the prior density (mirt's EAP on a given grid).
    Rectangle,
    /// The end nodes get half weight (catR, catpie).
    Trapezoid,
}

/// Equally spaced nodes `lo + (hi − lo)·q/(points − 1)`, `q = 0..points`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Grid {
    pub points: usize,
    pub lo: f64,
    pub hi: f64,
}

impl Grid {
    pub fn nodes(&self) -> Vec<f64> {
        let step = (self.hi - self.lo) / (self.points - 1) as f64;
        (0..self.points)
            .map(|q| self.lo + step * q as f64)
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EapSettings {
    pub prior: NormalPrior,
    pub grid: Grid,
    pub rule: QuadratureRule,
}

impl EapSettings {
    /// `ln w_q` at the grid's nodes, up to a constant: the prior's log density, with the
    /// trapezoid rule's half weight at the two ends.
    pub fn ln_weights(&self, nodes: &[f64]) -> Vec<f64> {
        let last = nodes.len().saturating_sub(1);
        nodes
            .iter()
            .enumerate()
            .map(|(q, &t)| {
                let z = (t - self.prior.mean) / self.prior.sd;
                let end = self.rule == QuadratureRule::Trapezoid && (q == 0 || q == last);
                -0.5 * z * z + if end { 0.5f64.ln() } else { 0.0 }
            })
            .collect()
    }
}

impl Default for EapSettings {
    /// N(0, 1), 61 points on [−4, 4], rectangle rule.
    fn default() -> Self {
        Self {
            prior: NormalPrior::default(),
            grid: Grid {
                points: 61,
                lo: -4.0,
                hi: 4.0,
            },
            rule: QuadratureRule::Rectangle,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Method {
    Eap(EapSettings),
    Map(NormalPrior),
    Mle,
    Wle,
}

/// What kind of estimate came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    /// Every administered item correct: the MLE is +∞.
    AllCorrect,
    /// Every administered item wrong: the MLE is −∞.
    AllWrong,
    /// A mixed pattern whose likelihood (MLE) or weighted likelihood (WLE) has no finite
    /// maximum; θ is ±∞ in the direction it rises.
    NoFiniteMle,
    /// Nothing was administered; MLE and WLE are undefined (θ is NaN).
    NoResponses,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::AllCorrect => "all_correct",
            Status::AllWrong => "all_wrong",
            Status::NoFiniteMle => "no_finite_mle",
            Status::NoResponses => "no_responses",
        }
    }
}

/// θ, its standard error (posterior SD for EAP; NaN where undefined) and the status.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub theta: f64,
    pub se: f64,
    pub status: Status,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SettingsError {
    #[error("the grid needs at least 2 points, got {0}")]
    TooFewPoints(usize),
    #[error("the grid range must run from a lower to a higher finite θ, got [{0}, {1}]")]
    BadRange(f64, f64),
    #[error("the prior SD must be finite and greater than 0, got {0}")]
    BadPriorSd(f64),
    #[error("the prior mean must be finite, got {0}")]
    BadPriorMean(f64),
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("the pattern has {got} responses but there are {expected} items")]
pub struct PatternLengthError {
    pub expected: usize,
    pub got: usize,
}

/// `ln P` and `ln Q` of every item at every node, computed once for an item set so scoring
/// a pattern is additions only.
#[derive(Debug, Clone)]
pub(crate) struct LnTable {
    pub(crate) nodes: Vec<f64>,
    /// items × nodes, row-major.
    pub(crate) ln_p: Vec<f64>,
    pub(crate) ln_q: Vec<f64>,
}

impl LnTable {
    pub(crate) fn new(items: &[ItemParams], nodes: Vec<f64>) -> Self {
        let mut ln_p = Vec::with_capacity(items.len() * nodes.len());
        let mut ln_q = Vec::with_capacity(items.len() * nodes.len());
        for item in items {
            for &t in &nodes {
                let (p, q) = item.ln_prob_pair(t);
                ln_p.push(p);
                ln_q.push(q);
            }
        }
        Self { nodes, ln_p, ln_q }
    }

    /// Adds `ln L(θ_q)` of the pattern to `acc[q]`.
    fn add_loglik(&self, responses: &[Response], acc: &mut [f64]) {
        let n = self.nodes.len();
        for (j, r) in responses.iter().enumerate() {
            let row = match r {
                Some(true) => &self.ln_p[j * n..(j + 1) * n],
                Some(false) => &self.ln_q[j * n..(j + 1) * n],
                None => continue,
            };
            for (a, v) in acc.iter_mut().zip(row) {
                *a += v;
            }
        }
    }
}

/// Scores patterns on one item set with one method. Build once, score many.
#[derive(Debug, Clone)]
pub struct AbilityScorer {
    items: Vec<ItemParams>,
    method: Method,
    table: LnTable,
    /// ln of the EAP prior weights at the table's nodes (EAP only).
    ln_weights: Vec<f64>,
}

const SEARCH_STEP: f64 = 0.05;
const XTOL: f64 = 1e-13;

impl AbilityScorer {
    pub fn new(items: &[ItemParams], method: Method) -> Result<Self, SettingsError> {
        let (nodes, ln_weights) = match method {
            Method::Eap(s) => {
                check_prior(s.prior)?;
                if s.grid.points < 2 {
                    return Err(SettingsError::TooFewPoints(s.grid.points));
                }
                if !(s.grid.lo.is_finite() && s.grid.hi.is_finite() && s.grid.lo < s.grid.hi) {
                    return Err(SettingsError::BadRange(s.grid.lo, s.grid.hi));
                }
                let nodes = s.grid.nodes();
                let weights = s.ln_weights(&nodes);
                (nodes, weights)
            }
            Method::Map(prior) => {
                check_prior(prior)?;
                (search_nodes(-8.0, 8.0), Vec::new())
            }
            Method::Mle | Method::Wle => (search_nodes(-10.0, 10.0), Vec::new()),
        };
        Ok(Self {
            items: items.to_vec(),
            method,
            table: LnTable::new(items, nodes),
            ln_weights,
        })
    }

    pub fn items(&self) -> &[ItemParams] {
        &self.items
    }

    pub fn estimate(&self, responses: &[Response]) -> Result<Estimate, PatternLengthError> {
        if responses.len() != self.items.len() {
            return Err(PatternLengthError {
                expected: self.items.len(),
                got: responses.len(),
            });
        }
        Ok(match self.method {
            Method::Eap(_) => self.eap(responses),
            Method::Map(prior) => self.map(responses, prior),
            Method::Mle => self.mle(responses),
            Method::Wle => self.wle(responses),
        })
    }

    /// Scores every row of a matrix on both cores. `progress(done)` is called as chunks of
    /// rows finish (from worker threads), for a progress bar.
    pub fn estimate_all(
        &self,
        m: &ResponseMatrix,
        progress: impl Fn(usize) + Sync,
    ) -> Result<Vec<Estimate>, PatternLengthError> {
        use rayon::prelude::*;
        if m.items() != self.items.len() {
            return Err(PatternLengthError {
                expected: self.items.len(),
                got: m.items(),
            });
        }
        const CHUNK: usize = 1024;
        let mut out = vec![
            Estimate {
                theta: f64::NAN,
                se: f64::NAN,
                status: Status::NoResponses
            };
            m.persons()
        ];
        out.par_chunks_mut(CHUNK)
            .enumerate()
            .for_each(|(c, chunk)| {
                for (k, slot) in chunk.iter_mut().enumerate() {
                    let row = m.row(c * CHUNK + k);
                    *slot = match self.method {
                        Method::Eap(_) => self.eap(row),
                        Method::Map(prior) => self.map(row, prior),
                        Method::Mle => self.mle(row),
                        Method::Wle => self.wle(row),
                    };
                }
                progress(chunk.len());
            });
        Ok(out)
    }

    fn eap(&self, responses: &[Response]) -> Estimate {
        let mut acc = self.ln_weights.clone();
        self.table.add_loglik(responses, &mut acc);
        let max = acc.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let (mut s0, mut s1) = (0.0, 0.0);
        for (a, &t) in acc.iter_mut().zip(&self.table.nodes) {
            *a = (*a - max).exp();
            s0 += *a;
            s1 += *a * t;
        }
        let theta = s1 / s0;
        let s2: f64 = acc
            .iter()
            .zip(&self.table.nodes)
            .map(|(w, &t)| w * (t - theta) * (t - theta))
            .sum();
        Estimate {
            theta,
            se: (s2 / s0).sqrt(),
            status: Status::Ok,
        }
    }

    fn map(&self, responses: &[Response], prior: NormalPrior) -> Estimate {
        let precision = 1.0 / (prior.sd * prior.sd);
        let mut acc: Vec<f64> = self
            .table
            .nodes
            .iter()
            .map(|t| -0.5 * (t - prior.mean) * (t - prior.mean) * precision)
            .collect();
        self.table.add_loglik(responses, &mut acc);
        let k = argmax(&acc);
        let theta = self.refine(k, |t| {
            score(&self.items, responses, t) - (t - prior.mean) * precision
        });
        let theta = theta.unwrap_or_else(|| {
            let (lo, hi) = self.bracket(k);
            golden_max(
                |t| loglik(&self.items, responses, t) - 0.5 * (t - prior.mean).powi(2) * precision,
                lo,
                hi,
                XTOL,
            )
        });
        Estimate {
            theta,
            se: 1.0 / (test_info(&self.items, responses, theta) + precision).sqrt(),
            status: Status::Ok,
        }
    }

    fn mle(&self, responses: &[Response]) -> Estimate {
        if let Some(e) = extreme_pattern(responses) {
            return e;
        }
        let mut acc = vec![0.0; self.table.nodes.len()];
        self.table.add_loglik(responses, &mut acc);
        let k = argmax(&acc);
        if k == 0 || k == acc.len() - 1 {
            // The likelihood rises towards the search bound: no finite maximum.
            return Estimate {
                theta: if k == 0 {
                    f64::NEG_INFINITY
                } else {
                    f64::INFINITY
                },
                se: f64::NAN,
                status: Status::NoFiniteMle,
            };
        }
        let theta = self
            .refine(k, |t| score(&self.items, responses, t))
            .unwrap_or_else(|| {
                let (lo, hi) = self.bracket(k);
                golden_max(|t| loglik(&self.items, responses, t), lo, hi, XTOL)
            });
        Estimate {
            theta,
            se: 1.0 / test_info(&self.items, responses, theta).sqrt(),
            status: Status::Ok,
        }
    }

    fn wle(&self, responses: &[Response]) -> Estimate {
        if responses.iter().all(Option::is_none) {
            return no_responses();
        }
        let nodes = &self.table.nodes;
        let values: Vec<f64> = nodes
            .iter()
            .map(|&t| warm_equation(&self.items, responses, t))
            .collect();
        // Every downward crossing of the estimating equation is a local maximum of the
        // weighted likelihood; keep the best by ln L + ½ ln I.
        let mut best: Option<(f64, f64)> = None;
        for k in 0..nodes.len() - 1 {
            if values[k] >= 0.0 && values[k + 1] < 0.0 {
                let root = brent_root(
                    |t| warm_equation(&self.items, responses, t),
                    nodes[k],
                    nodes[k + 1],
                    XTOL,
                );
                if let Some(t) = root {
                    let objective = loglik(&self.items, responses, t)
                        + 0.5 * test_info(&self.items, responses, t).ln();
                    if best.is_none_or(|(_, o)| objective > o) {
                        best = Some((t, objective));
                    }
                }
            }
        }
        match best {
            Some((theta, _)) => Estimate {
                theta,
                se: 1.0 / test_info(&self.items, responses, theta).sqrt(),
                status: Status::Ok,
            },
            None => Estimate {
                // No crossing: the equation keeps one sign, so the estimate runs off that way.
                theta: if values[0] < 0.0 {
                    f64::NEG_INFINITY
                } else {
                    f64::INFINITY
                },
                se: f64::NAN,
                status: Status::NoFiniteMle,
            },
        }
    }

    fn bracket(&self, k: usize) -> (f64, f64) {
        let nodes = &self.table.nodes;
        (
            nodes[k.saturating_sub(1)],
            nodes[(k + 1).min(nodes.len() - 1)],
        )
    }

    /// Solves `f = 0` in the bracket around grid node `k`.
    fn refine(&self, k: usize, f: impl FnMut(f64) -> f64) -> Option<f64> {
        let (lo, hi) = self.bracket(k);
        brent_root(f, lo, hi, XTOL)
    }
}

fn check_prior(p: NormalPrior) -> Result<(), SettingsError> {
    if !(p.sd.is_finite() && p.sd > 0.0) {
        return Err(SettingsError::BadPriorSd(p.sd));
    }
    if !p.mean.is_finite() {
        return Err(SettingsError::BadPriorMean(p.mean));
    }
    Ok(())
}

fn search_nodes(lo: f64, hi: f64) -> Vec<f64> {
    let n = ((hi - lo) / SEARCH_STEP).round() as usize + 1;
    Grid { points: n, lo, hi }.nodes()
}

fn argmax(v: &[f64]) -> usize {
    let mut k = 0;
    for (i, &x) in v.iter().enumerate() {
        if x > v[k] {
            k = i;
        }
    }
    k
}

fn no_responses() -> Estimate {
    Estimate {
        theta: f64::NAN,
        se: f64::NAN,
        status: Status::NoResponses,
    }
}

/// All correct → +∞, all wrong → −∞, nothing administered → NaN.
fn extreme_pattern(responses: &[Response]) -> Option<Estimate> {
    let answered = responses.iter().flatten();
    let (mut right, mut wrong) = (0, 0);
    for &r in answered {
        if r {
            right += 1;
        } else {
            wrong += 1;
        }
    }
    match (right, wrong) {
        (0, 0) => Some(no_responses()),
        (_, 0) => Some(Estimate {
            theta: f64::INFINITY,
            se: f64::NAN,
            status: Status::AllCorrect,
        }),
        (0, _) => Some(Estimate {
            theta: f64::NEG_INFINITY,
            se: f64::NAN,
            status: Status::AllWrong,
        }),
        _ => None,
    }
}

/// `ln L(θ)` of a pattern.
pub fn loglik(items: &[ItemParams], responses: &[Response], theta: f64) -> f64 {
    items
        .iter()
        .zip(responses)
        .filter_map(|(item, r)| {
            r.map(|u| {
                let (lp, lq) = item.ln_prob_pair(theta);
                if u {
                    lp
                } else {
                    lq
                }
            })
        })
        .sum()
}

/// The score `S(θ) = Σ (u − P) P'/(P Q)`, written as `(u − P)·D·a·P*/P` so that neither
/// `Q` nor `P` underflowing to 0 turns it into NaN.
pub fn score(items: &[ItemParams], responses: &[Response], theta: f64) -> f64 {
    items
        .iter()
        .zip(responses)
        .filter_map(|(item, r)| {
            r.map(|u| {
                let ps = item.logistic(theta);
                let c = item.c.get();
                let p = c + (1.0 - c) * ps;
                let u = if u { 1.0 } else { 0.0 };
                if c == 0.0 {
                    item.slope() * (u - ps)
                } else {
                    item.slope() * (u - p) * ps / p
                }
            })
        })
        .sum()
}

/// Test information `Σ I_j(θ)` over the administered items.
pub fn test_info(items: &[ItemParams], responses: &[Response], theta: f64) -> f64 {
    items
        .iter()
        .zip(responses)
        .filter(|(_, r)| r.is_some())
        .map(|(item, _)| item.info(theta))
        .sum()
}

/// Warm's estimating equation `S(θ) + J(θ)/(2 I(θ))`.
fn warm_equation(items: &[ItemParams], responses: &[Response], theta: f64) -> f64 {
    let (mut info, mut j) = (0.0, 0.0);
    for (item, r) in items.iter().zip(responses) {
        if r.is_some() {
            let (p, d1, d2) = item.prob_derivatives(theta);
            // P'/(PQ) = D·a·P*/P, stable where Q underflows.
            let ps = item.logistic(theta);
            let ratio = item.slope() * ps / p;
            info += d1 * ratio;
            j += d2 * ratio;
        }
    }
    let weight = if info > 0.0 { j / (2.0 * info) } else { 0.0 };
    score(items, responses, theta) + weight
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rasch_items(n: usize, b: f64) -> Vec<ItemParams> {
        (0..n).map(|_| ItemParams::rasch(b).unwrap()).collect()
    }

    fn pattern(right: usize, n: usize) -> Vec<Response> {
        (0..n).map(|i| Some(i < right)).collect()
    }

    #[test]
    fn rasch_mle_and_wle_have_closed_forms_for_identical_items() {
        // n identical Rasch items at b = 0: the MLE is logit(r/n) and Warm's WLE is
        // logit((r + ½)/(n + 1)).
        let items = rasch_items(10, 0.0);
        let mle = AbilityScorer::new(&items, Method::Mle).unwrap();
        let wle = AbilityScorer::new(&items, Method::Wle).unwrap();
        for r in 0..=10usize {
            let resp = pattern(r, 10);
            let w = wle.estimate(&resp).unwrap();
            let p = (r as f64 + 0.5) / 11.0;
            assert_eq!(w.status, Status::Ok);
            assert!((w.theta - (p / (1.0 - p)).ln()).abs() < 1e-10, "r={r}");
            let m = mle.estimate(&resp).unwrap();
            match r {
                0 => assert_eq!((m.status, m.theta), (Status::AllWrong, f64::NEG_INFINITY)),
                10 => assert_eq!((m.status, m.theta), (Status::AllCorrect, f64::INFINITY)),
                _ => {
                    let p = r as f64 / 10.0;
                    assert!((m.theta - (p / (1.0 - p)).ln()).abs() < 1e-10);
                    // SE = 1/sqrt(n P Q)
                    assert!((m.se - 1.0 / (10.0 * p * (1.0 - p)).sqrt()).abs() < 1e-9);
                }
            }
        }
    }

    #[test]
    fn missing_responses_are_left_out_not_scored_wrong() {
        let items = rasch_items(4, 0.0);
        let full = [Some(true), Some(false)];
        let gappy = [Some(true), None, Some(false), None];
        let eap2 = AbilityScorer::new(&items[..2], Method::Eap(EapSettings::default())).unwrap();
        let eap4 = AbilityScorer::new(&items, Method::Eap(EapSettings::default())).unwrap();
        let a = eap2.estimate(&full).unwrap();
        let b = eap4.estimate(&gappy).unwrap();
        assert!((a.theta - b.theta).abs() < 1e-15 && (a.se - b.se).abs() < 1e-15);
        let none = eap4.estimate(&[None; 4]).unwrap();
        assert!(none.theta.abs() < 1e-12, "no data gives the prior mean");
        let mle = AbilityScorer::new(&items, Method::Mle).unwrap();
        assert_eq!(
            mle.estimate(&[None; 4]).unwrap().status,
            Status::NoResponses
        );
    }

    #[test]
    fn a_3pl_pattern_that_rises_without_bound_is_no_finite_mle() {
        // Wrong on an easy, weakly discriminating item, right on a hard, sharp one with
        // guessing: the likelihood tends to 1 · 0.25 as θ → −∞, above its one interior local
        // maximum near θ = 4 (about 0.03).
        let items = vec![
            ItemParams::two_pl(0.5, -3.0).unwrap(),
            ItemParams::three_pl(2.0, 3.0, 0.25).unwrap(),
        ];
        let mle = AbilityScorer::new(&items, Method::Mle).unwrap();
        let e = mle.estimate(&[Some(false), Some(true)]).unwrap();
        assert_eq!(e.status, Status::NoFiniteMle);
        assert_eq!(e.theta, f64::NEG_INFINITY);
    }

    #[test]
    fn wrong_pattern_length_is_an_error() {
        let scorer = AbilityScorer::new(&rasch_items(3, 0.0), Method::Mle).unwrap();
        assert!(scorer.estimate(&[Some(true)]).is_err());
    }

    #[test]
    fn bad_settings_are_refused() {
        let items = rasch_items(3, 0.0);
        let mut s = EapSettings::default();
        s.grid.points = 1;
        assert!(AbilityScorer::new(&items, Method::Eap(s)).is_err());
        let mut s = EapSettings::default();
        s.grid.lo = 5.0;
        assert!(AbilityScorer::new(&items, Method::Eap(s)).is_err());
        assert!(
            AbilityScorer::new(&items, Method::Map(NormalPrior { mean: 0.0, sd: 0.0 })).is_err()
        );
    }
}
