//! Candidate registration confirmed by email. A registration that passes the form's checks is
//! kept aside (`pending_registrations`) and a link is mailed to the address; the account is
//! made when the link is opened and confirmed. If the address already has an account, its
//! owner is told by mail instead. Either way the page says the same thing, so registering
//! tells nobody whether an email has an account, and no account exists before its owner has
//! shown they read that mailbox.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use tower_sessions::Session;

use super::accounts::{self, Registration};
use super::crypto::{random_hex, sha256_hex};
use super::error::AppError;
use super::forms::ValidForm;
use super::mail::{self, Outgoing};
use super::startup::AppState;
use crate::i18n::Lang;

/// How long a confirmation link works.
pub const LINK_VALID_MS: i64 = 24 * 3_600_000;

/// At most this many messages an hour to one address from registrations: nobody can use the
/// form to flood a mailbox.
pub const MAILS_PER_HOUR: i64 = 3;

/// What a pending registration keeps besides its password's hash.
#[derive(Debug, Serialize, Deserialize)]
struct Details {
    name: String,
    date_of_birth: String,
    county: String,
    language: String,
}

/// Keeps `registration` aside and mails its confirmation link, or tells the address's owner
/// that someone tried to register it. The same outcome for the person either way.
pub async fn request(
    state: &AppState,
    registration: &Registration,
    password_hash: &str,
) -> Result<(), AppError> {
    let now = state.clock.now_ms();
    let lang = Lang::parse(registration.language).unwrap_or(Lang::En);
    let base = state.public_url.trim_end_matches('/').to_string();
    let mut tx = state.db.begin().await?;
    let recent: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM mail_outbox WHERE to_address = $1 AND created_at > $2 \
         AND kind IN ('account.confirm', 'account.exists')",
    )
    .bind(&registration.email)
    .bind(now - 3_600_000)
    .fetch_one(&mut *tx)
    .await?;
    if recent >= MAILS_PER_HOUR {
        tracing::warn!("registration mail not sent: the address's hour is used");
        return Ok(());
    }
    let existing = sqlx::query("SELECT id, display_name FROM users WHERE email = $1")
        .bind(&registration.email)
        .fetch_optional(&mut *tx)
        .await?;
    let message = match existing {
        Some(row) => {
            let id: i64 = row.try_get("id")?;
            let name: String = row.try_get("display_name")?;
            let lang = match mail::language_of(&mut tx, id).await? {
                Lang::En => lang,
                other => other,
            };
            Outgoing {
                kind: "account.exists",
                to: registration.email.clone(),
                lang,
                subject: crate::t!(in lang, "mail-register-exists-subject"),
                body: crate::t!(in lang, "mail-register-exists-body",
                    name = name.as_str(),
                    signin = format!("{base}/signin").as_str(),
                    recover = format!("{base}/signin/forgot").as_str()),
            }
        }
        None => {
            let token = random_hex(32)?;
            let details = Details {
                name: registration.name.clone(),
                date_of_birth: registration.date_of_birth.to_string(),
                county: registration.county.to_string(),
                language: registration.language.to_string(),
            };
            sqlx::query(
                "INSERT INTO pending_registrations (email, token_hash, details, password_hash, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&registration.email)
            .bind(sha256_hex(&token))
            .bind(serde_json::to_string(&details).map_err(|e| AppError::Internal(e.to_string()))?)
            .bind(password_hash)
            .bind(now)
            .bind(now + LINK_VALID_MS)
            .execute(&mut *tx)
            .await?;
            Outgoing {
                kind: "account.confirm",
                to: registration.email.clone(),
                lang,
                subject: crate::t!(in lang, "mail-register-confirm-subject"),
                body: crate::t!(in lang, "mail-register-confirm-body",
                    name = registration.name.as_str(),
                    link = format!("{base}/account/confirm?token={token}").as_str(),
                    hours = LINK_VALID_MS / 3_600_000),
            }
        }
    };
    mail::enqueue(&mut tx, now, &message).await?;
    tx.commit().await?;
    Ok(())
}

