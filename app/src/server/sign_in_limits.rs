//! Limits on failed password sign-ins, so a password cannot be guessed by trying many: at most
//! `PER_ACCOUNT` failures for one account, and `PER_ADDRESS` from one network address, in any
//! `WINDOW_MS`. Only failures count, so candidates who all sign in at 9:00 from one building
//! (or one mobile carrier's shared address) are never held back; a success clears the
//! account's count. Kept in the database, so every server behind a load balancer sees the
//! same counts. A passkey sign-in, which no guess can pass, is never limited.

use sqlx::Row;

use super::db::Db;
use super::error::AppError;

pub const WINDOW_MS: i64 = 15 * 60_000;
pub const PER_ACCOUNT: i64 = 5;
pub const PER_ADDRESS: i64 = 100;

/// Why a sign-in is held back: the minutes until it may be tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Held {
    pub minutes: i64,
}

/// Whether this account, or this address, has failed too often lately.
pub async fn check(
    db: &Db,
    email: &str,
    address: &str,
    now: i64,
) -> Result<Option<Held>, AppError> {
    let since = now - WINDOW_MS;
    let row = sqlx::query(
        "SELECT \
         (SELECT COUNT(*) FROM sign_in_failures WHERE email = $1 AND at > $3) AS by_account, \
         (SELECT MIN(at) FROM (SELECT at FROM sign_in_failures WHERE email = $1 AND at > $3 ORDER BY at DESC LIMIT $4) f) AS account_oldest, \
         (SELECT COUNT(*) FROM sign_in_failures WHERE address = $2 AND at > $3) AS by_address",
    )
    .bind(normalise(email))
    .bind(address)
    .bind(since)
    .bind(PER_ACCOUNT)
    .fetch_one(&db.pool)
    .await?;
    let by_account: i64 = row.try_get("by_account")?;
    let by_address: i64 = row.try_get("by_address")?;
    if by_account >= PER_ACCOUNT {
        // Free again once the oldest of the last few failures leaves the window.
        let oldest: Option<i64> = row.try_get("account_oldest")?;
        let free_at = oldest.unwrap_or(now) + WINDOW_MS;
        return Ok(Some(Held {
            minutes: ((free_at - now) + 59_999) / 60_000,
        }));
    }
    if by_address >= PER_ADDRESS {
        return Ok(Some(Held {
            minutes: WINDOW_MS / 60_000,
        }));
    }
    Ok(None)
}

fn normalise(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Records a failed sign-in (and forgets failures older than the window).
pub async fn record_failure(db: &Db, email: &str, address: &str, now: i64) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    sqlx::query("INSERT INTO sign_in_failures (email, address, at) VALUES ($1, $2, $3)")
        .bind(normalise(email))
        .bind(address)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM sign_in_failures WHERE at <= $1")
        .bind(now - WINDOW_MS)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// A successful sign-in clears the account's failures.
pub async fn clear(db: &Db, email: &str) -> Result<(), AppError> {
    db.write(sqlx::query("DELETE FROM sign_in_failures WHERE email = $1").bind(normalise(email)))
        .await?;
    Ok(())
}
