//! Items, warehouses and suppliers in PostgreSQL.

use jiff::Timestamp;
use postgres::Row;

use super::{at, instant, like_pattern, micros, run, stored, unique, PgTx, SqlResult};
use crate::decimal::Decimal;
use crate::error::Result;
use crate::items::{Item, ItemFilter, ItemKind, NewItem};
use crate::store::stored::{keep, MasterCache};
use crate::store::{
    ItemReads, ItemRules, ItemWrites, SupplierReads, SupplierWrites, WarehouseReads,
    WarehouseWrites,
};
use crate::suppliers::{NewSupplier, Supplier, SupplierFilter};
use crate::valuation::ValuationMethod;
use crate::warehouses::{Warehouse, WarehouseFilter};

const ITEM_COLUMNS: &str = "id, sku, name, unit, kind, valuation, reorder_point, allow_negative, \
                            active, created_at, updated_at";

fn item_from_row(r: &Row) -> SqlResult<Item> {
    Ok(Item {
        id: at(r, 0)?,
        sku: at(r, 1)?,
        name: at(r, 2)?,
        unit: at(r, 3)?,
        kind: stored(ItemKind::from_stored(at(r, 4)?))?,
        valuation: stored(ValuationMethod::from_stored(at(r, 5)?))?,
        reorder_point: at::<Option<i64>>(r, 6)?.map(Decimal::from_raw),
        allow_negative: at(r, 7)?,
        active: at(r, 8)?,
        created_at: instant(at(r, 9)?),
        updated_at: instant(at(r, 10)?),
    })
}

impl PgTx<'_> {
    /// `read` through this connection's master-data cache (in a write,
    /// whose start read `master_version`): `get` finds a kept answer, `put`
    /// keeps one.
    fn cached<T: Clone>(
        &self,
        get: impl FnOnce(&MasterCache) -> Option<T>,
        read: impl FnOnce() -> SqlResult<Option<T>>,
        put: impl FnOnce(&mut MasterCache, &T),
    ) -> SqlResult<Option<T>> {
        if let Some(hit) = self.master().and_then(|c| get(&c)) {
            return Ok(Some(hit));
        }
        let found = read()?;
        if let (Some(value), Some(mut cache)) = (&found, self.master()) {
            put(&mut cache, value);
        }
        Ok(found)
    }
}

impl ItemReads for PgTx<'_> {
    fn item(&self, id: i64) -> Result<Option<Item>> {
        run(|| {
            self.pg()
                .opt(
                    &format!("SELECT {ITEM_COLUMNS} FROM items WHERE id = $1"),
                    &[&id],
                )?
                .map(|r| item_from_row(&r))
                .transpose()
        })
    }

    fn item_by_sku(&self, sku: &str) -> Result<Option<Item>> {
        if !super::storable(sku) {
            return Ok(None);
        }
        run(|| {
            self.pg()
                .opt(
                    &format!("SELECT {ITEM_COLUMNS} FROM items WHERE sku = $1"),
                    &[&sku],
                )?
                .map(|r| item_from_row(&r))
                .transpose()
        })
    }

    fn item_id_by_sku(&self, sku: &str) -> Result<Option<i64>> {
        if !super::storable(sku) {
            return Ok(None);
        }
        run(|| {
            self.cached(
                |c| c.skus.get(sku).copied(),
                || {
                    self.pg()
                        .opt("SELECT id FROM items WHERE sku = $1", &[&sku])?
                        .map(|r| at(&r, 0))
                        .transpose()
                },
                |c, id| keep(&mut c.skus, sku.to_owned(), *id),
            )
        })
    }

    fn item_rules(&self, id: i64) -> Result<Option<ItemRules>> {
        run(|| {
            self.cached(
                |c| c.rules.get(&id).cloned(),
                || {
                    self.pg()
                        .opt(
                            "SELECT sku, valuation, allow_negative, active, reorder_point
                             FROM items WHERE id = $1",
                            &[&id],
                        )?
                        .map(|r| {
                            Ok(ItemRules {
                                sku: at(&r, 0)?,
                                valuation: stored(ValuationMethod::from_stored(at(&r, 1)?))?,
                                allow_negative: at(&r, 2)?,
                                active: at(&r, 3)?,
                                reorder_point: at::<Option<i64>>(&r, 4)?.map(Decimal::from_raw),
                            })
                        })
                        .transpose()
                },
                |c, rules| keep(&mut c.rules, id, rules.clone()),
            )
        })
    }

    fn item_has_movements(&self, id: i64) -> Result<bool> {
        run(|| {
            at(
                &self.pg().one(
                    "SELECT EXISTS(SELECT 1 FROM movements WHERE item_id = $1)",
                    &[&id],
                )?,
                0,
            )
        })
    }

    fn items(&self, filter: &ItemFilter, limit: u32) -> Result<Vec<Item>> {
        let search = filter.search.as_deref().map(like_pattern);
        run(|| {
            self.pg()
                .rows(
                    &format!(
                        "SELECT {ITEM_COLUMNS} FROM items
                         WHERE id > $1
                           AND ($2::bool IS NULL OR active = $2)
                           AND ($3::text IS NULL OR kind = $3)
                           AND ($4::text IS NULL OR sku ILIKE $4 ESCAPE '\\' OR name ILIKE $4 ESCAPE '\\')
                         ORDER BY id LIMIT $5"
                    ),
                    &[
                        &filter.page.after.unwrap_or(0),
                        &filter.active,
                        &filter.kind.map(ItemKind::as_str),
                        &search,
                        &i64::from(limit),
                    ],
                )?
                .iter()
                .map(item_from_row)
                .collect()
        })
    }
}

