//! Reading stock: balances, valuation, as-of replays and movement history.

use jiff::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::closed_set::closed_set;
use crate::database::Database;
use crate::decimal::Decimal;
use crate::error::{Error, Result};
use crate::items::{self, ItemRef};
use crate::ledger::movement::{MovementRecord, Reason};
use crate::page::{Page, PageRequest};
use crate::store::{LevelQuery, LevelRow, Reads};
use crate::valuation::ValuationMethod;
use crate::warehouses;

/// Stock of one item, in one warehouse or across all of them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct StockLevel {
    /// Item id.
    pub item: i64,
    /// Item SKU.
    pub sku: String,
    /// Warehouse id; `None` for the total over all warehouses.
    pub warehouse: Option<i64>,
    /// Physically present.
    pub on_hand: Decimal,
    /// Promised to pending reservations.
    pub reserved: Decimal,
    /// On hand minus reserved: what can still be sold or issued.
    pub available: Decimal,
    /// Stock value under the item's valuation method.
    pub value: Decimal,
    /// Value per unit on hand (0 when nothing is on hand).
    pub unit_value: Decimal,
    /// The item's low-stock threshold.
    pub reorder_point: Option<Decimal>,
}

/// Stock and value as of a past instant, replayed from the ledger.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct StockAt {
    /// Item id.
    pub item: i64,
    /// Warehouse id; `None` for all warehouses.
    pub warehouse: Option<i64>,
    /// The instant (movements effective at or before it count).
    #[schemars(with = "crate::catalogue::Instant")]
    pub at: Timestamp,
    /// Quantity on hand then.
    pub on_hand: Decimal,
    /// Stock value then.
    pub value: Decimal,
}

/// Filters for [`Database::stock_levels`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct StockFilter {
    /// One warehouse; totals over all warehouses when absent.
    pub warehouse: Option<i64>,
    /// Only items whose available quantity is at or below their reorder point.
    pub low_stock_only: bool,
    /// Only active items (default: all).
    pub active_only: bool,
    /// Page size and cursor (by item id).
    #[serde(flatten)]
    pub page: PageRequest,
}

closed_set! {
    /// Order of a movement listing.
    pub enum SortOrder as "order", default NewestFirst {
        /// Most recently recorded first.
        NewestFirst = "newest_first",
        /// Ledger order.
        OldestFirst = "oldest_first",
    }
}

/// Filters for [`Database::movements`]. All given filters must hold.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct MovementFilter {
    /// Only this item (by id or SKU).
    pub item: Option<ItemRef>,
    /// Only this warehouse.
    pub warehouse: Option<i64>,
    /// Only this reason.
    pub reason: Option<Reason>,
    /// Effective at or after this instant.
    #[schemars(with = "Option<crate::catalogue::Instant>")]
    #[serde(default, with = "crate::instant::text::option")]
    pub from: Option<Timestamp>,
    /// Effective strictly before this instant.
    #[schemars(with = "Option<crate::catalogue::Instant>")]
    #[serde(default, with = "crate::instant::text::option")]
    pub to: Option<Timestamp>,
    /// Only this exact external reference.
    pub reference: Option<String>,
    /// Newest first (default) or oldest first.
    pub order: SortOrder,
    /// Page size and cursor (a movement id).
    #[serde(flatten)]
    pub page: PageRequest,
}

/// One open FIFO / LIFO cost layer: what is left of one receipt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct CostLayer {
    /// Quantity still in this layer.
    pub quantity: Decimal,
    /// Its unit cost (value ÷ quantity, rounded to the millionth).
    pub unit_cost: Decimal,
    /// Its exact remaining value.
    pub value: Decimal,
    /// The movement that opened it (`None` for layers opened before
    /// schema version 5, which did not record it).
    pub movement: Option<i64>,
}

/// The open cost layers of one item in one warehouse.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct CostLayers {
    /// Item id.
    pub item: i64,
    /// Item SKU.
    pub sku: String,
    /// Warehouse id.
    pub warehouse: i64,
    /// The item's valuation method.
    pub valuation: ValuationMethod,
    /// Open layers, oldest first: FIFO issues take from the first, LIFO
    /// from the last. Empty under moving average (one pool, valued by
    /// [`Database::stock`]) and whenever nothing is on hand.
    pub layers: Vec<CostLayer>,
}

