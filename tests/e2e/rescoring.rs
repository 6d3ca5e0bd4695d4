//! Rescoring: the preview equals what applying stores, for every affected attempt and by a
//! count made here by hand; both scores are kept; a changed outcome revokes or restores the
//! certification it earned; later attempts are scored with the rule; bad inputs change nothing.

use reqwest::StatusCode;
use sqlx::Row;

use certamen_app::server::attempts::scoring::ScoringRule;
use certamen_app::server::rescoring;
use certamen_app::server::seed_results::{seed, SeedPlan};

use crate::helpers::{spawn_app, TestApp, CANDIDATE, START_MS};

const STAFF: &str = "staff@demo.certamen.test";

async fn db(app: &TestApp) -> certamen_app::server::db::Db {
    certamen_app::server::db::Db::connect(&app.database_url, 4)
        .await
        .expect("db")
}

async fn seed_some(app: &TestApp, candidates: u32, seed_value: u64) {
    let plan = SeedPlan {
        exam_id: None,
        candidates,
        seed: seed_value,
        now: START_MS,
    };
    seed(&db(app).await, &plan, |_| {}).await.expect("seeded");
}

/// The single-answer item version delivered most often, with its key and option count.
async fn busiest_item(pool: &sqlx::AnyPool) -> (String, i64, i64, i64) {
    let row = sqlx::query(
        "SELECT ai.item_id, ai.item_version, i.key_mask, i.option_count, COUNT(*) AS n \
         FROM attempt_items ai JOIN items i ON i.id = ai.item_id AND i.version = ai.item_version \
         WHERE i.key_mask IN (1, 2, 4, 8) GROUP BY ai.item_id, ai.item_version, i.key_mask, i.option_count \
         ORDER BY n DESC, ai.item_id LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .expect("a delivered item");
    (
        row.get("item_id"),
        row.get("item_version"),
        row.get("key_mask"),
        row.get("option_count"),
    )
}

fn letter(mask: i64) -> String {
    char::from(b'A' + u8::try_from(mask.trailing_zeros()).unwrap()).to_string()
}

fn pairs<'a>(form: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    form.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

fn between<'a>(s: &'a str, a: &str, b: &str) -> Option<&'a str> {
    let start = s.find(a)? + a.len();
    let end = s[start..].find(b)? + start;
    Some(&s[start..end])
}

