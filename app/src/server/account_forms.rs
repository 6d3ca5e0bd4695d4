//! Form posts for accounts and accommodations (plain HTML forms, post/redirect/get). A
//! candidate's mistake sends the form back to its page with each error beside its field
//! (`flash`); a staff decision with a mistake gets an error page naming the field.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use super::accommodations;
use super::accounts::{self, RegisterForm};
use super::auth;
use super::error::{error_page, AppError};
use super::flash;
use super::forms::{decision_answer, parse_record_id, refused_decision, ValidForm};
use super::startup::AppState;
use super::users;

/// `POST /account/new`: creates a candidate account and signs it in.
pub async fn register(
    State(state): State<AppState>,
    session: Session,
    ValidForm(form): ValidForm<RegisterForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now_ms();
    let registration = match accounts::check(&form, accounts::california_today(now)) {
        Ok(r) => r,
        Err(errors) => return back_to_register(&session, &form, errors).await,
    };
    let hash = auth::hash_password(registration.password.clone()).await?;
    // The account is made when the emailed link is confirmed; the answer is the same whether
    // or not the address has one already (`registration`).
    super::registration::request(&state, &registration, &hash).await?;
    Ok(Redirect::to(&format!(
        "/account/new?sent={}",
        crate::pages::layout::encode_query(&registration.email)
    ))
    .into_response())
}

async fn back_to_register(
    session: &Session,
    form: &RegisterForm,
    errors: Vec<(&str, String)>,
) -> Result<Response, AppError> {
    flash::keep(session, "register", form.kept_values(), errors).await?;
    Ok(Redirect::to("/account/new").into_response())
}

/// `POST /accommodations`: a candidate's request.
pub async fn request_accommodation(
    State(state): State<AppState>,
    session: Session,
    ValidForm(fields): ValidForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let user = auth::require_user(&session, &state).await?;
    if user.role != crate::dto::Role::Candidate {
        return Err(AppError::Forbidden(
            "accommodations are requested by candidates from their own account".into(),
        ));
    }
    let request = match accommodations::check_request(&fields) {
        Ok(r) => r,
        Err(errors) => {
            let kept = fields
                .iter()
                .filter(|(k, _)| matches!(k.as_str(), "need" | "details" | "documentation"))
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.chars().take(accommodations::MAX_TEXT).collect(),
                    )
                })
                .collect();
            flash::keep(&session, "accommodation", kept, errors).await?;
            return Ok(Redirect::to("/accommodations").into_response());
        }
    };
    match accommodations::submit(&state.db, &user, &request, state.clock.now_ms()).await {
        Ok(_) => Ok(Redirect::to("/accommodations?sent=1").into_response()),
        Err(e @ AppError::Conflict(_)) => {
            let back = crate::t!("account-back-to-accommodations");
            Ok(error_page(
                e.status(),
                &e.public_message(),
                Some(("/accommodations", back.as_str())),
            ))
        }
        Err(e) => Err(e),
    }
}

/// `POST /staff/accommodations/{id}/decision`.
pub async fn decide_accommodation(
    State(state): State<AppState>,
    session: Session,
    Path(raw_id): Path<String>,
    ValidForm(fields): ValidForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let user = auth::require_user(&session, &state).await?;
    users::require_staff(&user, "decide accommodation requests")?;
    let id = parse_record_id(&raw_id, "accommodation request")?;
    let back = ("/staff/accommodations", "Back to the requests");
    let decision = match accommodations::check_decision(&fields) {
        Ok(d) => d,
        Err(message) => return Ok(refused_decision("Request", id, &message, back)),
    };
    let decided = accommodations::decide(
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
