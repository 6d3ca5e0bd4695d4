//! The question page, the instant save and the question form read the request's session with
//! the attempt, in one query (`attempts::Reader`). Whatever that read cannot settle
//! must end as the session's own check would: a renewal due is written, another candidate's
//! attempt is not found, and an expired session or a disabled account is signed out.

use reqwest::StatusCode;

use crate::helpers::{candidate_in_exam, location, Browser, CANDIDATE};

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("time")
        .as_secs() as i64
}

/// The instant save as the page's script sends it (no `Accept: text/html`).
async fn save(browser: &Browser, attempt: &str, seq: i64) -> StatusCode {
    let letter = ["A", "B"][usize::try_from(seq % 2).unwrap_or(0)];
    let form = [
        ("attempt_id", attempt.to_string()),
        ("position", "1".to_string()),
        ("choices", letter.to_string()),
        ("flagged", "false".to_string()),
        ("seq", seq.to_string()),
    ];
    browser
        .client
        .post(format!("{}/api/save_answer", browser.app))
        .form(&form)
        .send()
        .await
        .expect("POST /api/save_answer")
        .status()
}

async fn last_seq(pool: &sqlx::AnyPool, attempt: &str) -> i64 {
    sqlx::query_scalar("SELECT last_seq FROM attempts WHERE id = $1")
        .bind(attempt)
        .fetch_one(pool)
        .await
        .expect("the attempt")
}

/// The three reads, each expected to send the candidate to the sign-in page.
async fn all_signed_out(browser: &Browser, attempt: &str, seq: i64, why: &str) {
    let item = format!("/attempts/{attempt}/items/1");
    let page = browser.get(&item).await;
    // To sign in, and back to this question afterwards.
    assert!(
        page.status().is_redirection()
            && location(&page) == format!("/signin?next=%2Fattempts%2F{attempt}%2Fitems%2F1"),
        "{why}: the question page answered {} to {:?}",
        page.status(),
        location(&page)
    );
    assert_eq!(
        save(browser, attempt, seq).await,
        StatusCode::UNAUTHORIZED,
        "{why}: the instant save"
    );
    let seq = seq.to_string();
    let form = browser
        .post(
            &format!("{item}/answer"),
            &[("choice", "A"), ("seq", &seq), ("go", "next")],
        )
        .await;
    assert!(
        form.status().is_redirection() && location(&form).ends_with("/signin"),
        "{why}: the question form answered {} to {:?}",
        form.status(),
        location(&form)
    );
}

#[tokio::test]
async fn the_session_read_with_the_attempt_answers_as_the_session_check_would() {
    let (app, browser, attempt, _) = candidate_in_exam().await;
    app.add_candidate("other@example.org").await;
    let other = app.browser();
    other.sign_in("other@example.org").await;
    let pool = app.db().await;
    let item = format!("/attempts/{attempt}/items/1");

    assert_eq!(browser.get(&item).await.status(), StatusCode::OK);
    assert_eq!(save(&browser, &attempt, 1).await, StatusCode::OK);

    // Another candidate's attempt, with a session of their own: not found, nothing saved.
    assert_eq!(other.get(&item).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(save(&other, &attempt, 2).await, StatusCode::NOT_FOUND);
    let form = other
        .post(
            &format!("{item}/answer"),
            &[("choice", "C"), ("seq", "2"), ("go", "next")],
        )
        .await;
    assert_eq!(form.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        last_seq(&pool, &attempt).await,
        1,
        "another's saves stored nothing"
    );

    // The candidate's session, written 31 minutes ago with 10 minutes left: the question page
    // alone renews it to four hours ahead.
    let (session_id, data): (String, String) = sqlx::query_as(
        "SELECT s.id, s.data FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1",
    )
    .bind(CANDIDATE)
    .fetch_one(&pool)
    .await
    .expect("the candidate's session");
    let mut data: serde_json::Value = serde_json::from_str(&data).expect("session data");
    data["renewed_at"] = (unix_now() - 31 * 60).into();
    sqlx::query("UPDATE sessions SET data = $1, expires_at = $2 WHERE id = $3")
        .bind(data.to_string())
        .bind(unix_now() + 600)
        .bind(&session_id)
        .execute(&pool)
        .await
        .expect("age the session");
    assert_eq!(browser.get(&item).await.status(), StatusCode::OK);
    let expires: i64 = sqlx::query_scalar("SELECT expires_at FROM sessions WHERE id = $1")
        .bind(&session_id)
        .fetch_one(&pool)
        .await
        .expect("the session");
    assert!(
        (expires - (unix_now() + 4 * 3600)).abs() < 120,
        "renewed by the question page to four hours ahead, got {} s",
        expires - unix_now()
    );
    assert_eq!(save(&browser, &attempt, 3).await, StatusCode::OK);

    // Expired: signed out on all three.
    sqlx::query("UPDATE sessions SET expires_at = $1 WHERE id = $2")
        .bind(unix_now() - 1)
        .bind(&session_id)
        .execute(&pool)
        .await
        .expect("expire the session");
    all_signed_out(&browser, &attempt, 4, "an expired session").await;

    // A fresh sign-in, then the account disabled: signed out at once.
    browser.sign_in(CANDIDATE).await;
    assert_eq!(save(&browser, &attempt, 4).await, StatusCode::OK);
    sqlx::query("UPDATE users SET disabled_at = $1 WHERE email = $2")
        .bind(unix_now() * 1000)
        .bind(CANDIDATE)
        .execute(&pool)
        .await
        .expect("disable the account");
    all_signed_out(&browser, &attempt, 5, "a disabled account").await;

    assert_eq!(
        last_seq(&pool, &attempt).await,
        4,
        "nothing saved once signed out"
    );
    pool.close().await;
    app.cleanup().await;
}
