"""Result types: small frozen dataclasses that print well.

Quantities and money are :class:`decimal.Decimal` (exact, six fractional
digits), instants are timezone-aware UTC :class:`datetime.datetime`.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Callable, Dict, Generic, List, Optional, Tuple, Type, TypeVar

__all__ = [
    "Info",
    "Item",
    "Warehouse",
    "Supplier",
    "StockLevel",
    "StockAt",
    "MovementRecord",
    "Posted",
    "Page",
    "PurchaseLine",
    "PurchaseOrder",
    "PurchaseReceived",
    "Drift",
    "VerifyReport",
    "Customer",
    "Order",
    "OrderLine",
    "Reservation",
    "OrderEvent",
]

T = TypeVar("T")


@dataclass(frozen=True)
class Info:
    version: str
    schema_version: int
    sqlite_version: str
    time_zone: str


@dataclass(frozen=True)
class Item:
    id: int
    sku: str
    name: str
    unit: str
    kind: str
    valuation: str
    reorder_point: Optional[Decimal]
    allow_negative: bool
    active: bool
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Warehouse:
    id: int
    code: str
    name: str
    is_default: bool
    active: bool
    created_at: datetime


@dataclass(frozen=True)
class Supplier:
    id: int
    name: str
    email: Optional[str]
    phone: Optional[str]
    notes: Optional[str]
    active: bool
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class StockLevel:
    item: int
    sku: str
    warehouse: Optional[int]
    on_hand: Decimal
    reserved: Decimal
    available: Decimal
    value: Decimal
    unit_value: Decimal
    reorder_point: Optional[Decimal]


@dataclass(frozen=True)
class StockAt:
    item: int
    warehouse: Optional[int]
    at: datetime
    on_hand: Decimal
    value: Decimal


@dataclass(frozen=True)
class MovementRecord:
    id: int
    item: int
    sku: str
    warehouse: int
    warehouse_code: str
    quantity: Decimal
    reason: str
    unit_cost: Decimal
    value_change: Decimal
    balance_after: Decimal
    value_after: Decimal
    effective_at: datetime
    recorded_at: datetime
    actor: Optional[str]
    reference: Optional[str]
    note: Optional[str]
    idempotency_key: Optional[str]
    transfer_id: Optional[int]
    purchase_line_id: Optional[int]
    order_id: Optional[int] = None
    order_event_id: Optional[int] = None


class Posted:
    """The movements a post wrote (none for a matching count, two for a
    transfer). ``movements`` are built on first access: a large batch whose
    records are not read costs nothing to return."""

    __slots__ = ("_raw", "_movements", "_count", "_load")

    def __init__(
        self,
        movements: Optional[List[Any]] = None,
        *,
        count: Optional[int] = None,
        load: Optional[Callable[[], List[MovementRecord]]] = None,
    ) -> None:
        self._raw = movements
        self._movements: Optional[List[MovementRecord]] = None
        self._count = len(movements) if movements is not None else (count or 0)
        self._load = load

    @property
    def movements(self) -> List[MovementRecord]:
        if self._movements is None:
            if self._raw is not None:
                self._movements = [
                    m if isinstance(m, MovementRecord) else build(MovementRecord, m) for m in self._raw
                ]
            elif self._load is not None:
                self._movements = self._load()
            else:
                self._movements = []
        return self._movements

    def __len__(self) -> int:
        return self._count

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Posted) and self.movements == other.movements

    def __hash__(self) -> int:
        return hash(tuple(m.id for m in self.movements))

    def __repr__(self) -> str:
        return f"Posted(movements={self.movements!r})"


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of results; pass ``next`` as ``after`` to get the next page."""

    items: List[T]
    next: Optional[int]


@dataclass(frozen=True)
class PurchaseLine:
    id: int
    item: int
    sku: str
    warehouse: int
    quantity: Decimal
    unit_cost: Decimal
    received: Decimal
    cancelled: Decimal
    remaining: Decimal


@dataclass(frozen=True)
class PurchaseOrder:
    id: int
    supplier: int
    reference: str
    status: str
    note: Optional[str]
    lines: List[PurchaseLine]
    total_ordered: Decimal
    total_received: Decimal
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class PurchaseReceived:
    order: PurchaseOrder
    movements: List[MovementRecord]


