//! A soak on PostgreSQL: 16 client processes, from Rust, Python and PHP,
//! over TCP on loopback, place orders for the last units of a few items
//! under overlapping idempotency keys; one client of each language is
//! SIGKILLed mid-run and the server is crashed and restarted once
//! (`pg_ctl restart -m immediate`). Afterwards: no oversell, every key
//! applied once (the same outcome for a key in every client), the ledger
//! equal to the balances, `verify()` clean, and no error reached a client.
//!
//! It needs the Python package and the C library built, so `scripts/test`
//! runs it after them (`--ignored`), with `RACINE_PYTHON` (the venv's
//! interpreter) and `RACINE_LIB` (libracine_ffi.so) set. The Rust clients
//! are this test binary again (`soak_child`).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use racine::*;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
// Enough for every client to be still at work when the server crashes, the
// slowest to start (PHP, Python) included: most keys are refused once the
// units are gone, and a refusal is quick.
const KEYS: usize = 400;
const SKUS: [&str; 3] = ["LAST-A", "LAST-B", "LAST-C"];
const UNITS_EACH: i32 = 10;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// One client: the same loop as tests/postgres/soak_client.py.
fn place_all(db: &Database, client: usize, keys: usize, skus: &[String]) {
    println!("ready");
    for step in 0..keys {
        let n = (client * 7 + step) % keys;
        let order = NewOrder {
            external_id: format!("o-{n}"),
            customer: Customer::default(),
            currency: "XXX".into(),
            placed_at: None,
            expires_at: None,
            create_contact: false,
            lines: vec![NewOrderLine {
                sku: skus[n % skus.len()].clone(),
                quantity: d("1"),
                unit_price: Decimal::ZERO,
                warehouse: None,
            }],
        };
        match db.place_order(&order, Some(&format!("k-{n}"))) {
            Ok(_) => println!("ok {n}"),
            Err(Error::InsufficientAvailable { .. }) => println!("refused {n}"),
            Err(e) => println!("error {n} {:?}: {e}", e.code()),
        }
    }
    println!("done");
}

#[test]
#[ignore = "a child of the soak below"]
fn soak_child() {
    let Ok(url) = std::env::var("SOAK_URL") else {
        return;
    };
    let client: usize = std::env::var("SOAK_CLIENT").unwrap().parse().unwrap();
    let skus: Vec<String> = std::env::var("SOAK_SKUS")
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect();
    let db = Database::open(&url).unwrap();
    place_all(&db, client, KEYS, &skus);
}

struct Client {
    language: &'static str,
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
    killed: bool,
}

impl Client {
    fn spawn(language: &'static str, mut cmd: Command) -> Client {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("{language} client: {e}"));
        let out = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(|l| l.ok()) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Client {
            language,
            child,
            lines,
            seen: Vec::new(),
            killed: false,
        }
    }

    fn drain(&mut self) {
        while let Ok(line) = self.lines.try_recv() {
            self.seen.push(line);
        }
    }
}

