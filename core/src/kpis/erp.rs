//! The ERP dashboard: stock valuation, purchases, daily flows, top movers,
//! low stock, inventory turnover and stockout rate.
//!
//! Stock figures come from the ledger: a value at an instant is the value
//! of the balances now, less every movement effective after that instant
//! (`movements_by_time`), so that "as of 31 March" counts every movement
//! effective by then, also those posted later with an earlier date.
//! Values are in the ledger's cost unit.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use jiff::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::period::{day_start, zone_name, Period, ResolvedPeriod};
use super::{days_of, limit, wide, Definition, Ratio};
use crate::database::Database;
use crate::decimal::Decimal;
use crate::error::{Error, Result};
use crate::items::ItemKind;
use crate::ledger::stock::check_warehouse;
use crate::store::{FlowSums, LevelQuery, Reads, SpanQuery};

/// The most days a daily-flows list has (ten years, as `last_N_days`).
pub const MAX_FLOW_DAYS: u16 = super::period::MAX_LAST_DAYS;

const COST_UNIT: &str = "the ledger's cost unit (stock is valued in one currency)";

/// What an ERP KPI covers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ErpQuery {
    /// The period (default `this_month`).
    pub period: Period,
    /// The instant stock is valued at, and the day relative periods are read
    /// from; default: now, and stock valued at the end of the period or now,
    /// whichever comes first.
    #[schemars(with = "Option<crate::catalogue::Instant>")]
    #[serde(with = "crate::instant::text::option")]
    pub as_of: Option<Timestamp>,
    /// One warehouse (id); all when absent.
    pub warehouse: Option<i64>,
    /// Only items of this kind in the top movers and the low-stock list.
    pub kind: Option<ItemKind>,
    /// Rows of each ranked list (default 10, at most 1000).
    pub limit: Option<u32>,
}

impl Default for ErpQuery {
    fn default() -> ErpQuery {
        ErpQuery {
            period: Period::Relative(super::period::Relative::ThisMonth),
            as_of: None,
            warehouse: None,
            kind: None,
            limit: None,
        }
    }
}

impl ErpQuery {
    /// The dashboard of `period`.
    pub fn period(period: Period) -> ErpQuery {
        ErpQuery {
            period,
            ..ErpQuery::default()
        }
    }

    /// Values stock at `at`; relative periods are read from it.
    pub fn as_of(mut self, at: Timestamp) -> ErpQuery {
        self.as_of = Some(at);
        self
    }

    /// One warehouse only.
    pub fn warehouse(mut self, id: i64) -> ErpQuery {
        self.warehouse = Some(id);
        self
    }
}

/// The query resolved once for every KPI of a call.
struct Ctx {
    /// The last stock computed, kept for the other KPIs of the call.
    memo: RefCell<Option<(Timestamp, Rc<StockAt>)>>,
    /// What was issued in the period, per kind asked.
    issued: RefCell<Vec<(Option<ItemKind>, SharedIssued)>>,
    period: ResolvedPeriod,
    /// Stock is valued here.
    valued_at: Timestamp,
    now: Timestamp,
    warehouse: Option<i64>,
    kind: Option<ItemKind>,
    limit: usize,
    time_zone: String,
}

impl Ctx {
    fn new(db: &Database, r: &dyn Reads, q: &ErpQuery) -> Result<Ctx> {
        let now = r.now()?;
        let anchor = q.as_of.unwrap_or(now);
        let period = q.period.resolve(db.time_zone(), anchor)?;
        check_warehouse(r, q.warehouse)?;
        let valued_at = q.as_of.unwrap_or_else(|| now.min(last_instant(&period)));
        Ok(Ctx {
            memo: RefCell::new(None),
            issued: RefCell::new(Vec::new()),
            valued_at,
            now,
            warehouse: q.warehouse,
            kind: q.kind,
            limit: limit(q.limit)?,
            time_zone: zone_name(db.time_zone()),
            period,
        })
    }

    /// The stock at `at`, computed once per call.
    fn stock(&self, r: &dyn Reads, at: Timestamp) -> Result<Rc<StockAt>> {
        if let Some((t, s)) = &*self.memo.borrow() {
            if *t == at {
                return Ok(s.clone());
            }
        }
        let s = Rc::new(stock_at(r, at, self.warehouse)?);
        *self.memo.borrow_mut() = Some((at, s.clone()));
        Ok(s)
    }

    fn span(&self) -> SpanQuery {
        SpanQuery {
            start: self.period.start.as_microsecond(),
            end: self.period.end.as_microsecond(),
            warehouse: self.warehouse,
        }
    }

