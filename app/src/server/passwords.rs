//! The password lifecycle: changing it (the current one required), the change forced on a
//! password an administrator chose, and recovery by a one-time link sent by email.
//!
//! Every change is audited and told to the person by email in the same transaction. A change
//! signs out the account's other sessions; a recovery signs out all of them (whoever had the
//! old password is out) and uses up every other link of the account.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;

use super::audit;
use super::auth;
use super::crypto::{random_hex, sha256_hex};
use super::error::AppError;
use super::forms::ValidForm;
use super::mail::{self, Outgoing};
use super::startup::AppState;
use super::users::User;
use crate::i18n::Lang;

/// How long a recovery link works.
pub const LINK_VALID_MS: i64 = crate::dto::RESET_LINK_MINUTES * 60_000;

/// At most this many recovery links an hour for one account: no one can flood a mailbox.
pub const LINKS_PER_HOUR: i64 = 3;

/// Why a new password was refused, as the page's `?error=` code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The current password given was wrong.
    Current,
    Short,
    Long,
    /// The two new passwords differ.
    Mismatch,
    /// The new password is the current one.
    Same,
    /// The recovery link is unknown, used or expired.
    Link,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Refusal::Current => "current",
            Refusal::Short => "short",
            Refusal::Long => "long",
            Refusal::Mismatch => "mismatch",
            Refusal::Same => "same",
            Refusal::Link => "link",
        }
    }
}

/// Checks a new password and its repetition.
pub fn check_new(new: &str, repeat: &str) -> Result<(), Refusal> {
    let length = new.chars().count();
    if length < super::accounts::MIN_PASSWORD {
        Err(Refusal::Short)
    } else if length > 128 {
        Err(Refusal::Long)
    } else if new != repeat {
        Err(Refusal::Mismatch)
    } else {
        Ok(())
    }
}

/// The notice that an account's password changed, in the person's language.
async fn changed_notice(
    tx: &mut sqlx::AnyConnection,
    user: &User,
    state: &AppState,
    by_link: bool,
) -> Result<Outgoing, AppError> {
    let lang = mail::language_of(tx, user.id).await?;
    let recover = format!("{}/signin/forgot", state.public_url.trim_end_matches('/'));
    Ok(Outgoing {
        kind: "password.changed",
        to: user.email.clone(),
        lang,
        subject: crate::t!(in lang, "mail-password-changed-subject"),
        body: if by_link {
            crate::t!(in lang, "mail-password-reset-body", name = user.display_name.as_str(), recover = recover.as_str())
        } else {
            crate::t!(in lang, "mail-password-changed-body", name = user.display_name.as_str(), recover = recover.as_str())
        },
    })
}

