//! Orders as callers see them: requests, results, statuses.

use jiff::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::closed_set::closed_set;
use crate::decimal::Decimal;
use crate::error::{Error, Result};

closed_set! {
    /// How placing an order touches stock; one choice per database.
    pub enum StockPolicy as "policy", default Reserve {
        /// Placing reserves every line (available stock drops, on hand does
        /// not); fulfilment turns reservations into sale movements.
        Reserve = "reserve",
        /// Placing issues the stock at once (the Laravel back office's way);
        /// fulfilment only records what shipped.
        DecrementOnSale = "decrement_on_sale",
    }
}

closed_set! {
    /// Where an order stands.
    pub enum OrderStatus as "status" {
        /// Placed; nothing shipped yet.
        Placed = "placed",
        /// Some lines or quantities shipped.
        PartiallyFulfilled = "partially_fulfilled",
        /// Everything shipped.
        Fulfilled = "fulfilled",
        /// Cancelled: reservations released, shipped goods back in stock.
        Cancelled = "cancelled",
        /// A cart hold that ran out before payment: reservations released.
        Expired = "expired",
    }
}

impl OrderStatus {
    /// Still open to payment, fulfilment and cancellation.
    pub(crate) fn is_open(self) -> bool {
        matches!(
            self,
            OrderStatus::Placed | OrderStatus::PartiallyFulfilled | OrderStatus::Fulfilled
        )
    }
}

closed_set! {
    /// Where a reservation stands; each resolves at most once.
    pub enum ReservationStatus as "status" {
        /// Still holding stock.
        Pending = "pending",
        /// Turned into sale movements by fulfilment.
        Fulfilled = "fulfilled",
        /// Let go by a cancellation.
        Released = "released",
        /// Let go because the cart hold ran out.
        Expired = "expired",
    }
}

closed_set! {
    /// What happened to an order (its history).
    pub enum OrderEventKind as "kind" {
        /// The order was placed.
        Placed = "placed",
        /// Payment was recorded.
        Paid = "paid",
        /// Lines were shipped.
        Fulfilled = "fulfilled",
        /// The order was cancelled.
        Cancelled = "cancelled",
        /// Goods came back.
        Returned = "returned",
        /// The cart hold ran out.
        Expired = "expired",
    }
}

/// Who ordered (the CRM links it to a contact).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrderLine {
    /// Item SKU.
    pub sku: String,
    /// Quantity (> 0).
    pub quantity: Decimal,
    /// Unit price (≥ 0), in the order's currency; 0 when absent (a shop
    /// that tracks stock only).
    #[serde(default)]
    pub unit_price: Decimal,
    /// Warehouse id; the default warehouse if absent.
    #[serde(default)]
    pub warehouse: Option<i64>,
}

/// What [`crate::Database::place_order`] needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrder {
    /// The host application's order id (unique).
    pub external_id: String,
    /// Who ordered.
    #[serde(default)]
    pub customer: Customer,
    /// ISO 4217 currency code (`EUR`); `XXX` (ISO's "no currency") when
    /// absent.
    #[serde(default = "no_currency")]
    pub currency: String,
    /// At least one line.
    pub lines: Vec<NewOrderLine>,
    /// When it was placed; now if absent.
    #[serde(default)]
    #[schemars(with = "Option<crate::catalogue::Instant>")]
    #[serde(with = "crate::instant::text::option")]
    pub placed_at: Option<Timestamp>,
    /// For a cart hold: when its reservations expire unless paid.
    #[serde(default)]
    #[schemars(with = "Option<crate::catalogue::Instant>")]
    #[serde(with = "crate::instant::text::option")]
    pub expires_at: Option<Timestamp>,
    /// Link the customer to a new contact when no contact matches its
    /// external id or email (an order always links to a matching one).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub create_contact: bool,
}

/// Quantity of one line, for fulfilment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FulfilLine {
    /// Line number (1-based, in the order given when placed).
    pub line: u32,
    /// Quantity shipped (> 0).
    pub quantity: Decimal,
}

/// Quantity of one line coming back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Reservation {
    /// Reservation id.
    pub id: i64,
    /// Line number.
    pub line: u32,
    /// Quantity reserved at placing.
    pub quantity: Decimal,
    /// Quantity still pending.
    pub pending: Decimal,
    /// Pending, or how it was resolved.
    pub status: ReservationStatus,
    /// When it expires unless paid.
    #[schemars(with = "Option<crate::catalogue::Instant>")]
    pub expires_at: Option<Timestamp>,
}

/// One entry of an order's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct OrderEvent {
    /// Event id (movements name it in `order_event_id`).
    pub id: i64,
    /// What happened.
    pub kind: OrderEventKind,
    /// The order's status right after.
    pub status_after: OrderStatus,
    /// The idempotency key it came with.
    pub idempotency_key: Option<String>,
    /// When it was recorded.
    #[schemars(with = "crate::catalogue::Instant")]
    pub at: Timestamp,
    /// Revenue it recognised (+) or reversed (−), in the order's currency:
    /// payment recognises what the customer keeps (the lines' value less
    /// what came back before it); a return or the cancellation of a paid
    /// order reverses its value; other events, and events of unpaid orders,
    /// change nothing. The top-clients KPI sums these by event time.
    #[serde(default)]
    pub revenue_change: Decimal,
}

/// An order with its lines, reservations, movements and history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Order {
    /// Racine's id.
    pub id: i64,
    /// The host application's id.
    pub external_id: String,
    /// Who ordered.
    pub customer: Customer,
    /// The CRM contact it is linked to (by the customer's external id or
    /// email).
    #[serde(default)]
    pub contact: Option<i64>,
    /// Currency.
    pub currency: String,
    /// Status.
    pub status: OrderStatus,
    /// Whether payment was recorded.
    pub paid: bool,
    /// Σ quantity × unit price.
    pub total: Decimal,
    /// When it was placed.
    #[schemars(with = "crate::catalogue::Instant")]
    pub placed_at: Timestamp,
    /// When its reservations expire unless paid.
    #[schemars(with = "Option<crate::catalogue::Instant>")]
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

fn no_currency() -> String {
    "XXX".into()
}

/// An ISO 4217 code: three capital letters.
pub(crate) fn currency(field: &str, code: &str) -> Result<()> {
    if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(Error::invalid(
            field,
            format!("{code:?} is not an ISO 4217 code such as EUR"),
        ));
    }
    Ok(())
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

/// Which orders a listing (or an export) covers, by Racine's id.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct OrderFilter {
    /// Only orders in this status.
    pub status: Option<OrderStatus>,
    /// Only orders linked to this CRM contact.
    pub contact: Option<i64>,
    /// Placed at or after this instant.
    #[schemars(with = "Option<crate::catalogue::Instant>")]
    #[serde(default, with = "crate::instant::text::option")]
    pub from: Option<Timestamp>,
    /// Placed strictly before this instant.
    #[schemars(with = "Option<crate::catalogue::Instant>")]
    #[serde(default, with = "crate::instant::text::option")]
    pub to: Option<Timestamp>,
    /// Page size and cursor (an order's Racine id).
    #[serde(flatten)]
    pub page: crate::page::PageRequest,
}
