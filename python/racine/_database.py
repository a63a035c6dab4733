"""The Pythonic face of a Racine database.

Every method turns its arguments into the core's JSON request form
(``Decimal`` to exact text, ``datetime`` to UTC RFC 3339), runs it in the
native engine with the GIL released, and builds typed results. No stock
rule lives here: refusals come from the Rust core, as exceptions from
:mod:`racine.errors`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from types import TracebackType
from typing import (
    Any,
    Dict,
    Iterable,
    List,
    Mapping,
    Optional,
    Type,
    TypeVar,
    Union,
)

from . import _racine
from .errors import invalid
from .types import (
    Info,
    Item,
    Order,
    MovementRecord,
    Page,
    Posted,
    PurchaseOrder,
    PurchaseReceived,
    StockAt,
    StockLevel,
    Supplier,
    VerifyReport,
    Warehouse,
    build,
)

__all__ = ["Database", "Movement", "PurchaseLineIn", "DecimalLike", "IdLike"]

#: What a quantity or an amount may be given as. ``float`` is refused: a binary
#: float cannot hold most decimal amounts exactly.
DecimalLike = Union[Decimal, int, str]
#: An id, or any result object with an ``id`` (an :class:`Item`, a :class:`Warehouse`…).
IdLike = Any

T = TypeVar("T")
_UNSET: Any = object()


_ONE = Decimal(1)


def _from_raw(millionths: int) -> Decimal:
    """Raw millionths to the same Decimal the JSON path gives (``Decimal('2.5')``)."""
    d = Decimal(millionths).scaleb(-6)
    if d == d.to_integral_value():
        return d.quantize(_ONE)  # 110, not 1.1E+2
    return d.normalize()  # 2.5, not 2.500000


def _decimal(value: Any, field: str) -> str:
    if isinstance(value, bool) or isinstance(value, float):
        raise invalid(
            field,
            f"{value!r} is a {type(value).__name__}; pass a Decimal, an int or a str "
            "(a binary float is not exact)",
        )
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise invalid(field, f"{value} is not a finite number")
        return format(value, "f")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return value
    raise invalid(field, f"expected a Decimal, int or str, got {type(value).__name__}")


def _opt_decimal(value: Any, field: str) -> Optional[str]:
    return None if value is None else _decimal(value, field)


def _instant(value: Any, field: str) -> str:
    if not isinstance(value, datetime):
        raise invalid(field, f"expected a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise invalid(field, "a naive datetime is ambiguous; give it a timezone")
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _id(value: Any, field: str) -> int:
    if isinstance(value, bool):
        raise invalid(field, f"{value!r} is not an id")
    if isinstance(value, int):
        return value
    inner = getattr(value, "id", None)
    if isinstance(inner, int) and not isinstance(inner, bool):
        return inner
    raise invalid(field, f"expected an id (int) or an object with an id, got {type(value).__name__}")


def _opt_id(value: Any, field: str) -> Optional[int]:
    return None if value is None else _id(value, field)


def _prune(d: Dict[str, Any]) -> Dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}


@dataclass(frozen=True)
class Movement:
    """A request to move stock, for :meth:`Database.post` and
    :meth:`Database.post_batch`. Build one with :meth:`receipt`, :meth:`issue`,
    :meth:`adjustment`, :meth:`count` or :meth:`transfer`."""

    kind: str
    item: IdLike
    quantity: DecimalLike
    warehouse: Optional[IdLike] = None
    to_warehouse: Optional[IdLike] = None
    unit_cost: Optional[DecimalLike] = None
    reason: Optional[str] = None
    note: Optional[str] = None
    reference: Optional[str] = None
    actor: Optional[str] = None
    effective_at: Optional[datetime] = None

    @classmethod
    def receipt(cls, item: IdLike, quantity: DecimalLike, unit_cost: Optional[DecimalLike], **kw: Any) -> "Movement":
        """Stock in at ``unit_cost`` (reason ``purchase_receipt`` unless given)."""
        return cls("receipt", item, quantity, unit_cost=unit_cost, **kw)

    @classmethod
    def issue(cls, item: IdLike, quantity: DecimalLike, **kw: Any) -> "Movement":
        """Stock out (reason ``sale`` unless given)."""
        return cls("issue", item, quantity, **kw)

    @classmethod
    def adjustment(cls, item: IdLike, quantity: DecimalLike, reason: str, **kw: Any) -> "Movement":
        """Signed quantity with a reason that fits its sign (``breakage``…)."""
        return cls("adjustment", item, quantity, reason=reason, **kw)

    @classmethod
    def count(cls, item: IdLike, counted: DecimalLike, **kw: Any) -> "Movement":
        """The counted quantity; the ledger posts the difference."""
        return cls("count", item, counted, **kw)

    @classmethod
    def transfer(
        cls, item: IdLike, from_warehouse: IdLike, to_warehouse: IdLike, quantity: DecimalLike, **kw: Any
    ) -> "Movement":
        """Move stock between warehouses, cost carried from the source."""
        return cls("transfer", item, quantity, warehouse=from_warehouse, to_warehouse=to_warehouse, **kw)

    def to_request(self) -> Dict[str, Any]:
        """The core's JSON form of this movement."""
        return _prune(
            {
                "kind": self.kind,
                "item": _id(self.item, "item"),
                "warehouse": _opt_id(self.warehouse, "warehouse"),
                "to_warehouse": _opt_id(self.to_warehouse, "to_warehouse"),
                "quantity": _decimal(self.quantity, "quantity"),
                "unit_cost": _opt_decimal(self.unit_cost, "unit_cost"),
                "reason": self.reason,
                "note": self.note,
                "reference": self.reference,
                "actor": self.actor,
                "effective_at": None if self.effective_at is None else _instant(self.effective_at, "effective_at"),
            }
        )


