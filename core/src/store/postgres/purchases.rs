//! Purchase orders and their lines in PostgreSQL.

use jiff::Timestamp;

use super::{at, instant, micros, run, stored, unique, PgTx};
use crate::decimal::Decimal;
use crate::error::Result;
use crate::purchases::{PurchaseFilter, PurchaseStatus};
use crate::store::{PurchaseHead, PurchaseLineRow, PurchaseReads, PurchaseWrites};

impl PurchaseReads for PgTx<'_> {
    fn purchase_id_by_reference(&self, reference: &str) -> Result<Option<i64>> {
        if !super::storable(reference) {
            return Ok(None);
        }
        run(|| {
            self.pg()
                .opt(
                    "SELECT id FROM purchase_orders WHERE reference = $1",
                    &[&reference],
                )?
                .map(|r| at(&r, 0))
                .transpose()
        })
    }

    fn purchase_head(&self, id: i64) -> Result<Option<PurchaseHead>> {
        run(|| {
            self.pg()
                .opt(
                    "SELECT id, supplier_id, reference, status, note, created_at, updated_at
                     FROM purchase_orders WHERE id = $1",
                    &[&id],
                )?
                .map(|r| {
                    Ok(PurchaseHead {
                        id: at(&r, 0)?,
                        supplier: at(&r, 1)?,
                        reference: at(&r, 2)?,
                        status: stored(PurchaseStatus::from_stored(at(&r, 3)?))?,
                        note: at(&r, 4)?,
                        created_at: instant(at(&r, 5)?),
                        updated_at: instant(at(&r, 6)?),
                    })
                })
                .transpose()
        })
    }

    fn purchase_lines(&self, order_id: i64) -> Result<Vec<PurchaseLineRow>> {
        run(|| {
            self.pg()
                .rows(
                    "SELECT l.id, l.item_id, i.sku, l.warehouse_id, l.quantity, l.unit_cost,
                            l.received, l.cancelled
                     FROM purchase_lines l JOIN items i ON i.id = l.item_id
                     WHERE l.order_id = $1 ORDER BY l.id",
                    &[&order_id],
                )?
                .iter()
                .map(|r| {
                    Ok(PurchaseLineRow {
                        id: at(r, 0)?,
                        item: at(r, 1)?,
                        sku: at(r, 2)?,
                        warehouse: at(r, 3)?,
                        quantity: Decimal::from_raw(at(r, 4)?),
                        unit_cost: Decimal::from_raw(at(r, 5)?),
                        received: Decimal::from_raw(at(r, 6)?),
                        cancelled: Decimal::from_raw(at(r, 7)?),
                    })
                })
                .collect()
        })
    }

    fn purchase_ids(&self, filter: &PurchaseFilter, limit: u32) -> Result<Vec<i64>> {
        run(|| {
            self.pg()
                .rows(
                    "SELECT id FROM purchase_orders
                     WHERE id > $1 AND ($2::int8 IS NULL OR supplier_id = $2)
                       AND ($3::text IS NULL OR status = $3)
                     ORDER BY id LIMIT $4",
                    &[
                        &filter.page.after.unwrap_or(0),
                        &filter.supplier,
                        &filter.status.map(PurchaseStatus::as_str),
                        &i64::from(limit),
                    ],
                )?
                .iter()
                .map(|r| at(r, 0))
                .collect()
        })
    }
}

impl PurchaseWrites for PgTx<'_> {
    fn insert_purchase(
        &self,
        supplier: i64,
        reference: &str,
        note: Option<&str>,
        at_: Timestamp,
    ) -> Result<i64> {
        run(|| {
            let row = self
                .pg()
                .one(
                    "INSERT INTO purchase_orders(supplier_id, reference, status, note, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
                    &[
                        &supplier,
                        &reference,
                        &PurchaseStatus::Open.as_str(),
                        &note,
                        &micros(at_),
                    ],
                )
                .map_err(unique("purchase order", reference))?;
            at(&row, 0)
        })
    }

    fn insert_purchase_line(
        &self,
        order_id: i64,
        item: i64,
        warehouse: i64,
        quantity: Decimal,
        unit_cost: Decimal,
    ) -> Result<i64> {
        run(|| {
            let row = self.pg().one(
                "INSERT INTO purchase_lines(order_id, item_id, warehouse_id, quantity, unit_cost)
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
                &[
                    &order_id,
                    &item,
                    &warehouse,
                    &quantity.raw(),
                    &unit_cost.raw(),
                ],
            )?;
            at(&row, 0)
        })
    }

    fn set_purchase_line_progress(
        &self,
        line_id: i64,
        received: Decimal,
        cancelled: Decimal,
    ) -> Result<()> {
        run(|| {
            self.pg().exec(
                "UPDATE purchase_lines SET received = $2, cancelled = $3 WHERE id = $1",
                &[&line_id, &received.raw(), &cancelled.raw()],
            )?;
            Ok(())
        })
    }

    fn set_purchase_status(&self, id: i64, status: PurchaseStatus, at_: Timestamp) -> Result<()> {
        run(|| {
            self.pg().exec(
                "UPDATE purchase_orders SET status = $2, updated_at = $3 WHERE id = $1",
                &[&id, &status.as_str(), &micros(at_)],
            )?;
            Ok(())
        })
    }
}
