//! Plugins loaded from Rust: the example plugins (C: low-stock alerts;
//! Rust: the quarantine validator and the accounting export), each failure
//! the host must survive, and a crash between a commit and its delivery.
//!
//! The plugins are built by `scripts/build-plugins` (run once per test
//! binary) into `target/plugins/`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use racine::*;
use serde_json::{json, Value};

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The absolute path of plugin library `lib<name>`, built on first use.
fn plugin(name: &str) -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    let dir = BUILT.get_or_init(|| {
        let dir = root().join("target/plugins");
        let status = Command::new(root().join("scripts/build-plugins"))
            .arg(&dir)
            .status()
            .expect("run scripts/build-plugins");
        assert!(status.success(), "scripts/build-plugins failed");
        dir
    });
    let ext = if cfg!(target_os = "macos") {
        "dylib"
    } else {
        "so"
    };
    dir.join(format!("lib{name}.{ext}"))
}

fn options(config: Value) -> PluginOptions {
    PluginOptions {
        config: config.as_object().cloned(),
        ..Default::default()
    }
}

fn faulty(mode: &str) -> PluginOptions {
    options(json!({ "mode": mode }))
}

fn plugin_error(e: Error) -> (String, String) {
    match e {
        Error::Plugin { plugin, message } => (plugin, message),
        other => panic!("expected a plugin error, got {other:?}"),
    }
}

fn state(db: &Database, name: &str) -> PluginInfo {
    db.plugins()
        .unwrap()
        .into_iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("{name} is not listed"))
}

/// What the recording sink wrote: one event per line.
fn recorded(log: &Path) -> Vec<Value> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn recorded_ids(log: &Path) -> Vec<i64> {
    recorded(log)
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect()
}

fn events(db: &Database) -> Vec<OutboxEvent> {
    db.outbox_events(&OutboxFilter::default()).unwrap().items
}

#[test]
fn the_c_sink_writes_an_alert_when_stock_falls_to_its_reorder_point() {
    let dir = tempfile::tempdir().unwrap();
    let alerts = dir.path().join("alerts.jsonl");
    let db = Database::open(dir.path().join("shop.db")).unwrap();
    let info = db
        .load_plugin(
            plugin("low_stock_alerts"),
            &options(json!({ "path": alerts })),
        )
        .unwrap();
    assert_eq!(
        (info.name.as_str(), info.version.as_deref(), info.state),
        ("low-stock-alerts", Some("1.0.0"), PluginState::Active)
    );
    assert_eq!(info.capabilities, [Capability::EventSink]);
    assert!(info.log[0].message.contains("writing low-stock alerts"));

    let mug = db
        .create_item(&NewItem {
            reorder_point: Some(d("5")),
            ..NewItem::new("MUG", "Blue mug")
        })
        .unwrap()
        .id;
    db.post(&Movement::receipt(mug, d("8"), d("2"))).unwrap();
    db.post(&Movement::issue(mug, d("2"))).unwrap();
    assert!(!alerts.exists(), "8 then 6: still above 5");
    db.post(&Movement::issue(mug, d("1"))).unwrap();
    db.post(&Movement::issue(mug, d("1"))).unwrap();

    let text = std::fs::read_to_string(&alerts).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "{text}");
    assert_eq!(lines[0]["alert"], "low_stock");
    assert_eq!(lines[0]["event"]["kind"], "stock_below_reorder_point");
    assert_eq!(lines[0]["event"]["data"]["available"], "5");
    assert_eq!(
        lines[0]["item"]["name"], "Blue mug",
        "read through the host"
    );
    let last = events(&db).last().unwrap().id;
    let info = state(&db, "low-stock-alerts");
    assert_eq!((info.cursor, info.delivered), (Some(last), last as u64));
    let cursor = db
        .outbox_consumers()
        .unwrap()
        .into_iter()
        .find(|c| c.name == "plugin:low-stock-alerts")
        .unwrap();
    assert_eq!((cursor.position, cursor.pending), (last, 0));

    assert!(matches!(
        db.load_plugin(
            plugin("low_stock_alerts"),
            &options(json!({ "path": alerts }))
        ),
        Err(Error::AlreadyExists { .. })
    ));
    let (name, message) = plugin_error(
        Database::open_in_memory()
            .unwrap()
            .load_plugin(
                plugin("low_stock_alerts"),
                &options(json!({ "path": "alerts.jsonl" })),
            )
            .unwrap_err(),
    );
    assert_eq!(name, "liblow_stock_alerts.so");
    assert!(message.contains("config.path"), "{message}");
}