    fn definition(&self, kpi: &str, formula: &str, rows: u64) -> Definition {
        Definition {
            kpi: kpi.into(),
            formula: formula.into(),
            numerator: None,
            denominator: None,
            period: Some(self.period.clone()),
            at: None,
            time_zone: self.time_zone.clone(),
            currency_rule: COST_UNIT.into(),
            rows_counted: rows,
        }
    }

    fn at_definition(&self, kpi: &str, formula: &str, at: Timestamp, rows: u64) -> Definition {
        Definition {
            period: None,
            at: Some(at),
            ..self.definition(kpi, formula, rows)
        }
    }
}

/// The last instant of a period (its end is not in it).
fn last_instant(p: &ResolvedPeriod) -> Timestamp {
    Timestamp::from_microsecond(p.end.as_microsecond() - 1).unwrap_or(p.end)
}

// -- stock valuation --------------------------------------------------------------

/// Stock value at an instant: total, per warehouse, and the items holding
/// the most value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct StockValuation {
    /// The instant valued.
    #[schemars(with = "crate::catalogue::Instant")]
    #[serde(with = "crate::instant::text")]
    pub at: Timestamp,
    /// Σ of every item × warehouse value.
    pub total: Decimal,
    /// Per warehouse that ever held stock, by id.
    pub by_warehouse: Vec<WarehouseValue>,
    /// The items of greatest value (`limit` of them), greatest first.
    pub by_item: Vec<ItemValue>,
    /// Items with stock or value at that instant.
    pub items_in_stock: u64,
    /// How it was computed.
    pub definition: Definition,
}

/// The stock value of one warehouse.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct WarehouseValue {
    /// Warehouse id.
    pub warehouse: i64,
    /// Its code.
    pub code: String,
    /// Its stock value.
    pub value: Decimal,
}

/// The stock of one item across the warehouses counted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ItemValue {
    /// Item id.
    pub item: i64,
    /// Its SKU.
    pub sku: String,
    /// Its name.
    pub name: String,
    /// Quantity on hand.
    pub on_hand: Decimal,
    /// Its value.
    pub value: Decimal,
}

/// Stock at an instant: (quantity, value) per item, value per warehouse,
/// exact in millionths, and the rows read to get it.
struct StockAt {
    items: HashMap<i64, (i128, i128)>,
    warehouses: BTreeMap<i64, i128>,
    rows: u64,
}

impl StockAt {
    fn total(&self) -> i128 {
        self.warehouses.values().sum()
    }
}

/// The stock at `at`, from whichever side reads fewer movements: the
/// balances now less what is effective after `at`, or every movement
/// effective by `at` added up. Both are exact.
fn stock_at(r: &dyn Reads, at: Timestamp, warehouse: Option<i64>) -> Result<StockAt> {
    let (before, after) = r.movements_after(at)?;
    let mut stock = StockAt {
        items: HashMap::new(),
        warehouses: BTreeMap::new(),
        rows: 0,
    };
    let forward = after > before;
    if !forward {
        for (item, q, v) in r.item_stock(warehouse)? {
            stock.rows += 1;
            stock.items.insert(item, (i128::from(q), i128::from(v)));
        }
        for (w, v) in r.warehouse_values()? {
            if warehouse.is_none_or(|only| only == w) {
                stock.rows += 1;
                stock.warehouses.insert(w, i128::from(v.raw()));
            }
        }
    }
    if after == 0 {
        return Ok(stock);
    }
    // Rolled back from now (subtract what came after) or built up from
    // nothing (add what came before).
    let (changes, sign) = if forward {
        (r.changes(None, Some(at), warehouse)?, 1)
    } else {
        (r.changes(Some(at), None, warehouse)?, -1)
    };
    for c in changes {
        stock.rows += c.count;
        let e = stock.items.entry(c.item).or_default();
        e.0 += sign * c.quantity;
        e.1 += sign * c.value;
        *stock.warehouses.entry(c.warehouse).or_default() += sign * c.value;
    }
    Ok(stock)
}

