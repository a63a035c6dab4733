//! Orders, lines, reservations and events in SQLite.

use jiff::Timestamp;
use rusqlite::{params, OptionalExtension};

use super::session::hot;
use super::{instant, is_unique_violation, micros, run, stored, Conn, SqlError, SqliteTx};
use crate::decimal::Decimal;
use crate::error::{Error, Result};
use crate::orders::{
    Customer, OrderEvent, OrderEventKind, OrderFilter, OrderStatus, Reservation, ReservationStatus,
};
use crate::store::{
    LineState, NewLine, NewOrderEvent, NewOrderRow, OrderHead, OrderReads, OrderRow, OrderWrites,
    PendingReservation, PlacedIds,
};

impl<T: Conn + ?Sized> OrderReads for T {
    fn order_head(&self, external_id: &str) -> Result<Option<OrderHead>> {
        run(|| {
            self.session().with(
                hot!("SELECT id, status, paid FROM orders WHERE external_id = ?1"),
                |s| {
                    Ok(s.query_row([external_id], |r| {
                        Ok(OrderHead {
                            id: r.get(0)?,
                            external_id: external_id.to_string(),
                            status: stored(OrderStatus::from_stored(&r.get::<_, String>(1)?), 1)?,
                            paid: r.get(2)?,
                        })
                    })
                    .optional()?)
                },
            )
        })
    }

    fn order_row(&self, external_id: &str) -> Result<Option<OrderRow>> {
        run(|| {
            self.session().with(
                hot!(
                    "SELECT id, customer_external_id, customer_email, customer_name, currency,
                            status, paid, total, placed_at, expires_at, contact_id
                     FROM orders WHERE external_id = ?1"
                ),
                |s| {
                    Ok(s.query_row([external_id], |r| {
                        Ok(OrderRow {
                            id: r.get(0)?,
                            customer: Customer {
                                external_id: r.get(1)?,
                                email: r.get(2)?,
                                name: r.get(3)?,
                            },
                            currency: r.get(4)?,
                            status: stored(OrderStatus::from_stored(&r.get::<_, String>(5)?), 5)?,
                            paid: r.get(6)?,
                            total: Decimal::from_raw(r.get(7)?),
                            placed_at: instant(r.get(8)?),
                            expires_at: r.get::<_, Option<i64>>(9)?.map(instant),
                            contact: r.get(10)?,
                        })
                    })
                    .optional()?)
                },
            )
        })
    }

