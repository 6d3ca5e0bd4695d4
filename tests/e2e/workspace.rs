//! The vendor's item bank page: coverage and search, for vendors only, and never a key or
//! rationale in the list.

use reqwest::StatusCode;
use sqlx::Row;

use certamen_item_bank::load::load_bank;

use crate::helpers::{spawn_app, CANDIDATE};

const VENDOR: &str = "vendor@demo.certamen.test";

#[tokio::test]
async fn a_vendor_browses_and_searches_the_bank_with_its_coverage() {
    let app = spawn_app().await;
    let bank = load_bank(&certamen_item_bank::sample_bank_dir()).expect("sample");
    let vendor = app.browser();
    let dashboard = vendor.sign_in(VENDOR).await;
    assert!(
        dashboard.body.contains("/vendor/items"),
        "the dashboard links the bank"
    );

    let page = vendor.visit("/vendor/items").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Blueprint coverage"));
    // Practice items are authored and reviewed in the same bank (marked, and left out of the
    // blueprint coverage).
    let n = bank.items.len() + bank.practice.len();
    assert!(
        page.body.contains(&format!("{n} of {n} items match")),
        "all items match"
    );
    // 50 to a page: every item is on one of the pages, and no page is past the last.
    let pages = n.div_ceil(50);
    assert!(page.body.contains(&format!("Page 1 of {pages}")));
    let mut all = String::new();
    for p in 1..=pages {
        all.push_str(&vendor.visit(&format!("/vendor/items?page={p}")).await.body);
    }
    let past = vendor
        .visit(&format!("/vendor/items?page={}", pages + 1))
        .await;
    assert_eq!(past.status, StatusCode::NOT_FOUND);
    for item in &bank.practice {
        assert!(
            all.contains(&format!(">{}</a><!> (practice exam)", item.id)),
            "{} listed as a practice item",
            item.id
        );
    }
    for item in &bank.items {
        assert!(
            all.contains(&format!(">{}</a>", item.id)),
            "{} listed",
            item.id
        );
        // The list never carries a rationale (nor, therefore, the key's explanation).
        let rationale = item
            .en
            .rationale
            .split_whitespace()
            .take(8)
            .collect::<Vec<_>>()
            .join(" ");
        assert!(!all.contains(&rationale), "{}'s rationale leaked", item.id);
    }

    // By competency.
    let c13 = bank
        .items
        .iter()
        .chain(&bank.practice)
        .filter(|i| i.competency == "C13")
        .count();
    let page = vendor
        .visit("/vendor/items?competency=C13&status=&language=&q=")
        .await;
    assert!(
        page.body.contains(&format!("{c13} of {n} items match")),
        "{}",
        page.body
    );

    // By text: two words from one stem find that item.
    let target = &bank.items[5];
    let words: Vec<&str> = target
        .en
        .stem
        .split_whitespace()
        .filter(|w| w.len() > 6)
        .take(2)
        .collect();
    let page = vendor
        .visit(&format!("/vendor/items?q={}", words.join("+")))
        .await;
    assert!(
        page.body.contains(&target.id),
        "searching {words:?} finds {}",
        target.id
    );

    // A filter value that makes no sense is refused with a reason.
    let page = vendor.visit("/vendor/items?status=lost").await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page
        .body
        .contains("is not one of draft, in review, approved, retired"));

    // Candidates may not see the bank; visitors are sent to sign in.
    let candidate = app.browser();
    candidate.sign_in(CANDIDATE).await;
    let page = candidate.visit("/vendor/items").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.body.contains("open to exam vendors only"));
    assert!(!page.body.contains(&bank.items[0].id));
    let visitor = app.browser();
    assert!(visitor
        .visit("/vendor/items")
        .await
        .url
        .ends_with("/signin"));
    app.cleanup().await;
}