/// The registration a pending row describes.
fn restore(email: String, details: &str) -> Option<Registration> {
    let d: Details = serde_json::from_str(details).ok()?;
    let county = crate::places::COUNTIES
        .iter()
        .map(|(name, _)| *name)
        .find(|name| *name == d.county)?;
    let language = match d.language.as_str() {
        "en" => "en",
        "es" => "es",
        _ => return None,
    };
    Some(Registration {
        name: d.name,
        email,
        password: String::new(),
        date_of_birth: accounts::parse_date(&d.date_of_birth)?,
        county,
        language,
    })
}

/// Makes the account of a confirmed registration: the link used up and the account made in
/// one transaction. `Ok(None)`: the link is unknown, used or expired.
pub async fn confirm(state: &AppState, token: &str) -> Result<Option<i64>, AppError> {
    let now = state.clock.now_ms();
    let hash = sha256_hex(token.trim());
    let mut tx = state.db.begin().await?;
    let row = sqlx::query(
        "SELECT id, email, details, password_hash FROM pending_registrations \
         WHERE token_hash = $1 AND expires_at > $2",
    )
    .bind(&hash)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    // Used up first: of two confirmations with one link, only one deletes it.
    let taken = sqlx::query("DELETE FROM pending_registrations WHERE token_hash = $1")
        .bind(&hash)
        .execute(&mut *tx)
        .await?;
    if taken.rows_affected() != 1 {
        return Ok(None);
    }
    let email: String = row.try_get("email")?;
    let details: String = row.try_get("details")?;
    let password_hash: String = row.try_get("password_hash")?;
    let registration = restore(email.clone(), &details).ok_or_else(|| {
        AppError::Internal(format!("pending registration {email}: unreadable details"))
    })?;
    // Any other pending registration of the address goes with it.
    sqlx::query("DELETE FROM pending_registrations WHERE email = $1")
        .bind(&email)
        .execute(&mut *tx)
        .await?;
    let id = accounts::create_candidate_on(&mut tx, &registration, &password_hash, now).await?;
    tx.commit().await?;
    Ok(Some(id))
}

#[derive(Debug, Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    pub token: String,
}

/// `POST /account/confirm`: the account made and signed in; to the dashboard.
pub async fn confirm_form(
    State(state): State<AppState>,
    session: Session,
    headers: axum::http::HeaderMap,
    ValidForm(form): ValidForm<ConfirmForm>,
) -> Result<Response, AppError> {
    let id = match confirm(&state, &form.token).await {
        Ok(Some(id)) => id,
        Ok(None) => return Ok(Redirect::to("/account/confirm?error=link").into_response()),
        // Someone made the account meanwhile (a second registration confirmed first).
        Err(AppError::Conflict(_)) => {
            return Ok(Redirect::to("/account/confirm?error=exists").into_response())
        }
        Err(e) => return Err(e),
    };
    let user = super::users::find_by_id(&state.db, id)
        .await?
        .ok_or_else(|| AppError::Internal(format!("account {id} vanished after creation")))?;
    // A new account: no browser knows it yet; the language chosen becomes the browser's.
    let cookies = super::auth::complete_sign_in(
        &state,
        &session,
        &headers,
        &user,
        super::auth::Method::Password,
        None,
    )
    .await?;
    tracing::info!(user_id = id, "candidate account created");
    Ok(super::forms::with_cookies(
        Redirect::to("/dashboard").into_response(),
        cookies,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pending_registration_restores_only_known_values() {
        let details = |county: &str, language: &str| {
            serde_json::json!({ "name": "Ana", "date_of_birth": "1990-01-02", "county": county, "language": language })
                .to_string()
        };
        let r = restore("ana@example.org".into(), &details("Fresno", "es")).expect("restored");
        assert_eq!((r.county, r.language), ("Fresno", "es"));
        assert!(restore("a@example.org".into(), &details("Narnia", "es")).is_none());
        assert!(restore("a@example.org".into(), &details("Fresno", "fr")).is_none());
        assert!(restore("a@example.org".into(), "not json").is_none());
    }
}
