//! Scoring of a submitted attempt.

mod raw;
mod scaled;

pub use raw::{score_raw, CompetencyScore, RawScore, ScoredItem};
pub use scaled::{
    score_scaled, AreaBand, AreaOrder, CalibratedItem, CompetencyBand, ScaledScore,
    ScaledScoreError,
};
