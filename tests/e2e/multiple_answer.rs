//! Multiple-answer questions over HTTP: checkboxes on the page, every choice saved, a choice
//! beyond what the question asks for refused, and all-or-nothing scoring.

use reqwest::StatusCode;
use sqlx::Row;

use crate::helpers::{parse_question, sample_bank_copy, spawn_app_with_bank, Browser, CANDIDATE};

/// The multiple-answer item every form of the copied bank carries.
const ITEM: &str = "PS-C06-13";

/// A copy of the sample bank where C06 has exactly the items a form needs, so every form
/// holds the multiple-answer item PS-C06-13.
fn bank_with_the_item_on_every_form() -> std::path::PathBuf {
    let dir = sample_bank_copy("multiple-answer", |exam| exam);
    let bank = certamen_item_bank::load::load_bank(&dir).expect("copy loads");
    let need = bank
        .exam
        .competencies()
        .find(|(_, c)| c.id == "C06")
        .map(|(_, c)| c.items as usize)
        .expect("C06");
    let others: Vec<&str> = bank
        .items
        .iter()
        .filter(|i| i.competency == "C06" && i.id != ITEM && i.scenario.is_none())
        .map(|i| i.id.as_str())
        .collect();
    for id in &others[..others.len() + 1 - need] {
        std::fs::remove_file(dir.join(format!("items/{id}.toml"))).expect("remove");
    }
    dir
}

/// The multiple-answer item as the bank at `dir` has it.
fn the_item(dir: &std::path::Path) -> certamen_item_bank::item::Item {
    certamen_item_bank::load::load_bank(dir)
        .expect("bank")
        .items
        .into_iter()
        .find(|i| i.id == ITEM)
        .expect("item")
}

/// The item's position on the attempt and its key letters as displayed there.
async fn find_item(
    db: &sqlx::AnyPool,
    attempt: &str,
    item: &certamen_item_bank::item::Item,
) -> (i64, Vec<String>) {
    let row = sqlx::query(
        "SELECT position, option_order FROM attempt_items WHERE attempt_id = $1 AND item_id = $2",
    )
    .bind(attempt)
    .bind(ITEM)
    .fetch_one(db)
    .await
    .expect("the item is on the form");
    let order: Vec<u8> = row
        .get::<String, _>("option_order")
        .split(',')
        .map(|s| s.parse().expect("index"))
        .collect();
    let keys = item.key_indexes().expect("key");
    let letters = order
        .iter()
        .enumerate()
        .filter(|(_, authored)| keys.contains(authored))
        .map(|(display, _)| certamen_item_bank::item::option_letter(display).to_string())
        .collect();
    (row.get("position"), letters)
}

async fn answer(browser: &Browser, path: &str, letters: &[&str]) -> reqwest::Response {
    let page = browser.visit(path).await;
    let q = parse_question(&page.body);
    let mut form: Vec<(&str, &str)> = letters.iter().map(|l| ("choice", *l)).collect();
    form.extend([("seq", q.seq.as_str()), ("go", "stay")]);
    browser.post(&format!("{path}/answer"), &form).await
}

