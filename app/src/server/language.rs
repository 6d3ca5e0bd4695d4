//! The interface language on the server: the switch in every page's header, and the choice a
//! candidate's account brings to a browser at sign-in.
//!
//! The language lives in the display cookie (see `display`), so it applies from the first byte
//! of every page, before any script and on pages without a session.

use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::error::AppError;
use super::forms::ValidForm;
use super::startup::AppState;
use crate::display::{DisplaySettings, COOKIE};
use crate::i18n::Lang;

tokio::task_local! {
    /// The interface language of the request being answered, for words produced outside a
    /// page (form handlers, error pages); set by `error::with_display`.
    pub static REQUEST_LANG: Lang;
}

/// The `Set-Cookie` value that keeps these settings for a year.
pub fn display_cookie(settings: DisplaySettings) -> String {
    format!(
        "{COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly",
        settings.to_cookie_value()
    )
}

#[derive(Debug, Deserialize)]
pub struct LanguageForm {
    pub language: String,
    pub return_to: Option<String>,
}

/// `POST /settings/language`: the header's switch. Keeps every other display setting.
pub async fn switch(
    headers: HeaderMap,
    ValidForm(form): ValidForm<LanguageForm>,
) -> Result<Response, AppError> {
    let lang = Lang::parse(&form.language).ok_or_else(|| {
        AppError::BadRequest(format!("language {:?} is not one of en, es", form.language))
    })?;
    let settings = DisplaySettings {
        language: Some(lang),
        ..DisplaySettings::from_headers(&headers)
    };
    let target = crate::pages::settings::safe_return(form.return_to.as_deref().unwrap_or(""));
    Ok((
        [(header::SET_COOKIE, display_cookie(settings))],
        Redirect::to(&target),
    )
        .into_response())
}

/// After a sign-in: a browser that has not chosen an interface language takes the
/// candidate's preferred one (a choice made in this browser stands). `None`: nothing to set.
pub async fn cookie_for_account(
    state: &AppState,
    headers: &HeaderMap,
    user_id: i64,
) -> Result<Option<String>, AppError> {
    let current = DisplaySettings::from_headers(headers);
    if current.language.is_some() {
        return Ok(None);
    }
    let preferred = super::accounts::preferred_language(&state.db, user_id)
        .await?
        .and_then(|code| Lang::parse(&code));
    Ok(preferred.map(|lang| {
        display_cookie(DisplaySettings {
            language: Some(lang),
            ..current
        })
    }))
}

/// The request's interface language outside a page (English outside a request).
pub fn request_lang() -> Lang {
    REQUEST_LANG.try_with(|l| *l).unwrap_or_default()
}
