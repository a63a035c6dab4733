//! Ledger benchmarks W1, W2, W3, W4, W6 and W15 of `shared/docs/PERF.md`,
//! each beside its baseline measured in the same run: a loop writing the
//! bytes of a minimal WAL commit per `fdatasync` (the physical limit), and
//! hand-written rusqlite services writing the same rows as Racine
//! (movement with its history columns and indexes, balance, and for orders
//! the order, its lines and event).
//!
//! ```sh
//! cargo bench -p racine --bench ledger
//! RACINE_BENCH_MOVEMENTS=10000000 RACINE_BENCH_SECONDS=5 cargo bench -p racine --bench ledger
//! RACINE_BENCH_ONLY=w2,w6 cargo bench -p racine --bench ledger
//! ```
//!
//! `scripts/bench` runs it with `RACINE_BENCH_JSON` (machine-readable
//! figures) and, under callgrind, with `RACINE_BENCH_OPS=<op>:<n>`: a fixed
//! set-up followed by `n` operations and nothing else, so that the
//! difference of two runs of different lengths is the cost of the
//! operations alone.
//!
//! Files go to a temporary directory under `target/tmp` (same disk as a real
//! database would be on); they are removed at the end.

use std::fs::OpenOptions as FileOptions;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use racine::{
    Database, Decimal, Movement, NewItem, NewOrder, NewOrderLine, OpenOptions, StockPolicy,
    Synchronous, ValuationMethod,
};
use serde_json::json;

mod common;
use common::{emit, env_number, two_warehouses, Rng};

struct Latencies(Vec<Duration>);
impl Latencies {
    fn pct(&mut self, p: f64) -> Duration {
        self.0.sort_unstable();
        self.0[((self.0.len() as f64 - 1.0) * p) as usize]
    }
    fn fields(&mut self, per_s: f64) -> serde_json::Value {
        json!({
            "per_s": per_s,
            "p50_us": self.pct(0.5).as_secs_f64() * 1e6,
            "p99_us": self.pct(0.99).as_secs_f64() * 1e6,
        })
    }
}

