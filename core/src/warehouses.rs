//! Warehouses: where stock sits. Exactly one is the default.

use jiff::Timestamp;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::db::{from_micros, now_micros, Database};
use crate::error::{Error, Result};
use crate::page::{Page, PageRequest};
use crate::text;

/// A place that holds stock.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warehouse {
    /// Row id.
    pub id: i64,
    /// Unique short code (`MAIN`, `SHOP-2`).
    pub code: String,
    /// Display name.
    pub name: String,
    /// Movements without a warehouse go here.
    pub is_default: bool,
    /// Inactive warehouses receive nothing.
    pub active: bool,
    /// When it was created.
    pub created_at: Timestamp,
}

/// What [`Database::create_warehouse`] needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewWarehouse {
    /// Unique code: 1–32 characters, no spaces or control characters.
    pub code: String,
    /// Display name.
    pub name: String,
    /// Make it the default warehouse (the previous default stops being one).
    #[serde(default)]
    pub is_default: bool,
}

/// Changes for [`Database::update_warehouse`]; `None` leaves a field as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WarehouseChanges {
    /// New display name.
    pub name: Option<String>,
    /// `Some(true)` makes it the default (only `true` is accepted: another
    /// warehouse becomes default by being made default itself).
    pub is_default: Option<bool>,
    /// Reactivate or deactivate (the default warehouse cannot be deactivated).
    pub active: Option<bool>,
}

/// Filters for [`Database::warehouses`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WarehouseFilter {
    /// Only active (`true`) or inactive (`false`) warehouses.
    pub active: Option<bool>,
    /// Page size and cursor.
    #[serde(flatten)]
    pub page: PageRequest,
}

pub(crate) fn validate_code(code: &str) -> Result<()> {
    text::required("code", code, 32)?;
    if code.chars().any(char::is_whitespace) {
        return Err(Error::invalid(
            "code",
            format!("{code:?} must not contain spaces"),
        ));
    }
    Ok(())
}

const COLUMNS: &str = "id, code, name, is_default, active, created_at";

fn from_row(r: &Row) -> rusqlite::Result<Warehouse> {
    Ok(Warehouse {
        id: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        is_default: r.get(3)?,
        active: r.get(4)?,
        created_at: from_micros(r.get(5)?),
    })
}

pub(crate) fn get(conn: &Connection, id: i64) -> Result<Warehouse> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM warehouses WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("warehouse", id))
}

pub(crate) fn default_id(conn: &Connection) -> Result<i64> {
    conn.prepare_cached("SELECT id FROM warehouses WHERE is_default = 1")?
        .query_row([], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::not_found("warehouse", "default"))
}

fn make_default(conn: &Connection, id: i64) -> Result<()> {
    conn.execute(
        "UPDATE warehouses SET is_default = 0 WHERE is_default = 1",
        [],
    )?;
    conn.execute(
        "UPDATE warehouses SET is_default = 1, active = 1 WHERE id = ?1",
        [id],
    )?;
    Ok(())
}

impl Database {
    /// Creates a warehouse. Its code must be new ([`Error::AlreadyExists`]).
    pub fn create_warehouse(&self, w: &NewWarehouse) -> Result<Warehouse> {
        validate_code(&w.code)?;
        text::required("name", &w.name, 200)?;
        self.write(|tx| {
            let exists: bool = tx.query_row(
                "SELECT EXISTS(SELECT 1 FROM warehouses WHERE code = ?1)",
                [&w.code],
                |r| r.get(0),
            )?;
            if exists {
                return Err(Error::AlreadyExists {
                    entity: "warehouse",
                    key: w.code.clone(),
                });
            }
            tx.execute(
                "INSERT INTO warehouses(code, name, is_default, active, created_at)
                 VALUES (?1, ?2, 0, 1, ?3)",
                params![w.code, w.name, now_micros()],
            )?;
            let id = tx.last_insert_rowid();
            if w.is_default {
                make_default(tx, id)?;
            }
            get(tx, id)
        })
    }

    /// Applies `changes` to warehouse `id`.
    pub fn update_warehouse(&self, id: i64, changes: &WarehouseChanges) -> Result<Warehouse> {
        if let Some(name) = &changes.name {
            text::required("name", name, 200)?;
        }
        if changes.is_default == Some(false) {
            return Err(Error::invalid(
                "is_default",
                "make another warehouse the default instead",
            ));
        }
        self.write(|tx| {
            let current = get(tx, id)?;
            if changes.active == Some(false) && (current.is_default || changes.is_default.is_some())
            {
                return Err(Error::InvalidTransition {
                    entity: "warehouse",
                    key: current.code,
                    state: "the default".into(),
                    action: "deactivate".into(),
                });
            }
            tx.execute(
                "UPDATE warehouses SET name = ?2, active = ?3 WHERE id = ?1",
                params![
                    id,
                    changes.name.as_ref().unwrap_or(&current.name),
                    changes.active.unwrap_or(current.active)
                ],
            )?;
            if changes.is_default == Some(true) {
                make_default(tx, id)?;
            }
            get(tx, id)
        })
    }

    /// Deactivates warehouse `id` (not the default one).
    pub fn deactivate_warehouse(&self, id: i64) -> Result<Warehouse> {
        self.update_warehouse(
            id,
            &WarehouseChanges {
                active: Some(false),
                ..Default::default()
            },
        )
    }

    /// Warehouse `id`.
    pub fn warehouse(&self, id: i64) -> Result<Warehouse> {
        get(&self.lock(), id)
    }

    /// The warehouse with this code.
    pub fn warehouse_by_code(&self, code: &str) -> Result<Warehouse> {
        self.lock()
            .prepare_cached(&format!("SELECT {COLUMNS} FROM warehouses WHERE code = ?1"))?
            .query_row([code], from_row)
            .optional()?
            .ok_or_else(|| Error::not_found("warehouse", code))
    }

    /// The default warehouse.
    pub fn default_warehouse(&self) -> Result<Warehouse> {
        let conn = self.lock();
        get(&conn, default_id(&conn)?)
    }

    /// Warehouses matching `filter`, by id.
    pub fn warehouses(&self, filter: &WarehouseFilter) -> Result<Page<Warehouse>> {
        let limit = filter.page.limit()?;
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM warehouses
             WHERE id > ?1 AND (?2 IS NULL OR active = ?2) ORDER BY id LIMIT ?3"
        ))?;
        let rows = stmt
            .query_map(
                params![filter.page.after.unwrap_or(0), filter.active, limit + 1],
                from_row,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Page::from_rows(rows, limit, |w| w.id))
    }
}