fn valuation(r: &dyn Reads, ctx: &Ctx) -> Result<StockValuation> {
    let at = ctx.valued_at;
    let stock = ctx.stock(r, at)?;
    let by_warehouse = stock
        .warehouses
        .iter()
        .map(|(&w, &v)| {
            Ok(WarehouseValue {
                warehouse: w,
                code: crate::warehouses::get(r, w)?.code,
                value: wide(v)?,
            })
        })
        .collect::<Result<_>>()?;
    let mut held: Vec<(i64, (i128, i128))> = stock
        .items
        .iter()
        .filter(|(_, (q, v))| *q != 0 || *v != 0)
        .map(|(&i, &s)| (i, s))
        .collect();
    let items_in_stock = held.len() as u64;
    let by_value =
        |a: &(i64, (i128, i128)), b: &(i64, (i128, i128))| b.1 .1.cmp(&a.1 .1).then(a.0.cmp(&b.0));
    // Only the first `limit` are ranked: a partial sort.
    if held.len() > ctx.limit {
        held.select_nth_unstable_by(ctx.limit, by_value);
        held.truncate(ctx.limit);
    }
    held.sort_by(by_value);
    let by_item = held
        .into_iter()
        .map(|(item, (q, v))| {
            let (sku, name) = label(r, item)?;
            Ok(ItemValue {
                item,
                sku,
                name,
                on_hand: wide(q)?,
                value: wide(v)?,
            })
        })
        .collect::<Result<_>>()?;
    Ok(StockValuation {
        at,
        total: wide(stock.total())?,
        by_warehouse,
        by_item,
        items_in_stock,
        definition: ctx.at_definition(
            "stock_valuation",
            "Σ over item × warehouse of the stock value under the item's valuation method, from \
             the ledger: the balances now less the value change of every movement effective \
             after the instant, or every movement effective by it added up, whichever reads \
             fewer rows (both exact). Rows counted: balance and warehouse rows read plus \
             movements summed.",
            at,
            stock.rows,
        ),
    })
}

fn label(r: &dyn Reads, item: i64) -> Result<(String, String)> {
    let i = r.item(item)?.ok_or_else(|| Error::NotFound {
        entity: "item",
        key: item.to_string(),
    })?;
    Ok((i.sku, i.name))
}

// -- purchases ----------------------------------------------------------------------

/// Purchases of a period: received (by receipt date) and still on order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Purchases {
    /// Value received in the period (quantity × purchase unit cost).
    pub received: Decimal,
    /// Value of purchase orders created in the period.
    pub ordered: Decimal,
    /// Of that, what is still to be received (neither received nor
    /// cancelled) now.
    pub still_ordered: Decimal,
    /// Per supplier, most received first.
    pub by_supplier: Vec<SupplierPurchases>,
    /// Per item, most received first (`limit` of them).
    pub by_item: Vec<ItemPurchases>,
    /// How it was computed.
    pub definition: Definition,
}

/// Purchases from one supplier.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct SupplierPurchases {
    /// Supplier id.
    pub supplier: i64,
    /// Its name.
    pub name: String,
    /// Value received in the period.
    pub received: Decimal,
    /// Receipt movements in the period.
    pub receipts: u64,
    /// Value ordered in the period.
    pub ordered: Decimal,
    /// Of that, still to be received.
    pub still_ordered: Decimal,
}

/// Purchases of one item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ItemPurchases {
    /// Item id.
    pub item: i64,
    /// Its SKU.
    pub sku: String,
    /// Quantity received in the period.
    pub received_quantity: Decimal,
    /// Value received in the period.
    pub received: Decimal,
    /// Quantity ordered in the period and still to be received.
    pub still_ordered_quantity: Decimal,
    /// Its value.
    pub still_ordered: Decimal,
}

#[derive(Default)]
struct PurchaseSums {
    received_quantity: i128,
    received: i128,
    receipts: u64,
    ordered: i128,
    still_quantity: i128,
    still: i128,
}

