//! The administrator's accounts: staff, vendor and administrator accounts created, given
//! another role, disabled or enabled again, each recorded in the audit log in the same
//! transaction. Candidates create their own accounts and are not managed here.

use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use sqlx::Row;
use tower_sessions::Session;

use super::audit;
use super::auth;
use super::db::Db;
use super::error::AppError;
use super::forms::{parse_record_id, recorded_answer, ValidForm};
use super::startup::AppState;
use super::users::{self, User};
use crate::dto::{AccountRow, Role};

/// The roles an administrator gives.
const MANAGED: [Role; 3] = [Role::Vendor, Role::Staff, Role::Admin];
const BACK: (&str, &str) = ("/admin/accounts", "Back to the accounts");

fn managed_role(raw: &str) -> Result<Role, AppError> {
    Role::parse(raw)
        .filter(|r| MANAGED.contains(r))
        .ok_or_else(|| {
            AppError::BadRequest(format!(
                "role: {raw:?} is not one of vendor, staff, admin (candidates create their own accounts)"
            ))
        })
}

/// Every account that is not a candidate's, by role then name.
pub async fn list(db: &Db) -> Result<Vec<AccountRow>, AppError> {
    let rows = sqlx::query(
        "SELECT id, email, display_name, role, disabled_at FROM users WHERE role <> 'candidate' \
         ORDER BY role, display_name",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(AccountRow {
                id: r.try_get("id")?,
                email: r.try_get("email")?,
                name: r.try_get("display_name")?,
                role: Role::parse(&r.try_get::<String, _>("role")?).unwrap_or(Role::Vendor),
                disabled_on: r
                    .try_get::<Option<i64>, _>("disabled_at")?
                    .map(super::attempts::day_text),
            })
        })
        .collect()
}

#[derive(Debug, Deserialize)]
pub struct NewAccountForm {
    pub name: String,
    pub email: String,
    pub role: String,
    pub password: String,
}

/// Checks a new account's fields; every problem named with its field.
fn check_new(form: &NewAccountForm) -> Result<(String, String, Role), AppError> {
    let name = form.name.trim();
    let email = form.email.trim().to_lowercase();
    let mut problems = Vec::new();
    if name.is_empty() || name.chars().count() > 200 {
        problems.push("name: give the person's name (at most 200 characters)".to_string());
    }
    if super::accounts::check_email(&email).is_err() {
        problems.push(format!(
            "email: {:?} is not an email address",
            form.email.trim()
        ));
    }
    if form.password.chars().count() < super::accounts::MIN_PASSWORD {
        problems.push(format!(
            "password: at least {} characters (the person changes it after signing in)",
            super::accounts::MIN_PASSWORD
        ));
    }
    let role = managed_role(&form.role);
    if let Err(e) = &role {
        problems.push(e.to_string());
    }
    if !problems.is_empty() {
        return Err(AppError::BadRequest(problems.join("; ")));
    }
    Ok((name.to_string(), email, role?))
}

