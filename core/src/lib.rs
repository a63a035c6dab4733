//! # Racine
//!
//! An embeddable stock ledger: items, warehouses, suppliers and purchases;
//! an append-only ledger of movements with reasons; exact FIFO / LIFO /
//! moving-average valuation; refusal of negative stock; orders linked to
//! stock; idempotent writes; all of it safe when several processes share
//! one database.
//!
//! The layout shows the architecture: one module per concept holds its
//! rules (`items`, `ledger`, `valuation`, `orders`, `purchases`, `crm`, `verify`),
//! the storage layer (`store`, with one engine per folder: SQLite today)
//! holds all SQL, and [`catalogue`] declares every operation once for the
//! JSON entry point ([`api`]), the schema file and the bindings.
//!
//! ```
//! use racine::{Database, Movement, NewItem, ValuationMethod};
//!
//! let db = Database::open_in_memory()?;
//! let item = db.create_item(&NewItem {
//!     valuation: ValuationMethod::MovingAverage,
//!     ..NewItem::new("OAK-PLANK", "Oak plank")
//! })?.id;
//! db.post(&Movement::receipt(item, "10".parse()?, "100".parse()?))?;
//! db.post(&Movement::receipt(item, "10".parse()?, "120".parse()?))?;
//! let sale = db.post(&Movement::issue(item, "5".parse()?).reference("ORDER-1042"))?;
//! assert_eq!(sale.movements[0].value_change.to_string(), "-550");
//! let stock = db.stock(item, None)?;
//! assert_eq!((stock.on_hand.to_string(), stock.value.to_string()), ("15".into(), "1650".into()));
//! assert!(db.verify()?.is_clean());
//! # Ok::<(), racine::Error>(())
//! ```
//!
//! Every write is one transaction of the store: it all happens or nothing
//! does. Quantities and money are [`Decimal`]s: exact, six
//! fractional digits, never binary floats.

#![warn(missing_docs)]

pub mod api;
pub mod catalogue;
mod changes;
mod closed_set;
mod crm;
mod database;
mod decimal;
mod error;
pub mod exports;
pub mod imports;
mod instant;
mod items;
pub mod kpis;
mod ledger;
mod orders;
pub mod outbox;
mod page;
pub mod plugins;
mod purchases;
mod store;
mod suppliers;
mod text;
mod valuation;
mod verify;
mod warehouses;
mod whole_file;

pub use catalogue::{Info, PostedBatch};
pub use crm::{
    Contact, ContactChanges, ContactEmail, ContactErasure, ContactFilter, ContactHistory,
    ContactKind, ContactMerge, ContactPhone, ContactStatus, CrmSettings, DuplicateFilter,
    DuplicatePair, DuplicateReason, Interaction, InteractionFilter, InteractionKind,
    InteractionWhen, LostReason, MatchKind, NewContact, NewInteraction, NewOpportunity,
    NewPipeline, NewStage, Opportunity, OpportunityChanges, OpportunityFilter, OpportunityLine,
    OpportunityStatus, Pipeline, Stage, StageChanges, StageKind, Transition, TransitionKind,
    TransitionMeta, WinOrder, Won,
};
pub use database::{Database, OpenOptions, Synchronous, SCHEMA_VERSION};
pub use decimal::{Decimal, DecimalError, SCALE};
pub use error::{Error, ErrorCode, Result, ShortLine};
pub use exports::{
    CsvOptions, CsvPreset, Dataset, Destination, Export, ExportSummary, Format, LongText, Progress,
    Sheet, SheetSummary, XlsxOptions,
};
pub use imports::{
    Import, ImportColumn, ImportFormat, ImportKind, ImportProblem, ImportProgress, ImportReport,
    ImportStage,
};
pub use items::{Item, ItemChanges, ItemFilter, ItemKind, ItemRef, NewItem};
pub use kpis::crm::{CrmDashboard, CrmQuery};
pub use kpis::erp::{ErpDashboard, ErpQuery};
pub use kpis::period::{Period, ResolvedPeriod};
pub use kpis::{Amount, Definition, Rate, RateTable, Ratio};
pub use ledger::{
    CostLayer, CostLayers, Movement, MovementFilter, MovementKind, MovementRecord, Posted, Reason,
    SortOrder, StockAt, StockFilter, StockLevel, MAX_BATCH,
};
pub use orders::{
    Customer, FulfilLine, NewOrder, NewOrderLine, Order, OrderEvent, OrderEventKind, OrderFilter,
    OrderLine, OrderStatus, Reservation, ReservationStatus, ReturnLine, StockPolicy,
};
pub use outbox::{
    EventKind, OutboxBatch, OutboxConsumer, OutboxEvent, OutboxFilter, OutboxPruned, OutboxStart,
};
pub use page::{Page, PageRequest, DEFAULT_PAGE, MAX_PAGE};
pub use plugins::{
    Capability, Delivery, LogLevel, PluginDelivery, PluginInfo, PluginLog, PluginOptions,
    PluginState,
};
pub use purchases::{
    NewPurchaseLine, NewPurchaseOrder, PurchaseFilter, PurchaseLine, PurchaseOrder,
    PurchaseReceipt, PurchaseReceived, PurchaseStatus, ReceiveLine,
};
pub use suppliers::{NewSupplier, Supplier, SupplierChanges, SupplierFilter};
pub use valuation::ValuationMethod;
pub use verify::{Drift, KeyDrift, OpportunityDrift, ReferenceDrift, VerifyReport};
pub use warehouses::{NewWarehouse, Warehouse, WarehouseChanges, WarehouseFilter};

/// Instants in the API are `jiff::Timestamp`s; re-exported so callers use
/// the same version.
pub use jiff;

/// The library version (`Cargo.toml`'s).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
