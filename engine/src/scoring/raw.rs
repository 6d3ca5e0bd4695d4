//! Number-correct scoring with a pass/fail decision and per-competency results.
//!
//! ```text
//! raw      = Σ_i u_i            u_i = 1 if item i was answered with its key, else 0
//! percent  = 100 · raw / n      n   = scored items on the form
//! passed   ⇔ 100 · raw ≥ cut · n   (integer arithmetic: no rounding at the cut)
//! ```
//! Unanswered items score 0, as on a paper form. Per-competency results use the same rule on
//! the items of that competency; they are reported, not used for the decision.

use serde::{Deserialize, Serialize};

/// One delivered item as scoring sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoredItem<'a> {
    pub competency: &'a str,
    pub correct: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompetencyScore {
    pub competency: String,
    pub correct: u32,
    pub total: u32,
    pub percent: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RawScore {
    pub correct: u32,
    pub total: u32,
    pub percent: f64,
    pub cut_percent: u32,
    pub passed: bool,
    /// In order of first appearance in `competency_order`.
    pub competencies: Vec<CompetencyScore>,
}

fn percent(correct: u32, total: u32) -> f64 {
    if total == 0 {
        0.0
    } else {
        100.0 * f64::from(correct) / f64::from(total)
    }
}

/// Scores `items` against a cut of `cut_percent` percent correct. `competency_order` fixes the
/// order of the per-competency rows (the blueprint's order); competencies with no items on the
/// form are left out.
pub fn score_raw(
    items: &[ScoredItem<'_>],
    cut_percent: u32,
    competency_order: &[&str],
) -> RawScore {
    let total = u32::try_from(items.len()).unwrap_or(u32::MAX);
    let correct = u32::try_from(items.iter().filter(|i| i.correct).count()).unwrap_or(u32::MAX);
    let competencies = competency_order
        .iter()
        .filter_map(|&c| {
            let of_c: Vec<_> = items.iter().filter(|i| i.competency == c).collect();
            if of_c.is_empty() {
                return None;
            }
            let t = u32::try_from(of_c.len()).unwrap_or(u32::MAX);
            let k = u32::try_from(of_c.iter().filter(|i| i.correct).count()).unwrap_or(u32::MAX);
            Some(CompetencyScore {
                competency: c.to_string(),
                correct: k,
                total: t,
                percent: percent(k, t),
            })
        })
        .collect();
    RawScore {
        correct,
        total,
        percent: percent(correct, total),
        cut_percent,
        passed: total > 0 && u64::from(correct) * 100 >= u64::from(cut_percent) * u64::from(total),
        competencies,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(pattern: &[(&'static str, bool)]) -> Vec<ScoredItem<'static>> {
        pattern
            .iter()
            .map(|&(c, ok)| ScoredItem {
                competency: c,
                correct: ok,
            })
            .collect()
    }

    #[test]
    fn exactly_at_the_cut_passes_and_one_below_fails() {
        // 7 of 10 at a 70 % cut passes; 6 of 10 does not.
        let mut p: Vec<(&str, bool)> = vec![("C01", true); 7];
        p.extend(vec![("C01", false); 3]);
        assert!(score_raw(&items(&p), 70, &["C01"]).passed);
        p[0].1 = false;
        let s = score_raw(&items(&p), 70, &["C01"]);
        assert!(!s.passed);
        assert_eq!((s.correct, s.total), (6, 10));
    }

    #[test]
    fn competencies_are_reported_in_blueprint_order() {
        let s = score_raw(
            &items(&[
                ("C02", true),
                ("C01", false),
                ("C02", false),
                ("C01", true),
                ("C01", true),
            ]),
            60,
            &["C01", "C02", "C03"],
        );
        let rows: Vec<(&str, u32, u32)> = s
            .competencies
            .iter()
            .map(|c| (c.competency.as_str(), c.correct, c.total))
            .collect();
        assert_eq!(rows, vec![("C01", 2, 3), ("C02", 1, 2)]);
        assert!((s.percent - 60.0).abs() < 1e-12);
        assert!(s.passed);
    }

    #[test]
    fn an_empty_form_never_passes() {
        assert!(!score_raw(&[], 0, &[]).passed);
    }
}
