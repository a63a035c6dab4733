//! Items: what the shop stocks, and the rules each one follows.

use jiff::Timestamp;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::db::{from_micros, now_micros, Database};
use crate::decimal::Decimal;
use crate::error::{Error, Result};
use crate::page::{Page, PageRequest};
use crate::text;
use crate::valuation::ValuationMethod;

/// Whether an item is bought to be used or made/sold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// Raw material or supply.
    #[default]
    Material,
    /// Finished product.
    Product,
}

impl ItemKind {
    fn as_str(self) -> &'static str {
        match self {
            ItemKind::Material => "material",
            ItemKind::Product => "product",
        }
    }
    fn parse(s: &str) -> ItemKind {
        if s == "product" {
            ItemKind::Product
        } else {
            ItemKind::Material
        }
    }
}

/// A stocked item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// Row id.
    pub id: i64,
    /// Unique stock-keeping unit.
    pub sku: String,
    /// Display name.
    pub name: String,
    /// Unit of measure (`pcs`, `kg`, `m`…).
    pub unit: String,
    /// Material or product.
    pub kind: ItemKind,
    /// How its stock is valued.
    pub valuation: ValuationMethod,
    /// Low-stock threshold on available quantity.
    pub reorder_point: Option<Decimal>,
    /// Whether movements may take it below zero.
    pub allow_negative: bool,
    /// Inactive items receive nothing.
    pub active: bool,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// What [`Database::create_item`] needs.
///
/// ```
/// use racine::{Database, NewItem, ValuationMethod};
/// let db = Database::open_in_memory()?;
/// let oak = db.create_item(&NewItem {
///     valuation: ValuationMethod::MovingAverage,
///     ..NewItem::new("OAK-PLANK", "Oak plank 2 m")
/// })?;
/// assert_eq!(db.item_by_sku("OAK-PLANK")?.id, oak.id);
/// # Ok::<(), racine::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewItem {
    /// Unique SKU: 1–64 characters, no control characters.
    pub sku: String,
    /// Display name, 1–200 characters.
    pub name: String,
    /// Unit of measure; `pcs` by default.
    #[serde(default = "default_unit")]
    pub unit: String,
    /// `material` by default.
    #[serde(default)]
    pub kind: ItemKind,
    /// `fifo` by default.
    #[serde(default)]
    pub valuation: ValuationMethod,
    /// Optional low-stock threshold (≥ 0).
    #[serde(default)]
    pub reorder_point: Option<Decimal>,
    /// Negative stock is refused unless this is true.
    #[serde(default)]
    pub allow_negative: bool,
}

fn default_unit() -> String {
    "pcs".into()
}

impl NewItem {
    /// An item with the defaults: `pcs`, material, FIFO, no reorder point,
    /// negative stock refused.
    pub fn new(sku: impl Into<String>, name: impl Into<String>) -> NewItem {
        NewItem {
            sku: sku.into(),
            name: name.into(),
            unit: default_unit(),
            kind: ItemKind::Material,
            valuation: ValuationMethod::Fifo,
            reorder_point: None,
            allow_negative: false,
        }
    }
}

/// Changes for [`Database::update_item`]; `None` leaves a field as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ItemChanges {
    /// New display name.
    pub name: Option<String>,
    /// New unit of measure.
    pub unit: Option<String>,
    /// New kind.
    pub kind: Option<ItemKind>,
    /// New valuation method: only while the item has no movements.
    pub valuation: Option<ValuationMethod>,
    /// New reorder point; `Some(None)` clears it.
    #[serde(with = "double_option", skip_serializing_if = "Option::is_none")]
    pub reorder_point: Option<Option<Decimal>>,
    /// Allow or refuse negative stock from now on.
    pub allow_negative: Option<bool>,
    /// Reactivate or deactivate.
    pub active: Option<bool>,
}

/// Filters for [`Database::items`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ItemFilter {
    /// Only active (`true`) or inactive (`false`) items.
    pub active: Option<bool>,
    /// Only this kind.
    pub kind: Option<ItemKind>,
    /// SKU or name contains this text (case-insensitive for ASCII).
    pub search: Option<String>,
    /// Page size and cursor.
    #[serde(flatten)]
    pub page: PageRequest,
}

/// Item rules needed while posting, cached per transaction.
#[derive(Clone, Debug)]
pub(crate) struct ItemRules {
    pub sku: String,
    pub valuation: ValuationMethod,
    pub allow_negative: bool,
    pub active: bool,
}

const COLUMNS: &str = "id, sku, name, unit, kind, valuation, reorder_point, allow_negative, \
                       active, created_at, updated_at";

fn from_row(r: &Row) -> rusqlite::Result<Item> {
    Ok(Item {
        id: r.get(0)?,
        sku: r.get(1)?,
        name: r.get(2)?,
        unit: r.get(3)?,
        kind: ItemKind::parse(&r.get::<_, String>(4)?),
        valuation: ValuationMethod::parse(&r.get::<_, String>(5)?).unwrap_or(ValuationMethod::Fifo),
        reorder_point: r.get::<_, Option<i64>>(6)?.map(Decimal::from_raw),
        allow_negative: r.get(7)?,
        active: r.get(8)?,
        created_at: from_micros(r.get(9)?),
        updated_at: from_micros(r.get(10)?),
    })
}

