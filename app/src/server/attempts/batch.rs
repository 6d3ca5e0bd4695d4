//! One group commit's writes in a handful of statements, whatever its size.
//!
//! Written one save at a time, a batch of a few hundred saves costs three statements each, and
//! on a busy server those statements (not the disk) bound how many saves a second commit. So a
//! batch reads every attempt it touches in one query (row-locked on PostgreSQL, in id order so
//! two servers' batches cannot deadlock), decides in Rust, in arrival order, which writes each
//! attempt takes (the same rules as the single save's guarded update: open, newer sequence
//! number, before the deadline, an adaptive attempt not past the question), and then writes
//! them with one multi-row statement per table.
//!
//! The statements are not kept prepared (`persistent(false)`): their text differs with every
//! batch size, and each connection's cache of prepared statements would fill with hundreds of
//! large ones (a 2,000-candidate SQLite run peaked at 455 MiB with them kept, 291 MiB without).
//!
//! SQLite gets `?` placeholders: it resolves each numbered `$N` by searching the ones already
//! seen, so a statement with thousands of them costs quadratic time to prepare.

use std::collections::HashMap;

use sqlx::Row;

use super::save::SaveWrite;
use crate::server::db::{flag, DbKind};

/// What the writer writes: an answer, or where the candidate is (a page view), which would
/// otherwise be a commit of its own for every question opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    Save(SaveWrite),
    Position { attempt_id: String, position: u32 },
}

impl Write {
    pub(super) fn attempt_id(&self) -> &str {
        match self {
            Write::Save(s) => &s.attempt_id,
            Write::Position { attempt_id, .. } => attempt_id,
        }
    }
}

/// What a batch needs to know of an attempt, as read at its start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptState {
    pub open: bool,
    pub last_seq: i64,
    pub deadline_at: i64,
    /// An adaptive attempt's newest question (it may only be answered there); `None` for a
    /// linear attempt.
    pub newest: Option<i64>,
    pub current_position: i64,
    /// Every question's state (`marks.rs`), kept in step with the answers the batch writes.
    pub marks: String,
}

/// What the batch writes.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Decision<'a> {
    /// Per write, in order: whether the attempt took it.
    pub taken: Vec<bool>,
    /// Attempts whose row changes: id, last sequence number, current position, question states.
    pub attempts: Vec<(&'a str, i64, i64, String)>,
    /// Saves taken, in order: each is one row of the response log.
    pub log: Vec<&'a SaveWrite>,
    /// The newest save taken per question: the current answers.
    pub answers: Vec<&'a SaveWrite>,
}

