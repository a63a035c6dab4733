//! Reading stock: balances, valuation, as-of replays and movement history.

use jiff::Timestamp;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::db::{from_micros, Database};
use crate::decimal::Decimal;
use crate::error::{Error, Result};
use crate::ledger::movement::{MovementRecord, Reason};
use crate::page::{Page, PageRequest};
use crate::{items, warehouses};

/// Stock of one item, in one warehouse or across all of them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockLevel {
    /// Item id.
    pub item: i64,
    /// Item SKU.
    pub sku: String,
    /// Warehouse id; `None` for the total over all warehouses.
    pub warehouse: Option<i64>,
    /// Physically present.
    pub on_hand: Decimal,
    /// Promised to pending reservations.
    pub reserved: Decimal,
    /// On hand minus reserved: what can still be sold or issued.
    pub available: Decimal,
    /// Stock value under the item's valuation method.
    pub value: Decimal,
    /// Value per unit on hand (0 when nothing is on hand).
    pub unit_value: Decimal,
    /// The item's low-stock threshold.
    pub reorder_point: Option<Decimal>,
}

/// Stock and value as of a past instant, replayed from the ledger.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockAt {
    /// Item id.
    pub item: i64,
    /// Warehouse id; `None` for all warehouses.
    pub warehouse: Option<i64>,
    /// The instant (movements effective at or before it count).
    pub at: Timestamp,
    /// Quantity on hand then.
    pub on_hand: Decimal,
    /// Stock value then.
    pub value: Decimal,
}

/// Filters for [`Database::stock_levels`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StockFilter {
    /// One warehouse; totals over all warehouses when absent.
    pub warehouse: Option<i64>,
    /// Only items whose available quantity is at or below their reorder point.
    pub low_stock_only: bool,
    /// Only active items (default: all).
    pub active_only: bool,
    /// Page size and cursor (by item id).
    #[serde(flatten)]
    pub page: PageRequest,
}

/// Order of a movement listing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    /// Most recently recorded first.
    #[default]
    NewestFirst,
    /// Ledger order.
    OldestFirst,
}

/// Filters for [`Database::movements`]. All given filters must hold.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MovementFilter {
    /// Only this item.
    pub item: Option<i64>,
    /// Only this warehouse.
    pub warehouse: Option<i64>,
    /// Only this reason.
    pub reason: Option<Reason>,
    /// Effective at or after this instant.
    pub from: Option<Timestamp>,
    /// Effective strictly before this instant.
    pub to: Option<Timestamp>,
    /// Only this exact external reference.
    pub reference: Option<String>,
    /// Newest first (default) or oldest first.
    pub order: SortOrder,
    /// Page size and cursor (a movement id).
    #[serde(flatten)]
    pub page: PageRequest,
}

fn level_from_row(r: &Row, warehouse: Option<i64>) -> rusqlite::Result<StockLevel> {
    let on_hand = Decimal::from_raw(r.get(2)?);
    let reserved = Decimal::from_raw(r.get(3)?);
    let value = Decimal::from_raw(r.get(4)?);
    Ok(StockLevel {
        item: r.get(0)?,
        sku: r.get(1)?,
        warehouse,
        on_hand,
        reserved,
        available: Decimal::from_raw(on_hand.raw().saturating_sub(reserved.raw())),
        value,
        unit_value: if on_hand.is_positive() {
            value.checked_div(on_hand).unwrap_or_default()
        } else {
            Decimal::ZERO
        },
        reorder_point: r.get::<_, Option<i64>>(5)?.map(Decimal::from_raw),
    })
}

/// Balance totals of items, one warehouse or all; `item_id > after`.
const LEVELS_SQL: &str = "
    SELECT i.id, i.sku, COALESCE(SUM(b.on_hand), 0), COALESCE(SUM(b.reserved), 0),
           COALESCE(SUM(b.value), 0), i.reorder_point
    FROM items i
    LEFT JOIN balances b ON b.item_id = i.id AND (?1 IS NULL OR b.warehouse_id = ?1)
    WHERE i.id > ?2 AND (?3 IS NULL OR i.id = ?3) AND (?4 = 0 OR i.active = 1)
    GROUP BY i.id
    HAVING ?5 = 0 OR (i.reorder_point IS NOT NULL
                      AND COALESCE(SUM(b.on_hand), 0) - COALESCE(SUM(b.reserved), 0)
                          <= i.reorder_point)
    ORDER BY i.id
    LIMIT ?6";

fn check_warehouse(conn: &Connection, warehouse: Option<i64>) -> Result<()> {
    if let Some(w) = warehouse {
        warehouses::get(conn, w)?;
    }
    Ok(())
}

