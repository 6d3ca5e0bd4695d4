//! One candidate can neither read nor answer another's attempt.

use reqwest::StatusCode;

use crate::helpers::{spawn_app, CANDIDATE};

#[tokio::test]
async fn another_candidates_attempt_is_unreachable() {
    let app = spawn_app().await;
    app.add_candidate("second@example.org").await;
    let owner = app.browser();
    owner.sign_in(CANDIDATE).await;
    let (attempt, _) = owner.start_exam().await;

    let other = app.browser();
    other.sign_in("second@example.org").await;
    for path in ["items/1", "review", "break", "report"] {
        let page = other.visit(&format!("/attempts/{attempt}/{path}")).await;
        assert_eq!(
            page.status,
            StatusCode::NOT_FOUND,
            "{path} of another's attempt"
        );
        assert!(page.body.contains("does not exist or is not yours"));
    }
    let r = other.get(&format!("/attempts/{attempt}")).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let answer = other
        .post(
            &format!("/attempts/{attempt}/items/1/answer"),
            &[("seq", "1"), ("choice", "A")],
        )
        .await;
    assert_eq!(answer.status(), StatusCode::NOT_FOUND);
    let submit = other
        .post(
            &format!("/attempts/{attempt}/submit"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(submit.status(), StatusCode::NOT_FOUND);

    let pool = app.db().await;
    let (status, logged): (String, i64) = sqlx::query_as(
        "SELECT a.status, (SELECT COUNT(*) FROM response_log r WHERE r.attempt_id = a.id) FROM attempts a WHERE a.id = $1",
    )
    .bind(&attempt)
    .fetch_one(&pool)
    .await
    .expect("attempt");
    assert_eq!(
        (status.as_str(), logged),
        ("in_progress", 0),
        "nothing changed"
    );
    pool.close().await;

    let anonymous = app.browser();
    let r = anonymous.get(&format!("/attempts/{attempt}/items/1")).await;
    assert!(
        r.status().is_redirection(),
        "anonymous visitors are sent to sign in"
    );
    app.cleanup().await;
}
