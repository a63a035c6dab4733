//! What every benchmark of this crate shares: its knobs, its random
//! numbers, and the machine-readable lines `scripts/bench` collects.

#![allow(dead_code)] // each bench binary uses its own part of this module

use std::io::Write;

/// A number from the environment (`RACINE_BENCH_…`), or `default`.
pub fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Deterministic xorshift, so every run draws the same data.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The default warehouse and a second one, `W2`.
pub fn two_warehouses(db: &racine::Database) -> [i64; 2] {
    let second = db
        .create_warehouse(&racine::NewWarehouse {
            code: "W2".into(),
            name: "Second".into(),
            is_default: false,
        })
        .unwrap()
        .id;
    [db.default_warehouse().unwrap().id, second]
}

/// One measured figure for `scripts/bench`: a JSON line appended to the
/// file named by `RACINE_BENCH_JSON` (nothing when it is not set).
/// `subject` says who ran (`racine`, `rust hand-written`, …); `fields` hold
/// the numbers (`per_s`, `p50_us`, `p99_us`, `pages`, …).
pub fn emit(workload: &str, subject: &str, fields: serde_json::Value) {
    let Ok(path) = std::env::var("RACINE_BENCH_JSON") else {
        return;
    };
    let rev = std::env::var("RACINE_BENCH_REV").unwrap_or_default();
    let mut line =
        serde_json::json!({ "w": workload, "subject": subject, "from": "rust", "rev": rev });
    if let (Some(line), Some(fields)) = (line.as_object_mut(), fields.as_object()) {
        line.extend(fields.clone());
    }
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .expect("RACINE_BENCH_JSON names a writable file");
    writeln!(f, "{line}").expect("bench results are written");
}
