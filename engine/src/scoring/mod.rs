//! Scoring of a submitted attempt.

mod raw;

pub use raw::{score_raw, CompetencyScore, RawScore, ScoredItem};