#[tokio::test]
async fn the_preview_is_what_applying_stores_and_the_old_scores_are_kept() {
    let app = spawn_app().await;
    seed_some(&app, 300, 3).await;
    let pool = app.db().await;
    let (item, version, key, options) = busiest_item(&pool).await;
    let new_key = if key == 1 { 2 } else { 1 };
    assert!(new_key < 1 << options);

    // By hand: each attempt with the item gains its new key's answer and loses the old one's.
    let rows = sqlx::query(
        "SELECT a.id, a.raw_correct, a.raw_total, a.passed, ai.choice_mask FROM attempts a \
         JOIN attempt_items ai ON ai.attempt_id = a.id \
         WHERE ai.item_id = $1 AND ai.item_version = $2 AND a.status = 'submitted' AND a.practice = 0",
    )
    .bind(&item)
    .bind(version)
    .fetch_all(&pool)
    .await
    .expect("affected");
    let by_hand: Vec<(String, i64, bool, bool)> = rows
        .iter()
        .map(|r| {
            let choice: Option<i64> = r.get("choice_mask");
            let correct: i64 = r.get("raw_correct");
            let total: i64 = r.get("raw_total");
            let now = correct - i64::from(choice == Some(key)) + i64::from(choice == Some(new_key));
            (
                r.get("id"),
                now,
                r.get::<i64, _>("passed") == 1,
                100 * now >= 70 * total,
            )
        })
        .collect();
    let flips = by_hand.iter().filter(|(_, _, was, is)| was != is).count();
    assert!(by_hand.len() > 100, "the item is on many forms");

    // The staff page's preview says the same.
    let staff = app.browser();
    staff.sign_in(STAFF).await;
    let path = format!(
        "/staff/rescoring?item={item}&version={version}&change=key&key={}&reason=Key+was+wrong",
        letter(new_key)
    );
    let page = staff.visit(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    let summary = format!(
        "{} submitted attempts have it; {flips} would change from pass to fail or from fail to pass.",
        by_hand.len()
    );
    assert!(page.body.contains(&summary), "{summary}\n{}", page.body);
    let digest = between(&page.body, "name=\"digest\" value=\"", "\"")
        .expect("the apply form carries the preview's fingerprint")
        .to_string();
    // The library's preview in full, to compare with what is stored after.
    let request = rescoring::Request {
        item_id: item.clone(),
        version,
        rule: ScoringRule::Key(new_key),
    };
    let preview = rescoring::preview(&db(&app).await, &request)
        .await
        .expect("preview");
    assert_eq!(preview.digest, digest);
    assert_eq!(preview.attempts.len(), by_hand.len());
    // Previewing stored nothing.
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM rescorings")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(stored, 0);

    // A fingerprint that does not match is refused, and nothing changes.
    let form = |d: &str| {
        vec![
            ("item", item.clone()),
            ("version", version.to_string()),
            ("change", "key".to_string()),
            ("key", letter(new_key)),
            ("reason", "The key named the wrong option".to_string()),
            ("digest", d.to_string()),
        ]
    };
    let stale = form("0000");
    let r = staff.post("/staff/rescoring/apply", &pairs(&stale)).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r
        .text()
        .await
        .expect("body")
        .contains("no longer the one you previewed"));
    let unchanged: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM score_changes")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(unchanged, 0);

    // Apply.
    let good = form(&digest);
    let done = staff.submit("/staff/rescoring/apply", &pairs(&good)).await;
    assert!(done.body.contains("is applied"), "{}", done.body);
    for effect in &preview.attempts {
        let row = sqlx::query("SELECT raw_correct, raw_total, passed FROM attempts WHERE id = $1")
            .bind(&effect.attempt_id)
            .fetch_one(&pool)
            .await
            .expect("attempt");
        assert_eq!(
            (
                row.get::<i64, _>("raw_correct"),
                row.get::<i64, _>("raw_total"),
                row.get::<i64, _>("passed") == 1
            ),
            (
                i64::from(effect.new_correct),
                i64::from(effect.new_total),
                effect.new_passed
            ),
            "the preview is what applying stored for {}",
            effect.attempt_id
        );
        let hand = by_hand
            .iter()
            .find(|h| h.0 == effect.attempt_id)
            .expect("by hand");
        assert_eq!(i64::from(effect.new_correct), hand.1);
        assert_eq!(effect.new_passed, hand.3);
    }
    // Both scores kept for every changed attempt, and the rescoring on record.
    let changed = by_hand
        .iter()
        .filter(|(id, now, _, _)| {
            let was = rows
                .iter()
                .find(|r| r.get::<String, _>("id") == *id)
                .map(|r| r.get::<i64, _>("raw_correct"));
            was != Some(*now)
        })
        .count();
    let kept: Vec<(i64, i64)> =
        sqlx::query_as("SELECT old_correct, new_correct FROM score_changes")
            .fetch_all(&pool)
            .await
            .expect("changes");
    assert_eq!(kept.len(), changed);
    assert!(kept.iter().all(|(o, n)| (o - n).abs() == 1));
    let (attempts, outcomes): (i64, i64) =
        sqlx::query_as("SELECT attempts, outcomes_changed FROM rescorings")
            .fetch_one(&pool)
            .await
            .expect("rescoring");
    assert_eq!((attempts, outcomes), (by_hand.len() as i64, flips as i64));
    let audited: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'score.change'")
            .fetch_one(&pool)
            .await
            .expect("audit");
    assert_eq!(
        audited, changed as i64,
        "every score change is in the audit log"
    );
    let chain = certamen_app::server::audit::verify(&db(&app).await)
        .await
        .expect("verify");
    assert!(chain.broken.is_none());

    // The same rescoring again changes nothing and says why.
    let again = staff.visit(&path).await;
    assert!(
        again.body.contains("is already key corrected to"),
        "{}",
        again.body
    );

    // A drop applies to later attempts too: seeded after it, they score without the item.
    let other = sqlx::query(
        "SELECT ai.item_id, ai.item_version FROM attempt_items ai WHERE ai.item_id <> $1 \
         GROUP BY ai.item_id, ai.item_version ORDER BY COUNT(*) DESC, ai.item_id LIMIT 1",
    )
    .bind(&item)
    .fetch_one(&pool)
    .await
    .expect("another item");
    let drop = rescoring::Request {
        item_id: other.get("item_id"),
        version: other.get("item_version"),
        rule: ScoringRule::Dropped,
    };
    let d = db(&app).await;
    let p = rescoring::preview(&d, &drop).await.expect("preview");
    assert!(p.attempts.iter().all(|a| a.new_total + 1 == a.old_total));
    let staff_user = certamen_app::server::users::find_for_sign_in(&d, STAFF)
        .await
        .expect("lookup")
        .expect("staff")
        .0;
    rescoring::apply(
        &d,
        &staff_user,
        &drop,
        "Ambiguous stem",
        &p.digest,
        START_MS,
    )
    .await
    .expect("applied");
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM attempts")
        .fetch_one(&pool)
        .await
        .expect("count");
    seed_some(&app, 60, 99).await;
    let later = sqlx::query(
        "SELECT a.raw_total FROM attempts a JOIN attempt_items ai ON ai.attempt_id = a.id \
         WHERE ai.item_id = $1 AND ai.item_version = $2 ORDER BY a.started_at",
    )
    .bind(&drop.item_id)
    .bind(drop.version)
    .fetch_all(&pool)
    .await
    .expect("attempts");
    assert!(later.len() > p.attempts.len(), "new attempts with the item");
    assert!(
        later.iter().all(|r| r.get::<i64, _>("raw_total") == 119),
        "every attempt with the dropped item, old and new ({before} before), scores 119 items"
    );
    app.cleanup().await;
}

