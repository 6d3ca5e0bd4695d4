//! The audit log: who decided what, when, about which record. Entries are appended in the same
//! transaction as the decision they record (both happen or neither), numbered without gaps,
//! and chained: each entry's SHA-256 covers the previous entry's hash and its own fields, so
//! `verify` finds any entry changed, removed or inserted after the fact.

use sha2::{Digest, Sha256};
use sqlx::Row;

use super::db::{Db, DbKind};
use super::error::AppError;
use super::users::User;

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One entry's fields, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub seq: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub details: String,
    pub prev_hash: String,
}

impl Entry {
    /// An entry and its stored hash, from a row of `audit_log` with every column.
    pub fn from_row(row: &sqlx::any::AnyRow) -> Result<(Entry, String), sqlx::Error> {
        Ok((
            Entry {
                seq: row.try_get("seq")?,
                at: row.try_get("at")?,
                actor_id: row.try_get("actor_id")?,
                actor: row.try_get("actor")?,
                action: row.try_get("action")?,
                subject: row.try_get("subject")?,
                details: row.try_get("details")?,
                prev_hash: row.try_get("prev_hash")?,
            },
            row.try_get("hash")?,
        ))
    }

    /// The entry's hash: SHA-256 over its fields and the previous hash, encoded as a JSON array
    /// so no two different entries can hash the same text.
    pub fn hash(&self) -> String {
        let text = serde_json::json!([
            self.prev_hash,
            self.seq,
            self.at,
            self.actor_id,
            self.actor,
            self.action,
            self.subject,
            self.details
        ])
        .to_string();
        super::crypto::hex(&Sha256::digest(text.as_bytes()))
    }
}

/// Who an entry names as having acted: a signed-in person, or the server's operator at the
/// command line (no account).
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    pub id: Option<i64>,
    pub name: &'a str,
}

impl Actor<'_> {
    /// The operator of the server, acting from the command line.
    pub const OPERATOR: Actor<'static> = Actor {
        id: None,
        name: "operator (command line)",
    };
}

impl<'a> From<&'a User> for Actor<'a> {
    fn from(user: &'a User) -> Self {
        Actor {
            id: Some(user.id),
            name: &user.email,
        }
    }
}

/// Appends an entry inside `tx`, the transaction of the decision it records. Call it after
/// the decision's own write: on SQLite that write already holds the database's write lock; on
/// PostgreSQL the table lock below makes concurrent appends wait their turn, so the chain
/// never forks.
pub async fn append(
    tx: &mut sqlx::AnyConnection,
    kind: DbKind,
    now: i64,
    actor: &User,
    action: &str,
    subject: &str,
    details: serde_json::Value,
) -> Result<i64, AppError> {
    append_as(tx, kind, now, Actor::from(actor), action, subject, details).await
}

/// [`append`] for any actor, the operator included.
pub async fn append_as(
    tx: &mut sqlx::AnyConnection,
    kind: DbKind,
    now: i64,
    actor: Actor<'_>,
    action: &str,
    subject: &str,
    details: serde_json::Value,
) -> Result<i64, AppError> {
    if kind == DbKind::Postgres {
        sqlx::query("LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE")
            .execute(&mut *tx)
            .await?;
    }
    let last = sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut *tx)
        .await?;
    let (seq, prev_hash) = match last {
        Some(row) => (
            row.try_get::<i64, _>("seq")? + 1,
            row.try_get::<String, _>("hash")?,
        ),
        None => (1, GENESIS.to_string()),
    };
    let entry = Entry {
        seq,
        at: now,
        actor_id: actor.id,
        actor: actor.name.to_string(),
        action: action.to_string(),
        subject: subject.to_string(),
        details: details.to_string(),
        prev_hash,
    };
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor_id, actor, action, subject, details, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(entry.seq)
    .bind(entry.at)
    .bind(entry.actor_id)
    .bind(&entry.actor)
    .bind(&entry.action)
    .bind(&entry.subject)
    .bind(&entry.details)
    .bind(&entry.prev_hash)
    .bind(entry.hash())
    .execute(&mut *tx)
    .await?;
    Ok(seq)
}

