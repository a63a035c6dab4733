//! What each kind of event carries, and the one way an event is written:
//! checked by the loaded validators, then appended in the caller's
//! transaction.

use serde::Serialize;

use super::EventKind;
use crate::decimal::Decimal;
use crate::error::{Error, Result};
use crate::ledger::MovementRecord;
use crate::orders::{OrderEvent, OrderStatus};
use crate::purchases::PurchaseStatus;
use crate::store::{EventData, Writes};

/// Writes one event in the transaction `tx`, after every loaded validator
/// let it through (a veto is the caller's error, and rolls everything back).
pub(crate) fn emit(tx: &dyn Writes, kind: EventKind, data: &impl Serialize) -> Result<()> {
    let data = serde_json::to_string(data).map_err(Error::storage)?;
    tx.gate().check(tx, kind, &data)?;
    tx.append_event(kind, tx.now()?, EventData::Json(&data))?;
    Ok(())
}

/// `movement_recorded` for a movement just appended. The outbox keeps only
/// its id (the ledger row is its data, and never changes), so the JSON is
/// built only when a validator is there to read it.
pub(crate) fn emit_movement(tx: &dyn Writes, record: &MovementRecord) -> Result<()> {
    let kind = EventKind::MovementRecorded;
    if tx.gate().checks() {
        let data = serde_json::to_string(record).map_err(Error::storage)?;
        tx.gate().check(tx, kind, &data)?;
    }
    tx.append_event(kind, record.recorded_at, EventData::Movement(record.id))?;
    Ok(())
}

/// `order_event_applied`: the order after the event, and the event.
#[derive(Serialize)]
pub(crate) struct OrderEventApplied<'a> {
    /// Racine's id of the order.
    pub order: i64,
    /// The host application's id.
    pub external_id: &'a str,
    /// Its status after the event.
    pub status: OrderStatus,
    /// Whether it is paid.
    pub paid: bool,
    /// The event.
    pub event: &'a OrderEvent,
    /// Its lines, with their warehouses' codes.
    pub lines: Vec<OrderEventLine<'a>>,
}

/// One line of an order, as an event shows it.
#[derive(Serialize)]
pub(crate) struct OrderEventLine<'a> {
    pub line: u32,
    pub item: i64,
    pub sku: &'a str,
    pub warehouse: i64,
    pub warehouse_code: String,
    pub quantity: Decimal,
    pub reserved: Decimal,
    pub out: Decimal,
    pub fulfilled: Decimal,
    pub returned: Decimal,
}

/// `stock_below_reorder_point`: totals across the item's warehouses.
#[derive(Serialize)]
pub(crate) struct StockBelowReorderPoint<'a> {
    pub item: i64,
    pub sku: &'a str,
    pub reorder_point: Decimal,
    /// Available (on hand − reserved) before the write.
    pub available_before: Decimal,
    /// Available after it: at or below the reorder point.
    pub available: Decimal,
    pub on_hand: Decimal,
    pub reserved: Decimal,
    /// Reorder point − available.
    pub shortfall: Decimal,
}

/// `purchase_received`: what arrived, line by line.
#[derive(Serialize)]
pub(crate) struct PurchaseReceivedEvent<'a> {
    pub purchase_order: i64,
    pub reference: &'a str,
    pub supplier: i64,
    /// The order's status after the receipt.
    pub status: PurchaseStatus,
    pub lines: Vec<PurchaseReceivedLine<'a>>,
}

/// One line received.
#[derive(Serialize)]
pub(crate) struct PurchaseReceivedLine<'a> {
    pub line: i64,
    pub item: i64,
    pub sku: &'a str,
    pub warehouse: i64,
    pub warehouse_code: &'a str,
    pub quantity: Decimal,
    pub unit_cost: Decimal,
    /// The receipt movement.
    pub movement: i64,
}

/// `opportunity_stage_changed`: the transition appended to its log.
#[derive(Serialize)]
pub(crate) struct StageChanged<'a> {
    pub opportunity: i64,
    pub transition: &'a crate::crm::Transition,
}

/// `contact_merged`: ids only (what moved to the kept contact), so that
/// erasing a contact later leaves none of its personal data in the outbox.
#[derive(Serialize)]
pub(crate) struct ContactMerged<'a> {
    /// The merge record's id.
    pub merge: i64,
    pub merged: i64,
    pub into: i64,
    pub interactions: &'a [i64],
    pub opportunities: &'a [i64],
    /// External ids of the orders.
    pub orders: &'a [String],
    pub people: &'a [i64],
    pub actor: Option<&'a str>,
}
