//! Creating a candidate account: the checks on what a person types, and the account with its
//! profile (date of birth, county, preferred language) written in one transaction.

use serde::Deserialize;
use sqlx::Row;
use time::{Date, Month, OffsetDateTime, UtcOffset};

use super::db::Db;
use super::error::AppError;
use crate::places::COUNTIES;

/// The form as sent. Every field is optional so a missing one is reported like an empty one.
#[derive(Debug, Default, Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub date_of_birth: String,
    #[serde(default)]
    pub county: String,
    #[serde(default)]
    pub language: String,
}

impl RegisterForm {
    /// What the page shows again after a mistake: everything but the password.
    pub fn kept_values(&self) -> Vec<(String, String)> {
        [
            ("name", &self.name),
            ("email", &self.email),
            ("date_of_birth", &self.date_of_birth),
            ("county", &self.county),
            ("language", &self.language),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.chars().take(200).collect()))
        .collect()
    }
}

/// A registration that passed every check.
#[derive(Debug, Clone, PartialEq)]
pub struct Registration {
    pub name: String,
    pub email: String,
    pub password: String,
    pub date_of_birth: Date,
    pub county: &'static str,
    pub language: &'static str,
}

pub const MIN_PASSWORD: usize = crate::dto::MIN_PASSWORD;
pub const MIN_AGE: i32 = 18;

/// Today's date in California. Pacific standard time (UTC−8) all year: during daylight time
/// this is an hour behind, so a birthday begins at 1 a.m. local time, never early.
pub fn california_today(now_ms: i64) -> Date {
    let utc = OffsetDateTime::from_unix_timestamp(now_ms.div_euclid(1000))
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let pacific = UtcOffset::from_hms(-8, 0, 0).unwrap_or(UtcOffset::UTC);
    utc.to_offset(pacific).date()
}

/// Parses an ISO calendar date, `YYYY-MM-DD` (what a date field sends).
pub fn parse_date(text: &str) -> Option<Date> {
    let mut parts = text.trim().splitn(3, '-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let month = Month::try_from(m.parse::<u8>().ok()?).ok()?;
    Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok()
}

/// Whole years from `born` to `today` (a February 29 birthday comes on March 1 in other years).
pub fn age_on(born: Date, today: Date) -> i32 {
    let before_birthday =
        (u8::from(today.month()), today.day()) < (u8::from(born.month()), born.day());
    today.year() - born.year() - i32::from(before_birthday)
}

pub fn check_email(email: &str) -> Result<String, String> {
    let email = email.trim().to_lowercase();
    if email.is_empty() {
        return Err(crate::t!("account-error-email-empty"));
    }
    let valid = email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && match email.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            }
            None => false,
        };
    if valid {
        Ok(email)
    } else {
        Err(crate::t!("account-error-email-invalid"))
    }
}

/// Checks every field and reports every problem at once, each naming its field.
pub fn check(
    form: &RegisterForm,
    today: Date,
) -> Result<Registration, Vec<(&'static str, String)>> {
    let mut errors = Vec::new();
    let name = form.name.trim().to_string();
    if name.is_empty() {
        errors.push(("name", crate::t!("account-error-name-empty")));
    } else if name.chars().count() > 100 || name.chars().any(char::is_control) {
        errors.push(("name", crate::t!("account-error-name-long")));
    }
    let email = check_email(&form.email)
        .map_err(|m| errors.push(("email", m)))
        .ok();
    let length = form.password.chars().count();
    if length < MIN_PASSWORD {
        errors.push((
            "password",
            crate::t!("account-error-password-short", n = MIN_PASSWORD),
        ));
    } else if length > 128 {
        errors.push(("password", crate::t!("account-error-password-long")));
    }
    let born = match parse_date(&form.date_of_birth) {
        None if form.date_of_birth.trim().is_empty() => {
            errors.push(("date_of_birth", crate::t!("account-error-dob-empty")));
            None
        }
        None => {
            errors.push(("date_of_birth", crate::t!("account-error-dob-invalid")));
            None
        }
        Some(d) if d > today || d.year() < 1900 => {
            errors.push(("date_of_birth", crate::t!("account-error-dob-range")));
            None
        }
        Some(d) if age_on(d, today) < MIN_AGE => {
            errors.push((
                "date_of_birth",
                crate::t!("account-error-too-young", n = MIN_AGE),
            ));
            None
        }
        Some(d) => Some(d),
    };
    let county = COUNTIES
        .iter()
        .find(|(c, _)| *c == form.county)
        .map(|(c, _)| *c);
    if county.is_none() {
        errors.push(("county", crate::t!("account-error-county")));
    }
    let language = match form.language.as_str() {
        "en" => Some("en"),
        "es" => Some("es"),
        _ => {
            errors.push(("language", crate::t!("account-error-language")));
            None
        }
    };
    match (email, born, county, language) {
        (Some(email), Some(date_of_birth), Some(county), Some(language)) if errors.is_empty() => {
            Ok(Registration {
                name,
                email,
                password: form.password.clone(),
                date_of_birth,
                county,
                language,
            })
        }
        _ => Err(errors),
    }
}