#[tokio::test]
async fn a_vendor_sees_an_item_in_both_languages_its_versions_and_what_changed() {
    let app = spawn_app().await;
    let vendor = app.browser();
    vendor.sign_in(VENDOR).await;
    let bank = load_bank(&certamen_item_bank::sample_bank_dir()).expect("sample");
    let item = bank
        .items
        .iter()
        .find(|i| i.id == "PS-C01-01")
        .expect("item");

    // A second version of the item: its stem reworded, loaded the way a bank import does.
    let dir = std::env::temp_dir().join(format!("certamen-versions-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = certamen_app::cli::bank::export(&app.database_url, None, &dir)
        .await
        .expect("export");
    assert!(out.items > 0);
    let file = dir.join("items/PS-C01-01.toml");
    let text = std::fs::read_to_string(&file).expect("read");
    let reworded = "Which statement is closest to SAMHSA's working definition of recovery?";
    std::fs::write(&file, text.replace(item.en.stem.trim(), reworded)).expect("write");
    let report = certamen_app::cli::bank::import(&dir, &app.database_url)
        .await
        .expect("import");
    assert_eq!(report.new_item_versions, 1);

    let page = vendor.visit("/vendor/items/PS-C01-01").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains(reworded), "the newest version is shown");
    assert!(
        page.body.contains("(key)"),
        "the key is marked for the reviewer"
    );
    let rationale_start: String = item.en.rationale.trim().chars().take(40).collect();
    assert!(
        crate::helpers::unescape(&page.body).contains(&rationale_start),
        "the rationale is shown to the vendor"
    );
    if item.es.is_some() {
        assert!(page.body.contains("Spanish version"));
    }
    assert!(
        page.body.contains("en.stem"),
        "version 2 says its stem changed"
    );
    assert!(page.body.contains("first version"));

    let compared = vendor.visit("/vendor/items/PS-C01-01?compare=1,2").await;
    assert!(compared.body.contains("Version 1 against version 2"));
    assert!(
        compared.body.contains("1 field(s) differ"),
        "{}",
        compared.body
    );
    let bad = vendor.visit("/vendor/items/PS-C01-01?compare=1,9").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("9 is not one of them"));
    assert_eq!(
        vendor.visit("/vendor/items/PS-NOPE").await.status,
        StatusCode::NOT_FOUND
    );

    let candidate = app.browser();
    candidate.sign_in(CANDIDATE).await;
    let page = candidate.visit("/vendor/items/PS-C01-01").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(!page.body.contains("(key)"));
    let _ = std::fs::remove_dir_all(&dir);
    app.cleanup().await;
}

#[tokio::test]
async fn item_statistics_appear_once_responses_exist() {
    let app = spawn_app().await;
    let vendor = app.browser();
    vendor.sign_in(VENDOR).await;
    let candidate = app.browser();
    candidate.sign_in(CANDIDATE).await;
    let (attempt, page) = candidate.start_exam().await;
    let db = app.db().await;
    let first: String =
        sqlx::query("SELECT item_id FROM attempt_items WHERE attempt_id = $1 AND position = 1")
            .bind(&attempt)
            .fetch_one(&db)
            .await
            .expect("first item")
            .get("item_id");
    let before = vendor.visit(&format!("/vendor/items/{first}")).await;
    assert!(
        before.body.contains("Delivered in 1 of 1 attempts."),
        "{}",
        before.body
    );
    assert!(before.body.contains("No scored responses yet"));

    let q = crate::helpers::parse_question(&page.body);
    candidate
        .submit(
            &format!("/attempts/{attempt}/items/1/answer"),
            &[("choice", "A"), ("seq", &q.seq), ("go", "review")],
        )
        .await;
    let report = candidate
        .submit(
            &format!("/attempts/{attempt}/submit"),
            &[("confirm", "yes")],
        )
        .await;
    assert!(report.url.ends_with("/report"), "{}", report.url);
    let after = vendor.visit(&format!("/vendor/items/{first}")).await;
    assert!(after.body.contains("Scored responses"), "{}", after.body);
    assert!(
        after.body.contains("<dd>1.00</dd>") || after.body.contains("<dd>0.00</dd>"),
        "a p-value of 0 or 1 from one response"
    );
    // A single response has no correlation, and the page says so rather than print 0.
    assert!(after.body.contains("not defined yet"));
    app.cleanup().await;
}

/// Posts a review step for `id` and returns the page it leads to.
async fn step(
    browser: &crate::helpers::Browser,
    id: &str,
    action: &str,
    base: i64,
    comment: &str,
) -> crate::helpers::Page {
    browser
        .submit(
            &format!("/vendor/items/{id}/status"),
            &[
                ("action", action),
                ("base_version", &base.to_string()),
                ("comment", comment),
            ],
        )
        .await
}

