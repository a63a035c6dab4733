//! Items, warehouses and suppliers in SQLite, and the master data kept
//! between transactions.

use jiff::Timestamp;
use rusqlite::{params, OptionalExtension, Row};

use super::session::hot;
use super::{
    instant, is_unique_violation, like_pattern, micros, run, stored, Conn, SqlError, SqlResult,
    SqliteTx,
};
use crate::decimal::Decimal;
use crate::error::{Error, Result};
use crate::items::{Item, ItemFilter, ItemKind, NewItem};
use crate::store::stored::{keep, MasterCache};
use crate::store::{
    ItemReads, ItemRules, ItemWrites, SupplierReads, SupplierWrites, WarehouseReads,
    WarehouseWrites,
};
use crate::suppliers::{NewSupplier, Supplier, SupplierFilter};
use crate::valuation::ValuationMethod;
use crate::warehouses::{Warehouse, WarehouseFilter};

/// `read` through the cache: `get` finds a kept answer, `put` keeps one.
fn cached<T: Clone, C: Conn + ?Sized>(
    conn: &C,
    get: impl FnOnce(&MasterCache) -> Option<T>,
    read: impl FnOnce() -> SqlResult<Option<T>>,
    put: impl FnOnce(&mut MasterCache, &T),
) -> SqlResult<Option<T>> {
    if let Some(cache) = conn.master()? {
        if let Some(hit) = get(&cache) {
            return Ok(Some(hit));
        }
    }
    // Not holding the cache while reading: the read may use it too.
    let found = read()?;
    if let (Some(value), Some(mut cache)) = (&found, conn.master()?) {
        put(&mut cache, value);
    }
    Ok(found)
}

const ITEM_COLUMNS: &str = "id, sku, name, unit, kind, valuation, reorder_point, allow_negative, \
                            active, created_at, updated_at";

fn item_from_row(r: &Row) -> rusqlite::Result<Item> {
    Ok(Item {
        id: r.get(0)?,
        sku: r.get(1)?,
        name: r.get(2)?,
        unit: r.get(3)?,
        kind: stored(ItemKind::from_stored(&r.get::<_, String>(4)?), 4)?,
        valuation: stored(ValuationMethod::from_stored(&r.get::<_, String>(5)?), 5)?,
        reorder_point: r.get::<_, Option<i64>>(6)?.map(Decimal::from_raw),
        allow_negative: r.get(7)?,
        active: r.get(8)?,
        created_at: instant(r.get(9)?),
        updated_at: instant(r.get(10)?),
    })
}

/// A UNIQUE violation of an insert is the entity's `AlreadyExists`.
fn unique<'k>(entity: &'static str, key: &'k str) -> impl FnOnce(rusqlite::Error) -> SqlError + 'k {
    move |e| {
        if is_unique_violation(&e) {
            SqlError::from(Error::AlreadyExists {
                entity,
                key: key.to_string(),
            })
        } else {
            SqlError::from(e)
        }
    }
}

impl<T: Conn + ?Sized> ItemReads for T {
    fn item(&self, id: i64) -> Result<Option<Item>> {
        run(|| {
            Ok(self
                .conn()
                .prepare_cached(&format!("SELECT {ITEM_COLUMNS} FROM items WHERE id = ?1"))?
                .query_row([id], item_from_row)
                .optional()?)
        })
    }

    fn item_by_sku(&self, sku: &str) -> Result<Option<Item>> {
        run(|| {
            Ok(self
                .conn()
                .prepare_cached(&format!("SELECT {ITEM_COLUMNS} FROM items WHERE sku = ?1"))?
                .query_row([sku], item_from_row)
                .optional()?)
        })
    }

    fn item_id_by_sku(&self, sku: &str) -> Result<Option<i64>> {
        run(|| {
            cached(
                self,
                |c| c.skus.get(sku).copied(),
                || {
                    self.session()
                        .with(hot!("SELECT id FROM items WHERE sku = ?1"), |s| {
                            Ok(s.query_row([sku], |r| r.get(0)).optional()?)
                        })
                },
                |c, id| keep(&mut c.skus, sku.to_owned(), *id),
            )
        })
    }

    fn item_rules(&self, id: i64) -> Result<Option<ItemRules>> {
        run(|| {
            cached(
                self,
                |c| c.rules.get(&id).cloned(),
                || {
                    self.session().with(hot!(
                    "SELECT sku, valuation, allow_negative, active, reorder_point FROM items WHERE id = ?1"),
                    |s| Ok(s.query_row([id], |r| {
                    Ok(ItemRules {
                        sku: r.get(0)?,
                        valuation: stored(
                            ValuationMethod::from_stored(&r.get::<_, String>(1)?),
                            1,
                        )?,
                        allow_negative: r.get(2)?,
                        active: r.get(3)?,
                        reorder_point: r.get::<_, Option<i64>>(4)?.map(Decimal::from_raw),
                    })
                })
                .optional()?))
                },
                |c, rules| keep(&mut c.rules, id, rules.clone()),
            )
        })
    }

