//! The database out of reach: requests are answered 503 with words that say so (and
//! `Retry-After`), the instant save says "unavailable" so the page sends it again, and nothing
//! is half-written when the database is back.
//!
//! SQLite only: another connection holds the write lock past the server's busy timeout (10 s),
//! as a stuck writer or a full disk would. The PostgreSQL outage (every connection dropped,
//! new ones refused) is `cargo xtask test`'s load run through a proxy, which fails if any
//! request in it met a server fault rather than 503.

use reqwest::StatusCode;
use sqlx::Connection;

use crate::helpers::{candidate_in_exam, parse_question};

fn on_postgres() -> bool {
    std::env::var("CERTAMEN_TEST_DATABASE").as_deref() == Ok("postgres")
}

/// SQLite's write lock held by a connection of the test's own, as a stuck writer would.
struct WriteLock(sqlx::AnyConnection);

impl WriteLock {
    async fn take(database_url: &str) -> WriteLock {
        let mut conn = sqlx::AnyConnection::connect(database_url)
            .await
            .expect("a second connection");
        sqlx::query("BEGIN IMMEDIATE")
            .execute(&mut conn)
            .await
            .expect("take the write lock");
        WriteLock(conn)
    }

    async fn release(mut self) {
        sqlx::query("ROLLBACK")
            .execute(&mut self.0)
            .await
            .expect("release the lock");
        self.0.close().await.expect("close");
    }
}

#[tokio::test]
async fn a_database_out_of_reach_answers_unavailable_and_the_same_save_goes_through_after() {
    if on_postgres() {
        eprintln!("SQLite only (the write lock); PostgreSQL's outage is the load run's");
        return;
    }
    let (app, browser, attempt, first) = candidate_in_exam().await;
    let seq: i64 = parse_question(&first.body).seq.parse().expect("seq");

    let holder = WriteLock::take(&app.database_url).await;

    let js_save = || {
        browser
            .client
            .post(format!("{}/api/save_answer", app.address))
            .form(&[
                ("attempt_id", attempt.as_str()),
                ("position", "1"),
                ("choices", "B"),
                ("flagged", "false"),
                ("seq", &seq.to_string()),
            ])
            .send()
    };
    // One after the other: the server's one writer waits out its busy timeout for each
    // (10 s; each request must be read within the test client's 20 s).
    let js = js_save().await.expect("the instant save is answered");
    assert_eq!(js.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        js.headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("5")
    );
    let body: serde_json::Value = js.json().await.expect("a JSON error");
    let said = body["Unavailable"]
        .as_str()
        .unwrap_or_else(|| panic!("the save says unavailable, got {body}"));
    assert_eq!(said, "the exam's database is not answering just now");

    // The form post: a 503 page that says the same, with no automatic repeat of a post.
    let form = browser
        .client
        .post(format!("{}/attempts/{attempt}/items/1/answer", app.address))
        .form(&[
            ("seq", seq.to_string().as_str()),
            ("choice", "C"),
            ("go", "next"),
        ])
        .send()
        .await
        .expect("the form post is answered");
    assert_eq!(form.status(), StatusCode::SERVICE_UNAVAILABLE);
    let page = form.text().await.expect("page");
    assert!(
        page.contains("The exam cannot be reached just now"),
        "{page}"
    );
    assert!(page.contains("database is not answering"), "{page}");
    assert!(
        !page.contains("http-equiv=\"refresh\""),
        "a post is not repeated by itself"
    );

    // Nothing of either save was written.
    let pool = app.db().await;
    let logged: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM response_log WHERE attempt_id = $1")
        .bind(&attempt)
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(logged, 0, "no save reached the response log");

    // The database is back: the page sends the same save again, and it is stored once.
    holder.release().await;
    let again = js_save().await.expect("answered");
    assert_eq!(again.status(), StatusCode::OK);
    let ack: serde_json::Value = again.json().await.expect("ack");
    assert_eq!(ack["seq"], seq);
    let stored: (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM response_log WHERE attempt_id = $1), \
                (SELECT last_seq FROM attempts WHERE id = $1)",
    )
    .bind(&attempt)
    .fetch_one(&pool)
    .await
    .expect("stored");
    assert_eq!(
        stored,
        (1, seq),
        "the save is stored once, under its number"
    );
    pool.close().await;
    app.cleanup().await;
}

#[tokio::test]
async fn a_page_that_meets_an_unavailable_database_loads_itself_again() {
    if on_postgres() {
        eprintln!("SQLite only (the write lock)");
        return;
    }
    let (app, browser, attempt, _) = candidate_in_exam().await;
    // Question 2 has not been opened: showing it records where the candidate is, a write.
    let holder = WriteLock::take(&app.database_url).await;
    let r = browser.get(&format!("/attempts/{attempt}/items/2")).await;
    holder.release().await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    let page = r.text().await.expect("page");
    assert!(page.contains("database is not answering"), "{page}");
    assert!(
        page.contains(r#"http-equiv="refresh" content="5""#),
        "the page reloads itself: {page}"
    );
    assert!(
        page.contains("tries again by itself every 5 seconds"),
        "{page}"
    );
    let back = browser.visit(&format!("/attempts/{attempt}/items/2")).await;
    assert_eq!(
        back.status,
        StatusCode::OK,
        "served once the database is back"
    );
    app.cleanup().await;
}
