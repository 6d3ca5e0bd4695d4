//! `certamen psychometrics simulate`: a delivery design run over simulated examinees, with a
//! JSON summary on stdout and, with `--out`, one row per examinee.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context};
use clap::{Args, ValueEnum};

use certamen_engine::cat::simulate::{simulate, Mode};
use certamen_engine::cat::{
    parse_exposure_target, tune_sympson_hetter, CatBank, ContentLimit, Decision, Design, Selection,
    StopRule,
};
use certamen_engine::irt::EapSettings;
use certamen_engine::random::{attempt_rng, standard_normal};

use super::input::{read_blueprint, read_items, read_thetas};

#[derive(Clone, Copy, ValueEnum)]
pub enum SimMode {
    Cat,
    Loft,
    Fixed,
}

#[derive(Args)]
pub struct SimulateArgs {
    /// Items: id,a,b,c[,competency].
    #[arg(long)]
    bank: PathBuf,
    /// examinee_id,true_theta.
    #[arg(long, conflicts_with = "examinees")]
    thetas: Option<PathBuf>,
    /// Draw this many true θ from N(0, 1) instead.
    #[arg(long)]
    examinees: Option<usize>,
    #[arg(long, value_enum, default_value = "cat")]
    mode: SimMode,
    /// Test length (sets both the minimum and the maximum).
    #[arg(long)]
    length: Option<usize>,
    #[arg(long)]
    min_length: Option<usize>,
    #[arg(long)]
    max_length: Option<usize>,
    /// fixed | se:0.3 | sprt[:DELTA] | ci[:Z]
    #[arg(long, default_value = "fixed")]
    stop: String,
    /// The pass/fail cut on θ.
    #[arg(long, allow_hyphen_values = true)]
    cut: Option<f64>,
    /// max-info | randomesque:K
    #[arg(long, default_value = "max-info")]
    selection: String,
    /// sympson-hetter:R (tuned by simulation to keep every item's exposure at or below R).
    #[arg(long)]
    exposure: Option<String>,
    /// LOFT: each form's test information at the cut (θ = 0 without --cut) within LO,HI.
    #[arg(long, value_parser = super::parse_range)]
    info_band: Option<(f64, f64)>,
    /// Pretest items (the bank's `pretest` column) given to each examinee, unscored.
    #[arg(long, default_value_t = 0)]
    pretest_per_test: usize,
    /// competency,min,max (the bank then needs a competency column).
    #[arg(long)]
    blueprint: Option<PathBuf>,
    /// Only eap is offered: it is the estimator the adaptive engine updates after each item.
    #[arg(long, default_value = "eap")]
    estimator: String,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// examinee_id,true_theta,final_theta,se,n_items,items
    #[arg(long)]
    out: Option<PathBuf>,
}

fn parse_stop(s: &str, cut: Option<f64>) -> anyhow::Result<StopRule> {
    StopRule::parse(s, cut).map_err(|e| {
        if cut.is_none() && e.contains("needs a cut") {
            anyhow::anyhow!("--stop {s} decides pass/fail, so it needs --cut THETA")
        } else {
            anyhow::anyhow!("--stop {s}: {e}")
        }
    })
}

fn parse_selection(s: &str) -> anyhow::Result<Selection> {
    Selection::parse(s).map_err(|e| anyhow::anyhow!("--selection {s}: {e}"))
}

