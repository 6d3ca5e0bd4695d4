//! Applications for certification. A candidate applies by one of the program's pathways
//! (initial certification after training by an approved provider, or reciprocity for a current
//! certification from another state) with the attestations the program requires; staff approve
//! or return it with a reason; the exam can be started once the newest application is approved.
//! Staff keep the list of approved training providers here too.

use sqlx::Row;
use time::Date;

use super::db::Db;
use super::error::AppError;
use super::users::User;
use crate::dto::{ApplicationRow, ProviderRow, ATTESTATIONS};
use crate::places::OTHER_STATES;

#[derive(Debug, Clone, PartialEq)]
pub enum Pathway {
    Training {
        provider_id: i64,
        completed_on: Date,
    },
    Reciprocity {
        state: &'static str,
        credential: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewApplication {
    pub pathway: Pathway,
    /// "self" or "family".
    pub lived_experience: &'static str,
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .unwrap_or("")
}

/// Checks an application form against the active providers and today's date, reporting every
/// problem at once by field.
pub fn check(
    fields: &[(String, String)],
    active_providers: &[(i64, String)],
    today: Date,
) -> Result<NewApplication, Vec<(&'static str, String)>> {
    let mut errors = Vec::new();
    let pathway = match field(fields, "pathway") {
        "training" => {
            let provider_id = match field(fields, "training_provider").parse::<i64>() {
                Ok(id) if active_providers.iter().any(|(p, _)| *p == id) => Some(id),
                _ => {
                    errors.push(("training_provider", crate::t!("application-error-provider")));
                    None
                }
            };
            let completed =
                match super::accounts::parse_date(field(fields, "training_completed_on")) {
                    Some(d) if d <= today => Some(d),
                    Some(_) => {
                        errors.push((
                            "training_completed_on",
                            crate::t!("application-error-completed-future"),
                        ));
                        None
                    }
                    None => {
                        errors.push((
                            "training_completed_on",
                            crate::t!("application-error-completed-on"),
                        ));
                        None
                    }
                };
            provider_id
                .zip(completed)
                .map(|(provider_id, completed_on)| Pathway::Training {
                    provider_id,
                    completed_on,
                })
        }
        "reciprocity" => {
            let state = OTHER_STATES
                .iter()
                .find(|s| **s == field(fields, "other_state"))
                .copied();
            if state.is_none() {
                errors.push(("other_state", crate::t!("application-error-state")));
            }
            let credential = field(fields, "other_credential").to_string();
            if credential.is_empty() || credential.chars().count() > 50 {
                errors.push((
                    "other_credential",
                    crate::t!("application-error-credential"),
                ));
            }
            state
                .filter(|_| !credential.is_empty() && credential.chars().count() <= 50)
                .map(|state| Pathway::Reciprocity { state, credential })
        }
        _ => {
            errors.push(("pathway", crate::t!("application-error-pathway")));
            None
        }
    };
    let lived = match field(fields, "lived_experience") {
        "self" => Some("self"),
        "family" => Some("family"),
        _ => {
            errors.push((
                "lived_experience",
                crate::t!("application-error-lived-experience"),
            ));
            None
        }
    };
    for (name, _) in ATTESTATIONS {
        if field(fields, name) != "on" {
            let message = match name {
                "attest_lived_experience" => crate::t!("application-error-attest-lived-experience"),
                "attest_code_of_ethics" => crate::t!("application-error-attest-code-of-ethics"),
                "attest_education" => crate::t!("application-error-attest-education"),
                _ => crate::t!("application-error-attest-training"),
            };
            errors.push((name, message));
        }
    }
    match (pathway, lived) {
        (Some(pathway), Some(lived_experience)) if errors.is_empty() => Ok(NewApplication {
            pathway,
            lived_experience,
        }),
        _ => Err(errors),
    }
}

/// Stores an application, unless one is waiting for a decision or already approved.
pub async fn submit(
    db: &Db,
    user: &User,
    application: &NewApplication,
    now: i64,
) -> Result<i64, AppError> {
    let (pathway, provider, completed, state, credential) = match &application.pathway {
        Pathway::Training {
            provider_id,
            completed_on,
        } => (
            "training",
            Some(*provider_id),
            Some(completed_on.to_string()),
            None,
            None,
        ),
        Pathway::Reciprocity { state, credential } => (
            "reciprocity",
            None,
            None,
            Some(*state),
            Some(credential.clone()),
        ),
    };
    // One open (submitted or approved) application per person is a unique index (migration
    // 0013), so two sends at once cannot both get in on either database.
    let inserted = sqlx::query(
        "INSERT INTO applications (user_id, pathway, training_provider_id, training_completed_on, \
         other_state, other_credential, lived_experience, attest_lived_experience, attest_code_of_ethics, \
         attest_education, attest_training, status, submitted_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 1, 1, 1, 1, 'submitted', $8) RETURNING id",
    )
    .bind(user.id)
    .bind(pathway)
    .bind(provider)
    .bind(completed)
    .bind(state)
    .bind(credential)
    .bind(application.lived_experience)
    .bind(now)
    .fetch_one(&db.pool)
    .await;
    let id: i64 = match inserted {
        Ok(row) => row.try_get("id")?,
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(AppError::Conflict(crate::t!(
                "application-error-already-open"
            )))
        }
        Err(e) => return Err(e.into()),
    };
    tracing::info!(
        user_id = user.id,
        application = id,
        pathway,
        "application submitted"
    );
    Ok(id)
}

#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    Approve { note: String },
    Return { reason: String },
}

