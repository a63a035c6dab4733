//! W9 and W10 of `shared/docs/PERF.md`: the movement export in csv and in
//! xlsx at 1M and 5M rows, beside the same rows written by Python's csv
//! module, XlsxWriter (constant_memory) and openpyxl (write_only), in one
//! run. Every export runs in a process of its own, so that its peak memory
//! (VmHWM / ru_maxrss) is its own; rows/s are timed inside each process.
//!
//! ```text
//! cargo bench -p racine --bench exports
//! RACINE_BENCH_EXPORT_ROWS=1000000 cargo bench -p racine --bench exports
//! RACINE_BENCH_DB=/tmp/exports.db cargo bench -p racine --bench exports   # keeps the ledger
//! RACINE_BENCH_PYTHON=target/venv/bin/python (default when it exists; needs xlsxwriter, openpyxl)
//! RACINE_BENCH_SKIP=openpyxl@5000000 cargo bench -p racine --bench exports   # openpyxl takes half an hour at 5M
//! ```

mod common;
#[path = "../tests/support/copied_ledger.rs"]
mod copied_ledger;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use racine::exports::{Destination, Export};
use racine::Database;
use serde_json::{json, Value};

const CHILD: &str = "RACINE_BENCH_EXPORT_CHILD";

fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// In a child process: one export, then rows, seconds and peak as JSON.
fn child(spec: &str) {
    let mut parts = spec.split('|');
    let (db, rows, format, out) = (
        parts.next().unwrap(),
        parts.next().unwrap().parse::<i64>().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    let db = Database::open(db).unwrap();
    let export: Export = serde_json::from_value(json!({
        "format": format,
        "sheets": [{"dataset": "movements", "filter": {"after": rows + 1}}],
    }))
    .unwrap();
    let start = Instant::now();
    let summary = db
        .export_with(
            &export,
            Destination::Path(Path::new(out)),
            &mut racine::exports::no_progress,
        )
        .unwrap();
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "{}",
        json!({"rows": summary.rows, "seconds": seconds, "peak_kib": peak_kib(), "bytes": summary.bytes})
    );
}

/// Runs `command`, reads its JSON line, removes `out`.
fn measure(mut command: Command, out: &Path) -> Option<Value> {
    let output = command.output().ok()?;
    let _ = std::fs::remove_file(out);
    if !output.status.success() {
        let why = String::from_utf8_lossy(&output.stderr);
        println!("    (failed: {})", why.lines().last().unwrap_or(""));
        return None;
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    stdout
        .lines()
        .rev()
        .find_map(|l| serde_json::from_str(l).ok())
}

fn rate(v: &Value) -> f64 {
    v["rows"].as_f64().unwrap_or(0.0) / v["seconds"].as_f64().unwrap_or(f64::INFINITY)
}

fn mib(v: &Value) -> f64 {
    v["peak_kib"].as_f64().unwrap_or(0.0) / 1024.0
}

fn main() {
    if let Ok(spec) = std::env::var(CHILD) {
        child(&spec);
        return;
    }
    let sizes: Vec<i64> = std::env::var("RACINE_BENCH_EXPORT_ROWS")
        .unwrap_or_else(|_| "1000000,5000000".into())
        .split(',')
        .map(|n| n.trim().parse().unwrap())
        .collect();
    let largest = *sizes.iter().max().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = std::env::var("RACINE_BENCH_DB")
        .map(PathBuf::from)
        .unwrap_or_else(|_| dir.path().join("exports.db"));
    let have = if db.exists() {
        Database::open(&db)
            .and_then(|d| d.movements(&Default::default()))
            .ok()
            .and_then(|p| p.items.first().map(|m| m.id))
            .unwrap_or(0)
    } else {
        0
    };
    if have < largest {
        let _ = std::fs::remove_file(&db);
        let start = Instant::now();
        copied_ledger::copied_ledger(&db, largest);
        println!(
            "ledger of {largest} movements built in {:.1} s ({})",
            start.elapsed().as_secs_f64(),
            db.display()
        );
    }
    let python = std::env::var("RACINE_BENCH_PYTHON").unwrap_or_else(|_| {
        let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/venv/bin/python");
        if venv.exists() {
            venv.display().to_string()
        } else {
            "python3".into()
        }
    });
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../python/benches/bench_exports.py");
    println!(
        "SQLite {}; movement export, 19 columns; Python baselines: {python}",
        Database::sqlite_version()
    );
    for &rows in &sizes {
        for (format, baselines) in [
            ("csv", &["csv"][..]),
            ("xlsx", &["xlsxwriter", "openpyxl"][..]),
        ] {
            let w = if format == "csv" { "W9" } else { "W10" };
            let out = dir.path().join(format!("out.{format}"));
            let mut ours = Command::new(std::env::current_exe().unwrap());
            ours.env(
                CHILD,
                format!("{}|{rows}|{format}|{}", db.display(), out.display()),
            );
            let Some(racine) = measure(ours, &out) else {
                continue;
            };
            println!(
                "{w} {format} {rows} rows: Racine {:>9.0} rows/s, peak {:>6.1} MiB, {} bytes",
                rate(&racine),
                mib(&racine),
                racine["bytes"]
            );
            let subject = format!("racine {format} {rows} rows");
            common::emit(
                w,
                &subject,
                json!({ "rows_per_s": rate(&racine), "peak_mib": mib(&racine), "rows": rows }),
            );
            let skip = std::env::var("RACINE_BENCH_SKIP").unwrap_or_default();
            for baseline in baselines {
                if skip.split(',').any(|s| s == format!("{baseline}@{rows}")) {
                    println!(
                        "{w} {format} {rows} rows: Python {baseline} skipped (RACINE_BENCH_SKIP)"
                    );
                    continue;
                }
                let mut theirs = Command::new(&python);
                theirs
                    .arg(&script)
                    .arg(&db)
                    .arg(rows.to_string())
                    .arg(baseline)
                    .arg(&out);
                if let Some(b) = measure(theirs, &out) {
                    println!(
                        "{w} {format} {rows} rows: Python {baseline:<10} {:>9.0} rows/s, peak {:>6.1} MiB -> Racine {:.2} x the rows/s at {:.3} x the memory",
                        rate(&b),
                        mib(&b),
                        rate(&racine) / rate(&b),
                        mib(&racine) / mib(&b)
                    );
                    let subject = format!("python {baseline} {rows} rows");
                    common::emit(
                        w,
                        &subject,
                        json!({ "rows_per_s": rate(&b), "peak_mib": mib(&b), "rows": rows }),
                    );
                }
            }
        }
    }
}
