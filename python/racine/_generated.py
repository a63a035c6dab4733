# Generated from schema/racine.json by `cargo run -p racine-codegen`: do not edit.
"""Racine's catalogue in Python: every closed set as a ``Literal`` type,
every result and input as a frozen dataclass, every operation as a typed
method of :class:`Operations` (which :class:`racine.Database` extends).

Defaults are not restated here: an argument left as ``None`` is left out of
the request, and the core applies its own default. Decimals go to the core
as exact text, instants as RFC 3339; every check (types, closed sets,
floats, scale) is the core's, with the same error in every language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Dict, Generic, Iterable, Iterator, List, Literal, Mapping, Optional, Protocol, Tuple, TypeVar, Union, cast

from ._convert import UNSET, args, build, build_page, parse_instant

T = TypeVar("T")


class HasId(Protocol):
    """Any result object with an ``id`` (an :class:`Item`, a :class:`Warehouse`…)."""

    @property
    def id(self) -> int: ...


#: What a quantity or an amount may be given as. A ``float`` is refused by
#: the core: a binary float cannot hold most decimal amounts exactly.
DecimalLike = Union[Decimal, int, str]
#: An id, or any result object that has one.
IdLike = Union[int, HasId]
#: An item: its id, its SKU, or the item itself.
ItemLike = Union[int, str, HasId]

# -- closed sets ------------------------------------------------------------

ItemKind = Literal["material", "product"]
"""Whether an item is bought to be used or made and sold."""

ValuationMethod = Literal["fifo", "lifo", "moving_average"]
"""How an item's stock is valued; chosen per item."""

Reason = Literal["purchase_receipt", "sale", "customer_return", "supplier_return", "inventory_count", "breakage", "loss", "transfer_out", "transfer_in", "opening_balance", "manual_correction"]
"""Why stock moved: a closed set, plus a free-text note on each movement."""

MovementKind = Literal["receipt", "issue", "adjustment", "count", "transfer"]
"""The shape of a movement request."""

SortOrder = Literal["newest_first", "oldest_first"]
"""Order of a movement listing."""

PurchaseStatus = Literal["open", "partially_received", "received", "closed", "cancelled"]
"""Where a purchase order stands."""

StockPolicy = Literal["reserve", "decrement_on_sale"]
"""How placing an order touches stock; one choice per database."""

OrderStatus = Literal["placed", "partially_fulfilled", "fulfilled", "cancelled", "expired"]
"""Where an order stands."""

ReservationStatus = Literal["pending", "fulfilled", "released", "expired"]
"""Where a reservation stands; each resolves at most once."""

OrderEventKind = Literal["placed", "paid", "fulfilled", "cancelled", "returned", "expired"]
"""What happened to an order (its history)."""

ContactKind = Literal["person", "company"]
"""A person or a company."""

ContactStatus = Literal["active", "archived", "merged", "erased"]
"""Where a contact stands."""

MatchKind = Literal["same_email", "same_phone", "similar_name"]
"""Why two contacts may be the same."""

InteractionKind = Literal["call", "email", "meeting", "note", "task"]
"""What kind of interaction."""

InteractionWhen = Literal["recent", "planned", "all"]
"""Which interactions a listing shows."""

StageKind = Literal["open", "won", "lost"]
"""What reaching a stage means."""

OpportunityStatus = Literal["open", "won", "lost"]
"""Where an opportunity stands: the kind of its stage."""

TransitionKind = Literal["created", "moved", "won", "lost", "reopened"]
"""What a transition did."""

LongText = Literal["cut", "refuse"]
"""What to do with a text longer than an Excel cell holds (32,767 characters)."""

ErpTable = Literal["summary", "valuation_by_warehouse", "valuation_by_item", "purchases_by_supplier", "purchases_by_item", "daily_flows", "top_movers_by_quantity", "top_movers_by_cost", "low_stock"]
"""A table of the ERP dashboard."""

CrmTable = Literal["summary", "pipeline_by_stage", "stage_conversion", "time_in_stage", "owner_performance", "top_clients", "activities"]
"""A table of the CRM dashboard."""

Format = Literal["xlsx", "csv", "plugin"]
"""The file format of an export."""

CsvPreset = Literal["plain", "excel"]
"""A starting point for csv settings; fields given beside it win."""

LineEnding = Literal["lf", "crlf"]
"""The end of each record."""

ImportFormat = Literal["csv", "xlsx"]
"""The format of a file to import."""

ImportKind = Literal["items", "warehouses", "suppliers", "opening_stock", "contacts", "purchase_orders"]
"""What a file to import holds."""

EventKind = Literal["movement_recorded", "order_event_applied", "stock_below_reorder_point", "purchase_received", "opportunity_stage_changed", "contact_merged"]
"""What an outbox event records."""

OutboxStart = Literal["beginning", "end"]
"""Where a new consumer's cursor starts."""

Capability = Literal["validator", "event_sink", "exporter"]
"""What a plugin does."""

PluginState = Literal["active", "failed"]
"""Whether a plugin is in use."""

LogLevel = Literal["error", "warn", "info", "debug"]
"""How loud a plugin's log line is."""

Synchronous = Literal["full", "normal"]
"""How hard each commit is pushed to disk."""

#: Every name of each closed set.
CLOSED_SETS: Dict[str, Tuple[str, ...]] = {
    "ItemKind": ("material", "product",),
    "ValuationMethod": ("fifo", "lifo", "moving_average",),
    "Reason": ("purchase_receipt", "sale", "customer_return", "supplier_return", "inventory_count", "breakage", "loss", "transfer_out", "transfer_in", "opening_balance", "manual_correction",),
    "MovementKind": ("receipt", "issue", "adjustment", "count", "transfer",),
    "SortOrder": ("newest_first", "oldest_first",),
    "PurchaseStatus": ("open", "partially_received", "received", "closed", "cancelled",),
    "StockPolicy": ("reserve", "decrement_on_sale",),
    "OrderStatus": ("placed", "partially_fulfilled", "fulfilled", "cancelled", "expired",),
    "ReservationStatus": ("pending", "fulfilled", "released", "expired",),
    "OrderEventKind": ("placed", "paid", "fulfilled", "cancelled", "returned", "expired",),
    "ContactKind": ("person", "company",),
    "ContactStatus": ("active", "archived", "merged", "erased",),
    "MatchKind": ("same_email", "same_phone", "similar_name",),
    "InteractionKind": ("call", "email", "meeting", "note", "task",),
    "InteractionWhen": ("recent", "planned", "all",),
    "StageKind": ("open", "won", "lost",),
    "OpportunityStatus": ("open", "won", "lost",),
    "TransitionKind": ("created", "moved", "won", "lost", "reopened",),
    "LongText": ("cut", "refuse",),
    "ErpTable": ("summary", "valuation_by_warehouse", "valuation_by_item", "purchases_by_supplier", "purchases_by_item", "daily_flows", "top_movers_by_quantity", "top_movers_by_cost", "low_stock",),
    "CrmTable": ("summary", "pipeline_by_stage", "stage_conversion", "time_in_stage", "owner_performance", "top_clients", "activities",),
    "Format": ("xlsx", "csv", "plugin",),
    "CsvPreset": ("plain", "excel",),
    "LineEnding": ("lf", "crlf",),
    "ImportFormat": ("csv", "xlsx",),
    "ImportKind": ("items", "warehouses", "suppliers", "opening_stock", "contacts", "purchase_orders",),
    "EventKind": ("movement_recorded", "order_event_applied", "stock_below_reorder_point", "purchase_received", "opportunity_stage_changed", "contact_merged",),
    "OutboxStart": ("beginning", "end",),
    "Capability": ("validator", "event_sink", "exporter",),
    "PluginState": ("active", "failed",),
    "LogLevel": ("error", "warn", "info", "debug",),
    "Synchronous": ("full", "normal",),
}


# -- results ------------------------------------------------------------------

@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a listing; pass ``next`` as ``after`` for the next page
    (or use the ``iter_…`` method, which pages to the end)."""

    items: List[T]
    next: Optional[int] = None


@dataclass(frozen=True)
class Info:
    """Library, schema and engine versions, and the business time zone."""

    version: str
    """The library version."""
    schema_version: int
    """The schema version this library writes."""
    sqlite_version: str
    """The SQLite library compiled in."""
    time_zone: str
    """The database's business time zone (IANA name)."""


@dataclass(frozen=True)
class Item:
    """A stocked item."""

    id: int
    """Row id."""
    sku: str
    """Unique stock-keeping unit."""
    name: str
    """Display name."""
    unit: str
    """Unit of measure (`pcs`, `kg`, `m`…)."""
    kind: ItemKind
    """Material or product."""
    valuation: ValuationMethod
    """How its stock is valued."""
    allow_negative: bool
    """Whether movements may take it below zero."""
    active: bool
    """Inactive items receive nothing."""
    created_at: datetime
    """When it was created."""
    updated_at: datetime
    """When it last changed."""
    reorder_point: Optional[Decimal] = None
    """Low-stock threshold on available quantity."""


@dataclass(frozen=True)
class Warehouse:
    """A place that holds stock."""

    id: int
    """Row id."""
    code: str
    """Unique short code (`MAIN`, `SHOP-2`)."""
    name: str
    """Display name."""
    is_default: bool
    """Movements without a warehouse go here."""
    active: bool
    """Inactive warehouses receive nothing."""
    created_at: datetime
    """When it was created."""


@dataclass(frozen=True)
class Supplier:
    """A supplier."""

    id: int
    """Row id."""
    name: str
    """Display name."""
    active: bool
    """Inactive suppliers get no new purchase orders."""
    created_at: datetime
    """When it was created."""
    updated_at: datetime
    """When it last changed."""
    email: Optional[str] = None
    """Contact e-mail."""
    phone: Optional[str] = None
    """Contact phone, kept as text (leading zeros and `+` matter)."""
    notes: Optional[str] = None
    """Free notes."""


@dataclass(frozen=True)
class MovementRecord:
    """A movement as the ledger recorded it. Never changes once written."""

    id: int
    """Ledger position (recording order)."""
    item: int
    """Item id."""
    sku: str
    """Item SKU."""
    warehouse: int
    """Warehouse id."""
    warehouse_code: str
    """Warehouse code."""
    quantity: Decimal
    """Signed quantity: positive in, negative out."""
    reason: Reason
    """Why."""
    unit_cost: Decimal
    """Rate the movement was valued at (for an issue: |value change| / quantity, rounded)."""
    value_change: Decimal
    """Signed change of stock value."""
    balance_after: Decimal
    """On-hand quantity in this warehouse right after."""
    value_after: Decimal
    """Stock value in this warehouse right after."""
    effective_at: datetime
    """When it happened."""
    recorded_at: datetime
    """When it was recorded."""
    actor: Optional[str] = None
    """Who did it."""
    reference: Optional[str] = None
    """External reference."""
    note: Optional[str] = None
    """Free-text note."""
    idempotency_key: Optional[str] = None
    """Idempotency key of the request that wrote it."""
    transfer_id: Optional[int] = None
    """For both legs of a transfer: the id of its outgoing leg."""
    purchase_line_id: Optional[int] = None
    """The purchase-order line it received, if any."""
    order_id: Optional[int] = None
    """The order (Racine's id) whose event moved it, if any."""
    order_event_id: Optional[int] = None
    """The order event that moved it, if any."""


@dataclass(frozen=True)
class Posted:
    """What a post returned: the movements it wrote, in ledger order (none for a count that matched, two for a transfer)."""

    movements: List[MovementRecord]
    """The recorded movements."""


@dataclass(frozen=True)
class PostedBatch:
    """What a batch wrote: how many movements, their (consecutive) ids, and the records themselves unless only a summary was asked for."""

    count: int
    """Movements written."""
    first_id: Optional[int] = None
    """Id of the first one (`None` when a batch of matching counts wrote none)."""
    last_id: Optional[int] = None
    """Id of the last one."""
    movements: Optional[List[MovementRecord]] = None
    """The records, unless `summary` was asked for."""


@dataclass(frozen=True)
class StockLevel:
    """Stock of one item, in one warehouse or across all of them."""

    item: int
    """Item id."""
    sku: str
    """Item SKU."""
    on_hand: Decimal
    """Physically present."""
    reserved: Decimal
    """Promised to pending reservations."""
    available: Decimal
    """On hand minus reserved: what can still be sold or issued."""
    value: Decimal
    """Stock value under the item's valuation method."""
    unit_value: Decimal
    """Value per unit on hand (0 when nothing is on hand)."""
    warehouse: Optional[int] = None
    """Warehouse id; `None` for the total over all warehouses."""
    reorder_point: Optional[Decimal] = None
    """The item's low-stock threshold."""


@dataclass(frozen=True)
class StockAt:
    """Stock and value as of a past instant, replayed from the ledger."""

    item: int
    """Item id."""
    at: datetime
    """The instant (movements effective at or before it count)."""
    on_hand: Decimal
    """Quantity on hand then."""
    value: Decimal
    """Stock value then."""
    warehouse: Optional[int] = None
    """Warehouse id; `None` for all warehouses."""


@dataclass(frozen=True)
class CostLayer:
    """One open FIFO / LIFO cost layer: what is left of one receipt."""

    quantity: Decimal
    """Quantity still in this layer."""
    unit_cost: Decimal
    """Its unit cost (value ÷ quantity, rounded to the millionth)."""
    value: Decimal
    """Its exact remaining value."""
    movement: Optional[int] = None
    """The movement that opened it (`None` for layers opened before schema version 5, which did not record it)."""


@dataclass(frozen=True)
class CostLayers:
    """The open cost layers of one item in one warehouse."""

    item: int
    """Item id."""
    sku: str
    """Item SKU."""
    warehouse: int
    """Warehouse id."""
    valuation: ValuationMethod
    """The item's valuation method."""
    layers: List[CostLayer]
    """Open layers, oldest first: FIFO issues take from the first, LIFO from the last. Empty under moving average (one pool, valued by `Database::stock`) and whenever nothing is on hand."""


@dataclass(frozen=True)
class PurchaseLine:
    """A line of a purchase order."""

    id: int
    """Line id."""
    item: int
    """Item id."""
    sku: str
    """Item SKU."""
    warehouse: int
    """Receiving warehouse."""
    quantity: Decimal
    """Quantity ordered."""
    unit_cost: Decimal
    """Unit cost."""
    received: Decimal
    """Quantity received so far."""
    cancelled: Decimal
    """Quantity cancelled."""
    remaining: Decimal
    """Still expected: ordered − received − cancelled."""


@dataclass(frozen=True)
class PurchaseOrder:
    """A purchase order with its lines."""

    id: int
    """Order id."""
    supplier: int
    """Supplier id."""
    reference: str
    """Unique reference."""
    status: PurchaseStatus
    """Status."""
    lines: List[PurchaseLine]
    """The lines."""
    total_ordered: Decimal
    """Σ quantity × unit cost over the lines."""
    total_received: Decimal
    """Σ received × unit cost over the lines."""
    created_at: datetime
    """When it was created."""
    updated_at: datetime
    """When it last changed."""
    note: Optional[str] = None
    """Free-text note."""


@dataclass(frozen=True)
class PurchaseReceived:
    """The order after a receipt, and the movements the receipt posted."""

    order: PurchaseOrder
    """The order, updated."""
    movements: List[MovementRecord]
    """One receipt movement per line received."""


@dataclass(frozen=True)
class Drift:
    """One figure that differs from what the ledger implies."""

    item: int
    """Item id (0 for a warehouse's kept value)."""
    warehouse: int
    """Warehouse id."""
    field: str
    """Which figure: `value_change`, `balance_after`, `value_after`, `on_hand`, `value`, `reserved`, `layers`, `warehouse_value`."""
    expected: Decimal
    """What the replay gives."""
    found: Decimal
    """What is stored."""
    movement: Optional[int] = None
    """The movement whose recorded figure differs (`None` for the balance table and cost layers)."""


@dataclass(frozen=True)
class KeyDrift:
    """An idempotency record that does not match what it answered for, or rows written under a key that has no record (a retry of that request would apply it again)."""

    key: str
    """The idempotency key."""
    problem: str
    """What does not match."""
    operation: Optional[str] = None
    """The operation its record names (`None` when the record is missing)."""


@dataclass(frozen=True)
class OpportunityDrift:
    """An opportunity whose stored state is not what its transition log replays to."""

    opportunity: int
    """The opportunity."""
    field: str
    """`stage`, `status`, `lost_reason`, `closed_at` or `history`; or, for opportunity 0, `open_pipeline` (the dashboards' rollup)."""
    expected: str
    """What the replay gives."""
    found: str
    """What is stored."""


@dataclass(frozen=True)
class ReferenceDrift:
    """A row that refers to a row that does not exist (an item, a warehouse, an order…): the database was changed outside Racine."""

    table: str
    """The table of the row (`movements`, `order_lines`…)."""
    row: int
    """Its id (for balances, the item id)."""
    missing: str
    """What it refers to that is missing (`item`, `warehouse`, a table)."""


@dataclass(frozen=True)
class VerifyReport:
    """What `Database::verify` checked and found."""

    movements_checked: int
    """Movements replayed."""
    balances_checked: int
    """Item × warehouse balances compared."""
    records_checked: int
    """Idempotency records compared with the movements and order events written under their keys."""
    drift_count: int
    """Total number of drifts found (figures and keys)."""
    drifts: List[Drift]
    """The first drifts of figures found (at most 1000)."""
    key_drifts: List[KeyDrift]
    """The first idempotency drifts found (at most 1000)."""
    opportunities_checked: int
    """Opportunities whose transition log was replayed."""
    opportunity_drifts: List[OpportunityDrift]
    """The first opportunities found out of step with their log (at most 1000)."""
    reference_drifts: List[ReferenceDrift]
    """The first rows found referring to nothing (at most 1000)."""
    is_clean: bool
    """True when nothing drifted (`drift_count` is 0)."""


