//! Ledger benchmarks W1, W2, W3, W4, W6 and W15 of `shared/docs/PERF.md`,
//! each beside its baseline measured in the same run.
//!
//! ```sh
//! cargo bench -p racine --bench ledger
//! RACINE_BENCH_MOVEMENTS=10000000 RACINE_BENCH_SECONDS=5 cargo bench -p racine --bench ledger
//! ```
//!
//! Files go to a temporary directory under `target/tmp` (same disk as a real
//! database would be on); they are removed at the end.

use std::fs::OpenOptions as FileOptions;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use racine::{Database, Decimal, Movement, NewItem, OpenOptions, Synchronous, ValuationMethod};

mod common;
use common::{env_number, two_warehouses, Rng};

const ITEMS: i64 = 10_000;

struct Latencies(Vec<Duration>);
impl Latencies {
    fn pct(&mut self, p: f64) -> Duration {
        self.0.sort_unstable();
        self.0[((self.0.len() as f64 - 1.0) * p) as usize]
    }
}

fn us(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

fn open(path: &Path, sync: Synchronous) -> Database {
    let mut options = OpenOptions {
        synchronous: sync,
        ..Default::default()
    };
    if let Some(kib) = std::env::var("RACINE_BENCH_CACHE_KIB")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        options.cache_size_kib = kib;
    }
    Database::open_with(path, &options).unwrap()
}

/// 10,000 items (half FIFO, half moving average) in two warehouses, each
/// with opening stock large enough that random issues are never refused.
fn seed(db: &Database) -> (Vec<i64>, [i64; 2]) {
    let warehouses = two_warehouses(db);
    let items: Vec<i64> = (0..ITEMS)
        .map(|i| {
            let valuation = if i % 2 == 0 {
                ValuationMethod::Fifo
            } else {
                ValuationMethod::MovingAverage
            };
            db.create_item(&NewItem {
                valuation,
                ..NewItem::new(format!("SKU-{i:05}"), "bench item")
            })
            .unwrap()
            .id
        })
        .collect();
    let mut opening = Vec::new();
    for &item in &items {
        for &w in &warehouses {
            opening.push(
                Movement::receipt(item, Decimal::from(1_000_000), Decimal::from(5)).warehouse(w),
            );
        }
    }
    for chunk in opening.chunks(5_000) {
        db.post_batch(chunk).unwrap();
    }
    (items, warehouses)
}

/// A random receipt or issue of 1–5 units.
fn random_movement(rng: &mut Rng, items: &[i64], warehouses: &[i64; 2]) -> Movement {
    let item = items[rng.below(items.len() as u64) as usize];
    let w = warehouses[rng.below(2) as usize];
    let q = Decimal::from(1 + rng.below(5) as i32);
    if rng.below(2) == 0 {
        Movement::receipt(item, q, Decimal::from(4 + rng.below(3) as i32)).warehouse(w)
    } else {
        Movement::issue(item, q).warehouse(w)
    }
}

/// The machine's own ceiling: append 256 bytes and fdatasync, in a loop.
fn fsync_ceiling(dir: &Path, seconds: f64) -> (f64, Latencies) {
    let path = dir.join("fsync.bin");
    let mut f = FileOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .unwrap();
    let buf = [7u8; 256];
    let mut lat = Vec::new();
    let start = Instant::now();
    while start.elapsed().as_secs_f64() < seconds {
        let t = Instant::now();
        f.write_all(&buf).unwrap();
        f.sync_data().unwrap();
        lat.push(t.elapsed());
    }
    let rate = lat.len() as f64 / start.elapsed().as_secs_f64();
    std::fs::remove_file(path).unwrap();
    (rate, Latencies(lat))
}

/// One movement per commit for `seconds`.
fn single_commits(db: &Database, items: &[i64], wh: &[i64; 2], seconds: f64) -> (f64, Latencies) {
    let mut rng = Rng(0x5eed);
    let mut lat = Vec::new();
    let start = Instant::now();
    while start.elapsed().as_secs_f64() < seconds {
        let m = random_movement(&mut rng, items, wh);
        let t = Instant::now();
        db.post(&m).unwrap();
        lat.push(t.elapsed());
    }
    (
        lat.len() as f64 / start.elapsed().as_secs_f64(),
        Latencies(lat),
    )
}