@dataclass(frozen=True)
class PurchaseLineIn:
    """A line to order: ``quantity`` of ``item`` at ``unit_cost``."""

    item: IdLike
    quantity: DecimalLike
    unit_cost: DecimalLike
    warehouse: Optional[IdLike] = None


_MOVEMENT_FIELDS = frozenset(f for f in Movement.__dataclass_fields__)
_REQUIRED_FIELDS = ("kind", "item", "quantity")
_ID_FIELDS = ("item", "warehouse", "to_warehouse")
_DECIMAL_FIELDS = ("quantity", "unit_cost")


def _movement_request(m: Union[Movement, Mapping[str, Any]]) -> Dict[str, Any]:
    if isinstance(m, Movement):
        return m.to_request()
    # `type(m) is dict` first: the ABC check of typing.Mapping costs more than
    # the conversion itself on large batches.
    if type(m) is not dict and not isinstance(m, Mapping):
        raise invalid("movement", f"expected a Movement or a mapping, got {type(m).__name__}")
    # A mapping is converted field by field (the fast path of large batches).
    unknown = m.keys() - _MOVEMENT_FIELDS
    if unknown:
        raise invalid("movement", f"unknown field(s) {', '.join(sorted(unknown))}")
    for name in _REQUIRED_FIELDS:
        if name not in m:
            raise invalid("movement", f"missing field {name}")
    out: Dict[str, Any] = {}
    for name, value in m.items():
        if value is None:
            continue
        if name in _ID_FIELDS:
            out[name] = _id(value, name)
        elif name in _DECIMAL_FIELDS:
            out[name] = _decimal(value, name)
        elif name == "effective_at":
            out[name] = _instant(value, name)
        else:
            out[name] = value
    return out


