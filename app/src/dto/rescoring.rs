//! What the staff rescoring page shows: a preview of a rescoring's effect on every attempt
//! with the item version, and the rescorings applied so far.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RescorePreview {
    pub item_id: String,
    pub version: i64,
    /// "key corrected to B" or "dropped from scoring".
    pub change: String,
    pub attempts: Vec<RescoreEffect>,
    /// How many attempts would pass where they failed, or fail where they passed.
    pub outcomes_changed: u32,
    /// The effect's fingerprint: applying refuses if the effect has changed since.
    pub digest: String,
}

/// One attempt's score before and after. `*_reported` is percent correct on a number-correct
/// exam, the scaled score on an adaptive one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RescoreEffect {
    pub attempt_id: String,
    pub candidate: String,
    pub invalidated: bool,
    pub released: bool,
    pub old_correct: u32,
    pub old_total: u32,
    pub old_reported: f64,
    pub old_passed: bool,
    pub new_correct: u32,
    pub new_total: u32,
    pub new_reported: f64,
    pub new_passed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RescoringRow {
    pub id: i64,
    pub item_id: String,
    pub version: i64,
    pub change: String,
    pub reason: String,
    pub decided_by: String,
    pub decided_on: String,
    pub attempts: u32,
    pub outcomes_changed: u32,
}

/// The page: a preview when one was asked for, and the rescorings so far.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RescoringPage {
    pub preview: Option<RescorePreview>,
    /// The form as sent, to fill it again.
    pub item_id: String,
    pub version: String,
    pub change: String,
    pub key: String,
    pub reason: String,
    /// What was wrong with the form, naming the field.
    pub error: Option<String>,
    pub history: Vec<RescoringRow>,
}
