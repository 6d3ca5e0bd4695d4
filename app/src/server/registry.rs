//! Certification and the public registry.
//!
//! A released pass by an eligible candidate (their newest application approved, no current
//! certification) makes them a certificant: a certificate number and a two-year term from the
//! day of release. Staff may suspend, revoke or reinstate with a reason, each recorded in the
//! audit log; the public registry shows the change at once (it reads the table, no cache).

use sqlx::Row;

use super::audit;
use super::db::Db;
use super::error::AppError;
use super::users::User;
use crate::dto::{CertificationStatus, RegistryEntry};

/// Years a certification is valid from issue.
pub const VALID_YEARS: i32 = 2;
/// Names shorter than this are not searched (a single letter would list everyone).
pub const MIN_NAME_QUERY: usize = 3;
/// The most rows a registry search shows.
pub const MAX_RESULTS: i64 = 50;
/// Continuing education a renewal needs: hours in all, and of them in law and ethics.
pub const CE_HOURS: u32 = 20;
pub const LAW_ETHICS_HOURS: u32 = 6;
/// A renewal is recorded from this many days before the expiry date up to that date.
pub const RENEWAL_WINDOW_DAYS: i64 = 90;

/// The certificate number for an attempt: `PSS-` and ten characters of the attempt's random
/// id, so numbers are unique without a counter two servers would have to share.
pub fn certificate_number(attempt_id: &str) -> String {
    let upper = attempt_id.to_ascii_uppercase();
    format!("PSS-{}-{}", &upper[..5], &upper[5..10])
}

/// The same instant `years` later on the calendar (29 February becomes 28 February).
pub fn years_later(ms: i64, years: i32) -> i64 {
    let Ok(t) = time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000)) else {
        return ms;
    };
    let year = t.year() + years;
    let date = t
        .date()
        .replace_year(year)
        .or_else(|_| time::Date::from_calendar_date(year, t.month(), 28))
        .unwrap_or(t.date());
    t.replace_date(date).unix_timestamp() * 1000 + ms.rem_euclid(1000)
}

