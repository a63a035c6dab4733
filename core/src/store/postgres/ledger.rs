//! The ledger in PostgreSQL: movements (append-only, enforced by
//! triggers), balances, cost layers, and the scans `verify` replays.

use std::collections::VecDeque;

use jiff::Timestamp;
use postgres::Row;

use super::{at, instant, micros, run, stored, PgTx, SqlError, SqlResult};
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

fn balance_from(r: &Row, i: usize) -> SqlResult<Balance> {
    Ok(Balance {
        on_hand: Decimal::from_raw(at(r, i)?),
        reserved: Decimal::from_raw(at(r, i + 1)?),
        value: Decimal::from_raw(at(r, i + 2)?),
        rate: Decimal::from_raw(at(r, i + 3)?),
    })
}

/// item, sku, on_hand, reserved, value, rate, reorder_point.
fn level_from(r: &Row) -> SqlResult<LevelRow> {
    Ok(LevelRow {
        item: at(r, 0)?,
        sku: at(r, 1)?,
        balance: balance_from(r, 2)?,
        reorder_point: at::<Option<i64>>(r, 6)?.map(Decimal::from_raw),
    })
}

/// Balance totals of items, one warehouse or all; `item_id > after`.
/// (`SUM` of `BIGINT` is `NUMERIC` here: cast back, an overflow is an error.)
const LEVELS_SQL: &str = "
    SELECT i.id, i.sku, COALESCE(SUM(b.on_hand), 0)::int8, COALESCE(SUM(b.reserved), 0)::int8,
           COALESCE(SUM(b.value), 0)::int8, 0::int8, i.reorder_point
    FROM items i
    LEFT JOIN balances b ON b.item_id = i.id AND ($1::int8 IS NULL OR b.warehouse_id = $1)
    WHERE i.id > $2 AND ($3::int8 IS NULL OR i.id = $3) AND (NOT $4 OR i.active)
    GROUP BY i.id
    HAVING NOT $5 OR (i.reorder_point IS NOT NULL
                      AND COALESCE(SUM(b.on_hand), 0) - COALESCE(SUM(b.reserved), 0)
                          <= i.reorder_point)
    ORDER BY i.id
    LIMIT $6";

const MOVEMENT_COLUMNS: &str =
    "m.id, m.item_id, i.sku, m.warehouse_id, w.code, m.quantity, m.reason, m.unit_cost,
     m.value_change, m.balance_after, m.value_after, m.effective_at, m.recorded_at, m.actor,
     m.reference, m.note, m.idempotency_key, m.transfer_id, m.purchase_line_id, m.order_id,
     m.order_event_id";
const MOVEMENT_FROM: &str = "FROM movements m
     JOIN items i ON i.id = m.item_id JOIN warehouses w ON w.id = m.warehouse_id";

fn movement_from_row(r: &Row) -> SqlResult<MovementRecord> {
    Ok(MovementRecord {
        id: at(r, 0)?,
        item: at(r, 1)?,
        sku: at(r, 2)?,
        warehouse: at(r, 3)?,
        warehouse_code: at(r, 4)?,
        quantity: Decimal::from_raw(at(r, 5)?),
        reason: stored(Reason::from_stored(at(r, 6)?))?,
        unit_cost: Decimal::from_raw(at::<Option<i64>>(r, 7)?.unwrap_or(0)),
        value_change: Decimal::from_raw(at(r, 8)?),
        balance_after: Decimal::from_raw(at(r, 9)?),
        value_after: Decimal::from_raw(at(r, 10)?),
        effective_at: instant(at(r, 11)?),
        recorded_at: instant(at(r, 12)?),
        actor: at(r, 13)?,
        reference: at(r, 14)?,
        note: at(r, 15)?,
        idempotency_key: at(r, 16)?,
        transfer_id: at(r, 17)?,
        purchase_line_id: at(r, 18)?,
        order_id: at(r, 19)?,
        order_event_id: at(r, 20)?,
    })
}

