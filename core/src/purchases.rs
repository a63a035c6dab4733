//! Purchase orders: ordered from a supplier, received in full or in part
//! (each receipt posts movements at the line's cost), remainder cancellable.

use jiff::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::closed_set::closed_set;
use crate::database::Database;
use crate::decimal::Decimal;
use crate::error::{Error, Result};
use crate::items::ItemRef;
use crate::ledger::posting::{Origin, Posting};
use crate::ledger::{Movement, MovementRecord};
use crate::outbox::{self, EventKind};
use crate::page::{Page, PageRequest};
use crate::store::{Lock, Reads, Writes};
use crate::{items, suppliers, text, warehouses};

closed_set! {
    /// Where a purchase order stands.
    pub enum PurchaseStatus as "status" {
        /// Nothing received yet.
        Open = "open",
        /// Some received, some still expected.
        PartiallyReceived = "partially_received",
        /// Everything ordered was received.
        Received = "received",
        /// Some received, the rest cancelled.
        Closed = "closed",
        /// Cancelled before anything was received.
        Cancelled = "cancelled",
    }
}

impl PurchaseStatus {
    fn is_receivable(self) -> bool {
        matches!(
            self,
            PurchaseStatus::Open | PurchaseStatus::PartiallyReceived
        )
    }
}

/// A line to order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPurchaseLine {
    /// The item, by id or SKU.
    pub item: ItemRef,
    /// Quantity ordered (> 0).
    pub quantity: Decimal,
    /// Agreed unit cost (≥ 0).
    pub unit_cost: Decimal,
    /// Receiving warehouse; the default one if absent.
    #[serde(default)]
    pub warehouse: Option<i64>,
}

/// What [`Database::create_purchase_order`] needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPurchaseOrder {
    /// Supplier id (active).
    pub supplier: i64,
    /// Unique order reference (`PO-2025-0042`).
    pub reference: String,
    /// Free-text note.
    #[serde(default)]
    pub note: Option<String>,
    /// At least one line.
    pub lines: Vec<NewPurchaseLine>,
}

/// A line of a purchase order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct PurchaseLine {
    /// Line id.
    pub id: i64,
    /// Item id.
    pub item: i64,
    /// Item SKU.
    pub sku: String,
    /// Receiving warehouse.
    pub warehouse: i64,
    /// Quantity ordered.
    pub quantity: Decimal,
    /// Unit cost.
    pub unit_cost: Decimal,
    /// Quantity received so far.
    pub received: Decimal,
    /// Quantity cancelled.
    pub cancelled: Decimal,
    /// Still expected: ordered − received − cancelled.
    pub remaining: Decimal,
}

/// A purchase order with its lines.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct PurchaseOrder {
    /// Order id.
    pub id: i64,
    /// Supplier id.
    pub supplier: i64,
    /// Unique reference.
    pub reference: String,
    /// Status.
    pub status: PurchaseStatus,
    /// Free-text note.
    pub note: Option<String>,
    /// The lines.
    pub lines: Vec<PurchaseLine>,
    /// Σ quantity × unit cost over the lines.
    pub total_ordered: Decimal,
    /// Σ received × unit cost over the lines.
    pub total_received: Decimal,
    /// When it was created.
    #[schemars(with = "crate::catalogue::Instant")]
    pub created_at: Timestamp,
    /// When it last changed.
    #[schemars(with = "crate::catalogue::Instant")]
    pub updated_at: Timestamp,
}

/// Quantity of one line to receive.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiveLine {
    /// Purchase line id.
    pub line: i64,
    /// Quantity arriving (> 0, at most the remainder).
    pub quantity: Decimal,
}

/// What [`Database::receive_purchase`] takes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct PurchaseReceipt {
    /// Lines arriving; `None` means "everything still expected" (an empty
    /// list is refused: it never means "all").
    pub lines: Option<Vec<ReceiveLine>>,
    /// Who received it.
    pub actor: Option<String>,
    /// Free-text note (delivery note number…).
    pub note: Option<String>,
    /// When it arrived; now if absent.
    #[schemars(with = "Option<crate::catalogue::Instant>")]
    #[serde(default, with = "crate::instant::text::option")]
    pub effective_at: Option<Timestamp>,
}

