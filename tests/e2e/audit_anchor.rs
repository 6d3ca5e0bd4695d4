//! The audit log's anchor: the running server signs checkpoints into a file outside the
//! database, and `verify` against them finds entries rewritten directly in SQL, with the
//! SHA-256 chain recomputed and the append-only triggers off, naming the first bad entry.

use std::time::Duration;

use certamen_app::server::audit::{self, Actor, Entry, GENESIS};
use certamen_app::server::audit_anchor::{self, Anchor, AnchorConfig};
use certamen_app::server::db::Db;

use crate::helpers::{spawn_app_with, Options};

const STAFF: &str = "staff@demo.certamen.test";

fn anchor_folder(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "certamen-anchor-{name}-{}-{:?}",
        std::process::id(),
        std::time::SystemTime::now()
    ));
    std::fs::create_dir_all(&dir).expect("folder");
    dir
}

async fn entries(db: &Db) -> Vec<Entry> {
    sqlx::query("SELECT * FROM audit_log ORDER BY seq")
        .fetch_all(&db.pool)
        .await
        .expect("entries")
        .iter()
        .map(|row| Entry::from_row(row).expect("an entry").0)
        .collect()
}

/// What someone holding the database's keys can do: turn the guard off and replace the whole
/// log with `wanted`, renumbered and with every hash recomputed so the chain is whole again.
async fn rewrite(db: &Db, wanted: &[Entry]) {
    let postgres = std::env::var("CERTAMEN_TEST_DATABASE").as_deref() == Ok("postgres");
    let unguard: &[&str] = if postgres {
        &["ALTER TABLE audit_log DISABLE TRIGGER USER"]
    } else {
        &[
            "DROP TRIGGER IF EXISTS audit_log_no_update",
            "DROP TRIGGER IF EXISTS audit_log_no_delete",
        ]
    };
    for sql in unguard {
        sqlx::query(sql).execute(&db.pool).await.expect("unguard");
    }
    sqlx::query("DELETE FROM audit_log")
        .execute(&db.pool)
        .await
        .expect("delete");
    let mut prev = GENESIS.to_string();
    for (n, e) in wanted.iter().enumerate() {
        let entry = Entry {
            seq: i64::try_from(n).expect("small") + 1,
            prev_hash: prev.clone(),
            ..e.clone()
        };
        prev = entry.hash();
        sqlx::query(
            "INSERT INTO audit_log (seq, at, actor_id, actor, action, subject, details, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(entry.seq)
        .bind(entry.at)
        .bind(entry.actor_id)
        .bind(&entry.actor)
        .bind(&entry.action)
        .bind(&entry.subject)
        .bind(&entry.details)
        .bind(&entry.prev_hash)
        .bind(&prev)
        .execute(&db.pool)
        .await
        .expect("insert");
    }
    let chain = audit::verify(db).await.expect("verify");
    assert_eq!(chain.broken, None, "the rewritten chain is whole again");
}

async fn append(db: &Db, now: i64, n: usize) {
    for i in 0..n {
        let mut tx = db.begin().await.expect("tx");
        audit::append_as(
            &mut tx,
            db.kind,
            now + i64::try_from(i).expect("small"),
            Actor {
                id: None,
                name: "tester",
            },
            "result.release",
            &format!("attempt:{i}"),
            serde_json::json!({ "i": i }),
        )
        .await
        .expect("append");
        tx.commit().await.expect("commit");
    }
}

#[tokio::test]
async fn the_running_server_signs_checkpoints_that_expose_a_rewritten_log() {
    let dir = anchor_folder("server");
    let config = AnchorConfig {
        every_entries: 1,
        every: Duration::from_secs(3600),
        ..AnchorConfig::in_folder(&dir)
    };
    let app = spawn_app_with(Options {
        staff_passwords: true,
        audit_anchor: Some(config.clone()),
        ..Options::default()
    })
    .await;
    // The key was made at start, private, with its public half beside it.
    assert!(config.key_file.is_file());
    let public = std::fs::read_to_string(audit_anchor::public_key_file(&config.key_file))
        .expect("public key file");
    let key = audit_anchor::parse_public_key(&public).expect("public key");

    // An audited decision through the web: the accommodation a candidate asked for, denied.
    let request = app.candidate_requests_accommodation().await;
    let pool = app.db().await;
    let staff = app.browser();
    staff.sign_in(STAFF).await;
    staff
        .submit(
            &format!("/staff/accommodations/{request}/decision"),
            &[("decision", "deny"), ("note", "Please send the letter.")],
        )
        .await;
    // The server's anchor job signs it within a few of its 100 ms passes.
    let mut signed = Vec::new();
    for _ in 0..100 {
        if config.log_file.exists() {
            signed = audit_anchor::read_log(&config.log_file).expect("log");
            if signed.iter().any(|c| c.seq >= 2) {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Entry 1 is the demo accounts' reset at start, entry 2 the decision.
    let signed: Vec<_> = signed.into_iter().filter(|c| c.seq >= 2).collect();
    assert!(!signed.is_empty());
    assert_eq!(signed.last().map(|c| c.seq), Some(2));
    let signed = audit_anchor::read_log(&config.log_file).expect("log");
    assert!(signed.iter().all(|c| c.is_signed_by(&key)));
    let db = Db::connect(&app.database_url, 2).await.expect("db");
    let report = audit_anchor::verify(&db, &signed, &key)
        .await
        .expect("verify");
    assert_eq!((report.anchored_to, report.broken), (2, None));

    // The note changed in SQL, the chain recomputed: the chain alone looks whole, the signed
    // checkpoint does not.
    let mut changed = entries(&db).await;
    changed[1].details = changed[1]
        .details
        .replace("Please send the letter.", "Approved.");
    rewrite(&db, &changed).await;
    let report = audit_anchor::verify(&db, &signed, &key)
        .await
        .expect("verify");
    assert_eq!(report.broken.as_ref().map(|b| b.0), Some(2), "{report:?}");

    // The server will not sign onto the rewritten log: its next checkpoint is refused.
    staff
        .submit(
            "/staff/training-providers",
            &[("name", "North Coast Peer Institute")],
        )
        .await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    let after = audit_anchor::read_log(&config.log_file).expect("log");
    assert_eq!(after, signed, "no checkpoint signs a rewritten log");

    db.pool.close().await;
    pool.close().await;
    app.cleanup().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn verify_names_the_first_entry_changed_removed_inserted_or_cut_off() {
    let dir = anchor_folder("verify");
    let config = AnchorConfig::in_folder(&dir);
    let app = spawn_app_with(Options::default()).await;
    let db = Db::connect(&app.database_url, 2).await.expect("db");
    let now = crate::helpers::START_MS;
    // Entry 1 is the demo accounts' reset at start; 11 more make 12.
    append(&db, now, 11).await;
    let (mut anchor, created) = Anchor::open(config.clone()).expect("anchor");
    assert!(created);
    // Not yet due (12 of 100 entries, the first checkpoint is due at once): forced here.
    assert_eq!(anchor.run_once(&db, now, true).await.expect("sign"), 12);
    append(&db, now + 100, 3).await;
    // Nothing signed twice, nothing due yet: 3 new entries, the last checkpoint a second old.
    assert_eq!(
        anchor.run_once(&db, now + 1_000, false).await.expect("no"),
        0
    );
    let log = audit_anchor::read_log(&config.log_file).expect("log");
    let key = audit_anchor::verifying_key(None, &config.key_file).expect("key");
    let report = audit_anchor::verify(&db, &log, &key).await.expect("verify");
    assert_eq!((report.checkpoints, report.anchored_to), (1, 12));
    assert_eq!(report.broken, None);

    let original = entries(&db).await;
    let first_bad = |report: audit_anchor::AnchorReport| report.broken.map(|b| (b.0, b.1));

    // Changed: entry 5's details.
    let mut changed = original.clone();
    changed[4].details = "{\"i\":40}".into();
    rewrite(&db, &changed).await;
    let (seq, why) =
        first_bad(audit_anchor::verify(&db, &log, &key).await.expect("v")).expect("found");
    assert_eq!(seq, 5);
    assert!(why.contains("changed"), "{why}");

    // Removed: entry 7, the later ones renumbered.
    let mut removed = original.clone();
    removed.remove(6);
    rewrite(&db, &removed).await;
    let found = first_bad(audit_anchor::verify(&db, &log, &key).await.expect("v"));
    assert_eq!(found.map(|f| f.0), Some(7));

    // Inserted: a new entry 3, the later ones renumbered.
    let mut inserted = original.clone();
    inserted.insert(
        2,
        Entry {
            action: "certification.reinstate".into(),
            ..original[2].clone()
        },
    );
    rewrite(&db, &inserted).await;
    let found = first_bad(audit_anchor::verify(&db, &log, &key).await.expect("v"));
    assert_eq!(found.map(|f| f.0), Some(3));

    // Cut off: the log ends at entry 9, before the checkpoint's 12.
    rewrite(&db, &original[..9]).await;
    let (seq, why) =
        first_bad(audit_anchor::verify(&db, &log, &key).await.expect("v")).expect("found");
    assert_eq!(seq, 10);
    assert!(why.contains("missing"), "{why}");

    // Put back exactly as it was signed: nothing to report.
    rewrite(&db, &original).await;
    let report = audit_anchor::verify(&db, &log, &key).await.expect("verify");
    assert_eq!(report.broken, None, "the log is back as it was signed");

    // A checkpoint log written by someone else: refused, naming the line.
    let mut forged = log.clone();
    forged[0].hashes[4] = "0".repeat(64);
    let err = audit_anchor::verify(&db, &forged, &key)
        .await
        .expect_err("forged");
    assert!(err.to_string().contains("line 1"), "{err}");
    // And under another key nothing verifies.
    let other = audit_anchor::parse_public_key(&"11".repeat(32));
    if let Ok(other) = other {
        assert!(audit_anchor::verify(&db, &log, &other).await.is_err());
    }

    db.pool.close().await;
    app.cleanup().await;
    let _ = std::fs::remove_dir_all(&dir);
}
