//! Complaints about certificants: received, investigated on a 90-day clock, closed with a
//! recorded outcome; a corrective action that suspends the certification shows in the public
//! registry at once; every step is audited; steps out of order and bad forms change nothing.

use reqwest::StatusCode;

use crate::helpers::{spawn_app, Browser, TestApp, CANDIDATE};

const STAFF: &str = "staff@demo.certamen.test";
const DAY_MS: i64 = 86_400_000;

/// The demo candidate passes (every key chosen straight in the database) and is certified;
/// returns the certificate number.
async fn certified(app: &TestApp) -> String {
    let candidate = app.browser();
    candidate.sign_in(CANDIDATE).await;
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
    .expect("keys chosen");
    candidate
        .submit(
            &format!("/attempts/{attempt}/submit"),
            &[("confirm", "yes")],
        )
        .await;
    sqlx::query_scalar("SELECT number FROM certifications WHERE attempt_id = $1")
        .bind(&attempt)
        .fetch_one(&pool)
        .await
        .expect("certified")
}

async fn status_of(app: &TestApp, number: &str) -> String {
    sqlx::query_scalar("SELECT status FROM certifications WHERE number = $1")
        .bind(number)
        .fetch_one(&app.db().await)
        .await
        .expect("certification")
}

async fn step(staff: &Browser, id: i64, form: &[(&str, &str)]) -> reqwest::Response {
    staff.post(&format!("/staff/complaints/{id}"), form).await
}

#[tokio::test]
async fn a_complaint_goes_from_received_to_a_recorded_outcome_that_can_change_the_registry() {
    let app = spawn_app().await;
    let number = certified(&app).await;
    let staff = app.browser();
    staff.sign_in(STAFF).await;

    // Bad forms first: nothing is recorded.
    let r = staff
        .post(
            "/staff/complaints",
            &[
                ("number", "PSS-NOPE"),
                ("complainant", "A. Peer"),
                ("summary", "x"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(r
        .text()
        .await
        .expect("body")
        .contains("there is no certification"));
    let r = staff
        .post(
            "/staff/complaints",
            &[
                ("number", &number),
                ("complainant", "A. Peer"),
                ("summary", "  "),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r
        .text()
        .await
        .expect("body")
        .contains("summary: say what the complaint is about"));

    // Received (the number in any case).
    let page = staff
        .submit(
            "/staff/complaints",
            &[
                ("number", &number.to_lowercase()),
                ("complainant", "Jordan Lee, jordan@example.org"),
                (
                    "summary",
                    "Shared a peer's story at a public meeting without consent.",
                ),
            ],
        )
        .await;
    assert!(
        page.body.contains("Complaint 1 is recorded."),
        "{}",
        page.body
    );
    assert!(page.body.contains("Open the investigation of complaint 1"));
    // Closing before the investigation is refused.
    let r = step(
        &staff,
        1,
        &[
            ("step", "close"),
            ("outcome", "no_action"),
            ("finding", "n/a"),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r
        .text()
        .await
        .expect("body")
        .contains("not under investigation yet"));

    // Investigating: the 90-day clock.
    let r = step(&staff, 1, &[("step", "investigate")]).await;
    assert!(r.status().is_redirection());
    let page = staff.visit("/staff/complaints").await;
    assert!(page.body.contains("90 days left"), "{}", page.body);
    app.clock.advance_ms(91 * DAY_MS);
    let page = staff.visit("/staff/complaints").await;
    assert!(page.body.contains("Overdue by 1 days"), "{}", page.body);

    // Closing: a corrective action needs its words; no action cannot touch the registry.
    let r = step(
        &staff,
        1,
        &[
            ("step", "close"),
            ("outcome", "corrective_action"),
            ("corrective_action", " "),
            ("registry", "suspend"),
            ("finding", "Confirmed."),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = step(
        &staff,
        1,
        &[
            ("step", "close"),
            ("outcome", "no_action"),
            ("registry", "revoke"),
            ("finding", "Confirmed."),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = step(
        &staff,
        1,
        &[
            ("step", "close"),
            ("outcome", "corrective_action"),
            (
                "corrective_action",
                "Ethics training and six months of supervision",
            ),
            ("registry", "suspend"),
            ("finding", " "),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST, "a finding is needed");
    // Revoking is not one person's to do while closing a complaint (four eyes).
    let r = step(
        &staff,
        1,
        &[
            ("step", "close"),
            ("outcome", "corrective_action"),
            ("corrective_action", "Revocation"),
            ("registry", "revoke"),
            ("finding", "Confirmed."),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r
        .text()
        .await
        .expect("body")
        .contains("revoking takes two staff members"));
    assert_eq!(
        status_of(&app, &number).await,
        "active",
        "nothing changed yet"
    );
    let r = step(
        &staff,
        1,
        &[
            ("step", "close"),
            ("outcome", "corrective_action"),
            (
                "corrective_action",
                "Ethics training and six months of supervision",
            ),
            ("registry", "suspend"),
            ("finding", "The disclosure was confirmed by two witnesses."),
        ],
    )
    .await;
    assert!(r.status().is_redirection(), "{}", r.status());
    assert_eq!(status_of(&app, &number).await, "suspended");
    // The public registry shows it at once, without the reason.
    let public = app.browser().visit(&format!("/registry?q={number}")).await;
    assert!(public.body.contains("Suspended"), "{}", public.body);
    assert!(!public.body.contains("witnesses") && !public.body.contains("Jordan"));
    // Closed once only.
    let again = step(
        &staff,
        1,
        &[
            ("step", "close"),
            ("outcome", "no_action"),
            ("finding", "again"),
        ],
    )
    .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let page = staff.visit("/staff/complaints").await;
    assert!(page.body.contains("Corrective action: Ethics training"));

    // A second complaint closed with no action leaves the registry as it is.
    staff
        .submit(
            "/staff/complaints",
            &[
                ("number", &number),
                ("complainant", "Anonymous"),
                ("summary", "Late to a group."),
            ],
        )
        .await;
    step(&staff, 2, &[("step", "investigate")]).await;
    let r = step(
        &staff,
        2,
        &[
            ("step", "close"),
            ("outcome", "no_action"),
            ("registry", "none"),
            ("finding", "Not a breach of the Code of Ethics."),
        ],
    )
    .await;
    assert!(r.status().is_redirection());
    assert_eq!(status_of(&app, &number).await, "suspended");

    // Every step in the audit log, the chain intact.
    let pool = app.db().await;
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE action LIKE 'complaint.%' OR action = 'certification.suspend' ORDER BY seq",
    )
    .fetch_all(&pool)
    .await
    .expect("audit");
    assert_eq!(
        actions,
        [
            "complaint.receive",
            "complaint.investigate",
            "certification.suspend",
            "complaint.close",
            "complaint.receive",
            "complaint.investigate",
            "complaint.close"
        ]
    );
    let db = certamen_app::server::db::Db::connect(&app.database_url, 2)
        .await
        .expect("db");
    assert!(certamen_app::server::audit::verify(&db)
        .await
        .expect("verify")
        .broken
        .is_none());

    // Only staff.
    let candidate = app.browser();
    candidate.sign_in(CANDIDATE).await;
    assert_eq!(
        candidate.visit("/staff/complaints").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        step(&candidate, 1, &[("step", "investigate")])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    app.cleanup().await;
}
