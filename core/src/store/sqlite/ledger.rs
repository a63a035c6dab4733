//! The ledger in SQLite: movements (append-only, enforced by triggers),
//! balances, cost layers, and the scans `verify` replays.

use std::collections::VecDeque;

use jiff::Timestamp;
use rusqlite::{params, OptionalExtension, Row};

use super::session::hot;
use super::{instant, micros, run, stored, Conn, SqlError, SqlResult, SqliteTx};
use crate::decimal::Decimal;
use crate::error::{Error, Result};
use crate::items::ItemRef;
use crate::ledger::{MovementFilter, MovementRecord, Reason, SortOrder};
use crate::store::stored::{decode_layers, encode_layers, stock_value, REFERENCES};
use crate::store::{
    AuditReads, Balance, IdempotencyRecord, KeyedLayers, LedgerReads, LedgerWrites, LevelQuery,
    LevelRow, NewMovement, RecordedMovement, TransferLeg, ValueChange,
};
use crate::valuation::{Layer, ValuationMethod};
use crate::verify::ReferenceDrift;

fn balance_from(r: &Row, at: usize) -> rusqlite::Result<Balance> {
    Ok(Balance {
        on_hand: Decimal::from_raw(r.get(at)?),
        reserved: Decimal::from_raw(r.get(at + 1)?),
        value: Decimal::from_raw(r.get(at + 2)?),
        rate: Decimal::from_raw(r.get(at + 3)?),
    })
}

/// item, sku, on_hand, reserved, value, rate, reorder_point.
fn level_from(r: &Row) -> rusqlite::Result<LevelRow> {
    Ok(LevelRow {
        item: r.get(0)?,
        sku: r.get(1)?,
        balance: balance_from(r, 2)?,
        reorder_point: r.get::<_, Option<i64>>(6)?.map(Decimal::from_raw),
    })
}

/// Balance totals of items, one warehouse or all; `item_id > after`.
const LEVELS_SQL: &str = "
    SELECT i.id, i.sku, COALESCE(SUM(b.on_hand), 0), COALESCE(SUM(b.reserved), 0),
           COALESCE(SUM(b.value), 0), 0, i.reorder_point
    FROM items i
    LEFT JOIN balances b ON b.item_id = i.id AND (?1 IS NULL OR b.warehouse_id = ?1)
    WHERE i.id > ?2 AND (?3 IS NULL OR i.id = ?3) AND (?4 = 0 OR i.active = 1)
    GROUP BY i.id
    HAVING ?5 = 0 OR (i.reorder_point IS NOT NULL
                      AND COALESCE(SUM(b.on_hand), 0) - COALESCE(SUM(b.reserved), 0)
                          <= i.reorder_point)
    ORDER BY i.id
    LIMIT ?6";

const MOVEMENT_COLUMNS: &str =
    "m.id, m.item_id, i.sku, m.warehouse_id, w.code, m.quantity, m.reason, m.unit_cost,
     m.value_change, m.balance_after, m.value_after, m.effective_at, m.recorded_at, m.actor,
     m.reference, m.note, m.idempotency_key, m.transfer_id, m.purchase_line_id, m.order_id,
     m.order_event_id";
const MOVEMENT_FROM: &str = "FROM movements m
     JOIN items i ON i.id = m.item_id JOIN warehouses w ON w.id = m.warehouse_id";

fn movement_from_row(r: &Row) -> rusqlite::Result<MovementRecord> {
    Ok(MovementRecord {
        id: r.get(0)?,
        item: r.get(1)?,
        sku: r.get(2)?,
        warehouse: r.get(3)?,
        warehouse_code: r.get(4)?,
        quantity: Decimal::from_raw(r.get(5)?),
        reason: stored(Reason::from_stored(&r.get::<_, String>(6)?), 6)?,
        unit_cost: Decimal::from_raw(r.get::<_, Option<i64>>(7)?.unwrap_or(0)),
        value_change: Decimal::from_raw(r.get(8)?),
        balance_after: Decimal::from_raw(r.get(9)?),
        value_after: Decimal::from_raw(r.get(10)?),
        effective_at: instant(r.get(11)?),
        recorded_at: instant(r.get(12)?),
        actor: r.get(13)?,
        reference: r.get(14)?,
        note: r.get(15)?,
        idempotency_key: r.get(16)?,
        transfer_id: r.get(17)?,
        purchase_line_id: r.get(18)?,
        order_id: r.get(19)?,
        order_event_id: r.get(20)?,
    })
}