impl ItemWrites for PgTx<'_> {
    fn insert_item(&self, item: &NewItem, at_: Timestamp) -> Result<i64> {
        self.master_changes();
        run(|| {
            let row = self
                .pg()
                .one(
                    "INSERT INTO items(sku, name, unit, kind, valuation, reorder_point,
                                       allow_negative, active, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, true, $8, $8) RETURNING id",
                    &[
                        &item.sku.as_str(),
                        &item.name.as_str(),
                        &item.unit.as_str(),
                        &item.kind.as_str(),
                        &item.valuation.as_str(),
                        &item.reorder_point.map(Decimal::raw),
                        &item.allow_negative,
                        &micros(at_),
                    ],
                )
                .map_err(unique("item", &item.sku))?;
            at(&row, 0)
        })
    }

    fn update_item(&self, item: &Item) -> Result<()> {
        self.master_changes();
        run(|| {
            self.pg().exec(
                "UPDATE items SET name = $2, unit = $3, kind = $4, valuation = $5,
                        reorder_point = $6, allow_negative = $7, active = $8, updated_at = $9
                 WHERE id = $1",
                &[
                    &item.id,
                    &item.name.as_str(),
                    &item.unit.as_str(),
                    &item.kind.as_str(),
                    &item.valuation.as_str(),
                    &item.reorder_point.map(Decimal::raw),
                    &item.allow_negative,
                    &item.active,
                    &micros(item.updated_at),
                ],
            )?;
            Ok(())
        })
    }
}

const WAREHOUSE_COLUMNS: &str = "id, code, name, is_default, active, created_at";

fn warehouse_from_row(r: &Row) -> SqlResult<Warehouse> {
    Ok(Warehouse {
        id: at(r, 0)?,
        code: at(r, 1)?,
        name: at(r, 2)?,
        is_default: at(r, 3)?,
        active: at(r, 4)?,
        created_at: instant(at(r, 5)?),
    })
}

impl WarehouseReads for PgTx<'_> {
    fn warehouse(&self, id: i64) -> Result<Option<Warehouse>> {
        run(|| {
            self.cached(
                |c| c.warehouses.get(&id).cloned(),
                || {
                    self.pg()
                        .opt(
                            &format!("SELECT {WAREHOUSE_COLUMNS} FROM warehouses WHERE id = $1"),
                            &[&id],
                        )?
                        .map(|r| warehouse_from_row(&r))
                        .transpose()
                },
                |c, w| keep(&mut c.warehouses, id, w.clone()),
            )
        })
    }

    fn warehouse_by_code(&self, code: &str) -> Result<Option<Warehouse>> {
        if !super::storable(code) {
            return Ok(None);
        }
        run(|| {
            self.pg()
                .opt(
                    &format!("SELECT {WAREHOUSE_COLUMNS} FROM warehouses WHERE code = $1"),
                    &[&code],
                )?
                .map(|r| warehouse_from_row(&r))
                .transpose()
        })
    }

    fn default_warehouse_id(&self) -> Result<Option<i64>> {
        run(|| {
            self.cached(
                |c| c.default_warehouse,
                || {
                    self.pg()
                        .opt("SELECT id FROM warehouses WHERE is_default", &[])?
                        .map(|r| at(&r, 0))
                        .transpose()
                },
                |c, id| c.default_warehouse = Some(*id),
            )
        })
    }

    fn warehouses(&self, filter: &WarehouseFilter, limit: u32) -> Result<Vec<Warehouse>> {
        run(|| {
            self.pg()
                .rows(
                    &format!(
                        "SELECT {WAREHOUSE_COLUMNS} FROM warehouses
                         WHERE id > $1 AND ($2::bool IS NULL OR active = $2) ORDER BY id LIMIT $3"
                    ),
                    &[
                        &filter.page.after.unwrap_or(0),
                        &filter.active,
                        &i64::from(limit),
                    ],
                )?
                .iter()
                .map(warehouse_from_row)
                .collect()
        })
    }
}