fn purchases(r: &dyn Reads, ctx: &Ctx) -> Result<Purchases> {
    let span = ctx.span();
    let mut suppliers: BTreeMap<i64, PurchaseSums> = BTreeMap::new();
    let mut items: BTreeMap<i64, PurchaseSums> = BTreeMap::new();
    let mut rows = 0u64;
    for c in r.receipts(&span)? {
        rows += c.count;
        // `warehouse` carries the supplier here.
        for s in [
            suppliers.entry(c.warehouse).or_default(),
            items.entry(c.item).or_default(),
        ] {
            s.received_quantity += c.quantity;
            s.received += c.value;
            s.receipts += c.count;
        }
    }
    for l in r.ordered_lines(&span)? {
        rows += 1;
        let ordered = i128::from(l.quantity.checked_mul(l.unit_cost)?.raw());
        let still = i128::from(l.remaining.checked_mul(l.unit_cost)?.raw());
        for s in [
            suppliers.entry(l.supplier).or_default(),
            items.entry(l.item).or_default(),
        ] {
            s.ordered += ordered;
            s.still += still;
            s.still_quantity += i128::from(l.remaining.raw());
        }
    }
    let (mut received, mut ordered, mut still) = (0i128, 0i128, 0i128);
    let mut by_supplier = Vec::new();
    for (id, s) in &suppliers {
        received += s.received;
        ordered += s.ordered;
        still += s.still;
        let name = r
            .supplier(*id)?
            .map(|s| s.name)
            .unwrap_or_else(|| id.to_string());
        by_supplier.push(SupplierPurchases {
            supplier: *id,
            name,
            received: wide(s.received)?,
            receipts: s.receipts,
            ordered: wide(s.ordered)?,
            still_ordered: wide(s.still)?,
        });
    }
    by_supplier.sort_by(|a, b| {
        b.received
            .cmp(&a.received)
            .then(a.supplier.cmp(&b.supplier))
    });
    let mut ranked: Vec<(i64, PurchaseSums)> = items.into_iter().collect();
    ranked.sort_by(|a, b| {
        (b.1.received, b.1.still)
            .cmp(&(a.1.received, a.1.still))
            .then(a.0.cmp(&b.0))
    });
    ranked.truncate(ctx.limit);
    let by_item = ranked
        .into_iter()
        .map(|(item, s)| {
            Ok(ItemPurchases {
                item,
                sku: label(r, item)?.0,
                received_quantity: wide(s.received_quantity)?,
                received: wide(s.received)?,
                still_ordered_quantity: wide(s.still_quantity)?,
                still_ordered: wide(s.still)?,
            })
        })
        .collect::<Result<_>>()?;
    Ok(Purchases {
        received: wide(received)?,
        ordered: wide(ordered)?,
        still_ordered: wide(still)?,
        by_supplier,
        by_item,
        definition: ctx.definition(
            "purchases",
            "received = Σ quantity × unit cost of purchase-receipt movements effective in the \
             period; ordered = Σ quantity × unit cost of the lines of purchase orders created in \
             the period; still ordered = Σ (quantity − received − cancelled) × unit cost of those \
             lines, now. Rows counted: receipt movements plus order lines.",
            rows,
        ),
    })
}

// -- daily flows ----------------------------------------------------------------------

/// Stock in and out per business day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct DailyFlows {
    /// Every business day of the period, in order (days without movements
    /// included, at zero).
    pub days: Vec<DayFlow>,
    /// The whole period.
    pub total: DayFlow,
    /// How it was computed.
    pub definition: Definition,
}

/// The flows of one business day. Outgoing figures are positive
/// magnitudes; transfers between warehouses are apart from both.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct DayFlow {
    /// The business day (for the total: the period's first day).
    #[schemars(with = "crate::catalogue::Day")]
    pub day: jiff::civil::Date,
    /// Σ quantity of incoming movements (receipts, returns, counts up…).
    pub in_quantity: Decimal,
    /// Their value.
    pub in_value: Decimal,
    /// Σ quantity of outgoing movements (sales, breakage, counts down…).
    pub out_quantity: Decimal,
    /// Their value.
    pub out_value: Decimal,
    /// Quantity that arrived by transfer from another warehouse.
    pub transfer_in_quantity: Decimal,
    /// Its value.
    pub transfer_in_value: Decimal,
    /// Quantity that left by transfer to another warehouse (equal to the
    /// transfers in when every warehouse is counted).
    pub transfer_out_quantity: Decimal,
    /// Its value.
    pub transfer_out_value: Decimal,
    /// Movements counted.
    pub movements: u64,
}

#[derive(Default, Clone, Copy)]
struct Flow {
    q: [i128; 4],
    v: [i128; 4],
    n: u64,
}

impl Flow {
    fn add(&mut self, o: &FlowSums) {
        for i in 0..4 {
            self.q[i] += i128::from(o.quantity[i]);
            self.v[i] += i128::from(o.value[i]);
        }
        self.n += o.count;
    }

    fn day(&self, day: jiff::civil::Date) -> Result<DayFlow> {
        // Outgoing sums are negative in the ledger: shown as magnitudes.
        Ok(DayFlow {
            day,
            in_quantity: wide(self.q[0])?,
            in_value: wide(self.v[0])?,
            out_quantity: wide(-self.q[1])?,
            out_value: wide(-self.v[1])?,
            transfer_in_quantity: wide(self.q[2])?,
            transfer_in_value: wide(self.v[2])?,
            transfer_out_quantity: wide(-self.q[3])?,
            transfer_out_value: wide(-self.v[3])?,
            movements: self.n,
        })
    }
}

