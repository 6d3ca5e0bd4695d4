//! Calibration against mirt's 61-point 2PL estimates (calib2pl_estimates.csv) and eRm's
//! conditional ML Rasch difficulties (rasch_difficulties.csv), both within 0.01 as the
//! README's section 5 and 6 support (the estimators themselves agree to 0.006).

mod common;

use certamen_engine::irt::{calibrate, CalibrationSettings, ItemModel, ResponseMatrix};
use common::Table;

#[test]
fn two_pl_matches_mirt_within_0_01() {
    let m = Table::read("calib2pl_3000x40.csv").matrix(1);
    let cal = calibrate(&m, &CalibrationSettings::new(ItemModel::TwoPl), |_, _| {}).unwrap();
    assert!(cal.converged, "converged in {} cycles", cal.cycles);
    let t = Table::read("calib2pl_estimates.csv");
    let (a, b) = (t.f64s("a_mirt_q61"), t.f64s("b_mirt_q61"));
    let mut worst: f64 = 0.0;
    for (j, item) in cal.items.iter().enumerate() {
        let da = (item.params.a.get() - a[j]).abs();
        let db = (item.params.b.get() - b[j]).abs();
        worst = worst.max(da).max(db);
        assert!(
            da < 0.01 && db < 0.01,
            "{}: a {} vs {}, b {} vs {}",
            t.rows[j][0],
            item.params.a.get(),
            a[j],
            item.params.b.get(),
            b[j]
        );
        assert!(
            item.se_a > 0.0 && item.se_a < 0.2 && item.se_b > 0.0 && item.se_b < 0.5,
            "SEs {} {}",
            item.se_a,
            item.se_b
        );
    }
    eprintln!(
        "2PL: largest difference from mirt q61 {worst:.5} after {} cycles",
        cal.cycles
    );
}

#[test]
fn rasch_matches_erm_within_0_01_after_centring() {
    let m = Table::read("rasch_1000x20.csv").matrix(1);
    let cal = calibrate(&m, &CalibrationSettings::new(ItemModel::Rasch), |_, _| {}).unwrap();
    assert!(cal.converged);
    let ours: Vec<f64> = cal.items.iter().map(|i| i.params.b.get()).collect();
    let mean = ours.iter().sum::<f64>() / ours.len() as f64;
    let erm = Table::read("rasch_difficulties.csv").f64s("erm_difficulty");
    let erm_se = Table::read("rasch_difficulties.csv").f64s("erm_se");
    for (j, b) in ours.iter().enumerate() {
        assert!(
            (b - mean - erm[j]).abs() < 0.01,
            "R{:02}: {} vs eRm {}",
            j + 1,
            b - mean,
            erm[j]
        );
        // MML and CML standard errors differ in kind; they should agree to a few thousandths.
        assert!(
            (cal.items[j].se_b - erm_se[j]).abs() < 0.01,
            "SE {} vs {}",
            cal.items[j].se_b,
            erm_se[j]
        );
    }
    assert!(
        (cal.population_sd - 1.0).abs() < 0.15,
        "σ = {}",
        cal.population_sd
    );
}

#[test]
fn sparse_data_calibrates_on_the_responses_it_has() {
    // Drop a third of the 2PL reference responses in a fixed pattern (as a LOFT design would):
    // the estimates stay close to the complete-data ones.
    let full = Table::read("calib2pl_3000x40.csv").matrix(1);
    let cells = (0..full.persons())
        .flat_map(|i| (0..full.items()).map(move |j| (i, j)))
        .map(|(i, j)| {
            if (i + j) % 3 == 0 {
                None
            } else {
                full.get(i, j)
            }
        })
        .collect();
    let sparse = ResponseMatrix::new(full.items(), cells).unwrap();
    let s = CalibrationSettings::new(ItemModel::TwoPl);
    let a = calibrate(&full, &s, |_, _| {}).unwrap();
    let b = calibrate(&sparse, &s, |_, _| {}).unwrap();
    for (x, y) in a.items.iter().zip(&b.items) {
        assert!((x.params.b.get() - y.params.b.get()).abs() < 0.25);
        assert!((x.params.a.get() - y.params.a.get()).abs() < 0.3);
        assert!(y.se_b > x.se_b * 0.95, "fewer responses, wider SEs");
    }
}

#[test]
fn three_pl_recovers_the_reference_bank_from_simulated_data() {
    // 3PL calibration has no peer file; check recovery on data drawn from the reference
    // bank's first 30 items with a fixed seed (ChaCha), 4000 persons.
    use certamen_engine::random::{attempt_rng, standard_normal, unit};
    let items = common::items("item_bank_300.csv");
    let items = &items[..30];
    let mut rng = attempt_rng(20241123);
    let mut cells = Vec::new();
    for _ in 0..4000 {
        let theta = standard_normal(&mut rng);
        for it in items {
            cells.push(Some(unit(&mut rng) < it.prob(theta)));
        }
    }
    let m = ResponseMatrix::new(items.len(), cells).unwrap();
    let cal = calibrate(&m, &CalibrationSettings::new(ItemModel::ThreePl), |_, _| {}).unwrap();
    assert!(cal.converged);
    let rmse = |f: &dyn Fn(usize) -> f64| {
        (((0..items.len()).map(|j| f(j).powi(2)).sum::<f64>()) / items.len() as f64).sqrt()
    };
    let rb = rmse(&|j| cal.items[j].params.b.get() - items[j].b.get());
    let rc = rmse(&|j| cal.items[j].params.c.get() - items[j].c.get());
    assert!(rb < 0.3, "RMSE b {rb}");
    assert!(rc < 0.08, "RMSE c {rc}");
}

#[test]
fn items_that_cannot_be_calibrated_are_named() {
    let m =
        ResponseMatrix::from_binary_rows(&[vec![1, 1, 0], vec![1, 0, 1], vec![1, 1, 1]]).unwrap();
    let e = calibrate(&m, &CalibrationSettings::new(ItemModel::TwoPl), |_, _| {}).unwrap_err();
    assert_eq!(
        e.to_string(),
        "item 0 was answered correctly by everyone who saw it, so it cannot be calibrated"
    );
}