impl Database {
    /// Stock of `item` in `warehouse`, or across all warehouses when `None`.
    ///
    /// Served by the balance table: one indexed read, whatever the ledger size.
    pub fn stock(&self, item: i64, warehouse: Option<i64>) -> Result<StockLevel> {
        let conn = self.lock();
        let level = match warehouse {
            // The hot path: one primary-key probe of each table.
            Some(w) => conn
                .prepare_cached(
                    "SELECT i.id, i.sku, COALESCE(b.on_hand, 0), COALESCE(b.reserved, 0),
                            COALESCE(b.value, 0), i.reorder_point, b.item_id IS NOT NULL
                     FROM items i
                     LEFT JOIN balances b ON b.item_id = i.id AND b.warehouse_id = ?2
                     WHERE i.id = ?1",
                )?
                .query_row(params![item, w], |r| {
                    Ok((level_from_row(r, warehouse)?, r.get::<_, bool>(6)?))
                })
                .optional()?
                .map(|(level, has_balance)| (level, !has_balance)),
            None => conn
                .prepare_cached(LEVELS_SQL)?
                .query_row(params![None::<i64>, 0, item, 0, 0, 1], |r| {
                    level_from_row(r, None)
                })
                .optional()?
                .map(|level| (level, false)),
        };
        let Some((level, check)) = level else {
            return Err(Error::not_found("item", item));
        };
        if check {
            check_warehouse(&conn, warehouse)?;
        }
        Ok(level)
    }