#[tokio::test]
async fn the_review_workflow_keeps_the_two_person_rule_and_never_overwrites_silently() {
    let app = spawn_app().await;
    // PS-C02-01 comes back from the files as a draft (its version 2).
    let dir = std::env::temp_dir().join(format!("certamen-review-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    certamen_app::cli::bank::export(&app.database_url, None, &dir)
        .await
        .expect("export");
    let file = dir.join("items/PS-C02-01.toml");
    let text = std::fs::read_to_string(&file).expect("read");
    std::fs::write(
        &file,
        text.replace("status = \"approved\"", "status = \"draft\""),
    )
    .expect("write");
    certamen_app::cli::bank::import(&dir, &app.database_url)
        .await
        .expect("import");
    let _ = std::fs::remove_dir_all(&dir);

    let author = app.browser();
    author.sign_in(VENDOR).await;
    app.add_user(
        "reviewer@demo.certamen.test",
        "Rita Reviewer",
        certamen_app::dto::Role::Vendor,
    )
    .await;
    let reviewer = app.browser();
    reviewer.sign_in("reviewer@demo.certamen.test").await;
    let id = "PS-C02-01";

    let page = step(&author, id, "submit", 2, "").await;
    assert!(page.url.ends_with(id), "{} {}", page.url, page.body);
    assert!(page.body.contains("waiting for review"));
    // The submitter may not review their own submission.
    let page = step(&author, id, "approve", 3, "").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.body.contains("two-person rule"));
    // Returning needs a comment; with one, it goes back as a draft and the comment shows.
    let page = step(&reviewer, id, "return", 3, "  ").await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains("returning needs a comment"));
    let page = step(&reviewer, id, "return", 3, "Option C is also defensible.").await;
    assert!(
        page.body.contains("Option C is also defensible."),
        "{}",
        page.body
    );
    assert!(page.body.contains("Submit for review"));
    let page = step(&author, id, "submit", 4, "").await;
    assert!(page.body.contains("waiting for review"));
    // A reviewer acting on a page that is out of date is told, and nothing changes.
    let page = step(&reviewer, id, "approve", 4, "").await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(page
        .body
        .contains("changed while you were looking at version 4"));
    let page = step(&reviewer, id, "approve", 5, "Clear and keyed right.").await;
    assert!(
        page.body.contains("This version is approved"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Rita Reviewer"));

    // Candidates cannot take any step.
    let candidate = app.browser();
    candidate.sign_in(CANDIDATE).await;
    assert_eq!(
        step(&candidate, id, "retire", 6, "no").await.status,
        StatusCode::FORBIDDEN
    );
    // Retiring needs a reason, and a retired item is never on a new form.
    assert_eq!(
        step(&reviewer, id, "retire", 6, "").await.status,
        StatusCode::BAD_REQUEST
    );
    let page = step(&reviewer, id, "retire", 6, "Replaced by a clearer item.").await;
    assert!(page.body.contains("This item is retired"));
    let (attempt, _) = candidate.start_exam().await;
    let db = app.db().await;
    let on_form: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM attempt_items WHERE attempt_id = $1 AND item_id = $2",
    )
    .bind(&attempt)
    .bind(id)
    .fetch_one(&db)
    .await
    .expect("count")
    .get("n");
    assert_eq!(on_form, 0, "a retired item is not delivered");
    // Every step is a version with who made it.
    let versions: i64 =
        sqlx::query("SELECT COUNT(*) AS n FROM items WHERE id = $1 AND author_id IS NOT NULL")
            .bind(id)
            .fetch_one(&db)
            .await
            .expect("count")
            .get("n");
    assert_eq!(versions, 5);
    // ...and an audit entry for each, naming who and what (refused steps leave none).
    let logged: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE subject = $1 ORDER BY seq")
            .bind(format!("item:{id}"))
            .fetch_all(&db)
            .await
            .expect("audit");
    assert_eq!(
        logged,
        [
            "item.submit",
            "item.return",
            "item.submit",
            "item.approve",
            "item.retire"
        ]
    );
    // Importing the old files now would undo the retirement: refused, nothing imported.
    let sample = certamen_item_bank::sample_bank_dir();
    let err = certamen_app::cli::bank::import(&sample, &app.database_url)
        .await
        .unwrap_err();
    assert!(
        format!("{err:#}").contains("item PS-C02-01 was changed in the workspace"),
        "{err:#}"
    );
    // A restart (the demo's load at start) keeps the workspace's version.
    let mut app = app;
    app.restart().await;
    let latest: String =
        sqlx::query("SELECT status FROM items WHERE id = $1 ORDER BY version DESC LIMIT 1")
            .bind(id)
            .fetch_one(&app.db().await)
            .await
            .expect("latest")
            .get("status");
    assert_eq!(latest, "retired");
    app.cleanup().await;
}

/// The edit form's fields for `item`, with `change` applied.
fn edit_fields(
    item: &certamen_item_bank::item::Item,
    base: i64,
    change: impl Fn(&mut Vec<(String, String)>),
) -> Vec<(String, String)> {
    let mut f = vec![
        ("base_version".to_string(), base.to_string()),
        ("key".to_string(), item.key.clone()),
        ("en_stem".to_string(), item.en.stem.clone()),
        ("en_rationale".to_string(), item.en.rationale.clone()),
        ("references".to_string(), item.references.join("\n")),
    ];
    for (i, o) in item.en.options.iter().enumerate() {
        f.push((format!("en_option_{i}"), o.clone()));
    }
    let es = item.es.clone();
    f.push((
        "es_stem".into(),
        es.as_ref().map(|t| t.stem.clone()).unwrap_or_default(),
    ));
    f.push((
        "es_rationale".into(),
        es.as_ref().map(|t| t.rationale.clone()).unwrap_or_default(),
    ));
    for i in 0..item.en.options.len() {
        let o = es
            .as_ref()
            .and_then(|t| t.options.get(i).cloned())
            .unwrap_or_default();
        f.push((format!("es_option_{i}"), o));
    }
    change(&mut f);
    f
}

fn set(f: &mut [(String, String)], name: &str, value: &str) {
    if let Some(slot) = f.iter_mut().find(|(k, _)| k == name) {
        slot.1 = value.to_string();
    }
}

#[tokio::test]
async fn an_edit_is_a_new_draft_checked_like_a_file_and_never_overwrites_another() {
    let app = spawn_app().await;
    let bank = load_bank(&certamen_item_bank::sample_bank_dir()).expect("sample");
    let item = bank
        .items
        .iter()
        .find(|i| i.id == "PS-C03-01")
        .expect("item");
    let vendor = app.browser();
    vendor.sign_in(VENDOR).await;
    let form = vendor.visit("/vendor/items/PS-C03-01/edit").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("name=\"base_version\" value=\"1\""));
    assert!(form.body.contains("Save as a new draft"));

    let post = |fields: Vec<(String, String)>| {
        let vendor = &vendor;
        async move {
            let pairs: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            vendor.submit("/vendor/items/PS-C03-01/save", &pairs).await
        }
    };
    // Two options with the same text: refused with the reason, nothing saved.
    let first = item.en.options[0].clone();
    let page = post(edit_fields(item, 1, |f| set(f, "en_option_1", &first))).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.body);
    assert!(
        page.body.contains("options A and B have the same text"),
        "{}",
        page.body
    );

    // A good edit: a new draft version by this vendor; candidates still get version 1.
    let reworded = format!("{} (reworded)", item.en.stem.trim());
    let page = post(edit_fields(item, 1, |f| set(f, "en_stem", &reworded))).await;
    assert!(
        page.url.ends_with("/vendor/items/PS-C03-01"),
        "{} {}",
        page.url,
        page.body
    );
    assert!(page.body.contains("(reworded)"));
    assert!(page.body.contains("Victor Vendor"));
    assert!(page.body.contains("Submit for review"));
    let candidate = app.browser();
    candidate.sign_in(CANDIDATE).await;
    let (attempt, _) = candidate.start_exam().await;
    let db = app.db().await;
    let delivered: Vec<i64> = sqlx::query(
        "SELECT item_version FROM attempt_items WHERE attempt_id = $1 AND item_id = 'PS-C03-01'",
    )
    .bind(&attempt)
    .fetch_all(&db)
    .await
    .expect("rows")
    .iter()
    .map(|r| r.get("item_version"))
    .collect();
    assert!(
        delivered.iter().all(|&v| v == 1),
        "the draft is not delivered: {delivered:?}"
    );

    // Another vendor saving from the page they opened at version 1 is told, not overwritten.
    app.add_user(
        "second@vendor.certamen.test",
        "Sam Second",
        certamen_app::dto::Role::Vendor,
    )
    .await;
    let other = app.browser();
    other.sign_in("second@vendor.certamen.test").await;
    let fields = edit_fields(item, 1, |f| set(f, "en_rationale", "Another rationale."));
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let page = other.submit("/vendor/items/PS-C03-01/save", &pairs).await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(page.body.contains("was changed by someone else"));
    let versions: i64 = sqlx::query("SELECT COUNT(*) AS n FROM items WHERE id = 'PS-C03-01'")
        .fetch_one(&db)
        .await
        .expect("count")
        .get("n");
    assert_eq!(versions, 2, "only the one good edit was saved");
    app.cleanup().await;
}