impl<T: Conn + ?Sized> LedgerReads for T {
    fn balance(&self, item: i64, warehouse: i64) -> Result<Option<Balance>> {
        run(|| {
            self.session().with(
                hot!(
                    "SELECT on_hand, reserved, value, rate FROM balances
                     WHERE item_id = ?1 AND warehouse_id = ?2"
                ),
                |s| {
                    Ok(s.query_row([item, warehouse], |r| balance_from(r, 0))
                        .optional()?)
                },
            )
        })
    }

    fn cost_layers(&self, item: i64, warehouse: i64) -> Result<VecDeque<Layer>> {
        let blob: Option<Vec<u8>> = run(|| {
            self.session().with(
                hot!("SELECT layers FROM cost_layers WHERE item_id = ?1 AND warehouse_id = ?2"),
                |s| Ok(s.query_row([item, warehouse], |r| r.get(0)).optional()?),
            )
        })?;
        decode_layers(&blob.unwrap_or_default())
    }

    fn level(&self, item: i64, warehouse: i64) -> Result<Option<(LevelRow, bool)>> {
        run(|| {
            self.session().with(
                hot!(
                    "SELECT i.id, i.sku, COALESCE(b.on_hand, 0), COALESCE(b.reserved, 0),
                            COALESCE(b.value, 0), 0, i.reorder_point, b.item_id IS NOT NULL
                     FROM items i
                     LEFT JOIN balances b ON b.item_id = i.id AND b.warehouse_id = ?2
                     WHERE i.id = ?1"
                ),
                |s| {
                    Ok(s.query_row(params![item, warehouse], |r| {
                        Ok((level_from(r)?, r.get::<_, bool>(7)?))
                    })
                    .optional()?)
                },
            )
        })
    }

