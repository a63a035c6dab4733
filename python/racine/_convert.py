"""Conversions between Python values and the core's JSON, written once for
every generated method: requests out (``Decimal`` to exact text,
``datetime`` to RFC 3339, ``date`` to ISO 8601, result objects to their ids, dataclasses to
objects), results in (by each dataclass's annotations).

No rule lives here: what a value may be is the core's to decide, and its
refusal comes back as the same error in every language.
"""

from __future__ import annotations

import dataclasses
import json
import re
import typing
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Tuple, Type, TypeVar

if TYPE_CHECKING:
    from ._generated import Page

T = TypeVar("T")


class _Unset:
    """An argument left out (where ``None`` would mean "clear it")."""

    _instance = None

    def __new__(cls) -> "_Unset":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


def args(values: Dict[str, Any], keep_null: Tuple[str, ...] = ()) -> Dict[str, Any]:
    """The arguments given: ``None`` means "not given" (the core applies its
    default), except for the fields in ``keep_null``, where it is sent as
    ``null`` ("clear it") and only ``UNSET`` is left out."""
    return {
        k: v
        for k, v in values.items()
        if v is not UNSET and (v is not None or k in keep_null)
    }


def _utc(value: datetime) -> str:
    """RFC 3339 with the datetime's own offset (the core converts): every
    year from 1 to 9999 keeps four digits, and no conversion to UTC can
    leave Python's range. Without an offset the core refuses it as
    ambiguous, naming the field."""
    return value.isoformat()


def _default(value: Any) -> Any:
    """What ``json.dumps`` cannot encode by itself."""
    if isinstance(value, Decimal):
        # "NaN", "Infinity" and exponents go as they are: the core refuses them.
        return format(value, "f") if value.is_finite() else str(value)
    if isinstance(value, datetime):
        return _utc(value)
    if isinstance(value, date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if getattr(type(value), "_racine_result", False) and hasattr(value, "id"):
            return value.id  # a result object stands for its id
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value) if getattr(value, f.name) is not None}
    if isinstance(value, typing.Mapping):
        return dict(value)
    if isinstance(value, (set, frozenset, tuple)) or hasattr(value, "__iter__"):
        return list(value)
    if hasattr(value, "id") and isinstance(getattr(value, "id"), int):
        return value.id
    raise TypeError(f"{type(value).__name__} has no JSON form")


def encode(request: Dict[str, Any]) -> str:
    """The JSON text of a request."""
    return json.dumps(request, default=_default, separators=(",", ":"), allow_nan=True)


# --- results ------------------------------------------------------------------

_INSTANT = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$")


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
    targs = typing.get_args(hint)
    if origin is typing.Union:  # Optional[X]
        inner = _converter(next(a for a in targs if a is not type(None)))
        return lambda v: None if v is None else inner(v)
    if origin in (list, List):
        item = _converter(targs[0])
        return lambda v: [item(x) for x in v]
    if hint is Decimal:
        return Decimal
    if hint is datetime:
        return parse_instant
    if hint is date:
        return date.fromisoformat
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
        cls._racine_result = True  # type: ignore[attr-defined]
    return plan


def build(cls: Type[T], data: Dict[str, Any]) -> T:
    """Builds the result dataclass ``cls`` from the core's JSON object,
    converting decimals, instants and nested results by its annotations (a
    plan per class, computed once)."""
    get = data.get
    return cls(**{name: convert(get(name)) for name, convert in _plan(cls)})


def build_page(item: Type[T], data: Dict[str, Any]) -> "Page[T]":
    """A page of ``item`` results."""
    from ._generated import Page

    return Page(items=[build(item, v) for v in data["items"]], next=data.get("next"))

