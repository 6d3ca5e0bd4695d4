//! An adaptive test from start to stop: content balancing, randomesque selection,
//! Sympson–Hetter exposure control, enemy items, retake exclusions, testlets (scenario sets
//! given whole and in order once their first item is selected; selection looks at that first
//! item's information), and the stopping rules.
//!
//! - **Content balancing** (Kingsbury & Zara 1989, with a feasibility guard): each competency
//!   has a minimum and a maximum count. While the minimums still to be met fill the slots left
//!   before the maximum length, only competencies below their minimum are eligible; otherwise
//!   any competency below its maximum. Among the eligible, the one furthest below its target
//!   share is chosen, then the best item within it. A test may stop only once every minimum
//!   is met, so a finished test never violates the blueprint.
//! - **Randomesque** (Kingsbury & Zara 1989): one of the `k` most informative items, at random.
//! - **Sympson–Hetter** (Sympson & Hetter 1985): a selected item is administered with
//!   probability `K_j`, otherwise it is set aside for this examinee and the next candidate is
//!   tried; the `K_j` are tuned by simulation so no item is administered to more than the
//!   target share of examinees (see [`tune_sympson_hetter`]).
//! - **Stopping**: fixed length; posterior SD at or below a threshold; the SPRT
//!   (Reckase 1983; Eggen 1999) with the indifference region `cut ± δ`, deciding pass when
//!   `ln L(cut + δ) − ln L(cut − δ) ≥ ln((1 − β)/α)` and fail when it is
//!   `≤ ln(β/(1 − α))`; or a confidence interval `θ ± z·SE` that excludes the cut
//!   (Kingsbury & Weiss 1983). Every rule respects the minimum and maximum lengths; at the
//!   maximum length the decision is `θ ≥ cut`.
//!
//! All randomness comes from the caller's RNG (a ChaCha stream seeded per attempt), so the same
//! seed and responses reproduce the same test.

use rand::Rng;

