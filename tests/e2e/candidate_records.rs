//! A candidate's own records: creating an account (18 or older, county, language) and
//! accommodation requests from the request through the staff decision to the next attempt.

use reqwest::StatusCode;

use crate::helpers::{parse_question, spawn_app, CANDIDATE, PASSWORD};

const STAFF: &str = "staff@demo.certamen.test";
const VENDOR: &str = "vendor@demo.certamen.test";

async fn count(pool: &sqlx::AnyPool, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

#[tokio::test]
async fn a_new_candidate_creates_an_account_with_every_mistake_shown_beside_its_field() {
    let app = spawn_app().await;
    let pool = app.db().await;
    let users_before = count(&pool, "SELECT COUNT(*) FROM users").await;
    let visitor = app.browser();

    let blank = visitor.visit("/account/new").await;
    assert_eq!(blank.status, StatusCode::OK);
    assert_eq!(
        blank.body.matches("<option value=\"").count(),
        59,
        "58 counties and the prompt"
    );
    assert!(!blank.body.contains("There is a problem"));

    // Every field wrong at once: one message per field, in the summary and beside the field.
    let page = visitor
        .submit(
            "/account/new",
            &[
                ("name", " "),
                ("email", "ana.example.org"),
                ("password", "short"),
                ("date_of_birth", "2008-11-24"),
                ("county", "Narnia"),
                ("language", "fr"),
            ],
        )
        .await;
    assert_eq!(page.url, "/account/new");
    assert!(page.body.contains("There is a problem"));
    for (field, words) in [
        ("name", "Enter your full name"),
        ("email", "like name@example.com"),
        ("password", "at least 10 characters"),
        ("date_of_birth", "at least 18 years old"),
        ("county", "Choose the California county"),
        ("language", "Choose English or Spanish"),
    ] {
        assert!(
            page.body.contains(&format!("<a href=\"#{field}\">")),
            "summary links to {field}"
        );
        let beside = format!("id=\"{field}-error\" class=\"field-error\">");
        let at = page
            .body
            .find(&beside)
            .unwrap_or_else(|| panic!("no message beside {field}"));
        let message: String = page.body[at + beside.len()..].chars().take(120).collect();
        assert!(message.contains(words), "{field}: {message}");
    }
    assert!(
        page.body.contains("value=\"ana.example.org\""),
        "the email is kept"
    );
    assert!(
        !page.body.contains("short"),
        "the password is never sent back"
    );
    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM users").await,
        users_before,
        "nothing written"
    );
    let reloaded = visitor.visit("/account/new").await;
    assert!(
        !reloaded.body.contains("There is a problem"),
        "the errors are shown once"
    );

    // 18 today in California (the test clock is 2026-11-23) is old enough.
    let welcome = app
        .register(
            &visitor,
            &[
                ("name", "Ana Ruiz"),
                ("email", "Ana.Ruiz@Example.org"),
                ("password", PASSWORD),
                ("date_of_birth", "2008-11-23"),
                ("county", "San Luis Obispo"),
                ("language", "es"),
            ],
        )
        .await;
    assert_eq!(welcome.url, "/dashboard", "signed in once confirmed");
    // Spanish was chosen as preferred language: this browser, which had not chosen one, now
    // shows the interface in Spanish.
    assert!(
        welcome.body.contains("Le damos la bienvenida, Ana Ruiz")
            && welcome.body.contains(r#"<html lang="es""#),
        "{}",
        welcome.body
    );
    let (born, county, language): (String, String, String) = sqlx::query_as(
        "SELECT p.date_of_birth, p.county, p.language FROM candidate_profiles p \
         JOIN users u ON u.id = p.user_id WHERE u.email = 'ana.ruiz@example.org' AND u.role = 'candidate'",
    )
    .fetch_one(&pool)
    .await
    .expect("profile");
    assert_eq!(
        (born.as_str(), county.as_str(), language.as_str()),
        ("2008-11-23", "San Luis Obispo", "es")
    );
    let instructions = visitor.visit("/exams/peer-support/instructions").await;
    assert!(
        instructions
            .body
            .contains("id=\"language-es\" value=\"es\" checked"),
        "the preferred language is chosen for the questions"
    );

    // The same address again: the page says what it says for any address (nobody learns that
    // it has an account), the owner is told by mail, and nothing else is written.
    let again = app.browser();
    let form = |email: &'static str| {
        [
            ("name", "Someone Else"),
            ("email", email),
            ("password", "another long password"),
            ("date_of_birth", "1990-01-01"),
            ("county", "Fresno"),
            ("language", "en"),
        ]
    };
    let taken = again
        .submit("/account/new", &form("ana.ruiz@example.org"))
        .await;
    let fresh = again
        .submit("/account/new", &form("nobody.yet@example.org"))
        .await;
    // The page's main part, the address aside (the rest holds per-response nonces and the
    // page's own address).
    let main = |body: &str, email: &str| {
        let start = body.find("<main").expect("main");
        let end = body.find("</main>").expect("main end");
        body[start..end].replace(email, "EMAIL")
    };
    assert_eq!(
        main(&taken.body, "ana.ruiz@example.org"),
        main(&fresh.body, "nobody.yet@example.org"),
        "an address with an account and one without get the same page"
    );
    assert_eq!(
        (taken.status, taken.url.as_str()),
        (fresh.status, fresh.url.as_str())
    );
    assert!(taken.body.contains("Check your email"));
    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM users").await,
        users_before + 1,
        "no account until a link is confirmed"
    );
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM candidate_profiles WHERE county = 'Fresno' AND date_of_birth = '1990-01-01'").await, 0);
    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM mail_outbox WHERE kind = 'account.exists' AND to_address = 'ana.ruiz@example.org'").await,
        1
    );
    assert_eq!(
        count(
            &pool,
            "SELECT COUNT(*) FROM pending_registrations WHERE email = 'nobody.yet@example.org'"
        )
        .await,
        1
    );
    // A confirmation link works once.
    let used = again
        .submit("/account/confirm", &[("token", "0123456789abcdef")])
        .await;
    assert!(
        used.body.contains("This link does not work"),
        "{}",
        used.body
    );

    // The new account signs in with its password like any other.
    let later = app.browser();
    later.sign_in("ana.ruiz@example.org").await;
    pool.close().await;
}

