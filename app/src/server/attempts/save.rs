//! Saving an answer (invariant 2: an acknowledged answer is never lost).
//!
//! A save is acknowledged only after its transaction commits. Each save carries the attempt's
//! next sequence number: the attempt row's `last_seq` only moves forward, inside the same
//! transaction that appends to the response log and updates the current answer, so a repeated
//! or out-of-order save changes nothing.

use sqlx::Row;

use super::record::{ensure_open, owned, AttemptRow, Reader};
use crate::server::db::Db;
use crate::server::error::AppError;

/// How far past the last save's number a save may be numbered (several tabs, retries).
pub const MAX_SEQ_AHEAD: i64 = 10_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveRequest {
    pub position: u32,
    /// Display indexes of the chosen options; empty clears the answer.
    pub choices: Vec<u32>,
    pub flagged: bool,
    pub seq: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveOutcome {
    /// Stored now under this sequence number.
    Saved { seq: i64 },
    /// Already the stored state (a repeat, or a form re-sending what was saved): nothing written.
    Unchanged { last_seq: i64 },
}

impl SaveOutcome {
    /// The attempt's newest sequence number after this save.
    pub fn last_seq(self) -> i64 {
        match self {
            SaveOutcome::Saved { seq } => seq,
            SaveOutcome::Unchanged { last_seq } => last_seq,
        }
    }
}

/// Reads the chosen options as sent by a form or the page's script: option letters ("A"),
/// one per value or several in one value separated by commas ("A,C"). Returns display
/// indexes, ascending; nothing chosen is an empty list.
pub fn parse_choices<'a>(values: impl IntoIterator<Item = &'a str>) -> Result<Vec<u32>, AppError> {
    let mut choices = Vec::new();
    for letter in values
        .into_iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let index = match letter.as_bytes() {
            [b] if b.is_ascii_uppercase() => u32::from(b - b'A'),
            _ => {
                return Err(AppError::BadRequest(format!(
                    "choice {letter:?} is not an option letter such as A, B, C or D"
                )))
            }
        };
        if choices.contains(&index) {
            return Err(AppError::BadRequest(format!(
                "choice {letter} was sent twice"
            )));
        }
        choices.push(index);
    }
    choices.sort_unstable();
    Ok(choices)
}

struct Slot {
    option_order: Vec<i64>,
    choice: Option<i64>,
    flagged: bool,
    /// How many options the question asks for (the number of keys, never which).
    select: u32,
}

async fn slot(db: &Db, attempt_id: &str, position: u32) -> Result<Option<Slot>, AppError> {
    let row = sqlx::query(
        "SELECT ai.option_order, ai.choice_mask, ai.flagged, i.key_mask FROM attempt_items ai \
         JOIN items i ON i.id = ai.item_id AND i.version = ai.item_version \
         WHERE ai.attempt_id = $1 AND ai.position = $2",
    )
    .bind(attempt_id)
    .bind(i64::from(position))
    .fetch_optional(&db.pool)
    .await?;
    row.as_ref()
        .map(|r| slot_from_row(r, "flagged"))
        .transpose()
}

/// The question's part of a row; `flagged` names its flag's column.
fn slot_from_row(row: &sqlx::any::AnyRow, flagged: &str) -> Result<Slot, AppError> {
    let order: String = row.try_get("option_order")?;
    let option_order = order
        .split(',')
        .map(|s| {
            s.parse::<i64>()
                .map_err(|e| AppError::Internal(format!("stored option order {order:?}: {e}")))
        })
        .collect::<Result<_, _>>()?;
    Ok(Slot {
        option_order,
        choice: row.try_get("choice_mask")?,
        flagged: row.try_get::<i64, _>(flagged)? != 0,
        select: row.try_get::<i64, _>("key_mask")?.count_ones(),
    })
}

/// What an answer needs read first: the candidate's attempt, its question at the position
/// (`None` when it has no such position) and, when asked for, how many questions it has.
pub struct Answering {
    pub attempt: AttemptRow,
    slot: Option<Slot>,
    pub total: Option<u32>,
}

impl Answering {
    /// Checks that `letter` names one option of the question (before anything is saved).
    pub fn check_strike(&self, position: u32, letter: &str) -> Result<(), AppError> {
        let Some(slot) = &self.slot else {
            return Err(AppError::BadRequest(format!(
                "question {position} is not on this exam"
            )));
        };
        strike_bit(slot, position, letter).map(|_| ())
    }
}

