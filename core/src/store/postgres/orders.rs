//! Orders, lines, reservations and events in PostgreSQL.

use jiff::Timestamp;

use super::{at, instant, micros, run, stored, unique, PgTx};
use crate::decimal::Decimal;
use crate::error::Result;
use crate::orders::{
    Customer, OrderEvent, OrderEventKind, OrderFilter, OrderStatus, Reservation, ReservationStatus,
};
use crate::store::{
    LineState, NewLine, NewOrderEvent, NewOrderRow, OrderHead, OrderReads, OrderRow, OrderWrites,
    PendingReservation, PlacedIds,
};

impl OrderReads for PgTx<'_> {
    fn order_head(&self, external_id: &str) -> Result<Option<OrderHead>> {
        if !super::storable(external_id) {
            return Ok(None);
        }
        run(|| {
            self.pg()
                .opt(
                    "SELECT id, status, paid FROM orders WHERE external_id = $1",
                    &[&external_id],
                )?
                .map(|r| {
                    Ok(OrderHead {
                        id: at(&r, 0)?,
                        external_id: external_id.to_string(),
                        status: stored(OrderStatus::from_stored(at(&r, 1)?))?,
                        paid: at(&r, 2)?,
                    })
                })
                .transpose()
        })
    }

    fn order_row(&self, external_id: &str) -> Result<Option<OrderRow>> {
        if !super::storable(external_id) {
            return Ok(None);
        }
        run(|| {
            self.pg()
                .opt(
                    "SELECT id, customer_external_id, customer_email, customer_name, currency,
                            status, paid, total, placed_at, expires_at, contact_id
                     FROM orders WHERE external_id = $1",
                    &[&external_id],
                )?
                .map(|r| {
                    Ok(OrderRow {
                        id: at(&r, 0)?,
                        customer: Customer {
                            external_id: at(&r, 1)?,
                            email: at(&r, 2)?,
                            name: at(&r, 3)?,
                        },
                        currency: at(&r, 4)?,
                        status: stored(OrderStatus::from_stored(at(&r, 5)?))?,
                        paid: at(&r, 6)?,
                        total: Decimal::from_raw(at(&r, 7)?),
                        placed_at: instant(at(&r, 8)?),
                        expires_at: at::<Option<i64>>(&r, 9)?.map(instant),
                        contact: at(&r, 10)?,
                    })
                })
                .transpose()
        })
    }

    fn order_lines(&self, order_id: i64) -> Result<Vec<(LineState, String)>> {
        run(|| {
            self.pg()
                .rows(
                    "SELECT l.id, l.line_no, l.item_id, l.warehouse_id, l.quantity, l.unit_price,
                            l.out_quantity, l.out_value, l.fulfilled, l.returned, l.restocked, i.sku
                     FROM order_lines l JOIN items i ON i.id = l.item_id
                     WHERE l.order_id = $1 ORDER BY l.line_no",
                    &[&order_id],
                )?
                .iter()
                .map(|r| {
                    Ok((
                        LineState {
                            id: at(r, 0)?,
                            line_no: at::<i64>(r, 1)? as u32,
                            item: at(r, 2)?,
                            warehouse: at(r, 3)?,
                            quantity: Decimal::from_raw(at(r, 4)?),
                            unit_price: Decimal::from_raw(at(r, 5)?),
                            out_quantity: Decimal::from_raw(at(r, 6)?),
                            out_value: Decimal::from_raw(at(r, 7)?),
                            fulfilled: Decimal::from_raw(at(r, 8)?),
                            returned: Decimal::from_raw(at(r, 9)?),
                            restocked: Decimal::from_raw(at(r, 10)?),
                        },
                        at(r, 11)?,
                    ))
                })
                .collect()
        })
    }

    fn pending_reservations(&self, order_id: i64) -> Result<Vec<PendingReservation>> {
        run(|| {
            self.pg()
                .rows(
                    "SELECT r.id, r.order_line_id, r.item_id, r.warehouse_id, r.pending
                     FROM reservations r JOIN order_lines l ON l.id = r.order_line_id
                     WHERE l.order_id = $1 AND r.status = $2 ORDER BY r.id",
                    &[&order_id, &ReservationStatus::Pending.as_str()],
                )?
                .iter()
                .map(|r| {
                    Ok(PendingReservation {
                        id: at(r, 0)?,
                        line_id: at(r, 1)?,
                        item: at(r, 2)?,
                        warehouse: at(r, 3)?,
                        pending: Decimal::from_raw(at(r, 4)?),
                    })
                })
                .collect()
        })
    }

    fn reservations(&self, order_id: i64) -> Result<Vec<(i64, Reservation)>> {
        run(|| {
            self.pg()
                .rows(
                    "SELECT r.id, l.line_no, r.quantity, r.pending, r.status, r.expires_at, l.id
                     FROM reservations r JOIN order_lines l ON l.id = r.order_line_id
                     WHERE l.order_id = $1 ORDER BY r.id",
                    &[&order_id],
                )?
                .iter()
                .map(|r| {
                    Ok((
                        at(r, 6)?,
                        Reservation {
                            id: at(r, 0)?,
                            line: at::<i64>(r, 1)? as u32,
                            quantity: Decimal::from_raw(at(r, 2)?),
                            pending: Decimal::from_raw(at(r, 3)?),
                            status: stored(ReservationStatus::from_stored(at(r, 4)?))?,
                            expires_at: at::<Option<i64>>(r, 5)?.map(instant),
                        },
                    ))
                })
                .collect()
        })
    }

    fn order_events(&self, order_id: i64) -> Result<Vec<OrderEvent>> {
        run(|| {
            self.pg()
                .rows(
                    "SELECT id, kind, status_after, idempotency_key, at, revenue_change
                     FROM order_events WHERE order_id = $1 ORDER BY id",
                    &[&order_id],
                )?
                .iter()
                .map(|r| {
                    Ok(OrderEvent {
                        id: at(r, 0)?,
                        kind: stored(OrderEventKind::from_stored(at(r, 1)?))?,
                        status_after: stored(OrderStatus::from_stored(at(r, 2)?))?,
                        idempotency_key: at(r, 3)?,
                        at: instant(at(r, 4)?),
                        revenue_change: Decimal::from_raw(at(r, 5)?),
                    })
                })
                .collect()
        })
    }

    fn order_movement_ids(&self, order_id: i64, reference: &str) -> Result<Vec<i64>> {
        run(|| {
            self.pg()
                .rows(
                    "SELECT id FROM movements WHERE reference = $2 AND order_id = $1 ORDER BY id",
                    &[&order_id, &reference],
                )?
                .iter()
                .map(|r| at(r, 0))
                .collect()
        })
    }

    fn expired_order_ids(&self, now: Timestamp) -> Result<Vec<String>> {
        run(|| {
            self.pg()
                .rows(
                    "SELECT external_id FROM orders
                     WHERE status = 'placed' AND NOT paid AND expires_at IS NOT NULL
                       AND expires_at <= $1 ORDER BY id",
                    &[&micros(now)],
                )?
                .iter()
                .map(|r| at(r, 0))
                .collect()
        })
    }

    fn order_external_ids(&self, filter: &OrderFilter, limit: u32) -> Result<Vec<String>> {
        run(|| {
            self.pg()
                .rows(
                    "SELECT external_id FROM orders
                     WHERE id > $1 AND ($2::text IS NULL OR status = $2)
                       AND ($3::int8 IS NULL OR contact_id = $3)
                       AND ($4::int8 IS NULL OR placed_at >= $4) AND ($5::int8 IS NULL OR placed_at < $5)
                     ORDER BY id LIMIT $6",
                    &[
                        &filter.page.after.unwrap_or(0),
                        &filter.status.map(OrderStatus::as_str),
                        &filter.contact,
                        &filter.from.map(micros),
                        &filter.to.map(micros),
                        &i64::from(limit),
                    ],
                )?
                .iter()
                .map(|r| at(r, 0))
                .collect()
        })
    }
}

