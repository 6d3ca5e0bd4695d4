//! The stored attempt row, its ownership check and its clock.

use sqlx::Row;

use certamen_engine::timing::AttemptClock;

use crate::server::db::Db;
use crate::server::error::AppError;
use crate::server::hot_reads::Param;

#[derive(Debug, Clone)]
pub struct AttemptRow {
    pub id: String,
    pub user_id: i64,
    pub exam_id: String,
    pub exam_version: i64,
    pub status: String,
    pub clock: AttemptClock,
    pub break_after: i64,
    pub break_declined: bool,
    pub current_position: i64,
    pub last_seq: i64,
    /// Delivered adaptively (forward only, one item chosen at a time).
    pub adaptive: bool,
    /// The language the questions are shown in: "en" or "es".
    pub language: String,
    /// An approved accommodation: the question page offers text-to-speech.
    pub speech: bool,
    /// A practice attempt: never counted.
    pub practice: bool,
    /// An accommodation: the break may be taken at any point, and "not now" keeps it.
    pub break_anytime: bool,
    /// Breaks still to come after the current (or next) one, and how many questions apart
    /// scheduled ones are: an accommodation may give several.
    pub breaks_left: i64,
    pub break_interval: i64,
}

impl AttemptRow {
    pub fn is_open(&self) -> bool {
        self.status == "in_progress"
    }

    /// Whether the current break is behind the candidate (returned from, or its allowance
    /// used up) while another is still to come: `breaks::settle` then makes way for it.
    pub fn break_to_settle(&self, now: i64) -> bool {
        self.breaks_left > 0
            && match (self.clock.break_started_at, self.clock.break_ended_at) {
                (Some(_), Some(_)) => true,
                (Some(began), None) => now >= began + self.clock.break_allowance_ms,
                (None, _) => false,
            }
    }

    /// Whether the break can be started now: not taken, not declined, and the candidate has
    /// reached the item after which it is scheduled (or may take it at any point).
    pub fn break_available(&self) -> bool {
        self.clock.break_started_at.is_none()
            && !self.break_declined
            && (self.break_anytime || self.current_position >= self.break_after)
    }
}

/// Attempt ids are 32 lowercase hex characters (128 random bits).
pub fn parse_attempt_id(raw: &str) -> Result<String, AppError> {
    if raw.len() == 32
        && raw
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        Ok(raw.to_string())
    } else {
        Err(AppError::BadRequest(format!(
            "{raw:?} is not a valid attempt id"
        )))
    }
}

/// The attempt's columns, from `attempts a` (the alias lets queries join other tables).
pub(super) const ATTEMPT_COLUMNS: &str = "a.id, a.user_id, a.exam_id, a.exam_version, a.status, a.started_at, a.limit_ms, \
    a.credited_ms, a.break_after, a.break_allowance_ms, a.break_started_at, a.break_ended_at, a.break_declined, \
    a.current_position, a.last_seq, CAST(CASE WHEN a.item_pool IS NULL THEN 0 ELSE 1 END AS BIGINT) AS adaptive, a.language, a.speech, a.practice, a.break_anytime, \
    a.breaks_left, a.break_interval";

pub(super) fn from_row(row: &sqlx::any::AnyRow) -> Result<AttemptRow, AppError> {
    Ok(AttemptRow {
        id: row.try_get("id")?,
        user_id: row.try_get("user_id")?,
        exam_id: row.try_get("exam_id")?,
        exam_version: row.try_get("exam_version")?,
        status: row.try_get("status")?,
        clock: AttemptClock {
            started_at: row.try_get("started_at")?,
            limit_ms: row.try_get("limit_ms")?,
            credited_ms: row.try_get("credited_ms")?,
            break_allowance_ms: row.try_get("break_allowance_ms")?,
            break_started_at: row.try_get("break_started_at")?,
            break_ended_at: row.try_get("break_ended_at")?,
        },
        break_after: row.try_get("break_after")?,
        break_declined: row.try_get::<i64, _>("break_declined")? != 0,
        current_position: row.try_get("current_position")?,
        last_seq: row.try_get("last_seq")?,
        adaptive: row.try_get::<i64, _>("adaptive")? != 0,
        language: row.try_get("language")?,
        speech: row.try_get::<i64, _>("speech")? != 0,
        practice: row.try_get::<i64, _>("practice")? != 0,
        break_anytime: row.try_get::<i64, _>("break_anytime")? != 0,
        breaks_left: row.try_get("breaks_left")?,
        break_interval: row.try_get("break_interval")?,
    })
}

/// The attempt, if it belongs to `user_id`. Another candidate's attempt is reported as not
/// found, so ids cannot be probed.
pub async fn owned(db: &Db, user_id: i64, raw_id: &str) -> Result<AttemptRow, AppError> {
    let id = parse_attempt_id(raw_id)?;
    let row = sqlx::query(&format!(
        "SELECT {ATTEMPT_COLUMNS} FROM attempts a WHERE a.id = $1"
    ))
    .bind(&id)
    .fetch_optional(&db.pool)
    .await?;
    match row {
        Some(row) => owned_from_row(&row, user_id),
        None => Err(AppError::NotFound(crate::t!("exam-error-not-yours"))),
    }
}

