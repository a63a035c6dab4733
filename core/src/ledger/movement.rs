//! What a caller asks the ledger to post, and what the ledger records.

use jiff::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::closed_set::closed_set;
use crate::decimal::Decimal;
use crate::error::{Error, Result};
use crate::items::ItemRef;
use crate::text;

closed_set! {
    /// Why stock moved: a closed set, plus a free-text note on each movement.
    pub enum Reason as "reason" {
        /// Goods received from a supplier.
        PurchaseReceipt = "purchase_receipt",
        /// Goods sold to a customer.
        Sale = "sale",
        /// Goods a customer sent back.
        CustomerReturn = "customer_return",
        /// Goods sent back to a supplier.
        SupplierReturn = "supplier_return",
        /// Difference found by counting.
        InventoryCount = "inventory_count",
        /// Broken goods.
        Breakage = "breakage",
        /// Lost or stolen goods.
        Loss = "loss",
        /// Leg leaving the source warehouse of a transfer.
        TransferOut = "transfer_out",
        /// Leg arriving in the destination warehouse of a transfer.
        TransferIn = "transfer_in",
        /// Stock present when the ledger started.
        OpeningBalance = "opening_balance",
        /// Any other correction, explained in the note.
        ManualCorrection = "manual_correction",
    }
}

/// Which way a reason may move stock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    In,
    Out,
    Either,
}

impl Reason {
    pub(crate) fn direction(self) -> Direction {
        match self {
            Reason::PurchaseReceipt
            | Reason::CustomerReturn
            | Reason::OpeningBalance
            | Reason::TransferIn => Direction::In,
            Reason::Sale
            | Reason::SupplierReturn
            | Reason::Breakage
            | Reason::Loss
            | Reason::TransferOut => Direction::Out,
            Reason::InventoryCount | Reason::ManualCorrection => Direction::Either,
        }
    }
}

closed_set! {
    /// The shape of a movement request.
    pub enum MovementKind as "kind" {
        /// Stock in: `quantity > 0` at `unit_cost`. Reason `purchase_receipt` by
        /// default; also `customer_return`, `opening_balance`, `manual_correction`.
        Receipt = "receipt",
        /// Stock out: `quantity > 0`. Reason `sale` by default; also
        /// `supplier_return`, `breakage`, `loss`, `manual_correction`.
        Issue = "issue",
        /// Signed `quantity` with a required reason whose direction matches the
        /// sign (the stock-adjustment form of the back office).
        Adjustment = "adjustment",
        /// Inventory count: `quantity` is the counted quantity; the ledger posts
        /// the difference with reason `inventory_count`, or nothing when equal.
        Count = "count",
        /// Move `quantity > 0` from `warehouse` to `to_warehouse`, cost carried
        /// from the source; two movements in one transaction.
        Transfer = "transfer",
    }
}

/// A request to move stock. Build one with [`Movement::receipt`],
/// [`Movement::issue`], [`Movement::adjustment`], [`Movement::count`] or
/// [`Movement::transfer`], then refine it with the builder methods.
///
/// ```
/// use racine::{Database, Movement, NewItem, Reason};
/// let db = Database::open_in_memory()?;
/// let item = db.create_item(&NewItem::new("CHAIR", "Chair"))?.id;
/// db.post(&Movement::receipt(item, "10".parse()?, "25.50".parse()?).reference("PO-1"))?;
/// db.post(&Movement::adjustment(item, "-1".parse()?, Reason::Breakage).note("dropped"))?;
/// assert_eq!(db.stock(item, None)?.on_hand.to_string(), "9");
/// # Ok::<(), racine::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Movement {
    /// What kind of movement this is.
    pub kind: MovementKind,
    /// The item, by id or SKU.
    pub item: ItemRef,
    /// Warehouse id (the source of a transfer); the default warehouse if absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warehouse: Option<i64>,
    /// Destination warehouse of a transfer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_warehouse: Option<i64>,
    /// Quantity (see [`MovementKind`] for its sign and meaning).
    pub quantity: Decimal,
    /// Unit cost of incoming stock; the prevailing rate when absent (required
    /// for purchase receipts and opening balances). On outgoing stock, the
    /// rate it leaves at instead of its valuation cost (a correction of a
    /// specific receipt): FIFO takes first from the oldest layer at that
    /// rate, LIFO from the newest; moving average re-averages what stays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_cost: Option<Decimal>,
    /// For a `supplier_return`: the receipt movement it sends back. The goods
    /// leave at that receipt's unit cost unless `unit_cost` names another.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub against_receipt: Option<i64>,
    /// Reason; defaults per kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// Free-text note (≤ 1000 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// External reference: order number, delivery note… (≤ 200 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Who did it (≤ 200 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// When it happened; now if absent. Valuation follows recording order;
    /// this instant dates the movement for history and as-of reads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::catalogue::Instant>")]
    #[serde(with = "crate::instant::text::option")]
    pub effective_at: Option<Timestamp>,
}