/// The order after a receipt, and the movements the receipt posted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct PurchaseReceived {
    /// The order, updated.
    pub order: PurchaseOrder,
    /// One receipt movement per line received.
    pub movements: Vec<MovementRecord>,
}

/// Filters for [`Database::purchase_orders`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct PurchaseFilter {
    /// Only this supplier's orders.
    pub supplier: Option<i64>,
    /// Only orders in this status.
    pub status: Option<PurchaseStatus>,
    /// Page size and cursor.
    #[serde(flatten)]
    pub page: PageRequest,
}

/// The checks of a new purchase order that need no database.
pub(crate) fn check_new(po: &NewPurchaseOrder) -> Result<()> {
    text::required("reference", &po.reference, 100)?;
    text::optional("note", po.note.as_deref(), 1000)?;
    if po.lines.is_empty() {
        return Err(Error::invalid(
            "lines",
            "a purchase order needs at least one line",
        ));
    }
    for (i, l) in po.lines.iter().enumerate() {
        if !l.quantity.is_positive() {
            return Err(Error::invalid(
                format!("lines[{i}].quantity"),
                format!("{} must be greater than zero", l.quantity),
            ));
        }
        if l.unit_cost.is_negative() {
            return Err(Error::invalid(
                format!("lines[{i}].unit_cost"),
                format!("{} is negative", l.unit_cost),
            ));
        }
        l.quantity.checked_mul(l.unit_cost)?;
    }
    Ok(())
}

/// Writes a checked purchase order and its lines inside `tx`; returns its id.
pub(crate) fn insert(tx: &dyn Writes, po: &NewPurchaseOrder) -> Result<i64> {
    let supplier = suppliers::get(tx, po.supplier)?;
    if !supplier.active {
        return Err(Error::InvalidTransition {
            entity: "supplier",
            key: supplier.name,
            state: "inactive".into(),
            action: "order from it".into(),
        });
    }
    let id = tx.insert_purchase(po.supplier, &po.reference, po.note.as_deref(), tx.now()?)?;
    let default_wh = warehouses::default_id(tx)?;
    for l in &po.lines {
        let item = items::find(tx, &l.item)?.id;
        let wh = l.warehouse.unwrap_or(default_wh);
        warehouses::get(tx, wh)?;
        tx.insert_purchase_line(id, item, wh, l.quantity, l.unit_cost)?;
    }
    Ok(id)
}

/// The order with its lines; what is still expected and the totals are
/// derived here, once.
fn load(r: &(impl Reads + ?Sized), id: i64) -> Result<PurchaseOrder> {
    let head = r
        .purchase_head(id)?
        .ok_or_else(|| Error::not_found("purchase order", id))?;
    let mut total_ordered = Decimal::ZERO;
    let mut total_received = Decimal::ZERO;
    let mut lines = Vec::new();
    for l in r.purchase_lines(id)? {
        total_ordered = total_ordered.checked_add(l.quantity.checked_mul(l.unit_cost)?)?;
        total_received = total_received.checked_add(l.received.checked_mul(l.unit_cost)?)?;
        lines.push(PurchaseLine {
            id: l.id,
            item: l.item,
            sku: l.sku,
            warehouse: l.warehouse,
            quantity: l.quantity,
            unit_cost: l.unit_cost,
            received: l.received,
            cancelled: l.cancelled,
            remaining: l
                .quantity
                .checked_sub(l.received)?
                .checked_sub(l.cancelled)?,
        });
    }
    Ok(PurchaseOrder {
        id: head.id,
        supplier: head.supplier,
        reference: head.reference,
        status: head.status,
        note: head.note,
        lines,
        total_ordered,
        total_received,
        created_at: head.created_at,
        updated_at: head.updated_at,
    })
}

/// Status implied by the lines' received and cancelled quantities.
fn status_of(order: &PurchaseOrder) -> PurchaseStatus {
    let received = order.lines.iter().any(|l| l.received.is_positive());
    let open = order.lines.iter().any(|l| l.remaining.is_positive());
    let cancelled = order.lines.iter().any(|l| l.cancelled.is_positive());
    match (received, open, cancelled) {
        (false, true, _) => PurchaseStatus::Open,
        (true, true, _) => PurchaseStatus::PartiallyReceived,
        (true, false, false) => PurchaseStatus::Received,
        (true, false, true) => PurchaseStatus::Closed,
        (false, false, _) => PurchaseStatus::Cancelled,
    }
}

