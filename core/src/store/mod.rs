//! The storage layer: every read and write the rules need, behind traits,
//! with one implementation per engine (SQLite in [`sqlite`]).
//!
//! The rules (posting, valuation, availability, the order state machine,
//! purchases) see only these traits: they hold no SQL and import no driver.
//! A write is one [`Writes`] transaction, committed by [`Writes::commit`] and
//! rolled back when dropped uncommitted; reads outside a write go through
//! [`Reads`]. Uniqueness (SKU, warehouse code, order id, purchase
//! reference) is the engine's constraint, reported as
//! [`crate::Error::AlreadyExists`]; ids are the engine's to allocate.
//!
//! Every engine is proven by the same conformance suite (`core/tests/conformance`).

pub(crate) mod postgres;
pub(crate) mod sqlite;
pub(crate) mod stored;

use std::collections::VecDeque;

use jiff::Timestamp;

use crate::crm::Candidate;
use crate::crm::{
    Contact, ContactErasure, ContactKind, ContactMerge, ContactStatus, Interaction,
    InteractionKind, InteractionWhen, LostReason, MatchKind, OpportunityFilter, OpportunityLine,
    OpportunityStatus, Stage, Transition,
};
use crate::decimal::Decimal;
use crate::error::Result;
use crate::items::{Item, ItemFilter, ItemKind, NewItem};
use crate::ledger::{MovementFilter, MovementRecord, Reason};
use crate::orders::{
    Customer, OrderEvent, OrderEventKind, OrderFilter, OrderStatus, Reservation, ReservationStatus,
};
use crate::outbox::EventKind;
use crate::purchases::{PurchaseFilter, PurchaseStatus};
use crate::suppliers::{NewSupplier, Supplier, SupplierFilter};
use crate::valuation::{Layer, ValuationMethod};
use crate::verify::ReferenceDrift;
use crate::warehouses::{Warehouse, WarehouseFilter};

/// An engine: hands out read handles and write transactions.
pub(crate) trait Store: Send + Sync {
    /// Runs `f` on a handle for reads outside a write; each read sees
    /// committed data. (A callback rather than a returned handle: the
    /// hottest path, a point read of stock, allocates nothing for it.)
    fn read(&self, f: &mut dyn FnMut(&dyn Reads) -> Result<()>) -> Result<()>;
    /// A handle whose reads all see one consistent snapshot (for `verify`).
    fn snapshot(&self) -> Result<Box<dyn Reads + '_>>;
    /// Begins a write transaction: committed by [`Writes::commit`], rolled
    /// back when dropped. `gate` checks each event the transaction appends
    /// to the outbox ([`OutboxWrites::gate`]); `scope` says which other
    /// writers it keeps out ([`Scope`]).
    fn begin<'a>(&'a self, gate: &'a dyn Gate, scope: Scope) -> Result<Box<dyn Writes + 'a>>;
    /// Like [`Store::begin`], for bookkeeping that may be lost on a power
    /// cut (an event sink's cursor: losing it only delivers again): its
    /// commit is not pushed to disk by itself, but by the next durable one.
    fn begin_relaxed(&self) -> Result<Box<dyn Writes + '_>>;
    /// The schema version of the open database.
    fn schema_version(&self) -> Result<i64>;
    /// Whether a write that failed with `e` may be run again (see
    /// [`Transient`]). An embedded engine's failures are not transient: its
    /// waits for other writers happen inside the busy timeout.
    fn transient(&self, _e: &crate::Error) -> Transient {
        Transient::No
    }
}

/// Which other writers a write transaction keeps out while its rules read
/// and decide. SQLite has one writer at a time: every scope is the shop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Every other write waits: the rules may read anything (master data,
    /// the CRM, the outbox's cursors) and decide on it.
    Shop,
    /// Only the writes that touch the same stock, order or purchase wait:
    /// the rule names them with [`Writes::lock`] before it reads them, and
    /// reads nothing else that another stock write could change. Writes of
    /// scope [`Scope::Shop`] still wait for it, and it for them.
    Stock,
}

