//! Orders as callers see them: requests, results, statuses.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::decimal::Decimal;
use crate::error::{Error, Result};

/// How placing an order touches stock; one choice per database.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StockPolicy {
    /// Placing reserves every line (available stock drops, on hand does
    /// not); fulfilment turns reservations into sale movements.
    #[default]
    Reserve,
    /// Placing issues the stock at once (the Laravel back office's way);
    /// fulfilment only records what shipped.
    DecrementOnSale,
}

impl StockPolicy {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            StockPolicy::Reserve => "reserve",
            StockPolicy::DecrementOnSale => "decrement_on_sale",
        }
    }

    pub(crate) fn parse(s: &str) -> StockPolicy {
        if s == "decrement_on_sale" {
            StockPolicy::DecrementOnSale
        } else {
            StockPolicy::Reserve
        }
    }
}

/// Where an order stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Placed; nothing shipped yet.
    Placed,
    /// Some lines or quantities shipped.
    PartiallyFulfilled,
    /// Everything shipped.
    Fulfilled,
    /// Cancelled: reservations released, shipped goods back in stock.
    Cancelled,
    /// A cart hold that ran out before payment: reservations released.
    Expired,
}

impl OrderStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Placed => "placed",
            OrderStatus::PartiallyFulfilled => "partially_fulfilled",
            OrderStatus::Fulfilled => "fulfilled",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::Expired => "expired",
        }
    }

    pub(crate) fn parse(s: &str) -> OrderStatus {
        match s {
            "partially_fulfilled" => OrderStatus::PartiallyFulfilled,
            "fulfilled" => OrderStatus::Fulfilled,
            "cancelled" => OrderStatus::Cancelled,
            "expired" => OrderStatus::Expired,
            _ => OrderStatus::Placed,
        }
    }

    /// Still open to payment, fulfilment and cancellation.
    pub(crate) fn is_open(self) -> bool {
        matches!(
            self,
            OrderStatus::Placed | OrderStatus::PartiallyFulfilled | OrderStatus::Fulfilled
        )
    }
}

/// Who ordered (the CRM links it to a contact).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Customer {
    /// The customer's id in the host application.
    pub external_id: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Name.
    pub name: Option<String>,
}

/// A line to order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewOrderLine {
    /// Item SKU.
    pub sku: String,
    /// Quantity (> 0).
    pub quantity: Decimal,
    /// Unit price (≥ 0), in the order's currency.
    pub unit_price: Decimal,
    /// Warehouse id; the default warehouse if absent.
    #[serde(default)]
    pub warehouse: Option<i64>,
}

/// What [`crate::Database::place_order`] needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewOrder {
    /// The host application's order id (unique).
    pub external_id: String,
    /// Who ordered.
    #[serde(default)]
    pub customer: Customer,
    /// ISO 4217 currency code (`EUR`).
    pub currency: String,
    /// At least one line.
    pub lines: Vec<NewOrderLine>,
    /// When it was placed; now if absent.
    #[serde(default)]
    pub placed_at: Option<Timestamp>,
    /// For a cart hold: when its reservations expire unless paid.
    #[serde(default)]
    pub expires_at: Option<Timestamp>,
}

/// Quantity of one line, for fulfilment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FulfilLine {
    /// Line number (1-based, in the order given when placed).
    pub line: u32,
    /// Quantity shipped (> 0).
    pub quantity: Decimal,
}

/// Quantity of one line coming back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReturnLine {
    /// Line number.
    pub line: u32,
    /// Quantity returned (> 0, at most what shipped and was not returned).
    pub quantity: Decimal,
    /// Back into stock (at the cost it left with), or scrapped (no stock
    /// movement: its value already left at the sale).
    pub restock: bool,
}

/// A line of an order and what happened to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    /// Line number (1-based).
    pub line: u32,
    /// Item id.
    pub item: i64,
    /// Item SKU.
    pub sku: String,
    /// Warehouse id.
    pub warehouse: i64,
    /// Quantity ordered.
    pub quantity: Decimal,
    /// Unit price.
    pub unit_price: Decimal,
    /// Still reserved (pending).
    pub reserved: Decimal,
    /// Issued and not come back.
    pub out: Decimal,
    /// Shipped.
    pub fulfilled: Decimal,
    /// Returned (restocked or scrapped).
    pub returned: Decimal,
    /// Put back into stock (by a return or a cancellation).
    pub restocked: Decimal,
}

/// A two-phase reservation of one line: pending until fulfilled, released
/// or expired; each resolves at most once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reservation {
    /// Reservation id.
    pub id: i64,
    /// Line number.
    pub line: u32,
    /// Quantity reserved at placing.
    pub quantity: Decimal,
    /// Quantity still pending.
    pub pending: Decimal,
    /// `pending`, `fulfilled`, `released` or `expired`.
    pub status: String,
    /// When it expires unless paid.
    pub expires_at: Option<Timestamp>,
}

/// One entry of an order's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderEvent {
    /// Event id (movements name it in `order_event_id`).
    pub id: i64,
    /// `placed`, `paid`, `fulfilled`, `cancelled`, `returned`, `expired`.
    pub kind: String,
    /// The order's status right after.
    pub status_after: OrderStatus,
    /// The idempotency key it came with.
    pub idempotency_key: Option<String>,
    /// When it was recorded.
    pub at: Timestamp,
}

/// An order with its lines, reservations, movements and history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    /// Racine's id.
    pub id: i64,
    /// The host application's id.
    pub external_id: String,
    /// Who ordered.
    pub customer: Customer,
    /// Currency.
    pub currency: String,
    /// Status.
    pub status: OrderStatus,
    /// Whether payment was recorded.
    pub paid: bool,
    /// Σ quantity × unit price.
    pub total: Decimal,
    /// When it was placed.
    pub placed_at: Timestamp,
    /// When its reservations expire unless paid.
    pub expires_at: Option<Timestamp>,
    /// The lines.
    pub lines: Vec<OrderLine>,
    /// Its reservations.
    pub reservations: Vec<Reservation>,
    /// Ids of the ledger movements its events wrote.
    pub movements: Vec<i64>,
    /// Its history, oldest first.
    pub events: Vec<OrderEvent>,
}

pub(crate) fn positive(field: String, q: Decimal) -> Result<()> {
    if q.is_positive() {
        Ok(())
    } else {
        Err(Error::invalid(
            field,
            format!("{q} must be greater than zero"),
        ))
    }
}
