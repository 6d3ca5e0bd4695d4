//! Adaptive (CAT) delivery over HTTP: forward only, each next item chosen on the server,
//! stopped by the design's rule, scored on θ, and reproducible from the stored seed.

use std::collections::HashMap;

use reqwest::StatusCode;
use sqlx::Row;

use certamen_app::server::attempts::{parse_pool, plan, replay};
use certamen_engine::random::{option_rng, shuffle};
use certamen_item_bank::exam::ExamDefinition;

use crate::helpers::{parse_question, spawn_app_with_bank, Browser, TestApp, CANDIDATE};

/// A copy of the sample bank delivered adaptively: 20 to 40 items, SPRT around θ = 0, with
/// the `exposure` line if given.
fn adaptive_bank_with(exposure: Option<&str>) -> std::path::PathBuf {
    crate::helpers::sample_bank_copy("cat-bank", |exam| {
        assert!(exam.contains("mode = \"loft\""), "the sample is LOFT");
        exam.replace("mode = \"loft\"", "mode = \"cat\"")
            + "\n[delivery.cat]\nmin_length = 20\nmax_length = 40\nstop = \"sprt:0.5\"\ncut_theta = 0.0\n\
               selection = \"randomesque:3\"\nscale = { slope = 50, intercept = 500, min = 200, max = 800 }\n"
            + &exposure.map(|e| format!("exposure = \"{e}\"\n")).unwrap_or_default()
    })
}

fn adaptive_bank() -> std::path::PathBuf {
    adaptive_bank_with(None)
}

/// Stem → the key options' texts, from the sample bank.
fn bank_keys() -> HashMap<String, Vec<String>> {
    let bank = certamen_item_bank::load::load_bank(&certamen_item_bank::sample_bank_dir())
        .expect("sample bank is valid");
    bank.items
        .iter()
        .map(|item| {
            let key = item.key_indexes().expect("key");
            (
                item.en.stem.trim().to_string(),
                key.iter()
                    .map(|&k| item.en.options[usize::from(k)].clone())
                    .collect(),
            )
        })
        .collect()
}

/// Answers the question on `page` (`correct` picks the key, else the first other option)
/// and confirms it; returns the next page.
async fn answer(
    browser: &Browser,
    attempt: &str,
    position: usize,
    page: &crate::helpers::Page,
    keys: &HashMap<String, Vec<String>>,
    correct: bool,
) -> crate::helpers::Page {
    let q = parse_question(&page.body);
    let key = keys.get(&q.stem).expect("stem is in the bank");
    // Correct: every key (a multiple-answer item has several); wrong: one distractor.
    let mut letters: Vec<String> = q
        .options
        .iter()
        .filter(|o| key.contains(&o.1) == correct)
        .map(|o| o.0.clone())
        .collect();
    if !correct {
        letters.truncate(1);
    }
    assert!(!letters.is_empty(), "an option to choose");
    let mut form: Vec<(&str, &str)> = letters.iter().map(|l| ("choice", l.as_str())).collect();
    form.extend([("seq", q.seq.as_str()), ("go", "next")]);
    browser
        .submit(
            &format!("/attempts/{attempt}/items/{position}/answer"),
            &form,
        )
        .await
}

/// Sits the whole adaptive exam with `respond(position)` deciding correctness; returns the
/// attempt id, how many questions were given, and the report page.
async fn sit(
    app: &TestApp,
    email: &str,
    respond: impl Fn(usize) -> bool,
) -> (String, usize, crate::helpers::Page) {
    let browser = app.browser();
    if email != CANDIDATE {
        app.add_candidate(email).await;
    }
    browser.sign_in(email).await;
    let keys = bank_keys();
    let (attempt, mut page) = browser.start_exam().await;
    for position in 1..=41 {
        if page.url.ends_with("/report") {
            return (attempt, position - 1, page);
        }
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(
            page.url.ends_with(&format!("/items/{position}")),
            "at question {position}, got {}",
            page.url
        );
        page = answer(
            &browser,
            &attempt,
            position,
            &page,
            &keys,
            respond(position),
        )
        .await;
    }
    panic!("the test went past its maximum length of 40");
}

