//! The schema and its migrations, versioned with `PRAGMA user_version`.
//!
//! Each entry of [`MIGRATIONS`] takes the schema from version `i` to `i + 1`.
//! Entries are only ever appended; a released entry never changes. The
//! `CHECK (kind IN …)` and `CHECK (valuation IN …)` of version 1 guard names
//! declared once in Rust (`closed_set!`); a test in `store/sqlite/mod.rs`
//! keeps them in agreement.

use rusqlite::Connection;

use super::{SqlError, SqlResult};
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
    // 6: the CRM: contacts with their emails, phones and tags in matching
    //    form, merges and erasures, interactions, pipelines of stages,
    //    opportunities with their append-only transition log, lost reasons,
    //    and orders linked to contacts.
    r#"
CREATE TABLE contacts (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('person', 'company')),
    name        TEXT NOT NULL,
    -- The name as compared: lower case, single spaces.
    name_key    TEXT NOT NULL,
    company_id  INTEGER REFERENCES contacts(id),
    source      TEXT,
    owner       TEXT,
    external_id TEXT UNIQUE,
    notes       TEXT,
    custom      TEXT NOT NULL DEFAULT '{}',
    status      TEXT NOT NULL CHECK (status IN ('active', 'archived', 'merged', 'erased')),
    merged_into INTEGER REFERENCES contacts(id),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX contacts_by_company ON contacts(company_id) WHERE company_id IS NOT NULL;
CREATE INDEX contacts_by_owner ON contacts(owner) WHERE owner IS NOT NULL;

CREATE TABLE contact_emails (
    contact_id INTEGER NOT NULL REFERENCES contacts(id),
    position   INTEGER NOT NULL,
    address    TEXT NOT NULL,
    normalised TEXT NOT NULL,
    PRIMARY KEY (contact_id, position)
) WITHOUT ROWID;
CREATE INDEX contact_emails_by_address ON contact_emails(normalised);

CREATE TABLE contact_phones (
    contact_id INTEGER NOT NULL REFERENCES contacts(id),
    position   INTEGER NOT NULL,
    number     TEXT NOT NULL,
    e164       TEXT NOT NULL,
    PRIMARY KEY (contact_id, position)
) WITHOUT ROWID;
CREATE INDEX contact_phones_by_number ON contact_phones(e164);

CREATE TABLE contact_tags (
    contact_id INTEGER NOT NULL REFERENCES contacts(id),
    tag        TEXT NOT NULL,
    PRIMARY KEY (contact_id, tag)
) WITHOUT ROWID;
CREATE INDEX contact_tags_by_tag ON contact_tags(tag);

-- Idempotency keys of requests that carried a contact's personal data,
-- so that an erasure can scrub them.
CREATE TABLE contact_keys (
    contact_id      INTEGER NOT NULL REFERENCES contacts(id),
    idempotency_key TEXT NOT NULL,
    PRIMARY KEY (contact_id, idempotency_key)
) WITHOUT ROWID;

CREATE TABLE contact_merges (
    id        INTEGER PRIMARY KEY,
    merged_id INTEGER NOT NULL REFERENCES contacts(id),
    into_id   INTEGER NOT NULL REFERENCES contacts(id),
    -- What moved (the ContactMerge record as JSON).
    moved     TEXT NOT NULL,
    at        INTEGER NOT NULL
);
CREATE INDEX contact_merges_of ON contact_merges(merged_id);
CREATE INDEX contact_merges_into ON contact_merges(into_id);

CREATE TABLE contact_erasures (
    contact_id INTEGER PRIMARY KEY REFERENCES contacts(id),
    record     TEXT NOT NULL,
    at         INTEGER NOT NULL
);

ALTER TABLE orders ADD COLUMN contact_id INTEGER REFERENCES contacts(id);
CREATE INDEX orders_by_contact ON orders(contact_id, id) WHERE contact_id IS NOT NULL;

CREATE TABLE lost_reasons (
    code   TEXT PRIMARY KEY,
    label  TEXT NOT NULL,
    active INTEGER NOT NULL CHECK (active IN (0, 1))
) WITHOUT ROWID;