fn save_status(tx: &dyn Writes, id: i64) -> Result<PurchaseOrder> {
    let mut order = load(tx, id)?;
    let status = status_of(&order);
    let now = tx.now()?;
    tx.set_purchase_status(id, status, now)?;
    order.status = status;
    order.updated_at = now;
    Ok(order)
}

fn not_receivable(order: &PurchaseOrder, action: &str) -> Error {
    Error::InvalidTransition {
        entity: "purchase order",
        key: order.reference.clone(),
        state: order.status.as_str().into(),
        action: action.into(),
    }
}

impl Database {
    /// Creates a purchase order with its lines (status `open`).
    ///
    /// ```
    /// use racine::{Database, NewItem, NewPurchaseLine, NewPurchaseOrder, NewSupplier,
    ///              PurchaseReceipt, PurchaseStatus, ReceiveLine};
    /// let db = Database::open_in_memory()?;
    /// let wood = db.create_item(&NewItem::new("OAK", "Oak board"))?.id;
    /// let supplier = db.create_supplier(&NewSupplier { name: "Scierie Dupont".into(), ..Default::default() })?.id;
    /// let po = db.create_purchase_order(&NewPurchaseOrder {
    ///     supplier, reference: "PO-1".into(), note: None,
    ///     lines: vec![NewPurchaseLine { item: wood.into(), quantity: "10".parse()?, unit_cost: "12.5".parse()?, warehouse: None }],
    /// })?;
    /// let line = po.lines[0].id;
    /// let got = db.receive_purchase(po.id, &PurchaseReceipt {
    ///     lines: Some(vec![ReceiveLine { line, quantity: "4".parse()? }]), ..Default::default()
    /// }, None)?;
    /// assert_eq!(got.order.status, PurchaseStatus::PartiallyReceived);
    /// assert_eq!(db.stock(wood, None)?.value.to_string(), "50");
    /// # Ok::<(), racine::Error>(())
    /// ```
    pub fn create_purchase_order(&self, po: &NewPurchaseOrder) -> Result<PurchaseOrder> {
        check_new(po)?;
        self.write(|tx| {
            let id = insert(tx, po)?;
            load(tx, id)
        })
    }

    /// Purchase order `id` with its lines.
    pub fn purchase_order(&self, id: i64) -> Result<PurchaseOrder> {
        self.read(|r| load(r, id))
    }

    /// Purchase orders matching `filter`, by id.
    pub fn purchase_orders(&self, filter: &PurchaseFilter) -> Result<Page<PurchaseOrder>> {
        self.read(|r| purchase_orders(r, filter))
    }

