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

/// Whether `name` (an item, set or stimulus id about to become a file name) is a plain file
/// name: not empty, no folder separator, not `.` or `..`, not hidden, no control characters,
/// at most 200 characters. An id imported from another tool's package (`../x`) must never
/// write outside the folder an export writes into.
pub fn check_file_name(name: &str) -> Result<(), String> {
    let bad = name.is_empty()
        || name.len() > 200
        || name.starts_with('.')
        || name
            .chars()
            .any(|c| matches!(c, '/' | '\\' | ':') || c.is_control());
    if bad {
        Err(format!(
            "{name:?} cannot be a file name (an id written to a file must be a plain name: no /, \\, :, leading dot or control characters)"
        ))
    } else {
        Ok(())
    }
}

/// The sample Peer Support bank shipped with the source tree.
pub fn sample_bank_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("banks")
        .join("peer-support")
}

#[cfg(test)]
mod file_name_tests {
    use super::check_file_name;

    #[test]
    fn only_plain_names_may_become_files() {
        for ok in ["PS-C01-01", "PS-SET-02.es.xml", "item_7"] {
            assert!(check_file_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "", ".", "..", "../x", "a/b", "a\\b", ".hidden", "C:x", "a\u{0}b", "x\ny",
        ] {
            assert!(check_file_name(bad).is_err(), "{bad:?}");
        }
        assert!(check_file_name(&"a".repeat(201)).is_err());
    }
}