impl Movement {
    fn new(kind: MovementKind, item: impl Into<ItemRef>, quantity: Decimal) -> Movement {
        Movement {
            kind,
            item: item.into(),
            warehouse: None,
            to_warehouse: None,
            quantity,
            unit_cost: None,
            against_receipt: None,
            reason: None,
            note: None,
            reference: None,
            actor: None,
            effective_at: None,
        }
    }

    /// Receive `quantity` of `item` at `unit_cost` (a purchase receipt).
    pub fn receipt(item: impl Into<ItemRef>, quantity: Decimal, unit_cost: Decimal) -> Movement {
        Movement {
            unit_cost: Some(unit_cost),
            ..Movement::new(MovementKind::Receipt, item, quantity)
        }
    }

    /// Issue `quantity` of `item` (a sale unless another reason is set).
    pub fn issue(item: impl Into<ItemRef>, quantity: Decimal) -> Movement {
        Movement::new(MovementKind::Issue, item, quantity)
    }

    /// Adjust by a signed `quantity` for `reason`.
    pub fn adjustment(item: impl Into<ItemRef>, quantity: Decimal, reason: Reason) -> Movement {
        Movement {
            reason: Some(reason),
            ..Movement::new(MovementKind::Adjustment, item, quantity)
        }
    }

    /// Record that `counted` units of `item` were counted: the ledger posts
    /// the difference (reason `inventory_count`), or nothing when equal.
    ///
    /// ```
    /// use racine::{Database, Movement, NewItem};
    /// let db = Database::open_in_memory()?;
    /// let item = db.create_item(&NewItem::new("NAILS", "Nails"))?.id;
    /// db.post(&Movement::receipt(item, "100".parse()?, "0.02".parse()?))?;
    /// let posted = db.post(&Movement::count(item, "97".parse()?))?;
    /// assert_eq!(posted.movements[0].quantity.to_string(), "-3");
    /// assert!(db.post(&Movement::count(item, "97".parse()?))?.movements.is_empty());
    /// # Ok::<(), racine::Error>(())
    /// ```
    pub fn count(item: impl Into<ItemRef>, counted: Decimal) -> Movement {
        Movement::new(MovementKind::Count, item, counted)
    }

    /// Move `quantity` of `item` from warehouse `from` to warehouse `to`;
    /// the destination receives the exact cost that left the source.
    ///
    /// ```
    /// use racine::{Database, Movement, NewItem, NewWarehouse};
    /// let db = Database::open_in_memory()?;
    /// let item = db.create_item(&NewItem::new("LAMP", "Lamp"))?.id;
    /// let main = db.default_warehouse()?.id;
    /// let shop = db.create_warehouse(&NewWarehouse { code: "SHOP".into(), name: "Shop".into(), is_default: false })?.id;
    /// db.post(&Movement::receipt(item, "4".parse()?, "30".parse()?))?;
    /// let legs = db.post(&Movement::transfer(item, main, shop, "1".parse()?))?.movements;
    /// assert_eq!((legs[0].value_change.to_string(), legs[1].value_change.to_string()), ("-30".into(), "30".into()));
    /// assert_eq!(db.stock(item, Some(shop))?.on_hand.to_string(), "1");
    /// # Ok::<(), racine::Error>(())
    /// ```
    pub fn transfer(item: impl Into<ItemRef>, from: i64, to: i64, quantity: Decimal) -> Movement {
        Movement {
            warehouse: Some(from),
            to_warehouse: Some(to),
            ..Movement::new(MovementKind::Transfer, item, quantity)
        }
    }

