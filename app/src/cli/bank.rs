//! `certamen bank import|export`: move a bank between its folder of files and the database.
//!
//! Import validates the whole folder first and loads it in one transaction, so a bank with any
//! problem imports nothing. Export writes the newest version of the exam definition and of
//! every item (whatever its status) into a new folder, built beside the target and renamed into
//! place at the end, so a failed export never leaves half a bank behind.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

use certamen_item_bank::item::{Item, SetFile};
use certamen_item_bank::load::{load_bank, Bank};
use certamen_item_bank::write;

use crate::server::bank::{self, SyncReport};
use crate::server::db::Db;

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Validates the bank folder and loads it: new item versions for every changed item.
pub async fn import(dir: &Path, database_url: &str) -> anyhow::Result<SyncReport> {
    let bank = load_bank(dir)?;
    let db = Db::connect(database_url, 2).await?;
    import_audited(db, &bank, "bank import", dir).await
}

/// Loads `bank` as the command `certamen <command> <dir>` did, recorded in the audit log.
async fn import_audited(
    db: Db,
    bank: &Bank,
    command: &str,
    dir: &Path,
) -> anyhow::Result<SyncReport> {
    let source = format!("certamen {command} {}", dir.display());
    let report =
        bank::sync_bank_audited(&db, bank, now_ms(), bank::WorkspaceChanges::Refuse, &source)
            .await
            .with_context(|| format!("nothing was imported from {}", dir.display()))?;
    db.pool.close().await;
    Ok(report)
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportReport {
    pub exam_id: String,
    pub exam_version: i64,
    /// The exam's own items (practice items are counted apart).
    pub items: usize,
    pub practice_items: usize,
}

/// Writes exam `exam_id` (the only exam if `None`) and every item into the new folder `out`.
pub async fn export(
    database_url: &str,
    exam_id: Option<&str>,
    out: &Path,
) -> anyhow::Result<ExportReport> {
    let (exam_id, exam_version, exam, items, practice) =
        newest_bank(database_url, exam_id, out).await?;
    // Every id becomes a file name: refuse the export before writing anything.
    for item in &items {
        let name = item.scenario.as_ref().map_or(&item.id, |s| &s.set);
        certamen_item_bank::check_file_name(name)
            .map_err(|e| anyhow::anyhow!("item {}: {e}; nothing was written", item.id))?;
    }
    let staging = staging_dir(out)?;
    let written = (|| -> anyhow::Result<()> {
        std::fs::create_dir_all(staging.join("items"))?;
        let exam_text = write::exam_file(
            &exam,
            &format!("Exported by certamen bank export: exam {exam_id} version {exam_version}."),
        )
        .context("the exam definition")?;
        std::fs::write(staging.join("exam.toml"), exam_text)?;
        // Scenario sets go back into one file each, their items in id (delivery) order.
        let mut sets: std::collections::BTreeMap<&str, Vec<&Item>> = Default::default();
        if !practice.is_empty() {
            std::fs::create_dir_all(staging.join("practice"))?;
        }
        for item in &items {
            match &item.scenario {
                Some(s) => sets.entry(s.set.as_str()).or_default().push(item),
                None if practice.contains(&item.id) => {
                    let text =
                        write::item_file(item).with_context(|| format!("item {}", item.id))?;
                    std::fs::write(
                        staging.join("practice").join(format!("{}.toml", item.id)),
                        text,
                    )?;
                }
                None => {
                    let text =
                        write::item_file(item).with_context(|| format!("item {}", item.id))?;
                    std::fs::write(
                        staging.join("items").join(format!("{}.toml", item.id)),
                        text,
                    )?;
                }
            }
        }
        if !sets.is_empty() {
            std::fs::create_dir_all(staging.join("sets"))?;
        }
        for (id, members) in &sets {
            let set = SetFile::from_items(members)
                .with_context(|| format!("scenario set {id} has no items"))?;
            let text = write::set_file(&set).with_context(|| format!("scenario set {id}"))?;
            std::fs::write(staging.join("sets").join(format!("{id}.toml")), text)?;
        }
        Ok(())
    })();
    publish(&staging, out, written)?;
    let practice_items = items.iter().filter(|i| practice.contains(&i.id)).count();
    Ok(ExportReport {
        exam_id,
        exam_version,
        items: items.len() - practice_items,
        practice_items,
    })
}

/// The newest definition of the exam (the only one if not named) and every item's newest
/// version, for an export into `out`, which must not exist yet.
async fn newest_bank(
    database_url: &str,
    exam_id: Option<&str>,
    out: &Path,
) -> anyhow::Result<(
    String,
    i64,
    certamen_item_bank::exam::ExamDefinition,
    Vec<Item>,
    std::collections::HashSet<String>,
)> {
    if out.exists() {
        bail!(
            "{} already exists: export writes a new folder and never overwrites one",
            out.display()
        );
    }
    let db = Db::connect(database_url, 2).await?;
    let exam_id = pick_exam(&db, exam_id).await?;
    let (exam_version, exam) = bank::latest_exam(&db, &exam_id).await?;
    let items = bank::latest_items(&db).await?;
    let practice = bank::practice_ids(&db).await?;
    db.pool.close().await;
    Ok((exam_id, exam_version, exam, items, practice))
}

/// Moves what was written into `staging` to `out`, or removes it if writing failed: an export
/// is all there or not there at all.
fn publish(staging: &Path, out: &Path, written: anyhow::Result<()>) -> anyhow::Result<()> {
    let discard = || {
        let _ = std::fs::remove_dir_all(staging);
        let _ = std::fs::remove_file(staging);
    };
    if let Err(e) = written {
        discard();
        return Err(e.context(format!("nothing was written to {}", out.display())));
    }
    std::fs::rename(staging, out).map_err(|e| {
        discard();
        anyhow::anyhow!("cannot move the export into {}: {e}", out.display())
    })
}

/// A fresh folder beside `out` (same file system, so the final rename is atomic).
fn staging_dir(out: &Path) -> anyhow::Result<PathBuf> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !parent.is_dir() {
        bail!("{} is not a folder to export into", parent.display());
    }
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "bank".into());
    Ok(parent.join(format!(".{name}.export-{}", std::process::id())))
}