    fn item_has_movements(&self, id: i64) -> Result<bool> {
        run(|| {
            Ok(self.conn().query_row(
                "SELECT EXISTS(SELECT 1 FROM movements WHERE item_id = ?1)",
                [id],
                |r| r.get(0),
            )?)
        })
    }

    fn items(&self, filter: &ItemFilter, limit: u32) -> Result<Vec<Item>> {
        let search = filter.search.as_deref().map(like_pattern);
        run(|| {
            let mut stmt = self.conn().prepare_cached(&format!(
                "SELECT {ITEM_COLUMNS} FROM items
                 WHERE id > ?1
                   AND (?2 IS NULL OR active = ?2)
                   AND (?3 IS NULL OR kind = ?3)
                   AND (?4 IS NULL OR sku LIKE ?4 ESCAPE '\\' OR name LIKE ?4 ESCAPE '\\')
                 ORDER BY id LIMIT ?5"
            ))?;
            let rows = stmt
                .query_map(
                    params![
                        filter.page.after.unwrap_or(0),
                        filter.active,
                        filter.kind.map(ItemKind::as_str),
                        search,
                        limit
                    ],
                    item_from_row,
                )?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }
}

impl ItemWrites for SqliteTx<'_> {
    fn insert_item(&self, item: &NewItem, at: Timestamp) -> Result<i64> {
        self.master_changes();
        run(|| {
            self.conn()
                .prepare_cached(
                    "INSERT INTO items(sku, name, unit, kind, valuation, reorder_point,
                                       allow_negative, active, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8, ?8)",
                )?
                .execute(params![
                    item.sku,
                    item.name,
                    item.unit,
                    item.kind.as_str(),
                    item.valuation.as_str(),
                    item.reorder_point.map(Decimal::raw),
                    item.allow_negative,
                    micros(at)
                ])
                .map_err(unique("item", &item.sku))?;
            Ok(self.conn().last_insert_rowid())
        })
    }

    fn update_item(&self, item: &Item) -> Result<()> {
        self.master_changes();
        run(|| {
            self.conn()
                .prepare_cached(
                    "UPDATE items SET name = ?2, unit = ?3, kind = ?4, valuation = ?5,
                            reorder_point = ?6, allow_negative = ?7, active = ?8, updated_at = ?9
                     WHERE id = ?1",
                )?
                .execute(params![
                    item.id,
                    item.name,
                    item.unit,
                    item.kind.as_str(),
                    item.valuation.as_str(),
                    item.reorder_point.map(Decimal::raw),
                    item.allow_negative,
                    item.active,
                    micros(item.updated_at)
                ])?;
            Ok(())
        })
    }
}

const WAREHOUSE_COLUMNS: &str = "id, code, name, is_default, active, created_at";

fn warehouse_from_row(r: &Row) -> rusqlite::Result<Warehouse> {
    Ok(Warehouse {
        id: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        is_default: r.get(3)?,
        active: r.get(4)?,
        created_at: instant(r.get(5)?),
    })
}

impl<T: Conn + ?Sized> WarehouseReads for T {
    fn warehouse(&self, id: i64) -> Result<Option<Warehouse>> {
        run(|| {
            cached(
                self,
                |c| c.warehouses.get(&id).cloned(),
                || {
                    self.session().with(
                        hot!("SELECT id, code, name, is_default, active, created_at FROM warehouses WHERE id = ?1"),
                        |s| Ok(s.query_row([id], warehouse_from_row).optional()?),
                    )
                },
                |c, w| keep(&mut c.warehouses, id, w.clone()),
            )
        })
    }

    fn warehouse_by_code(&self, code: &str) -> Result<Option<Warehouse>> {
        run(|| {
            Ok(self
                .conn()
                .prepare_cached(&format!(
                    "SELECT {WAREHOUSE_COLUMNS} FROM warehouses WHERE code = ?1"
                ))?
                .query_row([code], warehouse_from_row)
                .optional()?)
        })
    }

    fn default_warehouse_id(&self) -> Result<Option<i64>> {
        run(|| {
            cached(
                self,
                |c| c.default_warehouse,
                || {
                    self.session().with(
                        hot!("SELECT id FROM warehouses WHERE is_default = 1"),
                        |s| Ok(s.query_row([], |r| r.get(0)).optional()?),
                    )
                },
                |c, id| c.default_warehouse = Some(*id),
            )
        })
    }

