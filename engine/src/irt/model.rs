//! Logistic item response models: Rasch, 2PL and 3PL.
//!
//! For an examinee of ability θ, an item with discrimination `a`, difficulty `b`, lower
//! asymptote (pseudo-guessing) `c` and scaling constant `D` is answered correctly with
//!
//! ```text
//! P(θ) = c + (1 − c) / (1 + exp(−D·a·(θ − b)))        (Birnbaum 1968)
//! ```
//!
//! The 2PL is `c = 0`, the Rasch model `a = 1, c = 0`. `D = 1` is the default (the logistic
//! metric of the reference data); `D = 1.702` approximates the normal ogive.
//!
//! Fisher information (Lord 1980, ch. 5; Hambleton & Swaminathan 1985, ch. 6):
//!
//! ```text
//! I(θ) = (D·a)² · (Q/P) · ((P − c)/(1 − c))²,   Q = 1 − P
//! ```
//!
//! which reduces to `(D·a)²·P·Q` for the 2PL.
//!
//! Invalid parameters cannot be built: `a` must be finite and positive, `b` finite, `c` in
//! `[0, 1)`, `D` finite and positive.

use serde::{Deserialize, Serialize};

/// Why a parameter was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ParamError {
    #[error("discrimination a must be finite and greater than 0, got {0}")]
    Discrimination(f64),
    #[error("difficulty b must be a finite number, got {0}")]
    Difficulty(f64),
    #[error("guessing c must be at least 0 and below 1, got {0}")]
    Guessing(f64),
    #[error("scaling constant D must be finite and greater than 0, got {0}")]
    Scaling(f64),
}

/// Discrimination `a`: finite, greater than 0.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Discrimination(f64);

impl Discrimination {
    pub fn new(a: f64) -> Result<Self, ParamError> {
        if a.is_finite() && a > 0.0 {
            Ok(Self(a))
        } else {
            Err(ParamError::Discrimination(a))
        }
    }
    pub fn get(self) -> f64 {
        self.0
    }
}

/// Difficulty `b`: any finite number.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Difficulty(f64);

impl Difficulty {
    pub fn new(b: f64) -> Result<Self, ParamError> {
        if b.is_finite() {
            Ok(Self(b))
        } else {
            Err(ParamError::Difficulty(b))
        }
    }
    pub fn get(self) -> f64 {
        self.0
    }
}

/// Lower asymptote `c`: in `[0, 1)`.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Guessing(f64);

impl Guessing {
    pub fn new(c: f64) -> Result<Self, ParamError> {
        if (0.0..1.0).contains(&c) {
            Ok(Self(c))
        } else {
            Err(ParamError::Guessing(c))
        }
    }
    pub const ZERO: Guessing = Guessing(0.0);
    pub fn get(self) -> f64 {
        self.0
    }
}

macro_rules! into_f64 {
    ($($t:ty),*) => {$(
        impl From<$t> for f64 {
            fn from(v: $t) -> f64 {
                v.0
            }
        }
        impl TryFrom<f64> for $t {
            type Error = ParamError;
            fn try_from(v: f64) -> Result<Self, ParamError> {
                <$t>::new(v)
            }
        }
    )*};
}
into_f64!(Discrimination, Difficulty, Guessing);

/// Which model an item's parameters belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemModel {
    Rasch,
    #[serde(rename = "2pl")]
    TwoPl,
    #[serde(rename = "3pl")]
    ThreePl,
}

/// One item's parameters and the scaling constant it is used with.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ItemParams {
    pub a: Discrimination,
    pub b: Difficulty,
    pub c: Guessing,
    /// The scaling constant `D` (1 unless set with [`ItemParams::with_scaling`]).
    #[serde(default = "one")]
    d: f64,
}

fn one() -> f64 {
    1.0
}

impl ItemParams {
    pub fn new(a: Discrimination, b: Difficulty, c: Guessing) -> Self {
        Self { a, b, c, d: 1.0 }
    }

    /// A Rasch item (`a = 1`, `c = 0`).
    pub fn rasch(b: f64) -> Result<Self, ParamError> {
        Ok(Self::new(
            Discrimination(1.0),
            Difficulty::new(b)?,
            Guessing::ZERO,
        ))
    }

    pub fn two_pl(a: f64, b: f64) -> Result<Self, ParamError> {
        Ok(Self::new(
            Discrimination::new(a)?,
            Difficulty::new(b)?,
            Guessing::ZERO,
        ))
    }

    pub fn three_pl(a: f64, b: f64, c: f64) -> Result<Self, ParamError> {
        Ok(Self::new(
            Discrimination::new(a)?,
            Difficulty::new(b)?,
            Guessing::new(c)?,
        ))
    }

    /// The same item on another metric: `D = 1.702` approximates the normal ogive.
    pub fn with_scaling(mut self, d: f64) -> Result<Self, ParamError> {
        if !(d.is_finite() && d > 0.0) {
            return Err(ParamError::Scaling(d));
        }
        self.d = d;
        Ok(self)
    }

    pub fn scaling(&self) -> f64 {
        self.d
    }

    /// The simplest model these parameters fit.
    pub fn model(&self) -> ItemModel {
        if self.c.0 > 0.0 {
            ItemModel::ThreePl
        } else if self.a.0 == 1.0 {
            ItemModel::Rasch
        } else {
            ItemModel::TwoPl
        }
    }

    /// `D·a`, the slope on the θ scale.
    #[inline]
    pub fn slope(&self) -> f64 {
        self.d * self.a.0
    }

