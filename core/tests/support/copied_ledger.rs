//! A ledger of millions of real-looking movements, made in seconds: 10,000
//! movements posted through Racine (receipts and sales of 100 items, with
//! references, actors and notes, one of them a formula), then copied by SQL
//! under new ids, each copy a day later, until the count asked. Exports
//! and their benchmarks measure the export, not posting; the copies are
//! rows of the real schema, only their running balances repeat.

use std::path::Path;

use racine::{Database, Movement, NewItem, ValuationMethod, MAX_BATCH};

/// Movements posted through the API before the copies.
pub const POSTED: i64 = 10_000;

/// Creates the database at `path` with `rows` movements (at least [`POSTED`]).
pub fn copied_ledger(path: &Path, rows: i64) {
    let db = Database::open(path).unwrap();
    let items: Vec<i64> = (0..100)
        .map(|i| {
            db.create_item(&NewItem {
                valuation: ValuationMethod::MovingAverage,
                ..NewItem::new(format!("{i:05}"), format!("Item {i}"))
            })
            .unwrap()
            .id
        })
        .collect();
    let start: jiff::Timestamp = "2026-01-01T08:00:00Z".parse().unwrap();
    let movements: Vec<Movement> = (0..POSTED)
        .map(|n| {
            let item = items[(n % 100) as usize];
            let at = start + jiff::SignedDuration::from_secs(n * 60);
            if n < POSTED / 2 {
                Movement::receipt(item, "12".parse().unwrap(), "3.25".parse().unwrap())
                    .reference(format!("PO-{n:07}"))
                    .note("delivered by Bois & Co")
                    .effective_at(at)
            } else {
                Movement::issue(item, "1.5".parse().unwrap())
                    .reference(format!("0{n:011}"))
                    .actor("+33 6 12 34 56 78")
                    .note(if n % 1000 == 0 {
                        "=HYPERLINK(\"x\")"
                    } else {
                        "web order"
                    })
                    .effective_at(at)
            }
        })
        .collect();
    for chunk in movements.chunks(MAX_BATCH) {
        db.post_batch(chunk).unwrap();
    }
    drop(db);

    let mut conn = rusqlite::Connection::open(path).unwrap();
    let columns: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_info('movements') ORDER BY cid")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let shifted: Vec<String> = columns
        .iter()
        .map(|c| match c.as_str() {
            "id" => "id + ?1".to_string(),
            "effective_at" | "recorded_at" => format!("{c} + ?2"),
            other => other.to_string(),
        })
        .collect();
    let sql = format!(
        "INSERT INTO movements ({}) SELECT {} FROM movements WHERE id <= ?3 ORDER BY id",
        columns.join(", "),
        shifted.join(", ")
    );
    let tx = conn.transaction().unwrap();
    let mut have = POSTED;
    let mut copy = 1;
    while have < rows {
        let n = POSTED.min(rows - have);
        tx.execute(&sql, rusqlite::params![have, copy * 86_400_000_000i64, n])
            .unwrap();
        have += n;
        copy += 1;
    }
    tx.commit().unwrap();
}