@dataclass(frozen=True)
class Customer:
    external_id: Optional[str] = None
    email: Optional[str] = None
    name: Optional[str] = None


@dataclass(frozen=True)
class OrderLine:
    line: int
    item: int
    sku: str
    warehouse: int
    quantity: Decimal
    unit_price: Decimal
    reserved: Decimal
    out: Decimal
    fulfilled: Decimal
    returned: Decimal
    restocked: Decimal


@dataclass(frozen=True)
class Reservation:
    id: int
    line: int
    quantity: Decimal
    pending: Decimal
    status: str
    expires_at: Optional[datetime]


@dataclass(frozen=True)
class OrderEvent:
    id: int
    kind: str
    status_after: str
    idempotency_key: Optional[str]
    at: datetime


@dataclass(frozen=True)
class Order:
    """An order with its lines, reservations, movement ids and history."""

    id: int
    external_id: str
    customer: Customer
    currency: str
    status: str
    paid: bool
    total: Decimal
    placed_at: datetime
    expires_at: Optional[datetime]
    lines: List[OrderLine]
    reservations: List[Reservation]
    movements: List[int]
    events: List[OrderEvent]


@dataclass(frozen=True)
class Drift:
    item: int
    warehouse: int
    movement: Optional[int]
    field: str
    expected: Decimal
    found: Decimal


@dataclass(frozen=True)
class VerifyReport:
    movements_checked: int
    balances_checked: int
    drift_count: int
    drifts: List[Drift]

    @property
    def is_clean(self) -> bool:
        return self.drift_count == 0


# --- building results from the core's JSON -----------------------------------

_INSTANT = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$"
)


def _parse_instant_portable(text: str) -> datetime:
    m = _INSTANT.match(text)
    if not m:
        raise ValueError(f"not an RFC 3339 instant: {text!r}")
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    micros = int((m.group(7) or "0")[:6].ljust(6, "0"))
    at = datetime(year, month, day, hour, minute, second, micros, tzinfo=timezone.utc)
    offset = m.group(8)
    if offset != "Z":
        sign = 1 if offset[0] == "+" else -1
        at -= sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6]))
    return at


def parse_instant(text: str) -> datetime:
    """RFC 3339 text from the core to an aware UTC datetime."""
    try:
        # Python >= 3.11 reads "Z" and 1-6 digit fractions in C, fast.
        at = datetime.fromisoformat(text)
    except ValueError:
        return _parse_instant_portable(text)  # Python 3.9 / 3.10
    if at.tzinfo is None:
        raise ValueError(f"not an RFC 3339 instant: {text!r}")
    return at if at.utcoffset() == timedelta(0) else at.astimezone(timezone.utc)


Converter = Callable[[Any], Any]


def _identity(value: Any) -> Any:
    return value


def _converter(hint: Any) -> Converter:
    """A function turning the JSON value of a field of type ``hint`` into it."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is typing.Union:  # Optional[X]
        inner = _converter(next(a for a in args if a is not type(None)))
        return lambda v: None if v is None else inner(v)
    if origin in (list, List):
        item = _converter(args[0])
        return lambda v: [item(x) for x in v]
    if hint is Decimal:
        return Decimal
    if hint is datetime:
        return parse_instant
    if dataclasses.is_dataclass(hint):
        cls = typing.cast(Type[Any], hint)
        return lambda v: build(cls, v)
    return _identity


_PLANS: Dict[type, List[Tuple[str, Converter]]] = {}


def _plan(cls: type) -> List[Tuple[str, Converter]]:
    plan = _PLANS.get(cls)
    if plan is None:
        hints = typing.get_type_hints(cls)
        plan = [(f.name, _converter(hints[f.name])) for f in dataclasses.fields(typing.cast(Any, cls))]
        _PLANS[cls] = plan
    return plan


def build(cls: Type[T], data: Dict[str, Any], item_type: Optional[type] = None) -> T:
    """Builds ``cls`` from the core's JSON object, converting decimals,
    instants and nested results by the dataclass's annotations (a plan per
    class, computed once)."""
    if cls is Posted:
        return Posted(data["movements"])  # type: ignore[return-value]
    if cls is Page:
        item = _converter(item_type)
        return cls(items=[item(v) for v in data["items"]], next=data.get("next"))  # type: ignore[call-arg]
    get = data.get
    return cls(**{name: convert(get(name)) for name, convert in _plan(cls)})
