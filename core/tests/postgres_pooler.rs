//! Racine behind a real pgbouncer (Debian's 1.18), started by
//! `scripts/pg-cluster pooler` in front of the test server, with fewer
//! server connections than handles:
//!
//! - **transaction mode**, opened with `{"pooled": true}`: 8 handles share
//!   the 2 server connections transaction by transaction. Orders race for
//!   the last units under overlapping idempotency keys, an outbox cursor
//!   follows, master data changes midway: nothing is oversold, every key
//!   has one outcome, no error reaches a caller, `verify` is clean;
//! - **session mode**, with the defaults (prepared statements): the same.
//!
//! A pooler passes no `options` to the server, so each test's ledger is a
//! database of its own (a schema would be chosen on the server, with
//! `ALTER ROLE … SET search_path`).

#[path = "support/postgres_server.rs"]
mod server;

use std::process::{Command, Stdio};

use racine::*;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// A pgbouncer of this test's own, stopped (and its folder removed) on drop.
struct Pooler {
    dir: tempfile::TempDir,
    url: String,
}

impl Pooler {
    /// pgbouncer in `mode`, with `pool` server connections, in front of a
    /// new database `name` of the test server; the connection string that
    /// reaches it through the pooler.
    fn start(mode: &str, name: &str, pool: usize) -> Pooler {
        let config: postgres::Config = server::server().parse().unwrap();
        let server_port = config.get_ports().first().copied().unwrap_or(5432);
        let mut admin = postgres::Client::connect(server::server(), postgres::NoTls).unwrap();
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
            .unwrap();
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        let dir = tempfile::Builder::new()
            .prefix("racine-pooler")
            .tempdir_in("/tmp")
            .unwrap();
        // Its folder is the server user's when run as root.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let out = Command::new(format!("{ROOT}/scripts/pg-cluster"))
            .arg("pooler")
            .arg(dir.path().join("pgbouncer"))
            .arg("auto")
            .arg(server_port.to_string())
            .arg(mode)
            .arg(pool.to_string())
            .stderr(Stdio::inherit())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "pgbouncer did not start (.ci/run installs it)"
        );
        let url = String::from_utf8(out.stdout).unwrap().trim().to_string();
        Pooler {
            url: url.replace("/postgres", &format!("/{name}")),
            dir,
        }
    }

    /// How many server connections pgbouncer opened to the server.
    fn server_logins(&self) -> usize {
        let log = std::fs::read_to_string(self.dir.path().join("pgbouncer/pgbouncer.log"))
            .unwrap_or_default();
        log.matches("new connection to server").count()
    }
}

impl Drop for Pooler {
    fn drop(&mut self) {
        let _ = Command::new(format!("{ROOT}/scripts/pg-cluster"))
            .arg("stop")
            .arg(self.dir.path().join("pgbouncer"))
            .status();
    }
}

fn order(external_id: &str, sku: &str) -> NewOrder {
    NewOrder {
        external_id: external_id.into(),
        customer: Customer::default(),
        currency: "EUR".into(),
        lines: vec![NewOrderLine {
            sku: sku.into(),
            quantity: d("1"),
            unit_price: d("5"),
            warehouse: None,
        }],
        placed_at: None,
        expires_at: None,
        create_contact: false,
    }
}

