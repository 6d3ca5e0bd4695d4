//! Four eyes on decisions that change a result or a credential: one staff member proposes, a
//! different one approves, and only then is it carried out, in the approval's transaction.
//! Both steps are in the audit log (`proposal.create`, then the decision's own entry naming
//! both people, or `proposal.reject` / `proposal.stale`).
//!
//! A proposal records exactly what will change (`summary`, shown to the approver) and the
//! record's state when it was made (`basis`). An approval that finds the record changed since
//! (released, rescored, invalidated, its certification changed) refuses and marks the
//! proposal stale: the approver would otherwise endorse a change they were not shown.
//!
//! Both people act from the staff pages, which need a passkey sign-in unless the server runs
//! with `--allow-staff-passwords` (trying the app only).
//!
//! Built so far for invalidating a result and for revoking or reinstating a certification;
//! the other decisions of issue 30 (rescoring, recalibration, accommodations beyond the
//! standard limits, administrator and staff roles) are to join it as further [`Proposal`]
//! kinds.

use axum::extract::{Path, State};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use tower_sessions::Session;

use super::audit;
use super::auth;
use super::db::Db;
use super::error::AppError;
use super::forms::{recorded_answer, ValidForm};
use super::startup::AppState;
use super::users::{self, User};
use crate::dto::ProposalRow;

/// A decision waiting for its second person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Proposal {
    /// Mark a submitted attempt invalidated (the candidate reads `reason`); a certification
    /// it earned is revoked with it.
    Invalidate { attempt_id: String, reason: String },
    /// Revoke a certification, or reinstate a suspended or revoked one (`action`: revoke or
    /// reinstate); the reason stays with staff.
    CertificationStatus {
        certification_id: i64,
        action: String,
        reason: String,
    },
}

impl Proposal {
    fn kind(&self) -> &'static str {
        match self {
            Proposal::Invalidate { .. } => "invalidate",
            Proposal::CertificationStatus { .. } => "certification_status",
        }
    }

    fn subject(&self) -> String {
        match self {
            Proposal::Invalidate { attempt_id, .. } => format!("attempt:{attempt_id}"),
            Proposal::CertificationStatus {
                certification_id, ..
            } => format!("certification:{certification_id}"),
        }
    }
}