    fn order_lines(&self, order_id: i64) -> Result<Vec<(LineState, String)>> {
        run(|| {
            let mut stmt = self.conn().prepare_cached(
                "SELECT l.id, l.line_no, l.item_id, l.warehouse_id, l.quantity, l.unit_price,
                        l.out_quantity, l.out_value, l.fulfilled, l.returned, l.restocked, i.sku
                 FROM order_lines l JOIN items i ON i.id = l.item_id
                 WHERE l.order_id = ?1 ORDER BY l.line_no",
            )?;
            let rows = stmt
                .query_map([order_id], |r| {
                    Ok((
                        LineState {
                            id: r.get(0)?,
                            line_no: r.get(1)?,
                            item: r.get(2)?,
                            warehouse: r.get(3)?,
                            quantity: Decimal::from_raw(r.get(4)?),
                            unit_price: Decimal::from_raw(r.get(5)?),
                            out_quantity: Decimal::from_raw(r.get(6)?),
                            out_value: Decimal::from_raw(r.get(7)?),
                            fulfilled: Decimal::from_raw(r.get(8)?),
                            returned: Decimal::from_raw(r.get(9)?),
                            restocked: Decimal::from_raw(r.get(10)?),
                        },
                        r.get(11)?,
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }

    fn pending_reservations(&self, order_id: i64) -> Result<Vec<PendingReservation>> {
        run(|| {
            let mut stmt = self.conn().prepare_cached(
                "SELECT r.id, r.order_line_id, r.item_id, r.warehouse_id, r.pending
                 FROM reservations r JOIN order_lines l ON l.id = r.order_line_id
                 WHERE l.order_id = ?1 AND r.status = ?2 ORDER BY r.id",
            )?;
            let rows = stmt
                .query_map(
                    params![order_id, ReservationStatus::Pending.as_str()],
                    |r| {
                        Ok(PendingReservation {
                            id: r.get(0)?,
                            line_id: r.get(1)?,
                            item: r.get(2)?,
                            warehouse: r.get(3)?,
                            pending: Decimal::from_raw(r.get(4)?),
                        })
                    },
                )?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }

    fn reservations(&self, order_id: i64) -> Result<Vec<(i64, Reservation)>> {
        run(|| {
            let mut stmt = self.conn().prepare_cached(
                "SELECT r.id, l.line_no, r.quantity, r.pending, r.status, r.expires_at, l.id
                 FROM reservations r JOIN order_lines l ON l.id = r.order_line_id
                 WHERE l.order_id = ?1 ORDER BY r.id",
            )?;
            let rows = stmt
                .query_map([order_id], |r| {
                    Ok((
                        r.get(6)?,
                        Reservation {
                            id: r.get(0)?,
                            line: r.get(1)?,
                            quantity: Decimal::from_raw(r.get(2)?),
                            pending: Decimal::from_raw(r.get(3)?),
                            status: stored(
                                ReservationStatus::from_stored(&r.get::<_, String>(4)?),
                                4,
                            )?,
                            expires_at: r.get::<_, Option<i64>>(5)?.map(instant),
                        },
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }

    fn order_events(&self, order_id: i64) -> Result<Vec<OrderEvent>> {
        run(|| {
            let mut stmt = self.conn().prepare_cached(
                "SELECT id, kind, status_after, idempotency_key, at, revenue_change
                 FROM order_events WHERE order_id = ?1 ORDER BY id",
            )?;
            let rows = stmt
                .query_map([order_id], |r| {
                    Ok(OrderEvent {
                        id: r.get(0)?,
                        kind: stored(OrderEventKind::from_stored(&r.get::<_, String>(1)?), 1)?,
                        status_after: stored(OrderStatus::from_stored(&r.get::<_, String>(2)?), 2)?,
                        idempotency_key: r.get(3)?,
                        at: instant(r.get(4)?),
                        revenue_change: Decimal::from_raw(r.get(5)?),
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }

    fn order_movement_ids(&self, order_id: i64, reference: &str) -> Result<Vec<i64>> {
        run(|| {
            // Through movements_by_reference; the order id tells an order's
            // own movements from others a caller gave the same reference.
            let mut stmt = self.conn().prepare_cached(
                "SELECT id FROM movements WHERE reference = ?2 AND order_id = ?1 ORDER BY id",
            )?;
            let rows = stmt
                .query_map(rusqlite::params![order_id, reference], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }

    fn expired_order_ids(&self, now: Timestamp) -> Result<Vec<String>> {
        run(|| {
            // The literal 'placed' (OrderStatus::Placed) lets SQLite use the
            // partial index orders_expiring, whose condition it must match.
            let mut stmt = self.conn().prepare_cached(
                "SELECT external_id FROM orders
                 WHERE status = 'placed' AND paid = 0 AND expires_at IS NOT NULL
                   AND expires_at <= ?1 ORDER BY id",
            )?;
            let rows = stmt
                .query_map([micros(now)], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }

    fn order_external_ids(&self, filter: &OrderFilter, limit: u32) -> Result<Vec<String>> {
        run(|| {
            let mut stmt = self.conn().prepare_cached(
                "SELECT external_id FROM orders
                 WHERE id > ?1 AND (?2 IS NULL OR status = ?2) AND (?3 IS NULL OR contact_id = ?3)
                   AND (?4 IS NULL OR placed_at >= ?4) AND (?5 IS NULL OR placed_at < ?5)
                 ORDER BY id LIMIT ?6",
            )?;
            let rows = stmt
                .query_map(
                    params![
                        filter.page.after.unwrap_or(0),
                        filter.status.map(OrderStatus::as_str),
                        filter.contact,
                        filter.from.map(micros),
                        filter.to.map(micros),
                        limit
                    ],
                    |r| r.get(0),
                )?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }
}

impl OrderWrites for SqliteTx<'_> {
    fn insert_order(&self, o: &NewOrderRow<'_>) -> Result<PlacedIds> {
        let order = run(|| {
            self.session().with(
                hot!(
                    "INSERT INTO orders(external_id, customer_external_id, customer_email,
                         customer_name, currency, status, paid, total, placed_at, expires_at,
                         created_at, updated_at, contact_id)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?8, ?9, ?10, ?10, ?11)"
                ),
                |s| {
                    s.execute(params![
                        o.external_id,
                        o.customer.external_id,
                        o.customer.email,
                        o.customer.name,
                        o.currency,
                        OrderStatus::Placed.as_str(),
                        o.total.raw(),
                        micros(o.placed_at),
                        o.expires_at.map(micros),
                        micros(o.at),
                        o.contact
                    ])
                    .map_err(|e| {
                        if is_unique_violation(&e) {
                            SqlError::from(Error::AlreadyExists {
                                entity: "order",
                                key: o.external_id.to_string(),
                            })
                        } else {
                            SqlError::from(e)
                        }
                    })
                },
            )?;
            Ok(self.conn().last_insert_rowid())
        })?;
        let event = self.insert_order_event(&NewOrderEvent {
            order_id: order,
            kind: OrderEventKind::Placed,
            status_after: OrderStatus::Placed,
            key: o.key,
            detail: o.detail,
            revenue_change: Decimal::ZERO,
            at: o.at,
        })?;
        Ok(PlacedIds { order, event })
    }

    fn insert_order_lines(
        &self,
        order_id: i64,
        lines: &[NewLine<'_>],
        expires_at: Option<Timestamp>,
        at: Timestamp,
    ) -> Result<Vec<Option<i64>>> {
        let mut reservations = Vec::with_capacity(lines.len());
        for l in lines {
            let line_id = self.insert_order_line(order_id, l.line)?;
            reservations.push(if l.reserve {
                Some(self.insert_reservation(line_id, l.line, expires_at, at)?)
            } else {
                None
            });
        }
        Ok(reservations)
    }

    fn save_order_line(&self, l: &LineState) -> Result<()> {
        run(|| {
            self.session().with(
                hot!(
                    "UPDATE order_lines SET out_quantity = ?2, out_value = ?3, fulfilled = ?4,
                            returned = ?5, restocked = ?6 WHERE id = ?1"
                ),
                |s| {
                    Ok(s.execute(params![
                        l.id,
                        l.out_quantity.raw(),
                        l.out_value.raw(),
                        l.fulfilled.raw(),
                        l.returned.raw(),
                        l.restocked.raw()
                    ])?)
                },
            )?;
            Ok(())
        })
    }

    fn update_reservation(
        &self,
        id: i64,
        pending: Decimal,
        status: ReservationStatus,
        at: Timestamp,
    ) -> Result<()> {
        let resolved_at = (status != ReservationStatus::Pending).then(|| micros(at));
        run(|| {
            self.session().with(
                hot!(
                    "UPDATE reservations SET pending = ?2, status = ?3, resolved_at = ?4
                     WHERE id = ?1"
                ),
                |s| Ok(s.execute(params![id, pending.raw(), status.as_str(), resolved_at])?),
            )?;
            Ok(())
        })
    }

    fn insert_order_event(&self, e: &NewOrderEvent<'_>) -> Result<i64> {
        run(|| {
            self.session().with(
                hot!(
                    "INSERT INTO order_events(order_id, kind, status_after, idempotency_key,
                                              detail, revenue_change, at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
                ),
                |s| {
                    Ok(s.execute(params![
                        e.order_id,
                        e.kind.as_str(),
                        e.status_after.as_str(),
                        e.key,
                        e.detail,
                        e.revenue_change.raw(),
                        micros(e.at)
                    ])?)
                },
            )?;
            Ok(self.conn().last_insert_rowid())
        })
    }

    fn set_order_status(
        &self,
        order_id: i64,
        status: OrderStatus,
        paid: bool,
        at: Timestamp,
    ) -> Result<()> {
        run(|| {
            self.session().with(
                hot!("UPDATE orders SET status = ?2, paid = ?3, updated_at = ?4 WHERE id = ?1"),
                |s| Ok(s.execute(params![order_id, status.as_str(), paid, micros(at)])?),
            )?;
            Ok(())
        })
    }
}

impl SqliteTx<'_> {
    fn insert_order_line(&self, order_id: i64, l: &LineState) -> Result<i64> {
        run(|| {
            self.session().with(
                hot!(
                    "INSERT INTO order_lines(order_id, line_no, item_id, warehouse_id, quantity,
                                             unit_price, out_quantity, out_value)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
                ),
                |s| {
                    Ok(s.execute(params![
                        order_id,
                        l.line_no,
                        l.item,
                        l.warehouse,
                        l.quantity.raw(),
                        l.unit_price.raw(),
                        l.out_quantity.raw(),
                        l.out_value.raw()
                    ])?)
                },
            )?;
            Ok(self.conn().last_insert_rowid())
        })
    }

    fn insert_reservation(
        &self,
        line_id: i64,
        l: &LineState,
        expires_at: Option<Timestamp>,
        at: Timestamp,
    ) -> Result<i64> {
        run(|| {
            self.session().with(
                hot!(
                    "INSERT INTO reservations(order_line_id, item_id, warehouse_id, quantity,
                                              pending, status, expires_at, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7)"
                ),
                |s| {
                    Ok(s.execute(params![
                        line_id,
                        l.item,
                        l.warehouse,
                        l.quantity.raw(),
                        ReservationStatus::Pending.as_str(),
                        expires_at.map(micros),
                        micros(at)
                    ])?)
                },
            )?;
            Ok(self.conn().last_insert_rowid())
        })
    }
}
