//! The exam vendor's workspace: the item bank as vendors browse it, and its coverage of the
//! blueprint. Only vendors and administrators may see it (checked here, on the server).

use sqlx::Row;

use certamen_item_bank::item::{Item, ItemStatus, ParamSource};

use super::bank;
use super::db::Db;
use super::error::AppError;
use super::users::User;
use crate::dto::{self, BankFilter, Role};

/// Vendors, and administrators signed in as the console requires (a passkey): an
/// administrator's password alone must not open what it would not open as staff.
pub fn require_vendor(user: &User) -> Result<(), AppError> {
    match user.role {
        Role::Vendor => Ok(()),
        Role::Admin => super::users::require_admin(user, "use the item bank"),
        _ => Err(AppError::Forbidden(
            "the item bank is open to exam vendors only".into(),
        )),
    }
}

fn status_name(s: ItemStatus) -> &'static str {
    match s {
        ItemStatus::Draft => "draft",
        ItemStatus::InReview => "in review",
        ItemStatus::Approved => "approved",
        ItemStatus::Retired => "retired",
    }
}

/// Whether every word of `q` appears (case-insensitively) somewhere in the item's text.
fn matches_text(item: &Item, q: &str) -> bool {
    let mut haystack = vec![item.id.clone(), item.en.stem.clone()];
    haystack.extend(item.en.options.iter().cloned());
    if let Some(es) = &item.es {
        haystack.push(es.stem.clone());
        haystack.extend(es.options.iter().cloned());
    }
    if let Some(s) = &item.scenario {
        haystack.push(s.en.clone());
        haystack.extend(s.es.clone());
    }
    let text = haystack.join("\n").to_lowercase();
    q.split_whitespace()
        .all(|word| text.contains(&word.to_lowercase()))
}

fn excerpt(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", text[..cut].trim_end()),
        None => text,
    }
}

pub async fn bank_view(
    db: &Db,
    user: &User,
    filter: BankFilter,
) -> Result<dto::BankView, AppError> {
    require_vendor(user)?;
    let exam = current_exam(db).await?;
    let items = bank::latest_items(db).await?;
    let practice = bank::practice_ids(db).await?;
    let versions: std::collections::HashMap<String, i64> =
        sqlx::query("SELECT id, MAX(version) AS version FROM items GROUP BY id")
            .fetch_all(&db.pool)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("version")?)))
            .collect::<Result<_, AppError>>()?;

    let known_status = ["", "draft", "in review", "approved", "retired"];
    if !known_status.contains(&filter.status.as_str()) {
        return Err(AppError::BadRequest(format!(
            "status {:?} is not one of draft, in review, approved, retired",
            filter.status
        )));
    }
    if !["", "es", "no-es"].contains(&filter.language.as_str()) {
        return Err(AppError::BadRequest(format!(
            "language {:?} is not a language filter (es or no-es)",
            filter.language
        )));
    }
    if !filter.competency.is_empty() && exam.competency(&filter.competency).is_none() {
        return Err(AppError::BadRequest(format!(
            "competency {:?} is not in the blueprint",
            filter.competency
        )));
    }
    let rows: Vec<dto::BankRow> = items
        .iter()
        .filter(|i| filter.competency.is_empty() || i.competency == filter.competency)
        .filter(|i| filter.status.is_empty() || status_name(i.status) == filter.status)
        .filter(|i| match filter.language.as_str() {
            "es" => i.es.is_some(),
            "no-es" => i.es.is_none(),
            _ => true,
        })
        .filter(|i| filter.q.trim().is_empty() || matches_text(i, &filter.q))
        .map(|i| dto::BankRow {
            id: i.id.clone(),
            competency: i.competency.clone(),
            status: status_name(i.status).to_string(),
            version: versions.get(&i.id).copied().unwrap_or(1),
            languages: if i.es.is_some() {
                "English, Spanish"
            } else {
                "English"
            }
            .to_string(),
            set: i.scenario.as_ref().map(|s| s.set.clone()),
            params: match i.irt.as_ref().map(|p| p.source) {
                Some(ParamSource::Provisional) => "provisional",
                Some(ParamSource::Calibrated) => "calibrated",
                None => "none",
            }
            .to_string(),
            stem: excerpt(&i.en.stem, 140),
            practice: practice.contains(&i.id),
        })
        .collect();
    let coverage = exam
        .competencies()
        .map(|(_, c)| {
            let approved: Vec<&Item> = items
                .iter()
                .filter(|i| {
                    i.competency == c.id
                        && i.status == ItemStatus::Approved
                        && !practice.contains(&i.id)
                })
                .collect();
            let count = |f: &dyn Fn(&&Item) -> bool| {
                u32::try_from(approved.iter().filter(|i| f(i)).count()).unwrap_or(u32::MAX)
            };
            dto::CoverageRow {
                id: c.id.clone(),
                name: c.name.clone(),
                needed: c.items,
                approved: count(&|_| true),
                approved_es: count(&|i| i.es.is_some()),
                with_params: count(&|i| i.irt.is_some()),
            }
        })
        .collect();
    let matching = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    let pages = matching.div_ceil(dto::BANK_PAGE_SIZE).max(1);
    let page = filter.page.max(1);
    if page > pages {
        return Err(AppError::NotFound(format!(
            "page {page} is past the last page of results ({pages})"
        )));
    }
    let rows = rows
        .into_iter()
        .skip(((page - 1) * dto::BANK_PAGE_SIZE) as usize)
        .take(dto::BANK_PAGE_SIZE as usize)
        .collect();
    Ok(dto::BankView {
        matching,
        page,
        pages,
        exam_title: exam.title.clone(),
        competencies: exam
            .competencies()
            .map(|(_, c)| (c.id.clone(), c.name.clone()))
            .collect(),
        total_items: u32::try_from(items.len()).unwrap_or(u32::MAX),
        filter,
        rows,
        coverage,
    })
}

