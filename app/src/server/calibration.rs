//! Recalibration of provisional item parameters from live responses (the engine's MML-EM
//! calibration), applied only when staff accept it.
//!
//! A proposal calibrates every item version with at least `item_health::MIN_RESPONSES`
//! responses together (so they share one θ scale, N(0, 1) on the candidates who took them) and
//! proposes new parameters for those whose parameters are provisional and whose newest
//! version is still the one calibrated. Accepting gives each such item a new version, the
//! same item with `[irt] source = "calibrated"`, the day and the number of responses; later
//! attempts get it, earlier ones keep the parameters they were scored with (invariant 4).
//! Proposing, accepting and rejecting are each audited.
//!
//! Known limit: the new scale is the calibration sample's, not linked to the provisional
//! one; on an adaptive exam the cut on θ should be reviewed after a recalibration.

use sqlx::Row;

use certamen_engine::irt::{calibrate, CalibrationSettings, ItemModel, Response, ResponseMatrix};
use certamen_item_bank::item::{IrtParams, ParamSource};

use super::audit;
use super::db::{flag, Db};
use super::error::AppError;
use super::item_health::{self, MIN_RESPONSES};
use super::users::User;
use crate::dto::{CalibrationProposal, ProposedParams};

fn model_of(text: &str) -> Result<ItemModel, AppError> {
    match text {
        "3pl" => Ok(ItemModel::ThreePl),
        "2pl" => Ok(ItemModel::TwoPl),
        other => Err(AppError::BadRequest(format!(
            "model: {other:?} is not 3pl or 2pl"
        ))),
    }
}

/// Calibrates from the exam's live responses and stores the proposal; returns its id.
pub async fn propose(
    db: &Db,
    staff: &User,
    exam_id: &str,
    model: &str,
    now: i64,
) -> Result<i64, AppError> {
    let item_model = model_of(model)?;
    let data = item_health::load(db, exam_id).await?;
    // The item versions with enough responses, in a fixed order (the matrix's columns).
    let mut counts: std::collections::BTreeMap<(String, i64), u32> = Default::default();
    for r in &data.responses {
        if data.rules.get(&r.item) != Some(&super::attempts::scoring::ScoringRule::Dropped) {
            *counts.entry(r.item.clone()).or_default() += 1;
        }
    }
    let columns: Vec<(String, i64)> = counts
        .iter()
        .filter(|(_, &n)| n >= MIN_RESPONSES)
        .map(|(k, _)| k.clone())
        .collect();
    if columns.is_empty() {
        return Err(AppError::Conflict(format!(
            "no item has {MIN_RESPONSES} responses yet, so there is nothing to calibrate"
        )));
    }
    let column: std::collections::HashMap<&(String, i64), usize> =
        columns.iter().enumerate().map(|(j, k)| (k, j)).collect();
    let persons = data.attempts.len();
    let mut cells: Vec<Response> = vec![None; persons * columns.len()];
    for r in &data.responses {
        if let Some(&j) = column.get(&r.item) {
            cells[r.attempt * columns.len() + j] = Some(r.right);
        }
    }
    let matrix = ResponseMatrix::new(columns.len(), cells)
        .map_err(|e| AppError::Internal(format!("the response matrix: {e}")))?;
    let calibration = tokio::task::spawn_blocking(move || {
        calibrate(&matrix, &CalibrationSettings::new(item_model), |_, _| {})
    })
    .await
    .map_err(|e| AppError::Internal(format!("calibration stopped: {e}")))?
    .map_err(|e| AppError::Conflict(format!("the responses cannot be calibrated yet: {e}")))?;

    // New parameters for provisional items whose newest version is the one calibrated.
    let newest = newest_versions(db).await?;
    let mut proposed = Vec::new();
    for (j, key) in columns.iter().enumerate() {
        let facts = &data.items[key];
        if facts.source != "provisional" || newest.get(&key.0) != Some(&key.1) {
            continue;
        }
        let Some(old) = facts.params else { continue };
        let c = &calibration.items[j];
        let se = |v: f64| v.is_finite().then_some(v);
        proposed.push(ProposedParams {
            item_id: key.0.clone(),
            version: key.1,
            responses: counts[key],
            old,
            new: (c.params.a.get(), c.params.b.get(), c.params.c.get()),
            se: (se(c.se_a), se(c.se_b), se(c.se_c)),
        });
    }
    if proposed.is_empty() {
        return Err(AppError::Conflict(
            "no item with provisional parameters has enough responses to recalibrate".into(),
        ));
    }
    let items = serde_json::to_string(&proposed).map_err(|e| AppError::Internal(e.to_string()))?;
    let mut tx = db.begin().await?;
    let id: i64 = sqlx::query(
        "INSERT INTO calibration_proposals (exam_id, created_at, created_by, model, attempts, \
         converged, cycles, items, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'proposed') RETURNING id",
    )
    .bind(exam_id)
    .bind(now)
    .bind(staff.id)
    .bind(model)
    .bind(i64::try_from(persons).unwrap_or(i64::MAX))
    .bind(flag(calibration.converged))
    .bind(i64::try_from(calibration.cycles).unwrap_or(i64::MAX))
    .bind(&items)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    audit::append(
        &mut tx,
        db.kind,
        now,
        staff,
        "calibration.propose",
        &format!("calibration:{id}"),
        serde_json::json!({
            "exam": exam_id, "model": model, "attempts": persons,
            "items_calibrated": columns.len(), "items_proposed": proposed.len(),
            "converged": calibration.converged, "cycles": calibration.cycles,
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The newest version of every item (of any status).
async fn newest_versions(db: &Db) -> Result<std::collections::HashMap<String, i64>, AppError> {
    let rows = sqlx::query("SELECT id, MAX(version) AS version FROM items GROUP BY id")
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("version")?)))
        .collect()
}

/// What accepting did: items given calibrated parameters, and those skipped because a newer
/// version was made meanwhile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub updated: u32,
    pub skipped: Vec<String>,
}