/// What a write of scope [`Scope::Stock`] locks before reading it. One
/// [`Writes::lock`] takes them in this order, the same in every write (so
/// that two writes never wait for each other): the contacts, an order, a
/// purchase, then items in id order.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Lock<'a> {
    /// Customers matched to or created for an order.
    Contacts,
    /// An order (placed or not yet), by its external id: its lines,
    /// reservations and events.
    Order(&'a str),
    /// An order as [`Lock::Order`], then the stock of its lines' items as
    /// [`Lock::Items`].
    OrderStock(&'a str),
    /// A purchase order and its lines.
    Purchase(i64),
    /// The stock of these items in every warehouse: balances, cost layers,
    /// their movements' history, their totals.
    Items(&'a [i64]),
}

/// Whether a failed write may be run again from the start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Transient {
    /// The failure is the write's own (a rule refused it, bad input…).
    No,
    /// The transaction was lost before its commit was asked for (a server
    /// restart, a dropped connection, a serialization failure): nothing of
    /// it was kept.
    Yes,
    /// The connection was lost while committing: the write may or may not
    /// be kept, so only a write made idempotent by a key runs again.
    IfKeyed,
}

/// Everything the rules read. Every engine implements all of it (an empty
/// `impl Reads` on its handles once the parts are implemented).
pub(crate) trait Reads:
    SettingReads
    + ItemReads
    + WarehouseReads
    + SupplierReads
    + LedgerReads
    + OrderReads
    + PurchaseReads
    + ContactReads
    + InteractionReads
    + PipelineReads
    + OpportunityReads
    + KpiReads
    + AuditReads
    + OutboxReads
{
    /// The time now, to the microsecond, by the engine's clock: the
    /// database server's on PostgreSQL (so that app servers with skewed
    /// clocks agree), this machine's on SQLite.
    fn now(&self) -> Result<Timestamp>;
}

/// A write transaction: every read, and every write the rules make.
pub(crate) trait Writes:
    Reads
    + SettingWrites
    + ItemWrites
    + WarehouseWrites
    + SupplierWrites
    + LedgerWrites
    + OrderWrites
    + PurchaseWrites
    + ContactWrites
    + InteractionWrites
    + PipelineWrites
    + OpportunityWrites
    + OutboxWrites
{
    /// Makes every write of the transaction durable, or none of them.
    fn commit(self: Box<Self>) -> Result<()>;
    /// Keeps the other writes away from `what` until the commit, in a
    /// transaction of scope [`Scope::Stock`], and reads the clock again
    /// once granted (so that recording times follow the order the locks
    /// were granted in). Nothing to do in an engine with one writer at a
    /// time, nor in scope [`Scope::Shop`].
    fn lock(&self, what: &[Lock<'_>]) -> Result<()> {
        let _ = what;
        Ok(())
    }
}

// -- the outbox ------------------------------------------------------------------

/// What every pending event passes before it is appended: the loaded
/// validator plugins. The engine only carries it for the transaction.
pub(crate) trait Gate {
    /// Whether [`Gate::check`] looks at events at all (else their JSON need
    /// not be built).
    fn checks(&self) -> bool;
    /// `Ok` lets the event (`kind`, `data` as JSON) through; an error
    /// refuses the whole write. `r` reads inside the pending transaction.
    fn check(&self, r: &dyn Reads, kind: EventKind, data: &str) -> Result<()>;
}

/// A gate that lets everything through (the plugins' own bookkeeping).
pub(crate) struct Open;

impl Gate for Open {
    fn checks(&self) -> bool {
        false
    }

    fn check(&self, _: &dyn Reads, _: EventKind, _: &str) -> Result<()> {
        Ok(())
    }
}

/// What an outbox row keeps of its event's data.
pub(crate) enum EventData<'a> {
    /// `movement_recorded`: the movement's id; its record is the data.
    Movement(i64),
    /// Any other kind: the data as JSON.
    Json(&'a str),
}

/// An outbox event as stored: its data as JSON, or the movement whose
/// record it is (the outbox module turns either into what callers see).
pub(crate) struct StoredEvent {
    pub id: i64,
    pub kind: EventKind,
    pub recorded_at: Timestamp,
    pub data: StoredData,
}

/// The data of a [`StoredEvent`].
pub(crate) enum StoredData {
    /// `movement_recorded`: the movement, read back from the ledger.
    Movement(Box<MovementRecord>),
    /// Any other kind: the JSON written with it.
    Json(String),
}

/// A consumer's cursor as stored.
#[derive(Clone, Debug)]
pub(crate) struct ConsumerRow {
    pub name: String,
    pub position: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

pub(crate) trait OutboxReads {
    /// Up to `limit` events with id above `after`, by id; only `kinds`
    /// unless empty.
    fn events_after(&self, after: i64, kinds: &[EventKind], limit: u32)
        -> Result<Vec<StoredEvent>>;
    /// Events with id above `after`.
    fn count_events_after(&self, after: i64) -> Result<u64>;
    /// The highest event id ever given (0: none), pruned or not.
    fn last_event_id(&self) -> Result<i64>;
    fn outbox_consumer(&self, name: &str) -> Result<Option<ConsumerRow>>;
    /// Every consumer, by name.
    fn outbox_consumers(&self) -> Result<Vec<ConsumerRow>>;
}

pub(crate) trait OutboxWrites {
    /// The gate this transaction's events pass ([`Store::begin`]).
    fn gate(&self) -> &dyn Gate;
    /// Appends an event (its id is the engine's to give, in the order a
    /// cursor reads).
    fn append_event(&self, kind: EventKind, at: Timestamp, data: EventData<'_>) -> Result<()>;
    /// Creates or moves a consumer's cursor.
    fn put_outbox_consumer(&self, name: &str, position: i64, at: Timestamp) -> Result<()>;
    fn delete_outbox_consumer(&self, name: &str) -> Result<()>;
    /// Removes the events up to `through`; returns how many.
    fn prune_events(&self, through: i64) -> Result<u64>;
}

// -- settings and idempotency ------------------------------------------------

/// What an idempotent request stored under its key.
pub(crate) struct IdempotencyRecord {
    pub operation: String,
    pub request: String,
    pub result: String,
}

pub(crate) trait SettingReads {
    /// The value of a database setting (`time_zone`, `stock_policy`).
    fn setting(&self, key: &str) -> Result<Option<String>>;
    /// What was stored under an idempotency key.
    fn idempotency_record(&self, key: &str) -> Result<Option<IdempotencyRecord>>;
}

pub(crate) trait SettingWrites {
    fn put_setting(&self, key: &str, value: &str) -> Result<()>;
    /// Makes `key` this transaction's before the request runs, or returns
    /// what was stored under it. A second transaction claiming the same
    /// key while the first is open waits for it, then gets its record (or
    /// the key, if the first rolled back): a request runs once per key.
    fn claim_idempotency_key(
        &self,
        key: &str,
        operation: &str,
        request: &str,
    ) -> Result<Option<IdempotencyRecord>>;
    /// Stores the result of the request that claimed `key`.
    fn settle_idempotency_key(&self, key: &str, record: &IdempotencyRecord) -> Result<()>;
    /// Rewrites a stored record (an erasure scrubbing personal data).
    fn replace_idempotency_record(&self, key: &str, record: &IdempotencyRecord) -> Result<()>;
}

// -- master data ---------------------------------------------------------------

/// Item rules needed while posting.
#[derive(Clone, Debug)]
pub(crate) struct ItemRules {
    pub sku: String,
    pub valuation: ValuationMethod,
    pub allow_negative: bool,
    pub active: bool,
    /// Below it (available across warehouses) a `stock_below_reorder_point`
    /// event is written.
    pub reorder_point: Option<Decimal>,
}

pub(crate) trait ItemReads {
    fn item(&self, id: i64) -> Result<Option<Item>>;
    fn item_by_sku(&self, sku: &str) -> Result<Option<Item>>;
    fn item_id_by_sku(&self, sku: &str) -> Result<Option<i64>>;
    fn item_rules(&self, id: i64) -> Result<Option<ItemRules>>;
    fn item_has_movements(&self, id: i64) -> Result<bool>;
    /// Up to `limit` items with id above `filter.page.after`, by id.
    fn items(&self, filter: &ItemFilter, limit: u32) -> Result<Vec<Item>>;
}

pub(crate) trait ItemWrites {
    /// Inserts an item; a taken SKU is `AlreadyExists`. Returns its id.
    fn insert_item(&self, item: &NewItem, at: Timestamp) -> Result<i64>;
    /// Stores every field of `item` (by its id).
    fn update_item(&self, item: &Item) -> Result<()>;
}

pub(crate) trait WarehouseReads {
    fn warehouse(&self, id: i64) -> Result<Option<Warehouse>>;
    fn warehouse_by_code(&self, code: &str) -> Result<Option<Warehouse>>;
    fn default_warehouse_id(&self) -> Result<Option<i64>>;
    fn warehouses(&self, filter: &WarehouseFilter, limit: u32) -> Result<Vec<Warehouse>>;
}

pub(crate) trait WarehouseWrites {
    /// Inserts a warehouse; a taken code is `AlreadyExists`. Returns its id.
    fn insert_warehouse(&self, code: &str, name: &str, at: Timestamp) -> Result<i64>;
    /// Stores name and active flag of `warehouse` (by its id).
    fn update_warehouse(&self, warehouse: &Warehouse) -> Result<()>;
    /// Makes `id` the one default warehouse (and active).
    fn make_default_warehouse(&self, id: i64) -> Result<()>;
}

pub(crate) trait SupplierReads {
    fn supplier(&self, id: i64) -> Result<Option<Supplier>>;
    fn suppliers(&self, filter: &SupplierFilter, limit: u32) -> Result<Vec<Supplier>>;
}

pub(crate) trait SupplierWrites {
    fn insert_supplier(&self, supplier: &NewSupplier, at: Timestamp) -> Result<i64>;
    fn update_supplier(&self, supplier: &Supplier) -> Result<()>;
}

// -- the ledger ----------------------------------------------------------------

/// The running state of one item in one warehouse.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Balance {
    pub on_hand: Decimal,
    pub reserved: Decimal,
    pub value: Decimal,
    /// The prevailing valuation rate.
    pub rate: Decimal,
}

/// How a movement belongs to a transfer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TransferLeg {
    /// Not part of a transfer.
    None,
    /// The outgoing leg: the transfer is named by this movement's own id.
    Out,
    /// The incoming leg of the transfer whose outgoing leg is this id.
    In(i64),
}

/// A movement to append to the ledger (its id is the engine's to give).
pub(crate) struct NewMovement<'a> {
    pub item: i64,
    pub warehouse: i64,
    pub quantity: Decimal,
    pub reason: Reason,
    pub unit_cost: Decimal,
    pub value_change: Decimal,
    /// For incoming stock, the value it came in with (what `verify` replays).
    pub inbound_value: Option<Decimal>,
    /// For outgoing stock, the rate it was asked to leave at, if any (what
    /// `verify` replays).
    pub outgoing_rate: Option<Decimal>,
    pub balance_after: Decimal,
    pub value_after: Decimal,
    pub effective_at: Timestamp,
    pub recorded_at: Timestamp,
    pub actor: Option<&'a str>,
    pub reference: Option<&'a str>,
    pub note: Option<&'a str>,
    pub idempotency_key: Option<&'a str>,
    pub transfer: TransferLeg,
    pub purchase_line_id: Option<i64>,
    pub order_id: Option<i64>,
    pub order_event_id: Option<i64>,
}

/// Balance totals of one item: in one warehouse, or summed over all.
#[derive(Clone, Debug)]
pub(crate) struct LevelRow {
    pub item: i64,
    pub sku: String,
    pub balance: Balance,
    pub reorder_point: Option<Decimal>,
}

/// Which items a stock listing covers.
pub(crate) struct LevelQuery {
    pub warehouse: Option<i64>,
    pub after: i64,
    pub active_only: bool,
    pub low_stock_only: bool,
    pub limit: u32,
}

pub(crate) trait LedgerReads {
    /// The balance of `item` in `warehouse` (`None` before its first movement).
    fn balance(&self, item: i64, warehouse: i64) -> Result<Option<Balance>>;
    /// The open FIFO / LIFO layers of `item` in `warehouse`, oldest first.
    fn cost_layers(&self, item: i64, warehouse: i64) -> Result<VecDeque<Layer>>;
    /// Stock of one item in one warehouse; `None` when the item does not
    /// exist; the balance is zero when the item never moved there.
    fn level(&self, item: i64, warehouse: i64) -> Result<Option<(LevelRow, bool)>>;
    /// Stock totals of items (see [`LevelQuery`]), by item id.
    fn levels(&self, query: &LevelQuery, only_item: Option<i64>) -> Result<Vec<LevelRow>>;
    /// Per warehouse that ever held `item`, its balance.
    fn levels_by_warehouse(&self, item: i64) -> Result<Vec<(i64, LevelRow)>>;
    /// Total stock value, in one warehouse or all.
    fn stock_value(&self, warehouse: Option<i64>) -> Result<Decimal>;
    /// Σ on hand, Σ reserved and Σ value of `item` over its warehouses,
    /// wide enough never to overflow.
    fn item_totals(&self, item: i64) -> Result<[i128; 3]>;
    /// The kept stock value of every warehouse that ever held stock.
    fn warehouse_values(&self) -> Result<Vec<(i64, Decimal)>>;
    /// Σ quantity and Σ value change of the movements effective at or before `at`.
    fn totals_as_of(
        &self,
        item: i64,
        warehouse: Option<i64>,
        at: Timestamp,
    ) -> Result<(Decimal, Decimal)>;
    /// The lowest on-hand balance of `item` in `warehouse` at any instant
    /// from `from` on (movements in effective order), and the first instant
    /// it is reached; `None` when no movement is effective after `from`.
    fn lowest_balance_from(
        &self,
        item: i64,
        warehouse: i64,
        from: Timestamp,
    ) -> Result<Option<(Decimal, Timestamp)>>;
    /// One movement by id.
    fn movement(&self, id: i64) -> Result<Option<MovementRecord>>;
    /// Movement history matching `filter`, up to `limit` rows.
    fn movements(&self, filter: &MovementFilter, limit: u32) -> Result<Vec<MovementRecord>>;
    /// Every movement matching `filter` (its page size aside), in its
    /// order, handed to `f` one at a time from one statement: an export
    /// holds one row in memory, whatever the ledger's size.
    fn each_movement(
        &self,
        filter: &MovementFilter,
        f: &mut dyn FnMut(&MovementRecord) -> Result<()>,
    ) -> Result<()>;
    /// How many movements match `filter` (its page size aside).
    fn count_movements(&self, filter: &MovementFilter) -> Result<u64>;
}

/// How much the value of one balance moved in a write.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ValueChange {
    pub warehouse: i64,
    pub item: i64,
    /// Millionths; the caller checked that every total stays in range.
    pub change: i64,
}

