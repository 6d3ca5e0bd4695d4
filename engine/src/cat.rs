//! Computerised adaptive testing: the core loop of maximum-information selection and EAP
//! updating (Weiss 1982; van der Linden & Glas 2010).
//!
//! After each response the posterior over the EAP nodes is updated in place (one addition
//! per node), the EAP and posterior SD are recomputed, and the next item is the unused item
//! with the largest Fisher information at the current estimate. The first item is chosen at
//! the start value (θ = 0 by default).
//!
//! This is the first slice of adaptive delivery: selection with content balancing, exposure
//! control and the stopping rules are built on it in the form-assembly work.

use crate::irt::{EapSettings, ItemParams, QuadratureRule};

/// A bank prepared for adaptive testing with one EAP setting.
#[derive(Debug, Clone)]
pub struct CatBank {
    items: Vec<ItemParams>,
    nodes: Vec<f64>,
    ln_prior: Vec<f64>,
    /// items × nodes: ln P and ln Q.
    ln_p: Vec<f64>,
    ln_q: Vec<f64>,
}

impl CatBank {
    pub fn new(items: Vec<ItemParams>, eap: EapSettings) -> Self {
        let nodes = eap.grid.nodes();
        let last = nodes.len() - 1;
        let ln_prior = nodes
            .iter()
            .enumerate()
            .map(|(q, &t)| {
                let z = (t - eap.prior.mean) / eap.prior.sd;
                let end = eap.rule == QuadratureRule::Trapezoid && (q == 0 || q == last);
                -0.5 * z * z + if end { 0.5f64.ln() } else { 0.0 }
            })
            .collect();
        let mut ln_p = Vec::with_capacity(items.len() * nodes.len());
        let mut ln_q = Vec::with_capacity(items.len() * nodes.len());
        for item in &items {
            for &t in &nodes {
                let (p, q) = item.ln_prob_pair(t);
                ln_p.push(p);
                ln_q.push(q);
            }
        }
        Self {
            items,
            nodes,
            ln_prior,
            ln_p,
            ln_q,
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
        let mut best: Option<(usize, f64)> = None;
        for (j, item) in self.bank.items.iter().enumerate() {
            if self.used[j] {
                continue;
            }
            let info = item.info(self.theta);
            if best.is_none_or(|(_, b)| info > b) {
                best = Some((j, info));
            }
        }
        best.map(|(j, _)| j)
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