/// Applies the writes in arrival order to the attempts as read.
pub fn decide<'a>(mut states: HashMap<&'a str, AttemptState>, writes: &'a [Write]) -> Decision<'a> {
    let mut d = Decision::default();
    // In first-change order, so the statements are the same for the same batch.
    let mut changed: Vec<&'a str> = Vec::new();
    let mut seen: std::collections::HashSet<&'a str> = std::collections::HashSet::new();
    let mut answer_at: HashMap<(&'a str, u32), usize> = HashMap::new();
    for write in writes {
        let Some(state) = states.get_mut(write.attempt_id()) else {
            d.taken.push(false);
            continue;
        };
        // Whether the attempt takes the write, and whether its row changes.
        let (taken, changes) = match write {
            Write::Save(save) => {
                let taken = state.open
                    && save.seq > state.last_seq
                    && state.deadline_at > save.now
                    && state.newest.is_none_or(|n| n <= i64::from(save.position));
                if taken {
                    state.last_seq = save.seq;
                    state.current_position = i64::from(save.position);
                    super::marks::set(
                        &mut state.marks,
                        save.position,
                        save.choice.is_some(),
                        save.flagged,
                    );
                    d.log.push(save);
                    let key = (save.attempt_id.as_str(), save.position);
                    match answer_at.get(&key) {
                        Some(&i) => d.answers[i] = save,
                        None => {
                            answer_at.insert(key, d.answers.len());
                            d.answers.push(save);
                        }
                    }
                }
                (taken, taken)
            }
            Write::Position { position, .. } => {
                let moves = state.open && state.current_position != i64::from(*position);
                if moves {
                    state.current_position = i64::from(*position);
                }
                // A page view needs no answer beyond "done".
                (true, moves)
            }
        };
        d.taken.push(taken);
        if changes && seen.insert(write.attempt_id()) {
            changed.push(write.attempt_id());
        }
    }
    for id in changed {
        if let Some((id, s)) = states.get_key_value(id) {
            d.attempts
                .push((id, s.last_seq, s.current_position, s.marks.clone()));
        }
    }
    d
}

/// `rows` groups of `width` placeholders, `(?, ?), (?, ?)` or `($1, $2), ($3, $4)`.
pub(super) fn values(kind: DbKind, rows: usize, width: usize) -> String {
    let mut out = String::with_capacity(rows * width * 6);
    let mut n = 0;
    for r in 0..rows {
        if r > 0 {
            out.push_str(", ");
        }
        out.push('(');
        for c in 0..width {
            if c > 0 {
                out.push_str(", ");
            }
            n += 1;
            match kind {
                DbKind::Sqlite => out.push('?'),
                DbKind::Postgres => {
                    out.push('$');
                    out.push_str(&n.to_string());
                }
            }
        }
        out.push(')');
    }
    out
}

/// What a batch reads of each attempt it touches (an [`AttemptState`]), before the `WHERE`.
pub(super) const STATE_SELECT: &str =
    "SELECT a.id, a.status, a.last_seq, a.deadline_at, a.current_position, a.marks, \
     CASE WHEN a.item_pool IS NULL THEN NULL ELSE \
     (SELECT MAX(ai.position) FROM attempt_items ai WHERE ai.attempt_id = a.id) END AS newest \
     FROM attempts a";

/// Reads the attempts the writes touch; on PostgreSQL their rows stay locked until commit.
async fn read_states<'a>(
    conn: &mut sqlx::AnyConnection,
    kind: DbKind,
    writes: &'a [Write],
) -> Result<HashMap<&'a str, AttemptState>, sqlx::Error> {
    let mut ids: Vec<&'a str> = writes.iter().map(Write::attempt_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let list = values(kind, 1, ids.len());
    let sql = format!(
        "{STATE_SELECT} WHERE a.id IN {}{}",
        list,
        match kind {
            DbKind::Sqlite => "",
            DbKind::Postgres => " ORDER BY a.id FOR UPDATE OF a",
        }
    );
    let mut query = sqlx::query(&sql).persistent(false);
    for id in &ids {
        query = query.bind(*id);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    let mut states = HashMap::with_capacity(rows.len());
    for row in rows {
        let id: String = row.try_get("id")?;
        // The id as the writes hold it, so the decision can borrow it.
        let Ok(at) = ids.binary_search(&id.as_str()) else {
            continue;
        };
        states.insert(
            ids[at],
            AttemptState {
                open: row.try_get::<String, _>("status")? == "in_progress",
                last_seq: row.try_get("last_seq")?,
                deadline_at: row.try_get("deadline_at")?,
                newest: row.try_get("newest")?,
                current_position: row.try_get("current_position")?,
                marks: row.try_get("marks")?,
            },
        );
    }
    Ok(states)
}

