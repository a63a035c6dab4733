//! Several processes on one database file, as PHP-FPM workers would be.
//!
//! The parent test re-runs this test binary as child processes (the
//! `#[ignore]`d `child_issuer` below, selected by name): each child opens
//! the same file and issues the same item, one unit per transaction, as
//! fast as it can.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use racine::*;

const CHILDREN: usize = 4;
const ATTEMPTS_PER_CHILD: usize = 100;
const STOCK: i32 = 250;

#[test]
fn concurrent_processes_never_oversell_and_never_see_busy() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shop.db");
    let go = dir.path().join("go");
    let item = {
        let db = Database::open(&path).unwrap();
        let item = db
            .create_item(&NewItem::new("LAST-UNITS", "Popular"))
            .unwrap()
            .id;
        db.post(&Movement::receipt(
            item,
            Decimal::from(STOCK),
            Decimal::from(7),
        ))
        .unwrap();
        item
    };
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..CHILDREN)
        .map(|n| {
            Command::new(&exe)
                .args([
                    "child_issuer",
                    "--exact",
                    "--ignored",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env("RACINE_CHILD_DB", &path)
                .env("RACINE_CHILD_GO", &go)
                .env("RACINE_CHILD_ITEM", item.to_string())
                .env("RACINE_CHILD_READY", dir.path().join(format!("ready-{n}")))
                .output_async()
        })
        .collect();
    // Start line: every child has opened the file before any of them writes.
    let deadline = Instant::now() + Duration::from_secs(60);
    while (0..CHILDREN).any(|n| !dir.path().join(format!("ready-{n}")).exists()) {
        assert!(Instant::now() < deadline, "children did not start");
        std::thread::sleep(Duration::from_millis(2));
    }
    std::fs::write(&go, b"go").unwrap();

    let (mut sold, mut refused) = (0, 0);
    for child in children {
        let out = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "child failed:\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let line = stdout
            .lines()
            .find_map(|l| l.split_once("RESULT ").map(|(_, r)| r))
            .unwrap_or_else(|| panic!("no RESULT line in:\n{stdout}"));
        let field = |name: &str| -> usize {
            line.split_whitespace()
                .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
                .unwrap()
                .parse()
                .unwrap()
        };
        assert_eq!(field("other"), 0, "unexpected errors: {line}");
        eprintln!("child: {line}");
        sold += field("sold");
        refused += field("refused");
    }
    assert_eq!(sold, STOCK as usize, "exactly the stock is sold");
    assert_eq!(refused, CHILDREN * ATTEMPTS_PER_CHILD - STOCK as usize);
    let db = Database::open(&path).unwrap();
    let s = db.stock(item, None).unwrap();
    assert_eq!((s.on_hand, s.value), (Decimal::ZERO, Decimal::ZERO));
    assert!(db.verify().unwrap().is_clean());
}

#[test]
#[ignore = "helper run by concurrent_processes_never_oversell_and_never_see_busy"]
fn child_issuer() {
    let Ok(path) = std::env::var("RACINE_CHILD_DB") else {
        return;
    };
    let go = std::env::var("RACINE_CHILD_GO").unwrap();
    let item: i64 = std::env::var("RACINE_CHILD_ITEM").unwrap().parse().unwrap();
    let db = Database::open(Path::new(&path)).unwrap();
    std::fs::write(std::env::var("RACINE_CHILD_READY").unwrap(), b"").unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !Path::new(&go).exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    let (mut sold, mut refused, mut other) = (0, 0, 0);
    for _ in 0..ATTEMPTS_PER_CHILD {
        match db.post(&Movement::issue(item, Decimal::ONE)) {
            Ok(_) => sold += 1,
            Err(Error::NegativeStock { .. }) => refused += 1,
            Err(e) => {
                eprintln!("unexpected: {e}");
                other += 1;
            }
        }
    }
    println!("RESULT sold={sold} refused={refused} other={other}");
}

/// Re-runs this test binary as the `#[ignore]`d child test `name`.
fn child(name: &str) -> Command {
    let mut c = Command::new(std::env::current_exe().unwrap());
    c.args([
        name,
        "--exact",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ]);
    c
}

/// Waits for `file` to appear (a child's start line).
fn wait_for(file: &Path) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !file.exists() {
        assert!(
            Instant::now() < deadline,
            "{} did not appear",
            file.display()
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// A PHP-FPM worker opens the database per request: it must open and read
/// while another process holds the write lock longer than its busy timeout.
#[test]
fn open_and_read_while_another_process_holds_the_write_lock() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shop.db");
    let item = {
        let db = Database::open(&path).unwrap();
        let item = db.create_item(&NewItem::new("HELD", "Held")).unwrap().id;
        db.post(&Movement::receipt(item, Decimal::from(5), Decimal::from(2)))
            .unwrap();
        item
    };
    let (locked, release) = (dir.path().join("locked"), dir.path().join("release"));
    let holder = child("child_lock_holder")
        .env("RACINE_CHILD_DB", &path)
        .env("RACINE_CHILD_LOCKED", &locked)
        .env("RACINE_CHILD_RELEASE", &release)
        .output_async();
    wait_for(&locked);

    let options = OpenOptions {
        busy_timeout_ms: 100,
        ..Default::default()
    };
    // The lock is really held: a write gives up after its 100 ms.
    let writer = Database::open_with(&path, &options).unwrap();
    assert!(matches!(
        writer.post(&Movement::issue(item, Decimal::ONE)),
        Err(Error::Busy)
    ));
    // Opening and reading do not wait for it, again and again.
    for _ in 0..20 {
        let db = Database::open_with(&path, &options).unwrap();
        assert_eq!(db.stock(item, None).unwrap().on_hand, Decimal::from(5));
        assert_eq!(db.default_warehouse().unwrap().code, "MAIN");
        assert_eq!(db.schema_version().unwrap(), SCHEMA_VERSION);
    }
    std::fs::write(&release, b"").unwrap();
    let out = holder.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Once it is released, writes go through again.
    writer.post(&Movement::issue(item, Decimal::ONE)).unwrap();
}

#[test]
#[ignore = "helper run by open_and_read_while_another_process_holds_the_write_lock"]
fn child_lock_holder() {
    let Ok(path) = std::env::var("RACINE_CHILD_DB") else {
        return;
    };
    // A writer in the middle of a long transaction, below Racine's API.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("BEGIN IMMEDIATE; INSERT INTO settings(key, value) VALUES ('held', 'yes');")
        .unwrap();
    std::fs::write(std::env::var("RACINE_CHILD_LOCKED").unwrap(), b"").unwrap();
    let release = std::env::var("RACINE_CHILD_RELEASE").unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !Path::new(&release).exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    conn.execute_batch("ROLLBACK").unwrap();
}

/// Several processes that open a file that does not exist yet: exactly one
/// creates it (schema, time zone, default warehouse), all of them work.
#[test]
fn several_processes_create_one_new_file_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    let go = dir.path().join("go");
    let children: Vec<_> = (0..CHILDREN)
        .map(|n| {
            child("child_creator")
                .env("RACINE_CHILD_DB", &path)
                .env("RACINE_CHILD_GO", &go)
                .env("RACINE_CHILD_SKU", format!("NEW-{n}"))
                .output_async()
        })
        .collect();
    std::fs::write(&go, b"go").unwrap();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "child failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let db = Database::open(&path).unwrap();
    assert_eq!(db.schema_version().unwrap(), SCHEMA_VERSION);
    let warehouses = db.warehouses(&WarehouseFilter::default()).unwrap().items;
    assert_eq!(warehouses.len(), 1, "one default warehouse");
    assert_eq!(db.time_zone().iana_name(), Some("Europe/Paris"));
    for n in 0..CHILDREN {
        let item = db.item(ItemRef::Sku(format!("NEW-{n}"))).unwrap();
        assert_eq!(db.stock(item.id, None).unwrap().on_hand, Decimal::from(3));
    }
    assert!(db.verify().unwrap().is_clean());
}

#[test]
#[ignore = "helper run by several_processes_create_one_new_file_at_once"]
fn child_creator() {
    let Ok(path) = std::env::var("RACINE_CHILD_DB") else {
        return;
    };
    wait_for(Path::new(&std::env::var("RACINE_CHILD_GO").unwrap()));
    let options = OpenOptions {
        time_zone: Some("Europe/Paris".into()),
        ..Default::default()
    };
    let db = Database::open_with(Path::new(&path), &options).unwrap();
    let sku = std::env::var("RACINE_CHILD_SKU").unwrap();
    let item = db.create_item(&NewItem::new(sku, "New")).unwrap().id;
    db.post(&Movement::receipt(item, Decimal::from(3), Decimal::ONE))
        .unwrap();
}

/// `Command::spawn` with captured output, so children run at the same time.
trait OutputAsync {
    fn output_async(&mut self) -> std::process::Child;
}

impl OutputAsync for Command {
    fn output_async(&mut self) -> std::process::Child {
        self.stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    }
}
