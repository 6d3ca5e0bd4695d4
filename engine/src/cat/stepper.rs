//! One adaptive test, one item at a time.
//!
//! [`AdaptiveTest`] holds the state [`run`](super::run) used to keep in its loop, so live
//! delivery can present an item, wait for the candidate, and continue — or rebuild the test
//! on any server from the attempt's seed and stored responses (invariant 4). The random draws
//! happen in exactly the same order either way: the pretest positions when the test is made,
//! then, item by item, the pretest pick or the selection (randomesque, Sympson–Hetter).
//!
//! A replay feeds the stored responses back in delivery order: for each, [`next_item`]
//! (which must return the stored item, or the replay has diverged) then [`answer`]. The next
//! call of `next_item` is the item to present now.
//!
//! [`next_item`]: AdaptiveTest::next_item
//! [`answer`]: AdaptiveTest::answer

use std::collections::VecDeque;

use rand::Rng;

use super::design::{choose_next, Decision, Design, Outcome, StopRule};
use super::{CatBank, CatSession};
use crate::random::below;

#[derive(Debug, Clone)]
pub struct AdaptiveTest<'b> {
    design: &'b Design,
    session: CatSession<'b>,
    /// May not be given: excluded, an enemy's, or given already.
    unavailable: Vec<bool>,
    /// May not be *selected*: also pretest items and every testlet member after the first.
    blocked: Vec<bool>,
    /// After how many scored items each pretest item goes, ascending.
    pretest_after: VecDeque<usize>,
    counts: Vec<usize>,
    selected: Vec<usize>,
    delivered: Vec<usize>,
    responses: Vec<bool>,
    unscored: Vec<usize>,
    /// Items chosen and not yet answered (a testlet queues all its members), with whether
    /// each is scored.
    queue: VecDeque<(usize, bool)>,
    decision: Option<Decision>,
    stopped: bool,
}

/// `answer` was called with no item presented.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("there is no presented item to answer")]
pub struct NothingPresented;

impl<'b> AdaptiveTest<'b> {
    /// A new test. `excluded[j]` marks items this examinee must not see (earlier attempts).
    /// Draws the pretest positions from `rng`.
    pub fn new<R: Rng + ?Sized>(
        bank: &'b CatBank,
        design: &'b Design,
        excluded: &[bool],
        rng: &mut R,
    ) -> Self {
        let n = bank.items().len();
        let unavailable: Vec<bool> = (0..n)
            .map(|j| excluded.get(j).copied().unwrap_or(false))
            .collect();
        let mut blocked = unavailable.clone();
        for &j in &design.pretest {
            blocked[j] = true;
        }
        for set in &design.testlets {
            for &j in &set[1..] {
                blocked[j] = true;
            }
        }
        let mut pretest_after: Vec<usize> = (0..design.pretest_per_test)
            .map(|_| below(rng, design.min_length.max(1) as u32) as usize)
            .collect();
        pretest_after.sort_unstable();
        Self {
            design,
            session: bank.session(design.start_theta),
            unavailable,
            blocked,
            pretest_after: pretest_after.into(),
            counts: vec![0; design.content.len()],
            selected: Vec::new(),
            delivered: Vec::new(),
            responses: Vec::new(),
            unscored: Vec::new(),
            queue: VecDeque::new(),
            decision: None,
            stopped: false,
        }
    }