#[tokio::test]
async fn an_approved_accommodation_applies_to_the_next_attempt_only() {
    let app = spawn_app().await;
    let pool = app.db().await;
    let candidate = app.browser();
    candidate.sign_in(CANDIDATE).await;
    let (open_attempt, first) = candidate.start_exam().await;
    assert!(
        !first.body.contains("read-aloud"),
        "no text-to-speech without the accommodation"
    );
    assert!(!first.body.contains("Take my break now"));
    let q = crate::helpers::parse_question(&first.body);
    let early = candidate
        .post(
            &format!("/attempts/{open_attempt}/items/1/answer"),
            &[("seq", q.seq.as_str()), ("go", "break")],
        )
        .await;
    assert_eq!(
        early.status(),
        StatusCode::BAD_REQUEST,
        "no break before its place without the accommodation"
    );

    // Nothing chosen and nothing written: every problem comes back beside its field.
    let page = candidate
        .submit("/accommodations", &[("details", "")])
        .await;
    assert!(page.body.contains("Choose at least one thing you need"));
    assert!(page.body.contains("id=\"documentation-error\""));
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM accommodation_requests WHERE user_id = (SELECT id FROM users WHERE email = 'candidate@demo.certamen.test')").await, 0);

    let sent = candidate
        .submit(
            "/accommodations",
            &[
                ("need", "extra_time"),
                ("need", "speech"),
                ("details", "Dyslexia: reading takes me about half as long again."),
                ("documentation", "Letter from Dr. M. Lee, licensed psychologist, March 2026, recommending time and a half and text-to-speech."),
            ],
        )
        .await;
    assert!(sent.body.contains("Your request has been sent"));
    assert!(sent.body.contains("Waiting for a decision"));
    let second = candidate
        .post(
            "/accommodations",
            &[("need", "other"), ("details", "x"), ("documentation", "y")],
        )
        .await;
    assert_eq!(
        second.status(),
        StatusCode::CONFLICT,
        "one request waits at a time"
    );
    let id: i64 = sqlx::query_scalar(
        "SELECT r.id FROM accommodation_requests r JOIN users u ON u.id = r.user_id \
         WHERE u.email = 'candidate@demo.certamen.test'",
    )
    .fetch_one(&pool)
    .await
    .expect("one request");
    let decision_path = format!("/staff/accommodations/{id}/decision");
    let approve = [
        ("decision", "approve"),
        ("time_percent", "150"),
        ("break_minutes", "30"),
        ("speech", "on"),
        ("break_anytime", "on"),
        ("note", "Approved as the letter recommends."),
    ];

    // Only staff decide: a candidate and a vendor are refused, and nothing changes.
    for who in [CANDIDATE, VENDOR] {
        let b = app.browser();
        b.sign_in(who).await;
        assert_eq!(
            b.visit("/staff/accommodations").await.status,
            StatusCode::FORBIDDEN,
            "{who}"
        );
        assert_eq!(
            b.post(&decision_path, &approve).await.status(),
            StatusCode::FORBIDDEN,
            "{who}"
        );
    }
    let staff = app.browser();
    staff.sign_in(STAFF).await;
    let queue = staff.visit("/staff/accommodations").await;
    assert!(queue.body.contains("Waiting for a decision (1)"));
    assert!(queue.body.contains("Letter from Dr. M. Lee"));
    for (form, words) in [
        (
            vec![
                ("decision", "approve"),
                ("time_percent", "99"),
                ("break_minutes", "30"),
            ],
            "outside 100–400",
        ),
        (
            vec![
                ("decision", "approve"),
                ("time_percent", "150"),
                ("break_minutes", "half"),
            ],
            "not a whole number",
        ),
        (vec![("decision", "deny"), ("note", " ")], "needs a reason"),
    ] {
        let r = staff.post(&decision_path, &form).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{form:?}");
        let body = r.text().await.expect("body");
        assert!(
            body.contains(words) && body.contains("Nothing was recorded"),
            "{body}"
        );
    }
    assert_eq!(
        count(
            &pool,
            "SELECT COUNT(*) FROM accommodation_requests WHERE status = 'pending'"
        )
        .await,
        1
    );
    let done = staff.submit(&decision_path, &approve).await;
    assert!(done
        .body
        .contains(&format!("Your decision on request {id} is recorded")));
    assert!(done.body.contains("Waiting for a decision (0)"));
    let twice = staff
        .post(
            &decision_path,
            &[("decision", "deny"), ("note", "changed my mind")],
        )
        .await;
    assert_eq!(
        twice.status(),
        StatusCode::CONFLICT,
        "a decided request stays decided"
    );
    assert_eq!(
        staff
            .post("/staff/accommodations/999999/decision", &approve)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    let mine = candidate.visit("/accommodations").await;
    assert!(
        mine.body
            .contains("Approved: time and a half (225 minutes), a 30-minute break to take at any point of the exam"),
        "{}",
        mine.body
    );
    assert!(mine.body.contains("Approved as the letter recommends."));

    // The attempt under way keeps its standard time; the next one starts with the profile.
    let (limit, allowance, speech): (i64, i64, i64) =
        sqlx::query_as("SELECT limit_ms, break_allowance_ms, speech FROM attempts WHERE id = $1")
            .bind(&open_attempt)
            .fetch_one(&pool)
            .await
            .expect("open attempt");
    assert_eq!((limit, speech), (150 * 60_000, 0));
    let standard_break = allowance;
    candidate
        .submit(
            &format!("/attempts/{open_attempt}/submit"),
            &[("confirm", "yes")],
        )
        .await;
    let (next, page) = candidate.start_exam().await;
    assert_ne!(next, open_attempt);
    let (limit, allowance, speech, source): (i64, i64, i64, Option<i64>) = sqlx::query_as(
        "SELECT limit_ms, break_allowance_ms, speech, accommodation_id FROM attempts WHERE id = $1",
    )
    .bind(&next)
    .fetch_one(&pool)
    .await
    .expect("next attempt");
    assert_eq!(
        (limit, allowance, speech, source),
        (225 * 60_000, 30 * 60_000, 1, Some(id))
    );
    assert_ne!(standard_break, allowance);
    assert!(
        page.body.contains("class=\"read-aloud\""),
        "the question offers text-to-speech"
    );
    assert!(
        page.body.contains("3 h 45 min"),
        "the countdown starts from the longer time"
    );

    // The break from any question: "not now" keeps it; once taken it is gone.
    assert!(page.body.contains("Take my break now"));
    let answer_path = format!("/attempts/{next}/items/1/answer");
    let action_path = format!("/attempts/{next}/break/action");
    let seq = crate::helpers::parse_question(&page.body).seq;
    let offered = candidate
        .submit(&answer_path, &[("seq", seq.as_str()), ("go", "break")])
        .await;
    assert!(offered.url.ends_with("/break"), "{}", offered.url);
    assert!(offered.body.contains("30-minute break") && offered.body.contains("stays available"));
    let back = candidate.submit(&action_path, &[("action", "skip")]).await;
    assert!(
        back.url.ends_with("/items/1"),
        "not now returns to the question: {}",
        back.url
    );
    assert!(
        back.body.contains("Take my break now"),
        "and the break is still there"
    );
    let seq = crate::helpers::parse_question(&back.body).seq;
    candidate
        .submit(&answer_path, &[("seq", seq.as_str()), ("go", "break")])
        .await;
    candidate.submit(&action_path, &[("action", "start")]).await;
    app.clock.advance_ms(10 * 60_000);
    let after = candidate.submit(&action_path, &[("action", "end")]).await;
    assert!(after.url.ends_with("/items/1"), "{}", after.url);
    assert!(
        !after.body.contains("Take my break now"),
        "one break, now used"
    );
    assert!(
        after.body.contains("3 h 45 min"),
        "the 10 minutes away stopped the clock"
    );
    pool.close().await;
}

#[tokio::test]
async fn a_candidate_applies_staff_return_then_approve_and_only_then_the_exam_starts() {
    let app = spawn_app().await;
    let pool = app.db().await;
    let candidate = app.browser();
    let welcome = app
        .register(
            &candidate,
            &[
                ("name", "Lee Park"),
                ("email", "lee@example.org"),
                ("password", PASSWORD),
                ("date_of_birth", "1990-01-01"),
                ("county", "Alameda"),
                ("language", "en"),
            ],
        )
        .await;
    assert!(welcome.body.contains("Apply for certification first"));
    let refused = candidate.post("/exams/peer-support/attempts", &[]).await;
    assert_eq!(
        refused.status(),
        StatusCode::FORBIDDEN,
        "no exam before an approved application"
    );
    assert!(refused
        .text()
        .await
        .expect("body")
        .contains("apply for certification first"));

    // Everything missing: each problem beside its field, nothing written.
    let page = candidate.submit("/application", &[]).await;
    assert!(page.body.contains("Choose how you are applying"));
    for field in [
        "lived_experience",
        "attest_lived_experience",
        "attest_code_of_ethics",
        "attest_education",
        "attest_training",
    ] {
        assert!(
            page.body.contains(&format!("<a href=\"#{field}\">")),
            "{field} in the summary"
        );
    }
    // A provider that is not on the list is refused like a missing one.
    let page = candidate
        .submit(
            "/application",
            &[
                ("pathway", "training"),
                ("training_provider", "999"),
                ("training_completed_on", "2026-06-30"),
                ("lived_experience", "self"),
                ("attest_lived_experience", "on"),
                ("attest_code_of_ethics", "on"),
                ("attest_education", "on"),
                ("attest_training", "on"),
            ],
        )
        .await;
    assert!(page.body.contains("Choose the approved training provider"));
    assert!(
        page.body.contains("value=\"2026-06-30\""),
        "the date typed is kept"
    );
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM applications a JOIN users u ON u.id = a.user_id WHERE u.email = 'lee@example.org'").await, 0);

    let reciprocity = [
        ("pathway", "reciprocity"),
        ("other_state", "Oregon"),
        ("other_credential", "OR-PSS-1234"),
        ("lived_experience", "family"),
        ("attest_lived_experience", "on"),
        ("attest_code_of_ethics", "on"),
        ("attest_education", "on"),
        ("attest_training", "on"),
    ];
    let sent = candidate.submit("/application", &reciprocity).await;
    assert!(sent.body.contains("Your application has been sent"));
    assert!(sent
        .body
        .contains("Out-of-state reciprocity: certified in Oregon, number OR-PSS-1234"));
    assert_eq!(
        candidate.post("/application", &reciprocity).await.status(),
        StatusCode::CONFLICT,
        "one application waits at a time"
    );
    assert_eq!(
        candidate
            .post("/exams/peer-support/attempts", &[])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let id: i64 =
        sqlx::query_scalar("SELECT MAX(id) FROM applications WHERE pathway = 'reciprocity'")
            .fetch_one(&pool)
            .await
            .expect("application");
    let decision = format!("/staff/applications/{id}/decision");

    let not_staff = app.browser();
    not_staff.sign_in(CANDIDATE).await;
    assert_eq!(
        not_staff.visit("/staff/applications").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        not_staff
            .post(&decision, &[("decision", "approve")])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        not_staff
            .post("/staff/training-providers", &[("name", "Mine")])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );

    let staff = app.browser();
    staff.sign_in(STAFF).await;
    let queue = staff.visit("/staff/applications").await;
    assert!(queue.body.contains("Waiting for a decision (1)") && queue.body.contains("Lee Park"));
    let r = staff
        .post(&decision, &[("decision", "return"), ("note", "")])
        .await;
    assert_eq!(
        r.status(),
        StatusCode::BAD_REQUEST,
        "a return needs a reason"
    );
    staff
        .submit(&decision, &[("decision", "return"), ("note", "Please add your certificate's number exactly as printed; OR-PSS-1234 is not an Oregon format.")])
        .await;
    assert_eq!(
        staff
            .post(&decision, &[("decision", "approve")])
            .await
            .status(),
        StatusCode::CONFLICT
    );

    let dashboard = candidate.visit("/dashboard").await;
    assert!(dashboard.body.contains("returned for corrections"));
    let mine = candidate.visit("/application").await;
    assert!(
        mine.body.contains("exactly as printed"),
        "the reason is shown"
    );
    assert!(
        mine.body.contains("Send my application"),
        "a returned application can be sent again"
    );

    // Staff add a provider; the corrected application names it; approval opens the exam.
    staff
        .submit(
            "/staff/training-providers",
            &[("name", "  Bay Area   Peer Academy ")],
        )
        .await;
    let providers = staff.visit("/staff/training-providers").await;
    assert!(
        providers.body.contains("Bay Area Peer Academy"),
        "names are tidied"
    );
    let bad = staff
        .post("/staff/training-providers", &[("name", " ")])
        .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let provider: i64 = sqlx::query_scalar(
        "SELECT id FROM training_providers WHERE name = 'Bay Area Peer Academy'",
    )
    .fetch_one(&pool)
    .await
    .expect("provider");
    let provider_text = provider.to_string();
    candidate
        .submit(
            "/application",
            &[
                ("pathway", "training"),
                ("training_provider", &provider_text),
                ("training_completed_on", "2026-10-15"),
                ("lived_experience", "self"),
                ("attest_lived_experience", "on"),
                ("attest_code_of_ethics", "on"),
                ("attest_education", "on"),
                ("attest_training", "on"),
            ],
        )
        .await;
    let second: i64 = sqlx::query_scalar("SELECT MAX(id) FROM applications")
        .fetch_one(&pool)
        .await
        .expect("second application");
    assert_ne!(second, id, "the returned application stays as it was");
    staff
        .submit(
            &format!("/staff/applications/{second}/decision"),
            &[("decision", "approve")],
        )
        .await;
    // Removing the provider later keeps it on the approved application.
    staff
        .submit(
            &format!("/staff/training-providers/{provider}/active"),
            &[("active", "0")],
        )
        .await;
    let mine = candidate.visit("/application").await;
    assert!(mine
        .body
        .contains("training by Bay Area Peer Academy, completed 2026-10-15"));
    assert!(
        !mine.body.contains("Send my application"),
        "an approved application is final"
    );
    let (attempt, _) = candidate.start_exam().await;
    assert_eq!(attempt.len(), 32);
    pool.close().await;
}

/// Two scheduled breaks from an approved profile: after questions 40 and 80 of 120, each
/// stopping the clock, the first taken and returned from, the second skipped, then no more.
#[tokio::test]
async fn an_accommodation_with_two_breaks_spaces_them_and_credits_each() {
    let app = spawn_app().await;
    let pool = app.db().await;
    let candidate = app.browser();
    candidate.sign_in(CANDIDATE).await;
    candidate
        .submit(
            "/accommodations",
            &[
                ("need", "longer_break"),
                (
                    "details",
                    "I need to rest my eyes twice during a long exam.",
                ),
                (
                    "documentation",
                    "Letter from my ophthalmologist, October 2026.",
                ),
            ],
        )
        .await;
    let id: i64 = sqlx::query_scalar("SELECT MAX(id) FROM accommodation_requests")
        .fetch_one(&pool)
        .await
        .expect("request");
    let staff = app.browser();
    staff.sign_in(STAFF).await;
    let decision_path = format!("/staff/accommodations/{id}/decision");
    let refused = staff
        .post(
            &decision_path,
            &[
                ("decision", "approve"),
                ("time_percent", "100"),
                ("break_minutes", "10"),
                ("break_count", "9"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert!(refused
        .text()
        .await
        .expect("body")
        .contains("break_count: 9 is outside 1–4"));
    staff
        .submit(
            &decision_path,
            &[
                ("decision", "approve"),
                ("time_percent", "100"),
                ("break_minutes", "10"),
                ("break_count", "2"),
            ],
        )
        .await;
    let mine = candidate.visit("/accommodations").await;
    assert!(
        mine.body.contains("2 scheduled breaks of 10 minutes each"),
        "{}",
        mine.body
    );

    let (attempt, first) = candidate.start_exam().await;
    // A skip before the first break is on offer (a stale or repeated form) changes nothing.
    let early = candidate
        .submit(
            &format!("/attempts/{attempt}/break/action"),
            &[("action", "skip")],
        )
        .await;
    assert!(early.url.ends_with("/items/1"), "{}", early.url);
    let (after, left): (i64, i64) =
        sqlx::query_as("SELECT break_after, breaks_left FROM attempts WHERE id = $1")
            .bind(&attempt)
            .fetch_one(&pool)
            .await
            .expect("attempt");
    assert_eq!((after, left), (40, 1), "both breaks still to come");
    let deadline = || async {
        let (deadline, started, limit, credited): (i64, i64, i64, i64) = sqlx::query_as(
            "SELECT deadline_at, started_at, limit_ms, credited_ms FROM attempts WHERE id = $1",
        )
        .bind(&attempt)
        .fetch_one(&pool)
        .await
        .expect("attempt");
        (deadline, started + limit + credited)
    };
    let go = |from: u32, to: &str| {
        let candidate = &candidate;
        let attempt = attempt.clone();
        let to = to.to_string();
        async move {
            let page = candidate
                .visit(&format!("/attempts/{attempt}/items/{from}"))
                .await;
            let q = parse_question(&page.body);
            candidate
                .submit(
                    &format!("/attempts/{attempt}/items/{from}/answer"),
                    &[("seq", q.seq.as_str()), ("go", to.as_str())],
                )
                .await
        }
    };
    assert!(first.body.contains("Next"));
    // Question 40 leads to the first break, not question 60.
    assert!(go(40, "next").await.url.ends_with("/break"));
    let on_break = candidate
        .submit(
            &format!("/attempts/{attempt}/break/action"),
            &[("action", "start")],
        )
        .await;
    assert!(on_break.url.ends_with("/break"));
    app.clock.advance_ms(4 * 60_000);
    let back = candidate
        .submit(
            &format!("/attempts/{attempt}/break/action"),
            &[("action", "end")],
        )
        .await;
    assert!(back.url.ends_with("/items/41"), "{}", back.url);
    let (stored, expected) = deadline().await;
    assert_eq!(stored, expected, "the deadline agrees with the clock");
    let credited: i64 = sqlx::query_scalar("SELECT credited_ms FROM attempts WHERE id = $1")
        .bind(&attempt)
        .fetch_one(&pool)
        .await
        .expect("credited");
    assert_eq!(credited, 4 * 60_000, "the four minutes used are credited");

    // No break at 60 any more; the second comes after 80, and skipping it is the last offer.
    assert!(go(60, "next").await.url.ends_with("/items/61"));
    assert!(go(80, "next").await.url.ends_with("/break"));
    let skipped = candidate
        .submit(
            &format!("/attempts/{attempt}/break/action"),
            &[("action", "skip")],
        )
        .await;
    assert!(skipped.url.ends_with("/items/81"), "{}", skipped.url);
    assert!(
        go(80, "next").await.url.ends_with("/items/81"),
        "no third break"
    );
    let (left, declined): (i64, i64) =
        sqlx::query_as("SELECT breaks_left, break_declined FROM attempts WHERE id = $1")
            .bind(&attempt)
            .fetch_one(&pool)
            .await
            .expect("attempt");
    assert_eq!((left, declined), (0, 1));
    let (stored, expected) = deadline().await;
    assert_eq!(stored, expected);
    app.cleanup().await;
}
