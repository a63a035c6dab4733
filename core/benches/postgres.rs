//! PostgreSQL workloads (W16 and W1/W4 on PostgreSQL), each beside a
//! hand-written service doing the same check-and-write, in one run, on a
//! durable cluster of its own (fsync and synchronous_commit on), started
//! with `scripts/pg-cluster` and stopped at the end.
//!
//! - **W1-PG**: one client, one receipt per transaction; the hand-written
//!   service updates the balance row and inserts the movement.
//! - **W4-PG**: one client, one 1-line order reserving stock per
//!   transaction; the hand-written service locks the balance row
//!   (`SELECT … FOR UPDATE`), checks what is available, reserves it and
//!   inserts the order, its line and its reservation.
//! - **W16**: the same order at 16 clients (one connection each) for the
//!   last units of 4 items: more attempts than units, so half are refused.
//!   Both end states are checked: no oversell.
//!
//! `cargo bench -p racine --bench postgres`; `RACINE_BENCH_SECONDS` sets the
//! length of W1/W4, `RACINE_BENCH_PG_UNITS` the units per item of W16.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{emit, env_number};
use postgres::{Client, NoTls};
use racine::*;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
const CLIENTS: usize = 16;
const ITEMS: usize = 4;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn cluster(args: &[&str]) -> String {
    let out = Command::new(format!("{ROOT}/scripts/pg-cluster"))
        .args(args)
        .stderr(Stdio::inherit())
        .output()
        .unwrap();
    assert!(out.status.success(), "pg-cluster {args:?}");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// A fresh schema on the server; the connection string that opens it.
fn schema(server: &str, name: &str) -> String {
    Client::connect(server, NoTls)
        .unwrap()
        .batch_execute(&format!("CREATE SCHEMA {name}"))
        .unwrap();
    format!("{server}?options=-csearch_path%3D{name}")
}

/// The hand-written stock service's tables.
const HAND_SCHEMA: &str = "
    CREATE TABLE stock (item BIGINT PRIMARY KEY, on_hand BIGINT NOT NULL, reserved BIGINT NOT NULL,
                        value BIGINT NOT NULL);
    CREATE TABLE movements (id BIGSERIAL PRIMARY KEY, item BIGINT NOT NULL, quantity BIGINT NOT NULL,
                            value_change BIGINT NOT NULL, balance_after BIGINT NOT NULL,
                            at TIMESTAMPTZ NOT NULL DEFAULT now());
    CREATE TABLE orders (id BIGSERIAL PRIMARY KEY, external_id TEXT NOT NULL UNIQUE,
                         status TEXT NOT NULL, at TIMESTAMPTZ NOT NULL DEFAULT now());
    CREATE TABLE order_lines (id BIGSERIAL PRIMARY KEY, order_id BIGINT NOT NULL, item BIGINT NOT NULL,
                              quantity BIGINT NOT NULL);
    CREATE TABLE reservations (id BIGSERIAL PRIMARY KEY, line_id BIGINT NOT NULL, item BIGINT NOT NULL,
                               quantity BIGINT NOT NULL);";

/// One reserve-on-order in the hand-written service: lock, check, write.
fn hand_order(c: &mut Client, external_id: &str, item: i64) -> bool {
    let mut tx = c.transaction().unwrap();
    let row = tx
        .query_one(
            "SELECT on_hand - reserved FROM stock WHERE item = $1 FOR UPDATE",
            &[&item],
        )
        .unwrap();
    let available: i64 = row.get(0);
    if available < 1_000_000 {
        tx.rollback().unwrap();
        return false;
    }
    tx.execute(
        "UPDATE stock SET reserved = reserved + 1000000 WHERE item = $1",
        &[&item],
    )
    .unwrap();
    let order: i64 = tx
        .query_one(
            "INSERT INTO orders(external_id, status) VALUES ($1, 'placed') RETURNING id",
            &[&external_id],
        )
        .unwrap()
        .get(0);
    let line: i64 = tx
        .query_one(
            "INSERT INTO order_lines(order_id, item, quantity) VALUES ($1, $2, 1000000) RETURNING id",
            &[&order, &item],
        )
        .unwrap()
        .get(0);
    tx.execute(
        "INSERT INTO reservations(line_id, item, quantity) VALUES ($1, $2, 1000000)",
        &[&line, &item],
    )
    .unwrap();
    tx.commit().unwrap();
    true
}

fn racine_order(db: &Database, external_id: &str, sku: &str) -> bool {
    let order = NewOrder {
        external_id: external_id.into(),
        customer: Customer::default(),
        currency: "XXX".into(),
        lines: vec![NewOrderLine {
            sku: sku.into(),
            quantity: d("1"),
            unit_price: Decimal::ZERO,
            warehouse: None,
        }],
        placed_at: None,
        expires_at: None,
        create_contact: false,
    };
    match db.place_order(&order, None) {
        Ok(_) => true,
        Err(Error::InsufficientAvailable { .. }) => false,
        Err(e) => panic!("{e}"),
    }
}

/// Runs `op` for `seconds`; operations per second and the p50 / p99 latency.
fn timed(seconds: f64, mut op: impl FnMut(u64)) -> serde_json::Value {
    let mut lat = Vec::new();
    let start = Instant::now();
    let mut n = 0;
    while start.elapsed().as_secs_f64() < seconds {
        let t = Instant::now();
        op(n);
        lat.push(t.elapsed());
        n += 1;
    }
    let per_s = n as f64 / start.elapsed().as_secs_f64();
    lat.sort();
    let at = |q: f64| lat[((lat.len() as f64 * q) as usize).min(lat.len() - 1)].as_secs_f64() * 1e6;
    serde_json::json!({ "per_s": per_s, "p50_us": at(0.5), "p99_us": at(0.99) })
}

fn report(workload: &str, subject: &str, f: serde_json::Value) {
    println!(
        "{workload:<8} {subject:<28} {:>9.0}/s  p50 {:>7.0} µs  p99 {:>7.0} µs",
        f["per_s"].as_f64().unwrap_or(0.0),
        f["p50_us"].as_f64().unwrap_or(0.0),
        f["p99_us"].as_f64().unwrap_or(0.0)
    );
    emit(workload, subject, f);
}

fn w1(server: &str, seconds: f64) -> (f64, f64) {
    let db = Database::open(schema(server, "w1_racine")).unwrap();
    let item = db.create_item(&NewItem::new("OAK", "Oak")).unwrap().id;
    let r = timed(seconds, |_| {
        db.post(&Movement::receipt(item, d("1"), d("2"))).unwrap();
    });
    let mut c = Client::connect(&schema(server, "w1_hand"), NoTls).unwrap();
    c.batch_execute(HAND_SCHEMA).unwrap();
    c.execute("INSERT INTO stock VALUES (1, 0, 0, 0)", &[])
        .unwrap();
    let h = timed(seconds, |_| {
        let mut tx = c.transaction().unwrap();
        let after: i64 = tx
            .query_one(
                "UPDATE stock SET on_hand = on_hand + 1000000, value = value + 2000000
                 WHERE item = 1 RETURNING on_hand",
                &[],
            )
            .unwrap()
            .get(0);
        tx.execute(
            "INSERT INTO movements(item, quantity, value_change, balance_after) VALUES (1, 1000000, 2000000, $1)",
            &[&after],
        )
        .unwrap();
        tx.commit().unwrap();
    });
    let ratio = r["per_s"].as_f64().unwrap() / h["per_s"].as_f64().unwrap();
    report("W1-PG", "racine", r);
    report("W1-PG", "postgres hand-written", h);
    (ratio, 0.0)
}

fn w4(server: &str, seconds: f64) -> f64 {
    let db = Database::open(schema(server, "w4_racine")).unwrap();
    let item = db.create_item(&NewItem::new("MUG", "Mug")).unwrap().id;
    db.post(&Movement::receipt(item, d("100000000"), d("2")))
        .unwrap();
    let r = timed(seconds, |n| {
        assert!(racine_order(&db, &format!("o-{n}"), "MUG"));
    });
    let mut c = Client::connect(&schema(server, "w4_hand"), NoTls).unwrap();
    c.batch_execute(HAND_SCHEMA).unwrap();
    c.execute("INSERT INTO stock VALUES (1, 100000000000000, 0, 0)", &[])
        .unwrap();
    let h = timed(seconds, |n| {
        assert!(hand_order(&mut c, &format!("o-{n}"), 1));
    });
    let ratio = r["per_s"].as_f64().unwrap() / h["per_s"].as_f64().unwrap();
    report("W4-PG", "racine", r);
    report("W4-PG", "postgres hand-written", h);
    ratio
}

/// W16: 16 clients for the last units of 4 items; orders per second (all
/// attempts, placed or refused) and the end state checked.
fn w16(server: &str) -> f64 {
    let units = env_number("RACINE_BENCH_PG_UNITS", 500) as i64;
    let attempts = (units as usize * ITEMS * 2) / CLIENTS;
    let skus: Vec<String> = (0..ITEMS).map(|i| format!("LAST-{i}")).collect();

    let url = schema(server, "w16_racine");
    let db = Database::open(&url).unwrap();
    for sku in &skus {
        let id = db.create_item(&NewItem::new(sku, sku)).unwrap().id;
        db.post(&Movement::receipt(id, d(&units.to_string()), d("2")))
            .unwrap();
    }
    let start = Instant::now();
    let placed: usize = std::thread::scope(|s| {
        let handles: Vec<_> = (0..CLIENTS)
            .map(|c| {
                let (url, skus) = (&url, &skus);
                s.spawn(move || {
                    let db = Database::open(url).unwrap();
                    (0..attempts)
                        .filter(|i| {
                            racine_order(&db, &format!("o-{c}-{i}"), &skus[(c + i) % ITEMS])
                        })
                        .count()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    let racine_s = start.elapsed();
    assert_eq!(
        placed as i64,
        units * ITEMS as i64,
        "racine sold exactly the stock"
    );
    for sku in &skus {
        assert_eq!(
            db.stock(sku.as_str(), None).unwrap().available,
            Decimal::ZERO
        );
    }
    assert!(db.verify().unwrap().is_clean());

    let url = schema(server, "w16_hand");
    let mut c = Client::connect(&url, NoTls).unwrap();
    c.batch_execute(HAND_SCHEMA).unwrap();
    for i in 0..ITEMS as i64 {
        c.execute(
            "INSERT INTO stock VALUES ($1, $2, 0, 0)",
            &[&i, &(units * 1_000_000)],
        )
        .unwrap();
    }
    let start = Instant::now();
    let placed: usize = std::thread::scope(|s| {
        let handles: Vec<_> = (0..CLIENTS)
            .map(|k| {
                let url = &url;
                s.spawn(move || {
                    let mut c = Client::connect(url, NoTls).unwrap();
                    (0..attempts)
                        .filter(|i| {
                            hand_order(&mut c, &format!("o-{k}-{i}"), ((k + i) % ITEMS) as i64)
                        })
                        .count()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    let hand_s = start.elapsed();
    assert_eq!(
        placed as i64,
        units * ITEMS as i64,
        "hand-written sold exactly the stock"
    );
    let oversold: i64 = c
        .query_one("SELECT COUNT(*) FROM stock WHERE reserved > on_hand", &[])
        .unwrap()
        .get(0);
    assert_eq!(oversold, 0);

    let total = (attempts * CLIENTS) as f64;
    let per_s = |t: Duration| total / t.as_secs_f64();
    report(
        "W16",
        "racine",
        serde_json::json!({ "per_s": per_s(racine_s), "clients": CLIENTS }),
    );
    report(
        "W16",
        "postgres hand-written",
        serde_json::json!({ "per_s": per_s(hand_s), "clients": CLIENTS }),
    );
    per_s(racine_s) / per_s(hand_s)
}

fn main() {
    let seconds = env_number("RACINE_BENCH_SECONDS", 3) as f64;
    let dir = tempfile::Builder::new()
        .prefix("racine-bench-pg")
        .tempdir_in("/tmp")
        .unwrap();
    let server = cluster(&["start", dir.path().to_str().unwrap(), "auto"]);
    println!("Racine {} on PostgreSQL (durable: fsync, synchronous_commit on); {seconds} s per workload; {CLIENTS} clients for W16", racine::VERSION);
    let done = std::panic::catch_unwind(|| {
        let (w1, _) = w1(&server, seconds);
        let w4 = w4(&server, seconds);
        let w16 = w16(&server);
        println!("ratios (racine / hand-written): W1-PG {w1:.2}, W4-PG {w4:.2}, W16 {w16:.2} (target ≥ 0.8)");
    });
    cluster(&["stop", dir.path().to_str().unwrap()]);
    if let Err(p) = done {
        std::panic::resume_unwind(p);
    }
}
