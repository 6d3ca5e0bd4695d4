//! Passkeys (WebAuthn, by webauthn-rs): adding one to a signed-in account, signing in with one,
//! and removing one. The browser side is `passkey.js`, which passes the ceremony's JSON between
//! these endpoints and `navigator.credentials`; each ceremony's state waits in the session.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use serde::Deserialize;
use sqlx::Row;
use tower_sessions::Session;
use webauthn_rs::prelude::{
    Passkey, PasskeyAuthentication, PasskeyRegistration, PublicKeyCredential,
    RegisterPublicKeyCredential, Url, Uuid, Webauthn, WebauthnBuilder,
};

use super::auth;
use super::db::Db;
use super::error::AppError;
use super::startup::AppState;
use super::users;
use crate::dto::PasskeyRow;

const REGISTRATION: &str = "passkey_registration";
const SIGN_IN: &str = "passkey_sign_in";
/// A ceremony must finish within this long of its start (the device's own timeout is 5 min).
const CEREMONY_MS: i64 = 5 * 60 * 1000;

/// The relying party for `public_url`, the address people open the site at. Passkeys are bound
/// to a domain name: an IP address cannot have them (the browser refuses), so neither do we.
pub fn relying_party(public_url: &str) -> Result<Webauthn, String> {
    let url = Url::parse(public_url).map_err(|e| format!("public URL {public_url:?}: {e}"))?;
    let host = url
        .domain()
        .ok_or_else(|| {
            format!("public URL {public_url:?} names no domain (passkeys cannot be bound to an IP address)")
        })?
        .to_string();
    WebauthnBuilder::new(&host, &url)
        .map_err(|e| format!("public URL {public_url:?}: {e}"))?
        .rp_name("Certamen")
        // On a developer's machine the port changes from run to run.
        .allow_any_port(host == "localhost")
        .build()
        .map_err(|e| format!("public URL {public_url:?}: {e}"))
}

use super::crypto::hex;

/// A JSON error the page's script shows as it is.
fn refuse(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(serde_json::json!({ "error": message.into() }))).into_response()
}

fn unavailable() -> Response {
    refuse(
        StatusCode::SERVICE_UNAVAILABLE,
        crate::t!("passkeys-unavailable"),
    )
}

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(e.to_string())
}

/// The user's WebAuthn handle, made at their first passkey.
async fn user_handle(db: &Db, user_id: i64) -> Result<Uuid, AppError> {
    let row = sqlx::query("SELECT webauthn_id FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&db.pool)
        .await?;
    if let Some(text) = row.try_get::<Option<String>, _>("webauthn_id")? {
        return Uuid::parse_str(&text).map_err(internal);
    }
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(internal)?;
    let handle = Uuid::from_bytes(bytes);
    db.write(
        sqlx::query("UPDATE users SET webauthn_id = $1 WHERE id = $2 AND webauthn_id IS NULL")
            .bind(handle.to_string())
            .bind(user_id),
    )
    .await?;
    // Another request may have set it first: read back the one that stuck.
    let stored: String = sqlx::query("SELECT webauthn_id FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&db.pool)
        .await?
        .try_get("webauthn_id")?;
    Uuid::parse_str(&stored).map_err(internal)
}

/// The user's passkeys with their row ids.
async fn stored(db: &Db, user_id: i64) -> Result<Vec<(i64, Passkey)>, AppError> {
    sqlx::query("SELECT id, passkey FROM passkeys WHERE user_id = $1 ORDER BY id")
        .bind(user_id)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| {
            let text: String = r.try_get("passkey")?;
            Ok((
                r.try_get("id")?,
                serde_json::from_str(&text).map_err(internal)?,
            ))
        })
        .collect()
}

/// The user's passkeys as their settings page lists them.
pub async fn list(db: &Db, user_id: i64) -> Result<Vec<PasskeyRow>, AppError> {
    sqlx::query(
        "SELECT id, name, created_at, last_used_at FROM passkeys WHERE user_id = $1 ORDER BY id",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        Ok(PasskeyRow {
            id: r.try_get("id")?,
            name: r.try_get("name")?,
            added_on: super::attempts::day_text(r.try_get("created_at")?),
            last_used_on: r
                .try_get::<Option<i64>, _>("last_used_at")?
                .map(super::attempts::day_text),
        })
    })
    .collect()
}

