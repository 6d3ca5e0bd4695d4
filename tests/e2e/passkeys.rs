//! Passkeys over HTTP: the ceremony's start answers, and every way a finish can be refused
//! without storing anything. (The whole ceremony with a device is checked in the browser,
//! against Chromium's virtual authenticator.)

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{post_json, spawn_app, CANDIDATE};

#[tokio::test]
async fn passkey_ceremonies_start_for_the_right_people_and_refuse_bad_answers() {
    let app = spawn_app().await;
    let pool = app.db().await;
    let stored = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM passkeys")
            .fetch_one(&pool)
            .await
            .expect("count")
    };

    // An unknown address and an account without a passkey get sign-in options of the same
    // shape (decoys no device holds; see account_security), never a refusal that tells them
    // apart from an account with passkeys.
    let visitor = app.browser();
    let (status, unknown) = post_json(
        &visitor,
        "/passkeys/sign-in/start",
        json!({ "email": "nobody@example.org" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, without) = post_json(
        &visitor,
        "/passkeys/sign-in/start",
        json!({ "email": CANDIDATE }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(unknown["publicKey"]["allowCredentials"].is_array());
    assert!(without["publicKey"]["allowCredentials"].is_array());
    let (status, _) = post_json(&visitor, "/passkeys/sign-in/finish", json!({})).await;
    assert!(
        status.is_client_error(),
        "a finish without a body of the right shape is refused"
    );

    // Adding one needs a signed-in person and a name.
    let (status, _) = post_json(
        &visitor,
        "/passkeys/register/start",
        json!({ "name": "Phone" }),
    )
    .await;
    assert!(
        status.is_redirection() || status == StatusCode::UNAUTHORIZED,
        "{status}"
    );
    let candidate = app.browser();
    candidate.sign_in(CANDIDATE).await;
    let (status, body) = post_json(
        &candidate,
        "/passkeys/register/start",
        json!({ "name": "  " }),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]
        .as_str()
        .unwrap_or("")
        .contains("Name the passkey"));
    let (status, options) = post_json(
        &candidate,
        "/passkeys/register/start",
        json!({ "name": "My phone" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{options}");
    let pk = &options["publicKey"];
    assert_eq!(pk["rp"]["id"], "localhost");
    assert_eq!(pk["user"]["name"], CANDIDATE);
    assert!(
        pk["challenge"].as_str().is_some_and(|c| c.len() >= 43),
        "a 32-byte challenge"
    );
    let handle = pk["user"]["id"].clone();

    // A well-formed answer that no device made is refused, and nothing is stored.
    let forged = json!({
        "id": "AAAA", "rawId": "AAAA", "type": "public-key",
        "response": { "attestationObject": "oWNmbXRkbm9uZQ", "clientDataJSON": "e30" },
        "extensions": {}
    });
    let (status, body) = post_json(&candidate, "/passkeys/register/finish", forged.clone()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["error"]
        .as_str()
        .unwrap_or("")
        .contains("could not be verified"));
    // The request is used up: a second answer to it is refused too.
    let (status, _) = post_json(&candidate, "/passkeys/register/finish", forged).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(stored().await, 0);

    // The user handle is random and stays the same from one ceremony to the next.
    let (_, again) = post_json(
        &candidate,
        "/passkeys/register/start",
        json!({ "name": "Laptop" }),
    )
    .await;
    assert_eq!(again["publicKey"]["user"]["id"], handle);
    assert_ne!(again["publicKey"]["challenge"], pk["challenge"]);

    // A ceremony belongs to the person who began it: signing in as someone else in the same
    // browser cannot finish it.
    let (status, _) = post_json(
        &candidate,
        "/passkeys/register/start",
        json!({ "name": "Tablet" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    candidate.submit("/auth/signout", &[]).await;
    candidate.sign_in("vendor@demo.certamen.test").await;
    let forged = json!({
        "id": "AAAA", "rawId": "AAAA", "type": "public-key",
        "response": { "attestationObject": "oWNmbXRkbm9uZQ", "clientDataJSON": "e30" },
        "extensions": {}
    });
    let (status, body) = post_json(&candidate, "/passkeys/register/finish", forged).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    candidate.submit("/auth/signout", &[]).await;
    candidate.sign_in(CANDIDATE).await;

    // Removing a passkey that is not yours (or not there) changes nothing.
    let r = candidate.post("/passkeys/12345/remove", &[]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let page = candidate.visit("/settings/passkeys").await;
    assert!(page.body.contains("You have no passkey yet."));
    pool.close().await;
}
