//! The item bank and exam definitions in the database.
//!
//! Loading a bank from its folder adds a new version of every item whose content changed and
//! leaves the rest alone, so attempts keep pointing at the exact versions they delivered
//! (invariant 4). The whole load is one transaction: a bank loads entirely or not at all.

use sqlx::Row;

use certamen_item_bank::exam::ExamDefinition;
use certamen_item_bank::item::{Item, ItemStatus};
use certamen_item_bank::load::Bank;

use super::db::Db;
use super::error::AppError;

/// What a bank load changed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SyncReport {
    pub exam_loaded: bool,
    pub new_item_versions: u32,
    pub unchanged_items: u32,
    /// Items whose newest version was made in the workspace and differs from the file: left
    /// as the workspace has them (server start only).
    pub kept_from_workspace: u32,
}

/// What a bank load does with an item changed in the workspace since the files were written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkspaceChanges {
    /// `certamen bank import`: refuse the whole import and say which items.
    Refuse,
    /// The demo's load at every server start: keep the workspace's version.
    Keep,
}

pub fn status_name(s: ItemStatus) -> &'static str {
    match s {
        ItemStatus::Draft => "draft",
        ItemStatus::InReview => "in_review",
        ItemStatus::Approved => "approved",
        ItemStatus::Retired => "retired",
    }
}

fn json<T: serde::Serialize>(v: &T) -> Result<String, AppError> {
    serde_json::to_string(v).map_err(|e| AppError::Internal(e.to_string()))
}

pub async fn sync_bank(
    db: &Db,
    bank: &Bank,
    now: i64,
    workspace: WorkspaceChanges,
) -> Result<SyncReport, AppError> {
    sync(db, bank, now, workspace, None).await
}

/// [`sync_bank`] from the operator's command line (`source` names the command): whatever it
/// changed (the exam definition, new item versions, whose keys may differ) is in the audit
/// log, in the same transaction; an import that changed nothing records nothing.
pub async fn sync_bank_audited(
    db: &Db,
    bank: &Bank,
    now: i64,
    workspace: WorkspaceChanges,
    source: &str,
) -> Result<SyncReport, AppError> {
    sync(db, bank, now, workspace, Some(source)).await
}