    /// In warehouse `warehouse` instead of the default one.
    pub fn warehouse(mut self, warehouse: i64) -> Movement {
        self.warehouse = Some(warehouse);
        self
    }

    /// With this reason.
    pub fn reason(mut self, reason: Reason) -> Movement {
        self.reason = Some(reason);
        self
    }

    /// With this unit cost (incoming), or leaving at this rate (outgoing).
    pub fn unit_cost(mut self, unit_cost: Decimal) -> Movement {
        self.unit_cost = Some(unit_cost);
        self
    }

    /// A supplier return of the goods received by movement `receipt`, at
    /// that receipt's unit cost.
    pub fn against_receipt(mut self, receipt: i64) -> Movement {
        self.reason = Some(Reason::SupplierReturn);
        self.against_receipt = Some(receipt);
        self
    }

    /// With a free-text note.
    pub fn note(mut self, note: impl Into<String>) -> Movement {
        self.note = Some(note.into());
        self
    }

    /// With an external reference.
    pub fn reference(mut self, reference: impl Into<String>) -> Movement {
        self.reference = Some(reference.into());
        self
    }

    /// Done by `actor`.
    pub fn actor(mut self, actor: impl Into<String>) -> Movement {
        self.actor = Some(actor.into());
        self
    }

    /// Effective at `at` instead of now.
    pub fn effective_at(mut self, at: Timestamp) -> Movement {
        self.effective_at = Some(at);
        self
    }

