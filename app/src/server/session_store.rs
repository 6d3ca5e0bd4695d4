//! tower-sessions storage in our own database, over the same Any pool on SQLite and
//! PostgreSQL (the published sqlx stores are tied to one database type each).
//!
//! Reading a session also reads its signed-in account (one query, not two, on every request):
//! the account's row, current as of this read (a disabled account or a changed role counts at
//! once), is put in the loaded data under [`ACCOUNT_KEY`], never stored.

use async_trait::async_trait;
use sqlx::Row;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result};
use tower_sessions::SessionStore;

use super::attempts::Apply;
use super::db::Db;
use super::error::AppError;
use super::hot_reads::Param;

#[derive(Debug, Clone)]
pub struct DbSessionStore {
    db: Db,
}

impl DbSessionStore {
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    /// Deletes expired sessions; run periodically by the jobs loop.
    pub async fn delete_expired(&self) -> std::result::Result<u64, sqlx::Error> {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let done = self
            .db
            .write(sqlx::query("DELETE FROM sessions WHERE expires_at < $1").bind(now))
            .await?;
        Ok(done.rows_affected())
    }
}

impl DbSessionStore {
    /// Writes a session's row with `sql` (`$1` its id, `$2` its data, `$3` its expiry, `$4`
    /// its account): whether a row changed. On a SQLite file the write goes with the group
    /// commit's next commit (`attempts::group_commit`), as the saves do: at 9:00 every sign-in
    /// stores a session, and each such write, a commit of its own, held SQLite's one write lock
    /// while the saves waited behind it. Elsewhere it is a transaction of its own.
    async fn write_row(
        &self,
        sql: &'static str,
        record: &Record,
        data: &str,
        user_id: Option<i64>,
    ) -> Result<bool> {
        let (id, expires) = (record.id.to_string(), record.expiry_date.unix_timestamp());
        if let Some(writer) = &self.db.saves {
            let (i, d) = (id.clone(), data.to_string());
            let apply: Apply = std::sync::Arc::new(move |conn: &rusqlite::Connection| {
                let changed = conn
                    .prepare_cached(sql)?
                    .execute(rusqlite::params![i, d, expires, user_id])?;
                Ok(changed == 1)
            });
            if let Some(done) = writer.apply(apply).await {
                return done.map_err(|e| match e {
                    AppError::Unavailable(m) => Error::Backend(format!("{UNAVAILABLE}{m}")),
                    other => Error::Backend(other.to_string()),
                });
            }
        }
        let done = self
            .db
            .write(
                sqlx::query(sql)
                    .bind(id)
                    .bind(data)
                    .bind(expires)
                    .bind(user_id),
            )
            .await
            .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }
}

/// The key of the signed-in user's id in the session data (written at sign-in).
pub const USER_KEY: &str = "user_id";

/// The key under which a loaded session carries its account as read with it: a serialized
/// `users::User`, or `null` when the account is disabled or gone.
/// Absent when the session names no account (or was stored before the account was kept
/// beside it).
pub const ACCOUNT_KEY: &str = "_account";

/// Begins the text of a store error whose database could not be reached (tower-sessions keeps
/// only text), so a request that failed for it is answered 503 like any other; see
/// [`session_error`].
const UNAVAILABLE: &str = "database unavailable: ";

fn backend(e: sqlx::Error) -> Error {
    if super::db::is_unavailable(&e) {
        Error::Backend(format!("{UNAVAILABLE}{e}"))
    } else {
        Error::Backend(e.to_string())
    }
}

/// A session read or write that failed, as the app's error: unavailable (503) when the
/// database could not be reached, a fault (500) otherwise.
pub fn session_error(e: tower_sessions::session::Error) -> AppError {
    match e {
        tower_sessions::session::Error::Store(Error::Backend(m)) if m.starts_with(UNAVAILABLE) => {
            AppError::Unavailable(m)
        }
        other => AppError::Internal(other.to_string()),
    }
}

/// How many ids a new session draws before giving up (each taken one is a 2^-128 chance).
const CREATE_TRIES: usize = 4;