/// Creates the candidate account and its profile together. Returns the new user's id, or
/// `Conflict` if the email address already has an account.
pub async fn create_candidate(
    db: &Db,
    registration: &Registration,
    password_hash: &str,
    now: i64,
) -> Result<i64, AppError> {
    let mut tx = db.begin().await?;
    let id = create_candidate_on(&mut tx, registration, password_hash, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// [`create_candidate`] inside the caller's transaction.
pub async fn create_candidate_on(
    tx: &mut sqlx::AnyConnection,
    registration: &Registration,
    password_hash: &str,
    now: i64,
) -> Result<i64, AppError> {
    let inserted = sqlx::query(
        "INSERT INTO users (email, display_name, role, password_hash, created_at) \
         VALUES ($1, $2, 'candidate', $3, $4) RETURNING id",
    )
    .bind(&registration.email)
    .bind(&registration.name)
    .bind(password_hash)
    .bind(now)
    .fetch_one(&mut *tx)
    .await;
    let id: i64 = match inserted {
        Ok(row) => row.try_get("id")?,
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(AppError::Conflict(crate::t!("account-error-exists")))
        }
        Err(e) => return Err(e.into()),
    };
    sqlx::query(
        "INSERT INTO candidate_profiles (user_id, date_of_birth, county, language, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(registration.date_of_birth.to_string())
    .bind(registration.county)
    .bind(registration.language)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(id)
}

/// The candidate's preferred language for questions, if they gave one.
pub async fn preferred_language(db: &Db, user_id: i64) -> Result<Option<String>, AppError> {
    let row = sqlx::query("SELECT language FROM candidate_profiles WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(|r| r.try_get("language")).transpose()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::from_calendar_date(2026, Month::November, 30).unwrap()
    }

    fn form(dob: &str) -> RegisterForm {
        RegisterForm {
            name: "Ana Ruiz".into(),
            email: " Ana@Example.org ".into(),
            password: "long enough pass".into(),
            date_of_birth: dob.into(),
            county: "Fresno".into(),
            language: "es".into(),
        }
    }

    #[test]
    fn eighteen_today_is_old_enough_and_a_day_short_is_not() {
        let ok = check(&form("2008-11-30"), today()).unwrap();
        assert_eq!(ok.email, "ana@example.org");
        assert_eq!(ok.county, "Fresno");
        let err = check(&form("2008-12-01"), today()).unwrap_err();
        assert_eq!(err.len(), 1);
        assert_eq!(err[0].0, "date_of_birth");
        assert!(err[0].1.contains("at least 18"), "{}", err[0].1);
    }

    #[test]
    fn a_leap_day_birthday_comes_on_march_first() {
        let born = parse_date("2008-02-29").unwrap();
        let feb28 = parse_date("2026-02-28").unwrap();
        let mar1 = parse_date("2026-03-01").unwrap();
        assert_eq!(age_on(born, feb28), 17);
        assert_eq!(age_on(born, mar1), 18);
    }

    #[test]
    fn every_problem_is_reported_at_once_by_field() {
        let bad = RegisterForm {
            name: "  ".into(),
            email: "not-an-email".into(),
            password: "short".into(),
            date_of_birth: "1990-02-30".into(),
            county: "Narnia".into(),
            language: "fr".into(),
        };
        let fields: Vec<&str> = check(&bad, today())
            .unwrap_err()
            .iter()
            .map(|e| e.0)
            .collect();
        assert_eq!(
            fields,
            [
                "name",
                "email",
                "password",
                "date_of_birth",
                "county",
                "language"
            ]
        );
    }

    #[test]
    fn dates_are_strict() {
        assert!(parse_date("1990-4-27").is_none());
        assert!(parse_date("27/04/1990").is_none());
        assert!(parse_date("1990-13-01").is_none());
        assert_eq!(parse_date("1990-04-27").unwrap().to_string(), "1990-04-27");
        let future = check(&form("2030-01-01"), today()).unwrap_err();
        assert!(future[0].1.contains("past date"));
    }

    #[test]
    fn california_today_lags_utc_by_eight_hours() {
        // 2026-12-01 05:00 UTC is still November 30 in California.
        let ms = OffsetDateTime::new_utc(
            parse_date("2026-12-01").unwrap(),
            time::Time::from_hms(5, 0, 0).unwrap(),
        )
        .unix_timestamp()
            * 1000;
        assert_eq!(california_today(ms), today());
    }
}
