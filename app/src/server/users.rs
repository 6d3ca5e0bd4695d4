//! Accounts: lookup and the demo accounts.

use sqlx::Row;

use super::db::Db;
use super::error::AppError;
use crate::dto::Role;

/// Serialized only to ride with a session as it is read (`session_store::ACCOUNT_KEY`).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// This request's session may use the staff and administrator pages: it was signed in
    /// with a passkey, or this server lets staff use a password (`--allow-staff-passwords`,
    /// for trying the app). Set by `auth::require_user`; false on a user read any other way.
    #[serde(skip)]
    pub console_sign_in: bool,
}

/// The user of a row with the columns `id`, `email`, `display_name` and `role`.
pub fn user_from_row(row: &sqlx::any::AnyRow) -> Result<User, AppError> {
    let role: String = row.try_get("role")?;
    Ok(User {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        role: Role::parse(&role)
            .ok_or_else(|| AppError::Internal(format!("unknown role {role:?}")))?,
        console_sign_in: false,
    })
}

pub async fn find_by_id(db: &Db, id: i64) -> Result<Option<User>, AppError> {
    // A disabled account is no one: its sessions stop working at once.
    let row = sqlx::query(
        "SELECT id, email, display_name, role FROM users WHERE id = $1 AND disabled_at IS NULL",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    row.as_ref().map(user_from_row).transpose()
}

/// The user and their password hash, by email (compared case-insensitively).
pub async fn find_for_sign_in(db: &Db, email: &str) -> Result<Option<(User, String)>, AppError> {
    let row = sqlx::query(
        "SELECT id, email, display_name, role, password_hash FROM users WHERE email = $1 AND disabled_at IS NULL",
    )
    .bind(email.trim().to_lowercase())
    .fetch_optional(&db.pool)
    .await?;
    match row {
        Some(row) => Ok(Some((user_from_row(&row)?, row.try_get("password_hash")?))),
        None => Ok(None),
    }
}

/// Certification staff and administrators run the program's records; `what` names the action
/// refused to anyone else.
pub fn require_staff(user: &User, what: &str) -> Result<(), AppError> {
    match user.role {
        Role::Staff | Role::Admin => require_passkey(user),
        _ => Err(AppError::Forbidden(format!(
            "only certification staff can {what}"
        ))),
    }
}

/// The words of the refusal a staff member or administrator signed in with a password gets.
pub const PASSKEY_NEEDED: &str = "staff and administrator pages need a sign-in with a passkey: add one on your passkey settings page (/settings/passkeys), then sign out and sign in with it";

/// Staff and administrators hold the program's records and decisions: a password alone is
/// not enough for their pages (issue 7), a passkey is.
fn require_passkey(user: &User) -> Result<(), AppError> {
    if user.console_sign_in {
        Ok(())
    } else {
        Err(AppError::Forbidden(PASSKEY_NEEDED.into()))
    }
}

/// Administrators manage the staff, vendor and administrator accounts.
pub fn require_admin(user: &User, what: &str) -> Result<(), AppError> {
    match user.role {
        Role::Admin => require_passkey(user),
        _ => Err(AppError::Forbidden(format!(
            "only an administrator can {what}"
        ))),
    }
}

/// Creates the account, or resets its name, role and password if it exists.
pub async fn upsert(
    db: &Db,
    email: &str,
    display_name: &str,
    role: Role,
    password_hash: &str,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    upsert_on(&mut tx, email, display_name, role, password_hash, now).await?;
    tx.commit().await?;
    Ok(())
}

/// [`upsert`] inside the caller's transaction.
pub async fn upsert_on(
    tx: &mut sqlx::AnyConnection,
    email: &str,
    display_name: &str,
    role: Role,
    password_hash: &str,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO users (email, display_name, role, password_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (email) DO UPDATE SET display_name = excluded.display_name, \
         role = excluded.role, password_hash = excluded.password_hash",
    )
    .bind(email.trim().to_lowercase())
    .bind(display_name)
    .bind(role.as_str())
    .bind(password_hash)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