async fn create(db: &Db, admin: &User, form: &NewAccountForm, now: i64) -> Result<(), AppError> {
    let (name, email, role) = check_new(form)?;
    let hash = auth::hash_password(form.password.clone()).await?;
    let mut tx = db.begin().await?;
    let inserted = sqlx::query(
        "INSERT INTO users (email, display_name, role, password_hash, created_at, password_must_change) \
         VALUES ($1, $2, $3, $4, $5, 1)",
    )
    .bind(&email)
    .bind(&name)
    .bind(role.as_str())
    .bind(&hash)
    .bind(now)
    .execute(&mut *tx)
    .await;
    if let Err(sqlx::Error::Database(e)) = &inserted {
        if e.is_unique_violation() {
            return Err(AppError::Conflict(format!(
                "email: an account for {email} already exists"
            )));
        }
    }
    inserted?;
    audit::append(
        &mut tx,
        db.kind,
        now,
        admin,
        "account.create",
        &format!("user:{email}"),
        serde_json::json!({ "name": name, "role": role.as_str(), "password": "temporary: to be changed at first sign-in" }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Deserialize)]
pub struct ChangeForm {
    /// "role" (with `role`), "disable" or "enable".
    pub change: String,
    pub role: Option<String>,
}

async fn change(
    db: &Db,
    admin: &User,
    id: i64,
    form: &ChangeForm,
    now: i64,
) -> Result<(), AppError> {
    if id == admin.id {
        return Err(AppError::Conflict(
            "you cannot change or disable your own account: another administrator must".into(),
        ));
    }
    let mut tx = db.begin().await?;
    // Administrators' changes go one at a time (the administrators' rows are locked on
    // PostgreSQL; SQLite has one writer), and the one acting must still be an enabled
    // administrator: two cannot disable or demote each other at once and leave none.
    sqlx::query("UPDATE users SET role = role WHERE role = 'admin'")
        .execute(&mut *tx)
        .await?;
    let still_admin: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM users WHERE id = $1 AND role = 'admin' AND disabled_at IS NULL",
    )
    .bind(admin.id)
    .fetch_one(&mut *tx)
    .await?;
    if still_admin == 0 {
        return Err(AppError::Forbidden(
            "only an administrator can manage accounts".into(),
        ));
    }
    let row = sqlx::query("SELECT email, role, disabled_at FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(row) = row else {
        return Err(AppError::NotFound(format!("there is no account {id}")));
    };
    let email: String = row.try_get("email")?;
    let old_role: String = row.try_get("role")?;
    if old_role == "candidate" {
        return Err(AppError::Conflict(format!(
            "{email} is a candidate's account: candidates manage their own"
        )));
    }
    let disabled = row.try_get::<Option<i64>, _>("disabled_at")?.is_some();
    let (action, details) = match form.change.as_str() {
        "role" => {
            let role = managed_role(form.role.as_deref().unwrap_or(""))?;
            sqlx::query("UPDATE users SET role = $1 WHERE id = $2")
                .bind(role.as_str())
                .bind(id)
                .execute(&mut *tx)
                .await?;
            (
                "account.role",
                serde_json::json!({ "from": old_role, "to": role.as_str() }),
            )
        }
        "disable" if disabled => {
            return Err(AppError::Conflict(format!("{email} is already disabled")))
        }
        "disable" => {
            sqlx::query("UPDATE users SET disabled_at = $1 WHERE id = $2")
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            ("account.disable", serde_json::json!({}))
        }
        "enable" if !disabled => {
            return Err(AppError::Conflict(format!("{email} is not disabled")))
        }
        "enable" => {
            sqlx::query("UPDATE users SET disabled_at = NULL WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            ("account.enable", serde_json::json!({}))
        }
        other => {
            return Err(AppError::BadRequest(format!(
                "change: {other:?} is not one of role, disable, enable"
            )))
        }
    };
    audit::append(
        &mut tx,
        db.kind,
        now,
        admin,
        action,
        &format!("user:{email}"),
        details,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// `POST /admin/accounts`: a new staff, vendor or administrator account.
pub async fn create_account(
    State(state): State<AppState>,
    session: Session,
    ValidForm(form): ValidForm<NewAccountForm>,
) -> Result<Response, AppError> {
    let user = auth::require_user(&session, &state).await?;
    users::require_admin(&user, "manage accounts")?;
    let done = create(&state.db, &user, &form, state.clock.now_ms()).await;
    recorded_answer(
        done,
        BACK,
        &format!("created {}", form.email.trim().to_lowercase()),
    )
}

/// `POST /admin/accounts/{id}/enrolment-code`: a one-time code with which the account enrols
/// its first passkey, shown on this answer only (never in an address, never stored in clear).
pub async fn enrolment_code(
    State(state): State<AppState>,
    session: Session,
    Path(raw_id): Path<String>,
) -> Result<Response, AppError> {
    let user = auth::require_user(&session, &state).await?;
    users::require_admin(&user, "issue enrolment codes")?;
    let id = parse_record_id(&raw_id, "account")?;
    let issued = super::enrolment::issue_by_admin(&state.db, &user, id, state.clock.now_ms()).await;
    let super::enrolment::Issued { code, email } = match issued {
        Ok(issued) => issued,
        Err(e) => return recorded_answer(Err(e), BACK, ""),
    };
    let message = format!(
        "Enrolment code for {email}: {code} — give it to the person by a channel other than the one their password travelled on. It works once, within 24 hours, for the first passkey on /settings/passkeys; issuing another cancels it. It is not shown again."
    );
    let mut page = super::error::notice_page("Enrolment code issued", &message, Some(BACK));
    page.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(page)
}

/// `POST /admin/accounts/{id}`: another role, or disabled, or enabled again.
pub async fn change_account(
    State(state): State<AppState>,
    session: Session,
    Path(raw_id): Path<String>,
    ValidForm(form): ValidForm<ChangeForm>,
) -> Result<Response, AppError> {
    let user = auth::require_user(&session, &state).await?;
    users::require_admin(&user, "manage accounts")?;
    let id = parse_record_id(&raw_id, "account")?;
    let done = change(&state.db, &user, id, &form, state.clock.now_ms()).await;
    recorded_answer(done, BACK, &format!("{} account {id}", form.change))
}
