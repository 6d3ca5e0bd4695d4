//! Accommodation requests: a candidate asks (what they need, with the documentation note the
//! program asks for), staff approve with an exact profile or deny with a reason, and the newest
//! approved profile applies to every attempt the candidate starts after it.

use sqlx::Row;

use super::db::Db;
use super::error::AppError;
use super::users::User;
use crate::dto::{AccommodationProfile, AccommodationRequestRow, ACCOMMODATION_NEEDS};

/// Longest accepted text in a request or decision (a documentation note is a few paragraphs).
pub const MAX_TEXT: usize = 4000;
/// Exam time may be set from the standard time up to four times it.
pub const TIME_PERCENT_RANGE: std::ops::RangeInclusive<u32> = 100..=400;
pub const MAX_BREAK_MINUTES: u32 = 240;
/// The most breaks a profile may give in one attempt.
pub const MAX_BREAKS: u32 = 4;

/// A request as a candidate sends it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRequest {
    pub needs: Vec<String>,
    pub details: String,
    pub documentation: String,
}

fn text_field(
    value: &str,
    field: &'static str,
    empty: &str,
    errors: &mut Vec<(&'static str, String)>,
) -> String {
    let value = value.trim().replace("\r\n", "\n");
    if value.is_empty() {
        errors.push((field, empty.to_string()));
    } else if value.chars().count() > MAX_TEXT {
        errors.push((
            field,
            crate::t!("accommodations-error-too-long", max = MAX_TEXT),
        ));
    }
    value
}

/// Reads the request form's pairs (`need` may repeat). Every problem is reported at once.
pub fn check_request(
    fields: &[(String, String)],
) -> Result<NewRequest, Vec<(&'static str, String)>> {
    let mut errors = Vec::new();
    let mut needs: Vec<String> = Vec::new();
    for (_, code) in fields.iter().filter(|(k, _)| k == "need") {
        if !ACCOMMODATION_NEEDS.iter().any(|(c, _)| c == code) {
            errors.push(("need", format!("\"{code}\" is not one of the choices.")));
        } else if !needs.contains(code) {
            needs.push(code.clone());
        }
    }
    if needs.is_empty() && errors.is_empty() {
        errors.push(("need", crate::t!("accommodations-error-need")));
    }
    let get = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    let details = text_field(
        get("details"),
        "details",
        &crate::t!("accommodations-error-details"),
        &mut errors,
    );
    let documentation = text_field(
        get("documentation"),
        "documentation",
        &crate::t!("accommodations-error-documentation"),
        &mut errors,
    );
    if errors.is_empty() {
        Ok(NewRequest {
            needs,
            details,
            documentation,
        })
    } else {
        Err(errors)
    }
}

/// Stores a request, unless one is already waiting for a decision.
pub async fn submit(db: &Db, user: &User, request: &NewRequest, now: i64) -> Result<i64, AppError> {
    // One pending request per person is a unique index (migration 0013), so two sends at
    // once cannot both get in on either database.
    let inserted = sqlx::query(
        "INSERT INTO accommodation_requests (user_id, requested, details, documentation, status, submitted_at) \
         VALUES ($1, $2, $3, $4, 'pending', $5) RETURNING id",
    )
    .bind(user.id)
    .bind(request.needs.join(","))
    .bind(&request.details)
    .bind(&request.documentation)
    .bind(now)
    .fetch_one(&db.pool)
    .await;
    let id: i64 = match inserted {
        Ok(row) => row.try_get("id")?,
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(AppError::Conflict(crate::t!(
                "accommodations-error-pending"
            )))
        }
        Err(e) => return Err(e.into()),
    };
    tracing::info!(user_id = user.id, request = id, "accommodation requested");
    Ok(id)
}

/// A staff decision.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    Approve {
        profile: AccommodationProfile,
        note: String,
    },
    Deny {
        reason: String,
    },
}

