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

/// One route of the table: method, path, the form sent, and what each role gets (anonymous,
/// candidate, vendor, staff, administrator).
type Route<'a> = (&'a str, String, Vec<(&'a str, &'a str)>, [Gets; 5]);

/// Every route of the app by role: anonymous, candidate, vendor, staff, administrator. Forms
/// that would change something use ids that do not exist or values the handler refuses: a
/// role that may use the route gets past the role check to the handler's own answer (400, 404,
/// 409), counted as `Yes`; a role that may not gets 403 whatever it sends.
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
    let table: Vec<Route> = vec![
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
            "/staff/statistics".into(),
            vec![],
            [SignIn, Refused, Refused, Yes, Yes],
        ),
        (
            "GET",
            "/staff/statistics/csv/region".into(),
            vec![],
            [SignIn, Refused, Refused, Yes, Yes],
        ),
        (
            "GET",
            "/staff/rescoring".into(),
            vec![],
            [SignIn, Refused, Refused, Yes, Yes],
        ),
        (
            "GET",
            "/staff/item-health".into(),
            vec![],
            [SignIn, Refused, Refused, Yes, Yes],
        ),
        (
            "POST",
            "/staff/item-health/calibrate".into(),
            vec![("model", "9pl")],
            [SignIn, Refused, Refused, Yes, Yes],
        ),
        (
            "POST",
            "/staff/calibrations/999999/decision".into(),
            vec![("decision", "accept")],
            [SignIn, Refused, Refused, Yes, Yes],
        ),
        (
            "GET",
            "/staff/complaints".into(),
            vec![],
            [SignIn, Refused, Refused, Yes, Yes],
        ),
        (
            "POST",
            "/staff/complaints".into(),
            vec![
                ("number", "PSS-NONE"),
                ("complainant", "x"),
                ("summary", "y"),
            ],
            [SignIn, Refused, Refused, Yes, Yes],
        ),
        (
            "POST",
            "/staff/complaints/999999".into(),
            vec![("step", "investigate")],
            [SignIn, Refused, Refused, Yes, Yes],
        ),
        (
            "POST",
            "/staff/rescoring/apply".into(),
            vec![
                ("item", "NOPE"),
                ("version", "1"),
                ("change", "drop"),
                ("reason", "r"),
                ("digest", "d"),
            ],
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
            "GET",
            "/staff/proposals".into(),
            vec![],
            [SignIn, Refused, Refused, Yes, Yes],
        ),
        (
            "POST",
            "/staff/proposals/999999/decision".into(),
            vec![("decision", "approve")],
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
            "/staff/certifications/999999/renewal".into(),
            vec![("ce_hours", "24"), ("law_ethics_hours", "8")],
            [SignIn, Refused, Refused, Yes, Yes],
        ),
        (
            "GET",
            "/admin/accounts".into(),
            vec![],
            [SignIn, Refused, Refused, Refused, Yes],
        ),
        (
            "POST",
            "/admin/accounts".into(),
            vec![
                ("name", "X"),
                ("email", "x@example.org"),
                ("role", "candidate"),
                ("password", "0123456789"),
            ],
            [SignIn, Refused, Refused, Refused, Yes],
        ),
        (
            "POST",
            "/admin/accounts/999999".into(),
            vec![("change", "disable")],
            [SignIn, Refused, Refused, Refused, Yes],
        ),
        (
            "POST",
            "/admin/accounts/999999/enrolment-code".into(),
            vec![],
            [SignIn, Refused, Refused, Refused, Yes],
        ),
        (
            "GET",
            "/settings/password".into(),
            vec![],
            [SignIn, Yes, Yes, Yes, Yes],
        ),
        (
            "POST",
            "/settings/password".into(),
            vec![
                ("current", "not the password"),
                ("new", "0123456789"),
                ("repeat", "0123456789"),
            ],
            [SignIn, Yes, Yes, Yes, Yes],
        ),
        (
            "GET",
            "/account/confirm?token=0".into(),
            vec![],
            [Yes, Yes, Yes, Yes, Yes],
        ),
        (
            "POST",
            "/account/confirm".into(),
            vec![("token", "0")],
            [Yes, Yes, Yes, Yes, Yes],
        ),
        // Recovery is for people who cannot sign in: open to all, telling nobody anything.
        (
            "GET",
            "/signin/forgot".into(),
            vec![],
            [Yes, Yes, Yes, Yes, Yes],
        ),
        (
            "GET",
            "/signin/reset?token=0".into(),
            vec![],
            [Yes, Yes, Yes, Yes, Yes],
        ),
        (
            "POST",
            "/auth/recovery".into(),
            vec![("email", "nobody@example.org")],
            [Yes, Yes, Yes, Yes, Yes],
        ),
        (
            "POST",
            "/auth/reset".into(),
            vec![
                ("token", "0"),
                ("new", "0123456789"),
                ("repeat", "0123456789"),
            ],
            [Yes, Yes, Yes, Yes, Yes],
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
            // To the sign-in page itself (not its forgotten-password pages).
            let to_sign_in = location == "/signin" || location.starts_with("/signin?");
            let got = if status.is_redirection() && to_sign_in {
                SignIn
            } else if status == StatusCode::FORBIDDEN {
                Refused
            } else if !status.is_server_error() {
                // Past the role check: the page, the action, or the handler's own answer about
                // the form or the record (400, 404, 409).
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

/// An administrator creates a staff account, moves it to vendor, disables it (its open session
/// stops at once) and enables it again; each step is in the audit log, and mistakes and the
/// administrator's own account are refused with nothing recorded.
#[tokio::test]
async fn an_administrator_manages_staff_and_vendor_accounts() {
    let app = spawn_app().await;
    app.add_user(
        "admin@example.org",
        "Ada Admin",
        certamen_app::dto::Role::Admin,
    )
    .await;
    let admin = app.browser();
    admin.sign_in("admin@example.org").await;
    let page = admin.visit("/admin/accounts").await;
    assert!(page.body.contains("staff@demo.certamen.test") && !page.body.contains(CANDIDATE));

    for (form, words) in [
        (
            vec![
                ("name", " "),
                ("email", "nope"),
                ("role", "candidate"),
                ("password", "short"),
            ],
            vec!["name:", "email:", "password:", "role:"],
        ),
        (
            vec![
                ("name", "Twin"),
                ("email", "STAFF@demo.certamen.test"),
                ("role", "staff"),
                ("password", "0123456789"),
            ],
            vec!["already exists"],
        ),
    ] {
        let r = admin.post("/admin/accounts", &form).await;
        assert!(r.status().is_client_error(), "{form:?}");
        let body = r.text().await.expect("body");
        for w in words {
            assert!(
                body.contains(w) && body.contains("Nothing was recorded"),
                "{w}: {body}"
            );
        }
    }
    let created = admin
        .submit(
            "/admin/accounts",
            &[
                ("name", "Nina New"),
                ("email", "Nina@Example.org"),
                ("role", "staff"),
                ("password", "a temporary one"),
            ],
        )
        .await;
    assert!(created.body.contains("Recorded: created nina@example.org"));
    let pool = app.db().await;
    let id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = 'nina@example.org'")
        .fetch_one(&pool)
        .await
        .expect("created");

    let nina = app.browser();
    let signed = nina
        .submit(
            "/auth/signin",
            &[
                ("email", "nina@example.org"),
                ("password", "a temporary one"),
            ],
        )
        .await;
    // The administrator's password is temporary: she chooses her own first.
    assert!(
        signed.url.ends_with("/settings/password") && signed.body.contains("Choose your own"),
        "{}",
        signed.url
    );
    let own = nina
        .submit(
            "/settings/password",
            &[
                ("current", "a temporary one"),
                ("new", "nina's own passphrase"),
                ("repeat", "nina's own passphrase"),
            ],
        )
        .await;
    assert!(
        own.body.contains("Your password is changed"),
        "{}",
        own.body
    );
    assert_eq!(nina.visit("/staff/results").await.status, StatusCode::OK);

    let path = format!("/admin/accounts/{id}");
    admin
        .submit(&path, &[("change", "role"), ("role", "vendor")])
        .await;
    assert_eq!(
        nina.visit("/staff/results").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(nina.visit("/vendor/items").await.status, StatusCode::OK);

    admin.submit(&path, &[("change", "disable")]).await;
    let after = nina.get("/dashboard").await;
    assert!(after.status().is_redirection(), "the open session stops");
    let again = nina
        .submit(
            "/auth/signin",
            &[
                ("email", "nina@example.org"),
                ("password", "a temporary one"),
            ],
        )
        .await;
    assert!(
        !again.url.ends_with("/dashboard"),
        "a disabled account cannot sign in"
    );
    let twice = admin.post(&path, &[("change", "disable")]).await;
    assert_eq!(twice.status(), StatusCode::CONFLICT);
    admin.submit(&path, &[("change", "enable")]).await;

    // Not the administrator's own account, not a candidate's, not a role there is not.
    let own: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = 'admin@example.org'")
        .fetch_one(&pool)
        .await
        .expect("admin");
    let r = admin
        .post(&format!("/admin/accounts/{own}"), &[("change", "disable")])
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let candidate: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(CANDIDATE)
        .fetch_one(&pool)
        .await
        .expect("candidate");
    let r = admin
        .post(
            &format!("/admin/accounts/{candidate}"),
            &[("change", "disable")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let r = admin
        .post(&path, &[("change", "role"), ("role", "candidate")])
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE subject = 'user:nina@example.org' ORDER BY seq",
    )
    .fetch_all(&pool)
    .await
    .expect("audit");
    assert_eq!(
        actions,
        [
            "account.create",
            "password.change",
            "account.role",
            "account.disable",
            "account.enable"
        ]
    );
    app.cleanup().await;
}

/// As a real program runs: staff and administrators who signed in with a password reach
/// none of their pages or forms until they sign in with a passkey (the passkey sign-in
/// itself is checked in the browser, with Chromium's virtual authenticator); they can still
/// add a passkey. Vendors and candidates are not held to it.
#[tokio::test]
async fn staff_and_administrators_signed_in_with_a_password_need_a_passkey() {
    let app = crate::helpers::spawn_app_passkeys_for_staff().await;
    for (email, pages) in [
        (
            "staff@demo.certamen.test",
            vec!["/staff/results", "/staff/statistics", "/staff/complaints"],
        ),
        (
            "admin@demo.certamen.test",
            vec!["/admin/accounts", "/staff/results"],
        ),
    ] {
        let b = app.browser();
        let dashboard = b.sign_in(email).await;
        assert!(
            dashboard
                .body
                .contains("Sign in with a passkey for the staff pages"),
            "{email}: the dashboard says what to do"
        );
        for path in pages {
            let page = b.visit(path).await;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "{email} {path}");
            assert!(
                crate::helpers::unescape(&page.body).contains("need a sign-in with a passkey"),
                "{email} {path}: {}",
                page.body
            );
        }
        let form = b
            .post(
                "/staff/complaints",
                &[("number", "PSS-X"), ("complainant", "x"), ("summary", "y")],
            )
            .await;
        assert_eq!(form.status(), StatusCode::FORBIDDEN, "{email}: forms too");
        assert_eq!(
            b.visit("/settings/passkeys").await.status,
            StatusCode::OK,
            "{email} may add a passkey"
        );
    }
    let vendor = app.browser();
    let dashboard = vendor.sign_in("vendor@demo.certamen.test").await;
    assert!(!dashboard
        .body
        .contains("Sign in with a passkey for the staff pages"));
    assert_eq!(vendor.visit("/vendor/items").await.status, StatusCode::OK);
    let candidate = app.browser();
    candidate.sign_in(CANDIDATE).await;
    assert_eq!(candidate.visit("/dashboard").await.status, StatusCode::OK);
    app.cleanup().await;
}

/// Every server function the app registers, called as each role with arguments that reach
/// past parsing (unknown fields are ignored, ids name nothing), checked against this table. A
/// server function missing from the table fails the test: each new one must be classified.
#[tokio::test]
async fn every_server_function_answers_each_role_as_the_table_says() {
    let app = spawn_app().await;
    app.add_user(
        "admin@example.org",
        "Ada Admin",
        certamen_app::dto::Role::Admin,
    )
    .await;
    let everyone = [Yes, Yes, Yes, Yes, Yes];
    let signed_in = [SignIn, Yes, Yes, Yes, Yes];
    let staff = [SignIn, Refused, Refused, Yes, Yes];
    let vendor = [SignIn, Refused, Yes, Refused, Yes];
    let admin = [SignIn, Refused, Refused, Refused, Yes];
    let candidate = [SignIn, Yes, Refused, Refused, Refused];
    let table: std::collections::HashMap<&str, [Gets; 5]> = [
        ("load_register_form", everyone),
        ("load_display", everyone),
        ("search_registry", everyone),
        ("load_dashboard", signed_in),
        ("load_passkeys", signed_in),
        ("load_accommodations", candidate),
        ("load_application", candidate),
        ("load_instructions", signed_in),
        ("load_item", signed_in),
        ("save_answer", signed_in),
        ("strike_option", signed_in),
        ("load_break", signed_in),
        ("load_review", signed_in),
        ("load_report", signed_in),
        ("load_bank_view", vendor),
        ("load_item_detail", vendor),
        ("load_staff_accommodations", staff),
        ("load_staff_applications", staff),
        ("load_certifications", staff),
        ("load_complaints", staff),
        ("load_item_health", staff),
        ("load_providers", staff),
        ("load_rescoring", staff),
        ("load_results", staff),
        ("load_statistics", staff),
        ("load_accounts", admin),
        ("load_password_page", signed_in),
        ("load_proposals", staff),
    ]
    .into_iter()
    .collect();
    let form = [
        ("competency", ""),
        ("status", ""),
        ("language", ""),
        ("q", ""),
        ("page", ""),
        ("id", "PS-C01-01"),
        ("compare", ""),
        ("attempt_id", "0123456789abcdef0123456789abcdef"),
        ("position", "1"),
        ("choices", "A"),
        ("flagged", "false"),
        ("seq", "1"),
        ("letter", "A"),
        ("query", "Dana"),
        ("exam", ""),
        ("exam_id", "peer-support"),
        ("from", ""),
        ("to", ""),
        ("item", ""),
        ("version", ""),
        ("change", ""),
        ("key", ""),
        ("reason", ""),
        ("state", ""),
        ("outcome", ""),
    ];
    let roles = [
        None,
        Some(CANDIDATE),
        Some("vendor@demo.certamen.test"),
        Some("staff@demo.certamen.test"),
        Some("admin@example.org"),
    ];
    let functions = certamen_app::server::startup::server_functions();
    assert!(functions.len() >= table.len(), "{functions:?}");
    let mut mismatches = Vec::new();
    for (k, role) in roles.iter().enumerate() {
        let b = app.browser();
        if let Some(email) = role {
            b.sign_in(email).await;
        }
        for (path, method) in &functions {
            // The registered path is /api/NAME followed by a hash of the function.
            let name = path
                .trim_start_matches("/api/")
                .trim_end_matches(|c: char| c.is_ascii_digit());
            let Some(expected) = table.get(name) else {
                panic!("server function {name} ({path}) is not in the access table");
            };
            assert_eq!(method, "POST", "{name}");
            let r = b
                .client
                .post(format!("{}{path}", b.app))
                .form(&form)
                .send()
                .await
                .expect("POST");
            let status = r.status();
            let location = r
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            let body = r.text().await.unwrap_or_default();
            let got = if status == StatusCode::FORBIDDEN {
                Refused
            } else if (status.is_redirection() && location.contains("/signin"))
                || status == StatusCode::UNAUTHORIZED
                || body.contains("/signin")
            {
                SignIn
            } else {
                Yes
            };
            assert!(
                !status.is_server_error(),
                "{name} as {role:?}: {status} {body}"
            );
            if got != expected[k] {
                mismatches.push(format!(
                    "{name} as {role:?}: {got:?} ({status}), table says {:?}",
                    expected[k]
                ));
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    app.cleanup().await;
}
