//! The database: one pool over sqlx's Any driver, SQLite or PostgreSQL chosen by URL.
//!
//! One schema, two dialect folders of migrations (invariant 7). Queries use `$n` parameters,
//! which both SQLite and PostgreSQL understand, and only BIGINT/TEXT columns, which the Any
//! driver decodes identically on both.

use std::str::FromStr;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbKind {
    Sqlite,
    Postgres,
}

impl DbKind {
    pub fn name(self) -> &'static str {
        match self {
            DbKind::Sqlite => "sqlite",
            DbKind::Postgres => "postgres",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub kind: DbKind,
    /// The group-commit writer of answer saves (SQLite servers; see `attempts::group_commit`).
    pub saves: Option<crate::server::attempts::group_commit::SaveWriter>,
}

#[derive(Debug, thiserror::Error)]
pub enum DbSetupError {
    #[error("database URL {0:?} is neither sqlite: nor postgres:")]
    UnknownScheme(String),
    #[error("cannot open the database at {url}: {source}")]
    Connect { url: String, source: sqlx::Error },
    #[error("cannot migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// SQLite URLs get `mode=rwc` so the file is created on first start.
fn normalise(url: &str) -> Result<(String, DbKind), DbSetupError> {
    if url.starts_with("sqlite:") {
        let url = if url.contains("mode=") {
            url.to_string()
        } else if url.contains('?') {
            format!("{url}&mode=rwc")
        } else {
            format!("{url}?mode=rwc")
        };
        Ok((url, DbKind::Sqlite))
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Ok((url.to_string(), DbKind::Postgres))
    } else {
        Err(DbSetupError::UnknownScheme(url.to_string()))
    }
}

/// Hides a password in a URL before it is logged.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

impl Db {
    /// Hands answer saves to one group-commit writer (for a SQLite server; PostgreSQL commits
    /// concurrent transactions itself).
    pub fn with_group_commit(mut self) -> Db {
        if self.kind == DbKind::Sqlite {
            self.saves = Some(crate::server::attempts::group_commit::SaveWriter::spawn(
                self.pool.clone(),
            ));
        }
        self
    }

    /// Opens the pool and brings the schema up to date.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Db, DbSetupError> {
        sqlx::any::install_default_drivers();
        let (url, kind) = normalise(url)?;
        let connect_err = |source| DbSetupError::Connect {
            url: redact(&url),
            source,
        };
        let options = AnyConnectOptions::from_str(&url).map_err(connect_err)?;
        let mut pool_options = AnyPoolOptions::new().max_connections(max_connections);
        if kind == DbKind::Sqlite {
            // WAL lets readers run beside the writer; synchronous=FULL makes a commit durable
            // on disk before we acknowledge a save (invariant 2).
            pool_options = pool_options.after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                                  PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
                    )
                    .await?;
                    Ok(())
                })
            });
        }
        let pool = pool_options
            .connect_with(options)
            .await
            .map_err(connect_err)?;
        match kind {
            DbKind::Sqlite => SQLITE_MIGRATIONS.run(&pool).await?,
            DbKind::Postgres => POSTGRES_MIGRATIONS.run(&pool).await?,
        }
        Ok(Db {
            pool,
            kind,
            saves: None,
        })
    }

    /// Whether the database answers a trivial query.
    pub async fn reachable(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }
}

/// Booleans are stored as 0/1 BIGINTs on both databases.
pub fn flag(b: bool) -> i64 {
    i64::from(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_are_created_on_first_start() {
        assert_eq!(
            normalise("sqlite:a.db").expect("ok").0,
            "sqlite:a.db?mode=rwc"
        );
        assert_eq!(
            normalise("sqlite:a.db?x=1").expect("ok").0,
            "sqlite:a.db?x=1&mode=rwc"
        );
        assert_eq!(
            normalise("sqlite:a.db?mode=ro").expect("ok").0,
            "sqlite:a.db?mode=ro"
        );
        assert!(matches!(
            normalise("mysql://x"),
            Err(DbSetupError::UnknownScheme(_))
        ));
    }

    #[test]
    fn passwords_are_redacted_from_logged_urls() {
        assert_eq!(
            redact("postgres://root:secret@host/db"),
            "postgres://root:***@host/db"
        );
        assert_eq!(redact("postgres://root@host/db"), "postgres://root@host/db");
    }
}