#[derive(Debug, Deserialize)]
pub struct StartRegistration {
    #[serde(default)]
    pub name: String,
    /// The one-time enrolment code (a staff, vendor or administrator account's first passkey).
    #[serde(default)]
    pub code: String,
}

/// What lets this session add a passkey to its account: for a candidate, being signed in; for
/// a staff, vendor or administrator account, something a password thief lacks — an enrolment
/// code (the first passkey) or a sign-in with a passkey the account already has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Enrolment {
    SignedIn,
    Code(i64),
    ExistingPasskey,
}

impl Enrolment {
    fn describe(self) -> &'static str {
        match self {
            Enrolment::SignedIn => "signed in",
            Enrolment::Code(_) => "enrolment code",
            Enrolment::ExistingPasskey => "signed in with an existing passkey",
        }
    }
}

/// Decides [`Enrolment`], or refuses in the person's words.
async fn enrolment(
    state: &AppState,
    session: &Session,
    user: &users::User,
    has_passkeys: bool,
    code: &str,
) -> Result<Enrolment, AppError> {
    if !super::enrolment::needs_code(user.role) {
        return Ok(Enrolment::SignedIn);
    }
    if auth::signed_in_with(session).await? == Some(auth::Method::Passkey) {
        return Ok(Enrolment::ExistingPasskey);
    }
    if has_passkeys {
        return Err(AppError::Forbidden(crate::t!("passkeys-sign-in-with-one")));
    }
    let id = super::enrolment::check(&state.db, user.id, code, state.clock.now_ms()).await?;
    Ok(Enrolment::Code(id))
}

/// `POST /passkeys/register/start` (JSON `{name}`): the options for `navigator.credentials.create`.
pub async fn register_start(
    State(state): State<AppState>,
    session: Session,
    Json(body): Json<StartRegistration>,
) -> Result<Response, AppError> {
    let user = auth::require_user(&session, &state).await?;
    let Some(rp) = state.webauthn.as_deref() else {
        return Ok(unavailable());
    };
    let name = body.name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() || name.chars().count() > 60 {
        return Ok(refuse(
            StatusCode::BAD_REQUEST,
            crate::t!("passkeys-name-needed"),
        ));
    }
    let existing: Vec<_> = stored(&state.db, user.id)
        .await?
        .iter()
        .map(|(_, p)| p.cred_id().clone())
        .collect();
    let how = match enrolment(&state, &session, &user, !existing.is_empty(), &body.code).await {
        Ok(how) => how,
        Err(AppError::Forbidden(message)) => {
            tracing::warn!(
                user_id = user.id,
                "passkey enrolment refused: no code or passkey"
            );
            return Ok(refuse(StatusCode::FORBIDDEN, message));
        }
        Err(e) => return Err(e),
    };
    let handle = user_handle(&state.db, user.id).await?;
    let (options, registration) = rp
        .start_passkey_registration(handle, &user.email, &user.display_name, Some(existing))
        .map_err(internal)?;
    // Bound to this person and this moment: a later sign-in as someone else in the same
    // browser cannot finish it, and a stale one is refused.
    session
        .insert(
            REGISTRATION,
            (user.id, state.clock.now_ms(), name, how, registration),
        )
        .await
        .map_err(internal)?;
    Ok(Json(options).into_response())
}