    /// The reason this movement will be posted with, checked against its kind
    /// and sign. Field checks only: nothing is read from the database.
    pub(crate) fn checked_reason(&self) -> Result<Reason> {
        text::optional("note", self.note.as_deref(), 1000)?;
        text::optional("reference", self.reference.as_deref(), 200)?;
        text::optional("actor", self.actor.as_deref(), 200)?;
        if let Some(c) = self.unit_cost {
            if c.is_negative() {
                return Err(Error::invalid("unit_cost", format!("{c} is negative")));
            }
        }
        if self.to_warehouse.is_some() && self.kind != MovementKind::Transfer {
            return Err(Error::invalid(
                "to_warehouse",
                "only a transfer has a destination warehouse",
            ));
        }
        let q = self.quantity;
        let positive = || {
            if q.is_positive() {
                Ok(())
            } else {
                Err(Error::invalid(
                    "quantity",
                    format!("{q} must be greater than zero"),
                ))
            }
        };
        let reason_among = |default: Reason, allowed: &[Reason]| {
            let r = self.reason.unwrap_or(default);
            if allowed.contains(&r) {
                Ok(r)
            } else {
                Err(Error::invalid(
                    "reason",
                    format!(
                        "{r} does not fit a {}; use one of {}",
                        self.kind,
                        allowed
                            .iter()
                            .map(|r| r.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ))
            }
        };
        match self.kind {
            MovementKind::Receipt => {
                positive()?;
                if self.against_receipt.is_some() {
                    return Err(Error::invalid(
                        "against_receipt",
                        "only an issue goes back against a receipt",
                    ));
                }
                let r = reason_among(
                    Reason::PurchaseReceipt,
                    &[
                        Reason::PurchaseReceipt,
                        Reason::CustomerReturn,
                        Reason::OpeningBalance,
                        Reason::ManualCorrection,
                    ],
                )?;
                if matches!(r, Reason::PurchaseReceipt | Reason::OpeningBalance)
                    && self.unit_cost.is_none()
                {
                    return Err(Error::invalid(
                        "unit_cost",
                        format!("a {r} needs a unit cost"),
                    ));
                }
                Ok(r)
            }
            MovementKind::Issue => {
                positive()?;
                let r = reason_among(
                    Reason::Sale,
                    &[
                        Reason::Sale,
                        Reason::SupplierReturn,
                        Reason::Breakage,
                        Reason::Loss,
                        Reason::ManualCorrection,
                    ],
                )?;
                if self.against_receipt.is_some() && r != Reason::SupplierReturn {
                    return Err(Error::invalid(
                        "against_receipt",
                        format!("only a supplier_return goes back against a receipt, not a {r}"),
                    ));
                }
                Ok(r)
            }
            MovementKind::Adjustment => {
                let Some(r) = self.reason else {
                    return Err(Error::invalid("reason", "an adjustment needs a reason"));
                };
                if q.is_zero() {
                    return Err(Error::invalid(
                        "quantity",
                        "an adjustment of 0 moves nothing",
                    ));
                }
                if matches!(r, Reason::TransferIn | Reason::TransferOut) {
                    return Err(Error::invalid(
                        "reason",
                        "post a transfer to move stock between warehouses",
                    ));
                }
                let fits = match r.direction() {
                    Direction::In => q.is_positive(),
                    Direction::Out => q.is_negative(),
                    Direction::Either => true,
                };
                if !fits {
                    return Err(Error::invalid(
                        "quantity",
                        format!(
                            "{q} has the wrong sign for {r} (stock {})",
                            if q.is_positive() {
                                "cannot come in"
                            } else {
                                "cannot go out"
                            }
                        ),
                    ));
                }
                if self.against_receipt.is_some() {
                    return Err(Error::invalid(
                        "against_receipt",
                        "post a supplier return as an issue with reason supplier_return",
                    ));
                }
                Ok(r)
            }
            MovementKind::Count => {
                if self.against_receipt.is_some() {
                    return Err(Error::invalid(
                        "against_receipt",
                        "a count is not a supplier return",
                    ));
                }
                if q.is_negative() {
                    return Err(Error::invalid(
                        "quantity",
                        format!("a counted quantity cannot be negative ({q})"),
                    ));
                }
                reason_among(Reason::InventoryCount, &[Reason::InventoryCount])
            }
            MovementKind::Transfer => {
                positive()?;
                no_cost(self)?;
                if self.against_receipt.is_some() {
                    return Err(Error::invalid(
                        "against_receipt",
                        "a transfer is not a supplier return",
                    ));
                }
                if self.to_warehouse.is_none() {
                    return Err(Error::invalid(
                        "to_warehouse",
                        "a transfer needs a destination",
                    ));
                }
                if self.to_warehouse == self.warehouse {
                    return Err(Error::invalid(
                        "to_warehouse",
                        "source and destination are the same warehouse",
                    ));
                }
                if self.reason.is_some() {
                    return Err(Error::invalid(
                        "reason",
                        "a transfer's reasons are set by the ledger",
                    ));
                }
                Ok(Reason::TransferOut)
            }
        }
    }
}

fn no_cost(m: &Movement) -> Result<()> {
    match m.unit_cost {
        Some(_) => Err(Error::invalid(
            "unit_cost",
            "a transfer carries its valuation cost; do not give one",
        )),
        None => Ok(()),
    }
}

/// A movement as the ledger recorded it. Never changes once written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct MovementRecord {
    /// Ledger position (recording order).
    pub id: i64,
    /// Item id.
    pub item: i64,
    /// Item SKU.
    pub sku: String,
    /// Warehouse id.
    pub warehouse: i64,
    /// Warehouse code.
    pub warehouse_code: String,
    /// Signed quantity: positive in, negative out.
    pub quantity: Decimal,
    /// Why.
    pub reason: Reason,
    /// Rate the movement was valued at (for an issue: |value change| / quantity, rounded).
    pub unit_cost: Decimal,
    /// Signed change of stock value.
    pub value_change: Decimal,
    /// On-hand quantity in this warehouse right after.
    pub balance_after: Decimal,
    /// Stock value in this warehouse right after.
    pub value_after: Decimal,
    /// When it happened.
    #[schemars(with = "crate::catalogue::Instant")]
    pub effective_at: Timestamp,
    /// When it was recorded.
    #[schemars(with = "crate::catalogue::Instant")]
    pub recorded_at: Timestamp,
    /// Who did it.
    pub actor: Option<String>,
    /// External reference.
    pub reference: Option<String>,
    /// Free-text note.
    pub note: Option<String>,
    /// Idempotency key of the request that wrote it.
    pub idempotency_key: Option<String>,
    /// For both legs of a transfer: the id of its outgoing leg.
    pub transfer_id: Option<i64>,
    /// The purchase-order line it received, if any.
    pub purchase_line_id: Option<i64>,
    /// The order (Racine's id) whose event moved it, if any.
    pub order_id: Option<i64>,
    /// The order event that moved it, if any.
    pub order_event_id: Option<i64>,
}

/// What a post returned: the movements it wrote, in ledger order (none for
/// a count that matched, two for a transfer).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Posted {
    /// The recorded movements.
    pub movements: Vec<MovementRecord>,
}
