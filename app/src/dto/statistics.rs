//! What the staff statistics page shows: pass rates and mean scores by group, and each
//! competency's and content area's spread of candidates around the standard. Groups too small
//! to show carry no figures at all, not even their size.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProgramStats {
    pub exam_id: String,
    pub exam_title: String,
    /// Every exam with results (id, title), for the filter.
    pub exams: Vec<(String, String)>,
    /// The period's first and last days (YYYY-MM-DD; empty: open).
    pub from: String,
    pub to: String,
    /// Groups smaller than this show no figures.
    pub min_group: u32,
    /// Counted attempts in the period: real, submitted, not invalidated.
    pub attempts: u32,
    /// How many of them are simulated (made by `certamen demo seed-results`).
    pub simulated: u32,
    /// Whether any attempt was scored number-correct (percent) or on θ (scaled).
    pub has_percent: bool,
    pub has_scaled: bool,
    pub overall: Option<Figures>,
    pub tables: Vec<GroupTable>,
    /// Candidates counted once, by their latest attempt in the period.
    pub candidates: u32,
    pub competencies: Vec<BandRow>,
    pub areas: Vec<BandRow>,
}

/// One way of grouping the attempts (by month, by region, ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupTable {
    /// Its name in links and CSV file names: "month", "region", ...
    pub id: String,
    pub title: String,
    /// The heading of the group column.
    pub group: String,
    pub rows: Vec<GroupRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupRow {
    pub label: String,
    /// `None`: suppressed (too few attempts, or needed to protect a suppressed group).
    pub figures: Option<Figures>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    pub attempts: u32,
    pub passed: u32,
    /// Percent, 0–100.
    pub pass_rate: f64,
    pub mean_percent: Option<f64>,
    pub mean_scaled: Option<f64>,
}

/// A competency or content area: how many candidates were below, near and above the standard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BandRow {
    pub id: String,
    pub name: String,
    /// The content area a competency belongs to (empty for an area itself).
    pub area: String,
    /// `None`: fewer candidates than the minimum group size had a band in it.
    pub counts: Option<BandCounts>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BandCounts {
    pub below: u32,
    pub near: u32,
    pub above: u32,
}

impl BandCounts {
    pub fn total(&self) -> u32 {
        self.below + self.near + self.above
    }

    /// Percent of the total: (below, near, above).
    pub fn percents(&self) -> (f64, f64, f64) {
        let n = f64::from(self.total().max(1));
        (
            100.0 * f64::from(self.below) / n,
            100.0 * f64::from(self.near) / n,
            100.0 * f64::from(self.above) / n,
        )
    }
}
