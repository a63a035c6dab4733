"""The hand-written part of :class:`racine.Database`: the connection, the
typed hot path for stock, batches read back lazily, and a few shortcuts.
Every operation itself is generated (:class:`racine._generated.Operations`).
No stock rule lives here: refusals come from the Rust core.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
from datetime import datetime, timezone
from decimal import Decimal
from types import TracebackType
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Tuple, Type, TypeVar, Union

from . import _generated as g
from . import _racine
from ._convert import args, build, encode
from .errors import InvalidInputError

__all__ = ["Database", "Movement", "BatchPosted", "ExportProgress"]


@dataclasses.dataclass(frozen=True)
class ExportProgress:
    """How far an export is, as its ``progress`` callback sees it."""

    sheet: str
    """The dataset being written (its sheet's name)."""
    sheet_rows: int
    """Rows of this dataset written so far."""
    sheet_total: Optional[int]
    """Rows this dataset will have, when known before it is written."""
    rows: int
    """Rows written so far, all datasets."""
    done: bool
    """Whether the export is complete (the last call)."""



def _ident(value: Any) -> Any:
    """An id, or what a result object stands for (its id)."""
    return getattr(value, "id", value)


def _typed_id(value: Any) -> bool:
    """Whether ``value`` can take the typed path: an int that fits the
    native 64-bit id. Anything else goes by JSON, where the core refuses it
    with the same error as in every language."""
    return isinstance(value, int) and not isinstance(value, bool) and -(2**63) <= value < 2**63


_UNIT = 10**g.DECIMAL_SCALE


def _from_raw(raw: int) -> Decimal:
    """A raw integer of the typed path (``DECIMAL_SCALE`` fractional digits)
    to the same Decimal the JSON path gives (``Decimal('2.5')``, ``Decimal('110')``).

    Whole numbers, the common case, take one conversion from int; the others
    are written out as the core writes them (no trailing zeros)."""
    whole, frac = divmod(raw, _UNIT)
    if not frac:
        return Decimal(whole)
    if raw < 0:
        whole, frac = divmod(-raw, _UNIT)
        return Decimal(f"-{whole}.{frac:0{g.DECIMAL_SCALE}d}".rstrip("0"))
    return Decimal(f"{whole}.{frac:0{g.DECIMAL_SCALE}d}".rstrip("0"))


_new = object.__new__
T = TypeVar("T")


def _built(cls: Type[T], fields: Dict[str, Any]) -> T:
    """An instance of the frozen dataclass ``cls`` with ``fields`` (every
    field, already converted): what ``cls(**fields)`` gives, without its
    one ``object.__setattr__`` call per field on the hottest reads."""
    obj = _new(cls)
    obj.__dict__.update(fields)
    return obj


def _too_deep(request: Dict[str, Any], spread: Tuple[str, ...]) -> InvalidInputError:
    """The core's refusal of a value nested too deeply, for one that Python's
    encoder gave up on before the core could see it: names the field by its
    path, as the core would (``movement.note``; a spread argument by its own
    name)."""
    path: List[str] = []
    value: Any = request
    while True:
        fields = _fields(value)
        if fields is None:
            break
        for name, v in fields.items():
            try:
                encode({"v": v})
            except RecursionError:
                path.append(str(name))
                value = v
                break
        else:
            break
    if len(path) > 1 and path[0] in spread:
        path = path[1:]
    field = ".".join(path) or "request"
    reason = g.TOO_DEEP
    message = g.INVALID_INPUT_MESSAGE.format(field=field, reason=reason)
    return InvalidInputError(message, {"code": "invalid_input", "message": message, "field": field, "reason": reason})


def _fields(value: Any) -> Optional[Dict[str, Any]]:
    """The named fields of a request object (a mapping or a dataclass)."""
    if isinstance(value, Mapping):
        return dict(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    return None


class Movement(g.Movement):
    """A request to move stock, for :meth:`Database.post` and
    :meth:`Database.post_batch`. Build one with :meth:`receipt`, :meth:`issue`,
    :meth:`adjustment`, :meth:`count` or :meth:`transfer`."""

    @classmethod
    def receipt(cls, item: g.ItemLike, quantity: g.DecimalLike, unit_cost: Optional[g.DecimalLike], **kw: Any) -> "Movement":
        """Stock in at ``unit_cost`` (reason ``purchase_receipt`` unless given)."""
        return cls("receipt", item, quantity, unit_cost=unit_cost, **kw)

    @classmethod
    def issue(cls, item: g.ItemLike, quantity: g.DecimalLike, **kw: Any) -> "Movement":
        """Stock out (reason ``sale`` unless given)."""
        return cls("issue", item, quantity, **kw)

    @classmethod
    def adjustment(cls, item: g.ItemLike, quantity: g.DecimalLike, reason: g.Reason, **kw: Any) -> "Movement":
        """Signed quantity with a reason that fits its sign (``breakage``…)."""
        return cls("adjustment", item, quantity, reason=reason, **kw)

    @classmethod
    def count(cls, item: g.ItemLike, counted: g.DecimalLike, **kw: Any) -> "Movement":
        """The counted quantity; the ledger posts the difference."""
        return cls("count", item, counted, **kw)

    @classmethod
    def transfer(
        cls, item: g.ItemLike, from_warehouse: g.IdLike, to_warehouse: g.IdLike, quantity: g.DecimalLike, **kw: Any
    ) -> "Movement":
        """Move stock between warehouses, cost carried from the source."""
        return cls("transfer", item, quantity, warehouse=from_warehouse, to_warehouse=to_warehouse, **kw)


class BatchPosted:
    """What a batch wrote: ``len()`` movements, whose records are read back
    from the ledger on first access to ``movements`` (a large batch whose
    records are not looked at costs nothing to return)."""

    __slots__ = ("_movements", "_count", "_load")

    def __init__(self, count: int, load: Optional[Callable[[], List[g.MovementRecord]]]) -> None:
        self._movements: Optional[List[g.MovementRecord]] = None
        self._count = count
        self._load = load

    @property
    def movements(self) -> List[g.MovementRecord]:
        if self._movements is None:
            self._movements = self._load() if self._load is not None else []
        return self._movements

    def __len__(self) -> int:
        return self._count

    def __eq__(self, other: object) -> bool:
        return isinstance(other, (BatchPosted, g.Posted)) and self.movements == other.movements

    def __hash__(self) -> int:
        return hash(tuple(m.id for m in self.movements))

    def __repr__(self) -> str:
        return f"BatchPosted(movements={self.movements!r})"


class Database(g.Operations):
    """An open Racine database: one SQLite file (or memory) and its rules.

    >>> import racine
    >>> with racine.Database(":memory:") as db:
    ...     oak = db.create_item("OAK", "Oak plank", valuation="moving_average")
    ...     _ = db.receive(oak, 10, Decimal("100"))
    ...     _ = db.receive("OAK", 10, Decimal("120"))      # by id, SKU or the item itself
    ...     db.issue(oak, 5).movements[0].value_change
    Decimal('-550')

    Every operation of the catalogue is a method. A ``Database`` may be
    shared by threads (calls are serialised, with the GIL released while
    Racine works); several processes may open the same file. Options left
    out take the core's defaults (``synchronous="full"``, a 10 s busy
    timeout…: see ``open_options`` in ``schema/racine.json``).
    """

    def __init__(
        self,
        path: str = ":memory:",
        *,
        synchronous: Optional[g.Synchronous] = None,
        busy_timeout_ms: Optional[int] = None,
        time_zone: Optional[str] = None,
        default_warehouse: Optional[str] = None,
        cache_size_kib: Optional[int] = None,
    ) -> None:
        options = args(
            {
                "synchronous": synchronous,
                "busy_timeout_ms": busy_timeout_ms,
                "time_zone": time_zone,
                "default_warehouse": default_warehouse,
                "cache_size_kib": cache_size_kib,
            }
        )
        self.path = str(path)
        self._engine = _racine.Engine(self.path, json.dumps(options) if options else None)

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

    def _run(self, op: str, request: Dict[str, Any], spread: Tuple[str, ...] = ()) -> Any:
        request = dict(request, op=op)
        try:
            text = encode(request)
        except RecursionError:
            raise _too_deep(request, spread) from None
        try:
            return json.loads(self._engine.call(text))
        except InvalidInputError as e:
            # A spread struct's fields are this method's own parameters: name
            # the parameter (`valuation`), not its place in the request
            # (`item.valuation`).
            head, _, rest = str(getattr(e, "field", "")).partition(".")
            if rest and head in spread:
                e.field = rest
                e.details["field"] = rest
            raise

    def _call(self, op: str, **arguments: Any) -> Any:
        """One raw request (JSON in, JSON out), for what no method covers."""
        return self._run(op, args(arguments))

    # -- the hot path and batches ------------------------------------------

    def stock(self, item: g.ItemLike, warehouse: Optional[g.IdLike] = None) -> g.StockLevel:
        """Stock of ``item`` (id, SKU or the item) in ``warehouse``, or across
        all warehouses. By id it takes the typed path (no JSON)."""
        ident = _ident(item)
        where = None if warehouse is None else _ident(warehouse)
        if not _typed_id(ident) or not (where is None or _typed_id(where)):
            return super().stock(item, warehouse)
        i, sku, w, on_hand, reserved, available, value, unit_value, reorder = self._engine.stock_level(ident, where)
        return _built(
            g.StockLevel,
            {
                "item": i,
                "sku": sku,
                "warehouse": w,
                "on_hand": _from_raw(on_hand),
                "reserved": _from_raw(reserved),
                "available": _from_raw(available),
                "value": _from_raw(value),
                "unit_value": _from_raw(unit_value),
                "reorder_point": None if reorder is None else _from_raw(reorder),
            },
        )

    def on_hand(self, item: g.IdLike, warehouse: Optional[g.IdLike] = None) -> Decimal:
        """Quantity on hand only: the fastest read (no JSON on the way)."""
        ident = _ident(item)
        where = None if warehouse is None else _ident(warehouse)
        if not _typed_id(ident) or not (where is None or _typed_id(where)):
            return self.stock(item, warehouse).on_hand
        return _from_raw(self._engine.stock_raw(ident, where)[0])

    def post_batch(  # type: ignore[override]
        self,
        movements: Iterable[Union[g.Movement, Mapping[str, Any]]],
        *,
        idempotency_key: Optional[str] = None,
    ) -> BatchPosted:
        """Posts many movements in one transaction: all or none. A refusal's
        ``index`` names the failing entry. Only a summary crosses back: the
        records are read from the ledger if and when they are looked at."""
        summary = self._run(
            "post_batch",
            args({"movements": list(movements), "idempotency_key": idempotency_key, "summary": True}),
        )
        first, last = summary["first_id"], summary["last_id"]

        def load() -> List[g.MovementRecord]:
            out: List[g.MovementRecord] = []
            after = first - 1
            while True:
                page = self.movements(order="oldest_first", limit=1000, after=after)
                out.extend(m for m in page.items if m.id <= last)
                if page.next is None or page.next >= last:
                    return out
                after = page.next

        return BatchPosted(summary["count"], load if first is not None else None)

    # -- shortcuts -----------------------------------------------------------

    def receive(
        self, item: g.ItemLike, quantity: g.DecimalLike, unit_cost: Optional[g.DecimalLike] = None, *,
        idempotency_key: Optional[str] = None, **kw: Any,
    ) -> g.Posted:
        """Receives stock (a purchase receipt unless ``reason`` says otherwise)."""
        return self.post(Movement.receipt(item, quantity, unit_cost, **kw), idempotency_key=idempotency_key)

    def issue(self, item: g.ItemLike, quantity: g.DecimalLike, *, idempotency_key: Optional[str] = None, **kw: Any) -> g.Posted:
        """Issues stock (a sale unless ``reason`` says otherwise)."""
        return self.post(Movement.issue(item, quantity, **kw), idempotency_key=idempotency_key)

    def adjust(
        self, item: g.ItemLike, quantity: g.DecimalLike, reason: g.Reason, *, idempotency_key: Optional[str] = None,
        **kw: Any,
    ) -> g.Posted:
        """Adjusts by a signed quantity for ``reason`` (``breakage``, ``loss``…)."""
        return self.post(Movement.adjustment(item, quantity, reason, **kw), idempotency_key=idempotency_key)

    def count(self, item: g.ItemLike, counted: g.DecimalLike, *, idempotency_key: Optional[str] = None, **kw: Any) -> g.Posted:
        """Records an inventory count; the difference is posted (nothing when equal)."""
        return self.post(Movement.count(item, counted, **kw), idempotency_key=idempotency_key)

    def transfer(
        self, item: g.ItemLike, from_warehouse: g.IdLike, to_warehouse: g.IdLike, quantity: g.DecimalLike, *,
        idempotency_key: Optional[str] = None, **kw: Any,
    ) -> g.Posted:
        """Moves stock between warehouses in one transaction, cost carried along."""
        return self.post(
            Movement.transfer(item, from_warehouse, to_warehouse, quantity, **kw), idempotency_key=idempotency_key
        )

    # -- exports ---------------------------------------------------------------

    def export(
        self,
        sheets: Iterable[Union[g.Sheet, Mapping[str, Any]]],
        path: Optional[Union[str, "os.PathLike[str]"]] = None,
        *,
        file: Optional[Any] = None,
        format: Optional[g.Format] = None,
        csv: Optional[Union[g.CsvOptions, Mapping[str, Any]]] = None,
        xlsx: Optional[Union[g.XlsxOptions, Mapping[str, Any]]] = None,
        plugin: Optional[str] = None,
        options: Optional[Mapping[str, Any]] = None,
        progress: Optional[Callable[[ExportProgress], Optional[bool]]] = None,
    ) -> g.ExportSummary:
        """Exports datasets to the file at ``path`` (written under a temporary
        name and renamed once complete) or to ``file``, any object with
        ``write(bytes)`` (an open file, ``io.BytesIO``, a web response).

        ``sheets`` are datasets with the filters of their list calls, e.g.
        ``[{"dataset": "movements", "filter": {"reason": "sale"}},
        {"dataset": "stock", "as_of": datetime(...)}]``; all are read in one
        snapshot. ``progress`` is called every 10,000 rows with an
        :class:`ExportProgress`; returning ``False`` cancels the export
        (:class:`CancelledError`), leaving no file behind. The GIL is
        released while rows are written.

        ``format="plugin", plugin="accounting-csv"`` writes the format of a
        loaded exporter plugin (:meth:`load_plugin`), handing it ``options``.
        """
        if (path is None) == (file is None):
            raise TypeError("give exactly one of path and file")
        request = args(
            {"sheets": sheets, "format": format, "csv": csv, "xlsx": xlsx, "plugin": plugin, "options": options}
        )
        callback = None
        if progress is not None:
            report = progress

            def callback(sheet: str, sheet_rows: int, sheet_total: Optional[int], rows: int, done: bool) -> Optional[bool]:
                return report(ExportProgress(sheet, sheet_rows, sheet_total, rows, done))

        raw = self._engine.export(encode(request), None if path is None else os.fspath(path), file, callback)
        return build(g.ExportSummary, json.loads(raw))

    def export_bytes(
        self,
        sheets: Iterable[Union[g.Sheet, Mapping[str, Any]]],
        **options: Any,
    ) -> bytes:
        """The exported file's bytes (see :meth:`export`), e.g. for an HTTP response."""
        buffer = io.BytesIO()
        self.export(sheets, file=buffer, **options)
        return buffer.getvalue()

    def load_plugin(
        self,
        path: Union[str, "os.PathLike[str]"],
        *,
        config: Optional[Mapping[str, Any]] = None,
        start: Optional[g.OutboxStart] = None,
    ) -> g.PluginInfo:
        """Loads the plugin library at ``path`` (absolute) on this handle; see
        the generated method for what ``config`` and ``start`` mean. A failure
        raises :class:`PluginError` and lists the plugin as failed in
        :meth:`plugins`."""
        return super().load_plugin(os.fspath(path), config=config, start=start)

    def expire_reservations(self, now: Optional[datetime] = None) -> List[str]:
        """Expires unpaid, unshipped orders whose hold ended at or before
        ``now`` (this instant when omitted); returns their ids."""
        return super().expire_reservations(now if now is not None else datetime.now(timezone.utc))
