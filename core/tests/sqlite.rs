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
}