    fn levels(&self, q: &LevelQuery, only_item: Option<i64>) -> Result<Vec<LevelRow>> {
        run(|| {
            let mut stmt = self.conn().prepare_cached(LEVELS_SQL)?;
            let rows = stmt
                .query_map(
                    params![
                        q.warehouse,
                        q.after,
                        only_item,
                        q.active_only,
                        q.low_stock_only,
                        q.limit
                    ],
                    level_from,
                )?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }

    fn levels_by_warehouse(&self, item: i64) -> Result<Vec<(i64, LevelRow)>> {
        run(|| {
            let mut stmt = self.conn().prepare_cached(
                "SELECT i.id, i.sku, b.on_hand, b.reserved, b.value, b.rate, i.reorder_point,
                        b.warehouse_id
                 FROM balances b JOIN items i ON i.id = b.item_id
                 WHERE b.item_id = ?1 ORDER BY b.warehouse_id",
            )?;
            let rows = stmt
                .query_map([item], |r| Ok((r.get(7)?, level_from(r)?)))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }

    fn stock_value(&self, warehouse: Option<i64>) -> Result<Decimal> {
        stock_value(self.warehouse_values()?, warehouse)
    }

    fn item_totals(&self, item: i64) -> Result<[i128; 3]> {
        run(|| {
            self.session().with(
                hot!("SELECT on_hand, reserved, value FROM balances WHERE item_id = ?1"),
                |stmt| {
                    let mut rows = stmt.query([item])?;
                    let mut totals = [0i128; 3];
                    while let Some(r) = rows.next()? {
                        for (i, total) in totals.iter_mut().enumerate() {
                            *total += i128::from(r.get::<_, i64>(i)?);
                        }
                    }
                    Ok(totals)
                },
            )
        })
    }

    fn warehouse_values(&self) -> Result<Vec<(i64, Decimal)>> {
        run(|| {
            self.session().with(
                hot!("SELECT warehouse_id, value FROM warehouse_values"),
                |stmt| {
                    Ok(stmt
                        .query_map([], |r| Ok((r.get(0)?, Decimal::from_raw(r.get(1)?))))?
                        .collect::<rusqlite::Result<Vec<_>>>()?)
                },
            )
        })
    }

    fn totals_as_of(
        &self,
        item: i64,
        warehouse: Option<i64>,
        at: Timestamp,
    ) -> Result<(Decimal, Decimal)> {
        run(|| {
            // Summed per warehouse (each a past balance, within range), then
            // across warehouses wide.
            let mut stmt = self.conn().prepare_cached(
                "SELECT COALESCE(SUM(quantity), 0), COALESCE(SUM(value_change), 0)
                 FROM movements
                 WHERE item_id = ?1 AND (?2 IS NULL OR warehouse_id = ?2) AND effective_at <= ?3
                 GROUP BY warehouse_id",
            )?;
            let mut rows = stmt.query(params![item, warehouse, micros(at)])?;
            let (mut q, mut v) = (0i128, 0i128);
            while let Some(r) = rows.next()? {
                q += i128::from(r.get::<_, i64>(0)?);
                v += i128::from(r.get::<_, i64>(1)?);
            }
            let narrow = |x: i128| {
                i64::try_from(x).map(Decimal::from_raw).map_err(|_| {
                    SqlError::from(Error::Storage {
                        reason: format!(
                            "the stock of item {item} as of {at} exceeds the decimal range"
                        ),
                        source: None,
                    })
                })
            };
            Ok((narrow(q)?, narrow(v)?))
        })
    }

    fn lowest_balance_from(
        &self,
        item: i64,
        warehouse: i64,
        from: Timestamp,
    ) -> Result<Option<(Decimal, Timestamp)>> {
        run(|| {
            let conn = self.conn();
            // Nothing later: the balance now is the only one to check.
            let later: bool = conn
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM movements
                     WHERE item_id = ?1 AND warehouse_id = ?2 AND effective_at > ?3)",
                )?
                .query_row(params![item, warehouse, micros(from)], |r| r.get(0))?;
            if !later {
                return Ok(None);
            }
            let lowest = conn
                .prepare_cached(
                    // The default frame includes peers: the balance at the end
                    // of each instant, not partway through it.
                    "SELECT running, effective_at FROM (
                         SELECT SUM(quantity) OVER (ORDER BY effective_at) AS running,
                                effective_at
                         FROM movements WHERE item_id = ?1 AND warehouse_id = ?2)
                     WHERE effective_at >= ?3
                     ORDER BY running, effective_at LIMIT 1",
                )?
                .query_row(params![item, warehouse, micros(from)], |r| {
                    Ok((Decimal::from_raw(r.get(0)?), instant(r.get(1)?)))
                })
                .optional()?;
            Ok(lowest)
        })
    }

    fn movement(&self, id: i64) -> Result<Option<MovementRecord>> {
        run(|| {
            Ok(self
                .conn()
                .prepare_cached(&format!(
                    "SELECT {MOVEMENT_COLUMNS} {MOVEMENT_FROM} WHERE m.id = ?1"
                ))?
                .query_row([id], movement_from_row)
                .optional()?)
        })
    }

    fn movements(&self, filter: &MovementFilter, limit: u32) -> Result<Vec<MovementRecord>> {
        let mut rows = Vec::new();
        matching_movements(
            self.conn(),
            filter,
            MOVEMENT_COLUMNS,
            i64::from(limit),
            &mut |r| {
                rows.push(run(|| Ok(movement_from_row(r)?))?);
                Ok(())
            },
        )?;
        Ok(rows)
    }

    fn each_movement(
        &self,
        filter: &MovementFilter,
        f: &mut dyn FnMut(&MovementRecord) -> Result<()>,
    ) -> Result<()> {
        // LIMIT -1: no limit, in SQLite.
        matching_movements(self.conn(), filter, MOVEMENT_COLUMNS, -1, &mut |r| {
            f(&run(|| Ok(movement_from_row(r)?))?)
        })
    }

    fn count_movements(&self, filter: &MovementFilter) -> Result<u64> {
        let mut count = 0;
        matching_movements(self.conn(), filter, "COUNT(*)", -1, &mut |r| {
            count = run(|| Ok(r.get::<_, i64>(0)?))?.try_into().unwrap_or(0);
            Ok(())
        })?;
        Ok(count)
    }
}

/// Runs the one query of the movement history (`columns` of the movements
/// matching `filter`, up to `limit` rows, -1 for all) and hands each row to `f`.
fn matching_movements(
    conn: &rusqlite::Connection,
    filter: &MovementFilter,
    columns: &str,
    limit: i64,
    f: &mut dyn FnMut(&Row) -> Result<()>,
) -> Result<()> {
    let (cmp, dir) = match filter.order {
        SortOrder::NewestFirst => ("<", "DESC"),
        SortOrder::OldestFirst => (">", "ASC"),
    };
    let item = match &filter.item {
        Some(ItemRef::Id(id)) => Some(*id),
        // The rules resolve a SKU before asking; an unresolved one matches nothing.
        Some(ItemRef::Sku(_)) => return Ok(()),
        None => None,
    };
    // A count has no order (SQLite would refuse ORDER BY on an aggregate's column).
    let order = if columns.starts_with("COUNT") {
        String::new()
    } else {
        format!("ORDER BY m.id {dir}")
    };
    let sql = format!(
        "SELECT {columns} {MOVEMENT_FROM}
         WHERE (?1 IS NULL OR m.id {cmp} ?1)
           AND (?2 IS NULL OR m.item_id = ?2)
           AND (?3 IS NULL OR m.warehouse_id = ?3)
           AND (?4 IS NULL OR m.reason = ?4)
           AND (?5 IS NULL OR m.effective_at >= ?5)
           AND (?6 IS NULL OR m.effective_at < ?6)
           AND (?7 IS NULL OR m.reference = ?7)
         {order} LIMIT ?8"
    );
    let sql_error = |e: rusqlite::Error| Error::from(SqlError::from(e));
    let mut stmt = conn.prepare_cached(&sql).map_err(sql_error)?;
    let mut rows = stmt
        .query(params![
            filter.page.after,
            item,
            filter.warehouse,
            filter.reason.map(Reason::as_str),
            filter.from.map(micros),
            filter.to.map(micros),
            filter.reference,
            limit
        ])
        .map_err(sql_error)?;
    while let Some(row) = rows.next().map_err(sql_error)? {
        f(row)?;
    }
    Ok(())
}

impl SqliteTx<'_> {
    /// The id the next movement gets: one more than the last, read once
    /// per transaction (this transaction holds SQLite's write lock).
    fn take_movement_id(&self) -> SqlResult<i64> {
        let id = self.peek_movement_id()?;
        self.next_movement_id.set(Some(id + 1));
        Ok(id)
    }