fn validate_reorder_point(p: Option<Decimal>) -> Result<()> {
    match p {
        Some(p) if p.is_negative() => {
            Err(Error::invalid("reorder_point", format!("{p} is negative")))
        }
        _ => Ok(()),
    }
}

pub(crate) fn get(conn: &Connection, id: i64) -> Result<Item> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM items WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("item", id))
}

pub(crate) fn rules(conn: &Connection, id: i64) -> Result<ItemRules> {
    conn.prepare_cached("SELECT sku, valuation, allow_negative, active FROM items WHERE id = ?1")?
        .query_row([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get(2)?,
                r.get(3)?,
            ))
        })
        .optional()?
        .ok_or_else(|| Error::not_found("item", id))
        .and_then(|(sku, valuation, allow_negative, active)| {
            Ok(ItemRules {
                sku,
                valuation: ValuationMethod::parse(&valuation)?,
                allow_negative,
                active,
            })
        })
}

impl Database {
    /// Creates an item. Its SKU must be new ([`Error::AlreadyExists`]).
    pub fn create_item(&self, item: &NewItem) -> Result<Item> {
        text::required("sku", &item.sku, 64)?;
        text::required("name", &item.name, 200)?;
        text::required("unit", &item.unit, 20)?;
        validate_reorder_point(item.reorder_point)?;
        self.write(|tx| {
            let exists: bool = tx.query_row(
                "SELECT EXISTS(SELECT 1 FROM items WHERE sku = ?1)",
                [&item.sku],
                |r| r.get(0),
            )?;
            if exists {
                return Err(Error::AlreadyExists {
                    entity: "item",
                    key: item.sku.clone(),
                });
            }
            let now = now_micros();
            tx.execute(
                "INSERT INTO items(sku, name, unit, kind, valuation, reorder_point,
                                   allow_negative, active, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8, ?8)",
                params![
                    item.sku,
                    item.name,
                    item.unit,
                    item.kind.as_str(),
                    item.valuation.as_str(),
                    item.reorder_point.map(Decimal::raw),
                    item.allow_negative,
                    now
                ],
            )?;
            get(tx, tx.last_insert_rowid())
        })
    }

    /// Applies `changes` to item `id`. The valuation method can change only
    /// while the item has no movements ([`Error::InvalidTransition`]).
    pub fn update_item(&self, id: i64, changes: &ItemChanges) -> Result<Item> {
        if let Some(name) = &changes.name {
            text::required("name", name, 200)?;
        }
        if let Some(unit) = &changes.unit {
            text::required("unit", unit, 20)?;
        }
        if let Some(p) = changes.reorder_point {
            validate_reorder_point(p)?;
        }
        self.write(|tx| {
            let current = get(tx, id)?;
            if let Some(method) = changes.valuation {
                let has_movements: bool = tx.query_row(
                    "SELECT EXISTS(SELECT 1 FROM movements WHERE item_id = ?1)",
                    [id],
                    |r| r.get(0),
                )?;
                if has_movements && method != current.valuation {
                    return Err(Error::InvalidTransition {
                        entity: "item",
                        key: current.sku,
                        state: "already moved".into(),
                        action: format!("change valuation to {}", method.as_str()),
                    });
                }
            }
            tx.execute(
                "UPDATE items SET name = ?2, unit = ?3, kind = ?4, valuation = ?5,
                        reorder_point = ?6, allow_negative = ?7, active = ?8, updated_at = ?9
                 WHERE id = ?1",
                params![
                    id,
                    changes.name.as_ref().unwrap_or(&current.name),
                    changes.unit.as_ref().unwrap_or(&current.unit),
                    changes.kind.unwrap_or(current.kind).as_str(),
                    changes.valuation.unwrap_or(current.valuation).as_str(),
                    changes
                        .reorder_point
                        .unwrap_or(current.reorder_point)
                        .map(Decimal::raw),
                    changes.allow_negative.unwrap_or(current.allow_negative),
                    changes.active.unwrap_or(current.active),
                    now_micros()
                ],
            )?;
            get(tx, id)
        })
    }

    /// Deactivates item `id`: it keeps its history and stock, receives
    /// nothing more, and can still be issued or counted to zero.
    pub fn deactivate_item(&self, id: i64) -> Result<Item> {
        self.update_item(
            id,
            &ItemChanges {
                active: Some(false),
                ..Default::default()
            },
        )
    }

    /// Item `id`.
    pub fn item(&self, id: i64) -> Result<Item> {
        get(&self.lock(), id)
    }

    /// The item with this SKU.
    pub fn item_by_sku(&self, sku: &str) -> Result<Item> {
        self.lock()
            .prepare_cached(&format!("SELECT {COLUMNS} FROM items WHERE sku = ?1"))?
            .query_row([sku], from_row)
            .optional()?
            .ok_or_else(|| Error::not_found("item", sku))
    }

    /// Items matching `filter`, by id, one page at a time.
    pub fn items(&self, filter: &ItemFilter) -> Result<Page<Item>> {
        let limit = filter.page.limit()?;
        let search = filter
            .search
            .as_ref()
            .map(|s| format!("%{}%", text::escape_like(s)));
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM items
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
                    limit + 1
                ],
                from_row,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Page::from_rows(rows, limit, |i| i.id))
    }
}

/// `Option<Option<T>>` in JSON: absent = leave as is, `null` = clear.
mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<T: Serialize, S: Serializer>(
        v: &Option<Option<T>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match v {
            Some(inner) => inner.serialize(s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }
}