pub fn check_decision(fields: &[(String, String)]) -> Result<Decision, String> {
    let note = field(fields, "note").replace("\r\n", "\n");
    if note.chars().count() > super::accommodations::MAX_TEXT {
        return Err(format!(
            "note: keep it to at most {} characters",
            super::accommodations::MAX_TEXT
        ));
    }
    match field(fields, "decision") {
        "approve" => Ok(Decision::Approve { note }),
        "return" if note.is_empty() => Err(
            "note: returning an application needs a reason; the candidate reads it to correct the application"
                .into(),
        ),
        "return" => Ok(Decision::Return { reason: note }),
        other => Err(format!("decision: \"{other}\" is neither approve nor return")),
    }
}

/// Records a decision on a submitted application (a decided one is refused).
pub async fn decide(
    db: &Db,
    staff: &User,
    id: i64,
    decision: &Decision,
    now: i64,
    site: &str,
) -> Result<(), AppError> {
    let (status, note) = match decision {
        Decision::Approve { note } => ("approved", note.as_str()),
        Decision::Return { reason } => ("returned", reason.as_str()),
    };
    let mut tx = db.begin().await?;
    let done = sqlx::query(
        "UPDATE applications SET status = $1, decided_at = $2, decided_by = $3, decision_note = $4 \
         WHERE id = $5 AND status = 'submitted'",
    )
    .bind(status)
    .bind(now)
    .bind(staff.id)
    .bind((!note.is_empty()).then_some(note))
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        drop(tx);
        return Err(super::audit::already_decided(db, "applications", id, "application").await);
    }
    super::audit::append(
        &mut tx,
        db.kind,
        now,
        staff,
        if status == "approved" {
            "application.approve"
        } else {
            "application.return"
        },
        &format!("application:{id}"),
        serde_json::json!({ "note": note }),
    )
    .await?;
    let candidate: i64 = sqlx::query_scalar("SELECT user_id FROM applications WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    super::mail::notify(
        &mut tx,
        now,
        candidate,
        super::mail::Notice::ApplicationDecided,
        site,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(
        staff = staff.id,
        application = id,
        status,
        "application decided"
    );
    Ok(())
}

/// Refuses to start an exam unless the candidate's newest application is approved.
pub async fn require_approved(db: &Db, user_id: i64) -> Result<(), AppError> {
    match latest_status(db, user_id).await?.as_deref() {
        Some("approved") => Ok(()),
        Some("submitted") => Err(AppError::Forbidden(crate::t!("application-exam-waiting"))),
        Some("returned") => Err(AppError::Forbidden(crate::t!("application-exam-returned"))),
        _ => Err(AppError::Forbidden(crate::t!(
            "application-exam-apply-first"
        ))),
    }
}

/// The status of the candidate's newest application, if any.
pub async fn latest_status(db: &Db, user_id: i64) -> Result<Option<String>, AppError> {
    let row = sqlx::query(
        "SELECT status FROM applications WHERE user_id = $1 ORDER BY submitted_at DESC, id DESC LIMIT 1",
    )
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|r| r.try_get("status")).transpose()?)
}

