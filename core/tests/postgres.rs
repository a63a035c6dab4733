//! The storage conformance suite (`tests/conformance`) against the
//! PostgreSQL engine, and what only PostgreSQL has: connection strings,
//! server errors, migrations under a lock.

mod conformance;
#[path = "support/postgres_server.rs"]
mod server;

use racine::*;

/// PostgreSQL: each database a schema of its own on the test server.
struct Postgres;

impl conformance::Engine for Postgres {
    fn open() -> Database {
        Database::open(server::fresh_database()).unwrap()
    }

    fn open_in(zone: &str) -> Database {
        Database::open_with(
            server::fresh_database(),
            &OpenOptions {
                time_zone: Some(zone.into()),
                ..OpenOptions::default()
            },
        )
        .unwrap()
    }

    /// A third of the random cases: the rules they check are the same on
    /// both engines (SQLite runs them all); here they prove the SQL.
    fn cases(default: u32) -> u32 {
        default.div_ceil(3)
    }

    fn shared() -> conformance::Shared {
        let url = server::fresh_database();
        conformance::Shared {
            keep: Box::new(()),
            connect: Box::new(move || Database::open(&url).unwrap()),
        }
    }
}

type Under = Postgres;

mod server_only {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn connection_strings_open_postgres_and_paths_open_sqlite() {
        let db = Database::open(server::fresh_database()).unwrap();
        assert_eq!(db.path(), None, "no file: the string may carry a password");
        assert_eq!(db.schema_version().unwrap(), SCHEMA_VERSION);
        assert_eq!(db.default_warehouse().unwrap().code, "MAIN");
    }

    #[test]
    fn a_server_that_cannot_be_reached_is_a_storage_error_naming_it() {
        // Port 9 on loopback: nothing listens there.
        let err =
            Database::open("postgres://racine@127.0.0.1:9/postgres?connect_timeout=2").unwrap_err();
        assert_eq!(err.code(), ErrorCode::Storage, "{err}");
        let message = err.to_string();
        assert!(
            message.contains("cannot reach the PostgreSQL server at 127.0.0.1:9"),
            "{message}"
        );
    }

    #[test]
    fn a_database_that_does_not_exist_is_a_storage_error_saying_so() {
        let url = server::server().replace("/postgres", "/no_such_shop");
        let err = Database::open(&url).unwrap_err();
        assert_eq!(err.code(), ErrorCode::Storage, "{err}");
        assert!(err.to_string().contains("does not exist"), "{err}");
    }

    #[test]
    fn a_search_path_naming_no_schema_is_a_storage_error_saying_so() {
        let err = Database::open(server::in_schema("nowhere_at_all")).unwrap_err();
        assert_eq!(err.code(), ErrorCode::Storage, "{err}");
        assert!(err.to_string().contains("search_path"), "{err}");
    }

    #[test]
    fn a_newer_schema_is_refused_and_left_alone() {
        let url = server::fresh_database();
        drop(Database::open(&url).unwrap());
        let mut raw = server::raw(&url);
        raw.execute(
            "UPDATE racine_schema SET version = $1",
            &[&(SCHEMA_VERSION + 1)],
        )
        .unwrap();
        let err = Database::open(&url).unwrap_err();
        assert!(
            matches!(err, Error::SchemaTooNew { found, supported } if found == SCHEMA_VERSION + 1 && supported == SCHEMA_VERSION),
            "{err:?}"
        );
        let version: i64 = raw
            .query_one("SELECT version FROM racine_schema", &[])
            .unwrap()
            .get(0);
        assert_eq!(version, SCHEMA_VERSION + 1);
    }

    /// App servers starting at once: one migrates, the others wait for its
    /// lock and find the schema done; one default warehouse in the end.
    #[test]
    fn several_openers_at_once_migrate_once() {
        let url = server::fresh_database();
        let handles: Vec<_> = (0..6)
            .map(|_| {
                let url = url.clone();
                std::thread::spawn(move || Database::open(&url).map(|db| db.schema_version()))
            })
            .collect();
        for h in handles {
            let opened = h.join().unwrap();
            let version = opened.unwrap_or_else(|e| panic!("open: {e} ({e:?})"));
            assert_eq!(version.unwrap(), SCHEMA_VERSION);
        }
        let db = Database::open(&url).unwrap();
        let all = db.warehouses(&WarehouseFilter::default()).unwrap();
        assert_eq!(all.items.len(), 1, "{all:?}");
    }

