//! Account security (issue 30): sign-in limits that stop guessers and not owners, no answer
//! that tells whether an email has an account or a passkey, enrolment codes for a privileged
//! account's first passkey, and a signed-out person brought back to the page they opened.

use certamen_app::server::clock::Clock;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{
    location, post_json, spawn_app, spawn_app_behind_proxy, Browser, CANDIDATE, PASSWORD,
};

const PER_ACCOUNT: usize = certamen_app::server::sign_in_limits::PER_ACCOUNT as usize;

/// A password sign-in from `address` (the proxy's `X-Forwarded-For`); where it went.
async fn sign_in_from(b: &Browser, address: &str, email: &str, password: &str) -> String {
    let r = b
        .client
        .post(format!("{}/auth/signin", b.app))
        .header("accept", "text/html")
        .header("x-forwarded-for", address)
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .expect("sign-in answers");
    location(&r)
}

/// (a) A test centre: 150 failed sign-ins from one address in a few minutes do not stop a
/// right password from that address.
#[tokio::test]
async fn a_shared_address_never_stops_a_right_password() {
    let app = spawn_app_behind_proxy().await;
    let centre = "203.0.113.50";
    for batch in 0..6 {
        let guesses = (0..25).map(|k| {
            let b = app.browser();
            async move {
                let email = format!("nobody{batch}-{k}@example.org");
                sign_in_from(&b, centre, &email, "guess").await
            }
        });
        for answer in futures_join(guesses).await {
            assert_eq!(answer, "/signin?error=credentials");
        }
    }
    let candidate = app.browser();
    assert_eq!(
        sign_in_from(&candidate, centre, CANDIDATE, PASSWORD).await,
        "/dashboard",
        "a candidate at the centre signs in"
    );
    // The address's failures were counted (they slow its failed answers; see the unit tests).
    let pool = app.db().await;
    let counted: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sign_in_tries WHERE bucket = $1")
        .bind(format!("address:{centre}"))
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(counted, 150);
    pool.close().await;
    app.cleanup().await;
}

/// (b) and (c): 1,000 wrong guesses at one account from many addresses reach the password
/// check only `PER_ACCOUNT` times an hour, and do not stop the owner's usual browser.
#[tokio::test]
async fn guessers_get_a_fixed_budget_and_the_owners_browser_is_never_held() {
    let app = spawn_app_behind_proxy().await;
    let owner = app.browser();
    // The owner signed in from this browser before: it is known to the account.
    assert_eq!(
        sign_in_from(&owner, "198.51.100.7", CANDIDATE, PASSWORD).await,
        "/dashboard"
    );
    owner.submit("/auth/signout", &[]).await;

    let guesser = app.browser();
    let mut answers = std::collections::BTreeMap::<String, usize>::new();
    for k in 0..1000 {
        let address = format!("10.{}.{}.{}", k / 65536, (k / 256) % 256, k % 256);
        let answer = sign_in_from(&guesser, &address, CANDIDATE, &format!("guess {k}")).await;
        *answers.entry(answer).or_default() += 1;
    }
    assert_eq!(
        answers.get("/signin?error=credentials"),
        Some(&PER_ACCOUNT),
        "{answers:?}"
    );
    assert_eq!(
        answers.values().sum::<usize>(),
        1000,
        "every other guess was held: {answers:?}"
    );
    assert!(answers
        .keys()
        .all(|a| a == "/signin?error=credentials" || a.starts_with("/signin?error=held")));
    // The guesser's budget is spent: even the right password is held for it...
    let held = sign_in_from(&guesser, "10.9.9.9", CANDIDATE, PASSWORD).await;
    assert!(held.starts_with("/signin?error=held&minutes="), "{held}");
    let page = guesser.visit(&held).await;
    assert!(page.body.contains("Too many sign-ins"), "{}", page.body);
    // ... while the owner's usual browser signs in.
    assert_eq!(
        sign_in_from(&owner, "198.51.100.7", CANDIDATE, PASSWORD).await,
        "/dashboard"
    );
    // An hour on, the account's budget is back.
    app.clock
        .advance_ms(certamen_app::server::sign_in_limits::WINDOW_MS + 1);
    assert_eq!(
        sign_in_from(&guesser, "10.9.9.9", CANDIDATE, "still guessing").await,
        "/signin?error=credentials"
    );
    app.cleanup().await;
}

