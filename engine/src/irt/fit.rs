//! Item fit on live responses: infit and outfit mean squares (Wright & Masters 1982), with
//! each candidate's θ taken from their whole attempt.
//!
//! ```text
//! P_i    = P(θ_i)                      the item's model probability for candidate i
//! W_i    = P_i (1 − P_i)               its variance
//! z_i    = (u_i − P_i) / √W_i          the standardised residual (u_i = 1 if right)
//! outfit = (1/n) Σ z_i²                unweighted: sensitive to surprises far from b
//! infit  = Σ (u_i − P_i)² / Σ W_i      information-weighted: sensitive near b
//! ```
//! Both are 1 in expectation when the model holds. Wright & Linacre (1994, "Reasonable
//! mean-square fit values") suggest 0.8–1.2 for high-stakes multiple-choice tests: above it
//! the item is noisier than the model says (guessing, a flawed key), below it more
//! deterministic (a too-low discrimination in the parameters).

use super::ItemParams;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ItemFit {
    pub responses: usize,
    pub infit: f64,
    pub outfit: f64,
}

/// The fit of one item over `responses` (θ, answered right); `None` without responses.
pub fn item_fit(params: &ItemParams, responses: &[(f64, bool)]) -> Option<ItemFit> {
    if responses.is_empty() {
        return None;
    }
    let (mut sq, mut w, mut z2) = (0.0, 0.0, 0.0);
    for &(theta, right) in responses {
        // A probability of exactly 0 or 1 would make z infinite; the logistic never gets
        // there for finite θ, but a clamp keeps one extreme estimate from swamping the sum.
        let p = params.prob(theta).clamp(1e-9, 1.0 - 1e-9);
        let u = if right { 1.0 } else { 0.0 };
        let var = p * (1.0 - p);
        sq += (u - p) * (u - p);
        w += var;
        z2 += (u - p) * (u - p) / var;
    }
    Some(ItemFit {
        responses: responses.len(),
        infit: sq / w,
        outfit: z2 / responses.len() as f64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::{attempt_rng, unit};

    fn simulate(truth: &ItemParams, n: usize, seed: u64) -> Vec<(f64, bool)> {
        let mut rng = attempt_rng(seed);
        (0..n)
            .map(|k| {
                let theta = -3.0 + 6.0 * (k as f64 + 0.5) / n as f64;
                (theta, unit(&mut rng) < truth.prob(theta))
            })
            .collect()
    }

    #[test]
    fn responses_from_the_model_fit_it() {
        let p = ItemParams::three_pl(1.2, 0.3, 0.2).unwrap();
        let f = item_fit(&p, &simulate(&p, 20_000, 7)).unwrap();
        assert!((f.infit - 1.0).abs() < 0.03, "{f:?}");
        assert!((f.outfit - 1.0).abs() < 0.05, "{f:?}");
    }

    #[test]
    fn a_flat_item_misfits_parameters_that_claim_a_steep_one() {
        // The data come from a = 0.3; the stored parameters say a = 2: noisier than claimed.
        let truth = ItemParams::two_pl(0.3, 0.0).unwrap();
        let claimed = ItemParams::two_pl(2.0, 0.0).unwrap();
        let f = item_fit(&claimed, &simulate(&truth, 5_000, 3)).unwrap();
        assert!(f.infit > 1.2 && f.outfit > 1.2, "{f:?}");
        // And the reverse: a steep item under flat parameters is too deterministic.
        let f = item_fit(&truth, &simulate(&claimed, 5_000, 4)).unwrap();
        assert!(f.infit < 0.8, "{f:?}");
        assert_eq!(item_fit(&truth, &[]), None);
    }
}