@dataclass(frozen=True)
class Customer:
    """Who ordered (the CRM links it to a contact)."""

    external_id: Optional[str] = None
    """The customer's id in the host application."""
    email: Optional[str] = None
    """E-mail."""
    name: Optional[str] = None
    """Name."""


@dataclass(frozen=True)
class OrderLine:
    """A line of an order and what happened to it."""

    line: int
    """Line number (1-based)."""
    item: int
    """Item id."""
    sku: str
    """Item SKU."""
    warehouse: int
    """Warehouse id."""
    quantity: Decimal
    """Quantity ordered."""
    unit_price: Decimal
    """Unit price."""
    reserved: Decimal
    """Still reserved (pending)."""
    out: Decimal
    """Issued and not come back."""
    fulfilled: Decimal
    """Shipped."""
    returned: Decimal
    """Returned (restocked or scrapped)."""
    restocked: Decimal
    """Put back into stock (by a return or a cancellation)."""


@dataclass(frozen=True)
class Reservation:
    """A two-phase reservation of one line: pending until fulfilled, released or expired; each resolves at most once."""

    id: int
    """Reservation id."""
    line: int
    """Line number."""
    quantity: Decimal
    """Quantity reserved at placing."""
    pending: Decimal
    """Quantity still pending."""
    status: ReservationStatus
    """Pending, or how it was resolved."""
    expires_at: Optional[datetime] = None
    """When it expires unless paid."""


@dataclass(frozen=True)
class OrderEvent:
    """One entry of an order's history."""

    id: int
    """Event id (movements name it in `order_event_id`)."""
    kind: OrderEventKind
    """What happened."""
    status_after: OrderStatus
    """The order's status right after."""
    at: datetime
    """When it was recorded."""
    revenue_change: Decimal
    """Revenue it recognised (+) or reversed (−), in the order's currency: payment recognises what the customer keeps (the lines' value less what came back before it); a return or the cancellation of a paid order reverses its value; other events, and events of unpaid orders, change nothing. The top-clients KPI sums these by event time."""
    idempotency_key: Optional[str] = None
    """The idempotency key it came with."""


@dataclass(frozen=True)
class Order:
    """An order with its lines, reservations, movements and history."""

    id: int
    """Racine's id."""
    external_id: str
    """The host application's id."""
    customer: Customer
    """Who ordered."""
    currency: str
    """Currency."""
    status: OrderStatus
    """Status."""
    paid: bool
    """Whether payment was recorded."""
    total: Decimal
    """Σ quantity × unit price."""
    placed_at: datetime
    """When it was placed."""
    lines: List[OrderLine]
    """The lines."""
    reservations: List[Reservation]
    """Its reservations."""
    movements: List[int]
    """Ids of the ledger movements its events wrote."""
    events: List[OrderEvent]
    """Its history, oldest first."""
    contact: Optional[int] = None
    """The CRM contact it is linked to (by the customer's external id or email)."""
    expires_at: Optional[datetime] = None
    """When its reservations expire unless paid."""


@dataclass(frozen=True)
class LostReason:
    """A reason an opportunity may be lost for."""

    code: str
    """Its code (`price`, `competitor`)."""
    label: str
    """What it says."""
    active: bool
    """Retired reasons stay in history but cannot be given any more."""


@dataclass(frozen=True)
class CrmSettings:
    """The CRM's settings of this database."""

    lost_reasons: List[LostReason]
    """The reasons an opportunity may be lost for."""
    default_country: Optional[str] = None
    """Country that phone numbers without a country code are read in (ISO 3166 alpha-2)."""


@dataclass(frozen=True)
class ContactEmail:
    """An email of a contact."""

    address: str
    """As given, trimmed."""
    normalised: str
    """As matched: case-folded."""


@dataclass(frozen=True)
class ContactPhone:
    """A phone number of a contact."""

    number: str
    """As given, trimmed."""
    e164: str
    """As matched: E.164 (`+33612345678`)."""


@dataclass(frozen=True)
class Contact:
    """A contact."""

    id: int
    """Racine's id."""
    kind: ContactKind
    """Person or company."""
    name: str
    """Name."""
    emails: List[ContactEmail]
    """Emails, in the order given."""
    phones: List[ContactPhone]
    """Phones, in the order given."""
    tags: List[str]
    """Tags, sorted."""
    custom: Dict[str, Any]
    """Custom fields."""
    status: ContactStatus
    """Active, archived, merged or erased."""
    created_at: datetime
    """When it was created."""
    updated_at: datetime
    """When it last changed."""
    company: Optional[int] = None
    """The company a person belongs to."""
    source: Optional[str] = None
    """Where it came from."""
    owner: Optional[str] = None
    """Who looks after it."""
    external_id: Optional[str] = None
    """The host application's id."""
    notes: Optional[str] = None
    """Notes."""
    merged_into: Optional[int] = None
    """For a merged contact: the contact it lives on in."""


@dataclass(frozen=True)
class DuplicateReason:
    """One reason of a candidate pair."""

    kind: MatchKind
    """What matched."""
    detail: str
    """The shared email or phone, or both names."""
    weight: int
    """Its weight, 1–100."""


@dataclass(frozen=True)
class DuplicatePair:
    """Two contacts that may be one person or company."""

    contact: int
    """The older contact (lower id): the natural survivor of a merge."""
    other: int
    """The newer one."""
    score: int
    """1–100: reasons combine as independent evidence, `100 − 100 × Π(1 − weight / 100)`, rounded down."""
    reasons: List[DuplicateReason]
    """Every reason, strongest first."""


@dataclass(frozen=True)
class ContactMerge:
    """A merge: what moved from the merged contact to the survivor."""

    id: int
    """Its id."""
    merged: int
    """The contact merged away (now `merged`, readable)."""
    into: int
    """The survivor."""
    interactions: List[int]
    """Interactions moved."""
    opportunities: List[int]
    """Opportunities moved."""
    orders: List[str]
    """Orders moved (external ids)."""
    people: List[int]
    """People of a merged company moved to the survivor."""
    emails: List[str]
    """Emails the survivor gained."""
    phones: List[str]
    """Phones the survivor gained."""
    tags: List[str]
    """Tags the survivor gained."""
    at: datetime
    """When."""
    actor: Optional[str] = None
    """Who merged."""


@dataclass(frozen=True)
class ContactErasure:
    """An erasure of personal data."""

    contact: int
    """The contact."""
    also: List[int]
    """Contacts that had been merged into it, erased with it."""
    fields: List[str]
    """The fields erased."""
    orders: List[str]
    """Orders whose copy of the customer's name and email was erased."""
    requests: int
    """Stored idempotent requests and results scrubbed of the data (a retry of one of them is an idempotency conflict from now on)."""
    interactions: int
    """Interaction summaries the name, emails or phones were cut out of (the interactions themselves stay)."""
    at: datetime
    """When."""
    actor: Optional[str] = None
    """Who erased."""
    reason: Optional[str] = None
    """Why (a request reference)."""


@dataclass(frozen=True)
class ContactHistory:
    """Merges and erasure of a contact."""

    merges: List[ContactMerge]
    """Merges into or of this contact, oldest first."""
    erasure: Optional[ContactErasure] = None
    """Its erasure, if it was erased."""


@dataclass(frozen=True)
class Interaction:
    """An interaction."""

    id: int
    """Its id."""
    kind: InteractionKind
    """Its kind."""
    contact: int
    """The contact."""
    summary: str
    """What it was about."""
    at: datetime
    """When it happened or is planned."""
    done: bool
    """For a task: done."""
    created_at: datetime
    """When it was logged."""
    opportunity: Optional[int] = None
    """The opportunity."""
    author: Optional[str] = None
    """Who did it, or will."""
    due: Optional[date] = None
    """For a task: the day it is due."""
    done_at: Optional[datetime] = None
    """For a task: when it was marked done."""


@dataclass(frozen=True)
class Stage:
    """A stage of a pipeline."""

    id: int
    """Its id (stable across renames and reorders)."""
    pipeline: int
    """Its pipeline."""
    name: str
    """Its name."""
    position: int
    """Its place, 1-based."""
    probability: Decimal
    """Its default probability, in percent."""
    kind: StageKind
    """Open, won or lost."""


@dataclass(frozen=True)
class Pipeline:
    """A pipeline with its stages in order."""

    id: int
    """Its id."""
    name: str
    """Its name."""
    stages: List[Stage]
    """Its stages, by position."""
    created_at: datetime
    """When it was created."""


@dataclass(frozen=True)
class OpportunityLine:
    """A product line of an opportunity: what winning it orders."""

    sku: str
    """Item SKU."""
    quantity: Decimal
    """Quantity (> 0)."""
    unit_price: Decimal
    """Unit price (≥ 0) in the opportunity's currency."""


@dataclass(frozen=True)
class Transition:
    """One entry of an opportunity's log."""

    id: int
    """Its id."""
    kind: TransitionKind
    """What it did."""
    to_stage: int
    """The stage after."""
    to_stage_name: str
    """That stage's name at the time."""
    status_after: OpportunityStatus
    """The status after."""
    at: datetime
    """When."""
    from_stage: Optional[int] = None
    """The stage before (none for `created`)."""
    from_stage_name: Optional[str] = None
    """That stage's name at the time."""
    lost_reason: Optional[str] = None
    """For a loss: its reason code."""
    actor: Optional[str] = None
    """Who made it."""
    note: Optional[str] = None
    """Why."""


@dataclass(frozen=True)
class Opportunity:
    """An opportunity with its lines and its whole log."""

    id: int
    """Its id."""
    title: str
    """What it is."""
    contact: int
    """The contact."""
    pipeline: int
    """Pipeline."""
    stage: int
    """Current stage."""
    stage_name: str
    """Its current name."""
    probability: Decimal
    """Probability of winning in percent: its own while open if set, else the stage's (100 when won, 0 when lost)."""
    status: OpportunityStatus
    """Open, won or lost."""
    lines: List[OpportunityLine]
    """Product lines."""
    created_at: datetime
    """When it was created."""
    updated_at: datetime
    """When it last changed."""
    history: List[Transition]
    """Its log, oldest first."""
    amount: Optional[Decimal] = None
    """Amount."""
    currency: Optional[str] = None
    """Currency of the amount."""
    probability_override: Optional[Decimal] = None
    """Its own probability, if set."""
    expected_close: Optional[date] = None
    """Expected close day."""
    owner: Optional[str] = None
    """Who works on it."""
    lost_reason: Optional[str] = None
    """Why it was lost."""
    order: Optional[str] = None
    """External id of the order its win placed."""
    closed_at: Optional[datetime] = None
    """When it was won or lost (none while open)."""


@dataclass(frozen=True)
class Won:
    """A won opportunity, and the order its win placed."""

    opportunity: Opportunity
    """The opportunity, won."""
    order: Optional[Order] = None
    """The order placed for its lines, when one was asked for."""


@dataclass(frozen=True)
class ResolvedPeriod:
    """A period resolved to instants, as every KPI reports it."""

    label: str
    """The period as asked (`2026-03`, `this_month`)."""
    start: datetime
    """First instant included."""
    end: datetime
    """First instant after the period (not included)."""
    first_day: date
    """The business day `start` falls on."""
    last_day: date
    """The business day of the period's last instant."""
    days: Decimal
    """Its length in days: whole business days for a named period (a March with a daylight-saving change is still 31), elapsed time / 24 h for exact instants."""
    time_zone: str
    """The business time zone it was read in (IANA name)."""


@dataclass(frozen=True)
class WarehouseValue:
    """The stock value of one warehouse."""

    warehouse: int
    """Warehouse id."""
    code: str
    """Its code."""
    value: Decimal
    """Its stock value."""


@dataclass(frozen=True)
class ItemValue:
    """The stock of one item across the warehouses counted."""

    item: int
    """Item id."""
    sku: str
    """Its SKU."""
    name: str
    """Its name."""
    on_hand: Decimal
    """Quantity on hand."""
    value: Decimal
    """Its value."""


@dataclass(frozen=True)
class Definition:
    """How a KPI was computed."""

    kpi: str
    """The KPI's name (`win_rate`), the same as its operation."""
    formula: str
    """What it is, in words and symbols."""
    time_zone: str
    """The business time zone (IANA name)."""
    currency_rule: str
    """How amounts of several currencies were treated."""
    rows_counted: int
    """How many rows it counted (movements, opportunities, order events, items…, as the formula says)."""
    numerator: Optional[str] = None
    """For a ratio: what the numerator counts."""
    denominator: Optional[str] = None
    """For a ratio: what the denominator counts."""
    period: Optional[ResolvedPeriod] = None
    """The period it covers; none for a figure read at one instant."""
    at: Optional[datetime] = None
    """The instant a point-in-time figure was read at (stock values, the open pipeline)."""


@dataclass(frozen=True)
class StockValuation:
    """Stock value at an instant: total, per warehouse, and the items holding the most value."""

    at: datetime
    """The instant valued."""
    total: Decimal
    """Σ of every item × warehouse value."""
    by_warehouse: List[WarehouseValue]
    """Per warehouse that ever held stock, by id."""
    by_item: List[ItemValue]
    """The items of greatest value (`limit` of them), greatest first."""
    items_in_stock: int
    """Items with stock or value at that instant."""
    definition: Definition
    """How it was computed."""


@dataclass(frozen=True)
class SupplierPurchases:
    """Purchases from one supplier."""

    supplier: int
    """Supplier id."""
    name: str
    """Its name."""
    received: Decimal
    """Value received in the period."""
    receipts: int
    """Receipt movements in the period."""
    ordered: Decimal
    """Value ordered in the period."""
    still_ordered: Decimal
    """Of that, still to be received."""


@dataclass(frozen=True)
class ItemPurchases:
    """Purchases of one item."""

    item: int
    """Item id."""
    sku: str
    """Its SKU."""
    received_quantity: Decimal
    """Quantity received in the period."""
    received: Decimal
    """Value received in the period."""
    still_ordered_quantity: Decimal
    """Quantity ordered in the period and still to be received."""
    still_ordered: Decimal
    """Its value."""


@dataclass(frozen=True)
class Purchases:
    """Purchases of a period: received (by receipt date) and still on order."""

    received: Decimal
    """Value received in the period (quantity × purchase unit cost)."""
    ordered: Decimal
    """Value of purchase orders created in the period."""
    still_ordered: Decimal
    """Of that, what is still to be received (neither received nor cancelled) now."""
    by_supplier: List[SupplierPurchases]
    """Per supplier, most received first."""
    by_item: List[ItemPurchases]
    """Per item, most received first (`limit` of them)."""
    definition: Definition
    """How it was computed."""


@dataclass(frozen=True)
class DayFlow:
    """The flows of one business day. Outgoing figures are positive magnitudes; transfers between warehouses are apart from both."""

    day: date
    """The business day (for the total: the period's first day)."""
    in_quantity: Decimal
    """Σ quantity of incoming movements (receipts, returns, counts up…)."""
    in_value: Decimal
    """Their value."""
    out_quantity: Decimal
    """Σ quantity of outgoing movements (sales, breakage, counts down…)."""
    out_value: Decimal
    """Their value."""
    transfer_in_quantity: Decimal
    """Quantity that arrived by transfer from another warehouse."""
    transfer_in_value: Decimal
    """Its value."""
    transfer_out_quantity: Decimal
    """Quantity that left by transfer to another warehouse (equal to the transfers in when every warehouse is counted)."""
    transfer_out_value: Decimal
    """Its value."""
    movements: int
    """Movements counted."""


@dataclass(frozen=True)
class DailyFlows:
    """Stock in and out per business day."""

    days: List[DayFlow]
    """Every business day of the period, in order (days without movements included, at zero)."""
    total: DayFlow
    """The whole period."""
    definition: Definition
    """How it was computed."""


@dataclass(frozen=True)
class Mover:
    """What one item issued in the period."""

    item: int
    """Item id."""
    sku: str
    """Its SKU."""
    name: str
    """Its name."""
    quantity: Decimal
    """Quantity issued (sales less customer returns)."""
    cost: Decimal
    """Cost of goods issued (the value that left with it)."""
    movements: int
    """Movements counted."""


@dataclass(frozen=True)
class TopMovers:
    """The items issued most in the period, by quantity and by cost."""

    by_quantity: List[Mover]
    """Greatest issued quantity first (`limit` of them)."""
    by_cost: List[Mover]
    """Greatest cost of goods issued first (`limit` of them)."""
    items_issued: int
    """Items with a positive issued quantity."""
    definition: Definition
    """How it was computed."""


@dataclass(frozen=True)
class LowStockItem:
    """One item at or below its reorder point."""

    item: int
    """Item id."""
    sku: str
    """Its SKU."""
    on_hand: Decimal
    """On hand."""
    reserved: Decimal
    """Reserved by orders."""
    available: Decimal
    """On hand less reserved."""
    reorder_point: Decimal
    """Its reorder point."""
    shortfall: Decimal
    """Reorder point less available."""


@dataclass(frozen=True)
class LowStock:
    """Items at or below their reorder point, now."""

    items: List[LowStockItem]
    """The furthest below their reorder point first (`limit` of them)."""
    count: int
    """How many items are low in all."""
    definition: Definition
    """How it was computed."""


