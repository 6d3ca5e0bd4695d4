//! Reading the psychometrics CSV files, with every error naming the file, row and column.
//!
//! - Items: columns `id,a,b,c`; other columns are ignored; a missing `a` column or empty cell
//!   means a = 1 (Rasch), a missing `c` column or empty cell means c = 0 (2PL).
//! - Responses: wide, the examinee id first, then one column per item id; cells `0`, `1`, or
//!   empty (not administered). Any other column must be named with a flag
//!   (`--ignore-column`, `--group-column`) so a misspelt item id is never silently dropped.
//!
//! Rows are counted as in a spreadsheet: the header is row 1.

use std::collections::HashSet;
use std::fs::File;
use std::path::Path;

use certamen_engine::irt::{ItemParams, Response, ResponseMatrix};

/// A problem with an input file, located as precisely as possible.
#[derive(Debug, thiserror::Error)]
#[error("{file}{}: {message}", location(*row, column.as_deref()))]
pub struct InputError {
    pub file: String,
    pub row: Option<u64>,
    pub column: Option<String>,
    pub message: String,
}

fn location(row: Option<u64>, column: Option<&str>) -> String {
    match (row, column) {
        (Some(r), Some(c)) => format!(", row {r}, column {c:?}"),
        (Some(r), None) => format!(", row {r}"),
        (None, Some(c)) => format!(", column {c:?}"),
        (None, None) => String::new(),
    }
}

fn err(
    file: &Path,
    row: Option<u64>,
    column: Option<&str>,
    message: impl Into<String>,
) -> InputError {
    InputError {
        file: file.display().to_string(),
        row,
        column: column.map(str::to_string),
        message: message.into(),
    }
}

fn open(path: &Path) -> Result<csv::Reader<File>, InputError> {
    let file = File::open(path).map_err(|e| err(path, None, None, format!("cannot open: {e}")))?;
    Ok(csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(file))
}

fn headers(path: &Path, reader: &mut csv::Reader<File>) -> Result<Vec<String>, InputError> {
    let h = reader
        .headers()
        .map_err(|e| err(path, Some(1), None, format!("unreadable header: {e}")))?;
    let h: Vec<String> = h.iter().map(str::to_string).collect();
    if h.iter().all(String::is_empty) {
        return Err(err(
            path,
            Some(1),
            None,
            "the file is empty; a header row is needed",
        ));
    }
    let mut seen = HashSet::new();
    for name in &h {
        if !seen.insert(name) {
            return Err(err(
                path,
                Some(1),
                Some(name),
                "this column name appears twice",
            ));
        }
    }
    Ok(h)
}

fn row_number(record: &csv::StringRecord, fallback: u64) -> u64 {
    record.position().map_or(fallback, |p| p.line())
}

fn csv_error(path: &Path, e: csv::Error) -> InputError {
    let row = e.position().map(|p| p.line());
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("this row has {len} cells but the header has {expected_len}")
        }
        csv::ErrorKind::Utf8 { .. } => "the row is not valid UTF-8 text".to_string(),
        _ => e.to_string(),
    };
    err(path, row, None, message)
}

pub struct ItemFile {
    pub ids: Vec<String>,
    pub params: Vec<ItemParams>,
    /// The `competency` column, when the file has one.
    pub competency: Option<Vec<String>>,
    /// `testlet` and `enemy_set`: items sharing a non-empty value form a scenario set (in
    /// file order) or an enemy set. Empty when the column is absent.
    pub testlet: Vec<String>,
    pub enemy_set: Vec<String>,
    /// `pretest`: 1 for an unscored pretest item, 0 or empty otherwise.
    pub pretest: Vec<bool>,
}