CREATE TABLE pipelines (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

CREATE TABLE stages (
    id          INTEGER PRIMARY KEY,
    pipeline_id INTEGER NOT NULL REFERENCES pipelines(id),
    name        TEXT NOT NULL,
    position    INTEGER NOT NULL,
    probability INTEGER NOT NULL CHECK (probability BETWEEN 0 AND 100000000),
    kind        TEXT NOT NULL CHECK (kind IN ('open', 'won', 'lost'))
);
CREATE INDEX stages_by_pipeline ON stages(pipeline_id, position);

CREATE TABLE opportunities (
    id             INTEGER PRIMARY KEY,
    title          TEXT NOT NULL,
    contact_id     INTEGER NOT NULL REFERENCES contacts(id),
    amount         INTEGER CHECK (amount >= 0),
    currency       TEXT,
    pipeline_id    INTEGER NOT NULL REFERENCES pipelines(id),
    stage_id       INTEGER NOT NULL REFERENCES stages(id),
    probability    INTEGER,
    expected_close TEXT,
    owner          TEXT,
    status         TEXT NOT NULL CHECK (status IN ('open', 'won', 'lost')),
    lost_reason    TEXT,
    order_id       INTEGER REFERENCES orders(id),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    closed_at      INTEGER,
    CHECK (amount IS NULL OR currency IS NOT NULL)
);
CREATE INDEX opportunities_by_contact ON opportunities(contact_id);
CREATE INDEX opportunities_by_stage ON opportunities(pipeline_id, stage_id);

CREATE TABLE opportunity_lines (
    opportunity_id INTEGER NOT NULL REFERENCES opportunities(id),
    line_no        INTEGER NOT NULL,
    sku            TEXT NOT NULL,
    quantity       INTEGER NOT NULL CHECK (quantity > 0),
    unit_price     INTEGER NOT NULL CHECK (unit_price >= 0),
    PRIMARY KEY (opportunity_id, line_no)
) WITHOUT ROWID;

-- Every stage change of an opportunity. Rows are never updated or deleted.
CREATE TABLE opportunity_transitions (
    id              INTEGER PRIMARY KEY,
    opportunity_id  INTEGER NOT NULL REFERENCES opportunities(id),
    kind            TEXT NOT NULL,
    from_stage      INTEGER REFERENCES stages(id),
    from_stage_name TEXT,
    to_stage        INTEGER NOT NULL REFERENCES stages(id),
    to_stage_name   TEXT NOT NULL,
    status_after    TEXT NOT NULL,
    lost_reason     TEXT,
    actor           TEXT,
    note            TEXT,
    at              INTEGER NOT NULL
);
CREATE INDEX opportunity_transitions_by_opportunity ON opportunity_transitions(opportunity_id, id);
CREATE TRIGGER opportunity_transitions_are_append_only_update BEFORE UPDATE ON opportunity_transitions
BEGIN SELECT RAISE(ABORT, 'the transition log is append-only'); END;
CREATE TRIGGER opportunity_transitions_are_append_only_delete BEFORE DELETE ON opportunity_transitions
BEGIN SELECT RAISE(ABORT, 'the transition log is append-only'); END;

CREATE TABLE interactions (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('call', 'email', 'meeting', 'note', 'task')),
    contact_id     INTEGER NOT NULL REFERENCES contacts(id),
    opportunity_id INTEGER REFERENCES opportunities(id),
    author         TEXT,
    summary        TEXT NOT NULL,
    at             INTEGER NOT NULL,
    due            TEXT,
    done           INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
    done_at        INTEGER,
    created_at     INTEGER NOT NULL
);
CREATE INDEX interactions_by_contact ON interactions(contact_id, at);
CREATE INDEX interactions_by_opportunity ON interactions(opportunity_id, at) WHERE opportunity_id IS NOT NULL;
CREATE INDEX interactions_by_author ON interactions(author, at) WHERE author IS NOT NULL;
CREATE INDEX interactions_by_time ON interactions(at);
"#,
    // 7: what the KPI dashboards read without scanning the ledger: movements,
    //    order events and the transition log by time; the revenue each order
    //    event recognised (filled in by `order_revenue`); and the open
    //    pipeline as a rollup kept by triggers, so that no write path can
    //    forget it (`verify` recounts it).
    r#"
