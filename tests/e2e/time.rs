//! Server-owned time: restarts, downtime credit, the deadline with the browser gone.

use std::time::Duration;

use reqwest::StatusCode;

use crate::helpers::{candidate_in_exam, parse_question};

fn time_left(html: &str) -> String {
    let timer = html.find("role=\"timer\"").expect("timer");
    let from = timer + html[timer..].find('>').expect("end of the timer tag") + 1;
    html[from..]
        .split('<')
        .next()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn a_restart_resumes_at_the_same_question_with_every_answer_and_credits_the_downtime() {
    let (mut app, browser, attempt, _) = candidate_in_exam().await;
    let mut chosen = Vec::new();
    for position in 1..=5u32 {
        let page = browser
            .visit(&format!("/attempts/{attempt}/items/{position}"))
            .await;
        let q = parse_question(&page.body);
        let letter = ["A", "B", "C", "D"][position as usize % 4];
        chosen.push(letter);
        browser
            .submit(
                &format!("/attempts/{attempt}/items/{position}/answer"),
                &[("seq", &q.seq), ("choice", letter), ("go", "next")],
            )
            .await;
    }
    app.clock.advance_ms(20 * 60_000);
    let before = browser.visit(&format!("/attempts/{attempt}")).await;
    assert!(before.url.ends_with("/items/6"));
    assert_eq!(time_left(&before.body), "2 h 10 min");

    // Wait until the server's heartbeat has seen the new time, so the outage starts now.
    let pool = app.db().await;
    let now = crate::helpers::START_MS + 20 * 60_000;
    for _ in 0..100 {
        let alive: i64 = sqlx::query_scalar("SELECT alive_at FROM service_heartbeat WHERE id = 1")
            .fetch_one(&pool)
            .await
            .expect("heartbeat");
        if alive == now {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    pool.close().await;

    // The server dies, stays down for 15 minutes, and comes back.
    app.stop().await;
    app.clock.advance_ms(15 * 60_000);
    app.restart().await;
    let browser = crate::helpers::Browser {
        client: browser.client,
        app: app.address.clone(),
    };

    let resumed = browser.visit(&format!("/attempts/{attempt}")).await;
    assert_eq!(resumed.status, StatusCode::OK);
    assert!(
        resumed.url.ends_with("/items/6"),
        "resumes where the candidate was, got {}",
        resumed.url
    );
    assert_eq!(
        time_left(&resumed.body),
        "2 h 10 min",
        "the 15 minutes of downtime were credited"
    );
    for (i, letter) in chosen.iter().enumerate() {
        let page = browser
            .visit(&format!("/attempts/{attempt}/items/{}", i + 1))
            .await;
        let q = parse_question(&page.body);
        let checked = q.checked();
        assert_eq!(
            checked,
            vec![*letter],
            "answer to question {} survived the restart",
            i + 1
        );
    }
    app.cleanup().await;
}

#[tokio::test]
async fn a_save_after_the_deadline_is_refused_clearly() {
    let (app, browser, attempt, page) = candidate_in_exam().await;
    let q = parse_question(&page.body);
    app.clock.advance_ms(150 * 60_000 + 1);
    let late = browser
        .post(
            &format!("/attempts/{attempt}/items/1/answer"),
            &[("seq", &q.seq), ("choice", "A")],
        )
        .await;
    assert_eq!(late.status(), StatusCode::CONFLICT);
    let body = late.text().await.expect("body");
    assert!(
        body.contains("time is up") || body.contains("has been submitted"),
        "{body}"
    );
    app.cleanup().await;
}

#[tokio::test]
async fn the_server_submits_an_attempt_whose_time_runs_out_with_the_browser_gone() {
    let (app, browser, attempt, page) = candidate_in_exam().await;
    let q = parse_question(&page.body);
    browser
        .submit(
            &format!("/attempts/{attempt}/items/1/answer"),
            &[("seq", &q.seq), ("choice", "A")],
        )
        .await;
    // The candidate closes the browser; time runs out.
    app.clock.advance_ms(151 * 60_000);
    let pool = app.db().await;
    let mut status = String::new();
    for _ in 0..100 {
        let row: (String, Option<String>) =
            sqlx::query_as("SELECT status, submitted_by FROM attempts WHERE id = $1")
                .bind(&attempt)
                .fetch_one(&pool)
                .await
                .expect("attempt");
        status = format!("{}/{}", row.0, row.1.unwrap_or_default());
        if row.0 == "submitted" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        status, "submitted/deadline",
        "the finalizer submitted the attempt"
    );
    pool.close().await;
    let report = browser.visit(&format!("/attempts/{attempt}")).await;
    assert!(report.url.ends_with("/report"));
    assert!(report.body.contains("submitted automatically"));
    app.cleanup().await;
}

/// A session ends four hours after its last request, not four hours after sign-in: an exam
/// with extended time (up to 400 %) runs far longer. The session is written again only when it
/// was last written half an hour ago or more, not on every request.
#[tokio::test]
async fn a_session_in_use_is_renewed_but_not_written_on_every_request() {
    let (app, browser, attempt, _) = candidate_in_exam().await;
    let pool = app.db().await;
    let now = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("time")
            .as_secs() as i64
    };
    let session = || async {
        let (id, data, expires): (String, String, i64) =
            sqlx::query_as("SELECT id, data, expires_at FROM sessions WHERE data LIKE '%user_id%'")
                .fetch_one(&pool)
                .await
                .expect("the candidate's one session");
        let data: serde_json::Value = serde_json::from_str(&data).expect("session data");
        (id, data, expires)
    };
    let (id, mut data, expires) = session().await;
    assert!(
        (expires - (now() + 4 * 3600)).abs() < 120,
        "four hours from sign-in"
    );
    let set = |data: serde_json::Value, expires: i64| {
        let id = id.clone();
        let pool = pool.clone();
        async move {
            sqlx::query("UPDATE sessions SET data = $1, expires_at = $2 WHERE id = $3")
                .bind(data.to_string())
                .bind(expires)
                .bind(id)
                .execute(&pool)
                .await
                .expect("rewrite the session");
        }
    };

    // Written 10 minutes ago: a request does not write it again.
    data["renewed_at"] = (now() - 600).into();
    set(data.clone(), now() + 600).await;
    let page = browser.visit(&format!("/attempts/{attempt}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let (_, _, unchanged) = session().await;
    assert!(
        (unchanged - (now() + 600)).abs() < 5,
        "not written on every request"
    );

    // Written 31 minutes ago, 10 minutes left: the next request moves the expiry 4 h ahead.
    data["renewed_at"] = (now() - 31 * 60).into();
    set(data, now() + 600).await;
    let page = browser.visit(&format!("/attempts/{attempt}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let (_, renewed, expires) = session().await;
    assert!(
        (expires - (now() + 4 * 3600)).abs() < 120,
        "renewed to four hours from now, got {} s",
        expires - now()
    );
    assert!((renewed["renewed_at"].as_i64().expect("renewed_at") - now()).abs() < 60);
    pool.close().await;
    app.cleanup().await;
}
