//! One-time enrolment codes: how a staff, vendor or administrator account enrols its first
//! passkey with something a password thief lacks. An administrator issues a code from the
//! accounts page (or the operator with `certamen account enrolment-code`, for the first
//! administrator); it is shown once, kept only as a SHA-256 hash, valid for [`VALID_MS`], used up
//! by the passkey it enrols, and superseded by a newer code for the same account. Issuing and
//! using one are audited.

use sqlx::Row;

use super::audit::{self, Actor};
use super::db::Db;
use super::error::AppError;
use super::users::User;
use crate::dto::Role;

pub const VALID_MS: i64 = 24 * 3600 * 1000;

/// Letters and digits no one confuses when reading them out (no 0/O, 1/I/L, 2/Z, 5/S, 8/B).
const ALPHABET: &[u8] = b"ACDEFGHJKMNPQRTUVWXY34679";

/// A fresh code: 4 groups of 4 characters (about 74 bits), e.g. `K7QD-3MFX-...`.
fn new_code() -> Result<String, AppError> {
    let chars: Vec<char> = super::crypto::random_chars(ALPHABET, 16)?.chars().collect();
    Ok(chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-"))
}

/// The code as people may type it: any case, with or without dashes and spaces.
fn canonical(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn code_hash(code: &str) -> String {
    super::crypto::sha256_hex(&format!("enrolment:{}", canonical(code)))
}

/// A code just issued, and the email of the account it is for.
#[derive(Debug)]
pub struct Issued {
    pub code: String,
    pub email: String,
}

/// Issues a code for account `user_id` on behalf of `issuer`, superseding any unused one.
async fn issue(db: &Db, issuer: Actor<'_>, user_id: i64, now: i64) -> Result<Issued, AppError> {
    let code = new_code()?;
    let mut tx = db.begin().await?;
    let row = sqlx::query("SELECT email, role, disabled_at FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("there is no account {user_id}")))?;
    let email: String = row.try_get("email")?;
    let role: String = row.try_get("role")?;
    if row.try_get::<Option<i64>, _>("disabled_at")?.is_some() {
        return Err(AppError::Conflict(format!(
            "{email} is disabled: enable it before issuing an enrolment code"
        )));
    }
    if !needs_code(Role::parse(&role).unwrap_or(Role::Candidate)) {
        return Err(AppError::Conflict(format!(
            "{email} is a candidate's account: candidates add passkeys without a code"
        )));
    }
    sqlx::query(
        "UPDATE enrolment_codes SET expires_at = $1 WHERE user_id = $2 AND used_at IS NULL AND expires_at > $1",
    )
    .bind(now)
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO enrolment_codes (user_id, code_hash, issued_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(user_id)
    .bind(code_hash(&code))
    .bind(issuer.name)
    .bind(now)
    .bind(now + VALID_MS)
    .execute(&mut *tx)
    .await?;
    audit::append_as(
        &mut tx,
        db.kind,
        now,
        issuer,
        "account.enrolment_code",
        &format!("user:{email}"),
        serde_json::json!({ "valid_hours": VALID_MS / 3_600_000 }),
    )
    .await?;
    tx.commit().await?;
    Ok(Issued { code, email })
}

/// An administrator issues a code (from the accounts page).
pub async fn issue_by_admin(
    db: &Db,
    admin: &User,
    user_id: i64,
    now: i64,
) -> Result<Issued, AppError> {
    issue(db, Actor::from(admin), user_id, now).await
}

/// The operator issues a code from the command line (for the first administrator).
pub async fn issue_by_operator(db: &Db, email: &str, now: i64) -> Result<Issued, AppError> {
    let id: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email.trim().to_lowercase())
        .fetch_optional(&db.pool)
        .await?;
    let id =
        id.ok_or_else(|| AppError::NotFound(format!("there is no account {:?}", email.trim())))?;
    issue(db, Actor::OPERATOR, id, now).await
}

/// Whether an account of this role needs a code (or a passkey it has) to add a passkey.
pub fn needs_code(role: Role) -> bool {
    matches!(role, Role::Staff | Role::Vendor | Role::Admin)
}

/// The id of `user_id`'s valid, unused code `code`; a refusal in the person's words otherwise.
pub async fn check(db: &Db, user_id: i64, code: &str, now: i64) -> Result<i64, AppError> {
    if canonical(code).is_empty() {
        return Err(AppError::Forbidden(crate::t!("passkeys-code-needed")));
    }
    let row = sqlx::query(
        "SELECT id FROM enrolment_codes WHERE code_hash = $1 AND user_id = $2 \
         AND used_at IS NULL AND expires_at > $3",
    )
    .bind(code_hash(code))
    .bind(user_id)
    .bind(now)
    .fetch_optional(&db.pool)
    .await?;
    match row {
        Some(r) => Ok(r.try_get("id")?),
        None => Err(AppError::Forbidden(crate::t!("passkeys-code-wrong"))),
    }
}

/// Uses the code up inside the transaction that adds the passkey; refused if another request
/// used it first or it expired meanwhile.
pub async fn consume(tx: &mut sqlx::AnyConnection, code_id: i64, now: i64) -> Result<(), AppError> {
    let done = sqlx::query(
        "UPDATE enrolment_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL AND expires_at > $1",
    )
    .bind(now)
    .bind(code_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 1 {
        Ok(())
    } else {
        Err(AppError::Forbidden(crate::t!("passkeys-code-wrong")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_long_readable_and_forgiving_to_type() {
        let code = new_code().unwrap();
        assert_eq!(code.len(), 19, "{code}");
        assert_eq!(code.matches('-').count(), 3);
        assert!(canonical(&code).bytes().all(|b| ALPHABET.contains(&b)));
        assert_ne!(code, new_code().unwrap());
        assert_eq!(
            code_hash(&code),
            code_hash(&format!(" {} ", code.to_lowercase().replace('-', " ")))
        );
        assert_ne!(code_hash("AAAA-AAAA"), code_hash("AAAA-AAAC"));
    }

    #[test]
    fn only_privileged_accounts_need_a_code() {
        assert!(needs_code(Role::Staff));
        assert!(needs_code(Role::Vendor));
        assert!(needs_code(Role::Admin));
        assert!(!needs_code(Role::Candidate));
    }
}