/// The check and the count are one step: 50 guesses sent at once reach the password check
/// exactly `PER_ACCOUNT` times.
#[tokio::test]
async fn parallel_guesses_are_all_counted() {
    let app = spawn_app().await;
    let guesses = (0..50).map(|k| {
        let b = app.browser();
        async move {
            let r = b
                .post(
                    "/auth/signin",
                    &[("email", CANDIDATE), ("password", &format!("guess {k}"))],
                )
                .await;
            location(&r)
        }
    });
    let answers = futures_join(guesses).await;
    let checked = answers
        .iter()
        .filter(|a| *a == "/signin?error=credentials")
        .count();
    let held = answers
        .iter()
        .filter(|a| a.starts_with("/signin?error=held"))
        .count();
    assert_eq!(
        (checked, held),
        (PER_ACCOUNT, 50 - PER_ACCOUNT),
        "{answers:?}"
    );
    app.cleanup().await;
}

/// Runs futures at once on this runtime and returns their outputs in order.
async fn futures_join<F, T>(futures: impl IntoIterator<Item = F>) -> Vec<T>
where
    F: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let handles: Vec<_> = futures.into_iter().map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.expect("task"));
    }
    out
}

/// The shape of a JSON value: its keys and the kinds of its leaves, not their contents.
fn shape(v: &Value) -> Value {
    match v {
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), shape(v))).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(shape).collect()),
        Value::String(_) => json!("string"),
        Value::Number(_) => json!("number"),
        other => other.clone(),
    }
}

/// (d) The passkey sign-in's start answers an unknown email and an account without a
/// passkey alike, and the same way each time.
#[tokio::test]
async fn a_passkey_sign_in_start_does_not_tell_whether_an_account_exists() {
    let app = spawn_app().await;
    let b = app.browser();
    let start = |email: &'static str| {
        let b = &b;
        async move { post_json(b, "/passkeys/sign-in/start", json!({ "email": email })).await }
    };
    let (s1, unknown) = start("nobody@example.org").await;
    let (s2, candidate) = start(CANDIDATE).await;
    assert_eq!((s1, s2), (StatusCode::OK, StatusCode::OK));
    assert_eq!(shape(&unknown), shape(&candidate), "{unknown} {candidate}");
    let id = |v: &Value| v["publicKey"]["allowCredentials"][0]["id"].clone();
    assert!(id(&unknown).as_str().is_some_and(|s| s.len() >= 20));
    // Stable per email (asking twice tells nothing), different between emails.
    let (_, again) = start("nobody@example.org").await;
    assert_eq!(id(&again), id(&unknown));
    assert_ne!(id(&candidate), id(&unknown));
    assert_ne!(
        again["publicKey"]["challenge"],
        unknown["publicKey"]["challenge"]
    );
    assert_eq!(unknown["publicKey"]["rpId"], "localhost");
    app.cleanup().await;
}