    /// The item to present now, or `None` once the test is over. Until it is answered, asking
    /// again returns the same item and draws nothing.
    pub fn next_item<R: Rng + ?Sized>(&mut self, rng: &mut R) -> Option<usize> {
        if let Some(&(j, _)) = self.queue.front() {
            return Some(j);
        }
        if self.stopped {
            return None;
        }
        let design = self.design;
        loop {
            let scored = self.session.administered().len();
            if scored >= design.max_length {
                self.stopped = true;
                return None;
            }
            // A pretest item is due once this many scored items are out (`<=`: a testlet may
            // step over its exact position).
            while self.pretest_after.front().is_some_and(|&at| at <= scored) {
                self.pretest_after.pop_front();
                let open: Vec<usize> = design
                    .pretest
                    .iter()
                    .copied()
                    .filter(|&j| !self.unavailable[j])
                    .collect();
                if open.is_empty() {
                    continue;
                }
                let j = open[below(rng, open.len() as u32) as usize];
                self.unavailable[j] = true;
                self.queue.push_back((j, false));
                return Some(j);
            }
            let Some(j) = choose_next(
                &self.session,
                design,
                &self.blocked,
                &self.counts,
                rng,
                &mut self.selected,
            ) else {
                self.stopped = true;
                return None;
            };
            let unit = design
                .testlets
                .iter()
                .find(|set| set[0] == j)
                .cloned()
                .unwrap_or_else(|| vec![j]);
            if !fits(design, &unit, &self.unavailable, &self.counts, scored) {
                self.blocked[j] = true;
                continue;
            }
            for &i in &unit {
                self.blocked[i] = true;
                self.unavailable[i] = true;
                for group in design.enemies.iter().filter(|g| g.contains(&i)) {
                    for &e in group {
                        self.blocked[e] = true;
                        self.unavailable[e] = true;
                    }
                }
                if !design.content.is_empty() {
                    self.counts[design.competency[i]] += 1;
                }
                self.queue.push_back((i, true));
            }
            return Some(unit[0]);
        }
    }

    /// Records the response to the presented item and, once a whole unit is answered, checks
    /// the stopping rule.
    pub fn answer(&mut self, correct: bool) -> Result<(), NothingPresented> {
        let (j, scored) = self.queue.pop_front().ok_or(NothingPresented)?;
        self.delivered.push(j);
        self.responses.push(correct);
        if !scored {
            self.unscored.push(j);
            return Ok(());
        }
        self.session.record(j, correct);
        if self.queue.is_empty() {
            self.check_stop();
        }
        Ok(())
    }

    fn check_stop(&mut self) {
        let design = self.design;
        let len = self.session.administered().len();
        let minimums_met = design
            .content
            .iter()
            .zip(&self.counts)
            .all(|(l, &c)| c >= l.min);
        if len < design.min_length || !minimums_met {
            return;
        }
        let verdict = match design.stop {
            StopRule::Fixed => None,
            StopRule::Se(x) => (self.session.se() <= x).then_some(None),
            StopRule::Sprt {
                cut,
                delta,
                alpha,
                beta,
            } => {
                let ratio = self.session.log_likelihood(cut + delta)
                    - self.session.log_likelihood(cut - delta);
                if ratio >= ((1.0 - beta) / alpha).ln() {
                    Some(Some(Decision::Pass))
                } else if ratio <= (beta / (1.0 - alpha)).ln() {
                    Some(Some(Decision::Fail))
                } else {
                    None
                }
            }
            StopRule::Ci { cut, z } => {
                let (th, se) = (self.session.theta(), self.session.se());
                if th - z * se > cut {
                    Some(Some(Decision::Pass))
                } else if th + z * se < cut {
                    Some(Some(Decision::Fail))
                } else {
                    None
                }
            }
        };
        if let Some(decision) = verdict {
            self.decision = decision;
            self.stopped = true;
        }
    }

    /// Whether the test is over (the stopping rule was met, the maximum length reached, or
    /// nothing eligible is left); only known for sure after [`next_item`](Self::next_item).
    pub fn stopped(&self) -> bool {
        self.stopped && self.queue.is_empty()
    }

    /// The current EAP estimate and posterior SD (NaN before the first scored response).
    pub fn theta(&self) -> f64 {
        self.session.theta()
    }

    pub fn se(&self) -> f64 {
        self.session.se()
    }

    /// Every item answered so far, in delivery order (pretest items included).
    pub fn delivered(&self) -> &[usize] {
        &self.delivered
    }

    /// The test's outcome so far. `cut` (on θ) adds a decision for the rules that do not carry
    /// their own, and for a test ended early (at the deadline): `θ ≥ cut`.
    pub fn outcome(&self, cut: Option<f64>) -> Outcome {
        let rule_cut = match self.design.stop {
            StopRule::Sprt { cut, .. } | StopRule::Ci { cut, .. } => Some(cut),
            _ => cut,
        };
        let decision = self.decision.or_else(|| {
            rule_cut.map(|c| {
                if self.session.theta() >= c {
                    Decision::Pass
                } else {
                    Decision::Fail
                }
            })
        });
        Outcome {
            items: self.delivered.clone(),
            responses: self.responses.clone(),
            unscored: self.unscored.clone(),
            theta: self.session.theta(),
            se: self.session.se(),
            decision,
            selected: self.selected.clone(),
        }
    }
}

