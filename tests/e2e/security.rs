//! Hostile input at the edge: security headers on every kind of response, session cookies,
//! requests from another site refused before they change anything, and password guessing held
//! back with a clear message.

use reqwest::header::{CONTENT_SECURITY_POLICY, ORIGIN, SET_COOKIE};
use reqwest::StatusCode;

use crate::helpers::{spawn_app, CANDIDATE, PASSWORD};

fn header(r: &reqwest::Response, name: &str) -> String {
    r.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

#[tokio::test]
async fn every_response_carries_the_security_headers_and_pages_a_nonce_policy() {
    let app = spawn_app().await;
    let b = app.browser();
    let page = b.get("/signin").await;
    let csp = header(&page, CONTENT_SECURITY_POLICY.as_str());
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    let script_src = csp
        .split(';')
        .find(|d| d.trim().starts_with("script-src"))
        .expect("a script-src");
    assert!(!script_src.contains("unsafe-inline"), "{script_src}");
    let nonce = script_src
        .split("'nonce-")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .expect("the page's policy names a nonce")
        .to_string();
    assert_eq!(header(&page, "x-frame-options"), "DENY");
    assert_eq!(header(&page, "x-content-type-options"), "nosniff");
    assert_eq!(header(&page, "referrer-policy"), "same-origin");
    let body = page.text().await.expect("body");
    // Every inline script carries this render's nonce.
    for tag in body.split("<script").skip(1) {
        let open = tag.split('>').next().unwrap_or("");
        if !open.contains("src=") {
            assert!(
                open.contains(&format!("nonce=\"{nonce}\"")),
                "an inline script without the nonce: <script{open}>"
            );
        }
    }
    // A second render has another nonce.
    let again = header(&b.get("/signin").await, CONTENT_SECURITY_POLICY.as_str());
    assert!(!again.contains(&nonce), "a fresh nonce each page");
    // Responses Leptos does not render get the strict default policy.
    for path in ["/healthz", "/assets/certamen.css", "/no-such-page"] {
        let r = b.get(path).await;
        let csp = header(&r, CONTENT_SECURITY_POLICY.as_str());
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("script-src"),
            "{path}: {csp}"
        );
        assert_eq!(header(&r, "x-content-type-options"), "nosniff", "{path}");
    }
    // The session cookie: HttpOnly and SameSite; Secure exactly when people use https.
    let signed = b
        .post(
            "/auth/signin",
            &[("email", CANDIDATE), ("password", PASSWORD)],
        )
        .await;
    let cookie = header(&signed, SET_COOKIE.as_str());
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let remote = certamen_app::server::config::Config::new(
        "0.0.0.0:8080".parse().expect("address"),
        "sqlite::memory:".into(),
    );
    assert!(
        !remote.secure_cookies,
        "a plain-HTTP site's cookies must come back: the bind address does not decide"
    );
    assert!(
        remote
            .with_public_url("https://exam.example.org".into())
            .secure_cookies,
        "an https site marks cookies Secure (and sends HSTS)"
    );
    assert!(
        signed.headers().get("strict-transport-security").is_none(),
        "no HSTS over plain HTTP"
    );
    app.cleanup().await;
}

#[tokio::test]
async fn a_request_from_another_site_changes_nothing() {
    let app = spawn_app().await;
    let b = app.browser();
    b.sign_in(CANDIDATE).await;
    let (attempt, first) = b.start_exam().await;
    let q = crate::helpers::parse_question(&first.body);
    let answer = format!("/attempts/{attempt}/items/1/answer");
    let form = [("seq", q.seq.as_str()), ("choice", "A"), ("go", "stay")];
    for (name, value) in [
        ("origin", "https://evil.example"),
        ("origin", "null"),
        ("referer", "https://evil.example/page"),
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-site"),
    ] {
        let r = b
            .client
            .post(format!("{}{answer}", b.app))
            .header(name, value)
            .header(reqwest::header::ACCEPT, "text/html")
            .form(&form)
            .send()
            .await
            .expect("POST");
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{name}: {value}");
        assert!(
            r.text()
                .await
                .expect("body")
                .contains("came from another site"),
            "{name}: {value}: the page says why"
        );
    }
    // Signing out from another site does nothing either.
    let r = b
        .client
        .post(format!("{}/auth/signout", b.app))
        .header(ORIGIN, "https://evil.example")
        .send()
        .await
        .expect("POST");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let pool = app.db().await;
    let saved: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM response_log WHERE attempt_id = $1")
        .bind(&attempt)
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(saved, 0, "nothing was saved");
    // The same post from this site works, still signed in.
    let r = b
        .client
        .post(format!("{}{answer}", b.app))
        .header(ORIGIN, b.app.as_str())
        .header("sec-fetch-site", "same-origin")
        .form(&form)
        .send()
        .await
        .expect("POST");
    assert!(r.status().is_redirection(), "{}", r.status());
    let saved: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM response_log WHERE attempt_id = $1")
        .bind(&attempt)
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(saved, 1);
    app.cleanup().await;
}
