//! Items: what the shop stocks, and the rules each one follows.

use jiff::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::closed_set::closed_set;
use crate::database::Database;
use crate::decimal::Decimal;
use crate::error::{Error, Result};
use crate::page::{Page, PageRequest};
use crate::store::{ItemRules, Reads};
use crate::text;
use crate::valuation::ValuationMethod;

closed_set! {
    /// Whether an item is bought to be used or made and sold.
    pub enum ItemKind as "kind", default Material {
        /// Raw material or supply.
        Material = "material",
        /// Finished product.
        Product = "product",
    }
}

/// An item named by its id or by its SKU, wherever an item is asked for:
/// `7` or `"OAK-PLANK"` in JSON.
///
/// # Example
///
/// ```
/// use racine::{Database, ItemRef, Movement, NewItem};
/// let db = Database::open_in_memory()?;
/// db.create_item(&NewItem::new("OAK-PLANK", "Oak plank"))?;
/// db.post(&Movement::receipt("OAK-PLANK", "3".parse()?, "10".parse()?))?;
/// assert_eq!(db.stock("OAK-PLANK", None)?.on_hand.to_string(), "3");
/// # Ok::<(), racine::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ItemRef {
    /// The item's id.
    Id(i64),
    /// The item's SKU.
    Sku(String),
}

impl From<i64> for ItemRef {
    fn from(id: i64) -> ItemRef {
        ItemRef::Id(id)
    }
}

impl From<&str> for ItemRef {
    fn from(sku: &str) -> ItemRef {
        ItemRef::Sku(sku.to_string())
    }
}

impl From<String> for ItemRef {
    fn from(sku: String) -> ItemRef {
        ItemRef::Sku(sku)
    }
}

impl From<&Item> for ItemRef {
    fn from(item: &Item) -> ItemRef {
        ItemRef::Id(item.id)
    }
}

impl std::fmt::Display for ItemRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ItemRef::Id(id) => write!(f, "{id}"),
            ItemRef::Sku(sku) => f.write_str(sku),
        }
    }
}

impl ItemRef {
    /// The id, when the item is named by id.
    pub fn id(&self) -> Option<i64> {
        match self {
            ItemRef::Id(id) => Some(*id),
            ItemRef::Sku(_) => None,
        }
    }

    /// The id this names: as given, or looked up by SKU ([`Error::NotFound`]
    /// for an unknown SKU; an id is checked by whoever uses it).
    pub(crate) fn resolve(&self, r: &(impl Reads + ?Sized)) -> Result<i64> {
        match self {
            ItemRef::Id(id) => Ok(*id),
            ItemRef::Sku(sku) => r
                .item_id_by_sku(sku)?
                .ok_or_else(|| Error::not_found("item", sku)),
        }
    }
}

/// A stocked item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
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
    #[schemars(with = "crate::catalogue::Instant")]
    pub created_at: Timestamp,
    /// When it last changed.
    #[schemars(with = "crate::catalogue::Instant")]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
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
            kind: ItemKind::default(),
            valuation: ValuationMethod::default(),
            reorder_point: None,
            allow_negative: false,
        }
    }
}

/// Changes for [`Database::update_item`]; `None` leaves a field as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
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
    /// New reorder point; `null` clears it.
    #[serde(
        with = "crate::changes::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<Decimal>", extend("x-null-clears" = true))]
    pub reorder_point: Option<Option<Decimal>>,
    /// Allow or refuse negative stock from now on.
    pub allow_negative: Option<bool>,
    /// Reactivate or deactivate.
    pub active: Option<bool>,
}

/// Filters for [`Database::items`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
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

/// The checks of a new item that need no database (imports run them on
/// every row before writing any).
pub(crate) fn check_new(item: &NewItem) -> Result<()> {
    text::required("sku", &item.sku, 64)?;
    text::required("name", &item.name, 200)?;
    text::required("unit", &item.unit, 20)?;
    validate_reorder_point(item.reorder_point)
}

fn validate_reorder_point(p: Option<Decimal>) -> Result<()> {
    match p {
        Some(p) if p.is_negative() => {
            Err(Error::invalid("reorder_point", format!("{p} is negative")))
        }
        _ => Ok(()),
    }
}

/// Item `id`, or NotFound.
pub(crate) fn get(r: &(impl Reads + ?Sized), id: i64) -> Result<Item> {
    r.item(id)?.ok_or_else(|| Error::not_found("item", id))
}

/// The rules of item `id` needed while posting, or NotFound.
pub(crate) fn rules(r: &(impl Reads + ?Sized), id: i64) -> Result<ItemRules> {
    r.item_rules(id)?
        .ok_or_else(|| Error::not_found("item", id))
}

/// The item `item` names, or NotFound.
pub(crate) fn find(r: &(impl Reads + ?Sized), item: &ItemRef) -> Result<Item> {
    match item {
        ItemRef::Id(id) => get(r, *id),
        ItemRef::Sku(sku) => r
            .item_by_sku(sku)?
            .ok_or_else(|| Error::not_found("item", sku)),
    }
}

impl Database {
    /// Creates an item. Its SKU must be new ([`Error::AlreadyExists`]).
    pub fn create_item(&self, item: &NewItem) -> Result<Item> {
        check_new(item)?;
        self.write(|tx| {
            let id = tx.insert_item(item, tx.now()?)?;
            get(tx, id)
        })
    }

    /// Applies `changes` to `item`. The valuation method can change only
    /// while the item has no movements ([`Error::InvalidTransition`]).
    pub fn update_item(&self, item: impl Into<ItemRef>, changes: &ItemChanges) -> Result<Item> {
        let item = item.into();
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
            let mut current = find(tx, &item)?;
            if let Some(method) = changes.valuation {
                if method != current.valuation && tx.item_has_movements(current.id)? {
                    return Err(Error::InvalidTransition {
                        entity: "item",
                        key: current.sku,
                        state: "already moved".into(),
                        action: format!("change valuation to {method}"),
                    });
                }
            }
            let c = changes.clone();
            current.name = c.name.unwrap_or(current.name);
            current.unit = c.unit.unwrap_or(current.unit);
            current.kind = c.kind.unwrap_or(current.kind);
            current.valuation = c.valuation.unwrap_or(current.valuation);
            current.reorder_point = c.reorder_point.unwrap_or(current.reorder_point);
            current.allow_negative = c.allow_negative.unwrap_or(current.allow_negative);
            current.active = c.active.unwrap_or(current.active);
            current.updated_at = tx.now()?;
            tx.update_item(&current)?;
            get(tx, current.id)
        })
    }

    /// Deactivates `item`: it keeps its history and stock, receives
    /// nothing more, and can still be issued or counted to zero.
    pub fn deactivate_item(&self, item: impl Into<ItemRef>) -> Result<Item> {
        self.update_item(
            item,
            &ItemChanges {
                active: Some(false),
                ..Default::default()
            },
        )
    }

    /// The item with this id or SKU.
    pub fn item(&self, item: impl Into<ItemRef>) -> Result<Item> {
        let item = item.into();
        self.read(|r| find(r, &item))
    }

    /// The item with this SKU.
    pub fn item_by_sku(&self, sku: &str) -> Result<Item> {
        self.item(sku)
    }

    /// Items matching `filter`, by id, one page at a time.
    pub fn items(&self, filter: &ItemFilter) -> Result<Page<Item>> {
        let limit = filter.page.limit()?;
        let rows = self.read(|r| r.items(filter, limit + 1))?;
        Ok(Page::from_rows(rows, limit, |i| i.id))
    }
}