/// `clients` handles (and one that checks) through the pooler place orders for the last 12 units
/// of 2 items, keys overlapping between clients; one client edits master
/// data midway. Then every invariant is checked.
fn race_for_the_last_units(url: &str, options: &OpenOptions, clients: usize) {
    let db = Database::open_with(url, options).unwrap();
    for sku in ["LAST-A", "LAST-B"] {
        let id = db.create_item(&NewItem::new(sku, sku)).unwrap().id;
        db.post(&Movement::receipt(id, d("6"), d("2"))).unwrap();
    }
    db.outbox_subscribe("follower", OutboxStart::Beginning)
        .unwrap();
    let placed: Vec<Vec<(String, i64)>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..clients)
            .map(|c| {
                s.spawn(move || {
                    let db = Database::open_with(url, options).unwrap();
                    let mut mine = Vec::new();
                    for i in 0..16 {
                        // Neighbouring clients send the same key for the same order.
                        let n = (c / 2) * 16 + i;
                        let (id, sku) = (format!("o-{n}"), ["LAST-A", "LAST-B"][n % 2]);
                        match db.place_order(&order(&id, sku), Some(&format!("k-{n}"))) {
                            Ok(o) => mine.push((id, o.id)),
                            Err(Error::InsufficientAvailable { .. }) => {}
                            Err(e) => panic!("client {c}, order {id}: {e:?}"),
                        }
                        if c == 0 && i == 5 {
                            let changes = ItemChanges {
                                name: Some("Last units (A)".into()),
                                ..ItemChanges::default()
                            };
                            db.update_item("LAST-A", &changes).unwrap();
                        }
                    }
                    mine
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    // A key has one outcome: clients that shared it got the same order.
    let mut by_key = std::collections::BTreeMap::new();
    for (id, order) in placed.into_iter().flatten() {
        assert_eq!(*by_key.entry(id.clone()).or_insert(order), order, "{id}");
    }
    assert_eq!(by_key.len(), 12, "exactly the stock is sold: {by_key:?}");
    for sku in ["LAST-A", "LAST-B"] {
        let stock = db.stock(sku, None).unwrap();
        assert_eq!((stock.reserved, stock.available), (d("6"), d("0")), "{sku}");
    }
    assert_eq!(db.item("LAST-A").unwrap().name, "Last units (A)");
    // The follower sees the 2 receipts, the 12 orders and the reorder-free
    // item change, each once.
    let mut seen = Vec::new();
    loop {
        let batch = db.outbox_poll("follower", 100).unwrap();
        let Some(last) = batch.events.last().map(|e| e.id) else {
            break;
        };
        seen.extend(batch.events.iter().map(|e| e.id));
        db.outbox_ack("follower", last).unwrap();
    }
    let mut unique = seen.clone();
    unique.dedup();
    assert_eq!(unique, seen, "once each, in order");
    let kinds: Vec<String> = db
        .outbox_events(&OutboxFilter::default())
        .unwrap()
        .items
        .iter()
        .map(|e| e.kind.as_str().to_string())
        .collect();
    assert_eq!(seen.len(), kinds.len(), "{kinds:?}");
    assert_eq!(
        kinds.iter().filter(|k| *k == "order_event_applied").count(),
        12
    );
    assert!(db.verify().unwrap().is_clean());
}

#[test]
fn behind_pgbouncer_in_transaction_mode_with_pooled() {
    let name = format!("pooler_tx_{}", std::process::id());
    let pooler = Pooler::start("transaction", &name, 2);
    let options = OpenOptions {
        pooled: true,
        ..OpenOptions::default()
    };
    race_for_the_last_units(&pooler.url, &options, 8);
    assert!(
        pooler.server_logins() <= 2,
        "8 handles shared the pool's 2 server connections"
    );
    drop(pooler);
    let _ = postgres::Client::connect(server::server(), postgres::NoTls)
        .and_then(|mut c| c.batch_execute(&format!("DROP DATABASE IF EXISTS {name}")));
}

#[test]
fn behind_pgbouncer_in_session_mode() {
    let name = format!("pooler_session_{}", std::process::id());
    // Session mode gives each client a server connection for its whole
    // session: the checking handle and 2 clients for a pool of 3.
    let pooler = Pooler::start("session", &name, 3);
    race_for_the_last_units(&pooler.url, &OpenOptions::default(), 2);
    drop(pooler);
    let _ = postgres::Client::connect(server::server(), postgres::NoTls)
        .and_then(|mut c| c.batch_execute(&format!("DROP DATABASE IF EXISTS {name}")));
}
