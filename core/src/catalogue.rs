//! The catalogue: every operation Racine offers, declared once.
//!
//! Each entry names the operation, its arguments (with their types and
//! defaults, as serde reads them), its result type, whether it writes, and
//! which struct arguments the bindings spread into method parameters. From
//! this one declaration come:
//! - the JSON entry point ([`crate::api`]): parsing and dispatch;
//! - the schema file `schema/racine.json` ([`schema`]), with every error kind;
//! - through that file, the C header's operation list and the Python and
//!   PHP surfaces (`cargo run -p racine-codegen` regenerates them all).
//!
//! An operation whose arguments include `idempotency_key` is idempotent by
//! key: the same request under the same key returns the first result and
//! writes nothing; another request under it is `idempotency_conflict`. The
//! request compared is the operation's arguments without the key.
//!
//! To add an operation: add a `Database` method, then one entry below, then
//! regenerate (see `CONTRIBUTING.md`).

use std::borrow::Cow;

use jiff::Timestamp;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::crm::{
    Contact, ContactChanges, ContactErasure, ContactFilter, ContactHistory, ContactMerge,
    CrmSettings, DuplicateFilter, DuplicatePair, Interaction, InteractionFilter, LostReason,
    NewContact, NewInteraction, NewOpportunity, NewPipeline, NewStage, Opportunity,
    OpportunityChanges, OpportunityFilter, Pipeline, StageChanges, TransitionMeta, WinOrder, Won,
};
use crate::database::{Database, OpenOptions, SCHEMA_VERSION};
use crate::decimal::Decimal;
use crate::error::{Error, ErrorCode, Result};
use crate::exports::ExportSummary;
use crate::items::{Item, ItemChanges, ItemFilter, ItemRef, NewItem};
use crate::kpis::crm::{
    Activities, CrmDashboard, CrmQuery, DealSize, OwnerPerformance, PipelineByStage,
    PipelineVelocity, SalesCycle, StageConversion, TimeInStage, TopClients, WinRate,
};
use crate::kpis::erp::{
    DailyFlows, ErpDashboard, ErpQuery, InventoryTurnover, LowStock, Purchases, StockValuation,
    StockoutRate, TopMovers,
};
use crate::kpis::period::{Period, ResolvedPeriod};
use crate::ledger::{
    Movement, MovementFilter, MovementRecord, Posted, StockAt, StockFilter, StockLevel,
};
use crate::orders::{FulfilLine, NewOrder, Order, OrderFilter, ReturnLine};
use crate::outbox::{
    OutboxBatch, OutboxConsumer, OutboxEvent, OutboxFilter, OutboxPruned, OutboxStart,
};
use crate::page::{Page, PageRequest};
use crate::plugins::{Delivery, PluginInfo, PluginOptions};
use crate::purchases::{
    NewPurchaseOrder, PurchaseFilter, PurchaseOrder, PurchaseReceipt, PurchaseReceived,
};
use crate::suppliers::{NewSupplier, Supplier, SupplierChanges, SupplierFilter};
use crate::verify::VerifyReport;
use crate::warehouses::{NewWarehouse, Warehouse, WarehouseChanges, WarehouseFilter};

/// The JSON Schema of an instant: RFC 3339 text (`2025-11-24T09:00:00Z`),
/// used for every `jiff::Timestamp` field.
pub(crate) struct Instant;

impl JsonSchema for Instant {
    fn schema_name() -> Cow<'static, str> {
        "Instant".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({
            "description": "An instant as RFC 3339 text with an offset (2025-11-24T09:00:00Z); results are in UTC.",
            "type": "string",
            "format": "date-time",
        })
    }
}

/// The JSON Schema of a calendar day: ISO 8601 text (`2026-03-31`), used
/// for every `jiff::civil::Date` field.
pub(crate) struct Day;

impl JsonSchema for Day {
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({
            "description": "A calendar day as ISO 8601 text (2026-03-31).",
            "type": "string",
            "format": "date",
        })
    }
}

/// Library, schema and engine versions, and the business time zone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Info {
    /// The library version.
    pub version: String,
    /// The schema version this library writes.
    pub schema_version: i64,
    /// The SQLite library compiled in.
    pub sqlite_version: String,
    /// The database's business time zone (IANA name).
    pub time_zone: String,
}

fn info(db: &Database) -> Info {
    Info {
        version: crate::VERSION.into(),
        schema_version: SCHEMA_VERSION,
        sqlite_version: Database::sqlite_version().into(),
        time_zone: db.time_zone().iana_name().unwrap_or("UTC").into(),
    }
}

/// What a batch wrote: how many movements, their (consecutive) ids, and
/// the records themselves unless only a summary was asked for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct PostedBatch {
    /// Movements written.
    pub count: usize,
    /// Id of the first one (`None` when a batch of matching counts wrote none).
    pub first_id: Option<i64>,
    /// Id of the last one.
    pub last_id: Option<i64>,
    /// The records, unless `summary` was asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub movements: Option<Vec<MovementRecord>>,
}

fn post_batch(
    db: &Database,
    movements: &[Movement],
    key: Option<&str>,
    summary: bool,
) -> Result<PostedBatch> {
    let posted = db.post_batch_with_key(movements, key)?;
    Ok(PostedBatch {
        count: posted.movements.len(),
        first_id: posted.movements.first().map(|m| m.id),
        last_id: posted.movements.last().map(|m| m.id),
        movements: (!summary).then_some(posted.movements),
    })
}

