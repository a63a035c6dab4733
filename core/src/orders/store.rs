//! SQL for orders, lines, reservations and events.

use rusqlite::{params, Connection, OptionalExtension};

use super::model::{Customer, Order, OrderEvent, OrderLine, OrderStatus, Reservation};
use crate::db::{from_micros, now_micros};
use crate::decimal::Decimal;
use crate::error::{Error, Result};

/// The order row's state that events check.
pub(crate) struct Head {
    pub id: i64,
    pub external_id: String,
    pub status: OrderStatus,
    pub paid: bool,
}

/// A line as stored, mutable during an event.
#[derive(Clone, Debug)]
pub(crate) struct LineRow {
    pub id: i64,
    pub line_no: u32,
    pub item: i64,
    pub warehouse: i64,
    pub quantity: Decimal,
    pub out_quantity: Decimal,
    pub out_value: Decimal,
    pub fulfilled: Decimal,
    pub returned: Decimal,
    pub restocked: Decimal,
}

/// A pending reservation.
pub(crate) struct PendingReservation {
    pub id: i64,
    pub line_id: i64,
    pub item: i64,
    pub warehouse: i64,
    pub pending: Decimal,
}

pub(crate) fn head(conn: &Connection, external_id: &str) -> Result<Head> {
    conn.prepare_cached("SELECT id, status, paid FROM orders WHERE external_id = ?1")?
        .query_row([external_id], |r| {
            Ok(Head {
                id: r.get(0)?,
                external_id: external_id.to_string(),
                status: OrderStatus::parse(&r.get::<_, String>(1)?),
                paid: r.get(2)?,
            })
        })
        .optional()?
        .ok_or_else(|| Error::not_found("order", external_id))
}

pub(crate) fn exists(conn: &Connection, external_id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS(SELECT 1 FROM orders WHERE external_id = ?1)")?
        .query_row([external_id], |r| r.get(0))?)
}

