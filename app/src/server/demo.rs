//! Demo accounts for newcomers: two candidates (one with approved accommodations), an exam
//! vendor and a staff member. Every demo account's email ends in `@demo.certamen.test`.

use super::auth;
use super::db::Db;
use super::error::AppError;
use super::users;
use crate::dto::Role;

pub struct DemoAccount {
    pub email: &'static str,
    pub name: &'static str,
    pub role: Role,
}

pub const DEMO_ACCOUNTS: [DemoAccount; 5] = [
    DemoAccount {
        email: "candidate@demo.certamen.test",
        name: "Dana Candidate",
        role: Role::Candidate,
    },
    DemoAccount {
        email: "accommodated@demo.certamen.test",
        name: "Alex Accommodated",
        role: Role::Candidate,
    },
    DemoAccount {
        email: "vendor@demo.certamen.test",
        name: "Victor Vendor",
        role: Role::Vendor,
    },
    DemoAccount {
        email: "staff@demo.certamen.test",
        name: "Sofia Staff",
        role: Role::Staff,
    },
    DemoAccount {
        email: "admin@demo.certamen.test",
        name: "Ada Admin",
        role: Role::Admin,
    },
];

/// Creates (or resets) the demo accounts with `password`, returning (email, role) pairs.
/// A reset sets every demo account's password and role, so it is audited, by the operator
/// who started the server with `--demo`, in the same transaction.
pub async fn create_accounts(
    db: &Db,
    password: &str,
    now: i64,
) -> Result<Vec<(&'static str, Role)>, AppError> {
    let hash = auth::hash_password(password.to_string()).await?;
    let mut made = Vec::new();
    let mut tx = db.begin().await?;
    for account in &DEMO_ACCOUNTS {
        users::upsert_on(
            &mut tx,
            account.email,
            account.name,
            account.role,
            &hash,
            now,
        )
        .await?;
        made.push((account.email, account.role));
    }
    let accounts: Vec<_> = made
        .iter()
        .map(|(email, role)| serde_json::json!({ "email": email, "role": role.as_str() }))
        .collect();
    super::audit::append_as(
        &mut tx,
        db.kind,
        now,
        super::audit::Actor::OPERATOR,
        "demo.accounts_reset",
        "demo accounts",
        serde_json::json!({ "accounts": accounts, "password": "set anew" }),
    )
    .await?;
    tx.commit().await?;
    demo_candidate_records(db, now).await?;
    Ok(made)
}

/// A sample list of training providers for the demo. These are not real organisations: staff
/// keep the program's actual list on the training providers page.
pub const DEMO_PROVIDERS: [&str; 3] = [
    "Demo Peer Training Institute (sample)",
    "Demo Recovery Learning Center (sample)",
    "Demo Family Partners Academy (sample)",
];

/// Gives a demo or test candidate an approved application (training with the first demo
/// provider, decided by the demo staff account) unless their newest one is approved already,
/// so they can start the exam at once.
pub async fn approved_application(db: &Db, user_id: i64, now: i64) -> Result<(), AppError> {
    if super::applications::latest_status(db, user_id)
        .await?
        .as_deref()
        == Some("approved")
    {
        return Ok(());
    }
    super::applications::add_provider(db, DEMO_PROVIDERS[0], now).await?;
    db.write(sqlx::query(
        "INSERT INTO applications (user_id, pathway, training_provider_id, training_completed_on, \
         lived_experience, attest_lived_experience, attest_code_of_ethics, attest_education, attest_training, \
         status, submitted_at, decided_at, decided_by, decision_note) \
         SELECT $1, 'training', p.id, '2026-06-30', 'self', 1, 1, 1, 1, 'approved', $2, $2, \
         (SELECT id FROM users WHERE email = $3), 'Demo account: approved when the account was made.' \
         FROM training_providers p WHERE p.name = $4",
    )
    .bind(user_id)
    .bind(now)
    .bind(DEMO_ACCOUNTS[3].email)
    .bind(DEMO_PROVIDERS[0])
    )
    .await?;
    Ok(())
}

/// The demo candidates' profiles, and an approved accommodation for the accommodated one
/// (time and a half, a 30-minute break at any point, text-to-speech), decided by the demo staff
/// account.
async fn demo_candidate_records(db: &Db, now: i64) -> Result<(), AppError> {
    let id_of = |email: &'static str| async move {
        users::find_for_sign_in(db, email)
            .await?
            .map(|(u, _)| u.id)
            .ok_or_else(|| AppError::Internal(format!("demo account {email} missing")))
    };
    let candidate = id_of(DEMO_ACCOUNTS[0].email).await?;
    let accommodated = id_of(DEMO_ACCOUNTS[1].email).await?;
    let staff = id_of(DEMO_ACCOUNTS[3].email).await?;
    for (user, born, county) in [
        (candidate, "1988-05-14", "Sacramento"),
        (accommodated, "1979-09-02", "Fresno"),
    ] {
        db.write(sqlx::query(
            "INSERT INTO candidate_profiles (user_id, date_of_birth, county, language, created_at) \
             VALUES ($1, $2, $3, 'en', $4) ON CONFLICT (user_id) DO NOTHING",
        )
        .bind(user)
        .bind(born)
        .bind(county)
        .bind(now)
        )
        .await?;
    }
    for provider in DEMO_PROVIDERS {
        super::applications::add_provider(db, provider, now).await?;
    }
    for user in [candidate, accommodated] {
        approved_application(db, user, now).await?;
    }
    if super::accommodations::active_profile(db, accommodated)
        .await?
        .is_none()
    {
        db.write(sqlx::query(
            "INSERT INTO accommodation_requests (user_id, requested, details, documentation, status, \
             submitted_at, decided_at, decided_by, decision_note, time_percent, break_minutes, speech, break_anytime) \
             VALUES ($1, 'extra_time,longer_break,speech', $2, $3, 'approved', $4, $4, $5, $6, 150, 30, 1, 1)",
        )
        .bind(accommodated)
        .bind("Demo request: reading takes me longer, and hearing the questions helps.")
        .bind("Demo documentation note: a letter from a licensed psychologist recommending time and a half, a longer break and text-to-speech.")
        .bind(now)
        .bind(staff)
        .bind("Demo decision: approved as recommended.")
        )
        .await?;
    }
    Ok(())
}