impl OrderWrites for PgTx<'_> {
    fn insert_order(&self, o: &NewOrderRow<'_>) -> Result<PlacedIds> {
        run(|| {
            // The row and its `placed` event in one statement.
            let row = self
                .pg()
                .one(
                    "WITH o AS (
                         INSERT INTO orders(external_id, customer_external_id, customer_email,
                             customer_name, currency, status, paid, total, placed_at, expires_at,
                             created_at, updated_at, contact_id)
                         VALUES ($1, $2, $3, $4, $5, $13, false, $6, $7, $8, $9, $9, $10)
                         RETURNING id)
                     INSERT INTO order_events(order_id, kind, status_after, idempotency_key,
                                              detail, revenue_change, at)
                     SELECT id, $14, $13, $11, $12, 0, $9 FROM o
                     RETURNING order_id, id",
                    &[
                        &o.external_id,
                        &o.customer.external_id.as_deref(),
                        &o.customer.email.as_deref(),
                        &o.customer.name.as_deref(),
                        &o.currency,
                        &o.total.raw(),
                        &micros(o.placed_at),
                        &o.expires_at.map(micros),
                        &micros(o.at),
                        &o.contact,
                        &o.key,
                        &o.detail,
                        &OrderStatus::Placed.as_str(),
                        &OrderEventKind::Placed.as_str(),
                    ],
                )
                .map_err(unique("order", o.external_id))?;
            Ok(PlacedIds {
                order: at(&row, 0)?,
                event: at(&row, 1)?,
            })
        })
    }

    fn insert_order_lines(
        &self,
        order_id: i64,
        lines: &[NewLine<'_>],
        expires_at: Option<Timestamp>,
        at_: Timestamp,
    ) -> Result<Vec<Option<i64>>> {
        let column =
            |f: fn(&LineState) -> i64| -> Vec<i64> { lines.iter().map(|l| f(l.line)).collect() };
        let line_no = column(|l| i64::from(l.line_no));
        let reserving: Vec<i64> = lines
            .iter()
            .filter(|l| l.reserve)
            .map(|l| i64::from(l.line.line_no))
            .collect();
        run(|| {
            // Every line and reservation in one statement; reservations are
            // numbered in line order, as one insert after another would.
            let rows = self.pg().rows(
                "WITH l AS (
                     INSERT INTO order_lines(order_id, line_no, item_id, warehouse_id, quantity,
                                             unit_price, out_quantity, out_value)
                     SELECT $1, * FROM unnest($2::int8[], $3::int8[], $4::int8[], $5::int8[],
                                              $6::int8[], $7::int8[], $8::int8[]) ORDER BY 1
                     RETURNING id, line_no, item_id, warehouse_id, quantity),
                 r AS (
                     INSERT INTO reservations(order_line_id, item_id, warehouse_id, quantity,
                                              pending, status, expires_at, created_at)
                     SELECT id, item_id, warehouse_id, quantity, quantity, $12, $10, $11
                     FROM l WHERE line_no = ANY($9::int8[]) ORDER BY line_no
                     RETURNING id, order_line_id)
                 SELECT r.id FROM l LEFT JOIN r ON r.order_line_id = l.id ORDER BY l.line_no",
                &[
                    &order_id,
                    &line_no,
                    &column(|l| l.item),
                    &column(|l| l.warehouse),
                    &column(|l| l.quantity.raw()),
                    &column(|l| l.unit_price.raw()),
                    &column(|l| l.out_quantity.raw()),
                    &column(|l| l.out_value.raw()),
                    &reserving,
                    &expires_at.map(micros),
                    &micros(at_),
                    &ReservationStatus::Pending.as_str(),
                ],
            )?;
            rows.iter().map(|r| at(r, 0)).collect()
        })
    }

    fn save_order_line(&self, l: &LineState) -> Result<()> {
        run(|| {
            self.pg().exec(
                "UPDATE order_lines SET out_quantity = $2, out_value = $3, fulfilled = $4,
                        returned = $5, restocked = $6 WHERE id = $1",
                &[
                    &l.id,
                    &l.out_quantity.raw(),
                    &l.out_value.raw(),
                    &l.fulfilled.raw(),
                    &l.returned.raw(),
                    &l.restocked.raw(),
                ],
            )?;
            Ok(())
        })
    }

    fn update_reservation(
        &self,
        id: i64,
        pending: Decimal,
        status: ReservationStatus,
        at_: Timestamp,
    ) -> Result<()> {
        let resolved_at = (status != ReservationStatus::Pending).then(|| micros(at_));
        run(|| {
            self.pg().exec(
                "UPDATE reservations SET pending = $2, status = $3, resolved_at = $4
                 WHERE id = $1",
                &[&id, &pending.raw(), &status.as_str(), &resolved_at],
            )?;
            Ok(())
        })
    }

    fn insert_order_event(&self, e: &NewOrderEvent<'_>) -> Result<i64> {
        run(|| {
            let row = self.pg().one(
                "INSERT INTO order_events(order_id, kind, status_after, idempotency_key,
                                          detail, revenue_change, at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                &[
                    &e.order_id,
                    &e.kind.as_str(),
                    &e.status_after.as_str(),
                    &e.key,
                    &e.detail,
                    &e.revenue_change.raw(),
                    &micros(e.at),
                ],
            )?;
            at(&row, 0)
        })
    }

    fn set_order_status(
        &self,
        order_id: i64,
        status: OrderStatus,
        paid: bool,
        at_: Timestamp,
    ) -> Result<()> {
        run(|| {
            self.pg().exec(
                "UPDATE orders SET status = $2, paid = $3, updated_at = $4 WHERE id = $1",
                &[&order_id, &status.as_str(), &paid, &micros(at_)],
            )?;
            Ok(())
        })
    }
}