const COLUMNS: &str = "a.id, a.pathway, a.training_completed_on, a.other_state, a.other_credential, \
    a.lived_experience, a.status, a.submitted_at, a.decided_at, a.decision_note, p.name AS provider, \
    u.display_name, u.email";
const FROM: &str = "FROM applications a JOIN users u ON u.id = a.user_id \
    LEFT JOIN training_providers p ON p.id = a.training_provider_id";

fn row_to_view(row: &sqlx::any::AnyRow, with_candidate: bool) -> Result<ApplicationRow, AppError> {
    let pathway: String = row.try_get("pathway")?;
    let pathway_text = if pathway == "training" {
        let provider: Option<String> = row.try_get("provider")?;
        let completed: Option<String> = row.try_get("training_completed_on")?;
        crate::t!(
            "application-pathway-text-training",
            provider = provider.unwrap_or_default(),
            date = completed.unwrap_or_default()
        )
    } else {
        let state: Option<String> = row.try_get("other_state")?;
        let credential: Option<String> = row.try_get("other_credential")?;
        crate::t!(
            "application-pathway-text-reciprocity",
            state = state.unwrap_or_default(),
            number = credential.unwrap_or_default()
        )
    };
    let lived: String = row.try_get("lived_experience")?;
    let decided_at: Option<i64> = row.try_get("decided_at")?;
    Ok(ApplicationRow {
        id: row.try_get("id")?,
        pathway,
        pathway_text,
        lived_experience: if lived == "self" {
            crate::t!("application-lived-text-self")
        } else {
            crate::t!("application-lived-text-family")
        },
        status: row.try_get("status")?,
        submitted_on: super::attempts::day_text(row.try_get("submitted_at")?),
        decided_on: decided_at.map(super::attempts::day_text),
        decision_note: row.try_get("decision_note")?,
        candidate: if with_candidate {
            let name: String = row.try_get("display_name")?;
            let email: String = row.try_get("email")?;
            Some(format!("{name} <{email}>"))
        } else {
            None
        },
    })
}

/// A candidate's applications, newest first.
pub async fn for_candidate(db: &Db, user_id: i64) -> Result<Vec<ApplicationRow>, AppError> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} {FROM} WHERE a.user_id = $1 ORDER BY a.submitted_at DESC, a.id DESC"
    ))
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| row_to_view(r, false))
    .collect()
}

/// The staff queue: submitted applications oldest first, then the 50 latest decisions.
pub async fn queue(db: &Db) -> Result<(Vec<ApplicationRow>, Vec<ApplicationRow>), AppError> {
    let submitted = sqlx::query(&format!(
        "SELECT {COLUMNS} {FROM} WHERE a.status = 'submitted' ORDER BY a.submitted_at, a.id"
    ))
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| row_to_view(r, true))
    .collect::<Result<_, _>>()?;
    let decided = sqlx::query(&format!(
        "SELECT {COLUMNS} {FROM} WHERE a.status <> 'submitted' ORDER BY a.decided_at DESC, a.id DESC LIMIT 50"
    ))
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| row_to_view(r, true))
    .collect::<Result<_, _>>()?;
    Ok((submitted, decided))
}

/// Providers a candidate may choose now, by name.
pub async fn active_providers(db: &Db) -> Result<Vec<(i64, String)>, AppError> {
    sqlx::query("SELECT id, name FROM training_providers WHERE active = 1 ORDER BY name")
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("name")?)))
        .collect()
}

/// Every provider ever listed, with how many applications name it.
pub async fn all_providers(db: &Db) -> Result<Vec<ProviderRow>, AppError> {
    sqlx::query(
        "SELECT p.id, p.name, p.active, \
         (SELECT COUNT(*) FROM applications a WHERE a.training_provider_id = p.id) AS n \
         FROM training_providers p ORDER BY p.name",
    )
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        Ok(ProviderRow {
            id: r.try_get("id")?,
            name: r.try_get("name")?,
            active: r.try_get::<i64, _>("active")? != 0,
            applications: r.try_get("n")?,
        })
    })
    .collect()
}

