//! Password sign-in (argon2id) and the signed-in user of a request.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use tower_sessions::Session;

use super::db::Db;
use super::error::AppError;
use super::session_store::session_error;
use super::users::{self, User};

use super::session_store::{ACCOUNT_KEY, USER_KEY};
const METHOD_KEY: &str = "signed_in_with";
/// When the session signed in (Unix ms by the system clock, to the second): a session ends
/// [`ABSOLUTE_LIFETIME_MS`] after it, however busy it is.
const SIGNED_IN_AT_KEY: &str = "signed_in_at";
/// This sign-in and the account's one before it, by the server's clock (the audit log's), for
/// the dashboard's notice of what changed in between.
const SIGN_IN_TIMES_KEY: &str = "sign_in_times";
/// The longest a sign-in lasts: beyond the longest exam (2.5 hours at +300 % is 10 hours, with
/// breaks), short enough that a session left open on a shared computer ends the same day.
pub const ABSOLUTE_LIFETIME_MS: i64 = 14 * 3600 * 1000;
/// Set when the account signed in with a password an administrator chose: until the person
/// chooses their own, every page but the password page refuses.
const MUST_CHANGE_KEY: &str = "must_change_password";
/// When the session was last written (Unix seconds); see [`RENEW_AFTER_S`].
const RENEWED_KEY: &str = "renewed_at";

/// A session ends after four hours without a request (`Expiry::OnInactivity`), but its expiry
/// in the store moves only when the session is written, and reading a session does not write
/// it: without this, every session ended four hours after sign-in, in the middle of an exam
/// with extended time (up to 400 %). A session in use is written again at most every half
/// hour, so it lives until four hours after its last request give or take that, at one write
/// per candidate per half hour rather than one per request.
pub const RENEW_AFTER_S: i64 = 30 * 60;

/// How the session was signed in (staff and administrators are held to passkeys).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Method {
    Password,
    Passkey,
}

/// Records how this session was signed in, right after `sign_in`.
pub async fn record_method(session: &Session, method: Method) -> Result<(), AppError> {
    session
        .insert(METHOD_KEY, method)
        .await
        .map_err(session_error)
}

/// How this session was signed in, if it is.
pub async fn signed_in_with(session: &Session) -> Result<Option<Method>, AppError> {
    session.get(METHOD_KEY).await.map_err(session_error)
}

/// Hashes a password with argon2id and a random salt, on a hashing thread.
pub async fn hash_password(password: String) -> Result<String, AppError> {
    super::hashing::run(move || {
        let mut salt_bytes = [0u8; 16];
        getrandom::fill(&mut salt_bytes)
            .map_err(|e| AppError::Internal(format!("no OS randomness: {e}")))?;
        let salt =
            SaltString::encode_b64(&salt_bytes).map_err(|e| AppError::Internal(e.to_string()))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(format!("cannot hash password: {e}")))
    })
    .await
}