fn quarantine() -> (Database, i64, i64) {
    let db = Database::open_in_memory().unwrap();
    db.load_plugin(
        plugin("racine_shop_rules"),
        &options(json!({ "quarantined": ["QUAR"] })),
    )
    .unwrap();
    let quar = db
        .create_warehouse(&NewWarehouse {
            code: "QUAR".into(),
            name: "Quarantine".into(),
            is_default: false,
        })
        .unwrap()
        .id;
    let mug = db.create_item(&NewItem::new("MUG", "Mug")).unwrap().id;
    db.post(&Movement::receipt(mug, d("10"), d("2")).warehouse(quar))
        .unwrap();
    db.post(&Movement::receipt(mug, d("10"), d("2"))).unwrap();
    (db, mug, quar)
}

#[test]
fn the_rust_validator_refuses_sales_from_a_quarantined_warehouse_and_writes_nothing() {
    let (db, mug, quar) = quarantine();
    let before = (events(&db).len(), db.stock(mug, Some(quar)).unwrap());

    let (name, message) = plugin_error(
        db.post(&Movement::issue(mug, d("1")).warehouse(quar))
            .unwrap_err(),
    );
    assert_eq!(name, "shop-rules");
    assert!(message.contains("QUAR is quarantined"), "{message}");
    let batch = [
        Movement::issue(mug, d("1")),
        Movement::issue(mug, d("1")).warehouse(quar),
    ];
    let e = db.post_batch(&batch).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Plugin);
    let order = NewOrder {
        external_id: "W-1".into(),
        customer: Customer::default(),
        currency: "EUR".into(),
        lines: vec![NewOrderLine {
            sku: "MUG".into(),
            quantity: d("1"),
            unit_price: d("5"),
            warehouse: Some(quar),
        }],
        placed_at: None,
        expires_at: None,
        create_contact: false,
    };
    let (_, message) = plugin_error(db.place_order(&order, None).unwrap_err());
    assert!(message.contains("order W-1"), "{message}");
    assert!(matches!(db.order("W-1"), Err(Error::NotFound { .. })));
    assert_eq!(
        (events(&db).len(), db.stock(mug, Some(quar)).unwrap()),
        before,
        "nothing was written"
    );

    // Other movements from there, and sales from elsewhere, go through.
    db.post(&Movement::adjustment(mug, d("-1"), Reason::Breakage).warehouse(quar))
        .unwrap();
    db.post(&Movement::issue(mug, d("1"))).unwrap();
    db.place_order(
        &NewOrder {
            lines: vec![NewOrderLine {
                warehouse: None,
                ..order.lines[0].clone()
            }],
            ..order
        },
        None,
    )
    .unwrap();
    assert_eq!(state(&db, "shop-rules").vetoes, 3);
    assert_eq!(state(&db, "shop-rules").state, PluginState::Active);
    assert!(db.verify().unwrap().is_clean());
}