/// The single exam in the database, or the one named.
async fn pick_exam(db: &Db, exam_id: Option<&str>) -> anyhow::Result<String> {
    if let Some(id) = exam_id {
        return Ok(id.to_string());
    }
    let ids = bank::exam_ids(db).await?;
    match ids.as_slice() {
        [one] => Ok(one.clone()),
        [] => bail!("the database has no exam"),
        many => bail!(
            "the database has {} exams ({}): name one with --exam",
            many.len(),
            many.join(", ")
        ),
    }
}

/// Writes the exam's items as a QTI 3.0 package into the new folder `out`, or into the new
/// zip file `out` when it ends in `.zip`.
pub async fn qti_export(
    database_url: &str,
    exam_id: Option<&str>,
    out: &Path,
) -> anyhow::Result<ExportReport> {
    let (exam_id, exam_version, exam, mut items, practice) =
        newest_bank(database_url, exam_id, out).await?;
    // The practice exam is ours alone: a QTI package holds the exam's real items.
    items.retain(|i| !practice.contains(&i.id));
    let files = certamen_item_bank::qti::export(&exam, &items);
    let staging = staging_dir(out)?;
    let zipped = out
        .extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("zip"));
    let written = if zipped {
        certamen_item_bank::qti::write_zip(&staging, &files).map_err(|e| e.to_string())
    } else {
        certamen_item_bank::qti::write_package(&staging, &files).map_err(|e| e.to_string())
    };
    publish(&staging, out, written.map_err(anyhow::Error::msg))?;
    Ok(ExportReport {
        exam_id,
        exam_version,
        items: items.len(),
        practice_items: 0,
    })
}

/// Reads a QTI 3.0 package (a folder or a zip file) and loads its items into the exam's bank: every item is
/// checked as a bank file would be, and any problem imports nothing.
pub async fn qti_import(
    dir: &Path,
    database_url: &str,
    exam_id: Option<&str>,
) -> anyhow::Result<SyncReport> {
    let items = if dir.is_file() {
        certamen_item_bank::qti::import_zip(dir)?
    } else {
        certamen_item_bank::qti::import(dir)?
    };
    let db = Db::connect(database_url, 2).await?;
    let exam_id = pick_exam(&db, exam_id).await?;
    let (_, exam) = bank::latest_exam(&db, &exam_id).await?;
    let known: std::collections::HashSet<String> = bank::latest_items(&db)
        .await?
        .into_iter()
        .map(|i| i.id)
        .chain(items.iter().map(|i| i.id.clone()))
        .collect();
    let mut problems: Vec<String> = Vec::new();
    for item in &items {
        for p in certamen_item_bank::load::item_problems(item, &exam) {
            problems.push(match &p.field {
                Some(f) => format!("item {}: field `{f}`: {}", item.id, p.message),
                None => format!("item {}: {}", item.id, p.message),
            });
        }
        for enemy in item.enemies.iter().filter(|e| !known.contains(*e)) {
            problems.push(format!(
                "item {}: enemy {enemy:?} is neither in the package nor in the bank",
                item.id
            ));
        }
    }
    if !problems.is_empty() {
        bail!(
            "{}: {} problem(s), nothing was imported:\n  {}",
            dir.display(),
            problems.len(),
            problems.join("\n  ")
        );
    }
    let package = certamen_item_bank::load::Bank {
        exam,
        items,
        practice: Vec::new(),
    };
    import_audited(db, &package, "bank qti-import", dir).await
}