/// Accepts (new versions with the calibrated parameters) or rejects (for a reason) a proposal.
pub async fn decide(
    db: &Db,
    staff: &User,
    id: i64,
    accept: bool,
    note: &str,
    now: i64,
) -> Result<Accepted, AppError> {
    let note = if accept {
        note.trim()
    } else {
        super::forms::required_reason(note, "a rejection needs a reason for the record")?
    };
    let mut tx = db.begin().await?;
    let decided = sqlx::query(
        "UPDATE calibration_proposals SET status = $1, decided_at = $2, decided_by = $3, decision_note = $4 \
         WHERE id = $5 AND status = 'proposed'",
    )
    .bind(if accept { "accepted" } else { "rejected" })
    .bind(now)
    .bind(staff.id)
    .bind(note)
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if decided == 0 {
        drop(tx);
        return Err(audit::already_decided(
            db,
            "calibration_proposals",
            id,
            "calibration proposal",
        )
        .await);
    }
    let mut done = Accepted {
        updated: 0,
        skipped: Vec::new(),
    };
    if accept {
        let items: String = sqlx::query("SELECT items FROM calibration_proposals WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?
            .try_get("items")?;
        let proposed: Vec<ProposedParams> = serde_json::from_str(&items)
            .map_err(|e| AppError::Internal(format!("stored proposal unreadable: {e}")))?;
        let day = super::accounts::california_today(now).to_string();
        for p in &proposed {
            if recalibrate(&mut tx, p, &day, now, staff.id).await? {
                done.updated += 1;
            } else {
                done.skipped.push(p.item_id.clone());
            }
        }
    }
    audit::append(
        &mut tx,
        db.kind,
        now,
        staff,
        if accept {
            "calibration.accept"
        } else {
            "calibration.reject"
        },
        &format!("calibration:{id}"),
        serde_json::json!({ "note": note, "updated": done.updated, "skipped": done.skipped }),
    )
    .await?;
    tx.commit().await?;
    Ok(done)
}

/// Gives the item a new version with the calibrated parameters, if its newest version is still
/// the one calibrated (a vendor's edit since wins: that item is skipped).
async fn recalibrate(
    tx: &mut sqlx::AnyConnection,
    p: &ProposedParams,
    day: &str,
    now: i64,
    staff_id: i64,
) -> Result<bool, AppError> {
    if !super::workspace::take_lock(tx, &p.item_id, p.version).await? {
        return Ok(false);
    }
    let newest: i64 = sqlx::query_scalar("SELECT MAX(version) FROM items WHERE id = $1")
        .bind(&p.item_id)
        .fetch_one(&mut *tx)
        .await?;
    if newest != p.version {
        return Ok(false);
    }
    let body: String = sqlx::query("SELECT body FROM items WHERE id = $1 AND version = $2")
        .bind(&p.item_id)
        .bind(p.version)
        .fetch_one(&mut *tx)
        .await?
        .try_get("body")?;
    let mut item = super::bank::parse_item(&body)?;
    item.irt = Some(calibrated_params(p, day));
    super::workspace::insert_version(tx, &item, p.version + 1, now, staff_id).await?;
    Ok(true)
}

/// The new parameters as the item file's `[irt]` table.
pub fn calibrated_params(p: &ProposedParams, day: &str) -> IrtParams {
    IrtParams {
        source: ParamSource::Calibrated,
        a: p.new.0,
        b: p.new.1,
        c: p.new.2,
        calibrated_on: Some(day.to_string()),
        responses: Some(u64::from(p.responses)),
    }
}

/// The exam's proposals, newest first.
pub async fn list(db: &Db, exam_id: &str) -> Result<Vec<CalibrationProposal>, AppError> {
    let rows = sqlx::query(
        "SELECT c.id, c.created_at, c.model, c.attempts, c.converged, c.cycles, c.items, c.status, \
         c.decision_note, u.email FROM calibration_proposals c JOIN users u ON u.id = c.created_by \
         WHERE c.exam_id = $1 ORDER BY c.id DESC",
    )
    .bind(exam_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(CalibrationProposal {
                id: r.try_get("id")?,
                created_on: super::attempts::day_text(r.try_get("created_at")?),
                created_by: r.try_get("email")?,
                model: r.try_get("model")?,
                attempts: u32::try_from(r.try_get::<i64, _>("attempts")?).unwrap_or(0),
                converged: r.try_get::<i64, _>("converged")? != 0,
                cycles: u32::try_from(r.try_get::<i64, _>("cycles")?).unwrap_or(0),
                status: r.try_get("status")?,
                decision_note: r.try_get("decision_note")?,
                items: serde_json::from_str(&r.try_get::<String, _>("items")?)
                    .map_err(|e| AppError::Internal(format!("stored proposal unreadable: {e}")))?,
            })
        })
        .collect()
}