/// The baseline of W3: the same rows INSERTed into a bare ledger table (same
/// columns and indexes, no checks, no balances, no valuation), which already
/// holds as many rows as the Racine ledger it is compared with.
fn bare_insert_rate(dir: &Path, existing: u64, batches: &[Vec<Movement>]) -> f64 {
    let path = dir.join("bare.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
         CREATE TABLE movements (
            id INTEGER PRIMARY KEY, item_id INTEGER NOT NULL, warehouse_id INTEGER NOT NULL,
            quantity INTEGER NOT NULL, reason TEXT NOT NULL, unit_cost INTEGER,
            value_change INTEGER NOT NULL, inbound_value INTEGER, balance_after INTEGER NOT NULL,
            value_after INTEGER NOT NULL, effective_at INTEGER NOT NULL, recorded_at INTEGER NOT NULL,
            actor TEXT, reference TEXT, note TEXT, idempotency_key TEXT, transfer_id INTEGER,
            purchase_line_id INTEGER);
         CREATE INDEX movements_by_stock ON movements(item_id, warehouse_id, effective_at);
         CREATE INDEX movements_by_reference ON movements(reference) WHERE reference IS NOT NULL;",
    )
    .unwrap();
    let mut conn = conn;
    {
        let tx = conn.transaction().unwrap();
        let mut stmt = tx
            .prepare(
                "INSERT INTO movements(item_id, warehouse_id, quantity, reason, unit_cost,
                    value_change, balance_after, value_after, effective_at, recorded_at)
                 VALUES (?1, ?2, 1000000, 'sale', 5000000, -5000000, 1, 1, ?3, ?3)",
            )
            .unwrap();
        let mut rng = Rng(9);
        for n in 0..existing as i64 {
            let item = 1 + rng.below(ITEMS as u64) as i64;
            stmt.execute([item, 1 + rng.below(2) as i64, n]).unwrap();
        }
        drop(stmt);
        tx.commit().unwrap();
    }
    let start = Instant::now();
    let mut rows = 0;
    for batch in batches {
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .unwrap();
        {
            let mut stmt = tx
                .prepare_cached(
                    "INSERT INTO movements(item_id, warehouse_id, quantity, reason, unit_cost,
                        value_change, inbound_value, balance_after, value_after, effective_at,
                        recorded_at, actor, reference, note, idempotency_key, transfer_id,
                        purchase_line_id)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, NULL, NULL, NULL, NULL, NULL, NULL)",
                )
                .unwrap();
            for m in batch {
                let now = 1_764_000_000_000_000i64 + rows;
                stmt.execute(rusqlite::params![
                    m.item.id().expect("bench movements name items by id"),
                    m.warehouse.unwrap_or(1),
                    m.quantity.raw(),
                    "sale",
                    5_000_000i64,
                    -m.quantity.raw() * 5,
                    None::<i64>,
                    1i64,
                    1i64,
                    now,
                    now
                ])
                .unwrap();
                rows += 1;
            }
        }
        tx.commit().unwrap();
    }
    let rate = rows as f64 / start.elapsed().as_secs_f64();
    drop(conn);
    for s in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{s}", path.display()));
    }
    rate
}

/// Opens `path`, reads one stock level and closes, for `seconds`: what a
/// PHP-FPM worker that opens per request does. Returns the latencies and
/// the number of opens refused.
fn open_and_read(path: &Path, item: i64, seconds: f64) -> (Latencies, usize) {
    let mut lat = Vec::new();
    let mut refused = 0;
    let start = Instant::now();
    while start.elapsed().as_secs_f64() < seconds || lat.len() < 50 {
        let t = Instant::now();
        match Database::open(path).and_then(|db| db.stock(item, None)) {
            Ok(level) => {
                std::hint::black_box(level);
            }
            Err(_) => refused += 1,
        }
        lat.push(t.elapsed());
    }
    (Latencies(lat), refused)
}