    /// The logistic part `P*(θ) = 1 / (1 + exp(−D·a·(θ − b)))`.
    #[inline]
    pub fn logistic(&self, theta: f64) -> f64 {
        logistic(self.slope() * (theta - self.b.0))
    }

    /// Probability of a correct answer at θ.
    #[inline]
    pub fn prob(&self, theta: f64) -> f64 {
        let c = self.c.0;
        c + (1.0 - c) * self.logistic(theta)
    }

    /// `(ln P, ln Q)` at θ, accurate far into both tails (no `ln(0)` where P or Q underflow).
    #[inline]
    pub fn ln_prob_pair(&self, theta: f64) -> (f64, f64) {
        let z = self.slope() * (theta - self.b.0);
        let c = self.c.0;
        // ln P* = −ln(1 + e^−z), ln Q* = −ln(1 + e^z), both by a stable softplus.
        let ln_ps = -softplus(-z);
        let ln_qs = -softplus(z);
        if c == 0.0 {
            (ln_ps, ln_qs)
        } else {
            // P = c + (1−c)P*, Q = (1−c)Q*.
            let p = c + (1.0 - c) * ln_ps.exp();
            (p.ln(), (1.0 - c).ln() + ln_qs)
        }
    }

    /// Fisher information at θ.
    #[inline]
    pub fn info(&self, theta: f64) -> f64 {
        let c = self.c.0;
        let ps = self.logistic(theta);
        let qs = 1.0 - ps;
        let da = self.slope();
        if c == 0.0 {
            return da * da * ps * qs;
        }
        let p = c + (1.0 - c) * ps;
        // (P − c)/(1 − c) = P*, Q = (1 − c)Q*, so I = (Da)² · (1 − c)Q*/P · P*².
        da * da * (1.0 - c) * qs / p * ps * ps
    }

    /// The derivatives used by the estimators at θ: `(P, P', P'')`.
    #[inline]
    pub fn prob_derivatives(&self, theta: f64) -> (f64, f64, f64) {
        let c = self.c.0;
        let ps = self.logistic(theta);
        let da = self.slope();
        let w = ps * (1.0 - ps);
        let p = c + (1.0 - c) * ps;
        let d1 = (1.0 - c) * da * w;
        let d2 = (1.0 - c) * da * da * w * (1.0 - 2.0 * ps);
        (p, d1, d2)
    }
}

/// `1 / (1 + e^−z)` without overflow.
#[inline]
pub fn logistic(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// `ln(1 + e^z)` without overflow or loss of precision in the tails.
#[inline]
pub fn softplus(z: f64) -> f64 {
    if z > 0.0 {
        z + (-z).exp().ln_1p()
    } else {
        z.exp().ln_1p()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_parameters_cannot_be_built() {
        assert!(Discrimination::new(0.0).is_err());
        assert!(Discrimination::new(-1.0).is_err());
        assert!(Discrimination::new(f64::NAN).is_err());
        assert!(Difficulty::new(f64::INFINITY).is_err());
        assert!(Guessing::new(1.0).is_err());
        assert!(Guessing::new(-0.01).is_err());
        assert!(ItemParams::rasch(0.0).unwrap().with_scaling(0.0).is_err());
        assert!(serde_json::from_str::<Discrimination>("-2").is_err());
    }

    #[test]
    fn models_reduce_as_documented() {
        let rasch = ItemParams::rasch(0.5).unwrap();
        assert_eq!(rasch.model(), ItemModel::Rasch);
        assert!((rasch.prob(0.5) - 0.5).abs() < 1e-15);
        assert!((rasch.info(0.5) - 0.25).abs() < 1e-15);
        let three = ItemParams::three_pl(1.2, 0.0, 0.2).unwrap();
        // At θ = b the 3PL probability is halfway between c and 1.
        assert!((three.prob(0.0) - 0.6).abs() < 1e-15);
        let normal = ItemParams::two_pl(1.0, 0.0)
            .unwrap()
            .with_scaling(1.702)
            .unwrap();
        assert!((normal.prob(1.0) - logistic(1.702)).abs() < 1e-15);
    }

    #[test]
    fn log_probabilities_stay_finite_in_the_tails() {
        let item = ItemParams::three_pl(2.5, 0.0, 0.2).unwrap();
        let (lp, lq) = item.ln_prob_pair(-400.0);
        assert!((lp - 0.2f64.ln()).abs() < 1e-12 && lq.is_finite());
        let (lp, lq) = item.ln_prob_pair(400.0);
        assert!(lp.abs() < 1e-12 && lq.is_finite() && lq < -900.0);
        let two = ItemParams::two_pl(2.5, 0.0).unwrap();
        let (lp, _) = two.ln_prob_pair(-400.0);
        assert!(lp.is_finite() && lp < -900.0);
    }

    #[test]
    fn derivatives_match_finite_differences() {
        let item = ItemParams::three_pl(1.4, -0.3, 0.17).unwrap();
        for &t in &[-2.0, -0.3, 0.8, 2.5] {
            let h = 1e-5;
            let (p, d1, d2) = item.prob_derivatives(t);
            assert!((p - item.prob(t)).abs() < 1e-15);
            let fd1 = (item.prob(t + h) - item.prob(t - h)) / (2.0 * h);
            let fd2 = (item.prob(t + h) - 2.0 * p + item.prob(t - h)) / (h * h);
            assert!((d1 - fd1).abs() < 1e-8, "{d1} vs {fd1}");
            assert!((d2 - fd2).abs() < 1e-4, "{d2} vs {fd2}");
            // Information is P'^2 / (PQ).
            assert!((item.info(t) - d1 * d1 / (p * (1.0 - p))).abs() < 1e-12);
        }
    }
}
