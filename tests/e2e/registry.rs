//! Results, certification and the public registry: a released pass by an eligible candidate
//! certifies them; the registry (no sign-in) finds them by name or number and shows each staff
//! change at once; a result held for review shows nothing until released; invalidation
//! revokes the certification it earned.

use reqwest::StatusCode;

use crate::helpers::{sample_bank_copy, spawn_app, spawn_app_with_bank, Browser, CANDIDATE};

const STAFF: &str = "staff@demo.certamen.test";
const VENDOR: &str = "vendor@demo.certamen.test";

/// Starts the exam, chooses every key (straight in the database: the scoring path has its own
/// tests) and submits with the confirmation. Returns the attempt id.
async fn pass_the_exam(app: &crate::helpers::TestApp, candidate: &Browser) -> String {
    let (attempt, _) = candidate.start_exam().await;
    let pool = app.db().await;
    sqlx::query(
        "UPDATE attempt_items SET choice_mask = (SELECT i.key_mask FROM items i \
         WHERE i.id = attempt_items.item_id AND i.version = attempt_items.item_version) \
         WHERE attempt_id = $1",
    )
    .bind(&attempt)
    .execute(&pool)
    .await
    .expect("every key chosen");
    let done = candidate
        .submit(
            &format!("/attempts/{attempt}/submit"),
            &[("confirm", "yes")],
        )
        .await;
    assert!(done.url.ends_with("/report"), "{}", done.url);
    attempt
}

fn number_of(attempt: &str) -> String {
    let upper = attempt.to_ascii_uppercase();
    format!("PSS-{}-{}", &upper[..5], &upper[5..10])
}

