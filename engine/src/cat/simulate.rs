//! Simulating a delivery design over many examinees: the tool vendors and staff use to choose a
//! design. Each examinee gets their own ChaCha streams (selection and responses) derived from
//! the seed and their position, so runs are reproducible and examinees run on both cores.
//!
//! - **Fixed**: one form, assembled once from the blueprint with the seed, for everyone.
//! - **LOFT**: a fresh form per examinee meeting the blueprint (each competency's minimum,
//!   then the remaining slots by target share up to each maximum; random items within a
//!   competency, never two enemies).
//! - **CAT**: [`super::run`] with the design's selection, exposure control and stopping rule.
//!
//! Fixed and LOFT forms are scored by EAP after the last response, on the same grid as CAT.

use rand::Rng;
use rayon::prelude::*;

use super::{run, CatBank, Decision, Design};
use crate::random::{attempt_rng, below, unit};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Fixed,
    Loft,
    Cat,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PathRecord {
    pub true_theta: f64,
    /// False for a LOFT form that missed the information band.
    pub in_band: bool,
    /// Pretest items given (in `items` too), not scored.
    pub unscored: Vec<usize>,
    pub theta: f64,
    pub se: f64,
    pub items: Vec<usize>,
    pub decision: Option<Decision>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub examinees: usize,
    pub mean_length: f64,
    pub min_length: usize,
    pub max_length: usize,
    pub bias: f64,
    pub rmse: f64,
    pub correlation: f64,
    /// With a cut: share classified correctly, and false pass / false fail shares of all
    /// examinees.
    pub classification_accuracy: Option<f64>,
    pub false_pass_rate: Option<f64>,
    pub false_fail_rate: Option<f64>,
    pub max_exposure: f64,
    pub mean_exposure: f64,
    pub blueprint_violations: usize,
    /// LOFT with an information band: forms that missed it after every try.
    pub info_band_misses: usize,
}

/// How many random blueprint-meeting forms LOFT draws looking for one inside the band.
pub const INFO_BAND_TRIES: usize = 200;

/// A LOFT form whose test information at θ lies in the design's band: random forms meeting
/// the blueprint are drawn until one does (rejection sampling, at most [`INFO_BAND_TRIES`]).
/// Returns the form and whether it is inside the band; after the last try the form closest to
/// the band is returned and reported as a miss.
pub fn assemble_in_band<R: Rng + ?Sized>(
    bank: &CatBank,
    design: &Design,
    excluded: &[bool],
    rng: &mut R,
) -> (Vec<usize>, bool) {
    let Some((theta, lo, hi)) = design.info_band else {
        return (
            assemble_form(bank.items().len(), design, excluded, rng),
            true,
        );
    };
    let mut best: Option<(f64, Vec<usize>)> = None;
    for _ in 0..INFO_BAND_TRIES {
        let form = assemble_form(bank.items().len(), design, excluded, rng);
        let info: f64 = form
            .iter()
            .filter(|j| !design.pretest.contains(j))
            .map(|&j| bank.items()[j].info(theta))
            .sum();
        let distance = if info < lo {
            lo - info
        } else if info > hi {
            info - hi
        } else {
            0.0
        };
        if distance == 0.0 {
            return (form, true);
        }
        if best.as_ref().is_none_or(|(d, _)| distance < *d) {
            best = Some((distance, form));
        }
    }
    (best.map(|(_, f)| f).unwrap_or_default(), false)
}

