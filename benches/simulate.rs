//! Simulated response data with known parameters, reproducible from a seed.
//!
//! Distributions follow the reference data's README (engine/tests/reference/psychometrics):
//! a ~ LogNormal(0, 0.3) clipped, b ~ N(0, 1) clipped, c ~ U(0.05, 0.30), θ ~ N(0, 1),
//! parameters rounded to 4 decimals (the rounded values are the parameters), and a response is
//! correct when a uniform draw falls below P(θ). The draws come from ChaCha20, not numpy, so
//! the numbers differ from the reference files; the data are written out for the peers.

use std::io::Write;
use std::path::Path;

use certamen_engine::irt::{ItemParams, ResponseMatrix};
use certamen_engine::random::{standard_normal, unit};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

fn round4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

pub struct DataSet {
    pub items: Vec<ItemParams>,
    pub thetas: Vec<f64>,
    pub responses: ResponseMatrix,
}

/// 2PL: a ~ LN(0, 0.3) clipped to [0.5, 2.5], b ~ N(0, 1) clipped to [−2.5, 2.5].
pub fn two_pl(persons: usize, items: usize, seed: u64) -> DataSet {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let params: Vec<ItemParams> = (0..items)
        .map(|_| {
            let a = round4((0.3 * standard_normal(&mut rng)).exp().clamp(0.5, 2.5));
            let b = round4(standard_normal(&mut rng).clamp(-2.5, 2.5));
            ItemParams::two_pl(a, b).expect("in range")
        })
        .collect();
    simulate(params, persons, &mut rng)
}

/// 3PL: a ~ LN(0, 0.3) clipped to [0.4, 2.5], b ~ N(0, 1) clipped to [−3, 3], c ~ U(0.05, 0.30).
pub fn three_pl(persons: usize, items: usize, seed: u64) -> DataSet {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let params: Vec<ItemParams> = (0..items)
        .map(|_| {
            let a = round4((0.3 * standard_normal(&mut rng)).exp().clamp(0.4, 2.5));
            let b = round4(standard_normal(&mut rng).clamp(-3.0, 3.0));
            let c = round4(0.05 + 0.25 * unit(&mut rng));
            ItemParams::three_pl(a, b, c).expect("in range")
        })
        .collect();
    simulate(params, persons, &mut rng)
}

fn simulate(items: Vec<ItemParams>, persons: usize, rng: &mut ChaCha20Rng) -> DataSet {
    let thetas: Vec<f64> = (0..persons).map(|_| standard_normal(rng)).collect();
    let mut cells = Vec::with_capacity(persons * items.len());
    for &t in &thetas {
        for item in &items {
            cells.push(Some(unit(rng) < item.prob(t)));
        }
    }
    DataSet {
        responses: ResponseMatrix::new(items.len(), cells).expect("rectangular"),
        items,
        thetas,
    }
}

impl DataSet {
    pub fn item_id(j: usize) -> String {
        format!("C{:03}", j + 1)
    }

    /// `examinee_id,C001,…` with 0/1 cells.
    pub fn write_responses(&self, path: &Path) -> std::io::Result<()> {
        let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
        let header: Vec<String> = (0..self.items.len()).map(Self::item_id).collect();
        writeln!(f, "examinee_id,{}", header.join(","))?;
        for (i, row) in self.responses.rows().enumerate() {
            let cells: Vec<&str> = row
                .iter()
                .map(|r| if *r == Some(true) { "1" } else { "0" })
                .collect();
            writeln!(f, "P{:05},{}", i + 1, cells.join(","))?;
        }
        f.flush()
    }

    /// `id,a,b,c` (also read as the true values by the peer script, as `item,a,b`).
    pub fn write_items(&self, path: &Path) -> std::io::Result<()> {
        let mut f = std::fs::File::create(path)?;
        writeln!(f, "id,item,a,b,c")?;
        for (j, it) in self.items.iter().enumerate() {
            let id = Self::item_id(j);
            writeln!(f, "{id},{id},{},{},{}", it.a.get(), it.b.get(), it.c.get())?;
        }
        Ok(())
    }
}

/// Root-mean-square error of estimates against the truth.
pub fn rmse(estimates: &[f64], truth: &[f64]) -> f64 {
    let n = estimates.len() as f64;
    (estimates
        .iter()
        .zip(truth)
        .map(|(e, t)| (e - t).powi(2))
        .sum::<f64>()
        / n)
        .sqrt()
}

impl DataSet {
    /// Reads a data set the peer script generated: a wide 0/1 response file and an items
    /// file with `a`, `b` and optionally `c` columns (the true values). θ is not stored, so
    /// `thetas` is empty.
    pub fn read(responses: &Path, items: &Path) -> Result<DataSet, String> {
        let text =
            |p: &Path| std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()));
        let items_text = text(items)?;
        let mut lines = items_text.lines();
        let header: Vec<&str> = lines.next().ok_or("empty items file")?.split(',').collect();
        let col = |name: &str| header.iter().position(|h| *h == name);
        let (a, b, c) = (
            col("a").ok_or("no a column")?,
            col("b").ok_or("no b column")?,
            col("c"),
        );
        let mut params = Vec::new();
        for (n, line) in lines.enumerate() {
            let cells: Vec<&str> = line.split(',').collect();
            let num = |i: usize| {
                cells[i]
                    .parse::<f64>()
                    .map_err(|_| format!("{}: row {}: bad number", items.display(), n + 2))
            };
            let c = match c {
                Some(i) => num(i)?,
                None => 0.0,
            };
            params.push(ItemParams::three_pl(num(a)?, num(b)?, c).map_err(|e| e.to_string())?);
        }
        let resp_text = text(responses)?;
        let mut cells = Vec::new();
        for (n, line) in resp_text.lines().skip(1).enumerate() {
            for v in line.split(',').skip(1) {
                cells.push(match v {
                    "1" => Some(true),
                    "0" => Some(false),
                    _ => {
                        return Err(format!(
                            "{}: row {}: {v:?} is not 0 or 1",
                            responses.display(),
                            n + 2
                        ))
                    }
                });
            }
        }
        Ok(DataSet {
            responses: ResponseMatrix::new(params.len(), cells).map_err(|e| e.to_string())?,
            items: params,
            thetas: Vec::new(),
        })
    }
}
