//! Form posts for applications and the training provider list (plain HTML forms,
//! post/redirect/get). A candidate's mistakes go back to the form beside each field; a staff
//! mistake gets an error page naming the field, with nothing recorded.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use super::applications;
use super::auth;
use super::error::{error_page, AppError};
use super::flash;
use super::forms::{decision_answer, parse_record_id, refused_decision, ValidForm};
use super::startup::AppState;
use super::users;

/// The fields of the application form kept for the page after a mistake.
const KEPT: [&str; 10] = [
    "pathway",
    "training_provider",
    "training_completed_on",
    "other_state",
    "other_credential",
    "lived_experience",
    "attest_lived_experience",
    "attest_code_of_ethics",
    "attest_education",
    "attest_training",
];

/// `POST /application`: a candidate's application.
pub async fn submit(
    State(state): State<AppState>,
    session: Session,
    ValidForm(fields): ValidForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let user = auth::require_user(&session, &state).await?;
    if user.role != crate::dto::Role::Candidate {
        return Err(AppError::Forbidden(
            "applications are made by candidates from their own account".into(),
        ));
    }
    let now = state.clock.now_ms();
    let providers = applications::active_providers(&state.db).await?;
    let application =
        match applications::check(&fields, &providers, super::accounts::california_today(now)) {
            Ok(a) => a,
            Err(errors) => {
                let kept = fields
                    .iter()
                    .filter(|(k, _)| KEPT.contains(&k.as_str()))
                    .map(|(k, v)| (k.clone(), v.chars().take(200).collect()))
                    .collect();
                flash::keep(&session, "application", kept, errors).await?;
                return Ok(Redirect::to("/application").into_response());
            }
        };
    match applications::submit(&state.db, &user, &application, now).await {
        Ok(_) => Ok(Redirect::to("/application?sent=1").into_response()),
        Err(e @ AppError::Conflict(_)) => Ok(error_page(
            e.status(),
            &e.public_message(),
            Some(("/application", crate::t!("application-back").as_str())),
        )),
        Err(e) => Err(e),
    }
}

/// `POST /staff/applications/{id}/decision`.
pub async fn decide(
    State(state): State<AppState>,
    session: Session,
    Path(raw_id): Path<String>,
    ValidForm(fields): ValidForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let user = auth::require_user(&session, &state).await?;
    users::require_staff(&user, "decide applications")?;
    let id = parse_record_id(&raw_id, "application")?;
    let back = ("/staff/applications", "Back to the applications");
    let decision = match applications::check_decision(&fields) {
        Ok(d) => d,
        Err(message) => return Ok(refused_decision("Application", id, &message, back)),
    };
    let decided = applications::decide(
        &state.db,
        &user,
        id,
        &decision,
        state.clock.now_ms(),
        &state.public_url,
    )
    .await;
    decision_answer(decided, id, back)
}

/// `POST /staff/training-providers`: adds a provider (`name`).
pub async fn add_provider(
    State(state): State<AppState>,
    session: Session,
    ValidForm(fields): ValidForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let user = auth::require_user(&session, &state).await?;
    users::require_staff(&user, "keep the list of training providers")?;
    let name = fields
        .iter()
        .find(|(k, _)| k == "name")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    match applications::add_provider_by(&state.db, &user, name, state.clock.now_ms()).await {
        Ok(()) => Ok(Redirect::to("/staff/training-providers?saved=1").into_response()),
        Err(e @ AppError::BadRequest(_)) => Ok(error_page(
            e.status(),
            &format!("{}. Nothing was added.", e.public_message()),
            Some((
                "/staff/training-providers",
                "Back to the training providers",
            )),
        )),
        Err(e) => Err(e),
    }
}

/// `POST /staff/training-providers/{id}/active`: `active=1` lists it, `active=0` removes it.
pub async fn set_provider_active(
    State(state): State<AppState>,
    session: Session,
    Path(raw_id): Path<String>,
    ValidForm(fields): ValidForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let user = auth::require_user(&session, &state).await?;
    users::require_staff(&user, "keep the list of training providers")?;
    let id = parse_record_id(&raw_id, "training provider")?;
    let active = match fields
        .iter()
        .find(|(k, _)| k == "active")
        .map(|(_, v)| v.as_str())
    {
        Some("1") => true,
        Some("0") => false,
        other => {
            return Err(AppError::BadRequest(format!(
                "active: {other:?} is neither 1 (list it) nor 0 (remove it)"
            )))
        }
    };
    applications::set_provider_active(&state.db, &user, id, active, state.clock.now_ms()).await?;
    Ok(Redirect::to("/staff/training-providers?saved=1").into_response())
}
