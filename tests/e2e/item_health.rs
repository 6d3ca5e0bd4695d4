//! Item health and recalibration on seeded, simulated attempts: classical statistics equal a
//! count made here by hand, planted problems (DIF against Spanish, an item nobody gets right)
//! are flagged with their reasons, and a recalibration recovers the parameters the answers
//! were simulated from, changes nothing until accepted, then gives each item a new version
//! that later attempts use.

use reqwest::StatusCode;
use sqlx::Row;

use certamen_app::server::seed_results::{seed, SeedPlan};

use crate::helpers::{spawn_app, TestApp, CANDIDATE, START_MS};

const STAFF: &str = "staff@demo.certamen.test";

async fn seeded(candidates: u32) -> TestApp {
    let app = spawn_app().await;
    let db = certamen_app::server::db::Db::connect(&app.database_url, 4)
        .await
        .expect("db");
    let plan = SeedPlan {
        exam_id: None,
        candidates,
        seed: 21,
        now: START_MS,
    };
    seed(&db, &plan, |_| {}).await.expect("seeded");
    db.pool.close().await;
    app
}

/// The two single-answer items delivered most often.
async fn two_busy_items(pool: &sqlx::AnyPool) -> Vec<(String, i64)> {
    sqlx::query(
        "SELECT ai.item_id, i.key_mask FROM attempt_items ai \
         JOIN items i ON i.id = ai.item_id AND i.version = ai.item_version \
         WHERE i.key_mask IN (1, 2, 4, 8) GROUP BY ai.item_id, i.key_mask \
         ORDER BY COUNT(*) DESC, ai.item_id LIMIT 2",
    )
    .fetch_all(pool)
    .await
    .expect("items")
    .iter()
    .map(|r| (r.get("item_id"), r.get("key_mask")))
    .collect()
}

