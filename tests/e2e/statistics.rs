//! The staff statistics on a seeded dataset of a few thousand simulated attempts: every
//! figure of every CSV table (which the page's charts and tables are drawn from) checked
//! against values computed here by hand from the database rows, small groups suppressed, and
//! the page's access and bad inputs.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use sqlx::Row;

use certamen_app::places::{region_of, Region};
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
        seed: 7,
        now: START_MS,
    };
    let report = seed(&db, &plan, |_| {}).await.expect("seeded");
    assert_eq!(report.candidates, candidates);
    assert!(
        report.attempts > candidates,
        "some candidates retook the exam"
    );
    // The server's deadline finalizer runs meanwhile; it must never take a simulated attempt.
    let by_deadline: i64 =
        sqlx::query("SELECT COUNT(*) AS n FROM attempts WHERE submitted_by = 'deadline'")
            .fetch_one(&db.pool)
            .await
            .expect("count")
            .get("n");
    assert_eq!(
        by_deadline, 0,
        "every simulated attempt submitted as seeded"
    );
    db.pool.close().await;
    app
}

/// One attempt as the database holds it, for computing the figures by hand.
struct Row_ {
    user: i64,
    passed: bool,
    percent: f64,
    language: String,
    county: Option<String>,
    number: u32,
    score: serde_json::Value,
}

async fn counted_rows(pool: &sqlx::AnyPool) -> Vec<Row_> {
    let rows = sqlx::query(
        "SELECT a.user_id, a.passed, a.raw_correct, a.raw_total, a.language, a.score, \
         a.invalidated_at, p.county FROM attempts a \
         LEFT JOIN candidate_profiles p ON p.user_id = a.user_id \
         WHERE a.status = 'submitted' AND a.practice = 0 ORDER BY a.user_id, a.started_at, a.id",
    )
    .fetch_all(pool)
    .await
    .expect("attempts");
    let mut out = Vec::new();
    let (mut last, mut n) = (None, 0);
    for r in rows {
        let user: i64 = r.get("user_id");
        if last != Some(user) {
            (last, n) = (Some(user), 0);
        }
        n += 1;
        if r.get::<Option<i64>, _>("invalidated_at").is_some() {
            continue;
        }
        let correct: i64 = r.get("raw_correct");
        let total: i64 = r.get("raw_total");
        out.push(Row_ {
            user,
            passed: r.get::<i64, _>("passed") == 1,
            percent: 100.0 * correct as f64 / total as f64,
            language: r.get("language"),
            county: r.get("county"),
            number: n,
            score: serde_json::from_str(&r.get::<String, _>("score")).expect("score JSON"),
        });
    }
    out
}