-- Covering: the period KPIs read the ledger by time from this index alone.
CREATE INDEX movements_by_time ON movements(effective_at, item_id, warehouse_id, quantity,
                                            value_change, reason, transfer_id);
ALTER TABLE order_events ADD COLUMN revenue_change INTEGER NOT NULL DEFAULT 0;
CREATE INDEX order_events_by_time ON order_events(at);
-- Covering: closings in a period and the pipeline as of an instant read
-- the log by time from this index alone.
CREATE INDEX opportunity_transitions_by_time
    ON opportunity_transitions(at, opportunity_id, to_stage, status_after);
CREATE INDEX opportunities_by_created ON opportunities(created_at);
-- The log of one opportunity from this index alone (time in stage).
DROP INDEX opportunity_transitions_by_opportunity;
CREATE INDEX opportunity_transitions_by_opportunity
    ON opportunity_transitions(opportunity_id, id, at, to_stage);
CREATE INDEX purchase_orders_by_created ON purchase_orders(created_at);

-- Open opportunities per stage, owner ('' for none), currency ('' for no
-- amount) and probability override (-1: the stage's own).
CREATE TABLE open_pipeline (
    stage_id    INTEGER NOT NULL,
    owner       TEXT NOT NULL,
    currency    TEXT NOT NULL,
    probability INTEGER NOT NULL,
    count       INTEGER NOT NULL CHECK (count > 0),
    amount      INTEGER NOT NULL,
    PRIMARY KEY (stage_id, owner, currency, probability)
) WITHOUT ROWID;
INSERT INTO open_pipeline
    SELECT stage_id, COALESCE(owner, ''), CASE WHEN amount IS NULL THEN '' ELSE currency END,
           COALESCE(probability, -1), COUNT(*), SUM(COALESCE(amount, 0))
    FROM opportunities WHERE status = 'open' GROUP BY 1, 2, 3, 4;

CREATE TRIGGER open_pipeline_insert AFTER INSERT ON opportunities WHEN NEW.status = 'open'
BEGIN
    INSERT INTO open_pipeline VALUES (
        NEW.stage_id, COALESCE(NEW.owner, ''),
        CASE WHEN NEW.amount IS NULL THEN '' ELSE NEW.currency END,
        COALESCE(NEW.probability, -1), 1, COALESCE(NEW.amount, 0))
    ON CONFLICT DO UPDATE SET count = count + 1, amount = amount + excluded.amount;
END;
CREATE TRIGGER open_pipeline_update AFTER UPDATE ON opportunities
WHEN OLD.status IS NOT NEW.status OR OLD.stage_id IS NOT NEW.stage_id
     OR OLD.owner IS NOT NEW.owner OR OLD.currency IS NOT NEW.currency
     OR OLD.amount IS NOT NEW.amount OR OLD.probability IS NOT NEW.probability
BEGIN
    -- The last of its key leaves the rollup; otherwise one fewer.
    DELETE FROM open_pipeline
    WHERE OLD.status = 'open' AND stage_id = OLD.stage_id AND owner = COALESCE(OLD.owner, '')
      AND currency = CASE WHEN OLD.amount IS NULL THEN '' ELSE OLD.currency END
      AND probability = COALESCE(OLD.probability, -1) AND count = 1;
    UPDATE open_pipeline SET count = count - 1, amount = amount - COALESCE(OLD.amount, 0)
    WHERE OLD.status = 'open' AND stage_id = OLD.stage_id AND owner = COALESCE(OLD.owner, '')
      AND currency = CASE WHEN OLD.amount IS NULL THEN '' ELSE OLD.currency END
      AND probability = COALESCE(OLD.probability, -1) AND count > 1;
    INSERT INTO open_pipeline
        SELECT NEW.stage_id, COALESCE(NEW.owner, ''),
               CASE WHEN NEW.amount IS NULL THEN '' ELSE NEW.currency END,
               COALESCE(NEW.probability, -1), 1, COALESCE(NEW.amount, 0)
        WHERE NEW.status = 'open'
    ON CONFLICT DO UPDATE SET count = count + 1, amount = amount + excluded.amount;
END;
"#,
    // 8: the outbox: every committed change appends its events in the same
    //    transaction, numbered in commit order, and each consumer's cursor
    //    (the last event it has handled). A movement's event keeps only the
    //    movement's id: the ledger row is immutable, so its data is read from
    //    there, and the write path pays one small row. Ids are never given
    //    twice: pruning records how far it went (`outbox_pruned_through`).
    r#"
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    recorded_at INTEGER NOT NULL,
    movement_id INTEGER,
    data        TEXT,
    CHECK ((movement_id IS NULL) <> (data IS NULL))
);
CREATE TABLE outbox_consumers (
    name       TEXT PRIMARY KEY,
    position   INTEGER NOT NULL CHECK (position >= 0),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;
"#,
    // 9: a version of the master data every write reads (items and
    //    warehouses), moved by triggers whoever writes, so that a connection
    //    keeps what it read between transactions and sees another process's
    //    change at its next one; and one index fewer on the ledger: an
    //    order's movements are found by their reference (`order:<id>`),
    //    which `movements_by_reference` already indexes. `unchecked_references`
    //    then lifts the foreign keys of the rows the rules write on every
    //    movement and order, after checking what they refer to.
    r#"
CREATE TABLE master_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO master_version VALUES (1, 0);
CREATE TRIGGER items_moved_insert AFTER INSERT ON items
BEGIN UPDATE master_version SET version = version + 1; END;
CREATE TRIGGER items_moved_update AFTER UPDATE ON items
BEGIN UPDATE master_version SET version = version + 1; END;
CREATE TRIGGER items_moved_delete AFTER DELETE ON items
BEGIN UPDATE master_version SET version = version + 1; END;
CREATE TRIGGER warehouses_moved_insert AFTER INSERT ON warehouses
BEGIN UPDATE master_version SET version = version + 1; END;
CREATE TRIGGER warehouses_moved_update AFTER UPDATE ON warehouses
BEGIN UPDATE master_version SET version = version + 1; END;
CREATE TRIGGER warehouses_moved_delete AFTER DELETE ON warehouses
BEGIN UPDATE master_version SET version = version + 1; END;
DROP INDEX movements_by_order;
"#,
];

