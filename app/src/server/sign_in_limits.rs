//! Limits on password sign-in tries that stop guessers without locking out owners.
//!
//! - **Per account, from browsers it does not know:** at most [`PER_ACCOUNT`] tries in any
//!   [`WINDOW_MS`]. This is a guesser's whole budget, however many addresses they use.
//! - **Per known browser:** a browser that has signed in to the account before (the
//!   `certamen_device` cookie, see `devices`) has a budget of its own, [`PER_DEVICE`], so
//!   others' failures never hold the owner's usual browser back.
//! - **Per address:** failures are counted but never refuse a sign-in (a test centre or a
//!   proxy puts every candidate behind one address); past [`ADDRESS_FREE`] failures in
//!   [`ADDRESS_WINDOW_MS`], each further failed answer to that address is slowed.
//! - A passkey sign-in, which no guess can pass, is never limited.
//!
//! A try is counted **before** the slow password check, in the same transaction as the count
//! (the bucket's row is locked on PostgreSQL; SQLite has one writer), so parallel guesses cannot
//! pass the check together; a right password takes its try back. Kept in the database, so
//! every server behind a load balancer sees the same counts.

use std::time::Duration;

use sqlx::Row;

use super::db::{Db, DbKind};
use super::error::AppError;

pub const WINDOW_MS: i64 = 60 * 60_000;
/// Tries per hour at one account from browsers that account does not know.
pub const PER_ACCOUNT: i64 = 10;
/// Tries per hour from one browser that has signed in to the account before.
pub const PER_DEVICE: i64 = 10;
pub const ADDRESS_WINDOW_MS: i64 = 15 * 60_000;
/// Failures from one address within [`ADDRESS_WINDOW_MS`] before its failed answers slow down.
pub const ADDRESS_FREE: i64 = 100;
/// The slowest a failed answer gets.
const MAX_SLOWDOWN_MS: i64 = 5_000;

/// Why a sign-in is held back: the minutes until it may be tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Held {
    pub minutes: i64,
}

/// A counted try, to give back when the password was right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Try(i64);

/// Which budget a try is taken from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bucket {
    /// An account (its email), from a browser it does not know.
    Account(String),
    /// A browser the account knows (the hash of its device token).
    Device(String),
}

impl Bucket {
    fn key(&self) -> String {
        match self {
            Bucket::Account(email) => format!("account:{}", normalise(email)),
            Bucket::Device(hash) => format!("device:{hash}"),
        }
    }

    fn limit(&self) -> i64 {
        match self {
            Bucket::Account(_) => PER_ACCOUNT,
            Bucket::Device(_) => PER_DEVICE,
        }
    }
}

fn normalise(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Takes one try from `bucket`, or says how long it is held when its budget is spent. The
/// count and the new try are one transaction.
pub async fn take(db: &Db, bucket: &Bucket, now: i64) -> Result<Result<Try, Held>, AppError> {
    let key = bucket.key();
    let limit = bucket.limit();
    let mut tx = db.begin().await?;
    if db.kind == DbKind::Postgres {
        // Every try at this bucket waits here for the one before to commit.
        sqlx::query(
            "INSERT INTO sign_in_buckets (bucket) VALUES ($1) \
             ON CONFLICT (bucket) DO UPDATE SET bucket = excluded.bucket",
        )
        .bind(&key)
        .execute(&mut *tx)
        .await?;
    }
    let row = sqlx::query(
        "SELECT COUNT(*) AS tries, \
         (SELECT MIN(at) FROM (SELECT at FROM sign_in_tries WHERE bucket = $1 AND at > $2 \
          ORDER BY at DESC LIMIT $3) newest) AS oldest_counted \
         FROM sign_in_tries WHERE bucket = $1 AND at > $2",
    )
    .bind(&key)
    .bind(now - WINDOW_MS)
    .bind(limit)
    .fetch_one(&mut *tx)
    .await?;
    let tries: i64 = row.try_get("tries")?;
    if tries >= limit {
        // Free again once the oldest of the newest `limit` tries leaves the window.
        let oldest: Option<i64> = row.try_get("oldest_counted")?;
        let free_at = oldest.unwrap_or(now) + WINDOW_MS;
        return Ok(Err(Held {
            minutes: ((free_at - now).max(0) + 59_999) / 60_000,
        }));
    }
    let id: i64 =
        sqlx::query_scalar("INSERT INTO sign_in_tries (bucket, at) VALUES ($1, $2) RETURNING id")
            .bind(&key)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
    tx.commit().await?;
    Ok(Ok(Try(id)))
}

/// The password was right: the try does not count against anyone.
pub async fn give_back(db: &Db, taken: Try) -> Result<(), AppError> {
    db.write(sqlx::query("DELETE FROM sign_in_tries WHERE id = $1").bind(taken.0))
        .await?;
    Ok(())
}

/// Records a failed sign-in from `address` (and forgets tries older than every window); says
/// how long to hold the failed answer back.
pub async fn address_failed(db: &Db, address: &str, now: i64) -> Result<Duration, AppError> {
    let key = format!("address:{address}");
    let mut tx = db.begin().await?;
    sqlx::query("INSERT INTO sign_in_tries (bucket, at) VALUES ($1, $2)")
        .bind(&key)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM sign_in_tries WHERE at <= $1")
        .bind(now - WINDOW_MS.max(ADDRESS_WINDOW_MS))
        .execute(&mut *tx)
        .await?;
    let failures: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sign_in_tries WHERE bucket = $1 AND at > $2")
            .bind(&key)
            .bind(now - ADDRESS_WINDOW_MS)
            .fetch_one(&mut *tx)
            .await?;
    tx.commit().await?;
    Ok(slowdown(failures))
}

/// How long a failed answer waits after `failures` from its address: nothing up to
/// [`ADDRESS_FREE`], then 100 ms more for each, at most [`MAX_SLOWDOWN_MS`]. Slowing rather
/// than refusing keeps a shared address usable for everyone who types the right password.
pub fn slowdown(failures: i64) -> Duration {
    let excess = (failures - ADDRESS_FREE).max(0);
    Duration::from_millis(u64::try_from((excess * 100).min(MAX_SLOWDOWN_MS)).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_answers_slow_only_past_the_free_count_and_up_to_a_cap() {
        assert_eq!(slowdown(0), Duration::ZERO);
        assert_eq!(slowdown(ADDRESS_FREE), Duration::ZERO);
        assert_eq!(slowdown(ADDRESS_FREE + 1), Duration::from_millis(100));
        assert_eq!(slowdown(ADDRESS_FREE + 30), Duration::from_millis(3_000));
        assert_eq!(slowdown(10_000), Duration::from_millis(5_000));
    }

    #[test]
    fn buckets_are_keyed_by_kind_and_normalised_email() {
        assert_eq!(
            Bucket::Account(" Ana@Example.org ".into()).key(),
            "account:ana@example.org"
        );
        assert_eq!(Bucket::Device("ab12".into()).key(), "device:ab12");
        assert_ne!(
            Bucket::Account("x".into()).key(),
            Bucket::Device("x".into()).key()
        );
    }
}