#[tokio::test]
async fn statistics_match_a_count_by_hand_and_planted_problems_are_flagged() {
    let app = seeded(1200).await;
    let pool = app.db().await;
    let items = two_busy_items(&pool).await;
    let (dif_item, dif_key) = items[0].clone();
    let (hard_item, hard_key) = items[1].clone();
    // Planted: about 70 % of Spanish candidates (those whose attempt id starts 0 to a, 11 of
    // 16 hex digits) miss the first item; everyone misses the second.
    let wrong = |key: i64| if key == 1 { 2 } else { 1 };
    sqlx::query(
        "UPDATE attempt_items SET choice_mask = $1 WHERE item_id = $2 AND attempt_id IN \
         (SELECT id FROM attempts WHERE language = 'es' AND SUBSTR(id, 1, 1) < 'b')",
    )
    .bind(wrong(dif_key))
    .bind(&dif_item)
    .execute(&pool)
    .await
    .expect("planted DIF");
    sqlx::query("UPDATE attempt_items SET choice_mask = $1 WHERE item_id = $2")
        .bind(wrong(hard_key))
        .bind(&hard_item)
        .execute(&pool)
        .await
        .expect("planted hard item");

    let staff = app.browser();
    staff.sign_in(STAFF).await;
    let page = staff.visit("/staff/item-health").await;
    assert_eq!(page.status, StatusCode::OK);
    let text = crate::helpers::unescape(&page.body);
    assert!(text.contains("are simulated"));

    let db = certamen_app::server::db::Db::connect(&app.database_url, 2)
        .await
        .expect("db");
    let health = certamen_app::server::item_health::page(&db, "")
        .await
        .expect("item health");
    // p-value and exposure by hand for a healthy item.
    let other: String = sqlx::query_scalar(
        "SELECT ai.item_id FROM attempt_items ai WHERE ai.item_id NOT IN ($1, $2) \
         GROUP BY ai.item_id ORDER BY COUNT(*) DESC, ai.item_id LIMIT 1",
    )
    .bind(&dif_item)
    .bind(&hard_item)
    .fetch_one(&pool)
    .await
    .expect("another item");
    let (delivered, right): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), SUM(CASE WHEN ai.choice_mask = i.key_mask THEN 1 ELSE 0 END) \
         FROM attempt_items ai JOIN items i ON i.id = ai.item_id AND i.version = ai.item_version \
         WHERE ai.item_id = $1",
    )
    .bind(&other)
    .fetch_one(&pool)
    .await
    .expect("by hand");
    let row = health
        .items
        .iter()
        .find(|i| i.item_id == other)
        .expect("listed");
    assert_eq!(i64::from(row.responses), delivered);
    assert!((row.p_value.expect("p") - right as f64 / delivered as f64).abs() < 1e-12);
    assert!((row.exposure - 100.0 * delivered as f64 / f64::from(health.attempts)).abs() < 1e-9);
    assert!(
        row.r_rest.expect("r") > 0.1,
        "a simulated item discriminates"
    );
    let (infit, outfit) = (row.infit.expect("infit"), row.outfit.expect("outfit"));
    assert!(
        (0.8..=1.2).contains(&infit) && (0.8..=1.2).contains(&outfit),
        "answers simulated from its own parameters fit them: {infit} {outfit}"
    );

    let dif = health
        .items
        .iter()
        .find(|i| i.item_id == dif_item)
        .expect("listed");
    let d = dif.dif_language.as_ref().expect("DIF computed");
    assert!(d.class.starts_with("C-") && d.d_dif < -1.5, "{d:?}");
    assert!(
        dif.flags
            .iter()
            .any(|f| f.contains("harder for Spanish candidates")),
        "{:?}",
        dif.flags
    );
    assert!(text.contains("harder for Spanish candidates"));
    let hard = health
        .items
        .iter()
        .find(|i| i.item_id == hard_item)
        .expect("listed");
    assert_eq!(hard.p_value, Some(0.0));
    assert!(
        hard.flags
            .iter()
            .any(|f| f.starts_with("very hard: only 0%")),
        "{:?}",
        hard.flags
    );
    // A healthy item is not flagged.
    assert!(row.flags.is_empty(), "{:?}", row.flags);
    assert!(text.contains("items have provisional parameters and at least 100 responses"));
    // Flagged items come first.
    let first_clean = health.items.iter().position(|i| i.flags.is_empty());
    let last_flagged = health.items.iter().rposition(|i| !i.flags.is_empty());
    if let (Some(c), Some(f)) = (first_clean, last_flagged) {
        assert!(f < c);
    }
    app.cleanup().await;
}

