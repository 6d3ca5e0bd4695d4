//! The exam definition, as data: content areas, competencies and their blueprint counts,
//! timing, the scheduled break and the cut.

use serde::{Deserialize, Serialize};

use certamen_engine::blueprint::{Blueprint, BlueprintError, CompetencyTarget};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Competency {
    pub id: String,
    pub name: String,
    /// Items this competency contributes to each form.
    pub items: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContentArea {
    pub id: String,
    pub name: String,
    pub competencies: Vec<Competency>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduledBreak {
    /// The break is offered once the candidate moves past this item position.
    pub after_item: u32,
    pub minutes: u32,
}

/// How forms reach candidates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryMode {
    /// Linear-on-the-fly: each attempt its own form meeting the blueprint, seeded per attempt;
    /// a retake takes the items the candidate has not seen first.
    #[default]
    Loft,
    /// One form for everyone, assembled from `form_seed` (items, order and option order).
    Fixed,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Delivery {
    #[serde(default)]
    pub mode: DeliveryMode,
    /// The seed of the one fixed form (`mode = "fixed"` only).
    #[serde(default)]
    pub form_seed: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExamDefinition {
    pub id: String,
    pub title: String,
    /// Bumped whenever the definition changes; attempts record the version they used.
    pub version: u32,
    pub form_length: u32,
    pub time_limit_minutes: u32,
    /// Percent correct needed to pass (number-correct scoring).
    pub pass_percent: u32,
    pub max_attempts: u32,
    pub scheduled_break: ScheduledBreak,
    /// Absent in definitions written before delivery modes: LOFT.
    #[serde(default)]
    pub delivery: Delivery,
    pub instructions: Vec<String>,
    pub content_areas: Vec<ContentArea>,
}

impl ExamDefinition {
    pub fn competencies(&self) -> impl Iterator<Item = (&ContentArea, &Competency)> {
        self.content_areas
            .iter()
            .flat_map(|a| a.competencies.iter().map(move |c| (a, c)))
    }

    pub fn competency(&self, id: &str) -> Option<&Competency> {
        self.competencies().map(|(_, c)| c).find(|c| c.id == id)
    }

    /// The engine's blueprint for this exam, in content-area order.
    pub fn blueprint(&self) -> Result<Blueprint, BlueprintError> {
        Blueprint::new(
            self.competencies()
                .map(|(_, c)| CompetencyTarget {
                    competency: c.id.clone(),
                    items: c.items,
                })
                .collect(),
        )
    }
}