    /// Stock of `item` in each warehouse that ever held it.
    pub fn stock_by_warehouse(&self, item: i64) -> Result<Vec<StockLevel>> {
        let conn = self.lock();
        items::get(&conn, item)?;
        let mut stmt = conn.prepare_cached(
            "SELECT i.id, i.sku, b.on_hand, b.reserved, b.value, i.reorder_point, b.warehouse_id
             FROM balances b JOIN items i ON i.id = b.item_id
             WHERE b.item_id = ?1 ORDER BY b.warehouse_id",
        )?;
        let rows = stmt
            .query_map([item], |r| level_from_row(r, Some(r.get(6)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Stock of every item (totals, or in one warehouse), one page at a time.
    pub fn stock_levels(&self, filter: &StockFilter) -> Result<Page<StockLevel>> {
        let limit = filter.page.limit()?;
        let conn = self.lock();
        check_warehouse(&conn, filter.warehouse)?;
        let mut stmt = conn.prepare_cached(LEVELS_SQL)?;
        let rows = stmt
            .query_map(
                params![
                    filter.warehouse,
                    filter.page.after.unwrap_or(0),
                    None::<i64>,
                    filter.active_only,
                    filter.low_stock_only,
                    limit + 1
                ],
                |r| level_from_row(r, filter.warehouse),
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Page::from_rows(rows, limit, |l| l.item))
    }

    /// Total stock value, in one warehouse or all.
    pub fn stock_value(&self, warehouse: Option<i64>) -> Result<Decimal> {
        let conn = self.lock();
        check_warehouse(&conn, warehouse)?;
        let raw: i64 = conn
            .prepare_cached(
                "SELECT COALESCE(SUM(value), 0) FROM balances WHERE ?1 IS NULL OR warehouse_id = ?1",
            )?
            .query_row([warehouse], |r| r.get(0))?;
        Ok(Decimal::from_raw(raw))
    }

    /// Stock and value of `item` as of `at` (movements effective at or before
    /// it), in one warehouse or all.
    ///
    /// ```
    /// use racine::{Database, Movement, NewItem};
    /// let db = Database::open_in_memory()?;
    /// let item = db.create_item(&NewItem::new("SOAP", "Soap"))?.id;
    /// let monday: jiff::Timestamp = "2025-11-24T09:00:00Z".parse().unwrap();
    /// let tuesday: jiff::Timestamp = "2025-11-25T09:00:00Z".parse().unwrap();
    /// db.post(&Movement::receipt(item, "10".parse()?, "2".parse()?).effective_at(monday))?;
    /// db.post(&Movement::issue(item, "4".parse()?).effective_at(tuesday))?;
    /// let then = db.stock_as_of(item, None, monday)?;
    /// assert_eq!((then.on_hand.to_string(), then.value.to_string()), ("10".into(), "20".into()));
    /// # Ok::<(), racine::Error>(())
    /// ```
    pub fn stock_as_of(&self, item: i64, warehouse: Option<i64>, at: Timestamp) -> Result<StockAt> {
        let conn = self.lock();
        items::get(&conn, item)?;
        check_warehouse(&conn, warehouse)?;
        let (q, v): (i64, i64) = conn
            .prepare_cached(
                "SELECT COALESCE(SUM(quantity), 0), COALESCE(SUM(value_change), 0)
                 FROM movements
                 WHERE item_id = ?1 AND (?2 IS NULL OR warehouse_id = ?2) AND effective_at <= ?3",
            )?
            .query_row(params![item, warehouse, at.as_microsecond()], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        Ok(StockAt {
            item,
            warehouse,
            at,
            on_hand: Decimal::from_raw(q),
            value: Decimal::from_raw(v),
        })
    }

    /// Movement history matching `filter`, one page at a time.
    ///
    /// ```
    /// use racine::{Database, Movement, MovementFilter, NewItem, PageRequest, Reason};
    /// let db = Database::open_in_memory()?;
    /// let item = db.create_item(&NewItem::new("CUP", "Cup"))?.id;
    /// db.post(&Movement::receipt(item, "10".parse()?, "1".parse()?))?;
    /// for _ in 0..3 {
    ///     db.post(&Movement::adjustment(item, "-1".parse()?, Reason::Breakage))?;
    /// }
    /// let mut filter = MovementFilter { reason: Some(Reason::Breakage), page: PageRequest::first(2), ..Default::default() };
    /// let first = db.movements(&filter)?;           // newest first
    /// filter.page.after = first.next;
    /// let second = db.movements(&filter)?;
    /// assert_eq!((first.items.len(), second.items.len(), second.next), (2, 1, None));
    /// # Ok::<(), racine::Error>(())
    /// ```
    pub fn movements(&self, filter: &MovementFilter) -> Result<Page<MovementRecord>> {
        let limit = filter.page.limit()?;
        if let (Some(from), Some(to)) = (filter.from, filter.to) {
            if from >= to {
                return Err(Error::invalid(
                    "to",
                    format!("the period [{from}, {to}) is empty"),
                ));
            }
        }
        let (cmp, dir) = match filter.order {
            SortOrder::NewestFirst => ("<", "DESC"),
            SortOrder::OldestFirst => (">", "ASC"),
        };
        let sql = format!(
            "SELECT {MOVEMENT_COLUMNS} {MOVEMENT_FROM}
             WHERE (?1 IS NULL OR m.id {cmp} ?1)
               AND (?2 IS NULL OR m.item_id = ?2)
               AND (?3 IS NULL OR m.warehouse_id = ?3)
               AND (?4 IS NULL OR m.reason = ?4)
               AND (?5 IS NULL OR m.effective_at >= ?5)
               AND (?6 IS NULL OR m.effective_at < ?6)
               AND (?7 IS NULL OR m.reference = ?7)
             ORDER BY m.id {dir} LIMIT ?8"
        );
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt
            .query_map(
                params![
                    filter.page.after,
                    filter.item,
                    filter.warehouse,
                    filter.reason.map(Reason::as_str),
                    filter.from.map(|t| t.as_microsecond()),
                    filter.to.map(|t| t.as_microsecond()),
                    filter.reference,
                    limit + 1
                ],
                movement_from_row,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Page::from_rows(rows, limit, |m| m.id))
    }
}

pub(crate) const MOVEMENT_COLUMNS: &str =
    "m.id, m.item_id, i.sku, m.warehouse_id, w.code, m.quantity, m.reason, m.unit_cost,
     m.value_change, m.balance_after, m.value_after, m.effective_at, m.recorded_at, m.actor,
     m.reference, m.note, m.idempotency_key, m.transfer_id, m.purchase_line_id, m.order_id,
     m.order_event_id";
pub(crate) const MOVEMENT_FROM: &str = "FROM movements m
     JOIN items i ON i.id = m.item_id JOIN warehouses w ON w.id = m.warehouse_id";

pub(crate) fn movement_from_row(r: &Row) -> rusqlite::Result<MovementRecord> {
    let reason: String = r.get(6)?;
    Ok(MovementRecord {
        id: r.get(0)?,
        item: r.get(1)?,
        sku: r.get(2)?,
        warehouse: r.get(3)?,
        warehouse_code: r.get(4)?,
        quantity: Decimal::from_raw(r.get(5)?),
        reason: Reason::parse(&reason).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(6, rusqlite::types::Type::Text, Box::new(e))
        })?,
        unit_cost: Decimal::from_raw(r.get::<_, Option<i64>>(7)?.unwrap_or(0)),
        value_change: Decimal::from_raw(r.get(8)?),
        balance_after: Decimal::from_raw(r.get(9)?),
        value_after: Decimal::from_raw(r.get(10)?),
        effective_at: from_micros(r.get(11)?),
        recorded_at: from_micros(r.get(12)?),
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