/// `POST /passkeys/register/finish` (JSON: the browser's new credential): stores the passkey.
pub async fn register_finish(
    State(state): State<AppState>,
    session: Session,
    Json(credential): Json<RegisterPublicKeyCredential>,
) -> Result<Response, AppError> {
    let user = auth::require_user(&session, &state).await?;
    let Some(rp) = state.webauthn.as_deref() else {
        return Ok(unavailable());
    };
    let pending = session
        .remove::<(i64, i64, String, Enrolment, PasskeyRegistration)>(REGISTRATION)
        .await
        .map_err(internal)?
        .filter(|(owner, started, _, _, _)| {
            *owner == user.id && state.clock.now_ms() - started <= CEREMONY_MS
        });
    let Some((_, _, name, how, registration)) = pending else {
        return Ok(refuse(
            StatusCode::CONFLICT,
            crate::t!("passkeys-register-expired"),
        ));
    };
    let passkey = match rp.finish_passkey_registration(&credential, &registration) {
        Ok(p) => p,
        Err(e) => {
            tracing::info!(user_id = user.id, error = %e, "passkey registration refused");
            return Ok(refuse(
                StatusCode::BAD_REQUEST,
                crate::t!("passkeys-register-unverified"),
            ));
        }
    };
    let now = state.clock.now_ms();
    match add(&state, &user, &name, how, &passkey, now).await {
        Ok(()) => {}
        Err(AppError::Conflict(message) | AppError::Forbidden(message)) => {
            return Ok(refuse(StatusCode::CONFLICT, message))
        }
        Err(e) => return Err(e),
    }
    tracing::info!(user_id = user.id, "passkey added");
    Ok(Json(serde_json::json!({ "added": name })).into_response())
}

/// Stores the passkey, uses up its enrolment code, and audits both, in one transaction.
async fn add(
    state: &AppState,
    user: &users::User,
    name: &str,
    how: Enrolment,
    passkey: &Passkey,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    if let Enrolment::Code(id) = how {
        super::enrolment::consume(&mut tx, id, now).await?;
    }
    let inserted = sqlx::query(
        "INSERT INTO passkeys (user_id, credential_id, name, passkey, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(user.id)
    .bind(hex(passkey.cred_id().as_ref()))
    .bind(name)
    .bind(serde_json::to_string(passkey).map_err(internal)?)
    .bind(now)
    .execute(&mut *tx)
    .await;
    match inserted {
        Ok(_) => {}
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(AppError::Conflict(crate::t!("passkeys-already-registered")))
        }
        Err(e) => return Err(e.into()),
    }
    super::audit::append(
        &mut tx,
        state.db.kind,
        now,
        user,
        "passkey.add",
        &format!("user:{}", user.email),
        serde_json::json!({ "name": name, "by": how.describe() }),
    )
    .await?;
    let notice = passkey_notice(&mut tx, user, name, true, &state.public_url).await?;
    super::mail::enqueue(&mut tx, now, &notice).await?;
    tx.commit().await?;
    Ok(())
}

/// The email telling a person a passkey was added to or removed from their account, in
/// their language: if it was not them, they hear of it at once.
async fn passkey_notice(
    tx: &mut sqlx::AnyConnection,
    user: &users::User,
    name: &str,
    added: bool,
    public_url: &str,
) -> Result<super::mail::Outgoing, AppError> {
    let lang = super::mail::language_of(tx, user.id).await?;
    let settings = format!("{}/settings/passkeys", public_url.trim_end_matches('/'));
    let (kind, subject, body) = if added {
        (
            "passkey.added",
            crate::t!(in lang, "mail-passkey-added-subject"),
            crate::t!(in lang, "mail-passkey-added-body", name = user.display_name.as_str(), passkey = name, settings = settings.as_str()),
        )
    } else {
        (
            "passkey.removed",
            crate::t!(in lang, "mail-passkey-removed-subject"),
            crate::t!(in lang, "mail-passkey-removed-body", name = user.display_name.as_str(), passkey = name, settings = settings.as_str()),
        )
    };
    Ok(super::mail::Outgoing {
        kind,
        to: user.email.clone(),
        lang,
        subject,
        body,
    })
}

#[derive(Debug, Deserialize)]
pub struct StartSignIn {
    #[serde(default)]
    pub email: String,
    /// The page to return to afterwards (the sign-in form's `next`).
    #[serde(default)]
    pub next: String,
}

