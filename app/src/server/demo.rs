//! Demo accounts for newcomers: a candidate, an exam vendor and a staff member.

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

pub const DEMO_ACCOUNTS: [DemoAccount; 3] = [
    DemoAccount {
        email: "candidate@demo.certamen.test",
        name: "Dana Candidate",
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
];

/// Creates (or resets) the demo accounts with `password`, returning (email, role) pairs.
pub async fn create_accounts(
    db: &Db,
    password: &str,
    now: i64,
) -> Result<Vec<(&'static str, Role)>, AppError> {
    let hash = auth::hash_password(password.to_string()).await?;
    let mut made = Vec::new();
    for account in &DEMO_ACCOUNTS {
        users::upsert(db, account.email, account.name, account.role, &hash, now).await?;
        made.push((account.email, account.role));
    }
    Ok(made)
}
