//! certamen-item-bank: the item model, the authoring file format and its validation, and the
//! sample Peer Support bank in `banks/`.
//!
//! A bank folder holds `exam.toml` (the exam definition: content areas, competencies, blueprint
//! counts, timing, cut) and `items/*.toml` (one item per file, friendly to code review).

pub mod exam;
pub mod item;
pub mod load;
pub mod qti;
pub mod write;

#[cfg(test)]
mod schema_tests;

/// The sample Peer Support bank shipped with the source tree.
pub fn sample_bank_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("banks")
        .join("peer-support")
}
