//! Program figures for certification staff: pass rates and mean scores by group with small
//! groups suppressed, and each competency's spread of candidates below, near and above the
//! standard.

mod bands;
mod groups;

pub use bands::{raw_band, BandShares};
pub use groups::{group_figures, Figures, GroupFigures, Outcome};
