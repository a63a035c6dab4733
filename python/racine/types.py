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
from typing import Any, Dict, Generic, List, Optional, Type, TypeVar

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


@dataclass(frozen=True)
class Posted:
    """The movements a post wrote (none for a matching count, two for a transfer)."""

    movements: List[MovementRecord]


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


def parse_instant(text: str) -> datetime:
    """RFC 3339 text from the core to an aware UTC datetime (Python 3.9's
    ``fromisoformat`` does not read ``Z`` nor every fraction length)."""
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


_HINTS: Dict[type, Dict[str, Any]] = {}


def _convert(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is typing.Union:  # Optional[X]
        inner = next(a for a in args if a is not type(None))
        return _convert(inner, value)
    if origin in (list, List):
        return [_convert(args[0], v) for v in value]
    if hint is Decimal:
        return Decimal(value)
    if hint is datetime:
        return parse_instant(value)
    if dataclasses.is_dataclass(hint):
        return build(typing.cast(Type[Any], hint), value)
    return value


def build(cls: Type[T], data: Dict[str, Any], item_type: Optional[type] = None) -> T:
    """Builds ``cls`` from the core's JSON object, converting decimals,
    instants and nested results by the dataclass's annotations."""
    hints = _HINTS.get(cls)
    if hints is None:
        hints = typing.get_type_hints(cls)
        _HINTS[cls] = hints
    kwargs: Dict[str, Any] = {}
    for f in dataclasses.fields(typing.cast(Any, cls)):
        hint = hints[f.name]
        if cls is Page and f.name == "items":
            kwargs["items"] = [_convert(item_type, v) for v in data["items"]]
        else:
            kwargs[f.name] = _convert(hint, data.get(f.name))
    return cls(**kwargs)