/// Where a passkey sign-in goes when it succeeds, kept from its start.
const SIGN_IN_NEXT: &str = "passkey_sign_in_next";

/// `POST /passkeys/sign-in/start` (JSON `{email}`): the options for `navigator.credentials.get`.
pub async fn sign_in_start(
    State(state): State<AppState>,
    session: Session,
    Json(body): Json<StartSignIn>,
) -> Result<Response, AppError> {
    let Some(rp) = state.webauthn.as_deref() else {
        return Ok(unavailable());
    };
    if body.email.trim().is_empty() {
        return Ok(refuse(
            StatusCode::BAD_REQUEST,
            crate::t!("passkeys-email-first"),
        ));
    }
    // An unknown address, an account without passkeys and one with passkeys get answers of
    // the same shape: a decoy for the first two, whose credential ids are stable per email (a
    // keyed hash) so asking twice cannot tell them apart; no device holds them, so the
    // ceremony ends in the browser. Real credentials go without their transports hints, which
    // a decoy could not have.
    let found = users::find_for_sign_in(&state.db, &body.email).await?;
    let keys: Vec<Passkey> = match &found {
        Some((user, _)) => stored(&state.db, user.id)
            .await?
            .into_iter()
            .map(|(_, p)| p)
            .collect(),
        None => Vec::new(),
    };
    let (Some((user, _)), false) = (found, keys.is_empty()) else {
        return Ok(Json(decoy_options(&state, &body.email).await?).into_response());
    };
    let (options, authentication) = rp.start_passkey_authentication(&keys).map_err(internal)?;
    session
        .insert(SIGN_IN, (user.id, state.clock.now_ms(), authentication))
        .await
        .map_err(internal)?;
    session
        .insert(SIGN_IN_NEXT, super::forms::after_sign_in(&body.next))
        .await
        .map_err(internal)?;
    let mut options = serde_json::to_value(options).map_err(internal)?;
    if let Some(list) = options["publicKey"]["allowCredentials"].as_array_mut() {
        for credential in list {
            if let Some(c) = credential.as_object_mut() {
                c.remove("transports");
            }
        }
    }
    Ok(Json(options).into_response())
}

/// Sign-in options for an email with no passkey, shaped as real ones.
async fn decoy_options(state: &AppState, email: &str) -> Result<serde_json::Value, AppError> {
    use base64::Engine;
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let secret = super::crypto::server_secret(&state.db, "passkey-decoy").await?;
    let id = super::crypto::keyed_hash(&secret, &email.trim().to_lowercase());
    let mut challenge = [0u8; 32];
    getrandom::fill(&mut challenge).map_err(internal)?;
    let rp_id = Url::parse(&state.public_url)
        .ok()
        .and_then(|u| u.domain().map(str::to_string))
        .unwrap_or_default();
    Ok(serde_json::json!({
        "publicKey": {
            "challenge": b64(&challenge),
            "timeout": webauthn_rs::DEFAULT_AUTHENTICATOR_TIMEOUT.as_millis() as u64,
            "rpId": rp_id,
            "allowCredentials": [{ "type": "public-key", "id": b64(&id[..16]) }],
            "userVerification": "required",
        }
    }))
}