class Database:
    """An open Racine database: one SQLite file (or memory) and its rules.

    >>> import racine
    >>> with racine.Database(":memory:") as db:
    ...     oak = db.create_item("OAK", "Oak plank", valuation="moving_average")
    ...     _ = db.receive(oak, 10, Decimal("100"))
    ...     _ = db.receive(oak, 10, Decimal("120"))
    ...     db.issue(oak, 5).movements[0].value_change
    Decimal('-550')

    A ``Database`` may be shared by threads (calls are serialised, with the GIL
    released while Racine works); several processes may open the same file.
    """

    def __init__(
        self,
        path: str = ":memory:",
        *,
        synchronous: str = "full",
        busy_timeout_ms: int = 10_000,
        time_zone: Optional[str] = None,
        default_warehouse: Optional[str] = None,
        cache_size_kib: Optional[int] = None,
    ) -> None:
        options = _prune(
            {
                "synchronous": synchronous,
                "busy_timeout_ms": busy_timeout_ms,
                "time_zone": time_zone,
                "default_warehouse": default_warehouse,
                "cache_size_kib": cache_size_kib,
            }
        )
        self.path = str(path)
        self._engine = _racine.Engine(self.path, json.dumps(options))

    # -- lifecycle -----------------------------------------------------------

    def close(self) -> None:
        """Closes the database; later calls raise :class:`DatabaseClosedError`."""
        self._engine.close()

    @property
    def closed(self) -> bool:
        return bool(self._engine.closed)

    def __enter__(self) -> "Database":
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<racine.Database {self.path!r} {state}>"

    def _call(self, op: str, **args: Any) -> Any:
        request = {"op": op, **_prune(args)}
        return json.loads(self._engine.call(json.dumps(request)))

    def info(self) -> Info:
        """Library, schema and SQLite versions, and the business time zone."""
        return build(Info, self._call("info"))

    # -- items ---------------------------------------------------------------

    def create_item(
        self,
        sku: str,
        name: str,
        *,
        unit: str = "pcs",
        kind: str = "material",
        valuation: str = "fifo",
        reorder_point: Optional[DecimalLike] = None,
        allow_negative: bool = False,
    ) -> Item:
        """Creates an item; its SKU must be new (:class:`AlreadyExistsError`)."""
        item = _prune(
            {
                "sku": sku,
                "name": name,
                "unit": unit,
                "kind": kind,
                "valuation": valuation,
                "reorder_point": _opt_decimal(reorder_point, "reorder_point"),
                "allow_negative": allow_negative,
            }
        )
        return build(Item, self._call("create_item", item=item))

    def update_item(
        self,
        item: IdLike,
        *,
        name: Optional[str] = None,
        unit: Optional[str] = None,
        kind: Optional[str] = None,
        valuation: Optional[str] = None,
        reorder_point: Any = _UNSET,
        allow_negative: Optional[bool] = None,
        active: Optional[bool] = None,
    ) -> Item:
        """Changes the given fields; ``reorder_point=None`` clears it. The
        valuation method can change only before the item's first movement."""
        changes: Dict[str, Any] = _prune(
            {
                "name": name,
                "unit": unit,
                "kind": kind,
                "valuation": valuation,
                "allow_negative": allow_negative,
                "active": active,
            }
        )
        if reorder_point is not _UNSET:
            changes["reorder_point"] = _opt_decimal(reorder_point, "reorder_point")
        return build(Item, self._call("update_item", id=_id(item, "item"), changes=changes))

    def deactivate_item(self, item: IdLike) -> Item:
        """Deactivates an item: it keeps its history and receives nothing more."""
        return build(Item, self._call("deactivate_item", id=_id(item, "item")))

    def item(self, item: IdLike) -> Item:
        return build(Item, self._call("item", id=_id(item, "item")))

    def item_by_sku(self, sku: str) -> Item:
        return build(Item, self._call("item_by_sku", sku=sku))

    def items(
        self,
        *,
        active: Optional[bool] = None,
        kind: Optional[str] = None,
        search: Optional[str] = None,
        limit: Optional[int] = None,
        after: Optional[int] = None,
    ) -> Page[Item]:
        """Items by id, one page at a time (``after=page.next`` for the next)."""
        f = _prune({"active": active, "kind": kind, "search": search, "limit": limit, "after": after})
        return build(Page, self._call("items", filter=f), Item)

    # -- warehouses ----------------------------------------------------------

    def create_warehouse(self, code: str, name: str, *, is_default: bool = False) -> Warehouse:
        w = {"code": code, "name": name, "is_default": is_default}
        return build(Warehouse, self._call("create_warehouse", warehouse=w))

    def update_warehouse(
        self,
        warehouse: IdLike,
        *,
        name: Optional[str] = None,
        is_default: Optional[bool] = None,
        active: Optional[bool] = None,
    ) -> Warehouse:
        changes = _prune({"name": name, "is_default": is_default, "active": active})
        return build(Warehouse, self._call("update_warehouse", id=_id(warehouse, "warehouse"), changes=changes))

    def deactivate_warehouse(self, warehouse: IdLike) -> Warehouse:
        return build(Warehouse, self._call("deactivate_warehouse", id=_id(warehouse, "warehouse")))

    def warehouse(self, warehouse: IdLike) -> Warehouse:
        return build(Warehouse, self._call("warehouse", id=_id(warehouse, "warehouse")))

    def warehouse_by_code(self, code: str) -> Warehouse:
        return build(Warehouse, self._call("warehouse_by_code", code=code))

    def default_warehouse(self) -> Warehouse:
        return build(Warehouse, self._call("default_warehouse"))

    def warehouses(
        self, *, active: Optional[bool] = None, limit: Optional[int] = None, after: Optional[int] = None
    ) -> Page[Warehouse]:
        f = _prune({"active": active, "limit": limit, "after": after})
        return build(Page, self._call("warehouses", filter=f), Warehouse)

    # -- suppliers -----------------------------------------------------------

    def create_supplier(
        self,
        name: str,
        *,
        email: Optional[str] = None,
        phone: Optional[str] = None,
        notes: Optional[str] = None,
    ) -> Supplier:
        s = _prune({"name": name, "email": email, "phone": phone, "notes": notes})
        return build(Supplier, self._call("create_supplier", supplier=s))

    def update_supplier(
        self,
        supplier: IdLike,
        *,
        name: Optional[str] = None,
        email: Optional[str] = None,
        phone: Optional[str] = None,
        notes: Optional[str] = None,
        active: Optional[bool] = None,
    ) -> Supplier:
        """Changes the given fields; an empty string clears an optional one."""
        changes = _prune({"name": name, "email": email, "phone": phone, "notes": notes, "active": active})
        return build(Supplier, self._call("update_supplier", id=_id(supplier, "supplier"), changes=changes))

    def deactivate_supplier(self, supplier: IdLike) -> Supplier:
        return build(Supplier, self._call("deactivate_supplier", id=_id(supplier, "supplier")))

    def supplier(self, supplier: IdLike) -> Supplier:
        return build(Supplier, self._call("supplier", id=_id(supplier, "supplier")))

    def suppliers(
        self,
        *,
        active: Optional[bool] = None,
        search: Optional[str] = None,
        limit: Optional[int] = None,
        after: Optional[int] = None,
    ) -> Page[Supplier]:
        f = _prune({"active": active, "search": search, "limit": limit, "after": after})
        return build(Page, self._call("suppliers", filter=f), Supplier)

    # -- movements -----------------------------------------------------------

    def post(self, movement: Union[Movement, Mapping[str, Any]], *, idempotency_key: Optional[str] = None) -> Posted:
        """Posts one movement in its own transaction. With ``idempotency_key``,
        the same movement again returns the first result and writes nothing."""
        return build(
            Posted,
            self._call("post", movement=_movement_request(movement), idempotency_key=idempotency_key),
        )

    def post_batch(
        self,
        movements: Iterable[Union[Movement, Mapping[str, Any]]],
        *,
        idempotency_key: Optional[str] = None,
    ) -> Posted:
        """Posts many movements in one transaction: all or none. A refusal's
        ``index`` names the failing entry."""
        requests: List[Dict[str, Any]] = []
        for i, m in enumerate(movements):
            try:
                requests.append(_movement_request(m))
            except Exception as e:
                if hasattr(e, "details"):
                    e.details["index"] = i
                    e.index = i  # type: ignore[attr-defined]
                raise
        # Only a summary crosses back: a batch's ids are consecutive, and its
        # records are read from the ledger if and when they are looked at.
        summary = self._call("post_batch", movements=requests, idempotency_key=idempotency_key, summary=True)
        first, last = summary["first_id"], summary["last_id"]

        def load() -> List[MovementRecord]:
            out: List[MovementRecord] = []
            after = first - 1
            while after < last:
                page = self.movements(order="oldest_first", limit=1000, after=after)
                out.extend(m for m in page.items if m.id <= last)
                if page.next is None:
                    break
                after = page.next
            return out

        return Posted(count=summary["count"], load=load if first is not None else None)

    def receive(
        self, item: IdLike, quantity: DecimalLike, unit_cost: Optional[DecimalLike] = None, *,
        idempotency_key: Optional[str] = None, **kw: Any,
    ) -> Posted:
        """Receives stock (a purchase receipt unless ``reason`` says otherwise)."""
        return self.post(Movement.receipt(item, quantity, unit_cost, **kw), idempotency_key=idempotency_key)

    def issue(self, item: IdLike, quantity: DecimalLike, *, idempotency_key: Optional[str] = None, **kw: Any) -> Posted:
        """Issues stock (a sale unless ``reason`` says otherwise)."""
        return self.post(Movement.issue(item, quantity, **kw), idempotency_key=idempotency_key)

    def adjust(
        self, item: IdLike, quantity: DecimalLike, reason: str, *, idempotency_key: Optional[str] = None, **kw: Any
    ) -> Posted:
        """Adjusts by a signed quantity for ``reason`` (``breakage``, ``loss``…)."""
        return self.post(Movement.adjustment(item, quantity, reason, **kw), idempotency_key=idempotency_key)

    def count(self, item: IdLike, counted: DecimalLike, *, idempotency_key: Optional[str] = None, **kw: Any) -> Posted:
        """Records an inventory count; the difference is posted (nothing when equal)."""
        return self.post(Movement.count(item, counted, **kw), idempotency_key=idempotency_key)

    def transfer(
        self, item: IdLike, from_warehouse: IdLike, to_warehouse: IdLike, quantity: DecimalLike, *,
        idempotency_key: Optional[str] = None, **kw: Any,
    ) -> Posted:
        """Moves stock between warehouses in one transaction, cost carried along."""
        return self.post(
            Movement.transfer(item, from_warehouse, to_warehouse, quantity, **kw), idempotency_key=idempotency_key
        )

    # -- reads ---------------------------------------------------------------

    def stock(self, item: IdLike, warehouse: Optional[IdLike] = None) -> StockLevel:
        """Stock of ``item`` in ``warehouse``, or across all warehouses."""
        # Typed path (no JSON): this read is the hot one.
        i, sku, w, on_hand, reserved, available, value, unit_value, reorder = self._engine.stock_level(
            _id(item, "item"), _opt_id(warehouse, "warehouse")
        )
        return StockLevel(
            i,
            sku,
            w,
            _from_raw(on_hand),
            _from_raw(reserved),
            _from_raw(available),
            _from_raw(value),
            _from_raw(unit_value),
            None if reorder is None else _from_raw(reorder),
        )

    def on_hand(self, item: IdLike, warehouse: Optional[IdLike] = None) -> Decimal:
        """Quantity on hand only: the fast path (no JSON on the way)."""
        return _from_raw(self._engine.stock_raw(_id(item, "item"), _opt_id(warehouse, "warehouse"))[0])

    def stock_by_warehouse(self, item: IdLike) -> List[StockLevel]:
        return [build(StockLevel, s) for s in self._call("stock_by_warehouse", item=_id(item, "item"))]

    def stock_levels(
        self,
        *,
        warehouse: Optional[IdLike] = None,
        low_stock_only: bool = False,
        active_only: bool = False,
        limit: Optional[int] = None,
        after: Optional[int] = None,
    ) -> Page[StockLevel]:
        """Stock of every item (totals, or in one warehouse); ``low_stock_only``
        keeps items whose available quantity is at or below their reorder point."""
        f = _prune(
            {
                "warehouse": _opt_id(warehouse, "warehouse"),
                "low_stock_only": low_stock_only,
                "active_only": active_only,
                "limit": limit,
                "after": after,
            }
        )
        return build(Page, self._call("stock_levels", filter=f), StockLevel)

    def stock_value(self, warehouse: Optional[IdLike] = None) -> Decimal:
        """Total stock value, in one warehouse or all."""
        return Decimal(self._call("stock_value", warehouse=_opt_id(warehouse, "warehouse")))

    def stock_as_of(self, item: IdLike, at: datetime, warehouse: Optional[IdLike] = None) -> StockAt:
        """Stock and value as of ``at`` (movements effective at or before it)."""
        return build(
            StockAt,
            self._call(
                "stock_as_of", item=_id(item, "item"), at=_instant(at, "at"), warehouse=_opt_id(warehouse, "warehouse")
            ),
        )

    def movements(
        self,
        *,
        item: Optional[IdLike] = None,
        warehouse: Optional[IdLike] = None,
        reason: Optional[str] = None,
        start: Optional[datetime] = None,
        end: Optional[datetime] = None,
        reference: Optional[str] = None,
        order: str = "newest_first",
        limit: Optional[int] = None,
        after: Optional[int] = None,
    ) -> Page[MovementRecord]:
        """Movement history; ``start``/``end`` bound the effective time, half-open."""
        f = _prune(
            {
                "item": _opt_id(item, "item"),
                "warehouse": _opt_id(warehouse, "warehouse"),
                "reason": reason,
                "from": None if start is None else _instant(start, "start"),
                "to": None if end is None else _instant(end, "end"),
                "reference": reference,
                "order": order,
                "limit": limit,
                "after": after,
            }
        )
        return build(Page, self._call("movements", filter=f), MovementRecord)

    # -- purchases -----------------------------------------------------------

    def create_purchase_order(
        self,
        supplier: IdLike,
        reference: str,
        lines: Iterable[Union[PurchaseLineIn, Mapping[str, Any]]],
        *,
        note: Optional[str] = None,
    ) -> PurchaseOrder:
        out = []
        for line in lines:
            ln = line if isinstance(line, PurchaseLineIn) else PurchaseLineIn(**line)
            out.append(
                _prune(
                    {
                        "item": _id(ln.item, "item"),
                        "quantity": _decimal(ln.quantity, "quantity"),
                        "unit_cost": _decimal(ln.unit_cost, "unit_cost"),
                        "warehouse": _opt_id(ln.warehouse, "warehouse"),
                    }
                )
            )
        order = _prune({"supplier": _id(supplier, "supplier"), "reference": reference, "note": note, "lines": out})
        return build(PurchaseOrder, self._call("create_purchase_order", order=order))

    def purchase_order(self, order: IdLike) -> PurchaseOrder:
        return build(PurchaseOrder, self._call("purchase_order", id=_id(order, "order")))

    def purchase_orders(
        self,
        *,
        supplier: Optional[IdLike] = None,
        status: Optional[str] = None,
        limit: Optional[int] = None,
        after: Optional[int] = None,
    ) -> Page[PurchaseOrder]:
        f = _prune({"supplier": _opt_id(supplier, "supplier"), "status": status, "limit": limit, "after": after})
        return build(Page, self._call("purchase_orders", filter=f), PurchaseOrder)

    def receive_purchase(
        self,
        order: IdLike,
        lines: Optional[Mapping[int, DecimalLike]] = None,
        *,
        actor: Optional[str] = None,
        note: Optional[str] = None,
        effective_at: Optional[datetime] = None,
        idempotency_key: Optional[str] = None,
    ) -> PurchaseReceived:
        """Receives ``{line_id: quantity}`` (everything still expected when
        ``lines`` is omitted), posting receipts at the lines' costs."""
        receipt = _prune(
            {
                "lines": [
                    {"line": _id(line, "line"), "quantity": _decimal(q, "quantity")} for line, q in (lines or {}).items()
                ],
                "actor": actor,
                "note": note,
                "effective_at": None if effective_at is None else _instant(effective_at, "effective_at"),
            }
        )
        return build(
            PurchaseReceived,
            self._call("receive_purchase", order=_id(order, "order"), receipt=receipt, idempotency_key=idempotency_key),
        )

    def cancel_purchase_remainder(self, order: IdLike) -> PurchaseOrder:
        return build(PurchaseOrder, self._call("cancel_purchase_remainder", order=_id(order, "order")))

    # -- orders --------------------------------------------------------------

    def stock_policy(self) -> str:
        """``reserve`` (placing reserves) or ``decrement_on_sale`` (placing issues)."""
        return str(self._call("stock_policy"))

    def set_stock_policy(self, policy: str) -> str:
        return str(self._call("set_stock_policy", policy=policy))

    def place_order(
        self,
        external_id: str,
        lines: Iterable[Mapping[str, Any]],
        *,
        currency: str,
        customer: Optional[Mapping[str, Optional[str]]] = None,
        placed_at: Optional[datetime] = None,
        expires_at: Optional[datetime] = None,
        idempotency_key: Optional[str] = None,
    ) -> Order:
        """Places an order keyed by the shop's own id. ``lines`` are mappings
        with ``sku``, ``quantity``, ``unit_price`` and optional ``warehouse``.
        All lines are reserved (or issued) or none: a short order raises
        :class:`InsufficientAvailableError` listing every short line."""
        out = []
        for i, line in enumerate(lines):
            unknown = set(line) - {"sku", "quantity", "unit_price", "warehouse"}
            if unknown:
                raise invalid(f"lines[{i}]", f"unknown field(s) {', '.join(sorted(unknown))}")
            out.append(
                _prune(
                    {
                        "sku": line.get("sku"),
                        "quantity": _decimal(line.get("quantity"), f"lines[{i}].quantity"),
                        "unit_price": _decimal(line.get("unit_price"), f"lines[{i}].unit_price"),
                        "warehouse": _opt_id(line.get("warehouse"), f"lines[{i}].warehouse"),
                    }
                )
            )
        order = _prune(
            {
                "external_id": external_id,
                "currency": currency,
                "customer": _prune(dict(customer or {})),
                "lines": out,
                "placed_at": None if placed_at is None else _instant(placed_at, "placed_at"),
                "expires_at": None if expires_at is None else _instant(expires_at, "expires_at"),
            }
        )
        return build(Order, self._call("place_order", order=order, idempotency_key=idempotency_key))

    def pay_order(self, external_id: str, *, idempotency_key: Optional[str] = None) -> Order:
        return build(Order, self._call("pay_order", external_id=external_id, idempotency_key=idempotency_key))

    def fulfil_order(
        self,
        external_id: str,
        lines: Optional[Mapping[int, DecimalLike]] = None,
        *,
        idempotency_key: Optional[str] = None,
    ) -> Order:
        """Records shipment of ``{line number: quantity}`` (everything left when omitted)."""
        wanted = [{"line": n, "quantity": _decimal(q, "quantity")} for n, q in (lines or {}).items()]
        return build(
            Order, self._call("fulfil_order", external_id=external_id, lines=wanted, idempotency_key=idempotency_key)
        )

    def cancel_order(self, external_id: str, *, idempotency_key: Optional[str] = None) -> Order:
        """Releases reservations; what shipped comes back at the cost it left with."""
        return build(Order, self._call("cancel_order", external_id=external_id, idempotency_key=idempotency_key))

    def return_order(
        self,
        external_id: str,
        lines: Iterable[Mapping[str, Any]],
        *,
        idempotency_key: Optional[str] = None,
    ) -> Order:
        """Goods coming back: mappings with ``line``, ``quantity`` and ``restock`` (bool)."""
        wanted = [
            {"line": ln["line"], "quantity": _decimal(ln["quantity"], "quantity"), "restock": bool(ln["restock"])}
            for ln in lines
        ]
        return build(
            Order, self._call("return_order", external_id=external_id, lines=wanted, idempotency_key=idempotency_key)
        )

    def expire_reservations(self, now: Optional[datetime] = None) -> List[str]:
        """Expires unpaid, unshipped orders whose hold ended; returns their ids."""
        at = now if now is not None else datetime.now(timezone.utc)
        return [str(x) for x in self._call("expire_reservations", now=_instant(at, "now"))]

    def order(self, external_id: str) -> Order:
        return build(Order, self._call("order", external_id=external_id))

    # -- checks --------------------------------------------------------------

    def verify(self) -> VerifyReport:
        """Replays the ledger and reports every drift (none on a healthy file)."""
        return build(VerifyReport, self._call("verify"))