    /// Receives lines of purchase order `order` (all that is still expected
    /// when `receipt.lines` is empty), posting one receipt movement per line
    /// at the line's unit cost, referenced with the order's reference.
    pub fn receive_purchase(
        &self,
        order: i64,
        receipt: &PurchaseReceipt,
        idempotency_key: Option<&str>,
    ) -> Result<PurchaseReceived> {
        text::optional("actor", receipt.actor.as_deref(), 200)?;
        text::optional("note", receipt.note.as_deref(), 1000)?;
        if receipt.lines.as_ref().is_some_and(Vec::is_empty) {
            return Err(Error::invalid(
                "lines",
                "is empty: list the lines that arrived, or leave `lines` out to receive everything still expected",
            ));
        }
        for (i, l) in receipt.lines.iter().flatten().enumerate() {
            if !l.quantity.is_positive() {
                return Err(Error::invalid(
                    format!("lines[{i}].quantity"),
                    format!("{} must be greater than zero", l.quantity),
                ));
            }
        }
        let request = (order, receipt);
        self.write_stock_once("receive_purchase", idempotency_key, &request, |tx| {
            // The purchase and its items are locked before they are read
            // (a stock write: see `Writes::lock`).
            tx.lock(&[Lock::Purchase(order)])?;
            let po = load(tx, order)?;
            let items: Vec<i64> = po.lines.iter().map(|l| l.item).collect();
            tx.lock(&[Lock::Items(&items)])?;
            if !po.status.is_receivable() {
                return Err(not_receivable(&po, "receive"));
            }
            let wanted: Vec<(&PurchaseLine, Decimal)> = if let Some(lines) = &receipt.lines {
                let mut wanted = Vec::new();
                for r in lines {
                    let line = po
                        .lines
                        .iter()
                        .find(|l| l.id == r.line)
                        .ok_or_else(|| Error::not_found("purchase line", r.line))?;
                    let already: Decimal = wanted
                        .iter()
                        .filter(|(l, _): &&(&PurchaseLine, Decimal)| l.id == line.id)
                        .try_fold(Decimal::ZERO, |acc, (_, q)| acc.checked_add(*q))?;
                    if already.checked_add(r.quantity)? > line.remaining {
                        return Err(Error::InvalidTransition {
                            entity: "purchase line",
                            key: format!("{} of {}", line.id, po.reference),
                            state: format!("expecting {} more", line.remaining),
                            action: format!("receive {}", already.checked_add(r.quantity)?),
                        });
                    }
                    wanted.push((line, r.quantity));
                }
                wanted
            } else {
                po.lines
                    .iter()
                    .filter(|l| l.remaining.is_positive())
                    .map(|l| (l, l.remaining))
                    .collect()
            };
            let mut posting = Posting::new(tx, idempotency_key)?;
            let mut movements = Vec::with_capacity(wanted.len());
            let mut received: std::collections::HashMap<i64, Decimal> = Default::default();
            for (line, quantity) in &wanted {
                let mut m = Movement::receipt(line.item, *quantity, line.unit_cost)
                    .warehouse(line.warehouse)
                    .reference(po.reference.clone());
                m.actor.clone_from(&receipt.actor);
                m.note.clone_from(&receipt.note);
                m.effective_at = receipt.effective_at;
                let origin = Origin {
                    purchase_line_id: Some(line.id),
                    ..Origin::default()
                };
                movements.extend(posting.apply(&m, &origin)?);
                let got = received.entry(line.id).or_insert(line.received);
                *got = got.checked_add(*quantity)?;
                tx.set_purchase_line_progress(line.id, *got, line.cancelled)?;
            }
            posting.finish()?;
            let order = save_status(tx, order)?;
            let lines = movements
                .iter()
                .map(|m| outbox::PurchaseReceivedLine {
                    line: m.purchase_line_id.unwrap_or_default(),
                    item: m.item,
                    sku: &m.sku,
                    warehouse: m.warehouse,
                    warehouse_code: &m.warehouse_code,
                    quantity: m.quantity,
                    unit_cost: m.unit_cost,
                    movement: m.id,
                })
                .collect();
            outbox::emit(
                tx,
                EventKind::PurchaseReceived,
                &outbox::PurchaseReceivedEvent {
                    purchase_order: order.id,
                    reference: &order.reference,
                    supplier: order.supplier,
                    status: order.status,
                    lines,
                },
            )?;
            Ok(PurchaseReceived { order, movements })
        })
    }

    /// Cancels what is still expected on purchase order `order`: status
    /// becomes `closed` if something was received, `cancelled` otherwise.
    pub fn cancel_purchase_remainder(&self, order: i64) -> Result<PurchaseOrder> {
        self.write(|tx| {
            let po = load(tx, order)?;
            if !po.status.is_receivable() {
                return Err(not_receivable(&po, "cancel the remainder"));
            }
            for l in &po.lines {
                let cancelled = l.quantity.checked_sub(l.received)?;
                tx.set_purchase_line_progress(l.id, l.received, cancelled)?;
            }
            save_status(tx, order)
        })
    }
}

/// One page of [`Database::purchase_orders`], read on `r`.
pub(crate) fn purchase_orders(
    r: &dyn Reads,
    filter: &PurchaseFilter,
) -> Result<Page<PurchaseOrder>> {
    let limit = filter.page.limit()?;
    let orders = r
        .purchase_ids(filter, limit + 1)?
        .into_iter()
        .map(|id| load(r, id))
        .collect::<Result<Vec<_>>>()?;
    Ok(Page::from_rows(orders, limit, |o| o.id))
}