impl LedgerReads for PgTx<'_> {
    fn balance(&self, item: i64, warehouse: i64) -> Result<Option<Balance>> {
        run(|| {
            self.locked(item)?;
            if self.shares_the_shop() {
                // Read with the item's lock.
                return Ok(self.locked_stock.borrow().get(&(item, warehouse)).copied());
            }
            self.pg()
                .opt(
                    "SELECT on_hand, reserved, value, rate FROM balances
                     WHERE item_id = $1 AND warehouse_id = $2",
                    &[&item, &warehouse],
                )?
                .map(|r| balance_from(&r, 0))
                .transpose()
        })
    }

    fn cost_layers(&self, item: i64, warehouse: i64) -> Result<VecDeque<Layer>> {
        let blob: Option<Vec<u8>> = run(|| {
            self.locked(item)?;
            self.pg()
                .opt(
                    "SELECT layers FROM cost_layers WHERE item_id = $1 AND warehouse_id = $2",
                    &[&item, &warehouse],
                )?
                .map(|r| at(&r, 0))
                .transpose()
        })?;
        decode_layers(&blob.unwrap_or_default())
    }

    fn level(&self, item: i64, warehouse: i64) -> Result<Option<(LevelRow, bool)>> {
        run(|| {
            self.pg()
                .opt(
                    "SELECT i.id, i.sku, COALESCE(b.on_hand, 0), COALESCE(b.reserved, 0),
                            COALESCE(b.value, 0), 0::int8, i.reorder_point, b.item_id IS NOT NULL
                     FROM items i
                     LEFT JOIN balances b ON b.item_id = i.id AND b.warehouse_id = $2
                     WHERE i.id = $1",
                    &[&item, &warehouse],
                )?
                .map(|r| Ok((level_from(&r)?, at::<bool>(&r, 7)?)))
                .transpose()
        })
    }

    fn levels(&self, q: &LevelQuery, only_item: Option<i64>) -> Result<Vec<LevelRow>> {
        run(|| {
            self.pg()
                .rows(
                    LEVELS_SQL,
                    &[
                        &q.warehouse,
                        &q.after,
                        &only_item,
                        &q.active_only,
                        &q.low_stock_only,
                        &i64::from(q.limit),
                    ],
                )?
                .iter()
                .map(level_from)
                .collect()
        })
    }

    fn levels_by_warehouse(&self, item: i64) -> Result<Vec<(i64, LevelRow)>> {
        run(|| {
            self.pg()
                .rows(
                    "SELECT i.id, i.sku, b.on_hand, b.reserved, b.value, b.rate, i.reorder_point,
                            b.warehouse_id
                     FROM balances b JOIN items i ON i.id = b.item_id
                     WHERE b.item_id = $1 ORDER BY b.warehouse_id",
                    &[&item],
                )?
                .iter()
                .map(|r| Ok((at(r, 7)?, level_from(r)?)))
                .collect()
        })
    }

    fn stock_value(&self, warehouse: Option<i64>) -> Result<Decimal> {
        stock_value(self.warehouse_values()?, warehouse)
    }

    fn item_totals(&self, item: i64) -> Result<[i128; 3]> {
        run(|| {
            self.locked(item)?;
            let mut totals = [0i128; 3];
            if self.shares_the_shop() {
                for ((i, _), b) in self.locked_stock.borrow().iter() {
                    if *i == item {
                        totals[0] += i128::from(b.on_hand.raw());
                        totals[1] += i128::from(b.reserved.raw());
                        totals[2] += i128::from(b.value.raw());
                    }
                }
                return Ok(totals);
            }
            for r in self.pg().rows(
                "SELECT on_hand, reserved, value FROM balances WHERE item_id = $1",
                &[&item],
            )? {
                for (i, total) in totals.iter_mut().enumerate() {
                    *total += i128::from(at::<i64>(&r, i)?);
                }
            }
            Ok(totals)
        })
    }

    fn warehouse_values(&self) -> Result<Vec<(i64, Decimal)>> {
        run(|| {
            // The stored values plus the changes this write still keeps,
            // which stay kept (one round trip less at a posting's end).
            let mut values: Vec<(i64, i64)> = self
                .pg()
                .rows_beside_deferred(
                    "SELECT warehouse_id, sum(value)::int8 FROM warehouse_values
                     GROUP BY warehouse_id",
                    &[],
                )?
                .iter()
                .map(|r| Ok((at(r, 0)?, at(r, 1)?)))
                .collect::<SqlResult<_>>()?;
            let overflow = || {
                SqlError(Error::Storage {
                    reason: "a warehouse's stock value is past the range Racine keeps".into(),
                    source: None,
                })
            };
            for (warehouse, change) in self.pg().deferred_values() {
                match values.iter_mut().find(|(w, _)| *w == warehouse) {
                    Some((_, v)) => *v = v.checked_add(change).ok_or_else(overflow)?,
                    None => values.push((warehouse, change)),
                }
            }
            values.sort_unstable();
            Ok(values
                .into_iter()
                .map(|(w, v)| (w, Decimal::from_raw(v)))
                .collect())
        })
    }

    fn totals_as_of(
        &self,
        item: i64,
        warehouse: Option<i64>,
        at_: Timestamp,
    ) -> Result<(Decimal, Decimal)> {
        run(|| {
            // Summed per warehouse (each a past balance, within range), then
            // across warehouses wide.
            let (mut q, mut v) = (0i128, 0i128);
            for r in self.pg().rows(
                "SELECT COALESCE(SUM(quantity), 0)::int8, COALESCE(SUM(value_change), 0)::int8
                 FROM movements
                 WHERE item_id = $1 AND ($2::int8 IS NULL OR warehouse_id = $2) AND effective_at <= $3
                 GROUP BY warehouse_id",
                &[&item, &warehouse, &micros(at_)],
            )? {
                q += i128::from(at::<i64>(&r, 0)?);
                v += i128::from(at::<i64>(&r, 1)?);
            }
            let narrow = |x: i128| {
                i64::try_from(x).map(Decimal::from_raw).map_err(|_| {
                    SqlError::from(Error::Storage {
                        reason: format!(
                            "the stock of item {item} as of {at_} exceeds the decimal range"
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
            self.locked(item)?;
            let pg = self.pg();
            // Nothing later: the balance now is the only one to check.
            let later: bool = at(
                &pg.one(
                    "SELECT EXISTS (SELECT 1 FROM movements
                     WHERE item_id = $1 AND warehouse_id = $2 AND effective_at > $3)",
                    &[&item, &warehouse, &micros(from)],
                )?,
                0,
            )?;
            if !later {
                return Ok(None);
            }
            // The default frame includes peers: the balance at the end of
            // each instant, not partway through it.
            pg.opt(
                "SELECT running, effective_at FROM (
                     SELECT (SUM(quantity) OVER (ORDER BY effective_at))::int8 AS running,
                            effective_at
                     FROM movements WHERE item_id = $1 AND warehouse_id = $2) s
                 WHERE effective_at >= $3
                 ORDER BY running, effective_at LIMIT 1",
                &[&item, &warehouse, &micros(from)],
            )?
            .map(|r| Ok((Decimal::from_raw(at(&r, 0)?), instant(at(&r, 1)?))))
            .transpose()
        })
    }

    fn movement(&self, id: i64) -> Result<Option<MovementRecord>> {
        run(|| {
            self.pg()
                .opt(
                    &format!("SELECT {MOVEMENT_COLUMNS} {MOVEMENT_FROM} WHERE m.id = $1"),
                    &[&id],
                )?
                .map(|r| movement_from_row(&r))
                .transpose()
        })
    }

    fn movements(&self, filter: &MovementFilter, limit: u32) -> Result<Vec<MovementRecord>> {
        let mut rows = Vec::new();
        matching_movements(
            self,
            filter,
            MOVEMENT_COLUMNS,
            Some(i64::from(limit)),
            &mut |r| {
                rows.push(run(|| movement_from_row(r))?);
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
        matching_movements(self, filter, MOVEMENT_COLUMNS, None, &mut |r| {
            f(&run(|| movement_from_row(r))?)
        })
    }

    fn count_movements(&self, filter: &MovementFilter) -> Result<u64> {
        let mut count = 0;
        matching_movements(self, filter, "COUNT(*)", None, &mut |r| {
            count = run(|| at::<i64>(r, 0))?.try_into().unwrap_or(0);
            Ok(())
        })?;
        Ok(count)
    }
}

/// Runs the one query of the movement history (`columns` of the movements
/// matching `filter`, up to `limit` rows, `None` for all) and hands each
/// row to `f` as the server sends it.
fn matching_movements(
    tx: &PgTx<'_>,
    filter: &MovementFilter,
    columns: &str,
    limit: Option<i64>,
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
    // A count has no order.
    let order = if columns.starts_with("COUNT") {
        String::new()
    } else {
        format!("ORDER BY m.id {dir}")
    };
    // LIMIT NULL: no limit.
    let sql = format!(
        "SELECT {columns} {MOVEMENT_FROM}
         WHERE ($1::int8 IS NULL OR m.id {cmp} $1)
           AND ($2::int8 IS NULL OR m.item_id = $2)
           AND ($3::int8 IS NULL OR m.warehouse_id = $3)
           AND ($4::text IS NULL OR m.reason = $4)
           AND ($5::int8 IS NULL OR m.effective_at >= $5)
           AND ($6::int8 IS NULL OR m.effective_at < $6)
           AND ($7::text IS NULL OR m.reference = $7)
         {order} LIMIT $8"
    );
    tx.pg().each(
        &sql,
        &[
            &filter.page.after,
            &item,
            &filter.warehouse,
            &filter.reason.map(Reason::as_str),
            &filter.from.map(micros),
            &filter.to.map(micros),
            &filter.reference.as_deref(),
            &limit,
        ],
        f,
    )
}

/// Stripes of a warehouse's kept value.
const STRIPES: i64 = 64;

impl PgTx<'_> {
    /// The id the next movement gets, taken from the sequence once asked
    /// for (a receipt's cost layer names it before it is appended).
    fn movement_id(&self) -> SqlResult<i64> {
        if let Some(id) = self.next_movement_id.get() {
            return Ok(id);
        }
        let id = at(&self.pg().one("SELECT nextval('movement_ids')", &[])?, 0)?;
        self.next_movement_id.set(Some(id));
        Ok(id)
    }
}

impl LedgerWrites for PgTx<'_> {
    fn next_movement_id(&self) -> Result<i64> {
        run(|| self.movement_id())
    }

    fn append_movement(&self, m: &NewMovement<'_>) -> Result<i64> {
        run(|| {
            self.locked(m.item)?;
            // A transfer's outgoing leg names itself (and its incoming leg
            // names it) without ever updating a ledger row: its id is asked
            // for first. Any other movement takes it in the insert.
            let id = match (self.next_movement_id.take(), m.transfer) {
                (Some(id), _) => Some(id),
                (None, TransferLeg::Out) => Some(self.movement_id()?),
                (None, _) => None,
            };
            // Given now: the next movement asks for its own.
            self.next_movement_id.set(None);
            let transfer_id = match m.transfer {
                TransferLeg::None => None,
                TransferLeg::Out => id,
                TransferLeg::In(out) => Some(out),
            };
            let row = self.pg().one(
                "INSERT INTO movements(id, item_id, warehouse_id, quantity, reason, unit_cost,
                     value_change, inbound_value, balance_after, value_after, effective_at,
                     recorded_at, actor, reference, note, idempotency_key, transfer_id,
                     purchase_line_id, order_id, order_event_id, outgoing_rate)
                 VALUES (COALESCE($1, nextval('movement_ids')), $2, $3, $4, $5, $6, $7, $8, $9,
                         $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
                 RETURNING id",
                &[
                    &id,
                    &m.item,
                    &m.warehouse,
                    &m.quantity.raw(),
                    &m.reason.as_str(),
                    &m.unit_cost.raw(),
                    &m.value_change.raw(),
                    &m.inbound_value.map(Decimal::raw),
                    &m.balance_after.raw(),
                    &m.value_after.raw(),
                    &micros(m.effective_at),
                    &micros(m.recorded_at),
                    &m.actor,
                    &m.reference,
                    &m.note,
                    &m.idempotency_key,
                    &transfer_id,
                    &m.purchase_line_id,
                    &m.order_id,
                    &m.order_event_id,
                    &m.outgoing_rate.map(Decimal::raw),
                ],
            )?;
            at(&row, 0)
        })
    }

    fn put_balance(&self, item: i64, warehouse: i64, b: &Balance) -> Result<()> {
        run(|| {
            self.locked(item)?;
            if self.shares_the_shop() {
                self.locked_stock.borrow_mut().insert((item, warehouse), *b);
            }
            self.pg().defer(|d| d.balance(item, warehouse, *b));
            Ok(())
        })
    }

    fn add_to_warehouse_values(&self, changes: &[ValueChange]) -> Result<()> {
        // A stripe per item id modulo 64: writes of different items seldom
        // wait on the same row. Sorted, so that two writes lock their
        // stripes in the same order.
        let mut stripes: Vec<(i64, i64, i64)> = Vec::new();
        for c in changes {
            let stripe = c.item.rem_euclid(STRIPES);
            match stripes
                .iter_mut()
                .find(|(w, s, _)| *w == c.warehouse && *s == stripe)
            {
                Some((_, _, total)) => *total += c.change,
                None => stripes.push((c.warehouse, stripe, c.change)),
            }
        }
        for (warehouse, stripe, change) in stripes {
            self.pg().defer(|d| d.value(warehouse, stripe, change));
        }
        Ok(())
    }

    fn put_cost_layers(&self, item: i64, warehouse: i64, layers: &VecDeque<Layer>) -> Result<()> {
        run(|| {
            self.locked(item)?;
            let encoded = (!layers.is_empty()).then(|| encode_layers(layers));
            self.pg().defer(|d| d.layers(item, warehouse, encoded));
            Ok(())
        })
    }
}

impl AuditReads for PgTx<'_> {
    fn dangling_references(&self, limit: usize) -> Result<(Vec<ReferenceDrift>, u64)> {
        // The foreign keys still declared (master data, purchases, the
        // CRM) are checked by PostgreSQL on every write, and cannot be
        // switched off per connection as on SQLite: only the lifted ones
        // are proven here.
        run(|| {
            let mut found = Vec::new();
            let mut total = 0u64;
            for (table, parent, sql) in REFERENCES {
                for r in self.pg().rows(sql, &[])? {
                    total += 1;
                    if found.len() < limit {
                        found.push(ReferenceDrift {
                            table: table.to_string(),
                            row: at(&r, 0)?,
                            missing: parent.to_string(),
                        });
                    }
                }
            }
            Ok((found, total))
        })
    }

    fn valuation_methods(&self) -> Result<Vec<(i64, ValuationMethod)>> {
        run(|| {
            self.pg()
                .rows("SELECT id, valuation FROM items", &[])?
                .iter()
                .map(|r| Ok((at(r, 0)?, stored(ValuationMethod::from_stored(at(r, 1)?))?)))
                .collect()
        })
    }

    fn for_each_movement(&self, f: &mut dyn FnMut(RecordedMovement) -> Result<()>) -> Result<()> {
        self.pg().each(
            "SELECT id, item_id, warehouse_id, quantity, value_change, inbound_value,
                    balance_after, value_after, outgoing_rate
             FROM movements ORDER BY id",
            &[],
            &mut |r| {
                let m = run(|| {
                    Ok(RecordedMovement {
                        id: at(r, 0)?,
                        item: at(r, 1)?,
                        warehouse: at(r, 2)?,
                        quantity: Decimal::from_raw(at(r, 3)?),
                        value_change: Decimal::from_raw(at(r, 4)?),
                        inbound_value: at::<Option<i64>>(r, 5)?.map(Decimal::from_raw),
                        outgoing_rate: at::<Option<i64>>(r, 8)?.map(Decimal::from_raw),
                        balance_after: Decimal::from_raw(at(r, 6)?),
                        value_after: Decimal::from_raw(at(r, 7)?),
                    })
                })?;
                f(m)
            },
        )
    }

    fn all_balances(&self) -> Result<Vec<((i64, i64), Balance)>> {
        run(|| {
            self.pg()
                .rows(
                    "SELECT item_id, warehouse_id, on_hand, reserved, value, rate FROM balances",
                    &[],
                )?
                .iter()
                .map(|r| Ok(((at(r, 0)?, at(r, 1)?), balance_from(r, 2)?)))
                .collect()
        })
    }

    fn pending_totals(&self) -> Result<Vec<((i64, i64), Decimal)>> {
        run(|| {
            self.pg()
                .rows(
                    "SELECT item_id, warehouse_id, SUM(pending)::int8 FROM reservations
                     WHERE status = $1 GROUP BY item_id, warehouse_id",
                    &[&crate::orders::ReservationStatus::Pending.as_str()],
                )?
                .iter()
                .map(|r| Ok(((at(r, 0)?, at(r, 1)?), Decimal::from_raw(at(r, 2)?))))
                .collect()
        })
    }

    fn all_cost_layers(&self) -> Result<Vec<KeyedLayers>> {
        let blobs: Vec<((i64, i64), Vec<u8>)> = run(|| {
            self.pg()
                .rows(
                    "SELECT b.item_id, b.warehouse_id, COALESCE(l.layers, ''::bytea)
                     FROM balances b
                     LEFT JOIN cost_layers l
                            ON l.item_id = b.item_id AND l.warehouse_id = b.warehouse_id",
                    &[],
                )?
                .iter()
                .map(|r| Ok(((at(r, 0)?, at(r, 1)?), at(r, 2)?)))
                .collect()
        })?;
        blobs
            .into_iter()
            .map(|(key, blob)| Ok((key, decode_layers(&blob)?)))
            .collect()
    }

    fn all_idempotency_records(&self) -> Result<Vec<(String, IdempotencyRecord)>> {
        run(|| {
            self.pg()
                .rows(
                    "SELECT key, operation, request, result FROM idempotency ORDER BY key COLLATE \"C\"",
                    &[],
                )?
                .iter()
                .map(|r| {
                    Ok((
                        at(r, 0)?,
                        IdempotencyRecord {
                            operation: at(r, 1)?,
                            request: at(r, 2)?,
                            result: at(r, 3)?,
                        },
                    ))
                })
                .collect()
        })
    }

    fn keyed_movements(&self) -> Result<Vec<MovementRecord>> {
        run(|| {
            self.pg()
                .rows(
                    &format!(
                        "SELECT {MOVEMENT_COLUMNS} {MOVEMENT_FROM}
                         WHERE m.idempotency_key IS NOT NULL ORDER BY m.id"
                    ),
                    &[],
                )?
                .iter()
                .map(movement_from_row)
                .collect()
        })
    }

    fn keyed_order_events(&self) -> Result<Vec<(String, i64)>> {
        run(|| {
            self.pg()
                .rows(
                    "SELECT idempotency_key, id FROM order_events
                     WHERE idempotency_key IS NOT NULL ORDER BY id",
                    &[],
                )?
                .iter()
                .map(|r| Ok((at(r, 0)?, at(r, 1)?)))
                .collect()
        })
    }
}
