//! The item model: a multiple-choice item (one answer, or several for a multiple-answer item)
//! with its key and rationale.
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
    /// The letter of the correct option in authored order ("A" is the first option), or for a
    /// multiple-answer item every correct option's letter, separated by commas ("A, C"): the
    /// candidate must choose exactly those to score the item.
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
    /// The authored indexes of the key (ascending), if the key is well formed and names
    /// existing options.
    pub fn key_indexes(&self) -> Option<Vec<u8>> {
        parse_key(&self.key, self.en.options.len()).ok()
    }

    /// The key as a bit set of authored option indexes (bit i: option i is correct). A response
    /// is scored correct when its own bit set equals this one exactly.
    pub fn key_mask(&self) -> Option<i64> {
        self.key_indexes().map(|keys| mask_of(&keys))
    }

    /// A multiple-answer item asks for every correct option (its key names more than one).
    pub fn is_multiple_answer(&self) -> bool {
        self.key.contains(',')
    }
}

/// The bit set of option indexes (bit i: option i).
pub fn mask_of(indexes: &[u8]) -> i64 {
    indexes.iter().fold(0, |m, &i| m | (1i64 << i))
}

/// The indexes (ascending) in a bit set of option indexes.
pub fn indexes_of(mask: i64) -> Vec<u8> {
    (0u8..63).filter(|i| mask & (1i64 << i) != 0).collect()
}

/// Why a key does not fit its item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyError {
    /// Not a letter, or letters separated by commas.
    Malformed,
    /// This letter names no option.
    NotAnOption(char),
    /// This letter appears twice.
    Repeated(char),
    /// Every option is keyed: a multiple-answer item needs at least one wrong option.
    EveryOption,
}

impl std::fmt::Display for KeyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeyError::Malformed => write!(
                f,
                "is not an option letter or letters separated by commas (such as \"B\" or \"A, C\")"
            ),
            KeyError::NotAnOption(l) => write!(f, "names {l}, which is not one of the options"),
            KeyError::Repeated(l) => write!(f, "names option {l} twice"),
            KeyError::EveryOption => write!(
                f,
                "names every option; a multiple-answer item needs at least one wrong option"
            ),
        }
    }
}

/// Reads a key: one option letter ("B") for a single-answer item, or two or more letters
/// separated by commas ("A, C") for a multiple-answer item. Returns the authored indexes,
/// ascending.
pub fn parse_key(key: &str, option_count: usize) -> Result<Vec<u8>, KeyError> {
    let mut indexes = Vec::new();
    for part in key.split(',') {
        let part = part.trim();
        let mut chars = part.chars();
        let (Some(letter), None) = (chars.next(), chars.next()) else {
            return Err(KeyError::Malformed);
        };
        if !letter.is_ascii_uppercase() {
            return Err(KeyError::Malformed);
        }
        let index = u8::try_from(u32::from(letter) - u32::from('A')).unwrap_or(u8::MAX);
        if usize::from(index) >= option_count {
            return Err(KeyError::NotAnOption(letter));
        }
        if indexes.contains(&index) {
            return Err(KeyError::Repeated(letter));
        }
        indexes.push(index);
    }
    if indexes.len() > 1 && indexes.len() >= option_count {
        return Err(KeyError::EveryOption);
    }
    indexes.sort_unstable();
    Ok(indexes)
}

/// The key written back in its canonical form ("A, C").
pub fn key_text(indexes: &[u8]) -> String {
    indexes
        .iter()
        .map(|&i| option_letter(usize::from(i)).to_string())
        .collect::<Vec<_>>()
        .join(", ")
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
    /// Only where this item's status differs from the set's (one item of the set approved
    /// before the others, say).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ItemStatus>,
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
                status: i.status.unwrap_or(self.status),
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
                    status: (i.status != first.status).then_some(i.status),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_one_letter_or_letters_separated_by_commas() {
        assert_eq!(parse_key("B", 4), Ok(vec![1]));
        assert_eq!(parse_key("C, A", 4), Ok(vec![0, 2]));
        assert_eq!(parse_key("A,B,D", 5), Ok(vec![0, 1, 3]));
        assert_eq!(parse_key("", 4), Err(KeyError::Malformed));
        assert_eq!(parse_key("AC", 4), Err(KeyError::Malformed));
        assert_eq!(parse_key("a", 4), Err(KeyError::Malformed));
        assert_eq!(parse_key("A,", 4), Err(KeyError::Malformed));
        assert_eq!(parse_key("E", 4), Err(KeyError::NotAnOption('E')));
        assert_eq!(parse_key("A, A", 4), Err(KeyError::Repeated('A')));
        assert_eq!(parse_key("A, B, C, D", 4), Err(KeyError::EveryOption));
        // A two-option single-answer item keys one of its two options: that is fine.
        assert_eq!(parse_key("B", 2), Ok(vec![1]));
    }

    #[test]
    fn a_key_round_trips_through_its_bit_set() {
        let keys = parse_key("D, B", 4).expect("valid");
        assert_eq!(mask_of(&keys), 0b1010);
        assert_eq!(indexes_of(0b1010), keys);
        assert_eq!(key_text(&keys), "B, D");
    }
}