#[tokio::test]
async fn a_released_pass_certifies_and_the_registry_shows_each_change_at_once() {
    let app = spawn_app().await;
    let candidate = app.browser();
    candidate.sign_in(CANDIDATE).await;
    let attempt = pass_the_exam(&app, &candidate).await;
    let number = number_of(&attempt);
    let report = candidate
        .visit(&format!("/attempts/{attempt}/report"))
        .await;
    assert!(
        report
            .body
            .contains(&format!("You are certified: certificate {number}.")),
        "{}",
        report.body
    );
    let dashboard = candidate.visit("/dashboard").await;
    assert!(dashboard
        .body
        .contains(&format!("Certificate {number}: Active")));

    // The public, without signing in: by number (any case) and by part of the name.
    let public = app.browser();
    for q in [
        number.clone(),
        number.to_lowercase(),
        "dana cand".to_string(),
    ] {
        let page = public
            .visit(&format!("/registry?q={}", q.replace(' ', "+")))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("1 certification found."),
            "{q}: {}",
            page.body
        );
        assert!(page.body.contains("Dana Candidate") && page.body.contains(&number));
        assert!(page.body.contains("<td>Active</td>"));
    }
    let short = public.visit("/registry?q=da").await;
    assert!(short.body.contains("Type at least 3 letters"));
    let none = public.visit("/registry?q=Nobody+Here").await;
    assert!(none.body.contains("No certification matches"));
    // A wildcard typed into the search is not a wildcard.
    let wild = public.visit("/registry?q=%25%25%25").await;
    assert!(!wild.body.contains(&number));

    // Staff only: candidates and vendors are refused, and nothing changes.
    let id: i64 = sqlx::query_scalar("SELECT id FROM certifications WHERE number = $1")
        .bind(&number)
        .fetch_one(&app.db().await)
        .await
        .expect("certification");
    let status_path = format!("/staff/certifications/{id}/status");
    for who in [CANDIDATE, VENDOR] {
        let b = app.browser();
        b.sign_in(who).await;
        assert_eq!(
            b.visit("/staff/certifications").await.status,
            StatusCode::FORBIDDEN
        );
        let r = b
            .post(&status_path, &[("action", "revoke"), ("reason", "no")])
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{who}");
    }
    let staff = app.browser();
    staff.sign_in(STAFF).await;
    let list = staff.visit("/staff/certifications").await;
    assert!(list.body.contains(&number) && list.body.contains("candidate@demo.certamen.test"));
    for (form, status, words) in [
        (
            vec![("action", "suspend"), ("reason", "  ")],
            StatusCode::BAD_REQUEST,
            "give the reason",
        ),
        (
            vec![("action", "erase"), ("reason", "x")],
            StatusCode::BAD_REQUEST,
            "not one of suspend, revoke, reinstate",
        ),
        (
            vec![("action", "reinstate"), ("reason", "x")],
            StatusCode::CONFLICT,
            "is active: it cannot be reinstated",
        ),
    ] {
        let r = staff.post(&status_path, &form).await;
        assert_eq!(r.status(), status, "{form:?}");
        let body = r.text().await.expect("body");
        assert!(
            body.contains(words) && body.contains("Nothing was recorded"),
            "{body}"
        );
    }
    assert_eq!(
        staff
            .post(
                "/staff/certifications/999999/status",
                &[("action", "revoke"), ("reason", "x")]
            )
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // Each change shows in the registry at once; the reason stays with staff (and off the
    // certificant's own dashboard).
    let reason = "Complaint 2026-14 under investigation";
    for (action, shown) in [
        ("suspend", "Suspended"),
        ("revoke", "Revoked"),
        ("reinstate", "Active"),
    ] {
        let done = staff
            .submit(&status_path, &[("action", action), ("reason", reason)])
            .await;
        if action == "suspend" {
            assert!(done.body.contains("is recorded"), "{action}");
        } else {
            // Revoking and reinstating take a second staff member.
            assert!(
                done.body.contains("Another staff member must approve it"),
                "{action}: {}",
                done.body
            );
            let page = public.visit(&format!("/registry?q={number}")).await;
            assert!(
                !page.body.contains(&format!("<td>{shown}</td>")),
                "{action} waits for approval"
            );
            let approved = app.second_staff_approves().await;
            assert!(
                approved.body.contains("is approved and carried out"),
                "{}",
                approved.body
            );
        }
        let page = public.visit(&format!("/registry?q={number}")).await;
        assert!(
            page.body.contains(&format!("<td>{shown}</td>")),
            "{action}: {}",
            page.body
        );
        assert!(!page.body.contains(reason) && !page.body.contains("candidate@demo"));
        assert!(!candidate.visit("/dashboard").await.body.contains(reason));
    }
    // A renewal: hours checked, only within 90 days of the expiry, then two years more.
    let renewal = format!("/staff/certifications/{id}/renewal");
    let early = staff
        .post(&renewal, &[("ce_hours", "24"), ("law_ethics_hours", "8")])
        .await;
    assert_eq!(early.status(), StatusCode::CONFLICT);
    assert!(early
        .text()
        .await
        .expect("body")
        .contains("can be renewed from"));
    app.clock.advance_ms((2 * 365 - 30) * 24 * 60 * 60 * 1000);
    let staff = app.browser();
    staff.sign_in(STAFF).await;
    for (hours, words) in [
        (("19", "6"), "ce_hours: 19 is fewer than the 20 hours"),
        (("24", "5"), "law_ethics_hours: 5 is fewer than the 6 hours"),
        (
            ("24", "30"),
            "law_ethics_hours: 30 is more than the 24 hours",
        ),
    ] {
        let r = staff
            .post(
                &renewal,
                &[("ce_hours", hours.0), ("law_ethics_hours", hours.1)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let body = r.text().await.expect("body");
        assert!(
            body.contains(words) && body.contains("Nothing was recorded"),
            "{body}"
        );
    }
    let before = public.visit(&format!("/registry?q={number}")).await;
    let renewed = staff
        .submit(&renewal, &[("ce_hours", "24"), ("law_ethics_hours", "8")])
        .await;
    assert!(
        renewed.body.contains("the renewal is recorded"),
        "{}",
        renewed.body
    );
    let after = public.visit(&format!("/registry?q={number}")).await;
    assert_ne!(before.body, after.body, "the registry shows the new expiry");
    let (previous, new, hours): (i64, i64, i64) = sqlx::query_as(
        "SELECT previous_expires_at, new_expires_at, ce_hours FROM renewals WHERE certification_id = $1",
    )
    .bind(id)
    .fetch_one(&app.db().await)
    .await
    .expect("renewal kept");
    assert_eq!(hours, 24);
    let years = (new - previous) as f64 / (365.25 * 24.0 * 3600.0 * 1000.0);
    assert!((years - 2.0).abs() < 0.01, "two years on: {years}");

    let logged: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'certification.%' AND subject = $1",
    )
    .bind(format!("certification:{number}"))
    .fetch_one(&app.db().await)
    .await
    .expect("audit");
    assert_eq!(
        logged, 4,
        "each change and the renewal are in the audit log"
    );
    app.cleanup().await;
}

#[tokio::test]
async fn a_result_held_for_review_shows_nothing_until_released_and_invalidation_revokes() {
    let bank = sample_bank_copy("after-review", |exam| {
        exam.replace("release = \"immediate\"", "release = \"after_review\"")
    });
    let app = spawn_app_with_bank(bank).await;
    let candidate = app.browser();
    candidate.sign_in(CANDIDATE).await;
    let attempt = pass_the_exam(&app, &candidate).await;
    let number = number_of(&attempt);
    let held = candidate
        .visit(&format!("/attempts/{attempt}/report"))
        .await;
    assert!(held
        .body
        .contains("Program staff review each result before it is released"));
    assert!(!held.body.contains("questions correctly") && !held.body.contains("Result:"));
    let dashboard = candidate.visit("/dashboard").await;
    assert!(dashboard
        .body
        .contains("the result is being reviewed by program staff"));
    assert!(!dashboard.body.contains("Passed"));
    let public = app.browser();
    assert!(public
        .visit(&format!("/registry?q={number}"))
        .await
        .body
        .contains("No certification matches"));

    let staff = app.browser();
    staff.sign_in(STAFF).await;
    let bad = staff.get("/staff/results?state=lost").await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let queue = staff.visit("/staff/results?state=under_review").await;
    assert!(queue.body.contains("Held for review") && queue.body.contains("Dana Candidate"));
    assert!(queue.body.contains("releases results after staff review"));
    let candidate_try = candidate
        .post(&format!("/staff/results/{attempt}/release"), &[])
        .await;
    assert_eq!(candidate_try.status(), StatusCode::FORBIDDEN);

    let released = staff
        .submit(&format!("/staff/results/{attempt}/release"), &[])
        .await;
    assert!(released.body.contains("is released to the candidate"));
    let again = staff
        .post(&format!("/staff/results/{attempt}/release"), &[])
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert!(again
        .text()
        .await
        .expect("body")
        .contains("already released"));
    let report = candidate
        .visit(&format!("/attempts/{attempt}/report"))
        .await;
    assert!(report.body.contains("Result: Passed"), "{}", report.body);
    assert!(report.body.contains(&number));

    // Invalidation: a reason is required; then the candidate reads it and the certification
    // is revoked in the registry.
    let path = format!("/staff/results/{attempt}/invalidate");
    let empty = staff.post(&path, &[("reason", " ")]).await;
    assert_eq!(empty.status(), StatusCode::BAD_REQUEST);
    let reason = "A second person was seen helping during the exam (proctor report 88).";
    let proposed = staff.submit(&path, &[("reason", reason)]).await;
    assert!(
        proposed
            .body
            .contains("Another staff member must approve it"),
        "{}",
        proposed.body
    );
    let done = app.second_staff_approves().await;
    assert!(
        done.body.contains("is approved and carried out"),
        "{}",
        done.body
    );
    let report = candidate
        .visit(&format!("/attempts/{attempt}/report"))
        .await;
    assert!(
        report.body.contains("invalidated this exam attempt")
            && report.body.contains("proctor report 88")
    );
    assert!(!report.body.contains("Result: Passed"));
    let page = public.visit(&format!("/registry?q={number}")).await;
    assert!(page.body.contains("<td>Revoked</td>"), "{}", page.body);
    let twice = staff.post(&path, &[("reason", reason)]).await;
    assert_eq!(twice.status(), StatusCode::CONFLICT);
    // The certification an invalidated attempt earned does not come back.
    let id: i64 = sqlx::query_scalar("SELECT id FROM certifications WHERE number = $1")
        .bind(&number)
        .fetch_one(&app.db().await)
        .await
        .expect("certification");
    let back = staff
        .post(
            &format!("/staff/certifications/{id}/status"),
            &[("action", "reinstate"), ("reason", "appeal")],
        )
        .await;
    assert_eq!(back.status(), StatusCode::CONFLICT);
    assert!(back
        .text()
        .await
        .expect("body")
        .contains("the exam attempt that earned it was invalidated"));
    let invalid_list = staff.visit("/staff/results?state=invalidated").await;
    assert!(invalid_list.body.contains("Invalidated: A second person"));
    app.cleanup().await;
}

/// Names are matched whatever their letters: an accented name is found by any case of it, on
/// SQLite as on PostgreSQL.
#[tokio::test]
async fn the_registry_finds_accented_names_in_any_case() {
    let app = spawn_app().await;
    app.add_user(
        "angela@example.org",
        "Ángela Núñez",
        certamen_app::dto::Role::Candidate,
    )
    .await;
    let candidate = app.browser();
    candidate.sign_in("angela@example.org").await;
    let attempt = pass_the_exam(&app, &candidate).await;
    let number = number_of(&attempt);
    let public = app.browser();
    for q in ["ángela", "ÁNGELA", "NÚÑEZ", "gela n"] {
        let page = public
            .visit(&format!("/registry?q={}", q.replace(' ', "+")))
            .await;
        assert!(page.body.contains(&number), "{q}");
    }
    app.cleanup().await;
}