#[tokio::test]
async fn retiring_an_item_leaves_the_attempts_that_use_it_whole() {
    let app = spawn_app().await;
    let candidate = app.browser();
    candidate.sign_in(CANDIDATE).await;
    let (attempt, page) = candidate.start_exam().await;
    let stem = crate::helpers::parse_question(&page.body).stem;
    let db = app.db().await;
    let item: String =
        sqlx::query("SELECT item_id FROM attempt_items WHERE attempt_id = $1 AND position = 1")
            .bind(&attempt)
            .fetch_one(&db)
            .await
            .expect("first item")
            .get("item_id");

    // A vendor retires the item while the candidate is sitting the exam.
    let vendor = app.browser();
    vendor.sign_in(VENDOR).await;
    let retired = step(&vendor, &item, "retire", 1, "Outdated after a rule change.").await;
    assert!(
        retired.body.contains("This item is retired"),
        "{}",
        retired.body
    );

    // The candidate's question is unchanged, can still be answered, and is scored.
    let again = candidate
        .visit(&format!("/attempts/{attempt}/items/1"))
        .await;
    let q = crate::helpers::parse_question(&again.body);
    assert_eq!(q.stem, stem);
    let saved = candidate
        .submit(
            &format!("/attempts/{attempt}/items/1/answer"),
            &[("choice", "A"), ("seq", &q.seq), ("go", "review")],
        )
        .await;
    assert!(saved.url.ends_with("/review"), "{}", saved.url);
    let report = candidate
        .submit(
            &format!("/attempts/{attempt}/submit"),
            &[("confirm", "yes")],
        )
        .await;
    assert!(report.body.contains("Score report"), "{}", report.body);
    let total: i64 = sqlx::query("SELECT raw_total FROM attempts WHERE id = $1")
        .bind(&attempt)
        .fetch_one(&db)
        .await
        .expect("attempt")
        .get("raw_total");
    assert_eq!(total, 120, "the retired item is still on the scored form");
    app.cleanup().await;
}

