//! What the staff item-health page shows: each delivered item version's statistics from live
//! responses, its flags with their reasons, and the recalibrations proposed from the responses.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemHealthPage {
    pub exam_id: String,
    /// Counted attempts (real, submitted, not invalidated) the figures come from.
    pub attempts: u32,
    pub simulated: u32,
    /// Below this many responses an item is listed but not judged.
    pub min_responses: u32,
    pub items: Vec<ItemHealth>,
    pub proposals: Vec<CalibrationProposal>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemHealth {
    pub item_id: String,
    pub version: i64,
    pub competency: String,
    /// "provisional", "calibrated" or "none": where the delivered parameters came from.
    pub source: String,
    pub responses: u32,
    /// Percent of the counted attempts that delivered this version.
    pub exposure: f64,
    pub p_value: Option<f64>,
    /// Point-biserial with the rest of each candidate's form.
    pub r_rest: Option<f64>,
    pub infit: Option<f64>,
    pub outfit: Option<f64>,
    /// Mantel–Haenszel DIF, English (reference) and Spanish (focal): ETS class and D-DIF.
    pub dif_language: Option<Dif>,
    /// The region (focal, against all others) with the largest |D-DIF|.
    pub dif_region: Option<Dif>,
    /// "dropped from scoring" or "key corrected to B" when a rescoring applies.
    pub scoring_rule: Option<String>,
    /// Why the item needs a look, each in words; empty when it looks healthy.
    pub flags: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dif {
    /// The focal group: "Spanish", or a region's name.
    pub focal: String,
    /// "A", "B-", "C+", ...
    pub class: String,
    pub d_dif: f64,
    pub focal_responses: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationProposal {
    pub id: i64,
    pub created_on: String,
    pub created_by: String,
    /// "3pl" or "2pl".
    pub model: String,
    pub attempts: u32,
    pub converged: bool,
    pub cycles: u32,
    /// "proposed", "accepted" or "rejected".
    pub status: String,
    pub decision_note: Option<String>,
    pub items: Vec<ProposedParams>,
}

/// An item with provisional parameters and what the responses say instead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProposedParams {
    pub item_id: String,
    pub version: i64,
    pub responses: u32,
    pub old: (f64, f64, f64),
    pub new: (f64, f64, f64),
    /// Standard errors of a, b and c (NaN-free: `None` where not estimated).
    pub se: (Option<f64>, Option<f64>, Option<f64>),
}