    fn peek_movement_id(&self) -> SqlResult<i64> {
        let id = match self.next_movement_id.get() {
            Some(id) => id,
            None => self.session().with(
                hot!("SELECT COALESCE(MAX(id), 0) + 1 FROM movements"),
                |s| Ok(s.query_row([], |r| r.get(0))?),
            )?,
        };
        self.next_movement_id.set(Some(id));
        Ok(id)
    }
}

impl LedgerWrites for SqliteTx<'_> {
    fn next_movement_id(&self) -> Result<i64> {
        run(|| self.peek_movement_id())
    }

    fn append_movement(&self, m: &NewMovement<'_>) -> Result<i64> {
        run(|| {
            // The id is given here so that a transfer's outgoing leg can
            // name itself, and its incoming leg name it, without ever
            // updating a ledger row.
            let id = self.take_movement_id()?;
            let transfer_id = match m.transfer {
                TransferLeg::None => None,
                TransferLeg::Out => Some(id),
                TransferLeg::In(out) => Some(out),
            };
            self.session().with(
                hot!(
                    "INSERT INTO movements(id, item_id, warehouse_id, quantity, reason, unit_cost,
                         value_change, inbound_value, balance_after, value_after, effective_at,
                         recorded_at, actor, reference, note, idempotency_key, transfer_id,
                         purchase_line_id, order_id, order_event_id, outgoing_rate)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,
                             ?16, ?17, ?18, ?19, ?20, ?21)"
                ),
                |s| {
                    Ok(s.execute(params![
                        id,
                        m.item,
                        m.warehouse,
                        m.quantity.raw(),
                        m.reason.as_str(),
                        m.unit_cost.raw(),
                        m.value_change.raw(),
                        m.inbound_value.map(Decimal::raw),
                        m.balance_after.raw(),
                        m.value_after.raw(),
                        micros(m.effective_at),
                        micros(m.recorded_at),
                        m.actor,
                        m.reference,
                        m.note,
                        m.idempotency_key,
                        transfer_id,
                        m.purchase_line_id,
                        m.order_id,
                        m.order_event_id,
                        m.outgoing_rate.map(Decimal::raw),
                    ])?)
                },
            )?;
            Ok(id)
        })
    }

    fn put_balance(&self, item: i64, warehouse: i64, b: &Balance) -> Result<()> {
        run(|| {
            self.session().with(
                hot!(
                    "INSERT INTO balances(item_id, warehouse_id, on_hand, reserved, value, rate)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT(item_id, warehouse_id) DO UPDATE SET
                         on_hand = excluded.on_hand, reserved = excluded.reserved,
                         value = excluded.value, rate = excluded.rate"
                ),
                |s| {
                    Ok(s.execute(params![
                        item,
                        warehouse,
                        b.on_hand.raw(),
                        b.reserved.raw(),
                        b.value.raw(),
                        b.rate.raw()
                    ])?)
                },
            )?;
            Ok(())
        })
    }

    fn add_to_warehouse_values(&self, changes: &[ValueChange]) -> Result<()> {
        // One row per warehouse: this transaction is the only writer.
        let mut by_warehouse: Vec<(i64, i64)> = Vec::new();
        for c in changes {
            match by_warehouse.iter_mut().find(|(w, _)| *w == c.warehouse) {
                Some((_, total)) => *total += c.change,
                None => by_warehouse.push((c.warehouse, c.change)),
            }
        }
        run(|| {
            for (warehouse, change) in by_warehouse {
                self.session().with(
                    hot!(
                        "INSERT INTO warehouse_values(warehouse_id, value) VALUES (?1, ?2)
                         ON CONFLICT(warehouse_id) DO UPDATE SET value = value + excluded.value"
                    ),
                    |s| Ok(s.execute(params![warehouse, change])?),
                )?;
            }
            Ok(())
        })
    }

    fn put_cost_layers(&self, item: i64, warehouse: i64, layers: &VecDeque<Layer>) -> Result<()> {
        run(|| {
            if layers.is_empty() {
                self.session().with(
                    hot!("DELETE FROM cost_layers WHERE item_id = ?1 AND warehouse_id = ?2"),
                    |s| Ok(s.execute([item, warehouse])?),
                )?;
            } else {
                self.session().with(
                    hot!(
                        "INSERT INTO cost_layers(item_id, warehouse_id, layers) VALUES (?1, ?2, ?3)
                         ON CONFLICT(item_id, warehouse_id) DO UPDATE SET layers = excluded.layers"
                    ),
                    |s| Ok(s.execute(params![item, warehouse, encode_layers(layers)])?),
                )?;
            }
            Ok(())
        })
    }
}

