//! Form posts of the staff results and certification pages (plain forms, post/redirect/get).
//! A decision with a mistake gets an error page naming the field; nothing is recorded.

use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use tower_sessions::Session;

use super::auth;
use super::error::AppError;
use super::forms::{parse_record_id, recorded_answer, ValidForm};
use super::registry::{self, StatusAction};
use super::results;
use super::startup::AppState;
use super::users;

const RESULTS: (&str, &str) = ("/staff/results", "Back to the results");
const CERTIFICATIONS: (&str, &str) = ("/staff/certifications", "Back to the certifications");

/// `POST /staff/results/{id}/release`.
pub async fn release(
    State(state): State<AppState>,
    session: Session,
    Path(raw_id): Path<String>,
) -> Result<Response, AppError> {
    let user = auth::require_user(&session, &state).await?;
    users::require_staff(&user, "release results")?;
    let id = super::attempts::parse_attempt_id(&raw_id)?;
    let done = results::release(
        &state.db,
        &user,
        &id,
        state.clock.now_ms(),
        &state.public_url,
    )
    .await;
    recorded_answer(done, RESULTS, &format!("released:{id}"))
}

#[derive(Debug, Deserialize)]
pub struct ReasonForm {
    pub reason: String,
}

/// `POST /staff/results/{id}/invalidate` (`reason`).
pub async fn invalidate(
    State(state): State<AppState>,
    session: Session,
    Path(raw_id): Path<String>,
    ValidForm(form): ValidForm<ReasonForm>,
) -> Result<Response, AppError> {
    let user = auth::require_user(&session, &state).await?;
    users::require_staff(&user, "invalidate attempts")?;
    let id = super::attempts::parse_attempt_id(&raw_id)?;
    // Four eyes: this proposes; another staff member approves on the proposals page.
    let reason = super::forms::required_reason(
        &form.reason,
        "an invalidation needs a reason; the candidate will read it",
    )?;
    let proposal = super::proposals::Proposal::Invalidate {
        attempt_id: id.clone(),
        reason: reason.to_string(),
    };
    let done = super::proposals::propose(&state.db, &user, &proposal, state.clock.now_ms())
        .await
        .map(|_| ());
    recorded_answer(done, RESULTS, &format!("proposed-invalidation:{id}"))
}

#[derive(Debug, Deserialize)]
pub struct StatusForm {
    pub action: String,
    pub reason: String,
}

#[derive(Debug, Deserialize)]
pub struct RenewalForm {
    pub ce_hours: String,
    pub law_ethics_hours: String,
}

/// `POST /staff/certifications/{id}/renewal` (`ce_hours`, `law_ethics_hours`).
pub async fn renew(
    State(state): State<AppState>,
    session: Session,
    Path(raw_id): Path<String>,
    ValidForm(form): ValidForm<RenewalForm>,
) -> Result<Response, AppError> {
    let user = auth::require_user(&session, &state).await?;
    users::require_staff(&user, "record renewals")?;
    let id = parse_record_id(&raw_id, "certification")?;
    let done = match registry::check_hours(&form.ce_hours, &form.law_ethics_hours) {
        Ok(hours) => registry::renew(&state.db, &user, id, hours, state.clock.now_ms()).await,
        Err(message) => Err(AppError::BadRequest(message)),
    };
    recorded_answer(done, CERTIFICATIONS, &format!("renewal:{id}"))
}

/// `POST /staff/certifications/{id}/status` (`action` suspend|revoke|reinstate, `reason`).
pub async fn set_status(
    State(state): State<AppState>,
    session: Session,
    Path(raw_id): Path<String>,
    ValidForm(form): ValidForm<StatusForm>,
) -> Result<Response, AppError> {
    let user = auth::require_user(&session, &state).await?;
    users::require_staff(&user, "change certifications")?;
    let id = parse_record_id(&raw_id, "certification")?;
    let now = state.clock.now_ms();
    let done = match StatusAction::parse(&form.action) {
        // A suspension holds a certification while a complaint is looked into; revoking
        // and reinstating take a second staff member (four eyes: `proposals`).
        Some(StatusAction::Suspend) => {
            registry::set_status(
                &state.db,
                &user,
                id,
                StatusAction::Suspend,
                &form.reason,
                now,
            )
            .await
        }
        Some(action) => {
            let proposal = super::proposals::Proposal::CertificationStatus {
                certification_id: id,
                action: action.code().to_string(),
                reason: form.reason.trim().to_string(),
            };
            let proposed = super::proposals::propose(&state.db, &user, &proposal, now).await;
            return recorded_answer(
                proposed.map(|_| ()),
                CERTIFICATIONS,
                &format!("proposed-{}:{id}", form.action),
            );
        }
        None => Err(AppError::BadRequest(format!(
            "action: {:?} is not one of suspend, revoke, reinstate.",
            form.action
        ))),
    };
    recorded_answer(done, CERTIFICATIONS, &format!("{}:{id}", form.action))
}

#[derive(Debug, Deserialize)]
pub struct RescoreForm {
    pub item: String,
    pub version: String,
    pub change: String,
    #[serde(default)]
    pub key: String,
    pub reason: String,
    pub digest: String,
}

const RESCORING: (&str, &str) = ("/staff/rescoring", "Back to rescoring");

/// `POST /staff/rescoring/apply`: applies the rescoring previewed (its fingerprint in `digest`).
pub async fn rescore(
    State(state): State<AppState>,
    session: Session,
    ValidForm(form): ValidForm<RescoreForm>,
) -> Result<Response, AppError> {
    use super::rescoring;
    let user = auth::require_user(&session, &state).await?;
    users::require_staff(&user, "rescore attempts")?;
    let applied = async {
        let request = rescoring::parse_request(
            &state.db,
            &form.item,
            &form.version,
            &form.change,
            &form.key,
        )
        .await?;
        rescoring::apply(
            &state.db,
            &user,
            &request,
            &form.reason,
            &form.digest,
            state.clock.now_ms(),
        )
        .await
    };
    match applied.await {
        Ok(id) => recorded_answer(Ok(()), RESCORING, &format!("applied:{id}")),
        Err(e) => recorded_answer(Err(e), RESCORING, "not applied"),
    }
}