pub(crate) fn lines(conn: &Connection, order_id: i64) -> Result<Vec<LineRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, line_no, item_id, warehouse_id, quantity, out_quantity, out_value,
                fulfilled, returned, restocked
         FROM order_lines WHERE order_id = ?1 ORDER BY line_no",
    )?;
    let rows = stmt
        .query_map([order_id], |r| {
            Ok(LineRow {
                id: r.get(0)?,
                line_no: r.get(1)?,
                item: r.get(2)?,
                warehouse: r.get(3)?,
                quantity: Decimal::from_raw(r.get(4)?),
                out_quantity: Decimal::from_raw(r.get(5)?),
                out_value: Decimal::from_raw(r.get(6)?),
                fulfilled: Decimal::from_raw(r.get(7)?),
                returned: Decimal::from_raw(r.get(8)?),
                restocked: Decimal::from_raw(r.get(9)?),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub(crate) fn save_line(conn: &Connection, l: &LineRow) -> Result<()> {
    conn.prepare_cached(
        "UPDATE order_lines SET out_quantity = ?2, out_value = ?3, fulfilled = ?4,
                returned = ?5, restocked = ?6 WHERE id = ?1",
    )?
    .execute(params![
        l.id,
        l.out_quantity.raw(),
        l.out_value.raw(),
        l.fulfilled.raw(),
        l.returned.raw(),
        l.restocked.raw()
    ])?;
    Ok(())
}

pub(crate) fn pending_reservations(
    conn: &Connection,
    order_id: i64,
) -> Result<Vec<PendingReservation>> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.id, r.order_line_id, r.item_id, r.warehouse_id, r.pending
         FROM reservations r JOIN order_lines l ON l.id = r.order_line_id
         WHERE l.order_id = ?1 AND r.status = 'pending' ORDER BY r.id",
    )?;
    let rows = stmt
        .query_map([order_id], |r| {
            Ok(PendingReservation {
                id: r.get(0)?,
                line_id: r.get(1)?,
                item: r.get(2)?,
                warehouse: r.get(3)?,
                pending: Decimal::from_raw(r.get(4)?),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Sets what is still pending; a reservation left at zero takes `resolved`.
pub(crate) fn resolve_reservation(
    conn: &Connection,
    id: i64,
    pending: Decimal,
    resolved: &str,
) -> Result<()> {
    let (status, at) = if pending.is_zero() {
        (resolved, Some(now_micros()))
    } else {
        ("pending", None)
    };
    conn.prepare_cached(
        "UPDATE reservations SET pending = ?2, status = ?3, resolved_at = ?4 WHERE id = ?1",
    )?
    .execute(params![id, pending.raw(), status, at])?;
    Ok(())
}

pub(crate) fn insert_reservation(
    conn: &Connection,
    line_id: i64,
    item: i64,
    warehouse: i64,
    quantity: Decimal,
    expires_at: Option<i64>,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO reservations(order_line_id, item_id, warehouse_id, quantity, pending,
                                  status, expires_at, created_at)
         VALUES (?1, ?2, ?3, ?4, ?4, 'pending', ?5, ?6)",
    )?
    .execute(params![
        line_id,
        item,
        warehouse,
        quantity.raw(),
        expires_at,
        now_micros()
    ])?;
    Ok(())
}

pub(crate) fn insert_event(
    conn: &Connection,
    order_id: i64,
    kind: &str,
    status_after: OrderStatus,
    key: Option<&str>,
    detail: &str,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO order_events(order_id, kind, status_after, idempotency_key, detail, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        order_id,
        kind,
        status_after.as_str(),
        key,
        detail,
        now_micros()
    ])?;
    Ok(conn.last_insert_rowid())
}

pub(crate) fn set_status(
    conn: &Connection,
    order_id: i64,
    status: OrderStatus,
    paid: bool,
) -> Result<()> {
    conn.prepare_cached("UPDATE orders SET status = ?2, paid = ?3, updated_at = ?4 WHERE id = ?1")?
        .execute(params![order_id, status.as_str(), paid, now_micros()])?;
    Ok(())
}

/// The whole order, for results.
pub(crate) fn load(conn: &Connection, external_id: &str) -> Result<Order> {
    type HeadRow = (
        i64,
        Option<String>,
        Option<String>,
        Option<String>,
        String,
        String,
        bool,
        i64,
        i64,
        Option<i64>,
    );
    let h: HeadRow = conn
        .prepare_cached(
            "SELECT id, customer_external_id, customer_email, customer_name, currency, status,
                    paid, total, placed_at, expires_at
             FROM orders WHERE external_id = ?1",
        )?
        .query_row([external_id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
            ))
        })
        .optional()?
        .ok_or_else(|| Error::not_found("order", external_id))?;
    let id = h.0;
    let mut pending_by_line = std::collections::HashMap::new();
    let mut reservations = Vec::new();
    {
        let mut stmt = conn.prepare_cached(
            "SELECT r.id, l.line_no, r.quantity, r.pending, r.status, r.expires_at, l.id
             FROM reservations r JOIN order_lines l ON l.id = r.order_line_id
             WHERE l.order_id = ?1 ORDER BY r.id",
        )?;
        let mut rows = stmt.query([id])?;
        while let Some(r) = rows.next()? {
            let pending = Decimal::from_raw(r.get(3)?);
            *pending_by_line
                .entry(r.get::<_, i64>(6)?)
                .or_insert(Decimal::ZERO) = pending;
            reservations.push(Reservation {
                id: r.get(0)?,
                line: r.get(1)?,
                quantity: Decimal::from_raw(r.get(2)?),
                pending,
                status: r.get(4)?,
                expires_at: r.get::<_, Option<i64>>(5)?.map(from_micros),
            });
        }
    }
    let lines = {
        let mut stmt = conn.prepare_cached(
            "SELECT l.id, l.line_no, l.item_id, i.sku, l.warehouse_id, l.quantity, l.unit_price,
                    l.out_quantity, l.fulfilled, l.returned, l.restocked
             FROM order_lines l JOIN items i ON i.id = l.item_id
             WHERE l.order_id = ?1 ORDER BY l.line_no",
        )?;
        let rows = stmt.query_map([id], |r| {
            Ok(OrderLine {
                reserved: pending_by_line
                    .get(&r.get::<_, i64>(0)?)
                    .copied()
                    .unwrap_or_default(),
                line: r.get(1)?,
                item: r.get(2)?,
                sku: r.get(3)?,
                warehouse: r.get(4)?,
                quantity: Decimal::from_raw(r.get(5)?),
                unit_price: Decimal::from_raw(r.get(6)?),
                out: Decimal::from_raw(r.get(7)?),
                fulfilled: Decimal::from_raw(r.get(8)?),
                returned: Decimal::from_raw(r.get(9)?),
                restocked: Decimal::from_raw(r.get(10)?),
            })
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>()?
    };
    let movements = conn
        .prepare_cached("SELECT id FROM movements WHERE order_id = ?1 ORDER BY id")?
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    let events = conn
        .prepare_cached(
            "SELECT id, kind, status_after, idempotency_key, at FROM order_events
             WHERE order_id = ?1 ORDER BY id",
        )?
        .query_map([id], |r| {
            Ok(OrderEvent {
                id: r.get(0)?,
                kind: r.get(1)?,
                status_after: OrderStatus::parse(&r.get::<_, String>(2)?),
                idempotency_key: r.get(3)?,
                at: from_micros(r.get(4)?),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Order {
        id,
        external_id: external_id.to_string(),
        customer: Customer {
            external_id: h.1,
            email: h.2,
            name: h.3,
        },
        currency: h.4,
        status: OrderStatus::parse(&h.5),
        paid: h.6,
        total: Decimal::from_raw(h.7),
        placed_at: from_micros(h.8),
        expires_at: h.9.map(from_micros),
        lines,
        reservations,
        movements,
        events,
    })
}