#[tokio::test]
async fn a_lost_pass_revokes_its_certification_and_a_restored_one_returns_it() {
    let app = spawn_app().await;
    let pool = app.db().await;
    let candidate = app.browser();
    candidate.sign_in(CANDIDATE).await;
    let (attempt, _) = candidate.start_exam().await;
    // Exactly at the cut: 84 of 120 keys chosen (straight in the database: the scoring path
    // has its own tests), the first question among them.
    sqlx::query(
        "UPDATE attempt_items SET choice_mask = (SELECT i.key_mask FROM items i \
         WHERE i.id = attempt_items.item_id AND i.version = attempt_items.item_version) \
         WHERE attempt_id = $1 AND position <= 84",
    )
    .bind(&attempt)
    .execute(&pool)
    .await
    .expect("keys chosen");
    candidate
        .submit(
            &format!("/attempts/{attempt}/submit"),
            &[("confirm", "yes")],
        )
        .await;
    let item = sqlx::query(
        "SELECT ai.item_id, ai.item_version, i.key_mask, i.option_count FROM attempt_items ai \
         JOIN items i ON i.id = ai.item_id AND i.version = ai.item_version \
         WHERE ai.attempt_id = $1 AND ai.position = 1",
    )
    .bind(&attempt)
    .fetch_one(&pool)
    .await
    .expect("first item");
    let (item_id, version, key): (String, i64, i64) = (
        item.get("item_id"),
        item.get("item_version"),
        item.get("key_mask"),
    );
    // Another key of the same size.
    let options: i64 = item.get("option_count");
    let other = (0..options)
        .map(|i| 1i64 << i)
        .find(|m| m & key == 0)
        .expect("a wrong option");
    let wrong_key = if key.count_ones() == 1 {
        other
    } else {
        (key & (key - 1)) | other
    };
    let d = db(&app).await;
    let staff = certamen_app::server::users::find_for_sign_in(&d, STAFF)
        .await
        .expect("lookup")
        .expect("staff")
        .0;
    let status = || async {
        sqlx::query_scalar::<_, String>("SELECT status FROM certifications WHERE attempt_id = $1")
            .bind(&attempt)
            .fetch_one(&pool)
            .await
            .expect("certification")
    };
    assert_eq!(status().await, "active", "a pass at the cut certifies");

    let to_wrong = rescoring::Request {
        item_id: item_id.clone(),
        version,
        rule: ScoringRule::Key(wrong_key),
    };
    let p = rescoring::preview(&d, &to_wrong).await.expect("preview");
    let mine = p
        .attempts
        .iter()
        .find(|a| a.attempt_id == attempt)
        .expect("mine");
    assert_eq!(
        (mine.old_correct, mine.new_correct, mine.new_passed),
        (84, 83, false)
    );
    rescoring::apply(
        &d,
        &staff,
        &to_wrong,
        "Test: key changed",
        &p.digest,
        START_MS,
    )
    .await
    .expect("applied");
    assert_eq!(status().await, "revoked");
    let registry = app.browser().visit("/registry?q=Dana+Cand").await;
    assert!(registry.body.contains("Revoked"), "{}", registry.body);

    // Back to the authored key: the pass, and the certification, return.
    let back = rescoring::Request {
        item_id,
        version,
        rule: ScoringRule::Key(key),
    };
    let p = rescoring::preview(&d, &back).await.expect("preview");
    rescoring::apply(
        &d,
        &staff,
        &back,
        "Test: the first key was right",
        &p.digest,
        START_MS,
    )
    .await
    .expect("applied");
    assert_eq!(status().await, "active");
    let report = candidate
        .visit(&format!("/attempts/{attempt}/report"))
        .await;
    assert!(
        report.body.contains("You answered 84 of 120"),
        "{}",
        report.body
    );
    app.cleanup().await;
}