/// `POST /staff/item-health/calibrate` (`exam`, `model`): proposes a recalibration.
pub async fn propose_form(
    axum::extract::State(state): axum::extract::State<super::startup::AppState>,
    session: tower_sessions::Session,
    super::forms::ValidForm(form): super::forms::ValidForm<ProposeForm>,
) -> Result<axum::response::Response, AppError> {
    let user = super::auth::require_user(&session, &state).await?;
    super::users::require_staff(&user, "recalibrate items")?;
    let proposed = async {
        let (_, exam) = super::statistics::chosen_exam(&state.db, &form.exam).await?;
        propose(&state.db, &user, &exam, &form.model, state.clock.now_ms()).await
    };
    match proposed.await {
        Ok(id) => super::forms::recorded_answer(Ok(()), HEALTH, &format!("proposed:{id}")),
        Err(e) => super::forms::recorded_answer(Err(e), HEALTH, ""),
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct ProposeForm {
    #[serde(default)]
    pub exam: String,
    pub model: String,
}

#[derive(Debug, serde::Deserialize)]
pub struct DecisionForm {
    pub decision: String,
    #[serde(default)]
    pub note: String,
}

const HEALTH: (&str, &str) = ("/staff/item-health", "Back to item health");

/// `POST /staff/calibrations/{id}/decision` (`decision` accept or reject, `note`).
pub async fn decide_form(
    axum::extract::State(state): axum::extract::State<super::startup::AppState>,
    session: tower_sessions::Session,
    axum::extract::Path(raw_id): axum::extract::Path<String>,
    super::forms::ValidForm(form): super::forms::ValidForm<DecisionForm>,
) -> Result<axum::response::Response, AppError> {
    let user = super::auth::require_user(&session, &state).await?;
    super::users::require_staff(&user, "decide recalibrations")?;
    let id = super::forms::parse_record_id(&raw_id, "calibration proposal")?;
    let accept = match form.decision.as_str() {
        "accept" => true,
        "reject" => false,
        other => {
            return Err(AppError::BadRequest(format!(
                "decision: {other:?} is neither accept nor reject"
            )))
        }
    };
    let done = decide(
        &state.db,
        &user,
        id,
        accept,
        &form.note,
        state.clock.now_ms(),
    )
    .await
    .map(|_| ());
    let what = format!("{}:{id}", if accept { "accepted" } else { "rejected" });
    super::forms::recorded_answer(done, HEALTH, &what)
}
