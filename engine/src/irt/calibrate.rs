//! Item calibration by marginal maximum likelihood with the EM algorithm (Bock & Aitkin 1981).
//!
//! θ is integrated out over `Q` equally spaced nodes `z_q` on a fixed range with weights
//! `w_q ∝ φ(z_q)` (a N(0, 1) population, which identifies the 2PL and 3PL scales).
//!
//! - **E-step**: for person `i`, the posterior over the nodes is
//!   `π_iq ∝ w_q Π_j P_j(z_q)^u_ij Q_j(z_q)^(1−u_ij)` over the items the person saw, giving the
//!   expected counts `n_jq = Σ_i π_iq` (persons who saw item `j`) and `r_jq = Σ_i π_iq u_ij`.
//!   Items a person did not see are left out, so sparse LOFT or CAT data calibrate directly.
//! - **M-step**: each item maximises `Σ_q r_jq ln P_j(z_q) + (n_jq − r_jq) ln Q_j(z_q)` (plus
//!   the log prior on `c` for the 3PL) by Fisher scoring in the slope–intercept form
//!   `P = c + (1 − c)/(1 + exp(−(a z + d)))`, `b = −d/a`, with `c = 1/(1 + e^−γ)`.
//!   The Rasch model fits a common slope `σ` (the population SD of θ) and `b_j = −d_j`.
//! - Convergence: the largest change of any `a`, `b` or `c` between cycles below the tolerance.
//! - Standard errors: the inverse of the cross-product (XPD) information
//!   `Σ_i g_i g_iᵀ`, with `g_i` person `i`'s score vector of the marginal likelihood (Fisher's
//!   identity, Bock & Aitkin 1981), plus the prior's information on `γ`; mapped to `a`, `b`, `c`
//!   by the delta method.
//!
//! The 3PL takes a Beta(α, β) prior on `c` (default Beta(6, 16), mean 0.27, as BILOG-MG's
//! default for four-option items: α = 20/k + 1, β = 20(1 − 1/k) + 1 — here k ≈ 3.7 rounded).

use rayon::prelude::*;