/// Whether a unit (one item, or a whole testlet) can still be given: every member available,
/// the test not pushed past its maximum length, no competency past its maximum, and enough
/// slots left for the minimums still to be met.
fn fits(
    design: &Design,
    unit: &[usize],
    unavailable: &[bool],
    counts: &[usize],
    given: usize,
) -> bool {
    if unit.iter().skip(1).any(|&i| unavailable[i]) || given + unit.len() > design.max_length {
        return false;
    }
    if design.content.is_empty() {
        return true;
    }
    design.counts_with(counts, unit).is_some_and(|after| {
        design.minimums_still_needed(&after) <= design.max_length - given - unit.len()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cat::{ContentLimit, Selection};
    use crate::irt::{EapSettings, ItemParams};
    use crate::random::attempt_rng;

    fn bank(n: usize) -> CatBank {
        let items = (0..n)
            .map(|i| {
                let b = -2.0 + 4.0 * i as f64 / n as f64;
                ItemParams::two_pl(0.8 + (i % 5) as f64 * 0.3, b).unwrap()
            })
            .collect();
        CatBank::new(items, EapSettings::default())
    }

    fn design(n: usize) -> Design {
        Design {
            min_length: 10,
            max_length: 20,
            stop: StopRule::Se(0.35),
            selection: Selection::Randomesque(4),
            competency: (0..n).map(|j| j % 3).collect(),
            content: vec![
                ContentLimit {
                    min: 3,
                    max: 8,
                    share: 1.0 / 3.0
                };
                3
            ],
            exposure: None,
            enemies: vec![vec![0, 1, 2]],
            testlets: vec![vec![30, 31, 32]],
            pretest: vec![40, 41, 42, 43],
            pretest_per_test: 2,
            info_band: None,
            start_theta: 0.0,
        }
    }

    /// Deterministic answers: correct on even item indices.
    fn respond(j: usize) -> bool {
        j.is_multiple_of(2)
    }

    #[test]
    fn a_replay_from_the_seed_and_stored_responses_continues_with_the_same_items() {
        let (bank, design) = (bank(60), design(60));
        let mut rng = attempt_rng(99);
        let mut live = AdaptiveTest::new(&bank, &design, &[], &mut rng);
        let mut path = Vec::new();
        while let Some(j) = live.next_item(&mut rng) {
            // Asking twice presents the same item and draws nothing.
            assert_eq!(live.next_item(&mut rng), Some(j));
            path.push(j);
            live.answer(respond(j)).unwrap();
            // Rebuild from scratch at every step, as a different server would.
            let mut replay_rng = attempt_rng(99);
            let mut replay = AdaptiveTest::new(&bank, &design, &[], &mut replay_rng);
            for &stored in &path {
                assert_eq!(replay.next_item(&mut replay_rng), Some(stored));
                replay.answer(respond(stored)).unwrap();
            }
            let mut ahead = rng.clone();
            assert_eq!(
                replay.next_item(&mut replay_rng),
                live.clone().next_item(&mut ahead)
            );
        }
        assert!(live.stopped());
        assert!(path.len() >= 12 && path.len() <= 22, "{path:?}");
        assert_eq!(live.answer(true), Err(NothingPresented));
    }

    #[test]
    fn run_is_the_stepper_driven_to_the_end() {
        let (bank, design) = (bank(60), design(60));
        let whole = super::super::run(&bank, &design, &[], None, &mut attempt_rng(5), respond);
        let mut rng = attempt_rng(5);
        let mut test = AdaptiveTest::new(&bank, &design, &[], &mut rng);
        while let Some(j) = test.next_item(&mut rng) {
            test.answer(respond(j)).unwrap();
        }
        assert_eq!(test.outcome(None), whole);
        assert_eq!(whole.unscored.len(), 2);
    }
}
