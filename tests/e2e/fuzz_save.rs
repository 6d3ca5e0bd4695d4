//! The answer endpoints fuzzed over HTTP (a seeded, bounded stream of hostile forms: a
//! property test in effect): the answer form, the instant save and strike-out get numbers out
//! of range, letters that name nothing, repeats, huge and empty values and missing fields.
//! None may answer 500, and afterwards the attempt's record must still hold together: the
//! response log in strictly rising sequence, `last_seq` its newest entry, and every stored
//! choice and strike naming only options the question has.

use reqwest::StatusCode;
use sqlx::Row;

use certamen_engine::random::{attempt_rng, below};

use crate::helpers::candidate_in_exam;

fn pick<'a>(rng: &mut rand_chacha::ChaCha20Rng, from: &[&'a str]) -> &'a str {
    from[below(rng, u32::try_from(from.len()).unwrap_or(1)) as usize]
}

#[tokio::test]
async fn hostile_answer_posts_never_fail_the_server_nor_break_the_record() {
    let (app, b, attempt, first) = candidate_in_exam().await;
    let mut seq: i64 = crate::helpers::parse_question(&first.body)
        .seq
        .parse()
        .expect("seq");
    let mut rng = attempt_rng(2026);
    let long = "A".repeat(5000);
    let mut counts = [0u32; 3];
    for case in 0..300 {
        let next = seq.to_string();
        let positions = [
            "1",
            "2",
            "60",
            "120",
            "0",
            "-1",
            "121",
            "abc",
            "",
            "99999999999999999999",
        ];
        let seqs = [
            next.as_str(),
            next.as_str(),
            "0",
            "-5",
            "x",
            "9223372036854775807",
            "",
            "1",
        ];
        let choices = [
            "A",
            "B",
            "D",
            "Z",
            "a",
            "A,B",
            "A,A",
            "",
            long.as_str(),
            "Á",
            "\u{0}",
            "A, C, E",
        ];
        let gos = [
            "next", "prev", "review", "stay", "item-5", "item-999", "item-", "bogus", "",
        ];
        let flags = ["true", "false", "on", "2", ""];
        // Half the cases are well-formed saves among the hostile ones, so the record grows
        // while it is attacked.
        let well_formed = below(&mut rng, 2) == 0;
        let good_position = (1 + below(&mut rng, 120)).to_string();
        let position = if well_formed {
            good_position.as_str()
        } else {
            pick(&mut rng, &positions)
        };
        let (seqs, choices): (&[&str], &[&str]) = if well_formed {
            (&[next.as_str()], &["A", "B", "C", "D"])
        } else {
            (&seqs, &choices)
        };
        let mut form: Vec<(&str, &str)> = Vec::new();
        let kind = below(&mut rng, 3) as usize;
        counts[kind] += 1;
        let url = match kind {
            0 => {
                form.push(("seq", pick(&mut rng, seqs)));
                for _ in 0..if well_formed { 1 } else { below(&mut rng, 3) } {
                    form.push(("choice", pick(&mut rng, choices)));
                }
                form.push(("go", pick(&mut rng, &gos)));
                if below(&mut rng, 2) == 0 {
                    form.push(("flagged", pick(&mut rng, &flags)));
                }
                format!("{}/attempts/{attempt}/items/{position}/answer", b.app)
            }
            1 => {
                form.extend([
                    ("attempt_id", attempt.as_str()),
                    ("position", position),
                    ("choices", pick(&mut rng, choices)),
                    ("flagged", pick(&mut rng, &flags)),
                    ("seq", pick(&mut rng, seqs)),
                ]);
                format!("{}/api/save_answer", b.app)
            }
            _ => {
                form.extend([
                    ("attempt_id", attempt.as_str()),
                    ("position", position),
                    ("letter", pick(&mut rng, choices)),
                ]);
                format!("{}/api/strike_option", b.app)
            }
        };
        // Sometimes a field goes missing altogether.
        if !well_formed && !form.is_empty() && below(&mut rng, 4) == 0 {
            let k = below(&mut rng, u32::try_from(form.len()).unwrap_or(1)) as usize;
            form.remove(k);
        }
        let r = b
            .client
            .post(&url)
            .header(reqwest::header::ACCEPT, "text/html")
            .form(&form)
            .send()
            .await
            .expect("POST");
        let status = r.status();
        let body = r.text().await.expect("body");
        assert!(
            !status.is_server_error(),
            "case {case}: {url} {form:?} answered {status}: {body}"
        );
        if status == StatusCode::OK || status.is_redirection() {
            // Keep the next sequence number current, as the page would.
            let pool = app.db().await;
            let last = sqlx::query_scalar::<_, i64>("SELECT last_seq FROM attempts WHERE id = $1")
                .bind(&attempt)
                .fetch_one(&pool)
                .await
                .expect("seq");
            assert!(
                last < 1_000_000,
                "case {case}: {form:?} pushed last_seq to {last}"
            );
            seq = last + 1;
            pool.close().await;
        }
    }
    assert!(
        counts.iter().all(|&n| n > 50),
        "every endpoint fuzzed: {counts:?}"
    );

    let pool = app.db().await;
    let logged: Vec<i64> = sqlx::query_scalar(
        "SELECT seq FROM response_log WHERE attempt_id = $1 ORDER BY received_at, seq",
    )
    .bind(&attempt)
    .fetch_all(&pool)
    .await
    .expect("log");
    assert!(
        logged.len() > 10,
        "some saves got through: {}",
        logged.len()
    );
    assert!(
        logged.windows(2).all(|w| w[0] < w[1]),
        "the log's sequence only rises"
    );
    let last: i64 = sqlx::query_scalar("SELECT last_seq FROM attempts WHERE id = $1")
        .bind(&attempt)
        .fetch_one(&pool)
        .await
        .expect("last");
    assert_eq!(
        Some(&last),
        logged.iter().max(),
        "last_seq is the newest entry"
    );
    for row in sqlx::query(
        "SELECT ai.position, ai.choice_mask, ai.struck_mask, i.option_count FROM attempt_items ai \
         JOIN items i ON i.id = ai.item_id AND i.version = ai.item_version WHERE ai.attempt_id = $1",
    )
    .bind(&attempt)
    .fetch_all(&pool)
    .await
    .expect("items")
    {
        let options: i64 = row.get("option_count");
        let all = (1i64 << options) - 1;
        let choice: Option<i64> = row.get("choice_mask");
        let struck: i64 = row.get("struck_mask");
        let position: i64 = row.get("position");
        assert!(choice.is_none_or(|c| c != 0 && c & !all == 0), "question {position}: choice {choice:?}");
        assert_eq!(struck & !all, 0, "question {position}: struck {struck}");
    }
    app.cleanup().await;
}

/// Found by this fuzzing: a save numbered i64::MAX was accepted, after which every later save
/// was refused as out of date. Now a number far ahead of the last save is refused and the
/// attempt goes on saving.
#[tokio::test]
async fn a_save_numbered_far_ahead_is_refused_and_saving_goes_on() {
    let (app, b, attempt, first) = candidate_in_exam().await;
    let seq = crate::helpers::parse_question(&first.body).seq;
    for far in ["9223372036854775807", "10002"] {
        let r = b
            .client
            .post(format!("{}/api/save_answer", b.app))
            .form(&[
                ("attempt_id", attempt.as_str()),
                ("position", "1"),
                ("choices", "A"),
                ("flagged", "false"),
                ("seq", far),
            ])
            .send()
            .await
            .expect("POST");
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{far}");
        assert!(r.text().await.expect("body").contains("too far ahead"));
    }
    let ok = b
        .client
        .post(format!("{}/api/save_answer", b.app))
        .form(&[
            ("attempt_id", attempt.as_str()),
            ("position", "1"),
            ("choices", "B"),
            ("flagged", "false"),
            ("seq", seq.as_str()),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(
        ok.status(),
        StatusCode::OK,
        "the next save in order still gets through"
    );
    app.cleanup().await;
}
