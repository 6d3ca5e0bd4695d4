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