/// W15: open an existing database and read while two other connections
/// write as fast as they can (FULL durability), against the same opens
/// with nobody writing.
fn w15(dir: &Path, seconds: f64) {
    use std::sync::atomic::{AtomicBool, Ordering};
    let path = dir.join("w15.db");
    let item = {
        let db = open(&path, Synchronous::Full);
        let item = db.create_item(&NewItem::new("OPEN-1", "w15")).unwrap().id;
        db.post(&Movement::receipt(
            item,
            Decimal::from(1_000_000),
            Decimal::from(3),
        ))
        .unwrap();
        item
    };
    let (mut idle, _) = open_and_read(&path, item, seconds);
    let stop = AtomicBool::new(false);
    let (mut busy, refused, written) = std::thread::scope(|s| {
        let writers: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    let db = open(&path, Synchronous::Full);
                    let (mut n, mut busy) = (0u64, 0u64);
                    while !stop.load(Ordering::Relaxed) {
                        match db.post(&Movement::issue(item, Decimal::from(1))) {
                            Ok(_) => n += 1,
                            Err(racine::Error::Busy) => busy += 1,
                            Err(e) => panic!("{e}"),
                        }
                    }
                    (n, busy)
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(100));
        let (lat, refused) = open_and_read(&path, item, seconds);
        stop.store(true, Ordering::Relaxed);
        let written = writers
            .into_iter()
            .map(|w| w.join().unwrap())
            .fold((0, 0), |(n, b), (wn, wb)| (n + wn, b + wb));
        (lat, refused, written)
    });
    let (written, writer_busy) = written;
    println!(
        "\nW15 open + one read + close, {} times, while two writers commit (FULL)",
        busy.0.len()
    );
    println!(
        "    nobody writing:      p50 {}  p99 {}",
        us(idle.pct(0.5)),
        us(idle.pct(0.99))
    );
    println!(
        "    two busy writers:    p50 {}  p99 {}   refused {refused}; writers committed {written}, got Busy {writer_busy}",
        us(busy.pct(0.5)),
        us(busy.pct(0.99))
    );
    println!(
        "    ratio p99 busy / idle: {:.1}   (target p99 ≤ 2 ms, no Busy)",
        busy.pct(0.99).as_secs_f64() / idle.pct(0.99).as_secs_f64()
    );
}

/// W1: FULL durability, one movement per commit, against fsync.
fn w1(dir: &Path, seconds: f64) {
    let (ceiling, mut ceil_lat) = fsync_ceiling(dir, seconds);
    let db = open(&dir.join("w1.db"), Synchronous::Full);
    let (items, wh) = seed(&db);
    let (w1, mut w1_lat) = single_commits(&db, &items, &wh, seconds);
    println!("\nW1  one movement per commit, synchronous=FULL");
    println!(
        "    fsync ceiling (write 256 B + fdatasync): {ceiling:>9.0} /s   p50 {}",
        us(ceil_lat.pct(0.5))
    );
    println!(
        "    racine post():                           {w1:>9.0} /s   p50 {}  p99 {}",
        us(w1_lat.pct(0.5)),
        us(w1_lat.pct(0.99))
    );
    println!(
        "    ratio racine / fsync ceiling: {:.2}  (target ≥ 0.9)",
        w1 / ceiling
    );
    // The same with an event sink loaded (the C example, which handles an
    // event in a few hundred instructions): each commit is followed by its
    // delivery (a batch read, the plugin called, its cursor committed).
    let sink =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/plugins/liblow_stock_alerts.so");
    let built = std::process::Command::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../scripts/build-plugins"
    ))
    .status()
    .is_ok_and(|s| s.success());
    if built {
        let db = open(&dir.join("w1-sink.db"), Synchronous::Full);
        let (items, wh) = seed(&db);
        let options = racine::PluginOptions {
            config: serde_json::json!({ "path": dir.join("w1-alerts.jsonl") })
                .as_object()
                .cloned(),
            ..Default::default()
        };
        db.load_plugin(sink.canonicalize().unwrap(), &options)
            .unwrap();
        let (with_sink, mut lat) = single_commits(&db, &items, &wh, seconds);
        println!(
            "    racine post() + delivery to a sink:      {with_sink:>9.0} /s   p50 {}  p99 {}   ratio / post(): {:.2}",
            us(lat.pct(0.5)),
            us(lat.pct(0.99)),
            with_sink / w1
        );
    }
}