fn csv_rows(body: &str) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let headers = reader.headers().expect("header row").clone();
    reader
        .records()
        .map(|r| {
            let r = r.expect("a CSV record");
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

async fn download(b: &crate::helpers::Browser, path: &str) -> String {
    let r = b.get(path).await;
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    assert!(r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/csv")));
    r.text().await.expect("body")
}

/// Checks one group table's CSV against groups formed here: label → the group's attempts.
fn check_table(table: &str, csv: &str, expected: &BTreeMap<String, Vec<&Row_>>) {
    let rows = csv_rows(csv);
    assert_eq!(rows.len(), expected.len(), "{table}: one row per group");
    for row in &rows {
        let group = &expected[&row["group"]];
        let n = group.len();
        if n < 10 {
            assert_eq!(
                row["suppressed"], "yes",
                "{table} {}: {n} attempts",
                row["group"]
            );
        }
        if row["suppressed"] == "yes" {
            assert_eq!(row["attempts"], "", "a suppressed group hides its size");
            continue;
        }
        let passed = group.iter().filter(|r| r.passed).count();
        let mean = group.iter().map(|r| r.percent).sum::<f64>() / n as f64;
        assert_eq!(row["attempts"], n.to_string(), "{table} {}", row["group"]);
        assert_eq!(
            row["passed"],
            passed.to_string(),
            "{table} {}",
            row["group"]
        );
        let rate: f64 = row["pass_rate_percent"].parse().expect("rate");
        assert!(
            (rate - 100.0 * passed as f64 / n as f64).abs() < 0.006,
            "{table} {}",
            row["group"]
        );
        let got: f64 = row["mean_percent_correct"].parse().expect("mean");
        assert!(
            (got - mean).abs() < 0.006,
            "{table} {}: {got} vs {mean}",
            row["group"]
        );
    }
    // Complementary suppression: what is hidden is nothing or at least 10 attempts together.
    let hidden: usize = rows
        .iter()
        .filter(|r| r["suppressed"] == "yes")
        .map(|r| expected[&r["group"]].len())
        .sum();
    assert!(
        hidden == 0 || hidden >= 10,
        "{table}: {hidden} attempts hidden"
    );
}

fn region_label(county: &Option<String>) -> String {
    county
        .as_deref()
        .and_then(region_of)
        .map_or("Not recorded".into(), |r: Region| r.name().to_string())
}

/// The number-correct band, written out again from its definition: p against the cut ± the
/// binomial standard error at the cut.
fn band_by_hand(correct: f64, total: f64, cut: f64) -> &'static str {
    let (p, c) = (correct / total, cut / 100.0);
    let se = (c * (1.0 - c) / total).sqrt();
    if p < c - se {
        "below"
    } else if p > c + se {
        "above"
    } else {
        "near"
    }
}

#[tokio::test]
async fn every_figure_matches_the_rows_counted_by_hand() {
    let app = seeded(1500).await;
    let pool = app.db().await;
    let staff = app.browser();
    staff.sign_in(STAFF).await;
    let rows = counted_rows(&pool).await;
    assert!(
        rows.len() >= 2000,
        "a few thousand attempts: {}",
        rows.len()
    );

    // The page itself: charts with their titles, the simulated-data notice, every table.
    let page = staff.visit("/staff/statistics").await;
    assert_eq!(page.status, StatusCode::OK);
    for needle in [
        "role=\"img\"",
        "<title id=\"region-chart-title\">Pass rate by region</title>",
        &format!(
            "{} of these {} attempts are simulated",
            rows.len(),
            rows.len()
        ),
        "Performance by competency",
        "Performance by content area",
        "/staff/statistics/csv/county?exam=peer-support",
    ] {
        assert!(page.body.contains(needle), "the page shows {needle}");
    }
    let passed = rows.iter().filter(|r| r.passed).count();
    assert!(page.body.contains(&format!(
        "{} counted attempts; {passed} passed ({:.1}%)",
        rows.len(),
        100.0 * passed as f64 / rows.len() as f64
    )));

    let q = "?exam=peer-support";
    let group = |key: &dyn Fn(&Row_) -> String| {
        let mut m: BTreeMap<String, Vec<&Row_>> = BTreeMap::new();
        for r in &rows {
            m.entry(key(r)).or_default().push(r);
        }
        m
    };
    let by_region = group(&|r| region_label(&r.county));
    assert_eq!(by_region.len(), 5, "every region has attempts");
    check_table(
        "region",
        &download(&staff, &format!("/staff/statistics/csv/region{q}")).await,
        &by_region,
    );
    let by_language = group(&|r| {
        if r.language == "es" {
            "Spanish".into()
        } else {
            "English".into()
        }
    });
    check_table(
        "language",
        &download(&staff, &format!("/staff/statistics/csv/language{q}")).await,
        &by_language,
    );
    let by_attempt = group(&|r| {
        match r.number {
            1 => "First attempt",
            2 => "Second attempt (first retake)",
            _ => "Third or later attempt (retake)",
        }
        .to_string()
    });
    check_table(
        "attempt",
        &download(&staff, &format!("/staff/statistics/csv/attempt{q}")).await,
        &by_attempt,
    );
    let by_county = group(&|r| r.county.clone().unwrap_or_else(|| "Not recorded".into()));
    let county_csv = download(&staff, &format!("/staff/statistics/csv/county{q}")).await;
    check_table("county", &county_csv, &by_county);
    assert!(
        county_csv.contains(",yes\n"),
        "some counties are small enough to be suppressed"
    );
    let form = download(&staff, &format!("/staff/statistics/csv/form{q}")).await;
    assert_eq!(csv_rows(&form).len(), 1, "one exam version, LOFT");
    assert!(form.contains("LOFT"));
    let months = csv_rows(&download(&staff, &format!("/staff/statistics/csv/month{q}")).await);
    let month_total: usize = months
        .iter()
        .map(|r| r["attempts"].parse::<usize>().unwrap_or(0))
        .sum();
    assert!(months.len() >= 12, "a year of months");
    assert!(month_total <= rows.len() && month_total + 10 * months.len() >= rows.len());

    // Competencies: each candidate once, by their latest attempt, banded by hand.
    let mut latest: BTreeMap<i64, &Row_> = BTreeMap::new();
    for r in &rows {
        latest.insert(r.user, r); // rows come in attempt order per candidate
    }
    let competencies =
        csv_rows(&download(&staff, &format!("/staff/statistics/csv/competencies{q}")).await);
    assert_eq!(competencies.len(), 17);
    for row in &competencies {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for r in latest.values() {
            let cut = r.score["cut_percent"].as_f64().expect("cut");
            let c = r.score["competencies"]
                .as_array()
                .expect("competencies")
                .iter()
                .find(|c| c["competency"] == row["id"].as_str());
            if let Some(c) = c {
                let band = band_by_hand(
                    c["correct"].as_f64().expect("correct"),
                    c["total"].as_f64().expect("total"),
                    cut,
                );
                *counts.entry(band).or_default() += 1;
            }
        }
        for band in ["below", "near", "above"] {
            assert_eq!(
                row[band],
                counts.get(band).copied().unwrap_or(0).to_string(),
                "{} {band}",
                row["id"]
            );
        }
        assert_eq!(row["candidates"], latest.len().to_string());
    }
    let areas = csv_rows(&download(&staff, &format!("/staff/statistics/csv/areas{q}")).await);
    assert_eq!(areas.len(), 8, "eight content areas");
    app.cleanup().await;
}

#[tokio::test]
async fn small_periods_show_nothing_and_invalidation_and_bad_inputs_are_handled() {
    let app = seeded(300).await;
    let pool = app.db().await;
    let staff = app.browser();
    staff.sign_in(STAFF).await;
    let page = staff.visit("/staff/statistics").await;
    let attempts = counted_rows(&pool).await.len();
    assert!(page.body.contains(&format!("{attempts} counted attempts")));

    // One day holds too few attempts: no figure anywhere, not even a group's size.
    let day: i64 = sqlx::query("SELECT submitted_at FROM attempts WHERE status = 'submitted' ORDER BY submitted_at LIMIT 1")
        .fetch_one(&pool)
        .await
        .expect("an attempt")
        .get("submitted_at");
    let date = certamen_app::server::accounts::california_today(day).to_string();
    let one_day = staff
        .visit(&format!("/staff/statistics?from={date}&to={date}"))
        .await;
    assert!(
        one_day.body.contains("no figures are shown"),
        "{}",
        one_day.body
    );
    let region = download(
        &staff,
        &format!("/staff/statistics/csv/region?from={date}&to={date}"),
    )
    .await;
    assert!(csv_rows(&region)
        .iter()
        .all(|r| r["suppressed"] == "yes" && r["attempts"].is_empty()));

    // An invalidated attempt leaves the figures at once.
    let id: String = sqlx::query("SELECT id FROM attempts WHERE status = 'submitted' LIMIT 1")
        .fetch_one(&pool)
        .await
        .expect("an attempt")
        .get("id");
    let done = staff
        .submit(
            &format!("/staff/results/{id}/invalidate"),
            &[("reason", "Test: seen using notes")],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK);
    let approved = app.second_staff_approves().await;
    assert_eq!(approved.status, StatusCode::OK);
    let after = staff.visit("/staff/statistics").await;
    assert!(after
        .body
        .contains(&format!("{} counted attempts", attempts - 1)));

    // Bad inputs are named; nothing else is answered.
    let bad = staff
        .get("/staff/statistics/csv/region?from=2026-02-30")
        .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let text = bad.text().await.expect("body");
    assert!(
        text.contains("2026-02-30") && text.contains("is not a date"),
        "{text}"
    );
    let bad = staff
        .get("/staff/statistics/csv/region?from=2026-06-01&to=2026-05-01")
        .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let unknown = staff.get("/staff/statistics/csv/shoe-size").await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    let text = unknown.text().await.expect("body");
    assert!(
        text.contains("there is no table") && text.contains("shoe-size"),
        "{text}"
    );
    let exam = staff.get("/staff/statistics/csv/region?exam=nope").await;
    assert_eq!(exam.status(), StatusCode::NOT_FOUND);

    // Only staff: a candidate is refused, a visitor sent to sign in.
    let candidate = app.browser();
    candidate.sign_in(CANDIDATE).await;
    assert_eq!(
        candidate.get("/staff/statistics/csv/region").await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        candidate.visit("/staff/statistics").await.status,
        StatusCode::FORBIDDEN
    );
    let visitor = app.browser();
    let r = visitor.get("/staff/statistics/csv/region").await;
    assert!(r.status().is_redirection() || r.status() == StatusCode::UNAUTHORIZED);
    app.cleanup().await;
}