use super::linalg::spd_inverse;
use super::model::{logistic, softplus, ItemModel, ItemParams};
use super::responses::ResponseMatrix;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BetaPrior {
    pub alpha: f64,
    pub beta: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CalibrationSettings {
    pub model: ItemModel,
    /// Quadrature nodes (61 by default) on `range` (±6 by default).
    pub points: usize,
    pub range: (f64, f64),
    pub max_cycles: usize,
    /// Stop when no `a`, `b` or `c` moved more than this in a cycle.
    pub tolerance: f64,
    /// Prior on `c` (3PL only).
    pub guessing_prior: BetaPrior,
    pub standard_errors: bool,
}

impl CalibrationSettings {
    pub fn new(model: ItemModel) -> Self {
        Self {
            model,
            points: 61,
            range: (-6.0, 6.0),
            max_cycles: 2000,
            tolerance: 1e-4,
            guessing_prior: BetaPrior {
                alpha: 6.0,
                beta: 16.0,
            },
            standard_errors: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CalibratedItem {
    pub params: ItemParams,
    /// NaN for a parameter the model fixes (a in Rasch, c in Rasch and 2PL) or when the
    /// information matrix could not be inverted.
    pub se_a: f64,
    pub se_b: f64,
    pub se_c: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    pub items: Vec<CalibratedItem>,
    /// The population SD of θ (estimated for Rasch; 1 by identification otherwise).
    pub population_sd: f64,
    pub cycles: usize,
    pub converged: bool,
    /// The last cycle's largest parameter change.
    pub max_change: f64,
    /// Marginal log-likelihood at the final parameters (without the prior).
    pub log_likelihood: f64,
    /// False when standard errors were asked for but the information matrix was singular.
    pub standard_errors_ok: bool,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CalibrationError {
    #[error("calibration needs at least 2 persons with responses, got {0}")]
    TooFewPersons(usize),
    #[error("item {item} was answered by nobody, so it cannot be calibrated")]
    NoResponses { item: usize },
    #[error("item {item} was answered {what} by everyone who saw it, so it cannot be calibrated")]
    NoVariance { item: usize, what: &'static str },
    #[error(
        "the quadrature needs at least 5 points on a finite range, got {points} on [{lo}, {hi}]"
    )]
    BadQuadrature { points: usize, lo: f64, hi: f64 },
    #[error("the prior on c must have alpha and beta of at least 1, got Beta({0}, {1})")]
    BadPrior(f64, f64),
}

/// Slope–intercept parameters of one item during estimation.
#[derive(Debug, Clone, Copy)]
struct Sip {
    a: f64,
    d: f64,
    /// logit c; −∞ means c = 0.
    g: f64,
}

impl Sip {
    fn c(&self) -> f64 {
        if self.g == f64::NEG_INFINITY {
            0.0
        } else {
            logistic(self.g)
        }
    }
    fn b(&self) -> f64 {
        -self.d / self.a
    }
}

/// Calibrates every item. `progress(cycle, max_change)` is called after each EM cycle.
pub fn calibrate(
    m: &ResponseMatrix,
    settings: &CalibrationSettings,
    mut progress: impl FnMut(usize, f64),
) -> Result<Calibration, CalibrationError> {
    check(m, settings)?;
    let (lo, hi) = settings.range;
    let nodes: Vec<f64> = (0..settings.points)
        .map(|q| lo + (hi - lo) * q as f64 / (settings.points - 1) as f64)
        .collect();
    let ln_w = {
        let raw: Vec<f64> = nodes.iter().map(|z| -0.5 * z * z).collect();
        let max = raw.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let sum: f64 = raw.iter().map(|v| (v - max).exp()).sum();
        raw.iter().map(|v| v - max - sum.ln()).collect::<Vec<_>>()
    };
    let three = settings.model == ItemModel::ThreePl;
    let prior = settings.guessing_prior;
    // Start from the logits of the p-values; c at the prior mode.
    let mut params: Vec<Sip> = (0..m.items())
        .map(|j| {
            let (right, seen) = column_counts(m, j);
            let p = (right as f64 + 0.5) / (seen as f64 + 1.0);
            Sip {
                a: 1.0,
                d: (p / (1.0 - p)).ln(),
                g: if three {
                    let mode = (prior.alpha - 1.0) / (prior.alpha + prior.beta - 2.0);
                    (mode.max(0.01) / (1.0 - mode.max(0.01))).ln()
                } else {
                    f64::NEG_INFINITY
                },
            }
        })
        .collect();
    let mut sigma = 1.0;
    let mut cycles = 0;
    let mut max_change = f64::INFINITY;
    let mut converged = false;
    let ctx = EmContext {
        m,
        nodes: &nodes,
        ln_w: &ln_w,
        model: settings.model,
        prior: three.then_some(prior),
    };
    // SQUAREM (Varadhan & Roland 2008, scheme S3): two EM steps give the direction and the
    // curvature of the EM path, one extrapolated jump skips many slow EM steps, and a third
    // EM step from the jump keeps the iteration stable. A jump that lowers the (penalised)
    // likelihood is thrown away in favour of the plain second EM step. Convergence is judged
    // on a plain EM step, exactly as without acceleration.
    while cycles < settings.max_cycles {
        let (p1, s1, ll0) = ctx.em_step(&params, sigma);
        cycles += 1;
        max_change = change(&params, &p1, settings.model);
        progress(cycles, max_change);
        if max_change < settings.tolerance {
            params = p1;
            sigma = s1;
            converged = true;
            break;
        }
        if cycles + 2 > settings.max_cycles {
            params = p1;
            sigma = s1;
            continue;
        }
        let (p2, s2, _) = ctx.em_step(&p1, s1);
        let x0 = flatten(&params, sigma, settings.model);
        let x1 = flatten(&p1, s1, settings.model);
        let x2 = flatten(&p2, s2, settings.model);
        let r: Vec<f64> = x1.iter().zip(&x0).map(|(a, b)| a - b).collect();
        let v: Vec<f64> = (0..x0.len()).map(|i| x2[i] - 2.0 * x1[i] + x0[i]).collect();
        let (rr, vv) = (dot(&r, &r), dot(&v, &v));
        let alpha = if vv > 0.0 { -(rr / vv).sqrt() } else { -1.0 }.min(-1.0);
        let jump: Vec<f64> = (0..x0.len())
            .map(|i| x0[i] - 2.0 * alpha * r[i] + alpha * alpha * v[i])
            .collect();
        let (pj, sj) = unflatten(&jump, &params, settings.model);
        let (p3, s3, ll_jump) = ctx.em_step(&pj, sj);
        cycles += 2;
        if ll_jump.is_finite() && ll_jump >= ll0 {
            params = p3;
            sigma = s3;
        } else {
            params = p2;
            sigma = s2;
        }
    }
    let ctx_counts = e_step(m, &params, &nodes, &ln_w);
    let log_likelihood = ctx_counts.log_likelihood;
    let covariance = if settings.standard_errors {
        information_inverse(m, &params, &nodes, &ln_w, settings)
    } else {
        None
    };
    let standard_errors_ok = !settings.standard_errors || covariance.is_some();
    let items = params
        .iter()
        .enumerate()
        .map(|(j, p)| to_item(j, p, settings.model, covariance.as_ref()))
        .collect();
    Ok(Calibration {
        items,
        population_sd: if settings.model == ItemModel::Rasch {
            sigma
        } else {
            1.0
        },
        cycles,
        converged,
        max_change,
        log_likelihood,
        standard_errors_ok,
    })
}

/// What one EM cycle needs besides the parameters.
struct EmContext<'a> {
    m: &'a ResponseMatrix,
    nodes: &'a [f64],
    ln_w: &'a [f64],
    model: ItemModel,
    prior: Option<BetaPrior>,
}

impl EmContext<'_> {
    /// One EM cycle from `params`: the new parameters and σ, and the penalised marginal
    /// log-likelihood at the parameters it started from.
    fn em_step(&self, params: &[Sip], sigma: f64) -> (Vec<Sip>, f64, f64) {
        let counts = e_step(self.m, params, self.nodes, self.ln_w);
        let mut ll = counts.log_likelihood;
        if let Some(pr) = self.prior {
            for p in params {
                let c = p.c();
                ll += (pr.alpha - 1.0) * c.ln() + (pr.beta - 1.0) * (1.0 - c).ln();
            }
        }
        let q = self.nodes.len();
        let mut next = params.to_vec();
        let mut sigma = sigma;
        let nodes = self.nodes;
        match self.model {
            ItemModel::Rasch => {
                // Intercepts given the common slope, then the slope given the intercepts.
                next.par_iter_mut().enumerate().for_each(|(j, p)| {
                    let (r, n) = (&counts.r[j * q..(j + 1) * q], &counts.n[j * q..(j + 1) * q]);
                    rasch_intercept(p, sigma, nodes, r, n);
                });
                sigma = common_slope(&next, sigma, nodes, &counts);
                for p in &mut next {
                    p.a = sigma;
                }
            }
            _ => {
                let prior = self.prior;
                next.par_iter_mut().enumerate().for_each(|(j, p)| {
                    let (r, n) = (&counts.r[j * q..(j + 1) * q], &counts.n[j * q..(j + 1) * q]);
                    fisher_scoring(p, nodes, r, n, prior);
                });
            }
        }
        (next, sigma, ll)
    }
}

/// The largest change of any reported a, b or c.
fn change(before: &[Sip], after: &[Sip], model: ItemModel) -> f64 {
    before
        .iter()
        .zip(after)
        .map(|(p0, p1)| {
            let (a0, b0, c0) = reported(p0, model);
            let (a1, b1, c1) = reported(p1, model);
            (a1 - a0).abs().max((b1 - b0).abs()).max((c1 - c0).abs())
        })
        .fold(0.0, f64::max)
}

/// The free parameters as one vector (for the SQUAREM extrapolation).
fn flatten(params: &[Sip], sigma: f64, model: ItemModel) -> Vec<f64> {
    let mut x = Vec::with_capacity(params.len() * 3 + 1);
    for p in params {
        match model {
            ItemModel::Rasch => x.push(p.d),
            ItemModel::TwoPl => x.extend([p.a, p.d]),
            ItemModel::ThreePl => x.extend([p.a, p.d, p.g]),
        }
    }
    if model == ItemModel::Rasch {
        x.push(sigma);
    }
    x
}

/// Back from the vector; slopes are kept positive (a jump may overshoot; the EM step that
/// follows repairs it, and the likelihood check rejects it if not).
fn unflatten(x: &[f64], template: &[Sip], model: ItemModel) -> (Vec<Sip>, f64) {
    let sigma = if model == ItemModel::Rasch {
        x[x.len() - 1].max(1e-3)
    } else {
        1.0
    };
    let params = template
        .iter()
        .enumerate()
        .map(|(j, p)| match model {
            ItemModel::Rasch => Sip {
                a: sigma,
                d: x[j],
                g: p.g,
            },
            ItemModel::TwoPl => Sip {
                a: x[2 * j].max(1e-3),
                d: x[2 * j + 1],
                g: p.g,
            },
            ItemModel::ThreePl => Sip {
                a: x[3 * j].max(1e-3),
                d: x[3 * j + 1],
                g: x[3 * j + 2].clamp(-30.0, 30.0),
            },
        })
        .collect();
    (params, sigma)
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// (a, b, c) on the θ metric: for Rasch the slope is σ and b = −d.
fn reported(p: &Sip, model: ItemModel) -> (f64, f64, f64) {
    match model {
        ItemModel::Rasch => (p.a, -p.d, 0.0),
        _ => (p.a, p.b(), p.c()),
    }
}

fn check(m: &ResponseMatrix, s: &CalibrationSettings) -> Result<(), CalibrationError> {
    let (lo, hi) = s.range;
    if s.points < 5 || !(lo.is_finite() && hi.is_finite() && lo < hi) {
        return Err(CalibrationError::BadQuadrature {
            points: s.points,
            lo,
            hi,
        });
    }
    if s.model == ItemModel::ThreePl
        && !(s.guessing_prior.alpha >= 1.0 && s.guessing_prior.beta >= 1.0)
    {
        return Err(CalibrationError::BadPrior(
            s.guessing_prior.alpha,
            s.guessing_prior.beta,
        ));
    }
    let persons = m.rows().filter(|r| r.iter().any(Option::is_some)).count();
    if persons < 2 {
        return Err(CalibrationError::TooFewPersons(persons));
    }
    for j in 0..m.items() {
        let (right, seen) = column_counts(m, j);
        if seen == 0 {
            return Err(CalibrationError::NoResponses { item: j });
        }
        if right == 0 || right == seen {
            return Err(CalibrationError::NoVariance {
                item: j,
                what: if right == 0 { "wrongly" } else { "correctly" },
            });
        }
    }
    Ok(())
}

fn column_counts(m: &ResponseMatrix, j: usize) -> (usize, usize) {
    m.rows().fold((0, 0), |(r, s), row| match row[j] {
        Some(true) => (r + 1, s + 1),
        Some(false) => (r, s + 1),
        None => (r, s),
    })
}

/// Expected counts from the E-step, items × nodes.
struct Counts {
    r: Vec<f64>,
    n: Vec<f64>,
    log_likelihood: f64,
}

/// `(ln P, ln Q)` tables, items × nodes.
fn log_tables(params: &[Sip], nodes: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let mut lp = Vec::with_capacity(params.len() * nodes.len());
    let mut lq = Vec::with_capacity(params.len() * nodes.len());
    for p in params {
        let c = p.c();
        for &z in nodes {
            let x = p.a * z + p.d;
            if c == 0.0 {
                lp.push(-softplus(-x));
                lq.push(-softplus(x));
            } else {
                let ps = logistic(x);
                lp.push((c + (1.0 - c) * ps).ln());
                lq.push((1.0 - c).ln() - softplus(x));
            }
        }
    }
    (lp, lq)
}

/// Fills `post` with person `row`'s posterior over the nodes; returns the log marginal
/// likelihood of the row. `base` is `ln w + Σ_j ln Q_j` over all items, so only the correct
/// answers (and the gaps) need touching: about half the work of summing every item.
fn posterior(row: &[Option<bool>], base: &[f64], lp: &[f64], lq: &[f64], post: &mut [f64]) -> f64 {
    let q = post.len();
    post.copy_from_slice(base);
    for (j, r) in row.iter().enumerate() {
        match r {
            Some(true) => {
                let (p, w) = (&lp[j * q..(j + 1) * q], &lq[j * q..(j + 1) * q]);
                for ((acc, a), b) in post.iter_mut().zip(p).zip(w) {
                    *acc += a - b;
                }
            }
            None => {
                for (acc, b) in post.iter_mut().zip(&lq[j * q..(j + 1) * q]) {
                    *acc -= b;
                }
            }
            Some(false) => {}
        }
    }
    let max = post.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut sum = 0.0;
    for v in post.iter_mut() {
        *v = (*v - max).exp();
        sum += *v;
    }
    for v in post.iter_mut() {
        *v /= sum;
    }
    max + sum.ln()
}

fn base_row(lq: &[f64], ln_w: &[f64], items: usize) -> Vec<f64> {
    let q = ln_w.len();
    let mut base = ln_w.to_vec();
    for j in 0..items {
        for (b, v) in base.iter_mut().zip(&lq[j * q..(j + 1) * q]) {
            *b += v;
        }
    }
    base
}

fn e_step(m: &ResponseMatrix, params: &[Sip], nodes: &[f64], ln_w: &[f64]) -> Counts {
    let q = nodes.len();
    let k = m.items();
    let (lp, lq) = log_tables(params, nodes);
    let base = base_row(&lq, ln_w, k);
    // Per thread: r (items × nodes), missing mass (items × nodes), total mass, log-lik.
    let zero = || {
        (
            vec![0.0; k * q],
            vec![0.0; k * q],
            vec![0.0; q],
            0.0,
            vec![0.0; q],
        )
    };
    let persons: Vec<usize> = (0..m.persons()).collect();
    let (r, missing, total, ll, _) = persons
        .par_chunks(256)
        .fold(zero, |mut acc, chunk| {
            for &i in chunk {
                let row = m.row(i);
                if row.iter().all(Option::is_none) {
                    continue;
                }
                let mut post = std::mem::take(&mut acc.4);
                acc.3 += posterior(row, &base, &lp, &lq, &mut post);
                for (t, v) in acc.2.iter_mut().zip(&post) {
                    *t += v;
                }
                for (j, resp) in row.iter().enumerate() {
                    let target = match resp {
                        Some(true) => &mut acc.0[j * q..(j + 1) * q],
                        None => &mut acc.1[j * q..(j + 1) * q],
                        Some(false) => continue,
                    };
                    for (t, v) in target.iter_mut().zip(&post) {
                        *t += v;
                    }
                }
                acc.4 = post;
            }
            acc
        })
        .reduce(zero, |mut a, b| {
            add(&mut a.0, &b.0);
            add(&mut a.1, &b.1);
            add(&mut a.2, &b.2);
            a.3 += b.3;
            a
        });
    // Persons who saw item j = everyone's mass minus the mass of those who skipped it.
    let n = (0..k * q).map(|x| total[x % q] - missing[x]).collect();
    Counts {
        r,
        n,
        log_likelihood: ll,
    }
}

fn add(a: &mut [f64], b: &[f64]) {
    for (x, y) in a.iter_mut().zip(b) {
        *x += y;
    }
}

/// The expected complete-data log-likelihood of one item and its gradient and Fisher
/// information in (a, d[, γ]).
fn item_objective(
    p: &Sip,
    nodes: &[f64],
    r: &[f64],
    n: &[f64],
    prior: Option<BetaPrior>,
) -> (f64, [f64; 3], [[f64; 3]; 3]) {
    let c = p.c();
    let mut f = 0.0;
    let mut g = [0.0; 3];
    let mut h = [[0.0; 3]; 3];
    for ((&z, &rq), &nq) in nodes.iter().zip(r).zip(n) {
        if nq <= 0.0 {
            continue;
        }
        let x = p.a * z + p.d;
        let ps = logistic(x);
        let prob = (c + (1.0 - c) * ps).clamp(1e-300, 1.0 - 1e-16);
        let lq = (1.0 - c).ln() - softplus(x);
        f += rq * prob.ln() + (nq - rq) * lq;
        // dP/dx = (1 − c) P*(1 − P*); dP/dγ = c(1 − c)(1 − P*).
        let dpx = (1.0 - c) * ps * (1.0 - ps);
        let dp = [dpx * z, dpx, c * (1.0 - c) * (1.0 - ps)];
        let qprob = (1.0 - c) * (1.0 - ps);
        let resid = (rq - nq * prob) / (prob * qprob).max(1e-300);
        let weight = nq / (prob * qprob).max(1e-300);
        for a in 0..3 {
            g[a] += resid * dp[a];
            for b in 0..3 {
                h[a][b] += weight * dp[a] * dp[b];
            }
        }
    }
    if let Some(pr) = prior {
        f += (pr.alpha - 1.0) * c.ln() + (pr.beta - 1.0) * (1.0 - c).ln();
        g[2] += (pr.alpha - 1.0) * (1.0 - c) - (pr.beta - 1.0) * c;
        h[2][2] += (pr.alpha + pr.beta - 2.0) * c * (1.0 - c);
    }
    (f, g, h)
}

/// Fisher scoring for one item's (a, d) or (a, d, γ), with step halving so the objective
/// never falls.
fn fisher_scoring(p: &mut Sip, nodes: &[f64], r: &[f64], n: &[f64], prior: Option<BetaPrior>) {
    let dims = if prior.is_some() { 3 } else { 2 };
    for _ in 0..25 {
        let (f0, g, h) = item_objective(p, nodes, r, n, prior);
        let step = match solve(&h, &g, dims) {
            Some(s) => s,
            None => return,
        };
        let mut scale = 1.0;
        let mut accepted = false;
        for _ in 0..30 {
            let trial = Sip {
                a: (p.a + scale * step[0]).max(1e-3),
                d: p.d + scale * step[1],
                g: if dims == 3 {
                    p.g + scale * step[2]
                } else {
                    p.g
                },
            };
            let (f1, _, _) = item_objective(&trial, nodes, r, n, prior);
            if f1 >= f0 - 1e-12 {
                *p = trial;
                accepted = true;
                break;
            }
            scale *= 0.5;
        }
        let size = step
            .iter()
            .take(dims)
            .map(|s| (s * scale).abs())
            .fold(0.0, f64::max);
        if !accepted || size < 1e-9 {
            return;
        }
    }
}

fn solve(h: &[[f64; 3]; 3], g: &[f64; 3], dims: usize) -> Option<[f64; 3]> {
    let mut flat = vec![0.0; dims * dims];
    for a in 0..dims {
        for b in 0..dims {
            flat[a * dims + b] = h[a][b];
        }
    }
    let inv = spd_inverse(&flat, dims)?;
    let mut out = [0.0; 3];
    for a in 0..dims {
        out[a] = (0..dims).map(|b| inv[a * dims + b] * g[b]).sum();
    }
    Some(out)
}

/// Newton for a Rasch intercept with the slope held at σ.
fn rasch_intercept(p: &mut Sip, sigma: f64, nodes: &[f64], r: &[f64], n: &[f64]) {
    p.a = sigma;
    for _ in 0..50 {
        let (mut g, mut h) = (0.0, 0.0);
        for ((&z, &rq), &nq) in nodes.iter().zip(r).zip(n) {
            let ps = logistic(sigma * z + p.d);
            g += rq - nq * ps;
            h += nq * ps * (1.0 - ps);
        }
        let step = g / h;
        p.d += step;
        if step.abs() < 1e-10 {
            break;
        }
    }
}

/// Newton for the common Rasch slope σ over all items.
fn common_slope(params: &[Sip], sigma: f64, nodes: &[f64], counts: &Counts) -> f64 {
    let q = nodes.len();
    let mut s = sigma;
    for _ in 0..50 {
        let (mut g, mut h) = (0.0, 0.0);
        for (j, p) in params.iter().enumerate() {
            for (k, &z) in nodes.iter().enumerate() {
                let (rq, nq) = (counts.r[j * q + k], counts.n[j * q + k]);
                let ps = logistic(s * z + p.d);
                g += (rq - nq * ps) * z;
                h += nq * ps * (1.0 - ps) * z * z;
            }
        }
        let step = g / h;
        s = (s + step).max(1e-3);
        if step.abs() < 1e-10 {
            break;
        }
    }
    s
}

/// Where each item's free parameters sit in the full parameter vector.
fn layout(model: ItemModel, items: usize) -> (usize, usize) {
    match model {
        // d_1..d_k, then σ.
        ItemModel::Rasch => (1, items + 1),
        ItemModel::TwoPl => (2, 2 * items),
        ItemModel::ThreePl => (3, 3 * items),
    }
}

/// The inverse XPD information of all free parameters, or None if it is singular.
fn information_inverse(
    m: &ResponseMatrix,
    params: &[Sip],
    nodes: &[f64],
    ln_w: &[f64],
    settings: &CalibrationSettings,
) -> Option<Vec<f64>> {
    let k = m.items();
    let q = nodes.len();
    let (per, dim) = layout(settings.model, k);
    let (lp, lq) = log_tables(params, nodes);
    let base = base_row(&lq, ln_w, k);
    // Per item and node: ∂ln P(u | z)/∂param = (u − P)·dP/(P Q), kept as the two halves.
    let mut dp = vec![[0.0f64; 3]; k * q];
    let mut prob = vec![0.0; k * q];
    for (j, p) in params.iter().enumerate() {
        let c = p.c();
        for (s, &z) in nodes.iter().enumerate() {
            let ps = logistic(p.a * z + p.d);
            let pr = c + (1.0 - c) * ps;
            let dpx = (1.0 - c) * ps * (1.0 - ps);
            let inv = 1.0 / (pr * (1.0 - pr)).max(1e-300);
            dp[j * q + s] = match settings.model {
                // Rasch: d, and σ through z.
                ItemModel::Rasch => [dpx * inv, dpx * z * inv, 0.0],
                _ => [dpx * z * inv, dpx * inv, c * (1.0 - c) * (1.0 - ps) * inv],
            };
            prob[j * q + s] = pr;
        }
    }
    let persons: Vec<usize> = (0..m.persons()).collect();
    let info = persons
        .par_chunks(128)
        .fold(
            || vec![0.0; dim * dim],
            |mut acc, chunk| {
                let mut post = vec![0.0; q];
                let mut grad = vec![0.0; dim];
                for &i in chunk {
                    let row = m.row(i);
                    if row.iter().all(Option::is_none) {
                        continue;
                    }
                    posterior(row, &base, &lp, &lq, &mut post);
                    grad.iter_mut().for_each(|g| *g = 0.0);
                    for (j, resp) in row.iter().enumerate() {
                        let Some(u) = resp else { continue };
                        let u = if *u { 1.0 } else { 0.0 };
                        let mut gj = [0.0; 3];
                        for s in 0..q {
                            let w = post[s] * (u - prob[j * q + s]);
                            let d = &dp[j * q + s];
                            gj[0] += w * d[0];
                            gj[1] += w * d[1];
                            gj[2] += w * d[2];
                        }
                        match settings.model {
                            ItemModel::Rasch => {
                                grad[j] += gj[0];
                                grad[k] += gj[1];
                            }
                            _ => {
                                for (x, g) in gj.iter().take(per).enumerate() {
                                    grad[j * per + x] += g;
                                }
                            }
                        }
                    }
                    for a in 0..dim {
                        if grad[a] == 0.0 {
                            continue;
                        }
                        for b in 0..=a {
                            acc[a * dim + b] += grad[a] * grad[b];
                        }
                    }
                }
                acc
            },
        )
        .reduce(
            || vec![0.0; dim * dim],
            |mut a, b| {
                add(&mut a, &b);
                a
            },
        );
    let mut info = info;
    for a in 0..dim {
        for b in 0..a {
            info[b * dim + a] = info[a * dim + b];
        }
    }
    if settings.model == ItemModel::ThreePl {
        let pr = settings.guessing_prior;
        for (j, p) in params.iter().enumerate() {
            let c = p.c();
            info[(j * 3 + 2) * dim + j * 3 + 2] += (pr.alpha + pr.beta - 2.0) * c * (1.0 - c);
        }
    }
    spd_inverse(&info, dim)
}

fn to_item(j: usize, p: &Sip, model: ItemModel, cov: Option<&Vec<f64>>) -> CalibratedItem {
    let nan = f64::NAN;
    let (a, b, c) = match model {
        ItemModel::Rasch => (1.0, -p.d, 0.0),
        _ => (p.a, p.b(), p.c()),
    };
    let params = match model {
        ItemModel::Rasch => ItemParams::rasch(b),
        ItemModel::TwoPl => ItemParams::two_pl(a, b),
        ItemModel::ThreePl => ItemParams::three_pl(a, b, c),
    }
    .expect("estimates stay in range: a > 0 by the step bound, c = logistic(γ) < 1");
    let (se_a, se_b, se_c) = match (cov, model) {
        (None, _) => (nan, nan, nan),
        (Some(v), ItemModel::Rasch) => {
            let dim = (v.len() as f64).sqrt() as usize;
            (nan, v[j * dim + j].sqrt(), nan)
        }
        (Some(v), _) => {
            let per = if model == ItemModel::ThreePl { 3 } else { 2 };
            let dim = (v.len() as f64).sqrt() as usize;
            let at = |x: usize, y: usize| v[(j * per + x) * dim + j * per + y];
            let (vaa, vdd, vad) = (at(0, 0), at(1, 1), at(0, 1));
            // b = −d/a: ∂b/∂a = d/a², ∂b/∂d = −1/a.
            let (ga, gd) = (p.d / (p.a * p.a), -1.0 / p.a);
            let var_b = ga * ga * vaa + gd * gd * vdd + 2.0 * ga * gd * vad;
            let se_c = if per == 3 {
                p.c() * (1.0 - p.c()) * at(2, 2).sqrt()
            } else {
                nan
            };
            (vaa.sqrt(), var_b.sqrt(), se_c)
        }
    };
    CalibratedItem {
        params,
        se_a,
        se_b,
        se_c,
    }
}