@dataclass(frozen=True)
class Ratio:
    """A ratio with its parts; `value` is `None` when the denominator is zero."""

    numerator: Decimal
    """The numerator."""
    denominator: Decimal
    """The denominator."""
    value: Optional[Decimal] = None
    """numerator / denominator, rounded half away from zero to six digits."""


@dataclass(frozen=True)
class InventoryTurnover:
    """Inventory turnover and days of inventory over the period."""

    cost_of_goods_issued: Decimal
    """Cost of goods issued in the period (sales less customer returns)."""
    opening_value: Decimal
    """Stock value just before the period."""
    closing_value: Decimal
    """Stock value at the end of the period, or now if it has not ended."""
    turnover: Ratio
    """cost of goods issued / ((opening + closing) / 2)."""
    days_of_inventory: Ratio
    """days covered / turnover, as (days covered × average value) / cost of goods issued, so that it is rounded once."""
    definition: Definition
    """How it was computed."""


@dataclass(frozen=True)
class StockoutRate:
    """The share of active items out of stock, now."""

    rate: Ratio
    """Items out of stock / active items."""
    definition: Definition
    """How it was computed."""


@dataclass(frozen=True)
class ErpDashboard:
    """The ERP dashboard: every ERP KPI over one snapshot."""

    period: ResolvedPeriod
    """The period, resolved."""
    valuation: StockValuation
    """Stock value at the valuation instant."""
    purchases: Purchases
    """Purchases of the period."""
    daily_flows: DailyFlows
    """Stock in and out per business day."""
    top_movers: TopMovers
    """The items issued most."""
    low_stock: LowStock
    """Items at or below their reorder point."""
    turnover: InventoryTurnover
    """Inventory turnover and days of inventory."""
    stockout_rate: StockoutRate
    """The share of active items out of stock."""


@dataclass(frozen=True)
class Amount:
    """An amount in one currency."""

    currency: str
    """ISO 4217 code (`EUR`)."""
    amount: Decimal
    """The amount."""


@dataclass(frozen=True)
class StageFigures:
    """The open opportunities of one stage."""

    stage: int
    """Stage id."""
    name: str
    """Its name."""
    probability: Decimal
    """Its default probability (an opportunity may override it)."""
    count: int
    """Open opportunities in it."""
    without_amount: int
    """Of those, how many have no amount (counted, not summed)."""
    amount: List[Amount]
    """Σ amount."""
    weighted: List[Amount]
    """Σ amount × probability / 100, rounded once."""


@dataclass(frozen=True)
class PipelineFigures:
    """The open opportunities of one pipeline."""

    pipeline: int
    """Pipeline id."""
    name: str
    """Its name."""
    stages: List[StageFigures]
    """Its open stages, in stage order."""
    count: int
    """Open opportunities in all."""
    amount: List[Amount]
    """Σ amount."""
    weighted: List[Amount]
    """Σ amount × probability / 100."""


@dataclass(frozen=True)
class PipelineByStage:
    """The open pipeline per stage."""

    at: datetime
    """The instant it stands at."""
    pipelines: List[PipelineFigures]
    """Each pipeline, by id."""
    definition: Definition
    """How it was computed."""


@dataclass(frozen=True)
class ValueRatio:
    """A ratio of amounts in one currency."""

    currency: str
    """The currency."""
    ratio: Ratio
    """The ratio."""


@dataclass(frozen=True)
class WinRate:
    """Won and lost among the opportunities closed in the period."""

    won: int
    """Won."""
    lost: int
    """Lost."""
    by_count: Ratio
    """won / (won + lost), by count."""
    by_value: List[ValueRatio]
    """Σ amount won / Σ amount closed, per currency (or converted)."""
    definition: Definition
    """How it was computed."""


@dataclass(frozen=True)
class DealSize:
    """The average amount of the deals won in the period."""

    won: int
    """Opportunities won."""
    won_value: List[Amount]
    """Σ amount won."""
    average: List[Amount]
    """Σ amount won / number won with an amount in that currency."""
    definition: Definition
    """How it was computed."""


@dataclass(frozen=True)
class SalesCycle:
    """How long won deals took, from creation to the win."""

    days: Ratio
    """Σ days / deals won: the mean in days."""
    definition: Definition
    """How it was computed."""


@dataclass(frozen=True)
class Velocity:
    """The velocity in one currency."""

    currency: str
    """The currency."""
    open: int
    """Open opportunities with an amount in it."""
    average_deal: Decimal
    """Average deal size won in it."""
    per_day: Optional[Decimal] = None
    """Value per day; none without a win or with a zero cycle."""


@dataclass(frozen=True)
class PipelineVelocity:
    """Expected value won per day: (open × win rate × average deal) / cycle."""

    open: int
    """Open opportunities with an amount (at the pipeline's instant)."""
    per_day: List[Velocity]
    """Per currency: the velocity, value per day."""
    definition: Definition
    """How it was computed."""
    win_rate: Optional[Decimal] = None
    """The period's win rate by count."""
    cycle_days: Optional[Decimal] = None
    """The period's mean sales cycle in days."""


@dataclass(frozen=True)
class FunnelStage:
    """How many reached a stage, and how many of them the next."""

    stage: int
    """Stage id."""
    name: str
    """Its name."""
    reached: int
    """Opportunities that reached it or a later one."""
    to_next: Optional[Ratio] = None
    """reached(next) / reached(this); none for the last stage."""


@dataclass(frozen=True)
class Funnel:
    """One pipeline's funnel."""

    pipeline: int
    """Pipeline id."""
    name: str
    """Its name."""
    cohort: int
    """Opportunities created in the period."""
    stages: List[FunnelStage]
    """Open stages in order, then the won stages."""


@dataclass(frozen=True)
class StageConversion:
    """The funnel of the opportunities created in the period."""

    pipelines: List[Funnel]
    """Each pipeline, by id."""
    definition: Definition
    """How it was computed."""


@dataclass(frozen=True)
class StageTime:
    """Time in one stage."""

    stage: int
    """Stage id."""
    name: str
    """Its name."""
    opportunities: int
    """Deals that spent time in it."""
    latest_visit_days: Optional[Decimal] = None
    """Mean days of each deal's latest visit."""
    cumulative_days: Optional[Decimal] = None
    """Mean days of each deal's visits added up."""


@dataclass(frozen=True)
class PipelineTimes:
    """One pipeline's times."""

    pipeline: int
    """Pipeline id."""
    name: str
    """Its name."""
    stages: List[StageTime]
    """Its stages in order, with the deals that spent time in them."""


@dataclass(frozen=True)
class TimeInStage:
    """Time spent in each stage by the deals closed in the period."""

    pipelines: List[PipelineTimes]
    """Each pipeline, by id."""
    definition: Definition
    """How it was computed."""


@dataclass(frozen=True)
class OwnerFigures:
    """One owner's figures."""

    won: int
    """Won in the period."""
    lost: int
    """Lost in the period."""
    won_value: List[Amount]
    """Σ amount won."""
    win_rate: Ratio
    """won / (won + lost)."""
    open: int
    """Open opportunities at the pipeline's instant."""
    weighted_pipeline: List[Amount]
    """Their Σ amount × probability / 100."""
    owner: Optional[str] = None
    """The owner; none for opportunities without one."""


@dataclass(frozen=True)
class OwnerPerformance:
    """Commercial performance per owner."""

    owners: List[OwnerFigures]
    """Each owner (none last), by name."""
    definition: Definition
    """How it was computed."""


@dataclass(frozen=True)
class TopClient:
    """One client's revenue, each source shown."""

    contact: int
    """Contact id."""
    name: str
    """Its name."""
    order_revenue: Decimal
    """Order revenue, net of cancellations and returns, by event time."""
    orders: int
    """Orders that contributed."""
    won_opportunities: Decimal
    """Σ amount of opportunities won in the period that have no order (a won deal's order counts through its revenue)."""
    opportunities: int
    """Opportunities won in the period without an order."""
    total: Decimal
    """order revenue + won opportunities."""


@dataclass(frozen=True)
class ClientRanking:
    """The top clients in one currency."""

    currency: str
    """The currency."""
    clients: List[TopClient]
    """Greatest total first (`limit` of them)."""


@dataclass(frozen=True)
class TopClients:
    """The contacts bringing the most revenue in the period."""

    rankings: List[ClientRanking]
    """One ranking per currency (or one, converted)."""
    without_contact: List[Amount]
    """Revenue of orders linked to no contact, apart."""
    definition: Definition
    """How it was computed."""


@dataclass(frozen=True)
class Activity:
    """An interaction with what it is about."""

    interaction: Interaction
    """The interaction."""
    contact_name: str
    """Its contact's name."""
    opportunity_title: Optional[str] = None
    """Its opportunity's title, if it is about one."""


@dataclass(frozen=True)
class Activities:
    """The latest and the coming interactions."""

    recent: List[Activity]
    """Done, newest first (`limit` of them)."""
    planned: List[Activity]
    """Planned and open tasks, soonest first (`limit` of them)."""
    definition: Definition
    """How it was computed."""


@dataclass(frozen=True)
class CrmDashboard:
    """The CRM dashboard: every CRM KPI over one snapshot."""

    period: ResolvedPeriod
    """The period, resolved."""
    pipeline: PipelineByStage
    """The open pipeline per stage."""
    win_rate: WinRate
    """Won and lost among deals closed in the period."""
    deal_size: DealSize
    """The average deal won."""
    sales_cycle: SalesCycle
    """Days from creation to the win."""
    velocity: PipelineVelocity
    """Expected value won per day."""
    stage_conversion: StageConversion
    """The funnel of the period's new opportunities."""
    time_in_stage: TimeInStage
    """Time spent in each stage by the deals closed."""
    owners: OwnerPerformance
    """Per owner."""
    top_clients: TopClients
    """The contacts bringing the most revenue."""
    activities: Activities
    """The latest and the coming interactions."""


@dataclass(frozen=True)
class SheetSummary:
    """One sheet written."""

    name: str
    """Its name."""
    rows: int
    """Its data rows."""


@dataclass(frozen=True)
class ExportSummary:
    """What an export wrote."""

    format: Format
    """The format written."""
    sheets: List[SheetSummary]
    """Every sheet written, in order (a dataset past a sheet's rows is continued on `Name (2)`, listed apart)."""
    rows: int
    """Data rows written, headers aside."""
    bytes: int
    """Bytes of the file."""
    cut_cells: int
    """Text cells cut to Excel's 32,767 characters (with a marker)."""


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong with a file to import."""

    row: int
    """The row, numbered as a spreadsheet shows it (the header is row 1)."""
    column: str
    """The column's name, as the kind names it (or as the header wrote an unknown one)."""
    value: str
    """The cell's value as read (empty when missing)."""
    code: str
    """The error code the same value gets from the operation itself (`invalid_input`, `not_found`, `already_exists`…)."""
    message: str
    """Why, in a sentence."""


@dataclass(frozen=True)
class ImportReport:
    """What an import wrote, or with `dry_run` would write."""

    kind: ImportKind
    """What was imported."""
    rows: int
    """Data rows read (the header and blank rows aside)."""
    created: int
    """Records created (items, contacts, purchase orders…; an order of several rows counts once)."""
    existing: int
    """Records whose key existed already, left as they were."""
    rejected: int
    """Rows rejected (with `skip_invalid`)."""
    problems: List[ImportProblem]
    """The problems of the rejected rows (at most 1000)."""
    dry_run: bool
    """True when nothing was written because `dry_run` was asked."""
    rejects_path: Optional[str] = None
    """The rejects file written, if any row was rejected."""


@dataclass(frozen=True)
class ImportColumn:
    """One column of a file to import."""

    name: str
    """Its header (matched in any case, with spaces or `-` for `_`)."""
    required: bool
    """Whether every row must fill it."""
    description: str
    """What it holds."""
    example: str
    """An example value, as the template shows it."""


@dataclass(frozen=True)
class OutboxEvent:
    """One event of the outbox."""

    id: int
    """Its id: stable, never reused; a cursor never passes an event that commits later."""
    kind: EventKind
    """What it records."""
    recorded_at: datetime
    """When it was committed."""
    data: Dict[str, Any]
    """What happened, as the kind describes (see the `outbox` module docs)."""


@dataclass(frozen=True)
class OutboxConsumer:
    """A consumer of the outbox and where it is."""

    name: str
    """Its name."""
    position: int
    """The last event it acknowledged (0: none yet)."""
    pending: int
    """Events committed after its position, still to handle."""
    created_at: datetime
    """When it subscribed."""
    updated_at: datetime
    """When its position last moved."""


@dataclass(frozen=True)
class OutboxBatch:
    """What `Database::outbox_poll` read for a consumer."""

    consumer: OutboxConsumer
    """The consumer, before this batch is acknowledged."""
    events: List[OutboxEvent]
    """The next events after its position, oldest first."""


@dataclass(frozen=True)
class OutboxPruned:
    """What `Database::outbox_prune` removed."""

    removed: int
    """Events removed."""
    through: int
    """Every event up to this id is gone (0: none)."""
    held_by: Optional[str] = None
    """The consumer furthest behind, which keeps what follows (none when there is no consumer)."""


@dataclass(frozen=True)
class PluginLog:
    """A line a plugin logged."""

    level: LogLevel
    """Its level."""
    message: str
    """What it said."""
    at: datetime
    """When."""


@dataclass(frozen=True)
class PluginInfo:
    """A plugin loaded (or refused) on this database handle."""

    name: str
    """Its name (its file's name when it could not say)."""
    path: str
    """The file it was loaded from."""
    capabilities: List[Capability]
    """What it does."""
    state: PluginState
    """Whether it is in use."""
    delivered: int
    """Events it received since it was loaded here."""
    vetoes: int
    """Writes it vetoed since it was loaded here."""
    log: List[PluginLog]
    """Its latest log lines (up to 50), oldest first."""
    version: Optional[str] = None
    """Its version, when it loaded far enough to say."""
    export_format: Optional[str] = None
    """The export format it writes, if any."""
    error: Optional[str] = None
    """Why it failed."""
    cursor: Optional[int] = None
    """An event sink: the last event it has handled (its outbox cursor)."""


@dataclass(frozen=True)
class PluginDelivery:
    """What one event sink received."""

    plugin: str
    """The plugin."""
    delivered: int
    """Events delivered by this call."""
    cursor: int
    """Its cursor afterwards."""
    error: Optional[str] = None
    """Why delivery stopped early (the plugin failed), if it did."""


@dataclass(frozen=True)
class Delivery:
    """What `Database::deliver_events` delivered."""

    plugins: List[PluginDelivery]
    """One entry per active event sink."""


@dataclass(frozen=True)
class ShortLine:
    """One order line that cannot be served."""

    line: int
    """Line number in the order (1-based)."""
    item: int
    """Item id."""
    sku: str
    """Item SKU."""
    warehouse: str
    """Warehouse code."""
    available: Decimal
    """Available quantity."""
    requested: Decimal
    """Quantity the line needs."""


# -- inputs -------------------------------------------------------------------

@dataclass(frozen=True)
class Movement:
    """A request to move stock. Build one with `Movement::receipt`, `Movement::issue`, `Movement::adjustment`, `Movement::count` or `Movement::transfer`, then refine it with the builder methods."""

    kind: MovementKind
    """What kind of movement this is."""
    item: ItemLike
    """The item, by id or SKU."""
    quantity: DecimalLike
    """Quantity (see `MovementKind` for its sign and meaning)."""
    warehouse: Optional[IdLike] = None
    """Warehouse id (the source of a transfer); the default warehouse if absent."""
    to_warehouse: Optional[IdLike] = None
    """Destination warehouse of a transfer."""
    unit_cost: Optional[DecimalLike] = None
    """Unit cost of incoming stock; the prevailing rate when absent (required for purchase receipts and opening balances). On outgoing stock, the rate it leaves at instead of its valuation cost (a correction of a specific receipt): FIFO takes first from the oldest layer at that rate, LIFO from the newest; moving average re-averages what stays."""
    against_receipt: Optional[IdLike] = None
    """For a `supplier_return`: the receipt movement it sends back. The goods leave at that receipt's unit cost unless `unit_cost` names another."""
    reason: Optional[Reason] = None
    """Reason; defaults per kind."""
    note: Optional[str] = None
    """Free-text note (≤ 1000 characters)."""
    reference: Optional[str] = None
    """External reference: order number, delivery note… (≤ 200 characters)."""
    actor: Optional[str] = None
    """Who did it (≤ 200 characters)."""
    effective_at: Optional[datetime] = None
    """When it happened; now if absent. Valuation follows recording order; this instant dates the movement for history and as-of reads."""


@dataclass(frozen=True)
class NewPurchaseLine:
    """A line to order."""

    item: ItemLike
    """The item, by id or SKU."""
    quantity: DecimalLike
    """Quantity ordered (> 0)."""
    unit_cost: DecimalLike
    """Agreed unit cost (≥ 0)."""
    warehouse: Optional[IdLike] = None
    """Receiving warehouse; the default one if absent."""


@dataclass(frozen=True)
class ReceiveLine:
    """Quantity of one line to receive."""

    line: IdLike
    """Purchase line id."""
    quantity: DecimalLike
    """Quantity arriving (> 0, at most the remainder)."""


@dataclass(frozen=True)
class NewOrderLine:
    """A line to order."""

    sku: str
    """Item SKU."""
    quantity: DecimalLike
    """Quantity (> 0)."""
    unit_price: Optional[DecimalLike] = None
    """Unit price (≥ 0), in the order's currency; 0 when absent (a shop that tracks stock only)."""
    warehouse: Optional[IdLike] = None
    """Warehouse id; the default warehouse if absent."""