/// Reads what an answer needs in one query (the hot path of every save), with the reader's
/// session when it is one.
pub async fn read_answering(
    db: &Db,
    reader: &Reader<'_>,
    attempt_id: &str,
    position: u32,
    with_total: bool,
) -> Result<Answering, AppError> {
    let id = super::record::parse_attempt_id(attempt_id)?;
    let total = if with_total {
        ", (SELECT COUNT(*) FROM attempt_items c WHERE c.attempt_id = a.id) AS total"
    } else {
        ""
    };
    let select = format!(
        "{}, ai.option_order, ai.choice_mask, ai.flagged AS slot_flagged, i.key_mask{total}",
        super::record::ATTEMPT_COLUMNS
    );
    let joins = "LEFT JOIN attempt_items ai ON ai.attempt_id = a.id AND ai.position = $2 \
         LEFT JOIN items i ON i.id = ai.item_id AND i.version = ai.item_version";
    let (row, attempt) =
        super::record::owned_row_at(db, reader, &select, joins, &id, position).await?;
    let slot = match row.try_get::<Option<String>, _>("option_order")? {
        Some(_) => Some(slot_from_row(&row, "slot_flagged")?),
        None => None,
    };
    let total = if with_total {
        Some(u32::try_from(row.try_get::<i64, _>("total")?).unwrap_or(u32::MAX))
    } else {
        None
    };
    Ok(Answering {
        attempt,
        slot,
        total,
    })
}

/// Saves an answer; with the outcome, the time the attempt has left (its clock does not
/// change with a save, so the page's countdown is set from it without another read).
pub async fn save_answer(
    db: &Db,
    now: i64,
    reader: &Reader<'_>,
    attempt_id: &str,
    req: &SaveRequest,
) -> Result<(SaveOutcome, i64), AppError> {
    let read = read_answering(db, reader, attempt_id, req.position, false).await?;
    let (outcome, clock) = save_read(db, now, &read, req).await?;
    Ok((outcome, clock.remaining_ms(now)))
}

/// Saves an answer to an attempt read with [`read_answering`] (at `req.position`).
pub async fn save_read(
    db: &Db,
    now: i64,
    read: &Answering,
    req: &SaveRequest,
) -> Result<(SaveOutcome, certamen_engine::timing::AttemptClock), AppError> {
    let attempt = &read.attempt;
    let user_id = attempt.user_id;
    let attempt_id = attempt.id.as_str();
    ensure_open(attempt, now)?;
    if attempt.clock.on_break(now) {
        return Err(AppError::Conflict(crate::t!("exam-error-on-break-answer")));
    }
    let Some(slot) = &read.slot else {
        return Err(AppError::BadRequest(format!(
            "question {} is not on this exam",
            req.position
        )));
    };
    let mut mask = 0i64;
    for &display in &req.choices {
        let authored = *slot.option_order.get(display as usize).ok_or_else(|| {
            AppError::BadRequest(format!(
                "question {} has options A to {}; {} is not one of them",
                req.position,
                certamen_item_bank::item::option_letter(slot.option_order.len().saturating_sub(1)),
                certamen_item_bank::item::option_letter(display as usize)
            ))
        })?;
        mask |= 1i64 << authored.clamp(0, 62);
    }
    if req.choices.len() > slot.select as usize {
        return Err(AppError::BadRequest(match slot.select {
            1 => crate::t!(
                "exam-error-one-answer",
                n = req.position,
                chosen = req.choices.len()
            ),
            select => crate::t!(
                "exam-error-too-many-answers",
                n = req.position,
                select = select,
                chosen = req.choices.len()
            ),
        }));
    }
    // The response as stored: the set of authored option indexes, or none.
    let choice = (mask != 0).then_some(mask);
    if choice == slot.choice && req.flagged == slot.flagged {
        return Ok((
            SaveOutcome::Unchanged {
                last_seq: attempt.last_seq,
            },
            attempt.clock,
        ));
    }
    if req.seq <= 0 {
        return Err(AppError::BadRequest(format!(
            "sequence number {} must be 1 or more",
            req.seq
        )));
    }
    // A page numbers its saves one after another; a number far ahead would leave no room for
    // the next ones (found by fuzzing: i64::MAX accepted, then every later save refused).
    if req.seq > attempt.last_seq.saturating_add(MAX_SEQ_AHEAD) {
        return Err(AppError::BadRequest(format!(
            "sequence number {} is too far ahead of the last save ({}): reload the page",
            req.seq, attempt.last_seq
        )));
    }

    let write = SaveWrite {
        attempt_id: attempt.id.clone(),
        seq: req.seq,
        position: req.position,
        choice,
        flagged: req.flagged,
        now,
    };
    // The save waits for the next group commit (or commits alone without the writer).
    let advanced = match &db.saves {
        Some(writer) => writer.write(write).await?,
        None => super::group_commit::write_alone(db, super::batch::Write::Save(write)).await?,
    };
    if advanced {
        return Ok((SaveOutcome::Saved { seq: req.seq }, attempt.clock));
    }

    // Not admitted: say why, from fresh state.
    let fresh = owned(db, user_id, attempt_id).await?;
    ensure_open(&fresh, now)?;
    let logged = sqlx::query(
        "SELECT position, choice_mask, flagged FROM response_log WHERE attempt_id = $1 AND seq = $2",
    )
    .bind(&attempt.id)
    .bind(req.seq)
    .fetch_optional(&db.pool)
    .await?;
    if let Some(row) = logged {
        let same = row.try_get::<i64, _>("position")? == i64::from(req.position)
            && row.try_get::<Option<i64>, _>("choice_mask")? == choice
            && (row.try_get::<i64, _>("flagged")? != 0) == req.flagged;
        if same {
            return Ok((
                SaveOutcome::Unchanged {
                    last_seq: fresh.last_seq,
                },
                fresh.clock,
            ));
        }
    }
    if fresh.adaptive && req.position < super::view::question_count(db, &attempt.id).await? {
        return Err(AppError::Conflict(crate::t!(
            "exam-error-answer-final",
            n = req.position
        )));
    }
    Err(AppError::Conflict(crate::t!(
        "exam-error-out-of-date",
        n = req.position
    )))
}

