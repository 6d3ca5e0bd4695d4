//! The exam clock, computed from stored timestamps (invariant 1: the server owns time).
//!
//! All times are milliseconds since the Unix epoch, supplied by the caller.
//!
//! ```text
//! deadline  = started + limit + credited + break_credit
//! break_credit = 0                         no break taken
//!              = allowance                 break in progress (unused time is given back on return)
//!              = min(ended − began, allowance)   break over
//! ```
//! `limit` already includes any approved time multiplier; `credited` is server downtime given
//! back to the candidate. Time on a break beyond its allowance counts against the exam.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptClock {
    pub started_at: i64,
    pub limit_ms: i64,
    pub credited_ms: i64,
    pub break_allowance_ms: i64,
    pub break_started_at: Option<i64>,
    pub break_ended_at: Option<i64>,
}

impl AttemptClock {
    /// Time credited for the scheduled break.
    pub fn break_credit_ms(&self) -> i64 {
        match (self.break_started_at, self.break_ended_at) {
            (None, _) => 0,
            (Some(_), None) => self.break_allowance_ms,
            (Some(began), Some(ended)) => (ended - began).clamp(0, self.break_allowance_ms),
        }
    }

    /// The instant the attempt ends unless submitted earlier.
    pub fn deadline(&self) -> i64 {
        self.started_at + self.limit_ms + self.credited_ms + self.break_credit_ms()
    }

    /// Whether the candidate is on the break at `now` (begun, not ended, allowance not used up).
    pub fn on_break(&self, now: i64) -> bool {
        matches!((self.break_started_at, self.break_ended_at),
            (Some(began), None) if now < began + self.break_allowance_ms)
    }

    /// Exam time left at `now`, never negative. While on the break the exam clock stands still.
    pub fn remaining_ms(&self, now: i64) -> i64 {
        let effective_now = match (self.break_started_at, self.break_ended_at) {
            // During the allowance the exam clock reads as it did when the break began.
            (Some(began), None) if now < began + self.break_allowance_ms => {
                began + self.break_allowance_ms
            }
            _ => now,
        };
        (self.deadline() - effective_now).max(0)
    }

    /// Break time left at `now`, if on the break.
    pub fn break_remaining_ms(&self, now: i64) -> Option<i64> {
        match (self.break_started_at, self.break_ended_at) {
            (Some(began), None) if now < began + self.break_allowance_ms => {
                Some(began + self.break_allowance_ms - now)
            }
            _ => None,
        }
    }
}

/// The time limit in milliseconds for `minutes` stretched by an approved `multiplier`
/// (1.0 when there is no accommodation), rounded to the millisecond.
pub fn limit_ms(minutes: u32, multiplier: f64) -> i64 {
    let m = if multiplier.is_finite() && multiplier >= 1.0 {
        multiplier
    } else {
        1.0
    };
    (f64::from(minutes) * 60_000.0 * m).round() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    fn clock() -> AttemptClock {
        AttemptClock {
            started_at: 1_000_000,
            limit_ms: 150 * MIN,
            credited_ms: 0,
            break_allowance_ms: 10 * MIN,
            break_started_at: None,
            break_ended_at: None,
        }
    }

    #[test]
    fn without_a_break_the_deadline_is_start_plus_limit() {
        let c = clock();
        assert_eq!(c.deadline(), 1_000_000 + 150 * MIN);
        assert_eq!(c.remaining_ms(1_000_000 + 30 * MIN), 120 * MIN);
        assert_eq!(c.remaining_ms(c.deadline() + 5), 0);
    }

    #[test]
    fn the_clock_stands_still_during_the_break() {
        let mut c = clock();
        c.break_started_at = Some(1_000_000 + 60 * MIN);
        assert!(c.on_break(1_000_000 + 65 * MIN));
        assert_eq!(c.remaining_ms(1_000_000 + 61 * MIN), 90 * MIN);
        assert_eq!(c.remaining_ms(1_000_000 + 69 * MIN), 90 * MIN);
        assert_eq!(c.break_remaining_ms(1_000_000 + 64 * MIN), Some(6 * MIN));
    }

    #[test]
    fn an_early_return_gives_back_the_unused_break() {
        let mut c = clock();
        c.break_started_at = Some(1_000_000 + 60 * MIN);
        c.break_ended_at = Some(1_000_000 + 64 * MIN);
        assert_eq!(c.deadline(), 1_000_000 + 154 * MIN);
        assert_eq!(c.remaining_ms(1_000_000 + 64 * MIN), 90 * MIN);
    }

    #[test]
    fn an_overrun_break_counts_against_the_exam() {
        let mut c = clock();
        c.break_started_at = Some(1_000_000 + 60 * MIN);
        // Never came back: after the allowance the exam clock runs again.
        assert!(!c.on_break(1_000_000 + 75 * MIN));
        assert_eq!(c.remaining_ms(1_000_000 + 75 * MIN), 85 * MIN);
        c.break_ended_at = Some(1_000_000 + 75 * MIN);
        assert_eq!(c.deadline(), 1_000_000 + 160 * MIN);
    }

    #[test]
    fn credited_downtime_moves_the_deadline() {
        let mut c = clock();
        c.credited_ms = 7 * MIN;
        assert_eq!(c.deadline(), 1_000_000 + 157 * MIN);
    }

    #[test]
    fn a_multiplier_stretches_the_limit_and_bad_ones_are_ignored() {
        assert_eq!(limit_ms(150, 1.5), 225 * MIN);
        assert_eq!(limit_ms(150, f64::NAN), 150 * MIN);
        assert_eq!(limit_ms(150, 0.5), 150 * MIN);
    }
}
