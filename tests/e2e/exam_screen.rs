//! The exam screen without JavaScript: striking out options, the question list, and the
//! time warnings the page itself gives.

use reqwest::StatusCode;
use sqlx::Row;

use crate::helpers::{candidate_in_exam, parse_question};

fn pressed(html: &str) -> usize {
    html.matches(r#"aria-pressed="true""#).count()
}

#[tokio::test]
async fn a_strike_out_button_toggles_an_option_and_keeps_the_answer() {
    let (app, browser, attempt, page) = candidate_in_exam().await;
    let q = parse_question(&page.body);
    assert_eq!(
        page.body.matches(r#"name="strike""#).count(),
        q.options.len(),
        "one strike-out button per option"
    );
    assert_eq!(pressed(&page.body), 0);
    let path = format!("/attempts/{attempt}/items/1/answer");

    // Strike B while choosing A: the answer is saved, B is struck, the page stays.
    let after = browser
        .submit(&path, &[("seq", &q.seq), ("choice", "A"), ("strike", "B")])
        .await;
    assert!(after.url.ends_with("/items/1"), "{}", after.url);
    assert_eq!(pressed(&after.body), 1, "one option struck");
    assert!(after.body.contains("(struck out)"));
    assert!(
        after
            .body
            .contains(r#"aria-label="Strike out option B" aria-pressed="true""#)
            || after
                .body
                .contains(r#"aria-pressed="true" aria-label="Strike out option B""#)
    );
    let again = parse_question(&after.body);
    assert_eq!(
        again.checked(),
        vec!["A"],
        "the answer was saved with the strike"
    );

    // Pressing it again restores B; the answer is unchanged.
    let restored = browser
        .submit(
            &path,
            &[("seq", &again.seq), ("choice", "A"), ("strike", "B")],
        )
        .await;
    assert_eq!(pressed(&restored.body), 0);
    assert_eq!(parse_question(&restored.body).checked(), vec!["A"]);
    let db = app.db().await;
    let row = sqlx::query(
        "SELECT struck_mask, choice_mask FROM attempt_items WHERE attempt_id = $1 AND position = 1",
    )
    .bind(&attempt)
    .fetch_one(&db)
    .await
    .expect("row");
    assert_eq!(row.get::<i64, _>("struck_mask"), 0);
    assert_eq!(
        row.get::<Option<i64>, _>("choice_mask")
            .map(i64::count_ones),
        Some(1)
    );

    // The island's endpoint toggles the same state.
    let r = browser
        .client
        .post(format!("{}/api/strike_option", app.address))
        .form(&[
            ("attempt_id", attempt.as_str()),
            ("position", "1"),
            ("letter", "C"),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(r.status(), StatusCode::OK);
    let page = browser.visit(&format!("/attempts/{attempt}/items/1")).await;
    assert_eq!(pressed(&page.body), 1);
    db.close().await;
    app.cleanup().await;
}

#[tokio::test]
async fn the_question_list_jumps_to_any_question_saving_this_one() {
    let (app, browser, attempt, page) = candidate_in_exam().await;
    assert_eq!(page.body.matches(r#"name="go" value="item-"#).count(), 120);
    assert!(page
        .body
        .contains(r#"aria-label="Question 1, not answered""#));
    let q = parse_question(&page.body);
    let fifty = browser
        .submit(
            &format!("/attempts/{attempt}/items/1/answer"),
            &[
                ("seq", q.seq.as_str()),
                ("choice", "A"),
                ("flagged", "on"),
                ("go", "item-50"),
            ],
        )
        .await;
    assert!(fifty.url.ends_with("/items/50"), "{}", fifty.url);
    assert!(
        fifty
            .body
            .contains(r#"aria-label="Question 1, answered, flagged""#),
        "the list shows question 1 answered and flagged"
    );
    assert!(fifty.body.contains(r#"aria-current="step""#));
    app.cleanup().await;
}

#[tokio::test]
async fn the_page_says_when_less_than_15_5_and_1_minutes_remain() {
    let (app, browser, attempt, page) = candidate_in_exam().await;
    assert!(
        !page.body.contains("minutes left."),
        "no warning at the start"
    );
    let item = format!("/attempts/{attempt}/items/1");
    // 150 minutes: advance to 14 left, then 4, then half a minute.
    for (advance_ms, warning) in [
        (136 * 60_000, "Less than 15 minutes left."),
        (10 * 60_000, "Less than 5 minutes left."),
        (210_000, "Less than 1 minute left."),
    ] {
        app.clock.advance_ms(advance_ms);
        let page = browser.visit(&item).await;
        assert!(page.body.contains(warning), "expected {warning}");
        assert!(page.body.contains(r#"role="alert""#));
    }
    app.cleanup().await;
}

#[tokio::test]
async fn display_settings_are_checked_kept_in_a_cookie_and_applied_to_every_page() {
    let app = crate::helpers::spawn_app().await;
    let browser = app.browser();
    for (form, expected) in [
        (
            vec![("theme", "neon"), ("text_size", "100")],
            "is not one of standard, contrast, dark",
        ),
        (
            vec![("theme", "dark"), ("text_size", "300")],
            "is not one of [100, 125, 150, 175, 200] (percent)",
        ),
    ] {
        let r = browser.post("/settings/display", &form).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let body = r.text().await.expect("body");
        assert!(body.contains(expected), "{body}");
    }
    let plain = browser.visit("/signin").await;
    assert!(
        plain.body.contains(r#"<html lang="en">"#),
        "no settings yet"
    );

    // Another site is never a place to go back to.
    let r = browser
        .post(
            "/settings/display",
            &[
                ("theme", "contrast"),
                ("text_size", "175"),
                ("line_focus", "on"),
                ("return_to", "//elsewhere.example/"),
            ],
        )
        .await;
    assert!(r.status().is_redirection());
    assert_eq!(
        r.headers().get("location").and_then(|v| v.to_str().ok()),
        Some("/dashboard")
    );
    let cookie = r
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(
        cookie.starts_with("certamen_display=contrast.175.1.0;"),
        "{cookie}"
    );
    // The browser keeps the cookie: every page, signed in or not, now carries the settings.
    let page = browser.visit("/signin").await;
    assert!(
        page.body.contains(r#"data-theme="contrast""#)
            && page.body.contains("font-size: 175%")
            && page.body.contains(r#"data-line-focus="on""#),
        "{}",
        &page.body[..300]
    );
    browser.sign_in(crate::helpers::CANDIDATE).await;
    let (_, question) = browser.start_exam().await;
    assert!(question.body.contains(r#"data-theme="contrast""#));
    app.cleanup().await;
}

#[tokio::test]
async fn questions_come_in_the_chosen_language_and_switch_on_any_question() {
    let app = crate::helpers::spawn_app().await;
    let browser = app.browser();
    browser.sign_in(crate::helpers::CANDIDATE).await;
    let bad = browser
        .post("/exams/peer-support/attempts", &[("language", "fr")])
        .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let page = browser
        .submit("/exams/peer-support/attempts", &[("language", "es")])
        .await;
    let attempt = page.url.split('/').nth(2).expect("attempt id").to_string();
    let bank = certamen_item_bank::load::load_bank(&certamen_item_bank::sample_bank_dir())
        .expect("sample bank");
    let db = app.db().await;
    let item_id: String =
        sqlx::query("SELECT item_id FROM attempt_items WHERE attempt_id = $1 AND position = 1")
            .bind(&attempt)
            .fetch_one(&db)
            .await
            .expect("item")
            .get("item_id");
    let item = bank
        .items
        .iter()
        .find(|i| i.id == item_id)
        .expect("in bank");
    let es = item.es.as_ref().expect("every sample item has Spanish");
    let q = parse_question(&page.body);
    assert_eq!(q.stem, es.stem.trim(), "the stem is in Spanish");
    assert!(page.body.contains(r#"<legend lang="es" class="stem">"#));
    assert!(q.options.iter().all(|o| es.options.contains(&o.1)));
    assert!(page.body.contains("Show the questions in English"));

    // The switch saves this question's answer and shows it in English from now on.
    let english = browser
        .submit(
            &format!("/attempts/{attempt}/items/1/answer"),
            &[("seq", q.seq.as_str()), ("choice", "B"), ("language", "en")],
        )
        .await;
    assert!(english.url.ends_with("/items/1"), "{}", english.url);
    let q = parse_question(&english.body);
    assert_eq!(q.stem, item.en.stem.trim());
    assert_eq!(
        q.checked(),
        vec!["B"],
        "the answer was saved with the switch"
    );
    assert!(english.body.contains("Ver las preguntas en español"));
    let language: String = sqlx::query("SELECT language FROM attempts WHERE id = $1")
        .bind(&attempt)
        .fetch_one(&db)
        .await
        .expect("attempt")
        .get("language");
    assert_eq!(language, "en");
    db.close().await;
    app.cleanup().await;
}

#[tokio::test]
async fn the_interface_speaks_the_language_chosen_here_or_the_browsers() {
    let app = crate::helpers::spawn_app().await;
    // A browser that prefers Spanish and has chosen nothing gets Spanish pages, errors too.
    let spanish_browser = reqwest::Client::new();
    let page = spanish_browser
        .get(format!("{}/signin", app.address))
        .header(reqwest::header::ACCEPT_LANGUAGE, "es-MX,es;q=0.9,en;q=0.5")
        .send()
        .await
        .expect("sign-in page");
    let body = page.text().await.expect("body");
    assert!(body.contains(r#"<html lang="es""#), "{}", &body[..300]);
    assert!(body.contains("Saltar al contenido principal"));
    let missing = spanish_browser
        .get(format!("{}/no-such-page", app.address))
        .header(reqwest::header::ACCEPT_LANGUAGE, "es")
        .send()
        .await
        .expect("missing page");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(missing
        .text()
        .await
        .expect("body")
        .contains("Página no encontrada"));

    // The header's switch: any page, back to the same page with its query, other settings kept.
    let browser = app.browser();
    browser
        .post(
            "/settings/display",
            &[("theme", "dark"), ("text_size", "150")],
        )
        .await;
    let r = browser
        .post(
            "/settings/language",
            &[
                ("language", "es"),
                ("return_to", "/signin?error=credentials"),
            ],
        )
        .await;
    assert_eq!(
        r.headers().get("location").and_then(|v| v.to_str().ok()),
        Some("/signin?error=credentials")
    );
    let cookie = r
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(
        cookie.starts_with("certamen_display=dark.150.0.0.es;"),
        "{cookie}"
    );
    browser.sign_in(crate::helpers::CANDIDATE).await;
    let (_, question) = browser.start_exam().await;
    assert!(
        question
            .body
            .contains(r#"<html lang="es" data-theme="dark""#)
            && question.body.contains("Pregunta 1 de 120")
            && question.body.contains("Siguiente"),
        "the question page in Spanish"
    );
    // An exam error from a plain form, in Spanish: the review sent without its confirmation.
    let attempt = question
        .url
        .split('/')
        .nth(2)
        .unwrap_or_default()
        .to_string();
    let refused = browser
        .post(&format!("/attempts/{attempt}/submit"), &[])
        .await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let body = refused.text().await.expect("body");
    assert!(
        body.contains(r#"<html lang="es""#) && body.contains("no se envió"),
        "{body}"
    );

    // Never back to another site, however the address is dressed up.
    for sneaky in ["/\t/evil.example/", "//evil.example/", "/\\evil.example"] {
        let r = browser
            .post(
                "/settings/language",
                &[("language", "es"), ("return_to", sneaky)],
            )
            .await;
        assert_eq!(
            r.headers().get("location").and_then(|v| v.to_str().ok()),
            Some("/dashboard"),
            "{sneaky:?}"
        );
    }

    // Only English and Spanish; nothing changes on a refusal.
    let r = browser
        .post("/settings/language", &[("language", "fr")])
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.headers().get("set-cookie").is_none());
    assert!(r
        .text()
        .await
        .expect("body")
        .contains("&quot;fr&quot; is not one of en, es"));
    let back = browser
        .post("/settings/language", &[("language", "en")])
        .await;
    assert!(back.status().is_redirection());
    let dashboard = browser.visit("/dashboard").await;
    assert!(dashboard
        .body
        .contains(r#"<html lang="en" data-theme="dark""#));
    app.cleanup().await;
}