/// A staff account's first passkey needs the one-time enrolment code; a password alone cannot
/// add one. The code an administrator issues is shown once, audited, single use, tied to its
/// account, superseded by a newer one and void after 24 hours.
#[tokio::test]
async fn a_privileged_accounts_first_passkey_needs_an_enrolment_code() {
    let app = crate::helpers::spawn_app_passkeys_for_staff().await;
    let staff = app.browser();
    staff.sign_in("staff@demo.certamen.test").await;
    let start = |code: &str| {
        let staff = &staff;
        let body = json!({ "name": "Laptop", "code": code });
        async move { post_json(staff, "/passkeys/register/start", body).await }
    };
    // The password thief's attempt.
    let (status, body) = start("").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body["error"]
        .as_str()
        .unwrap_or("")
        .contains("enrolment code"));
    let (status, _) = start("AAAA-AAAA-AAAA-AAAA").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let page = staff.visit("/settings/passkeys").await;
    assert!(page.body.contains("Enrolment code"), "the page asks for it");

    let db = certamen_app::server::db::Db::connect(&app.database_url, 2)
        .await
        .expect("db");
    let now = app.clock.now_ms();
    use certamen_app::server::enrolment::issue_by_operator;
    let vendor_code = issue_by_operator(&db, "vendor@demo.certamen.test", now)
        .await
        .expect("code")
        .code;
    // Another account's code is no good.
    let (status, _) = start(&vendor_code).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let first = issue_by_operator(&db, "staff@demo.certamen.test", now)
        .await
        .expect("code")
        .code;
    let code = issue_by_operator(&db, "staff@demo.certamen.test", now)
        .await
        .expect("code")
        .code;
    let (status, _) = start(&first).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a newer code supersedes");
    // Typed loosely, the right code opens the ceremony.
    let (status, options) = start(&code.to_lowercase().replace('-', " ")).await;
    assert_eq!(status, StatusCode::OK, "{options}");
    assert_eq!(
        options["publicKey"]["user"]["name"],
        "staff@demo.certamen.test"
    );
    // A refused finish leaves the code unused (and adds nothing).
    let forged = json!({
        "id": "AAAA", "rawId": "AAAA", "type": "public-key",
        "response": { "attestationObject": "oWNmbXRkbm9uZQ", "clientDataJSON": "e30" },
        "extensions": {}
    });
    let (status, _) = post_json(&staff, "/passkeys/register/finish", forged).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let pool = app.db().await;
    let unused: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM enrolment_codes e JOIN users u ON u.id = e.user_id \
         WHERE u.email = 'staff@demo.certamen.test' AND e.used_at IS NULL AND e.expires_at > $1",
    )
    .bind(now)
    .fetch_one(&pool)
    .await
    .expect("count");
    assert_eq!(unused, 1);
    // A day on, it is void.
    app.clock
        .advance_ms(certamen_app::server::enrolment::VALID_MS + 1);
    let (status, _) = start(&code).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Each issue is in the audit log, by the operator; the codes themselves are nowhere.
    let issued: Vec<(String, String)> = sqlx::query_as(
        "SELECT actor, subject FROM audit_log WHERE action = 'account.enrolment_code' ORDER BY seq",
    )
    .fetch_all(&pool)
    .await
    .expect("audit");
    assert_eq!(issued.len(), 3);
    assert!(issued
        .iter()
        .all(|(actor, _)| actor == "operator (command line)"));
    let everything: Vec<String> = sqlx::query_scalar("SELECT details FROM audit_log")
        .fetch_all(&pool)
        .await
        .expect("audit");
    assert!(everything.iter().all(|d| !d.contains(&code)));
    // Candidates add passkeys without a code, as before.
    let candidate = app.browser();
    candidate.sign_in(CANDIDATE).await;
    let (status, _) = post_json(
        &candidate,
        "/passkeys/register/start",
        json!({ "name": "Phone" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    pool.close().await;
    app.cleanup().await;
}

/// What changed on an account's sign-in since its previous sign-in is on the dashboard at the
/// next one, once.
#[tokio::test]
async fn the_next_sign_in_shows_what_changed_on_the_account_since_the_last() {
    let app = crate::helpers::spawn_app_passkeys_for_staff().await;
    let staff = app.browser();
    let first = staff.sign_in("staff@demo.certamen.test").await;
    assert!(!first.body.contains("since you last signed in"));
    staff.submit("/auth/signout", &[]).await;
    app.clock.advance_ms(60_000);
    let db = certamen_app::server::db::Db::connect(&app.database_url, 2)
        .await
        .expect("db");
    certamen_app::server::enrolment::issue_by_operator(
        &db,
        "staff@demo.certamen.test",
        app.clock.now_ms(),
    )
    .await
    .expect("code");
    app.clock.advance_ms(60_000);
    let next = staff.sign_in("staff@demo.certamen.test").await;
    assert!(
        next.body
            .contains("issued a passkey enrolment code for your account"),
        "{}",
        next.body
    );
    staff.submit("/auth/signout", &[]).await;
    app.clock.advance_ms(60_000);
    let later = staff.sign_in("staff@demo.certamen.test").await;
    assert!(
        !later.body.contains("since you last signed in"),
        "shown once"
    );
    app.cleanup().await;
}

/// An administrator issues a code from the accounts page: shown once on the answer, never
/// cached, audited under the administrator's name.
#[tokio::test]
async fn an_administrator_issues_an_enrolment_code_from_the_accounts_page() {
    let app = spawn_app().await;
    let admin = app.browser();
    admin.sign_in("admin@demo.certamen.test").await;
    let pool = app.db().await;
    let staff_id: i64 =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'staff@demo.certamen.test'")
            .fetch_one(&pool)
            .await
            .expect("staff");
    let r = admin
        .post(&format!("/admin/accounts/{staff_id}/enrolment-code"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    let body = r.text().await.expect("body");
    assert!(
        body.contains("Enrolment code for staff@demo.certamen.test"),
        "{body}"
    );
    let (actor, subject): (String, String) = sqlx::query_as(
        "SELECT actor, subject FROM audit_log WHERE action = 'account.enrolment_code'",
    )
    .fetch_one(&pool)
    .await
    .expect("audited");
    assert_eq!(
        (actor.as_str(), subject.as_str()),
        ("admin@demo.certamen.test", "user:staff@demo.certamen.test")
    );
    // Candidates need none: refused with the reason, nothing recorded.
    let candidate_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(CANDIDATE)
        .fetch_one(&pool)
        .await
        .expect("candidate");
    let page = admin
        .submit(
            &format!("/admin/accounts/{candidate_id}/enrolment-code"),
            &[],
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(page.body.contains("without a code"), "{}", page.body);
    pool.close().await;
    app.cleanup().await;
}

/// A signed-out person opening a question's address (as after an expired session) is sent to
/// sign in, told why, and brought back to that page afterwards; staff and exam pages are never
/// kept in a cache.
#[tokio::test]
async fn a_signed_out_person_signs_in_and_returns_to_the_page_they_opened() {
    let app = spawn_app().await;
    let b = app.browser();
    b.sign_in(CANDIDATE).await;
    let (attempt, page) = b.start_exam().await;
    assert!(page.url.ends_with("/items/1"));
    let question = format!("/attempts/{attempt}/items/1");
    let r = b.get(&question).await;
    assert_eq!(
        r.headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    b.submit("/auth/signout", &[]).await;

    let r = b.get(&question).await;
    assert!(r.status().is_redirection(), "{}", r.status());
    let to = location(&r);
    assert!(to.starts_with("/signin?next="), "{to}");
    let signin = b.visit(&to).await;
    assert_eq!(signin.status, StatusCode::OK);
    assert!(signin.body.contains("Please sign in to continue"));
    assert!(
        signin.body.contains(&format!("value=\"{question}\"")),
        "the form carries the page: {}",
        signin.body
    );
    let r = b
        .post(
            "/auth/signin",
            &[
                ("email", CANDIDATE),
                ("password", PASSWORD),
                ("next", &question),
            ],
        )
        .await;
    assert_eq!(location(&r), question);
    // Another site's address is never a place to return to.
    let r = b
        .post(
            "/auth/signin",
            &[
                ("email", CANDIDATE),
                ("password", PASSWORD),
                ("next", "//evil.example/x"),
            ],
        )
        .await;
    assert_eq!(location(&r), "/dashboard");
    app.cleanup().await;
}
