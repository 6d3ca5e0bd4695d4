//! The audit log: staff decisions are recorded in the same transaction, the log refuses
//! changes, and `verify` finds an entry changed or removed behind the application's back.

use certamen_app::server::audit;
use certamen_app::server::db::Db;

use crate::helpers::spawn_app;

const STAFF: &str = "staff@demo.certamen.test";

#[tokio::test]
async fn staff_decisions_are_chained_in_the_log_and_tampering_shows() {
    let app = spawn_app().await;
    let pool = app.db().await;
    let request = app.candidate_requests_accommodation().await;
    let staff = app.browser();
    staff.sign_in(STAFF).await;
    // A refused decision records nothing.
    staff
        .post(
            &format!("/staff/accommodations/{request}/decision"),
            &[("decision", "deny")],
        )
        .await;
    // Entry 1 is the demo accounts' reset at start, by the operator.
    assert_eq!(
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM audit_log")
            .fetch_one(&pool)
            .await
            .expect("n"),
        1
    );
    staff
        .submit(
            &format!("/staff/accommodations/{request}/decision"),
            &[
                ("decision", "deny"),
                ("note", "Please send the letter itself."),
            ],
        )
        .await;
    staff
        .submit(
            "/staff/training-providers",
            &[("name", "North Coast Peer Institute")],
        )
        .await;
    let provider: i64 = sqlx::query_scalar(
        "SELECT id FROM training_providers WHERE name = 'North Coast Peer Institute'",
    )
    .fetch_one(&pool)
    .await
    .expect("provider");
    staff
        .submit(
            &format!("/staff/training-providers/{provider}/active"),
            &[("active", "0")],
        )
        .await;

    let entries: Vec<(i64, String, String, String, String)> = sqlx::query_as(
        "SELECT seq, actor, action, subject, details FROM audit_log WHERE seq > 1 ORDER BY seq",
    )
    .fetch_all(&pool)
    .await
    .expect("entries");
    let actions: Vec<(i64, &str, &str)> = entries
        .iter()
        .map(|e| (e.0, e.2.as_str(), e.3.as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            (
                2,
                "accommodation.deny",
                format!("accommodation_request:{request}").as_str()
            ),
            (
                3,
                "provider.list",
                format!("training_provider:{provider}").as_str()
            ),
            (
                4,
                "provider.remove",
                format!("training_provider:{provider}").as_str()
            ),
        ]
    );
    assert!(
        entries.iter().all(|e| e.1 == STAFF),
        "every entry names its actor"
    );
    assert!(entries[0].4.contains("Please send the letter itself."));

    // The demo accounts' reset at start is entry 1, by the operator, naming every account.
    let (actor, details): (String, String) = sqlx::query_as(
        "SELECT actor, details FROM audit_log WHERE seq = 1 AND action = 'demo.accounts_reset'",
    )
    .fetch_one(&pool)
    .await
    .expect("the reset is audited");
    assert_eq!(actor, "operator (command line)");
    assert!(details.contains(STAFF) && details.contains("admin@demo.certamen.test"));

    let db = Db::connect(&app.database_url, 2).await.expect("db");
    let intact = audit::verify(&db).await.expect("verify");
    assert_eq!((intact.entries, intact.broken.clone()), (4, None));
    // The last hash, kept elsewhere, finds its entry (and would miss it were the log cut short).
    assert_eq!(
        audit::holds(&db, &intact.last_hash).await.expect("holds"),
        Some(4)
    );
    assert_eq!(
        audit::holds(&db, &"f".repeat(64)).await.expect("holds"),
        None
    );

    // The application's connection cannot change or remove an entry.
    let update = sqlx::query("UPDATE audit_log SET details = '{}' WHERE seq = 1")
        .execute(&pool)
        .await;
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = sqlx::query("DELETE FROM audit_log WHERE seq = 1")
        .execute(&pool)
        .await;
    assert!(delete.unwrap_err().to_string().contains("append-only"));
    if std::env::var("CERTAMEN_TEST_DATABASE").as_deref() == Ok("postgres") {
        let truncate = sqlx::query("TRUNCATE audit_log").execute(&pool).await;
        assert!(truncate.unwrap_err().to_string().contains("append-only"));
    }

    // Someone with the database's own keys turns the guard off and edits: verify names the entry.
    let postgres = std::env::var("CERTAMEN_TEST_DATABASE").as_deref() == Ok("postgres");
    let unguard: &[&str] = if postgres {
        &["ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change"]
    } else {
        &[
            "DROP TRIGGER audit_log_no_update",
            "DROP TRIGGER audit_log_no_delete",
        ]
    };
    for sql in unguard {
        sqlx::query(sql).execute(&pool).await.expect("unguard");
    }
    sqlx::query("UPDATE audit_log SET details = '{\"note\":\"Approved.\"}' WHERE seq = 2")
        .execute(&pool)
        .await
        .expect("tamper");
    let found = audit::verify(&db).await.expect("verify");
    assert_eq!(found.broken.as_ref().map(|b| b.0), Some(2), "{found:?}");
    assert!(found.broken.unwrap().1.contains("changed"));
    // Put it back exactly and remove the middle entry instead.
    sqlx::query("UPDATE audit_log SET details = $1 WHERE seq = 2")
        .bind(&entries[0].4)
        .execute(&pool)
        .await
        .expect("restore");
    assert_eq!(audit::verify(&db).await.expect("verify").broken, None);
    sqlx::query("DELETE FROM audit_log WHERE seq = 3")
        .execute(&pool)
        .await
        .expect("remove");
    let found = audit::verify(&db).await.expect("verify");
    assert_eq!(found.broken.as_ref().map(|b| b.0), Some(4), "{found:?}");
    assert!(found.broken.unwrap().1.contains("missing"));
    db.pool.close().await;
    pool.close().await;
}
