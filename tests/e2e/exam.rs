//! A candidate sits the whole sample exam without JavaScript.

use std::collections::HashMap;

use reqwest::StatusCode;

use crate::helpers::{candidate_in_exam, parse_question, spawn_app, CANDIDATE};

/// Stem → the key options' texts (several for a multiple-answer item), from the bank the
/// app loaded.
fn answer_key() -> (HashMap<String, Vec<String>>, Vec<String>) {
    let bank = certamen_item_bank::load::load_bank(&certamen_item_bank::sample_bank_dir())
        .expect("sample bank is valid");
    let mut keys = HashMap::new();
    let mut rationales = Vec::new();
    for item in &bank.items {
        let key = item.key_indexes().expect("valid key");
        keys.insert(
            item.en.stem.trim().to_string(),
            key.iter()
                .map(|&k| item.en.options[usize::from(k)].clone())
                .collect(),
        );
        rationales.push(item.en.rationale.trim().to_string());
    }
    (keys, rationales)
}

#[tokio::test]
async fn healthz_names_the_database_and_that_it_answers() {
    let app = spawn_app().await;
    let r = reqwest::get(format!("{}/healthz", app.address))
        .await
        .expect("GET");
    assert_eq!(r.status(), StatusCode::OK);
    let body: serde_json::Value = r.json().await.expect("json");
    let expected = if app.database_url.starts_with("sqlite:") {
        "sqlite"
    } else {
        "postgres"
    };
    assert_eq!(body["database"], expected);
    assert_eq!(body["reachable"], true);
    app.cleanup().await;
}