/// The record's state that the proposal is based on: any change to it makes the proposal
/// stale. Read inside `tx` at approval.
async fn basis(tx: &mut sqlx::AnyConnection, proposal: &Proposal) -> Result<String, AppError> {
    match proposal {
        Proposal::Invalidate { attempt_id, .. } => {
            let row = sqlx::query(
                "SELECT a.status, a.released_at, a.invalidated_at, a.passed, a.score, a.raw_correct, \
                 (SELECT MAX(c.status) FROM certifications c WHERE c.attempt_id = a.id) AS certification \
                 FROM attempts a WHERE a.id = $1",
            )
            .bind(attempt_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(row) = row else {
                return Ok("none".into());
            };
            Ok(serde_json::json!([
                row.try_get::<String, _>("status")?,
                row.try_get::<Option<i64>, _>("released_at")?,
                row.try_get::<Option<i64>, _>("invalidated_at")?,
                row.try_get::<Option<i64>, _>("passed")?,
                row.try_get::<Option<String>, _>("score")?,
                row.try_get::<Option<i64>, _>("raw_correct")?,
                row.try_get::<Option<String>, _>("certification")?,
            ])
            .to_string())
        }
        Proposal::CertificationStatus {
            certification_id, ..
        } => {
            let row: Option<(String, Option<i64>, i64)> = sqlx::query_as(
                "SELECT status, status_changed_at, expires_at FROM certifications WHERE id = $1",
            )
            .bind(certification_id)
            .fetch_optional(&mut *tx)
            .await?;
            Ok(serde_json::json!(row).to_string())
        }
    }
}

/// A certification status action a proposal may carry (revoke or reinstate).
fn status_action(action: &str) -> Result<super::registry::StatusAction, AppError> {
    use super::registry::StatusAction;
    match StatusAction::parse(action) {
        Some(a @ (StatusAction::Revoke | StatusAction::Reinstate)) => Ok(a),
        _ => Err(AppError::BadRequest(format!(
            "action: {action:?} is not one of revoke, reinstate"
        ))),
    }
}

/// What will change, one line each, as the approver reads it.
async fn summary(db: &Db, proposal: &Proposal) -> Result<Vec<String>, AppError> {
    match proposal {
        Proposal::Invalidate { attempt_id, reason } => {
            let row = sqlx::query(
                "SELECT u.display_name, u.email, a.exam_id, a.passed, a.released_at, \
                 (SELECT MAX(c.id) FROM certifications c WHERE c.attempt_id = a.id AND c.status <> 'revoked') AS certification \
                 FROM attempts a JOIN users u ON u.id = a.user_id WHERE a.id = $1",
            )
            .bind(attempt_id)
            .fetch_one(&db.pool)
            .await?;
            let name: String = row.try_get("display_name")?;
            let email: String = row.try_get("email")?;
            let passed = row.try_get::<Option<i64>, _>("passed")? == Some(1);
            let released = row.try_get::<Option<i64>, _>("released_at")?.is_some();
            let mut lines = vec![
                format!(
                    "Attempt {attempt_id} at exam {} by {name} ({email}), {}, {}, becomes invalidated.",
                    row.try_get::<String, _>("exam_id")?,
                    if passed { "passed" } else { "not passed" },
                    if released { "released" } else { "not yet released" },
                ),
                format!("The candidate reads the reason: \u{201c}{reason}\u{201d}"),
            ];
            if let Some(c) = row.try_get::<Option<i64>, _>("certification")? {
                lines.push(format!(
                    "Certification {c}, which this attempt earned, is revoked with it."
                ));
            }
            Ok(lines)
        }
        Proposal::CertificationStatus {
            certification_id,
            action,
            reason,
        } => {
            let row = sqlx::query(
                "SELECT c.number, c.status, u.display_name, u.email FROM certifications c \
                 JOIN users u ON u.id = c.user_id WHERE c.id = $1",
            )
            .bind(certification_id)
            .fetch_one(&db.pool)
            .await?;
            let (_, to) = status_action(action)?.transition();
            Ok(vec![
                format!(
                    "Certification {} of {} ({}), now {}, becomes {to}; the public registry shows it at once.",
                    row.try_get::<String, _>("number")?,
                    row.try_get::<String, _>("display_name")?,
                    row.try_get::<String, _>("email")?,
                    row.try_get::<String, _>("status")?,
                ),
                format!("The reason, kept with staff: \u{201c}{reason}\u{201d}"),
            ])
        }
    }
}

/// Records `proposal` by `staff`, audited. Checks first that it could be carried out now.
pub async fn propose(
    db: &Db,
    staff: &User,
    proposal: &Proposal,
    now: i64,
) -> Result<i64, AppError> {
    match proposal {
        Proposal::Invalidate { attempt_id, reason } => {
            if reason.trim().is_empty() {
                return Err(AppError::BadRequest(
                    "reason: an invalidation needs a reason; the candidate will read it".into(),
                ));
            }
            super::results::check_invalidatable(db, attempt_id).await?;
        }
        Proposal::CertificationStatus {
            certification_id,
            action,
            reason,
        } => {
            let action = status_action(action)?;
            super::registry::check_status_change(db, staff, *certification_id, action, reason, now)
                .await?;
        }
    }
    let lines = summary(db, proposal).await?;
    let mut tx = db.begin().await?;
    let basis = basis(&mut tx, proposal).await?;
    let inserted = sqlx::query(
        "INSERT INTO proposals (kind, subject, payload, summary, basis, proposed_by, proposed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(proposal.kind())
    .bind(proposal.subject())
    .bind(serde_json::to_string(proposal).map_err(|e| AppError::Internal(e.to_string()))?)
    .bind(serde_json::to_string(&lines).map_err(|e| AppError::Internal(e.to_string()))?)
    .bind(&basis)
    .bind(staff.id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await;
    let id: i64 = match inserted {
        Ok(row) => row.try_get("id")?,
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(AppError::Conflict(format!(
                "a proposal to {} {} is already waiting for approval on the proposals page",
                proposal.kind(),
                proposal.subject()
            )))
        }
        Err(e) => return Err(e.into()),
    };
    audit::append(
        &mut tx,
        db.kind,
        now,
        staff,
        "proposal.create",
        &proposal.subject(),
        serde_json::json!({ "proposal": id, "kind": proposal.kind(), "changes": lines }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Approves (carries out) or rejects proposal `id`. The proposer cannot decide their own; a
/// proposal whose record changed since is refused and marked stale.
pub async fn decide(
    db: &Db,
    staff: &User,
    id: i64,
    approve: bool,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    // The proposal's row first: two approvals at once go one after the other.
    let taken =
        sqlx::query("UPDATE proposals SET status = status WHERE id = $1 AND status = 'pending'")
            .bind(id)
            .execute(&mut *tx)
            .await?;
    if taken.rows_affected() == 0 {
        drop(tx);
        return Err(audit::already_decided(db, "proposals", id, "proposal").await);
    }
    let row = sqlx::query(
        "SELECT p.payload, p.basis, p.proposed_by, u.email FROM proposals p \
         JOIN users u ON u.id = p.proposed_by WHERE p.id = $1",
    )
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    let proposer_id: i64 = row.try_get("proposed_by")?;
    let proposer: String = row.try_get("email")?;
    if proposer_id == staff.id {
        return Err(AppError::Forbidden(
            "four eyes: you proposed this, so another staff member must approve or reject it"
                .into(),
        ));
    }
    let proposal: Proposal = serde_json::from_str(&row.try_get::<String, _>("payload")?)
        .map_err(|e| AppError::Internal(format!("proposal {id}: {e}")))?;
    let subject = proposal.subject();
    let finish = |status: &'static str| {
        sqlx::query(
            "UPDATE proposals SET status = $1, decided_by = $2, decided_at = $3 WHERE id = $4",
        )
        .bind(status)
        .bind(staff.id)
        .bind(now)
        .bind(id)
    };
    if !approve {
        finish("rejected").execute(&mut *tx).await?;
        audit::append(
            &mut tx,
            db.kind,
            now,
            staff,
            "proposal.reject",
            &subject,
            serde_json::json!({ "proposal": id, "proposed_by": proposer }),
        )
        .await?;
        tx.commit().await?;
        return Ok(());
    }
    if basis(&mut tx, &proposal).await? != row.try_get::<String, _>("basis")? {
        finish("stale").execute(&mut *tx).await?;
        audit::append(
            &mut tx,
            db.kind,
            now,
            staff,
            "proposal.stale",
            &subject,
            serde_json::json!({ "proposal": id, "proposed_by": proposer }),
        )
        .await?;
        tx.commit().await?;
        return Err(AppError::Conflict(format!(
            "proposal {id} is stale: {subject} changed after it was proposed, so it was not carried out; propose it again if it still stands"
        )));
    }
    let done = match &proposal {
        Proposal::Invalidate { attempt_id, reason } => {
            super::results::invalidate_in(
                &mut tx, db.kind, staff, &proposer, attempt_id, reason, now,
            )
            .await?
        }
        Proposal::CertificationStatus {
            certification_id,
            action,
            reason,
        } => {
            let action = status_action(action)?;
            super::registry::set_status_in(
                &mut tx,
                db.kind,
                staff,
                *certification_id,
                action,
                reason,
                now,
            )
            .await?;
            audit::append(
                &mut tx,
                db.kind,
                now,
                staff,
                "proposal.approve",
                &subject,
                serde_json::json!({ "proposal": id, "proposed_by": proposer, "approved_by": staff.email }),
            )
            .await?;
            true
        }
    };
    if !done {
        return Err(AppError::Conflict(format!(
            "proposal {id} can no longer be carried out; nothing was changed"
        )));
    }
    finish("approved").execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

/// The proposals waiting for approval, oldest first.
pub async fn pending(db: &Db, viewer: &User) -> Result<Vec<ProposalRow>, AppError> {
    let rows = sqlx::query(
        "SELECT p.id, p.payload, p.summary, p.proposed_by, p.proposed_at, u.email FROM proposals p \
         JOIN users u ON u.id = p.proposed_by WHERE p.status = 'pending' ORDER BY p.id",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let proposal: Proposal = serde_json::from_str(&r.try_get::<String, _>("payload")?)
                .map_err(|e| AppError::Internal(e.to_string()))?;
            let title = match &proposal {
                Proposal::Invalidate { attempt_id, .. } => {
                    format!("Invalidate the result of attempt {attempt_id}")
                }
                Proposal::CertificationStatus {
                    certification_id,
                    action,
                    ..
                } => format!(
                    "{} certification {certification_id}",
                    if action == "revoke" {
                        "Revoke"
                    } else {
                        "Reinstate"
                    }
                ),
            };
            Ok(ProposalRow {
                id: r.try_get("id")?,
                title,
                changes: serde_json::from_str(&r.try_get::<String, _>("summary")?)
                    .map_err(|e| AppError::Internal(e.to_string()))?,
                proposed_by: r.try_get("email")?,
                proposed_on: super::attempts::day_text(r.try_get("proposed_at")?),
                own: r.try_get::<i64, _>("proposed_by")? == viewer.id,
            })
        })
        .collect()
}

#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    pub decision: String,
}

/// `POST /staff/proposals/{id}/decision` (`decision` = approve or reject).
pub async fn decide_form(
    State(state): State<AppState>,
    session: Session,
    Path(raw_id): Path<String>,
    ValidForm(form): ValidForm<DecisionForm>,
) -> Result<Response, AppError> {
    let user = auth::require_user(&session, &state).await?;
    users::require_staff(&user, "decide proposals")?;
    let id = super::forms::parse_record_id(&raw_id, "proposal")?;
    let approve = match form.decision.as_str() {
        "approve" => true,
        "reject" => false,
        other => {
            return Err(AppError::BadRequest(format!(
                "decision: {other:?} is neither approve nor reject"
            )))
        }
    };
    let done = decide(&state.db, &user, id, approve, state.clock.now_ms()).await;
    recorded_answer(
        done,
        PROPOSALS,
        &format!("{}:{id}", if approve { "approved" } else { "rejected" }),
    )
}

/// The proposals page, where a decision's answer leads back to.
pub const PROPOSALS: (&str, &str) = ("/staff/proposals", "Back to the proposals");
