//! The item model: a multiple-choice item with its key and rationale.
//!
//! The key and rationale are secrets (invariant 3): they live here and in the server, and are
//! never part of what a candidate receives.

use serde::{Deserialize, Serialize};

/// The English text of an item (Spanish variants come with the full bank).
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

/// One item as authored in `items/<id>.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub id: String,
    pub competency: String,
    pub status: ItemStatus,
    /// The letter of the correct option in authored order ("A" is the first option).
    pub key: String,
    pub en: ItemText,
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