/// Every leaf of a JSON value as (path, text): `en.options[2]`, `irt.b`, ...
fn leaves(prefix: &str, value: &serde_json::Value, out: &mut Vec<(String, String)>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                leaves(&path, v, out);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                leaves(&format!("{prefix}[{i}]"), v, out);
            }
        }
        serde_json::Value::String(s) => out.push((prefix.to_string(), s.clone())),
        serde_json::Value::Null => {}
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

/// The fields that differ between two stored versions of an item, in field order.
pub fn diff_items(a: &Item, b: &Item) -> Result<Vec<dto::FieldChange>, AppError> {
    let json = |i: &Item| serde_json::to_value(i).map_err(|e| AppError::Internal(e.to_string()));
    let (mut la, mut lb) = (Vec::new(), Vec::new());
    leaves("", &json(a)?, &mut la);
    leaves("", &json(b)?, &mut lb);
    let mut fields: Vec<&String> = la.iter().chain(&lb).map(|(k, _)| k).collect();
    fields.sort();
    fields.dedup();
    let find = |l: &[(String, String)], k: &str| {
        l.iter()
            .find(|(f, _)| f == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    Ok(fields
        .into_iter()
        .filter_map(|f| {
            let (from, to) = (find(&la, f), find(&lb, f));
            (from != to).then(|| dto::FieldChange {
                field: f.clone(),
                from,
                to,
            })
        })
        .collect())
}

/// One item with its versions, for the vendor; `compare` = (A, B) adds their differences.
pub async fn item_detail(
    db: &Db,
    user: &User,
    id: &str,
    compare: Option<(i64, i64)>,
) -> Result<dto::ItemDetail, AppError> {
    require_vendor(user)?;
    let rows = sqlx::query(
        "SELECT i.version, i.body, i.created_at, u.display_name FROM items i \
             LEFT JOIN users u ON u.id = i.author_id WHERE i.id = $1 ORDER BY i.version",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    if rows.is_empty() {
        return Err(AppError::NotFound(format!(
            "there is no item {id:?} in the bank"
        )));
    }
    let mut versions: Vec<(i64, i64, Item)> = Vec::with_capacity(rows.len());
    let mut authors: Vec<String> = Vec::with_capacity(rows.len());
    for r in &rows {
        versions.push((
            r.try_get("version")?,
            r.try_get("created_at")?,
            bank::parse_item(&r.try_get::<String, _>("body")?)?,
        ));
        authors.push(
            r.try_get::<Option<String>, _>("display_name")?
                .unwrap_or_else(|| "bank files".into()),
        );
    }
    let mut history = Vec::with_capacity(versions.len());
    for (k, (version, at, item)) in versions.iter().enumerate() {
        let changed = match k {
            0 => vec!["first version".to_string()],
            _ => diff_items(&versions[k - 1].2, item)?
                .into_iter()
                .map(|c| c.field)
                .collect(),
        };
        history.push(dto::ItemVersionRow {
            version: *version,
            created_at_ms: *at,
            by: authors[k].clone(),
            status: status_name(item.status).to_string(),
            changed,
        });
    }
    history.reverse();
    let compared = match compare {
        None => None,
        Some((a, b)) => {
            let get = |v: i64| {
                versions
                    .iter()
                    .find(|(n, _, _)| *n == v)
                    .map(|(_, _, i)| i)
                    .ok_or_else(|| {
                        AppError::BadRequest(format!(
                            "item {id} has versions 1 to {}; {v} is not one of them",
                            versions.len()
                        ))
                    })
            };
            Some((a, b, diff_items(get(a)?, get(b)?)?))
        }
    };
    let (version, _, item) = versions
        .last()
        .cloned()
        .ok_or_else(|| AppError::Internal("an item without versions".into()))?;
    let exam_id = bank::exam_ids(db).await?.into_iter().next();
    let competency_name = match exam_id {
        Some(e) => bank::latest_exam(db, &e)
            .await?
            .1
            .competency(&item.competency)
            .map(|c| c.name.clone())
            .unwrap_or_default(),
        None => String::new(),
    };
    let mut languages = vec![dto::ItemLanguage {
        language: "English".into(),
        scenario: item.scenario.as_ref().map(|s| s.en.clone()),
        stem: item.en.stem.clone(),
        options: item.en.options.clone(),
        rationale: item.en.rationale.clone(),
    }];
    if let Some(es) = &item.es {
        languages.push(dto::ItemLanguage {
            language: "Spanish".into(),
            scenario: item.scenario.as_ref().and_then(|s| s.es.clone()),
            stem: es.stem.clone(),
            options: es.options.clone(),
            rationale: es.rationale.clone(),
        });
    }
    let stats = live_stats(db, id).await?;
    let reviews = sqlx::query(
        "SELECT r.version, r.decision, r.comment, r.decided_at, u.display_name FROM item_reviews r \
         JOIN users u ON u.id = r.reviewer_id WHERE r.item_id = $1 ORDER BY r.version DESC",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        Ok(dto::ReviewDecision {
            version: r.try_get("version")?,
            reviewer: r.try_get("display_name")?,
            decision: r.try_get("decision")?,
            comment: r.try_get("comment")?,
            decided_at_ms: r.try_get("decided_at")?,
        })
    })
    .collect::<Result<Vec<_>, AppError>>()?;
    Ok(dto::ItemDetail {
        stats,
        reviews,
        id: item.id.clone(),
        version,
        competency: item.competency.clone(),
        competency_name,
        status: status_name(item.status).to_string(),
        key: item.key.clone(),
        params: match &item.irt {
            Some(p) => format!(
                "{} (a = {}, b = {}, c = {}){}",
                match p.source {
                    ParamSource::Provisional => "provisional",
                    ParamSource::Calibrated => "calibrated",
                },
                p.a,
                p.b,
                p.c,
                match (&p.calibrated_on, p.responses) {
                    (Some(d), Some(n)) => format!(", calibrated on {d} from {n} responses"),
                    _ => String::new(),
                }
            ),
            None => "none".into(),
        },
        references: item.references.clone(),
        enemies: item.enemies.clone(),
        set: item.scenario.as_ref().map(|s| s.set.clone()),
        languages,
        versions: history,
        compared,
    })
}

/// Exposure and classical statistics of item `id` from the attempts that delivered it.
async fn live_stats(db: &Db, id: &str) -> Result<dto::LiveItemStats, AppError> {
    let n = |row: sqlx::any::AnyRow| -> Result<u32, AppError> {
        Ok(u32::try_from(row.try_get::<i64, _>("n")?).unwrap_or(u32::MAX))
    };
    let delivered = n(sqlx::query(
        "SELECT COUNT(DISTINCT attempt_id) AS n FROM attempt_items WHERE item_id = $1",
    )
    .bind(id)
    .fetch_one(&db.pool)
    .await?)?;
    let attempts = n(
        sqlx::query("SELECT COUNT(*) AS n FROM attempts WHERE practice = 0")
            .fetch_one(&db.pool)
            .await?,
    )?;
    let rows = sqlx::query(
        "SELECT ai.choice_mask, i.key_mask, a.raw_correct, a.raw_total FROM attempt_items ai \
         JOIN items i ON i.id = ai.item_id AND i.version = ai.item_version \
         JOIN attempts a ON a.id = ai.attempt_id \
         WHERE ai.item_id = $1 AND a.status = 'submitted' AND a.item_pool IS NULL",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    let mut scored = Vec::with_capacity(rows.len());
    for r in &rows {
        let choice: Option<i64> = r.try_get("choice_mask")?;
        let key: i64 = r.try_get("key_mask")?;
        let correct: Option<i64> = r.try_get("raw_correct")?;
        let total: Option<i64> = r.try_get("raw_total")?;
        if let (Some(c), Some(t)) = (correct, total) {
            scored.push((
                choice == Some(key),
                u32::try_from(c).unwrap_or(0),
                u32::try_from(t).unwrap_or(0),
            ));
        }
    }
    let (p, r) = certamen_engine::classical::live_item_stats(&scored);
    Ok(dto::LiveItemStats {
        delivered,
        attempts,
        scored: u32::try_from(scored.len()).unwrap_or(u32::MAX),
        p_value: p.is_finite().then_some(p),
        r_rest: r.is_finite().then_some(r),
    })
}

/// A step in an item's review workflow, taken from the vendor's item page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewAction {
    /// draft → in review
    Submit,
    /// in review → approved (by someone other than its authors)
    Approve,
    /// in review → draft, with the reviewer's comments (by someone other than its authors)
    Return,
    /// approved → retired, with the reason; attempts that used it keep their version
    Retire,
}

impl ReviewAction {
    pub fn parse(s: &str) -> Result<Self, AppError> {
        match s {
            "submit" => Ok(Self::Submit),
            "approve" => Ok(Self::Approve),
            "return" => Ok(Self::Return),
            "retire" => Ok(Self::Retire),
            other => Err(AppError::BadRequest(format!(
                "{other:?} is not a review action (submit, approve, return or retire)"
            ))),
        }
    }
}

/// Moves item `id` one step through the workflow as a new version. `base_version` is the
/// version the person was looking at: if the item has changed since, nothing happens and they
/// are told (no silent overwrite). The two-person rule: nobody approves or returns a version
/// they submitted or authored since the item was last approved.
pub async fn change_status(
    db: &Db,
    now: i64,
    user: &User,
    id: &str,
    action: ReviewAction,
    base_version: i64,
    comment: &str,
) -> Result<i64, AppError> {
    require_vendor(user)?;
    let comment = comment.trim();
    if matches!(action, ReviewAction::Return | ReviewAction::Retire) && comment.is_empty() {
        return Err(AppError::BadRequest(match action {
            ReviewAction::Return => {
                "say what the author should change: returning needs a comment".into()
            }
            _ => "say why the item is retired: retiring needs a reason".into(),
        }));
    }
    if comment.chars().count() > 4000 {
        return Err(AppError::BadRequest(
            "the comment is longer than 4,000 characters".into(),
        ));
    }
    let mut tx = lock_item(db, id, base_version).await?;
    let rows = sqlx::query(
        "SELECT version, status, body, author_id FROM items WHERE id = $1 ORDER BY version DESC",
    )
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    let latest: i64 = rows[0].try_get("version")?;
    if latest != base_version {
        return Err(AppError::Conflict(format!(
            "item {id} changed while you were looking at version {base_version}: it is now at version {latest}, so nothing was done; look at the new version and try again"
        )));
    }
    let mut item = bank::parse_item(&rows[0].try_get::<String, _>("body")?)?;
    let (from, to) = match action {
        ReviewAction::Submit => (ItemStatus::Draft, ItemStatus::InReview),
        ReviewAction::Approve => (ItemStatus::InReview, ItemStatus::Approved),
        ReviewAction::Return => (ItemStatus::InReview, ItemStatus::Draft),
        ReviewAction::Retire => (ItemStatus::Approved, ItemStatus::Retired),
    };
    if item.status != from {
        return Err(AppError::Conflict(format!(
            "item {id} is {}; only an item that is {} can be {}",
            status_name(item.status),
            status_name(from),
            match action {
                ReviewAction::Submit => "submitted for review",
                ReviewAction::Approve => "approved",
                ReviewAction::Return => "returned",
                ReviewAction::Retire => "retired",
            }
        )));
    }
    if action == ReviewAction::Retire {
        super::blueprint_guard::check_retire(&mut tx, db, id).await?;
    }
    if matches!(action, ReviewAction::Approve | ReviewAction::Return) {
        // Authors since the last approved version (submitters included); a reviewer's own
        // return makes a version too, but reviewing is not authoring.
        let returned: Vec<i64> = sqlx::query(
            "SELECT version FROM item_reviews WHERE item_id = $1 AND decision = 'returned'",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| r.try_get("version"))
        .collect::<Result<_, _>>()?;
        let mut authors = Vec::new();
        for row in &rows {
            if row.try_get::<String, _>("status")? == "approved" {
                break;
            }
            if !returned.contains(&row.try_get::<i64, _>("version")?) {
                authors.extend(row.try_get::<Option<i64>, _>("author_id")?);
            }
        }
        if authors.contains(&user.id) {
            return Err(AppError::Forbidden(
                "two-person rule: you submitted or wrote this version, so another vendor must review it".into(),
            ));
        }
    }
    item.status = to;
    let next = latest + 1;
    insert_version(&mut tx, &item, next, now, user.id).await?;
    let decision = match action {
        ReviewAction::Approve => Some("approved"),
        ReviewAction::Return => Some("returned"),
        ReviewAction::Retire => Some("retired"),
        ReviewAction::Submit => None,
    };
    if let Some(decision) = decision {
        sqlx::query(
            "INSERT INTO item_reviews (item_id, version, reviewer_id, decision, comment, decided_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(next)
        .bind(user.id)
        .bind(decision)
        .bind(comment)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    super::audit::append(
        &mut tx,
        db.kind,
        now,
        user,
        match action {
            ReviewAction::Submit => "item.submit",
            ReviewAction::Approve => "item.approve",
            ReviewAction::Return => "item.return",
            ReviewAction::Retire => "item.retire",
        },
        &format!("item:{id}"),
        serde_json::json!({ "version": next, "comment": comment }),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(
        item = id,
        version = next,
        user_id = user.id,
        ?action,
        "item status changed"
    );
    Ok(next)
}

/// Saves a vendor's edit of item `id` as a new draft version. `fields` is the edit form:
/// `base_version`, `key`, `en_stem`, `en_option_0`.., `en_rationale`, the same with `es_`
/// (all empty: no Spanish variant) and `references` (one per line). The edit must be based on
/// the newest version (else nothing is saved and the vendor is told), and must pass every
/// check a bank file passes.
pub async fn save_edit(
    db: &Db,
    now: i64,
    user: &User,
    id: &str,
    fields: &[(String, String)],
) -> Result<i64, AppError> {
    require_vendor(user)?;
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.replace("\r\n", "\n").trim().to_string())
    };
    let base: i64 = field("base_version")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| AppError::BadRequest("the form has no valid base_version".into()))?;
    let options = |lang: &str| -> Vec<String> {
        (0..8)
            .map_while(|i| field(&format!("{lang}_option_{i}")))
            .collect()
    };
    let text = |lang: &str| certamen_item_bank::item::ItemText {
        stem: field(&format!("{lang}_stem")).unwrap_or_default(),
        options: options(lang),
        rationale: field(&format!("{lang}_rationale")).unwrap_or_default(),
    };
    let exam = current_exam(db).await?;

    let mut tx = lock_item(db, id, base).await?;
    let row =
        sqlx::query("SELECT version, body FROM items WHERE id = $1 ORDER BY version DESC LIMIT 1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
    let latest: i64 = row.try_get("version")?;
    if latest != base {
        return Err(AppError::Conflict(format!(
            "item {id} was changed by someone else while you were editing version {base} (it is now at version {latest}); your changes were not saved. Open the item again to see the new version"
        )));
    }
    let current = bank::parse_item(&row.try_get::<String, _>("body")?)?;
    let es = text("es");
    let mut edited = current.clone();
    edited.status = ItemStatus::Draft;
    // One ticked box per correct option: one letter, or several for a multiple-answer item.
    edited.key = fields
        .iter()
        .filter(|(k, _)| k == "key")
        .map(|(_, v)| v.trim())
        .collect::<Vec<_>>()
        .join(", ");
    edited.en = text("en");
    edited.es = (!(es.stem.is_empty()
        && es.rationale.is_empty()
        && es.options.iter().all(String::is_empty)))
    .then_some(es);
    // The shared scenario, when the form carries it (items of a scenario set only).
    if let (Some(scenario), Some(en)) = (edited.scenario.as_mut(), field("scenario_en")) {
        scenario.en = en;
        scenario.es = field("scenario_es").filter(|s| !s.is_empty());
    }
    edited.references = field("references")
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    let problems = certamen_item_bank::load::item_problems(&edited, &exam);
    if !problems.is_empty() {
        let list: Vec<String> = problems
            .iter()
            .map(|p| match &p.field {
                Some(f) => format!("{f}: {}", p.message),
                None => p.message.clone(),
            })
            .collect();
        return Err(AppError::BadRequest(format!(
            "nothing was saved; fix these and save again: {}",
            list.join("; ")
        )));
    }
    let mut unchanged = current.clone();
    unchanged.status = ItemStatus::Draft;
    if unchanged == edited {
        return Err(AppError::BadRequest(
            "nothing was saved: the edit changes nothing".into(),
        ));
    }
    let next = latest + 1;
    insert_version(&mut tx, &edited, next, now, user.id).await?;
    if edited.scenario != current.scenario {
        if let Some(scenario) = &edited.scenario {
            redraft_set(&mut tx, id, scenario, now, user.id).await?;
        }
    }
    super::audit::append(
        &mut tx,
        db.kind,
        now,
        user,
        "item.edit",
        &format!("item:{id}"),
        serde_json::json!({ "version": next, "scenario_changed": edited.scenario != current.scenario }),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(item = id, version = next, user_id = user.id, "item edited");
    Ok(next)
}

/// A changed scenario changes every question of its set: each other item of the set gets a
/// new draft version carrying the new scenario (in the same transaction as the edit), so the
/// set stays one text and each of its items is reviewed again before candidates see it.
async fn redraft_set(
    tx: &mut sqlx::AnyConnection,
    edited_id: &str,
    scenario: &certamen_item_bank::item::Scenario,
    now: i64,
    author: i64,
) -> Result<(), AppError> {
    let rows = sqlx::query(
        "SELECT i.id, i.version, i.body FROM items i \
         WHERE i.id <> $1 AND i.version = (SELECT MAX(j.version) FROM items j WHERE j.id = i.id) \
         ORDER BY i.id",
    )
    .bind(edited_id)
    .fetch_all(&mut *tx)
    .await?;
    for row in rows {
        let mut member = bank::parse_item(&row.try_get::<String, _>("body")?)?;
        let Some(old) = member.scenario.as_mut() else {
            continue;
        };
        if old.set != scenario.set {
            continue;
        }
        *old = scenario.clone();
        member.status = ItemStatus::Draft;
        // Taking the member's write lock first serialises this with anyone acting on it.
        let version: i64 = row.try_get("version")?;
        take_lock(tx, &member.id, version).await?;
        let newest: i64 = sqlx::query("SELECT MAX(version) AS v FROM items WHERE id = $1")
            .bind(&member.id)
            .fetch_one(&mut *tx)
            .await?
            .try_get("v")?;
        if newest != version {
            return Err(AppError::Conflict(format!(
                "item {} of set {} was changed by someone else just now; nothing was saved. Open the item again and repeat the edit",
                member.id, scenario.set
            )));
        }
        insert_version(tx, &member, version + 1, now, author).await?;
    }
    Ok(())
}

/// The exam whose blueprint the workspace shows (the first loaded).
async fn current_exam(db: &Db) -> Result<certamen_item_bank::exam::ExamDefinition, AppError> {
    let exam_id = bank::exam_ids(db)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| AppError::NotFound("no exam is loaded".into()))?;
    Ok(bank::latest_exam(db, &exam_id).await?.1)
}

/// A transaction holding item `id`'s write lock, if `base` is one of its versions. The write
/// comes first (SQLite: the database lock; PostgreSQL: the row), so two people acting on the
/// same item at once are serialised and the second sees the first's version.
async fn lock_item(db: &Db, id: &str, base: i64) -> Result<crate::server::db::WriteTx, AppError> {
    let mut tx = db.begin().await?;
    if !take_lock(&mut tx, id, base).await? {
        return Err(AppError::NotFound(format!(
            "item {id} has no version {base}"
        )));
    }
    Ok(tx)
}

/// Takes item `id`'s write lock inside `tx` through its version `version`; false if there is
/// no such version.
pub(crate) async fn take_lock(
    tx: &mut sqlx::AnyConnection,
    id: &str,
    version: i64,
) -> Result<bool, AppError> {
    let touched = sqlx::query("UPDATE items SET status = status WHERE id = $1 AND version = $2")
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    Ok(touched > 0)
}

/// Stores `item` as version `version` of itself, made by `author` in the workspace.
pub(crate) async fn insert_version(
    tx: &mut sqlx::AnyConnection,
    item: &Item,
    version: i64,
    now: i64,
    author: i64,
) -> Result<(), AppError> {
    let body = serde_json::to_string(item).map_err(|e| AppError::Internal(e.to_string()))?;
    let key_mask = item
        .key_mask()
        .ok_or_else(|| AppError::Internal(format!("item {} has no valid key", item.id)))?;
    sqlx::query(
        "INSERT INTO items (id, version, competency, status, body, key_mask, option_count, created_at, author_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&item.id)
    .bind(version)
    .bind(&item.competency)
    .bind(bank::status_name(item.status))
    .bind(&body)
    .bind(key_mask)
    .bind(i64::try_from(item.en.options.len()).unwrap_or(i64::MAX))
    .bind(now)
    .bind(author)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
