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
from datetime import datetime
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
    expires_at: Optional[datetime] = None
    """When its reservations expire unless paid."""


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
class ReturnLine:
    """Quantity of one line coming back."""

    line: int
    """Line number."""
    quantity: DecimalLike
    """Quantity returned (> 0, at most what shipped and was not returned)."""
    restock: bool
    """Back into stock (at the cost it left with), or scrapped (no stock movement: its value already left at the sale)."""


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
        """
        raw = self._run("place_order", args({"order": args({"external_id": external_id, "customer": customer, "currency": currency, "lines": lines, "placed_at": placed_at, "expires_at": expires_at}), "idempotency_key": idempotency_key}), ("order",))
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


#: Fractional digits of every decimal (the typed paths speak integers of this scale).
DECIMAL_SCALE = 6

#: The core's refusals of a value that Python's own JSON encoder gives up on
#: first (nested too deeply), and the message of an invalid-input error.
TOO_DEEP = "is nested more than 128 levels deep"
INVALID_INPUT_MESSAGE = "invalid {field}: {reason}"

#: Every operation of the catalogue, by name.
OPERATIONS: Tuple[str, ...] = ("info", "create_item", "update_item", "deactivate_item", "item", "item_by_sku", "items", "create_warehouse", "update_warehouse", "deactivate_warehouse", "warehouse", "warehouse_by_code", "default_warehouse", "warehouses", "create_supplier", "update_supplier", "deactivate_supplier", "supplier", "suppliers", "post", "post_batch", "stock", "stock_by_warehouse", "stock_levels", "stock_value", "stock_as_of", "cost_layers", "movements", "create_purchase_order", "purchase_order", "purchase_orders", "receive_purchase", "cancel_purchase_remainder", "verify", "stock_policy", "set_stock_policy", "place_order", "pay_order", "fulfil_order", "cancel_order", "return_order", "expire_reservations", "order",)

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
    "VerifyReport",
    "Customer",
    "OrderLine",
    "Reservation",
    "OrderEvent",
    "Order",
    "ShortLine",
    "NewPurchaseLine",
    "ReceiveLine",
    "NewOrderLine",
    "FulfilLine",
    "ReturnLine",
    "DECIMAL_SCALE",
]