    /// Eight connections take the last units of one item at once: exactly
    /// the stock is sold, never more, and the ledger agrees with the balance.
    #[test]
    fn concurrent_connections_never_oversell() {
        let url = server::fresh_database();
        let db = Database::open(&url).unwrap();
        let item = db
            .create_item(&NewItem::new("LAST", "Last units"))
            .unwrap()
            .id;
        db.post(&Movement::receipt(item, d("40"), d("2"))).unwrap();
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let url = url.clone();
                std::thread::spawn(move || {
                    let db = Database::open(&url).unwrap();
                    let mut sold = 0;
                    for i in 0..10 {
                        let key = format!("sale-{t}-{i}");
                        match db.post_once(&Movement::issue(item, d("1")), &key) {
                            Ok(_) => sold += 1,
                            Err(Error::NegativeStock { .. }) => {}
                            Err(e) => panic!("{e}"),
                        }
                    }
                    sold
                })
            })
            .collect();
        let sold: i32 = threads.into_iter().map(|t| t.join().unwrap()).sum();
        assert_eq!(sold, 40);
        assert_eq!(db.stock(item, None).unwrap().on_hand, Decimal::ZERO);
        assert!(db.verify().unwrap().is_clean());
    }
}

/// Stock writes (postings, orders, purchase receipts) lock only what they
/// touch and run side by side: what the engine promises then.
mod stock_writes_side_by_side {
    use super::*;
    use std::sync::{Arc, Barrier};

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn order(id: &str, lines: &[(&str, u32)]) -> NewOrder {
        NewOrder {
            external_id: id.into(),
            customer: Customer::default(),
            currency: "EUR".into(),
            lines: lines
                .iter()
                .map(|(sku, q)| NewOrderLine {
                    sku: sku.to_string(),
                    quantity: q.to_string().parse().unwrap(),
                    unit_price: d("5"),
                    warehouse: None,
                })
                .collect(),
            placed_at: None,
            expires_at: None,
            create_contact: false,
        }
    }

