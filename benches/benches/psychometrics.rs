//! Psychometrics speed, measured with criterion:
//!
//! - `calibrate_2pl_5000x100`: MML-EM 2PL calibration of 5,000 examinees × 100 items (no
//!   standard errors, as the peer timing), goal: at least 3× faster than mirt-python's
//!   `fit_mirt` on the same file with the same RMSE against the true parameters (within 2 %).
//! - `eap_100000x120`: EAP + PSD (61 points, rectangle rule) for 100,000 examinees × 120
//!   3PL items, goal: under 1 second.
//!
//! The data sets are simulated from fixed seeds and written to
//! `$CARGO_TARGET_DIR/bench-data/` so `benches/peers/compare.sh` can time the peers on the
//! very same files and print same-run ratios. Accuracy (RMSE against the true parameters) is
//! written to `bench-data/certamen_calib.json` next to them.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

use certamen_benches::simulate::{self, rmse};
use certamen_engine::irt::{
    calibrate, AbilityScorer, CalibrationSettings, EapSettings, ItemModel, Method,
};
use criterion::{criterion_group, criterion_main, Criterion};

fn data_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let dir = target.join("bench-data");
    std::fs::create_dir_all(&dir).expect("bench-data folder");
    dir
}

/// The peers' own files when `CERTAMEN_BENCH_DATA` names their folder (benches/peers/compare.sh
/// sets it, so both sides time the very same matrix); otherwise our seeded simulation, written
/// out for the peers.
fn data_set(
    responses: &str,
    items: &str,
    simulate: impl Fn() -> simulate::DataSet,
) -> simulate::DataSet {
    if let Some(dir) = std::env::var_os("CERTAMEN_BENCH_DATA").map(PathBuf::from) {
        return simulate::DataSet::read(&dir.join(responses), &dir.join(items))
            .unwrap_or_else(|e| panic!("CERTAMEN_BENCH_DATA: {e}"));
    }
    let data = simulate();
    let dir = data_dir();
    data.write_responses(&dir.join(responses))
        .expect("write responses");
    data.write_items(&dir.join(items)).expect("write items");
    data
}

fn calibration(c: &mut Criterion) {
    let data = data_set("calib_5000x100.csv", "calib_5000x100_true.csv", || {
        simulate::two_pl(5000, 100, 20240308)
    });
    let dir = data_dir();
    let mut settings = CalibrationSettings::new(ItemModel::TwoPl);
    settings.standard_errors = false;

    // One run for accuracy, recorded beside the data for the comparison script.
    let started = Instant::now();
    let cal = calibrate(&data.responses, &settings, |_, _| {}).expect("calibrates");
    let seconds = started.elapsed().as_secs_f64();
    let a: Vec<f64> = cal.items.iter().map(|i| i.params.a.get()).collect();
    let b: Vec<f64> = cal.items.iter().map(|i| i.params.b.get()).collect();
    let ta: Vec<f64> = data.items.iter().map(|i| i.a.get()).collect();
    let tb: Vec<f64> = data.items.iter().map(|i| i.b.get()).collect();
    let summary = serde_json::json!({
        "task": "2PL MML-EM 5000x100, 61 points on [-6,6], tol 1e-4, no SEs",
        "single_run_seconds": seconds,
        "cycles": cal.cycles,
        "converged": cal.converged,
        "rmse_a": rmse(&a, &ta),
        "rmse_b": rmse(&b, &tb),
    });
    std::fs::write(
        dir.join("certamen_calib.json"),
        serde_json::to_vec_pretty(&summary).expect("json"),
    )
    .expect("write summary");
    eprintln!("calibration accuracy: {summary}");

    let mut group = c.benchmark_group("psychometrics");
    group.sample_size(10);
    group.bench_function("calibrate_2pl_5000x100", |bench| {
        bench.iter(|| {
            calibrate(black_box(&data.responses), &settings, |_, _| {}).expect("calibrates")
        })
    });
    group.finish();
}

fn eap(c: &mut Criterion) {
    let data = data_set("eap_100000x120.csv", "eap_items_120.csv", || {
        simulate::three_pl(100_000, 120, 20240309)
    });
    let scorer =
        AbilityScorer::new(&data.items, Method::Eap(EapSettings::default())).expect("settings");
    let estimates = scorer
        .estimate_all(&data.responses, |_| {})
        .expect("120 items");
    let theta: Vec<f64> = estimates.iter().map(|e| e.theta).collect();
    if !data.thetas.is_empty() {
        eprintln!(
            "EAP accuracy: RMSE against the true θ {:.4} over {} examinees",
            rmse(&theta, &data.thetas),
            theta.len()
        );
    }
    eprintln!("EAP first five θ: {:?}", &theta[..5]);
    let mut group = c.benchmark_group("psychometrics");
    group.sample_size(10);
    group.bench_function("eap_100000x120", |bench| {
        bench.iter(|| {
            scorer
                .estimate_all(black_box(&data.responses), |_| {})
                .expect("120 items")
        })
    });
    group.finish();
}

criterion_group!(benches, calibration, eap);
criterion_main!(benches);