impl<T: Conn + ?Sized> AuditReads for T {
    fn dangling_references(&self, limit: usize) -> Result<(Vec<ReferenceDrift>, u64)> {
        run(|| {
            let conn = self.conn();
            let mut found = Vec::new();
            let mut total = 0u64;
            let mut note = |table: &str, row: i64, parent: &str| {
                total += 1;
                if found.len() < limit {
                    found.push(ReferenceDrift {
                        table: table.to_string(),
                        row,
                        missing: parent.to_string(),
                    });
                }
            };
            for (table, parent, sql) in REFERENCES {
                let mut stmt = conn.prepare(sql)?;
                let mut rows = stmt.query([])?;
                while let Some(r) = rows.next()? {
                    note(table, r.get(0)?, parent);
                }
            }
            // The foreign keys still declared (master data, purchases, the
            // CRM): SQLite checks them on write, and here once more.
            let mut stmt = conn.prepare("PRAGMA foreign_key_check")?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let table: String = r.get(0)?;
                let parent: String = r.get(2)?;
                note(&table, r.get::<_, Option<i64>>(1)?.unwrap_or(0), &parent);
            }
            Ok((found, total))
        })
    }

    fn valuation_methods(&self) -> Result<Vec<(i64, ValuationMethod)>> {
        run(|| {
            let mut stmt = self.conn().prepare("SELECT id, valuation FROM items")?;
            let rows = stmt
                .query_map([], |r| {
                    Ok((
                        r.get(0)?,
                        stored(ValuationMethod::from_stored(&r.get::<_, String>(1)?), 1)?,
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }

    fn for_each_movement(&self, f: &mut dyn FnMut(RecordedMovement) -> Result<()>) -> Result<()> {
        run(|| {
            let mut stmt = self.conn().prepare(
                "SELECT id, item_id, warehouse_id, quantity, value_change, inbound_value,
                        balance_after, value_after, outgoing_rate
                 FROM movements ORDER BY id",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                f(RecordedMovement {
                    id: r.get(0)?,
                    item: r.get(1)?,
                    warehouse: r.get(2)?,
                    quantity: Decimal::from_raw(r.get(3)?),
                    value_change: Decimal::from_raw(r.get(4)?),
                    inbound_value: r.get::<_, Option<i64>>(5)?.map(Decimal::from_raw),
                    outgoing_rate: r.get::<_, Option<i64>>(8)?.map(Decimal::from_raw),
                    balance_after: Decimal::from_raw(r.get(6)?),
                    value_after: Decimal::from_raw(r.get(7)?),
                })
                .map_err(SqlError::from)?;
            }
            Ok(())
        })
    }

    fn all_balances(&self) -> Result<Vec<((i64, i64), Balance)>> {
        run(|| {
            let mut stmt = self.conn().prepare(
                "SELECT item_id, warehouse_id, on_hand, reserved, value, rate FROM balances",
            )?;
            let rows = stmt
                .query_map([], |r| Ok(((r.get(0)?, r.get(1)?), balance_from(r, 2)?)))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }

    fn pending_totals(&self) -> Result<Vec<((i64, i64), Decimal)>> {
        run(|| {
            let mut stmt = self.conn().prepare(
                "SELECT item_id, warehouse_id, SUM(pending) FROM reservations
                 WHERE status = ?1 GROUP BY item_id, warehouse_id",
            )?;
            let rows = stmt
                .query_map([crate::orders::ReservationStatus::Pending.as_str()], |r| {
                    Ok(((r.get(0)?, r.get(1)?), Decimal::from_raw(r.get(2)?)))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }

    fn all_cost_layers(&self) -> Result<Vec<KeyedLayers>> {
        let blobs: Vec<((i64, i64), Vec<u8>)> = run(|| {
            let mut stmt = self.conn().prepare(
                "SELECT b.item_id, b.warehouse_id, COALESCE(l.layers, x'')
                 FROM balances b
                 LEFT JOIN cost_layers l
                        ON l.item_id = b.item_id AND l.warehouse_id = b.warehouse_id",
            )?;
            let rows = stmt
                .query_map([], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })?;
        blobs
            .into_iter()
            .map(|(key, blob)| Ok((key, decode_layers(&blob)?)))
            .collect()
    }

    fn all_idempotency_records(&self) -> Result<Vec<(String, IdempotencyRecord)>> {
        run(|| {
            let mut stmt = self
                .conn()
                .prepare("SELECT key, operation, request, result FROM idempotency ORDER BY key")?;
            let rows = stmt
                .query_map([], |r| {
                    Ok((
                        r.get(0)?,
                        IdempotencyRecord {
                            operation: r.get(1)?,
                            request: r.get(2)?,
                            result: r.get(3)?,
                        },
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }

    fn keyed_movements(&self) -> Result<Vec<MovementRecord>> {
        run(|| {
            let mut stmt = self.conn().prepare(&format!(
                "SELECT {MOVEMENT_COLUMNS} {MOVEMENT_FROM}
                 WHERE m.idempotency_key IS NOT NULL ORDER BY m.id"
            ))?;
            let rows = stmt
                .query_map([], movement_from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }

    fn keyed_order_events(&self) -> Result<Vec<(String, i64)>> {
        run(|| {
            let mut stmt = self.conn().prepare(
                "SELECT idempotency_key, id FROM order_events
                 WHERE idempotency_key IS NOT NULL ORDER BY id",
            )?;
            let rows = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }
}