/// One pass over the covering time index per business day, each bounded
/// by local midnights (so a day across a daylight-saving change is 23 or
/// 25 hours long), cut to the period when it starts or ends inside a day.
fn daily_flows(db: &Database, r: &dyn Reads, ctx: &Ctx) -> Result<DailyFlows> {
    let days = ctx
        .period
        .last_day
        .duration_since(ctx.period.first_day)
        .as_hours()
        / 24
        + 1;
    if days > i64::from(MAX_FLOW_DAYS) {
        return Err(Error::invalid(
            "period",
            format!(
                "{} covers {days} business days; daily flows cover at most {MAX_FLOW_DAYS}",
                ctx.period.label
            ),
        ));
    }
    let tz = db.time_zone();
    let (start, end) = (ctx.period.start, ctx.period.end);
    let mut total = Flow::default();
    let mut days = Vec::new();
    let mut day = ctx.period.first_day;
    let mut from = start;
    while from < end {
        let next = day
            .tomorrow()
            .map_err(|e| Error::invalid("period", e.to_string()))?;
        let until = day_start(tz, next)?.min(end);
        let sums = r.flows(&SpanQuery {
            start: from.as_microsecond(),
            end: until.as_microsecond(),
            warehouse: ctx.warehouse,
        })?;
        let mut flow = Flow::default();
        flow.add(&sums);
        total.add(&sums);
        days.push(flow.day(day)?);
        day = next;
        from = until;
    }
    Ok(DailyFlows {
        days,
        total: total.day(ctx.period.first_day)?,
        definition: ctx.definition(
            "daily_flows",
            "per business day of the movement's effective instant: Σ quantity and value of \
             incoming (quantity > 0) and outgoing (quantity < 0) movements, transfer legs apart. \
             Rows counted: movements.",
            total.n,
        ),
    })
}

// -- top movers -----------------------------------------------------------------------

/// The items issued most in the period, by quantity and by cost.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct TopMovers {
    /// Greatest issued quantity first (`limit` of them).
    pub by_quantity: Vec<Mover>,
    /// Greatest cost of goods issued first (`limit` of them).
    pub by_cost: Vec<Mover>,
    /// Items with a positive issued quantity.
    pub items_issued: u64,
    /// How it was computed.
    pub definition: Definition,
}

/// What one item issued in the period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Mover {
    /// Item id.
    pub item: i64,
    /// Its SKU.
    pub sku: String,
    /// Its name.
    pub name: String,
    /// Quantity issued (sales less customer returns).
    pub quantity: Decimal,
    /// Cost of goods issued (the value that left with it).
    pub cost: Decimal,
    /// Movements counted.
    pub movements: u64,
}

/// Per item: (quantity, cost, movements) issued.
type Issued = BTreeMap<i64, (i128, i128, u64)>;

/// What was issued, and the rows read, shared by the KPIs of one call.
type SharedIssued = Rc<(Issued, u64)>;

/// Sales less customer returns per item, and the rows read; read once per
/// call for each kind asked (top movers and turnover share it).
fn issued_by_item(r: &dyn Reads, ctx: &Ctx, kind: Option<ItemKind>) -> Result<SharedIssued> {
    if let Some((_, v)) = ctx.issued.borrow().iter().find(|(k, _)| *k == kind) {
        return Ok(v.clone());
    }
    let mut per_item: BTreeMap<i64, (i128, i128, u64)> = BTreeMap::new();
    let mut rows = 0;
    for c in r.issued(&ctx.span(), kind)? {
        rows += c.count;
        let e = per_item.entry(c.item).or_default();
        e.0 += c.quantity;
        e.1 += c.value;
        e.2 += c.count;
    }
    let v = Rc::new((per_item, rows));
    ctx.issued.borrow_mut().push((kind, v.clone()));
    Ok(v)
}

