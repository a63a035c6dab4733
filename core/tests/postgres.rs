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
            assert_eq!(h.join().unwrap().unwrap().unwrap(), SCHEMA_VERSION);
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
