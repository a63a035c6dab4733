//! The storage conformance suite (`tests/conformance`) against the SQLite
//! engine, and what only SQLite has: the file itself (append-only triggers,
//! reopening, schema versions).

mod conformance;

use racine::*;

/// SQLite: a private in-memory database, or a file in a temporary
/// directory that several connections open.
struct Sqlite;

impl conformance::Engine for Sqlite {
    fn open() -> Database {
        Database::open_in_memory().unwrap()
    }

    fn open_in(zone: &str) -> Database {
        Database::open_in_memory_with(&OpenOptions {
            time_zone: Some(zone.into()),
            ..OpenOptions::default()
        })
        .unwrap()
    }

    fn shared() -> conformance::Shared {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shared.db");
        conformance::Shared {
            keep: Box::new(dir),
            connect: Box::new(move || Database::open(&path).unwrap()),
        }
    }
}

type Under = Sqlite;

mod file {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn item(db: &Database, sku: &str, valuation: ValuationMethod) -> i64 {
        db.create_item(&NewItem {
            valuation,
            ..NewItem::new(sku, sku)
        })
        .unwrap()
        .id
    }

    /// The rules check every reference of the rows they write, so SQLite
    /// does not check them again on the hot tables; verify still proves
    /// them, and names a row that refers to nothing.
    #[test]
    fn verify_names_rows_that_refer_to_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shop.db");
        let db = Database::open(&path).unwrap();
        let a = item(&db, "A", ValuationMethod::MovingAverage);
        db.post(&Movement::receipt(a, d("1"), d("1"))).unwrap();
        assert!(db.verify().unwrap().is_clean());
        let raw = rusqlite::Connection::open(&path).unwrap();
        raw.execute(
            "INSERT INTO balances(item_id, warehouse_id, on_hand, reserved, value, rate)
             VALUES (999, 1, 0, 0, 0, 0)",
            [],
        )
        .unwrap();
        let report = db.verify().unwrap();
        assert!(!report.is_clean());
        assert_eq!(report.reference_drifts.len(), 1, "{report:?}");
        let drift = &report.reference_drifts[0];
        assert_eq!(
            (drift.table.as_str(), drift.row, drift.missing.as_str()),
            ("balances", 999, "item")
        );
    }

    #[test]
    fn ledger_rows_cannot_be_changed_and_verify_reports_tampering() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shop.db");
        let db = Database::open(&path).unwrap();
        let a = item(&db, "A", ValuationMethod::Fifo);
        db.post(&Movement::receipt(a, d("4"), d("2.5"))).unwrap();
        db.post(&Movement::issue(a, d("1"))).unwrap();
        let raw = rusqlite::Connection::open(&path).unwrap();
        let err = raw
            .execute("UPDATE movements SET quantity = 0", [])
            .unwrap_err();
        assert!(err.to_string().contains("append-only"));
        assert!(raw.execute("DELETE FROM movements", []).is_err());
        raw.execute("UPDATE balances SET on_hand = on_hand + 1000000", [])
            .unwrap();
        let report = db.verify().unwrap();
        assert!(!report.is_clean());
        assert_eq!(report.drifts[0].field, "on_hand");
        assert_eq!(report.drifts[0].expected, d("3"));
        assert_eq!(report.drifts[0].found, d("4"));
        assert_eq!(report.movements_checked, 2);
    }

    #[test]
    fn reopening_keeps_settings_and_a_newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shop.db");
        {
            let db = Database::open_with(
                &path,
                &OpenOptions {
                    time_zone: Some("Europe/Paris".into()),
                    ..Default::default()
                },
            )
            .unwrap();
            assert_eq!(db.time_zone().iana_name(), Some("Europe/Paris"));
            item(&db, "A", ValuationMethod::Fifo);
        }
        let db = Database::open(&path).unwrap();
        assert_eq!(db.time_zone().iana_name(), Some("Europe/Paris"));
        assert_eq!(db.item_by_sku("A").unwrap().sku, "A");
        assert_eq!(db.schema_version().unwrap(), SCHEMA_VERSION);
        drop(db);
        let raw = rusqlite::Connection::open(&path).unwrap();
        raw.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        drop(raw);
        let err = Database::open(&path).unwrap_err();
        assert!(
            matches!(err, Error::SchemaTooNew { found, supported } if found == SCHEMA_VERSION + 1 && supported == SCHEMA_VERSION)
        );
        let err = Database::open_in_memory_with(&OpenOptions {
            time_zone: Some("Mars/Olympus".into()),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput);
    }

    #[test]
    fn verify_checks_idempotency_records_against_what_they_answered_for() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shop.db");
        let db = Database::open(&path).unwrap();
        let a = item(&db, "A", ValuationMethod::Fifo);
        db.post_once(&Movement::receipt(a, d("10"), d("2")), "receipt-1")
            .unwrap();
        let batch = [Movement::issue(a, d("1")), Movement::issue(a, d("2"))];
        db.post_batch_once(&batch, "batch-1").unwrap();
        // A count that matched writes no movement: its record is still sound.
        db.post_once(&Movement::count(a, d("7")), "count-1")
            .unwrap();
        let order = NewOrder {
            external_id: "1042".into(),
            customer: Customer::default(),
            currency: "EUR".into(),
            lines: vec![NewOrderLine {
                sku: "A".into(),
                quantity: d("2"),
                unit_price: d("9.90"),
                warehouse: None,
            }],
            placed_at: None,
            expires_at: None,
            create_contact: false,
        };
        db.place_order(&order, Some("order-placed")).unwrap();
        db.pay_order("1042", Some("order-paid")).unwrap();
        db.fulfil_order(
            "1042",
            Some(&[FulfilLine {
                line: 1,
                quantity: d("2"),
            }]),
            Some("order-shipped"),
        )
        .unwrap();
        let report = db.verify().unwrap();
        assert!(report.is_clean(), "{:?}", report.key_drifts);
        assert_eq!(report.records_checked, 6);

        let raw = rusqlite::Connection::open(&path).unwrap();
        let problems = |db: &Database| -> Vec<(String, Option<String>, String)> {
            db.verify()
                .unwrap()
                .key_drifts
                .into_iter()
                .map(|k| (k.key, k.operation, k.problem))
                .collect()
        };
        // A deleted record: the receipt would be applied again on a retry.
        raw.execute("DELETE FROM idempotency WHERE key = 'receipt-1'", [])
            .unwrap();
        let found = problems(&db);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            (found[0].0.as_str(), found[0].1.as_deref()),
            ("receipt-1", None)
        );
        assert!(
            found[0].2.contains("no idempotency record"),
            "{}",
            found[0].2
        );

        // An altered result: a retry would answer with a forged movement.
        raw.execute(
            "UPDATE idempotency SET result = json_set(result, '$.movements[1].note', 'forged')
             WHERE key = 'batch-1'",
            [],
        )
        .unwrap();
        // A result that points to other rows, and a request that is not JSON.
        raw.execute(
            "UPDATE idempotency SET result = json_set(result, '$.events', json('[]'))
             WHERE key = 'order-paid'",
            [],
        )
        .unwrap();
        raw.execute(
            "UPDATE idempotency SET request = '{broken' WHERE key = 'order-shipped'",
            [],
        )
        .unwrap();
        let found = problems(&db);
        let by_key = |key: &str| {
            found
                .iter()
                .find(|f| f.0 == key)
                .unwrap_or_else(|| panic!("{key} not reported: {found:?}"))
                .2
                .clone()
        };
        assert!(by_key("batch-1").contains("differs from the stored movement"));
        assert!(by_key("order-paid").contains("order events {} under the key"));
        assert!(by_key("order-shipped").contains("request is not valid JSON"));
        assert_eq!(found.len(), 4, "{found:?}");
        let report = db.verify().unwrap();
        assert!(!report.is_clean());
        assert_eq!(report.drift_count, 4);
    }
}