pub fn read_items(path: &Path) -> Result<ItemFile, InputError> {
    let mut reader = open(path)?;
    let h = headers(path, &mut reader)?;
    let col = |name: &str| h.iter().position(|c| c == name);
    let id = col("id").ok_or_else(|| err(path, Some(1), None, "no \"id\" column"))?;
    let b = col("b").ok_or_else(|| err(path, Some(1), None, "no \"b\" column (difficulty)"))?;
    let (a, c) = (col("a"), col("c"));
    let competency_col = col("competency");
    let mut out = ItemFile {
        ids: Vec::new(),
        params: Vec::new(),
        competency: competency_col.map(|_| Vec::new()),
        testlet: Vec::new(),
        enemy_set: Vec::new(),
        pretest: Vec::new(),
    };
    let (testlet_col, enemy_col, pretest_col) = (col("testlet"), col("enemy_set"), col("pretest"));
    let mut seen = HashSet::new();
    for (n, record) in reader.records().enumerate() {
        let record = record.map_err(|e| csv_error(path, e))?;
        let row = row_number(&record, n as u64 + 2);
        let item_id = record[id].to_string();
        if item_id.is_empty() {
            return Err(err(path, Some(row), Some("id"), "the item id is empty"));
        }
        if !seen.insert(item_id.clone()) {
            return Err(err(
                path,
                Some(row),
                Some("id"),
                format!("item {item_id:?} is listed twice"),
            ));
        }
        let number = |idx: Option<usize>, name: &str, default: f64| -> Result<f64, InputError> {
            match idx.map(|i| &record[i]) {
                None | Some("") => Ok(default),
                Some(text) => text.parse::<f64>().map_err(|_| {
                    err(
                        path,
                        Some(row),
                        Some(name),
                        format!("{text:?} is not a number"),
                    )
                }),
            }
        };
        let (av, bv, cv) = (
            number(a, "a", 1.0)?,
            number(Some(b), "b", f64::NAN)?,
            number(c, "c", 0.0)?,
        );
        if record[b].is_empty() {
            return Err(err(path, Some(row), Some("b"), "the difficulty is empty"));
        }
        let params = ItemParams::three_pl(av, bv, cv).map_err(|e| {
            let column = match e {
                certamen_engine::irt::ParamError::Discrimination(_) => "a",
                certamen_engine::irt::ParamError::Difficulty(_) => "b",
                _ => "c",
            };
            err(path, Some(row), Some(column), e.to_string())
        })?;
        if let (Some(i), Some(list)) = (competency_col, out.competency.as_mut()) {
            if record[i].is_empty() {
                return Err(err(
                    path,
                    Some(row),
                    Some("competency"),
                    "the competency is empty",
                ));
            }
            list.push(record[i].to_string());
        }
        let text = |c: Option<usize>| c.map(|i| record[i].to_string()).unwrap_or_default();
        out.testlet.push(text(testlet_col));
        out.enemy_set.push(text(enemy_col));
        out.pretest.push(match text(pretest_col).as_str() {
            "" | "0" => false,
            "1" => true,
            other => {
                return Err(err(
                    path,
                    Some(row),
                    Some("pretest"),
                    format!("{other:?}: use 1 for a pretest item, 0 or empty otherwise"),
                ))
            }
        });
        out.ids.push(item_id);
        out.params.push(params);
    }
    if out.ids.is_empty() {
        return Err(err(
            path,
            None,
            None,
            "no items: the file has a header but no rows",
        ));
    }
    Ok(out)
}

/// A wide response file, with the columns a flag set aside.
pub struct ResponseFile {
    pub examinees: Vec<String>,
    pub item_ids: Vec<String>,
    pub matrix: ResponseMatrix,
    /// The values of the `--group-column`, if one was named.
    pub groups: Vec<String>,
}

pub struct ResponseOptions<'a> {
    /// Columns that are not items and not used.
    pub ignore: &'a [String],
    /// A column holding each examinee's group (for DIF).
    pub group_column: Option<&'a str>,
}

impl<'a> ResponseOptions<'a> {
    /// Only the `--ignore-column` names; no group column.
    pub fn ignoring(ignore: &'a [String]) -> Self {
        Self {
            ignore,
            group_column: None,
        }
    }
}

