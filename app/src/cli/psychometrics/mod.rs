//! `certamen psychometrics …`: the engine's psychometrics for scripts and psychometricians.
//! CSV results go to stdout, a short human summary (and a progress bar on a terminal) to
//! stderr; bad input stops with an error naming the file, row and column.

mod input;
mod simulate;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context};
use clap::{Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};

use certamen_engine::classical::{item_analysis, ClassicalError};
use certamen_engine::dif::{mantel_haenszel, DifError, Group};
use certamen_engine::irt::{
    calibrate, AbilityScorer, BetaPrior, CalibrationError, CalibrationSettings, EapSettings, Grid,
    ItemModel, Method, NormalPrior, QuadratureRule, Status,
};

use input::{align, read_items, read_responses, ResponseOptions};

#[derive(Clone, Copy, ValueEnum)]
pub enum ScoreMethod {
    Eap,
    Map,
    Mle,
    Wle,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Rule {
    Rectangle,
    Trapezoid,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Model {
    Rasch,
    #[value(name = "2pl")]
    TwoPl,
    #[value(name = "3pl")]
    ThreePl,
}

#[derive(Subcommand)]
pub enum PsychometricsCommand {
    /// Ability estimates: examinee_id,theta,se,status.
    Score {
        #[arg(long)]
        items: PathBuf,
        #[arg(long)]
        responses: PathBuf,
        #[arg(long, value_enum, default_value = "eap")]
        method: ScoreMethod,
        /// EAP quadrature points.
        #[arg(long, default_value_t = 61)]
        points: usize,
        /// EAP grid range, e.g. --range=-4,4.
        #[arg(long, default_value = "-4,4", value_parser = parse_range, allow_hyphen_values = true)]
        range: (f64, f64),
        /// EAP quadrature rule (trapezoid matches catR/catpie).
        #[arg(long, value_enum, default_value = "rectangle")]
        rule: Rule,
        /// Prior for EAP and MAP, as MEAN,SD.
        #[arg(long, default_value = "0,1", value_parser = parse_range, allow_hyphen_values = true)]
        prior: (f64, f64),
        /// Response columns that are not items.
        #[arg(long = "ignore-column")]
        ignore: Vec<String>,
    },
    /// Item parameters by marginal maximum likelihood: id,a,b,c,se_a,se_b,se_c.
    Calibrate {
        #[arg(long, value_enum)]
        model: Model,
        #[arg(long)]
        responses: PathBuf,
        #[arg(long, default_value_t = 61)]
        points: usize,
        #[arg(long, default_value = "-6,6", value_parser = parse_range, allow_hyphen_values = true)]
        range: (f64, f64),
        #[arg(long, default_value_t = 1e-4)]
        tolerance: f64,
        #[arg(long, default_value_t = 2000)]
        max_cycles: usize,
        /// Beta prior on c for the 3PL, as ALPHA,BETA.
        #[arg(long, default_value = "6,16", value_parser = parse_range)]
        c_prior: (f64, f64),
        #[arg(long = "ignore-column")]
        ignore: Vec<String>,
    },
    /// Classical item statistics: id,p_value,r_itemrest,r_itemtotal,alpha_if_deleted.
    ItemStats {
        #[arg(long)]
        responses: PathBuf,
        /// Also write alpha, KR-20, SEM, mean and SD of the total as JSON.
        #[arg(long)]
        summary: Option<PathBuf>,
        #[arg(long = "ignore-column")]
        ignore: Vec<String>,
    },
    /// Simulate a fixed, LOFT or adaptive design: a JSON summary, and paths with --out.
    Simulate(Box<simulate::SimulateArgs>),
    /// Mantel–Haenszel DIF: id,mh_alpha,mh_d_dif,se_d_dif,mh_chisq,p_value,ets_class.
    Dif {
        #[arg(long)]
        responses: PathBuf,
        #[arg(long)]
        group_column: String,
        /// The group value that marks the focal group; every other value is the reference.
        #[arg(long, default_value = "1")]
        focal: String,
        #[arg(long = "ignore-column")]
        ignore: Vec<String>,
    },
}

pub(super) fn parse_range(s: &str) -> Result<(f64, f64), String> {
    let (a, b) = s
        .split_once(',')
        .ok_or_else(|| format!("{s:?}: expected two numbers separated by a comma"))?;
    let parse = |t: &str| {
        t.trim()
            .parse::<f64>()
            .map_err(|_| format!("{t:?} is not a number"))
    };
    Ok((parse(a)?, parse(b)?))
}

/// A number for the CSV: shortest exact form, `inf`/`-inf`, and an empty cell for
/// "not applicable" (NaN).
fn num(x: f64) -> String {
    if x.is_nan() {
        String::new()
    } else if x.is_infinite() {
        if x > 0.0 { "inf" } else { "-inf" }.to_string()
    } else {
        format!("{x}")
    }
}

pub fn progress_bar(len: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({eta} left)")
            .expect("a fixed template")
            .progress_chars("=> "),
    );
    bar.set_message(what.to_string());
    bar
}

pub fn run(command: PsychometricsCommand) -> anyhow::Result<()> {
    let started = Instant::now();
    let stdout = std::io::stdout();
    let mut out = csv::Writer::from_writer(stdout.lock());
    match command {
        PsychometricsCommand::Simulate(args) => simulate::run(*args)?,
        PsychometricsCommand::Score {
            items,
            responses,
            method,
            points,
            range,
            rule,
            prior,
            ignore,
        } => {
            let item_file = read_items(&items)?;
            let resp = read_responses(&responses, &ResponseOptions::ignoring(&ignore))?;
            let matrix = align(&item_file, &items, &resp, &responses)?;
            let prior = NormalPrior {
                mean: prior.0,
                sd: prior.1,
            };
            let method = match method {
                ScoreMethod::Eap => Method::Eap(EapSettings {
                    prior,
                    grid: Grid {
                        points,
                        lo: range.0,
                        hi: range.1,
                    },
                    rule: match rule {
                        Rule::Rectangle => QuadratureRule::Rectangle,
                        Rule::Trapezoid => QuadratureRule::Trapezoid,
                    },
                }),
                ScoreMethod::Map => Method::Map(prior),
                ScoreMethod::Mle => Method::Mle,
                ScoreMethod::Wle => Method::Wle,
            };
            let scorer = AbilityScorer::new(&item_file.params, method)
                .context("--points, --range or --prior")?;
            let bar = progress_bar(resp.examinees.len() as u64, "scoring");
            let estimates = scorer.estimate_all(&matrix, |n| bar.inc(n as u64))?;
            bar.finish_and_clear();
            out.write_record(["examinee_id", "theta", "se", "status"])?;
            let mut counts = std::collections::BTreeMap::new();
            for (id, e) in resp.examinees.iter().zip(&estimates) {
                *counts.entry(e.status.as_str()).or_insert(0usize) += 1;
                out.write_record([id.as_str(), &num(e.theta), &num(e.se), e.status.as_str()])?;
            }
            out.flush()?;
            let finite: Vec<f64> = estimates
                .iter()
                .filter(|e| e.status == Status::Ok)
                .map(|e| e.theta)
                .collect();
            let mean = finite.iter().sum::<f64>() / finite.len().max(1) as f64;
            eprintln!(
                "scored {} examinees on {} items in {:.2} s; statuses {:?}; mean θ of the finite estimates {:.3}",
                estimates.len(),
                item_file.ids.len(),
                started.elapsed().as_secs_f64(),
                counts,
                mean
            );
        }
        PsychometricsCommand::Calibrate {
            model,
            responses,
            points,
            range,
            tolerance,
            max_cycles,
            c_prior,
            ignore,
        } => {
            let resp = read_responses(&responses, &ResponseOptions::ignoring(&ignore))?;
            let model = match model {
                Model::Rasch => ItemModel::Rasch,
                Model::TwoPl => ItemModel::TwoPl,
                Model::ThreePl => ItemModel::ThreePl,
            };
            let mut settings = CalibrationSettings::new(model);
            settings.points = points;
            settings.range = range;
            settings.tolerance = tolerance;
            settings.max_cycles = max_cycles;
            settings.guessing_prior = BetaPrior {
                alpha: c_prior.0,
                beta: c_prior.1,
            };
            let bar = progress_bar(max_cycles as u64, "EM cycles");
            let cal = calibrate(&resp.matrix, &settings, |cycle, change| {
                bar.set_position(cycle as u64);
                bar.set_message(format!("EM cycle {cycle}, largest change {change:.2e}"));
            })
            .map_err(|e| calibration_error(e, &resp.item_ids, &responses))?;
            bar.finish_and_clear();
            out.write_record(["id", "a", "b", "c", "se_a", "se_b", "se_c"])?;
            for (id, item) in resp.item_ids.iter().zip(&cal.items) {
                out.write_record([
                    id.as_str(),
                    &num(item.params.a.get()),
                    &num(item.params.b.get()),
                    &num(item.params.c.get()),
                    &num(item.se_a),
                    &num(item.se_b),
                    &num(item.se_c),
                ])?;
            }
            out.flush()?;
            eprintln!(
                "{} {} items from {} examinees: {} after {} EM cycles (largest last change {:.2e}); log-likelihood {:.3}; population SD {:.4}{}; {:.2} s",
                if cal.converged { "calibrated" } else { "NOT CONVERGED:" },
                cal.items.len(),
                resp.examinees.len(),
                if cal.converged { "converged" } else { "stopped" },
                cal.cycles,
                cal.max_change,
                cal.log_likelihood,
                cal.population_sd,
                if cal.standard_errors_ok { "" } else { "; standard errors unavailable (singular information)" },
                started.elapsed().as_secs_f64()
            );
            if !cal.converged {
                bail!("calibration did not converge in {max_cycles} cycles; raise --max-cycles or loosen --tolerance");
            }
        }
        PsychometricsCommand::ItemStats {
            responses,
            summary,
            ignore,
        } => {
            let resp = read_responses(&responses, &ResponseOptions::ignoring(&ignore))?;
            let analysis = item_analysis(&resp.matrix).map_err(|e| match e {
                ClassicalError::Missing { person, item } => {
                    missing_cell(&responses, &resp, person, item)
                }
                other => anyhow::anyhow!("{}: {other}", responses.display()),
            })?;
            out.write_record([
                "id",
                "p_value",
                "r_itemrest",
                "r_itemtotal",
                "alpha_if_deleted",
            ])?;
            for (id, s) in resp.item_ids.iter().zip(&analysis.items) {
                out.write_record([
                    id.as_str(),
                    &num(s.p_value),
                    &num(s.r_itemrest),
                    &num(s.r_itemtotal),
                    &num(s.alpha_if_deleted),
                ])?;
            }
            out.flush()?;
            let t = &analysis.test;
            if let Some(path) = summary {
                let json = serde_json::json!({
                    "persons": t.persons, "items": t.items, "alpha": t.alpha, "kr20": t.kr20,
                    "sem": t.sem, "mean": t.mean, "sd": t.sd,
                });
                write_atomically(&path, &serde_json::to_vec_pretty(&json)?)?;
            }
            eprintln!(
                "{} examinees × {} items: alpha {:.4}, KR-20 {:.4}, SEM {:.3}, mean {:.3}, SD {:.3}",
                t.persons, t.items, t.alpha, t.kr20, t.sem, t.mean, t.sd
            );
        }
        PsychometricsCommand::Dif {
            responses,
            group_column,
            focal,
            ignore,
        } => {
            let resp = read_responses(
                &responses,
                &ResponseOptions {
                    ignore: &ignore,
                    group_column: Some(&group_column),
                },
            )?;
            let groups: Vec<Group> = resp
                .groups
                .iter()
                .map(|g| {
                    if *g == focal {
                        Group::Focal
                    } else {
                        Group::Reference
                    }
                })
                .collect();
            let results = mantel_haenszel(&resp.matrix, &groups).map_err(|e| match e {
                DifError::Missing { person, item } => missing_cell(&responses, &resp, person, item),
                other => anyhow::anyhow!("{}: {other}", responses.display()),
            })?;
            out.write_record([
                "id",
                "mh_alpha",
                "mh_d_dif",
                "se_d_dif",
                "mh_chisq",
                "p_value",
                "ets_class",
            ])?;
            let mut flagged = Vec::new();
            for (id, r) in resp.item_ids.iter().zip(&results) {
                if r.label() != "A" {
                    flagged.push(format!("{id} {}", r.label()));
                }
                out.write_record([
                    id.as_str(),
                    &num(r.alpha),
                    &num(r.d_dif),
                    &num(r.se_d_dif),
                    &num(r.chi_square),
                    &num(r.p_value),
                    &r.label(),
                ])?;
            }
            out.flush()?;
            let n_focal = groups.iter().filter(|g| **g == Group::Focal).count();
            eprintln!(
                "MH DIF for {} items: {} focal ({group_column} = {focal:?}) and {} reference examinees; flagged (B or C): {}",
                results.len(),
                n_focal,
                groups.len() - n_focal,
                if flagged.is_empty() { "none".to_string() } else { flagged.join(", ") }
            );
        }
    }
    Ok(())
}

/// The engine numbers items from 0; name the column instead.
fn calibration_error(e: CalibrationError, item_ids: &[String], path: &Path) -> anyhow::Error {
    match e {
        CalibrationError::NoResponses { item } => anyhow::anyhow!(
            "{}, column {:?}: nobody answered this item, so it cannot be calibrated",
            path.display(),
            item_ids[item]
        ),
        CalibrationError::NoVariance { item, what } => anyhow::anyhow!(
            "{}, column {:?}: everyone who saw this item answered it {what}, so it cannot be calibrated; leave it out with --ignore-column",
            path.display(),
            item_ids[item]
        ),
        other => anyhow::anyhow!("{}: {other}", path.display()),
    }
}

/// A cell an analysis needed but the file left empty, as a spreadsheet row and column.
fn missing_cell(
    path: &Path,
    resp: &input::ResponseFile,
    person: usize,
    item: usize,
) -> anyhow::Error {
    anyhow::anyhow!(
        "{}, row {}, column {:?}: examinee {:?} has no response, and this analysis needs every response",
        path.display(),
        person + 2,
        resp.item_ids[item],
        resp.examinees[person]
    )
}

/// Writes a file whole or not at all.
fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let tmp = path.with_extension("partial");
    let mut f =
        std::fs::File::create(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
    f.write_all(bytes)?;
    f.sync_all()?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