/// Inside the transaction that releases a result: certifies the candidate if the attempt is a
/// pass and they are eligible. Returns the new certificate number, if any.
pub async fn certify_if_eligible(
    tx: &mut sqlx::AnyConnection,
    attempt_id: &str,
    now: i64,
) -> Result<Option<String>, AppError> {
    let row = sqlx::query(
        "SELECT a.user_id, a.passed, a.practice, a.invalidated_at, u.display_name \
         FROM attempts a JOIN users u ON u.id = a.user_id WHERE a.id = $1",
    )
    .bind(attempt_id)
    .fetch_one(&mut *tx)
    .await?;
    let user_id: i64 = row.try_get("user_id")?;
    let display_name: String = row.try_get("display_name")?;
    let passed = row.try_get::<Option<i64>, _>("passed")? == Some(1);
    let practice = row.try_get::<i64, _>("practice")? != 0;
    let invalidated = row.try_get::<Option<i64>, _>("invalidated_at")?.is_some();
    if !passed || practice || invalidated {
        return Ok(None);
    }
    // One candidate's certifications are decided one at a time: two passes released at once
    // (by two servers) must not both certify. Updating the user's row takes its lock on
    // PostgreSQL until the transaction ends; SQLite has one writer anyway.
    sqlx::query("UPDATE users SET display_name = display_name WHERE id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    // Eligibility: the newest application approved (the program's pathway, attestations and
    // training checked by staff), and no certification already current.
    let application: Option<String> = sqlx::query_scalar(
        "SELECT status FROM applications WHERE user_id = $1 ORDER BY submitted_at DESC, id DESC LIMIT 1",
    )
    .bind(user_id)
    .fetch_optional(&mut *tx)
    .await?;
    if application.as_deref() != Some("approved") {
        tracing::info!(
            attempt = attempt_id,
            "a pass without an approved application: not certified"
        );
        return Ok(None);
    }
    let current: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM certifications WHERE user_id = $1 AND status <> 'revoked' AND expires_at > $2",
    )
    .bind(user_id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    if current > 0 {
        return Ok(None);
    }
    // Ten characters of a random id almost never meet another certificate's; if they do, the
    // number takes ten more rather than failing the release.
    let mut number = certificate_number(attempt_id);
    let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM certifications WHERE number = $1")
        .bind(&number)
        .fetch_one(&mut *tx)
        .await?;
    if taken > 0 {
        number = format!("{number}-{}", &attempt_id[10..20].to_ascii_uppercase());
    }
    let folded = folded_name(&display_name);
    sqlx::query(
        "INSERT INTO certifications (number, user_id, attempt_id, issued_at, expires_at, status, \
         status_changed_at, name_folded) VALUES ($1, $2, $3, $4, $5, 'active', $4, $6)",
    )
    .bind(&number)
    .bind(user_id)
    .bind(attempt_id)
    .bind(now)
    .bind(years_later(now, VALID_YEARS))
    .bind(folded)
    .execute(&mut *tx)
    .await?;
    tracing::info!(attempt = attempt_id, number, "certified");
    Ok(Some(number))
}

const ENTRY_COLUMNS: &str =
    "c.id, c.number, c.issued_at, c.expires_at, c.status, c.status_reason, \
    c.attempt_id, u.display_name, u.email";

fn entry(row: &sqlx::any::AnyRow, now: i64) -> Result<RegistryEntry, AppError> {
    let status: String = row.try_get("status")?;
    let expires_at: i64 = row.try_get("expires_at")?;
    let status = match status.as_str() {
        "active" if expires_at <= now => CertificationStatus::Expired,
        "active" => CertificationStatus::Active,
        "suspended" => CertificationStatus::Suspended,
        _ => CertificationStatus::Revoked,
    };
    Ok(RegistryEntry {
        id: row.try_get("id")?,
        number: row.try_get("number")?,
        name: row.try_get("display_name")?,
        status,
        issued_on: super::attempts::day_text(row.try_get("issued_at")?),
        expires_on: super::attempts::day_text(expires_at),
        reason: row.try_get("status_reason")?,
        attempt_id: row.try_get("attempt_id")?,
        email: row.try_get("email")?,
    })
}

/// What the public may look up: by certificate number (exact, any case) or by name (part of
/// it, any case, at least three letters). The public page shows only the name, number,
/// status and dates of each entry; a reason stays with staff.
pub async fn lookup(db: &Db, now: i64, query: &str) -> Result<Vec<RegistryEntry>, AppError> {
    let query = query.trim();
    let rows = if query.to_ascii_uppercase().starts_with("PSS-") {
        sqlx::query(&format!(
            "SELECT {ENTRY_COLUMNS} FROM certifications c JOIN users u ON u.id = c.user_id \
             WHERE c.number = $1"
        ))
        .bind(query.to_ascii_uppercase())
        .fetch_all(&db.pool)
        .await?
    } else if query.chars().count() >= MIN_NAME_QUERY {
        sqlx::query(&format!(
            "SELECT {ENTRY_COLUMNS} FROM certifications c JOIN users u ON u.id = c.user_id \
             WHERE c.name_folded LIKE $1 ESCAPE '\\' ORDER BY u.display_name, c.issued_at DESC LIMIT {MAX_RESULTS}"
        ))
        .bind(format!("%{}%", like_escape(&folded_name(query))))
        .fetch_all(&db.pool)
        .await?
    } else {
        Vec::new()
    };
    rows.iter().map(|r| entry(r, now)).collect()
}

/// A name as the registry search compares it: lower case by Rust's Unicode rules, the same
/// on both databases (SQLite's `LOWER` folds only A to Z).
pub fn folded_name(name: &str) -> String {
    name.trim().to_lowercase()
}

/// `%`, `_` and `\` typed into the search are matched as themselves (the query says
/// `ESCAPE '\'`, which both databases honour).
fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Every certification, newest first, for staff (with the reason and the candidate's email).
pub async fn staff_list(db: &Db, now: i64) -> Result<Vec<RegistryEntry>, AppError> {
    let rows = sqlx::query(&format!(
        "SELECT {ENTRY_COLUMNS} FROM certifications c JOIN users u ON u.id = c.user_id \
         ORDER BY c.issued_at DESC, c.id DESC LIMIT 500"
    ))
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(|r| entry(r, now)).collect()
}

/// The candidate's own current certification, if any (for their dashboard).
pub async fn of_user(db: &Db, now: i64, user_id: i64) -> Result<Option<RegistryEntry>, AppError> {
    let row = sqlx::query(&format!(
        "SELECT {ENTRY_COLUMNS} FROM certifications c JOIN users u ON u.id = c.user_id \
         WHERE c.user_id = $1 ORDER BY c.issued_at DESC, c.id DESC LIMIT 1"
    ))
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| entry(&r, now)).transpose()
}

/// A staff change of status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusAction {
    Suspend,
    Revoke,
    Reinstate,
}

impl StatusAction {
    pub fn parse(s: &str) -> Option<StatusAction> {
        match s {
            "suspend" => Some(StatusAction::Suspend),
            "revoke" => Some(StatusAction::Revoke),
            "reinstate" => Some(StatusAction::Reinstate),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            StatusAction::Suspend => "suspend",
            StatusAction::Revoke => "revoke",
            StatusAction::Reinstate => "reinstate",
        }
    }

    /// The statuses it may start from, and the one it leads to.
    pub fn transition(self) -> (&'static [&'static str], &'static str) {
        match self {
            StatusAction::Suspend => (&["active"], "suspended"),
            StatusAction::Revoke => (&["active", "suspended"], "revoked"),
            StatusAction::Reinstate => (&["suspended", "revoked"], "active"),
        }
    }
}

