//! Browsers an account knows: after a sign-in, the browser keeps a random token in the
//! `certamen_device` cookie (a year, HttpOnly), and the database keeps its SHA-256 with the
//! account. A password sign-in from such a browser draws on a budget of its own
//! (`sign_in_limits::Bucket::Device`), so guessers elsewhere cannot lock the owner out.
//! The token proves nothing by itself: the password is still checked.

use axum::http::HeaderMap;
use sqlx::Row;

use super::db::Db;
use super::error::AppError;

pub const COOKIE: &str = "certamen_device";
const MAX_AGE_S: i64 = 365 * 24 * 3600;

fn hash(token: &str) -> String {
    super::crypto::sha256_hex(token)
}

/// The device token this request carries, if it carries one of the right shape.
pub fn token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|header| crate::display::cookie_value(header, COOKIE))
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_string)
}

/// The hash of this request's device token when the account `user_id` knows that browser.
pub async fn known_for(
    db: &Db,
    headers: &HeaderMap,
    user_id: i64,
) -> Result<Option<String>, AppError> {
    let Some(token) = token(headers) else {
        return Ok(None);
    };
    let hashed = hash(&token);
    let row = sqlx::query("SELECT user_id FROM known_devices WHERE token_hash = $1")
        .bind(&hashed)
        .fetch_optional(&db.pool)
        .await?;
    Ok(match row {
        Some(r) if r.try_get::<i64, _>("user_id")? == user_id => Some(hashed),
        _ => None,
    })
}

/// After a sign-in, inside its transaction: the browser is known to the account from now on.
/// `known` is what [`known_for`] found for this request. Returns the `Set-Cookie` value when a
/// new token was made (a browser that already holds this account's token keeps it; one
/// holding another account's gets a new one, so a shared computer knows both).
pub async fn remember(
    tx: &mut sqlx::AnyConnection,
    known: Option<&str>,
    user_id: i64,
    now: i64,
    secure: bool,
) -> Result<Option<String>, AppError> {
    if let Some(hashed) = known {
        sqlx::query("UPDATE known_devices SET last_used_at = $1 WHERE token_hash = $2")
            .bind(now)
            .bind(hashed)
            .execute(&mut *tx)
            .await?;
        return Ok(None);
    }
    let token = super::crypto::random_hex(32)?;
    sqlx::query(
        "INSERT INTO known_devices (token_hash, user_id, created_at, last_used_at) \
         VALUES ($1, $2, $3, $3)",
    )
    .bind(hash(&token))
    .bind(user_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(Some(cookie(&token, secure)))
}

fn cookie(token: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE}={token}; Path=/; Max-Age={MAX_AGE_S}; SameSite=Lax; HttpOnly{secure}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_well_formed_token_is_read() {
        let mut h = HeaderMap::new();
        let good = "a".repeat(64);
        h.insert(
            axum::http::header::COOKIE,
            format!("x=1; {COOKIE}={good}; y=2").parse().unwrap(),
        );
        assert_eq!(token(&h), Some(good));
        h.insert(
            axum::http::header::COOKIE,
            format!("{COOKIE}=../../etc").parse().unwrap(),
        );
        assert_eq!(token(&h), None);
        assert_eq!(token(&HeaderMap::new()), None);
    }

    #[test]
    fn the_cookie_is_secure_when_asked() {
        assert!(cookie("ab", true).ends_with("; Secure"));
        assert!(!cookie("ab", false).contains("Secure"));
        assert!(cookie("ab", false).contains("HttpOnly"));
    }
}