@dataclass(frozen=True)
class FulfilLine:
    """Quantity of one line, for fulfilment."""

    line: int
    """Line number (1-based, in the order given when placed)."""
    quantity: DecimalLike
    """Quantity shipped (> 0)."""


@dataclass(frozen=True)
class NewOrder:
    """What `crate::Database::place_order` needs."""

    external_id: str
    """The host application's order id (unique)."""
    lines: Iterable[Union[NewOrderLine, Mapping[str, Any]]]
    """At least one line."""
    customer: Optional[Union[Customer, Mapping[str, Any]]] = None
    """Who ordered."""
    currency: Optional[str] = None
    """ISO 4217 currency code (`EUR`); `XXX` (ISO's "no currency") when absent."""
    placed_at: Optional[datetime] = None
    """When it was placed; now if absent."""
    expires_at: Optional[datetime] = None
    """For a cart hold: when its reservations expire unless paid."""
    create_contact: Optional[bool] = None
    """Link the customer to a new contact when no contact matches its external id or email (an order always links to a matching one)."""


@dataclass(frozen=True)
class ReturnLine:
    """Quantity of one line coming back."""

    line: int
    """Line number."""
    quantity: DecimalLike
    """Quantity returned (> 0, at most what shipped and was not returned)."""
    restock: bool
    """Back into stock (at the cost it left with), or scrapped (no stock movement: its value already left at the sale)."""


@dataclass(frozen=True)
class NewStage:
    """A stage to create."""

    name: str
    """Its name, unique in the pipeline."""
    kind: Optional[StageKind] = None
    """Open (default), won or lost."""
    probability: Optional[DecimalLike] = None
    """Default probability of winning, in percent (0–100): 0 for an open stage when absent; a won stage is always 100 and a lost one 0."""


@dataclass(frozen=True)
class WinOrder:
    """The order a win places for the opportunity's lines."""

    external_id: str
    """The order's id in the host application (unique)."""
    warehouse: Optional[IdLike] = None
    """Warehouse of every line; the default warehouse when absent."""


@dataclass(frozen=True)
class Rate:
    """One exchange rate of a `RateTable`."""

    currency: str
    """The currency converted from."""
    rate: DecimalLike
    """Units of the table's currency per unit of this one (> 0)."""


@dataclass(frozen=True)
class RateTable:
    """Exchange rates the caller gives to report amounts in one currency."""

    name: str
    """The table's name, repeated in every definition (`ECB 2026-03-31`)."""
    currency: str
    """The currency everything is converted to."""
    rates: Iterable[Union[Rate, Mapping[str, Any]]]
    """The rates."""


@dataclass(frozen=True)
class Sheet:
    """One sheet: a dataset, and the sheet's name (the dataset's own when left out)."""

    name: Optional[str] = None
    """The sheet's name in the workbook (at most 31 characters, none of `[]:*?/\\`); the dataset's title when left out."""


@dataclass(frozen=True)
class CsvOptions:
    """How csv is written. Every field left out takes the preset's value."""

    preset: Optional[CsvPreset] = None
    """`plain` (default) or `excel`."""
    delimiter: Optional[str] = None
    """The field delimiter: one ASCII character (`,`; `;` for a French Excel)."""
    quote_all: Optional[bool] = None
    """Quote every field, not only those that need it."""
    line_ending: Optional[LineEnding] = None
    """`lf` or `crlf`."""
    bom: Optional[bool] = None
    """Start with a UTF-8 byte order mark."""
    decimal_separator: Optional[str] = None
    """`.` or `,` between units and decimals."""
    neutralise_formulas: Optional[bool] = None
    """Prefix with `'` every text that a spreadsheet could run as a formula (default true; turn off for csv read by programs only)."""


@dataclass(frozen=True)
class XlsxOptions:
    """How xlsx is written."""

    max_rows_per_sheet: Optional[int] = None
    """Rows per sheet, header included, before the dataset continues on a new sheet (`Movements (2)`): Excel's 1,048,576 when left out; lower it to split large exports (at least 2)."""
    long_text: Optional[LongText] = None
    """Texts past 32,767 characters: `cut` (default) or `refuse`."""


# -- operations -------------------------------------------------------------