/// Reads the decision form: `decision` (approve|deny), `time_percent`, `break_minutes`,
/// `speech`, `note`. A denial needs a reason the candidate will read.
pub fn check_decision(fields: &[(String, String)]) -> Result<Decision, String> {
    let get = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .unwrap_or("")
    };
    let note = get("note").replace("\r\n", "\n");
    if note.chars().count() > MAX_TEXT {
        return Err(format!("note: keep it to at most {MAX_TEXT} characters"));
    }
    match get("decision") {
        "approve" => {
            let time_percent: u32 = get("time_percent").parse().map_err(|_| {
                format!(
                    "time_percent: \"{}\" is not a whole number of percent",
                    get("time_percent")
                )
            })?;
            if !TIME_PERCENT_RANGE.contains(&time_percent) {
                return Err(format!(
                    "time_percent: {time_percent} is outside {}–{} (100 is the standard time, 150 time and a half)",
                    TIME_PERCENT_RANGE.start(),
                    TIME_PERCENT_RANGE.end()
                ));
            }
            let break_minutes: u32 = get("break_minutes").parse().map_err(|_| {
                format!(
                    "break_minutes: \"{}\" is not a whole number of minutes",
                    get("break_minutes")
                )
            })?;
            if !(1..=MAX_BREAK_MINUTES).contains(&break_minutes) {
                return Err(format!(
                    "break_minutes: {break_minutes} is outside 1–{MAX_BREAK_MINUTES} (a candidate may always decline the break)"
                ));
            }
            let flag = |name: &str| match get(name) {
                "" => Ok(false),
                "on" | "1" | "true" => Ok(true),
                other => Err(format!("{name}: \"{other}\" is not on or off")),
            };
            let speech = flag("speech")?;
            let break_anytime = flag("break_anytime")?;
            let break_count: u32 = match get("break_count") {
                "" => 1,
                raw => raw.parse().map_err(|_| {
                    format!("break_count: \"{raw}\" is not a whole number of breaks")
                })?,
            };
            if !(1..=MAX_BREAKS).contains(&break_count) {
                return Err(format!(
                    "break_count: {break_count} is outside 1–{MAX_BREAKS} breaks in one attempt"
                ));
            }
            Ok(Decision::Approve {
                profile: AccommodationProfile {
                    time_percent,
                    break_minutes,
                    speech,
                    break_anytime,
                    break_count,
                },
                note,
            })
        }
        "deny" if note.is_empty() => {
            Err("note: a denial needs a reason; the candidate will read it".into())
        }
        "deny" => Ok(Decision::Deny { reason: note }),
        other => Err(format!("decision: \"{other}\" is neither approve nor deny")),
    }
}