impl WarehouseWrites for PgTx<'_> {
    fn insert_warehouse(&self, code: &str, name: &str, at_: Timestamp) -> Result<i64> {
        self.master_changes();
        run(|| {
            let row = self
                .pg()
                .one(
                    "INSERT INTO warehouses(code, name, is_default, active, created_at)
                     VALUES ($1, $2, false, true, $3) RETURNING id",
                    &[&code, &name, &micros(at_)],
                )
                .map_err(unique("warehouse", code))?;
            at(&row, 0)
        })
    }

    fn update_warehouse(&self, w: &Warehouse) -> Result<()> {
        self.master_changes();
        run(|| {
            self.pg().exec(
                "UPDATE warehouses SET name = $2, active = $3 WHERE id = $1",
                &[&w.id, &w.name.as_str(), &w.active],
            )?;
            Ok(())
        })
    }

    fn make_default_warehouse(&self, id: i64) -> Result<()> {
        self.master_changes();
        run(|| {
            self.pg().exec(
                "UPDATE warehouses SET is_default = false WHERE is_default",
                &[],
            )?;
            self.pg().exec(
                "UPDATE warehouses SET is_default = true, active = true WHERE id = $1",
                &[&id],
            )?;
            Ok(())
        })
    }
}

const SUPPLIER_COLUMNS: &str = "id, name, email, phone, notes, active, created_at, updated_at";

fn supplier_from_row(r: &Row) -> SqlResult<Supplier> {
    Ok(Supplier {
        id: at(r, 0)?,
        name: at(r, 1)?,
        email: at(r, 2)?,
        phone: at(r, 3)?,
        notes: at(r, 4)?,
        active: at(r, 5)?,
        created_at: instant(at(r, 6)?),
        updated_at: instant(at(r, 7)?),
    })
}

impl SupplierReads for PgTx<'_> {
    fn supplier(&self, id: i64) -> Result<Option<Supplier>> {
        run(|| {
            self.pg()
                .opt(
                    &format!("SELECT {SUPPLIER_COLUMNS} FROM suppliers WHERE id = $1"),
                    &[&id],
                )?
                .map(|r| supplier_from_row(&r))
                .transpose()
        })
    }

    fn suppliers(&self, filter: &SupplierFilter, limit: u32) -> Result<Vec<Supplier>> {
        let search = filter.search.as_deref().map(like_pattern);
        run(|| {
            self.pg()
                .rows(
                    &format!(
                        "SELECT {SUPPLIER_COLUMNS} FROM suppliers
                         WHERE id > $1 AND ($2::bool IS NULL OR active = $2)
                           AND ($3::text IS NULL OR name ILIKE $3 ESCAPE '\\' OR email ILIKE $3 ESCAPE '\\')
                         ORDER BY id LIMIT $4"
                    ),
                    &[
                        &filter.page.after.unwrap_or(0),
                        &filter.active,
                        &search,
                        &i64::from(limit),
                    ],
                )?
                .iter()
                .map(supplier_from_row)
                .collect()
        })
    }
}

impl SupplierWrites for PgTx<'_> {
    fn insert_supplier(&self, s: &NewSupplier, at_: Timestamp) -> Result<i64> {
        run(|| {
            let row = self.pg().one(
                "INSERT INTO suppliers(name, email, phone, notes, active, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, true, $5, $5) RETURNING id",
                &[
                    &s.name.as_str(),
                    &s.email.as_deref(),
                    &s.phone.as_deref(),
                    &s.notes.as_deref(),
                    &micros(at_),
                ],
            )?;
            at(&row, 0)
        })
    }

    fn update_supplier(&self, s: &Supplier) -> Result<()> {
        run(|| {
            self.pg().exec(
                "UPDATE suppliers SET name = $2, email = $3, phone = $4, notes = $5,
                        active = $6, updated_at = $7 WHERE id = $1",
                &[
                    &s.id,
                    &s.name.as_str(),
                    &s.email.as_deref(),
                    &s.phone.as_deref(),
                    &s.notes.as_deref(),
                    &s.active,
                    &micros(s.updated_at),
                ],
            )?;
            Ok(())
        })
    }
}
