//! Linear form assembly from a blueprint.
//!
//! For each competency, in blueprint order, the candidate pool (sorted by item id so the input
//! order never matters) is shuffled, the items the candidate saw in earlier attempts are moved
//! behind the unseen ones (keeping the shuffled order within each part), and the first `n`
//! items taken: a retake gets unseen items wherever the bank has enough, and seen ones only to
//! fill what the bank cannot; an item that is an enemy of one already chosen is passed over,
//! backing up into earlier choices (even of earlier competencies) when that leaves a competency
//! short. A scenario set is one unit: taken whole and kept together in id order. The chosen
//! units are then
//! shuffled into one order, and each item's options get their own shuffled order. Every draw
//! comes from the attempt's ChaCha stream, so the same seed and pool give the same form.

use std::collections::HashSet;

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::blueprint::Blueprint;
use crate::random::shuffle;

/// An item available for assembly: only what assembly needs, never the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolItem {
    pub id: String,
    pub competency: String,
    pub option_count: u8,
    /// Items that must not share a form with this one. Either side may list the other.
    pub enemies: Vec<String>,
    /// The scenario set this item belongs to: a set's items (all of one competency) go on a
    /// form together, one after another in id order, or not at all.
    pub set: Option<String>,
}

/// One position on an assembled form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormItem {
    pub item_id: String,
    /// `option_order[k]` is the authored index of the option shown in display position `k`.
    pub option_order: Vec<u8>,
}

/// An assembled linear form, in delivery order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Form {
    pub items: Vec<FormItem>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AssemblyError {
    #[error(
        "competency {competency}: the blueprint needs {needed} items but the bank has {available}"
    )]
    InsufficientItems {
        competency: String,
        needed: u32,
        available: u32,
    },
    #[error(
        "competency {competency}: no choice of its items makes exactly {needed} without enemy items on one form or a scenario set cut in part"
    )]
    CannotFill { competency: String, needed: u32 },
}

/// Whether two units may not share a form: an item of one lists an item of the other as an
/// enemy (either way round).
fn clash(a: &[&PoolItem], b: &[&PoolItem]) -> bool {
    a.iter().any(|x| {
        b.iter()
            .any(|y| x.enemies.contains(&y.id) || y.enemies.contains(&x.id))
    })
}

/// The search for a whole form: competency by competency in blueprint order, each filled from
/// its units in their (shuffled, unseen-first) order, taking a unit before leaving it out, and
/// backing up — within the competency and, if need be, into earlier ones — when enemies or
/// whole scenario sets leave a competency short. The first form found is the plain greedy
/// pick whenever that works. `budget` caps the steps.
struct Search<'u, 'a> {
    /// Per competency: the items it needs and its units.
    per: &'u [(usize, Vec<Vec<&'a PoolItem>>)],
    chosen: Vec<&'u [&'a PoolItem]>,
    budget: usize,
    /// The furthest competency that could not be filled (for the error).
    stuck_at: usize,
    /// Ids in any enemy relation: a unit holding none of them clashes with nothing.
    involved: HashSet<&'a str>,
}

impl<'u, 'a> Search<'u, 'a> {
    /// Forward checking: every competency after `k` still has enough items that clash with
    /// nothing chosen so far (else this choice cannot lead to a form, however far we search).
    fn later_can_fill(&self, k: usize) -> bool {
        if self.involved.is_empty() {
            return true;
        }
        self.per[k + 1..].iter().all(|(need, units)| {
            let open: usize = units
                .iter()
                .filter(|unit| !self.clashes(unit))
                .map(Vec::len)
                .sum();
            open >= *need
        })
    }

    /// Whether `unit` clashes with any unit chosen so far.
    fn clashes(&self, unit: &[&PoolItem]) -> bool {
        unit.iter().any(|i| self.involved.contains(i.id.as_str()))
            && self.chosen.iter().any(|c| clash(unit, c))
    }

    fn competency(&mut self, k: usize) -> bool {
        if k == self.per.len() {
            return true;
        }
        self.unit(k, 0, self.per[k].0)
    }

    fn unit(&mut self, k: usize, from: usize, need: usize) -> bool {
        if need == 0 {
            return self.competency(k + 1);
        }
        let per = self.per;
        for u in from..per[k].1.len() {
            if self.budget == 0 {
                return false;
            }
            self.budget -= 1;
            let unit = per[k].1[u].as_slice();
            if unit.len() > need || self.clashes(unit) {
                continue;
            }
            self.chosen.push(unit);
            if self.later_can_fill(k) && self.unit(k, u + 1, need - unit.len()) {
                return true;
            }
            self.chosen.pop();
        }
        self.stuck_at = self.stuck_at.max(k);
        false
    }
}

