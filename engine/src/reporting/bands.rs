//! Where a candidate stands in one competency or content area of a number-correct exam, and
//! how a group of candidates spreads over the three bands.
//!
//! ```text
//! p   = k / n                     k correct of the part's n items
//! c   = cut / 100                 the exam's passing standard as a proportion
//! SE  = √(c (1 − c) / n)          the binomial standard error of a proportion at the cut
//! below ⇔ p < c − SE;  above ⇔ p > c + SE;  near otherwise
//! ```
//! The same one-standard-error rule as the θ-based band of an adaptive exam (`irt::scale`,
//! θ_k ± 1·SE_k against the cut), so a part with few items is "near" unless it is clearly off
//! the standard. Reported to help candidates and staff, never used for the pass decision.

use crate::irt::Band;

/// The band of `correct` of `total` items against a cut of `cut_percent`; `None` for a part
/// with no items.
pub fn raw_band(correct: u32, total: u32, cut_percent: u32) -> Option<Band> {
    if total == 0 {
        return None;
    }
    let n = f64::from(total);
    let p = f64::from(correct) / n;
    let c = f64::from(cut_percent.min(100)) / 100.0;
    let se = (c * (1.0 - c) / n).sqrt();
    Some(if p < c - se {
        Band::Below
    } else if p > c + se {
        Band::Above
    } else {
        Band::Near
    })
}

/// How many candidates of a group are below, near and above the standard in one part.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BandShares {
    pub below: usize,
    pub near: usize,
    pub above: usize,
}

impl BandShares {
    pub fn add(&mut self, band: Band) {
        match band {
            Band::Below => self.below += 1,
            Band::Near => self.near += 1,
            Band::Above => self.above += 1,
        }
    }

    pub fn total(&self) -> usize {
        self.below + self.near + self.above
    }

    /// The three shares in percent (below, near, above); zeros for an empty group.
    pub fn percents(&self) -> (f64, f64, f64) {
        let n = self.total();
        if n == 0 {
            return (0.0, 0.0, 0.0);
        }
        let pct = |k: usize| 100.0 * k as f64 / n as f64;
        (pct(self.below), pct(self.near), pct(self.above))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_part_is_near_within_one_binomial_standard_error_of_the_cut() {
        // Cut 70 %, 7 items: SE = √(0.7·0.3/7) ≈ 0.173, so near spans 52.7 % to 87.3 %.
        assert_eq!(raw_band(4, 7, 70), Some(Band::Near)); // 57.1 %
        assert_eq!(raw_band(3, 7, 70), Some(Band::Below)); // 42.9 %
        assert_eq!(raw_band(6, 7, 70), Some(Band::Near)); // 85.7 %
        assert_eq!(raw_band(7, 7, 70), Some(Band::Above));
        assert_eq!(raw_band(0, 0, 70), None);
    }

    #[test]
    fn more_items_narrow_the_near_band() {
        // About 57–60 % against a 70 % cut: near on 7 items, below on 70 or 100.
        assert_eq!(raw_band(4, 7, 70), Some(Band::Near));
        assert_eq!(raw_band(42, 70, 70), Some(Band::Below)); // SE 0.055: near is 64.5 %–75.5 %
        assert_eq!(raw_band(47, 70, 70), Some(Band::Near)); // 67.1 %
        assert_eq!(raw_band(60, 100, 70), Some(Band::Below)); // SE 0.046
    }

    #[test]
    fn shares_add_up_to_the_group() {
        let mut s = BandShares::default();
        for b in [Band::Below, Band::Near, Band::Near, Band::Above] {
            s.add(b);
        }
        assert_eq!(s.total(), 4);
        assert_eq!(s.percents(), (25.0, 50.0, 25.0));
    }
}