class Operations:
    """Every operation of the catalogue, one typed method each."""

    def _run(self, op: str, request: Dict[str, Any], spread: Tuple[str, ...]) -> Any:
        raise NotImplementedError

    def info(
        self,
    ) -> Info:
        """Library, schema and SQLite versions, and the business time zone.
        """
        raw = self._run("info", args({}), ())
        return build(Info, raw)

    def create_item(
        self,
        sku: str,
        name: str,
        *,
        unit: Optional[str] = None,
        kind: Optional[ItemKind] = None,
        valuation: Optional[ValuationMethod] = None,
        reorder_point: Optional[DecimalLike] = None,
        allow_negative: Optional[bool] = None,
    ) -> Item:
        """Creates an item; its SKU must be new (`already_exists`).

        sku: Unique SKU: 1–64 characters, no control characters.
        name: Display name, 1–200 characters.
        unit: Unit of measure; `pcs` by default.
        kind: `material` by default.
        valuation: `fifo` by default.
        reorder_point: Optional low-stock threshold (≥ 0).
        allow_negative: Negative stock is refused unless this is true.
        """
        raw = self._run("create_item", args({"item": args({"sku": sku, "name": name, "unit": unit, "kind": kind, "valuation": valuation, "reorder_point": reorder_point, "allow_negative": allow_negative})}), ("item",))
        return build(Item, raw)

    def update_item(
        self,
        id: ItemLike,
        *,
        name: Optional[str] = None,
        unit: Optional[str] = None,
        kind: Optional[ItemKind] = None,
        valuation: Optional[ValuationMethod] = None,
        reorder_point: Any = UNSET,
        allow_negative: Optional[bool] = None,
        active: Optional[bool] = None,
    ) -> Item:
        """Changes the given fields of an item (by id or SKU); `reorder_point: null` clears it. The valuation method can change only before the first movement.

        name: New display name.
        unit: New unit of measure.
        kind: New kind.
        valuation: New valuation method: only while the item has no movements.
        reorder_point: New reorder point; `null` clears it.
        allow_negative: Allow or refuse negative stock from now on.
        active: Reactivate or deactivate.
        """
        raw = self._run("update_item", args({"id": id, "changes": args({"name": name, "unit": unit, "kind": kind, "valuation": valuation, "reorder_point": reorder_point, "allow_negative": allow_negative, "active": active}, keep_null=("reorder_point",))}), ("changes",))
        return build(Item, raw)

    def deactivate_item(
        self,
        id: ItemLike,
    ) -> Item:
        """Deactivates an item: it keeps its history and stock and receives nothing more.
        """
        raw = self._run("deactivate_item", args({"id": id}), ())
        return build(Item, raw)

    def item(
        self,
        id: ItemLike,
    ) -> Item:
        """The item with this id or SKU.
        """
        raw = self._run("item", args({"id": id}), ())
        return build(Item, raw)

    def item_by_sku(
        self,
        sku: str,
    ) -> Item:
        """The item with this SKU.
        """
        raw = self._run("item_by_sku", args({"sku": sku}), ())
        return build(Item, raw)

    def items(
        self,
        *,
        active: Optional[bool] = None,
        kind: Optional[ItemKind] = None,
        search: Optional[str] = None,
        limit: Optional[int] = None,
        after: Optional[IdLike] = None,
    ) -> Page[Item]:
        """Items matching the filter, by id, one page at a time.

        active: Only active (`true`) or inactive (`false`) items.
        kind: Only this kind.
        search: SKU or name contains this text (case-insensitive for ASCII).
        limit: Rows per page, 1–1000 (default 100).
        after: The `next` cursor of the previous page; `None` for the first page.
        """
        raw = self._run("items", args({"filter": args({"active": active, "kind": kind, "search": search, "limit": limit, "after": after})}), ("filter",))
        return build_page(Item, raw)

    def iter_items(
        self,
        *,
        active: Optional[bool] = None,
        kind: Optional[ItemKind] = None,
        search: Optional[str] = None,
        limit: Optional[int] = None,
    ) -> Iterator[Item]:
        """Every row of ``items``, fetched page by page (``limit`` rows a page)."""
        after: Optional[int] = None
        while True:
            page = self.items(active=active, kind=kind, search=search, limit=limit, after=after)
            yield from page.items
            if page.next is None:
                return
            after = page.next

    def create_warehouse(
        self,
        code: str,
        name: str,
        *,
        is_default: Optional[bool] = None,
    ) -> Warehouse:
        """Creates a warehouse; its code must be new.

        code: Unique code: 1–32 characters, no spaces or control characters.
        name: Display name.
        is_default: Make it the default warehouse (the previous default stops being one).
        """
        raw = self._run("create_warehouse", args({"warehouse": args({"code": code, "name": name, "is_default": is_default})}), ("warehouse",))
        return build(Warehouse, raw)

    def update_warehouse(
        self,
        id: IdLike,
        *,
        name: Optional[str] = None,
        is_default: Optional[bool] = None,
        active: Optional[bool] = None,
    ) -> Warehouse:
        """Changes the given fields of a warehouse.

        name: New display name.
        is_default: `Some(true)` makes it the default (only `true` is accepted: another warehouse becomes default by being made default itself).
        active: Reactivate or deactivate (the default warehouse cannot be deactivated).
        """
        raw = self._run("update_warehouse", args({"id": id, "changes": args({"name": name, "is_default": is_default, "active": active})}), ("changes",))
        return build(Warehouse, raw)

    def deactivate_warehouse(
        self,
        id: IdLike,
    ) -> Warehouse:
        """Deactivates a warehouse (not the default one).
        """
        raw = self._run("deactivate_warehouse", args({"id": id}), ())
        return build(Warehouse, raw)

    def warehouse(
        self,
        id: IdLike,
    ) -> Warehouse:
        """The warehouse with this id.
        """
        raw = self._run("warehouse", args({"id": id}), ())
        return build(Warehouse, raw)

    def warehouse_by_code(
        self,
        code: str,
    ) -> Warehouse:
        """The warehouse with this code.
        """
        raw = self._run("warehouse_by_code", args({"code": code}), ())
        return build(Warehouse, raw)

    def default_warehouse(
        self,
    ) -> Warehouse:
        """The default warehouse (where movements without a warehouse go).
        """
        raw = self._run("default_warehouse", args({}), ())
        return build(Warehouse, raw)

    def warehouses(
        self,
        *,
        active: Optional[bool] = None,
        limit: Optional[int] = None,
        after: Optional[IdLike] = None,
    ) -> Page[Warehouse]:
        """Warehouses matching the filter, by id.

        active: Only active (`true`) or inactive (`false`) warehouses.
        limit: Rows per page, 1–1000 (default 100).
        after: The `next` cursor of the previous page; `None` for the first page.
        """
        raw = self._run("warehouses", args({"filter": args({"active": active, "limit": limit, "after": after})}), ("filter",))
        return build_page(Warehouse, raw)

    def iter_warehouses(
        self,
        *,
        active: Optional[bool] = None,
        limit: Optional[int] = None,
    ) -> Iterator[Warehouse]:
        """Every row of ``warehouses``, fetched page by page (``limit`` rows a page)."""
        after: Optional[int] = None
        while True:
            page = self.warehouses(active=active, limit=limit, after=after)
            yield from page.items
            if page.next is None:
                return
            after = page.next

    def create_supplier(
        self,
        name: str,
        *,
        email: Optional[str] = None,
        phone: Optional[str] = None,
        notes: Optional[str] = None,
    ) -> Supplier:
        """Creates a supplier.

        name: Display name, 1–200 characters.
        email: Contact e-mail (must contain `@`).
        phone: Contact phone.
        notes: Free notes.
        """
        raw = self._run("create_supplier", args({"supplier": args({"name": name, "email": email, "phone": phone, "notes": notes})}), ("supplier",))
        return build(Supplier, raw)

    def update_supplier(
        self,
        id: IdLike,
        *,
        name: Optional[str] = None,
        email: Optional[str] = None,
        phone: Optional[str] = None,
        notes: Optional[str] = None,
        active: Optional[bool] = None,
    ) -> Supplier:
        """Changes the given fields of a supplier (`""` clears an optional one).

        name: New name.
        email: New e-mail (`""` clears).
        phone: New phone (`""` clears).
        notes: New notes (`""` clears).
        active: Reactivate or deactivate.
        """
        raw = self._run("update_supplier", args({"id": id, "changes": args({"name": name, "email": email, "phone": phone, "notes": notes, "active": active})}), ("changes",))
        return build(Supplier, raw)

    def deactivate_supplier(
        self,
        id: IdLike,
    ) -> Supplier:
        """Deactivates a supplier.
        """
        raw = self._run("deactivate_supplier", args({"id": id}), ())
        return build(Supplier, raw)

    def supplier(
        self,
        id: IdLike,
    ) -> Supplier:
        """The supplier with this id.
        """
        raw = self._run("supplier", args({"id": id}), ())
        return build(Supplier, raw)

    def suppliers(
        self,
        *,
        active: Optional[bool] = None,
        search: Optional[str] = None,
        limit: Optional[int] = None,
        after: Optional[IdLike] = None,
    ) -> Page[Supplier]:
        """Suppliers matching the filter, by id.

        active: Only active (`true`) or inactive (`false`) suppliers.
        search: Name or e-mail contains this text.
        limit: Rows per page, 1–1000 (default 100).
        after: The `next` cursor of the previous page; `None` for the first page.
        """
        raw = self._run("suppliers", args({"filter": args({"active": active, "search": search, "limit": limit, "after": after})}), ("filter",))
        return build_page(Supplier, raw)

    def iter_suppliers(
        self,
        *,
        active: Optional[bool] = None,
        search: Optional[str] = None,
        limit: Optional[int] = None,
    ) -> Iterator[Supplier]:
        """Every row of ``suppliers``, fetched page by page (``limit`` rows a page)."""
        after: Optional[int] = None
        while True:
            page = self.suppliers(active=active, search=search, limit=limit, after=after)
            yield from page.items
            if page.next is None:
                return
            after = page.next

    def post(
        self,
        movement: Union[Movement, Mapping[str, Any]],
        *,
        idempotency_key: Optional[str] = None,
    ) -> Posted:
        """Posts one movement in its own transaction; refuses negative stock unless the item allows it.

        With ``idempotency_key``, the same request again returns the first
        result and writes nothing.
        """
        raw = self._run("post", args({"movement": movement, "idempotency_key": idempotency_key}), ())
        return build(Posted, raw)

    def post_batch(
        self,
        movements: Iterable[Union[Movement, Mapping[str, Any]]],
        *,
        idempotency_key: Optional[str] = None,
        summary: Optional[bool] = None,
    ) -> PostedBatch:
        """Posts many movements in one transaction: all of them or none; a refusal names the failing entry (`index`). With `summary`, only the count and the ids come back.

        With ``idempotency_key``, the same request again returns the first
        result and writes nothing.
        """
        raw = self._run("post_batch", args({"movements": movements, "idempotency_key": idempotency_key, "summary": summary}), ())
        return build(PostedBatch, raw)

    def stock(
        self,
        item: ItemLike,
        warehouse: Optional[IdLike] = None,
    ) -> StockLevel:
        """Stock of an item (by id or SKU) in one warehouse, or across all.
        """
        raw = self._run("stock", args({"item": item, "warehouse": warehouse}), ())
        return build(StockLevel, raw)

    def stock_by_warehouse(
        self,
        item: ItemLike,
    ) -> List[StockLevel]:
        """Stock of an item in each warehouse that ever held it.
        """
        raw = self._run("stock_by_warehouse", args({"item": item}), ())
        return [build(StockLevel, r) for r in raw]

    def stock_levels(
        self,
        *,
        warehouse: Optional[IdLike] = None,
        low_stock_only: Optional[bool] = None,
        active_only: Optional[bool] = None,
        limit: Optional[int] = None,
        after: Optional[IdLike] = None,
    ) -> Page[StockLevel]:
        """Stock of every item (totals, or in one warehouse), one page at a time.

        warehouse: One warehouse; totals over all warehouses when absent.
        low_stock_only: Only items whose available quantity is at or below their reorder point.
        active_only: Only active items (default: all).
        limit: Rows per page, 1–1000 (default 100).
        after: The `next` cursor of the previous page; `None` for the first page.
        """
        raw = self._run("stock_levels", args({"filter": args({"warehouse": warehouse, "low_stock_only": low_stock_only, "active_only": active_only, "limit": limit, "after": after})}), ("filter",))
        return build_page(StockLevel, raw)

    def iter_stock_levels(
        self,
        *,
        warehouse: Optional[IdLike] = None,
        low_stock_only: Optional[bool] = None,
        active_only: Optional[bool] = None,
        limit: Optional[int] = None,
    ) -> Iterator[StockLevel]:
        """Every row of ``stock_levels``, fetched page by page (``limit`` rows a page)."""
        after: Optional[int] = None
        while True:
            page = self.stock_levels(warehouse=warehouse, low_stock_only=low_stock_only, active_only=active_only, limit=limit, after=after)
            yield from page.items
            if page.next is None:
                return
            after = page.next

    def stock_value(
        self,
        warehouse: Optional[IdLike] = None,
    ) -> Decimal:
        """Total stock value, in one warehouse or all.
        """
        raw = self._run("stock_value", args({"warehouse": warehouse}), ())
        return Decimal(raw)

    def stock_as_of(
        self,
        item: ItemLike,
        at: datetime,
        warehouse: Optional[IdLike] = None,
    ) -> StockAt:
        """Stock and value of an item as of an instant (movements effective at or before it).
        """
        raw = self._run("stock_as_of", args({"item": item, "warehouse": warehouse, "at": at}), ())
        return build(StockAt, raw)

    def cost_layers(
        self,
        item: ItemLike,
        warehouse: Optional[IdLike] = None,
    ) -> CostLayers:
        """The open FIFO / LIFO cost layers of an item in a warehouse (the default one when none is given), oldest first, each with the receipt that opened it.
        """
        raw = self._run("cost_layers", args({"item": item, "warehouse": warehouse}), ())
        return build(CostLayers, raw)

    def movements(
        self,
        *,
        item: Optional[ItemLike] = None,
        warehouse: Optional[IdLike] = None,
        reason: Optional[Reason] = None,
        from_: Optional[datetime] = None,
        to: Optional[datetime] = None,
        reference: Optional[str] = None,
        order: Optional[SortOrder] = None,
        limit: Optional[int] = None,
        after: Optional[IdLike] = None,
    ) -> Page[MovementRecord]:
        """Movement history matching the filter, one page at a time.

        item: Only this item (by id or SKU).
        warehouse: Only this warehouse.
        reason: Only this reason.
        from_: Effective at or after this instant.
        to: Effective strictly before this instant.
        reference: Only this exact external reference.
        order: Newest first (default) or oldest first.
        limit: Rows per page, 1–1000 (default 100).
        after: The `next` cursor of the previous page; `None` for the first page.
        """
        raw = self._run("movements", args({"filter": args({"item": item, "warehouse": warehouse, "reason": reason, "from": from_, "to": to, "reference": reference, "order": order, "limit": limit, "after": after})}), ("filter",))
        return build_page(MovementRecord, raw)

    def iter_movements(
        self,
        *,
        item: Optional[ItemLike] = None,
        warehouse: Optional[IdLike] = None,
        reason: Optional[Reason] = None,
        from_: Optional[datetime] = None,
        to: Optional[datetime] = None,
        reference: Optional[str] = None,
        order: Optional[SortOrder] = None,
        limit: Optional[int] = None,
    ) -> Iterator[MovementRecord]:
        """Every row of ``movements``, fetched page by page (``limit`` rows a page)."""
        after: Optional[int] = None
        while True:
            page = self.movements(item=item, warehouse=warehouse, reason=reason, from_=from_, to=to, reference=reference, order=order, limit=limit, after=after)
            yield from page.items
            if page.next is None:
                return
            after = page.next

    def create_purchase_order(
        self,
        supplier: IdLike,
        reference: str,
        lines: Iterable[Union[NewPurchaseLine, Mapping[str, Any]]],
        *,
        note: Optional[str] = None,
    ) -> PurchaseOrder:
        """Creates a purchase order with its lines (status `open`).

        supplier: Supplier id (active).
        reference: Unique order reference (`PO-2025-0042`).
        note: Free-text note.
        lines: At least one line.
        """
        raw = self._run("create_purchase_order", args({"order": args({"supplier": supplier, "reference": reference, "note": note, "lines": lines})}), ("order",))
        return build(PurchaseOrder, raw)

    def purchase_order(
        self,
        id: IdLike,
    ) -> PurchaseOrder:
        """The purchase order with this id, with its lines.
        """
        raw = self._run("purchase_order", args({"id": id}), ())
        return build(PurchaseOrder, raw)

    def purchase_orders(
        self,
        *,
        supplier: Optional[IdLike] = None,
        status: Optional[PurchaseStatus] = None,
        limit: Optional[int] = None,
        after: Optional[IdLike] = None,
    ) -> Page[PurchaseOrder]:
        """Purchase orders matching the filter, by id.

        supplier: Only this supplier's orders.
        status: Only orders in this status.
        limit: Rows per page, 1–1000 (default 100).
        after: The `next` cursor of the previous page; `None` for the first page.
        """
        raw = self._run("purchase_orders", args({"filter": args({"supplier": supplier, "status": status, "limit": limit, "after": after})}), ("filter",))
        return build_page(PurchaseOrder, raw)

    def iter_purchase_orders(
        self,
        *,
        supplier: Optional[IdLike] = None,
        status: Optional[PurchaseStatus] = None,
        limit: Optional[int] = None,
    ) -> Iterator[PurchaseOrder]:
        """Every row of ``purchase_orders``, fetched page by page (``limit`` rows a page)."""
        after: Optional[int] = None
        while True:
            page = self.purchase_orders(supplier=supplier, status=status, limit=limit, after=after)
            yield from page.items
            if page.next is None:
                return
            after = page.next

    def receive_purchase(
        self,
        order: IdLike,
        *,
        lines: Optional[Iterable[Union[ReceiveLine, Mapping[str, Any]]]] = None,
        actor: Optional[str] = None,
        note: Optional[str] = None,
        effective_at: Optional[datetime] = None,
        idempotency_key: Optional[str] = None,
    ) -> PurchaseReceived:
        """Receives lines of a purchase order, or all still expected when `lines` is left out (an empty list is refused), posting one receipt per line at the line's cost.

        With ``idempotency_key``, the same request again returns the first
        result and writes nothing.

        lines: Lines arriving; `None` means "everything still expected" (an empty list is refused: it never means "all").
        actor: Who received it.
        note: Free-text note (delivery note number…).
        effective_at: When it arrived; now if absent.
        """
        raw = self._run("receive_purchase", args({"order": order, "receipt": args({"lines": lines, "actor": actor, "note": note, "effective_at": effective_at}), "idempotency_key": idempotency_key}), ("receipt",))
        return build(PurchaseReceived, raw)

    def cancel_purchase_remainder(
        self,
        order: IdLike,
    ) -> PurchaseOrder:
        """Cancels what is still expected on a purchase order.
        """
        raw = self._run("cancel_purchase_remainder", args({"order": order}), ())
        return build(PurchaseOrder, raw)

    def verify(
        self,
    ) -> VerifyReport:
        """Replays the ledger and reports every drift (none on a healthy database).
        """
        raw = self._run("verify", args({}), ())
        return build(VerifyReport, raw)

    def stock_policy(
        self,
    ) -> StockPolicy:
        """How placing an order touches stock in this database.
        """
        raw = self._run("stock_policy", args({}), ())
        return cast(StockPolicy, raw)

    def set_stock_policy(
        self,
        policy: StockPolicy,
    ) -> StockPolicy:
        """Chooses how placing an order touches stock from now on.
        """
        raw = self._run("set_stock_policy", args({"policy": policy}), ())
        return cast(StockPolicy, raw)

    def place_order(
        self,
        external_id: str,
        lines: Iterable[Union[NewOrderLine, Mapping[str, Any]]],
        *,
        customer: Optional[Union[Customer, Mapping[str, Any]]] = None,
        currency: Optional[str] = None,
        placed_at: Optional[datetime] = None,
        expires_at: Optional[datetime] = None,
        create_contact: Optional[bool] = None,
        idempotency_key: Optional[str] = None,
    ) -> Order:
        """Places an order keyed by the shop's own id: every line reserved (or issued, with `decrement_on_sale`) or none; a short order lists every short line.

        With ``idempotency_key``, the same request again returns the first
        result and writes nothing.

        external_id: The host application's order id (unique).
        customer: Who ordered.
        currency: ISO 4217 currency code (`EUR`); `XXX` (ISO's "no currency") when absent.
        lines: At least one line.
        placed_at: When it was placed; now if absent.
        expires_at: For a cart hold: when its reservations expire unless paid.
        create_contact: Link the customer to a new contact when no contact matches its external id or email (an order always links to a matching one).
        """
        raw = self._run("place_order", args({"order": args({"external_id": external_id, "customer": customer, "currency": currency, "lines": lines, "placed_at": placed_at, "expires_at": expires_at, "create_contact": create_contact}), "idempotency_key": idempotency_key}), ("order",))
        return build(Order, raw)

    def pay_order(
        self,
        external_id: str,
        *,
        idempotency_key: Optional[str] = None,
    ) -> Order:
        """Records payment; a paid order no longer expires.

        With ``idempotency_key``, the same request again returns the first
        result and writes nothing.
        """
        raw = self._run("pay_order", args({"external_id": external_id, "idempotency_key": idempotency_key}), ())
        return build(Order, raw)

    def fulfil_order(
        self,
        external_id: str,
        lines: Optional[Iterable[Union[FulfilLine, Mapping[str, Any]]]] = None,
        *,
        idempotency_key: Optional[str] = None,
    ) -> Order:
        """Records shipment of lines, or of everything not yet shipped when `lines` is left out (an empty list is refused).

        With ``idempotency_key``, the same request again returns the first
        result and writes nothing.
        """
        raw = self._run("fulfil_order", args({"external_id": external_id, "lines": lines, "idempotency_key": idempotency_key}), ())
        return build(Order, raw)

    def cancel_order(
        self,
        external_id: str,
        *,
        idempotency_key: Optional[str] = None,
    ) -> Order:
        """Cancels an order: reservations released, what shipped back at the cost it left with.

        With ``idempotency_key``, the same request again returns the first
        result and writes nothing.
        """
        raw = self._run("cancel_order", args({"external_id": external_id, "idempotency_key": idempotency_key}), ())
        return build(Order, raw)

    def replace_order(
        self,
        external_id: str,
        order: Union[NewOrder, Mapping[str, Any]],
        *,
        idempotency_key: Optional[str] = None,
    ) -> Order:
        """Replaces an order nothing of which has shipped by a new one in one transaction: the old one cancelled, the new one placed (and paid when the old one was); a short replacement leaves the old order as it was.

        With ``idempotency_key``, the same request again returns the first
        result and writes nothing.
        """
        raw = self._run("replace_order", args({"external_id": external_id, "order": order, "idempotency_key": idempotency_key}), ())
        return build(Order, raw)

    def return_order(
        self,
        external_id: str,
        lines: Iterable[Union[ReturnLine, Mapping[str, Any]]],
        *,
        idempotency_key: Optional[str] = None,
    ) -> Order:
        """Records goods coming back: restocked at the cost they left with, or scrapped.

        With ``idempotency_key``, the same request again returns the first
        result and writes nothing.
        """
        raw = self._run("return_order", args({"external_id": external_id, "lines": lines, "idempotency_key": idempotency_key}), ())
        return build(Order, raw)

    def expire_reservations(
        self,
        now: datetime,
    ) -> List[str]:
        """Expires unpaid, unshipped orders whose hold ended at or before `now`; returns their external ids.
        """
        raw = self._run("expire_reservations", args({"now": now}), ())
        return [str(r) for r in raw]

    def order(
        self,
        external_id: str,
    ) -> Order:
        """The order with this external id, with its lines, reservations, movements and history.
        """
        raw = self._run("order", args({"external_id": external_id}), ())
        return build(Order, raw)

    def orders(
        self,
        *,
        status: Optional[OrderStatus] = None,
        contact: Optional[IdLike] = None,
        from_: Optional[datetime] = None,
        to: Optional[datetime] = None,
        limit: Optional[int] = None,
        after: Optional[IdLike] = None,
    ) -> Page[Order]:
        """Orders matching the filter (status, contact, placing time), by id, one page at a time.

        status: Only orders in this status.
        contact: Only orders linked to this CRM contact.
        from_: Placed at or after this instant.
        to: Placed strictly before this instant.
        limit: Rows per page, 1–1000 (default 100).
        after: The `next` cursor of the previous page; `None` for the first page.
        """
        raw = self._run("orders", args({"filter": args({"status": status, "contact": contact, "from": from_, "to": to, "limit": limit, "after": after})}), ("filter",))
        return build_page(Order, raw)

    def iter_orders(
        self,
        *,
        status: Optional[OrderStatus] = None,
        contact: Optional[IdLike] = None,
        from_: Optional[datetime] = None,
        to: Optional[datetime] = None,
        limit: Optional[int] = None,
    ) -> Iterator[Order]:
        """Every row of ``orders``, fetched page by page (``limit`` rows a page)."""
        after: Optional[int] = None
        while True:
            page = self.orders(status=status, contact=contact, from_=from_, to=to, limit=limit, after=after)
            yield from page.items
            if page.next is None:
                return
            after = page.next

    def crm_settings(
        self,
    ) -> CrmSettings:
        """The CRM's settings: the default country of phone numbers and the lost reasons.
        """
        raw = self._run("crm_settings", args({}), ())
        return build(CrmSettings, raw)

    def set_default_country(
        self,
        country: Optional[str] = None,
        *,
        idempotency_key: Optional[str] = None,
    ) -> CrmSettings:
        """Sets the country (ISO 3166 alpha-2, `FR`) that phone numbers without a country code are read in; `null` clears it.

        With ``idempotency_key``, the same request again returns the first
        result and writes nothing.
        """
        raw = self._run("set_default_country", args({"country": country, "idempotency_key": idempotency_key}), ())
        return build(CrmSettings, raw)

    def create_contact(
        self,
        name: str,
        *,
        kind: Optional[ContactKind] = None,
        company: Optional[IdLike] = None,
        emails: Optional[Iterable[str]] = None,
        phones: Optional[Iterable[str]] = None,
        tags: Optional[Iterable[str]] = None,
        source: Optional[str] = None,
        owner: Optional[str] = None,
        external_id: Optional[str] = None,
        notes: Optional[str] = None,
        custom: Optional[Mapping[str, Any]] = None,
        idempotency_key: Optional[str] = None,
    ) -> Contact:
        """Creates a contact (a person or a company); a taken external id is `already_exists`.

        With ``idempotency_key``, the same request again returns the first
        result and writes nothing.

        kind: Person (default) or company.
        name: Full name (a person) or company name.
        company: For a person: the id of the company contact it belongs to.
        emails: Email addresses, most used first (matched trimmed and case-folded).
        phones: Phone numbers as written; matched in E.164, read in the database's default country when they have no `+` country code.
        tags: Tags (each 1–50 characters).
        source: Where the contact came from (`website`, `fair-2026`, `order`).
        owner: Who looks after it (a user name of the host application).
        external_id: The host application's id for it (unique).
        notes: Free notes.
        custom: Custom fields: any JSON object (at most 64 KiB as JSON); an empty list `[]` is read as `{}` (what PHP's `json_encode([])` gives).
        """
        raw = self._run("create_contact", args({"contact": args({"kind": kind, "name": name, "company": company, "emails": emails, "phones": phones, "tags": tags, "source": source, "owner": owner, "external_id": external_id, "notes": notes, "custom": custom}), "idempotency_key": idempotency_key}), ("contact",))
        return build(Contact, raw)

    def update_contact(
        self,
        id: IdLike,
        *,
        name: Optional[str] = None,
        company: Any = UNSET,
        emails: Optional[Iterable[str]] = None,
        phones: Optional[Iterable[str]] = None,
        tags: Optional[Iterable[str]] = None,
        source: Any = UNSET,
        owner: Any = UNSET,
        external_id: Any = UNSET,
        notes: Any = UNSET,
        custom: Optional[Mapping[str, Any]] = None,
        idempotency_key: Optional[str] = None,
    ) -> Contact:
        """Changes the given fields of a contact; a list given replaces the list.

        With ``idempotency_key``, the same request again returns the first
        result and writes nothing.

        name: New name.
        company: New company; `null` detaches the person.
        emails: New emails (replace the list).
        phones: New phones (replace the list).
        tags: New tags (replace the list).
        source: New source; `null` clears it.
        owner: New owner; `null` clears it.
        external_id: New external id; `null` clears it.
        notes: New notes; `null` clears them.
        custom: New custom fields (replace the object; `[]` is read as `{}`).
        """
        raw = self._run("update_contact", args({"id": id, "changes": args({"name": name, "company": company, "emails": emails, "phones": phones, "tags": tags, "source": source, "owner": owner, "external_id": external_id, "notes": notes, "custom": custom}, keep_null=("company", "source", "owner", "external_id", "notes",)), "idempotency_key": idempotency_key}), ("changes",))
        return build(Contact, raw)

    def archive_contact(
        self,
        id: IdLike,
        *,
        idempotency_key: Optional[str] = None,
    ) -> Contact:
        """Archives a contact: it keeps its history and leaves the default lists.

        With ``idempotency_key``, the same request again returns the first
        result and writes nothing.
        """
        raw = self._run("archive_contact", args({"id": id, "idempotency_key": idempotency_key}), ())
        return build(Contact, raw)

    def restore_contact(
        self,
        id: IdLike,
        *,
        idempotency_key: Optional[str] = None,
    ) -> Contact:
        """Brings an archived contact back.

        With ``idempotency_key``, the same request again returns the first
        result and writes nothing.
        """
        raw = self._run("restore_contact", args({"id": id, "idempotency_key": idempotency_key}), ())
        return build(Contact, raw)

    def contact(
        self,
        id: IdLike,
    ) -> Contact:
        """The contact with this id (a merged one names its survivor in `merged_into`).
        """
        raw = self._run("contact", args({"id": id}), ())
        return build(Contact, raw)

    def contact_by_external_id(
        self,
        external_id: str,
    ) -> Contact:
        """The contact with this external id.
        """
        raw = self._run("contact_by_external_id", args({"external_id": external_id}), ())
        return build(Contact, raw)

    def contacts(
        self,
        *,
        search: Optional[str] = None,
        kind: Optional[ContactKind] = None,
        status: Optional[ContactStatus] = None,
        company: Optional[IdLike] = None,
        owner: Optional[str] = None,
        tag: Optional[str] = None,
        email: Optional[str] = None,
        phone: Optional[str] = None,
        source: Optional[str] = None,
        limit: Optional[int] = None,
        after: Optional[IdLike] = None,
    ) -> Page[Contact]:
        """Contacts matching the filter (free search on name, email, phone and tag, or exact fields), by id, one page at a time.

        search: Free search: the name contains it (any case), or an email contains it, or a phone equals it once normalised, or a tag equals it.
        kind: Only this kind.
        status: Only this status; `active` when left out.
        company: Only people of this company.
        owner: Only contacts this owner looks after.
        tag: Only contacts with this tag.
        email: Only contacts with this email (compared normalised).
        phone: Only contacts with this phone (compared in E.164).
        source: Only contacts from this source.
        limit: Rows per page, 1–1000 (default 100).
        after: The `next` cursor of the previous page; `None` for the first page.
        """
        raw = self._run("contacts", args({"filter": args({"search": search, "kind": kind, "status": status, "company": company, "owner": owner, "tag": tag, "email": email, "phone": phone, "source": source, "limit": limit, "after": after})}), ("filter",))
        return build_page(Contact, raw)

    def iter_contacts(
        self,
        *,
        search: Optional[str] = None,
        kind: Optional[ContactKind] = None,
        status: Optional[ContactStatus] = None,
        company: Optional[IdLike] = None,
        owner: Optional[str] = None,
        tag: Optional[str] = None,
        email: Optional[str] = None,
        phone: Optional[str] = None,
        source: Optional[str] = None,
        limit: Optional[int] = None,
    ) -> Iterator[Contact]:
        """Every row of ``contacts``, fetched page by page (``limit`` rows a page)."""
        after: Optional[int] = None
        while True:
            page = self.contacts(search=search, kind=kind, status=status, company=company, owner=owner, tag=tag, email=email, phone=phone, source=source, limit=limit, after=after)
            yield from page.items
            if page.next is None:
                return
            after = page.next

    def contact_orders(
        self,
        contact: IdLike,
        *,
        limit: Optional[int] = None,
        after: Optional[IdLike] = None,
    ) -> Page[Order]:
        """The orders linked to a contact, by id, one page at a time.

        limit: Rows per page, 1–1000 (default 100).
        after: The `next` cursor of the previous page; `None` for the first page.
        """
        raw = self._run("contact_orders", args({"contact": contact, "page": args({"limit": limit, "after": after})}), ("page",))
        return build_page(Order, raw)

    def iter_contact_orders(
        self,
        contact: IdLike,
        *,
        limit: Optional[int] = None,
    ) -> Iterator[Order]:
        """Every row of ``contact_orders``, fetched page by page (``limit`` rows a page)."""
        after: Optional[int] = None
        while True:
            page = self.contact_orders(contact=contact, limit=limit, after=after)
            yield from page.items
            if page.next is None:
                return
            after = page.next

    def duplicate_contacts(
        self,
        *,
        contact: Optional[IdLike] = None,
        min_score: Optional[int] = None,
        limit: Optional[int] = None,
    ) -> List[DuplicatePair]:
        """Candidate duplicate contacts, best first, with a score and the reasons.

        contact: Only pairs including this contact.
        min_score: Lowest score listed, 1–100 (default 50).
        limit: At most this many pairs, best first (default 100, at most 1000).
        """
        raw = self._run("duplicate_contacts", args({"filter": args({"contact": contact, "min_score": min_score, "limit": limit})}), ("filter",))
        return [build(DuplicatePair, r) for r in raw]

    def merge_contacts(
        self,
        merged: IdLike,
        into: IdLike,
        actor: Optional[str] = None,
        *,
        idempotency_key: Optional[str] = None,
    ) -> ContactMerge:
        """Merges contact `merged` into `into`: interactions, opportunities and orders move to the survivor; the merge records what moved.

        With ``idempotency_key``, the same request again returns the first
        result and writes nothing.
        """
        raw = self._run("merge_contacts", args({"merged": merged, "into": into, "actor": actor, "idempotency_key": idempotency_key}), ())
        return build(ContactMerge, raw)

    def erase_contact(
        self,
        id: IdLike,
        actor: Optional[str] = None,
        reason: Optional[str] = None,
        *,
        idempotency_key: Optional[str] = None,
    ) -> ContactErasure:
        """Erases a contact's personal data; its orders, movements and opportunity history stay, and the erasure is recorded.

        With ``idempotency_key``, the same request again returns the first
        result and writes nothing.
        """
        raw = self._run("erase_contact", args({"id": id, "actor": actor, "reason": reason, "idempotency_key": idempotency_key}), ())
        return build(ContactErasure, raw)

    def contact_history(
        self,
        id: IdLike,
    ) -> ContactHistory:
        """The merges into or of a contact, and its erasure.
        """
        raw = self._run("contact_history", args({"id": id}), ())
        return build(ContactHistory, raw)

    def log_interaction(
        self,
        kind: InteractionKind,
        contact: IdLike,
        summary: str,
        *,
        opportunity: Optional[IdLike] = None,
        author: Optional[str] = None,
        at: Optional[datetime] = None,
        due: Optional[date] = None,
        done: Optional[bool] = None,
        idempotency_key: Optional[str] = None,
    ) -> Interaction:
        """Logs a call, email, meeting, note or task with a contact.

        With ``idempotency_key``, the same request again returns the first
        result and writes nothing.

        kind: Call, email, meeting, note or task.
        contact: The contact it is with.
        opportunity: The opportunity it is about (of the contact, its company or its people).
        author: Who did it, or will.
        summary: What it was about.
        at: When it happened or is planned; now if absent.
        due: For a task: the day it is due.
        done: For a task: already done.
        """
        raw = self._run("log_interaction", args({"interaction": args({"kind": kind, "contact": contact, "opportunity": opportunity, "author": author, "summary": summary, "at": at, "due": due, "done": done}), "idempotency_key": idempotency_key}), ("interaction",))
        return build(Interaction, raw)

    def complete_task(
        self,
        id: IdLike,
        *,
        idempotency_key: Optional[str] = None,
    ) -> Interaction:
        """Marks a task done.

        With ``idempotency_key``, the same request again returns the first
        result and writes nothing.
        """
        raw = self._run("complete_task", args({"id": id, "idempotency_key": idempotency_key}), ())
        return build(Interaction, raw)

    def interaction(
        self,
        id: IdLike,
    ) -> Interaction:
        """The interaction with this id.
        """
        raw = self._run("interaction", args({"id": id}), ())
        return build(Interaction, raw)

    def interactions(
        self,
        *,
        when: Optional[InteractionWhen] = None,
        contact: Optional[IdLike] = None,
        opportunity: Optional[IdLike] = None,
        owner: Optional[str] = None,
        kind: Optional[InteractionKind] = None,
        now: Optional[datetime] = None,
        limit: Optional[int] = None,
        after: Optional[IdLike] = None,
    ) -> Page[Interaction]:
        """Recent or planned interactions per contact, opportunity or owner, one page at a time.

        when: Recent (default), planned, or all.
        contact: Only with this contact.
        opportunity: Only about this opportunity.
        owner: Only by this author (the owner who did it or will).
        kind: Only this kind.
        now: The instant that splits recent from planned; now if absent.
        limit: Rows per page, 1–1000 (default 100).
        after: The `next` cursor of the previous page; `None` for the first page.
        """
        raw = self._run("interactions", args({"filter": args({"when": when, "contact": contact, "opportunity": opportunity, "owner": owner, "kind": kind, "now": now, "limit": limit, "after": after})}), ("filter",))
        return build_page(Interaction, raw)

    def iter_interactions(
        self,
        *,
        when: Optional[InteractionWhen] = None,
        contact: Optional[IdLike] = None,
        opportunity: Optional[IdLike] = None,
        owner: Optional[str] = None,
        kind: Optional[InteractionKind] = None,
        now: Optional[datetime] = None,
        limit: Optional[int] = None,
    ) -> Iterator[Interaction]:
        """Every row of ``interactions``, fetched page by page (``limit`` rows a page)."""
        after: Optional[int] = None
        while True:
            page = self.interactions(when=when, contact=contact, opportunity=opportunity, owner=owner, kind=kind, now=now, limit=limit, after=after)
            yield from page.items
            if page.next is None:
                return
            after = page.next

    def create_pipeline(
        self,
        name: str,
        stages: Iterable[Union[NewStage, Mapping[str, Any]]],
        *,
        idempotency_key: Optional[str] = None,
    ) -> Pipeline:
        """Creates a pipeline with its stages in order (at least one open stage).

        With ``idempotency_key``, the same request again returns the first
        result and writes nothing.

        name: Its name (unique).
        stages: Its stages in order; at least one open stage.
        """
        raw = self._run("create_pipeline", args({"pipeline": args({"name": name, "stages": stages}), "idempotency_key": idempotency_key}), ("pipeline",))
        return build(Pipeline, raw)

    def add_stage(
        self,
        pipeline: IdLike,
        stage: Union[NewStage, Mapping[str, Any]],
        position: Optional[int] = None,
        *,
        idempotency_key: Optional[str] = None,
    ) -> Pipeline:
        """Adds a stage at a position (1-based; at the end when left out).

        With ``idempotency_key``, the same request again returns the first
        result and writes nothing.
        """
        raw = self._run("add_stage", args({"pipeline": pipeline, "stage": stage, "position": position, "idempotency_key": idempotency_key}), ())
        return build(Pipeline, raw)

    def update_stage(
        self,
        id: IdLike,
        *,
        name: Optional[str] = None,
        probability: Optional[DecimalLike] = None,
        idempotency_key: Optional[str] = None,
    ) -> Pipeline:
        """Renames a stage or changes its default probability; history keeps its ids.

        With ``idempotency_key``, the same request again returns the first
        result and writes nothing.

        name: New name.
        probability: New default probability (open stages only).
        """
        raw = self._run("update_stage", args({"id": id, "changes": args({"name": name, "probability": probability}), "idempotency_key": idempotency_key}), ("changes",))
        return build(Pipeline, raw)

    def reorder_stages(
        self,
        pipeline: IdLike,
        stages: Iterable[IdLike],
        *,
        idempotency_key: Optional[str] = None,
    ) -> Pipeline:
        """Puts a pipeline's stages in a new order (every stage id once).

        With ``idempotency_key``, the same request again returns the first
        result and writes nothing.
        """
        raw = self._run("reorder_stages", args({"pipeline": pipeline, "stages": stages, "idempotency_key": idempotency_key}), ())
        return build(Pipeline, raw)

    def pipeline(
        self,
        id: IdLike,
    ) -> Pipeline:
        """The pipeline with this id, with its stages in order.
        """
        raw = self._run("pipeline", args({"id": id}), ())
        return build(Pipeline, raw)

    def pipelines(
        self,
    ) -> List[Pipeline]:
        """Every pipeline, by id.
        """
        raw = self._run("pipelines", args({}), ())
        return [build(Pipeline, r) for r in raw]

    def add_lost_reason(
        self,
        code: str,
        label: str,
        *,
        idempotency_key: Optional[str] = None,
    ) -> List[LostReason]:
        """Adds a reason opportunities may be lost for (or brings a retired one back).

        With ``idempotency_key``, the same request again returns the first
        result and writes nothing.
        """
        raw = self._run("add_lost_reason", args({"code": code, "label": label, "idempotency_key": idempotency_key}), ())
        return [build(LostReason, r) for r in raw]

    def retire_lost_reason(
        self,
        code: str,
        *,
        idempotency_key: Optional[str] = None,
    ) -> List[LostReason]:
        """Retires a lost reason: history keeps it, new losses cannot use it.

        With ``idempotency_key``, the same request again returns the first
        result and writes nothing.
        """
        raw = self._run("retire_lost_reason", args({"code": code, "idempotency_key": idempotency_key}), ())
        return [build(LostReason, r) for r in raw]

    def create_opportunity(
        self,
        title: str,
        contact: IdLike,
        pipeline: IdLike,
        *,
        stage: Optional[IdLike] = None,
        amount: Optional[DecimalLike] = None,
        currency: Optional[str] = None,
        probability: Optional[DecimalLike] = None,
        expected_close: Optional[date] = None,
        owner: Optional[str] = None,
        lines: Optional[Iterable[Union[OpportunityLine, Mapping[str, Any]]]] = None,
        actor: Optional[str] = None,
        at: Optional[datetime] = None,
        idempotency_key: Optional[str] = None,
    ) -> Opportunity:
        """Creates an opportunity in an open stage (the pipeline's first unless given).

        With ``idempotency_key``, the same request again returns the first
        result and writes nothing.

        title: What it is.
        contact: The contact it is with.
        pipeline: Its pipeline.
        stage: Its first stage: an open stage of the pipeline; the first open one when absent.
        amount: Its amount (≥ 0); Σ quantity × price of the lines when absent and there are lines. An amount needs a currency.
        currency: ISO 4217 currency of the amount and the line prices.
        probability: Probability of winning in percent, instead of the stage's default.
        expected_close: The day it is expected to close.
        owner: Who works on it.
        lines: Product lines (what winning it can order).
        actor: Who created it, for the log.
        at: When it was created; now if absent.
        """
        raw = self._run("create_opportunity", args({"opportunity": args({"title": title, "contact": contact, "pipeline": pipeline, "stage": stage, "amount": amount, "currency": currency, "probability": probability, "expected_close": expected_close, "owner": owner, "lines": lines, "actor": actor, "at": at}), "idempotency_key": idempotency_key}), ("opportunity",))
        return build(Opportunity, raw)

    def update_opportunity(
        self,
        id: IdLike,
        *,
        title: Optional[str] = None,
        contact: Optional[IdLike] = None,
        amount: Any = UNSET,
        currency: Any = UNSET,
        probability: Any = UNSET,
        expected_close: Any = UNSET,
        owner: Any = UNSET,
        lines: Optional[Iterable[Union[OpportunityLine, Mapping[str, Any]]]] = None,
        idempotency_key: Optional[str] = None,
    ) -> Opportunity:
        """Changes the given fields of an opportunity (not its stage).

        With ``idempotency_key``, the same request again returns the first
        result and writes nothing.

        title: New title.
        contact: Another contact.
        amount: New amount; `null` clears it.
        currency: New currency; `null` clears it.
        probability: Own probability; `null` goes back to the stage's default.
        expected_close: New expected close day; `null` clears it.
        owner: New owner; `null` clears it.
        lines: New lines (replace them).
        """
        raw = self._run("update_opportunity", args({"id": id, "changes": args({"title": title, "contact": contact, "amount": amount, "currency": currency, "probability": probability, "expected_close": expected_close, "owner": owner, "lines": lines}, keep_null=("amount", "currency", "probability", "expected_close", "owner",)), "idempotency_key": idempotency_key}), ("changes",))
        return build(Opportunity, raw)

    def move_opportunity(
        self,
        id: IdLike,
        stage: IdLike,
        *,
        actor: Optional[str] = None,
        note: Optional[str] = None,
        at: Optional[datetime] = None,
        idempotency_key: Optional[str] = None,
    ) -> Opportunity:
        """Moves an open opportunity to another open stage of its pipeline.

        With ``idempotency_key``, the same request again returns the first
        result and writes nothing.

        actor: Who made it.
        note: Why, in a few words.
        at: When; now if absent. Never before the opportunity's last transition.
        """
        raw = self._run("move_opportunity", args({"id": id, "stage": stage, "meta": args({"actor": actor, "note": note, "at": at}), "idempotency_key": idempotency_key}), ("meta",))
        return build(Opportunity, raw)

    def win_opportunity(
        self,
        id: IdLike,
        stage: Optional[IdLike] = None,
        order: Optional[Union[WinOrder, Mapping[str, Any]]] = None,
        *,
        actor: Optional[str] = None,
        note: Optional[str] = None,
        at: Optional[datetime] = None,
        idempotency_key: Optional[str] = None,
    ) -> Won:
        """Wins an open opportunity (to the pipeline's first won stage unless given); with `order`, places an order for its lines in the same transaction.

        With ``idempotency_key``, the same request again returns the first
        result and writes nothing.

        actor: Who made it.
        note: Why, in a few words.
        at: When; now if absent. Never before the opportunity's last transition.
        """
        raw = self._run("win_opportunity", args({"id": id, "stage": stage, "order": order, "meta": args({"actor": actor, "note": note, "at": at}), "idempotency_key": idempotency_key}), ("meta",))
        return build(Won, raw)

    def lose_opportunity(
        self,
        id: IdLike,
        reason: str,
        stage: Optional[IdLike] = None,
        *,
        actor: Optional[str] = None,
        note: Optional[str] = None,
        at: Optional[datetime] = None,
        idempotency_key: Optional[str] = None,
    ) -> Opportunity:
        """Loses an open opportunity for one of the database's lost reasons.

        With ``idempotency_key``, the same request again returns the first
        result and writes nothing.

        actor: Who made it.
        note: Why, in a few words.
        at: When; now if absent. Never before the opportunity's last transition.
        """
        raw = self._run("lose_opportunity", args({"id": id, "reason": reason, "stage": stage, "meta": args({"actor": actor, "note": note, "at": at}), "idempotency_key": idempotency_key}), ("meta",))
        return build(Opportunity, raw)

    def reopen_opportunity(
        self,
        id: IdLike,
        stage: Optional[IdLike] = None,
        *,
        actor: Optional[str] = None,
        note: Optional[str] = None,
        at: Optional[datetime] = None,
        idempotency_key: Optional[str] = None,
    ) -> Opportunity:
        """Opens a won or lost opportunity again (in the stage it was closed from unless given).

        With ``idempotency_key``, the same request again returns the first
        result and writes nothing.

        actor: Who made it.
        note: Why, in a few words.
        at: When; now if absent. Never before the opportunity's last transition.
        """
        raw = self._run("reopen_opportunity", args({"id": id, "stage": stage, "meta": args({"actor": actor, "note": note, "at": at}), "idempotency_key": idempotency_key}), ("meta",))
        return build(Opportunity, raw)

    def opportunity(
        self,
        id: IdLike,
    ) -> Opportunity:
        """The opportunity with this id, with its lines and its transition log.
        """
        raw = self._run("opportunity", args({"id": id}), ())
        return build(Opportunity, raw)

    def opportunities(
        self,
        *,
        pipeline: Optional[IdLike] = None,
        stage: Optional[IdLike] = None,
        status: Optional[OpportunityStatus] = None,
        owner: Optional[str] = None,
        contact: Optional[IdLike] = None,
        limit: Optional[int] = None,
        after: Optional[IdLike] = None,
    ) -> Page[Opportunity]:
        """Opportunities matching the filter, by id, one page at a time.

        pipeline: Only in this pipeline.
        stage: Only in this stage.
        status: Only with this status.
        owner: Only with this owner.
        contact: Only with this contact.
        limit: Rows per page, 1–1000 (default 100).
        after: The `next` cursor of the previous page; `None` for the first page.
        """
        raw = self._run("opportunities", args({"filter": args({"pipeline": pipeline, "stage": stage, "status": status, "owner": owner, "contact": contact, "limit": limit, "after": after})}), ("filter",))
        return build_page(Opportunity, raw)

    def iter_opportunities(
        self,
        *,
        pipeline: Optional[IdLike] = None,
        stage: Optional[IdLike] = None,
        status: Optional[OpportunityStatus] = None,
        owner: Optional[str] = None,
        contact: Optional[IdLike] = None,
        limit: Optional[int] = None,
    ) -> Iterator[Opportunity]:
        """Every row of ``opportunities``, fetched page by page (``limit`` rows a page)."""
        after: Optional[int] = None
        while True:
            page = self.opportunities(pipeline=pipeline, stage=stage, status=status, owner=owner, contact=contact, limit=limit, after=after)
            yield from page.items
            if page.next is None:
                return
            after = page.next

    def resolve_period(
        self,
        period: str,
        now: Optional[datetime] = None,
    ) -> ResolvedPeriod:
        """A period resolved to instants in the business time zone: `2026-03`, `2026-Q1`, `this_month`, `last_7_days`… (relative ones from `now`).
        """
        raw = self._run("resolve_period", args({"period": period, "now": now}), ())
        return build(ResolvedPeriod, raw)

    def erp_dashboard(
        self,
        *,
        period: Optional[str] = None,
        as_of: Optional[datetime] = None,
        warehouse: Optional[IdLike] = None,
        kind: Optional[ItemKind] = None,
        limit: Optional[int] = None,
    ) -> ErpDashboard:
        """The ERP dashboard for a period, in one snapshot: stock valuation, purchases, daily flows, top movers, low stock, turnover, stockout rate.

        period: The period (default `this_month`).
        as_of: The instant stock is valued at, and the day relative periods are read from; default: now, and stock valued at the end of the period or now, whichever comes first.
        warehouse: One warehouse (id); all when absent.
        kind: Only items of this kind in the top movers and the low-stock list.
        limit: Rows of each ranked list (default 10, at most 1000).
        """
        raw = self._run("erp_dashboard", args({"query": args({"period": period, "as_of": as_of, "warehouse": warehouse, "kind": kind, "limit": limit})}), ("query",))
        return build(ErpDashboard, raw)

    def stock_valuation(
        self,
        *,
        period: Optional[str] = None,
        as_of: Optional[datetime] = None,
        warehouse: Optional[IdLike] = None,
        kind: Optional[ItemKind] = None,
        limit: Optional[int] = None,
    ) -> StockValuation:
        """Stock value at an instant: total, per warehouse, the items of most value.

        period: The period (default `this_month`).
        as_of: The instant stock is valued at, and the day relative periods are read from; default: now, and stock valued at the end of the period or now, whichever comes first.
        warehouse: One warehouse (id); all when absent.
        kind: Only items of this kind in the top movers and the low-stock list.
        limit: Rows of each ranked list (default 10, at most 1000).
        """
        raw = self._run("stock_valuation", args({"query": args({"period": period, "as_of": as_of, "warehouse": warehouse, "kind": kind, "limit": limit})}), ("query",))
        return build(StockValuation, raw)

    def purchases_summary(
        self,
        *,
        period: Optional[str] = None,
        as_of: Optional[datetime] = None,
        warehouse: Optional[IdLike] = None,
        kind: Optional[ItemKind] = None,
        limit: Optional[int] = None,
    ) -> Purchases:
        """Purchases of the period: received, ordered, still on order; per supplier and item.

        period: The period (default `this_month`).
        as_of: The instant stock is valued at, and the day relative periods are read from; default: now, and stock valued at the end of the period or now, whichever comes first.
        warehouse: One warehouse (id); all when absent.
        kind: Only items of this kind in the top movers and the low-stock list.
        limit: Rows of each ranked list (default 10, at most 1000).
        """
        raw = self._run("purchases_summary", args({"query": args({"period": period, "as_of": as_of, "warehouse": warehouse, "kind": kind, "limit": limit})}), ("query",))
        return build(Purchases, raw)

    def daily_flows(
        self,
        *,
        period: Optional[str] = None,
        as_of: Optional[datetime] = None,
        warehouse: Optional[IdLike] = None,
        kind: Optional[ItemKind] = None,
        limit: Optional[int] = None,
    ) -> DailyFlows:
        """Stock in and out per business day, transfers apart.

        period: The period (default `this_month`).
        as_of: The instant stock is valued at, and the day relative periods are read from; default: now, and stock valued at the end of the period or now, whichever comes first.
        warehouse: One warehouse (id); all when absent.
        kind: Only items of this kind in the top movers and the low-stock list.
        limit: Rows of each ranked list (default 10, at most 1000).
        """
        raw = self._run("daily_flows", args({"query": args({"period": period, "as_of": as_of, "warehouse": warehouse, "kind": kind, "limit": limit})}), ("query",))
        return build(DailyFlows, raw)

    def top_movers(
        self,
        *,
        period: Optional[str] = None,
        as_of: Optional[datetime] = None,
        warehouse: Optional[IdLike] = None,
        kind: Optional[ItemKind] = None,
        limit: Optional[int] = None,
    ) -> TopMovers:
        """The items issued most in the period, by quantity and by cost.

        period: The period (default `this_month`).
        as_of: The instant stock is valued at, and the day relative periods are read from; default: now, and stock valued at the end of the period or now, whichever comes first.
        warehouse: One warehouse (id); all when absent.
        kind: Only items of this kind in the top movers and the low-stock list.
        limit: Rows of each ranked list (default 10, at most 1000).
        """
        raw = self._run("top_movers", args({"query": args({"period": period, "as_of": as_of, "warehouse": warehouse, "kind": kind, "limit": limit})}), ("query",))
        return build(TopMovers, raw)

    def low_stock(
        self,
        *,
        period: Optional[str] = None,
        as_of: Optional[datetime] = None,
        warehouse: Optional[IdLike] = None,
        kind: Optional[ItemKind] = None,
        limit: Optional[int] = None,
    ) -> LowStock:
        """Items at or below their reorder point, furthest below first.

        period: The period (default `this_month`).
        as_of: The instant stock is valued at, and the day relative periods are read from; default: now, and stock valued at the end of the period or now, whichever comes first.
        warehouse: One warehouse (id); all when absent.
        kind: Only items of this kind in the top movers and the low-stock list.
        limit: Rows of each ranked list (default 10, at most 1000).
        """
        raw = self._run("low_stock", args({"query": args({"period": period, "as_of": as_of, "warehouse": warehouse, "kind": kind, "limit": limit})}), ("query",))
        return build(LowStock, raw)

    def inventory_turnover(
        self,
        *,
        period: Optional[str] = None,
        as_of: Optional[datetime] = None,
        warehouse: Optional[IdLike] = None,
        kind: Optional[ItemKind] = None,
        limit: Optional[int] = None,
    ) -> InventoryTurnover:
        """Inventory turnover and days of inventory over the period.

        period: The period (default `this_month`).
        as_of: The instant stock is valued at, and the day relative periods are read from; default: now, and stock valued at the end of the period or now, whichever comes first.
        warehouse: One warehouse (id); all when absent.
        kind: Only items of this kind in the top movers and the low-stock list.
        limit: Rows of each ranked list (default 10, at most 1000).
        """
        raw = self._run("inventory_turnover", args({"query": args({"period": period, "as_of": as_of, "warehouse": warehouse, "kind": kind, "limit": limit})}), ("query",))
        return build(InventoryTurnover, raw)

    def stockout_rate(
        self,
        *,
        period: Optional[str] = None,
        as_of: Optional[datetime] = None,
        warehouse: Optional[IdLike] = None,
        kind: Optional[ItemKind] = None,
        limit: Optional[int] = None,
    ) -> StockoutRate:
        """The share of active items out of stock.

        period: The period (default `this_month`).
        as_of: The instant stock is valued at, and the day relative periods are read from; default: now, and stock valued at the end of the period or now, whichever comes first.
        warehouse: One warehouse (id); all when absent.
        kind: Only items of this kind in the top movers and the low-stock list.
        limit: Rows of each ranked list (default 10, at most 1000).
        """
        raw = self._run("stockout_rate", args({"query": args({"period": period, "as_of": as_of, "warehouse": warehouse, "kind": kind, "limit": limit})}), ("query",))
        return build(StockoutRate, raw)

    def crm_dashboard(
        self,
        *,
        period: Optional[str] = None,
        as_of: Optional[datetime] = None,
        pipeline: Optional[IdLike] = None,
        owner: Optional[str] = None,
        rates: Optional[Union[RateTable, Mapping[str, Any]]] = None,
        limit: Optional[int] = None,
    ) -> CrmDashboard:
        """The CRM dashboard for a period, in one snapshot: pipeline, win rate, deal size, sales cycle, velocity, stage conversion, time in stage, owners, top clients, activities.

        period: The period (default `this_month`).
        as_of: Replays the open pipeline as of this instant from the transition log (stages as they were, amounts as they are); relative periods are read from it. Default: now, from the open-pipeline rollup.
        pipeline: One pipeline (id); all when absent.
        owner: One owner's opportunities and activities only.
        rates: Converts amounts into one currency; per currency when absent.
        limit: Rows of each ranked list (default 10, at most 1000).
        """
        raw = self._run("crm_dashboard", args({"query": args({"period": period, "as_of": as_of, "pipeline": pipeline, "owner": owner, "rates": rates, "limit": limit})}), ("query",))
        return build(CrmDashboard, raw)

    def pipeline_by_stage(
        self,
        *,
        period: Optional[str] = None,
        as_of: Optional[datetime] = None,
        pipeline: Optional[IdLike] = None,
        owner: Optional[str] = None,
        rates: Optional[Union[RateTable, Mapping[str, Any]]] = None,
        limit: Optional[int] = None,
    ) -> PipelineByStage:
        """The open pipeline per stage, now or replayed as of `as_of`.

        period: The period (default `this_month`).
        as_of: Replays the open pipeline as of this instant from the transition log (stages as they were, amounts as they are); relative periods are read from it. Default: now, from the open-pipeline rollup.
        pipeline: One pipeline (id); all when absent.
        owner: One owner's opportunities and activities only.
        rates: Converts amounts into one currency; per currency when absent.
        limit: Rows of each ranked list (default 10, at most 1000).
        """
        raw = self._run("pipeline_by_stage", args({"query": args({"period": period, "as_of": as_of, "pipeline": pipeline, "owner": owner, "rates": rates, "limit": limit})}), ("query",))
        return build(PipelineByStage, raw)

    def win_rate(
        self,
        *,
        period: Optional[str] = None,
        as_of: Optional[datetime] = None,
        pipeline: Optional[IdLike] = None,
        owner: Optional[str] = None,
        rates: Optional[Union[RateTable, Mapping[str, Any]]] = None,
        limit: Optional[int] = None,
    ) -> WinRate:
        """Won / (won + lost) among deals closed in the period, by count and value.

        period: The period (default `this_month`).
        as_of: Replays the open pipeline as of this instant from the transition log (stages as they were, amounts as they are); relative periods are read from it. Default: now, from the open-pipeline rollup.
        pipeline: One pipeline (id); all when absent.
        owner: One owner's opportunities and activities only.
        rates: Converts amounts into one currency; per currency when absent.
        limit: Rows of each ranked list (default 10, at most 1000).
        """
        raw = self._run("win_rate", args({"query": args({"period": period, "as_of": as_of, "pipeline": pipeline, "owner": owner, "rates": rates, "limit": limit})}), ("query",))
        return build(WinRate, raw)

    def average_deal_size(
        self,
        *,
        period: Optional[str] = None,
        as_of: Optional[datetime] = None,
        pipeline: Optional[IdLike] = None,
        owner: Optional[str] = None,
        rates: Optional[Union[RateTable, Mapping[str, Any]]] = None,
        limit: Optional[int] = None,
    ) -> DealSize:
        """The average deal won in the period.

        period: The period (default `this_month`).
        as_of: Replays the open pipeline as of this instant from the transition log (stages as they were, amounts as they are); relative periods are read from it. Default: now, from the open-pipeline rollup.
        pipeline: One pipeline (id); all when absent.
        owner: One owner's opportunities and activities only.
        rates: Converts amounts into one currency; per currency when absent.
        limit: Rows of each ranked list (default 10, at most 1000).
        """
        raw = self._run("average_deal_size", args({"query": args({"period": period, "as_of": as_of, "pipeline": pipeline, "owner": owner, "rates": rates, "limit": limit})}), ("query",))
        return build(DealSize, raw)

    def sales_cycle(
        self,
        *,
        period: Optional[str] = None,
        as_of: Optional[datetime] = None,
        pipeline: Optional[IdLike] = None,
        owner: Optional[str] = None,
        rates: Optional[Union[RateTable, Mapping[str, Any]]] = None,
        limit: Optional[int] = None,
    ) -> SalesCycle:
        """Mean days from creation to the win, over deals won in the period.

        period: The period (default `this_month`).
        as_of: Replays the open pipeline as of this instant from the transition log (stages as they were, amounts as they are); relative periods are read from it. Default: now, from the open-pipeline rollup.
        pipeline: One pipeline (id); all when absent.
        owner: One owner's opportunities and activities only.
        rates: Converts amounts into one currency; per currency when absent.
        limit: Rows of each ranked list (default 10, at most 1000).
        """
        raw = self._run("sales_cycle", args({"query": args({"period": period, "as_of": as_of, "pipeline": pipeline, "owner": owner, "rates": rates, "limit": limit})}), ("query",))
        return build(SalesCycle, raw)

    def pipeline_velocity(
        self,
        *,
        period: Optional[str] = None,
        as_of: Optional[datetime] = None,
        pipeline: Optional[IdLike] = None,
        owner: Optional[str] = None,
        rates: Optional[Union[RateTable, Mapping[str, Any]]] = None,
        limit: Optional[int] = None,
    ) -> PipelineVelocity:
        """(open × win rate × average deal) / sales cycle days.

        period: The period (default `this_month`).
        as_of: Replays the open pipeline as of this instant from the transition log (stages as they were, amounts as they are); relative periods are read from it. Default: now, from the open-pipeline rollup.
        pipeline: One pipeline (id); all when absent.
        owner: One owner's opportunities and activities only.
        rates: Converts amounts into one currency; per currency when absent.
        limit: Rows of each ranked list (default 10, at most 1000).
        """
        raw = self._run("pipeline_velocity", args({"query": args({"period": period, "as_of": as_of, "pipeline": pipeline, "owner": owner, "rates": rates, "limit": limit})}), ("query",))
        return build(PipelineVelocity, raw)

    def stage_conversion(
        self,
        *,
        period: Optional[str] = None,
        as_of: Optional[datetime] = None,
        pipeline: Optional[IdLike] = None,
        owner: Optional[str] = None,
        rates: Optional[Union[RateTable, Mapping[str, Any]]] = None,
        limit: Optional[int] = None,
    ) -> StageConversion:
        """The funnel of the opportunities created in the period.

        period: The period (default `this_month`).
        as_of: Replays the open pipeline as of this instant from the transition log (stages as they were, amounts as they are); relative periods are read from it. Default: now, from the open-pipeline rollup.
        pipeline: One pipeline (id); all when absent.
        owner: One owner's opportunities and activities only.
        rates: Converts amounts into one currency; per currency when absent.
        limit: Rows of each ranked list (default 10, at most 1000).
        """
        raw = self._run("stage_conversion", args({"query": args({"period": period, "as_of": as_of, "pipeline": pipeline, "owner": owner, "rates": rates, "limit": limit})}), ("query",))
        return build(StageConversion, raw)

    def time_in_stage(
        self,
        *,
        period: Optional[str] = None,
        as_of: Optional[datetime] = None,
        pipeline: Optional[IdLike] = None,
        owner: Optional[str] = None,
        rates: Optional[Union[RateTable, Mapping[str, Any]]] = None,
        limit: Optional[int] = None,
    ) -> TimeInStage:
        """Time spent in each stage (latest visit, cumulative) by deals closed in the period.

        period: The period (default `this_month`).
        as_of: Replays the open pipeline as of this instant from the transition log (stages as they were, amounts as they are); relative periods are read from it. Default: now, from the open-pipeline rollup.
        pipeline: One pipeline (id); all when absent.
        owner: One owner's opportunities and activities only.
        rates: Converts amounts into one currency; per currency when absent.
        limit: Rows of each ranked list (default 10, at most 1000).
        """
        raw = self._run("time_in_stage", args({"query": args({"period": period, "as_of": as_of, "pipeline": pipeline, "owner": owner, "rates": rates, "limit": limit})}), ("query",))
        return build(TimeInStage, raw)

    def owner_performance(
        self,
        *,
        period: Optional[str] = None,
        as_of: Optional[datetime] = None,
        pipeline: Optional[IdLike] = None,
        owner: Optional[str] = None,
        rates: Optional[Union[RateTable, Mapping[str, Any]]] = None,
        limit: Optional[int] = None,
    ) -> OwnerPerformance:
        """Won, lost, win rate and weighted pipeline per owner.

        period: The period (default `this_month`).
        as_of: Replays the open pipeline as of this instant from the transition log (stages as they were, amounts as they are); relative periods are read from it. Default: now, from the open-pipeline rollup.
        pipeline: One pipeline (id); all when absent.
        owner: One owner's opportunities and activities only.
        rates: Converts amounts into one currency; per currency when absent.
        limit: Rows of each ranked list (default 10, at most 1000).
        """
        raw = self._run("owner_performance", args({"query": args({"period": period, "as_of": as_of, "pipeline": pipeline, "owner": owner, "rates": rates, "limit": limit})}), ("query",))
        return build(OwnerPerformance, raw)

    def top_clients(
        self,
        *,
        period: Optional[str] = None,
        as_of: Optional[datetime] = None,
        pipeline: Optional[IdLike] = None,
        owner: Optional[str] = None,
        rates: Optional[Union[RateTable, Mapping[str, Any]]] = None,
        limit: Optional[int] = None,
    ) -> TopClients:
        """The contacts bringing the most revenue in the period, each source shown.

        period: The period (default `this_month`).
        as_of: Replays the open pipeline as of this instant from the transition log (stages as they were, amounts as they are); relative periods are read from it. Default: now, from the open-pipeline rollup.
        pipeline: One pipeline (id); all when absent.
        owner: One owner's opportunities and activities only.
        rates: Converts amounts into one currency; per currency when absent.
        limit: Rows of each ranked list (default 10, at most 1000).
        """
        raw = self._run("top_clients", args({"query": args({"period": period, "as_of": as_of, "pipeline": pipeline, "owner": owner, "rates": rates, "limit": limit})}), ("query",))
        return build(TopClients, raw)

    def activities(
        self,
        *,
        period: Optional[str] = None,
        as_of: Optional[datetime] = None,
        pipeline: Optional[IdLike] = None,
        owner: Optional[str] = None,
        rates: Optional[Union[RateTable, Mapping[str, Any]]] = None,
        limit: Optional[int] = None,
    ) -> Activities:
        """The latest and the coming interactions.

        period: The period (default `this_month`).
        as_of: Replays the open pipeline as of this instant from the transition log (stages as they were, amounts as they are); relative periods are read from it. Default: now, from the open-pipeline rollup.
        pipeline: One pipeline (id); all when absent.
        owner: One owner's opportunities and activities only.
        rates: Converts amounts into one currency; per currency when absent.
        limit: Rows of each ranked list (default 10, at most 1000).
        """
        raw = self._run("activities", args({"query": args({"period": period, "as_of": as_of, "pipeline": pipeline, "owner": owner, "rates": rates, "limit": limit})}), ("query",))
        return build(Activities, raw)

    def export(
        self,
        sheets: Iterable[Union[Sheet, Mapping[str, Any]]],
        path: str,
        *,
        format: Optional[Format] = None,
        csv: Optional[Union[CsvOptions, Mapping[str, Any]]] = None,
        xlsx: Optional[Union[XlsxOptions, Mapping[str, Any]]] = None,
        plugin: Optional[str] = None,
        options: Optional[Mapping[str, Any]] = None,
    ) -> ExportSummary:
        """Exports datasets (movements, stock, orders, contacts, KPIs…) to an xlsx or csv file at `path`, all read in one snapshot; written under a temporary name and renamed once complete. Bindings also stream to a writer and report progress.

        sheets: The sheets, in order: several in an xlsx workbook, exactly one in csv.
        format: xlsx (default) or csv.
        csv: How csv is written (ignored for xlsx).
        xlsx: How xlsx is written (ignored for csv).
        plugin: With `format: plugin`: the export format, as a loaded exporter plugin names it (`accounting-csv`).
        options: With `format: plugin`: options handed to the plugin as JSON.
        """
        raw = self._run("export", args({"export": args({"sheets": sheets, "format": format, "csv": csv, "xlsx": xlsx, "plugin": plugin, "options": options}), "path": path}), ("export",))
        return build(ExportSummary, raw)

    def import_file(
        self,
        kind: ImportKind,
        path: str,
        *,
        format: Optional[ImportFormat] = None,
        sheet: Optional[str] = None,
        delimiter: Optional[str] = None,
        skip_invalid: Optional[bool] = None,
        rejects: Optional[str] = None,
        dry_run: Optional[bool] = None,
    ) -> ImportReport:
        """Imports items, warehouses, suppliers, opening stock, contacts or open purchase orders from the csv or xlsx file at `path`: every row checked first, then all written in one transaction. Any wrong row refuses the file (`import_refused`, listing row, column, value and why) unless `skip_invalid`, which writes the valid rows and puts the others in a rejects file. Rows whose key exists are left as they are.

        kind: What the file holds.
        format: `csv` or `xlsx`; from the file's extension when left out.
        sheet: The sheet of a workbook (its first one when left out).
        delimiter: The csv delimiter (one character, `\\t` for tab); when left out, `;` or tab if the header has them and no comma, else `,`.
        skip_invalid: Write the valid rows and put the wrong ones in a rejects file, instead of refusing the whole file.
        rejects: Where the rejects file goes (beside the file when left out: `items.csv` → `items.rejects.csv`); written only when rows were rejected.
        dry_run: Check and count, write nothing.
        """
        raw = self._run("import_file", args({"import": args({"kind": kind, "format": format, "sheet": sheet, "delimiter": delimiter, "skip_invalid": skip_invalid, "rejects": rejects, "dry_run": dry_run}), "path": path}), ("import",))
        return build(ImportReport, raw)

    def import_columns(
        self,
        kind: ImportKind,
    ) -> List[ImportColumn]:
        """The columns of a file to import of this kind: name, whether required, what it holds, an example.
        """
        raw = self._run("import_columns", args({"kind": kind}), ())
        return [build(ImportColumn, r) for r in raw]

    def write_import_template(
        self,
        kind: ImportKind,
        path: str,
    ) -> List[ImportColumn]:
        """Writes a template of a file to import at `path` (csv or xlsx, by its extension): the header and one example row. Returns its columns.
        """
        raw = self._run("write_import_template", args({"kind": kind, "path": path}), ())
        return [build(ImportColumn, r) for r in raw]

    def outbox_events(
        self,
        *,
        kinds: Optional[Iterable[EventKind]] = None,
        limit: Optional[int] = None,
        after: Optional[IdLike] = None,
    ) -> Page[OutboxEvent]:
        """Outbox events in id order, one page at a time, from any position (`after`), without a cursor of one's own.

        kinds: Only these kinds (all when empty).
        limit: Rows per page, 1–1000 (default 100).
        after: The `next` cursor of the previous page; `None` for the first page.
        """
        raw = self._run("outbox_events", args({"filter": args({"kinds": kinds, "limit": limit, "after": after})}), ("filter",))
        return build_page(OutboxEvent, raw)

    def iter_outbox_events(
        self,
        *,
        kinds: Optional[Iterable[EventKind]] = None,
        limit: Optional[int] = None,
    ) -> Iterator[OutboxEvent]:
        """Every row of ``outbox_events``, fetched page by page (``limit`` rows a page)."""
        after: Optional[int] = None
        while True:
            page = self.outbox_events(kinds=kinds, limit=limit, after=after)
            yield from page.items
            if page.next is None:
                return
            after = page.next

    def outbox_subscribe(
        self,
        consumer: str,
        from_: Optional[OutboxStart] = None,
    ) -> OutboxConsumer:
        """Registers a consumer of the outbox, its cursor at the oldest event kept (`beginning`) or after the newest (`end`); an existing consumer keeps its position.
        """
        raw = self._run("outbox_subscribe", args({"consumer": consumer, "from": from_}), ())
        return build(OutboxConsumer, raw)

    def outbox_poll(
        self,
        consumer: str,
        limit: Optional[int] = None,
    ) -> OutboxBatch:
        """The next events after a consumer's position (at least once: they come again until acknowledged).
        """
        raw = self._run("outbox_poll", args({"consumer": consumer, "limit": limit}), ())
        return build(OutboxBatch, raw)

    def outbox_ack(
        self,
        consumer: str,
        through: IdLike,
    ) -> OutboxConsumer:
        """Moves a consumer's position to event `through`: everything up to it is handled. An event already passed changes nothing.
        """
        raw = self._run("outbox_ack", args({"consumer": consumer, "through": through}), ())
        return build(OutboxConsumer, raw)

    def outbox_consumers(
        self,
    ) -> List[OutboxConsumer]:
        """Every consumer of the outbox (plugins' cursors included) and how far behind it is.
        """
        raw = self._run("outbox_consumers", args({}), ())
        return [build(OutboxConsumer, r) for r in raw]

    def outbox_unsubscribe(
        self,
        consumer: str,
    ) -> OutboxConsumer:
        """Removes a consumer, so that it no longer holds events back from pruning.
        """
        raw = self._run("outbox_unsubscribe", args({"consumer": consumer}), ())
        return build(OutboxConsumer, raw)

    def outbox_prune(
        self,
        through: Optional[IdLike] = None,
    ) -> OutboxPruned:
        """Removes the events every consumer has acknowledged (up to `through` at most).
        """
        raw = self._run("outbox_prune", args({"through": through}), ())
        return build(OutboxPruned, raw)

    def load_plugin(
        self,
        path: str,
        *,
        config: Optional[Mapping[str, Any]] = None,
        start: Optional[OutboxStart] = None,
    ) -> PluginInfo:
        """Loads a plugin (a shared library, by absolute path) on this handle: validators, event sinks, export formats. A failure is a `plugin` error and lists the plugin as failed.

        config: Its configuration, handed to the plugin as JSON (`null` when none).
        start: Where an event sink starts the first time it is loaded on this database: every event still in the outbox (default), or only those committed from now on. Later loads go on from its cursor.
        """
        raw = self._run("load_plugin", args({"path": path, "options": args({"config": config, "start": start})}), ("options",))
        return build(PluginInfo, raw)

    def plugins(
        self,
    ) -> List[PluginInfo]:
        """The plugins of this handle with their versions and state.
        """
        raw = self._run("plugins", args({}), ())
        return [build(PluginInfo, r) for r in raw]

    def unload_plugin(
        self,
        name: str,
    ) -> PluginInfo:
        """Unloads a plugin from this handle (its library stays mapped).
        """
        raw = self._run("unload_plugin", args({"name": name}), ())
        return build(PluginInfo, raw)

    def deliver_events(
        self,
    ) -> Delivery:
        """Delivers pending outbox events to the loaded event sinks now (also done after each write of this handle).
        """
        raw = self._run("deliver_events", args({}), ())
        return build(Delivery, raw)


