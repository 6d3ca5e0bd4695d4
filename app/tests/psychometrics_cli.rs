//! `certamen psychometrics …` end to end: the real binary on the reference data, and the
//! errors a person gets for bad files.

use std::path::PathBuf;
use std::process::Command;

fn reference(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../engine/tests/reference/psychometrics")
        .join(name)
        .display()
        .to_string()
}

/// Runs the binary; returns (success, stdout, stderr).
fn certamen(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_certamen"))
        .arg("psychometrics")
        .args(args)
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("the certamen binary runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn scratch(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("certamen-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn score_prints_theta_se_and_status_for_every_examinee() {
    let (ok, out, err) = certamen(&[
        "score",
        "--items",
        &reference("scoring_items_60.csv"),
        "--responses",
        &reference("scoring_responses_200x60.csv"),
        "--method",
        "mle",
    ]);
    assert!(ok, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "examinee_id,theta,se,status");
    assert_eq!(lines.len(), 205);
    assert_eq!(lines[201], "X001,inf,,all_correct");
    assert_eq!(lines[202], "X002,-inf,,all_wrong");
    assert_eq!(lines[204], "X004,-inf,,no_finite_mle");
    assert!(lines[203].starts_with("X003,3.86500109"), "{}", lines[203]);
    assert!(err.contains("scored 204 examinees"), "{err}");
}

#[test]
fn eap_with_the_trapezoid_rule_matches_catpie_convention() {
    let (ok, out, _) = certamen(&[
        "score",
        "--items",
        &reference("scoring_items_60.csv"),
        "--responses",
        &reference("scoring_responses_200x60.csv"),
        "--rule",
        "trapezoid",
        "--points",
        "61",
        "--range=-4,4",
    ]);
    assert!(ok);
    let s001: Vec<f64> = out
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .skip(1)
        .take(2)
        .map(|v| v.parse().unwrap())
        .collect();
    assert!((s001[0] - -1.0025336934).abs() < 1e-9 && (s001[1] - 0.3506948064).abs() < 1e-9);
}

#[test]
fn dif_prints_the_ets_classes_and_item_stats_writes_its_summary() {
    let (ok, out, err) = certamen(&[
        "dif",
        "--responses",
        &reference("dif_2000x40.csv"),
        "--group-column",
        "group",
        "--focal",
        "1",
    ]);
    assert!(ok, "{err}");
    let flagged: Vec<String> = out
        .lines()
        .skip(1)
        .filter(|l| !l.ends_with(",A"))
        .map(|l| {
            format!(
                "{} {}",
                l.split(',').next().unwrap(),
                l.rsplit(',').next().unwrap()
            )
        })
        .collect();
    assert_eq!(flagged, ["D07 C-", "D19 B-", "D24 B+", "D33 C+"]);

    let summary = scratch("summary.json", "");
    let (ok, out, err) = certamen(&[
        "item-stats",
        "--responses",
        &reference("classical_2000x50.csv"),
        "--summary",
        &summary,
    ]);
    assert!(ok, "{err}");
    assert_eq!(
        out.lines().next().unwrap(),
        "id,p_value,r_itemrest,r_itemtotal,alpha_if_deleted"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    assert!((json["alpha"].as_f64().unwrap() - 0.9065267487868904).abs() < 1e-12);
}

#[test]
fn calibrate_prints_parameters_and_standard_errors() {
    let (ok, out, err) = certamen(&[
        "calibrate",
        "--model",
        "2pl",
        "--responses",
        &reference("calib2pl_3000x40.csv"),
    ]);
    assert!(ok, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "id,a,b,c,se_a,se_b,se_c");
    assert_eq!(lines.len(), 41);
    let c01: Vec<&str> = lines[1].split(',').collect();
    assert_eq!(c01[0], "C01");
    assert!(
        (c01[1].parse::<f64>().unwrap() - 0.66282657).abs() < 0.01,
        "a close to mirt"
    );
    assert_eq!(c01[3], "0", "2PL: c is 0");
    assert_eq!(c01[6], "", "2PL: no SE for a fixed c");
    assert!(err.contains("converged"), "{err}");
}

#[test]
fn bad_files_get_one_clear_error_naming_file_row_and_column() {
    let items = scratch("items.csv", "id,a,b,c\nI1,1,0,0.2\nI2,-1,0.5,0\n");
    let good_items = scratch("good.csv", "id,a,b\nI1,1,0\nI2,1.2,0.5\n");
    let letters = scratch("letters.csv", "id,I1,I2\nP1,1,0\nP2,1,B\n");
    let short = scratch("short.csv", "id,I1,I2\nP1,1,0\nP2,1\n");
    let extra = scratch("extra.csv", "id,I1,I2,form\nP1,1,0,1\n");
    let cases: [(&[&str], &str); 5] = [
        (&["score", "--items", &items, "--responses", &letters], "items.csv, row 3, column \"a\": discrimination a must be finite and greater than 0, got -1"),
        (&["score", "--items", &good_items, "--responses", &letters], "letters.csv, row 3, column \"I2\": \"B\" is not a response"),
        (&["item-stats", "--responses", &short], "short.csv, row 3: this row has 2 cells but the header has 3"),
        (&["score", "--items", &good_items, "--responses", &extra], "extra.csv, row 1, column \"form\": this column is not an item"),
        (&["dif", "--responses", &letters, "--group-column", "group"], "no column \"group\" (named by --group-column)"),
    ];
    for (args, expected) in cases {
        let (ok, out, err) = certamen(args);
        assert!(!ok, "{args:?} must fail");
        assert!(out.is_empty(), "nothing half-written to stdout: {out}");
        assert!(err.contains(expected), "{args:?}: {err}");
        assert!(!err.contains("backtrace"), "{err}");
    }
    // The same file with the column named is fine.
    let (ok, _, err) = certamen(&[
        "score",
        "--items",
        &good_items,
        "--responses",
        &extra,
        "--ignore-column",
        "form",
    ]);
    assert!(ok, "{err}");
}

#[test]
fn simulate_reports_a_cat_run_and_writes_the_paths() {
    let out_csv = scratch("paths.csv", "");
    let (ok, out, err) = certamen(&[
        "simulate",
        "--bank",
        &reference("cat_bank_1000.csv"),
        "--thetas",
        &reference("cat_true_thetas_1000.csv"),
        "--mode",
        "cat",
        "--length",
        "40",
        "--seed",
        "7",
        "--out",
        &out_csv,
    ]);
    assert!(ok, "{err}");
    let summary: serde_json::Value = serde_json::from_str(&out).expect("JSON summary");
    assert_eq!(summary["examinees"], 1000);
    assert_eq!(summary["mean_length"], 40.0);
    assert_eq!(summary["blueprint_violations"], 0);
    // Within Monte-Carlo noise (SE about 0.006) of the peers' 0.233-0.242.
    let rmse = summary["rmse"].as_f64().unwrap();
    assert!((0.21..0.26).contains(&rmse), "RMSE {rmse}");
    let paths = std::fs::read_to_string(&out_csv).unwrap();
    let mut lines = paths.lines();
    assert_eq!(
        lines.next().unwrap(),
        "examinee_id,true_theta,final_theta,se,n_items,items,decision"
    );
    let first: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(first[0], "T0001");
    assert_eq!(first[4], "40");
    assert_eq!(first[5].split(';').count(), 40);
    assert_eq!(
        first[5].split(';').next(),
        Some("K0558"),
        "the most informative item at θ = 0 first, as catpie"
    );
}

#[test]
fn simulate_refuses_designs_it_cannot_run() {
    let bp = scratch("bp.csv", "competency,min,max\n1,30,40\n");
    let cases: [(&[&str], &str); 4] = [
        (
            &[
                "simulate",
                "--bank",
                &reference("cat_bank_1000.csv"),
                "--examinees",
                "10",
                "--length",
                "20",
                "--stop",
                "sprt",
            ],
            "needs --cut",
        ),
        (
            &[
                "simulate",
                "--bank",
                &reference("cat_bank_1000.csv"),
                "--examinees",
                "10",
                "--length",
                "20",
                "--selection",
                "best",
            ],
            "use max-info or randomesque:K",
        ),
        (
            &[
                "simulate",
                "--bank",
                &reference("cat_bank_1000.csv"),
                "--examinees",
                "10",
                "--length",
                "20",
                "--blueprint",
                &bp,
            ],
            "needs a competency column",
        ),
        (
            &[
                "simulate",
                "--bank",
                &reference("item_bank_300.csv"),
                "--examinees",
                "10",
                "--length",
                "20",
                "--blueprint",
                &bp,
            ],
            "is not in the blueprint",
        ),
    ];
    for (args, expected) in cases {
        let (ok, _, err) = certamen(args);
        assert!(!ok, "{args:?} must fail");
        assert!(err.contains(expected), "{args:?}: {err}");
    }
}

#[test]
fn simulate_reads_testlets_enemies_and_pretest_items_from_the_bank() {
    // A 60-item bank: items 1-3 a scenario set, 4-5 enemies, 55-60 pretest items.
    let mut bank = String::from("id,a,b,c,testlet,enemy_set,pretest\n");
    for j in 1..=60 {
        let testlet = if j <= 3 { "S1" } else { "" };
        let enemy = if (4..=5).contains(&j) { "E1" } else { "" };
        let pretest = if j >= 55 { "1" } else { "0" };
        let b = -2.0 + 4.0 * (j as f64) / 60.0;
        bank.push_str(&format!(
            "I{j:02},1.2,{b:.3},0.15,{testlet},{enemy},{pretest}\n"
        ));
    }
    let bank = scratch("bank_sets.csv", &bank);
    let paths = scratch("sets_paths.csv", "");
    let (ok, out, err) = certamen(&[
        "simulate",
        "--bank",
        &bank,
        "--examinees",
        "300",
        "--mode",
        "loft",
        "--length",
        "30",
        "--pretest-per-test",
        "2",
        "--seed",
        "4",
        "--out",
        &paths,
    ]);
    assert!(ok, "{err}");
    let summary: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        summary["mean_length"], 30.0,
        "lengths count scored items only"
    );
    for line in std::fs::read_to_string(&paths).unwrap().lines().skip(1) {
        let items: Vec<&str> = line.split(',').nth(5).unwrap().split(';').collect();
        assert_eq!(items.len(), 32, "30 scored and 2 pretest");
        let pos = |id: &str| items.iter().position(|i| *i == id);
        if let Some(p) = pos("I01") {
            assert_eq!(
                (pos("I02"), pos("I03")),
                (Some(p + 1), Some(p + 2)),
                "the scenario set in order"
            );
        }
        assert!(
            !(pos("I04").is_some() && pos("I05").is_some()),
            "enemies apart"
        );
        assert_eq!(
            items
                .iter()
                .filter(|i| i[1..].parse::<u32>().unwrap() >= 55)
                .count(),
            2
        );
    }
}