#[tokio::test]
async fn editing_a_scenario_redrafts_every_item_of_its_set_and_keys_may_be_several() {
    let app = spawn_app().await;
    let bank = load_bank(&certamen_item_bank::sample_bank_dir()).expect("sample");
    let item = bank
        .items
        .iter()
        .find(|i| i.id == "PS-SET-02-1")
        .expect("set item");
    let scenario = item.scenario.clone().expect("a set item has its scenario");
    let vendor = app.browser();
    vendor.sign_in(VENDOR).await;
    let form = vendor.visit("/vendor/items/PS-SET-02-1/edit").await;
    assert!(form.body.contains("name=\"scenario_en\""), "{}", form.body);
    assert!(form.body.contains("name=\"scenario_es\""));
    let post = |fields: Vec<(String, String)>| {
        let vendor = &vendor;
        async move {
            let pairs: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            vendor
                .submit("/vendor/items/PS-SET-02-1/save", &pairs)
                .await
        }
    };
    let with_scenario = |en: &str, es: &str| {
        let (en, es) = (en.to_string(), es.to_string());
        edit_fields(item, 1, move |f| {
            f.push(("scenario_en".into(), en.clone()));
            f.push(("scenario_es".into(), es.clone()));
        })
    };
    let es = scenario.es.clone().expect("Spanish scenario");

    // An empty scenario, or a Spanish item without its Spanish scenario: refused, nothing saved.
    let page = post(with_scenario("  ", &es)).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.body);
    assert!(page.body.contains("the scenario is empty"), "{}", page.body);
    let page = post(with_scenario(&scenario.en, "")).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.body);
    assert!(
        page.body
            .contains("must both have a Spanish version or neither"),
        "{}",
        page.body
    );
    let db = app.db().await;
    let versions: i64 = sqlx::query("SELECT COUNT(*) AS n FROM items WHERE id LIKE 'PS-SET-02-%'")
        .fetch_one(&db)
        .await
        .expect("count")
        .get("n");
    assert_eq!(versions, 3, "nothing was saved");

    // A changed scenario: a new draft of every item of the set, each carrying it.
    let changed = format!("{}\n\nShe starts a new job next month.", scenario.en.trim());
    let page = post(with_scenario(&changed, &es)).await;
    assert!(
        page.url.ends_with("/vendor/items/PS-SET-02-1"),
        "{}",
        page.body
    );
    for id in ["PS-SET-02-1", "PS-SET-02-2", "PS-SET-02-3"] {
        let row = sqlx::query(
            "SELECT version, status, body FROM items WHERE id = $1 ORDER BY version DESC LIMIT 1",
        )
        .bind(id)
        .fetch_one(&db)
        .await
        .expect("item");
        assert_eq!(row.get::<i64, _>("version"), 2, "{id}");
        assert_eq!(row.get::<String, _>("status"), "draft", "{id}");
        let body: certamen_item_bank::item::Item =
            serde_json::from_str(&row.get::<String, _>("body")).expect("body");
        assert_eq!(body.scenario.expect("scenario").en, changed, "{id}");
    }
    // The candidate preview on the edit page shows the new paragraph.
    let form = vendor.visit("/vendor/items/PS-SET-02-2/edit").await;
    assert!(form.body.contains("She starts a new job next month."));

    // Two ticked key boxes make a multiple-answer key; a key box naming no option is refused.
    let single = bank
        .items
        .iter()
        .find(|i| i.id == "PS-C03-02")
        .expect("item");
    let mut fields = edit_fields(single, 1, |_| {});
    fields.retain(|(k, _)| k != "key");
    let post_c03 = |fields: Vec<(String, String)>| {
        let vendor = &vendor;
        async move {
            let pairs: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            vendor.submit("/vendor/items/PS-C03-02/save", &pairs).await
        }
    };
    let mut bad = fields.clone();
    bad.push(("key".into(), "A".into()));
    bad.push(("key".into(), "F".into()));
    let page = post_c03(bad).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.body);
    assert!(page
        .body
        .contains("names F, which is not one of the options"));
    let mut two = fields;
    two.push(("key".into(), "A".into()));
    two.push(("key".into(), "C".into()));
    let page = post_c03(two).await;
    assert!(
        page.url.ends_with("/vendor/items/PS-C03-02"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("Multiple answer (choose 2)"),
        "{}",
        page.body
    );
    db.close().await;
    app.cleanup().await;
}