#[test]
fn the_rust_exporter_writes_an_accounting_journal_from_the_movements() {
    let (db, mug, _) = quarantine();
    db.post(&Movement::issue(mug, d("3")).reference("INV-9"))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.csv");
    let export = Export {
        sheets: vec![Dataset::Movements {
            filter: MovementFilter::default(),
        }
        .into()],
        format: Format::Plugin,
        plugin: Some("accounting-csv".into()),
        options: json!({ "journal": "INV" }).as_object().cloned(),
        ..Export::default()
    };
    let summary = db.export(&export, &path).unwrap();
    assert_eq!((summary.format, summary.rows), (Format::Plugin, 3));
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "date;journal;account;label;debit;credit;reference;movement"
    );
    assert_eq!(lines.len(), 1 + 2 * 3, "{text}");
    assert_eq!(summary.bytes, text.len() as u64);
    let sale: Vec<Vec<&str>> = lines
        .iter()
        .map(|l| l.split(';').collect::<Vec<_>>())
        .filter(|f| f[3].starts_with("sale"))
        .collect();
    assert_eq!(
        sale[0][1..],
        ["INV", "310000", "sale MUG x 3", "", "6", "INV-9", "3"]
    );
    assert_eq!(
        sale[1][1..],
        ["INV", "603700", "sale MUG x 3", "6", "", "INV-9", "3"]
    );

    // Another dataset: refused by the plugin, and no file is left.
    let stock = Export {
        sheets: vec![Dataset::Stock {
            warehouse: None,
            as_of: None,
            active_only: false,
            low_stock_only: false,
        }
        .into()],
        ..export.clone()
    };
    let bad = dir.path().join("stock.csv");
    let (_, message) = plugin_error(db.export(&stock, &bad).unwrap_err());
    assert!(message.contains("movements dataset"), "{message}");
    assert!(!bad.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left"
    );
    // A refused export leaves the plugin in use: its rule still holds.
    assert_eq!(state(&db, "shop-rules").state, PluginState::Active);
    assert!(db.post(&Movement::issue(mug, d("1")).warehouse(2)).is_err());

    let unknown = Export {
        plugin: Some("nope".into()),
        ..export
    };
    match Database::open_in_memory().unwrap().export(&unknown, &path) {
        Err(Error::InvalidInput { field, message }) => {
            assert_eq!(field, "plugin");
            assert!(message.contains("no loaded plugin"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn loading_failures_are_typed_and_listed() {
    let db = Database::open_in_memory().unwrap();
    match db.load_plugin("relative/libx.so", &PluginOptions::default()) {
        Err(Error::InvalidInput { field, .. }) => assert_eq!(field, "path"),
        other => panic!("{other:?}"),
    }
    let cases = [
        (
            root().join("no-such-plugin.so"),
            PluginOptions::default(),
            "does not exist",
        ),
        (
            root().join("Cargo.toml"),
            PluginOptions::default(),
            "could not be loaded",
        ),
        (
            plugin("no_entry"),
            PluginOptions::default(),
            "exports no racine_plugin_init",
        ),
        (
            plugin("racine_faulty_plugin"),
            faulty("wrong_abi"),
            "built for plugin ABI 99; this Racine speaks plugin ABI 1",
        ),
        (
            plugin("racine_faulty_plugin"),
            faulty("small_table"),
            "its table is 16 bytes",
        ),
        (
            plugin("racine_faulty_plugin"),
            faulty("init_error"),
            "refused to start: init_error",
        ),
    ];
    for (path, options, expected) in &cases {
        let (name, message) = plugin_error(db.load_plugin(path, options).unwrap_err());
        assert!(message.contains(expected), "{name}: {message}");
        let listed = state(&db, &name);
        assert_eq!(listed.state, PluginState::Failed);
        assert!(listed.error.unwrap().contains(expected));
    }
    // The database works on as before.
    let mug = db.create_item(&NewItem::new("MUG", "Mug")).unwrap().id;
    db.post(&Movement::receipt(mug, d("1"), d("1"))).unwrap();
    assert!(db.verify().unwrap().is_clean());
}

#[test]
fn a_failing_or_panicking_validator_refuses_writes_until_unloaded() {
    for mode in ["validate_error", "validate_panic"] {
        let db = Database::open_in_memory().unwrap();
        let mug = db.create_item(&NewItem::new("MUG", "Mug")).unwrap().id;
        db.load_plugin(plugin("racine_faulty_plugin"), &faulty(mode))
            .unwrap();
        let (name, message) = plugin_error(
            db.post(&Movement::receipt(mug, d("1"), d("1")))
                .unwrap_err(),
        );
        assert_eq!(name, "faulty");
        let cause = if mode == "validate_panic" {
            "panicked"
        } else {
            "returned -1"
        };
        assert!(
            message.contains(cause) && message.contains(mode),
            "{message}"
        );
        assert_eq!(state(&db, "faulty").state, PluginState::Failed);
        // Its rule cannot be checked: writes are refused, and say why.
        let (_, message) = plugin_error(
            db.post(&Movement::receipt(mug, d("1"), d("1")))
                .unwrap_err(),
        );
        assert!(message.contains("unload it"), "{message}");
        assert!(events(&db).is_empty());
        assert_eq!(db.stock(mug, None).unwrap().on_hand, Decimal::ZERO);

        db.unload_plugin("faulty").unwrap();
        assert!(db.plugins().unwrap().is_empty());
        db.post(&Movement::receipt(mug, d("1"), d("1"))).unwrap();
        assert!(db.verify().unwrap().is_clean());
    }
}

#[test]
fn a_failing_sink_keeps_its_events_for_the_next_load() {
    for mode in ["sink_error", "sink_panic"] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shop.db");
        let log = dir.path().join("events.jsonl");
        let mug = {
            let db = Database::open(&path).unwrap();
            db.load_plugin(plugin("racine_faulty_plugin"), &faulty(mode))
                .unwrap();
            let mug = db.create_item(&NewItem::new("MUG", "Mug")).unwrap().id;
            // The write is committed: the sink's failure is its own.
            db.post(&Movement::receipt(mug, d("2"), d("1"))).unwrap();
            let info = state(&db, "faulty");
            assert_eq!(info.state, PluginState::Failed);
            assert!(info.error.unwrap().contains(mode));
            assert_eq!(info.cursor, Some(0));
            db.post(&Movement::issue(mug, d("1"))).unwrap();
            let report = db.deliver_events().unwrap();
            assert!(report.plugins.is_empty(), "a failed sink is not called");
            mug
        };
        let db = Database::open(&path).unwrap();
        assert_eq!(db.stock(mug, None).unwrap().on_hand, d("1"));
        db.load_plugin(
            plugin("racine_faulty_plugin"),
            &options(json!({ "mode": "record", "path": log })),
        )
        .unwrap();
        let got = recorded_ids(&log);
        assert_eq!(got, [1, 2], "{mode}: both events, once each, in order");
    }
}

#[test]
fn an_exporter_receives_the_rows_of_the_built_in_exports() {
    let db = Database::open_in_memory().unwrap();
    db.load_plugin(plugin("racine_faulty_plugin"), &faulty("record"))
        .unwrap();
    let oak = db.create_item(&NewItem::new("00042", "Oak")).unwrap().id;
    db.post(&Movement::receipt(oak, d("10"), d("4.5")).note("=1+1"))
        .unwrap();
    db.post(&Movement::issue(oak, d("2.5")).reference("INV-1"))
        .unwrap();
    let sheets = vec![Dataset::Movements {
        filter: MovementFilter::default(),
    }
    .into()];
    let recorded = db
        .export_bytes(&Export {
            sheets: sheets.clone(),
            format: Format::Plugin,
            plugin: Some("faulty".into()),
            ..Export::default()
        })
        .unwrap();
    let lines: Vec<Value> = String::from_utf8(recorded)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let csv = Export {
        sheets,
        csv: CsvOptions {
            neutralise_formulas: Some(false),
            ..CsvOptions::default()
        },
        ..Export::csv(vec![])
    };
    let csv = String::from_utf8(db.export_bytes(&csv).unwrap()).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let titles: Vec<&str> = lines[0]["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c[0].as_str().unwrap())
        .collect();
    assert_eq!(lines[0]["table"], "Movements");
    assert_eq!(titles, header, "the same columns");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(lines.len() - 1, rows.len(), "the same rows");
    for (cells, row) in lines[1..].iter().zip(&rows) {
        for ((cell, text), title) in cells.as_array().unwrap().iter().zip(row).zip(&titles) {
            // Instants: UTC for the plugin, the business zone's offset in csv.
            if cell[0] == 4 {
                let a: jiff::Timestamp = cell[1].as_str().unwrap().parse().unwrap();
                let b: jiff::Timestamp = text.parse().unwrap();
                assert_eq!(a, b, "{title}");
            } else {
                assert_eq!(cell[1], text, "{title}");
            }
        }
    }
}

#[test]
fn a_panicking_exporter_fails_the_export_and_leaves_no_file() {
    let db = Database::open_in_memory().unwrap();
    db.load_plugin(plugin("racine_faulty_plugin"), &faulty("export_panic"))
        .unwrap();
    let mug = db.create_item(&NewItem::new("MUG", "Mug")).unwrap().id;
    db.post(&Movement::receipt(mug, d("2"), d("1"))).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.bin");
    let export = Export {
        sheets: vec![Dataset::Movements {
            filter: MovementFilter::default(),
        }
        .into()],
        format: Format::Plugin,
        plugin: Some("faulty".into()),
        ..Export::default()
    };
    let (_, message) = plugin_error(db.export(&export, &path).unwrap_err());
    assert!(
        message.contains("export_row panicked: panicked: export_panic"),
        "{message}"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

/// Runs this binary's `crash_child` in a child process, which loads the
/// recording sink with `kill`, commits one receipt, and is killed by its
/// sink during the delivery.
fn crash(db: &Path, log: &Path, kill: &str) {
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "crash_child",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("RACINE_CRASH_DB", db)
        .env("RACINE_CRASH_LOG", log)
        .env("RACINE_CRASH_KILL", kill)
        .env("RACINE_CRASH_PLUGIN", plugin("racine_faulty_plugin"))
        .output()
        .unwrap();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(
        out.status.signal(),
        Some(9),
        "the child must die by SIGKILL during delivery: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
#[ignore = "helper run by a_crash_between_commit_and_delivery_loses_nothing"]
fn crash_child() {
    let Ok(path) = std::env::var("RACINE_CRASH_DB") else {
        return;
    };
    let db = Database::open(&path).unwrap();
    let config = json!({
        "mode": "record",
        "path": std::env::var("RACINE_CRASH_LOG").unwrap(),
        "kill": std::env::var("RACINE_CRASH_KILL").unwrap(),
    });
    db.load_plugin(
        std::env::var("RACINE_CRASH_PLUGIN").unwrap(),
        &options(config),
    )
    .unwrap();
    let mug = db.create_item(&NewItem::new("MUG", "Mug")).unwrap().id;
    // Committed, then the delivery kills this process.
    db.post(&Movement::receipt(mug, d("3"), d("1"))).unwrap();
    unreachable!("the sink kills the process before this");
}

#[test]
fn a_crash_between_commit_and_delivery_loses_nothing() {
    // "before": killed before the sink handled the event: delivered once, on
    // the next load. "after": killed after it handled it but before the
    // cursor moved: delivered again (at least once), with the same id.
    for (kill, expected) in [("before", vec![1]), ("after", vec![1, 1])] {
        let dir = tempfile::tempdir().unwrap();
        let (path, log) = (dir.path().join("shop.db"), dir.path().join("events.jsonl"));
        crash(&path, &log, kill);
        let db = Database::open(&path).unwrap();
        assert_eq!(
            db.stock(ItemRef::Sku("MUG".into()), None).unwrap().on_hand,
            d("3"),
            "the write was committed"
        );
        db.load_plugin(
            plugin("racine_faulty_plugin"),
            &options(json!({ "mode": "record", "path": log })),
        )
        .unwrap();
        let ids = recorded_ids(&log);
        assert_eq!(ids, expected, "kill {kill}");
        assert!(recorded(&log)
            .iter()
            .all(|e| e["kind"] == "movement_recorded" && e["data"]["sku"] == "MUG"));
        // Delivered now: the next write's events come once.
        db.post(&Movement::issue(ItemRef::Sku("MUG".into()), d("1")))
            .unwrap();
        let ids = recorded_ids(&log);
        assert_eq!(ids.last(), Some(&2));
        assert_eq!(ids.len(), expected.len() + 1);
        drop(db);
        // A clean reopen redelivers nothing.
        let db = Database::open(&path).unwrap();
        db.load_plugin(
            plugin("racine_faulty_plugin"),
            &options(json!({ "mode": "record", "path": log })),
        )
        .unwrap();
        assert_eq!(recorded(&log).len(), expected.len() + 1);
        assert!(db.verify().unwrap().is_clean());
    }
}

#[test]
fn two_handles_with_the_same_sink_deliver_each_event_once() {
    // Two handles on one file are two connections, as two PHP-FPM workers
    // would be: the delivery's write lock keeps them from both sending.
    let dir = tempfile::tempdir().unwrap();
    let (path, log) = (dir.path().join("shop.db"), dir.path().join("events.jsonl"));
    let record = options(json!({ "mode": "record", "path": log }));
    let a = Database::open(&path).unwrap();
    let b = Database::open(&path).unwrap();
    a.load_plugin(plugin("racine_faulty_plugin"), &record)
        .unwrap();
    b.load_plugin(plugin("racine_faulty_plugin"), &record)
        .unwrap();
    let mug = a.create_item(&NewItem::new("MUG", "Mug")).unwrap().id;
    std::thread::scope(|s| {
        for db in [&a, &b] {
            s.spawn(move || {
                for _ in 0..25 {
                    db.post(&Movement::receipt(mug, d("1"), d("1"))).unwrap();
                }
            });
        }
    });
    a.deliver_events().unwrap();
    b.deliver_events().unwrap();
    let ids = recorded_ids(&log);
    assert_eq!(ids, (1..=50).collect::<Vec<_>>(), "each once, in order");
    // A sink gets each event exactly as the outbox shows it.
    let delivered = recorded(&log);
    let shown: Vec<Value> = a
        .outbox_events(&OutboxFilter::default())
        .unwrap()
        .items
        .iter()
        .map(|e| serde_json::to_value(e).unwrap())
        .collect();
    assert_eq!(delivered, shown);
    assert_eq!(
        state(&a, "faulty").delivered + state(&b, "faulty").delivered,
        50
    );
}
