//! Imports (`racine import`, `Database::import`): a shop's 100k-row items
//! file and its 100k-row opening count, csv, into a fresh file database
//! (WAL, synchronous=FULL), beside two baselines of the same run:
//!
//! - items: a hand-written loader (the csv crate, one prepared INSERT per
//!   row into a table with a unique SKU, one transaction) — the floor of
//!   getting those rows into SQLite, without Racine's checks;
//! - opening stock: the library's own `post_batch` of the same opening
//!   balances, parsed by hand — what the import adds over the fastest
//!   write path of the ledger.
//!
//! The re-import of both files (everything exists, nothing is written) is
//! timed too.
//!
//! ```text
//! cargo bench -p racine --bench imports
//! RACINE_BENCH_IMPORT_ROWS=1000000 cargo bench -p racine --bench imports
//! ```

mod common;

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use racine::{Database, Decimal, Import, ImportKind, ItemRef, Movement, Reason};
use serde_json::json;

fn files(dir: &Path, rows: u64) {
    let mut rng = common::Rng(0x5eed);
    let (mut items, mut opening) = (
        String::from("sku,name,reorder_point\n"),
        String::from("sku,quantity,unit_cost\n"),
    );
    for i in 0..rows {
        let _ = writeln!(items, "{i:08},Item number {i},{}", rng.below(50));
        let _ = writeln!(
            opening,
            "{i:08},{},{}.{:02}",
            1 + rng.below(500),
            rng.below(90),
            rng.below(100)
        );
    }
    std::fs::write(dir.join("items.csv"), items).unwrap();
    std::fs::write(dir.join("opening.csv"), opening).unwrap();
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed().as_secs_f64())
}

/// The hand-written items loader: parse, check the decimal, insert.
fn hand_items(dir: &Path) -> f64 {
    let path = dir.join("hand.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;
         CREATE TABLE items(id INTEGER PRIMARY KEY, sku TEXT NOT NULL UNIQUE,
                            name TEXT NOT NULL, reorder_point INTEGER NOT NULL);",
    )
    .unwrap();
    let (_, seconds) = timed(|| {
        let mut conn = conn;
        let tx = conn.transaction().unwrap();
        {
            let mut insert = tx
                .prepare("INSERT INTO items(sku, name, reorder_point) VALUES (?1, ?2, ?3)")
                .unwrap();
            let mut reader = csv::Reader::from_path(dir.join("items.csv")).unwrap();
            for record in reader.records() {
                let r = record.unwrap();
                let point: Decimal = r[2].parse().unwrap();
                insert
                    .execute(rusqlite::params![&r[0], &r[1], point.to_string()])
                    .unwrap();
            }
        }
        tx.commit().unwrap();
    });
    seconds
}

/// The same opening balances through `post_batch`, parsed by hand.
fn batch_opening(dir: &Path) -> f64 {
    let db = Database::open(dir.join("batch.db").to_str().unwrap()).unwrap();
    db.import(&Import::new(ImportKind::Items), dir.join("items.csv"))
        .unwrap();
    let (_, seconds) = timed(|| {
        let mut reader = csv::Reader::from_path(dir.join("opening.csv")).unwrap();
        let movements: Vec<Movement> = reader
            .records()
            .map(|r| {
                let r = r.unwrap();
                Movement::adjustment(
                    ItemRef::Sku(r[0].to_string()),
                    r[1].parse().unwrap(),
                    Reason::OpeningBalance,
                )
                .unit_cost(r[2].parse().unwrap())
            })
            .collect();
        db.post_batch(&movements).unwrap();
    });
    seconds
}

fn main() {
    let rows = common::env_number("RACINE_BENCH_IMPORT_ROWS", 100_000);
    let dir = tempfile::tempdir().unwrap();
    files(dir.path(), rows);
    let db = Database::open(dir.path().join("racine.db").to_str().unwrap()).unwrap();
    let (items, items_s) = timed(|| {
        db.import(
            &Import::new(ImportKind::Items),
            dir.path().join("items.csv"),
        )
        .unwrap()
    });
    assert_eq!(items.created, rows);
    let (opening, opening_s) = timed(|| {
        db.import(
            &Import::new(ImportKind::OpeningStock),
            dir.path().join("opening.csv"),
        )
        .unwrap()
    });
    assert_eq!(opening.created, rows);
    let (again, again_s) = timed(|| {
        db.import(
            &Import::new(ImportKind::Items),
            dir.path().join("items.csv"),
        )
        .unwrap()
    });
    assert_eq!(again.existing, rows);
    let (again_opening, again_opening_s) = timed(|| {
        db.import(
            &Import::new(ImportKind::OpeningStock),
            dir.path().join("opening.csv"),
        )
        .unwrap()
    });
    assert_eq!(again_opening.existing, rows);
    let hand_s = hand_items(dir.path());
    let batch_s = batch_opening(dir.path());

    let per_s = |s: f64| rows as f64 / s;
    println!(
        "imports of {rows} rows: items {:.0} rows/s (hand-written loader {:.0}/s, {:.2} ×), \
         opening stock {:.0} rows/s (post_batch {:.0}/s, {:.2} ×), \
         re-import items {:.0} rows/s, opening stock {:.0} rows/s",
        per_s(items_s),
        per_s(hand_s),
        hand_s / items_s,
        per_s(opening_s),
        per_s(batch_s),
        batch_s / opening_s,
        per_s(again_s),
        per_s(again_opening_s),
    );
    let emit = |subject: &str, s: f64| {
        common::emit("imports", subject, json!({"per_s": per_s(s), "rows": rows}))
    };
    emit("racine items", items_s);
    emit("hand-written items loader", hand_s);
    emit("racine opening stock", opening_s);
    emit("post_batch opening balances", batch_s);
    emit("racine items again", again_s);
    emit("racine opening stock again", again_opening_s);
}
