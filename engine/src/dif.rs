//! Mantel–Haenszel differential item functioning (Holland & Thayer 1988), with the ETS
//! A/B/C classification (Dorans & Holland 1993; Zwick 2012).
//!
//! Matching variable: the total raw score on all items, the studied item included, no
//! purification; one stratum per observed score; strata with fewer than 2 persons dropped.
//! In stratum `k` with `N_k` persons: `A` reference right, `B` reference wrong, `C` focal
//! right, `D` focal wrong.
//!
//! - Common odds ratio `α_MH = Σ(A·D/N) / Σ(B·C/N)`; above 1 the item favours the reference
//!   group.
//! - ETS delta `D-DIF = −2.35 ln α_MH`; negative means harder for the focal group at equal
//!   total score.
//! - `SE(ln α)` by Robins, Breslow & Greenland (1986); `SE(D-DIF) = 2.35 · SE(ln α)`.
//! - Chi-square with the 0.5 continuity correction applied when `|ΣA − ΣE(A)| ≥ 0.5`, as R's
//!   `mantelhaen.test`: `(|ΣA − ΣE(A)| − 0.5)² / ΣVar(A)`, with
//!   `E(A) = n_R·m_1/N` and `Var(A) = n_R·n_F·m_1·m_0 / (N²(N − 1))`; its p-value from
//!   chi-square with 1 degree of freedom.
//! - ETS class: A if `|D| < 1` or the chi-square is not significant at .05; C if `|D| ≥ 1.5`
//!   and `(|D| − 1)/SE > 1.645`; otherwise B. The sign is `-` when the item favours the
//!   reference group (`D < 0`), `+` when it favours the focal group; A carries no sign.

use std::collections::BTreeMap;

use statrs::distribution::{ChiSquared, ContinuousCDF};

use crate::irt::ResponseMatrix;