/// Steps SQL cannot express, run right after the migration to the version
/// they name, in the same transaction.
const AFTER: &[(i64, Step)] = &[
    (5, widen_layers),
    (7, order_revenue),
    (9, unchecked_references),
];

/// The tables every movement and order writes, and the foreign keys lifted
/// from them by version 9.
const UNCHECKED: &[&str] = &[
    "movements",
    "balances",
    "warehouse_values",
    "order_lines",
    "order_events",
    "reservations",
];
const LIFTED: &[&str] = &[
    " REFERENCES items(id)",
    " REFERENCES warehouses(id)",
    " REFERENCES purchase_lines(id)",
    " REFERENCES orders(id)",
    " REFERENCES order_lines(id)",
];

/// Version 9: SQLite checks a declared foreign key on every insert and
/// update of the row, looking the parent up again. The rules already look
/// up the item, warehouse, order or line of each of these rows (they need
/// them), so the check repeats work on the hottest path; `verify` proves
/// the references instead (`AuditReads::dangling_references`).
///
/// SQLite's documented procedure for removing a FOREIGN KEY constraint
/// (lang_altertable.html, section 7): the table definitions are edited in
/// place, which changes nothing on disk, and the schema version moves so
/// that every connection reads them again.
fn unchecked_references(conn: &Connection) -> SqlResult<()> {
    let version: i64 = conn.pragma_query_value(None, "schema_version", |r| r.get(0))?;
    conn.pragma_update(None, "writable_schema", true)?;
    let mut sql = "sql".to_string();
    for clause in LIFTED {
        sql = format!("replace({sql}, '{clause}', '')");
    }
    let tables = UNCHECKED
        .iter()
        .map(|t| format!("'{t}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let edited = conn.execute(
        &format!(
            "UPDATE sqlite_schema SET sql = {sql} WHERE type = 'table' AND name IN ({tables})"
        ),
        [],
    );
    conn.pragma_update(None, "schema_version", version + 1)?;
    conn.pragma_update(None, "writable_schema", false)?;
    edited?;
    Ok(())
}

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

/// Version 7: the revenue of the order events written before it, by the
/// rule of `orders::kept_value`: payment recognises the lines' value less
/// what came back before it; a return or the cancellation of a paid order
/// reverses its value.
fn order_revenue(conn: &Connection) -> SqlResult<()> {
    use crate::decimal::Decimal;
    use crate::orders::ReturnLine;
    use std::collections::HashMap;

    let bad = |e: crate::decimal::DecimalError| SqlError::from(Error::from(e));
    // (line_no -> (quantity, unit price, returned so far)) per order.
    let mut lines: HashMap<i64, HashMap<u32, (Decimal, Decimal, Decimal)>> = HashMap::new();
    {
        let mut stmt =
            conn.prepare("SELECT order_id, line_no, quantity, unit_price FROM order_lines")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            lines.entry(r.get(0)?).or_default().insert(
                r.get(1)?,
                (
                    Decimal::from_raw(r.get(2)?),
                    Decimal::from_raw(r.get(3)?),
                    Decimal::ZERO,
                ),
            );
        }
    }
    let kept = |l: &HashMap<u32, (Decimal, Decimal, Decimal)>| -> SqlResult<Decimal> {
        let mut sum = Decimal::ZERO;
        for (q, p, back) in l.values() {
            let v = q
                .checked_mul(*p)
                .and_then(|v| v.checked_sub(back.checked_mul(*p)?));
            sum = sum.checked_add(v.map_err(bad)?).map_err(bad)?;
        }
        Ok(sum)
    };
    let events: Vec<(i64, i64, String, String)> = conn
        .prepare("SELECT id, order_id, kind, COALESCE(detail, '') FROM order_events ORDER BY id")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut paid: HashMap<i64, bool> = HashMap::new();
    let mut update = conn.prepare("UPDATE order_events SET revenue_change = ?2 WHERE id = ?1")?;
    for (id, order, kind, detail) in events {
        let order_lines = lines.entry(order).or_default();
        let was_paid = paid.get(&order).copied().unwrap_or(false);
        let change = match kind.as_str() {
            "paid" => {
                paid.insert(order, true);
                kept(order_lines)?
            }
            "cancelled" if was_paid => kept(order_lines)?.checked_neg().map_err(bad)?,
            "returned" => {
                let back: Vec<ReturnLine> = serde_json::from_str(&detail).unwrap_or_default();
                let mut change = Decimal::ZERO;
                for b in back {
                    if let Some((_, price, returned)) = order_lines.get_mut(&b.line) {
                        *returned = returned.checked_add(b.quantity).map_err(bad)?;
                        if was_paid {
                            let v = b.quantity.checked_mul(*price).map_err(bad)?;
                            change = change.checked_sub(v).map_err(bad)?;
                        }
                    }
                }
                change
            }
            _ => Decimal::ZERO,
        };
        if !change.is_zero() {
            update.execute(rusqlite::params![id, change.raw()])?;
        }
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

    /// Version 9 lifts the foreign keys of the hot tables only; the data is
    /// untouched and the rest of the schema keeps its own.
    #[test]
    fn the_hot_tables_lose_their_foreign_keys_and_nothing_else_changes() {
        let mut conn = Connection::open_in_memory().unwrap();
        for sql in &MIGRATIONS[..8] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 8).unwrap();
        conn.execute_batch(
            "INSERT INTO warehouses(id, code, name, is_default, created_at) VALUES (1, 'MAIN', 'Main', 1, 0);
             INSERT INTO items(id, sku, name, unit, kind, valuation, allow_negative, created_at, updated_at)
                 VALUES (1, 'OAK', 'Oak', 'pcs', 'material', 'fifo', 0, 0, 0);
             INSERT INTO balances(item_id, warehouse_id, on_hand, reserved, value, rate)
                 VALUES (1, 1, 5, 0, 10, 2);",
        )
        .unwrap();
        assert!(migrate(&mut conn).is_ok());
        let definition = |name: &str| -> String {
            conn.query_row(
                "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?1",
                [name],
                |r| r.get(0),
            )
            .unwrap()
        };
        for table in UNCHECKED {
            assert!(!definition(table).contains("REFERENCES"), "{table}");
        }
        assert!(definition("purchase_lines").contains("REFERENCES items(id)"));
        assert!(definition("interactions").contains("REFERENCES contacts(id)"));
        let on_hand: i64 = conn
            .query_row("SELECT on_hand FROM balances", [], |r| r.get(0))
            .unwrap();
        assert_eq!(on_hand, 5);
        let check: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok");
    }

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

    /// A version 6 file: its order events get the revenue they recognised,
    /// its open opportunities the pipeline rollup, and it verifies clean.
    #[test]
    fn a_version_6_file_gets_revenue_and_the_pipeline_rollup() {
        let mut conn = Connection::open_in_memory().unwrap();
        for sql in &MIGRATIONS[..6] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 6).unwrap();
        conn.execute_batch(
            "INSERT INTO warehouses(id, code, name, is_default, created_at) VALUES (1, 'MAIN', 'Main', 1, 0);
             INSERT INTO items(id, sku, name, unit, kind, valuation, allow_negative, created_at, updated_at)
                 VALUES (1, 'MUG', 'Mug', 'pcs', 'product', 'fifo', 0, 0, 0);
             INSERT INTO orders(id, external_id, currency, status, paid, total, placed_at, created_at, updated_at)
                 VALUES (1, 'A', 'EUR', 'fulfilled', 1, 15000000, 0, 0, 0),
                        (2, 'B', 'EUR', 'cancelled', 1, 10000000, 0, 0, 0),
                        (3, 'C', 'EUR', 'cancelled', 0, 5000000, 0, 0, 0);
             INSERT INTO order_lines(order_id, line_no, item_id, warehouse_id, quantity, unit_price)
                 VALUES (1, 1, 1, 1, 3000000, 5000000), (2, 1, 1, 1, 2000000, 5000000),
                        (3, 1, 1, 1, 1000000, 5000000);
             INSERT INTO order_events(id, order_id, kind, status_after, detail, at) VALUES
                 (1, 1, 'placed', 'placed', '{}', 1), (2, 1, 'paid', 'placed', '{}', 2),
                 (3, 1, 'fulfilled', 'fulfilled', '[]', 3),
                 (4, 1, 'returned', 'fulfilled', '[{\"line\":1,\"quantity\":\"1\",\"restock\":false}]', 4),
                 (5, 2, 'placed', 'placed', '{}', 5), (6, 2, 'paid', 'placed', '{}', 6),
                 (7, 2, 'cancelled', 'cancelled', '{}', 7),
                 (8, 3, 'placed', 'placed', '{}', 8), (9, 3, 'cancelled', 'cancelled', '{}', 9);
             INSERT INTO contacts(id, kind, name, name_key, status, created_at, updated_at)
                 VALUES (1, 'company', 'ACME', 'acme', 'active', 0, 0);
             INSERT INTO pipelines(id, name, created_at) VALUES (1, 'Sales', 0);
             INSERT INTO stages(id, pipeline_id, name, position, probability, kind)
                 VALUES (1, 1, 'Lead', 1, 10000000, 'open'), (2, 1, 'Won', 2, 100000000, 'won');
             INSERT INTO opportunities(id, title, contact_id, amount, currency, pipeline_id, stage_id,
                     status, created_at, updated_at)
                 VALUES (1, 'Big', 1, 7000000, 'EUR', 1, 1, 'open', 0, 0),
                        (2, 'Small', 1, 3000000, 'EUR', 1, 1, 'open', 0, 0);",
        )
        .unwrap();
        assert!(migrate(&mut conn).is_ok());
        let revenue: Vec<i64> = conn
            .prepare("SELECT revenue_change FROM order_events ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(
            revenue,
            vec![0, 15_000_000, 0, -5_000_000, 0, 10_000_000, -10_000_000, 0, 0],
            "paid: the total; a return: its value; a paid order cancelled: all back; unpaid: nothing"
        );
        let rollup: (i64, i64) = conn
            .query_row("SELECT count, amount FROM open_pipeline", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!(rollup, (2, 10_000_000));
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