/// Assembles a linear form meeting `blueprint` from `pool`.
/// `seen` holds the ids of items from the candidate's earlier attempts at this exam (empty on
/// a first attempt, which then draws exactly as before this rule existed).
pub fn assemble_linear<R: Rng + ?Sized>(
    pool: &[PoolItem],
    blueprint: &Blueprint,
    seen: &HashSet<String>,
    rng: &mut R,
) -> Result<Form, AssemblyError> {
    // Units per competency: a single item, or a whole scenario set in id order; shuffled (all
    // draws here, in blueprint order) and put unseen first.
    let mut per: Vec<(usize, Vec<Vec<&PoolItem>>)> = Vec::new();
    for target in blueprint.targets() {
        let mut candidates: Vec<&PoolItem> = pool
            .iter()
            .filter(|item| item.competency == target.competency)
            .collect();
        candidates.sort_by(|a, b| a.id.cmp(&b.id));
        let available = u32::try_from(candidates.len()).unwrap_or(u32::MAX);
        if available < target.items {
            return Err(AssemblyError::InsufficientItems {
                competency: target.competency.clone(),
                needed: target.items,
                available,
            });
        }
        let mut units: Vec<Vec<&PoolItem>> = Vec::with_capacity(candidates.len());
        for item in candidates {
            match units
                .iter_mut()
                .find(|u| item.set.is_some() && u[0].set == item.set)
            {
                Some(unit) => unit.push(item),
                None => units.push(vec![item]),
            }
        }
        shuffle(&mut units, rng);
        // A stable sort: no extra draws, and the shuffled order survives within each part.
        units.sort_by_key(|unit| unit.iter().any(|item| seen.contains(&item.id)));
        per.push((target.items as usize, units));
    }
    let involved: HashSet<&str> = pool
        .iter()
        .filter(|i| !i.enemies.is_empty())
        .flat_map(|i| std::iter::once(i.id.as_str()).chain(i.enemies.iter().map(String::as_str)))
        .collect();
    let mut search = Search {
        per: &per,
        chosen: Vec::new(),
        budget: 200_000,
        stuck_at: 0,
        involved,
    };
    if !search.competency(0) {
        let target = &blueprint.targets()[search.stuck_at];
        return Err(AssemblyError::CannotFill {
            competency: target.competency.clone(),
            needed: target.items,
        });
    }
    let mut chosen: Vec<&[&PoolItem]> = search.chosen;
    shuffle(&mut chosen, rng);
    let items = chosen
        .into_iter()
        .flatten()
        .map(|item| {
            let mut option_order: Vec<u8> = (0..item.option_count).collect();
            shuffle(&mut option_order, rng);
            FormItem {
                item_id: item.id.clone(),
                option_order,
            }
        })
        .collect();
    Ok(Form { items })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blueprint::CompetencyTarget;
    use crate::random::attempt_rng;
    use std::collections::HashMap;

    fn pool(per_competency: u32, competencies: u32) -> Vec<PoolItem> {
        let mut items = Vec::new();
        for c in 1..=competencies {
            for i in 1..=per_competency {
                items.push(PoolItem {
                    id: format!("PS-C{c:02}-{i:02}"),
                    competency: format!("C{c:02}"),
                    option_count: 4,
                    enemies: Vec::new(),
                    set: None,
                });
            }
        }
        items
    }

    fn blueprint(per_competency: u32, competencies: u32) -> Blueprint {
        Blueprint::new(
            (1..=competencies)
                .map(|c| CompetencyTarget {
                    competency: format!("C{c:02}"),
                    items: per_competency,
                })
                .collect(),
        )
        .expect("valid blueprint")
    }

    #[test]
    fn every_form_meets_the_blueprint_with_no_repeats() {
        let pool = pool(8, 17);
        let bp = blueprint(7, 17);
        let by_id: HashMap<&str, &str> = pool
            .iter()
            .map(|p| (p.id.as_str(), p.competency.as_str()))
            .collect();
        for seed in 0..500 {
            let form = assemble_linear(&pool, &bp, &HashSet::new(), &mut attempt_rng(seed))
                .expect("assembles");
            assert_eq!(form.items.len(), 119);
            let ids: HashSet<&str> = form.items.iter().map(|i| i.item_id.as_str()).collect();
            assert_eq!(ids.len(), 119, "an item appeared twice (seed {seed})");
            let mut per: HashMap<&str, u32> = HashMap::new();
            for item in &form.items {
                *per.entry(by_id[item.item_id.as_str()]).or_default() += 1;
                let mut order = item.option_order.clone();
                order.sort_unstable();
                assert_eq!(order, vec![0, 1, 2, 3]);
            }
            assert!(per.values().all(|&n| n == 7), "seed {seed}: {per:?}");
        }
    }

    #[test]
    fn the_same_seed_reproduces_the_form_whatever_the_pool_order() {
        let pool_sorted = pool(8, 17);
        let mut pool_reversed = pool_sorted.clone();
        pool_reversed.reverse();
        let bp = blueprint(7, 17);
        let a = assemble_linear(&pool_sorted, &bp, &HashSet::new(), &mut attempt_rng(99))
            .expect("assembles");
        let b = assemble_linear(&pool_reversed, &bp, &HashSet::new(), &mut attempt_rng(99))
            .expect("assembles");
        assert_eq!(a, b);
        let c = assemble_linear(&pool_sorted, &bp, &HashSet::new(), &mut attempt_rng(100))
            .expect("assembles");
        assert_ne!(a, c);
    }

    #[test]
    fn a_bank_too_small_for_the_blueprint_is_named() {
        let err = assemble_linear(
            &pool(3, 2),
            &blueprint(4, 2),
            &HashSet::new(),
            &mut attempt_rng(1),
        )
        .expect_err("too small");
        assert_eq!(
            err,
            AssemblyError::InsufficientItems {
                competency: "C01".into(),
                needed: 4,
                available: 3
            }
        );
    }

    #[test]
    fn a_retake_takes_every_unseen_item_before_any_seen_one() {
        let (p, bp) = (pool(8, 3), blueprint(7, 3));
        let first =
            assemble_linear(&p, &bp, &HashSet::new(), &mut attempt_rng(1)).expect("assembles");
        let seen: HashSet<String> = first.items.iter().map(|i| i.item_id.clone()).collect();
        for seed in 2..50 {
            let retake =
                assemble_linear(&p, &bp, &seen, &mut attempt_rng(seed)).expect("assembles");
            let ids: HashSet<&str> = retake.items.iter().map(|i| i.item_id.as_str()).collect();
            // One unseen item per competency, so every one of them is on the retake.
            for item in p.iter().filter(|i| !seen.contains(&i.id)) {
                assert!(ids.contains(item.id.as_str()), "{} was left out", item.id);
            }
            assert_eq!(ids.len(), 21);
        }
    }

    #[test]
    fn enemies_never_share_a_form_over_many_seeds() {
        let mut p = pool(10, 3);
        // C01-01 and C02-01 are enemies (listed on one side only); so are C01-02 and C01-03.
        p[0].enemies = vec!["PS-C02-01".into()];
        p[2].enemies = vec!["PS-C01-02".into()];
        let bp = blueprint(7, 3);
        let mut together = [0usize; 2];
        for seed in 0..2000 {
            let form = assemble_linear(&p, &bp, &HashSet::new(), &mut attempt_rng(seed))
                .expect("assembles");
            let ids: HashSet<&str> = form.items.iter().map(|i| i.item_id.as_str()).collect();
            assert_eq!(ids.len(), 21);
            assert!(
                !(ids.contains("PS-C01-01") && ids.contains("PS-C02-01")),
                "seed {seed}"
            );
            assert!(
                !(ids.contains("PS-C01-02") && ids.contains("PS-C01-03")),
                "seed {seed}"
            );
            together[0] += usize::from(ids.contains("PS-C01-01"));
            together[1] += usize::from(ids.contains("PS-C02-01"));
        }
        // Each enemy still appears on many forms: the rule excludes pairs, not items. (Greedy in
        // blueprint order favours the earlier competency's item: 7 of 10 picks against ~0.2.)
        assert!(together.iter().all(|&n| n > 100), "{together:?}");
        // Enemies that leave a competency short are reported, not silently broken.
        let mut tight = pool(7, 1);
        tight[0].enemies = vec!["PS-C01-02".into()];
        assert_eq!(
            assemble_linear(
                &tight,
                &blueprint(7, 1),
                &HashSet::new(),
                &mut attempt_rng(1)
            ),
            Err(AssemblyError::CannotFill {
                competency: "C01".into(),
                needed: 7,
            })
        );
    }

    #[test]
    fn a_scenario_set_goes_whole_together_and_in_order() {
        let mut p = pool(8, 3);
        // C02-06..08 form one set.
        for item in p
            .iter_mut()
            .filter(|i| i.id >= "PS-C02-06".into() && i.competency == "C02")
        {
            item.set = Some("S".into());
        }
        let bp = blueprint(7, 3);
        let mut with_set = 0;
        for seed in 0..2000 {
            let form = assemble_linear(&p, &bp, &HashSet::new(), &mut attempt_rng(seed))
                .expect("assembles");
            let ids: Vec<&str> = form.items.iter().map(|i| i.item_id.as_str()).collect();
            assert_eq!(ids.len(), 21);
            let at: Vec<usize> = ["PS-C02-06", "PS-C02-07", "PS-C02-08"]
                .iter()
                .filter_map(|id| ids.iter().position(|x| x == id))
                .collect();
            match at.len() {
                0 => {}
                3 => {
                    with_set += 1;
                    assert_eq!(
                        (at[1], at[2]),
                        (at[0] + 1, at[0] + 2),
                        "seed {seed}: {ids:?}"
                    );
                }
                n => panic!("seed {seed}: {n} of the set's 3 items on the form"),
            }
            let c02 = ids.iter().filter(|id| id.contains("-C02-")).count();
            assert_eq!(c02, 7, "seed {seed}");
        }
        assert!(with_set > 1000, "the set is on most forms: {with_set}");
    }
}
