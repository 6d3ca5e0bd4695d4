//! Invariant 3, scanned: every response a candidate gets during a whole exam (dashboard,
//! instructions, each question page, each answer post's next page, the instant-save JSON, the
//! break, the review and the report), and the browser bundle when one is built, is searched for
//! every answer key, rationale, IRT parameter field and the text of every question not on the
//! page. Any one found fails the test, naming the response and what leaked.

use std::collections::HashMap;

use reqwest::StatusCode;
use sqlx::Row;

use certamen_item_bank::item::Item;

use crate::helpers::{parse_question, spawn_app, unescape, Browser, CANDIDATE};

/// A distinctive piece of a text: its first 60 characters, whitespace folded.
fn piece(text: &str) -> String {
    let folded: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    folded.chars().take(60).collect()
}

fn fold(html: &str) -> String {
    unescape(html)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// What must never reach a candidate, whatever the page: the words of field names that only
/// the server's item records carry, and every rationale.
fn always_secret(items: &[Item]) -> Vec<(String, String)> {
    let mut s: Vec<(String, String)> = [
        "key_mask",
        "\"key\"",
        "rationale",
        "irt_a",
        "\"irt\"",
        "calibrated_on",
        "exposure_k",
        "item_pool",
    ]
    .iter()
    .map(|f| (f.to_string(), format!("the field name {f}")))
    .collect();
    for item in items {
        s.push((
            piece(&item.en.rationale),
            format!("the rationale of {}", item.id),
        ));
        if let Some(es) = &item.es {
            s.push((
                piece(&es.rationale),
                format!("the Spanish rationale of {}", item.id),
            ));
        }
    }
    s
}

/// A text whole, whitespace folded (stems may begin alike, so only the whole stem says which
/// question it is).
fn whole(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every question's stems (both languages), by item id.
fn stems(items: &[Item]) -> HashMap<String, Vec<String>> {
    items
        .iter()
        .map(|i| {
            let mut v = vec![whole(&i.en.stem)];
            if let Some(es) = &i.es {
                v.push(whole(&es.stem));
            }
            (i.id.clone(), v)
        })
        .collect()
}

struct Scanner {
    secret: Vec<(String, String)>,
    stems: HashMap<String, Vec<String>>,
    scanned: usize,
}

impl Scanner {
    /// Fails if `body` holds a secret, or the stem of any item but those in `shown`.
    fn check(&mut self, what: &str, body: &str, shown: &[&str]) {
        let text = fold(body);
        for (needle, name) in &self.secret {
            assert!(!text.contains(needle.as_str()), "{what} leaks {name}");
        }
        for (id, pieces) in &self.stems {
            if shown.contains(&id.as_str()) {
                continue;
            }
            for p in pieces {
                assert!(
                    !text.contains(p.as_str()),
                    "{what} shows question {id}, not on this page"
                );
            }
        }
        self.scanned += 1;
    }
}

async fn page(b: &Browser, path: &str) -> (StatusCode, String, String) {
    let p = b.visit(path).await;
    (p.status, p.url, p.body)
}

#[tokio::test]
async fn no_candidate_response_of_a_whole_exam_carries_a_secret() {
    let app = spawn_app().await;
    let bank = certamen_item_bank::load::load_bank(&certamen_item_bank::sample_bank_dir())
        .expect("sample bank");
    let mut all: Vec<Item> = bank.items.clone();
    all.extend(bank.practice.clone());
    let mut scan = Scanner {
        secret: always_secret(&all),
        stems: stems(&all),
        scanned: 0,
    };
    let b = app.browser();
    let dashboard = b.sign_in(CANDIDATE).await;
    scan.check("the dashboard", &dashboard.body, &[]);
    let (_, _, body) = page(&b, "/exams/peer-support/instructions").await;
    scan.check("the instructions", &body, &[]);
    let (attempt, first) = b.start_exam().await;
    let pool = app.db().await;
    let form: Vec<String> =
        sqlx::query("SELECT item_id FROM attempt_items WHERE attempt_id = $1 ORDER BY position")
            .bind(&attempt)
            .fetch_all(&pool)
            .await
            .expect("form")
            .iter()
            .map(|r| r.get("item_id"))
            .collect();
    // A scenario set's items share their scenario, never their stems.
    scan.check("question 1", &first.body, &[&form[0]]);
    let mut current = first;
    for position in 1..=form.len() {
        let id = form[position - 1].as_str();
        let q = parse_question(&current.body);
        // The instant save's JSON, as the page's script sends it.
        let js = b
            .client
            .post(format!("{}/api/save_answer", app.address))
            .form(&[
                ("attempt_id", attempt.as_str()),
                ("position", &position.to_string()),
                ("choices", &q.options[0].0),
                ("flagged", "false"),
                ("seq", &q.seq),
            ])
            .send()
            .await
            .expect("save");
        let json = js.text().await.expect("json");
        scan.check(
            &format!("the instant save of question {position}"),
            &json,
            &[],
        );
        // Then a different answer with the form, and on to the next page.
        let next_seq = (q.seq.parse::<i64>().expect("seq") + 1).to_string();
        let last = q.options.last().expect("an option").0.clone();
        let next = b
            .submit(
                &format!("/attempts/{attempt}/items/{position}/answer"),
                &[
                    ("seq", next_seq.as_str()),
                    ("choice", last.as_str()),
                    ("go", "next"),
                ],
            )
            .await;
        if next.url.ends_with("/break") {
            scan.check("the break", &next.body, &[]);
            current = b
                .submit(
                    &format!("/attempts/{attempt}/break/action"),
                    &[("action", "skip")],
                )
                .await;
        } else {
            current = next;
        }
        if position < form.len() {
            assert!(
                current.url.ends_with(&format!("/items/{}", position + 1)),
                "{}",
                current.url
            );
            scan.check(
                &format!("question {}", position + 1),
                &current.body,
                &[form[position].as_str()],
            );
        } else {
            assert!(current.url.ends_with("/review"), "{}", current.url);
            scan.check("the review", &current.body, &[]);
        }
        let _ = id;
    }
    let report = b
        .submit(
            &format!("/attempts/{attempt}/submit"),
            &[("confirm", "yes")],
        )
        .await;
    assert!(report.url.ends_with("/report"));
    scan.check("the score report", &report.body, &[]);
    let (_, _, body) = page(&b, "/dashboard").await;
    scan.check("the dashboard after the exam", &body, &[]);
    assert!(
        scan.scanned > 240,
        "every response scanned: {}",
        scan.scanned
    );

    // The browser bundle, when this run built one: no key, rationale or parameter in it.
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from("target"));
    let wasm = target.join("site/pkg/certamen_bg.wasm");
    if let Ok(bytes) = std::fs::read(&wasm) {
        let text = String::from_utf8_lossy(&bytes);
        for item in &all {
            let p = piece(&item.en.rationale);
            assert!(
                !text.contains(&p),
                "the bundle holds the rationale of {}",
                item.id
            );
            assert!(
                !text.contains(&piece(&item.en.stem)),
                "the bundle holds the stem of {}",
                item.id
            );
        }
        assert!(
            !text.contains("key_mask"),
            "the bundle knows the key's column"
        );
    }
    app.cleanup().await;
}
