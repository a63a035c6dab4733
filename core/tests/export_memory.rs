//! Export memory stays flat: the peak resident memory of an xlsx export of
//! 5M movements is within 32 MB of one of 1M (each export runs in a child
//! process of its own, which reports its peak from /proc).
//!
//! Slow (a 5M-movement ledger and two workbooks): ignored by default;
//! `scripts/test` runs it in release mode:
//! `cargo test --release -p racine --test export_memory -- --ignored`.
//! `RACINE_EXPORT_MEMORY_ROWS=small,large` changes the sizes.

#[path = "support/copied_ledger.rs"]
mod copied_ledger;

use std::path::Path;
use std::process::Command;

use racine::exports::{Destination, Export};
use racine::Database;
use serde_json::json;

const CHILD: &str = "RACINE_EXPORT_MEMORY_CHILD";

fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// In a child: exports the `rows` oldest movements of the database to an
/// xlsx file, then prints its peak memory.
#[test]
#[ignore]
fn export_child() {
    let Ok(spec) = std::env::var(CHILD) else {
        return;
    };
    let (db_path, rows, out) = {
        let mut parts = spec.split('|');
        (
            parts.next().unwrap().to_string(),
            parts.next().unwrap().parse::<i64>().unwrap(),
            parts.next().unwrap().to_string(),
        )
    };
    let db = Database::open(&db_path).unwrap();
    // Newest first from just past the row asked for: exactly `rows` movements.
    let export: Export = serde_json::from_value(json!({
        "sheets": [{"dataset": "movements", "filter": {"after": rows + 1}}]
    }))
    .unwrap();
    let summary = db
        .export_with(
            &export,
            Destination::Path(Path::new(&out)),
            &mut racine::exports::no_progress,
        )
        .unwrap();
    assert_eq!(summary.rows, rows as u64);
    println!(
        "peak_kib={} sheets={} bytes={}",
        peak_kib(),
        summary.sheets.len(),
        summary.bytes
    );
}

fn peak_of_export(db: &Path, rows: i64, out: &Path) -> (u64, usize) {
    let output = Command::new(std::env::current_exe().unwrap())
        .args([
            "export_child",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, format!("{}|{rows}|{}", db.display(), out.display()))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // The harness may print its own words on the same line.
    let line = stdout
        .lines()
        .find_map(|l| l.find("peak_kib=").map(|at| &l[at..]))
        .unwrap_or_else(|| panic!("{stdout}"));
    let field = |name: &str| -> u64 {
        line.split_whitespace()
            .find_map(|f| f.strip_prefix(name))
            .unwrap()
            .parse()
            .unwrap()
    };
    std::fs::remove_file(out).unwrap();
    (field("peak_kib="), field("sheets=") as usize)
}

#[test]
#[ignore]
fn xlsx_export_memory_is_flat_from_1m_to_5m_rows() {
    let sizes: Vec<i64> = std::env::var("RACINE_EXPORT_MEMORY_ROWS")
        .map(|v| v.split(',').map(|n| n.parse().unwrap()).collect())
        .unwrap_or_else(|_| vec![1_000_000, 5_000_000]);
    let (small, large) = (sizes[0], sizes[1]);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.db");
    copied_ledger::copied_ledger(&db, large);
    let out = dir.path().join("movements.xlsx");
    let (small_peak, small_sheets) = peak_of_export(&db, small, &out);
    let (large_peak, large_sheets) = peak_of_export(&db, large, &out);
    println!(
        "peak RSS: {small} rows {} MiB ({small_sheets} sheets), {large} rows {} MiB ({large_sheets} sheets)",
        small_peak / 1024,
        large_peak / 1024
    );
    if large >= i64::from(racine::exports::EXCEL_MAX_ROWS) {
        assert!(
            large_sheets > small_sheets,
            "the large export rolled over onto more sheets"
        );
    }
    assert!(
        large_peak <= small_peak + 32 * 1024,
        "peak grew from {small_peak} KiB to {large_peak} KiB"
    );
}