/// A record as stored: its data without the account read beside it, and its account's id.
fn stored(record: &Record) -> Result<(String, Option<i64>)> {
    let mut data = record.data.clone();
    // Read with the session, never stored: the next read reads it afresh.
    data.remove(ACCOUNT_KEY);
    let user_id = data.get(USER_KEY).and_then(serde_json::Value::as_i64);
    let data = serde_json::to_string(&data).map_err(|e| Error::Encode(e.to_string()))?;
    Ok((data, user_id))
}

#[async_trait]
impl SessionStore for DbSessionStore {
    /// A new session, stored under an id no other session has. Ids are 128 random bits, so a
    /// taken one is not expected; should it come up, the new session draws another id, where
    /// the save's upsert (tower-sessions' default `create`) would have written over the other
    /// session.
    async fn create(&self, record: &mut Record) -> Result<()> {
        let (data, user_id) = stored(record)?;
        for _ in 0..CREATE_TRIES {
            let created = self
                .write_row(
                    "INSERT INTO sessions (id, data, expires_at, user_id) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING",
                    record,
                    &data,
                    user_id,
                )
                .await?;
            if created {
                return Ok(());
            }
            record.id = Id::default();
        }
        Err(Error::Backend(format!(
            "no free session id in {CREATE_TRIES} tries"
        )))
    }

    async fn save(&self, record: &Record) -> Result<()> {
        let (data, user_id) = stored(record)?;
        self.write_row(
            "INSERT INTO sessions (id, data, expires_at, user_id) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at, \
             user_id = excluded.user_id",
            record,
            &data,
            user_id,
        )
        .await?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let id_text = id.to_string();
        let row = self
            .db
            .hot
            .fetch_optional(
                &self.db.pool,
                "SELECT s.data, s.expires_at, s.user_id, u.id, u.email, u.display_name, u.role \
                 FROM sessions s \
                 LEFT JOIN users u ON u.id = s.user_id AND u.disabled_at IS NULL \
                 WHERE s.id = $1 AND s.expires_at > $2",
                &[Param::Text(&id_text), Param::Int(now)],
            )
            .await
            .map_err(backend)?;
        let Some(row) = row else { return Ok(None) };
        let data: String = row.try_get("data").map_err(backend)?;
        let expires: i64 = row.try_get("expires_at").map_err(backend)?;
        let mut data: std::collections::HashMap<String, serde_json::Value> =
            serde_json::from_str(&data).map_err(|e| Error::Decode(e.to_string()))?;
        let user_id: Option<i64> = row.try_get("user_id").map_err(backend)?;
        if user_id.is_some() {
            let account_id: Option<i64> = row.try_get("id").map_err(backend)?;
            let account = match account_id {
                Some(_) => {
                    let user = super::users::user_from_row(&row)
                        .map_err(|e| Error::Backend(e.to_string()))?;
                    serde_json::to_value(user).map_err(|e| Error::Encode(e.to_string()))?
                }
                None => serde_json::Value::Null,
            };
            data.insert(ACCOUNT_KEY.to_string(), account);
        }
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date: time::OffsetDateTime::from_unix_timestamp(expires)
                .map_err(|e| Error::Decode(e.to_string()))?,
        }))
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        self.db
            .write(sqlx::query("DELETE FROM sessions WHERE id = $1").bind(id.to_string()))
            .await
            .map_err(backend)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: Id, data: serde_json::Value) -> Record {
        Record {
            id,
            data: serde_json::from_value(data).expect("a map"),
            expiry_date: time::OffsetDateTime::now_utc() + time::Duration::hours(1),
        }
    }

    /// A new session whose id is already taken gets another id, and the session that had it
    /// is left as it was.
    #[tokio::test]
    async fn a_new_session_never_overwrites_another() {
        let db = Db::connect("sqlite::memory:", 1).await.expect("database");
        let store = DbSessionStore::new(db);
        let taken = Id::default();
        let mut first = record(taken, serde_json::json!({"who": "first"}));
        store.create(&mut first).await.expect("first");
        assert_eq!(first.id, taken, "a free id is kept");

        let mut second = record(taken, serde_json::json!({"who": "second"}));
        store.create(&mut second).await.expect("second");
        assert_ne!(second.id, taken, "the second draws another id");

        let kept = store
            .load(&taken)
            .await
            .expect("load")
            .expect("first is there");
        assert_eq!(kept.data["who"], "first");
        let other = store
            .load(&second.id)
            .await
            .expect("load")
            .expect("second is there");
        assert_eq!(other.data["who"], "second");
    }
}