/// `POST /passkeys/sign-in/finish` (JSON: the browser's assertion): signs the account in.
pub async fn sign_in_finish(
    State(state): State<AppState>,
    session: Session,
    headers: axum::http::HeaderMap,
    Json(credential): Json<PublicKeyCredential>,
) -> Result<Response, AppError> {
    let Some(rp) = state.webauthn.as_deref() else {
        return Ok(unavailable());
    };
    let pending = session
        .remove::<(i64, i64, PasskeyAuthentication)>(SIGN_IN)
        .await
        .map_err(internal)?
        .filter(|(_, started, _)| state.clock.now_ms() - started <= CEREMONY_MS);
    let Some((user_id, _, authentication)) = pending else {
        return Ok(refuse(
            StatusCode::CONFLICT,
            crate::t!("passkeys-sign-in-expired"),
        ));
    };
    let result = match rp.finish_passkey_authentication(&credential, &authentication) {
        Ok(r) => r,
        Err(e) => {
            tracing::info!(user_id, error = %e, "passkey sign-in refused");
            return Ok(refuse(
                StatusCode::UNAUTHORIZED,
                crate::t!("passkeys-unverified"),
            ));
        }
    };
    // The passkey must still be on the account (one removed after the ceremony began no
    // longer signs in); keep its signature counter and backup state current.
    let credential_id = hex(result.cred_id().as_ref());
    let Some((id, mut passkey)) = stored(&state.db, user_id)
        .await?
        .into_iter()
        .find(|(_, p)| hex(p.cred_id().as_ref()) == credential_id)
    else {
        return Ok(refuse(
            StatusCode::UNAUTHORIZED,
            crate::t!("passkeys-removed-from-account"),
        ));
    };
    passkey.update_credential(&result);
    let updated = state.db.write(sqlx::query(
        "UPDATE passkeys SET passkey = $1, last_used_at = $2 WHERE id = $3 AND user_id = $4",
    )
    .bind(serde_json::to_string(&passkey).map_err(internal)?)
    .bind(state.clock.now_ms())
    .bind(id)
    .bind(user_id)
    )
    .await?;
    if updated.rows_affected() == 0 {
        return Ok(refuse(
            StatusCode::UNAUTHORIZED,
            crate::t!("passkeys-removed-from-account"),
        ));
    }
    let user = users::find_by_id(&state.db, user_id)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let body_next: String = session
        .remove(SIGN_IN_NEXT)
        .await
        .map_err(internal)?
        .unwrap_or_default();
    let known_device = super::devices::known_for(&state.db, &headers, user_id).await?;
    let cookies = auth::complete_sign_in(
        &state,
        &session,
        &headers,
        &user,
        auth::Method::Passkey,
        known_device.as_deref(),
    )
    .await?;
    tracing::info!(user_id, "signed in with a passkey");
    let go = super::forms::after_sign_in(&body_next);
    Ok(super::forms::with_cookies(
        Json(serde_json::json!({ "go": go })).into_response(),
        cookies,
    ))
}

/// `POST /passkeys/{id}/remove` (a plain form on the settings page).
pub async fn remove(
    State(state): State<AppState>,
    session: Session,
    Path(raw_id): Path<String>,
) -> Result<Response, AppError> {
    let user = auth::require_user(&session, &state).await?;
    let id = super::forms::parse_record_id(&raw_id, "passkey")?;
    // A password thief must not be able to take the owner's passkeys away either.
    if super::enrolment::needs_code(user.role)
        && auth::signed_in_with(&session).await? != Some(auth::Method::Passkey)
    {
        return Err(AppError::Forbidden(crate::t!(
            "passkeys-remove-needs-passkey"
        )));
    }
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let name: Option<String> =
        sqlx::query_scalar("SELECT name FROM passkeys WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user.id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some(name) = name else {
        let message = crate::t!("passkeys-not-found", id = id.to_string());
        return Err(AppError::NotFound(message));
    };
    sqlx::query("DELETE FROM passkeys WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user.id)
        .execute(&mut *tx)
        .await?;
    super::audit::append(
        &mut tx,
        state.db.kind,
        now,
        &user,
        "passkey.remove",
        &format!("user:{}", user.email),
        serde_json::json!({ "name": name }),
    )
    .await?;
    let notice = passkey_notice(&mut tx, &user, &name, false, &state.public_url).await?;
    super::mail::enqueue(&mut tx, now, &notice).await?;
    tx.commit().await?;
    Ok(Redirect::to("/settings/passkeys?removed=1").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relying_party_needs_a_domain() {
        assert!(relying_party("http://localhost:3000").is_ok());
        assert!(relying_party("https://exam.example.org").is_ok());
        let ip = relying_party("http://127.0.0.1:3000").unwrap_err();
        assert!(ip.contains("IP address"), "{ip}");
        assert!(relying_party("not a url").is_err());
    }
}
