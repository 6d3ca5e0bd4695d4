//! Adaptive testing speed, measured with criterion:
//!
//! - `cat_1000x40`: 1,000 examinees × 40 items on the reference's 1,000-item 3PL bank
//!   (cat_bank_1000.csv and cat_true_thetas_1000.csv): maximum information, EAP (61 points),
//!   fixed length, as the peer timings in timings_summary.json (mirt-python batch 1.22 s,
//!   catsim 45.4 s). Goal: at least 10× and 300× faster, with bias and RMSE within Monte-Carlo
//!   noise of theirs (printed once before timing).
//! - `select_next_2000_content`: one next-item choice with content balancing (17
//!   competencies) on a 2,000-item bank, 20 items into a test. Goal: under 50 µs.

use std::hint::black_box;
use std::path::PathBuf;

use certamen_engine::cat::simulate::{simulate, Mode};
use certamen_engine::cat::{choose_next, CatBank, ContentLimit, Design, Selection, StopRule};
use certamen_engine::irt::{EapSettings, ItemParams};
use certamen_engine::random::{attempt_rng, standard_normal, unit};
use criterion::{criterion_group, criterion_main, Criterion};

fn reference(name: &str) -> Vec<Vec<String>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../engine/tests/reference/psychometrics")
        .join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

fn fixed_design(length: usize) -> Design {
    Design {
        min_length: length,
        max_length: length,
        stop: StopRule::Fixed,
        selection: Selection::MaxInfo,
        competency: Vec::new(),
        content: Vec::new(),
        exposure: None,
        enemies: Vec::new(),
        testlets: Vec::new(),
        pretest: Vec::new(),
        pretest_per_test: 0,
        info_band: None,
        start_theta: 0.0,
    }
}

fn cat(c: &mut Criterion) {
    let items: Vec<ItemParams> = reference("cat_bank_1000.csv")
        .iter()
        .map(|r| {
            ItemParams::three_pl(
                r[1].parse().unwrap(),
                r[2].parse().unwrap(),
                r[3].parse().unwrap(),
            )
            .unwrap()
        })
        .collect();
    let thetas: Vec<f64> = reference("cat_true_thetas_1000.csv")
        .iter()
        .map(|r| r[1].parse().unwrap())
        .collect();
    let bank = CatBank::new(items, EapSettings::default());
    let design = fixed_design(40);
    let (_, summary) = simulate(&bank, &design, Mode::Cat, None, &thetas, 7);
    eprintln!(
        "CAT 1000x40 accuracy: bias {:+.4}, RMSE {:.4} (catpie +0.007/0.233, mirt +0.005/0.234, catsim -0.000/0.242; Monte-Carlo SE of RMSE about 0.006)",
        summary.bias, summary.rmse
    );
    let mut group = c.benchmark_group("adaptive");
    group.sample_size(20);
    group.bench_function("cat_1000x40", |b| {
        b.iter(|| simulate(black_box(&bank), &design, Mode::Cat, None, &thetas, 7))
    });
    group.finish();
}

fn selection(c: &mut Criterion) {
    // 2,000 items drawn like the reference bank, 17 competencies in turn.
    let mut rng = attempt_rng(2024);
    let mut normal = || standard_normal(&mut rng);
    let items: Vec<ItemParams> = (0..2000)
        .map(|_| {
            let a = (0.3 * normal()).exp().clamp(0.4, 2.5);
            let b = normal().clamp(-3.0, 3.0);
            ItemParams::three_pl(a, b, 0.05 + 0.25 * (normal().abs() / 4.0).min(1.0)).unwrap()
        })
        .collect();
    let bank = CatBank::new(items, EapSettings::default());
    let mut design = fixed_design(21);
    design.competency = (0..2000).map(|j| j % 17).collect();
    design.content = (0..17)
        .map(|_| ContentLimit {
            min: 1,
            max: 2,
            share: 1.0 / 17.0,
        })
        .collect();
    design.selection = Selection::Randomesque(1);
    // A test 20 items in (one per competency plus three), then time the 21st choice.
    let mut answers = attempt_rng(6);
    let mut session = bank.session(0.0);
    let mut blocked = vec![false; 2000];
    let mut counts = vec![0usize; 17];
    let mut rng = attempt_rng(5);
    let mut selected = Vec::new();
    for _ in 0..20 {
        let j = choose_next(
            &session,
            &design,
            &blocked,
            &counts,
            &mut rng,
            &mut selected,
        )
        .unwrap();
        blocked[j] = true;
        counts[design.competency[j]] += 1;
        session.record(j, unit(&mut answers) < bank.items()[j].prob(0.3));
    }
    let mut group = c.benchmark_group("adaptive");
    group.bench_function("select_next_2000_content", |b| {
        b.iter(|| {
            selected.clear();
            choose_next(
                black_box(&session),
                &design,
                &blocked,
                &counts,
                &mut rng,
                &mut selected,
            )
        })
    });
    group.finish();
}

criterion_group!(benches, cat, selection);
criterion_main!(benches);
