//! After the run: every answer the server acknowledged is in the database, in the response log
//! under its sequence number and as the question's current answer (or a later save that was
//! sent and may have been stored while its answer was lost), and every question's state kept on
//! the attempt's row (answered, flagged) is the question's own.

use std::collections::HashMap;

use sqlx::Row;

use crate::candidate::Outcome;

#[derive(Debug, Default, serde::Serialize)]
pub struct Verdict {
    pub acknowledged: usize,
    /// Acknowledged saves missing from the response log or stored differently.
    pub lost: usize,
    /// Questions whose current answer is neither the last acknowledged save nor a later one sent,
    /// or whose state on the attempt's row (`attempts.marks`: answered, flagged) is not theirs.
    pub wrong: usize,
    pub examples: Vec<String>,
}

pub async fn verify(database_url: &str, outcomes: &[Outcome]) -> anyhow::Result<Verdict> {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(database_url).await?;
    let mut v = Verdict::default();
    for o in outcomes {
        let Some(attempt) = &o.attempt else { continue };
        let items = sqlx::query(
            "SELECT position, option_order, choice_mask, flagged FROM attempt_items \
             WHERE attempt_id = $1 ORDER BY position",
        )
        .bind(attempt)
        .fetch_all(&pool)
        .await?;
        let mut order: HashMap<u32, Vec<i64>> = HashMap::new();
        let mut current: HashMap<u32, Option<i64>> = HashMap::new();
        let mut states = String::new();
        for r in &items {
            let p = u32::try_from(r.try_get::<i64, _>("position")?).unwrap_or(0);
            let o: String = r.try_get("option_order")?;
            order.insert(p, o.split(',').filter_map(|x| x.parse().ok()).collect());
            let choice: Option<i64> = r.try_get("choice_mask")?;
            let flagged: i64 = r.try_get("flagged")?;
            states.push(char::from(
                b'0' + u8::from(choice.is_some()) + 2 * u8::from(flagged != 0),
            ));
            current.insert(p, choice);
        }
        let marks: String = sqlx::query("SELECT marks FROM attempts WHERE id = $1")
            .bind(attempt)
            .fetch_one(&pool)
            .await?
            .try_get("marks")?;
        if marks != states {
            let differ = marks.len().max(states.len())
                - marks
                    .bytes()
                    .zip(states.bytes())
                    .filter(|(a, b)| a == b)
                    .count();
            v.wrong += differ;
            if v.examples.len() < 10 {
                v.examples.push(format!(
                    "{attempt}: question states {marks:?} on the attempt, {states:?} in its questions"
                ));
            }
        }
        let logged: HashMap<i64, (u32, Option<i64>)> = sqlx::query(
            "SELECT seq, position, choice_mask FROM response_log WHERE attempt_id = $1",
        )
        .bind(attempt)
        .fetch_all(&pool)
        .await?
        .iter()
        .map(|r| -> anyhow::Result<(i64, (u32, Option<i64>))> {
            Ok((
                r.try_get("seq")?,
                (
                    u32::try_from(r.try_get::<i64, _>("position")?).unwrap_or(0),
                    r.try_get("choice_mask")?,
                ),
            ))
        })
        .collect::<anyhow::Result<_>>()?;
        let mask = |position: u32, letter: char| -> Option<i64> {
            let display = usize::from(u8::try_from(letter).unwrap_or(b'A') - b'A');
            order
                .get(&position)?
                .get(display)
                .map(|&authored| 1i64 << authored)
        };
        for s in o.saves.iter().filter(|s| s.acked) {
            v.acknowledged += 1;
            if logged.get(&s.seq) != Some(&(s.position, mask(s.position, s.letter))) {
                v.lost += 1;
                if v.examples.len() < 10 {
                    v.examples.push(format!(
                        "{attempt} save {} (question {}, {}): logged as {:?}",
                        s.seq,
                        s.position,
                        s.letter,
                        logged.get(&s.seq)
                    ));
                }
            }
        }
        // Each question's current answer: its last acknowledged save, or a save sent after it.
        let mut by_position: HashMap<u32, Vec<&crate::candidate::Save>> = HashMap::new();
        for s in &o.saves {
            by_position.entry(s.position).or_default().push(s);
        }
        for (position, saves) in by_position {
            let last_acked = saves.iter().rposition(|s| s.acked);
            let allowed: Vec<Option<i64>> = match last_acked {
                Some(k) => saves[k..]
                    .iter()
                    .map(|s| mask(position, s.letter))
                    .collect(),
                None => std::iter::once(None)
                    .chain(saves.iter().map(|s| mask(position, s.letter)))
                    .collect(),
            };
            let stored = current.get(&position).copied().flatten();
            if !allowed.contains(&stored) {
                v.wrong += 1;
                if v.examples.len() < 10 {
                    v.examples.push(format!(
                        "{attempt} question {position}: stored {stored:?}, expected one of {allowed:?}"
                    ));
                }
            }
        }
    }
    pool.close().await;
    Ok(v)
}
