//! Loading and validating a bank folder.
//!
//! Every problem is collected and reported at once, each naming the file, the line where it
//! can be found and the field at fault, so an author can fix a whole bank in one pass. A bank
//! with any problem is refused whole: nothing is loaded from it (invariant 8).

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use crate::exam::ExamDefinition;
use crate::item::{Item, ItemStatus, SetFile};

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
    /// Items of the practice exam (the `practice/` folder), never on a real form.
    pub practice: Vec<Item>,
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
    if let Some(spanish) = &exam.spanish {
        for id in spanish.names.keys() {
            let known =
                exam.content_areas.iter().any(|a| &a.id == id) || exam.competency(id).is_some();
            if !known {
                c.add(
                    file,
                    text,
                    Some(id.as_str()),
                    format!("[spanish.names] names {id:?}, which is neither a content area nor a competency of this exam"),
                );
            }
        }
    }
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
        (crate::exam::DeliveryMode::Loft | crate::exam::DeliveryMode::Cat, Some(_)) => c.add(
            file,
            text,
            Some("form_seed"),
            "form_seed only applies to mode = \"fixed\"; LOFT and CAT seed each attempt".into(),
        ),
        _ => {}
    }
    if exam.results.min_group_size < 5 {
        c.add(
            file,
            text,
            Some("min_group_size"),
            format!(
                "min_group_size = {} is too small to protect anyone: statistics need groups of at least 5",
                exam.results.min_group_size
            ),
        );
    }
    match (&exam.delivery.mode, &exam.delivery.cat) {
        (crate::exam::DeliveryMode::Cat, None) => c.add(
            file,
            text,
            Some("mode"),
            "mode = \"cat\" needs a [delivery.cat] section (lengths, stop, cut_theta, selection, scale)".into(),
        ),
        (crate::exam::DeliveryMode::Cat, Some(cat)) => check_cat(c, file, text, exam, cat),
        (_, Some(_)) => c.add(
            file,
            text,
            Some("[delivery.cat]"),
            "[delivery.cat] only applies to mode = \"cat\"".into(),
        ),
        _ => {}
    }
    if exam.attempt_window_days == Some(0) {
        c.add(
            file,
            text,
            Some("attempt_window_days"),
            "attempt_window_days must be at least 1 (leave it out to count every attempt)".into(),
        );
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

fn check_cat(
    c: &mut Collector,
    file: &Path,
    text: &str,
    exam: &ExamDefinition,
    cat: &crate::exam::CatSettings,
) {
    if cat.min_length == 0 || cat.min_length > cat.max_length {
        c.add(
            file,
            text,
            Some("min_length"),
            format!(
                "min_length {} must be at least 1 and at most max_length {}",
                cat.min_length, cat.max_length
            ),
        );
    }
    if cat.max_length > exam.form_length {
        c.add(
            file,
            text,
            Some("max_length"),
            format!(
                "max_length {} is longer than form_length {}, the test the timing and instructions describe",
                cat.max_length, exam.form_length
            ),
        );
    }
    if !cat.cut_theta.is_finite() {
        c.add(
            file,
            text,
            Some("cut_theta"),
            "must be a finite number".into(),
        );
    }
    if let Err(e) = certamen_engine::cat::StopRule::parse(&cat.stop, Some(cat.cut_theta)) {
        c.add(file, text, Some("stop"), format!("{:?}: {e}", cat.stop));
    }
    if let Err(e) = certamen_engine::cat::Selection::parse(&cat.selection) {
        c.add(
            file,
            text,
            Some("selection"),
            format!("{:?}: {e}", cat.selection),
        );
    }
    if let Some(exposure) = &cat.exposure {
        if let Err(e) = certamen_engine::cat::parse_exposure_target(exposure) {
            c.add(file, text, Some("exposure"), format!("{exposure:?}: {e}"));
        }
    }
    let sc = &cat.scale;
    if let Err(e) = certamen_engine::irt::ScaleMap::new(sc.slope, sc.intercept, sc.min, sc.max) {
        c.add(file, text, Some("scale"), e.to_string());
    }
}

/// The line of `field = ...` inside the `[table]` section, for pointing authors at it.
fn line_in_table(text: &str, table: &str, field: &str) -> Option<usize> {
    let start = text.lines().position(|l| l.trim() == table)?;
    text.lines()
        .enumerate()
        .skip(start + 1)
        .find(|(_, l)| {
            l.trim_start()
                .strip_prefix(field)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|(i, _)| i + 1)
        .or(Some(start + 1))
}

fn check_irt(c: &mut Collector, file: &Path, text: &str, item: &Item) {
    use crate::item::ParamSource;
    let Some(irt) = &item.irt else { return };
    let mut add = |field: &str, message: String| {
        c.problems.push(Problem {
            file: file.to_path_buf(),
            line: line_in_table(text, "[irt]", field),
            field: Some(format!("irt.{field}")),
            message: format!("item {}: {message}", item.id),
        });
    };
    if !(irt.a.is_finite() && irt.a > 0.0) {
        add("a", format!("discrimination a = {} must be above 0", irt.a));
    }
    if !irt.b.is_finite() {
        add(
            "b",
            format!("difficulty b = {} must be a finite number", irt.b),
        );
    }
    if !(0.0..1.0).contains(&irt.c) {
        add(
            "c",
            format!("guessing c = {} must be at least 0 and below 1", irt.c),
        );
    }
    match irt.source {
        ParamSource::Provisional => {
            if irt.calibrated_on.is_some() || irt.responses.is_some() {
                add(
                    "source",
                    "provisional parameters have no calibrated_on or responses; say source = \"calibrated\" if they were estimated".into(),
                );
            }
        }
        ParamSource::Calibrated => {
            let date_ok = irt.calibrated_on.as_deref().is_some_and(|d| {
                let parts: Vec<&str> = d.split('-').collect();
                parts.len() == 3
                    && [4, 2, 2]
                        .iter()
                        .zip(&parts)
                        .all(|(n, p)| p.len() == *n && p.bytes().all(|b| b.is_ascii_digit()))
            });
            if !date_ok {
                add(
                    "calibrated_on",
                    "calibrated parameters need calibrated_on = \"YYYY-MM-DD\", the day of the calibration".into(),
                );
            }
            if irt.responses.is_none_or(|n| n == 0) {
                add(
                    "responses",
                    "calibrated parameters need responses = N, how many responses the calibration used".into(),
                );
            }
        }
    }
}

/// The Spanish variant must carry the same question: every part present, the same number of
/// options (the key letter applies to both languages), no empty or repeated option.
fn check_spanish(c: &mut Collector, file: &Path, text: &str, item: &Item) {
    let Some(es) = &item.es else { return };
    let mut add = |field: &str, message: String| {
        c.problems.push(Problem {
            file: file.to_path_buf(),
            line: line_in_table(text, "[es]", field),
            field: Some(format!("es.{field}")),
            message: format!("item {}: {message}", item.id),
        });
    };
    if es.stem.trim().is_empty() {
        add("stem", "the Spanish stem is empty".into());
    }
    if es.rationale.trim().is_empty() {
        add("rationale", "the Spanish rationale is empty".into());
    }
    if es.options.len() != item.en.options.len() {
        add(
            "options",
            format!(
                "the Spanish variant has {} options but the English has {}; they must match one for one",
                es.options.len(),
                item.en.options.len()
            ),
        );
    }
    let mut texts = HashMap::new();
    for (i, option) in es.options.iter().enumerate() {
        let letter = crate::item::option_letter(i);
        if option.trim().is_empty() {
            add("options", format!("Spanish option {letter} is empty"));
        } else if let Some(first) = texts.insert(option.trim(), letter) {
            add(
                "options",
                format!("Spanish options {first} and {letter} have the same text"),
            );
        }
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
    // A set's items live in the set's file, under their own ids.
    if item.scenario.is_none() && item.id != stem_of_file {
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
    check_irt(c, file, text, item);
    check_spanish(c, file, text, item);
    for (i, reference) in item.references.iter().enumerate() {
        if reference.trim().is_empty() {
            c.add(
                file,
                text,
                Some("references"),
                format!("item {}: reference {} is empty", item.id, i + 1),
            );
        }
    }
    if item.enemies.contains(&item.id) {
        c.add(
            file,
            text,
            Some("enemies"),
            format!("item {} lists itself as an enemy", item.id),
        );
    }
    if let Err(e) = crate::item::parse_key(&item.key, item.en.options.len()) {
        c.add(
            file,
            text,
            Some("key"),
            format!(
                "item {}: key {:?} {e} (the options are A-{})",
                item.id,
                item.key,
                crate::item::option_letter(item.en.options.len().saturating_sub(1))
            ),
        );
    }
}

/// Reads `sets/*.toml` (if the folder exists): each set's items join the bank, carrying the
/// set's competency, status and scenario.
/// The `.toml` files of a bank folder in name order. A folder that cannot be read is a problem
/// named for it; when `optional`, a missing one is simply empty.
fn toml_files(c: &mut Collector, folder: &Path, name: &str, optional: bool) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = match std::fs::read_dir(folder) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect(),
        Err(e) if optional && e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => {
            c.problems.push(Problem {
                file: folder.to_path_buf(),
                line: None,
                field: None,
                message: format!("cannot read the {name} folder: {e}"),
            });
            Vec::new()
        }
    };
    files.sort();
    files
}

fn load_sets(
    c: &mut Collector,
    sets_dir: &Path,
    exam: Option<&ExamDefinition>,
    items: &mut BTreeMap<String, Item>,
    first_file: &mut HashMap<String, PathBuf>,
) {
    if !sets_dir.is_dir() {
        return;
    }
    let files = toml_files(c, sets_dir, "sets", false);
    for file in &files {
        let Some(text) = read(c, file) else { continue };
        let Some(set) = c.parse::<SetFile>(file, &text) else {
            continue;
        };
        check_set(c, file, &text, &set);
        for item in set.items() {
            check_item(c, file, &text, &item, exam);
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
    }
}

fn check_set(c: &mut Collector, file: &Path, text: &str, set: &SetFile) {
    let stem_of_file = file
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    if set.id != stem_of_file {
        c.add(
            file,
            text,
            Some("id"),
            format!(
                "set id {:?} does not match the file name {stem_of_file:?}",
                set.id
            ),
        );
    }
    if set.items.len() < 2 {
        c.add(
            file,
            text,
            Some("[[items]]"),
            format!(
                "set {} has {} item(s); a scenario set has at least 2",
                set.id,
                set.items.len()
            ),
        );
    }
    let es = set.es.as_ref().map(|t| t.scenario.as_str());
    for message in empty_scenario(&set.id, &set.en.scenario, es) {
        c.add(file, text, Some("scenario"), message);
    }
    for item in &set.items {
        if set.es.is_some() != item.es.is_some() {
            c.add(
                file,
                text,
                Some("[items.es]"),
                format!(
                    "set {}: item {} {} but the set {}; both or neither",
                    set.id,
                    item.id,
                    if item.es.is_some() {
                        "has a Spanish variant"
                    } else {
                        "has no Spanish variant"
                    },
                    if set.es.is_some() {
                        "has a Spanish scenario"
                    } else {
                        "has no Spanish scenario"
                    },
                ),
            );
        }
    }
}

/// An empty scenario, or an empty Spanish one, in a set file or an item edited on its own.
fn empty_scenario(set: &str, en: &str, es: Option<&str>) -> Vec<String> {
    let mut problems = Vec::new();
    if en.trim().is_empty() {
        problems.push(format!("set {set}: the scenario is empty"));
    }
    if es.is_some_and(|s| s.trim().is_empty()) {
        problems.push(format!("set {set}: the Spanish scenario is empty"));
    }
    problems
}

/// Every problem with one item as edited in the workspace (the same checks as a bank file;
/// the "file" named in each problem is the item's id).
pub fn item_problems(item: &Item, exam: &ExamDefinition) -> Vec<Problem> {
    let mut c = Collector {
        problems: Vec::new(),
    };
    check_item(&mut c, Path::new(&item.id), "", item, Some(exam));
    // What a set file's check says of its scenario, for an item of a set edited on its own.
    if let Some(scenario) = &item.scenario {
        let mut add = |field: &str, message: String| {
            c.problems.push(Problem {
                file: PathBuf::from(&item.id),
                line: None,
                field: Some(field.into()),
                message,
            })
        };
        for message in empty_scenario(&scenario.set, &scenario.en, scenario.es.as_deref()) {
            add("scenario", message);
        }
        if scenario.es.is_some() != item.es.is_some() {
            add(
                "scenario",
                format!(
                    "set {}: the item and its scenario must both have a Spanish version or neither",
                    scenario.set
                ),
            );
        }
    }
    c.problems
}

/// How many seeded forms the bank check assembles.
const ASSEMBLY_CHECKS: u64 = 300;

/// The first failure (if any) of assembling a linear form from the approved items with seeds
/// 0, 1, 2, ...
fn assembly_trouble(exam: &ExamDefinition, items: &BTreeMap<String, Item>) -> Option<String> {
    use certamen_engine::form::{assemble_linear, PoolItem};
    let blueprint = exam.blueprint().ok()?;
    let pool: Vec<PoolItem> = items
        .values()
        .filter(|i| i.status == ItemStatus::Approved)
        .map(|i| PoolItem {
            id: i.id.clone(),
            competency: i.competency.clone(),
            option_count: u8::try_from(i.en.options.len()).unwrap_or(u8::MAX),
            enemies: i.enemies.clone(),
            set: i.scenario.as_ref().map(|s| s.set.clone()),
        })
        .collect();
    let seen = std::collections::HashSet::new();
    (0..ASSEMBLY_CHECKS).find_map(|seed| {
        assemble_linear(&pool, &blueprint, &seen, &mut certamen_engine::random::attempt_rng(seed))
            .err()
            .map(|e| {
                format!(
                    "forms cannot always be assembled with these enemy items and scenario sets (seed {seed} of {ASSEMBLY_CHECKS} tried): {e}; add items to that competency or drop an enemy pair"
                )
            })
    })
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
    let files = toml_files(&mut c, &items_dir, "items", false);

    let mut items: BTreeMap<String, Item> = BTreeMap::new();
    let mut first_file: HashMap<String, PathBuf> = HashMap::new();
    for file in &files {
        let Some(text) = read(&mut c, file) else {
            continue;
        };
        let Some(item) = c.parse::<Item>(file, &text) else {
            continue;
        };
        if item.scenario.is_some() {
            c.add(
                file,
                &text,
                Some("scenario"),
                format!(
                    "item {}: a scenario belongs in a set file under sets/, with the items that share it",
                    item.id
                ),
            );
        }
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

    // Sets first: their items count toward their competency like any other.
    load_sets(
        &mut c,
        &dir.join("sets"),
        exam.as_ref(),
        &mut items,
        &mut first_file,
    );

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

    for item in items.values() {
        for enemy in &item.enemies {
            if !items.contains_key(enemy) {
                let file = &first_file[&item.id];
                let text = std::fs::read_to_string(file).unwrap_or_default();
                c.add(
                    file,
                    &text,
                    Some("enemies"),
                    format!(
                        "item {}: enemy {enemy:?} is not an item of this bank",
                        item.id
                    ),
                );
            }
        }
    }

    if let Some(exam) = &exam {
        if exam.delivery.mode == crate::exam::DeliveryMode::Cat {
            // Adaptive selection needs parameters on every item it may choose.
            for item in items.values() {
                let blueprinted = exam.competency(&item.competency).is_some();
                if item.status == ItemStatus::Approved && blueprinted && item.irt.is_none() {
                    c.problems.push(Problem {
                        file: first_file[&item.id].clone(),
                        line: None,
                        field: Some("irt".into()),
                        message: format!(
                            "item {}: the exam is adaptive (mode = \"cat\"), so every approved item needs an [irt] section",
                            item.id
                        ),
                    });
                }
            }
        }
    }

    // Enemies and scenario sets can make a blueprint impossible to fill even when every
    // competency has enough items (two enemies of one competency's items both taken by an
    // earlier one): assemble forms from many seeds to be sure before a candidate hits it.
    if let Some(exam) = &exam {
        let constrained = items
            .values()
            .any(|i| !i.enemies.is_empty() || i.scenario.is_some());
        if c.problems.is_empty() && constrained {
            if let Some(message) = assembly_trouble(exam, &items) {
                c.problems.push(Problem {
                    file: dir.join("exam.toml"),
                    line: None,
                    field: None,
                    message,
                });
            }
        }
    }

    let practice = load_practice(&mut c, dir, exam.as_ref(), &first_file);

    match exam {
        Some(exam) if c.problems.is_empty() => Ok(Bank {
            exam,
            items: items.into_values().collect(),
            practice,
        }),
        _ => Err(BankError {
            dir: dir.to_path_buf(),
            problems: c.problems,
        }),
    }
}

/// The practice items: the optional `practice/` folder, each file checked like an item file.
/// A practice item may not share an id with a real one, nor belong to a scenario set; the
/// exam's `[practice]` settings and at least one approved practice item go together.
fn load_practice(
    c: &mut Collector,
    dir: &Path,
    exam: Option<&ExamDefinition>,
    real: &HashMap<String, PathBuf>,
) -> Vec<Item> {
    let folder = dir.join("practice");
    let files = toml_files(c, &folder, "practice", true);
    let mut items: BTreeMap<String, Item> = BTreeMap::new();
    let mut seen: HashMap<String, PathBuf> = HashMap::new();
    for file in &files {
        let Some(text) = read(c, file) else {
            continue;
        };
        let Some(item) = c.parse::<Item>(file, &text) else {
            continue;
        };
        check_item(c, file, &text, &item, exam);
        let adaptive = exam.is_some_and(|e| e.delivery.mode == crate::exam::DeliveryMode::Cat);
        if adaptive && item.status == ItemStatus::Approved && item.irt.is_none() {
            // The practice on an adaptive exam is adaptive too: selection needs parameters.
            c.add(
                file,
                &text,
                Some("irt"),
                format!(
                    "practice item {}: the exam is adaptive (mode = \"cat\"), so every approved practice item needs an [irt] section",
                    item.id
                ),
            );
        }
        if item.scenario.is_some() {
            c.add(
                file,
                &text,
                Some("scenario"),
                format!(
                    "practice item {}: practice items cannot share a scenario",
                    item.id
                ),
            );
        }
        if !item.enemies.is_empty() {
            c.add(
                file,
                &text,
                Some("enemies"),
                format!(
                    "practice item {}: enemies apply to real forms only",
                    item.id
                ),
            );
        }
        if let Some(other) = real.get(&item.id).or_else(|| seen.get(&item.id)) {
            c.add(
                file,
                &text,
                Some("id"),
                format!("duplicate id {}: also used by {}", item.id, other.display()),
            );
            continue;
        }
        seen.insert(item.id.clone(), file.clone());
        items.insert(item.id.clone(), item);
    }
    let approved = items
        .values()
        .filter(|i| i.status == ItemStatus::Approved)
        .count();
    if let Some(exam) = exam {
        let exam_file = dir.join("exam.toml");
        match (&exam.practice, approved) {
            (Some(_), 0) => c.problems.push(Problem {
                file: folder.clone(),
                line: None,
                field: Some("practice".into()),
                message: "exam.toml offers a practice exam ([practice]) but the practice folder has no approved item".into(),
            }),
            (None, 1..) => c.problems.push(Problem {
                file: exam_file,
                line: None,
                field: Some("practice".into()),
                message: format!("the practice folder has {approved} approved item(s) but exam.toml has no [practice] section with time_limit_minutes and break_minutes"),
            }),
            (Some(p), _) if p.time_limit_minutes == 0 => c.problems.push(Problem {
                file: exam_file,
                line: None,
                field: Some("time_limit_minutes".into()),
                message: "the practice exam's time_limit_minutes must be at least 1".into(),
            }),
            _ => {}
        }
    }
    items.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_bank_validates_and_covers_the_blueprint() {
        let bank = load_bank(&crate::sample_bank_dir()).expect("the sample bank is valid");
        assert_eq!(bank.exam.form_length, 120);
        assert_eq!(bank.practice.len(), 10, "ten practice items");
        assert!(bank.exam.practice.is_some());
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
        // A Spanish variant one option short, an empty reference and an unknown enemy.
        let x5 = item("X-5", "C01", "A", "\"a\", \"b\", \"c\"").replace(
            "key = \"A\"\n",
            "key = \"A\"\nreferences = [\" \"]\nenemies = [\"X-9\"]\n",
        ) + "\n[es]\nstem = \"Un enunciado\"\noptions = [\"a\", \"b\"]\nrationale = \"Por qué\"\n";
        std::fs::write(dir.join("items/X-5.toml"), x5).expect("write");
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
                "key \"E\" names E, which is not one of the options (the options are A-D)",
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
            (
                "X-5.toml:15: field `es.options`",
                "the Spanish variant has 2 options but the English has 3",
            ),
            ("X-5.toml:5: field `references`", "reference 1 is empty"),
            (
                "X-5.toml:6: field `enemies`",
                "enemy \"X-9\" is not an item of this bank",
            ),
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

    #[test]
    fn an_adaptive_bank_needs_a_sound_design_and_parameters_on_every_item() {
        let dir = std::env::temp_dir().join(format!("certamen-bad-cat-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("items")).expect("temp dir");
        let exam =
            std::fs::read_to_string(crate::sample_bank_dir().join("exam.toml")).expect("exam");
        let exam = exam.replace("mode = \"loft\"", "mode = \"cat\"")
            + "\n[delivery.cat]\nmin_length = 0\nmax_length = 130\nstop = \"sprt:-1\"\ncut_theta = 0.0\nselection = \"best\"\nexposure = \"sympson-hetter:2\"\nscale = { slope = 0, intercept = 500, min = 200, max = 800 }\n";
        std::fs::write(dir.join("exam.toml"), exam).expect("write");
        let base = "competency = \"C01\"\nstatus = \"approved\"\nkey = \"A\"\n\n[en]\nstem = \"A stem\"\noptions = [\"a\", \"b\"]\nrationale = \"Why\"\n";
        std::fs::write(
            dir.join("items/X-1.toml"),
            format!("id = \"X-1\"\n{base}\n[irt]\nsource = \"calibrated\"\na = -1.0\nb = 0.5\nc = 1.0\n"),
        )
        .expect("write");
        std::fs::write(dir.join("items/X-2.toml"), format!("id = \"X-2\"\n{base}")).expect("write");
        std::fs::write(
            dir.join("items/X-3.toml"),
            format!("id = \"X-3\"\n{base}\n[irt]\nsource = \"provisional\"\na = 1.0\nb = 0.5\nresponses = 10\n"),
        )
        .expect("write");
        let err = load_bank(&dir).expect_err("bad adaptive bank");
        let text = err.to_string();
        let expect = [
            ("exam.toml", "field `min_length`", "must be at least 1"),
            (
                "exam.toml",
                "field `max_length`",
                "longer than form_length 120",
            ),
            (
                "exam.toml",
                "field `stop`",
                "\"sprt:-1\": -1 must be a number above 0",
            ),
            (
                "exam.toml",
                "field `selection`",
                "use max-info or randomesque:K",
            ),
            ("exam.toml", "field `scale`", "finite slope above 0"),
            ("exam.toml", "field `exposure`", "use sympson-hetter:R"),
            ("X-1.toml:13", "field `irt.a`", "a = -1 must be above 0"),
            (
                "X-1.toml:15",
                "field `irt.c`",
                "c = 1 must be at least 0 and below 1",
            ),
            ("X-1.toml", "field `irt.calibrated_on`", "YYYY-MM-DD"),
            ("X-1.toml", "field `irt.responses`", "how many responses"),
            (
                "X-2.toml",
                "field `irt`",
                "every approved item needs an [irt] section",
            ),
            (
                "X-3.toml:12",
                "field `irt.source`",
                "provisional parameters have no calibrated_on",
            ),
        ];
        for (file, field, message) in expect {
            assert!(
                err.problems.iter().any(|p| {
                    let p = p.to_string();
                    p.contains(file) && p.contains(field) && p.contains(message)
                }),
                "missing {file} {field} {message} in:\n{text}"
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn scenario_sets_load_whole_and_bad_ones_are_reported() {
        let dir = std::env::temp_dir().join(format!("certamen-sets-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("items")).expect("items");
        std::fs::create_dir_all(dir.join("sets")).expect("sets");
        let sample = crate::sample_bank_dir();
        // Without the practice folder, so without the practice exam.
        let exam = std::fs::read_to_string(sample.join("exam.toml")).expect("exam");
        std::fs::write(dir.join("exam.toml"), without_practice(&exam)).expect("exam");
        for entry in std::fs::read_dir(sample.join("items")).expect("items") {
            let path = entry.expect("entry").path();
            std::fs::copy(
                &path,
                dir.join("items").join(path.file_name().expect("name")),
            )
            .expect("copy");
        }
        let member = |id: &str, es: bool| {
            let mut t = format!(
                "\n[[items]]\nid = \"{id}\"\nkey = \"A\"\n\n[items.en]\nstem = \"Q {id}\"\noptions = [\"a\", \"b\"]\nrationale = \"Why\"\n"
            );
            if es {
                t += "\n[items.es]\nstem = \"P\"\noptions = [\"a\", \"b\"]\nrationale = \"Por qué\"\n";
            }
            t
        };
        let head = |id: &str| {
            format!("id = \"{id}\"\ncompetency = \"C13\"\nstatus = \"approved\"\n\n[en]\nscenario = \"A scenario.\"\n\n[es]\nscenario = \"Un escenario.\"\n")
        };
        let good = head("SET-A") + &member("SET-A-1", true) + &member("SET-A-2", true);
        std::fs::write(dir.join("sets/SET-A.toml"), &good).expect("write");
        let bank = load_bank(&dir).expect("a bank with a good set loads");
        let set_items: Vec<&Item> = bank
            .items
            .iter()
            .filter(|i| i.scenario.as_ref().is_some_and(|s| s.set == "SET-A"))
            .collect();
        assert_eq!(set_items.len(), 2);
        assert!(set_items.iter().all(|i| i.competency == "C13"));
        assert_eq!(
            set_items[0].scenario.as_ref().and_then(|s| s.es.as_deref()),
            Some("Un escenario.")
        );

        // A lone item, a name that does not match, and a member without its Spanish variant.
        let bad = head("SET-X") + &member("SET-B-1", true);
        std::fs::write(dir.join("sets/SET-B.toml"), bad).expect("write");
        let bad = head("SET-C") + &member("SET-C-1", true) + &member("SET-C-2", false);
        std::fs::write(dir.join("sets/SET-C.toml"), bad).expect("write");
        // A scenario written into a single item's file.
        let lone = std::fs::read_to_string(dir.join("items/PS-C01-01.toml")).expect("read")
            + "\n[scenario]\nset = \"SET-A\"\nen = \"x\"\n";
        std::fs::write(dir.join("items/PS-C01-01.toml"), lone).expect("write");
        let err = load_bank(&dir).expect_err("bad sets");
        let text = err.to_string();
        for (place, message) in [
            (
                "SET-B.toml:1: field `id`",
                "set id \"SET-X\" does not match the file name",
            ),
            ("SET-B.toml", "has 1 item(s); a scenario set has at least 2"),
            (
                "SET-C.toml",
                "item SET-C-2 has no Spanish variant but the set has a Spanish scenario",
            ),
            (
                "PS-C01-01.toml",
                "a scenario belongs in a set file under sets/",
            ),
        ] {
            assert!(
                err.problems
                    .iter()
                    .any(|p| p.to_string().contains(place) && p.to_string().contains(message)),
                "missing {place} {message} in:\n{text}"
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// The exam definition without its `[practice]` table.
    fn without_practice(exam: &str) -> String {
        let start = exam.find("[practice]").expect("the sample offers practice");
        let end = exam[start..].find("\n\n").map_or(exam.len(), |i| start + i);
        format!("{}{}", &exam[..start], &exam[end..])
    }

    #[test]
    fn practice_items_stay_apart_and_go_with_the_practice_settings() {
        let dir = sample_copy("practice-rules");
        // A practice file reusing a real item's id, and one with an enemy.
        let real = std::fs::read_to_string(dir.join("items/PS-C01-01.toml")).expect("item");
        std::fs::write(dir.join("practice/PS-C01-01.toml"), &real).expect("write");
        let practice = std::fs::read_to_string(dir.join("practice/PS-PRACTICE-01.toml"))
            .expect("practice item");
        let with_enemy = practice.replace(
            "status = \"approved\"",
            "status = \"approved\"\nenemies = [\"PS-C01-02\"]",
        );
        std::fs::write(dir.join("practice/PS-PRACTICE-01.toml"), with_enemy).expect("write");
        let err = load_bank(&dir).expect_err("refused");
        let text = err.to_string();
        assert!(text.contains("duplicate id PS-C01-01"), "{text}");
        assert!(text.contains("enemies apply to real forms only"), "{text}");
        // Practice items without [practice] in exam.toml, and [practice] without items.
        let exam = std::fs::read_to_string(dir.join("exam.toml")).expect("exam");
        std::fs::remove_file(dir.join("practice/PS-C01-01.toml")).expect("remove");
        std::fs::write(dir.join("practice/PS-PRACTICE-01.toml"), &practice).expect("restore");
        std::fs::write(dir.join("exam.toml"), without_practice(&exam)).expect("write");
        let text = load_bank(&dir).expect_err("refused").to_string();
        assert!(
            text.contains("has 10 approved item(s) but exam.toml has no [practice]"),
            "{text}"
        );
        std::fs::write(dir.join("exam.toml"), &exam).expect("write");
        std::fs::remove_dir_all(dir.join("practice")).expect("remove");
        let text = load_bank(&dir).expect_err("refused").to_string();
        assert!(
            text.contains(
                "offers a practice exam ([practice]) but the practice folder has no approved item"
            ),
            "{text}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A fresh copy of the sample bank (exam, items and sets) in a temporary folder.
    fn sample_copy(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("certamen-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let sample = crate::sample_bank_dir();
        for folder in ["items", "sets", "practice"] {
            std::fs::create_dir_all(dir.join(folder)).expect("folder");
            for entry in std::fs::read_dir(sample.join(folder)).expect("read") {
                let path = entry.expect("entry").path();
                std::fs::copy(
                    &path,
                    dir.join(folder).join(path.file_name().expect("name")),
                )
                .expect("copy");
            }
        }
        std::fs::copy(sample.join("exam.toml"), dir.join("exam.toml")).expect("exam");
        dir
    }

    #[test]
    fn on_an_adaptive_exam_every_approved_practice_item_needs_parameters() {
        let dir = sample_copy("cat-practice");
        let exam = std::fs::read_to_string(dir.join("exam.toml")).expect("exam");
        let exam = exam.replace("mode = \"loft\"", "mode = \"cat\"")
            + "\n[delivery.cat]\nmin_length = 20\nmax_length = 40\nstop = \"sprt\"\ncut_theta = 0.0\nselection = \"max-info\"\nscale = { slope = 50, intercept = 500, min = 200, max = 800 }\n";
        std::fs::write(dir.join("exam.toml"), &exam).expect("write");
        load_bank(&dir).expect("the sample's practice items all have parameters");
        let file = dir.join("practice/PS-PRACTICE-02.toml");
        let text = std::fs::read_to_string(&file).expect("practice item");
        let start = text.find("[irt]").expect("the sample item has [irt]");
        std::fs::write(&file, &text[..start]).expect("write");
        let err = load_bank(&dir).expect_err("a practice item without parameters");
        assert!(
            err.problems.iter().any(|p| {
                let p = p.to_string();
                p.contains("PS-PRACTICE-02.toml")
                    && p.contains("field `irt`")
                    && p.contains("every approved practice item needs an [irt] section")
            }),
            "{err}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_exam_speaks_spanish_where_it_gives_spanish_and_names_only_its_own_parts() {
        let bank = load_bank(&crate::sample_bank_dir()).expect("sample bank");
        let exam = &bank.exam;
        assert!(exam.title_in("es").starts_with("Examen de certificación"));
        assert_eq!(exam.title_in("en"), exam.title);
        assert_eq!(exam.instructions_in("es").len(), exam.instructions.len());
        assert_eq!(
            exam.name_in("es", "C16", "Confidentiality"),
            "Confidencialidad"
        );
        assert_eq!(
            exam.name_in("en", "C16", "Confidentiality"),
            "Confidentiality"
        );
        // Every part of the sample has its Spanish name.
        for (area, c) in exam.competencies() {
            assert_ne!(exam.name_in("es", &area.id, &area.name), area.name);
            assert_ne!(exam.name_in("es", &c.id, &c.name), c.name);
        }

        let dir = sample_copy("spanish-names");
        let path = dir.join("exam.toml");
        let text = std::fs::read_to_string(&path).expect("exam");
        std::fs::write(
            &path,
            text.replace("C13 = \"Planificación", "C99 = \"Planificación"),
        )
        .expect("write");
        let err = load_bank(&dir).expect_err("a name for no part").to_string();
        assert!(
            err.contains("exam.toml")
                && err.contains("\"C99\", which is neither a content area nor a competency"),
            "{err}"
        );
    }

    #[test]
    fn the_items_of_a_set_count_toward_their_competency() {
        let dir = sample_copy("set-count");
        // C09 needs 7: four single items and the three of set PS-SET-02 are enough.
        for n in [4, 5, 7, 8, 9, 10, 11, 12] {
            std::fs::remove_file(dir.join(format!("items/PS-C09-{n:02}.toml"))).expect("rm");
        }
        let bank = load_bank(&dir).expect("four items and a set of three fill C09");
        assert_eq!(
            bank.items.iter().filter(|i| i.competency == "C09").count(),
            7
        );
        std::fs::remove_file(dir.join("sets/PS-SET-02.toml")).expect("rm");
        let err = load_bank(&dir).expect_err("four items are too few");
        assert!(
            err.to_string()
                .contains("competency C09 needs 7 approved items per form but the bank has 4"),
            "{err}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn enemies_that_make_forms_impossible_are_caught_by_the_bank_check() {
        let dir = sample_copy("enemies");
        // C13 needs `need` of its `m` items on every form. Make m - need + 2 of them (single
        // items: they sort before the set's) mutual enemies: a form holds at most one of those
        // and every other item, need - 1 in all.
        let bank = load_bank(&dir).expect("the copy loads");
        let need = bank
            .exam
            .competencies()
            .find(|(_, c)| c.id == "C13")
            .map(|(_, c)| c.items as usize)
            .expect("C13");
        let ids: Vec<&str> = bank
            .items
            .iter()
            .filter(|i| i.competency == "C13")
            .map(|i| i.id.as_str())
            .collect();
        let clique = &ids[..ids.len() - need + 2];
        for (n, id) in clique.iter().enumerate() {
            let path = dir.join(format!("items/{id}.toml"));
            let text = std::fs::read_to_string(&path).expect("read");
            let later: Vec<String> = clique[n + 1..].iter().map(|e| format!("{e:?}")).collect();
            let with = text.replacen(
                "\n[en]",
                &format!("enemies = [{}]\n\n[en]", later.join(", ")),
                1,
            );
            std::fs::write(&path, with).expect("write");
        }
        let err = load_bank(&dir).expect_err("impossible forms");
        assert!(
            err.to_string()
                .contains("forms cannot always be assembled with these enemy items"),
            "{err}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
