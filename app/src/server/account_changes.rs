//! What changed on an account's security since its previous sign-in (passkeys added or
//! removed, enrolment codes issued), read from the audit log and shown on the dashboard, so a
//! person learns at once of a passkey they did not add.

use sqlx::Row;

use super::db::Db;
use super::error::AppError;
use super::users::User;

/// The audit actions a person hears about at their next sign-in.
const SHOWN: [&str; 3] = ["passkey.add", "passkey.remove", "account.enrolment_code"];

/// The changes between the account's previous sign-in and this session's, in words, oldest
/// first (all before this sign-in when there was none before).
pub async fn since_previous_sign_in(
    db: &Db,
    user: &User,
    previous: Option<i64>,
    signed_in_at: Option<i64>,
) -> Result<Vec<String>, AppError> {
    let Some(until) = signed_in_at else {
        return Ok(Vec::new());
    };
    let rows = sqlx::query(
        "SELECT at, action, details FROM audit_log WHERE subject = $1 AND at > $2 AND at <= $3 \
         AND action IN ($4, $5, $6) ORDER BY seq",
    )
    .bind(format!("user:{}", user.email))
    .bind(previous.unwrap_or(i64::MIN))
    .bind(until)
    .bind(SHOWN[0])
    .bind(SHOWN[1])
    .bind(SHOWN[2])
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let at: i64 = r.try_get("at")?;
            let action: String = r.try_get("action")?;
            let details: String = r.try_get("details")?;
            let details: serde_json::Value = serde_json::from_str(&details).unwrap_or_default();
            let name = details["name"].as_str().unwrap_or("").to_string();
            let day = super::attempts::day_text(at);
            Ok(match action.as_str() {
                "passkey.add" => crate::t!("account-change-passkey-added", name = name, day = day),
                "passkey.remove" => {
                    crate::t!("account-change-passkey-removed", name = name, day = day)
                }
                _ => crate::t!("account-change-enrolment-code", day = day),
            })
        })
        .collect()
}
