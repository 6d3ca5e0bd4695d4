//! Every question's state in one short text on the attempt's row (`attempts.marks`): one digit
//! per question in position order, 1 for answered plus 2 for flagged.
//!
//! The question page shows every question's state. Aggregated from the attempt's 120
//! `attempt_items` rows on every page, that was the largest part of the page's read (57 µs
//! against 7 µs for the attempt row alone, SQLite 3.51, 2,000 attempts of 120 questions). So the
//! text is kept beside the rows instead, and every write of them keeps it in step: the group
//! commit's batch (`batch.rs`), the only writer of answers and flags, updates it in the same
//! statement as the attempt's sequence number; every insert of questions (an attempt's start,
//! an adaptive attempt's next question, simulated results) recomputes it from the rows in the
//! same transaction ([`recompute`]).

use crate::dto::QuestionMark;
use crate::server::error::AppError;

/// The text recomputed from the attempt's questions (`$1` is its id). The same expression is
/// in the migration that added the column.
pub(super) const RECOMPUTE: &str = "UPDATE attempts SET marks = COALESCE((SELECT string_agg(CAST(\
    (CASE WHEN m.choice_mask IS NULL THEN 0 ELSE 1 END) + 2 * m.flagged AS TEXT), '' \
    ORDER BY m.position) FROM attempt_items m WHERE m.attempt_id = attempts.id), '') \
    WHERE id = $1";

/// Sets the attempt's text from its questions as they now are, inside the caller's transaction.
pub async fn recompute(conn: &mut sqlx::AnyConnection, attempt_id: &str) -> Result<(), AppError> {
    sqlx::query(RECOMPUTE)
        .bind(attempt_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The digit of a question's state.
fn digit(answered: bool, flagged: bool) -> u8 {
    b'0' + u8::from(answered) + 2 * u8::from(flagged)
}

/// Records question `position`'s new state in `marks`; false (nothing changed) when the attempt
/// has no such question.
pub fn set(marks: &mut String, position: u32, answered: bool, flagged: bool) -> bool {
    let Some(at) = usize::try_from(position)
        .ok()
        .and_then(|p| p.checked_sub(1))
    else {
        return false;
    };
    if at >= marks.len() || !marks.is_char_boundary(at) || !marks.is_char_boundary(at + 1) {
        return false;
    }
    let new = char::from(digit(answered, flagged));
    marks.replace_range(at..=at, new.encode_utf8(&mut [0; 4]));
    true
}

/// Reads the text into question states in position order; anything but the four digits is
/// refused (never a wrong list).
pub fn parse(text: &str) -> Result<Vec<QuestionMark>, AppError> {
    text.bytes()
        .map(|b| match b {
            b'0'..=b'3' => Ok(QuestionMark {
                answered: (b - b'0') & 1 != 0,
                flagged: (b - b'0') & 2 != 0,
            }),
            _ => Err(AppError::Internal(format!(
                "stored question states unreadable: {text:?}"
            ))),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_are_read_in_position_order_or_refused() {
        let m = parse("1302").unwrap();
        let read: Vec<(bool, bool)> = m.iter().map(|q| (q.answered, q.flagged)).collect();
        assert_eq!(
            read,
            vec![(true, false), (true, true), (false, false), (false, true)]
        );
        assert!(parse("").unwrap().is_empty());
        for bad in ["4", "01x", "1,2", "-1", "é"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_question_state_is_set_only_where_the_attempt_has_that_question() {
        let mut m = String::from("000");
        assert!(set(&mut m, 1, true, false));
        assert!(set(&mut m, 3, true, true));
        assert!(set(&mut m, 2, false, true));
        assert_eq!(m, "123");
        assert!(set(&mut m, 3, false, false));
        assert_eq!(m, "120");
        assert!(!set(&mut m, 0, true, false));
        assert!(!set(&mut m, 4, true, false));
        assert_eq!(m, "120");
    }
}