use super::stepper::AdaptiveTest;
use super::{CatBank, CatSession};
use crate::random::below;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Selection {
    MaxInfo,
    /// Pick at random among the `k` most informative eligible items.
    Randomesque(usize),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StopRule {
    /// Stop at the maximum length.
    Fixed,
    /// Stop once the posterior SD is at or below this.
    Se(f64),
    /// Wald's sequential probability ratio test around the cut.
    Sprt {
        cut: f64,
        delta: f64,
        alpha: f64,
        beta: f64,
    },
    /// Stop once `θ ± z·SE` excludes the cut.
    Ci { cut: f64, z: f64 },
}

impl StopRule {
    /// Reads `fixed`, `se:VALUE`, `sprt[:DELTA]` (δ = 0.3, α = β = 0.05) or `ci[:Z]`
    /// (z = 1.96); the rules that decide pass/fail need the `cut` on θ.
    pub fn parse(text: &str, cut: Option<f64>) -> Result<StopRule, String> {
        let (name, value) = match text.split_once(':') {
            Some((n, v)) => (n, Some(v)),
            None => (text, None),
        };
        let positive = |v: Option<&str>, default: f64| -> Result<f64, String> {
            let x = match v {
                None => default,
                Some(t) => t.parse().map_err(|_| format!("{t:?} is not a number"))?,
            };
            if x.is_finite() && x > 0.0 {
                Ok(x)
            } else {
                Err(format!("{x} must be a number above 0"))
            }
        };
        let need_cut =
            || cut.ok_or_else(|| format!("{name} decides pass/fail, so it needs a cut on θ"));
        Ok(match name {
            "fixed" if value.is_none() => StopRule::Fixed,
            "se" => StopRule::Se(positive(
                Some(value.ok_or("se needs its threshold, e.g. se:0.3")?),
                0.0,
            )?),
            "sprt" => StopRule::Sprt {
                cut: need_cut()?,
                delta: positive(value, 0.3)?,
                alpha: 0.05,
                beta: 0.05,
            },
            "ci" => StopRule::Ci {
                cut: need_cut()?,
                z: positive(value, 1.96)?,
            },
            _ => return Err("use fixed, se:VALUE, sprt[:DELTA] or ci[:Z]".into()),
        })
    }
}

/// Reads `sympson-hetter:R`, the exposure target R in (0, 1]: no item given to more than that
/// share of examinees (see [`tune_sympson_hetter`]).
pub fn parse_exposure_target(text: &str) -> Result<f64, String> {
    text.strip_prefix("sympson-hetter:")
        .and_then(|r| r.parse::<f64>().ok())
        .filter(|r| *r > 0.0 && *r <= 1.0)
        .ok_or_else(|| {
            "use sympson-hetter:R with R above 0 and at most 1, e.g. sympson-hetter:0.25".into()
        })
}

impl Selection {
    /// Reads `max-info` or `randomesque:K`.
    pub fn parse(text: &str) -> Result<Selection, String> {
        match text.split_once(':') {
            None if text == "max-info" => Ok(Selection::MaxInfo),
            Some(("randomesque", k)) => match k.parse::<usize>() {
                Ok(k) if k >= 1 => Ok(Selection::Randomesque(k)),
                _ => Err(format!("{k:?} is not a whole number of 1 or more")),
            },
            _ => Err("use max-info or randomesque:K".into()),
        }
    }
}

/// A competency's count limits on one test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ContentLimit {
    pub min: usize,
    pub max: usize,
    /// Its target share of the test (for choosing among eligible competencies).
    pub share: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    pub min_length: usize,
    pub max_length: usize,
    pub stop: StopRule,
    pub selection: Selection,
    /// `competency[j]` indexes `content` for bank item `j` (ignored when `content` is empty).
    pub competency: Vec<usize>,
    pub content: Vec<ContentLimit>,
    /// Sympson–Hetter parameters, one per bank item (`None`: no exposure control).
    pub exposure: Option<Vec<f64>>,
    /// Groups of items that must never appear together.
    pub enemies: Vec<Vec<usize>>,
    /// Scenario sets: items delivered together, in this order. Only the first item of a set
    /// is ever selected; the others follow it.
    pub testlets: Vec<Vec<usize>>,
    /// Unscored pretest items: never selected adaptively, never counted in θ, the lengths or
    /// the content limits. `pretest_per_test` of them are given to each examinee at random
    /// positions within the first `min_length` scored items, so every test carries them.
    pub pretest: Vec<usize>,
    pub pretest_per_test: usize,
    /// LOFT only: each form's test information at θ must lie in [lo, hi], as `(θ, lo, hi)`.
    pub info_band: Option<(f64, f64, f64)>,
    pub start_theta: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Pass,
    Fail,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Every item given, in delivery order (pretest items included).
    pub items: Vec<usize>,
    pub responses: Vec<bool>,
    /// The pretest (unscored) items among `items`.
    pub unscored: Vec<usize>,
    pub theta: f64,
    pub se: f64,
    /// With a cut (SPRT, CI, or `cut` given to [`run`]).
    pub decision: Option<Decision>,
    /// Items selected but set aside by Sympson–Hetter (counted for tuning).
    pub selected: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DesignError {
    #[error("the minimum length {min} is above the maximum length {max}")]
    Lengths { min: usize, max: usize },
    #[error("the maximum length {max} is more than the {bank} items available")]
    BankTooSmall { max: usize, bank: usize },
    #[error("the content minimums add up to {total}, more than the maximum length {max}")]
    Minimums { total: usize, max: usize },
    #[error("competency {competency} needs at least {min} items but the bank has {available}")]
    CompetencyTooSmall {
        competency: usize,
        min: usize,
        available: usize,
    },
    #[error("{per_test} pretest items per test, but the pretest pool has {pool}")]
    Pretest { per_test: usize, pool: usize },
    #[error("testlet {testlet} is empty, names an item outside the bank, or shares an item with another testlet")]
    Testlet { testlet: usize },
    #[error("{what} has {got} entries for a bank of {bank} items")]
    PerItem {
        what: &'static str,
        got: usize,
        bank: usize,
    },
}

impl Design {
    /// How many items the content minimums still need, given the counts so far.
    pub(crate) fn minimums_still_needed(&self, counts: &[usize]) -> usize {
        self.content
            .iter()
            .zip(counts)
            .map(|(l, &c)| l.min.saturating_sub(c))
            .sum()
    }

    /// The counts after adding `unit`, or `None` if that takes a competency past its maximum.
    pub(crate) fn counts_with(&self, counts: &[usize], unit: &[usize]) -> Option<Vec<usize>> {
        let mut after = counts.to_vec();
        for &i in unit {
            after[self.competency[i]] += 1;
        }
        self.content
            .iter()
            .zip(&after)
            .all(|(l, &c)| c <= l.max)
            .then_some(after)
    }

    /// Among the competencies `eligible` allows, the one furthest below its target share once
    /// `given` items are out (ties go to the lower index).
    pub(crate) fn most_behind(
        &self,
        counts: &[usize],
        given: usize,
        eligible: impl Fn(usize) -> bool,
    ) -> Option<usize> {
        let deficit = |k: usize| self.content[k].share * (given + 1) as f64 - counts[k] as f64;
        (0..self.content.len())
            .filter(|&k| eligible(k))
            .max_by(|&a, &b| deficit(a).total_cmp(&deficit(b)).then(b.cmp(&a)))
    }

    pub fn check(&self, bank_size: usize) -> Result<(), DesignError> {
        if self.min_length > self.max_length {
            return Err(DesignError::Lengths {
                min: self.min_length,
                max: self.max_length,
            });
        }
        if self.max_length > bank_size {
            return Err(DesignError::BankTooSmall {
                max: self.max_length,
                bank: bank_size,
            });
        }
        if !self.content.is_empty() {
            if self.competency.len() != bank_size {
                return Err(DesignError::PerItem {
                    what: "the competency list",
                    got: self.competency.len(),
                    bank: bank_size,
                });
            }
            let total: usize = self.content.iter().map(|c| c.min).sum();
            if total > self.max_length {
                return Err(DesignError::Minimums {
                    total,
                    max: self.max_length,
                });
            }
            for (k, limit) in self.content.iter().enumerate() {
                let available = self.competency.iter().filter(|&&c| c == k).count();
                if available < limit.min {
                    return Err(DesignError::CompetencyTooSmall {
                        competency: k,
                        min: limit.min,
                        available,
                    });
                }
            }
        }
        if self.pretest_per_test > self.pretest.len()
            || self.pretest.iter().any(|&j| j >= bank_size)
        {
            return Err(DesignError::Pretest {
                per_test: self.pretest_per_test,
                pool: self.pretest.len(),
            });
        }
        let mut in_testlet = vec![false; bank_size];
        for (t, members) in self.testlets.iter().enumerate() {
            if members.is_empty() {
                return Err(DesignError::Testlet { testlet: t });
            }
            for &j in members {
                if j >= bank_size || std::mem::replace(&mut in_testlet[j], true) {
                    return Err(DesignError::Testlet { testlet: t });
                }
            }
        }
        if let Some(k) = &self.exposure {
            if k.len() != bank_size {
                return Err(DesignError::PerItem {
                    what: "the Sympson–Hetter parameter list",
                    got: k.len(),
                    bank: bank_size,
                });
            }
        }
        Ok(())
    }
}

/// Runs one adaptive test. `answer(j)` gives the examinee's response to bank item `j`;
/// `excluded[j]` marks items this examinee must not see (earlier attempts). `cut` (on θ)
/// adds a decision for the rules that do not carry their own.
pub fn run<R: Rng + ?Sized>(
    bank: &CatBank,
    design: &Design,
    excluded: &[bool],
    cut: Option<f64>,
    rng: &mut R,
    mut answer: impl FnMut(usize) -> bool,
) -> Outcome {
    let mut test = AdaptiveTest::new(bank, design, excluded, rng);
    while let Some(j) = test.next_item(rng) {
        let correct = answer(j);
        // `next_item` just presented `j`, so there is always an item to answer.
        let _ = test.answer(correct);
    }
    test.outcome(cut)
}

/// One next-item choice: content balancing, the selection rule and exposure control.
/// `blocked[j]` marks items this examinee may not get; `counts[k]` is how many items of
/// competency `k` were given so far; items Sympson–Hetter set aside are pushed to `selected`
/// along with the one chosen.
pub fn choose_next<R: Rng + ?Sized>(
    session: &CatSession<'_>,
    design: &Design,
    blocked: &[bool],
    counts: &[usize],
    rng: &mut R,
    selected: &mut Vec<usize>,
) -> Option<usize> {
    let allowed = eligible_competencies(design, counts, session.administered().len());
    choose(session, design, blocked, &allowed, rng, selected)
}

/// Which competencies may supply the next item (all, when there is no content balancing).
fn eligible_competencies(design: &Design, counts: &[usize], t: usize) -> Vec<bool> {
    if design.content.is_empty() {
        return Vec::new();
    }
    let forced = design.minimums_still_needed(counts) >= design.max_length - t;
    let ok = |k: usize| {
        let (l, c) = (&design.content[k], counts[k]);
        if forced {
            c < l.min
        } else {
            c < l.max
        }
    };
    let best = design.most_behind(counts, t, ok);
    (0..design.content.len()).map(|k| Some(k) == best).collect()
}

fn choose<R: Rng + ?Sized>(
    session: &CatSession<'_>,
    design: &Design,
    blocked: &[bool],
    allowed: &[bool],
    rng: &mut R,
    selected: &mut Vec<usize>,
) -> Option<usize> {
    let k = match design.selection {
        Selection::MaxInfo => 1,
        Selection::Randomesque(k) => k.max(1),
    };
    let mut set_aside: Vec<usize> = Vec::new();
    loop {
        let open = |j: usize| {
            !blocked[j]
                && !set_aside.contains(&j)
                && (allowed.is_empty() || allowed[design.competency[j]])
        };
        let top = session.most_informative(k, open);
        if top.is_empty() {
            return None;
        }
        let pick = if top.len() == 1 {
            top[0]
        } else {
            top[below(rng, top.len() as u32) as usize]
        };
        selected.push(pick);
        match &design.exposure {
            Some(kp) if kp[pick] < 1.0 => {
                let u: f64 = crate::random::unit(rng);
                if u < kp[pick] {
                    return Some(pick);
                }
                set_aside.push(pick);
            }
            _ => return Some(pick),
        }
    }
}

/// Tunes Sympson–Hetter parameters by simulation (Sympson & Hetter 1985): each round runs
/// every examinee in `thetas` with responses drawn from the model, measures how often each
/// item is *selected*, `P(S)`, and sets `K = target / P(S)` where `P(S)` exceeds the target
/// (else 1), so that the administration rate `P(S)·K` stays at or below it. Returns the
/// parameters after `rounds` rounds. The draws come from two ChaCha streams seeded by `seed`.
pub fn tune_sympson_hetter(
    bank: &CatBank,
    design: &Design,
    thetas: &[f64],
    target: f64,
    rounds: usize,
    seed: u64,
) -> Vec<f64> {
    let n = bank.items().len();
    let mut k = design.exposure.clone().unwrap_or_else(|| vec![1.0; n]);
    let mut select = crate::random::attempt_rng(seed);
    let mut answers = crate::random::attempt_rng(seed ^ 0x5348_5f41_4e53_5745);
    for _ in 0..rounds {
        let trial = Design {
            exposure: Some(k.clone()),
            ..design.clone()
        };
        let mut selected = vec![0usize; n];
        for &theta in thetas {
            let out = run(bank, &trial, &[], None, &mut select, |j| {
                crate::random::unit(&mut answers) < bank.items()[j].prob(theta)
            });
            for j in out.selected {
                selected[j] += 1;
            }
        }
        let examinees = thetas.len().max(1) as f64;
        for j in 0..n {
            let ps = selected[j] as f64 / examinees;
            k[j] = if ps > target { target / ps } else { 1.0 };
        }
    }
    k
}