#: Fractional digits of every decimal (the typed paths speak integers of this scale).
DECIMAL_SCALE = 6

#: The core's refusals of a value that Python's own JSON encoder gives up on
#: first (nested too deeply), and the message of an invalid-input error.
TOO_DEEP = "is nested more than 128 levels deep"
INVALID_INPUT_MESSAGE = "invalid {field}: {reason}"

#: Every operation of the catalogue, by name.
OPERATIONS: Tuple[str, ...] = ("info", "create_item", "update_item", "deactivate_item", "item", "item_by_sku", "items", "create_warehouse", "update_warehouse", "deactivate_warehouse", "warehouse", "warehouse_by_code", "default_warehouse", "warehouses", "create_supplier", "update_supplier", "deactivate_supplier", "supplier", "suppliers", "post", "post_batch", "stock", "stock_by_warehouse", "stock_levels", "stock_value", "stock_as_of", "cost_layers", "movements", "create_purchase_order", "purchase_order", "purchase_orders", "receive_purchase", "cancel_purchase_remainder", "verify", "stock_policy", "set_stock_policy", "place_order", "pay_order", "fulfil_order", "cancel_order", "replace_order", "return_order", "expire_reservations", "order", "orders", "crm_settings", "set_default_country", "create_contact", "update_contact", "archive_contact", "restore_contact", "contact", "contact_by_external_id", "contacts", "contact_orders", "duplicate_contacts", "merge_contacts", "erase_contact", "contact_history", "log_interaction", "complete_task", "interaction", "interactions", "create_pipeline", "add_stage", "update_stage", "reorder_stages", "pipeline", "pipelines", "add_lost_reason", "retire_lost_reason", "create_opportunity", "update_opportunity", "move_opportunity", "win_opportunity", "lose_opportunity", "reopen_opportunity", "opportunity", "opportunities", "resolve_period", "erp_dashboard", "stock_valuation", "purchases_summary", "daily_flows", "top_movers", "low_stock", "inventory_turnover", "stockout_rate", "crm_dashboard", "pipeline_by_stage", "win_rate", "average_deal_size", "sales_cycle", "pipeline_velocity", "stage_conversion", "time_in_stage", "owner_performance", "top_clients", "activities", "export", "import_file", "import_columns", "write_import_template", "outbox_events", "outbox_subscribe", "outbox_poll", "outbox_ack", "outbox_consumers", "outbox_unsubscribe", "outbox_prune", "load_plugin", "plugins", "unload_plugin", "deliver_events",)