/// Retiring the items of one competency stops at the item that would leave the exam's
/// blueprint unfillable, with the numbers; exams still start.
#[tokio::test]
async fn retiring_stops_before_a_competency_can_no_longer_fill_its_blueprint() {
    let app = spawn_app().await;
    let pool = app.db().await;
    let vendor = app.browser();
    vendor.sign_in(VENDOR).await;
    let live =
        "SELECT i.id, i.version FROM items i WHERE i.competency = 'C01' AND i.status = 'approved' \
         AND i.version = (SELECT MAX(v.version) FROM items v WHERE v.id = i.id) \
         AND i.id NOT IN (SELECT item_id FROM practice_items) ORDER BY i.id";
    let mut refused = None;
    for _ in 0..20 {
        let items: Vec<(String, i64)> = sqlx::query_as(live).fetch_all(&pool).await.expect("items");
        let Some((id, version)) = items.first().cloned() else {
            break;
        };
        let page = step(&vendor, &id, "retire", version, "Worn out.").await;
        if page.status == StatusCode::CONFLICT {
            refused = Some((id, items.len(), page.body));
            break;
        }
        assert!(page.body.contains("This item is retired"), "{}", page.body);
    }
    let (id, have, body) = refused.expect("a retirement is refused before the pool runs dry");
    // The sample exam needs 7 C01 items on every form.
    assert!(have <= 7 + 1, "refused only when it matters: {have} left");
    assert!(
        body.contains(&format!(
            "exam peer-support needs 7 items of competency C01 on every form and the approved pool has {have}, {} without this item",
            have - 1
        )),
        "{body}"
    );
    let still: String =
        sqlx::query_scalar("SELECT status FROM items WHERE id = $1 ORDER BY version DESC LIMIT 1")
            .bind(&id)
            .fetch_one(&pool)
            .await
            .expect("status");
    assert_eq!(still, "approved", "nothing written on a refusal");
    // Candidates can still start.
    let candidate = app.browser();
    candidate.sign_in(CANDIDATE).await;
    let (_, first) = candidate.start_exam().await;
    assert_eq!(first.status, StatusCode::OK);
    pool.close().await;
    app.cleanup().await;
}