pub fn read_responses(path: &Path, opts: &ResponseOptions) -> Result<ResponseFile, InputError> {
    let mut reader = open(path)?;
    let h = headers(path, &mut reader)?;
    if h.len() < 2 {
        return Err(err(
            path,
            Some(1),
            None,
            "a response file needs an id column and at least one item column",
        ));
    }
    let mut group_idx = None;
    if let Some(g) = opts.group_column {
        group_idx = Some(h.iter().position(|c| c == g).ok_or_else(|| {
            err(
                path,
                Some(1),
                None,
                format!("no column {g:?} (named by --group-column)"),
            )
        })?);
    }
    for name in opts.ignore {
        if !h.contains(name) {
            return Err(err(
                path,
                Some(1),
                None,
                format!("no column {name:?} (named by --ignore-column)"),
            ));
        }
    }
    let item_cols: Vec<usize> = (1..h.len())
        .filter(|&i| Some(i) != group_idx && !opts.ignore.contains(&h[i]))
        .collect();
    if item_cols.is_empty() {
        return Err(err(
            path,
            Some(1),
            None,
            "no item columns are left after the id and the flagged columns",
        ));
    }
    let mut examinees = Vec::new();
    let mut groups = Vec::new();
    let mut cells: Vec<Response> = Vec::new();
    let mut seen = HashSet::new();
    for (n, record) in reader.records().enumerate() {
        let record = record.map_err(|e| csv_error(path, e))?;
        let row = row_number(&record, n as u64 + 2);
        let id = record[0].to_string();
        if id.is_empty() {
            return Err(err(
                path,
                Some(row),
                Some(&h[0]),
                "the examinee id is empty",
            ));
        }
        if !seen.insert(id.clone()) {
            return Err(err(
                path,
                Some(row),
                Some(&h[0]),
                format!("examinee {id:?} appears twice"),
            ));
        }
        for &i in &item_cols {
            cells.push(match &record[i] {
                "1" => Some(true),
                "0" => Some(false),
                "" => None,
                other => {
                    return Err(err(
                        path,
                        Some(row),
                        Some(&h[i]),
                        format!("{other:?} is not a response: use 1 (correct), 0 (wrong) or leave it empty (not administered); if this column is not an item, name it with --ignore-column"),
                    ))
                }
            });
        }
        if let Some(g) = group_idx {
            let value = record[g].to_string();
            if value.is_empty() {
                return Err(err(path, Some(row), Some(&h[g]), "the group is empty"));
            }
            groups.push(value);
        }
        examinees.push(id);
    }
    if examinees.is_empty() {
        return Err(err(
            path,
            None,
            None,
            "no examinees: the file has a header but no rows",
        ));
    }
    let item_ids: Vec<String> = item_cols.iter().map(|&i| h[i].clone()).collect();
    let matrix = ResponseMatrix::new(item_ids.len(), cells)
        .map_err(|e| err(path, None, None, e.to_string()))?;
    Ok(ResponseFile {
        examinees,
        item_ids,
        matrix,
        groups,
    })
}

/// Puts the response columns in the order of the item file, refusing columns that are not
/// items and items that have no column.
pub fn align(
    items: &ItemFile,
    items_path: &Path,
    responses: &ResponseFile,
    responses_path: &Path,
) -> Result<ResponseMatrix, InputError> {
    for id in &responses.item_ids {
        if !items.ids.contains(id) {
            return Err(err(
                responses_path,
                Some(1),
                Some(id),
                format!("this column is not an item in {}; if it is not an item, name it with --ignore-column", items_path.display()),
            ));
        }
    }
    let order: Vec<usize> = items
        .ids
        .iter()
        .map(|id| {
            responses
                .item_ids
                .iter()
                .position(|c| c == id)
                .ok_or_else(|| {
                    err(
                        responses_path,
                        Some(1),
                        None,
                        format!("item {id:?} from {} has no column", items_path.display()),
                    )
                })
        })
        .collect::<Result<_, _>>()?;
    responses
        .matrix
        .select_items(&order)
        .map_err(|e| err(responses_path, None, None, e.to_string()))
}

/// A blueprint for simulation: `competency,min,max`, one row per competency.
pub struct BlueprintFile {
    pub rows: Vec<(String, usize, usize)>,
}

pub fn read_blueprint(path: &Path) -> Result<BlueprintFile, InputError> {
    let mut reader = open(path)?;
    let h = headers(path, &mut reader)?;
    let col = |name: &str| {
        h.iter().position(|c| c == name).ok_or_else(|| {
            err(
                path,
                Some(1),
                None,
                format!("no {name:?} column (expected competency,min,max)"),
            )
        })
    };
    let (c, lo, hi) = (col("competency")?, col("min")?, col("max")?);
    let mut rows = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let record = record.map_err(|e| csv_error(path, e))?;
        let row = row_number(&record, n as u64 + 2);
        let count = |i: usize, name: &str| {
            record[i].parse::<usize>().map_err(|_| {
                err(
                    path,
                    Some(row),
                    Some(name),
                    format!("{:?} is not a whole number", &record[i]),
                )
            })
        };
        let (min, max) = (count(lo, "min")?, count(hi, "max")?);
        if min > max {
            return Err(err(
                path,
                Some(row),
                Some("min"),
                format!("min {min} is above max {max}"),
            ));
        }
        if rows
            .iter()
            .any(|(k, _, _): &(String, usize, usize)| k == &record[c])
        {
            return Err(err(
                path,
                Some(row),
                Some("competency"),
                "this competency is listed twice",
            ));
        }
        rows.push((record[c].to_string(), min, max));
    }
    if rows.is_empty() {
        return Err(err(
            path,
            None,
            None,
            "no competencies: the file has a header but no rows",
        ));
    }
    Ok(BlueprintFile { rows })
}

