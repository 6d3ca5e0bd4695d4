//! Classical item analysis against classical_items.csv / classical_summary.json (numpy,
//! agreeing with R psych, pingouin and mirt to 1e-14) and Mantel–Haenszel DIF against
//! dif_mh_results.csv (numpy, agreeing with R's mantelhaen.test).

mod common;

use certamen_engine::classical::item_analysis;
use certamen_engine::dif::{mantel_haenszel, EtsClass, Group};
use common::{close, Table};

fn summary_value(file: &str, key: &str) -> f64 {
    let text = std::fs::read_to_string(common::path(file)).unwrap();
    let at = text
        .find(&format!("\"{key}\":"))
        .unwrap_or_else(|| panic!("{key}"));
    let rest = &text[at + key.len() + 3..];
    let end = rest.find([',', '\n', '}']).unwrap();
    rest[..end].trim().parse().unwrap()
}

#[test]
fn classical_statistics_match_the_reference_to_1e9() {
    let data = Table::read("classical_2000x50.csv");
    let m = data.matrix(1);
    let a = item_analysis(&m).unwrap();
    let t = Table::read("classical_items.csv");
    for (col, get) in [
        (
            "p_value",
            (|s: &certamen_engine::classical::ItemStats| s.p_value) as fn(&_) -> f64,
        ),
        ("r_itemrest", |s| s.r_itemrest),
        ("r_itemtotal", |s| s.r_itemtotal),
        ("alpha_if_deleted", |s| s.alpha_if_deleted),
    ] {
        for (j, expected) in t.f64s(col).into_iter().enumerate() {
            close(
                &format!("{} {col}", t.rows[j][0]),
                get(&a.items[j]),
                expected,
                1e-9,
            );
        }
    }
    let f = "classical_summary.json";
    close(
        "alpha",
        a.test.alpha,
        summary_value(f, "cronbach_alpha"),
        1e-9,
    );
    close("kr20", a.test.kr20, summary_value(f, "kr20"), 1e-9);
    close("sem", a.test.sem, summary_value(f, "sem"), 1e-9);
    close("mean", a.test.mean, summary_value(f, "mean_total"), 1e-9);
    close("sd", a.test.sd, summary_value(f, "sd_total_ddof1"), 1e-9);
}

#[test]
fn mantel_haenszel_matches_the_reference_with_the_exact_ets_classes() {
    let data = Table::read("dif_2000x40.csv");
    let groups: Vec<Group> = data
        .strs("group")
        .iter()
        .map(|g| {
            if g == "1" {
                Group::Focal
            } else {
                Group::Reference
            }
        })
        .collect();
    let m = data.matrix(2);
    let results = mantel_haenszel(&m, &groups).unwrap();
    let t = Table::read("dif_mh_results.csv");
    let ids = t.strs("item");
    let (alpha, se_ln, d, se_d, chi, p) = (
        t.f64s("mh_alpha"),
        t.f64s("se_ln_alpha"),
        t.f64s("mh_d_dif"),
        t.f64s("se_d_dif"),
        t.f64s("mh_chisq_cc"),
        t.f64s("p_value"),
    );
    let (full, magnitude, sign) = (
        t.strs("ets_class_full"),
        t.strs("ets_class_magnitude"),
        t.strs("ets_sign"),
    );
    let class = |c: EtsClass| match c {
        EtsClass::A => "A",
        EtsClass::B => "B",
        EtsClass::C => "C",
    };
    let mut flagged = Vec::new();
    for (j, r) in results.iter().enumerate() {
        let id = &ids[j];
        close(&format!("{id} alpha"), r.alpha, alpha[j], 1e-6);
        close(&format!("{id} se ln alpha"), r.se_ln_alpha, se_ln[j], 1e-6);
        close(&format!("{id} D-DIF"), r.d_dif, d[j], 1e-6);
        close(&format!("{id} SE D-DIF"), r.se_d_dif, se_d[j], 1e-6);
        close(&format!("{id} chi-square"), r.chi_square, chi[j], 1e-6);
        // The file writes p to 7 significant digits.
        assert!(
            (r.p_value - p[j]).abs() <= 1e-6 * p[j],
            "{id} p {} vs {}",
            r.p_value,
            p[j]
        );
        assert_eq!(class(r.class), full[j], "{id} full class");
        assert_eq!(
            class(r.class_magnitude),
            magnitude[j],
            "{id} magnitude class"
        );
        assert_eq!(
            r.sign.map(String::from).unwrap_or_default(),
            sign[j],
            "{id} sign"
        );
        if r.label() != "A" {
            flagged.push(format!("{id} {}", r.label()));
        }
    }
    assert_eq!(flagged, ["D07 C-", "D19 B-", "D24 B+", "D33 C+"]);
}
