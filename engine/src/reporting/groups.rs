//! Pass rate and mean score by group, with small groups suppressed so that no person can be
//! picked out of a published table.
//!
//! ```text
//! pass rate      = passed / n                         (n: counted attempts in the group)
//! mean percent   = Σ percent_i / n_linear              (attempts scored number-correct)
//! mean scaled    = Σ scaled_i / n_adaptive             (attempts scored on θ)
//! ```
//! Suppression (a threshold rule with complementary suppression, as in the Federal Committee
//! on Statistical Methodology's Statistical Policy Working Paper 22, 2005):
//! 1. a group of fewer than `min` attempts shows no figures, not even its count;
//! 2. if the suppressed groups of a table hold between 1 and `min − 1` attempts together, the
//!    smallest group still shown is suppressed too, and so on, until they hold at least `min`
//!    (or nothing is left to suppress): otherwise the table's total, which is shown, would
//!    give a lone suppressed group's count by subtraction.

/// One counted attempt as the figures see it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcome {
    pub passed: bool,
    /// Percent correct, for an attempt scored number-correct.
    pub percent: Option<f64>,
    /// The scaled score, for an attempt scored on θ.
    pub scaled: Option<f64>,
}

/// The figures of a group large enough to show.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub attempts: usize,
    pub passed: usize,
    /// In percent, 0–100.
    pub pass_rate: f64,
    pub mean_percent: Option<f64>,
    pub mean_scaled: Option<f64>,
}

impl Figures {
    /// The figures of `outcomes`, whatever their number.
    pub fn of(outcomes: &[Outcome]) -> Figures {
        let attempts = outcomes.len();
        let passed = outcomes.iter().filter(|o| o.passed).count();
        let mean = |values: Vec<f64>| {
            (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
        };
        Figures {
            attempts,
            passed,
            pass_rate: if attempts == 0 {
                0.0
            } else {
                100.0 * passed as f64 / attempts as f64
            },
            mean_percent: mean(outcomes.iter().filter_map(|o| o.percent).collect()),
            mean_scaled: mean(outcomes.iter().filter_map(|o| o.scaled).collect()),
        }
    }
}

/// A group's label and its figures; `None` when suppressed.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupFigures {
    pub key: String,
    pub shown: Option<Figures>,
}

/// The figures of each group, in the order given, with the suppression rule above applied
/// across the table.
pub fn group_figures(groups: Vec<(String, Vec<Outcome>)>, min: usize) -> Vec<GroupFigures> {
    let sizes: Vec<usize> = groups.iter().map(|(_, o)| o.len()).collect();
    let mut suppressed: Vec<bool> = sizes.iter().map(|&n| n < min).collect();
    loop {
        let hidden: usize = sizes
            .iter()
            .zip(&suppressed)
            .filter(|(_, &s)| s)
            .map(|(&n, _)| n)
            .sum();
        if hidden == 0 || hidden >= min {
            break;
        }
        // The smallest group still shown (the first of equal ones) goes too.
        let next = (0..sizes.len())
            .filter(|&k| !suppressed[k])
            .min_by_key(|&k| sizes[k]);
        match next {
            Some(k) => suppressed[k] = true,
            None => break,
        }
    }
    groups
        .into_iter()
        .zip(suppressed)
        .map(|((key, outcomes), hide)| GroupFigures {
            key,
            shown: (!hide).then(|| Figures::of(&outcomes)),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcomes(passed: usize, failed: usize) -> Vec<Outcome> {
        let mut v = vec![
            Outcome {
                passed: true,
                percent: Some(80.0),
                scaled: None,
            };
            passed
        ];
        v.extend(vec![
            Outcome {
                passed: false,
                percent: Some(50.0),
                scaled: None,
            };
            failed
        ]);
        v
    }

    #[test]
    fn figures_are_the_share_passed_and_the_mean_of_each_kind_of_score() {
        let mut o = outcomes(3, 1);
        o.push(Outcome {
            passed: true,
            percent: None,
            scaled: Some(520.0),
        });
        let f = Figures::of(&o);
        assert_eq!((f.attempts, f.passed), (5, 4));
        assert!((f.pass_rate - 80.0).abs() < 1e-12);
        assert!((f.mean_percent.unwrap() - (3.0 * 80.0 + 50.0) / 4.0).abs() < 1e-12);
        assert_eq!(f.mean_scaled, Some(520.0));
    }

    #[test]
    fn a_small_group_is_suppressed_and_so_is_the_next_smallest_when_it_stands_alone() {
        let t = group_figures(
            vec![
                ("A".into(), outcomes(30, 10)),
                ("B".into(), outcomes(2, 1)),
                ("C".into(), outcomes(8, 4)),
                ("D".into(), outcomes(20, 20)),
            ],
            10,
        );
        let shown: Vec<(&str, bool)> = t
            .iter()
            .map(|g| (g.key.as_str(), g.shown.is_some()))
            .collect();
        // B (3) alone could be read off the total; C (12) is the smallest shown, so it goes.
        assert_eq!(
            shown,
            vec![("A", true), ("B", false), ("C", false), ("D", true)]
        );
    }

    #[test]
    fn suppressed_groups_that_hold_enough_together_need_no_partner() {
        let t = group_figures(
            vec![
                ("A".into(), outcomes(30, 10)),
                ("B".into(), outcomes(4, 2)),
                ("C".into(), outcomes(3, 2)),
                ("D".into(), outcomes(11, 0)),
            ],
            10,
        );
        assert!(t[0].shown.is_some() && t[3].shown.is_some());
        assert!(t[1].shown.is_none() && t[2].shown.is_none());
    }

    #[test]
    fn no_group_below_the_minimum_is_ever_shown() {
        for sizes in [[1, 2, 3], [9, 9, 40], [0, 5, 100], [10, 10, 10]] {
            let groups: Vec<(String, Vec<Outcome>)> = sizes
                .iter()
                .enumerate()
                .map(|(k, &n)| (k.to_string(), outcomes(n, 0)))
                .collect();
            let t = group_figures(groups, 10);
            let hidden: usize = t
                .iter()
                .zip(sizes)
                .filter(|(g, _)| g.shown.is_none())
                .map(|(_, n)| n)
                .sum();
            for (g, n) in t.iter().zip(sizes) {
                assert!(g.shown.is_none() || n >= 10, "{sizes:?}");
            }
            assert!(
                hidden == 0 || hidden >= 10 || t.iter().all(|g| g.shown.is_none()),
                "{sizes:?}"
            );
        }
    }
}
