//! Adaptive testing replay: catpie's 1,000 recorded paths (maximum Fisher information, EAP on
//! 61 points with the trapezoid rule, start θ = 0, fixed length 40) must be reproduced item for
//! item when the engine is given the same responses (README section 7).

mod common;

use std::collections::HashMap;

use certamen_engine::cat::CatBank;
use certamen_engine::irt::{EapSettings, QuadratureRule};
use common::{items, Table};

#[test]
fn catpie_paths_are_reproduced_item_for_item() {
    let bank_table = Table::read("cat_bank_1000.csv");
    let ids = bank_table.strs("id");
    let index: HashMap<&str, usize> = ids
        .iter()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i))
        .collect();
    let bank = CatBank::new(
        items("cat_bank_1000.csv"),
        EapSettings {
            rule: QuadratureRule::Trapezoid,
            ..EapSettings::default()
        },
    );
    let paths = Table::read("cat_results_catpie.csv");
    let (items_col, resp_col, theta_col) = (
        paths.col("items"),
        paths.col("responses"),
        paths.col("final_theta"),
    );
    let mut identical = 0;
    let mut worst_theta: f64 = 0.0;
    for row in &paths.rows {
        let path: Vec<usize> = row[items_col].split(';').map(|id| index[id]).collect();
        let responses: Vec<bool> = row[resp_col].chars().map(|c| c == '1').collect();
        let mut session = bank.session(0.0);
        for (step, (&item, &correct)) in path.iter().zip(&responses).enumerate() {
            let chosen = session.next_item().expect("items left");
            assert_eq!(
                chosen,
                item,
                "{}: step {} chose {} where catpie chose {}",
                row[0],
                step + 1,
                ids[chosen],
                ids[item]
            );
            session.record(item, correct);
        }
        identical += 1;
        worst_theta = worst_theta.max((session.theta() - common::parse(&row[theta_col])).abs());
    }
    assert_eq!(identical, 1000);
    assert!(
        worst_theta < 1e-9,
        "final θ within 1e-9 of catpie, worst {worst_theta:e}"
    );
}
