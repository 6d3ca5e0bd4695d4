//! Computerised adaptive testing: the core loop of maximum-information selection and EAP
//! updating (Weiss 1982; van der Linden & Glas 2010).
//!
//! After each response the posterior over the EAP nodes is updated in place (one addition
//! per node), the EAP and posterior SD are recomputed, and the next item is the unused item
//! with the largest Fisher information at the current estimate. The first item is chosen at
//! the start value (θ = 0 by default).
//!
//! Selection scans the bank in order of each item's largest possible information (its value
//! at `θ_max`, Birnbaum 1968: `θ_max = b + ln((1 + sqrt(1 + 8c))/2)/(D·a)`) and stops as soon as
//! no remaining item could beat the best found: the same choice as a full scan, much faster.
//! [`design`] builds a whole test on this: content balancing, exposure control, stopping rules.

pub mod design;
pub mod simulate;
pub mod stepper;

pub use design::{
    choose_next, parse_exposure_target, run, tune_sympson_hetter, ContentLimit, Decision, Design,
    DesignError, Outcome, Selection, StopRule,
};
pub use stepper::{AdaptiveTest, NothingPresented};

use crate::irt::ability::LnTable;
use crate::irt::{EapSettings, ItemParams};

/// A bank prepared for adaptive testing with one EAP setting.
#[derive(Debug, Clone)]
pub struct CatBank {
    items: Vec<ItemParams>,
    nodes: Vec<f64>,
    ln_prior: Vec<f64>,
    /// items × nodes: ln P and ln Q.
    ln_p: Vec<f64>,
    ln_q: Vec<f64>,
    /// An upper bound on each item's information at any θ.
    max_info: Vec<f64>,
    /// Item indices by `max_info`, largest first (ties by index).
    by_max_info: Vec<usize>,
}

impl CatBank {
    pub fn new(items: Vec<ItemParams>, eap: EapSettings) -> Self {
        let table = LnTable::new(&items, eap.grid.nodes());
        let ln_prior = eap.ln_weights(&table.nodes);
        let max_info: Vec<f64> = items
            .iter()
            .map(|it| {
                let c = it.c.get();
                let at = it.b.get() + ((1.0 + (1.0 + 8.0 * c).sqrt()) / 2.0).ln() / it.slope();
                // A hair above the exact maximum, so rounding can never make the bound too low.
                it.info(at) * (1.0 + 1e-9)
            })
            .collect();
        let mut by_max_info: Vec<usize> = (0..items.len()).collect();
        by_max_info.sort_by(|&x, &y| max_info[y].total_cmp(&max_info[x]).then(x.cmp(&y)));
        Self {
            items,
            nodes: table.nodes,
            ln_prior,
            ln_p: table.ln_p,
            ln_q: table.ln_q,
            max_info,
            by_max_info,
        }
    }

    pub fn items(&self) -> &[ItemParams] {
        &self.items
    }

    /// A fresh session starting at θ = `start`.
    pub fn session(&self, start: f64) -> CatSession<'_> {
        CatSession {
            bank: self,
            log_post: self.ln_prior.clone(),
            used: vec![false; self.items.len()],
            administered: Vec::new(),
            responses: Vec::new(),
            theta: start,
            se: f64::NAN,
        }
    }
}

/// One examinee's adaptive test in progress.
#[derive(Debug, Clone)]
pub struct CatSession<'a> {
    bank: &'a CatBank,
    log_post: Vec<f64>,
    used: Vec<bool>,
    administered: Vec<usize>,
    responses: Vec<bool>,
    theta: f64,
    se: f64,
}

impl CatSession<'_> {
    /// The unused item with the most information at the current θ; ties go to the lower
    /// index (the bank order), so the choice is deterministic.
    pub fn next_item(&self) -> Option<usize> {
        self.most_informative(1, |j| !self.used[j]).first().copied()
    }

    /// The `k` most informative items at the current θ among those `open` allows (and not
    /// yet used), best first; ties go to the lower index.
    pub fn most_informative(&self, k: usize, open: impl Fn(usize) -> bool) -> Vec<usize> {
        let mut top: Vec<(f64, usize)> = Vec::with_capacity(k + 1);
        for &j in &self.bank.by_max_info {
            if top.len() == k && self.bank.max_info[j] < top[k - 1].0 {
                break; // nothing further down can enter the top k
            }
            if self.used[j] || !open(j) {
                continue;
            }
            let info = self.bank.items[j].info(self.theta);
            let pos = top
                .iter()
                .position(|&(i, x)| info > i || (info == i && j < x))
                .unwrap_or(top.len());
            if pos < k {
                top.insert(pos, (info, j));
                top.truncate(k);
            }
        }
        top.into_iter().map(|(_, j)| j).collect()
    }

    /// `ln L(θ)` of the responses so far (for the SPRT).
    pub fn log_likelihood(&self, theta: f64) -> f64 {
        self.administered
            .iter()
            .zip(&self.responses)
            .map(|(&j, &u)| {
                let (lp, lq) = self.bank.items[j].ln_prob_pair(theta);
                if u {
                    lp
                } else {
                    lq
                }
            })
            .sum()
    }

    /// Records the response to item `j` and updates the estimate.
    pub fn record(&mut self, j: usize, correct: bool) {
        let n = self.bank.nodes.len();
        let row = if correct {
            &self.bank.ln_p[j * n..(j + 1) * n]
        } else {
            &self.bank.ln_q[j * n..(j + 1) * n]
        };
        for (acc, v) in self.log_post.iter_mut().zip(row) {
            *acc += v;
        }
        self.used[j] = true;
        self.administered.push(j);
        self.responses.push(correct);
        let max = self
            .log_post
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        let (mut s0, mut s1, mut s2) = (0.0, 0.0, 0.0);
        for (lp, &t) in self.log_post.iter().zip(&self.bank.nodes) {
            let w = (lp - max).exp();
            s0 += w;
            s1 += w * t;
            s2 += w * t * t;
        }
        self.theta = s1 / s0;
        self.se = (s2 / s0 - self.theta * self.theta).max(0.0).sqrt();
    }

    pub fn theta(&self) -> f64 {
        self.theta
    }

    /// Posterior SD (NaN before the first response).
    pub fn se(&self) -> f64 {
        self.se
    }

    pub fn administered(&self) -> &[usize] {
        &self.administered
    }

    pub fn responses(&self) -> &[bool] {
        &self.responses
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_item_is_the_most_informative_at_the_start_and_none_repeats() {
        let items: Vec<ItemParams> = [(0.8, 0.0), (2.0, 0.1), (2.0, 2.0), (1.5, -0.2)]
            .iter()
            .map(|&(a, b)| ItemParams::two_pl(a, b).unwrap())
            .collect();
        let bank = CatBank::new(items, EapSettings::default());
        let mut s = bank.session(0.0);
        assert_eq!(s.next_item(), Some(1));
        s.record(1, true);
        assert!(s.theta() > 0.0);
        let mut seen = vec![1];
        while let Some(j) = s.next_item() {
            assert!(!seen.contains(&j));
            seen.push(j);
            s.record(j, false);
        }
        assert_eq!(seen.len(), 4);
    }
}