/// Adds a provider to the list (or puts a removed one back), on the record as `staff`'s act.
pub async fn add_provider_by(db: &Db, staff: &User, name: &str, now: i64) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let (id, name) = insert_provider(&mut tx, name, now).await?;
    super::audit::append(
        &mut tx,
        db.kind,
        now,
        staff,
        "provider.list",
        &format!("training_provider:{id}"),
        serde_json::json!({ "name": name }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Adds a provider as the system does for the demo (no one's decision, so not audited).
pub async fn add_provider(db: &Db, name: &str, now: i64) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    insert_provider(&mut tx, name, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The provider's name tidied and checked, then inserted or listed again; returns its id and
/// the tidied name.
async fn insert_provider(
    tx: &mut sqlx::AnyConnection,
    name: &str,
    now: i64,
) -> Result<(i64, String), AppError> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AppError::BadRequest(
            "name: enter the provider's name, at most 200 characters".into(),
        ));
    }
    let id = sqlx::query(
        "INSERT INTO training_providers (name, active, added_at) VALUES ($1, 1, $2) \
         ON CONFLICT (name) DO UPDATE SET active = 1 RETURNING id",
    )
    .bind(&name)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?
    .try_get::<i64, _>("id")?;
    Ok((id, name))
}

/// Takes a provider off the list or puts it back (applications keep naming it either way).
pub async fn set_provider_active(
    db: &Db,
    staff: &User,
    id: i64,
    active: bool,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let done = sqlx::query("UPDATE training_providers SET active = $1 WHERE id = $2")
        .bind(i64::from(active))
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound(format!(
            "there is no training provider {id}"
        )));
    }
    super::audit::append(
        &mut tx,
        db.kind,
        now,
        staff,
        if active {
            "provider.list"
        } else {
            "provider.remove"
        },
        &format!("training_provider:{id}"),
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn today() -> Date {
        super::super::accounts::parse_date("2026-11-30").unwrap()
    }

    const ALL_ATTESTED: [(&str, &str); 4] = [
        ("attest_lived_experience", "on"),
        ("attest_code_of_ethics", "on"),
        ("attest_education", "on"),
        ("attest_training", "on"),
    ];

    #[test]
    fn the_training_pathway_needs_a_listed_provider_and_a_past_date() {
        let providers = vec![(7, "Listed".to_string())];
        let mut form = pairs(&[
            ("pathway", "training"),
            ("training_provider", "7"),
            ("training_completed_on", "2026-06-30"),
            ("lived_experience", "family"),
        ]);
        form.extend(pairs(&ALL_ATTESTED));
        let ok = check(&form, &providers, today()).unwrap();
        assert!(matches!(
            ok.pathway,
            Pathway::Training { provider_id: 7, .. }
        ));
        assert_eq!(ok.lived_experience, "family");
        form[1].1 = "8".into();
        form[2].1 = "2027-01-01".into();
        let fields: Vec<&str> = check(&form, &providers, today())
            .unwrap_err()
            .iter()
            .map(|e| e.0)
            .collect();
        assert_eq!(fields, ["training_provider", "training_completed_on"]);
    }

    #[test]
    fn reciprocity_needs_another_state_and_a_credential_and_every_attestation() {
        let form = pairs(&[
            ("pathway", "reciprocity"),
            ("other_state", "California"),
            ("other_credential", ""),
            ("attest_code_of_ethics", "on"),
        ]);
        let fields: Vec<&str> = check(&form, &[], today())
            .unwrap_err()
            .iter()
            .map(|e| e.0)
            .collect();
        assert_eq!(
            fields,
            [
                "other_state",
                "other_credential",
                "lived_experience",
                "attest_lived_experience",
                "attest_education",
                "attest_training"
            ]
        );
        let mut form = pairs(&[
            ("pathway", "reciprocity"),
            ("other_state", "Texas"),
            ("other_credential", " TX-PSS-0042 "),
            ("lived_experience", "self"),
        ]);
        form.extend(pairs(&ALL_ATTESTED));
        assert_eq!(
            check(&form, &[], today()).unwrap().pathway,
            Pathway::Reciprocity {
                state: "Texas",
                credential: "TX-PSS-0042".into()
            }
        );
        assert_eq!(
            check(&pairs(&[]), &[], today()).unwrap_err()[0].0,
            "pathway"
        );
    }

    #[test]
    fn a_return_needs_a_reason() {
        assert!(check_decision(&pairs(&[("decision", "return")])).is_err());
        assert_eq!(
            check_decision(&pairs(&[("decision", "approve")])).unwrap(),
            Decision::Approve {
                note: String::new()
            }
        );
        assert!(check_decision(&pairs(&[("decision", "ignore")])).is_err());
    }
}