__all__ = [
    "DecimalLike",
    "IdLike",
    "ItemLike",
    "HasId",
    "Page",
    "Operations",
    "CLOSED_SETS",
    "OPERATIONS",
    "ItemKind",
    "ValuationMethod",
    "Reason",
    "MovementKind",
    "SortOrder",
    "PurchaseStatus",
    "StockPolicy",
    "OrderStatus",
    "ReservationStatus",
    "OrderEventKind",
    "ContactKind",
    "ContactStatus",
    "MatchKind",
    "InteractionKind",
    "InteractionWhen",
    "StageKind",
    "OpportunityStatus",
    "TransitionKind",
    "LongText",
    "ErpTable",
    "CrmTable",
    "Format",
    "CsvPreset",
    "LineEnding",
    "ImportFormat",
    "ImportKind",
    "EventKind",
    "OutboxStart",
    "Capability",
    "PluginState",
    "LogLevel",
    "Synchronous",
    "Info",
    "Item",
    "Warehouse",
    "Supplier",
    "MovementRecord",
    "Posted",
    "PostedBatch",
    "StockLevel",
    "StockAt",
    "CostLayer",
    "CostLayers",
    "PurchaseLine",
    "PurchaseOrder",
    "PurchaseReceived",
    "Drift",
    "KeyDrift",
    "OpportunityDrift",
    "ReferenceDrift",
    "VerifyReport",
    "Customer",
    "OrderLine",
    "Reservation",
    "OrderEvent",
    "Order",
    "LostReason",
    "CrmSettings",
    "ContactEmail",
    "ContactPhone",
    "Contact",
    "DuplicateReason",
    "DuplicatePair",
    "ContactMerge",
    "ContactErasure",
    "ContactHistory",
    "Interaction",
    "Stage",
    "Pipeline",
    "OpportunityLine",
    "Transition",
    "Opportunity",
    "Won",
    "ResolvedPeriod",
    "WarehouseValue",
    "ItemValue",
    "Definition",
    "StockValuation",
    "SupplierPurchases",
    "ItemPurchases",
    "Purchases",
    "DayFlow",
    "DailyFlows",
    "Mover",
    "TopMovers",
    "LowStockItem",
    "LowStock",
    "Ratio",
    "InventoryTurnover",
    "StockoutRate",
    "ErpDashboard",
    "Amount",
    "StageFigures",
    "PipelineFigures",
    "PipelineByStage",
    "ValueRatio",
    "WinRate",
    "DealSize",
    "SalesCycle",
    "Velocity",
    "PipelineVelocity",
    "FunnelStage",
    "Funnel",
    "StageConversion",
    "StageTime",
    "PipelineTimes",
    "TimeInStage",
    "OwnerFigures",
    "OwnerPerformance",
    "TopClient",
    "ClientRanking",
    "TopClients",
    "Activity",
    "Activities",
    "CrmDashboard",
    "SheetSummary",
    "ExportSummary",
    "ImportProblem",
    "ImportReport",
    "ImportColumn",
    "OutboxEvent",
    "OutboxConsumer",
    "OutboxBatch",
    "OutboxPruned",
    "PluginLog",
    "PluginInfo",
    "PluginDelivery",
    "Delivery",
    "ShortLine",
    "NewPurchaseLine",
    "ReceiveLine",
    "NewOrderLine",
    "FulfilLine",
    "NewOrder",
    "ReturnLine",
    "NewStage",
    "WinOrder",
    "Rate",
    "RateTable",
    "Sheet",
    "CsvOptions",
    "XlsxOptions",
    "DECIMAL_SCALE",
]