async fn sync(
    db: &Db,
    bank: &Bank,
    now: i64,
    workspace: WorkspaceChanges,
    audit_source: Option<&str>,
) -> Result<SyncReport, AppError> {
    let mut report = SyncReport::default();
    let mut changed: Vec<&str> = Vec::new();
    let mut tx = db.begin().await?;

    let definition = json(&bank.exam)?;
    let existing: Option<String> =
        sqlx::query("SELECT definition FROM exams WHERE id = $1 AND version = $2")
            .bind(&bank.exam.id)
            .bind(i64::from(bank.exam.version))
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get("definition"))
            .transpose()?;
    match existing {
        Some(stored) if stored != definition => {
            return Err(AppError::Conflict(format!(
                "exam {} version {} is already loaded with a different definition: bump `version` in exam.toml",
                bank.exam.id, bank.exam.version
            )));
        }
        Some(_) => {}
        None => {
            sqlx::query(
                "INSERT INTO exams (id, version, definition, loaded_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(&bank.exam.id)
            .bind(i64::from(bank.exam.version))
            .bind(&definition)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            report.exam_loaded = true;
        }
    }

    for item in &bank.practice {
        sqlx::query(
            "INSERT INTO practice_items (item_id) VALUES ($1) ON CONFLICT (item_id) DO NOTHING",
        )
        .bind(&item.id)
        .execute(&mut *tx)
        .await?;
    }
    for item in bank.items.iter().chain(&bank.practice) {
        let body = json(item)?;
        let latest = sqlx::query(
            "SELECT version, body, author_id FROM items WHERE id = $1 ORDER BY version DESC LIMIT 1",
        )
        .bind(&item.id)
        .fetch_optional(&mut *tx)
        .await?;
        let next_version = match latest {
            Some(row) if row.try_get::<String, _>("body")? == body => {
                report.unchanged_items += 1;
                continue;
            }
            Some(row) if row.try_get::<Option<i64>, _>("author_id")?.is_some() => {
                // The workspace changed this item after the files were written: never undo
                // a review decision silently.
                let version: i64 = row.try_get("version")?;
                match workspace {
                    WorkspaceChanges::Keep => {
                        report.kept_from_workspace += 1;
                        continue;
                    }
                    WorkspaceChanges::Refuse => {
                        return Err(AppError::Conflict(format!(
                            "item {} was changed in the workspace (its version {version}) and differs from the file; export the bank to pick up the workspace's changes, then import again",
                            item.id
                        )));
                    }
                }
            }
            Some(row) => row.try_get::<i64, _>("version")? + 1,
            None => 1,
        };
        let key_mask = item.key_mask().ok_or_else(|| {
            AppError::Internal(format!(
                "item {} passed validation without a valid key",
                item.id
            ))
        })?;
        sqlx::query(
            "INSERT INTO items (id, version, competency, status, body, key_mask, option_count, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&item.id)
        .bind(next_version)
        .bind(&item.competency)
        .bind(status_name(item.status))
        .bind(&body)
        .bind(key_mask)
        .bind(i64::try_from(item.en.options.len()).unwrap_or(i64::MAX))
        .bind(now)
        .execute(&mut *tx)
        .await?;
        report.new_item_versions += 1;
        changed.push(&item.id);
    }
    if let Some(source) = audit_source {
        if report.exam_loaded || !changed.is_empty() {
            super::audit::append_as(
                &mut tx,
                db.kind,
                now,
                super::audit::Actor::OPERATOR,
                "bank.import",
                &format!("exam:{}", bank.exam.id),
                serde_json::json!({
                    "source": source,
                    "exam_version": bank.exam.version,
                    "exam_loaded": report.exam_loaded,
                    "new_item_versions": changed,
                }),
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(report)
}

/// The newest version of an exam definition.
pub async fn latest_exam(db: &Db, exam_id: &str) -> Result<(i64, ExamDefinition), AppError> {
    let row = sqlx::query(
        "SELECT version, definition FROM exams WHERE id = $1 ORDER BY version DESC LIMIT 1",
    )
    .bind(exam_id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or_else(|| AppError::NotFound(format!("there is no exam called {exam_id:?}")))?;
    Ok((
        row.try_get("version")?,
        parse_exam(&row.try_get::<String, _>("definition")?)?,
    ))
}

pub async fn exam_version(
    db: &Db,
    exam_id: &str,
    version: i64,
) -> Result<ExamDefinition, AppError> {
    let row = sqlx::query("SELECT definition FROM exams WHERE id = $1 AND version = $2")
        .bind(exam_id)
        .bind(version)
        .fetch_one(&db.pool)
        .await?;
    parse_exam(&row.try_get::<String, _>("definition")?)
}

/// The ids of every exam, newest definition each.
pub async fn exam_ids(db: &Db) -> Result<Vec<String>, AppError> {
    let rows = sqlx::query("SELECT DISTINCT id FROM exams ORDER BY id")
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|r| r.try_get("id").map_err(AppError::from))
        .collect()
}

pub fn parse_exam(text: &str) -> Result<ExamDefinition, AppError> {
    serde_json::from_str(text)
        .map_err(|e| AppError::Internal(format!("stored exam definition unreadable: {e}")))
}

/// Item versions as read from the database. A version's text never changes once stored (a
/// changed item is stored as a new version), so it may be kept: an item page then reads the
/// attempt's row and not the item's text, which is most of what it would read.
#[derive(Debug, Default)]
pub struct ItemCache {
    items: std::sync::Mutex<std::collections::HashMap<(String, i64), std::sync::Arc<Item>>>,
}

/// How many item versions the cache keeps before it starts over (a bank holds hundreds; this
/// only bounds a server that reads a great many versions over months).
const ITEM_CACHE_LIMIT: usize = 20_000;

impl ItemCache {
    fn get(&self, id: &str, version: i64) -> Option<std::sync::Arc<Item>> {
        let items = self.items.lock().unwrap_or_else(|p| p.into_inner());
        items.get(&(id.to_string(), version)).cloned()
    }

    fn put(&self, id: &str, version: i64, item: std::sync::Arc<Item>) {
        let mut items = self.items.lock().unwrap_or_else(|p| p.into_inner());
        if items.len() >= ITEM_CACHE_LIMIT {
            items.clear();
        }
        items.insert((id.to_string(), version), item);
    }
}

/// One version of an item, from the cache or the database.
pub async fn item_version(
    db: &Db,
    id: &str,
    version: i64,
) -> Result<std::sync::Arc<Item>, AppError> {
    if let Some(item) = db.items.get(id, version) {
        return Ok(item);
    }
    let row = sqlx::query("SELECT body FROM items WHERE id = $1 AND version = $2")
        .bind(id)
        .bind(version)
        .fetch_optional(&db.pool)
        .await?
        .ok_or_else(|| AppError::Internal(format!("item {id} version {version} is not stored")))?;
    let item = std::sync::Arc::new(parse_item(&row.try_get::<String, _>("body")?)?);
    db.items.put(id, version, item.clone());
    Ok(item)
}

pub fn parse_item(text: &str) -> Result<Item, AppError> {
    serde_json::from_str(text)
        .map_err(|e| AppError::Internal(format!("stored item unreadable: {e}")))
}

/// One deliverable item version as assembly and adaptive selection see it: never its text,
/// key or rationale.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PoolEntry {
    pub id: String,
    pub version: i64,
    pub competency: String,
    pub options: u8,
    /// The item version's IRT parameters, if it has any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub irt: Option<PoolParams>,
    /// Items that must not share a form with this one (either side may list the other).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enemies: Vec<String>,
    /// Adaptive pools with exposure control: the item's Sympson–Hetter parameter, tuned for
    /// this pool and stored with it so a replay uses exactly the same value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exposure_k: Option<f64>,
    /// The scenario set the item belongs to (delivered whole and in id order).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PoolParams {
    pub a: f64,
    pub b: f64,
    pub c: f64,
    pub provisional: bool,
}

impl PoolParams {
    pub fn source(&self) -> &'static str {
        if self.provisional {
            "provisional"
        } else {
            "calibrated"
        }
    }
}

/// Every deliverable item, in id order: an item is delivered in its newest *decided*
/// version (approved or retired) when that is approved. Drafts and versions in review on top
/// of it are pending revisions and change nothing for candidates until approved.
/// Practice items are never in it (see `practice_pool`).
pub async fn approved_pool(db: &Db) -> Result<Vec<PoolEntry>, AppError> {
    deliverable(db, false).await
}

/// The practice exam's items: deliverable as `approved_pool` says, from `practice_items` only.
pub async fn practice_pool(db: &Db) -> Result<Vec<PoolEntry>, AppError> {
    deliverable(db, true).await
}

async fn deliverable(db: &Db, practice: bool) -> Result<Vec<PoolEntry>, AppError> {
    let membership = if practice { "IN" } else { "NOT IN" };
    let rows = sqlx::query(&format!(
        "SELECT i.id, i.version, i.competency, i.option_count, i.body FROM items i \
         WHERE i.status = 'approved' AND i.version = (SELECT MAX(v.version) FROM items v \
         WHERE v.id = i.id AND v.status IN ('approved', 'retired')) \
         AND i.id {membership} (SELECT item_id FROM practice_items) \
         ORDER BY i.id"
    ))
    .fetch_all(&db.pool)
    .await?;
    let mut pool = rows
        .iter()
        .map(|r| {
            let count: i64 = r.try_get("option_count")?;
            let item = parse_item(&r.try_get::<String, _>("body")?)?;
            Ok(PoolEntry {
                id: r.try_get("id")?,
                version: r.try_get("version")?,
                competency: r.try_get("competency")?,
                options: u8::try_from(count)
                    .map_err(|_| AppError::Internal("option count out of range".into()))?,
                irt: item.irt.map(|p| PoolParams {
                    a: p.a,
                    b: p.b,
                    c: p.c,
                    provisional: p.source == certamen_item_bank::item::ParamSource::Provisional,
                }),
                enemies: item.enemies,
                exposure_k: None,
                set: item.scenario.map(|s| s.set),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    // Byte order, whatever the database's collation: assembly depends on the order.
    pool.sort_by(|x, y| x.id.cmp(&y.id));
    Ok(pool)
}

/// The ids of the practice exam's items.
pub async fn practice_ids(db: &Db) -> Result<std::collections::HashSet<String>, AppError> {
    sqlx::query("SELECT item_id FROM practice_items")
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| r.try_get::<String, _>("item_id").map_err(AppError::from))
        .collect()
}

/// The newest version of every item, whatever its status, in id order.
pub async fn latest_items(db: &Db) -> Result<Vec<Item>, AppError> {
    let rows = sqlx::query(
        "SELECT i.body FROM items i \
         WHERE i.version = (SELECT MAX(v.version) FROM items v WHERE v.id = i.id)",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut items = rows
        .iter()
        .map(|r| parse_item(&r.try_get::<String, _>("body")?))
        .collect::<Result<Vec<_>, AppError>>()?;
    items.sort_by(|x, y| x.id.cmp(&y.id));
    Ok(items)
}