/// Why a decision on record `id` of `table` changed nothing: there is no such record
/// (not found), or someone decided it first (conflict). `what` names it for people.
pub async fn already_decided(db: &Db, table: &str, id: i64, what: &str) -> AppError {
    let exists = sqlx::query(&format!("SELECT id FROM {table} WHERE id = $1"))
        .bind(id)
        .fetch_optional(&db.pool)
        .await;
    match exists {
        Ok(None) => AppError::NotFound(format!("there is no {what} {id}")),
        Ok(Some(_)) => AppError::Conflict(format!(
            "{what} {id} has already been decided; reload the queue to see the decision"
        )),
        Err(e) => e.into(),
    }
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq)]
pub struct Verification {
    pub entries: i64,
    pub last_hash: String,
    /// The first entry that does not fit the chain, and why.
    pub broken: Option<(i64, String)>,
}

/// Walks the whole chain from the first entry.
pub async fn verify(db: &Db) -> Result<Verification, AppError> {
    let rows = sqlx::query(
        "SELECT seq, at, actor_id, actor, action, subject, details, prev_hash, hash FROM audit_log ORDER BY seq",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut expected_prev = GENESIS.to_string();
    let mut count = 0;
    for (index, row) in rows.iter().enumerate() {
        let (entry, stored) = Entry::from_row(row)?;
        let expected_seq = i64::try_from(index + 1).unwrap_or(i64::MAX);
        let problem = if entry.seq != expected_seq {
            Some(format!(
                "expected entry {expected_seq} here: an entry is missing"
            ))
        } else if entry.prev_hash != expected_prev {
            Some("its previous hash is not the hash of the entry before it".to_string())
        } else if entry.hash() != stored {
            Some("its contents do not match its hash: it was changed".to_string())
        } else {
            None
        };
        if let Some(why) = problem {
            return Ok(Verification {
                entries: i64::try_from(rows.len()).unwrap_or(i64::MAX),
                last_hash: expected_prev,
                broken: Some((entry.seq, why)),
            });
        }
        expected_prev = stored;
        count += 1;
    }
    Ok(Verification {
        entries: count,
        last_hash: expected_prev,
        broken: None,
    })
}

/// The sequence number of the entry with this hash, if the log still holds it: checks a hash
/// kept elsewhere, so a log cut short after it (which the chain alone cannot show) is caught.
pub async fn holds(db: &Db, hash: &str) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query("SELECT seq FROM audit_log WHERE hash = $1")
        .bind(hash.trim().to_lowercase())
        .fetch_optional(&db.pool)
        .await?
        .map(|r| r.try_get::<i64, _>("seq"))
        .transpose()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_is_in_the_hash() {
        let entry = Entry {
            seq: 1,
            at: 5,
            actor_id: Some(2),
            actor: "staff@example.org".into(),
            action: "application.approve".into(),
            subject: "application:7".into(),
            details: "{}".into(),
            prev_hash: GENESIS.into(),
        };
        let hash = entry.hash();
        assert_eq!(hash.len(), 64);
        let changed = [
            Entry {
                seq: 2,
                ..entry.clone()
            },
            Entry {
                at: 6,
                ..entry.clone()
            },
            Entry {
                actor_id: None,
                ..entry.clone()
            },
            Entry {
                actor: "other@example.org".into(),
                ..entry.clone()
            },
            Entry {
                action: "application.return".into(),
                ..entry.clone()
            },
            Entry {
                subject: "application:8".into(),
                ..entry.clone()
            },
            Entry {
                details: "{\"note\":1}".into(),
                ..entry.clone()
            },
            Entry {
                prev_hash: "1".repeat(64),
                ..entry.clone()
            },
        ];
        for c in changed {
            assert_ne!(c.hash(), hash, "{c:?}");
        }
        // Fields run together differently still hash differently.
        let shifted = Entry {
            actor: "staff@example.orgapplication.".into(),
            action: "approve".into(),
            ..entry.clone()
        };
        assert_ne!(shifted.hash(), hash);
    }
}
