//! Suppliers: who the shop buys from.

use jiff::Timestamp;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::db::{from_micros, now_micros, Database};
use crate::error::{Error, Result};
use crate::page::{Page, PageRequest};
use crate::text;

/// A supplier.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// What [`Database::create_supplier`] needs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
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

const COLUMNS: &str = "id, name, email, phone, notes, active, created_at, updated_at";

fn from_row(r: &Row) -> rusqlite::Result<Supplier> {
    Ok(Supplier {
        id: r.get(0)?,
        name: r.get(1)?,
        email: r.get(2)?,
        phone: r.get(3)?,
        notes: r.get(4)?,
        active: r.get(5)?,
        created_at: from_micros(r.get(6)?),
        updated_at: from_micros(r.get(7)?),
    })
}

pub(crate) fn get(conn: &Connection, id: i64) -> Result<Supplier> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM suppliers WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?
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
        text::required("name", &s.name, 200)?;
        validate_contact(s.email.as_deref(), s.phone.as_deref(), s.notes.as_deref())?;
        self.write(|tx| {
            let now = now_micros();
            tx.execute(
                "INSERT INTO suppliers(name, email, phone, notes, active, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, 1, ?5, ?5)",
                params![s.name, s.email, s.phone, s.notes, now],
            )?;
            get(tx, tx.last_insert_rowid())
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
            let current = get(tx, id)?;
            tx.execute(
                "UPDATE suppliers SET name = ?2, email = ?3, phone = ?4, notes = ?5,
                        active = ?6, updated_at = ?7 WHERE id = ?1",
                params![
                    id,
                    changes.name.as_ref().unwrap_or(&current.name),
                    merge(&changes.email, &current.email),
                    merge(&changes.phone, &current.phone),
                    merge(&changes.notes, &current.notes),
                    changes.active.unwrap_or(current.active),
                    now_micros()
                ],
            )?;
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
        get(&self.lock(), id)
    }

    /// Suppliers matching `filter`, by id.
    pub fn suppliers(&self, filter: &SupplierFilter) -> Result<Page<Supplier>> {
        let limit = filter.page.limit()?;
        let search = filter
            .search
            .as_ref()
            .map(|s| format!("%{}%", text::escape_like(s)));
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM suppliers
             WHERE id > ?1 AND (?2 IS NULL OR active = ?2)
               AND (?3 IS NULL OR name LIKE ?3 ESCAPE '\\' OR email LIKE ?3 ESCAPE '\\')
             ORDER BY id LIMIT ?4"
        ))?;
        let rows = stmt
            .query_map(
                params![
                    filter.page.after.unwrap_or(0),
                    filter.active,
                    search,
                    limit + 1
                ],
                from_row,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Page::from_rows(rows, limit, |s| s.id))
    }
}