pub(crate) trait LedgerWrites {
    /// The id the next [`LedgerWrites::append_movement`] will give.
    fn next_movement_id(&self) -> Result<i64>;
    /// Appends a movement; returns its id (ids grow with recording order).
    fn append_movement(&self, movement: &NewMovement<'_>) -> Result<i64>;
    /// Stores the balance of `item` in `warehouse`.
    fn put_balance(&self, item: i64, warehouse: i64, balance: &Balance) -> Result<()>;
    /// Stores the open layers of `item` in `warehouse` (none: removes them).
    fn put_cost_layers(&self, item: i64, warehouse: i64, layers: &VecDeque<Layer>) -> Result<()>;
    /// Moves the kept stock value of warehouses: each change is the value
    /// that `item`'s balance in `warehouse` gained or lost (in millionths).
    fn add_to_warehouse_values(&self, changes: &[ValueChange]) -> Result<()>;
}

// -- orders ----------------------------------------------------------------------

/// The order row's state that events check.
#[derive(Clone, Debug)]
pub(crate) struct OrderHead {
    pub id: i64,
    pub external_id: String,
    pub status: OrderStatus,
    pub paid: bool,
}

/// An order row to insert, with what its `placed` event records.
pub(crate) struct NewOrderRow<'a> {
    pub external_id: &'a str,
    pub customer: &'a Customer,
    pub contact: Option<i64>,
    pub currency: &'a str,
    pub total: Decimal,
    pub placed_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub at: Timestamp,
    /// The `placed` event's idempotency key and detail.
    pub key: Option<&'a str>,
    pub detail: &'a str,
}