pub fn run(args: SimulateArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    if args.estimator != "eap" {
        bail!(
            "--estimator {}: only eap is offered (the adaptive engine updates EAP after each item)",
            args.estimator
        );
    }
    let items = read_items(&args.bank)?;
    let (ids, thetas) = match (&args.thetas, args.examinees) {
        (Some(path), _) => read_thetas(path)?,
        (None, Some(n)) if n > 0 => {
            let mut rng = attempt_rng(args.seed ^ 0x7468_6574_6173);
            let thetas: Vec<f64> = (0..n).map(|_| standard_normal(&mut rng)).collect();
            ((1..=n).map(|i| format!("E{i:06}")).collect(), thetas)
        }
        _ => bail!("give --thetas FILE or --examinees N (N at least 1)"),
    };
    let (min_length, max_length) = match (args.length, args.min_length, args.max_length) {
        (Some(l), None, None) => (l, l),
        (None, min, Some(max)) => (min.unwrap_or(1), max),
        (None, None, None) => bail!("give --length L, or --max-length L (with --min-length)"),
        _ => bail!("give either --length or --min-length/--max-length, not both"),
    };
    let (competency, content) = match &args.blueprint {
        None => (Vec::new(), Vec::new()),
        Some(path) => blueprint(path, &args.bank, items.competency.as_deref())?,
    };
    let mut design = Design {
        min_length,
        max_length,
        stop: parse_stop(&args.stop, args.cut)?,
        selection: parse_selection(&args.selection)?,
        competency,
        content,
        exposure: None,
        enemies: groups(&items.enemy_set),
        testlets: groups(&items.testlet),
        pretest: (0..items.pretest.len())
            .filter(|&j| items.pretest[j])
            .collect(),
        pretest_per_test: args.pretest_per_test,
        info_band: match (args.info_band, args.mode) {
            (None, _) => None,
            (Some((lo, hi)), _) if lo > hi => {
                bail!("--info-band {lo},{hi}: the low end is above the high end")
            }
            (Some((lo, hi)), SimMode::Loft) => Some((args.cut.unwrap_or(0.0), lo, hi)),
            (Some(_), _) => bail!("--info-band applies to --mode loft only"),
        },
        start_theta: 0.0,
    };
    design
        .check(items.params.len())
        .map_err(|e| anyhow::anyhow!("{}: {e}", args.bank.display()))?;
    let bank = CatBank::new(items.params.clone(), EapSettings::default());
    if let Some(spec) = &args.exposure {
        let target =
            parse_exposure_target(spec).map_err(|e| anyhow::anyhow!("--exposure {spec}: {e}"))?;
        // Tuned on its own N(0, 1) sample so the reported run is not the one it was fitted to.
        let mut rng = attempt_rng(args.seed ^ 0x5348);
        let sample: Vec<f64> = (0..thetas.len().clamp(500, 2000))
            .map(|_| standard_normal(&mut rng))
            .collect();
        design.exposure = Some(tune_sympson_hetter(
            &bank, &design, &sample, target, 8, args.seed,
        ));
    }
    let mode = match args.mode {
        SimMode::Cat => Mode::Cat,
        SimMode::Loft => Mode::Loft,
        SimMode::Fixed => Mode::Fixed,
    };
    let (records, s) = simulate(&bank, &design, mode, args.cut, &thetas, args.seed);
    if let Some(path) = &args.out {
        write_paths(path, &ids, &items.ids, &records)?;
    }
    let json = serde_json::json!({
        "examinees": s.examinees,
        "mode": format!("{:?}", mode).to_lowercase(),
        "mean_length": s.mean_length, "min_length": s.min_length, "max_length": s.max_length,
        "bias": s.bias, "rmse": s.rmse, "correlation": s.correlation,
        "classification_accuracy": s.classification_accuracy,
        "false_pass_rate": s.false_pass_rate, "false_fail_rate": s.false_fail_rate,
        "max_exposure": s.max_exposure, "mean_exposure": s.mean_exposure,
        "blueprint_violations": s.blueprint_violations,
        "info_band_misses": s.info_band_misses,
        "seconds": started.elapsed().as_secs_f64(),
    });
    println!("{}", serde_json::to_string_pretty(&json)?);
    Ok(())
}

/// Items sharing a non-empty label, in file order, one group per label (first seen first).
fn groups(labels: &[String]) -> Vec<Vec<usize>> {
    let mut order: Vec<&str> = Vec::new();
    for l in labels.iter().filter(|l| !l.is_empty()) {
        if !order.contains(&l.as_str()) {
            order.push(l);
        }
    }
    order
        .iter()
        .map(|l| (0..labels.len()).filter(|&j| labels[j] == *l).collect())
        .collect()
}

/// Maps the bank's competency labels onto the blueprint's rows.
fn blueprint(
    path: &Path,
    bank_path: &Path,
    labels: Option<&[String]>,
) -> anyhow::Result<(Vec<usize>, Vec<ContentLimit>)> {
    let bp = read_blueprint(path)?;
    let labels = labels.with_context(|| {
        format!(
            "{}: --blueprint needs a competency column in the bank",
            bank_path.display()
        )
    })?;
    let competency = labels
        .iter()
        .enumerate()
        .map(|(j, l)| {
            bp.rows
                .iter()
                .position(|(k, _, _)| k == l)
                .with_context(|| {
                    format!(
                        "{}, row {}, column \"competency\": {l:?} is not in the blueprint {}",
                        bank_path.display(),
                        j + 2,
                        path.display()
                    )
                })
        })
        .collect::<anyhow::Result<Vec<usize>>>()?;
    let total_mid: f64 = bp
        .rows
        .iter()
        .map(|(_, lo, hi)| (lo + hi) as f64 / 2.0)
        .sum();
    let content = bp
        .rows
        .iter()
        .map(|&(_, min, max)| ContentLimit {
            min,
            max,
            share: (min + max) as f64 / 2.0 / total_mid.max(1.0),
        })
        .collect();
    Ok((competency, content))
}

fn write_paths(
    path: &Path,
    ids: &[String],
    item_ids: &[String],
    records: &[certamen_engine::cat::simulate::PathRecord],
) -> anyhow::Result<()> {
    let tmp = path.with_extension("partial");
    let mut w =
        csv::Writer::from_path(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
    w.write_record([
        "examinee_id",
        "true_theta",
        "final_theta",
        "se",
        "n_items",
        "items",
        "decision",
    ])?;
    for (id, r) in ids.iter().zip(records) {
        let items: Vec<&str> = r.items.iter().map(|&j| item_ids[j].as_str()).collect();
        let decision = match r.decision {
            Some(Decision::Pass) => "pass",
            Some(Decision::Fail) => "fail",
            None => "",
        };
        w.write_record([
            id.as_str(),
            &r.true_theta.to_string(),
            &r.theta.to_string(),
            &r.se.to_string(),
            &r.items.len().to_string(),
            &items.join(";"),
            decision,
        ])?;
    }
    w.flush()?;
    drop(w);
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