/// Sets a signed-in person's new password, given the current one. Signs out their other
/// sessions. Returns the refusal for the form, if any.
pub async fn change(
    state: &AppState,
    user: &User,
    session_id: Option<String>,
    current: String,
    new: String,
    repeat: &str,
) -> Result<Result<(), Refusal>, AppError> {
    if let Err(r) = check_new(&new, repeat) {
        return Ok(Err(r));
    }
    let stored: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
        .bind(user.id)
        .fetch_one(&state.db.pool)
        .await?;
    if !auth::verify_password(current.clone(), stored.clone()).await? {
        return Ok(Err(Refusal::Current));
    }
    if current == new {
        return Ok(Err(Refusal::Same));
    }
    let hash = auth::hash_password(new).await?;
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    // Only over the hash just checked: two changes at once cannot both pass on the old one.
    let updated = sqlx::query(
        "UPDATE users SET password_hash = $1, password_must_change = 0 WHERE id = $2 AND password_hash = $3",
    )
    .bind(&hash)
    .bind(user.id)
    .bind(&stored)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() != 1 {
        return Ok(Err(Refusal::Current));
    }
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
        .bind(user.id)
        .bind(session_id.unwrap_or_default())
        .execute(&mut *tx)
        .await?;
    audit::append(
        &mut tx,
        state.db.kind,
        now,
        user,
        "password.change",
        &format!("user:{}", user.email),
        serde_json::json!({ "other_sessions": "signed out" }),
    )
    .await?;
    let notice = changed_notice(&mut tx, user, state, false).await?;
    mail::enqueue(&mut tx, now, &notice).await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// Sends a recovery link to `email` if it has an enabled account, within [`LINKS_PER_HOUR`].
/// The answer is the same either way (whether an email has an account is nobody's business).
pub async fn request_link(state: &AppState, email: &str, lang: Lang) -> Result<(), AppError> {
    let now = state.clock.now_ms();
    let Some((user, _)) = super::users::find_for_sign_in(&state.db, email).await? else {
        return Ok(());
    };
    let token = random_hex(32)?;
    let mut tx = state.db.begin().await?;
    // The account's row locked (PostgreSQL; SQLite has one writer): the count below holds.
    sqlx::query("UPDATE users SET role = role WHERE id = $1")
        .bind(user.id)
        .execute(&mut *tx)
        .await?;
    let recent: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM password_resets WHERE user_id = $1 AND created_at > $2",
    )
    .bind(user.id)
    .bind(now - 3_600_000)
    .fetch_one(&mut *tx)
    .await?;
    if recent >= LINKS_PER_HOUR {
        tracing::warn!(
            user_id = user.id,
            "recovery link not sent: the hour's links are used"
        );
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO password_resets (user_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(user.id)
    .bind(sha256_hex(&token))
    .bind(now)
    .bind(now + LINK_VALID_MS)
    .execute(&mut *tx)
    .await?;
    // Their own language if they have one, else the page's they asked from.
    let lang = match mail::language_of(&mut tx, user.id).await? {
        Lang::En => lang,
        other => other,
    };
    let link = format!(
        "{}/signin/reset?token={token}",
        state.public_url.trim_end_matches('/')
    );
    mail::enqueue(
        &mut tx,
        now,
        &Outgoing {
            kind: "password.reset_link",
            to: user.email.clone(),
            lang,
            subject: crate::t!(in lang, "mail-reset-link-subject"),
            body: crate::t!(in lang, "mail-reset-link-body",
                name = user.display_name.as_str(),
                link = link.as_str(),
                minutes = LINK_VALID_MS / 60_000),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Sets a new password through a recovery link: the link is used up, with every other link of
/// the account, and every session of the account ends.
pub async fn reset(
    state: &AppState,
    token: &str,
    new: String,
    repeat: &str,
) -> Result<Result<(), Refusal>, AppError> {
    if let Err(r) = check_new(&new, repeat) {
        return Ok(Err(r));
    }
    let now = state.clock.now_ms();
    let hash = auth::hash_password(new).await?;
    let mut tx = state.db.begin().await?;
    // Used up first: of two resets with one link, only one finds it unused.
    let used = sqlx::query(
        "UPDATE password_resets SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1",
    )
    .bind(now)
    .bind(sha256_hex(token.trim()))
    .execute(&mut *tx)
    .await?;
    if used.rows_affected() != 1 {
        return Ok(Err(Refusal::Link));
    }
    let row = sqlx::query(
        "SELECT u.id, u.email, u.display_name, u.role FROM password_resets r JOIN users u ON u.id = r.user_id \
         WHERE r.token_hash = $1 AND u.disabled_at IS NULL",
    )
    .bind(sha256_hex(token.trim()))
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        return Ok(Err(Refusal::Link));
    };
    let user = super::users::user_from_row(&row)?;
    sqlx::query("UPDATE users SET password_hash = $1, password_must_change = 0 WHERE id = $2")
        .bind(&hash)
        .bind(user.id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
        .bind(now)
        .bind(user.id)
        .execute(&mut *tx)
        .await?;
    let signed_out = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user.id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    audit::append(
        &mut tx,
        state.db.kind,
        now,
        &user,
        "password.reset",
        &format!("user:{}", user.email),
        serde_json::json!({ "by": "recovery link", "sessions_signed_out": signed_out }),
    )
    .await?;
    let notice = changed_notice(&mut tx, &user, state, true).await?;
    mail::enqueue(&mut tx, now, &notice).await?;
    tx.commit().await?;
    Ok(Ok(()))
}

#[derive(Debug, Deserialize)]
pub struct ChangeForm {
    #[serde(default)]
    pub current: String,
    #[serde(default)]
    pub new: String,
    #[serde(default)]
    pub repeat: String,
}

/// `POST /settings/password`.
pub async fn change_form(
    State(state): State<AppState>,
    session: Session,
    ValidForm(form): ValidForm<ChangeForm>,
) -> Result<Response, AppError> {
    let user = auth::require_user_changing_password(&session, &state).await?;
    let session_id = session.id().map(|id| id.to_string());
    match change(
        &state,
        &user,
        session_id,
        form.current,
        form.new,
        &form.repeat,
    )
    .await?
    {
        Ok(()) => {
            auth::password_changed(&session).await?;
            Ok(Redirect::to("/settings/password?changed=1").into_response())
        }
        Err(r) => {
            Ok(Redirect::to(&format!("/settings/password?error={}", r.code())).into_response())
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    pub email: String,
}

/// `POST /auth/recovery`: always the same answer.
pub async fn forgot_form(
    State(state): State<AppState>,
    ValidForm(form): ValidForm<ForgotForm>,
) -> Result<Response, AppError> {
    if form.email.trim().is_empty() {
        return Ok(Redirect::to("/signin/forgot?error=email").into_response());
    }
    request_link(&state, &form.email, crate::i18n::page_lang()).await?;
    Ok(Redirect::to("/signin/forgot?sent=1").into_response())
}

#[derive(Debug, Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    pub token: String,
    #[serde(default)]
    pub new: String,
    #[serde(default)]
    pub repeat: String,
}

/// `POST /auth/reset`: a new password through a recovery link; then to sign in with it.
pub async fn reset_form(
    State(state): State<AppState>,
    session: Session,
    ValidForm(form): ValidForm<ResetForm>,
) -> Result<Response, AppError> {
    match reset(&state, &form.token, form.new, &form.repeat).await? {
        Ok(()) => {
            // This browser too starts signed out: it signs in with the new password.
            auth::sign_out(&session).await?;
            Ok(Redirect::to("/signin?reset=1").into_response())
        }
        // The link stays in the address (not in a log: it is POSTed, and the page is no-store).
        Err(Refusal::Link) => Ok(Redirect::to("/signin/reset?error=link").into_response()),
        Err(r) => Ok(Redirect::to(&format!(
            "/signin/reset?error={}&token={}",
            r.code(),
            crate::pages::layout::encode_query(form.token.trim())
        ))
        .into_response()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_password_is_checked_for_length_and_repetition() {
        assert_eq!(check_new("short", "short"), Err(Refusal::Short));
        assert_eq!(
            check_new(&"x".repeat(129), &"x".repeat(129)),
            Err(Refusal::Long)
        );
        assert_eq!(
            check_new("long enough one", "long enough two"),
            Err(Refusal::Mismatch)
        );
        assert_eq!(check_new("long enough one", "long enough one"), Ok(()));
    }
}