/// One save as written: the attempt's next sequence number, the question, the stored response
/// (authored option bits) and its flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveWrite {
    pub attempt_id: String,
    pub seq: i64,
    pub position: u32,
    pub choice: Option<i64>,
    pub flagged: bool,
    pub now: i64,
}

/// The authored bit a display letter names on this question.
fn strike_bit(slot: &Slot, position: u32, letter: &str) -> Result<i64, AppError> {
    let [display] = parse_choices([letter])?[..] else {
        return Err(AppError::BadRequest(format!(
            "strike {letter:?} is not one option letter"
        )));
    };
    let authored = *slot.option_order.get(display as usize).ok_or_else(|| {
        AppError::BadRequest(format!(
            "question {position} has options A to {}; {letter} is not one of them",
            certamen_item_bank::item::option_letter(slot.option_order.len().saturating_sub(1))
        ))
    })?;
    Ok(1i64 << authored.clamp(0, 62))
}

/// Strikes out an option of a question, or restores it (`letter` is the display letter).
/// Striking out is a reading aid: it changes neither the answer nor the sequence numbers,
/// and is refused only where an answer would be (another's attempt, closed, on break).
pub async fn toggle_strike(
    db: &Db,
    now: i64,
    user_id: i64,
    attempt_id: &str,
    position: u32,
    letter: &str,
) -> Result<(), AppError> {
    let attempt = owned(db, user_id, attempt_id).await?;
    ensure_open(&attempt, now)?;
    if attempt.clock.on_break(now) {
        return Err(AppError::Conflict(crate::t!("exam-error-on-break-strike")));
    }
    let Some(slot) = slot(db, &attempt.id, position).await? else {
        return Err(AppError::BadRequest(format!(
            "question {position} is not on this exam"
        )));
    };
    let bit = strike_bit(&slot, position, letter)?;
    // One statement, so two quick toggles from two tabs each apply once.
    db.write(
        sqlx::query(
            "UPDATE attempt_items SET struck_mask = \
         CASE WHEN (struck_mask / $1) % 2 = 1 THEN struck_mask - $1 ELSE struck_mask + $1 END \
         WHERE attempt_id = $2 AND position = $3",
        )
        .bind(bit)
        .bind(&attempt.id)
        .bind(i64::from(position)),
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The answer form's and the instant save's `choice` values, fuzzed: any text gives
        /// display indexes that are letters, once each, in order, or an error; never a panic.
        #[test]
        fn any_choice_text_is_read_as_letters_or_refused(values in prop::collection::vec(".{0,12}", 0..5)) {
            match parse_choices(values.iter().map(String::as_str)) {
                Ok(choices) => {
                    prop_assert!(choices.windows(2).all(|w| w[0] < w[1]), "ascending, each once");
                    prop_assert!(choices.iter().all(|&c| c < 26));
                }
                Err(e) => prop_assert!(e.to_string().contains("choice")),
            }
        }
    }

    #[test]
    fn letters_are_read_in_any_grouping() {
        assert_eq!(parse_choices(["C", "A"]).unwrap(), vec![0, 2]);
        assert_eq!(parse_choices(["A, C"]).unwrap(), vec![0, 2]);
        assert!(parse_choices(["A", "A"]).is_err());
        assert!(parse_choices(["a"]).is_err());
        assert!(parse_choices(["AB"]).is_err());
        assert_eq!(parse_choices([""]).unwrap(), Vec::<u32>::new());
    }
}
