//! Classical test theory item analysis for a complete persons × items 0/1 matrix.
//!
//! With `X` the total score (number correct) of `N` persons on `k` items:
//! - p-value: the proportion correct, `p_j = mean(u_j)`.
//! - Point-biserials: the Pearson correlation of `u_j` with `X` (uncorrected, `r_itemtotal`)
//!   and with the rest score `X − u_j` (corrected, `r_itemrest`; Henrysson 1963).
//! - Cronbach's alpha (1951): `α = k/(k − 1) · (1 − Σ s²_j / s²_X)`, variances with `N − 1`.
//!   KR-20 (Kuder & Richardson 1937): `k/(k − 1) · (1 − Σ p_j q_j / σ²_X)` with the `N`
//!   variance of `X`, which equals alpha for 0/1 items.
//! - Alpha if deleted: alpha of the other `k − 1` items.
//! - SEM: `s_X · sqrt(1 − α)`.
//! - Distractor analysis for multiple-choice items: the share of persons choosing each option,
//!   overall and in each total-score group.

use crate::irt::ResponseMatrix;

#[derive(Debug, Clone, PartialEq)]
pub struct ItemStats {
    pub p_value: f64,
    pub r_itemrest: f64,
    pub r_itemtotal: f64,
    pub alpha_if_deleted: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TestStats {
    pub persons: usize,
    pub items: usize,
    pub alpha: f64,
    pub kr20: f64,
    pub sem: f64,
    pub mean: f64,
    /// SD of the total score with the `N − 1` denominator.
    pub sd: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ItemAnalysis {
    pub items: Vec<ItemStats>,
    pub test: TestStats,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ClassicalError {
    #[error("classical statistics need every response; person {person}, item {item} is missing")]
    Missing { person: usize, item: usize },
    #[error("classical statistics need at least 2 persons and 2 items")]
    TooSmall,
}

/// One item's statistics from live attempts, where every candidate's form differs (LOFT):
/// the p-value, and the point-biserial of the item with the candidate's *rest score as a
/// share* of the other items on their form, `(correct − u)/(n − 1)` (a share, since forms may
/// differ in length; for one common form it equals `r_itemrest` of [`item_analysis`], a
/// correlation being unchanged by scaling). `attempts` holds (answered correctly, number
/// correct on the form, form length). NaN where undefined (fewer than 2 attempts, or no
/// spread).
pub fn live_item_stats(attempts: &[(bool, u32, u32)]) -> (f64, f64) {
    let usable: Vec<(f64, f64)> = attempts
        .iter()
        .filter(|(_, _, n)| *n >= 2)
        .map(|&(u, correct, n)| {
            let u = if u { 1.0 } else { 0.0 };
            (u, (f64::from(correct) - u) / f64::from(n - 1))
        })
        .collect();
    let n = usable.len() as f64;
    if usable.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let mean_u = usable.iter().map(|p| p.0).sum::<f64>() / n;
    if usable.len() < 2 {
        return (mean_u, f64::NAN);
    }
    let mean_r = usable.iter().map(|p| p.1).sum::<f64>() / n;
    let (mut cov, mut var_u, mut var_r) = (0.0, 0.0, 0.0);
    for (u, r) in &usable {
        cov += (u - mean_u) * (r - mean_r);
        var_u += (u - mean_u).powi(2);
        var_r += (r - mean_r).powi(2);
    }
    let r = if var_u == 0.0 || var_r == 0.0 {
        f64::NAN
    } else {
        cov / (var_u * var_r).sqrt()
    };
    (mean_u, r)
}

/// p-values, point-biserials, alpha-if-deleted, alpha, KR-20 and SEM.
///
/// A statistic that is undefined for the data (a correlation with an item everyone got right)
/// is NaN, not 0: it must not pass for "no relationship".
pub fn item_analysis(m: &ResponseMatrix) -> Result<ItemAnalysis, ClassicalError> {
    let (n, k) = (m.persons(), m.items());
    if n < 2 || k < 2 {
        return Err(ClassicalError::TooSmall);
    }
    if let Some((person, item)) = m.first_missing() {
        return Err(ClassicalError::Missing { person, item });
    }
    let u = |i: usize, j: usize| if m.get(i, j) == Some(true) { 1.0 } else { 0.0 };
    let totals: Vec<f64> = (0..n).map(|i| (0..k).map(|j| u(i, j)).sum()).collect();
    let nf = n as f64;
    let mean_x = totals.iter().sum::<f64>() / nf;
    let ss_x: f64 = totals.iter().map(|x| (x - mean_x).powi(2)).sum();
    let var_x = ss_x / (nf - 1.0);

    // Per item: p, the N−1 item variance, and the cross-product with the total.
    let mut p = vec![0.0; k];
    let mut cross = vec![0.0; k];
    for (i, &x) in totals.iter().enumerate() {
        for j in 0..k {
            let v = u(i, j);
            p[j] += v;
            cross[j] += v * (x - mean_x);
        }
    }
    for pj in &mut p {
        *pj /= nf;
    }
    // For 0/1 data Σ(u − p)² = N·p·q.
    let ss_item: Vec<f64> = p.iter().map(|&pj| nf * pj * (1.0 - pj)).collect();
    let var_item: Vec<f64> = ss_item.iter().map(|s| s / (nf - 1.0)).collect();
    let sum_var_item: f64 = var_item.iter().sum();
    let kf = k as f64;
    let alpha = kf / (kf - 1.0) * (1.0 - sum_var_item / var_x);
    let sum_pq: f64 = p.iter().map(|pj| pj * (1.0 - pj)).sum();
    let kr20 = kf / (kf - 1.0) * (1.0 - sum_pq / (ss_x / nf));

    let items = (0..k)
        .map(|j| {
            // cov(u, X) = cross/(N−1); the rest score R = X − u has
            // cov(u, R) = cov(u, X) − var(u) and var(R) = var(X) − 2cov(u, X) + var(u).
            let cov_ux = cross[j] / (nf - 1.0);
            if var_item[j] == 0.0 {
                // Everyone right (or everyone wrong): no correlation exists.
                let k1 = kf - 1.0;
                let var_r = var_x;
                return ItemStats {
                    p_value: p[j],
                    r_itemrest: f64::NAN,
                    r_itemtotal: f64::NAN,
                    alpha_if_deleted: k1 / (k1 - 1.0) * (1.0 - sum_var_item / var_r),
                };
            }
            let r_total = cov_ux / (var_item[j] * var_x).sqrt();
            let cov_ur = cov_ux - var_item[j];
            let var_r = var_x - 2.0 * cov_ux + var_item[j];
            let r_rest = cov_ur / (var_item[j] * var_r).sqrt();
            let k1 = kf - 1.0;
            let alpha_del = k1 / (k1 - 1.0) * (1.0 - (sum_var_item - var_item[j]) / var_r);
            ItemStats {
                p_value: p[j],
                r_itemrest: r_rest,
                r_itemtotal: r_total,
                alpha_if_deleted: alpha_del,
            }
        })
        .collect();
    let sd = var_x.sqrt();
    Ok(ItemAnalysis {
        items,
        test: TestStats {
            persons: n,
            items: k,
            alpha,
            kr20,
            sem: sd * (1.0 - alpha).sqrt(),
            mean: mean_x,
            sd,
        },
    })
}

/// Who chose what on one multiple-choice item.
#[derive(Debug, Clone, PartialEq)]
pub struct DistractorTable {
    /// Options in order (index 0 = A); the key is `key`.
    pub key: usize,
    /// Share of all persons choosing each option (omits are the remainder).
    pub overall: Vec<f64>,
    pub omitted: f64,
    /// One row per score group, lowest first: the share of that group choosing each option.
    pub by_group: Vec<Vec<f64>>,
    /// Persons in each score group.
    pub group_sizes: Vec<usize>,
}

/// Distractor analysis. `choices[i][j]` is the option person `i` chose on item `j` (`None`
/// for an omit), `keys[j]` the correct option, `options[j]` how many options item `j` has.
/// Persons are ordered by total score and split into `groups` groups of (near) equal size;
/// a run of tied scores at a boundary goes to the lower group, so equal scores never land in
/// different groups.
/// A good distractor draws more from the low group than the high group.
pub fn distractors(
    choices: &[Vec<Option<usize>>],
    keys: &[usize],
    options: &[usize],
    groups: usize,
) -> Vec<DistractorTable> {
    let n = choices.len();
    let groups = groups.max(1);
    let totals: Vec<usize> = choices
        .iter()
        .map(|row| {
            row.iter()
                .zip(keys)
                .filter(|(c, k)| **c == Some(**k))
                .count()
        })
        .collect();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| totals[i]);
    // A person's group comes from the rank of the first person with the same total, so a
    // run of tied scores stays in one group.
    let mut group_of = vec![0usize; n];
    let mut run_start = 0;
    for (rank, &i) in order.iter().enumerate() {
        if rank > 0 && totals[i] != totals[order[rank - 1]] {
            run_start = rank;
        }
        group_of[i] = run_start * groups / n.max(1);
    }
    let mut sizes = vec![0usize; groups];
    for &gi in &group_of {
        sizes[gi] += 1;
    }
    keys.iter()
        .zip(options)
        .enumerate()
        .map(|(j, (&key, &opts))| {
            let mut overall = vec![0.0; opts];
            let mut by_group = vec![vec![0.0; opts]; groups];
            let mut omitted = 0.0;
            for (i, row) in choices.iter().enumerate() {
                match row[j] {
                    Some(o) if o < opts => {
                        overall[o] += 1.0;
                        by_group[group_of[i]][o] += 1.0;
                    }
                    _ => omitted += 1.0,
                }
            }
            for v in &mut overall {
                *v /= n as f64;
            }
            for (row, &size) in by_group.iter_mut().zip(&sizes) {
                for v in row.iter_mut() {
                    *v = if size > 0 { *v / size as f64 } else { f64::NAN };
                }
            }
            DistractorTable {
                key,
                overall,
                omitted: omitted / n as f64,
                by_group,
                group_sizes: sizes.clone(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tiny_matrix_by_hand() {
        // 4 persons × 3 items; totals 3, 2, 1, 0.
        let m = ResponseMatrix::from_binary_rows(&[
            vec![1, 1, 1],
            vec![1, 1, 0],
            vec![1, 0, 0],
            vec![0, 0, 0],
        ])
        .unwrap();
        let a = item_analysis(&m).unwrap();
        assert_eq!(a.items[0].p_value, 0.75);
        assert_eq!(a.test.mean, 1.5);
        // A Guttman pattern: every item correlates positively with the rest.
        assert!(a.items.iter().all(|s| s.r_itemrest > 0.0));
        // var(X) = 5/3; Σ var(u) = 3 · 0.25 · 4/3 · ... computed directly:
        let var_u: f64 = [0.75f64, 0.5, 0.25]
            .iter()
            .map(|p| 4.0 * p * (1.0 - p) / 3.0)
            .sum();
        let alpha = 1.5 * (1.0 - var_u / (5.0 / 3.0));
        assert!((a.test.alpha - alpha).abs() < 1e-15);
    }

    #[test]
    fn live_statistics_on_one_common_form_equal_the_matrix_analysis() {
        // 6 persons × 4 items, one form for all: live_item_stats must agree with item_analysis.
        let rows = [
            vec![1, 1, 1, 0],
            vec![1, 0, 1, 1],
            vec![0, 1, 0, 0],
            vec![1, 1, 1, 1],
            vec![0, 0, 1, 0],
            vec![1, 0, 0, 0],
        ];
        let m = ResponseMatrix::from_binary_rows(&rows).unwrap();
        let a = item_analysis(&m).unwrap();
        for j in 0..4 {
            let attempts: Vec<(bool, u32, u32)> = rows
                .iter()
                .map(|r| (r[j] == 1, r.iter().map(|&x| u32::from(x)).sum(), 4))
                .collect();
            let (p, r) = live_item_stats(&attempts);
            assert!((p - a.items[j].p_value).abs() < 1e-15, "item {j}");
            assert!(
                (r - a.items[j].r_itemrest).abs() < 1e-12,
                "item {j}: {r} vs {}",
                a.items[j].r_itemrest
            );
        }
        let (p, r) = live_item_stats(&[(true, 10, 20)]);
        assert_eq!(p, 1.0);
        assert!(r.is_nan(), "one attempt has no correlation");
        assert!(live_item_stats(&[]).0.is_nan());
    }

    #[test]
    fn missing_cells_and_tiny_data_are_refused() {
        let m = ResponseMatrix::new(2, vec![Some(true), None, Some(false), Some(true)]).unwrap();
        assert_eq!(
            item_analysis(&m),
            Err(ClassicalError::Missing { person: 0, item: 1 })
        );
        let m = ResponseMatrix::from_binary_rows(&[vec![1, 0]]).unwrap();
        assert_eq!(item_analysis(&m), Err(ClassicalError::TooSmall));
    }

    #[test]
    fn an_item_everyone_gets_right_has_no_correlation() {
        let m = ResponseMatrix::from_binary_rows(&[vec![1, 1], vec![1, 0], vec![1, 1]]).unwrap();
        assert!(item_analysis(&m).unwrap().items[0].r_itemrest.is_nan());
    }

    #[test]
    fn distractors_by_score_group() {
        // Item 0 key A; strong persons choose A, weak ones choose B (a working distractor).
        let choices = vec![
            vec![Some(0), Some(0)],
            vec![Some(0), Some(0)],
            vec![Some(1), Some(1)],
            vec![Some(1), None],
        ];
        let t = distractors(&choices, &[0, 0], &[4, 4], 2);
        assert_eq!(t[0].group_sizes, vec![2, 2]);
        assert_eq!(t[0].overall, vec![0.5, 0.5, 0.0, 0.0]);
        assert_eq!(t[0].by_group[0][1], 1.0, "the low group chose B");
        assert_eq!(t[0].by_group[1][0], 1.0, "the high group chose the key");
        assert_eq!(t[1].omitted, 0.25);
    }
}
