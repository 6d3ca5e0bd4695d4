//! One candidate can neither read nor answer another's attempt.

use reqwest::StatusCode;

use crate::helpers::{spawn_app, CANDIDATE};

#[tokio::test]
async fn another_candidates_attempt_is_unreachable() {
    let app = spawn_app().await;
    app.add_candidate("second@example.org").await;
    let owner = app.browser();
    owner.sign_in(CANDIDATE).await;
    let (attempt, _) = owner.start_exam().await;

    let other = app.browser();
    other.sign_in("second@example.org").await;
    for path in ["items/1", "review", "break", "report"] {
        let page = other.visit(&format!("/attempts/{attempt}/{path}")).await;
        assert_eq!(
            page.status,
            StatusCode::NOT_FOUND,
            "{path} of another's attempt"
        );
        assert!(page.body.contains("does not exist or is not yours"));
    }
    let r = other.get(&format!("/attempts/{attempt}")).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let answer = other
        .post(
            &format!("/attempts/{attempt}/items/1/answer"),
            &[("seq", "1"), ("choice", "A")],
        )
        .await;
    assert_eq!(answer.status(), StatusCode::NOT_FOUND);
    let submit = other
        .post(
            &format!("/attempts/{attempt}/submit"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(submit.status(), StatusCode::NOT_FOUND);

    let pool = app.db().await;
    let (status, logged): (String, i64) = sqlx::query_as(
        "SELECT a.status, (SELECT COUNT(*) FROM response_log r WHERE r.attempt_id = a.id) FROM attempts a WHERE a.id = $1",
    )
    .bind(&attempt)
    .fetch_one(&pool)
    .await
    .expect("attempt");
    assert_eq!(
        (status.as_str(), logged),
        ("in_progress", 0),
        "nothing changed"
    );
    pool.close().await;

    let anonymous = app.browser();
    let r = anonymous.get(&format!("/attempts/{attempt}/items/1")).await;
    assert!(
        r.status().is_redirection(),
        "anonymous visitors are sent to sign in"
    );
    app.cleanup().await;
}

/// What a role gets from a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gets {
    /// The page (200), or the action done (a redirect that is not to sign-in).
    Yes,
    /// Sent to sign in (a redirect to /signin).
    SignIn,
    /// Refused: 403.
    Refused,
}

use Gets::{Refused, SignIn, Yes};

/// Every route of the app by role: anonymous, candidate, vendor, staff, administrator. Each
/// state-changing route gets a well-formed form, so the answer is about the role and not
/// about the form. Forms that would change something use ids that do not exist: a role that
/// may use the route gets past the role check to "not found" (404), counted as `Yes`.
#[tokio::test]
async fn each_role_reaches_exactly_what_it_should() {
    let app = spawn_app().await;
    app.add_user(
        "admin@example.org",
        "Ada Admin",
        certamen_app::dto::Role::Admin,
    )
    .await;
    let missing_attempt = "0123456789abcdef0123456789abcdef";
    // (method, path, form, [anonymous, candidate, vendor, staff, admin])
    let table: Vec<(&str, String, Vec<(&str, &str)>, [Gets; 5])> = vec![
        ("GET", "/signin".into(), vec![], [Yes, Yes, Yes, Yes, Yes]),
        (
            "GET",
            "/account/new".into(),
            vec![],
            [Yes, Yes, Yes, Yes, Yes],
        ),
        (
            "GET",
            "/registry?q=Dana".into(),
            vec![],
            [Yes, Yes, Yes, Yes, Yes],
        ),
        (
            "GET",
            "/settings/display".into(),
            vec![],
            [Yes, Yes, Yes, Yes, Yes],
        ),
        ("GET", "/healthz".into(), vec![], [Yes, Yes, Yes, Yes, Yes]),
        (
            "GET",
            "/dashboard".into(),
            vec![],
            [SignIn, Yes, Yes, Yes, Yes],
        ),
        (
            "GET",
            "/settings/passkeys".into(),
            vec![],
            [SignIn, Yes, Yes, Yes, Yes],
        ),
        (
            "GET",
            "/exams/peer-support/instructions".into(),
            vec![],
            [SignIn, Yes, Yes, Yes, Yes],
        ),
        (
            "GET",
            "/application".into(),
            vec![],
            [SignIn, Yes, Refused, Refused, Refused],
        ),
        (
            "GET",
            "/accommodations".into(),
            vec![],
            [SignIn, Yes, Refused, Refused, Refused],
        ),
        (
            "GET",
            "/staff/applications".into(),
            vec![],
            [SignIn, Refused, Refused, Yes, Yes],
        ),
        (
            "GET",
            "/staff/accommodations".into(),
            vec![],
            [SignIn, Refused, Refused, Yes, Yes],
        ),
        (
            "GET",
            "/staff/training-providers".into(),
            vec![],
            [SignIn, Refused, Refused, Yes, Yes],
        ),
        (
            "GET",
            "/staff/results".into(),
            vec![],
            [SignIn, Refused, Refused, Yes, Yes],
        ),
        (
            "GET",
            "/staff/certifications".into(),
            vec![],
            [SignIn, Refused, Refused, Yes, Yes],
        ),
        (
            "GET",
            "/vendor/items".into(),
            vec![],
            [SignIn, Refused, Yes, Refused, Yes],
        ),
        (
            "GET",
            "/vendor/items/PS-C01-001".into(),
            vec![],
            [SignIn, Refused, Yes, Refused, Yes],
        ),
        (
            "GET",
            "/vendor/items/PS-C01-001/edit".into(),
            vec![],
            [SignIn, Refused, Yes, Refused, Yes],
        ),
        // Exams are for candidates with an approved application (the others have none).
        (
            "POST",
            "/exams/peer-support/attempts".into(),
            vec![],
            [SignIn, Yes, Refused, Refused, Refused],
        ),
        (
            "POST",
            "/staff/applications/999999/decision".into(),
            vec![("decision", "approve")],
            [SignIn, Refused, Refused, Yes, Yes],
        ),
        (
            "POST",
            "/staff/accommodations/999999/decision".into(),
            vec![("decision", "deny"), ("note", "x")],
            [SignIn, Refused, Refused, Yes, Yes],
        ),
        (
            "POST",
            "/staff/training-providers/999999/active".into(),
            vec![("active", "0")],
            [SignIn, Refused, Refused, Yes, Yes],
        ),
        (
            "POST",
            format!("/staff/results/{missing_attempt}/release"),
            vec![],
            [SignIn, Refused, Refused, Yes, Yes],
        ),
        (
            "POST",
            format!("/staff/results/{missing_attempt}/invalidate"),
            vec![("reason", "x")],
            [SignIn, Refused, Refused, Yes, Yes],
        ),
        (
            "POST",
            "/staff/certifications/999999/status".into(),
            vec![("action", "revoke"), ("reason", "x")],
            [SignIn, Refused, Refused, Yes, Yes],
        ),
        (
            "POST",
            "/vendor/items/NO-SUCH-ITEM/status".into(),
            vec![("action", "submit"), ("base_version", "1")],
            [SignIn, Refused, Yes, Refused, Yes],
        ),
    ];
    let roles = [
        None,
        Some(CANDIDATE),
        Some("vendor@demo.certamen.test"),
        Some("staff@demo.certamen.test"),
        Some("admin@example.org"),
    ];
    let mut wrong = Vec::new();
    for (r, who) in roles.iter().enumerate() {
        let browser = app.browser();
        if let Some(email) = who {
            browser.sign_in(email).await;
        }
        for (method, path, form, expected) in &table {
            let response = match *method {
                "GET" => browser.get(path).await,
                _ => browser.post(path, form).await,
            };
            let status = response.status();
            let location = response
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok())
                .unwrap_or("")
                .to_string();
            let got = if status.is_redirection() && location.starts_with("/signin") {
                SignIn
            } else if status == StatusCode::FORBIDDEN {
                Refused
            } else if status.is_success()
                || status.is_redirection()
                || status == StatusCode::NOT_FOUND
            {
                Yes
            } else {
                wrong.push(format!("{method} {path} as {who:?}: unexpected {status}"));
                continue;
            };
            if got != expected[r] {
                wrong.push(format!(
                    "{method} {path} as {}: expected {:?}, got {got:?} ({status} {location})",
                    who.unwrap_or("anonymous"),
                    expected[r]
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    app.cleanup().await;
}
