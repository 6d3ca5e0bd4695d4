//! The exam vendor's workspace: the item bank as vendors browse it, and its coverage of the
//! blueprint. Only vendors and administrators may see it (checked here, on the server).

use sqlx::Row;

use certamen_item_bank::item::{Item, ItemStatus, ParamSource};

use super::bank;
use super::db::Db;
use super::error::AppError;
use super::users::User;
use crate::dto::{self, BankFilter, Role};

pub fn require_vendor(user: &User) -> Result<(), AppError> {
    match user.role {
        Role::Vendor | Role::Admin => Ok(()),
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
    let exam_id = bank::exam_ids(db)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| AppError::NotFound("no exam is loaded".into()))?;
    let (_, exam) = bank::latest_exam(db, &exam_id).await?;
    let items = bank::latest_items(db).await?;
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
    let rows = items
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
        })
        .collect();
    let coverage = exam
        .competencies()
        .map(|(_, c)| {
            let approved: Vec<&Item> = items
                .iter()
                .filter(|i| i.competency == c.id && i.status == ItemStatus::Approved)
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
    Ok(dto::BankView {
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
    let rows =
        sqlx::query("SELECT version, body, created_at FROM items WHERE id = $1 ORDER BY version")
            .bind(id)
            .fetch_all(&db.pool)
            .await?;
    if rows.is_empty() {
        return Err(AppError::NotFound(format!(
            "there is no item {id:?} in the bank"
        )));
    }
    let mut versions: Vec<(i64, i64, Item)> = Vec::with_capacity(rows.len());
    for r in &rows {
        versions.push((
            r.try_get("version")?,
            r.try_get("created_at")?,
            bank::parse_item(&r.try_get::<String, _>("body")?)?,
        ));
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
    Ok(dto::ItemDetail {
        stats,
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
    let attempts = n(sqlx::query("SELECT COUNT(*) AS n FROM attempts")
        .fetch_one(&db.pool)
        .await?)?;
    let rows = sqlx::query(
        "SELECT ai.choice, i.key_index, a.raw_correct, a.raw_total FROM attempt_items ai \
         JOIN items i ON i.id = ai.item_id AND i.version = ai.item_version \
         JOIN attempts a ON a.id = ai.attempt_id \
         WHERE ai.item_id = $1 AND a.status = 'submitted' AND a.item_pool IS NULL",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    let mut scored = Vec::with_capacity(rows.len());
    for r in &rows {
        let choice: Option<i64> = r.try_get("choice")?;
        let key: i64 = r.try_get("key_index")?;
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