#[tokio::test]
async fn a_multiple_answer_question_takes_every_key_and_scores_all_or_nothing() {
    let bank_dir = bank_with_the_item_on_every_form();
    let item = the_item(&bank_dir);
    assert!(item.is_multiple_answer());
    let app = spawn_app_with_bank(bank_dir.clone()).await;
    app.add_candidate("second@example.org").await;
    let db = app.db().await;

    // Two candidates: one chooses both keys, the other only one of them.
    let mut raw = Vec::new();
    for (email, both) in [(CANDIDATE, true), ("second@example.org", false)] {
        let browser = app.browser();
        browser.sign_in(email).await;
        let (attempt, _) = browser.start_exam().await;
        let (position, keys) = find_item(&db, &attempt, &item).await;
        let path = format!("/attempts/{attempt}/items/{position}");

        let page = browser.visit(&path).await;
        assert!(page.body.contains("Choose 2 answers."), "{}", page.body);
        assert_eq!(
            page.body
                .matches(r#"type="checkbox" name="choice""#)
                .count(),
            5
        );

        // Three choices for a question that asks for two: refused, nothing saved.
        let others: Vec<String> = ["A", "B", "C", "D", "E"]
            .iter()
            .map(|l| l.to_string())
            .filter(|l| !keys.contains(l))
            .collect();
        let three = [keys[0].as_str(), keys[1].as_str(), others[0].as_str()];
        let refused = answer(&browser, &path, &three).await;
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
        let body = refused.text().await.expect("body");
        assert!(
            body.contains(&format!(
                "question {position} asks for 2 answers; 3 were chosen"
            )),
            "{body}"
        );
        let saved: Option<i64> = sqlx::query(
            "SELECT choice_mask FROM attempt_items WHERE attempt_id = $1 AND position = $2",
        )
        .bind(&attempt)
        .bind(position)
        .fetch_one(&db)
        .await
        .expect("row")
        .get("choice_mask");
        assert_eq!(saved, None, "a refused answer changes nothing");

        let chosen: Vec<&str> = if both {
            keys.iter().map(String::as_str).collect()
        } else {
            vec![keys[0].as_str()]
        };
        let r = answer(&browser, &path, &chosen).await;
        assert!(r.status().is_redirection(), "{}", r.status());
        let back = parse_question(&browser.visit(&path).await.body);
        assert_eq!(back.checked(), chosen, "every choice is shown as saved");

        // The review screen tells a candidate who chose too few.
        let review = browser.visit(&format!("/attempts/{attempt}/review")).await;
        assert_eq!(
            review.body.contains("1 of 2 answers chosen"),
            !both,
            "{}",
            review.body
        );
        let done = browser
            .submit(
                &format!("/attempts/{attempt}/submit"),
                &[("confirm", "yes")],
            )
            .await;
        assert!(done.url.ends_with("/report"), "{}", done.url);
        let row = sqlx::query("SELECT raw_correct FROM attempts WHERE id = $1")
            .bind(&attempt)
            .fetch_one(&db)
            .await
            .expect("attempt");
        raw.push(row.get::<Option<i64>, _>("raw_correct"));
    }
    // Only that question was answered: both keys score it, one key alone does not.
    assert_eq!(raw, vec![Some(1), Some(0)]);
    db.close().await;
    app.cleanup().await;
    let _ = std::fs::remove_dir_all(bank_dir);
}

#[tokio::test]
async fn the_instant_save_takes_several_letters_and_refuses_a_bad_one() {
    let bank_dir = bank_with_the_item_on_every_form();
    let item = the_item(&bank_dir);
    let app = spawn_app_with_bank(bank_dir.clone()).await;
    let db = app.db().await;
    let browser = app.browser();
    browser.sign_in(CANDIDATE).await;
    let (attempt, _) = browser.start_exam().await;
    let (position, keys) = find_item(&db, &attempt, &item).await;
    let save = |choices: String, seq: &'static str| {
        let position = position.to_string();
        let attempt = attempt.clone();
        let client = browser.client.clone();
        let url = format!("{}/api/save_answer", app.address);
        async move {
            client
                .post(url)
                .form(&[
                    ("attempt_id", attempt.as_str()),
                    ("position", position.as_str()),
                    ("choices", choices.as_str()),
                    ("flagged", "false"),
                    ("seq", seq),
                ])
                .send()
                .await
                .expect("POST")
        }
    };
    let bad = save("A,7".into(), "1").await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    // A refusal, said once by the page and not sent again.
    let refused: serde_json::Value = bad.json().await.expect("a JSON error");
    assert!(refused["Refused"]
        .as_str()
        .is_some_and(|m| m.contains("choice \"7\" is not an option letter")));
    let twice = save(format!("{0},{0}", keys[0]), "1").await;
    assert_eq!(twice.status(), StatusCode::BAD_REQUEST);
    let ok = save(keys.join(","), "1").await;
    assert_eq!(ok.status(), StatusCode::OK, "{:?}", ok.text().await);
    let stored: i64 = sqlx::query(
        "SELECT ai.choice_mask, i.key_mask FROM attempt_items ai \
         JOIN items i ON i.id = ai.item_id AND i.version = ai.item_version \
         WHERE ai.attempt_id = $1 AND ai.position = $2",
    )
    .bind(&attempt)
    .bind(position)
    .fetch_one(&db)
    .await
    .map(|r| {
        assert_eq!(
            r.get::<Option<i64>, _>("choice_mask"),
            Some(r.get::<i64, _>("key_mask"))
        );
        r.get::<i64, _>("key_mask")
    })
    .expect("row");
    assert_eq!(stored.count_ones(), 2);
    db.close().await;
    app.cleanup().await;
    let _ = std::fs::remove_dir_all(bank_dir);
}