/// One operation of the catalogue, as the schema file lists it.
#[derive(Clone, Debug, Serialize)]
pub struct Operation {
    /// Its name: the `"op"` of a JSON request, the method name of the bindings.
    pub name: &'static str,
    /// What it does (its doc comment).
    pub summary: String,
    /// Whether it writes (one transaction, all or nothing).
    pub writes: bool,
    /// `key` when it takes an `idempotency_key`, `none` otherwise.
    pub idempotency: &'static str,
    /// Struct arguments whose fields the bindings take as parameters.
    pub spread: Vec<&'static str>,
    /// The JSON Schema of its arguments (an object).
    pub args: Value,
    /// The JSON Schema of its result.
    pub result: Value,
}

macro_rules! catalogue {
    ($db:ident => $(
        $(#[doc = $doc:literal])*
        $variant:ident = $name:literal {
            $( $(#[$fattr:meta])* $field:ident : $fty:ty ),* $(,)?
        } -> $result:ty, $mode:ident, spread [$($spread:ident),*] => $body:expr;
    )+) => {
        /// The arguments of each operation, one struct per operation, named
        /// like its [`Request`] variant.
        #[allow(missing_docs)]
        pub mod args {
            use super::*;
            $(
                $(#[doc = $doc])*
                #[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
                #[serde(deny_unknown_fields)]
                #[schemars(rename = $name)]
                pub struct $variant {
                    $( $(#[$fattr])* pub $field: $fty, )*
                }
            )+
        }

        /// One operation and its arguments (`{"op": name, ...arguments}` in JSON).
        #[derive(Clone, Debug)]
        #[non_exhaustive]
        pub enum Request {
            $( $(#[doc = $doc])* $variant(args::$variant), )+
        }

        impl Request {
            /// The operation's name (`"create_item"`).
            pub fn name(&self) -> &'static str {
                match self {
                    $( Request::$variant(_) => $name, )+
                }
            }

            /// The request for operation `name` with `arguments` (a JSON
            /// object without `op`); a bad argument is `InvalidInput` on its path.
            pub(crate) fn from_parts(name: &str, arguments: Value) -> Result<Request> {
                match name {
                    $( $name => Ok(Request::$variant(crate::api::from_value(arguments)?)), )+
                    other => Err(Error::invalid(
                        "op",
                        format!("{other:?} is not an operation (see schema/racine.json)"),
                    )),
                }
            }
        }

        /// Runs `request` on `database` and returns its result as JSON.
        pub fn execute(database: &Database, request: Request) -> Result<Value> {
            let $db: &Database = database;
            match request {
                $( Request::$variant(args::$variant { $($field),* }) => to_value($body?), )+
            }
        }

        /// Every operation of the catalogue, in declaration order; their
        /// schemas' `$ref`s point into `generator`'s definitions.
        pub fn operations(generator: &mut SchemaGenerator) -> Vec<Operation> {
            vec![$(
                {
                    let args = generator.subschema_for::<args::$variant>();
                    let args = inline_args(generator, args);
                    let keyed = args["properties"].get("idempotency_key").is_some();
                    Operation {
                        name: $name,
                        summary: [$($doc),*].iter().map(|l| l.trim()).collect::<Vec<_>>().join(" "),
                        writes: stringify!($mode) == "write",
                        idempotency: if keyed { "key" } else { "none" },
                        spread: vec![$(stringify!($spread)),*],
                        args,
                        result: generator.subschema_for::<$result>().to_value(),
                    }
                },
            )+]
        }
    };
}

fn to_value<T: Serialize>(v: T) -> Result<Value> {
    serde_json::to_value(v).map_err(Error::storage)
}

/// An operation's argument struct, inlined (it is only ever used there).
fn inline_args(generator: &mut SchemaGenerator, schema: Schema) -> Value {
    let value = schema.to_value();
    let Some(name) = value
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.rsplit('/').next())
        .map(str::to_owned)
    else {
        return value;
    };
    generator.definitions_mut().remove(&name).unwrap_or(value)
}

catalogue! { db =>
    /// Library, schema and SQLite versions, and the business time zone.
    Info = "info" {} -> Info, read, spread [] => Ok::<_, Error>(info(db));

    /// Creates an item; its SKU must be new (`already_exists`).
    CreateItem = "create_item" { item: NewItem } -> Item, write, spread [item]
        => db.create_item(&item);
    /// Changes the given fields of an item (by id or SKU); `reorder_point: null`
    /// clears it. The valuation method can change only before the first movement.
    UpdateItem = "update_item" { id: ItemRef, changes: ItemChanges } -> Item, write, spread [changes]
        => db.update_item(id, &changes);
    /// Deactivates an item: it keeps its history and stock and receives nothing more.
    DeactivateItem = "deactivate_item" { id: ItemRef } -> Item, write, spread []
        => db.deactivate_item(id);
    /// The item with this id or SKU.
    Item = "item" { id: ItemRef } -> Item, read, spread [] => db.item(id);
    /// The item with this SKU.
    ItemBySku = "item_by_sku" { sku: String } -> Item, read, spread [] => db.item_by_sku(&sku);
    /// Items matching the filter, by id, one page at a time.
    Items = "items" { #[serde(default)] filter: ItemFilter } -> Page<Item>, read, spread [filter]
        => db.items(&filter);

    /// Creates a warehouse; its code must be new.
    CreateWarehouse = "create_warehouse" { warehouse: NewWarehouse } -> Warehouse, write, spread [warehouse]
        => db.create_warehouse(&warehouse);
    /// Changes the given fields of a warehouse.
    UpdateWarehouse = "update_warehouse" { id: i64, changes: WarehouseChanges } -> Warehouse, write, spread [changes]
        => db.update_warehouse(id, &changes);
    /// Deactivates a warehouse (not the default one).
    DeactivateWarehouse = "deactivate_warehouse" { id: i64 } -> Warehouse, write, spread []
        => db.deactivate_warehouse(id);
    /// The warehouse with this id.
    Warehouse = "warehouse" { id: i64 } -> Warehouse, read, spread [] => db.warehouse(id);
    /// The warehouse with this code.
    WarehouseByCode = "warehouse_by_code" { code: String } -> Warehouse, read, spread []
        => db.warehouse_by_code(&code);
    /// The default warehouse (where movements without a warehouse go).
    DefaultWarehouse = "default_warehouse" {} -> Warehouse, read, spread [] => db.default_warehouse();
    /// Warehouses matching the filter, by id.
    Warehouses = "warehouses" { #[serde(default)] filter: WarehouseFilter } -> Page<Warehouse>, read, spread [filter]
        => db.warehouses(&filter);

    /// Creates a supplier.
    CreateSupplier = "create_supplier" { supplier: NewSupplier } -> Supplier, write, spread [supplier]
        => db.create_supplier(&supplier);
    /// Changes the given fields of a supplier (`""` clears an optional one).
    UpdateSupplier = "update_supplier" { id: i64, changes: SupplierChanges } -> Supplier, write, spread [changes]
        => db.update_supplier(id, &changes);
    /// Deactivates a supplier.
    DeactivateSupplier = "deactivate_supplier" { id: i64 } -> Supplier, write, spread []
        => db.deactivate_supplier(id);
    /// The supplier with this id.
    Supplier = "supplier" { id: i64 } -> Supplier, read, spread [] => db.supplier(id);
    /// Suppliers matching the filter, by id.
    Suppliers = "suppliers" { #[serde(default)] filter: SupplierFilter } -> Page<Supplier>, read, spread [filter]
        => db.suppliers(&filter);

    /// Posts one movement in its own transaction; refuses negative stock
    /// unless the item allows it.
    Post = "post" {
        movement: Movement,
        #[serde(default)] idempotency_key: Option<String>,
    } -> Posted, write, spread [] => db.post_with_key(&movement, idempotency_key.as_deref());
    /// Posts many movements in one transaction: all of them or none; a
    /// refusal names the failing entry (`index`). With `summary`, only the
    /// count and the ids come back.
    PostBatch = "post_batch" {
        movements: Vec<Movement>,
        #[serde(default)] idempotency_key: Option<String>,
        #[serde(default)] summary: bool,
    } -> PostedBatch, write, spread []
        => post_batch(db, &movements, idempotency_key.as_deref(), summary);

    /// Stock of an item (by id or SKU) in one warehouse, or across all.
    Stock = "stock" { item: ItemRef, #[serde(default)] warehouse: Option<i64> } -> StockLevel, read, spread []
        => db.stock(item, warehouse);
    /// Stock of an item in each warehouse that ever held it.
    StockByWarehouse = "stock_by_warehouse" { item: ItemRef } -> Vec<StockLevel>, read, spread []
        => db.stock_by_warehouse(item);
    /// Stock of every item (totals, or in one warehouse), one page at a time.
    StockLevels = "stock_levels" { #[serde(default)] filter: StockFilter } -> Page<StockLevel>, read, spread [filter]
        => db.stock_levels(&filter);
    /// Total stock value, in one warehouse or all.
    StockValue = "stock_value" { #[serde(default)] warehouse: Option<i64> } -> Decimal, read, spread []
        => db.stock_value(warehouse);
    /// Stock and value of an item as of an instant (movements effective at or before it).
    StockAsOf = "stock_as_of" {
        item: ItemRef,
        #[serde(default)] warehouse: Option<i64>,
        #[schemars(with = "Instant")] #[serde(with = "crate::instant::text")] at: Timestamp,
    } -> StockAt, read, spread [] => db.stock_as_of(item, warehouse, at);
    /// The open FIFO / LIFO cost layers of an item in a warehouse (the
    /// default one when none is given), oldest first, each with the receipt
    /// that opened it.
    CostLayers = "cost_layers" {
        item: ItemRef,
        #[serde(default)] warehouse: Option<i64>,
    } -> crate::CostLayers, read, spread [] => db.cost_layers(item, warehouse);
    /// Movement history matching the filter, one page at a time.
    Movements = "movements" { #[serde(default)] filter: MovementFilter } -> Page<MovementRecord>, read, spread [filter]
        => db.movements(&filter);

    /// Creates a purchase order with its lines (status `open`).
    CreatePurchaseOrder = "create_purchase_order" { order: NewPurchaseOrder } -> PurchaseOrder, write, spread [order]
        => db.create_purchase_order(&order);
    /// The purchase order with this id, with its lines.
    PurchaseOrder = "purchase_order" { id: i64 } -> PurchaseOrder, read, spread [] => db.purchase_order(id);
    /// Purchase orders matching the filter, by id.
    PurchaseOrders = "purchase_orders" { #[serde(default)] filter: PurchaseFilter } -> Page<PurchaseOrder>, read, spread [filter]
        => db.purchase_orders(&filter);
    /// Receives lines of a purchase order, or all still expected when
    /// `lines` is left out (an empty list is refused), posting one receipt
    /// per line at the line's cost.
    ReceivePurchase = "receive_purchase" {
        order: i64,
        #[serde(default)] receipt: PurchaseReceipt,
        #[serde(default)] idempotency_key: Option<String>,
    } -> PurchaseReceived, write, spread [receipt]
        => db.receive_purchase(order, &receipt, idempotency_key.as_deref());
    /// Cancels what is still expected on a purchase order.
    CancelPurchaseRemainder = "cancel_purchase_remainder" { order: i64 } -> PurchaseOrder, write, spread []
        => db.cancel_purchase_remainder(order);

    /// Replays the ledger and reports every drift (none on a healthy database).
    Verify = "verify" {} -> VerifyReport, read, spread [] => db.verify();

    /// How placing an order touches stock in this database.
    StockPolicy = "stock_policy" {} -> crate::StockPolicy, read, spread [] => db.stock_policy();
    /// Chooses how placing an order touches stock from now on.
    SetStockPolicy = "set_stock_policy" { policy: crate::StockPolicy } -> crate::StockPolicy, write, spread []
        => db.set_stock_policy(policy);
    /// Places an order keyed by the shop's own id: every line reserved (or
    /// issued, with `decrement_on_sale`) or none; a short order lists every
    /// short line.
    PlaceOrder = "place_order" {
        order: NewOrder,
        #[serde(default)] idempotency_key: Option<String>,
    } -> Order, write, spread [order] => db.place_order(&order, idempotency_key.as_deref());
    /// Records payment; a paid order no longer expires.
    PayOrder = "pay_order" {
        external_id: String,
        #[serde(default)] idempotency_key: Option<String>,
    } -> Order, write, spread [] => db.pay_order(&external_id, idempotency_key.as_deref());
    /// Records shipment of lines, or of everything not yet shipped when
    /// `lines` is left out (an empty list is refused).
    FulfilOrder = "fulfil_order" {
        external_id: String,
        #[serde(default)] lines: Option<Vec<FulfilLine>>,
        #[serde(default)] idempotency_key: Option<String>,
    } -> Order, write, spread []
        => db.fulfil_order(&external_id, lines.as_deref(), idempotency_key.as_deref());
    /// Cancels an order: reservations released, what shipped back at the cost it left with.
    CancelOrder = "cancel_order" {
        external_id: String,
        #[serde(default)] idempotency_key: Option<String>,
    } -> Order, write, spread [] => db.cancel_order(&external_id, idempotency_key.as_deref());
    /// Replaces an order nothing of which has shipped by a new one in one
    /// transaction: the old one cancelled, the new one placed (and paid when
    /// the old one was); a short replacement leaves the old order as it was.
    ReplaceOrder = "replace_order" {
        external_id: String,
        order: NewOrder,
        #[serde(default)] idempotency_key: Option<String>,
    } -> Order, write, spread []
        => db.replace_order(&external_id, &order, idempotency_key.as_deref());
    /// Records goods coming back: restocked at the cost they left with, or scrapped.
    ReturnOrder = "return_order" {
        external_id: String,
        lines: Vec<ReturnLine>,
        #[serde(default)] idempotency_key: Option<String>,
    } -> Order, write, spread []
        => db.return_order(&external_id, &lines, idempotency_key.as_deref());
    /// Expires unpaid, unshipped orders whose hold ended at or before `now`;
    /// returns their external ids.
    ExpireReservations = "expire_reservations" { #[schemars(with = "Instant")] #[serde(with = "crate::instant::text")] now: Timestamp } -> Vec<String>, write, spread []
        => db.expire_reservations(now);
    /// The order with this external id, with its lines, reservations, movements and history.
    Order = "order" { external_id: String } -> Order, read, spread [] => db.order(&external_id);
    /// Orders matching the filter (status, contact, placing time), by id, one page at a time.
    Orders = "orders" { #[serde(default)] filter: OrderFilter } -> Page<Order>, read, spread [filter]
        => db.orders(&filter);

    /// The CRM's settings: the default country of phone numbers and the lost reasons.
    CrmSettings = "crm_settings" {} -> CrmSettings, read, spread [] => db.crm_settings();
    /// Sets the country (ISO 3166 alpha-2, `FR`) that phone numbers without
    /// a country code are read in; `null` clears it.
    SetDefaultCountry = "set_default_country" {
        country: Option<String>,
        #[serde(default)] idempotency_key: Option<String>,
    } -> CrmSettings, write, spread []
        => db.set_default_country(country.as_deref(), idempotency_key.as_deref());
    /// Creates a contact (a person or a company); a taken external id is `already_exists`.
    CreateContact = "create_contact" {
        contact: NewContact,
        #[serde(default)] idempotency_key: Option<String>,
    } -> Contact, write, spread [contact]
        => db.create_contact(&contact, idempotency_key.as_deref());
    /// Changes the given fields of a contact; a list given replaces the list.
    UpdateContact = "update_contact" {
        id: i64,
        changes: ContactChanges,
        #[serde(default)] idempotency_key: Option<String>,
    } -> Contact, write, spread [changes]
        => db.update_contact(id, &changes, idempotency_key.as_deref());
    /// Archives a contact: it keeps its history and leaves the default lists.
    ArchiveContact = "archive_contact" { id: i64, #[serde(default)] idempotency_key: Option<String> } -> Contact, write, spread []
        => db.archive_contact(id, idempotency_key.as_deref());
    /// Brings an archived contact back.
    RestoreContact = "restore_contact" { id: i64, #[serde(default)] idempotency_key: Option<String> } -> Contact, write, spread []
        => db.restore_contact(id, idempotency_key.as_deref());
    /// The contact with this id (a merged one names its survivor in `merged_into`).
    Contact = "contact" { id: i64 } -> Contact, read, spread [] => db.contact(id);
    /// The contact with this external id.
    ContactByExternalId = "contact_by_external_id" { external_id: String } -> Contact, read, spread []
        => db.contact_by_external_id(&external_id);
    /// Contacts matching the filter (free search on name, email, phone and
    /// tag, or exact fields), by id, one page at a time.
    Contacts = "contacts" { #[serde(default)] filter: ContactFilter } -> Page<Contact>, read, spread [filter]
        => db.contacts(&filter);
    /// The orders linked to a contact, by id, one page at a time.
    ContactOrders = "contact_orders" { contact: i64, #[serde(default)] page: PageRequest } -> Page<Order>, read, spread [page]
        => db.contact_orders(contact, &page);
    /// Candidate duplicate contacts, best first, with a score and the reasons.
    DuplicateContacts = "duplicate_contacts" { #[serde(default)] filter: DuplicateFilter } -> Vec<DuplicatePair>, read, spread [filter]
        => db.duplicate_contacts(&filter);
    /// Merges contact `merged` into `into`: interactions, opportunities and
    /// orders move to the survivor; the merge records what moved.
    MergeContacts = "merge_contacts" {
        merged: i64,
        into: i64,
        #[serde(default)] actor: Option<String>,
        #[serde(default)] idempotency_key: Option<String>,
    } -> ContactMerge, write, spread []
        => db.merge_contacts(merged, into, actor.as_deref(), idempotency_key.as_deref());
    /// Erases a contact's personal data; its orders, movements and
    /// opportunity history stay, and the erasure is recorded.
    EraseContact = "erase_contact" {
        id: i64,
        #[serde(default)] actor: Option<String>,
        #[serde(default)] reason: Option<String>,
        #[serde(default)] idempotency_key: Option<String>,
    } -> ContactErasure, write, spread []
        => db.erase_contact(id, actor.as_deref(), reason.as_deref(), idempotency_key.as_deref());
    /// The merges into or of a contact, and its erasure.
    ContactHistory = "contact_history" { id: i64 } -> ContactHistory, read, spread [] => db.contact_history(id);

    /// Logs a call, email, meeting, note or task with a contact.
    LogInteraction = "log_interaction" {
        interaction: NewInteraction,
        #[serde(default)] idempotency_key: Option<String>,
    } -> Interaction, write, spread [interaction]
        => db.log_interaction(&interaction, idempotency_key.as_deref());
    /// Marks a task done.
    CompleteTask = "complete_task" { id: i64, #[serde(default)] idempotency_key: Option<String> } -> Interaction, write, spread []
        => db.complete_task(id, idempotency_key.as_deref());
    /// The interaction with this id.
    Interaction = "interaction" { id: i64 } -> Interaction, read, spread [] => db.interaction(id);
    /// Recent or planned interactions per contact, opportunity or owner, one page at a time.
    Interactions = "interactions" { #[serde(default)] filter: InteractionFilter } -> Page<Interaction>, read, spread [filter]
        => db.interactions(&filter);

    /// Creates a pipeline with its stages in order (at least one open stage).
    CreatePipeline = "create_pipeline" {
        pipeline: NewPipeline,
        #[serde(default)] idempotency_key: Option<String>,
    } -> Pipeline, write, spread [pipeline]
        => db.create_pipeline(&pipeline, idempotency_key.as_deref());
    /// Adds a stage at a position (1-based; at the end when left out).
    AddStage = "add_stage" {
        pipeline: i64,
        stage: NewStage,
        #[serde(default)] position: Option<u32>,
        #[serde(default)] idempotency_key: Option<String>,
    } -> Pipeline, write, spread []
        => db.add_stage(pipeline, &stage, position, idempotency_key.as_deref());
    /// Renames a stage or changes its default probability; history keeps its ids.
    UpdateStage = "update_stage" {
        id: i64,
        changes: StageChanges,
        #[serde(default)] idempotency_key: Option<String>,
    } -> Pipeline, write, spread [changes]
        => db.update_stage(id, &changes, idempotency_key.as_deref());
    /// Puts a pipeline's stages in a new order (every stage id once).
    ReorderStages = "reorder_stages" {
        pipeline: i64,
        stages: Vec<i64>,
        #[serde(default)] idempotency_key: Option<String>,
    } -> Pipeline, write, spread []
        => db.reorder_stages(pipeline, &stages, idempotency_key.as_deref());
    /// The pipeline with this id, with its stages in order.
    Pipeline = "pipeline" { id: i64 } -> Pipeline, read, spread [] => db.pipeline(id);
    /// Every pipeline, by id.
    Pipelines = "pipelines" {} -> Vec<Pipeline>, read, spread [] => db.pipelines();
    /// Adds a reason opportunities may be lost for (or brings a retired one back).
    AddLostReason = "add_lost_reason" {
        code: String,
        label: String,
        #[serde(default)] idempotency_key: Option<String>,
    } -> Vec<LostReason>, write, spread []
        => db.add_lost_reason(&code, &label, idempotency_key.as_deref());
    /// Retires a lost reason: history keeps it, new losses cannot use it.
    RetireLostReason = "retire_lost_reason" { code: String, #[serde(default)] idempotency_key: Option<String> } -> Vec<LostReason>, write, spread []
        => db.retire_lost_reason(&code, idempotency_key.as_deref());

    /// Creates an opportunity in an open stage (the pipeline's first unless given).
    CreateOpportunity = "create_opportunity" {
        opportunity: NewOpportunity,
        #[serde(default)] idempotency_key: Option<String>,
    } -> Opportunity, write, spread [opportunity]
        => db.create_opportunity(&opportunity, idempotency_key.as_deref());
    /// Changes the given fields of an opportunity (not its stage).
    UpdateOpportunity = "update_opportunity" {
        id: i64,
        changes: OpportunityChanges,
        #[serde(default)] idempotency_key: Option<String>,
    } -> Opportunity, write, spread [changes]
        => db.update_opportunity(id, &changes, idempotency_key.as_deref());
    /// Moves an open opportunity to another open stage of its pipeline.
    MoveOpportunity = "move_opportunity" {
        id: i64,
        stage: i64,
        #[serde(default)] meta: TransitionMeta,
        #[serde(default)] idempotency_key: Option<String>,
    } -> Opportunity, write, spread [meta]
        => db.move_opportunity(id, stage, &meta, idempotency_key.as_deref());
    /// Wins an open opportunity (to the pipeline's first won stage unless
    /// given); with `order`, places an order for its lines in the same transaction.
    WinOpportunity = "win_opportunity" {
        id: i64,
        #[serde(default)] stage: Option<i64>,
        #[serde(default)] order: Option<WinOrder>,
        #[serde(default)] meta: TransitionMeta,
        #[serde(default)] idempotency_key: Option<String>,
    } -> Won, write, spread [meta]
        => db.win_opportunity(id, stage, order.as_ref(), &meta, idempotency_key.as_deref());
    /// Loses an open opportunity for one of the database's lost reasons.
    LoseOpportunity = "lose_opportunity" {
        id: i64,
        reason: String,
        #[serde(default)] stage: Option<i64>,
        #[serde(default)] meta: TransitionMeta,
        #[serde(default)] idempotency_key: Option<String>,
    } -> Opportunity, write, spread [meta]
        => db.lose_opportunity(id, &reason, stage, &meta, idempotency_key.as_deref());
    /// Opens a won or lost opportunity again (in the stage it was closed from unless given).
    ReopenOpportunity = "reopen_opportunity" {
        id: i64,
        #[serde(default)] stage: Option<i64>,
        #[serde(default)] meta: TransitionMeta,
        #[serde(default)] idempotency_key: Option<String>,
    } -> Opportunity, write, spread [meta]
        => db.reopen_opportunity(id, stage, &meta, idempotency_key.as_deref());
    /// The opportunity with this id, with its lines and its transition log.
    Opportunity = "opportunity" { id: i64 } -> Opportunity, read, spread [] => db.opportunity(id);
    /// Opportunities matching the filter, by id, one page at a time.
    Opportunities = "opportunities" { #[serde(default)] filter: OpportunityFilter } -> Page<Opportunity>, read, spread [filter]
        => db.opportunities(&filter);

    /// A period resolved to instants in the business time zone: `2026-03`,
    /// `2026-Q1`, `this_month`, `last_7_days`… (relative ones from `now`).
    ResolvePeriod = "resolve_period" {
        period: Period,
        #[serde(default)]
        #[schemars(with = "Option<Instant>")]
        #[serde(with = "crate::instant::text::option")]
        now: Option<Timestamp>,
    } -> ResolvedPeriod, read, spread [] => db.resolve_period(&period, now);
    /// The ERP dashboard for a period, in one snapshot: stock valuation,
    /// purchases, daily flows, top movers, low stock, turnover, stockout rate.
    ErpDashboard = "erp_dashboard" { #[serde(default)] query: ErpQuery } -> ErpDashboard, read, spread [query]
        => db.erp_dashboard(&query);
    /// Stock value at an instant: total, per warehouse, the items of most value.
    StockValuation = "stock_valuation" { #[serde(default)] query: ErpQuery } -> StockValuation, read, spread [query]
        => db.stock_valuation(&query);
    /// Purchases of the period: received, ordered, still on order; per supplier and item.
    PurchasesSummary = "purchases_summary" { #[serde(default)] query: ErpQuery } -> Purchases, read, spread [query]
        => db.purchases_summary(&query);
    /// Stock in and out per business day, transfers apart.
    DailyFlows = "daily_flows" { #[serde(default)] query: ErpQuery } -> DailyFlows, read, spread [query]
        => db.daily_flows(&query);
    /// The items issued most in the period, by quantity and by cost.
    TopMovers = "top_movers" { #[serde(default)] query: ErpQuery } -> TopMovers, read, spread [query]
        => db.top_movers(&query);
    /// Items at or below their reorder point, furthest below first.
    LowStock = "low_stock" { #[serde(default)] query: ErpQuery } -> LowStock, read, spread [query]
        => db.low_stock(&query);
    /// Inventory turnover and days of inventory over the period.
    InventoryTurnover = "inventory_turnover" { #[serde(default)] query: ErpQuery } -> InventoryTurnover, read, spread [query]
        => db.inventory_turnover(&query);
    /// The share of active items out of stock.
    StockoutRate = "stockout_rate" { #[serde(default)] query: ErpQuery } -> StockoutRate, read, spread [query]
        => db.stockout_rate(&query);

    /// The CRM dashboard for a period, in one snapshot: pipeline, win rate,
    /// deal size, sales cycle, velocity, stage conversion, time in stage,
    /// owners, top clients, activities.
    CrmDashboard = "crm_dashboard" { #[serde(default)] query: CrmQuery } -> CrmDashboard, read, spread [query]
        => db.crm_dashboard(&query);
    /// The open pipeline per stage, now or replayed as of `as_of`.
    PipelineByStage = "pipeline_by_stage" { #[serde(default)] query: CrmQuery } -> PipelineByStage, read, spread [query]
        => db.pipeline_by_stage(&query);
    /// Won / (won + lost) among deals closed in the period, by count and value.
    WinRate = "win_rate" { #[serde(default)] query: CrmQuery } -> WinRate, read, spread [query]
        => db.win_rate(&query);
    /// The average deal won in the period.
    AverageDealSize = "average_deal_size" { #[serde(default)] query: CrmQuery } -> DealSize, read, spread [query]
        => db.average_deal_size(&query);
    /// Mean days from creation to the win, over deals won in the period.
    SalesCycle = "sales_cycle" { #[serde(default)] query: CrmQuery } -> SalesCycle, read, spread [query]
        => db.sales_cycle(&query);
    /// (open × win rate × average deal) / sales cycle days.
    PipelineVelocity = "pipeline_velocity" { #[serde(default)] query: CrmQuery } -> PipelineVelocity, read, spread [query]
        => db.pipeline_velocity(&query);
    /// The funnel of the opportunities created in the period.
    StageConversion = "stage_conversion" { #[serde(default)] query: CrmQuery } -> StageConversion, read, spread [query]
        => db.stage_conversion(&query);
    /// Time spent in each stage (latest visit, cumulative) by deals closed in the period.
    TimeInStage = "time_in_stage" { #[serde(default)] query: CrmQuery } -> TimeInStage, read, spread [query]
        => db.time_in_stage(&query);
    /// Won, lost, win rate and weighted pipeline per owner.
    OwnerPerformance = "owner_performance" { #[serde(default)] query: CrmQuery } -> OwnerPerformance, read, spread [query]
        => db.owner_performance(&query);
    /// The contacts bringing the most revenue in the period, each source shown.
    TopClients = "top_clients" { #[serde(default)] query: CrmQuery } -> TopClients, read, spread [query]
        => db.top_clients(&query);
    /// The latest and the coming interactions.
    Activities = "activities" { #[serde(default)] query: CrmQuery } -> Activities, read, spread [query]
        => db.activities(&query);

    /// Exports datasets (movements, stock, orders, contacts, KPIs…) to an
    /// xlsx or csv file at `path`, all read in one snapshot; written under a
    /// temporary name and renamed once complete. Bindings also stream to a
    /// writer and report progress.
    Export = "export" { export: crate::exports::Export, path: String } -> ExportSummary, read, spread [export]
        => db.export(&export, &path);

    /// Imports items, warehouses, suppliers, opening stock, contacts or open
    /// purchase orders from the csv or xlsx file at `path`: every row
    /// checked first, then all written in one transaction. Any wrong row
    /// refuses the file (`import_refused`, listing row, column, value and
    /// why) unless `skip_invalid`, which writes the valid rows and puts the
    /// others in a rejects file. Rows whose key exists are left as they are.
    ImportFile = "import_file" { import: crate::imports::Import, path: String } -> crate::imports::ImportReport, write, spread [import]
        => db.import(&import, &path);
    /// The columns of a file to import of this kind: name, whether
    /// required, what it holds, an example.
    ImportColumns = "import_columns" { kind: crate::imports::ImportKind } -> Vec<crate::imports::ImportColumn>, read, spread []
        => Ok::<_, Error>(Database::import_columns(kind));
    /// Writes a template of a file to import at `path` (csv or xlsx, by its
    /// extension): the header and one example row. Returns its columns.
    WriteImportTemplate = "write_import_template" { kind: crate::imports::ImportKind, path: String } -> Vec<crate::imports::ImportColumn>, read, spread []
        => Database::write_import_template(kind, &path).map(|()| Database::import_columns(kind));

    /// Outbox events in id order, one page at a time, from any position
    /// (`after`), without a cursor of one's own.
    OutboxEvents = "outbox_events" { #[serde(default)] filter: OutboxFilter } -> Page<OutboxEvent>, read, spread [filter]
        => db.outbox_events(&filter);
    /// Registers a consumer of the outbox, its cursor at the oldest event
    /// kept (`beginning`) or after the newest (`end`); an existing consumer
    /// keeps its position.
    OutboxSubscribe = "outbox_subscribe" { consumer: String, #[serde(default)] from: OutboxStart } -> OutboxConsumer, write, spread []
        => db.outbox_subscribe(&consumer, from);
    /// The next events after a consumer's position (at least once: they
    /// come again until acknowledged).
    OutboxPoll = "outbox_poll" { consumer: String, #[serde(default)] limit: Option<u32> } -> OutboxBatch, read, spread []
        => db.outbox_poll(&consumer, limit.unwrap_or(crate::page::DEFAULT_PAGE));
    /// Moves a consumer's position to event `through`: everything up to it
    /// is handled. An event already passed changes nothing.
    OutboxAck = "outbox_ack" { consumer: String, through: i64 } -> OutboxConsumer, write, spread []
        => db.outbox_ack(&consumer, through);
    /// Every consumer of the outbox (plugins' cursors included) and how far behind it is.
    OutboxConsumers = "outbox_consumers" {} -> Vec<OutboxConsumer>, read, spread []
        => db.outbox_consumers();
    /// Removes a consumer, so that it no longer holds events back from pruning.
    OutboxUnsubscribe = "outbox_unsubscribe" { consumer: String } -> OutboxConsumer, write, spread []
        => db.outbox_unsubscribe(&consumer);
    /// Removes the events every consumer has acknowledged (up to `through` at most).
    OutboxPrune = "outbox_prune" { #[serde(default)] through: Option<i64> } -> OutboxPruned, write, spread []
        => db.outbox_prune(through);

    /// Loads a plugin (a shared library, by absolute path) on this handle:
    /// validators, event sinks, export formats. A failure is a `plugin`
    /// error and lists the plugin as failed.
    LoadPlugin = "load_plugin" { path: String, #[serde(default)] options: PluginOptions } -> PluginInfo, write, spread [options]
        => db.load_plugin(&path, &options);
    /// The plugins of this handle with their versions and state.
    Plugins = "plugins" {} -> Vec<PluginInfo>, read, spread [] => db.plugins();
    /// Unloads a plugin from this handle (its library stays mapped).
    UnloadPlugin = "unload_plugin" { name: String } -> PluginInfo, write, spread []
        => db.unload_plugin(&name);
    /// Delivers pending outbox events to the loaded event sinks now (also
    /// done after each write of this handle).
    DeliverEvents = "deliver_events" {} -> Delivery, write, spread [] => db.deliver_events();
}

/// One error kind, as the schema file lists it.
#[derive(Clone, Debug, Serialize)]
pub struct ErrorKind {
    /// Stable snake_case name.
    pub code: &'static str,
    /// Stable number (the C status).
    pub number: u32,
    /// What it means.
    pub summary: String,
    /// The family bindings give a common base class, if any.
    pub family: Option<&'static str>,
    /// The JSON Schema of its details (besides `code`, `message`, `index`).
    pub fields: Value,
}

/// Every error kind, in number order, with the schema of its fields.
pub fn error_kinds(generator: &mut SchemaGenerator) -> Vec<ErrorKind> {
    let errors = generator.root_schema_for::<Error>().to_value();
    let variants = errors["oneOf"].as_array().cloned().unwrap_or_default();
    ErrorCode::ALL
        .iter()
        .map(|code| {
            let mut fields = variants
                .iter()
                .find(|v| v["properties"]["code"]["const"] == code.name())
                .cloned()
                .unwrap_or_else(|| json!({"type": "object", "properties": {}}));
            if let Some(props) = fields["properties"].as_object_mut() {
                props.remove("code");
            }
            if let Some(required) = fields["required"].as_array_mut() {
                required.retain(|r| r != "code");
            }
            ErrorKind {
                code: code.name(),
                number: code.number(),
                summary: code.summary(),
                family: code.family(),
                fields,
            }
        })
        .collect()
}

/// The machine-readable schema of the catalogue: every operation, every
/// error kind, the open options, and the definitions they refer to. It is
/// committed as `schema/racine.json`; the bindings are generated from it.
pub fn schema() -> Value {
    let mut generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    let operations = operations(&mut generator);
    let errors = error_kinds(&mut generator);
    let options = generator.subschema_for::<OpenOptions>().to_value();
    let definitions: serde_json::Map<String, Value> = generator
        .definitions()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Racine catalogue",
        "description": "Every operation and error kind of Racine, generated from core/src/catalogue.rs and core/src/error.rs. Do not edit: run `cargo run -p racine-codegen`.",
        "version": crate::VERSION,
        "schema_version": SCHEMA_VERSION,
        "decimal_scale": crate::SCALE,
        "refusals": {
            "too_deep": crate::api::TOO_DEEP,
            "not_utf8": crate::api::NOT_UTF8,
            "message": crate::api::INVALID_INPUT_MESSAGE,
        },
        "error_details": {
            "always": ["code", "message"],
            "batch": "index: zero-based position of the failing entry of a batch",
        },
        "open_options": options,
        "operations": operations,
        "errors": errors,
        "$defs": definitions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_parses_under_its_own_name() {
        let mut generator = SchemaGenerator::default();
        for op in operations(&mut generator) {
            match Request::from_parts(op.name, json!({})) {
                Ok(r) => assert_eq!(r.name(), op.name),
                // Required arguments are missing: the refusal names one, not `op`.
                Err(Error::InvalidInput { field, .. }) => assert_ne!(field, "op", "{}", op.name),
                Err(e) => panic!("{}: {e}", op.name),
            }
        }
    }

    #[test]
    fn every_error_kind_has_its_fields() {
        let mut generator = SchemaGenerator::default();
        let kinds = error_kinds(&mut generator);
        assert_eq!(kinds.len(), ErrorCode::ALL.len());
        let negative = kinds.iter().find(|k| k.code == "negative_stock").unwrap();
        assert!(negative.fields["properties"]["available"].is_object());
        assert_eq!(negative.family, Some("stock_refusal"));
    }
}