/// Records a staff decision on a pending request. A request already decided is refused (two
/// staff members deciding at once cannot both win).
pub async fn decide(
    db: &Db,
    staff: &User,
    request_id: i64,
    decision: &Decision,
    now: i64,
    site: &str,
) -> Result<(), AppError> {
    let (status, note, profile) = match decision {
        Decision::Approve { profile, note } => ("approved", note.as_str(), Some(profile)),
        Decision::Deny { reason } => ("denied", reason.as_str(), None),
    };
    let mut tx = db.begin().await?;
    let done = sqlx::query(
        "UPDATE accommodation_requests SET status = $1, decided_at = $2, decided_by = $3, \
         decision_note = $4, time_percent = $5, break_minutes = $6, speech = $7, break_anytime = $8, \
         break_count = $9 WHERE id = $10 AND status = 'pending'",
    )
    .bind(status)
    .bind(now)
    .bind(staff.id)
    .bind((!note.is_empty()).then_some(note))
    .bind(profile.map(|p| i64::from(p.time_percent)))
    .bind(profile.map(|p| i64::from(p.break_minutes)))
    .bind(profile.map(|p| i64::from(p.speech)))
    .bind(profile.map(|p| i64::from(p.break_anytime)))
    .bind(profile.map(|p| i64::from(p.break_count)))
    .bind(request_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        drop(tx);
        return Err(super::audit::already_decided(
            db,
            "accommodation_requests",
            request_id,
            "accommodation request",
        )
        .await);
    }
    super::audit::append(
        &mut tx,
        db.kind,
        now,
        staff,
        if profile.is_some() {
            "accommodation.approve"
        } else {
            "accommodation.deny"
        },
        &format!("accommodation_request:{request_id}"),
        serde_json::json!({ "note": note, "profile": profile.map(|p| serde_json::json!({
            "time_percent": p.time_percent,
            "break_minutes": p.break_minutes,
            "break_anytime": p.break_anytime,
            "break_count": p.break_count,
            "speech": p.speech,
        })) }),
    )
    .await?;
    let candidate: i64 =
        sqlx::query_scalar("SELECT user_id FROM accommodation_requests WHERE id = $1")
            .bind(request_id)
            .fetch_one(&mut *tx)
            .await?;
    super::mail::notify(
        &mut tx,
        now,
        candidate,
        super::mail::Notice::AccommodationDecided,
        site,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(
        staff = staff.id,
        request = request_id,
        status,
        "accommodation decided"
    );
    Ok(())
}

fn profile_from_row(row: &sqlx::any::AnyRow) -> Result<Option<AccommodationProfile>, AppError> {
    let time: Option<i64> = row.try_get("time_percent")?;
    let minutes: Option<i64> = row.try_get("break_minutes")?;
    let speech: Option<i64> = row.try_get("speech")?;
    let anytime: Option<i64> = row.try_get("break_anytime")?;
    // Decided before breaks could be several: one.
    let count: Option<i64> = row.try_get("break_count")?;
    Ok(match (time, minutes) {
        (Some(t), Some(m)) => Some(AccommodationProfile {
            time_percent: u32::try_from(t).unwrap_or(100),
            break_minutes: u32::try_from(m).unwrap_or(0),
            speech: speech == Some(1),
            break_anytime: anytime == Some(1),
            break_count: count.and_then(|c| u32::try_from(c).ok()).unwrap_or(1),
        }),
        _ => None,
    })
}

/// The profile (and its request id) new attempts start with: the newest approved request.
pub async fn active_profile(
    db: &Db,
    user_id: i64,
) -> Result<Option<(i64, AccommodationProfile)>, AppError> {
    let row = sqlx::query(
        "SELECT id, time_percent, break_minutes, speech, break_anytime, break_count FROM accommodation_requests \
         WHERE user_id = $1 AND status = 'approved' ORDER BY decided_at DESC, id DESC LIMIT 1",
    )
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await?;
    match row {
        Some(row) => Ok(profile_from_row(&row)?.map(|p| (row.try_get("id").unwrap_or(0), p))),
        None => Ok(None),
    }
}

fn row_to_view(
    row: &sqlx::any::AnyRow,
    with_candidate: bool,
) -> Result<AccommodationRequestRow, AppError> {
    let requested: String = row.try_get("requested")?;
    let decided_at: Option<i64> = row.try_get("decided_at")?;
    Ok(AccommodationRequestRow {
        id: row.try_get("id")?,
        submitted_on: super::attempts::day_text(row.try_get("submitted_at")?),
        requested: requested
            .split(',')
            .filter(|c| !c.is_empty())
            .map(crate::dto::need_label)
            .collect(),
        details: row.try_get("details")?,
        documentation: row.try_get("documentation")?,
        status: row.try_get("status")?,
        decided_on: decided_at.map(super::attempts::day_text),
        decision_note: row.try_get("decision_note")?,
        profile: profile_from_row(row)?,
        candidate: if with_candidate {
            let name: String = row.try_get("display_name")?;
            let email: String = row.try_get("email")?;
            Some(format!("{name} <{email}>"))
        } else {
            None
        },
    })
}

const COLUMNS: &str = "r.id, r.requested, r.details, r.documentation, r.status, r.submitted_at, \
    r.decided_at, r.decision_note, r.time_percent, r.break_minutes, r.speech, r.break_anytime, r.break_count, \
    u.display_name, u.email";

/// A candidate's own requests, newest first.
pub async fn for_candidate(
    db: &Db,
    user_id: i64,
) -> Result<Vec<AccommodationRequestRow>, AppError> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM accommodation_requests r JOIN users u ON u.id = r.user_id \
         WHERE r.user_id = $1 ORDER BY r.submitted_at DESC, r.id DESC"
    ))
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| row_to_view(r, false))
    .collect()
}

/// The staff queue: pending requests oldest first, then the 50 latest decisions.
pub async fn queue(
    db: &Db,
) -> Result<(Vec<AccommodationRequestRow>, Vec<AccommodationRequestRow>), AppError> {
    let pending = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM accommodation_requests r JOIN users u ON u.id = r.user_id \
         WHERE r.status = 'pending' ORDER BY r.submitted_at, r.id"
    ))
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| row_to_view(r, true))
    .collect::<Result<_, _>>()?;
    let decided = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM accommodation_requests r JOIN users u ON u.id = r.user_id \
         WHERE r.status <> 'pending' ORDER BY r.decided_at DESC, r.id DESC LIMIT 50"
    ))
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| row_to_view(r, true))
    .collect::<Result<_, _>>()?;
    Ok((pending, decided))
}

