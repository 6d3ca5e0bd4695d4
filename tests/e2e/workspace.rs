//! The vendor's item bank page: coverage and search, for vendors only, and never a key or
//! rationale in the list.

use reqwest::StatusCode;

use certamen_item_bank::load::load_bank;

use crate::helpers::{spawn_app, CANDIDATE};

const VENDOR: &str = "vendor@demo.certamen.test";

#[tokio::test]
async fn a_vendor_browses_and_searches_the_bank_with_its_coverage() {
    let app = spawn_app().await;
    let bank = load_bank(&certamen_item_bank::sample_bank_dir()).expect("sample");
    let vendor = app.browser();
    let dashboard = vendor.sign_in(VENDOR).await;
    assert!(
        dashboard.body.contains("/vendor/items"),
        "the dashboard links the bank"
    );

    let page = vendor.visit("/vendor/items").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Blueprint coverage"));
    let n = bank.items.len();
    assert!(
        page.body.contains(&format!("{n} of {n} items match")),
        "all items listed"
    );
    for item in &bank.items {
        assert!(page.body.contains(&item.id), "{} listed", item.id);
        // The list never carries a rationale (nor, therefore, the key's explanation).
        let rationale = item
            .en
            .rationale
            .split_whitespace()
            .take(8)
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            !page.body.contains(&rationale),
            "{}'s rationale leaked",
            item.id
        );
    }

    // By competency.
    let c13 = bank.items.iter().filter(|i| i.competency == "C13").count();
    let page = vendor
        .visit("/vendor/items?competency=C13&status=&language=&q=")
        .await;
    assert!(
        page.body.contains(&format!("{c13} of {n} items match")),
        "{}",
        page.body
    );

    // By text: two words from one stem find that item.
    let target = &bank.items[5];
    let words: Vec<&str> = target
        .en
        .stem
        .split_whitespace()
        .filter(|w| w.len() > 6)
        .take(2)
        .collect();
    let page = vendor
        .visit(&format!("/vendor/items?q={}", words.join("+")))
        .await;
    assert!(
        page.body.contains(&target.id),
        "searching {words:?} finds {}",
        target.id
    );

    // A filter value that makes no sense is refused with a reason.
    let page = vendor.visit("/vendor/items?status=lost").await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page
        .body
        .contains("is not one of draft, in review, approved, retired"));

    // Candidates may not see the bank; visitors are sent to sign in.
    let candidate = app.browser();
    candidate.sign_in(CANDIDATE).await;
    let page = candidate.visit("/vendor/items").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.body.contains("open to exam vendors only"));
    assert!(!page.body.contains(&bank.items[0].id));
    let visitor = app.browser();
    assert!(visitor
        .visit("/vendor/items")
        .await
        .url
        .ends_with("/signin"));
    app.cleanup().await;
}