/// The ids of a placed order and of its `placed` event.
pub(crate) struct PlacedIds {
    pub order: i64,
    pub event: i64,
}

/// A line of a new order, and whether it reserves its quantity.
pub(crate) struct NewLine<'a> {
    pub line: &'a LineState,
    pub reserve: bool,
}

/// A line as stored, changed in memory during an event.
#[derive(Clone, Debug)]
pub(crate) struct LineState {
    pub id: i64,
    pub line_no: u32,
    pub item: i64,
    pub warehouse: i64,
    pub quantity: Decimal,
    pub unit_price: Decimal,
    /// Issued and not come back yet, and the exact value that left with it.
    pub out_quantity: Decimal,
    pub out_value: Decimal,
    pub fulfilled: Decimal,
    pub returned: Decimal,
    pub restocked: Decimal,
}

/// An order event to append.
pub(crate) struct NewOrderEvent<'a> {
    pub order_id: i64,
    pub kind: OrderEventKind,
    pub status_after: OrderStatus,
    pub key: Option<&'a str>,
    pub detail: &'a str,
    /// Revenue recognised (+) or reversed (−), in the order's currency.
    pub revenue_change: Decimal,
    pub at: Timestamp,
}

/// A pending reservation.
#[derive(Clone, Debug)]
pub(crate) struct PendingReservation {
    pub id: i64,
    pub line_id: i64,
    pub item: i64,
    pub warehouse: i64,
    pub pending: Decimal,
}

