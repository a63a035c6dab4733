//! The schema and its migrations, versioned with `PRAGMA user_version`.
//!
//! Each entry of [`MIGRATIONS`] takes the schema from version `i` to `i + 1`.
//! Entries are only ever appended; a released entry never changes. The
//! `CHECK (kind IN …)` and `CHECK (valuation IN …)` of version 1 guard names
//! declared once in Rust (`closed_set!`); a test in `store/sqlite/mod.rs`
//! keeps them in agreement.

use rusqlite::Connection;

use super::SqlResult;
use crate::error::Error;

/// Schema version this library writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

const MIGRATIONS: &[&str] = &[
    // 1: master data, the append-only ledger, balances, cost layers,
    //    idempotency records and purchases.
    r#"
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE warehouses (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX warehouses_single_default ON warehouses(is_default) WHERE is_default = 1;

CREATE TABLE items (
    id             INTEGER PRIMARY KEY,
    sku            TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    unit           TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('material', 'product')),
    valuation      TEXT NOT NULL CHECK (valuation IN ('fifo', 'lifo', 'moving_average')),
    reorder_point  INTEGER,
    allow_negative INTEGER NOT NULL CHECK (allow_negative IN (0, 1)),
    active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);

CREATE TABLE suppliers (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    email      TEXT,
    phone      TEXT,
    notes      TEXT,
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE purchase_orders (
    id          INTEGER PRIMARY KEY,
    supplier_id INTEGER NOT NULL REFERENCES suppliers(id),
    reference   TEXT NOT NULL UNIQUE,
    status      TEXT NOT NULL,
    note        TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE TABLE purchase_lines (
    id           INTEGER PRIMARY KEY,
    order_id     INTEGER NOT NULL REFERENCES purchase_orders(id),
    item_id      INTEGER NOT NULL REFERENCES items(id),
    warehouse_id INTEGER NOT NULL REFERENCES warehouses(id),
    quantity     INTEGER NOT NULL CHECK (quantity > 0),
    unit_cost    INTEGER NOT NULL CHECK (unit_cost >= 0),
    received     INTEGER NOT NULL DEFAULT 0,
    cancelled    INTEGER NOT NULL DEFAULT 0,
    CHECK (received + cancelled <= quantity)
);
CREATE INDEX purchase_lines_order ON purchase_lines(order_id);

-- The ledger. Rows are never updated or deleted (see the triggers below):
-- a correction is a new movement.
CREATE TABLE movements (
    id               INTEGER PRIMARY KEY,
    item_id          INTEGER NOT NULL REFERENCES items(id),
    warehouse_id     INTEGER NOT NULL REFERENCES warehouses(id),
    quantity         INTEGER NOT NULL,
    reason           TEXT NOT NULL,
    unit_cost        INTEGER,
    value_change     INTEGER NOT NULL,
    inbound_value    INTEGER,
    balance_after    INTEGER NOT NULL,
    value_after      INTEGER NOT NULL,
    effective_at     INTEGER NOT NULL,
    recorded_at      INTEGER NOT NULL,
    actor            TEXT,
    reference        TEXT,
    note             TEXT,
    idempotency_key  TEXT,
    transfer_id      INTEGER,
    purchase_line_id INTEGER REFERENCES purchase_lines(id)
);
CREATE INDEX movements_by_stock ON movements(item_id, warehouse_id, effective_at);
CREATE INDEX movements_by_reference ON movements(reference) WHERE reference IS NOT NULL;

CREATE TRIGGER movements_are_append_only_update BEFORE UPDATE ON movements
BEGIN SELECT RAISE(ABORT, 'movements are append-only: post a correcting movement'); END;
CREATE TRIGGER movements_are_append_only_delete BEFORE DELETE ON movements
BEGIN SELECT RAISE(ABORT, 'movements are append-only: post a correcting movement'); END;

-- Running state per item x warehouse, updated in the movement's transaction.
CREATE TABLE balances (
    item_id      INTEGER NOT NULL REFERENCES items(id),
    warehouse_id INTEGER NOT NULL REFERENCES warehouses(id),
    on_hand      INTEGER NOT NULL,
    reserved     INTEGER NOT NULL DEFAULT 0,
    value        INTEGER NOT NULL,
    rate         INTEGER NOT NULL,
    -- Open FIFO / LIFO layers, oldest first: (quantity, value) pairs as
    -- little-endian i64 millionths. Empty for moving average.
    layers       BLOB NOT NULL DEFAULT x'',
    PRIMARY KEY (item_id, warehouse_id)
) WITHOUT ROWID;

CREATE TABLE idempotency (
    key        TEXT PRIMARY KEY,
    operation  TEXT NOT NULL,
    request    TEXT NOT NULL,
    result     TEXT NOT NULL,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;
"#,
    // 2: orders keyed by the host application's id, their lines, two-phase
    //    reservations, the event log, and movements linked to them.
    r#"
CREATE TABLE orders (
    id                   INTEGER PRIMARY KEY,
    external_id          TEXT NOT NULL UNIQUE,
    customer_external_id TEXT,
    customer_email       TEXT,
    customer_name        TEXT,
    currency             TEXT NOT NULL,
    status               TEXT NOT NULL,
    paid                 INTEGER NOT NULL DEFAULT 0 CHECK (paid IN (0, 1)),
    total                INTEGER NOT NULL,
    placed_at            INTEGER NOT NULL,
    expires_at           INTEGER,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL
);
CREATE INDEX orders_expiring ON orders(expires_at) WHERE status = 'placed' AND expires_at IS NOT NULL;

CREATE TABLE order_lines (
    id           INTEGER PRIMARY KEY,
    order_id     INTEGER NOT NULL REFERENCES orders(id),
    line_no      INTEGER NOT NULL,
    item_id      INTEGER NOT NULL REFERENCES items(id),
    warehouse_id INTEGER NOT NULL REFERENCES warehouses(id),
    quantity     INTEGER NOT NULL CHECK (quantity > 0),
    unit_price   INTEGER NOT NULL CHECK (unit_price >= 0),
    -- Issued and not come back yet, and the exact value that left with it.
    out_quantity INTEGER NOT NULL DEFAULT 0,
    out_value    INTEGER NOT NULL DEFAULT 0,
    fulfilled    INTEGER NOT NULL DEFAULT 0,
    returned     INTEGER NOT NULL DEFAULT 0,
    restocked    INTEGER NOT NULL DEFAULT 0,
    UNIQUE (order_id, line_no)
);

CREATE TABLE reservations (
    id            INTEGER PRIMARY KEY,
    order_line_id INTEGER NOT NULL REFERENCES order_lines(id),
    item_id       INTEGER NOT NULL,
    warehouse_id  INTEGER NOT NULL,
    quantity      INTEGER NOT NULL CHECK (quantity > 0),
    pending       INTEGER NOT NULL CHECK (pending >= 0),
    status        TEXT NOT NULL,
    expires_at    INTEGER,
    created_at    INTEGER NOT NULL,
    resolved_at   INTEGER
);
CREATE INDEX reservations_by_line ON reservations(order_line_id);

CREATE TABLE order_events (
    id              INTEGER PRIMARY KEY,
    order_id        INTEGER NOT NULL REFERENCES orders(id),
    kind            TEXT NOT NULL,
    status_after    TEXT NOT NULL,
    idempotency_key TEXT,
    detail          TEXT,
    at              INTEGER NOT NULL
);
CREATE INDEX order_events_by_order ON order_events(order_id, id);

ALTER TABLE movements ADD COLUMN order_id INTEGER;
ALTER TABLE movements ADD COLUMN order_event_id INTEGER;
CREATE INDEX movements_by_order ON movements(order_id) WHERE order_id IS NOT NULL;
"#,
    // 3: open FIFO / LIFO layers move out of the balance row into a table of
    //    their own, so that the balances stay narrow: a point read touches
    //    small rows whatever the number of open layers.
    r#"
CREATE TABLE cost_layers (
    item_id      INTEGER NOT NULL,
    warehouse_id INTEGER NOT NULL,
    -- Oldest first: (quantity, value) pairs as little-endian i64 millionths.
    layers       BLOB NOT NULL,
    PRIMARY KEY (item_id, warehouse_id)
) WITHOUT ROWID;
INSERT INTO cost_layers(item_id, warehouse_id, layers)
    SELECT item_id, warehouse_id, layers FROM balances WHERE length(layers) > 0;
ALTER TABLE balances DROP COLUMN layers;
"#,
    // 4: stock value per warehouse, kept in the movement's transaction, so
    //    that a write which would take a warehouse's or the whole shop's
    //    value past the decimal range is refused (a later total could not be
    //    read), and stock_value() reads a few rows instead of every balance.
    r#"
CREATE TABLE warehouse_values (
    warehouse_id INTEGER PRIMARY KEY REFERENCES warehouses(id),
    value        INTEGER NOT NULL
);
INSERT INTO warehouse_values(warehouse_id, value)
    SELECT warehouse_id, SUM(value) FROM balances GROUP BY warehouse_id;
"#,
    // 5: each open cost layer records the movement that opened it, so that
    //    the layers can be read (`cost_layers`). The blobs grow from
    //    (quantity, value) to (quantity, value, movement) triples in
    //    `widen_layers`; layers opened before this version have movement 0.
    //    An issue may leave at a named rate, which the ledger keeps so that
    //    `verify` replays it.
    "ALTER TABLE movements ADD COLUMN outgoing_rate INTEGER;",
];

/// Steps SQL cannot express, run right after the migration to the version
/// they name, in the same transaction.
const AFTER: &[(i64, Step)] = &[(5, widen_layers)];

/// A migration step written in Rust.
type Step = fn(&Connection) -> SqlResult<()>;

/// Version 5: (quantity, value) pairs become (quantity, value, 0) triples.
fn widen_layers(conn: &Connection) -> SqlResult<()> {
    let rows: Vec<(i64, i64, Vec<u8>)> = conn
        .prepare("SELECT item_id, warehouse_id, layers FROM cost_layers")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut update = conn
        .prepare("UPDATE cost_layers SET layers = ?3 WHERE item_id = ?1 AND warehouse_id = ?2")?;
    for (item, warehouse, old) in rows {
        let mut wide = Vec::with_capacity(old.len() / 16 * 24);
        for pair in old.chunks(16) {
            wide.extend_from_slice(pair);
            wide.extend_from_slice(&0i64.to_le_bytes());
        }
        update.execute(rusqlite::params![item, warehouse, wide])?;
    }
    Ok(())
}

/// Brings the schema to [`SCHEMA_VERSION`] in one `BEGIN IMMEDIATE`
/// transaction, or refuses a file written by a newer library.
pub(crate) fn migrate(conn: &mut Connection) -> SqlResult<()> {
    let found = user_version(conn)?;
    if found > SCHEMA_VERSION {
        return Err(Error::SchemaTooNew {
            found,
            supported: SCHEMA_VERSION,
        }
        .into());
    }
    if found == SCHEMA_VERSION {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    // Another process may have migrated while we waited for the lock.
    let found = user_version(&tx)?;
    if found > SCHEMA_VERSION {
        return Err(Error::SchemaTooNew {
            found,
            supported: SCHEMA_VERSION,
        }
        .into());
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        tx.execute_batch(sql)?;
        let version = i as i64 + 1;
        for (_, step) in AFTER.iter().filter(|(v, _)| *v == version) {
            step(&tx)?;
        }
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.commit()?;
    Ok(())
}

pub(crate) fn user_version(conn: &Connection) -> SqlResult<i64> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_older_database_is_migrated_and_keeps_its_data() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute(
            "INSERT INTO items(sku, name, unit, kind, valuation, allow_negative, created_at, updated_at)
             VALUES ('OLD', 'Old item', 'pcs', 'material', 'fifo', 0, 0, 0)",
            [],
        )
        .unwrap();
        assert!(migrate(&mut conn).is_ok());
        assert_eq!(user_version(&conn).ok(), Some(SCHEMA_VERSION));
        let sku: String = conn
            .query_row("SELECT sku FROM items", [], |r| r.get(0))
            .unwrap();
        assert_eq!(sku, "OLD");
        // The new tables and columns are there.
        conn.execute("SELECT order_id FROM movements", []).ok();
        let orders: i64 = conn
            .query_row("SELECT COUNT(*) FROM orders", [], |r| r.get(0))
            .unwrap();
        assert_eq!(orders, 0);
    }

    #[test]
    fn layers_move_out_of_the_balance_row() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.execute_batch(MIGRATIONS[1]).unwrap();
        conn.pragma_update(None, "user_version", 2).unwrap();
        conn.pragma_update(None, "foreign_keys", false).unwrap(); // bare rows, no items
        conn.execute(
            "INSERT INTO balances(item_id, warehouse_id, on_hand, reserved, value, rate, layers)
             VALUES (1, 1, 5, 0, 10, 2, x'05000000000000000a00000000000000'), (2, 1, 0, 0, 0, 0, x'')",
            [],
        )
        .unwrap();
        assert!(migrate(&mut conn).is_ok());
        let moved: Vec<u8> = conn
            .query_row(
                "SELECT layers FROM cost_layers WHERE item_id = 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        // Moved, then widened by version 5 with "movement unknown".
        let mut expected = vec![5, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0, 0];
        expected.extend_from_slice(&[0; 8]);
        assert_eq!(moved, expected);
        let rows: i64 = conn
            .query_row("SELECT COUNT(*) FROM cost_layers", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 1);
        assert!(conn.prepare("SELECT layers FROM balances").is_err());
    }

    /// A file written by the previous release (schema 3) opens, migrates to
    /// the kept warehouse values and the widened layers, and verifies clean.
    #[test]
    fn a_version_3_file_migrates_and_verifies_clean() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v3.db");
        {
            let conn = Connection::open(&path).unwrap();
            for sql in &MIGRATIONS[..3] {
                conn.execute_batch(sql).unwrap();
            }
            conn.pragma_update(None, "user_version", 3).unwrap();
            conn.execute_batch(
                "INSERT INTO settings VALUES ('time_zone', 'Europe/Paris');
                 INSERT INTO warehouses(id, code, name, is_default, created_at) VALUES (1, 'MAIN', 'Main', 1, 0);
                 INSERT INTO items(id, sku, name, unit, kind, valuation, allow_negative, created_at, updated_at)
                     VALUES (1, 'OAK', 'Oak', 'pcs', 'material', 'fifo', 0, 0, 0);
                 INSERT INTO movements(id, item_id, warehouse_id, quantity, reason, unit_cost, value_change,
                         inbound_value, balance_after, value_after, effective_at, recorded_at)
                     VALUES (1, 1, 1, 10000000, 'purchase_receipt', 2000000, 20000000, 20000000, 10000000, 20000000, 0, 0),
                            (2, 1, 1, 5000000, 'purchase_receipt', 3000000, 15000000, 15000000, 15000000, 35000000, 1, 1);
                 INSERT INTO balances(item_id, warehouse_id, on_hand, reserved, value, rate)
                     VALUES (1, 1, 15000000, 0, 35000000, 2333333);
                 INSERT INTO cost_layers(item_id, warehouse_id, layers)
                     VALUES (1, 1, x'8096980000000000002d310100000000404b4c0000000000c0e1e40000000000');",
            )
            .unwrap();
        }
        let db = crate::Database::open(&path).unwrap();
        assert_eq!(db.schema_version().unwrap(), SCHEMA_VERSION);
        assert_eq!(db.time_zone().iana_name(), Some("Europe/Paris"));
        let report = db.verify().unwrap();
        assert!(report.is_clean(), "{report:?}");
        assert_eq!(db.stock_value(None).unwrap().to_string(), "35");
        let layers = db.cost_layers(1, None).unwrap().layers;
        assert_eq!(layers.len(), 2);
        assert_eq!(
            layers[0].movement, None,
            "opened before layers knew their movement"
        );
        assert_eq!(
            (
                layers[1].quantity.to_string(),
                layers[1].unit_cost.to_string()
            ),
            ("5".into(), "3".into())
        );
        // New layers record their movement.
        db.post(&crate::Movement::receipt(
            1,
            "1".parse().unwrap(),
            "4".parse().unwrap(),
        ))
        .unwrap();
        assert_eq!(db.cost_layers(1, None).unwrap().layers[2].movement, Some(3));
        assert!(db.verify().unwrap().is_clean());
    }
}