fn top_movers(r: &dyn Reads, ctx: &Ctx) -> Result<TopMovers> {
    let shared = issued_by_item(r, ctx, ctx.kind)?;
    let (per_item, rows) = (&shared.0, shared.1);
    let issued: Vec<(i64, (i128, i128, u64))> = per_item
        .iter()
        .filter(|(_, s)| s.0 > 0)
        .map(|(&i, &s)| (i, s))
        .collect();
    let mut labels: HashMap<i64, (String, String)> = HashMap::new();
    let mut ranked = |key: fn(&(i128, i128, u64)) -> i128| -> Result<Vec<Mover>> {
        let mut list = issued.clone();
        list.sort_by(|a, b| key(&b.1).cmp(&key(&a.1)).then(a.0.cmp(&b.0)));
        list.truncate(ctx.limit);
        list.into_iter()
            .map(|(item, (q, v, n))| {
                let (sku, name) = match labels.get(&item) {
                    Some(l) => l.clone(),
                    None => {
                        let l = label(r, item)?;
                        labels.insert(item, l.clone());
                        l
                    }
                };
                Ok(Mover {
                    item,
                    sku,
                    name,
                    quantity: wide(q)?,
                    cost: wide(v)?,
                    movements: n,
                })
            })
            .collect()
    };
    let by_quantity = ranked(|s| s.0)?;
    let by_cost = ranked(|s| s.1)?;
    let kind = ctx
        .kind
        .map(|k| format!(" Only items of kind {k}."))
        .unwrap_or_default();
    Ok(TopMovers {
        by_quantity,
        by_cost,
        items_issued: issued.len() as u64,
        definition: ctx.definition(
            "top_movers",
            &format!(
                "items ranked by quantity issued and by cost of goods issued in the period: sale \
                 movements less customer returns, effective in the period; items whose net is not \
                 positive are left out.{kind} Rows counted: movements."
            ),
            rows,
        ),
    })
}

// -- low stock ------------------------------------------------------------------------

/// Items at or below their reorder point, now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct LowStock {
    /// The furthest below their reorder point first (`limit` of them).
    pub items: Vec<LowStockItem>,
    /// How many items are low in all.
    pub count: u64,
    /// How it was computed.
    pub definition: Definition,
}

/// One item at or below its reorder point.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct LowStockItem {
    /// Item id.
    pub item: i64,
    /// Its SKU.
    pub sku: String,
    /// On hand.
    pub on_hand: Decimal,
    /// Reserved by orders.
    pub reserved: Decimal,
    /// On hand less reserved.
    pub available: Decimal,
    /// Its reorder point.
    pub reorder_point: Decimal,
    /// Reorder point less available.
    pub shortfall: Decimal,
}

fn low_stock(r: &dyn Reads, ctx: &Ctx) -> Result<LowStock> {
    let mut low = Vec::new();
    let mut after = 0;
    loop {
        let page = r.levels(
            &LevelQuery {
                warehouse: ctx.warehouse,
                after,
                active_only: true,
                low_stock_only: true,
                limit: 1000,
            },
            None,
        )?;
        let Some(last) = page.last() else { break };
        after = last.item;
        let full = page.len() == 1000;
        for row in page {
            if let Some(kind) = ctx.kind {
                if r.item(row.item)?.map(|i| i.kind) != Some(kind) {
                    continue;
                }
            }
            let available = row.balance.on_hand.checked_sub(row.balance.reserved)?;
            let point = row.reorder_point.unwrap_or(Decimal::ZERO);
            low.push(LowStockItem {
                item: row.item,
                sku: row.sku,
                on_hand: row.balance.on_hand,
                reserved: row.balance.reserved,
                available,
                reorder_point: point,
                shortfall: point.checked_sub(available)?,
            });
        }
        if !full {
            break;
        }
    }
    let count = low.len() as u64;
    low.sort_by(|a, b| b.shortfall.cmp(&a.shortfall).then(a.item.cmp(&b.item)));
    low.truncate(ctx.limit);
    let kind = ctx
        .kind
        .map(|k| format!(" Only items of kind {k}."))
        .unwrap_or_default();
    Ok(LowStock {
        items: low,
        count,
        definition: ctx.at_definition(
            "low_stock",
            &format!(
                "active items whose available quantity (on hand − reserved) is at or below their \
                 reorder point, read now (reservations have no history).{kind} Rows counted: \
                 items found low."
            ),
            ctx.now,
            count,
        ),
    })
}

// -- turnover and stockouts ---------------------------------------------------------------

/// Inventory turnover and days of inventory over the period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct InventoryTurnover {
    /// Cost of goods issued in the period (sales less customer returns).
    pub cost_of_goods_issued: Decimal,
    /// Stock value just before the period.
    pub opening_value: Decimal,
    /// Stock value at the end of the period, or now if it has not ended.
    pub closing_value: Decimal,
    /// cost of goods issued / ((opening + closing) / 2).
    pub turnover: Ratio,
    /// days covered / turnover, as (days covered × average value) / cost
    /// of goods issued, so that it is rounded once.
    pub days_of_inventory: Ratio,
    /// How it was computed.
    pub definition: Definition,
}

