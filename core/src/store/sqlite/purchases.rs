//! Purchase orders and their lines in SQLite.

use jiff::Timestamp;
use rusqlite::{params, OptionalExtension};

use super::{instant, is_unique_violation, micros, run, stored, Conn, SqlError, SqliteTx};
use crate::decimal::Decimal;
use crate::error::{Error, Result};
use crate::purchases::{PurchaseFilter, PurchaseStatus};
use crate::store::{PurchaseHead, PurchaseLineRow, PurchaseReads, PurchaseWrites};

impl<T: Conn + ?Sized> PurchaseReads for T {
    fn purchase_id_by_reference(&self, reference: &str) -> Result<Option<i64>> {
        run(|| {
            Ok(self
                .conn()
                .prepare_cached("SELECT id FROM purchase_orders WHERE reference = ?1")?
                .query_row([reference], |r| r.get(0))
                .optional()?)
        })
    }

    fn purchase_head(&self, id: i64) -> Result<Option<PurchaseHead>> {
        run(|| {
            Ok(self
                .conn()
                .prepare_cached(
                    "SELECT id, supplier_id, reference, status, note, created_at, updated_at
                     FROM purchase_orders WHERE id = ?1",
                )?
                .query_row([id], |r| {
                    Ok(PurchaseHead {
                        id: r.get(0)?,
                        supplier: r.get(1)?,
                        reference: r.get(2)?,
                        status: stored(PurchaseStatus::from_stored(&r.get::<_, String>(3)?), 3)?,
                        note: r.get(4)?,
                        created_at: instant(r.get(5)?),
                        updated_at: instant(r.get(6)?),
                    })
                })
                .optional()?)
        })
    }

    fn purchase_lines(&self, order_id: i64) -> Result<Vec<PurchaseLineRow>> {
        run(|| {
            let mut stmt = self.conn().prepare_cached(
                "SELECT l.id, l.item_id, i.sku, l.warehouse_id, l.quantity, l.unit_cost,
                        l.received, l.cancelled
                 FROM purchase_lines l JOIN items i ON i.id = l.item_id
                 WHERE l.order_id = ?1 ORDER BY l.id",
            )?;
            let rows = stmt
                .query_map([order_id], |r| {
                    Ok(PurchaseLineRow {
                        id: r.get(0)?,
                        item: r.get(1)?,
                        sku: r.get(2)?,
                        warehouse: r.get(3)?,
                        quantity: Decimal::from_raw(r.get(4)?),
                        unit_cost: Decimal::from_raw(r.get(5)?),
                        received: Decimal::from_raw(r.get(6)?),
                        cancelled: Decimal::from_raw(r.get(7)?),
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }

    fn purchase_ids(&self, filter: &PurchaseFilter, limit: u32) -> Result<Vec<i64>> {
        run(|| {
            let mut stmt = self.conn().prepare_cached(
                "SELECT id FROM purchase_orders
                 WHERE id > ?1 AND (?2 IS NULL OR supplier_id = ?2) AND (?3 IS NULL OR status = ?3)
                 ORDER BY id LIMIT ?4",
            )?;
            let rows = stmt
                .query_map(
                    params![
                        filter.page.after.unwrap_or(0),
                        filter.supplier,
                        filter.status.map(PurchaseStatus::as_str),
                        limit
                    ],
                    |r| r.get(0),
                )?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }
}

impl PurchaseWrites for SqliteTx<'_> {
    fn insert_purchase(
        &self,
        supplier: i64,
        reference: &str,
        note: Option<&str>,
        at: Timestamp,
    ) -> Result<i64> {
        run(|| {
            self.conn()
                .prepare_cached(
                    "INSERT INTO purchase_orders(supplier_id, reference, status, note, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                )?
                .execute(params![
                    supplier,
                    reference,
                    PurchaseStatus::Open.as_str(),
                    note,
                    micros(at)
                ])
                .map_err(|e| {
                    if is_unique_violation(&e) {
                        SqlError::from(Error::AlreadyExists {
                            entity: "purchase order",
                            key: reference.to_string(),
                        })
                    } else {
                        SqlError::from(e)
                    }
                })?;
            Ok(self.conn().last_insert_rowid())
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
            self.conn()
                .prepare_cached(
                    "INSERT INTO purchase_lines(order_id, item_id, warehouse_id, quantity, unit_cost)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![
                    order_id,
                    item,
                    warehouse,
                    quantity.raw(),
                    unit_cost.raw()
                ])?;
            Ok(self.conn().last_insert_rowid())
        })
    }

    fn set_purchase_line_progress(
        &self,
        line_id: i64,
        received: Decimal,
        cancelled: Decimal,
    ) -> Result<()> {
        run(|| {
            self.conn()
                .prepare_cached(
                    "UPDATE purchase_lines SET received = ?2, cancelled = ?3 WHERE id = ?1",
                )?
                .execute(params![line_id, received.raw(), cancelled.raw()])?;
            Ok(())
        })
    }

    fn set_purchase_status(&self, id: i64, status: PurchaseStatus, at: Timestamp) -> Result<()> {
        run(|| {
            self.conn()
                .prepare_cached(
                    "UPDATE purchase_orders SET status = ?2, updated_at = ?3 WHERE id = ?1",
                )?
                .execute(params![id, status.as_str(), micros(at)])?;
            Ok(())
        })
    }
}