/// What a shop writes by hand (the seed's StockService): per movement, in
/// one transaction, SELECT the stock, check it, INSERT the movement, UPDATE
/// the stock. No valuation, no history columns beyond the basics.
fn naive_service(
    dir: &Path,
    rows: u64,
    items: &[i64],
    wh: &[i64; 2],
    seconds: f64,
) -> (f64, Latencies) {
    let path = dir.join("naive.db");
    let mut conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
         CREATE TABLE stock (item_id INTEGER, warehouse_id INTEGER, quantity INTEGER NOT NULL,
                             PRIMARY KEY (item_id, warehouse_id)) WITHOUT ROWID;
         CREATE TABLE movements (id INTEGER PRIMARY KEY, item_id INTEGER NOT NULL,
             warehouse_id INTEGER NOT NULL, quantity INTEGER NOT NULL, reason TEXT NOT NULL,
             created_at INTEGER NOT NULL);
         CREATE INDEX movements_by_stock ON movements(item_id, warehouse_id, created_at);",
    )
    .unwrap();
    {
        let tx = conn.transaction().unwrap();
        for &i in items {
            for &w in wh {
                tx.execute("INSERT INTO stock VALUES (?1, ?2, 1000000000000)", [i, w])
                    .unwrap();
            }
        }
        let mut rng = Rng(7);
        let mut stmt = tx
            .prepare("INSERT INTO movements(item_id, warehouse_id, quantity, reason, created_at) VALUES (?1, ?2, 1000000, 'sale', ?3)")
            .unwrap();
        for n in 0..rows as i64 {
            let i = items[rng.below(items.len() as u64) as usize];
            stmt.execute([i, wh[rng.below(2) as usize], n]).unwrap();
        }
        drop(stmt);
        tx.commit().unwrap();
    }
    let mut rng = Rng(0x5eed);
    let mut lat = Vec::new();
    let start = Instant::now();
    while start.elapsed().as_secs_f64() < seconds {
        let m = random_movement(&mut rng, items, wh);
        let (item, w) = (
            m.item.id().expect("bench movements name items by id"),
            m.warehouse.unwrap_or(1),
        );
        let delta = if m.unit_cost.is_some() {
            m.quantity.raw()
        } else {
            -m.quantity.raw()
        };
        let t = Instant::now();
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .unwrap();
        let have: i64 = tx
            .prepare_cached("SELECT quantity FROM stock WHERE item_id = ?1 AND warehouse_id = ?2")
            .unwrap()
            .query_row([item, w], |r| r.get(0))
            .unwrap();
        assert!(have + delta >= 0);
        tx.prepare_cached("INSERT INTO movements(item_id, warehouse_id, quantity, reason, created_at) VALUES (?1, ?2, ?3, 'sale', ?4)")
            .unwrap()
            .execute([item, w, delta, t.elapsed().as_nanos() as i64])
            .unwrap();
        tx.prepare_cached(
            "UPDATE stock SET quantity = quantity + ?3 WHERE item_id = ?1 AND warehouse_id = ?2",
        )
        .unwrap()
        .execute([item, w, delta])
        .unwrap();
        tx.commit().unwrap();
        lat.push(t.elapsed());
    }
    (
        lat.len() as f64 / start.elapsed().as_secs_f64(),
        Latencies(lat),
    )
}

/// W4: an order of 5 lines in one transaction, all or nothing, against the
/// hand-written service doing the same 5 lines (SELECT, check, INSERT,
/// UPDATE each) in one transaction, with FULL and NORMAL.
fn w4(dir: &Path, seconds: f64) {
    use racine::{NewOrder, NewOrderLine, StockPolicy};
    println!("\nW4  order of 5 lines, one transaction");
    for (sync, name) in [(Synchronous::Full, "FULL"), (Synchronous::Normal, "NORMAL")] {
        let db = open(&dir.join(format!("w4-{name}.db")), sync);
        let (items, wh) = seed(&db);
        let skus: Vec<String> = items.iter().map(|i| db.item(*i).unwrap().sku).collect();
        let naive = naive_orders(dir, name, &items, &wh);
        let mut rng = Rng(4);
        let mut n = 0u64;
        let mut lines = || -> Vec<usize> {
            (0..5)
                .map(|_| rng.below(items.len() as u64) as usize)
                .collect()
        };
        let mut batches = Vec::new();
        for _ in 0..200_000 {
            batches.push(lines());
        }
        let mut naive_lat = Vec::new();
        let start = Instant::now();
        let mut k = 0;
        {
            let mut conn = naive;
            while start.elapsed().as_secs_f64() < seconds {
                let t = Instant::now();
                let tx = conn
                    .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                    .unwrap();
                for &i in &batches[k % batches.len()] {
                    let have: i64 = tx
                        .prepare_cached(
                            "SELECT quantity FROM stock WHERE item_id = ?1 AND warehouse_id = ?2",
                        )
                        .unwrap()
                        .query_row([items[i], wh[0]], |r| r.get(0))
                        .unwrap();
                    assert!(have >= 1_000_000);
                    tx.prepare_cached("INSERT INTO movements(item_id, warehouse_id, quantity, reason, created_at) VALUES (?1, ?2, -1000000, 'sale', ?3)")
                        .unwrap()
                        .execute([items[i], wh[0], k as i64])
                        .unwrap();
                    tx.prepare_cached("UPDATE stock SET quantity = quantity - 1000000 WHERE item_id = ?1 AND warehouse_id = ?2")
                        .unwrap()
                        .execute([items[i], wh[0]])
                        .unwrap();
                }
                tx.commit().unwrap();
                naive_lat.push(t.elapsed());
                k += 1;
            }
        }
        let naive_rate = naive_lat.len() as f64 / start.elapsed().as_secs_f64();
        let mut results = Vec::new();
        for policy in [StockPolicy::DecrementOnSale, StockPolicy::Reserve] {
            db.set_stock_policy(policy).unwrap();
            let mut lat = Vec::new();
            let start = Instant::now();
            while start.elapsed().as_secs_f64() < seconds {
                let order = NewOrder {
                    external_id: format!("B{n}"),
                    customer: Default::default(),
                    currency: "EUR".into(),
                    lines: batches[n as usize % batches.len()]
                        .iter()
                        .map(|&i| NewOrderLine {
                            sku: skus[i].clone(),
                            quantity: Decimal::ONE,
                            unit_price: Decimal::from(10),
                            warehouse: None,
                        })
                        .collect(),
                    placed_at: None,
                    expires_at: None,
                    create_contact: false,
                };
                let t = Instant::now();
                db.place_order(&order, None).unwrap();
                lat.push(t.elapsed());
                n += 1;
            }
            let rate = lat.len() as f64 / start.elapsed().as_secs_f64();
            results.push((policy, rate, Latencies(lat)));
        }
        let mut nl = Latencies(naive_lat);
        println!(
            "    {name:<6} hand-written 5-line service: {naive_rate:8.0} orders/s  p50 {}",
            us(nl.pct(0.5))
        );
        for (policy, rate, mut lat) in results {
            println!(
                "    {name:<6} racine place_order ({:?}): {rate:8.0} orders/s  p50 {}  ratio {:.2}",
                policy,
                us(lat.pct(0.5)),
                rate / naive_rate
            );
        }
        assert!(db.verify().unwrap().is_clean());
    }
}

