//! Suppliers: who the shop buys from.

use jiff::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::database::Database;
use crate::error::{Error, Result};
use crate::page::{Page, PageRequest};
use crate::store::Reads;
use crate::text;

/// A supplier.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Supplier {
    /// Row id.
    pub id: i64,
    /// Display name.
    pub name: String,
    /// Contact e-mail.
    pub email: Option<String>,
    /// Contact phone, kept as text (leading zeros and `+` matter).
    pub phone: Option<String>,
    /// Free notes.
    pub notes: Option<String>,
    /// Inactive suppliers get no new purchase orders.
    pub active: bool,
    /// When it was created.
    #[schemars(with = "crate::catalogue::Instant")]
    pub created_at: Timestamp,
    /// When it last changed.
    #[schemars(with = "crate::catalogue::Instant")]
    pub updated_at: Timestamp,
}

/// What [`Database::create_supplier`] needs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSupplier {
    /// Display name, 1–200 characters.
    pub name: String,
    /// Contact e-mail (must contain `@`).
    #[serde(default)]
    pub email: Option<String>,
    /// Contact phone.
    #[serde(default)]
    pub phone: Option<String>,
    /// Free notes.
    #[serde(default)]
    pub notes: Option<String>,
}

/// Changes for [`Database::update_supplier`]. `None` leaves a field as it
/// is; an empty string clears an optional field.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct SupplierChanges {
    /// New name.
    pub name: Option<String>,
    /// New e-mail (`""` clears).
    pub email: Option<String>,
    /// New phone (`""` clears).
    pub phone: Option<String>,
    /// New notes (`""` clears).
    pub notes: Option<String>,
    /// Reactivate or deactivate.
    pub active: Option<bool>,
}

/// Filters for [`Database::suppliers`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct SupplierFilter {
    /// Only active (`true`) or inactive (`false`) suppliers.
    pub active: Option<bool>,
    /// Name or e-mail contains this text.
    pub search: Option<String>,
    /// Page size and cursor.
    #[serde(flatten)]
    pub page: PageRequest,
}

/// The checks of a new supplier that need no database.
pub(crate) fn check_new(s: &NewSupplier) -> Result<()> {
    text::required("name", &s.name, 200)?;
    validate_contact(s.email.as_deref(), s.phone.as_deref(), s.notes.as_deref())
}

fn validate_contact(email: Option<&str>, phone: Option<&str>, notes: Option<&str>) -> Result<()> {
    text::optional("email", email, 254)?;
    if let Some(e) = email.filter(|e| !e.is_empty()) {
        if !e.contains('@') || e.chars().any(char::is_whitespace) {
            return Err(Error::invalid(
                "email",
                format!("{e:?} is not an e-mail address"),
            ));
        }
    }
    text::optional("phone", phone, 40)?;
    text::optional("notes", notes, 4000)
}

/// Supplier `id`, or NotFound.
pub(crate) fn get(r: &(impl Reads + ?Sized), id: i64) -> Result<Supplier> {
    r.supplier(id)?
        .ok_or_else(|| Error::not_found("supplier", id))
}

/// `Some("")` clears a field, `None` keeps `current`.
fn merge(change: &Option<String>, current: &Option<String>) -> Option<String> {
    match change {
        Some(s) if s.is_empty() => None,
        Some(s) => Some(s.clone()),
        None => current.clone(),
    }
}

impl Database {
    /// Creates a supplier.
    pub fn create_supplier(&self, s: &NewSupplier) -> Result<Supplier> {
        check_new(s)?;
        self.write(|tx| {
            let id = tx.insert_supplier(s, tx.now()?)?;
            get(tx, id)
        })
    }

    /// Applies `changes` to supplier `id`.
    pub fn update_supplier(&self, id: i64, changes: &SupplierChanges) -> Result<Supplier> {
        if let Some(name) = &changes.name {
            text::required("name", name, 200)?;
        }
        validate_contact(
            changes.email.as_deref(),
            changes.phone.as_deref(),
            changes.notes.as_deref(),
        )?;
        self.write(|tx| {
            let mut current = get(tx, id)?;
            if let Some(name) = &changes.name {
                current.name.clone_from(name);
            }
            current.email = merge(&changes.email, &current.email);
            current.phone = merge(&changes.phone, &current.phone);
            current.notes = merge(&changes.notes, &current.notes);
            current.active = changes.active.unwrap_or(current.active);
            current.updated_at = tx.now()?;
            tx.update_supplier(&current)?;
            get(tx, id)
        })
    }

    /// Deactivates supplier `id`.
    pub fn deactivate_supplier(&self, id: i64) -> Result<Supplier> {
        self.update_supplier(
            id,
            &SupplierChanges {
                active: Some(false),
                ..Default::default()
            },
        )
    }

    /// Supplier `id`.
    pub fn supplier(&self, id: i64) -> Result<Supplier> {
        self.read(|r| get(r, id))
    }

    /// Suppliers matching `filter`, by id.
    pub fn suppliers(&self, filter: &SupplierFilter) -> Result<Page<Supplier>> {
        let limit = filter.page.limit()?;
        let rows = self.read(|r| r.suppliers(filter, limit + 1))?;
        Ok(Page::from_rows(rows, limit, |s| s.id))
    }
}
