//! A form sent back to its page after a mistake (post/redirect/get with the errors kept in
//! the session for exactly one page view), so the page shows each error beside its field with
//! what was typed still there, with or without JavaScript.

use tower_sessions::Session;

use super::error::AppError;
use crate::dto::{FieldError, FormState};

fn key(form: &str) -> String {
    format!("form:{form}")
}

/// Keeps `values` (never pass a password) and `errors` for the next view of `form`'s page.
pub async fn keep(
    session: &Session,
    form: &str,
    values: Vec<(String, String)>,
    errors: Vec<(&str, String)>,
) -> Result<(), AppError> {
    let state = FormState {
        values,
        errors: errors
            .into_iter()
            .map(|(field, message)| FieldError {
                field: field.to_string(),
                message,
            })
            .collect(),
    };
    session
        .insert(&key(form), state)
        .await
        .map_err(|e| AppError::Internal(format!("cannot keep the form: {e}")))
}

/// The kept state of `form`, removed so a reload shows a clean form.
pub async fn take(session: &Session, form: &str) -> Result<FormState, AppError> {
    Ok(session
        .remove::<FormState>(&key(form))
        .await
        .map_err(|e| AppError::Internal(format!("cannot read the kept form: {e}")))?
        .unwrap_or_default())
}