fn us(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

fn items_count() -> i64 {
    env_number("RACINE_BENCH_ITEMS", 10_000) as i64
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

/// Items (half FIFO, half moving average) in two warehouses, each with
/// opening stock large enough that random issues are never refused.
/// Seeded with `synchronous=NORMAL`, then reopened with `sync`.
fn seeded(path: &Path, sync: Synchronous) -> (Database, Vec<i64>, [i64; 2]) {
    let db = open(path, Synchronous::Normal);
    let warehouses = two_warehouses(&db);
    let items: Vec<i64> = (0..items_count())
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
    drop(db);
    (open(path, sync), items, warehouses)
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

/// Frames in the write-ahead log of `path`, counted by SQLite itself.
fn wal_frames(counter: &rusqlite::Connection) -> i64 {
    counter
        .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get(1))
        .unwrap()
}

/// Pages written per call of `step`: frames appended to the log while a
/// second connection holds a read snapshot, so that no checkpoint can start
/// the log over under the count.
fn pages_per(path: &Path, calls: usize, mut step: impl FnMut()) -> f64 {
    step(); // the log has frames before the reader pins it
    let reader = rusqlite::Connection::open(path).unwrap();
    reader
        .execute_batch("BEGIN; SELECT count(*) FROM sqlite_schema;")
        .unwrap();
    let counter = rusqlite::Connection::open(path).unwrap();
    step(); // a log started over under a reader of the file starts here
    let before = wal_frames(&counter);
    for _ in 0..calls {
        step();
    }
    let after = wal_frames(&counter);
    reader.execute_batch("COMMIT").unwrap();
    (after - before) as f64 / calls as f64
}

/// The physical limit of a durable ledger commit: append the bytes of a
/// minimal WAL commit (3 frames of a 4 KiB page: movement, index, balance)
/// and `fdatasync`, in a loop.
fn fsync_ceiling(dir: &Path, seconds: f64) -> (f64, Latencies) {
    let path = dir.join("fsync.bin");
    let mut f = FileOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .unwrap();
    let buf = vec![7u8; 3 * (4096 + 24)];
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

/// Runs `step` for `seconds`; the rate and latencies.
fn timed(seconds: f64, mut step: impl FnMut()) -> (f64, Latencies) {
    let mut lat = Vec::new();
    let start = Instant::now();
    while start.elapsed().as_secs_f64() < seconds {
        let t = Instant::now();
        step();
        lat.push(t.elapsed());
    }
    (
        lat.len() as f64 / start.elapsed().as_secs_f64(),
        Latencies(lat),
    )
}

/// The service a careful developer writes by hand with rusqlite, on a
/// schema of the same size as Racine's: per movement, in the caller's
/// transaction, SELECT the balance, check it, value the movement at the
/// moving average, INSERT the movement with the same history columns and
/// the same two ledger indexes, UPDATE the balance. Orders add the order
/// row, its lines and one event.
struct Hand {
    conn: rusqlite::Connection,
    clock: i64,
}

impl Hand {
    fn create(path: &Path, sync: &str, items: &[i64], wh: &[i64; 2]) -> Hand {
        let conn = rusqlite::Connection::open(path).unwrap();
        conn.execute_batch(&format!(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = {sync}; PRAGMA cache_size = -32768;
             CREATE TABLE balances (item_id INTEGER NOT NULL, warehouse_id INTEGER NOT NULL,
                 on_hand INTEGER NOT NULL, value INTEGER NOT NULL,
                 PRIMARY KEY (item_id, warehouse_id)) WITHOUT ROWID;
             CREATE TABLE movements (id INTEGER PRIMARY KEY, item_id INTEGER NOT NULL,
                 warehouse_id INTEGER NOT NULL, quantity INTEGER NOT NULL, reason TEXT NOT NULL,
                 unit_cost INTEGER, value_change INTEGER NOT NULL, balance_after INTEGER NOT NULL,
                 value_after INTEGER NOT NULL, effective_at INTEGER NOT NULL,
                 recorded_at INTEGER NOT NULL, actor TEXT, reference TEXT, note TEXT,
                 idempotency_key TEXT, order_id INTEGER);
             CREATE INDEX movements_by_stock ON movements(item_id, warehouse_id, effective_at);
             CREATE INDEX movements_by_time ON movements(effective_at, item_id, warehouse_id,
                 quantity, value_change, reason);
             CREATE TABLE orders (id INTEGER PRIMARY KEY, external_id TEXT NOT NULL UNIQUE,
                 currency TEXT NOT NULL, status TEXT NOT NULL, total INTEGER NOT NULL,
                 placed_at INTEGER NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
             CREATE TABLE order_lines (order_id INTEGER NOT NULL, line_no INTEGER NOT NULL,
                 item_id INTEGER NOT NULL, warehouse_id INTEGER NOT NULL, quantity INTEGER NOT NULL,
                 unit_price INTEGER NOT NULL, PRIMARY KEY (order_id, line_no)) WITHOUT ROWID;
             CREATE TABLE order_events (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL,
                 kind TEXT NOT NULL, at INTEGER NOT NULL);"
        ))
        .unwrap();
        let mut hand = Hand { conn, clock: 0 };
        let tx = hand.conn.transaction().unwrap();
        for &i in items {
            for &w in wh {
                tx.execute(
                    "INSERT INTO balances VALUES (?1, ?2, 1000000000000, 5000000000000)",
                    [i, w],
                )
                .unwrap();
            }
        }
        tx.commit().unwrap();
        hand
    }

    /// Fills the ledger to `rows` movements, so that its indexes are as deep
    /// as Racine's.
    fn fill(&mut self, rows: u64, items: &[i64], wh: &[i64; 2]) {
        let mut rng = Rng(7);
        let mut done = 0;
        while done < rows {
            let tx = self.conn.transaction().unwrap();
            for _ in 0..5_000.min(rows - done) {
                let m = random_movement(&mut rng, items, wh);
                self.clock += 1;
                Self::apply(&tx, &m, self.clock, None);
                done += 1;
            }
            tx.commit().unwrap();
        }
    }

    fn apply(tx: &rusqlite::Transaction, m: &Movement, now: i64, order: Option<i64>) {
        let (item, w) = (m.item.id().unwrap(), m.warehouse.unwrap_or(1));
        let (on_hand, value): (i64, i64) = tx
            .prepare_cached(
                "SELECT on_hand, value FROM balances WHERE item_id = ?1 AND warehouse_id = ?2",
            )
            .unwrap()
            .query_row([item, w], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap();
        let q = m.quantity.raw();
        let (delta, change, cost) = match m.unit_cost {
            Some(c) => (
                q,
                (i128::from(q) * i128::from(c.raw()) / 1_000_000) as i64,
                c.raw(),
            ),
            None => {
                assert!(on_hand >= q, "negative stock");
                let rate = (i128::from(value) * 1_000_000 / i128::from(on_hand)) as i64;
                (
                    -q,
                    -((i128::from(q) * i128::from(rate) / 1_000_000) as i64),
                    rate,
                )
            }
        };
        tx.prepare_cached(
            "INSERT INTO movements(item_id, warehouse_id, quantity, reason, unit_cost, value_change,
                 balance_after, value_after, effective_at, recorded_at, order_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10)",
        )
        .unwrap()
        .execute(rusqlite::params![
            item,
            w,
            delta,
            if delta > 0 { "purchase_receipt" } else { "sale" },
            cost,
            change,
            on_hand + delta,
            value + change,
            now,
            order
        ])
        .unwrap();
        tx.prepare_cached(
            "UPDATE balances SET on_hand = ?3, value = ?4 WHERE item_id = ?1 AND warehouse_id = ?2",
        )
        .unwrap()
        .execute([item, w, on_hand + delta, value + change])
        .unwrap();
    }

    fn post(&mut self, m: &Movement) {
        self.clock += 1;
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .unwrap();
        Self::apply(&tx, m, self.clock, None);
        tx.commit().unwrap();
    }

    fn batch(&mut self, ms: &[Movement]) {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .unwrap();
        for m in ms {
            self.clock += 1;
            Self::apply(&tx, m, self.clock, None);
        }
        tx.commit().unwrap();
    }

    /// An order of one unit of each item at 10, from the first warehouse.
    fn order(&mut self, external_id: &str, items: &[i64], warehouse: i64) {
        self.clock += 1;
        let now = self.clock;
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .unwrap();
        tx.prepare_cached(
            "INSERT INTO orders(external_id, currency, status, total, placed_at, created_at, updated_at)
             VALUES (?1, 'EUR', 'fulfilled', ?2, ?3, ?3, ?3)",
        )
        .unwrap()
        .execute(rusqlite::params![external_id, items.len() as i64 * 10_000_000, now])
        .unwrap();
        let order = tx.last_insert_rowid();
        for (n, &item) in items.iter().enumerate() {
            tx.prepare_cached("INSERT INTO order_lines VALUES (?1, ?2, ?3, ?4, 1000000, 10000000)")
                .unwrap()
                .execute([order, n as i64 + 1, item, warehouse])
                .unwrap();
            Self::apply(
                &tx,
                &Movement::issue(item, Decimal::ONE).warehouse(warehouse),
                now,
                Some(order),
            );
        }
        tx.prepare_cached("INSERT INTO order_events(order_id, kind, at) VALUES (?1, 'placed', ?2)")
            .unwrap()
            .execute([order, now])
            .unwrap();
        tx.commit().unwrap();
    }

    fn stock(&self, item: i64, w: i64) -> (i64, i64) {
        self.conn
            .prepare_cached(
                "SELECT on_hand, value FROM balances WHERE item_id = ?1 AND warehouse_id = ?2",
            )
            .unwrap()
            .query_row([item, w], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
    }
}

/// An order of one unit of each of `lines` (indexes into `skus`).
fn new_order(n: u64, skus: &[String], lines: &[usize]) -> NewOrder {
    NewOrder {
        external_id: format!("B{n}"),
        customer: Default::default(),
        currency: "EUR".into(),
        lines: lines
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
    }
}

fn order_lines(rng: &mut Rng, items: usize) -> Vec<usize> {
    (0..5).map(|_| rng.below(items as u64) as usize).collect()
}

/// W1: FULL durability, one movement per commit, against the physical limit
/// and the hand-written service.
fn w1(dir: &Path, seconds: f64) {
    let (ceiling, mut ceil_lat) = fsync_ceiling(dir, seconds);
    let path = dir.join("w1.db");
    let (db, items, wh) = seeded(&path, Synchronous::Full);
    let mut rng = Rng(0x5eed);
    let (w1, mut w1_lat) = timed(seconds, || {
        db.post(&random_movement(&mut rng, &items, &wh)).unwrap();
    });
    let pages = pages_per(&path, 200, || {
        db.post(&random_movement(&mut rng, &items, &wh)).unwrap();
    });
    let mut hand = Hand::create(&dir.join("w1-hand.db"), "FULL", &items, &wh);
    hand.fill(2 * items.len() as u64, &items, &wh);
    let (hand_rate, mut hand_lat) = timed(seconds, || {
        hand.post(&random_movement(&mut rng, &items, &wh));
    });
    let hand_pages = pages_per(&dir.join("w1-hand.db"), 200, || {
        hand.post(&random_movement(&mut rng, &items, &wh));
    });
    println!("\nW1  one movement per commit, synchronous=FULL");
    println!(
        "    fsync limit (append 3 WAL frames + fdatasync): {ceiling:>9.0} /s   p50 {}",
        us(ceil_lat.pct(0.5))
    );
    println!(
        "    hand-written rusqlite service:                 {hand_rate:>9.0} /s   p50 {}  p99 {}  {hand_pages:.2} pages",
        us(hand_lat.pct(0.5)),
        us(hand_lat.pct(0.99))
    );
    println!(
        "    racine post():                                 {w1:>9.0} /s   p50 {}  p99 {}  {pages:.2} pages",
        us(w1_lat.pct(0.5)),
        us(w1_lat.pct(0.99))
    );
    println!(
        "    ratio racine / fsync limit: {:.2}  (target ≥ 0.9)",
        w1 / ceiling
    );
    emit("W1", "fsync limit", ceil_lat.fields(ceiling));
    let mut f = hand_lat.fields(hand_rate);
    f["pages"] = json!(hand_pages);
    emit("W1", "rust hand-written", f);
    let mut f = w1_lat.fields(w1);
    f["pages"] = json!(pages);
    emit("W1", "racine", f);
    // The same with an event sink loaded (the C example, which handles an
    // event in a few hundred instructions): each commit is followed by its
    // delivery (a batch read, the plugin called, its cursor committed).
    let sink =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/plugins/liblow_stock_alerts.so");
    if sink.exists() {
        let options = racine::PluginOptions {
            config: json!({ "path": dir.join("w1-alerts.jsonl") })
                .as_object()
                .cloned(),
            ..Default::default()
        };
        db.load_plugin(sink.canonicalize().unwrap(), &options)
            .unwrap();
        let (with_sink, mut lat) = timed(seconds, || {
            db.post(&random_movement(&mut rng, &items, &wh)).unwrap();
        });
        println!(
            "    racine post() + delivery to a sink:            {with_sink:>9.0} /s   p50 {}  p99 {}   ratio / post(): {:.2}",
            us(lat.pct(0.5)),
            us(lat.pct(0.99)),
            with_sink / w1
        );
        emit("W1", "racine + event sink", lat.fields(with_sink));
    }
}

/// W4: an order of 5 lines in one transaction, all or nothing, against the
/// hand-written service writing the same rows, with FULL and NORMAL.
fn w4(dir: &Path, seconds: f64) {
    println!("\nW4  order of 5 lines, one transaction");
    for (sync, name) in [(Synchronous::Full, "FULL"), (Synchronous::Normal, "NORMAL")] {
        let path = dir.join(format!("w4-{name}.db"));
        let (db, items, wh) = seeded(&path, sync);
        let skus: Vec<String> = items.iter().map(|i| db.item(*i).unwrap().sku).collect();
        let hand_path = dir.join(format!("w4-hand-{name}.db"));
        let mut hand = Hand::create(&hand_path, name, &items, &wh);
        hand.fill(2 * items.len() as u64, &items, &wh);
        let mut rng = Rng(4);
        let mut k = 0u64;
        let mut hand_order = |hand: &mut Hand, rng: &mut Rng| {
            let lines: Vec<i64> = order_lines(rng, items.len())
                .iter()
                .map(|&i| items[i])
                .collect();
            hand.order(&format!("H{k}"), &lines, wh[0]);
            k += 1;
        };
        let (hand_rate, mut hand_lat) = timed(seconds, || hand_order(&mut hand, &mut rng));
        let hand_pages = pages_per(&hand_path, 100, || hand_order(&mut hand, &mut rng));
        println!(
            "    {name:<6} hand-written rusqlite, same rows:  {hand_rate:8.0} orders/s  p50 {}  {hand_pages:.1} pages",
            us(hand_lat.pct(0.5))
        );
        let mut f = hand_lat.fields(hand_rate);
        f["pages"] = json!(hand_pages);
        emit(&format!("W4 {name}"), "rust hand-written", f);
        let mut n = 0u64;
        for policy in [StockPolicy::DecrementOnSale, StockPolicy::Reserve] {
            db.set_stock_policy(policy).unwrap();
            let mut place = |rng: &mut Rng| {
                db.place_order(&new_order(n, &skus, &order_lines(rng, items.len())), None)
                    .unwrap();
                n += 1;
            };
            let (rate, mut lat) = timed(seconds, || place(&mut rng));
            let pages = pages_per(&path, 100, || place(&mut rng));
            println!(
                "    {name:<6} racine place_order ({policy:?}): {rate:8.0} orders/s  p50 {}  {pages:.1} pages  ratio {:.2}",
                us(lat.pct(0.5)),
                rate / hand_rate
            );
            let mut f = lat.fields(rate);
            f["pages"] = json!(pages);
            emit(
                &format!("W4 {name}"),
                &format!("racine {}", policy.as_str()),
                f,
            );
        }
        // A refused order (its last line is short) writes nothing.
        let mut short = new_order(u64::MAX, &skus, &[0, 1, 2, 3, 4]);
        short.lines[4].quantity = Decimal::from(10_000_000);
        let mut refused = Vec::new();
        let wrote = pages_per(&path, 1, || {
            refused.push(db.place_order(&short, None).unwrap_err().code().name());
        });
        assert!(refused.iter().all(|&c| c == "insufficient_available"));
        println!(
            "    {name:<6} a refused order: {} and {wrote:.0} pages written",
            refused[0]
        );
        emit(
            &format!("W4 {name}"),
            "racine refused order",
            json!({ "pages": wrote, "error": refused[0] }),
        );
        assert!(db.verify().unwrap().is_clean());
    }
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
    emit("W15", "racine idle", idle.fields(0.0));
    let mut f = busy.fields(0.0);
    f["busy"] = json!(refused as u64 + writer_busy);
    emit("W15", "racine under two writers", f);
}

/// W2, W3 and W6 on the large ledger.
fn large_ledger(dir: &Path, seconds: f64, run: &dyn Fn(&str) -> bool) {
    let target_movements = env_number("RACINE_BENCH_MOVEMENTS", 2_000_000);
    let big = dir.join("big.db");
    let (db, items, wh) = seeded(&big, Synchronous::Normal);
    let mut rng = Rng(42);
    let load = Instant::now();
    let mut posted = 2 * items.len() as u64;
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
    let hand_path = dir.join("big-hand.db");
    let mut hand = Hand::create(&hand_path, "NORMAL", &items, &wh);
    hand.fill(posted, &items, &wh);

    if run("w2") {
        let (hand_rate, mut hand_lat) = timed(seconds, || {
            hand.post(&random_movement(&mut rng, &items, &wh));
        });
        let (w2, mut w2_lat) = timed(seconds, || {
            db.post(&random_movement(&mut rng, &items, &wh)).unwrap();
        });
        println!("\nW2  one movement per commit, synchronous=NORMAL, {posted}-movement ledger");
        println!(
            "    hand-written rusqlite service: {hand_rate:>9.0} /s   p50 {}  p99 {}",
            us(hand_lat.pct(0.5)),
            us(hand_lat.pct(0.99))
        );
        println!(
            "    racine post():                 {w2:>9.0} /s   p50 {}  p99 {}   ratio {:.2}",
            us(w2_lat.pct(0.5)),
            us(w2_lat.pct(0.99)),
            w2 / hand_rate
        );
        emit("W2", "rust hand-written", hand_lat.fields(hand_rate));
        emit("W2", "racine", w2_lat.fields(w2));
    }

    if run("w3") {
        let batches: Vec<Vec<Movement>> = (0..((seconds * 10.0) as usize).max(10))
            .map(|_| {
                (0..1_000)
                    .map(|_| random_movement(&mut rng, &items, &wh))
                    .collect()
            })
            .collect();
        let start = Instant::now();
        for b in &batches {
            hand.batch(b);
        }
        let hand_rate = (batches.len() * 1_000) as f64 / start.elapsed().as_secs_f64();
        let start = Instant::now();
        for b in &batches {
            db.post_batch(b).unwrap();
        }
        let w3 = (batches.len() * 1_000) as f64 / start.elapsed().as_secs_f64();
        let mut k = 0;
        let pages = pages_per(&big, 3, || {
            db.post_batch(&batches[k % batches.len()]).unwrap();
            k += 1;
        });
        let hand_pages = pages_per(&hand_path, 3, || {
            hand.batch(&batches[k % batches.len()]);
            k += 1;
        });
        println!("\nW3  batches of 1,000 random movements per transaction (NORMAL)");
        println!(
            "    hand-written rusqlite batch service: {hand_rate:>9.0} movements/s  {hand_pages:.0} pages a batch"
        );
        println!(
            "    racine post_batch():                 {w3:>9.0} movements/s  {pages:.0} pages a batch   ratio {:.2}",
            w3 / hand_rate
        );
        emit(
            "W3",
            "rust hand-written",
            json!({ "per_s": hand_rate, "pages": hand_pages }),
        );
        emit("W3", "racine", json!({ "per_s": w3, "pages": pages }));
    }

    if run("w6") {
        let reads = 200_000;
        let mut lat = Vec::with_capacity(reads);
        let mut hand_lat = Vec::with_capacity(reads);
        for _ in 0..reads {
            let item = items[rng.below(items.len() as u64) as usize];
            let w = wh[rng.below(2) as usize];
            let t = Instant::now();
            std::hint::black_box(db.stock(item, Some(w)).unwrap());
            lat.push(t.elapsed());
            let t = Instant::now();
            std::hint::black_box(hand.stock(item, w));
            hand_lat.push(t.elapsed());
        }
        let (mut w6, mut hand6) = (Latencies(lat), Latencies(hand_lat));
        println!("\nW6  stock on hand point read, {posted}-movement ledger");
        println!(
            "    racine stock():          p50 {}  p99 {}   (target p50 ≤ 3 µs, p99 ≤ 10 µs)",
            us(w6.pct(0.5)),
            us(w6.pct(0.99))
        );
        println!(
            "    hand-written SELECT:     p50 {}  p99 {}",
            us(hand6.pct(0.5)),
            us(hand6.pct(0.99))
        );
        emit("W6", "rust hand-written", hand6.fields(0.0));
        emit("W6", "racine", w6.fields(0.0));
    }
    assert!(db.verify().unwrap().is_clean());
}

/// `RACINE_BENCH_OPS=<op>:<n>`: the fixed set-up, then `n` operations of
/// one kind, for callgrind. `batch` counts batches of 1,000.
fn ops(dir: &Path, spec: &str) {
    let (op, n) = spec.split_once(':').expect("RACINE_BENCH_OPS=<op>:<n>");
    let n: u64 = n.parse().expect("a number of operations");
    // RACINE_BENCH_OPS_SYNC=full: durable commits, for counting syncs.
    let (sync, hand_sync) = match std::env::var("RACINE_BENCH_OPS_SYNC").as_deref() {
        Ok("full") => (Synchronous::Full, "FULL"),
        _ => (Synchronous::Normal, "NORMAL"),
    };
    let (db, items, wh) = seeded(&dir.join("ops.db"), sync);
    let skus: Vec<String> = items.iter().map(|i| db.item(*i).unwrap().sku).collect();
    let mut hand = Hand::create(&dir.join("ops-hand.db"), hand_sync, &items, &wh);
    hand.fill(2 * items.len() as u64, &items, &wh);
    db.set_stock_policy(StockPolicy::DecrementOnSale).unwrap();
    let mut rng = Rng(99);
    for k in 0..n {
        match op {
            "post" => drop(db.post(&random_movement(&mut rng, &items, &wh)).unwrap()),
            "hand-post" => hand.post(&random_movement(&mut rng, &items, &wh)),
            "batch" | "hand-batch" => {
                let b: Vec<Movement> = (0..1_000)
                    .map(|_| random_movement(&mut rng, &items, &wh))
                    .collect();
                if op == "batch" {
                    drop(db.post_batch(&b).unwrap());
                } else {
                    hand.batch(&b);
                }
            }
            "order" => drop(
                db.place_order(
                    &new_order(k, &skus, &order_lines(&mut rng, items.len())),
                    None,
                )
                .unwrap(),
            ),
            "hand-order" => {
                let lines: Vec<i64> = order_lines(&mut rng, items.len())
                    .iter()
                    .map(|&i| items[i])
                    .collect();
                hand.order(&format!("H{k}"), &lines, wh[0]);
            }
            "stock" => {
                let item = items[rng.below(items.len() as u64) as usize];
                std::hint::black_box(db.stock(item, Some(wh[0])).unwrap());
            }
            "hand-stock" => {
                let item = items[rng.below(items.len() as u64) as usize];
                std::hint::black_box(hand.stock(item, wh[0]));
            }
            other => panic!("unknown operation {other}"),
        }
    }
}

/// The engine and its settings, as every figure of this run saw them.
fn describe(dir: &Path) {
    let db = open(&dir.join("settings.db"), Synchronous::Full);
    drop(db);
    let conn = rusqlite::Connection::open(dir.join("settings.db")).unwrap();
    let page_size: i64 = conn
        .query_row("PRAGMA page_size", [], |r| r.get(0))
        .unwrap();
    emit(
        "env",
        "sqlite",
        json!({
            "version": Database::sqlite_version(),
            "pragmas": "journal_mode=WAL, synchronous=FULL (NORMAL where named), foreign_keys=ON, busy_timeout=10000, cache_size=-32768",
            "page_size": page_size,
            // Set by the workspace's .cargo/config.toml for the bundled SQLite.
            "build_flags": option_env!("LIBSQLITE3_FLAGS").unwrap_or(""),
            "items": items_count(),
        }),
    );
}

fn main() {
    let seconds = env_number("RACINE_BENCH_SECONDS", 3) as f64;
    // Cargo's scratch directory for benches: on the project's disk, ignored by git.
    let dir = tempfile::Builder::new()
        .prefix("racine-bench")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .unwrap();
    if let Ok(spec) = std::env::var("RACINE_BENCH_OPS") {
        return ops(dir.path(), &spec);
    }
    println!("Racine {} ledger benchmark", racine::VERSION);
    println!(
        "SQLite {}; journal_mode=WAL, foreign_keys=ON, busy_timeout=10000; {} items x 2 warehouses; {} s per workload; dir {}",
        Database::sqlite_version(),
        items_count(),
        seconds,
        dir.path().display()
    );
    describe(dir.path());

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
    if run("w2") || run("w3") || run("w6") {
        large_ledger(dir.path(), seconds, &run);
    }
}