/// The per-examinee stream: the seed mixed with the examinee's position (SplitMix64's
/// constant spreads neighbouring positions apart).
fn examinee_rng(seed: u64, i: usize, salt: u64) -> rand_chacha::ChaCha20Rng {
    attempt_rng(seed ^ (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ salt)
}

/// A form meeting the design's content limits, `max_length` items long (or as long as the
/// bank allows). Testlets are drawn as units and stay together, in order, when the form is
/// shuffled.
pub fn assemble_form<R: Rng + ?Sized>(
    bank_size: usize,
    design: &Design,
    excluded: &[bool],
    rng: &mut R,
) -> Vec<usize> {
    let mut unavailable: Vec<bool> = (0..bank_size)
        .map(|j| excluded.get(j).copied().unwrap_or(false))
        .collect();
    // Draw from units: lone items and testlet heads; pretest items are added at the end.
    let mut drawable = unavailable.iter().map(|u| !u).collect::<Vec<bool>>();
    for &j in &design.pretest {
        drawable[j] = false;
    }
    for set in &design.testlets {
        for &j in &set[1..] {
            drawable[j] = false;
        }
    }
    let unit_of = |j: usize| -> Vec<usize> {
        design
            .testlets
            .iter()
            .find(|set| set[0] == j)
            .cloned()
            .unwrap_or_else(|| vec![j])
    };
    let competency = |j: usize| {
        if design.content.is_empty() {
            0
        } else {
            design.competency[j]
        }
    };
    let groups = design.content.len().max(1);
    // Items of each competency in bank order, so a draw scans its competency, not the bank.
    let mut by_competency: Vec<Vec<usize>> = vec![Vec::new(); groups];
    for j in 0..bank_size {
        by_competency[competency(j)].push(j);
    }
    let mut counts = vec![0usize; groups];
    let mut units: Vec<Vec<usize>> = Vec::new();
    let mut length = 0;
    loop {
        if length >= design.max_length {
            break;
        }
        // Competencies still below their minimum come first; then the largest shortfall
        // against the target share among those below their maximum.
        let open_in = |k: usize, drawable: &[bool]| by_competency[k].iter().any(|&j| drawable[j]);
        let below_min: Vec<usize> = (0..design.content.len())
            .filter(|&k| counts[k] < design.content[k].min && open_in(k, &drawable))
            .collect();
        let k = if design.content.is_empty() {
            open_in(0, &drawable).then_some(0)
        } else if let Some(&k) = below_min.first() {
            Some(k)
        } else {
            design.most_behind(&counts, length, |k| {
                counts[k] < design.content[k].max && open_in(k, &drawable)
            })
        };
        let Some(k) = k else { break };
        let open: Vec<usize> = by_competency[k]
            .iter()
            .copied()
            .filter(|&j| drawable[j])
            .collect();
        let head = open[below(rng, open.len() as u32) as usize];
        drawable[head] = false;
        let unit = unit_of(head);
        let fits = length + unit.len() <= design.max_length
            && unit.iter().all(|&i| !unavailable[i])
            && (design.content.is_empty() || design.counts_with(&counts, &unit).is_some());
        if !fits {
            continue;
        }
        for &i in &unit {
            unavailable[i] = true;
            drawable[i] = false;
            counts[competency(i)] += 1;
            for g in design.enemies.iter().filter(|g| g.contains(&i)) {
                for &e in g {
                    unavailable[e] = true;
                    drawable[e] = false;
                }
            }
        }
        length += unit.len();
        units.push(unit);
    }
    let mut pool: Vec<usize> = design
        .pretest
        .iter()
        .copied()
        .filter(|&j| !unavailable[j])
        .collect();
    for _ in 0..design.pretest_per_test.min(pool.len()) {
        let j = pool.swap_remove(below(rng, pool.len() as u32) as usize);
        units.push(vec![j]);
    }
    crate::random::shuffle(&mut units, rng);
    units.into_iter().flatten().collect()
}

pub fn simulate(
    bank: &CatBank,
    design: &Design,
    mode: Mode,
    cut: Option<f64>,
    thetas: &[f64],
    seed: u64,
) -> (Vec<PathRecord>, Summary) {
    let fixed_form = (mode == Mode::Fixed)
        .then(|| assemble_form(bank.items().len(), design, &[], &mut attempt_rng(seed)));
    let records: Vec<PathRecord> = thetas
        .par_iter()
        .enumerate()
        .map(|(i, &theta)| {
            let mut select = examinee_rng(seed, i, 0);
            let mut answers = examinee_rng(seed, i, 0xA11);
            let mut respond = |j: usize| unit(&mut answers) < bank.items()[j].prob(theta);
            match mode {
                Mode::Cat => {
                    let out = run(bank, design, &[], cut, &mut select, &mut respond);
                    PathRecord {
                        true_theta: theta,
                        in_band: true,
                        unscored: out.unscored,
                        theta: out.theta,
                        se: out.se,
                        items: out.items,
                        decision: out.decision,
                    }
                }
                Mode::Fixed | Mode::Loft => {
                    let (form, in_band) = match &fixed_form {
                        Some(f) => (f.clone(), true),
                        None => assemble_in_band(bank, design, &[], &mut select),
                    };
                    let mut session = bank.session(design.start_theta);
                    let mut unscored = Vec::new();
                    for &j in &form {
                        let correct = respond(j);
                        if design.pretest.contains(&j) {
                            unscored.push(j);
                        } else {
                            session.record(j, correct);
                        }
                    }
                    PathRecord {
                        true_theta: theta,
                        in_band,
                        unscored,
                        theta: session.theta(),
                        se: session.se(),
                        decision: cut.map(|c| {
                            if session.theta() >= c {
                                Decision::Pass
                            } else {
                                Decision::Fail
                            }
                        }),
                        items: form,
                    }
                }
            }
        })
        .collect();
    let summary = summarise(bank.items().len(), design, cut, &records);
    (records, summary)
}

fn summarise(
    bank_size: usize,
    design: &Design,
    cut: Option<f64>,
    records: &[PathRecord],
) -> Summary {
    let n = records.len().max(1) as f64;
    // Lengths count the scored items; pretest items ride along.
    let lengths: Vec<usize> = records
        .iter()
        .map(|r| r.items.len() - r.unscored.len())
        .collect();
    let errors: Vec<f64> = records.iter().map(|r| r.theta - r.true_theta).collect();
    let bias = errors.iter().sum::<f64>() / n;
    let rmse = (errors.iter().map(|e| e * e).sum::<f64>() / n).sqrt();
    let mean = |v: &mut dyn Iterator<Item = f64>| v.sum::<f64>() / n;
    let (mt, me) = (
        mean(&mut records.iter().map(|r| r.true_theta)),
        mean(&mut records.iter().map(|r| r.theta)),
    );
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for r in records {
        let (x, y) = (r.true_theta - mt, r.theta - me);
        sxy += x * y;
        sxx += x * x;
        syy += y * y;
    }
    let mut exposure = vec![0usize; bank_size];
    let mut violations = 0;
    for r in records {
        let mut counts = vec![0usize; design.content.len()];
        for &j in &r.items {
            exposure[j] += 1;
            if !design.content.is_empty() && !r.unscored.contains(&j) {
                counts[design.competency[j]] += 1;
            }
        }
        let ok = design
            .content
            .iter()
            .zip(&counts)
            .all(|(l, &c)| c >= l.min && c <= l.max);
        violations += usize::from(!ok);
    }
    let rates: Vec<f64> = exposure.iter().map(|&e| e as f64 / n).collect();
    let (accuracy, false_pass, false_fail) = match cut {
        Some(c) => {
            let (mut right, mut fp, mut ff) = (0usize, 0usize, 0usize);
            for r in records {
                let truly = r.true_theta >= c;
                match (r.decision, truly) {
                    (Some(Decision::Pass), true) | (Some(Decision::Fail), false) => right += 1,
                    (Some(Decision::Pass), false) => fp += 1,
                    (Some(Decision::Fail), true) => ff += 1,
                    (None, _) => {}
                }
            }
            (
                Some(right as f64 / n),
                Some(fp as f64 / n),
                Some(ff as f64 / n),
            )
        }
        None => (None, None, None),
    };
    Summary {
        examinees: records.len(),
        mean_length: lengths.iter().sum::<usize>() as f64 / n,
        min_length: lengths.iter().copied().min().unwrap_or(0),
        max_length: lengths.iter().copied().max().unwrap_or(0),
        bias,
        rmse,
        correlation: sxy / (sxx * syy).sqrt(),
        classification_accuracy: accuracy,
        false_pass_rate: false_pass,
        false_fail_rate: false_fail,
        max_exposure: rates.iter().copied().fold(0.0, f64::max),
        mean_exposure: rates.iter().sum::<f64>() / bank_size.max(1) as f64,
        blueprint_violations: violations,
        info_band_misses: records.iter().filter(|r| !r.in_band).count(),
    }
}
