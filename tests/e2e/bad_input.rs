//! Bad input gets a clear 4xx and changes nothing (invariant 8).

use reqwest::StatusCode;

use crate::helpers::{candidate_in_exam, CANDIDATE};

/// A path, a form, the status expected and words the answer must contain.
type BadPost = (
    String,
    Vec<(&'static str, String)>,
    StatusCode,
    &'static str,
);

#[tokio::test]
async fn bad_answer_posts_are_refused_with_a_reason_and_change_nothing() {
    let (app, browser, attempt, _) = candidate_in_exam().await;
    let answer = format!("/attempts/{attempt}/items/1/answer");

    let cases: Vec<BadPost> = vec![
        (
            answer.clone(),
            vec![("choice", "A".into())],
            StatusCode::BAD_REQUEST,
            "seq",
        ),
        (
            answer.clone(),
            vec![("seq", "abc".into()), ("choice", "A".into())],
            StatusCode::BAD_REQUEST,
            "not a whole number",
        ),
        (
            answer.clone(),
            vec![("seq", "1".into()), ("choice", "Z".into())],
            StatusCode::BAD_REQUEST,
            "has options A to",
        ),
        (
            answer.clone(),
            vec![("seq", "1".into()), ("strike", "Z".into())],
            StatusCode::BAD_REQUEST,
            "has options A to",
        ),
        (
            answer.clone(),
            vec![("seq", "1".into()), ("strike", "A,B".into())],
            StatusCode::BAD_REQUEST,
            "is not one option letter",
        ),
        (
            answer.clone(),
            vec![("seq", "1".into()), ("choice", "hello".into())],
            StatusCode::BAD_REQUEST,
            "not an option letter",
        ),
        (
            answer.clone(),
            vec![
                ("seq", "1".into()),
                ("choice", "A".into()),
                ("go", "item-999".into()),
            ],
            StatusCode::BAD_REQUEST,
            "not a place to go",
        ),
        (
            format!("/attempts/{attempt}/items/999/answer"),
            vec![("seq", "1".into()), ("choice", "A".into())],
            StatusCode::BAD_REQUEST,
            "not on this exam",
        ),
        (
            format!("/attempts/{attempt}/items/x/answer"),
            vec![("seq", "1".into())],
            StatusCode::BAD_REQUEST,
            "not a question number",
        ),
        (
            "/attempts/not-an-id/items/1/answer".into(),
            vec![("seq", "1".into())],
            StatusCode::BAD_REQUEST,
            "not a valid attempt id",
        ),
        (
            format!("/attempts/{}/items/1/answer", "0".repeat(32)),
            vec![("seq", "1".into())],
            StatusCode::NOT_FOUND,
            "does not exist",
        ),
        (
            format!("/attempts/{attempt}/break/action"),
            vec![("action", "nap".into())],
            StatusCode::BAD_REQUEST,
            "not a break action",
        ),
        (
            format!("/attempts/{attempt}/break/action"),
            vec![("action", "start".into())],
            StatusCode::CONFLICT,
            "after question 60",
        ),
        (
            "/auth/signin".into(),
            vec![("email", "x@y.z".into())],
            StatusCode::BAD_REQUEST,
            "password",
        ),
    ];
    for (path, form, status, message) in cases {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = browser.post(&path, &form).await;
        assert_eq!(r.status(), status, "POST {path} {form:?}");
        let body = r.text().await.expect("body");
        assert!(
            body.contains(message),
            "POST {path} {form:?}: expected {message:?} in {body}"
        );
    }

    let huge = "A".repeat(64 * 1024);
    let r = browser
        .post(&answer, &[("seq", "1"), ("choice", huge.as_str())])
        .await;
    assert_eq!(
        r.status(),
        StatusCode::PAYLOAD_TOO_LARGE,
        "oversized bodies are refused"
    );

    let unknown = browser
        .visit(&format!("/attempts/{attempt}/items/500"))
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(unknown.body.contains("not on this exam"));

    let pool = app.db().await;
    let logged: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM response_log")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(logged, 0, "no bad request wrote anything");
    pool.close().await;

    let wrong = browser
        .submit(
            "/auth/signin",
            &[("email", CANDIDATE), ("password", "wrong password")],
        )
        .await;
    assert!(wrong
        .body
        .contains("The email address or password is not right"));
    app.cleanup().await;
}

#[tokio::test]
async fn an_error_page_follows_the_display_settings_like_every_page() {
    let (app, browser, attempt, _) = candidate_in_exam().await;
    let plain = browser
        .post(&format!("/attempts/{attempt}/submit"), &[])
        .await;
    assert_eq!(plain.status(), StatusCode::BAD_REQUEST);
    let body = plain.text().await.expect("body");
    assert!(
        body.contains("<html lang=\"en\"><head>"),
        "no settings, no attributes"
    );
    browser
        .submit(
            "/settings/display",
            &[
                ("theme", "dark"),
                ("text_size", "150"),
                ("reduced_motion", "on"),
                ("return_to", "/dashboard"),
            ],
        )
        .await;
    let themed = browser
        .post(&format!("/attempts/{attempt}/submit"), &[])
        .await;
    assert_eq!(themed.status(), StatusCode::BAD_REQUEST);
    let body = themed.text().await.expect("body");
    assert!(
        body.contains(
            r#"<html lang="en" data-theme="dark" style="font-size: 150%" data-motion="reduce">"#
        ),
        "{body}"
    );
    assert!(body.contains("was not submitted"));
    app.cleanup().await;
}
