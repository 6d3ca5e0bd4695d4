//! Reading the reference data in tests/reference/psychometrics (see its README for the exact
//! conventions of every file). The files are plain comma-separated values without quoting.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::PathBuf;

use certamen_engine::irt::{ItemParams, ResponseMatrix};

pub fn path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/reference/psychometrics")
        .join(name)
}

pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn read(name: &str) -> Table {
        let text = std::fs::read_to_string(path(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut lines = text.lines().filter(|l| !l.trim().is_empty());
        let header = split(lines.next().expect("a header"));
        let rows = lines.map(split).collect();
        Table { header, rows }
    }

    pub fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    }

    pub fn f64s(&self, name: &str) -> Vec<f64> {
        let c = self.col(name);
        self.rows.iter().map(|r| parse(&r[c])).collect()
    }

    pub fn strs(&self, name: &str) -> Vec<String> {
        let c = self.col(name);
        self.rows.iter().map(|r| r[c].clone()).collect()
    }

    /// Rows keyed by the first column.
    pub fn by_id(&self) -> HashMap<String, Vec<String>> {
        self.rows
            .iter()
            .map(|r| (r[0].clone(), r.clone()))
            .collect()
    }

    /// A wide 0/1 matrix: the first `skip` columns are not items.
    pub fn matrix(&self, skip: usize) -> ResponseMatrix {
        let rows: Vec<Vec<u8>> = self
            .rows
            .iter()
            .map(|r| r[skip..].iter().map(|v| v.parse().expect("0/1")).collect())
            .collect();
        ResponseMatrix::from_binary_rows(&rows).expect("rectangular")
    }
}

fn split(line: &str) -> Vec<String> {
    line.split(',').map(|s| s.trim().to_string()).collect()
}

pub fn parse(s: &str) -> f64 {
    match s {
        "inf" => f64::INFINITY,
        "-inf" => f64::NEG_INFINITY,
        "nan" | "" => f64::NAN,
        _ => s.parse().unwrap_or_else(|_| panic!("not a number: {s:?}")),
    }
}

/// Items from a file with columns a, b, c.
pub fn items(name: &str) -> Vec<ItemParams> {
    let t = Table::read(name);
    let (a, b, c) = (t.f64s("a"), t.f64s("b"), t.f64s("c"));
    (0..a.len())
        .map(|i| ItemParams::three_pl(a[i], b[i], c[i]).expect("valid parameters"))
        .collect()
}

/// Asserts |x − y| ≤ tol, treating equal infinities as equal.
pub fn close(what: &str, x: f64, y: f64, tol: f64) {
    if x.is_infinite() || y.is_infinite() {
        assert_eq!(x, y, "{what}");
    } else {
        assert!(
            (x - y).abs() <= tol,
            "{what}: {x} vs {y} (diff {:e}, tol {tol:e})",
            (x - y).abs()
        );
    }
}
