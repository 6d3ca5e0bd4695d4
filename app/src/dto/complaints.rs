//! What the staff complaints page shows.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComplaintRow {
    pub id: i64,
    pub number: String,
    pub certificant: String,
    /// The certification's status now: "active", "suspended" or "revoked".
    pub certification_status: String,
    pub received_on: String,
    pub complainant: String,
    pub summary: String,
    /// "received", "investigating" or "closed".
    pub status: String,
    /// The end of the 90 days, once the investigation is open.
    pub due_on: Option<String>,
    /// Whole days left while it is investigated (negative: overdue).
    pub days_left: Option<i64>,
    /// "no_action" or "corrective_action", once closed.
    pub outcome: Option<String>,
    pub corrective_action: Option<String>,
    /// "none", "suspended" or "revoked".
    pub registry_effect: Option<String>,
    pub finding: Option<String>,
    pub closed_on: Option<String>,
}