/// The stock value at `at`, totals only: the stock already read at that
/// instant in this call, or the shop's value now less what came after, or
/// every change up to then added up, whichever reads fewer movements.
fn total_at(r: &dyn Reads, ctx: &Ctx, at: Timestamp) -> Result<(i128, u64)> {
    if let Some((t, s)) = &*ctx.memo.borrow() {
        if *t == at {
            return Ok((s.total(), s.rows));
        }
    }
    let (before, after) = r.movements_after(at)?;
    if after > before {
        return r.value_changed(None, Some(at), ctx.warehouse);
    }
    let now: i128 = r
        .warehouse_values()?
        .iter()
        .filter(|(w, _)| ctx.warehouse.is_none_or(|only| only == *w))
        .map(|(_, v)| i128::from(v.raw()))
        .sum();
    let (later, n) = r.value_changed(Some(at), None, ctx.warehouse)?;
    Ok((now - later, n))
}

/// The opening value is the closing one less what the period changed.
fn turnover(r: &dyn Reads, ctx: &Ctx) -> Result<InventoryTurnover> {
    let before = Timestamp::from_microsecond(ctx.period.start.as_microsecond() - 1)
        .unwrap_or(ctx.period.start);
    let closing_at = ctx.now.min(last_instant(&ctx.period));
    let (closing_total, closing_rows) = total_at(r, ctx, closing_at)?;
    let (changed, within_rows) = r.value_changed(Some(before), Some(closing_at), ctx.warehouse)?;
    let shared = issued_by_item(r, ctx, None)?;
    let (issued, issued_rows) = (&shared.0, shared.1);
    let cogs = wide(issued.values().map(|s| s.1).sum())?;
    let (open_v, close_v) = (wide(closing_total - changed)?, wide(closing_total)?);
    let average =
        Decimal::from_raw(((i128::from(open_v.raw()) + i128::from(close_v.raw())) / 2) as i64);
    let turnover = Ratio::new(cogs, average)?;
    let covered = if closing_at < ctx.period.end && ctx.now < ctx.period.end {
        days_of(i128::from(ctx.now.as_microsecond() - ctx.period.start.as_microsecond()).max(0))?
    } else {
        ctx.period.days
    };
    // days / turnover = days × average / cost issued, taken unrounded.
    let days_of_inventory = Ratio::new(covered.checked_mul(average)?, cogs)?;
    let mut definition = ctx.definition(
        "inventory_turnover",
        "turnover = cost of goods issued in the period (sale movements less customer returns, at \
         the value that left) / average stock value ((value just before the period + value at its \
         end, or now if it has not ended) / 2); days of inventory = days covered (the period's \
         days, or those elapsed if it has not ended) / turnover, taken as days covered × average \
         value / cost of goods issued. Rows counted: movements issued \
         plus the rows of both valuations.",
        issued_rows + closing_rows + within_rows,
    );
    definition.numerator = Some("cost of goods issued in the period".into());
    definition.denominator = Some("the average stock value, (opening + closing) / 2".into());
    Ok(InventoryTurnover {
        cost_of_goods_issued: cogs,
        opening_value: open_v,
        closing_value: close_v,
        turnover,
        days_of_inventory,
        definition,
    })
}

/// The share of active items out of stock, now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct StockoutRate {
    /// Items out of stock / active items.
    pub rate: Ratio,
    /// How it was computed.
    pub definition: Definition,
}

fn stockout_rate(r: &dyn Reads, ctx: &Ctx) -> Result<StockoutRate> {
    let (active, out) = r.stockouts(ctx.warehouse)?;
    let mut definition = ctx.at_definition(
        "stockout_rate",
        "active items with available quantity (on hand − reserved) at or below zero / active \
         items, read now. Rows counted: active items.",
        ctx.now,
        active,
    );
    definition.numerator = Some("active items with available ≤ 0".into());
    definition.denominator = Some("active items".into());
    Ok(StockoutRate {
        rate: Ratio::of_counts(out, active)?,
        definition,
    })
}

// -- the dashboard ------------------------------------------------------------------------

/// The ERP dashboard: every ERP KPI over one snapshot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ErpDashboard {
    /// The period, resolved.
    pub period: ResolvedPeriod,
    /// Stock value at the valuation instant.
    pub valuation: StockValuation,
    /// Purchases of the period.
    pub purchases: Purchases,
    /// Stock in and out per business day.
    pub daily_flows: DailyFlows,
    /// The items issued most.
    pub top_movers: TopMovers,
    /// Items at or below their reorder point.
    pub low_stock: LowStock,
    /// Inventory turnover and days of inventory.
    pub turnover: InventoryTurnover,
    /// The share of active items out of stock.
    pub stockout_rate: StockoutRate,
}