#[tokio::test]
async fn an_adaptive_exam_goes_forward_only_and_stops_by_its_rule() {
    let app = spawn_app_with_bank(adaptive_bank()).await;
    let browser = app.browser();
    browser.sign_in(CANDIDATE).await;
    let keys = bank_keys();
    let (attempt, first) = browser.start_exam().await;
    assert!(first.url.ends_with("/items/1"), "{}", first.url);
    assert!(first
        .body
        .contains("this adaptive exam has 20 to 40 questions"));
    assert!(first.body.contains("Confirm and continue"));
    for absent in ["Previous", "Review screen", "Flag this question"] {
        assert!(!first.body.contains(absent), "{absent} is not offered");
    }
    // Confirming without an answer asks for one and changes nothing.
    let q = parse_question(&first.body);
    let empty = browser
        .submit(
            &format!("/attempts/{attempt}/items/1/answer"),
            &[("seq", &q.seq), ("go", "next")],
        )
        .await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert!(empty.body.contains("choose an answer to question 1 first"));
    // Question 2 does not exist yet; asking for it shows question 1.
    assert!(browser
        .visit(&format!("/attempts/{attempt}/items/2"))
        .await
        .url
        .ends_with("/items/1"));

    let second = answer(&browser, &attempt, 1, &first, &keys, true).await;
    assert!(second.url.ends_with("/items/2"), "{}", second.url);
    // Question 1 is behind the candidate: its page leads to question 2, and a late save of
    // it (a stale tab) is refused with the reason.
    assert!(browser
        .visit(&format!("/attempts/{attempt}/items/1"))
        .await
        .url
        .ends_with("/items/2"));
    let q2 = parse_question(&second.body);
    let key = keys.get(&q.stem).expect("stem is in the bank");
    let other = q
        .options
        .iter()
        .find(|o| !key.contains(&o.1))
        .map(|o| o.0.clone())
        .expect("a wrong option");
    let stale = browser
        .submit(
            &format!("/attempts/{attempt}/items/1/answer"),
            &[("choice", &other), ("seq", &q2.seq), ("go", "next")],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    assert!(stale.body.contains("an answer is final once you move on"));
    // The review screen does not exist in an adaptive exam.
    assert!(browser
        .visit(&format!("/attempts/{attempt}/review"))
        .await
        .url
        .ends_with("/items/2"));
    app.cleanup().await;

    // A strong candidate is passed, a weak one failed, each well before 40 questions.
    let app = spawn_app_with_bank(adaptive_bank()).await;
    let (strong, n_strong, report) = sit(&app, CANDIDATE, |_| true).await;
    assert!(report.body.contains("Result: Passed"), "{}", report.body);
    assert!(report.body.contains("Your scaled score is"));
    assert!(
        report.body.contains("Above the standard") || report.body.contains("Near the standard")
    );
    let (weak, n_weak, report) = sit(&app, "weak@demo.certamen.test", |_| false).await;
    assert!(
        report.body.contains("Result: Not passed"),
        "{}",
        report.body
    );
    assert!(
        (20..40).contains(&n_strong) && (20..40).contains(&n_weak),
        "{n_strong} {n_weak}"
    );
    // The dashboard lists the result by its scaled score.
    let db = app.db().await;
    for (attempt, n) in [(strong, n_strong), (weak, n_weak)] {
        let row = sqlx::query("SELECT raw_total, passed, score FROM attempts WHERE id = $1")
            .bind(&attempt)
            .fetch_one(&db)
            .await
            .expect("attempt");
        assert_eq!(row.get::<i64, _>("raw_total"), n as i64);
        let score: serde_json::Value =
            serde_json::from_str(&row.get::<String, _>("score")).expect("score json");
        let scaled = score["scaled"].as_f64().expect("scaled");
        assert_eq!(row.get::<i64, _>("passed") != 0, scaled >= 500.0);
    }
    app.cleanup().await;
}

#[tokio::test]
async fn an_adaptive_path_is_reproduced_from_the_seed_pool_and_answers() {
    // With Sympson–Hetter exposure control, whose tuned parameters travel with the pool.
    let app = spawn_app_with_bank(adaptive_bank_with(Some("sympson-hetter:0.3"))).await;
    // A middling candidate: right on two questions of three, so the test runs long.
    let (attempt, n, _) = sit(&app, CANDIDATE, |p| p % 3 != 0).await;
    let db = app.db().await;
    let header = sqlx::query(
        "SELECT a.seed, a.item_pool, e.definition FROM attempts a \
         JOIN exams e ON e.id = a.exam_id AND e.version = a.exam_version WHERE a.id = $1",
    )
    .bind(&attempt)
    .fetch_one(&db)
    .await
    .expect("attempt");
    let seed = header.get::<i64, _>("seed") as u64;
    let pool = parse_pool(&header.get::<String, _>("item_pool")).expect("pool");
    let exam: ExamDefinition =
        serde_json::from_str(&header.get::<String, _>("definition")).expect("exam");
    let rows = sqlx::query(
        "SELECT ai.position, ai.item_id, ai.item_version, ai.option_order, ai.choice_mask, ai.irt_a, \
         ai.irt_b, ai.irt_c, ai.irt_source, i.key_mask, i.competency FROM attempt_items ai \
         JOIN items i ON i.id = ai.item_id AND i.version = ai.item_version \
         WHERE ai.attempt_id = $1 ORDER BY ai.position",
    )
    .bind(&attempt)
    .fetch_all(&db)
    .await
    .expect("items");
    assert_eq!(rows.len(), n);

    // Replaying the engine alone over the stored pool gives the same item at every step,
    // each item's option order comes from its own stream of the seed, and after the last
    // answer the test is over.
    let k: Vec<f64> = pool
        .iter()
        .map(|e| {
            e.exposure_k
                .expect("every pool item has its exposure parameter")
        })
        .collect();
    assert!(k.iter().all(|&k| k > 0.0 && k <= 1.0), "{k:?}");
    assert!(
        k.iter().any(|&k| k < 1.0),
        "tuning holds back the most popular items"
    );
    let plan = plan(&exam, &pool).expect("plan");
    let mut given = Vec::new();
    let mut per_competency: HashMap<String, u32> = HashMap::new();
    for row in &rows {
        let position: i64 = row.get("position");
        let item_id: String = row.get("item_id");
        let next = replay(&plan, seed, &given)
            .expect("replay")
            .expect("an item");
        assert_eq!(pool[next].id, item_id, "question {position}");
        assert_eq!(row.get::<i64, _>("item_version"), pool[next].version);
        let params = pool[next].irt.expect("parameters");
        assert_eq!(row.get::<Option<f64>, _>("irt_a"), Some(params.a));
        assert_eq!(row.get::<Option<f64>, _>("irt_b"), Some(params.b));
        assert_eq!(row.get::<Option<f64>, _>("irt_c"), Some(params.c));
        assert_eq!(
            row.get::<Option<String>, _>("irt_source").as_deref(),
            Some(params.source())
        );
        let mut order: Vec<u8> = (0..pool[next].options).collect();
        shuffle(&mut order, &mut option_rng(seed, position as u64));
        let order: Vec<String> = order.iter().map(u8::to_string).collect();
        assert_eq!(row.get::<String, _>("option_order"), order.join(","));
        let correct = row.get::<Option<i64>, _>("choice_mask") == Some(row.get("key_mask"));
        given.push((next, correct));
        *per_competency.entry(row.get("competency")).or_default() += 1;
    }
    assert_eq!(replay(&plan, seed, &given).expect("replay"), None);

    // The blueprint's proportions hold: every competency between its minimum for 20 items
    // and its maximum for 40.
    let cat = exam.delivery.cat.as_ref().expect("cat");
    for (competency, limit) in exam.cat_limits(cat) {
        let got = per_competency.get(&competency).copied().unwrap_or(0);
        assert!(
            (limit.min..=limit.max).contains(&got),
            "{competency}: {got} items, limits {}..={}",
            limit.min,
            limit.max
        );
    }
    app.cleanup().await;
}

#[tokio::test]
async fn an_adaptive_attempt_cut_short_by_the_deadline_is_scored_on_what_was_given() {
    let app = spawn_app_with_bank(adaptive_bank()).await;
    let browser = app.browser();
    browser.sign_in(CANDIDATE).await;
    let keys = bank_keys();
    let (attempt, mut page) = browser.start_exam().await;
    for position in 1..=3 {
        page = answer(&browser, &attempt, position, &page, &keys, true).await;
    }
    assert!(page.url.ends_with("/items/4"), "{}", page.url);
    // Question 4 is on screen, unanswered, when time runs out with the browser gone.
    app.clock.advance_ms(151 * 60_000);
    let db = app.db().await;
    let mut submitted = None;
    for _ in 0..100 {
        let row = sqlx::query(
            "SELECT status, submitted_by, raw_correct, raw_total FROM attempts WHERE id = $1",
        )
        .bind(&attempt)
        .fetch_one(&db)
        .await
        .expect("attempt");
        if row.get::<String, _>("status") == "submitted" {
            submitted = Some((
                row.get::<Option<String>, _>("submitted_by"),
                row.get::<Option<i64>, _>("raw_correct"),
                row.get::<Option<i64>, _>("raw_total"),
            ));
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // Four questions were given; the unanswered fourth counts as incorrect.
    assert_eq!(
        submitted,
        Some((Some("deadline".into()), Some(3), Some(4))),
        "the finalizer scored the attempt"
    );
    let report = browser.visit(&format!("/attempts/{attempt}")).await;
    assert!(report.url.ends_with("/report"));
    assert!(report.body.contains("submitted automatically"));
    assert!(report.body.contains("Your scaled score is"));
    app.cleanup().await;
}

#[tokio::test]
async fn a_practice_exam_on_an_adaptive_exam_is_adaptive_too() {
    let app = spawn_app_with_bank(adaptive_bank()).await;
    let pool = app.db().await;
    let candidate = app.browser();
    candidate.sign_in(CANDIDATE).await;
    let mut page = candidate.submit("/exams/peer-support/practice", &[]).await;
    let attempt = page.url.split('/').nth(2).unwrap_or_default().to_string();
    assert!(page.url.ends_with("/items/1"), "{}", page.url);
    assert!(
        page.body.contains(
            "Practice exam · Question 1 of 10 · each question is chosen from your answers"
        ),
        "{}",
        page.body
    );
    // The real test's screen: confirm and go on, no going back, no review.
    assert!(page.body.contains("Confirm and continue"));
    for absent in ["Previous", "Review screen", "Flag this question"] {
        assert!(!page.body.contains(absent), "{absent} is not offered");
    }
    let (practice, stored_pool): (i64, Option<String>) =
        sqlx::query_as("SELECT practice, item_pool FROM attempts WHERE id = $1")
            .bind(&attempt)
            .fetch_one(&pool)
            .await
            .expect("attempt");
    assert_eq!(practice, 1);
    let stored_pool = stored_pool.expect("an adaptive practice keeps its pool");
    assert!(
        stored_pool.contains("PS-PRACTICE-01") && !stored_pool.contains("PS-C01-01"),
        "the pool is the practice items only"
    );
    let mut seen = Vec::new();
    for position in 1..=10usize {
        if page.url.ends_with("/break") {
            page = candidate
                .submit(
                    &format!("/attempts/{attempt}/break/action"),
                    &[("action", "skip")],
                )
                .await;
        }
        assert!(
            page.url.ends_with(&format!("/items/{position}")),
            "at question {position}: {}",
            page.url
        );
        let delivered: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM attempt_items WHERE attempt_id = $1")
                .bind(&attempt)
                .fetch_one(&pool)
                .await
                .expect("count");
        assert_eq!(
            delivered,
            i64::try_from(position).unwrap(),
            "one question chosen at a time"
        );
        if position == 3 {
            // Forward only: an earlier question leads back to the newest.
            let back = candidate
                .visit(&format!("/attempts/{attempt}/items/1"))
                .await;
            assert!(back.url.ends_with("/items/3"), "{}", back.url);
        }
        let q = parse_question(&page.body);
        seen.push(q.stem.clone());
        let letter = q.options[0].0.clone();
        page = candidate
            .submit(
                &format!("/attempts/{attempt}/items/{position}/answer"),
                &[("seq", &q.seq), ("choice", &letter), ("go", "next")],
            )
            .await;
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 10, "every practice question once");
    assert!(page.url.ends_with("/report"), "{}", page.url);
    assert!(page.body.contains("Practice exam result"));
    assert!(
        page.body.contains("Your scaled score is"),
        "scored on the reported scale as the real test is"
    );
    let counted: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM attempts WHERE user_id = (SELECT user_id FROM attempts WHERE id = $1) AND practice = 0",
    )
    .bind(&attempt)
    .fetch_one(&pool)
    .await
    .expect("count");
    assert_eq!(counted, 0, "the practice never counts as an attempt");
    app.cleanup().await;
}
