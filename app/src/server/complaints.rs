//! Complaints about certificants, taken through to a recorded outcome: received, then
//! investigating (the program's 90-day clock starts), then closed with no action or with a
//! corrective action, which may suspend or revoke the certification (the registry shows it at
//! once). Each step is one transaction with its audit entry.

use sqlx::Row;

use super::audit;
use super::db::Db;
use super::error::AppError;
use super::forms::MAX_REASON;
use super::registry::{self, StatusAction};
use super::users::User;
use crate::dto::ComplaintRow;

/// The investigation's clock: the program closes a complaint within 90 days of opening it.
pub const INVESTIGATION_DAYS: i64 = 90;
const DAY_MS: i64 = 86_400_000;

/// A field that must be filled in, trimmed: `missing` says what to write when it is blank.
fn required<'a>(field: &str, raw: &'a str, missing: &str) -> Result<&'a str, AppError> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(AppError::BadRequest(format!("{field}: {missing}")));
    }
    if text.chars().count() > MAX_REASON {
        return Err(AppError::BadRequest(format!(
            "{field}: keep it to at most {MAX_REASON} characters"
        )));
    }
    Ok(text)
}

/// A new complaint about the certificant holding `number`.
pub async fn receive(
    db: &Db,
    staff: &User,
    number: &str,
    complainant: &str,
    summary: &str,
    now: i64,
) -> Result<i64, AppError> {
    let number = number.trim().to_ascii_uppercase();
    let complainant = required(
        "complainant",
        complainant,
        "say who made the complaint and how to reach them",
    )?;
    let summary = required("summary", summary, "say what the complaint is about")?;
    let mut tx = db.begin().await?;
    let certification: Option<i64> =
        sqlx::query_scalar("SELECT id FROM certifications WHERE number = $1")
            .bind(&number)
            .fetch_optional(&mut *tx)
            .await?;
    let Some(certification) = certification else {
        return Err(AppError::NotFound(format!(
            "certificate number: there is no certification {number:?}"
        )));
    };
    let id: i64 = sqlx::query(
        "INSERT INTO complaints (certification_id, received_at, received_by, complainant, summary, status) \
         VALUES ($1, $2, $3, $4, $5, 'received') RETURNING id",
    )
    .bind(certification)
    .bind(now)
    .bind(staff.id)
    .bind(complainant)
    .bind(summary)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    audit::append(
        &mut tx,
        db.kind,
        now,
        staff,
        "complaint.receive",
        &format!("complaint:{id}"),
        serde_json::json!({ "certification": number }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Opens the investigation of a received complaint: its 90 days start now.
pub async fn investigate(db: &Db, staff: &User, id: i64, now: i64) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let due = now + INVESTIGATION_DAYS * DAY_MS;
    let done = sqlx::query(
        "UPDATE complaints SET status = 'investigating', investigation_started_at = $1, due_at = $2 \
         WHERE id = $3 AND status = 'received'",
    )
    .bind(now)
    .bind(due)
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if done == 0 {
        drop(tx);
        return Err(audit::already_decided(db, "complaints", id, "complaint").await);
    }
    audit::append(
        &mut tx,
        db.kind,
        now,
        staff,
        "complaint.investigate",
        &format!("complaint:{id}"),
        serde_json::json!({ "due_at": due }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// How a closed complaint ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// No corrective action: the finding is recorded.
    NoAction,
    /// A corrective action, and what it does to the certification.
    Corrective {
        action: String,
        registry: Option<StatusAction>,
    },
}

/// Reads the closing form: `outcome` no_action or corrective_action, the corrective action's
/// words, and `registry` none, suspend or revoke.
pub fn parse_outcome(outcome: &str, action: &str, registry: &str) -> Result<Outcome, AppError> {
    match outcome {
        "no_action" => {
            if !matches!(registry, "" | "none") {
                return Err(AppError::BadRequest(
                    "registry: a complaint closed without corrective action leaves the certification as it is".into(),
                ));
            }
            Ok(Outcome::NoAction)
        }
        "corrective_action" => {
            let action = required(
                "corrective action",
                action,
                "say what the certificant must do or what was done",
            )?
            .to_string();
            let registry = match registry {
                "" | "none" => None,
                "suspend" => Some(StatusAction::Suspend),
                // Four eyes: a revocation is proposed on the certifications page and approved
                // by another staff member, not done by one closing a complaint.
                "revoke" => {
                    return Err(AppError::BadRequest(
                        "registry: revoking takes two staff members: close the complaint with suspend, then propose the revocation on /staff/certifications for another staff member to approve".into(),
                    ))
                }
                other => {
                    return Err(AppError::BadRequest(format!(
                        "registry: {other:?} is not none, suspend or revoke"
                    )))
                }
            };
            Ok(Outcome::Corrective { action, registry })
        }
        other => Err(AppError::BadRequest(format!(
            "outcome: {other:?} is neither no_action nor corrective_action"
        ))),
    }
}

/// Closes an investigated complaint with its outcome and finding; a corrective action may
/// suspend the certification in the same transaction (revoking takes four eyes: `proposals`).
pub async fn close(
    db: &Db,
    staff: &User,
    id: i64,
    outcome: &Outcome,
    finding: &str,
    now: i64,
) -> Result<(), AppError> {
    let finding = required("finding", finding, "record what the investigation found")?;
    let (code, action, effect) = match outcome {
        Outcome::NoAction => ("no_action", None, None),
        Outcome::Corrective { action, registry } => {
            ("corrective_action", Some(action.as_str()), *registry)
        }
    };
    let effect_code = match effect {
        None => "none",
        Some(StatusAction::Suspend) => "suspended",
        Some(StatusAction::Revoke) => "revoked",
        Some(StatusAction::Reinstate) => {
            return Err(AppError::BadRequest(
                "registry: a complaint cannot reinstate a certification".into(),
            ))
        }
    };
    let mut tx = db.begin().await?;
    let done = sqlx::query(
        "UPDATE complaints SET status = 'closed', outcome = $1, corrective_action = $2, registry_effect = $3, \
         finding = $4, closed_at = $5, closed_by = $6 WHERE id = $7 AND status = 'investigating'",
    )
    .bind(code)
    .bind(action)
    .bind(effect_code)
    .bind(finding)
    .bind(now)
    .bind(staff.id)
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if done == 0 {
        drop(tx);
        let state: Option<String> =
            sqlx::query_scalar("SELECT status FROM complaints WHERE id = $1")
                .bind(id)
                .fetch_optional(&db.pool)
                .await?;
        return Err(match state.as_deref() {
            None => AppError::NotFound(format!("there is no complaint {id}")),
            Some("received") => AppError::Conflict(format!(
                "complaint {id} is not under investigation yet: open the investigation first"
            )),
            Some(_) => AppError::Conflict(format!("complaint {id} is already closed")),
        });
    }
    if let Some(action) = effect {
        let certification: i64 =
            sqlx::query_scalar("SELECT certification_id FROM complaints WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
        registry::set_status_in(
            &mut tx,
            db.kind,
            staff,
            certification,
            action,
            &format!("complaint {id}: {finding}"),
            now,
        )
        .await?;
    }
    audit::append(
        &mut tx,
        db.kind,
        now,
        staff,
        "complaint.close",
        &format!("complaint:{id}"),
        serde_json::json!({
            "outcome": code, "corrective_action": action, "registry": effect_code, "finding": finding,
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Every complaint, open ones first (the nearest deadline first), then closed ones.
pub async fn list(db: &Db, now: i64) -> Result<Vec<ComplaintRow>, AppError> {
    let rows = sqlx::query(
        "SELECT k.id, k.received_at, k.complainant, k.summary, k.status, k.due_at, k.outcome, \
         k.corrective_action, k.registry_effect, k.finding, k.closed_at, c.number, u.display_name, \
         c.status AS certification_status FROM complaints k JOIN certifications c ON c.id = k.certification_id \
         JOIN users u ON u.id = c.user_id \
         ORDER BY CASE k.status WHEN 'closed' THEN 1 ELSE 0 END, k.due_at, k.id",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let due: Option<i64> = r.try_get("due_at")?;
            let status: String = r.try_get("status")?;
            Ok(ComplaintRow {
                id: r.try_get("id")?,
                number: r.try_get("number")?,
                certificant: r.try_get("display_name")?,
                certification_status: r.try_get("certification_status")?,
                received_on: super::attempts::day_text(r.try_get("received_at")?),
                complainant: r.try_get("complainant")?,
                summary: r.try_get("summary")?,
                due_on: due.map(super::attempts::day_text),
                // Whole days left on the clock (negative: overdue), while it runs.
                days_left: due
                    .filter(|_| status == "investigating")
                    .map(|d| (d - now).div_euclid(DAY_MS)),
                status,
                outcome: r.try_get("outcome")?,
                corrective_action: r.try_get("corrective_action")?,
                registry_effect: r.try_get("registry_effect")?,
                finding: r.try_get("finding")?,
                closed_on: r
                    .try_get::<Option<i64>, _>("closed_at")?
                    .map(super::attempts::day_text),
            })
        })
        .collect()
}

const COMPLAINTS: (&str, &str) = ("/staff/complaints", "Back to the complaints");

#[derive(Debug, serde::Deserialize)]
pub struct ReceiveForm {
    pub number: String,
    pub complainant: String,
    pub summary: String,
}

/// `POST /staff/complaints`: records a new complaint.
pub async fn receive_form(
    axum::extract::State(state): axum::extract::State<super::startup::AppState>,
    session: tower_sessions::Session,
    super::forms::ValidForm(form): super::forms::ValidForm<ReceiveForm>,
) -> Result<axum::response::Response, AppError> {
    let user = super::auth::require_user(&session, &state).await?;
    super::users::require_staff(&user, "record complaints")?;
    let done = receive(
        &state.db,
        &user,
        &form.number,
        &form.complainant,
        &form.summary,
        state.clock.now_ms(),
    )
    .await;
    match done {
        Ok(id) => super::forms::recorded_answer(Ok(()), COMPLAINTS, &format!("received:{id}")),
        Err(e) => super::forms::recorded_answer(Err(e), COMPLAINTS, ""),
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct StepForm {
    pub step: String,
    #[serde(default)]
    pub outcome: String,
    #[serde(default)]
    pub corrective_action: String,
    #[serde(default)]
    pub registry: String,
    #[serde(default)]
    pub finding: String,
}

/// `POST /staff/complaints/{id}`: `step` investigate, or close with its outcome.
pub async fn step_form(
    axum::extract::State(state): axum::extract::State<super::startup::AppState>,
    session: tower_sessions::Session,
    axum::extract::Path(raw_id): axum::extract::Path<String>,
    super::forms::ValidForm(form): super::forms::ValidForm<StepForm>,
) -> Result<axum::response::Response, AppError> {
    let user = super::auth::require_user(&session, &state).await?;
    super::users::require_staff(&user, "handle complaints")?;
    let id = super::forms::parse_record_id(&raw_id, "complaint")?;
    let now = state.clock.now_ms();
    let (done, what) = match form.step.as_str() {
        "investigate" => (
            investigate(&state.db, &user, id, now).await,
            "investigating",
        ),
        "close" => {
            let closed = match parse_outcome(&form.outcome, &form.corrective_action, &form.registry)
            {
                Ok(outcome) => close(&state.db, &user, id, &outcome, &form.finding, now).await,
                Err(e) => Err(e),
            };
            (closed, "closed")
        }
        other => {
            return Err(AppError::BadRequest(format!(
                "step: {other:?} is neither investigate nor close"
            )))
        }
    };
    super::forms::recorded_answer(done, COMPLAINTS, &format!("{what}:{id}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outcome_names_what_is_missing_or_wrong() {
        assert_eq!(
            parse_outcome("no_action", "", "none").unwrap(),
            Outcome::NoAction
        );
        let e = parse_outcome("no_action", "", "revoke")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("without corrective action leaves the certification"),
            "{e}"
        );
        let e = parse_outcome("corrective_action", " ", "none")
            .unwrap_err()
            .to_string();
        assert!(e.contains("corrective action: say what"), "{e}");
        let e = parse_outcome("corrective_action", "Supervision", "ban")
            .unwrap_err()
            .to_string();
        assert!(e.contains("registry: \"ban\""), "{e}");
        assert_eq!(
            parse_outcome("corrective_action", "Six months of supervision", "suspend").unwrap(),
            Outcome::Corrective {
                action: "Six months of supervision".into(),
                registry: Some(StatusAction::Suspend)
            }
        );
        assert!(parse_outcome("dismissed", "", "").is_err());
    }
}