/// The candidate's accommodations in one sentence, for the dashboard.
pub async fn summary(db: &Db, user_id: i64) -> Result<String, AppError> {
    let pending: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM accommodation_requests WHERE user_id = $1 AND status = 'pending'",
    )
    .bind(user_id)
    .fetch_one(&db.pool)
    .await?
    .try_get("n")?;
    let active = active_profile(db, user_id).await?;
    Ok(match (active, pending > 0) {
        (Some((_, p)), false) => {
            crate::t!(
                "accommodations-summary-approved",
                profile = p.describe(None)
            )
        }
        (Some((_, p)), true) => {
            crate::t!(
                "accommodations-summary-approved-pending",
                profile = p.describe(None)
            )
        }
        (None, true) => crate::t!("accommodations-summary-pending"),
        (None, false) => crate::t!("accommodations-summary-none"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_request_needs_a_choice_a_description_and_the_documentation_note() {
        let errors = check_request(&pairs(&[("details", " ")])).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.0).collect();
        assert_eq!(fields, ["need", "details", "documentation"]);
        let bad = check_request(&pairs(&[
            ("need", "teleport"),
            ("details", "x"),
            ("documentation", "y"),
        ]))
        .unwrap_err();
        assert!(bad[0].1.contains("teleport"));
        let ok = check_request(&pairs(&[
            ("need", "extra_time"),
            ("need", "speech"),
            ("need", "extra_time"),
            ("details", "Dyslexia.\r\nReading is slow."),
            ("documentation", "Letter from Dr. Lee, 2026"),
        ]))
        .unwrap();
        assert_eq!(ok.needs, ["extra_time", "speech"]);
        assert_eq!(ok.details, "Dyslexia.\nReading is slow.");
    }

    #[test]
    fn a_decision_is_an_exact_profile_or_a_reasoned_denial() {
        let approve = check_decision(&pairs(&[
            ("decision", "approve"),
            ("time_percent", "150"),
            ("break_minutes", "30"),
            ("speech", "on"),
            ("break_anytime", "on"),
        ]))
        .unwrap();
        assert_eq!(
            approve,
            Decision::Approve {
                profile: AccommodationProfile {
                    time_percent: 150,
                    break_minutes: 30,
                    speech: true,
                    break_anytime: true,
                    break_count: 1,
                },
                note: String::new()
            }
        );
        assert!(check_decision(&pairs(&[("decision", "deny")]))
            .unwrap_err()
            .contains("reason"));
        for (t, b, why) in [
            ("99", "15", "outside"),
            ("401", "15", "outside"),
            ("1.5", "15", "whole"),
            ("150", "-1", "whole"),
            ("150", "241", "outside"),
            ("150", "0", "outside"),
        ] {
            let e = check_decision(&pairs(&[
                ("decision", "approve"),
                ("time_percent", t),
                ("break_minutes", b),
            ]))
            .unwrap_err();
            assert!(e.contains(why), "{t} {b}: {e}");
        }
        assert!(check_decision(&pairs(&[("decision", "maybe")])).is_err());
        let odd = check_decision(&pairs(&[
            ("decision", "approve"),
            ("time_percent", "100"),
            ("break_minutes", "10"),
            ("break_anytime", "yes please"),
        ]))
        .unwrap_err();
        assert!(odd.starts_with("break_anytime:"), "{odd}");
        for (count, why) in [
            ("0", "outside 1–4"),
            ("5", "outside 1–4"),
            ("two", "whole number"),
        ] {
            let e = check_decision(&pairs(&[
                ("decision", "approve"),
                ("time_percent", "100"),
                ("break_minutes", "10"),
                ("break_count", count),
            ]))
            .unwrap_err();
            assert!(
                e.starts_with("break_count:") && e.contains(why),
                "{count}: {e}"
            );
        }
        let three = check_decision(&pairs(&[
            ("decision", "approve"),
            ("time_percent", "100"),
            ("break_minutes", "10"),
            ("break_count", "3"),
        ]));
        assert!(matches!(three, Ok(Decision::Approve { profile, .. }) if profile.break_count == 3));
    }

    #[test]
    fn profiles_read_as_words() {
        let mut p = AccommodationProfile {
            time_percent: 150,
            break_minutes: 30,
            speech: true,
            break_anytime: false,
            break_count: 1,
        };
        assert_eq!(
            p.describe(Some(150)),
            "time and a half (225 minutes), a 30-minute scheduled break, questions and answers read aloud on request"
        );
        p.break_anytime = true;
        p.time_percent = 125;
        assert_eq!(
            p.describe(None),
            "125% of the standard time, a 30-minute break to take at any point of the exam, questions and answers read aloud on request"
        );
        p.break_count = 2;
        p.speech = false;
        assert_eq!(
            p.describe(None),
            "125% of the standard time, 2 breaks of 30 minutes each, to take at any point of the exam"
        );
        p.break_anytime = false;
        assert_eq!(
            p.describe(None),
            "125% of the standard time, 2 scheduled breaks of 30 minutes each"
        );
    }
}