/// The hand-written ledger for W4 (stock table + movements, as the seed's).
fn naive_orders(dir: &Path, name: &str, items: &[i64], wh: &[i64; 2]) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(dir.join(format!("w4-naive-{name}.db"))).unwrap();
    conn.execute_batch(&format!(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = {name};
         CREATE TABLE stock (item_id INTEGER, warehouse_id INTEGER, quantity INTEGER NOT NULL,
                             PRIMARY KEY (item_id, warehouse_id)) WITHOUT ROWID;
         CREATE TABLE movements (id INTEGER PRIMARY KEY, item_id INTEGER NOT NULL,
             warehouse_id INTEGER NOT NULL, quantity INTEGER NOT NULL, reason TEXT NOT NULL,
             created_at INTEGER NOT NULL);
         CREATE INDEX movements_by_stock ON movements(item_id, warehouse_id, created_at);"
    ))
    .unwrap();
    for &i in items {
        for &w in wh {
            conn.execute("INSERT INTO stock VALUES (?1, ?2, 1000000000000)", [i, w])
                .unwrap();
        }
    }
    conn
}

fn main() {
    let target_movements = env_number("RACINE_BENCH_MOVEMENTS", 2_000_000);
    let seconds = env_number("RACINE_BENCH_SECONDS", 3) as f64;
    // Cargo's scratch directory for benches: on the project's disk, ignored by git.
    let dir = tempfile::Builder::new()
        .prefix("racine-bench")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .unwrap();
    println!("Racine {} ledger benchmark", racine::VERSION);
    println!(
        "SQLite {}; journal_mode=WAL, foreign_keys=ON, busy_timeout=10000; {} s per workload; dir {}",
        Database::sqlite_version(),
        seconds,
        dir.path().display()
    );

    // RACINE_BENCH_ONLY=w2,w3 runs only those workloads (for profiling).
    let only = std::env::var("RACINE_BENCH_ONLY")
        .unwrap_or_default()
        .to_lowercase();
    let run = |w: &str| only.is_empty() || only.split(',').any(|o| o.trim() == w);

    if run("w1") {
        w1(dir.path(), seconds);
    }

    if run("w4") {
        w4(dir.path(), seconds);
    }

    if run("w15") {
        w15(dir.path(), seconds);
    }

    if !(run("w2") || run("w3") || run("w6")) {
        return;
    }
    // Build the large ledger for W2, W3, W6 (NORMAL while loading).
    let big = dir.path().join("big.db");
    let db = open(&big, Synchronous::Normal);
    let (items, wh) = seed(&db);
    let mut rng = Rng(42);
    let load = Instant::now();
    let mut posted = 2 * ITEMS as u64;
    while posted < target_movements {
        let batch: Vec<Movement> = (0..5_000)
            .map(|_| random_movement(&mut rng, &items, &wh))
            .collect();
        db.post_batch(&batch).unwrap();
        posted += batch.len() as u64;
    }
    println!(
        "\n    ledger loaded: {posted} movements in {:.1} s ({:.0} /s in batches of 5,000)",
        load.elapsed().as_secs_f64(),
        posted as f64 / load.elapsed().as_secs_f64()
    );

    // W2: NORMAL durability on the large ledger, beside the hand-written
    // SELECT-check-INSERT-UPDATE service on a ledger of the same size.
    if run("w2") {
        let (naive, mut naive_lat) = naive_service(dir.path(), posted, &items, &wh, seconds);
        let (w2, mut w2_lat) = single_commits(&db, &items, &wh, seconds);
        println!("\nW2  one movement per commit, synchronous=NORMAL, {posted}-movement ledger");
        println!(
            "    hand-written SELECT/INSERT/UPDATE: {naive:>9.0} /s   p50 {}  p99 {}",
            us(naive_lat.pct(0.5)),
            us(naive_lat.pct(0.99))
        );
        println!(
            "    racine post():                     {w2:>9.0} /s   p50 {}  p99 {}",
            us(w2_lat.pct(0.5)),
            us(w2_lat.pct(0.99))
        );
        println!(
            "    ratio racine / hand-written: {:.2}   (target ≥ 20,000 /s, p99 ≤ 100 µs)",
            w2 / naive
        );
    }

    if run("w3") {
        // W3: batches of 1,000 random movements, against the bare INSERT ledger.
        let batches: Vec<Vec<Movement>> = (0..((seconds * 40.0) as usize).max(20))
            .map(|_| {
                (0..1_000)
                    .map(|_| random_movement(&mut rng, &items, &wh))
                    .collect()
            })
            .collect();
        let start = Instant::now();
        for b in &batches {
            db.post_batch(b).unwrap();
        }
        let w3 = (batches.len() * 1_000) as f64 / start.elapsed().as_secs_f64();
        let bare = bare_insert_rate(dir.path(), posted, &batches);
        println!("\nW3  batches of 1,000 random movements per transaction (NORMAL)");
        println!("    bare INSERT-only ledger: {bare:>9.0} rows/s");
        println!("    racine post_batch():     {w3:>9.0} rows/s");
        println!("    ratio racine / bare: {:.2}  (target ≥ 0.8)", w3 / bare);
    }
    if run("w6") {
        // W6: stock on hand, point reads, against SUM over the ledger.
        let reads = 200_000;
        let mut lat = Vec::with_capacity(reads);
        for _ in 0..reads {
            let item = items[rng.below(items.len() as u64) as usize];
            let w = wh[rng.below(2) as usize];
            let t = Instant::now();
            let level = db.stock(item, Some(w)).unwrap();
            lat.push(t.elapsed());
            std::hint::black_box(level);
        }
        let mut w6 = Latencies(lat);
        let conn = rusqlite::Connection::open(&big).unwrap();
        let mut stmt = conn
            .prepare("SELECT SUM(quantity) FROM movements WHERE item_id = ?1 AND warehouse_id = ?2")
            .unwrap();
        let mut sum_lat = Vec::new();
        for _ in 0..2_000 {
            let item = items[rng.below(items.len() as u64) as usize];
            let w = wh[rng.below(2) as usize];
            let t = Instant::now();
            let q: i64 = stmt.query_row([item, w], |r| r.get(0)).unwrap();
            sum_lat.push(t.elapsed());
            std::hint::black_box(q);
        }
        let mut sum = Latencies(sum_lat);
        println!("\nW6  stock on hand point read, {posted}-movement ledger");
        println!(
            "    racine stock():             p50 {}  p99 {}   (target p50 ≤ 5 µs, p99 ≤ 25 µs)",
            us(w6.pct(0.5)),
            us(w6.pct(0.99))
        );
        println!(
            "    SUM over the ledger index:  p50 {}  p99 {}",
            us(sum.pct(0.5)),
            us(sum.pct(0.99))
        );
        println!(
            "    ratio SUM p50 / racine p50: {:.0}",
            sum.pct(0.5).as_secs_f64() / w6.pct(0.5).as_secs_f64()
        );
    }
}
