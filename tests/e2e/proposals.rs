//! Four eyes: invalidating a result is proposed by one staff member and carried out only when
//! another approves it; the proposer cannot approve their own, a proposal whose attempt changed
//! since is refused as stale, and every step is in the audit log.

use reqwest::StatusCode;

use crate::helpers::{spawn_app, CANDIDATE};

const STAFF: &str = "staff@demo.certamen.test";
const SECOND: &str = "second.staff@example.org";

async fn submitted_attempt(app: &crate::helpers::TestApp) -> String {
    let candidate = app.browser();
    candidate.sign_in(CANDIDATE).await;
    let (attempt, _) = candidate.start_exam().await;
    let done = candidate
        .submit(
            &format!("/attempts/{attempt}/submit"),
            &[("confirm", "yes")],
        )
        .await;
    assert!(done.url.ends_with("/report"), "{}", done.url);
    attempt
}

async fn invalidated(pool: &sqlx::AnyPool, attempt: &str) -> bool {
    sqlx::query_scalar::<_, Option<i64>>("SELECT invalidated_at FROM attempts WHERE id = $1")
        .bind(attempt)
        .fetch_one(pool)
        .await
        .expect("attempt")
        .is_some()
}

#[tokio::test]
async fn an_invalidation_takes_a_second_staff_member_and_a_stale_one_is_refused() {
    let app = spawn_app().await;
    app.add_user(SECOND, "Sam Second", certamen_app::dto::Role::Staff)
        .await;
    let pool = app.db().await;
    let attempt = submitted_attempt(&app).await;
    let staff = app.browser();
    staff.sign_in(STAFF).await;
    let second = app.browser();
    second.sign_in(SECOND).await;

    // Proposed: nothing changes yet; the page shows exactly what will.
    let reason = "Notes were seen on the desk (proctor report 12).";
    let proposed = staff
        .submit(
            &format!("/staff/results/{attempt}/invalidate"),
            &[("reason", reason)],
        )
        .await;
    assert!(proposed
        .body
        .contains("Another staff member must approve it"));
    assert!(!invalidated(&pool, &attempt).await);
    let id: i64 = sqlx::query_scalar("SELECT id FROM proposals WHERE status = 'pending'")
        .fetch_one(&pool)
        .await
        .expect("a proposal");
    // One open proposal per attempt.
    let again = staff
        .post(
            &format!("/staff/results/{attempt}/invalidate"),
            &[("reason", reason)],
        )
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);

    let list = second.visit("/staff/proposals").await;
    assert!(list
        .body
        .contains(&format!("Invalidate the result of attempt {attempt}")));
    assert!(list.body.contains("becomes invalidated") && list.body.contains("proctor report 12"));
    assert!(list.body.contains("Approve and carry out"));
    // The proposer sees it without the buttons, and a direct post is refused.
    let own = staff.visit("/staff/proposals").await;
    assert!(own.body.contains("You proposed this"));
    let mine = staff
        .post(
            &format!("/staff/proposals/{id}/decision"),
            &[("decision", "approve")],
        )
        .await;
    assert_eq!(mine.status(), StatusCode::FORBIDDEN);
    assert!(mine.text().await.expect("body").contains("four eyes"));
    assert!(!invalidated(&pool, &attempt).await);

    // The second person approves: carried out, both named in the audit log.
    let done = second
        .submit(
            &format!("/staff/proposals/{id}/decision"),
            &[("decision", "approve")],
        )
        .await;
    assert!(
        done.body.contains("is approved and carried out"),
        "{}",
        done.body
    );
    assert!(invalidated(&pool, &attempt).await);
    let entries: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT actor, action, details FROM audit_log WHERE subject = $1 ORDER BY seq",
    )
    .bind(format!("attempt:{attempt}"))
    .fetch_all(&pool)
    .await
    .expect("audit");
    let actions: Vec<(&str, &str)> = entries
        .iter()
        .map(|e| (e.0.as_str(), e.1.as_str()))
        .collect();
    assert_eq!(
        actions,
        [(STAFF, "proposal.create"), (SECOND, "result.invalidate")]
    );
    assert!(entries[1]
        .2
        .contains(&format!("\"proposed_by\":\"{STAFF}\"")));
    // Decided once.
    let twice = second
        .post(
            &format!("/staff/proposals/{id}/decision"),
            &[("decision", "approve")],
        )
        .await;
    assert_eq!(twice.status(), StatusCode::CONFLICT);

    // Stale: proposed, then the attempt is released before the approval.
    let other = submitted_attempt(&app).await;
    staff
        .submit(
            &format!("/staff/results/{other}/invalidate"),
            &[("reason", "Second thoughts.")],
        )
        .await;
    let stale_id: i64 = sqlx::query_scalar("SELECT id FROM proposals WHERE status = 'pending'")
        .fetch_one(&pool)
        .await
        .expect("a proposal");
    sqlx::query("UPDATE attempts SET released_at = 1 WHERE id = $1")
        .bind(&other)
        .execute(&pool)
        .await
        .expect("released meanwhile");
    let stale = second
        .post(
            &format!("/staff/proposals/{stale_id}/decision"),
            &[("decision", "approve")],
        )
        .await;
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    assert!(stale.text().await.expect("body").contains("stale"));
    assert!(!invalidated(&pool, &other).await);
    let status: String = sqlx::query_scalar("SELECT status FROM proposals WHERE id = $1")
        .bind(stale_id)
        .fetch_one(&pool)
        .await
        .expect("status");
    assert_eq!(status, "stale");

    // A rejection changes nothing but the proposal.
    staff
        .submit(
            &format!("/staff/results/{other}/invalidate"),
            &[("reason", "Third thoughts.")],
        )
        .await;
    let rejected = second_decides(&pool, &second, "reject").await;
    assert!(rejected.body.contains("is rejected"));
    assert!(!invalidated(&pool, &other).await);
    pool.close().await;
    app.cleanup().await;
}

async fn second_decides(
    pool: &sqlx::AnyPool,
    second: &crate::helpers::Browser,
    decision: &str,
) -> crate::helpers::Page {
    let id: i64 = sqlx::query_scalar("SELECT id FROM proposals WHERE status = 'pending'")
        .fetch_one(pool)
        .await
        .expect("a proposal");
    second
        .submit(
            &format!("/staff/proposals/{id}/decision"),
            &[("decision", decision)],
        )
        .await
}
