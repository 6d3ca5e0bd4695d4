//! Fuzzing by property tests (proptest, a bounded number of cases so CI can run them): the bank
//! folder loader and the QTI importer, fed mutations of real files (bytes replaced, inserted,
//! deleted, the file cut short), must answer with the bank or with problems naming the file,
//! never panic, and never import part of a package. `PROPTEST_CASES` sets how many cases run
//! (256 by default). A crash found becomes a named regression test at the bottom.

use std::path::{Path, PathBuf};

use proptest::prelude::*;

use certamen_item_bank::load::load_bank;
use certamen_item_bank::qti;

/// One change to a file's bytes.
#[derive(Debug, Clone)]
enum Edit {
    Replace(usize, u8),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Truncate(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(p, b)| Edit::Replace(p, b)),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..12))
            .prop_map(|(p, v)| Edit::Insert(p, v)),
        (any::<usize>(), 1usize..40).prop_map(|(p, n)| Edit::Delete(p, n)),
        any::<usize>().prop_map(Edit::Truncate),
        // Characters that matter to TOML and XML, where they do the most damage.
        (
            any::<usize>(),
            prop::sample::select(vec![
                b'"', b'\'', b'[', b']', b'=', b'<', b'>', b'&', b'\n', b'#', b'\\'
            ])
        )
            .prop_map(|(p, b)| Edit::Insert(p, vec![b])),
    ]
}

fn apply(bytes: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut v = bytes.to_vec();
    for e in edits {
        let len = v.len().max(1);
        match e {
            Edit::Replace(p, b) => {
                if !v.is_empty() {
                    let i = p % v.len();
                    v[i] = *b;
                }
            }
            Edit::Insert(p, bytes) => {
                let i = p % (v.len() + 1);
                v.splice(i..i, bytes.iter().copied());
            }
            Edit::Delete(p, n) => {
                let i = p % len;
                let end = (i + n).min(v.len());
                if i < end {
                    v.drain(i..end);
                }
            }
            Edit::Truncate(p) => v.truncate(p % len),
        }
    }
    v
}

fn temp(name: &str) -> PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "certamen-fuzz-{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// A small bank: the sample's exam.toml and one item file (the loader reports the missing
/// coverage, which is fine: what matters is how it reads the files).
fn small_bank(dir: &Path, item: &[u8], exam: &[u8]) {
    std::fs::create_dir_all(dir.join("items")).expect("items");
    std::fs::write(dir.join("exam.toml"), exam).expect("exam");
    std::fs::write(dir.join("items/PS-C01-01.toml"), item).expect("item");
}

fn sample(file: &str) -> Vec<u8> {
    std::fs::read(certamen_item_bank::sample_bank_dir().join(file)).expect("sample file")
}

/// Every problem of a refused bank names a file of the bank.
fn check_bank(dir: &Path) {
    if let Err(e) = load_bank(dir) {
        assert!(!e.problems.is_empty(), "a refusal says why");
        for p in &e.problems {
            assert!(p.file.starts_with(dir), "{p} names a file of the bank");
            assert!(!p.message.is_empty());
        }
    }
}

proptest! {
    #[test]
    fn a_mutated_item_file_is_loaded_or_refused_with_its_file_named(edits in prop::collection::vec(edit(), 1..6)) {
        let dir = temp("item");
        small_bank(&dir, &apply(&sample("items/PS-C01-01.toml"), &edits), &sample("exam.toml"));
        check_bank(&dir);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_mutated_exam_definition_is_loaded_or_refused_with_its_file_named(edits in prop::collection::vec(edit(), 1..6)) {
        let dir = temp("exam");
        small_bank(&dir, &sample("items/PS-C01-01.toml"), &apply(&sample("exam.toml"), &edits));
        check_bank(&dir);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_mutated_scenario_set_is_loaded_or_refused(edits in prop::collection::vec(edit(), 1..6)) {
        let dir = temp("set");
        small_bank(&dir, &sample("items/PS-C01-01.toml"), &sample("exam.toml"));
        std::fs::create_dir_all(dir.join("sets")).expect("sets");
        std::fs::write(dir.join("sets/PS-SET-01.toml"), apply(&sample("sets/PS-SET-01.toml"), &edits)).expect("set");
        check_bank(&dir);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_mutated_qti_package_is_imported_whole_or_refused(which in 0usize..6, edits in prop::collection::vec(edit(), 1..6)) {
        let files = package();
        let dir = temp("qti");
        let target = match which {
            0 => "imsmanifest.xml".to_string(),
            1 => "test.xml".to_string(),
            _ => files.iter().filter(|f| f.path.starts_with("items/")).nth(which).map(|f| f.path.clone()).unwrap_or_default(),
        };
        let mut mutated = files.clone();
        for f in &mut mutated {
            if f.path == target {
                f.text = String::from_utf8_lossy(&apply(f.text.as_bytes(), &edits)).into_owned();
            }
        }
        qti::write_package(&dir, &mutated).expect("written");
        match qti::import(&dir) {
            // Whole or nothing: a package that still reads holds every item it did.
            Ok(items) => prop_assert!(items.len() <= files.iter().filter(|f| f.path.starts_with("items/") && !f.path.ends_with(".es.xml")).count()),
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_mutated_zip_package_is_refused_or_read_never_a_panic(edits in prop::collection::vec(edit(), 1..4)) {
        let zip = zipped();
        let dir = temp("zip");
        let path = dir.join("package.zip");
        std::fs::write(&path, apply(&zip, &edits)).expect("zip");
        let _ = qti::import_zip(&path);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn arbitrary_text_never_panics_the_xml_reader(text in ".{0,400}") {
        let _ = qti::xml::parse(&text);
    }
}

/// The sample bank as a QTI package (made once).
fn package() -> Vec<qti::PackageFile> {
    static PACKAGE: std::sync::OnceLock<Vec<qti::PackageFile>> = std::sync::OnceLock::new();
    PACKAGE
        .get_or_init(|| {
            let bank = load_bank(&certamen_item_bank::sample_bank_dir()).expect("sample bank");
            qti::export(&bank.exam, &bank.items)
        })
        .clone()
}

fn zipped() -> Vec<u8> {
    static ZIP: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    ZIP.get_or_init(|| {
        let dir = temp("zip-source");
        let path = dir.join("package.zip");
        qti::write_zip(&path, &package()).expect("zip written");
        let bytes = std::fs::read(&path).expect("zip");
        let _ = std::fs::remove_dir_all(&dir);
        bytes
    })
    .clone()
}