impl Database {
    fn erp<T>(&self, q: &ErpQuery, f: impl FnOnce(&dyn Reads, &Ctx) -> Result<T>) -> Result<T> {
        self.snapshot(|r| {
            let ctx = Ctx::new(self, r, q)?;
            f(r, &ctx)
        })
    }

    /// [`Database::erp_dashboard`] on a snapshot the caller holds (an
    /// export reads it beside its other sheets).
    pub(crate) fn erp_dashboard_on(&self, r: &dyn Reads, q: &ErpQuery) -> Result<ErpDashboard> {
        let ctx = Ctx::new(self, r, q)?;
        dashboard(self, r, &ctx)
    }

    /// The ERP dashboard for a period, in one snapshot.
    ///
    /// ```
    /// use racine::{Database, ErpQuery, Movement, NewItem};
    /// let db = Database::open_in_memory()?;
    /// let oak = db.create_item(&NewItem::new("OAK", "Oak plank"))?.id;
    /// db.post(&Movement::receipt(oak, "10".parse()?, "4".parse()?))?;
    /// db.post(&Movement::issue(oak, "3".parse()?))?;
    /// let erp = db.erp_dashboard(&ErpQuery::period("this_month".parse()?))?;
    /// assert_eq!(erp.valuation.total.to_string(), "28");
    /// assert_eq!(erp.top_movers.by_quantity[0].sku, "OAK");
    /// assert_eq!(erp.daily_flows.total.out_value.to_string(), "12");
    /// # Ok::<(), racine::Error>(())
    /// ```
    pub fn erp_dashboard(&self, q: &ErpQuery) -> Result<ErpDashboard> {
        self.erp(q, |r, ctx| dashboard(self, r, ctx))
    }

    /// Stock value at the query's instant: total, per warehouse, top items.
    pub fn stock_valuation(&self, q: &ErpQuery) -> Result<StockValuation> {
        self.erp(q, valuation)
    }

    /// Purchases of the period: received, ordered, still on order.
    pub fn purchases_summary(&self, q: &ErpQuery) -> Result<Purchases> {
        self.erp(q, purchases)
    }

    /// Stock in and out per business day of the period (at most
    /// [`MAX_FLOW_DAYS`] days; a longer period is `invalid_input` on `period`).
    pub fn daily_flows(&self, q: &ErpQuery) -> Result<DailyFlows> {
        self.erp(q, |r, ctx| daily_flows(self, r, ctx))
    }

    /// The items issued most in the period, by quantity and by cost.
    pub fn top_movers(&self, q: &ErpQuery) -> Result<TopMovers> {
        self.erp(q, top_movers)
    }

    /// Items at or below their reorder point, furthest below first.
    pub fn low_stock(&self, q: &ErpQuery) -> Result<LowStock> {
        self.erp(q, low_stock)
    }

    /// Inventory turnover and days of inventory over the period.
    pub fn inventory_turnover(&self, q: &ErpQuery) -> Result<InventoryTurnover> {
        self.erp(q, turnover)
    }

    /// The share of active items out of stock.
    pub fn stockout_rate(&self, q: &ErpQuery) -> Result<StockoutRate> {
        self.erp(q, stockout_rate)
    }
}

fn dashboard(db: &Database, r: &dyn Reads, ctx: &Ctx) -> Result<ErpDashboard> {
    Ok(ErpDashboard {
        period: ctx.period.clone(),
        valuation: valuation(r, ctx)?,
        purchases: purchases(r, ctx)?,
        daily_flows: daily_flows(db, r, ctx)?,
        top_movers: top_movers(r, ctx)?,
        low_stock: low_stock(r, ctx)?,
        turnover: turnover(r, ctx)?,
        stockout_rate: stockout_rate(r, ctx)?,
    })
}

/// On hand and value of every item that ever moved (in one warehouse or
/// all) as of `at`, by item id: what the stock export writes as of an instant.
pub(crate) fn item_stock_as_of(
    r: &dyn Reads,
    at: Timestamp,
    warehouse: Option<i64>,
) -> Result<Vec<(i64, Decimal, Decimal)>> {
    let stock = stock_at(r, at, warehouse)?;
    let mut items = stock
        .items
        .into_iter()
        .map(|(item, (q, v))| Ok((item, wide(q)?, wide(v)?)))
        .collect::<Result<Vec<_>>>()?;
    items.sort_unstable_by_key(|(item, _, _)| *item);
    Ok(items)
}