/// A stock level from a balance row: what is available and the value per
/// unit are derived here, once.
fn level(row: LevelRow, warehouse: Option<i64>) -> StockLevel {
    let b = row.balance;
    StockLevel {
        item: row.item,
        sku: row.sku,
        warehouse,
        on_hand: b.on_hand,
        reserved: b.reserved,
        available: Decimal::from_raw(b.on_hand.raw().saturating_sub(b.reserved.raw())),
        value: b.value,
        unit_value: unit_value(b.value, b.on_hand),
        reorder_point: row.reorder_point,
    }
}

/// Value per unit on hand (zero when nothing is on hand).
pub(crate) fn unit_value(value: Decimal, on_hand: Decimal) -> Decimal {
    if on_hand.is_positive() {
        value.checked_div(on_hand).unwrap_or_default()
    } else {
        Decimal::ZERO
    }
}

pub(crate) fn check_warehouse(r: &dyn Reads, warehouse: Option<i64>) -> Result<()> {
    if let Some(w) = warehouse {
        warehouses::get(r, w)?;
    }
    Ok(())
}

impl Database {
    /// The open cost layers of `item` (id or SKU) in `warehouse` (the
    /// default warehouse when `None`): quantity, unit cost and the receipt
    /// that opened each, in the order [`Database::verify`] replays them.
    ///
    /// ```
    /// use racine::{Database, Movement, NewItem};
    /// let db = Database::open_in_memory()?;
    /// let oak = db.create_item(&NewItem::new("OAK", "Oak"))?.id; // FIFO
    /// db.post(&Movement::receipt(oak, "10".parse()?, "4".parse()?))?;
    /// db.post(&Movement::receipt(oak, "5".parse()?, "6".parse()?))?;
    /// db.post(&Movement::issue(oak, "12".parse()?))?;
    /// let open = db.cost_layers(oak, None)?.layers;
    /// assert_eq!(open.len(), 1);
    /// assert_eq!((open[0].quantity.to_string(), open[0].unit_cost.to_string()), ("3".into(), "6".into()));
    /// assert_eq!(open[0].movement, Some(2));
    /// # Ok::<(), racine::Error>(())
    /// ```
    pub fn cost_layers(
        &self,
        item: impl Into<ItemRef>,
        warehouse: Option<i64>,
    ) -> Result<CostLayers> {
        let item = item.into();
        self.read(|r| {
            let id = item.resolve(r)?;
            let rules = items::rules(r, id)?;
            let warehouse = match warehouse {
                Some(w) => warehouses::get(r, w)?.id,
                None => warehouses::default_id(r)?,
            };
            let layers = r
                .cost_layers(id, warehouse)?
                .into_iter()
                .map(|l| {
                    Ok(CostLayer {
                        quantity: l.quantity,
                        unit_cost: l.value.checked_div(l.quantity)?,
                        value: l.value,
                        movement: (l.movement != 0).then_some(l.movement),
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            Ok(CostLayers {
                item: id,
                sku: rules.sku,
                warehouse,
                valuation: rules.valuation,
                layers,
            })
        })
    }

    /// Stock of `item` (id or SKU) in `warehouse`, or across all warehouses
    /// when `None`.
    ///
    /// Served by the balance table: one indexed read, whatever the ledger size.
    pub fn stock(&self, item: impl Into<ItemRef>, warehouse: Option<i64>) -> Result<StockLevel> {
        let item = item.into();
        self.read(|r| stock_on(r, &item, warehouse))
    }

    /// Stock of `item` in each warehouse that ever held it.
    pub fn stock_by_warehouse(&self, item: impl Into<ItemRef>) -> Result<Vec<StockLevel>> {
        let item = item.into();
        self.read(|r| {
            let id = items::find(r, &item)?.id;
            Ok(r.levels_by_warehouse(id)?
                .into_iter()
                .map(|(w, row)| level(row, Some(w)))
                .collect())
        })
    }

    /// Stock of every item (totals, or in one warehouse), one page at a time.
    pub fn stock_levels(&self, filter: &StockFilter) -> Result<Page<StockLevel>> {
        self.read(|r| stock_levels(r, filter))
    }

    /// Total stock value, in one warehouse or all.
    pub fn stock_value(&self, warehouse: Option<i64>) -> Result<Decimal> {
        self.read(|r| {
            check_warehouse(r, warehouse)?;
            r.stock_value(warehouse)
        })
    }

    /// Stock and value of `item` as of `at` (movements effective at or before
    /// it), in one warehouse or all.
    ///
    /// ```
    /// use racine::{Database, Movement, NewItem};
    /// let db = Database::open_in_memory()?;
    /// let item = db.create_item(&NewItem::new("SOAP", "Soap"))?.id;
    /// let monday: jiff::Timestamp = "2025-11-24T09:00:00Z".parse().unwrap();
    /// let tuesday: jiff::Timestamp = "2025-11-25T09:00:00Z".parse().unwrap();
    /// db.post(&Movement::receipt(item, "10".parse()?, "2".parse()?).effective_at(monday))?;
    /// db.post(&Movement::issue(item, "4".parse()?).effective_at(tuesday))?;
    /// let then = db.stock_as_of(item, None, monday)?;
    /// assert_eq!((then.on_hand.to_string(), then.value.to_string()), ("10".into(), "20".into()));
    /// # Ok::<(), racine::Error>(())
    /// ```
    pub fn stock_as_of(
        &self,
        item: impl Into<ItemRef>,
        warehouse: Option<i64>,
        at: Timestamp,
    ) -> Result<StockAt> {
        let item = item.into();
        self.read(|r| {
            let id = items::find(r, &item)?.id;
            check_warehouse(r, warehouse)?;
            let (on_hand, value) = r.totals_as_of(id, warehouse, at)?;
            Ok(StockAt {
                item: id,
                warehouse,
                at,
                on_hand,
                value,
            })
        })
    }

    /// Movement history matching `filter`, one page at a time.
    ///
    /// ```
    /// use racine::{Database, Movement, MovementFilter, NewItem, PageRequest, Reason};
    /// let db = Database::open_in_memory()?;
    /// let item = db.create_item(&NewItem::new("CUP", "Cup"))?.id;
    /// db.post(&Movement::receipt(item, "10".parse()?, "1".parse()?))?;
    /// for _ in 0..3 {
    ///     db.post(&Movement::adjustment(item, "-1".parse()?, Reason::Breakage))?;
    /// }
    /// let mut filter = MovementFilter { reason: Some(Reason::Breakage), page: PageRequest::first(2), ..Default::default() };
    /// let first = db.movements(&filter)?;           // newest first
    /// filter.page.after = first.next;
    /// let second = db.movements(&filter)?;
    /// assert_eq!((first.items.len(), second.items.len(), second.next), (2, 1, None));
    /// # Ok::<(), racine::Error>(())
    /// ```
    pub fn movements(&self, filter: &MovementFilter) -> Result<Page<MovementRecord>> {
        let limit = filter.page.limit()?;
        if let (Some(from), Some(to)) = (filter.from, filter.to) {
            if from >= to {
                return Err(Error::invalid(
                    "to",
                    format!("the period [{from}, {to}) is empty"),
                ));
            }
        }
        let rows = self.read(|r| {
            let mut by_id = filter.clone();
            // A SKU is resolved once; an unknown one matches nothing.
            if let Some(ItemRef::Sku(sku)) = &filter.item {
                match r.item_id_by_sku(sku)? {
                    Some(id) => by_id.item = Some(ItemRef::Id(id)),
                    None => return Ok(Vec::new()),
                }
            }
            r.movements(&by_id, limit + 1)
        })?;
        Ok(Page::from_rows(rows, limit, |m| m.id))
    }
}

/// One page of [`Database::stock_levels`], read on `r` (an export pages
/// Stock of `item` in `warehouse` (all warehouses when `None`), read on `r`.
pub(crate) fn stock_on(
    r: &dyn Reads,
    item: &ItemRef,
    warehouse: Option<i64>,
) -> Result<StockLevel> {
    let id = item.resolve(r)?;
    let found = match warehouse {
        // The hot path: one primary-key probe of each table.
        Some(w) => r.level(id, w)?,
        None => r
            .levels(
                &LevelQuery {
                    warehouse: None,
                    after: 0,
                    active_only: false,
                    low_stock_only: false,
                    limit: 1,
                },
                Some(id),
            )?
            .pop()
            .map(|row| (row, true)),
    };
    let Some((row, has_balance)) = found else {
        return Err(Error::not_found("item", item));
    };
    if !has_balance {
        check_warehouse(r, warehouse)?;
    }
    Ok(level(row, warehouse))
}

/// through a snapshot with it).
pub(crate) fn stock_levels(r: &dyn Reads, filter: &StockFilter) -> Result<Page<StockLevel>> {
    let limit = filter.page.limit()?;
    check_warehouse(r, filter.warehouse)?;
    let rows = r.levels(
        &LevelQuery {
            warehouse: filter.warehouse,
            after: filter.page.after.unwrap_or(0),
            active_only: filter.active_only,
            low_stock_only: filter.low_stock_only,
            limit: limit + 1,
        },
        None,
    )?;
    let levels = rows
        .into_iter()
        .map(|row| level(row, filter.warehouse))
        .collect();
    Ok(Page::from_rows(levels, limit, |l| l.item))
}