/// Who reads an attempt: the request's session, checked in the attempt's own read (the
/// session, its account and the attempt in one query rather than two, on the reads of every
/// exam-day request). Whatever that read cannot settle (no such session or account, another's
/// attempt, a session due for renewal) goes through `auth::require_user` and the plain read,
/// so the answers are the same as theirs.
pub struct Reader<'a> {
    pub session: &'a tower_sessions::Session,
    pub state: &'a crate::server::startup::AppState,
}

/// Reads one attempt by id (`$1`) with a question position (`$2`) on the connections kept for
/// the reads of every request: `SELECT {select} FROM attempts a {joins} WHERE a.id = $1`.
/// Returns its row and the attempt in it, if the attempt is the reader's (another's answers
/// as one that does not exist).
pub(super) async fn owned_row_at(
    db: &Db,
    reader: &Reader<'_>,
    select: &str,
    joins: &str,
    id: &str,
    position: u32,
) -> Result<(sqlx::any::AnyRow, AttemptRow), AppError> {
    if let Some(found) = read_with_session(db, reader.session, select, joins, id, position).await? {
        return Ok(found);
    }
    let user_id = crate::server::auth::require_user(reader.session, reader.state)
        .await?
        .id;
    let sql = format!("SELECT {select} FROM attempts a {joins} WHERE a.id = $1");
    let row = db
        .hot
        .fetch_optional(
            &db.pool,
            &sql,
            &[Param::Text(id), Param::Int(i64::from(position))],
        )
        .await?
        .ok_or_else(|| AppError::NotFound(crate::t!("exam-error-not-yours")))?;
    let attempt = owned_from_row(&row, user_id)?;
    Ok((row, attempt))
}

/// The attempt's read joined with the request's session (`$3`, unexpired at `$4`) and its
/// enabled account, which must own the attempt; `None` when that finds nothing or the session
/// needs more than a read (see [`Reader`]).
async fn read_with_session(
    db: &Db,
    session: &tower_sessions::Session,
    select: &str,
    joins: &str,
    id: &str,
    position: u32,
) -> Result<Option<(sqlx::any::AnyRow, AttemptRow)>, AppError> {
    let Some(session_id) = session.id() else {
        return Ok(None);
    };
    let session_id = session_id.to_string();
    let now = crate::server::auth::unix_now();
    let sql = format!(
        "SELECT {select}, s.data AS session_data FROM attempts a \
         JOIN sessions s ON s.id = $3 AND s.user_id = a.user_id AND s.expires_at > $4 \
         JOIN users u ON u.id = a.user_id AND u.disabled_at IS NULL \
         {joins} WHERE a.id = $1"
    );
    let row = db
        .hot
        .fetch_optional(
            &db.pool,
            &sql,
            &[
                Param::Text(id),
                Param::Int(i64::from(position)),
                Param::Text(&session_id),
                Param::Int(now),
            ],
        )
        .await?;
    let Some(row) = row else { return Ok(None) };
    let attempt = from_row(&row)?;
    let data: String = row.try_get("session_data")?;
    if crate::server::auth::session_data_current(&data, attempt.user_id, now) {
        Ok(Some((row, attempt)))
    } else {
        Ok(None)
    }
}

/// The attempt in `row` if it is `user_id`'s; another's answers as one that does not exist.
pub(super) fn owned_from_row(
    row: &sqlx::any::AnyRow,
    user_id: i64,
) -> Result<AttemptRow, AppError> {
    let attempt = from_row(row)?;
    if attempt.user_id == user_id {
        Ok(attempt)
    } else {
        Err(AppError::NotFound(crate::t!("exam-error-not-yours")))
    }
}

/// Refuses changes to an attempt that is submitted or out of time.
pub fn ensure_open(attempt: &AttemptRow, now: i64) -> Result<(), AppError> {
    if !attempt.is_open() {
        return Err(AppError::Conflict(crate::t!("exam-error-submitted")));
    }
    if now >= attempt.clock.deadline() {
        return Err(AppError::Conflict(crate::t!("exam-error-time-up")));
    }
    Ok(())
}

/// The question languages a candidate may choose.
const LANGUAGES: [&str; 2] = ["en", "es"];

/// Refuses a question language other than "en" or "es".
pub fn check_language(language: &str) -> Result<(), AppError> {
    if LANGUAGES.contains(&language) {
        Ok(())
    } else {
        Err(AppError::BadRequest(format!(
            "language {language:?} is not one of en (English) or es (Spanish)"
        )))
    }
}

/// Switches the language the attempt's questions are shown in ("en" or "es").
pub async fn set_language(
    db: &Db,
    now: i64,
    user_id: i64,
    attempt_id: &str,
    language: &str,
) -> Result<(), AppError> {
    check_language(language)?;
    let attempt = owned(db, user_id, attempt_id).await?;
    ensure_open(&attempt, now)?;
    db.write(
        sqlx::query("UPDATE attempts SET language = $1 WHERE id = $2 AND status = 'in_progress'")
            .bind(language)
            .bind(&attempt.id),
    )
    .await?;
    Ok(())
}