/// Why a certification may not come back: the attempt that earned it was invalidated, or
/// its holder has another certification that is current. `None`: it may.
async fn reinstate_refusal(
    tx: &mut sqlx::AnyConnection,
    id: i64,
    now: i64,
) -> Result<Option<&'static str>, AppError> {
    let row = sqlx::query(
        "SELECT a.invalidated_at, (SELECT COUNT(*) FROM certifications o WHERE o.user_id = c.user_id \
         AND o.id <> c.id AND o.status <> 'revoked' AND o.expires_at > $2) AS others \
         FROM certifications c JOIN attempts a ON a.id = c.attempt_id WHERE c.id = $1",
    )
    .bind(id)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    if row.try_get::<Option<i64>, _>("invalidated_at")?.is_some() {
        return Ok(Some("the exam attempt that earned it was invalidated"));
    }
    if row.try_get::<i64, _>("others")? > 0 {
        return Ok(Some("its holder has another current certification"));
    }
    Ok(None)
}

/// Suspends, revokes or reinstates a certification for a reason, recorded in the audit log
/// in the same transaction. A change that does not fit the current status is refused.
pub async fn set_status(
    db: &Db,
    staff: &User,
    id: i64,
    action: StatusAction,
    reason: &str,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    set_status_in(&mut tx, db.kind, staff, id, action, reason, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Whether [`set_status`] would succeed now (the same checks, in a transaction rolled back):
/// a proposal is refused at once for what its approval would be refused for.
pub async fn check_status_change(
    db: &Db,
    staff: &User,
    id: i64,
    action: StatusAction,
    reason: &str,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let checked = set_status_in(&mut tx, db.kind, staff, id, action, reason, now).await;
    tx.rollback().await?;
    checked
}

/// [`set_status`] inside a transaction of the caller's (a complaint closed with a corrective
/// action changes the registry in its own transaction).
pub async fn set_status_in(
    tx: &mut sqlx::AnyConnection,
    kind: super::db::DbKind,
    staff: &User,
    id: i64,
    action: StatusAction,
    reason: &str,
    now: i64,
) -> Result<(), AppError> {
    let reason = super::forms::required_reason(
        reason,
        "give the reason for this change; it is kept in the record",
    )?;
    let (from, to) = action.transition();
    // The holder's row is locked first, as when certifying, so a reinstatement and a new
    // certification of the same person cannot pass each other.
    sqlx::query(
        "UPDATE users SET display_name = display_name WHERE id = (SELECT user_id FROM certifications WHERE id = $1)",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let current: Option<(String, String)> =
        sqlx::query_as("SELECT status, number FROM certifications WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((status, number)) = current else {
        return Err(AppError::NotFound(format!(
            "there is no certification {id}"
        )));
    };
    if action == StatusAction::Reinstate {
        if let Some(why) = reinstate_refusal(tx, id, now).await? {
            return Err(AppError::Conflict(format!(
                "certification {number} cannot be reinstated: {why}"
            )));
        }
    }
    if !from.contains(&status.as_str()) {
        return Err(AppError::Conflict(format!(
            "certification {number} is {status}: it cannot be {}",
            match action {
                StatusAction::Suspend => "suspended",
                StatusAction::Revoke => "revoked",
                StatusAction::Reinstate => "reinstated",
            }
        )));
    }
    let changed = sqlx::query(
        "UPDATE certifications SET status = $1, status_reason = $2, status_changed_at = $3 \
         WHERE id = $4 AND status = $5",
    )
    .bind(to)
    .bind(reason)
    .bind(now)
    .bind(id)
    .bind(&status)
    .execute(&mut *tx)
    .await?;
    if changed.rows_affected() == 0 {
        return Err(AppError::Conflict(format!(
            "certification {number} was changed meanwhile; look again"
        )));
    }
    audit::append(
        tx,
        kind,
        now,
        staff,
        &format!("certification.{}", action.code()),
        &format!("certification:{number}"),
        serde_json::json!({ "from": status, "to": to, "reason": reason }),
    )
    .await?;
    Ok(())
}

/// Checks a renewal's hours: whole numbers, at least 20 in all and 6 in law and ethics, and
/// no more law and ethics hours than hours in all. Each problem names its field.
pub fn check_hours(total: &str, law_ethics: &str) -> Result<(u32, u32), String> {
    let parse = |field: &str, raw: &str| {
        raw.trim()
            .parse::<u32>()
            .map_err(|_| format!("{field}: {:?} is not a whole number of hours", raw.trim()))
    };
    let total = parse("ce_hours", total)?;
    let law = parse("law_ethics_hours", law_ethics)?;
    if total < CE_HOURS {
        return Err(format!(
            "ce_hours: {total} is fewer than the {CE_HOURS} hours of continuing education a renewal needs"
        ));
    }
    if law < LAW_ETHICS_HOURS {
        return Err(format!(
            "law_ethics_hours: {law} is fewer than the {LAW_ETHICS_HOURS} hours in law and ethics a renewal needs"
        ));
    }
    if law > total {
        return Err(format!(
            "law_ethics_hours: {law} is more than the {total} hours in all"
        ));
    }
    Ok((total, law))
}

/// Records a renewal: an active certification within its renewal window moves its expiry two
/// years on; the hours and both dates are kept, and the audit log has the entry.
pub async fn renew(
    db: &Db,
    staff: &User,
    id: i64,
    hours: (u32, u32),
    now: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let row: Option<(String, String, i64)> =
        sqlx::query_as("SELECT number, status, expires_at FROM certifications WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((number, status, expires_at)) = row else {
        return Err(AppError::NotFound(format!(
            "there is no certification {id}"
        )));
    };
    if status != "active" {
        return Err(AppError::Conflict(format!(
            "certification {number} is {status}: only an active certification is renewed"
        )));
    }
    let opens = expires_at - RENEWAL_WINDOW_DAYS * 24 * 60 * 60 * 1000;
    if now < opens {
        return Err(AppError::Conflict(format!(
            "certification {number} can be renewed from {} (90 days before it expires on {})",
            super::attempts::day_text(opens),
            super::attempts::day_text(expires_at)
        )));
    }
    if now >= expires_at {
        return Err(AppError::Conflict(format!(
            "certification {number} expired on {}: an expired certification is not renewed",
            super::attempts::day_text(expires_at)
        )));
    }
    let new_expiry = years_later(expires_at, VALID_YEARS);
    let moved = sqlx::query(
        "UPDATE certifications SET expires_at = $1 WHERE id = $2 AND expires_at = $3 AND status = 'active'",
    )
    .bind(new_expiry)
    .bind(id)
    .bind(expires_at)
    .execute(&mut *tx)
    .await?;
    if moved.rows_affected() == 0 {
        return Err(AppError::Conflict(format!(
            "certification {number} was changed meanwhile; look again"
        )));
    }
    sqlx::query(
        "INSERT INTO renewals (certification_id, recorded_at, recorded_by, ce_hours, law_ethics_hours, \
         previous_expires_at, new_expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(now)
    .bind(staff.id)
    .bind(i64::from(hours.0))
    .bind(i64::from(hours.1))
    .bind(expires_at)
    .bind(new_expiry)
    .execute(&mut *tx)
    .await?;
    audit::append(
        &mut tx,
        db.kind,
        now,
        staff,
        "certification.renew",
        &format!("certification:{number}"),
        serde_json::json!({
            "ce_hours": hours.0,
            "law_ethics_hours": hours.1,
            "previous_expires_at": expires_at,
            "new_expires_at": new_expiry,
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_come_from_the_attempt_and_terms_are_two_calendar_years() {
        assert_eq!(
            certificate_number("0123456789abcdef0123456789abcdef"),
            "PSS-01234-56789"
        );
        // 2026-12-02 12:00 UTC → 2028-12-02 12:00 UTC.
        let issued = 1_796_212_800_000;
        assert_eq!(years_later(issued, 2), 1_859_371_200_000);
        // 2028-02-29 → 2030-02-28.
        let leap = 1_835_395_200_000;
        let t = time::OffsetDateTime::from_unix_timestamp(years_later(leap, 2) / 1000).unwrap();
        assert_eq!((t.year(), u8::from(t.month()), t.day()), (2030, 2, 28));
    }

    #[test]
    fn renewal_hours_need_20_with_6_in_law_and_ethics() {
        assert_eq!(check_hours("20", "6"), Ok((20, 6)));
        assert_eq!(check_hours(" 32 ", "10"), Ok((32, 10)));
        for (total, law, field) in [
            ("19", "6", "ce_hours: 19 is fewer"),
            ("20", "5", "law_ethics_hours: 5 is fewer"),
            ("20", "21", "law_ethics_hours: 21 is more"),
            ("twenty", "6", "ce_hours: \"twenty\" is not"),
            ("20", "6.5", "law_ethics_hours: \"6.5\" is not"),
        ] {
            let e = check_hours(total, law).unwrap_err();
            assert!(e.starts_with(field), "{total} {law}: {e}");
        }
    }

    #[test]
    fn status_changes_follow_the_allowed_paths() {
        assert_eq!(
            StatusAction::Suspend.transition(),
            (&["active"][..], "suspended")
        );
        assert_eq!(StatusAction::Reinstate.transition().1, "active");
        assert!(StatusAction::Revoke.transition().0.contains(&"suspended"));
        assert_eq!(StatusAction::parse("delete"), None);
    }
}