#[tokio::test]
async fn a_candidate_sits_the_whole_exam_with_plain_forms_and_gets_the_right_score() {
    let app = spawn_app().await;
    let browser = app.browser();
    let (keys, rationales) = answer_key();
    let option_counts: HashMap<String, usize> =
        certamen_item_bank::load::load_bank(&certamen_item_bank::sample_bank_dir())
            .expect("sample bank")
            .items
            .iter()
            .map(|i| (i.en.stem.trim().to_string(), i.en.options.len()))
            .collect();
    let mut seen_html = String::new();
    // The budget for a question page on a modest connection: under 30 KB of HTML.
    let mut largest_page = 0;

    let dashboard = browser.sign_in(CANDIDATE).await;
    assert!(
        dashboard.body.contains("Medi-Cal Peer Support Specialist"),
        "dashboard shows the exam"
    );
    seen_html.push_str(&dashboard.body);
    let instructions = browser.visit("/exams/peer-support/instructions").await;
    assert_eq!(instructions.status, StatusCode::OK);
    assert!(instructions.body.contains("Start the exam"));
    seen_html.push_str(&instructions.body);

    let (attempt, mut page) = browser.start_exam().await;
    let mut correct_given = 0;
    let mut took_break = false;
    for position in 1..=120u32 {
        assert_eq!(
            page.status,
            StatusCode::OK,
            "question {position}: {}",
            page.body
        );
        assert!(
            page.url.ends_with(&format!("/items/{position}")),
            "at question {position}, got {}",
            page.url
        );
        seen_html.push_str(&page.body);
        largest_page = largest_page.max(page.body.len());
        let q = parse_question(&page.body);
        assert_eq!(
            Some(&q.options.len()),
            option_counts.get(&q.stem),
            "every option shown"
        );
        let key_text = keys
            .get(&q.stem)
            .unwrap_or_else(|| panic!("question {position}: stem not in the bank: {}", q.stem));
        // Answer the first 90 correctly and the rest wrongly (leave the last 5 blank). A
        // multiple-answer question is answered by ticking every key.
        let letters: Vec<String> = if position <= 90 {
            correct_given += 1;
            let chosen: Vec<String> = q
                .options
                .iter()
                .filter(|(_, t, _)| key_text.contains(t))
                .map(|(l, _, _)| l.clone())
                .collect();
            assert_eq!(chosen.len(), key_text.len(), "every key shown");
            chosen
        } else {
            vec![q
                .options
                .iter()
                .find(|(_, t, _)| !key_text.contains(t))
                .map(|(l, _, _)| l.clone())
                .expect("distractor shown")]
        };
        let mut form = vec![("seq", q.seq.as_str()), ("go", "next")];
        if position <= 115 {
            form.extend(letters.iter().map(|l| ("choice", l.as_str())));
        }
        if position == 7 {
            form.push(("flagged", "on"));
        }
        page = browser
            .submit(
                &format!("/attempts/{attempt}/items/{position}/answer"),
                &form,
            )
            .await;
        if position == 60 {
            assert!(
                page.url.ends_with("/break"),
                "the break is offered after question 60, got {}",
                page.url
            );
            assert!(page.body.contains("Start my break"));
            let on_break = browser
                .submit(
                    &format!("/attempts/{attempt}/break/action"),
                    &[("action", "start")],
                )
                .await;
            assert!(
                on_break.body.contains("You are on your break"),
                "{}",
                on_break.body
            );
            app.clock.advance_ms(4 * 60_000);
            page = browser
                .submit(
                    &format!("/attempts/{attempt}/break/action"),
                    &[("action", "end")],
                )
                .await;
            took_break = true;
        }
    }
    assert!(took_break);
    assert!(
        page.url.ends_with("/review"),
        "after the last question comes the review, got {}",
        page.url
    );
    seen_html.push_str(&page.body);
    assert!(
        page.body.contains("Unanswered: 5"),
        "review counts unanswered questions"
    );
    assert!(
        page.body.contains("Flagged: 1"),
        "review counts flagged questions"
    );

    let refused = browser
        .submit(&format!("/attempts/{attempt}/submit"), &[])
        .await;
    assert_eq!(
        refused.status,
        StatusCode::BAD_REQUEST,
        "submitting needs the confirmation box"
    );
    let report = browser
        .submit(
            &format!("/attempts/{attempt}/submit"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(report.status, StatusCode::OK);
    assert!(report.url.ends_with("/report"));
    assert!(
        report.body.contains(&format!(
            "You answered {correct_given} of 120 questions correctly (75.0%)"
        )),
        "{}",
        report.body
    );
    assert!(report.body.contains("Result: Passed"));
    assert!(
        report.body.contains("Safety and crisis planning"),
        "competency results are listed"
    );
    seen_html.push_str(&report.body);

    eprintln!("largest question page: {largest_page} bytes of HTML");
    assert!(
        largest_page < 30 * 1024,
        "a question page of {largest_page} bytes"
    );

    // No answer key or rationale in anything the candidate received (invariant 3).
    for r in &rationales {
        let probe: String = r.chars().take(60).collect();
        assert!(!seen_html.contains(&probe), "a rationale leaked: {probe}");
    }
    for needle in ["key_mask", "rationale", "\"key\""] {
        assert!(
            !seen_html.contains(needle),
            "{needle} appears in candidate HTML"
        );
    }

    // Answers cannot change after submission.
    let late = browser
        .post(
            &format!("/attempts/{attempt}/items/1/answer"),
            &[("seq", "999"), ("choice", "A")],
        )
        .await;
    assert_eq!(late.status(), StatusCode::CONFLICT);
    app.cleanup().await;
}

#[tokio::test]
async fn repeated_and_out_of_order_saves_change_nothing() {
    let (app, browser, attempt, _) = candidate_in_exam().await;
    let path = format!("/attempts/{attempt}/items/3/answer");

    let first = browser
        .post(&path, &[("seq", "5"), ("choice", "B"), ("go", "stay")])
        .await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let repeated = browser
        .post(&path, &[("seq", "5"), ("choice", "B"), ("go", "stay")])
        .await;
    assert_eq!(
        repeated.status(),
        StatusCode::SEE_OTHER,
        "a repeated save is acknowledged"
    );
    let stale = browser
        .post(&path, &[("seq", "4"), ("choice", "C"), ("go", "stay")])
        .await;
    assert_eq!(
        stale.status(),
        StatusCode::CONFLICT,
        "an older save is refused"
    );
    assert!(stale.text().await.expect("body").contains("out of date"));
    let reused = browser
        .post(&path, &[("seq", "5"), ("choice", "D"), ("go", "stay")])
        .await;
    assert_eq!(
        reused.status(),
        StatusCode::CONFLICT,
        "a used sequence number with other content is refused"
    );

    let page = browser.visit(&format!("/attempts/{attempt}/items/3")).await;
    let q = parse_question(&page.body);
    let checked = q.checked();
    assert_eq!(checked, vec!["B"], "the answer is still the first save's");
    assert_eq!(q.seq, "6", "the page asks for the next sequence number");

    let pool = app.db().await;
    let logged: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM response_log WHERE attempt_id = $1")
        .bind(&attempt)
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(
        logged, 1,
        "only the one accepted save is in the response log"
    );
    pool.close().await;

    // The instant-save endpoint used with JavaScript follows the same rules.
    let js = browser
        .client
        .post(format!("{}/api/save_answer", app.address))
        .form(&[
            ("attempt_id", attempt.as_str()),
            ("position", "3"),
            ("choices", "A"),
            ("flagged", "true"),
            ("seq", "6"),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(js.status(), StatusCode::OK);
    let ack: serde_json::Value = js.json().await.expect("json");
    assert_eq!(ack["seq"], 6);
    let stale_js = browser
        .client
        .post(format!("{}/api/save_answer", app.address))
        .form(&[
            ("attempt_id", attempt.as_str()),
            ("position", "3"),
            ("choices", "C"),
            ("flagged", "false"),
            ("seq", "6"),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(stale_js.status(), StatusCode::CONFLICT);
    app.cleanup().await;
}

#[tokio::test]
async fn starting_twice_resumes_the_same_attempt() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser.sign_in(CANDIDATE).await;
    let (first, _) = browser.start_exam().await;
    let (second, _) = browser.start_exam().await;
    assert_eq!(first, second);
    let dashboard = browser.visit("/dashboard").await;
    assert!(dashboard.body.contains("Resume your exam"));
    app.cleanup().await;
}

#[tokio::test]
async fn a_retake_takes_the_items_the_candidate_has_not_seen_first() {
    let (app, browser, first, _) = candidate_in_exam().await;
    let report = browser
        .submit(&format!("/attempts/{first}/submit"), &[("confirm", "yes")])
        .await;
    assert!(report.url.ends_with("/report"), "{}", report.url);
    let (second, _) = browser.start_exam().await;
    assert_ne!(first, second, "a new attempt");
    let db = app.db().await;
    let items_of = |attempt: String| {
        let db = db.clone();
        async move {
            sqlx::query("SELECT item_id FROM attempt_items WHERE attempt_id = $1")
                .bind(attempt)
                .fetch_all(&db)
                .await
                .expect("items")
                .iter()
                .map(|r| sqlx::Row::get::<String, _>(r, "item_id"))
                .collect::<std::collections::HashSet<String>>()
        }
    };
    let (a, b) = (items_of(first).await, items_of(second).await);
    assert_eq!((a.len(), b.len()), (120, 120));
    // In each competency the retake takes unseen items first: it repeats only as many seen
    // items as the competency lacks unseen ones. An enemy pair or a scenario set (delivered
    // whole) can force a few more repeats, so those competencies get that much room.
    let bank = certamen_item_bank::load::load_bank(&certamen_item_bank::sample_bank_dir())
        .expect("sample bank");
    let mut checked = 0;
    for (_, competency) in bank.exam.competencies() {
        let items: Vec<&certamen_item_bank::item::Item> = bank
            .items
            .iter()
            .filter(|i| i.competency == competency.id)
            .collect();
        let need = competency.items as usize;
        let unseen = items.iter().filter(|i| !a.contains(&i.id)).count();
        let repeats = items
            .iter()
            .filter(|i| a.contains(&i.id) && b.contains(&i.id))
            .count();
        let forced = need.saturating_sub(unseen);
        let constrained = bank.items.iter().any(|i| {
            (i.competency == competency.id && (i.scenario.is_some() || !i.enemies.is_empty()))
                || i.enemies.iter().any(|e| items.iter().any(|m| &m.id == e))
        });
        let room = if constrained { 3 } else { 0 };
        assert!(
            repeats >= forced && repeats <= forced + room,
            "{}: {repeats} repeated items; {unseen} unseen for {need} places",
            competency.id
        );
        checked += 1;
    }
    assert_eq!(checked, 17);
    app.cleanup().await;
}

/// A copy of the sample bank whose exam.toml says `mode = "fixed"` with a form seed.
fn fixed_form_bank() -> std::path::PathBuf {
    crate::helpers::sample_bank_copy("fixed-bank", |exam| {
        assert!(exam.contains("mode = \"loft\""), "the sample is LOFT");
        exam.replace("mode = \"loft\"", "mode = \"fixed\"\nform_seed = 20261123")
    })
}

async fn form_of(db: &sqlx::AnyPool, attempt: &str) -> Vec<(i64, String, String)> {
    sqlx::query("SELECT position, item_id, option_order FROM attempt_items WHERE attempt_id = $1 ORDER BY position")
        .bind(attempt)
        .fetch_all(db)
        .await
        .expect("form")
        .iter()
        .map(|r| {
            use sqlx::Row;
            (r.get("position"), r.get("item_id"), r.get("option_order"))
        })
        .collect()
}

/// The demo candidate and a second one each start the exam; returns their attempt ids.
async fn two_candidates_start(app: &crate::helpers::TestApp) -> (String, String) {
    let (one, two) = (app.browser(), app.browser());
    one.sign_in(CANDIDATE).await;
    app.add_candidate("second@demo.certamen.test").await;
    two.sign_in("second@demo.certamen.test").await;
    (one.start_exam().await.0, two.start_exam().await.0)
}

#[tokio::test]
async fn a_fixed_form_is_the_same_for_every_candidate_and_loft_is_not() {
    // Fixed: two candidates, one form (items, order and option order).
    let app = crate::helpers::spawn_app_with_bank(fixed_form_bank()).await;
    let (a, b) = two_candidates_start(&app).await;
    let db = app.db().await;
    let (fa, fb) = (form_of(&db, &a).await, form_of(&db, &b).await);
    assert_eq!(fa.len(), 120);
    assert_eq!(fa, fb, "a fixed form is the same for everyone");
    app.cleanup().await;

    // LOFT (the sample): two candidates, two different forms.
    let app = spawn_app().await;
    let (a, b) = two_candidates_start(&app).await;
    let db = app.db().await;
    assert_ne!(
        form_of(&db, &a).await,
        form_of(&db, &b).await,
        "LOFT forms differ"
    );
    app.cleanup().await;
}

#[tokio::test]
async fn three_attempts_count_within_twelve_months_and_the_oldest_then_leaves_the_window() {
    let (app, browser, first, _) = candidate_in_exam().await;
    let day = 24 * 60 * 60 * 1000;
    let mut attempt = first;
    for n in 1..=3 {
        let report = browser
            .submit(
                &format!("/attempts/{attempt}/submit"),
                &[("confirm", "yes")],
            )
            .await;
        assert!(
            report.url.ends_with("/report"),
            "attempt {n}: {}",
            report.url
        );
        app.clock.advance_ms(100 * day);
        if n < 3 {
            attempt = browser.start_exam().await.0;
        }
    }
    // Three attempts in the last 300 days: a fourth is refused, saying when it may start.
    let refused = browser.post("/exams/peer-support/attempts", &[]).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let body = refused.text().await.expect("body");
    assert!(
        body.contains("used all 3 attempts allowed in 365 days; your next attempt can start on"),
        "{body}"
    );
    let dashboard = browser.visit("/dashboard").await;
    assert!(dashboard
        .body
        .contains("attempts used: 3 of 3 in the last 12 months"));
    assert!(dashboard.body.contains("Your next attempt can start on"));
    // 366 days after the first, it no longer counts.
    app.clock.advance_ms(66 * day);
    let dashboard = browser.visit("/dashboard").await;
    assert!(
        dashboard
            .body
            .contains("attempts used: 2 of 3 in the last 12 months"),
        "{}",
        dashboard.body
    );
    let (fourth, _) = browser.start_exam().await;
    assert_ne!(fourth, attempt);
    app.cleanup().await;
}

/// The largest question page there is: Spanish interface and questions, and a profile with
/// every accommodation (read aloud, breaks at any point, several of them). Still under 30 KB.
#[tokio::test]
async fn every_question_page_stays_under_30_kb_in_spanish_with_every_accommodation() {
    let app = spawn_app().await;
    let pool = app.db().await;
    sqlx::query(
        "INSERT INTO accommodation_requests (user_id, requested, details, documentation, status, \
         submitted_at, decided_at, decision_note, time_percent, break_minutes, speech, break_anytime, break_count) \
         SELECT id, 'extra_time,longer_break,speech', 'details', 'documentation', 'approved', 1, 1, \
         'approved', 200, 30, 1, 1, 4 FROM users WHERE email = $1",
    )
    .bind(CANDIDATE)
    .execute(&pool)
    .await
    .expect("an approved profile");
    let browser = app.browser();
    browser
        .post("/settings/language", &[("language", "es")])
        .await;
    browser.sign_in(CANDIDATE).await;
    let page = browser
        .submit("/exams/peer-support/attempts", &[("language", "es")])
        .await;
    let attempt = page.url.split('/').nth(2).unwrap_or_default().to_string();
    assert!(page.body.contains(r#"<html lang="es""#) && page.body.contains("read-aloud"));
    assert!(page.body.contains("Tomar mi descanso ahora"));
    let mut largest = (0, 0);
    for n in 1..=120 {
        let page = browser
            .visit(&format!("/attempts/{attempt}/items/{n}"))
            .await;
        assert_eq!(page.status, StatusCode::OK, "question {n}");
        largest = largest.max((page.body.len(), n));
    }
    eprintln!(
        "largest Spanish accommodated question page: {} bytes (question {})",
        largest.0, largest.1
    );
    assert!(
        largest.0 < 30 * 1024,
        "question {} is {} bytes",
        largest.1,
        largest.0
    );
    app.cleanup().await;
}
