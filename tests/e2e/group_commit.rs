//! Group commit under concurrency: many saves of two candidates sent all at once, so they
//! share batches and arrive out of order. Whatever each was answered, the record must hold
//! together: every save answered as stored is in the response log as sent, `last_seq` is the log's
//! newest number, each question's current answer is its newest logged save, and a save
//! answered "out of date" left nothing behind.

use reqwest::StatusCode;
use sqlx::Row;

use crate::helpers::{spawn_app, Browser};

const SAVES: i64 = 60;

/// How a save was answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    /// Stored under its own number.
    Saved,
    /// Acknowledged as the answer already stored: nothing written.
    Unchanged,
    /// Refused as out of date (409).
    Refused,
}

/// Sends `SAVES` saves to the attempt at once (numbers 1.., questions 1–6 in turn, each
/// question's answer changing A, B, C, D, A...) and returns, per save, (seq, position, answer).
async fn save_all_at_once(browser: &Browser, attempt: &str) -> Vec<(i64, i64, Answer)> {
    let sends = (1..=SAVES).map(|seq| {
        let position = 1 + seq % 6;
        let letter = ["A", "B", "C", "D"][usize::try_from((seq / 6) % 4).unwrap_or(0)];
        let form = [
            ("attempt_id", attempt.to_string()),
            ("position", position.to_string()),
            ("choices", letter.to_string()),
            ("flagged", "false".to_string()),
            ("seq", seq.to_string()),
        ];
        let request = browser
            .client
            .post(format!("{}/api/save_answer", browser.app))
            .form(&form);
        tokio::spawn(async move {
            let r = request.send().await.expect("POST /api/save_answer");
            let status = r.status();
            let body = r.text().await.unwrap_or_default();
            let answer = match status {
                StatusCode::CONFLICT => Answer::Refused,
                StatusCode::OK => {
                    let ack: serde_json::Value = serde_json::from_str(&body).expect("json");
                    // The acknowledgement names the attempt's newest number: this save's own
                    // when it was stored.
                    if ack["seq"] == seq {
                        Answer::Saved
                    } else {
                        Answer::Unchanged
                    }
                }
                other => panic!("save {seq}: {other} {body}"),
            };
            (seq, position, answer)
        })
    });
    let mut answers = Vec::new();
    for send in sends.collect::<Vec<_>>() {
        answers.push(send.await.expect("the save's task"));
    }
    answers
}

#[tokio::test]
async fn saves_sent_all_at_once_keep_the_record_whole() {
    let app = spawn_app().await;
    app.add_candidate("second@example.org").await;
    let (one, two) = (app.browser(), app.browser());
    one.sign_in(crate::helpers::CANDIDATE).await;
    two.sign_in("second@example.org").await;
    let (a, _) = one.start_exam().await;
    let (b, _) = two.start_exam().await;
    let (sent_a, sent_b) = tokio::join!(save_all_at_once(&one, &a), save_all_at_once(&two, &b));
    let db = app.db().await;
    for (attempt, sent) in [(&a, sent_a), (&b, sent_b)] {
        let log: Vec<(i64, i64, Option<i64>)> = sqlx::query(
            "SELECT seq, position, choice_mask FROM response_log WHERE attempt_id = $1 ORDER BY seq",
        )
        .bind(attempt)
        .fetch_all(&db)
        .await
        .expect("log")
        .iter()
        .map(|r| (r.get("seq"), r.get("position"), r.get("choice_mask")))
        .collect();
        assert!(!log.is_empty(), "some saves were taken");
        // Stored: logged under its number at its question. Unchanged or refused: not logged.
        for (seq, position, answer) in &sent {
            let logged = log.iter().find(|l| l.0 == *seq);
            if *answer == Answer::Saved {
                assert_eq!(logged.map(|l| l.1), Some(*position), "save {seq}");
            } else {
                assert!(
                    logged.is_none(),
                    "save {seq} was stored, answered {answer:?}"
                );
            }
        }
        assert_eq!(
            log.len(),
            sent.iter().filter(|s| s.2 == Answer::Saved).count(),
            "the log holds the stored saves and nothing else"
        );
        let last_seq: i64 = sqlx::query("SELECT last_seq FROM attempts WHERE id = $1")
            .bind(attempt)
            .fetch_one(&db)
            .await
            .expect("attempt")
            .get("last_seq");
        assert_eq!(last_seq, log.last().expect("a save").0);
        for position in 1..=6i64 {
            let current: Option<i64> = sqlx::query(
                "SELECT choice_mask FROM attempt_items WHERE attempt_id = $1 AND position = $2",
            )
            .bind(attempt)
            .bind(position)
            .fetch_one(&db)
            .await
            .expect("question")
            .get("choice_mask");
            let newest = log.iter().rev().find(|l| l.1 == position).and_then(|l| l.2);
            assert_eq!(current, newest, "question {position}");
        }
    }
    app.cleanup().await;
}
