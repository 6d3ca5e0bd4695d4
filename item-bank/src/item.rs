//! The item model: a multiple-choice item with its key and rationale.
//!
//! The key and rationale are secrets (invariant 3): they live here and in the server, and are
//! never part of what a candidate receives.

use serde::{Deserialize, Serialize};

use certamen_engine::irt::{ItemParams, ParamError};

/// One language's text of an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemText {
    pub stem: String,
    pub options: Vec<String>,
    pub rationale: String,
}

/// Lifecycle of an item; only approved items are delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    Draft,
    InReview,
    Approved,
    Retired,
}

/// Where an item's IRT parameters come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamSource {
    /// Set by judgment before the item has responses (the item writer's difficulty rating and
    /// the program's defaults); good enough to assemble forms, not to report precise scores.
    Provisional,
    /// Estimated from candidates' responses (`calibrated_on`, `responses`).
    Calibrated,
}

/// An item's 3PL parameters on the logistic metric (D = 1): `P(θ) = c + (1 − c)/(1 + e^(−a(θ − b)))`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IrtParams {
    pub source: ParamSource,
    pub a: f64,
    pub b: f64,
    /// The lower asymptote (0 for a 2PL item).
    #[serde(default)]
    pub c: f64,
    /// Calibrated parameters only: the day of the calibration (YYYY-MM-DD).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibrated_on: Option<String>,
    /// Calibrated parameters only: how many responses the calibration used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responses: Option<u64>,
}

impl IrtParams {
    /// The engine's parameters, or why these are out of range.
    pub fn engine_params(&self) -> Result<ItemParams, ParamError> {
        ItemParams::three_pl(self.a, self.b, self.c)
    }
}

/// One item as authored in `items/<id>.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub id: String,
    pub competency: String,
    pub status: ItemStatus,
    /// The letter of the correct option in authored order ("A" is the first option).
    pub key: String,
    pub en: ItemText,
    /// The Spanish variant: the same options in the same order, so the key applies to both.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub es: Option<ItemText>,
    /// Sources the item rests on (laws, program rules, publications).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    /// Items that must never appear on the same form as this one (one may give away the
    /// other). The relation is symmetric: listing it on either item is enough.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enemies: Vec<String>,
    /// Set only on the items of a scenario set, by the loader from the set's file (never written
    /// in an item file): the shared scenario travels with each item version, so a stored version
    /// carries exactly the text that was delivered with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario: Option<Scenario>,
    /// Absent until the item has provisional or calibrated parameters; adaptive delivery
    /// needs them on every item it may select.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub irt: Option<IrtParams>,
}

impl Item {
    /// The authored index of the key, if the key letter names an existing option.
    pub fn key_index(&self) -> Option<u8> {
        let mut chars = self.key.chars();
        let letter = chars.next()?;
        if chars.next().is_some() || !letter.is_ascii_uppercase() {
            return None;
        }
        let index = u8::try_from(u32::from(letter) - u32::from('A')).ok()?;
        (usize::from(index) < self.en.options.len()).then_some(index)
    }
}

/// The letter shown for display position `index` (0 → "A").
pub fn option_letter(index: usize) -> char {
    char::from(b'A' + u8::try_from(index % 26).unwrap_or(0))
}

/// The shared scenario of a scenario set, as carried by each of its items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// The set's id; its items are delivered together, in id order.
    pub set: String,
    pub en: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub es: Option<String>,
}

/// One language's scenario text in a set file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioText {
    pub scenario: String,
}

/// A scenario set as authored in `sets/<id>.toml`: a scenario shared by several items of one
/// competency, delivered together and in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetFile {
    pub id: String,
    pub competency: String,
    pub status: ItemStatus,
    pub en: ScenarioText,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub es: Option<ScenarioText>,
    pub items: Vec<SetItem>,
}

/// One item of a set file: an item without the fields the set gives it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetItem {
    pub id: String,
    pub key: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enemies: Vec<String>,
    pub en: ItemText,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub es: Option<ItemText>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub irt: Option<IrtParams>,
}

impl SetFile {
    /// The set's items as bank items, each carrying the set's competency, status and scenario.
    pub fn items(&self) -> Vec<Item> {
        let scenario = Scenario {
            set: self.id.clone(),
            en: self.en.scenario.clone(),
            es: self.es.as_ref().map(|t| t.scenario.clone()),
        };
        self.items
            .iter()
            .map(|i| Item {
                id: i.id.clone(),
                competency: self.competency.clone(),
                status: self.status,
                key: i.key.clone(),
                en: i.en.clone(),
                es: i.es.clone(),
                references: i.references.clone(),
                enemies: i.enemies.clone(),
                scenario: Some(scenario.clone()),
                irt: i.irt.clone(),
            })
            .collect()
    }

    /// The set file for items that share one scenario (the inverse of [`SetFile::items`]).
    pub fn from_items(items: &[&Item]) -> Option<SetFile> {
        let first = items.first()?;
        let scenario = first.scenario.as_ref()?;
        Some(SetFile {
            id: scenario.set.clone(),
            competency: first.competency.clone(),
            status: first.status,
            en: ScenarioText {
                scenario: scenario.en.clone(),
            },
            es: scenario.es.as_ref().map(|s| ScenarioText {
                scenario: s.clone(),
            }),
            items: items
                .iter()
                .map(|i| SetItem {
                    id: i.id.clone(),
                    key: i.key.clone(),
                    references: i.references.clone(),
                    enemies: i.enemies.clone(),
                    en: i.en.clone(),
                    es: i.es.clone(),
                    irt: i.irt.clone(),
                })
                .collect(),
        })
    }
}