fn cluster(action: &str, dir: &std::path::Path, port: Option<&str>) -> String {
    let mut cmd = Command::new(format!("{ROOT}/scripts/pg-cluster"));
    cmd.arg(action).arg(dir);
    if let Some(p) = port {
        cmd.arg(p);
    }
    let out = cmd.stderr(Stdio::inherit()).output().unwrap();
    assert!(out.status.success(), "pg-cluster {action} failed");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
#[ignore = "needs RACINE_PYTHON and RACINE_LIB: run by scripts/test after the bindings are built"]
fn sixteen_clients_with_kills_and_a_server_crash_never_oversell_and_apply_each_key_once() {
    let python = std::env::var("RACINE_PYTHON").expect("RACINE_PYTHON: the venv's python");
    let lib = std::env::var("RACINE_LIB").expect("RACINE_LIB: libracine_ffi.so");
    let dir = tempfile::Builder::new()
        .prefix("racine-soak-pg")
        .tempdir_in("/tmp")
        .unwrap();
    // A durable cluster of its own (fsync on): it is crashed below.
    let url = cluster("start", dir.path(), Some("auto"));
    let stopped = StopOnDrop(dir.path().to_path_buf());

    let db = Database::open(&url).unwrap();
    for sku in SKUS {
        let item = db.create_item(&NewItem::new(sku, sku)).unwrap().id;
        db.post(&Movement::receipt(item, Decimal::from(UNITS_EACH), d("3")))
            .unwrap();
    }
    drop(db);

    let skus = SKUS.join(",");
    let mut clients = Vec::new();
    for i in 0..16 {
        let client = i.to_string();
        let c = match i % 3 {
            0 => {
                let mut cmd = Command::new(std::env::current_exe().unwrap());
                cmd.args([
                    "--ignored",
                    "--exact",
                    "soak_child",
                    "--nocapture",
                    "--quiet",
                ])
                .env("SOAK_URL", &url)
                .env("SOAK_CLIENT", &client)
                .env("SOAK_SKUS", &skus);
                Client::spawn("rust", cmd)
            }
            1 => {
                let mut cmd = Command::new(&python);
                cmd.arg(format!("{ROOT}/tests/postgres/soak_client.py"))
                    .args([&url, &client, &KEYS.to_string(), &skus]);
                Client::spawn("python", cmd)
            }
            _ => {
                let mut cmd = Command::new("php");
                cmd.args(["-d", "ffi.enable=1"])
                    .arg(format!("{ROOT}/tests/postgres/soak_client.php"))
                    .args([&url, &client, &KEYS.to_string(), &skus])
                    .env("RACINE_LIB", &lib);
                Client::spawn("php", cmd)
            }
        };
        clients.push(c);
    }

    // Each client's first few orders are in, then one client of each
    // language dies mid-run, then the server crashes.
    let started = Instant::now();
    let busy = |clients: &mut Vec<Client>| {
        for c in clients.iter_mut() {
            c.drain();
        }
        clients.iter().all(|c| {
            c.seen
                .iter()
                .filter(|l| l.starts_with("ok") || l.starts_with("refused"))
                .count()
                >= 2
        })
    };
    while !busy(&mut clients) {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "clients did not start"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let mut killed = BTreeMap::new();
    for language in ["rust", "python", "php"] {
        let c = clients
            .iter_mut()
            .find(|c| c.language == language && !c.killed)
            .unwrap();
        c.child.kill().unwrap(); // SIGKILL
        c.killed = true;
        killed.insert(language, ());
    }
    std::thread::sleep(Duration::from_millis(50));
    for c in clients.iter_mut() {
        c.drain();
    }
    let running = clients
        .iter()
        .filter(|c| !c.killed && !c.seen.iter().any(|l| l == "done"))
        .count();
    assert!(
        running >= 10,
        "the crash must hit clients at work ({running} running)"
    );
    cluster("restart", dir.path(), None);

    for c in clients.iter_mut() {
        let status = c.child.wait().unwrap();
        // The reader thread ends with the pipe.
        let deadline = Instant::now() + Duration::from_secs(5);
        while let Ok(line) = c
            .lines
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            c.seen.push(line);
        }
        if !c.killed {
            assert!(status.success(), "{} client failed: {status}", c.language);
            assert!(
                c.seen.iter().any(|l| l == "done"),
                "{} client did not finish",
                c.language
            );
        }
        let errors: Vec<&String> = c.seen.iter().filter(|l| l.starts_with("error")).collect();
        assert!(
            errors.is_empty(),
            "{} client saw errors: {errors:?}",
            c.language
        );
    }

    // Every key had one outcome, whoever asked and however often.
    let mut outcome: BTreeMap<usize, &str> = BTreeMap::new();
    for c in &clients {
        for line in &c.seen {
            let Some((what, n)) = line
                .split_once(' ')
                .filter(|(what, _)| matches!(*what, "ok" | "refused"))
            else {
                continue;
            };
            let n: usize = n.parse().unwrap();
            let seen = outcome.entry(n).or_insert(what);
            assert_eq!(
                *seen, what,
                "key k-{n}: {seen} in one client, {what} in another"
            );
        }
    }
    assert_eq!(
        outcome.len(),
        KEYS,
        "every key was tried by a client that lived"
    );

    let db = Database::open(&url).unwrap();
    let total = UNITS_EACH as usize * SKUS.len();
    let placed: Vec<&usize> = outcome
        .iter()
        .filter(|(_, w)| **w == "ok")
        .map(|(n, _)| n)
        .collect();
    assert_eq!(placed.len(), total, "exactly the stock was sold");
    let mut orders = Vec::new();
    let mut filter = OrderFilter::default();
    loop {
        let page = db.orders(&filter).unwrap();
        orders.extend(page.items);
        match page.next {
            Some(next) => filter.page.after = Some(next),
            None => break,
        }
    }
    assert_eq!(orders.len(), total, "one order per placed key, none twice");
    for o in &orders {
        assert_eq!(o.events.len(), 1, "{}: applied once", o.external_id);
    }
    for sku in SKUS {
        let s = db.stock(sku, None).unwrap();
        assert_eq!(s.on_hand, Decimal::from(UNITS_EACH), "{sku}");
        assert_eq!(s.reserved, Decimal::from(UNITS_EACH), "{sku}: no oversell");
        assert_eq!(s.available, Decimal::ZERO, "{sku}");
    }
    let report = db.verify().unwrap();
    assert!(report.is_clean(), "{report:?}");
    drop(stopped);
}

/// Stops the test's cluster however the test ends.
struct StopOnDrop(std::path::PathBuf);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        let _ = Command::new(format!("{ROOT}/scripts/pg-cluster"))
            .arg("stop")
            .arg(&self.0)
            .status();
    }
}
