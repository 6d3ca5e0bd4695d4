//! `certamen bank import|export` against the database: a round trip gives the same bank, and
//! an import with any invalid item imports nothing.

use sqlx::Row;

use certamen_app::cli::bank::{export, import};
use certamen_item_bank::load::load_bank;

use crate::helpers::spawn_app;

fn temp_path(name: &str) -> std::path::PathBuf {
    static MADE: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    std::env::temp_dir().join(format!("certamen-{name}-{}-{n}", std::process::id()))
}

async fn item_versions(db: &sqlx::AnyPool) -> i64 {
    sqlx::query("SELECT COUNT(*) AS n FROM items")
        .fetch_one(db)
        .await
        .expect("count")
        .get("n")
}

#[tokio::test]
async fn export_then_import_gives_the_same_bank() {
    // The app loaded the sample bank on start, as `bank import` does.
    let app = spawn_app().await;
    let sample = load_bank(&certamen_item_bank::sample_bank_dir()).expect("sample");
    let out = temp_path("export");
    let report = export(&app.database_url, None, &out).await.expect("export");
    assert_eq!(report.items, sample.items.len());
    assert_eq!(report.practice_items, sample.practice.len());
    let exported = load_bank(&out).expect("the export is a valid bank");
    assert_eq!(exported.exam, sample.exam);
    assert_eq!(exported.items, sample.items);
    assert_eq!(
        exported.practice, sample.practice,
        "practice items go back to practice/"
    );
    // Importing it back changes nothing: every item is already at that version.
    let again = import(&out, &app.database_url).await.expect("import");
    assert_eq!(
        (again.new_item_versions, again.unchanged_items),
        (0, (sample.items.len() + sample.practice.len()) as u32)
    );
    // An export never overwrites a folder.
    let err = export(&app.database_url, None, &out).await.unwrap_err();
    assert!(err.to_string().contains("already exists"), "{err}");
    let _ = std::fs::remove_dir_all(&out);
    app.cleanup().await;
}

#[tokio::test]
async fn an_import_with_one_invalid_item_imports_nothing() {
    let app = spawn_app().await;
    let db = app.db().await;
    let before = item_versions(&db).await;
    let dir = crate::helpers::sample_bank_copy("bad-import", |exam| exam);
    // One good change (a new version of C01-01) and one broken item (a key that is no option).
    let good = dir.join("items/PS-C01-01.toml");
    let text = std::fs::read_to_string(&good).expect("read");
    std::fs::write(
        &good,
        text.replace("status = \"approved\"", "status = \"retired\""),
    )
    .expect("write");
    let bad = dir.join("items/PS-C02-01.toml");
    let text = std::fs::read_to_string(&bad).expect("read");
    let keyed = text
        .lines()
        .map(|l| {
            if l.starts_with("key = ") {
                "key = \"F\""
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&bad, keyed).expect("write");
    let err = import(&dir, &app.database_url).await.unwrap_err();
    let message = format!("{err:#}");
    assert!(
        message.contains("PS-C02-01.toml")
            && message.contains("key \"F\" names F, which is not one of the options"),
        "{message}"
    );
    assert_eq!(item_versions(&db).await, before, "nothing was imported");

    // With the broken item fixed, the good change lands as exactly one new version.
    std::fs::copy(
        certamen_item_bank::sample_bank_dir().join("items/PS-C02-01.toml"),
        &bad,
    )
    .expect("restore");
    let report = import(&dir, &app.database_url).await.expect("import");
    assert_eq!(report.new_item_versions, 1);
    assert_eq!(item_versions(&db).await, before + 1);
    // The import is in the audit log, by the operator, naming the item it changed; the refused
    // one left no entry.
    let entries: Vec<(String, String, String)> =
        sqlx::query_as("SELECT actor, action, details FROM audit_log WHERE action = 'bank.import'")
            .fetch_all(&db)
            .await
            .expect("audit");
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0].0, "operator (command line)");
    assert!(entries[0].2.contains("\"PS-C01-01\""), "{}", entries[0].2);
    assert!(
        entries[0].2.contains("certamen bank import"),
        "{}",
        entries[0].2
    );
    let _ = std::fs::remove_dir_all(&dir);
    app.cleanup().await;
}

#[tokio::test]
async fn a_qti_package_round_trips_through_the_database_and_a_bad_one_imports_nothing() {
    use certamen_app::cli::bank::{qti_export, qti_import};
    let app = spawn_app().await;
    let db = app.db().await;
    let before = item_versions(&db).await;
    let out = temp_path("qti");
    let report = qti_export(&app.database_url, None, &out)
        .await
        .expect("export");
    assert!(out.join("imsmanifest.xml").is_file() && out.join("test.xml").is_file());
    // Importing our own package changes nothing: every item comes back as it is.
    let again = qti_import(&out, &app.database_url, None)
        .await
        .expect("import");
    assert_eq!(
        again.new_item_versions, 0,
        "the round trip changed some item"
    );
    assert_eq!(again.unchanged_items as usize, report.items);
    // The same as one zip file, as other QTI tools exchange packages.
    let zipped = temp_path("qti-zip").with_extension("zip");
    qti_export(&app.database_url, None, &zipped)
        .await
        .expect("zip export");
    let from_zip = qti_import(&zipped, &app.database_url, None)
        .await
        .expect("zip import");
    assert_eq!(from_zip.new_item_versions, 0);
    let _ = std::fs::remove_file(&zipped);
    // Imports that changed nothing record nothing.
    let audited: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'bank.import'")
            .fetch_one(&db)
            .await
            .expect("audit");
    assert_eq!(audited, 0);

    // One item whose key names no choice: the whole package is refused, naming the file.
    let file = out.join("items/PS-C05-01.xml");
    let text = std::fs::read_to_string(&file).expect("read");
    let start = text.find("<qti-value>").expect("key") + "<qti-value>".len();
    let broken = format!("{}Q{}", &text[..start], &text[start + 1..]);
    std::fs::write(&file, broken).expect("write");
    let err = qti_import(&out, &app.database_url, None).await.unwrap_err();
    assert!(
        format!("{err:#}")
            .contains("items/PS-C05-01.xml: the correct response \"Q\" is none of the choices"),
        "{err:#}"
    );
    assert_eq!(item_versions(&db).await, before, "nothing was imported");
    let _ = std::fs::remove_dir_all(&out);
    app.cleanup().await;
}