    /// A small deterministic generator, so that a failure can be replayed.
    fn next(seed: &mut u64) -> u64 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    }

    /// Eight connections place multi-line orders naming the same four
    /// items in every order, then fulfil or cancel them at random: no
    /// deadlock reaches a caller, nothing is oversold, each item's reserved
    /// stock is what its open reservations hold, and `verify` is clean.
    #[test]
    fn multi_line_orders_in_any_order_neither_deadlock_nor_oversell() {
        let url = server::fresh_database();
        let db = Database::open(&url).unwrap();
        let skus = ["A", "B", "C", "D"];
        for sku in skus {
            let id = db.create_item(&NewItem::new(sku, sku)).unwrap().id;
            db.post(&Movement::receipt(id, d("60"), d("2"))).unwrap();
        }
        let start = Arc::new(Barrier::new(8));
        let threads: Vec<_> = (0..8u64)
            .map(|t| {
                let (url, start) = (url.clone(), start.clone());
                std::thread::spawn(move || {
                    let db = Database::open(&url).unwrap();
                    let mut seed = 0x9e37_79b9_7f4a_7c15 ^ (t + 1);
                    let mut placed = Vec::new();
                    start.wait();
                    for i in 0..12 {
                        let n = 2 + next(&mut seed) % 3;
                        let lines: Vec<(&str, u32)> = (0..n)
                            .map(|_| {
                                (
                                    skus[(next(&mut seed) % 4) as usize],
                                    1 + (next(&mut seed) % 3) as u32,
                                )
                            })
                            .collect();
                        let id = format!("O-{t}-{i}");
                        match db.place_order(&order(&id, &lines), Some(&format!("place-{id}"))) {
                            Ok(_) => placed.push(id),
                            Err(Error::InsufficientAvailable { .. }) => {}
                            Err(e) => panic!("placing {id}: {e}"),
                        }
                    }
                    for id in &placed {
                        let outcome = if next(&mut seed) % 2 == 0 {
                            db.fulfil_order(id, None, None)
                        } else {
                            db.cancel_order(id, None)
                        };
                        outcome.unwrap_or_else(|e| panic!("{id}: {e}"));
                    }
                    placed.len()
                })
            })
            .collect();
        let placed: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
        assert!(placed > 0);
        for sku in skus {
            let level = db.stock(sku, None).unwrap();
            assert!(!level.on_hand.is_negative(), "{sku}: {level:?}");
            assert_eq!(level.reserved, Decimal::ZERO, "{sku}: every order ended");
        }
        let report = db.verify().unwrap();
        assert!(report.is_clean(), "{report:?}");
    }

    /// The same request under one key from eight connections at once runs
    /// once: every caller gets the first one's order.
    #[test]
    fn one_key_from_eight_connections_applies_once() {
        let url = server::fresh_database();
        let db = Database::open(&url).unwrap();
        let mug = db.create_item(&NewItem::new("MUG", "Mug")).unwrap().id;
        db.post(&Movement::receipt(mug, d("5"), d("2"))).unwrap();
        let start = Arc::new(Barrier::new(8));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (url, start) = (url.clone(), start.clone());
                std::thread::spawn(move || {
                    let db = Database::open(&url).unwrap();
                    start.wait();
                    db.place_order(&order("WEB-1", &[("MUG", 2)]), Some("checkout-1"))
                        .unwrap()
                })
            })
            .collect();
        let results: Vec<Order> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        assert!(results.iter().all(|o| *o == results[0]), "{results:?}");
        let level = db.stock(mug, None).unwrap();
        assert_eq!((level.on_hand, level.reserved), (d("5"), d("2")));
        assert_eq!(db.orders(&OrderFilter::default()).unwrap().items.len(), 1);
    }

    /// Sixteen issues from two warehouses take an item's total from 20 to
    /// 4 across its reorder point of 10: the crossing is seen exactly once,
    /// although the issues of either warehouse run beside each other.
    #[test]
    fn the_reorder_point_is_crossed_once_across_warehouses() {
        let url = server::fresh_database();
        let db = Database::open(&url).unwrap();
        let second = db
            .create_warehouse(&NewWarehouse {
                code: "SECOND".into(),
                name: "Second".into(),
                is_default: false,
            })
            .unwrap()
            .id;
        let pen = db
            .create_item(&NewItem {
                reorder_point: Some(d("10")),
                ..NewItem::new("PEN", "Pen")
            })
            .unwrap()
            .id;
        db.post(&Movement::receipt(pen, d("10"), d("1"))).unwrap();
        db.post(&Movement::receipt(pen, d("10"), d("1")).warehouse(second))
            .unwrap();
        let start = Arc::new(Barrier::new(8));
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let (url, start) = (url.clone(), start.clone());
                std::thread::spawn(move || {
                    let db = Database::open(&url).unwrap();
                    start.wait();
                    for _ in 0..2 {
                        let issue = Movement::issue(pen, d("1"));
                        let issue = if t % 2 == 0 {
                            issue
                        } else {
                            issue.warehouse(second)
                        };
                        db.post(&issue).unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let alerts = db
            .outbox_events(&OutboxFilter {
                kinds: vec![EventKind::StockBelowReorderPoint],
                page: PageRequest::first(100),
            })
            .unwrap();
        assert_eq!(alerts.items.len(), 1, "{alerts:?}");
        assert_eq!(db.stock(pen, None).unwrap().on_hand, d("4"));
        assert!(db.verify().unwrap().is_clean());
    }

    /// Six connections post to six items at once while a consumer follows
    /// the outbox: ids are handed out before the commits, which land in
    /// any order, yet the consumer's cursor never passes an event that
    /// commits later. It sees every event once, in id order.
    #[test]
    fn an_outbox_cursor_never_passes_an_event_that_commits_later() {
        let url = server::fresh_database();
        let db = Database::open(&url).unwrap();
        let items: Vec<i64> = (0..6)
            .map(|i| {
                db.create_item(&NewItem::new(format!("I{i}"), "Item"))
                    .unwrap()
                    .id
            })
            .collect();
        db.outbox_subscribe("follower", OutboxStart::End).unwrap();
        let writing = Arc::new(std::sync::atomic::AtomicUsize::new(items.len()));
        let writers: Vec<_> = items
            .iter()
            .map(|&item| {
                let (url, writing) = (url.clone(), writing.clone());
                std::thread::spawn(move || {
                    let db = Database::open(&url).unwrap();
                    for _ in 0..40 {
                        db.post(&Movement::receipt(item, d("1"), d("1"))).unwrap();
                    }
                    writing.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
                })
            })
            .collect();
        let mut seen = Vec::new();
        loop {
            let done = writing.load(std::sync::atomic::Ordering::SeqCst) == 0;
            let batch = db.outbox_poll("follower", 50).unwrap();
            if let Some(last) = batch.events.last() {
                seen.extend(batch.events.iter().map(|e| e.id));
                db.outbox_ack("follower", last.id).unwrap();
            } else if done {
                break;
            }
        }
        for w in writers {
            w.join().unwrap();
        }
        let all: Vec<i64> = db
            .outbox_events(&OutboxFilter {
                kinds: vec![],
                page: PageRequest::first(1000),
            })
            .unwrap()
            .items
            .iter()
            .map(|e| e.id)
            .collect();
        assert_eq!(all.len(), 240);
        assert_eq!(seen, all, "the follower missed or repeated an event");
    }

    /// A stock write waits only for the items it touches: with one item's
    /// row held by another transaction, another item's posting goes
    /// through, and a posting of the held item gives up as `busy` after
    /// the busy timeout.
    #[test]
    fn a_stock_write_waits_only_for_its_own_items() {
        let url = server::fresh_database();
        let db = Database::open_with(
            &url,
            &OpenOptions {
                busy_timeout_ms: 300,
                ..OpenOptions::default()
            },
        )
        .unwrap();
        let held = db.create_item(&NewItem::new("HELD", "Held")).unwrap().id;
        let free = db.create_item(&NewItem::new("FREE", "Free")).unwrap().id;
        let mut other = server::raw(&url);
        let mut tx = other.transaction().unwrap();
        tx.execute("SELECT 1 FROM items WHERE id = $1 FOR UPDATE", &[&held])
            .unwrap();
        db.post(&Movement::receipt(free, d("1"), d("1"))).unwrap();
        assert!(matches!(
            db.post(&Movement::receipt(held, d("1"), d("1"))),
            Err(Error::Busy)
        ));
        tx.rollback().unwrap();
        db.post(&Movement::receipt(held, d("1"), d("1"))).unwrap();
        assert_eq!(db.stock(held, None).unwrap().on_hand, d("1"));
    }
}

mod behind_a_transaction_pooler {
    use super::*;

    /// With `pooled`, every statement goes out unnamed: the same results.
    #[test]
    fn unnamed_statements_give_the_same_results() {
        let db = Database::open_with(
            server::fresh_database(),
            &OpenOptions {
                pooled: true,
                ..OpenOptions::default()
            },
        )
        .unwrap();
        let oak = db.create_item(&NewItem::new("OAK", "Oak")).unwrap().id;
        db.post(&Movement::receipt(
            oak,
            "10".parse().unwrap(),
            "3".parse().unwrap(),
        ))
        .unwrap();
        db.post_once(&Movement::issue(oak, "4".parse().unwrap()), "sale-1")
            .unwrap();
        db.post_once(&Movement::issue(oak, "4".parse().unwrap()), "sale-1")
            .unwrap();
        let stock = db.stock(oak, None).unwrap();
        assert_eq!(stock.on_hand.to_string(), "6");
        assert_eq!(stock.value.to_string(), "18");
        let history = db.movements(&MovementFilter::default()).unwrap();
        assert_eq!(history.items.len(), 2);
        assert!(db.verify().unwrap().is_clean());
    }
}