/// Writes the batch inside `conn`'s transaction; per write, whether its attempt took it.
pub async fn write(
    conn: &mut sqlx::AnyConnection,
    kind: DbKind,
    writes: &[Write],
) -> Result<Vec<bool>, sqlx::Error> {
    let states = read_states(conn, kind, writes).await?;
    let d = decide(states, writes);
    if !d.attempts.is_empty() {
        let sql = format!(
            "UPDATE attempts SET last_seq = v.column2, current_position = v.column3, \
             marks = v.column4 FROM (VALUES {}) AS v WHERE attempts.id = v.column1",
            values(kind, d.attempts.len(), 4)
        );
        let mut q = sqlx::query(&sql).persistent(false);
        for (id, seq, position, marks) in &d.attempts {
            q = q.bind(*id).bind(*seq).bind(*position).bind(marks.as_str());
        }
        q.execute(&mut *conn).await?;
    }
    if !d.log.is_empty() {
        let sql = format!(
            "INSERT INTO response_log (attempt_id, seq, position, choice_mask, flagged, received_at) \
             VALUES {}",
            values(kind, d.log.len(), 6)
        );
        let mut q = sqlx::query(&sql).persistent(false);
        for s in &d.log {
            q = q
                .bind(&s.attempt_id)
                .bind(s.seq)
                .bind(i64::from(s.position))
                .bind(s.choice)
                .bind(flag(s.flagged))
                .bind(s.now);
        }
        q.execute(&mut *conn).await?;
    }
    if !d.answers.is_empty() {
        let sql = format!(
            "UPDATE attempt_items SET choice_mask = v.column3, flagged = v.column4, \
             answered_at = v.column5 FROM (VALUES {}) AS v \
             WHERE attempt_items.attempt_id = v.column1 AND attempt_items.position = v.column2",
            values(kind, d.answers.len(), 5)
        );
        let mut q = sqlx::query(&sql).persistent(false);
        for s in &d.answers {
            q = q
                .bind(&s.attempt_id)
                .bind(i64::from(s.position))
                .bind(s.choice)
                .bind(flag(s.flagged))
                .bind(s.now);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(d.taken)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn save(attempt: &str, seq: i64, position: u32, choice: i64) -> Write {
        Write::Save(SaveWrite {
            attempt_id: attempt.into(),
            seq,
            position,
            choice: Some(choice),
            flagged: false,
            now: 1_000,
        })
    }

    fn open(last_seq: i64) -> AttemptState {
        AttemptState {
            open: true,
            last_seq,
            deadline_at: 2_000,
            newest: None,
            current_position: 1,
            marks: "0000".into(),
        }
    }

    #[test]
    fn writes_apply_in_arrival_order_with_the_single_save_rules() {
        let writes = vec![
            save("a", 1, 1, 1),
            save("a", 1, 1, 2), // repeats a number: refused
            save("a", 3, 2, 4),
            save("a", 2, 1, 8), // older than the one just taken: refused
            save("b", 5, 1, 1), // closed attempt
            save("c", 1, 1, 1), // no such attempt
            Write::Position {
                attempt_id: "a".into(),
                position: 7,
            },
            save("d", 1, 1, 1), // past its deadline
            save("a", 4, 2, 2), // a change of mind: the answer to question 2 is this one
            // Question 3 flagged with no answer.
            Write::Save(SaveWrite {
                attempt_id: "a".into(),
                seq: 5,
                position: 3,
                choice: None,
                flagged: true,
                now: 1_000,
            }),
        ];
        let mut states = HashMap::new();
        states.insert("a", open(0));
        states.insert(
            "b",
            AttemptState {
                open: false,
                ..open(0)
            },
        );
        states.insert(
            "d",
            AttemptState {
                deadline_at: 1_000,
                ..open(0)
            },
        );
        let d = decide(states, &writes);
        assert_eq!(
            d.taken,
            vec![true, false, true, false, false, false, true, false, true, true]
        );
        // Only the saves taken change the question states; the refused ones leave them.
        assert_eq!(d.attempts, vec![("a", 5, 3, "1120".to_string())]);
        assert_eq!(
            d.log.iter().map(|s| s.seq).collect::<Vec<_>>(),
            vec![1, 3, 4, 5]
        );
        let answers: Vec<(u32, Option<i64>)> =
            d.answers.iter().map(|s| (s.position, s.choice)).collect();
        assert_eq!(answers, vec![(1, Some(1)), (2, Some(2)), (3, None)]);
    }

    #[test]
    fn an_adaptive_attempt_takes_answers_only_at_its_newest_question() {
        let writes = vec![save("a", 1, 2, 1), save("a", 2, 3, 1)];
        let mut states = HashMap::new();
        states.insert(
            "a",
            AttemptState {
                newest: Some(3),
                ..open(0)
            },
        );
        assert_eq!(decide(states, &writes).taken, vec![false, true]);
    }

    #[test]
    fn a_page_view_moves_only_an_open_attempt() {
        let writes = vec![Write::Position {
            attempt_id: "b".into(),
            position: 4,
        }];
        let mut states = HashMap::new();
        states.insert(
            "b",
            AttemptState {
                open: false,
                ..open(0)
            },
        );
        let d = decide(states, &writes);
        assert_eq!(d.taken, vec![true]);
        assert!(
            d.attempts.is_empty(),
            "a closed attempt's row is left alone"
        );
    }

    #[test]
    fn placeholders_are_numbered_on_postgres_only() {
        assert_eq!(values(DbKind::Sqlite, 2, 2), "(?, ?), (?, ?)");
        assert_eq!(values(DbKind::Postgres, 2, 2), "($1, $2), ($3, $4)");
    }
}
