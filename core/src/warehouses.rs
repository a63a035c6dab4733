//! Warehouses: where stock sits. Exactly one is the default.

use jiff::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::database::Database;
use crate::error::{Error, Result};
use crate::page::{Page, PageRequest};
use crate::store::Reads;
use crate::text;

/// A place that holds stock.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
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
    #[schemars(with = "crate::catalogue::Instant")]
    pub created_at: Timestamp,
}

/// What [`Database::create_warehouse`] needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
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
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
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
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct WarehouseFilter {
    /// Only active (`true`) or inactive (`false`) warehouses.
    pub active: Option<bool>,
    /// Page size and cursor.
    #[serde(flatten)]
    pub page: PageRequest,
}

/// The checks of a new warehouse that need no database.
pub(crate) fn check_new(w: &NewWarehouse) -> Result<()> {
    text::code("code", &w.code)?;
    text::required("name", &w.name, 200)
}

/// Warehouse `id`, or NotFound.
pub(crate) fn get(r: &(impl Reads + ?Sized), id: i64) -> Result<Warehouse> {
    r.warehouse(id)?
        .ok_or_else(|| Error::not_found("warehouse", id))
}

/// The default warehouse's id.
pub(crate) fn default_id(r: &(impl Reads + ?Sized)) -> Result<i64> {
    r.default_warehouse_id()?
        .ok_or_else(|| Error::not_found("warehouse", "default"))
}

impl Database {
    /// Creates a warehouse. Its code must be new ([`Error::AlreadyExists`]).
    pub fn create_warehouse(&self, w: &NewWarehouse) -> Result<Warehouse> {
        check_new(w)?;
        self.write(|tx| {
            let id = tx.insert_warehouse(&w.code, &w.name, tx.now()?)?;
            if w.is_default {
                tx.make_default_warehouse(id)?;
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
            let mut current = get(tx, id)?;
            if changes.active == Some(false) && (current.is_default || changes.is_default.is_some())
            {
                return Err(Error::InvalidTransition {
                    entity: "warehouse",
                    key: current.code,
                    state: "the default".into(),
                    action: "deactivate".into(),
                });
            }
            if let Some(name) = &changes.name {
                current.name.clone_from(name);
            }
            current.active = changes.active.unwrap_or(current.active);
            tx.update_warehouse(&current)?;
            if changes.is_default == Some(true) {
                tx.make_default_warehouse(id)?;
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
        self.read(|r| get(r, id))
    }

    /// The warehouse with this code.
    pub fn warehouse_by_code(&self, code: &str) -> Result<Warehouse> {
        self.read(|r| {
            r.warehouse_by_code(code)?
                .ok_or_else(|| Error::not_found("warehouse", code))
        })
    }

    /// The default warehouse.
    pub fn default_warehouse(&self) -> Result<Warehouse> {
        self.read(|r| get(r, default_id(r)?))
    }

    /// Warehouses matching `filter`, by id.
    pub fn warehouses(&self, filter: &WarehouseFilter) -> Result<Page<Warehouse>> {
        let limit = filter.page.limit()?;
        let rows = self.read(|r| r.warehouses(filter, limit + 1))?;
        Ok(Page::from_rows(rows, limit, |w| w.id))
    }
}