    fn warehouses(&self, filter: &WarehouseFilter, limit: u32) -> Result<Vec<Warehouse>> {
        run(|| {
            let mut stmt = self.conn().prepare_cached(&format!(
                "SELECT {WAREHOUSE_COLUMNS} FROM warehouses
                 WHERE id > ?1 AND (?2 IS NULL OR active = ?2) ORDER BY id LIMIT ?3"
            ))?;
            let rows = stmt
                .query_map(
                    params![filter.page.after.unwrap_or(0), filter.active, limit],
                    warehouse_from_row,
                )?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }
}

impl WarehouseWrites for SqliteTx<'_> {
    fn insert_warehouse(&self, code: &str, name: &str, at: Timestamp) -> Result<i64> {
        self.master_changes();
        run(|| {
            self.conn()
                .prepare_cached(
                    "INSERT INTO warehouses(code, name, is_default, active, created_at)
                     VALUES (?1, ?2, 0, 1, ?3)",
                )?
                .execute(params![code, name, micros(at)])
                .map_err(unique("warehouse", code))?;
            Ok(self.conn().last_insert_rowid())
        })
    }

    fn update_warehouse(&self, w: &Warehouse) -> Result<()> {
        self.master_changes();
        run(|| {
            self.conn()
                .prepare_cached("UPDATE warehouses SET name = ?2, active = ?3 WHERE id = ?1")?
                .execute(params![w.id, w.name, w.active])?;
            Ok(())
        })
    }

    fn make_default_warehouse(&self, id: i64) -> Result<()> {
        self.master_changes();
        run(|| {
            let conn = self.conn();
            conn.execute(
                "UPDATE warehouses SET is_default = 0 WHERE is_default = 1",
                [],
            )?;
            conn.execute(
                "UPDATE warehouses SET is_default = 1, active = 1 WHERE id = ?1",
                [id],
            )?;
            Ok(())
        })
    }
}

const SUPPLIER_COLUMNS: &str = "id, name, email, phone, notes, active, created_at, updated_at";

fn supplier_from_row(r: &Row) -> rusqlite::Result<Supplier> {
    Ok(Supplier {
        id: r.get(0)?,
        name: r.get(1)?,
        email: r.get(2)?,
        phone: r.get(3)?,
        notes: r.get(4)?,
        active: r.get(5)?,
        created_at: instant(r.get(6)?),
        updated_at: instant(r.get(7)?),
    })
}

impl<T: Conn + ?Sized> SupplierReads for T {
    fn supplier(&self, id: i64) -> Result<Option<Supplier>> {
        run(|| {
            Ok(self
                .conn()
                .prepare_cached(&format!(
                    "SELECT {SUPPLIER_COLUMNS} FROM suppliers WHERE id = ?1"
                ))?
                .query_row([id], supplier_from_row)
                .optional()?)
        })
    }

    fn suppliers(&self, filter: &SupplierFilter, limit: u32) -> Result<Vec<Supplier>> {
        let search = filter.search.as_deref().map(like_pattern);
        run(|| {
            let mut stmt = self.conn().prepare_cached(&format!(
                "SELECT {SUPPLIER_COLUMNS} FROM suppliers
                 WHERE id > ?1 AND (?2 IS NULL OR active = ?2)
                   AND (?3 IS NULL OR name LIKE ?3 ESCAPE '\\' OR email LIKE ?3 ESCAPE '\\')
                 ORDER BY id LIMIT ?4"
            ))?;
            let rows = stmt
                .query_map(
                    params![filter.page.after.unwrap_or(0), filter.active, search, limit],
                    supplier_from_row,
                )?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }
}

impl SupplierWrites for SqliteTx<'_> {
    fn insert_supplier(&self, s: &NewSupplier, at: Timestamp) -> Result<i64> {
        run(|| {
            self.conn()
                .prepare_cached(
                    "INSERT INTO suppliers(name, email, phone, notes, active, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, 1, ?5, ?5)",
                )?
                .execute(params![s.name, s.email, s.phone, s.notes, micros(at)])?;
            Ok(self.conn().last_insert_rowid())
        })
    }

    fn update_supplier(&self, s: &Supplier) -> Result<()> {
        run(|| {
            self.conn()
                .prepare_cached(
                    "UPDATE suppliers SET name = ?2, email = ?3, phone = ?4, notes = ?5,
                            active = ?6, updated_at = ?7 WHERE id = ?1",
                )?
                .execute(params![
                    s.id,
                    s.name,
                    s.email,
                    s.phone,
                    s.notes,
                    s.active,
                    micros(s.updated_at)
                ])?;
            Ok(())
        })
    }
}