/// Checks a password against a stored hash, on a hashing thread.
pub async fn verify_password(password: String, hash: String) -> Result<bool, AppError> {
    super::hashing::run(move || {
        let parsed = PasswordHash::new(&hash)
            .map_err(|e| AppError::Internal(format!("stored hash unreadable: {e}")))?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
}

/// Signs `user` in on this session, with a fresh session id (no session fixation).
pub async fn sign_in(session: &Session, user: &User) -> Result<(), AppError> {
    session.cycle_id().await.map_err(session_error)?;
    // Another account's, read with the session before the sign-in.
    session
        .remove_value(ACCOUNT_KEY)
        .await
        .map_err(session_error)?;
    session
        .insert(USER_KEY, user.id)
        .await
        .map_err(session_error)?;
    session
        .insert(SIGNED_IN_AT_KEY, unix_now() * 1000)
        .await
        .map_err(session_error)?;
    session
        .insert(RENEWED_KEY, unix_now())
        .await
        .map_err(session_error)
}

/// Everything a sign-in does besides checking who it is, for passwords and passkeys alike:
/// the session (new id, the method), the account's previous sign-in kept for the dashboard's
/// "since you last signed in" notice, the browser remembered as known to the account
/// (`known_device`: what `devices::known_for` found for this request), and the account's
/// preferred language. The two writes share one transaction (one commit in the sign-in storm
/// at an exam's start). Returns the cookies to set.
pub async fn complete_sign_in(
    state: &super::startup::AppState,
    session: &Session,
    headers: &axum::http::HeaderMap,
    user: &User,
    method: Method,
    known_device: Option<&str>,
) -> Result<Vec<String>, AppError> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    // One read for both: the previous sign-in and whether the password is temporary.
    let (previous, must_change): (Option<i64>, i64) =
        sqlx::query_as("SELECT last_sign_in_at, password_must_change FROM users WHERE id = $1")
            .bind(user.id)
            .fetch_optional(&mut *tx)
            .await?
            .unwrap_or((None, 0));
    let must_change = must_change != 0;
    sqlx::query("UPDATE users SET last_sign_in_at = $1 WHERE id = $2")
        .bind(now)
        .bind(user.id)
        .execute(&mut *tx)
        .await?;
    let device_cookie =
        super::devices::remember(&mut tx, known_device, user.id, now, state.secure_cookies).await?;
    tx.commit().await?;
    sign_in(session, user).await?;
    record_method(session, method).await?;
    session
        .insert(SIGN_IN_TIMES_KEY, (now, previous))
        .await
        .map_err(session_error)?;
    if must_change {
        session
            .insert(MUST_CHANGE_KEY, true)
            .await
            .map_err(session_error)?;
    }
    let mut cookies: Vec<String> = device_cookie.into_iter().collect();
    if let Some(c) = super::language::cookie_for_account(state, headers, user.id).await? {
        cookies.push(c);
    }
    Ok(cookies)
}

/// When this session signed in and the account's sign-in before it (Unix ms by the server's
/// clock, as the audit log's times), for the dashboard's notice of what changed in between.
pub async fn sign_in_times(session: &Session) -> Result<(Option<i64>, Option<i64>), AppError> {
    let times: Option<(i64, Option<i64>)> = session
        .get(SIGN_IN_TIMES_KEY)
        .await
        .map_err(session_error)?;
    Ok(match times {
        Some((at, previous)) => (Some(at), previous),
        None => (None, None),
    })
}

pub fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Marks the session for writing (which moves its expiry) when it was last written long ago.
async fn renew_if_due(session: &Session) -> Result<(), AppError> {
    let now = unix_now();
    let renewed: Option<i64> = session.get(RENEWED_KEY).await.map_err(session_error)?;
    if renewal_due(renewed, now) {
        session
            .insert(RENEWED_KEY, now)
            .await
            .map_err(session_error)?;
    }
    Ok(())
}

fn renewal_due(renewed: Option<i64>, now: i64) -> bool {
    renewed.is_none_or(|at| now - at >= RENEW_AFTER_S || at > now)
}

/// Whether a session's stored data (read beside an attempt, in the same query: see
/// `attempts::record::Reader`) signs in `user_id` and is not yet due for renewal; then the
/// request needs nothing more of its session. Anything else (another account, a renewal due,
/// data that does not parse) is for [`require_user`] to settle.
pub fn session_data_current(data: &str, user_id: i64, now: i64) -> bool {
    let Ok(data) = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(data) else {
        return false;
    };
    let renewed = data.get(RENEWED_KEY).and_then(serde_json::Value::as_i64);
    data.get(USER_KEY).and_then(serde_json::Value::as_i64) == Some(user_id)
        && !renewal_due(renewed, now)
}

/// The person chose their own password: the rest of the site opens.
pub async fn password_changed(session: &Session) -> Result<(), AppError> {
    session
        .remove_value(MUST_CHANGE_KEY)
        .await
        .map_err(session_error)?;
    Ok(())
}

/// Whether this session must choose its own password first (for the password page's words).
pub async fn must_change_password(session: &Session) -> Result<bool, AppError> {
    let flag: Option<bool> = session.get(MUST_CHANGE_KEY).await.map_err(session_error)?;
    Ok(flag == Some(true))
}

pub async fn sign_out(session: &Session) -> Result<(), AppError> {
    session.flush().await.map_err(session_error)
}

/// The signed-in user, or `Unauthenticated`; `console_sign_in` says whether this session may
/// use the staff and administrator pages.
pub async fn require_user(
    session: &Session,
    state: &super::startup::AppState,
) -> Result<User, AppError> {
    let user = require_user_changing_password(session, state).await?;
    let must_change: Option<bool> = session.get(MUST_CHANGE_KEY).await.map_err(session_error)?;
    if must_change == Some(true) {
        return Err(AppError::MustChangePassword);
    }
    Ok(user)
}

/// [`require_user`] for the password page itself, which a person with an administrator's
/// temporary password may (and must) use.
pub async fn require_user_changing_password(
    session: &Session,
    state: &super::startup::AppState,
) -> Result<User, AppError> {
    let mut user = signed_in_user(session, &state.db).await?;
    user.console_sign_in =
        state.staff_passwords || signed_in_with(session).await? == Some(Method::Passkey);
    Ok(user)
}

async fn signed_in_user(session: &Session, db: &Db) -> Result<User, AppError> {
    let id: Option<i64> = session.get(USER_KEY).await.map_err(session_error)?;
    let Some(id) = id else {
        return Err(AppError::Unauthenticated);
    };
    // The account as read with the session (see `session_store`); a session stored before
    // that, or one signed in during this request, reads it here.
    let user = match session
        .get_value(ACCOUNT_KEY)
        .await
        .map_err(session_error)?
    {
        Some(serde_json::Value::Null) => return Err(AppError::Unauthenticated),
        Some(account) if account["id"].as_i64() == Some(id) => serde_json::from_value(account)
            .map_err(|e| AppError::Internal(format!("the session's account: {e}")))?,
        _ => users::find_by_id(db, id)
            .await?
            .ok_or(AppError::Unauthenticated)?,
    };
    // A session past its absolute lifetime ends, however busy (checked here, on the full read,
    // at least every `RENEW_AFTER_S`: the fast read of an attempt's page defers to this one
    // whenever a renewal is due).
    let signed_in_at: Option<i64> = session.get(SIGNED_IN_AT_KEY).await.map_err(session_error)?;
    if signed_in_at.is_some_and(|at| unix_now() * 1000 - at > ABSOLUTE_LIFETIME_MS) {
        session.flush().await.map_err(session_error)?;
        return Err(AppError::Unauthenticated);
    }
    renew_if_due(session).await?;
    Ok(user)
}

/// A random password for demo accounts: 16 characters from an unambiguous alphabet.
pub fn random_password() -> Result<String, AppError> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY346789";
    super::crypto::random_chars(ALPHABET, 16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_data_is_current_only_for_its_account_before_renewal_is_due() {
        let now = 1_800_000_000;
        let data = |user: i64, renewed: i64| {
            format!(
                r#"{{"{USER_KEY}":{user},"{RENEWED_KEY}":{renewed},"{METHOD_KEY}":"Password"}}"#
            )
        };
        assert!(session_data_current(&data(7, now - 60), 7, now));
        // Another account's session, even one of the same age.
        assert!(!session_data_current(&data(8, now - 60), 7, now));
        // Due for renewal (written half an hour ago), or written "in the future".
        assert!(!session_data_current(&data(7, now - RENEW_AFTER_S), 7, now));
        assert!(!session_data_current(&data(7, now + 5), 7, now));
        // No renewal time, no account, not JSON.
        assert!(!session_data_current(
            &format!(r#"{{"{USER_KEY}":7}}"#),
            7,
            now
        ));
        assert!(!session_data_current("{}", 7, now));
        assert!(!session_data_current("not json", 7, now));
    }
}