#[tokio::test]
async fn a_recalibration_recovers_the_parameters_and_applies_only_when_accepted() {
    let app = seeded(1500).await;
    let pool = app.db().await;
    let staff = app.browser();
    staff.sign_in(STAFF).await;
    let proposed = staff
        .submit("/staff/item-health/calibrate", &[("model", "3pl")])
        .await;
    assert!(proposed.body.contains("is proposed"), "{}", proposed.body);
    let db = certamen_app::server::db::Db::connect(&app.database_url, 2)
        .await
        .expect("db");
    let proposals = certamen_app::server::calibration::list(&db, "peer-support")
        .await
        .expect("proposals");
    let p = &proposals[0];
    assert_eq!(p.status, "proposed");
    assert!(p.converged, "{} cycles", p.cycles);
    assert!(
        p.items.len() > 150,
        "most items have enough responses: {}",
        p.items.len()
    );
    // The answers were simulated from the provisional parameters: the calibration finds them.
    let n = p.items.len() as f64;
    let rmse_b = (p
        .items
        .iter()
        .map(|i| (i.new.1 - i.old.1).powi(2))
        .sum::<f64>()
        / n)
        .sqrt();
    // (Printed with the linked figure below.)
    let mean_a = p.items.iter().map(|i| i.new.0).sum::<f64>() / n;
    let (mb_old, mb_new) = (
        p.items.iter().map(|i| i.old.1).sum::<f64>() / n,
        p.items.iter().map(|i| i.new.1).sum::<f64>() / n,
    );
    let cov: f64 = p
        .items
        .iter()
        .map(|i| (i.old.1 - mb_old) * (i.new.1 - mb_new))
        .sum();
    let sd = |f: &dyn Fn(&certamen_app::dto::ProposedParams) -> f64, m: f64| {
        p.items
            .iter()
            .map(|i| (f(i) - m).powi(2))
            .sum::<f64>()
            .sqrt()
    };
    let r = cov / (sd(&|i| i.old.1, mb_old) * sd(&|i| i.new.1, mb_new));
    // The calibration's θ scale is its own sample's (retakers add a little ability), so
    // compare b after matching the means: a shift of origin is not an error of recovery.
    let shift = mb_new - mb_old;
    let rmse_linked = (p
        .items
        .iter()
        .map(|i| (i.new.1 - shift - i.old.1).powi(2))
        .sum::<f64>()
        / n)
        .sqrt();
    eprintln!(
        "calibration: rmse b {rmse_b:.3} ({rmse_linked:.3} after a shift of {shift:.3}), r {r:.3}, mean a {mean_a:.3}, {} cycles",
        p.cycles
    );
    assert!(r > 0.9, "b recovered: correlation {r}");
    assert!(
        rmse_linked < 0.3,
        "b recovered within {rmse_linked} once linked"
    );
    assert!((mean_a - 1.0).abs() < 0.2, "a about 1: {mean_a}");
    // Nothing changed yet.
    let versions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM items")
        .fetch_one(&pool)
        .await
        .expect("count");

    // Reject needs a reason; a second proposal is rejected, then the first accepted.
    let id = p.id;
    let r = staff
        .post(
            &format!("/staff/calibrations/{id}/decision"),
            &[("decision", "reject"), ("note", " ")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = staff
        .post(
            &format!("/staff/calibrations/{id}/decision"),
            &[("decision", "shelve")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let accepted = staff
        .submit(
            &format!("/staff/calibrations/{id}/decision"),
            &[("decision", "accept")],
        )
        .await;
    assert!(accepted.body.contains("is accepted"), "{}", accepted.body);
    let again = staff
        .post(
            &format!("/staff/calibrations/{id}/decision"),
            &[("decision", "accept")],
        )
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT, "decided once only");
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM items")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(
        after - versions,
        p.items.len() as i64,
        "a new version per item"
    );
    let sample = &p.items[0];
    let body: String = sqlx::query_scalar("SELECT body FROM items WHERE id = $1 AND version = $2")
        .bind(&sample.item_id)
        .bind(sample.version + 1)
        .fetch_one(&pool)
        .await
        .expect("new version");
    let item: serde_json::Value = serde_json::from_str(&body).expect("item");
    assert_eq!(item["irt"]["source"], "calibrated");
    assert_eq!(item["irt"]["responses"], u64::from(sample.responses));
    assert!((item["irt"]["b"].as_f64().expect("b") - sample.new.1).abs() < 1e-12);
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action IN ('calibration.propose', 'calibration.accept')",
    )
    .fetch_one(&pool)
    .await
    .expect("audit");
    assert_eq!(audited, 2);

    // A later attempt gets the calibrated versions.
    let candidate = app.browser();
    candidate.sign_in(CANDIDATE).await;
    let (attempt, _) = candidate.start_exam().await;
    let (calibrated, total): (i64, i64) = sqlx::query_as(
        "SELECT SUM(CASE WHEN irt_source = 'calibrated' THEN 1 ELSE 0 END), COUNT(*) \
         FROM attempt_items WHERE attempt_id = $1",
    )
    .bind(&attempt)
    .fetch_one(&pool)
    .await
    .expect("attempt");
    assert!(
        calibrated * 2 > total,
        "{calibrated} of {total} delivered with calibrated parameters"
    );

    // Only staff may propose.
    let r = candidate
        .post("/staff/item-health/calibrate", &[("model", "3pl")])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    app.cleanup().await;
}