/// The order row as results show it.
pub(crate) struct OrderRow {
    pub id: i64,
    pub customer: Customer,
    pub contact: Option<i64>,
    pub currency: String,
    pub status: OrderStatus,
    pub paid: bool,
    pub total: Decimal,
    pub placed_at: Timestamp,
    pub expires_at: Option<Timestamp>,
}

pub(crate) trait OrderReads {
    fn order_head(&self, external_id: &str) -> Result<Option<OrderHead>>;
    fn order_row(&self, external_id: &str) -> Result<Option<OrderRow>>;
    /// Lines of an order by line number, with their SKUs.
    fn order_lines(&self, order_id: i64) -> Result<Vec<(LineState, String)>>;
    fn pending_reservations(&self, order_id: i64) -> Result<Vec<PendingReservation>>;
    /// Every reservation of an order, with the id of its line.
    fn reservations(&self, order_id: i64) -> Result<Vec<(i64, Reservation)>>;
    fn order_events(&self, order_id: i64) -> Result<Vec<OrderEvent>>;
    /// Ids of the movements the order's events wrote, in ledger order.
    /// The movements of order `order_id`, whose reference is `reference`
    /// (`order:<external id>`).
    fn order_movement_ids(&self, order_id: i64, reference: &str) -> Result<Vec<i64>>;
    /// Orders still `placed`, unpaid, whose hold ended at or before `now`.
    fn expired_order_ids(&self, now: Timestamp) -> Result<Vec<String>>;
    /// External ids of up to `limit` orders matching `filter` with Racine
    /// id above `filter.page.after`, by id.
    fn order_external_ids(&self, filter: &OrderFilter, limit: u32) -> Result<Vec<String>>;
}