/// `examinee_id,true_theta`.
pub fn read_thetas(path: &Path) -> Result<(Vec<String>, Vec<f64>), InputError> {
    let mut reader = open(path)?;
    let h = headers(path, &mut reader)?;
    let t = h
        .iter()
        .position(|c| c == "true_theta" || c == "theta")
        .ok_or_else(|| err(path, Some(1), None, "no \"true_theta\" column"))?;
    let (mut ids, mut thetas) = (Vec::new(), Vec::new());
    for (n, record) in reader.records().enumerate() {
        let record = record.map_err(|e| csv_error(path, e))?;
        let row = row_number(&record, n as u64 + 2);
        let v: f64 = record[t].parse().map_err(|_| {
            err(
                path,
                Some(row),
                Some(&h[t]),
                format!("{:?} is not a number", &record[t]),
            )
        })?;
        if !v.is_finite() {
            return Err(err(
                path,
                Some(row),
                Some(&h[t]),
                "θ must be a finite number",
            ));
        }
        ids.push(record[0].to_string());
        thetas.push(v);
    }
    if ids.is_empty() {
        return Err(err(
            path,
            None,
            None,
            "no examinees: the file has a header but no rows",
        ));
    }
    Ok((ids, thetas))
}

/// Fuzzing by property tests (bounded, `PROPTEST_CASES`): every reader of the psychometrics
/// commands, fed arbitrary text and mutations of well-formed files, answers with the data or
/// an error naming the file, never a panic.
#[cfg(test)]
mod fuzz {
    use super::*;
    use proptest::prelude::*;

    fn write(text: &str) -> std::path::PathBuf {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let path = std::env::temp_dir().join(format!(
            "certamen-csv-fuzz-{}-{}.csv",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::write(&path, text).expect("write");
        path
    }

    fn every_reader(text: &str) {
        let path = write(text);
        let check =
            |e: InputError| assert!(e.to_string().contains(&*path.to_string_lossy()), "{e}");
        if let Err(e) = read_items(&path) {
            check(e);
        }
        for group in [None, Some("group")] {
            let opts = ResponseOptions {
                ignore: &[],
                group_column: group,
            };
            if let Err(e) = read_responses(&path, &opts) {
                check(e);
            }
        }
        if let Err(e) = read_blueprint(&path) {
            check(e);
        }
        if let Err(e) = read_thetas(&path) {
            check(e);
        }
        let _ = std::fs::remove_file(&path);
    }

    /// Cells that are almost numbers, or not at all.
    fn cell() -> impl Strategy<Value = String> {
        prop_oneof![
            "-?[0-9]{0,3}(\\.[0-9]{0,3})?",
            prop::sample::select(vec![
                "", "1", "0", "NaN", "inf", "-inf", "1e999", "2", "-1", " 1", "\"1\"", "1,0"
            ])
            .prop_map(str::to_string),
            ".{0,6}",
        ]
    }

    proptest! {
        #[test]
        fn arbitrary_text_is_read_or_refused_with_the_file_named(text in ".{0,300}") {
            every_reader(&text);
        }

        #[test]
        fn near_miss_tables_are_read_or_refused_with_the_file_named(
            header in prop::collection::vec(prop::sample::select(vec!["id", "a", "b", "c", "group", "competency", "min", "max", "theta", "I1", "I2", "I1", ""]), 1..6),
            rows in prop::collection::vec(prop::collection::vec(cell(), 0..7), 0..6),
        ) {
            let mut text = header.join(",");
            for row in rows {
                text.push('\n');
                text.push_str(&row.join(","));
            }
            every_reader(&text);
        }
    }
}