#[tokio::test]
async fn bad_rescoring_requests_are_named_and_change_nothing() {
    let app = spawn_app().await;
    let staff = app.browser();
    staff.sign_in(STAFF).await;
    let pool = app.db().await;
    let (single, multi): (String, String) = (
        sqlx::query_scalar(
            "SELECT id FROM items WHERE key_mask IN (1, 2, 4, 8) ORDER BY id LIMIT 1",
        )
        .fetch_one(&pool)
        .await
        .expect("a single-answer item"),
        sqlx::query_scalar(
            "SELECT id FROM items WHERE key_mask NOT IN (1, 2, 4, 8, 16) ORDER BY id LIMIT 1",
        )
        .fetch_one(&pool)
        .await
        .expect("a multiple-answer item"),
    );
    for (query, says) in [
        (
            "item=NOPE&version=1&change=drop".to_string(),
            "has no version 1",
        ),
        (
            format!("item={single}&version=x&change=drop"),
            "is not an item version number",
        ),
        (
            format!("item={single}&version=1&change=shred"),
            "is neither",
        ),
        (
            format!("item={single}&version=1&change=key&key=Z"),
            "which is not one of the options",
        ),
        (
            format!("item={single}&version=1&change=key&key=A,+B"),
            "must name 1",
        ),
        (
            format!("item={multi}&version=1&change=key&key=A"),
            "must name 2",
        ),
    ] {
        let page = staff.visit(&format!("/staff/rescoring?{query}")).await;
        assert_eq!(page.status, StatusCode::OK, "{query}");
        let text = crate::helpers::unescape(&page.body);
        assert!(text.contains(says), "{query}: {says}\n{text}");
        assert!(
            !page.body.contains("name=\"digest\""),
            "{query}: no apply form"
        );
    }
    // Applying without a reason is refused; nothing is stored.
    let r = staff
        .post(
            "/staff/rescoring/apply",
            &[
                ("item", single.as_str()),
                ("version", "1"),
                ("change", "drop"),
                ("reason", "  "),
                ("digest", "x"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM rescorings")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(stored, 0);
    // Only staff.
    let candidate = app.browser();
    candidate.sign_in(CANDIDATE).await;
    assert_eq!(
        candidate.visit("/staff/rescoring").await.status,
        StatusCode::FORBIDDEN
    );
    let r = candidate
        .post(
            "/staff/rescoring/apply",
            &[
                ("item", single.as_str()),
                ("version", "1"),
                ("change", "drop"),
                ("reason", "x"),
                ("digest", "x"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    app.cleanup().await;
}