pub(crate) trait OrderWrites {
    /// Inserts an order (`placed`, unpaid) and its `placed` event; a taken
    /// external id is `AlreadyExists`.
    fn insert_order(&self, order: &NewOrderRow<'_>) -> Result<PlacedIds>;
    /// Inserts a new order's lines, each with the pending reservation of
    /// its whole quantity when it reserves (expiring at `expires_at`);
    /// returns the reservations' ids in line order (`None` for a line that
    /// reserves nothing). One call per order: a server engine makes it one
    /// round trip.
    fn insert_order_lines(
        &self,
        order_id: i64,
        lines: &[NewLine<'_>],
        expires_at: Option<Timestamp>,
        at: Timestamp,
    ) -> Result<Vec<Option<i64>>>;
    fn save_order_line(&self, line: &LineState) -> Result<()>;
    /// Sets what a reservation still holds and its status (and when it
    /// was resolved, unless still pending).
    fn update_reservation(
        &self,
        id: i64,
        pending: Decimal,
        status: ReservationStatus,
        at: Timestamp,
    ) -> Result<()>;
    fn insert_order_event(&self, event: &NewOrderEvent<'_>) -> Result<i64>;
    fn set_order_status(
        &self,
        order_id: i64,
        status: OrderStatus,
        paid: bool,
        at: Timestamp,
    ) -> Result<()>;
}

// -- purchases -------------------------------------------------------------------

/// A purchase order row.
pub(crate) struct PurchaseHead {
    pub id: i64,
    pub supplier: i64,
    pub reference: String,
    pub status: PurchaseStatus,
    pub note: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// A purchase line row, with its item's SKU.
pub(crate) struct PurchaseLineRow {
    pub id: i64,
    pub item: i64,
    pub sku: String,
    pub warehouse: i64,
    pub quantity: Decimal,
    pub unit_cost: Decimal,
    pub received: Decimal,
    pub cancelled: Decimal,
}

pub(crate) trait PurchaseReads {
    fn purchase_head(&self, id: i64) -> Result<Option<PurchaseHead>>;
    /// The id of the purchase order with this (unique) reference.
    fn purchase_id_by_reference(&self, reference: &str) -> Result<Option<i64>>;
    fn purchase_lines(&self, order_id: i64) -> Result<Vec<PurchaseLineRow>>;
    /// Ids of up to `limit` purchase orders matching `filter`, by id.
    fn purchase_ids(&self, filter: &PurchaseFilter, limit: u32) -> Result<Vec<i64>>;
}

pub(crate) trait PurchaseWrites {
    /// Inserts an `open` purchase order; a taken reference is `AlreadyExists`.
    fn insert_purchase(
        &self,
        supplier: i64,
        reference: &str,
        note: Option<&str>,
        at: Timestamp,
    ) -> Result<i64>;
    fn insert_purchase_line(
        &self,
        order_id: i64,
        item: i64,
        warehouse: i64,
        quantity: Decimal,
        unit_cost: Decimal,
    ) -> Result<i64>;
    /// Sets what a line has received and cancelled so far.
    fn set_purchase_line_progress(
        &self,
        line_id: i64,
        received: Decimal,
        cancelled: Decimal,
    ) -> Result<()>;
    fn set_purchase_status(&self, id: i64, status: PurchaseStatus, at: Timestamp) -> Result<()>;
}

// -- the CRM ---------------------------------------------------------------------

/// Which contacts a listing covers, its texts already in matching form.
pub(crate) struct ContactQuery {
    /// Name key contains it (or an email contains it).
    pub search: Option<String>,
    /// The search text read as a phone, in E.164.
    pub search_phone: Option<String>,
    /// The search text as a tag.
    pub search_tag: Option<String>,
    pub kind: Option<ContactKind>,
    pub status: ContactStatus,
    pub company: Option<i64>,
    pub owner: Option<String>,
    pub tag: Option<String>,
    /// Normalised email.
    pub email: Option<String>,
    /// E.164 phone.
    pub phone: Option<String>,
    pub source: Option<String>,
    pub after: i64,
    pub limit: u32,
}

/// What a merge re-pointed from one contact to another.
pub(crate) struct MovedLinks {
    pub interactions: Vec<i64>,
    pub opportunities: Vec<i64>,
    /// External ids.
    pub orders: Vec<String>,
    pub people: Vec<i64>,
}

pub(crate) trait ContactReads {
    /// A contact with its emails, phones and tags.
    fn contact(&self, id: i64) -> Result<Option<Contact>>;
    fn contact_id_by_external_id(&self, external_id: &str) -> Result<Option<i64>>;
    /// Contacts neither merged nor erased with this normalised email, by id.
    fn contact_ids_by_email(&self, normalised: &str) -> Result<Vec<i64>>;
    /// Contacts matching `query`, by id.
    fn contacts(&self, query: &ContactQuery) -> Result<Vec<Contact>>;
    /// Orders of a contact with id above `after`: (id, external id).
    fn contact_order_ids(&self, contact: i64, after: i64, limit: u32)
        -> Result<Vec<(i64, String)>>;
    /// Pairs `(a, b)`, `a < b`, of contacts neither merged nor erased that
    /// share a normalised email or an E.164 phone.
    fn shared_contact_keys(&self) -> Result<Vec<(i64, i64, MatchKind, String)>>;
    /// People of companies, neither merged nor erased.
    fn company_people(&self) -> Result<Vec<Candidate>>;
    /// Merges into or of a contact, oldest first.
    fn contact_merges(&self, contact: i64) -> Result<Vec<ContactMerge>>;
    fn contact_erasure(&self, contact: i64) -> Result<Option<ContactErasure>>;
    /// Idempotency keys of requests that carried the contact's data.
    fn personal_keys(&self, contact: i64) -> Result<Vec<String>>;
    /// Event details of the contact's orders: (event id, detail).
    fn contact_order_event_details(&self, contact: i64) -> Result<Vec<(i64, String)>>;
    /// Summaries of the contact's interactions: (interaction id, summary).
    fn contact_interaction_summaries(&self, contact: i64) -> Result<Vec<(i64, String)>>;
}

pub(crate) trait ContactWrites {
    /// Inserts a contact (its `id` is ignored); a taken external id is `AlreadyExists`.
    fn insert_contact(&self, contact: &Contact, name_key: &str) -> Result<i64>;
    /// Stores every field of `contact`, its lists replaced.
    fn save_contact(&self, contact: &Contact, name_key: &str) -> Result<()>;
    fn link_personal_key(&self, contact: i64, key: &str) -> Result<()>;
    /// Re-points interactions, opportunities, orders and people of `from` to `to`.
    fn move_contact_links(&self, from: i64, to: i64) -> Result<MovedLinks>;
    fn insert_contact_merge(&self, merge: &ContactMerge) -> Result<i64>;
    fn save_contact_merge(&self, merge: &ContactMerge) -> Result<()>;
    fn insert_contact_erasure(&self, erasure: &ContactErasure) -> Result<()>;
    /// Clears the customer name and email of the contact's orders; their external ids.
    fn erase_order_customers(&self, contact: i64) -> Result<Vec<String>>;
    fn put_order_event_detail(&self, event: i64, detail: &str) -> Result<()>;
    fn put_interaction_summary(&self, interaction: i64, summary: &str) -> Result<()>;
}

/// Which interactions a listing covers.
pub(crate) struct InteractionQuery {
    pub when: InteractionWhen,
    pub contact: Option<i64>,
    pub opportunity: Option<i64>,
    pub owner: Option<String>,
    pub kind: Option<InteractionKind>,
    pub now: Timestamp,
    /// The last interaction of the previous page.
    pub after: Option<i64>,
    pub limit: u32,
}

pub(crate) trait InteractionReads {
    fn interaction(&self, id: i64) -> Result<Option<Interaction>>;
    fn interactions(&self, query: &InteractionQuery) -> Result<Vec<Interaction>>;
}

pub(crate) trait InteractionWrites {
    fn insert_interaction(&self, interaction: &Interaction) -> Result<i64>;
    fn set_interaction_done(&self, id: i64, at: Timestamp) -> Result<()>;
}

pub(crate) trait PipelineReads {
    /// Name and creation time of a pipeline.
    fn pipeline_row(&self, id: i64) -> Result<Option<(String, Timestamp)>>;
    fn pipeline_ids(&self) -> Result<Vec<i64>>;
    /// Stages of a pipeline by position.
    fn stages(&self, pipeline: i64) -> Result<Vec<Stage>>;
    fn stage(&self, id: i64) -> Result<Option<Stage>>;
    fn lost_reasons(&self) -> Result<Vec<LostReason>>;
}

pub(crate) trait PipelineWrites {
    /// Inserts a pipeline; a taken name is `AlreadyExists`.
    fn insert_pipeline(&self, name: &str, at: Timestamp) -> Result<i64>;
    fn insert_stage(&self, stage: &Stage) -> Result<i64>;
    /// Stores name, position and probability of a stage.
    fn save_stage(&self, stage: &Stage) -> Result<()>;
    /// Inserts or replaces a lost reason.
    fn put_lost_reason(&self, reason: &LostReason) -> Result<()>;
}

/// An opportunity row.
#[derive(Clone, Debug)]
pub(crate) struct OpportunityRow {
    pub id: i64,
    pub title: String,
    pub contact: i64,
    pub amount: Option<Decimal>,
    pub currency: Option<String>,
    pub pipeline: i64,
    pub stage: i64,
    /// Its own probability, if set.
    pub probability: Option<Decimal>,
    pub expected_close: Option<jiff::civil::Date>,
    pub owner: Option<String>,
    pub status: OpportunityStatus,
    pub lost_reason: Option<String>,
    /// The order its win placed: id (written) and external id (read).
    pub order_id: Option<i64>,
    pub order: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub closed_at: Option<Timestamp>,
}

pub(crate) trait OpportunityReads {
    fn opportunity_row(&self, id: i64) -> Result<Option<OpportunityRow>>;
    fn opportunity_lines(&self, id: i64) -> Result<Vec<OpportunityLine>>;
    /// Its log, oldest first.
    fn transitions(&self, id: i64) -> Result<Vec<Transition>>;
    fn opportunity_ids(&self, filter: &OpportunityFilter, limit: u32) -> Result<Vec<i64>>;
    /// Every opportunity id, for `verify`.
    fn all_opportunity_ids(&self) -> Result<Vec<i64>>;
}

pub(crate) trait OpportunityWrites {
    fn insert_opportunity(&self, row: &OpportunityRow) -> Result<i64>;
    fn save_opportunity(&self, row: &OpportunityRow) -> Result<()>;
    fn put_opportunity_lines(&self, id: i64, lines: &[OpportunityLine]) -> Result<()>;
    /// Appends to an opportunity's log (never rewritten).
    fn append_transition(&self, opportunity: i64, t: &Transition) -> Result<i64>;
}

// -- KPIs ----------------------------------------------------------------------------

/// A span of the ledger a period query reads: `[start, end)` in
/// microseconds, in one warehouse or all.
pub(crate) struct SpanQuery {
    pub start: i64,
    pub end: i64,
    pub warehouse: Option<i64>,
}

/// The flows of a span: in, out, transfers in, transfers out (signed
/// quantity and value sums), and the movements counted.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct FlowSums {
    pub quantity: [i64; 4],
    pub value: [i64; 4],
    pub count: u64,
}

/// Per item × warehouse (or supplier), the quantity and value that moved.
pub(crate) struct StockChange {
    pub item: i64,
    pub warehouse: i64,
    pub quantity: i128,
    pub value: i128,
    pub count: u64,
}

/// A purchase line of an order created in a period, with its supplier.
pub(crate) struct OrderedLine {
    pub supplier: i64,
    pub item: i64,
    pub quantity: Decimal,
    pub remaining: Decimal,
    pub unit_cost: Decimal,
}

/// Open opportunities of one stage, owner, currency and probability.
pub(crate) struct PipelineRow {
    pub stage: i64,
    /// `None`: no owner.
    pub owner: Option<String>,
    /// `None`: no amount.
    pub currency: Option<String>,
    /// `None`: the stage's own.
    pub probability: Option<Decimal>,
    pub count: u64,
    pub amount: Decimal,
}

/// An opportunity whose last transition in a period closed it.
pub(crate) struct ClosingRow {
    pub opportunity: i64,
    pub won: bool,
    pub at: Timestamp,
    pub created_at: Timestamp,
    pub owner: Option<String>,
    pub currency: Option<String>,
    pub amount: Option<Decimal>,
    pub contact: i64,
    pub has_order: bool,
}

/// A step of the transition log.
pub(crate) struct Step {
    pub opportunity: i64,
    pub to_stage: i64,
    pub at: Timestamp,
}

/// Revenue of a contact (or of orders without one) in one currency.
pub(crate) struct RevenueRow {
    pub contact: Option<i64>,
    pub currency: String,
    pub revenue: i64,
    pub orders: u64,
}

/// The aggregations of the KPI dashboards. Each is served by an index or a
/// rollup (a test reads their query plans), never by a scan of the ledger.
pub(crate) trait KpiReads {
    /// Movements effective in `(after, until]` (unbounded where `None`),
    /// per item × warehouse.
    fn changes(
        &self,
        after: Option<Timestamp>,
        until: Option<Timestamp>,
        warehouse: Option<i64>,
    ) -> Result<Vec<StockChange>>;
    /// What movements effective in `(after, until]` changed the value, and
    /// how many they are.
    fn value_changed(
        &self,
        after: Option<Timestamp>,
        until: Option<Timestamp>,
        warehouse: Option<i64>,
    ) -> Result<(i128, u64)>;
    /// The flows of a span.
    fn flows(&self, span: &SpanQuery) -> Result<FlowSums>;
    /// Sales less customer returns, per item (`warehouse` 0), as positive
    /// issued quantities and costs; of items of one kind or all.
    fn issued(&self, span: &SpanQuery, kind: Option<ItemKind>) -> Result<Vec<StockChange>>;
    /// About how many movements are effective at or before `t`, and after
    /// it (from ids, which follow time but for backdated movements): which
    /// side is cheaper to sum.
    fn movements_after(&self, t: Timestamp) -> Result<(u64, u64)>;
    /// Per item: on hand and value across warehouses (or in one).
    fn item_stock(&self, warehouse: Option<i64>) -> Result<Vec<(i64, i64, i64)>>;
    /// Purchase receipts per supplier × item (the supplier in `warehouse`).
    fn receipts(&self, span: &SpanQuery) -> Result<Vec<StockChange>>;
    /// Lines of purchase orders created in the span.
    fn ordered_lines(&self, span: &SpanQuery) -> Result<Vec<OrderedLine>>;
    /// Active items, and those of them with available stock at or below zero.
    fn stockouts(&self, warehouse: Option<i64>) -> Result<(u64, u64)>;
    /// The open-pipeline rollup.
    fn open_pipeline(&self, pipeline: Option<i64>, owner: Option<&str>)
        -> Result<Vec<PipelineRow>>;
    /// The open pipeline as of `at`, replayed from the transition log.
    fn pipeline_as_of(
        &self,
        at: Timestamp,
        pipeline: Option<i64>,
        owner: Option<&str>,
    ) -> Result<Vec<PipelineRow>>;
    /// Opportunities whose last transition in `[start, end)` closed them.
    fn closings(
        &self,
        start: Timestamp,
        end: Timestamp,
        pipeline: Option<i64>,
    ) -> Result<Vec<ClosingRow>>;
    /// Ids of opportunities created in `[start, end)`.
    fn created_between(
        &self,
        start: Timestamp,
        end: Timestamp,
        pipeline: Option<i64>,
    ) -> Result<Vec<i64>>;
    /// The transitions of these opportunities before `until`, by
    /// opportunity, then in log order.
    fn steps(&self, opportunities: &[i64], until: Timestamp) -> Result<Vec<Step>>;
    /// Every transition in `[start, end)`, in no particular order.
    fn steps_between(&self, start: Timestamp, end: Timestamp) -> Result<Vec<Step>>;
    /// Revenue recognised by order events in `[start, end)`, per contact
    /// and currency.
    fn revenue(&self, start: Timestamp, end: Timestamp) -> Result<Vec<RevenueRow>>;
    /// The open-pipeline rollup recounted from the opportunities (`verify`).
    fn open_pipeline_recount(&self) -> Result<Vec<PipelineRow>>;
}

// -- verification ------------------------------------------------------------------

/// The figures of one recorded movement that a replay checks.
pub(crate) struct RecordedMovement {
    pub id: i64,
    pub item: i64,
    pub warehouse: i64,
    pub quantity: Decimal,
    pub value_change: Decimal,
    pub inbound_value: Option<Decimal>,
    pub outgoing_rate: Option<Decimal>,
    pub balance_after: Decimal,
    pub value_after: Decimal,
}

/// Cost layers of one item × warehouse, keyed by it.
pub(crate) type KeyedLayers = ((i64, i64), VecDeque<Layer>);

/// Whole-database scans for `verify`.
pub(crate) trait AuditReads {
    /// Every item's valuation method.
    fn valuation_methods(&self) -> Result<Vec<(i64, ValuationMethod)>>;
    /// Calls `f` on every movement, in ledger order.
    fn for_each_movement(&self, f: &mut dyn FnMut(RecordedMovement) -> Result<()>) -> Result<()>;
    /// Every stored balance, by (item, warehouse).
    fn all_balances(&self) -> Result<Vec<((i64, i64), Balance)>>;
    /// Σ pending of pending reservations, by (item, warehouse).
    fn pending_totals(&self) -> Result<Vec<((i64, i64), Decimal)>>;
    /// The stored layers of every balance, by (item, warehouse).
    fn all_cost_layers(&self) -> Result<Vec<KeyedLayers>>;
    /// Every idempotency record, by key.
    fn all_idempotency_records(&self) -> Result<Vec<(String, IdempotencyRecord)>>;
    /// Every movement written under an idempotency key, in ledger order.
    fn keyed_movements(&self) -> Result<Vec<MovementRecord>>;
    /// Every order event applied under an idempotency key: (key, event id).
    fn keyed_order_events(&self) -> Result<Vec<(String, i64)>>;
    /// Rows that refer to a row that does not exist, at most `limit`, and
    /// how many there are in all.
    fn dangling_references(&self, limit: usize) -> Result<(Vec<ReferenceDrift>, u64)>;
}
