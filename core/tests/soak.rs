//! W14 of `shared/docs/PERF.md`, bounded: two writer processes and two
//! readers on one file for `RACINE_SOAK_SECONDS` (default 5; the benchmark
//! command runs 60). No `Busy` reaches a caller, every acknowledged write is
//! in the ledger, the balances agree with it (`verify`).
//!
//! The readers' latency with and without the writers is printed (and given
//! to `scripts/bench` through `RACINE_BENCH_JSON`), not asserted: tests
//! assert behaviour, the benchmark reports time.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use racine::*;

const ITEMS: i64 = 20;

fn seconds() -> f64 {
    std::env::var("RACINE_SOAK_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5.0)
}

/// Two readers for `for_s`: their latencies, and the errors they met.
fn read_for(path: &Path, for_s: f64) -> (Vec<Duration>, usize) {
    let stop = AtomicBool::new(false);
    std::thread::scope(|s| {
        let readers: Vec<_> = (0..2)
            .map(|r| {
                let stop = &stop;
                s.spawn(move || {
                    let db = Database::open(path).unwrap();
                    let (mut lat, mut errors) = (Vec::new(), 0);
                    let mut n = r as i64;
                    while !stop.load(Ordering::Relaxed) {
                        let t = Instant::now();
                        match db.stock(1 + n % ITEMS, None) {
                            Ok(level) => drop(std::hint::black_box(level)),
                            Err(e) => {
                                eprintln!("reader: {e}");
                                errors += 1;
                            }
                        }
                        lat.push(t.elapsed());
                        n += 1;
                    }
                    (lat, errors)
                })
            })
            .collect();
        std::thread::sleep(Duration::from_secs_f64(for_s));
        stop.store(true, Ordering::Relaxed);
        readers.into_iter().map(|r| r.join().unwrap()).fold(
            (Vec::new(), 0),
            |(mut all, e), (lat, errors)| {
                all.extend(lat);
                (all, e + errors)
            },
        )
    })
}

fn p99(mut lat: Vec<Duration>) -> f64 {
    lat.sort_unstable();
    lat[(lat.len() - 1) * 99 / 100].as_secs_f64() * 1e6
}

#[test]
fn two_writer_processes_and_readers_never_see_busy() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("soak.db");
    let opening = {
        let db = Database::open(&path).unwrap();
        db.set_stock_policy(StockPolicy::DecrementOnSale).unwrap();
        for i in 0..ITEMS {
            let item = db
                .create_item(&NewItem::new(format!("SOAK-{i}"), "soak"))
                .unwrap()
                .id;
            db.post(&Movement::receipt(
                item,
                Decimal::from(100_000_000),
                Decimal::from(2),
            ))
            .unwrap();
        }
        ITEMS as u64
    };
    let for_s = seconds();
    let (idle, idle_errors) = read_for(&path, (for_s / 5.0).max(0.5));
    let go = dir.path().join("go");
    let writers: Vec<_> = (0..2)
        .map(|n| {
            Command::new(std::env::current_exe().unwrap())
                .args([
                    "child_soak_writer",
                    "--exact",
                    "--ignored",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env("RACINE_CHILD_DB", &path)
                .env("RACINE_CHILD_GO", &go)
                .env("RACINE_CHILD_N", n.to_string())
                .env("RACINE_CHILD_SECONDS", for_s.to_string())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    std::fs::write(&go, b"").unwrap();
    let (loaded, loaded_errors) = read_for(&path, for_s);
    let (mut movements, mut busy, mut other) = (0u64, 0u64, 0u64);
    for w in writers {
        let out = w.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let line = stdout
            .lines()
            .find_map(|l| l.split_once("RESULT ").map(|(_, r)| r))
            .expect("the writer's result line");
        let field = |name: &str| -> u64 {
            line.split_whitespace()
                .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
                .unwrap()
                .parse()
                .unwrap()
        };
        movements += field("movements");
        busy += field("busy");
        other += field("other");
    }
    let (idle_p99, loaded_p99) = (p99(idle), p99(loaded));
    println!(
        "W14 {for_s} s: {movements} movements by two processes; reader p99 idle {idle_p99:.1} µs, under writes {loaded_p99:.1} µs ({:.2} x)",
        loaded_p99 / idle_p99
    );
    if let Ok(out) = std::env::var("RACINE_BENCH_JSON") {
        use std::io::Write;
        let line = serde_json::json!({
            "w": "W14", "subject": "soak", "from": "rust",
            "rev": std::env::var("RACINE_BENCH_REV").unwrap_or_default(),
            "seconds": for_s, "movements": movements, "busy": busy + (idle_errors + loaded_errors) as u64,
            "idle_p99_us": idle_p99, "loaded_p99_us": loaded_p99,
        });
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(out)
            .unwrap();
        writeln!(f, "{line}").unwrap();
    }
    assert_eq!(busy, 0, "Busy reached a writer");
    assert_eq!(other, 0, "a writer met another error");
    assert_eq!(idle_errors + loaded_errors, 0, "a reader met an error");
    assert!(movements > 0);
    let db = Database::open(&path).unwrap();
    let report = db.verify().unwrap();
    assert!(report.is_clean(), "{report:?}");
    let stored: i64 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("SELECT COUNT(*) FROM movements", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        stored as u64,
        opening + movements,
        "every acknowledged movement is in the ledger"
    );
}

#[test]
#[ignore = "helper run by two_writer_processes_and_readers_never_see_busy"]
fn child_soak_writer() {
    let Ok(path) = std::env::var("RACINE_CHILD_DB") else {
        return;
    };
    let n: i64 = std::env::var("RACINE_CHILD_N").unwrap().parse().unwrap();
    let for_s: f64 = std::env::var("RACINE_CHILD_SECONDS")
        .unwrap()
        .parse()
        .unwrap();
    let db = Database::open(Path::new(&path)).unwrap();
    let go = std::env::var("RACINE_CHILD_GO").unwrap();
    while !Path::new(&go).exists() {
        std::thread::sleep(Duration::from_millis(1));
    }
    let (mut movements, mut busy, mut other) = (0u64, 0u64, 0u64);
    let start = Instant::now();
    let mut k = n;
    while start.elapsed().as_secs_f64() < for_s {
        let item = 1 + k % ITEMS;
        let result = match k % 4 {
            0 => db
                .post_batch(&[
                    Movement::receipt(item, Decimal::ONE, Decimal::from(3)),
                    Movement::issue(1 + (k + 1) % ITEMS, Decimal::ONE),
                ])
                .map(|p| p.movements.len()),
            1 => db
                .place_order(
                    &NewOrder {
                        external_id: format!("soak-{n}-{k}"),
                        customer: Default::default(),
                        currency: "EUR".into(),
                        lines: vec![NewOrderLine {
                            sku: format!("SOAK-{}", item - 1),
                            quantity: Decimal::ONE,
                            unit_price: Decimal::from(5),
                            warehouse: None,
                        }],
                        placed_at: None,
                        expires_at: None,
                        create_contact: false,
                    },
                    None,
                )
                .map(|_| 1),
            _ => db
                .post(&Movement::issue(item, Decimal::ONE))
                .map(|p| p.movements.len()),
        };
        match result {
            Ok(m) => movements += m as u64,
            Err(Error::Busy) => busy += 1,
            Err(e) => {
                eprintln!("writer: {e}");
                other += 1;
            }
        }
        k += 2;
    }
    println!("RESULT movements={movements} busy={busy} other={other}");
}
