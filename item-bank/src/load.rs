//! Loading and validating a bank folder.
//!
//! Every problem is collected and reported at once, each naming the file, the line where it
//! can be found and the field at fault, so an author can fix a whole bank in one pass. A bank
//! with any problem is refused whole: nothing is loaded from it (invariant 8).

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use crate::exam::ExamDefinition;
use crate::item::{Item, ItemStatus};

/// One problem in a bank, located as precisely as the format allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": field `{field}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// All the problems found in a bank.
#[derive(Debug, thiserror::Error)]
#[error("the bank at {} has {} problem(s):\n{}", .dir.display(), .problems.len(), list(.problems))]
pub struct BankError {
    pub dir: PathBuf,
    pub problems: Vec<Problem>,
}

fn list(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("  {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A validated bank: the exam definition and its items, sorted by id.
#[derive(Debug, Clone)]
pub struct Bank {
    pub exam: ExamDefinition,
    pub items: Vec<Item>,
}

/// The 1-based line of the first line that assigns `field`, for pointing authors at it.
fn line_of(text: &str, field: &str) -> Option<usize> {
    text.lines()
        .position(|l| l.trim_start().starts_with(field))
        .map(|i| i + 1)
}

struct Collector {
    problems: Vec<Problem>,
}

impl Collector {
    fn add(&mut self, file: &Path, text: &str, field: Option<&str>, message: String) {
        self.problems.push(Problem {
            file: file.to_path_buf(),
            line: field.and_then(|f| line_of(text, f)),
            field: field.map(str::to_string),
            message,
        });
    }

    fn parse<T: serde::de::DeserializeOwned>(&mut self, file: &Path, text: &str) -> Option<T> {
        match toml::from_str::<T>(text) {
            Ok(v) => Some(v),
            Err(e) => {
                let line = e
                    .span()
                    .map(|s| text[..s.start.min(text.len())].lines().count().max(1));
                self.problems.push(Problem {
                    file: file.to_path_buf(),
                    line,
                    field: None,
                    message: e.message().to_string(),
                });
                None
            }
        }
    }
}

fn read(c: &mut Collector, file: &Path) -> Option<String> {
    match std::fs::read_to_string(file) {
        Ok(t) => Some(t),
        Err(e) => {
            c.problems.push(Problem {
                file: file.to_path_buf(),
                line: None,
                field: None,
                message: format!("cannot read: {e}"),
            });
            None
        }
    }
}

fn check_exam(c: &mut Collector, file: &Path, text: &str, exam: &ExamDefinition) {
    let sum: u32 = exam.competencies().map(|(_, comp)| comp.items).sum();
    if sum != exam.form_length {
        c.add(
            file,
            text,
            Some("form_length"),
            format!(
                "form_length is {} but the competencies' item counts add up to {sum}",
                exam.form_length
            ),
        );
    }
    if exam.scheduled_break.after_item == 0 || exam.scheduled_break.after_item >= exam.form_length {
        c.add(
            file,
            text,
            Some("after_item"),
            format!(
                "the break must come after an item between 1 and {}",
                exam.form_length.saturating_sub(1)
            ),
        );
    }
    if exam.pass_percent > 100 {
        c.add(
            file,
            text,
            Some("pass_percent"),
            format!("{} is not a percentage", exam.pass_percent),
        );
    }
    if exam.time_limit_minutes == 0 {
        c.add(
            file,
            text,
            Some("time_limit_minutes"),
            "must be more than 0".into(),
        );
    }
    match (exam.delivery.mode, exam.delivery.form_seed) {
        (crate::exam::DeliveryMode::Fixed, None) => c.add(
            file,
            text,
            Some("mode"),
            "a fixed form needs form_seed, the seed its one form is assembled from".into(),
        ),
        (crate::exam::DeliveryMode::Loft, Some(_)) => c.add(
            file,
            text,
            Some("form_seed"),
            "form_seed only applies to mode = \"fixed\"; LOFT seeds each attempt".into(),
        ),
        _ => {}
    }
    if exam.max_attempts == 0 {
        c.add(
            file,
            text,
            Some("max_attempts"),
            "must be at least 1".into(),
        );
    }
    let mut seen = HashMap::new();
    for (_, comp) in exam.competencies() {
        if seen.insert(comp.id.as_str(), ()).is_some() {
            c.add(
                file,
                text,
                Some("id"),
                format!("competency {} is defined twice", comp.id),
            );
        }
    }
    if let Err(e) = exam.blueprint() {
        c.add(file, text, None, e.to_string());
    }
}

fn check_item(
    c: &mut Collector,
    file: &Path,
    text: &str,
    item: &Item,
    exam: Option<&ExamDefinition>,
) {
    let stem_of_file = file
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    if item.id != stem_of_file {
        c.add(
            file,
            text,
            Some("id"),
            format!(
                "id {:?} does not match the file name {stem_of_file:?}",
                item.id
            ),
        );
    }
    if let Some(exam) = exam {
        if exam.competency(&item.competency).is_none() {
            c.add(
                file,
                text,
                Some("competency"),
                format!(
                    "item {}: competency {:?} is not in the exam definition",
                    item.id, item.competency
                ),
            );
        }
    }
    if item.en.stem.trim().is_empty() {
        c.add(
            file,
            text,
            Some("stem"),
            format!("item {}: the stem is empty", item.id),
        );
    }
    if item.en.rationale.trim().is_empty() {
        c.add(
            file,
            text,
            Some("rationale"),
            format!("item {}: the rationale is empty", item.id),
        );
    }
    if !(2..=8).contains(&item.en.options.len()) {
        c.add(
            file,
            text,
            Some("options"),
            format!(
                "item {}: has {} options; between 2 and 8 are allowed",
                item.id,
                item.en.options.len()
            ),
        );
    }
    let mut texts = HashMap::new();
    for (i, option) in item.en.options.iter().enumerate() {
        let letter = crate::item::option_letter(i);
        if option.trim().is_empty() {
            c.add(
                file,
                text,
                Some("options"),
                format!("item {}: option {letter} is empty", item.id),
            );
        } else if let Some(first) = texts.insert(option.trim(), letter) {
            c.add(
                file,
                text,
                Some("options"),
                format!(
                    "item {}: options {first} and {letter} have the same text",
                    item.id
                ),
            );
        }
    }
    if item.key_index().is_none() {
        c.add(
            file,
            text,
            Some("key"),
            format!(
                "item {}: key {:?} is not among the options A-{}",
                item.id,
                item.key,
                crate::item::option_letter(item.en.options.len().saturating_sub(1))
            ),
        );
    }
}

/// Loads and validates the bank in `dir`.
pub fn load_bank(dir: &Path) -> Result<Bank, BankError> {
    let mut c = Collector {
        problems: Vec::new(),
    };
    let exam_file = dir.join("exam.toml");
    let exam = read(&mut c, &exam_file).and_then(|text| {
        let exam: Option<ExamDefinition> = c.parse(&exam_file, &text);
        if let Some(e) = &exam {
            check_exam(&mut c, &exam_file, &text, e);
        }
        exam
    });

    let items_dir = dir.join("items");
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&items_dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect(),
        Err(e) => {
            c.problems.push(Problem {
                file: items_dir.clone(),
                line: None,
                field: None,
                message: format!("cannot read the items folder: {e}"),
            });
            Vec::new()
        }
    };
    files.sort();

    let mut items: BTreeMap<String, Item> = BTreeMap::new();
    let mut first_file: HashMap<String, PathBuf> = HashMap::new();
    for file in &files {
        let Some(text) = read(&mut c, file) else {
            continue;
        };
        let Some(item) = c.parse::<Item>(file, &text) else {
            continue;
        };
        check_item(&mut c, file, &text, &item, exam.as_ref());
        if let Some(first) = first_file.get(&item.id) {
            c.add(
                file,
                &text,
                Some("id"),
                format!("duplicate id {}: also used by {}", item.id, first.display()),
            );
            continue;
        }
        first_file.insert(item.id.clone(), file.clone());
        items.insert(item.id.clone(), item);
    }

    if let Some(exam) = &exam {
        for (_, comp) in exam.competencies() {
            let approved = items
                .values()
                .filter(|i| i.competency == comp.id && i.status == ItemStatus::Approved)
                .count();
            if (approved as u64) < u64::from(comp.items) {
                c.problems.push(Problem { file: items_dir.clone(), line: None,
                    field: Some("competency".into()),
                    message: format!("competency {} needs {} approved items per form but the bank has {approved}",
                        comp.id, comp.items) });
            }
        }
    }

    match exam {
        Some(exam) if c.problems.is_empty() => Ok(Bank {
            exam,
            items: items.into_values().collect(),
        }),
        _ => Err(BankError {
            dir: dir.to_path_buf(),
            problems: c.problems,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_bank_validates_and_covers_the_blueprint() {
        let bank = load_bank(&crate::sample_bank_dir()).expect("the sample bank is valid");
        assert_eq!(bank.exam.form_length, 120);
        assert_eq!(bank.exam.competencies().count(), 17);
        assert_eq!(bank.exam.content_areas.len(), 8);
        for (_, c) in bank.exam.competencies() {
            let n = bank.items.iter().filter(|i| i.competency == c.id).count();
            assert!(n >= 4, "competency {} has {n} items", c.id);
        }
    }

    fn bad_bank() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("certamen-bad-bank-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("items")).expect("temp dir");
        let exam =
            std::fs::read_to_string(crate::sample_bank_dir().join("exam.toml")).expect("exam");
        // A fixed form without its seed.
        let exam = exam.replace("mode = \"loft\"", "mode = \"fixed\"");
        std::fs::write(dir.join("exam.toml"), exam).expect("write");
        let item = |id: &str, comp: &str, key: &str, opts: &str| {
            format!("id = \"{id}\"\ncompetency = \"{comp}\"\nstatus = \"approved\"\nkey = \"{key}\"\n\n[en]\nstem = \"A stem\"\noptions = [{opts}]\nrationale = \"Why\"\n")
        };
        std::fs::write(
            dir.join("items/X-1.toml"),
            item("X-1", "C01", "E", "\"a\", \"b\", \"c\", \"d\""),
        )
        .expect("write");
        std::fs::write(
            dir.join("items/X-2.toml"),
            item("X-2", "C99", "A", "\"a\", \"b\""),
        )
        .expect("write");
        std::fs::write(
            dir.join("items/X-3.toml"),
            item("X-1", "C01", "A", "\"same\", \"same\""),
        )
        .expect("write");
        std::fs::write(dir.join("items/X-4.toml"), "id = \"X-4\"\ncompetency = \n").expect("write");
        dir
    }

    #[test]
    fn a_bad_bank_reports_every_problem_with_file_line_and_field() {
        let dir = bad_bank();
        let err = load_bank(&dir).expect_err("bad bank");
        let text = err.to_string();
        let expect = [
            (
                "X-1.toml:4: field `key`",
                "key \"E\" is not among the options A-D",
            ),
            (
                "X-2.toml:2: field `competency`",
                "competency \"C99\" is not in the exam definition",
            ),
            ("X-3.toml:1: field `id`", "does not match the file name"),
            (
                "X-3.toml:8: field `options`",
                "options A and B have the same text",
            ),
            ("X-3.toml:1: field `id`", "duplicate id X-1"),
            ("X-4.toml:2", ""),
            (
                "field `competency`",
                "competency C13 needs 8 approved items per form but the bank has 0",
            ),
            ("exam.toml", "a fixed form needs form_seed"),
        ];
        for (place, message) in expect {
            assert!(
                err.problems
                    .iter()
                    .any(|p| p.to_string().contains(place) && p.to_string().contains(message)),
                "missing {place} {message} in:\n{text}"
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
