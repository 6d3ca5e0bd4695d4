//! The practice exam: sample questions kept apart from every real form, delivered like the
//! real exam, open to a new candidate before any application, and never counted.

use reqwest::StatusCode;

use crate::helpers::{parse_question, spawn_app, CANDIDATE, PASSWORD};

#[tokio::test]
async fn a_practice_exam_is_open_before_approval_never_counts_and_never_shares_an_item() {
    let app = spawn_app().await;
    let pool = app.db().await;
    let practice_ids: Vec<String> =
        sqlx::query_scalar("SELECT item_id FROM practice_items ORDER BY item_id")
            .fetch_all(&pool)
            .await
            .expect("practice items");
    assert_eq!(
        practice_ids.len(),
        10,
        "the sample bank's practice folder is loaded"
    );

    // A new candidate without an application: practice yes, the real exam no.
    let newcomer = app.browser();
    app.register(
        &newcomer,
        &[
            ("name", "Sam Ortiz"),
            ("email", "sam@example.org"),
            ("password", PASSWORD),
            ("date_of_birth", "1995-07-04"),
            ("county", "Kern"),
            ("language", "en"),
        ],
    )
    .await;
    let dashboard = newcomer.visit("/dashboard").await;
    assert!(dashboard.body.contains("10 sample questions in 15 minutes"));
    assert!(
        dashboard.body.contains("name=\"language\" value=\"es\""),
        "practice starts in the preferred language"
    );
    assert_eq!(
        newcomer
            .post("/exams/peer-support/attempts", &[])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let first = newcomer
        .submit("/exams/peer-support/practice", &[("language", "es")])
        .await;
    let attempt = first.url.split('/').nth(2).unwrap_or_default().to_string();
    assert_eq!(
        attempt.len(),
        32,
        "landed on a practice question: {}",
        first.url
    );
    assert!(first.body.contains("Practice exam · Question 1 of 10"));
    assert!(first.body.contains("lang=\"es\""), "in Spanish");
    let (limit, break_after, allowance, practice): (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT limit_ms, break_after, break_allowance_ms, practice FROM attempts WHERE id = $1",
    )
    .bind(&attempt)
    .fetch_one(&pool)
    .await
    .expect("practice attempt");
    assert_eq!(
        (limit, break_after, allowance, practice),
        (15 * 60_000, 5, 2 * 60_000, 1)
    );
    let delivered: Vec<String> = sqlx::query_scalar(
        "SELECT item_id FROM attempt_items WHERE attempt_id = $1 ORDER BY item_id",
    )
    .bind(&attempt)
    .fetch_all(&pool)
    .await
    .expect("items");
    assert_eq!(
        delivered, practice_ids,
        "every practice item, and nothing else"
    );
    // Starting again resumes the same practice attempt.
    let again = newcomer.submit("/exams/peer-support/practice", &[]).await;
    assert!(again.url.contains(&attempt));

    // Behaves like the real exam: answer, go on to the break after question 5, submit.
    let mut page = first;
    for n in 1..=5 {
        let q = parse_question(&page.body);
        let letter = q.options[0].0.clone();
        page = newcomer
            .submit(
                &format!("/attempts/{attempt}/items/{n}/answer"),
                &[("seq", &q.seq), ("choice", &letter), ("go", "next")],
            )
            .await;
    }
    assert!(
        page.url.ends_with("/break"),
        "the break comes after question 5: {}",
        page.url
    );
    assert!(
        page.body.contains("2-minute") || page.body.contains("2 minutes"),
        "the practice break's own length"
    );
    let report = newcomer
        .submit(
            &format!("/attempts/{attempt}/submit"),
            &[("confirm", "yes")],
        )
        .await;
    assert!(report.url.ends_with("/report"), "{}", report.url);
    assert!(report.body.contains("Practice exam result"));
    assert!(report.body.contains("does not count"));
    assert!(
        report.body.contains("5 of 10 questions")
            || report.body.contains("of 10 questions correctly")
    );
    let dashboard = newcomer.visit("/dashboard").await;
    assert!(
        dashboard.body.contains("Practice 1:"),
        "the practice result is listed as practice"
    );
    assert!(
        dashboard.body.contains("attempts used: 0 of 3"),
        "and never counted"
    );

    // An open practice attempt is not the real exam: the real instructions still offer a start.
    app.add_candidate("prac@example.org").await;
    let other = app.browser();
    other.sign_in("prac@example.org").await;
    other.submit("/exams/peer-support/practice", &[]).await;
    let instructions = other.visit("/exams/peer-support/instructions").await;
    assert!(
        instructions.body.contains("Start the exam")
            && !instructions.body.contains("Resume the exam"),
        "{}",
        instructions.body
    );

    // A real attempt never holds a practice item, and may be open beside a practice one.
    let candidate = app.browser();
    candidate.sign_in(CANDIDATE).await;
    let (real, _) = candidate.start_exam().await;
    let practice_page = candidate.submit("/exams/peer-support/practice", &[]).await;
    assert!(
        !practice_page.url.contains(&real),
        "a practice attempt opens beside the real one"
    );
    let shared: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM attempt_items WHERE attempt_id = $1 AND item_id IN (SELECT item_id FROM practice_items)",
    )
    .bind(&real)
    .fetch_one(&pool)
    .await
    .expect("count");
    assert_eq!(shared, 0);
    let resumed = candidate.visit("/dashboard").await;
    assert!(
        resumed.body.contains("Resume your exam")
            && resumed.body.contains("Resume the practice exam")
    );
    pool.close().await;
}