/// Which group a person is in for DIF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Reference,
    Focal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EtsClass {
    A,
    B,
    C,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MhResult {
    pub alpha: f64,
    pub ln_alpha: f64,
    pub se_ln_alpha: f64,
    pub d_dif: f64,
    pub se_d_dif: f64,
    pub chi_square: f64,
    pub p_value: f64,
    pub class: EtsClass,
    /// Magnitude alone: A `|D| < 1`, B `1 ≤ |D| < 1.5`, C `|D| ≥ 1.5`.
    pub class_magnitude: EtsClass,
    /// `'-'` favours the reference group, `'+'` the focal group; `None` for class A.
    pub sign: Option<char>,
    pub strata_used: usize,
}

impl MhResult {
    /// "A", "B-", "C+", …
    pub fn label(&self) -> String {
        let class = match self.class {
            EtsClass::A => "A",
            EtsClass::B => "B",
            EtsClass::C => "C",
        };
        match self.sign {
            Some(s) => format!("{class}{s}"),
            None => class.to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DifError {
    #[error("DIF needs a group for each of the {persons} persons, got {groups}")]
    GroupCount { persons: usize, groups: usize },
    #[error("MH DIF matches on the total score, so every response is needed; person {person}, item {item} is missing")]
    Missing { person: usize, item: usize },
    #[error("both groups need members: {reference} reference and {focal} focal persons")]
    EmptyGroup { reference: usize, focal: usize },
}

const CHI2_05: f64 = 3.841_458_820_694_124;

/// MH statistics for every item.
pub fn mantel_haenszel(m: &ResponseMatrix, groups: &[Group]) -> Result<Vec<MhResult>, DifError> {
    if groups.len() != m.persons() {
        return Err(DifError::GroupCount {
            persons: m.persons(),
            groups: groups.len(),
        });
    }
    if let Some((person, item)) = m.first_missing() {
        return Err(DifError::Missing { person, item });
    }
    let focal = groups.iter().filter(|g| **g == Group::Focal).count();
    let reference = groups.len() - focal;
    if focal == 0 || reference == 0 {
        return Err(DifError::EmptyGroup { reference, focal });
    }
    let totals: Vec<usize> = m
        .rows()
        .map(|r| r.iter().filter(|v| **v == Some(true)).count())
        .collect();
    // Persons by score stratum; strata with fewer than 2 persons are dropped.
    let mut strata: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, &t) in totals.iter().enumerate() {
        strata.entry(t).or_default().push(i);
    }
    strata.retain(|_, persons| persons.len() >= 2);
    let chi = ChiSquared::new(1.0).expect("1 degree of freedom");

    Ok((0..m.items())
        .map(|j| {
            let tables: Vec<[f64; 4]> = strata
                .values()
                .map(|persons| {
                    let mut t = [0.0; 4];
                    for &i in persons {
                        let right = m.get(i, j) == Some(true);
                        let cell = match (groups[i], right) {
                            (Group::Reference, true) => 0,
                            (Group::Reference, false) => 1,
                            (Group::Focal, true) => 2,
                            (Group::Focal, false) => 3,
                        };
                        t[cell] += 1.0;
                    }
                    t
                })
                .collect();
            item_statistics(&tables, &chi)
        })
        .collect())
}

/// MH statistics for one item on live data, matched on a stratum the caller gives each person:
/// `persons` holds (stratum, group, answered right) for everyone who was given the item.
/// Candidates on different forms (LOFT, adaptive) have no common total score, so the caller
/// matches on a comparable measure of the whole attempt (its percent correct or θ, in bins).
/// Strata with fewer than 2 persons, or with only one group in them, carry no information
/// and are dropped. `None` when too little is left to compare: no stratum holding both
/// groups, or no discordant pair on one side (the odds ratio would be 0 or infinite).
pub fn mantel_haenszel_matched(persons: &[(i64, Group, bool)]) -> Option<MhResult> {
    let mut strata: BTreeMap<i64, [f64; 4]> = BTreeMap::new();
    for &(stratum, group, right) in persons {
        let cell = match (group, right) {
            (Group::Reference, true) => 0,
            (Group::Reference, false) => 1,
            (Group::Focal, true) => 2,
            (Group::Focal, false) => 3,
        };
        strata.entry(stratum).or_insert([0.0; 4])[cell] += 1.0;
    }
    let tables: Vec<[f64; 4]> = strata
        .into_values()
        .filter(|&[a, b, c, d]| a + b > 0.0 && c + d > 0.0 && a + b + c + d >= 2.0)
        .collect();
    let (r, s): (f64, f64) = tables.iter().fold((0.0, 0.0), |(r, s), &[a, b, c, d]| {
        let n = a + b + c + d;
        (r + a * d / n, s + b * c / n)
    });
    if tables.is_empty() || r == 0.0 || s == 0.0 {
        return None;
    }
    let chi = ChiSquared::new(1.0).expect("1 degree of freedom");
    Some(item_statistics(&tables, &chi))
}

/// The statistics from one item's 2 × 2 tables `[A, B, C, D]`, one per stratum.
fn item_statistics(tables: &[[f64; 4]], chi: &ChiSquared) -> MhResult {
    let (mut r_sum, mut s_sum) = (0.0, 0.0);
    let (mut pr, mut ps_qr, mut qs) = (0.0, 0.0, 0.0);
    let (mut sum_a, mut sum_e, mut sum_var) = (0.0, 0.0, 0.0);
    for &[a, b, c, d] in tables {
        let n = a + b + c + d;
        let r = a * d / n;
        let s = b * c / n;
        let p = (a + d) / n;
        let q = (b + c) / n;
        r_sum += r;
        s_sum += s;
        pr += p * r;
        ps_qr += p * s + q * r;
        qs += q * s;
        let (n_ref, n_foc) = (a + b, c + d);
        let (m1, m0) = (a + c, b + d);
        sum_a += a;
        sum_e += n_ref * m1 / n;
        sum_var += n_ref * n_foc * m1 * m0 / (n * n * (n - 1.0));
    }
    let alpha = r_sum / s_sum;
    let ln_alpha = alpha.ln();
    // Robins, Breslow & Greenland (1986).
    let var_ln =
        pr / (2.0 * r_sum * r_sum) + ps_qr / (2.0 * r_sum * s_sum) + qs / (2.0 * s_sum * s_sum);
    let se_ln_alpha = var_ln.sqrt();
    let d_dif = -2.35 * ln_alpha;
    let se_d_dif = 2.35 * se_ln_alpha;
    let delta = (sum_a - sum_e).abs();
    let yates = if delta >= 0.5 { 0.5 } else { 0.0 };
    let chi_square = (delta - yates).powi(2) / sum_var;
    // The survival function directly: 1 − cdf underflows to 0 for strong DIF.
    let p_value = chi.sf(chi_square);
    let abs_d = d_dif.abs();
    let class_magnitude = if abs_d < 1.0 {
        EtsClass::A
    } else if abs_d < 1.5 {
        EtsClass::B
    } else {
        EtsClass::C
    };
    let class = if abs_d < 1.0 || chi_square < CHI2_05 {
        EtsClass::A
    } else if abs_d >= 1.5 && (abs_d - 1.0) / se_d_dif > 1.645 {
        EtsClass::C
    } else {
        EtsClass::B
    };
    let sign = match class {
        EtsClass::A => None,
        _ if d_dif < 0.0 => Some('-'),
        _ => Some('+'),
    };
    MhResult {
        alpha,
        ln_alpha,
        se_ln_alpha,
        d_dif,
        se_d_dif,
        chi_square,
        p_value,
        class,
        class_magnitude,
        sign,
        strata_used: tables.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_stratum_matches_the_plain_odds_ratio() {
        let chi = ChiSquared::new(1.0).unwrap();
        // A=30 B=10 C=20 D=20: odds ratio (30·20)/(10·20) = 3.
        let r = item_statistics(&[[30.0, 10.0, 20.0, 20.0]], &chi);
        assert!((r.alpha - 3.0).abs() < 1e-12);
        assert!((r.d_dif + 2.35 * 3f64.ln()).abs() < 1e-12);
        assert_eq!(r.sign, Some('-'));
        // Woolf's variance 1/A + 1/B + 1/C + 1/D equals RBG for a single table.
        let woolf = (1.0 / 30.0 + 1.0 / 10.0 + 1.0 / 20.0 + 1.0 / 20.0f64).sqrt();
        assert!((r.se_ln_alpha - woolf).abs() < 1e-12);
    }

    #[test]
    fn matched_strata_give_the_same_statistics_as_the_tables_they_make() {
        // Stratum 1: A=30 B=10 C=20 D=20; stratum 2: A=5 B=5 C=4 D=6; stratum 3 has one group.
        let mut persons = Vec::new();
        let mut push = |k: i64, g: Group, right: bool, n: usize| {
            persons.extend(std::iter::repeat_n((k, g, right), n));
        };
        push(1, Group::Reference, true, 30);
        push(1, Group::Reference, false, 10);
        push(1, Group::Focal, true, 20);
        push(1, Group::Focal, false, 20);
        push(2, Group::Reference, true, 5);
        push(2, Group::Reference, false, 5);
        push(2, Group::Focal, true, 4);
        push(2, Group::Focal, false, 6);
        push(3, Group::Reference, true, 7);
        let chi = ChiSquared::new(1.0).unwrap();
        let direct = item_statistics(&[[30.0, 10.0, 20.0, 20.0], [5.0, 5.0, 4.0, 6.0]], &chi);
        assert_eq!(mantel_haenszel_matched(&persons), Some(direct));
        // Everyone right: no odds ratio to estimate.
        assert_eq!(
            mantel_haenszel_matched(&[(1, Group::Reference, true), (1, Group::Focal, true)]),
            None
        );
    }

    #[test]
    fn bad_groups_are_refused() {
        let m = ResponseMatrix::from_binary_rows(&[vec![1, 0], vec![0, 1]]).unwrap();
        assert!(matches!(
            mantel_haenszel(&m, &[Group::Focal]),
            Err(DifError::GroupCount { .. })
        ));
        assert!(matches!(
            mantel_haenszel(&m, &[Group::Focal, Group::Focal]),
            Err(DifError::EmptyGroup { .. })
        ));
    }
}
