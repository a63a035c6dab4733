"""Racine's exceptions: one class per error kind, with its structured fields.

Every error carries ``code`` (the stable snake_case name shared by every
binding), ``message`` and ``details`` (all fields as a dict); the classes
below also expose their fields as attributes, with quantities as
:class:`decimal.Decimal`. A failed call has written nothing.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, Dict, List, Optional, Type

_DECIMAL_FIELDS = {"available", "requested"}

__all__ = [
    "RacineError",
    "NotFoundError",
    "InvalidInputError",
    "NegativeStockError",
    "InsufficientAvailableError",
    "IdempotencyConflictError",
    "InvalidTransitionError",
    "AlreadyExistsError",
    "BusyError",
    "StorageError",
    "SchemaTooNewError",
    "PluginError",
    "DatabaseClosedError",
]


class RacineError(Exception):
    """Base of every Racine error."""

    code: str = "racine_error"

    def __init__(self, message: str, details: Optional[Dict[str, Any]] = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: Dict[str, Any] = dict(details or {})
        #: Zero-based index of the failing entry when the error came from a batch.
        self.index: Optional[int] = self.details.get("index")
        for name, value in self.details.items():
            if name == "lines":  # every short line of an order
                value = [{k: Decimal(v) if k in _DECIMAL_FIELDS else v for k, v in line.items()} for line in value]
            if name not in ("code", "message", "index"):
                setattr(self, name, Decimal(value) if name in _DECIMAL_FIELDS else value)


class NotFoundError(RacineError, LookupError):
    """An id, SKU or code names nothing (``entity``, ``key``)."""

    code = "not_found"
    entity: str
    key: str


class InvalidInputError(RacineError, ValueError):
    """A field is missing, malformed or out of range (``field``, ``reason``)."""

    code = "invalid_input"
    field: str
    reason: str


class _StockRefusal(RacineError):
    item: int
    sku: str
    warehouse: str
    available: Decimal
    requested: Decimal


class NegativeStockError(_StockRefusal):
    """Refused: available stock of ``sku`` in ``warehouse`` would go below zero."""

    code = "negative_stock"


class InsufficientAvailableError(_StockRefusal):
    """Not enough unreserved stock: an order's ``lines`` (each with ``line``,
    ``sku``, ``warehouse``, ``available``, ``requested``); the first short
    line's fields are also attributes."""

    code = "insufficient_available"
    lines: List[Dict[str, Any]]


class IdempotencyConflictError(RacineError):
    """The idempotency ``key`` was already used for a different request."""

    code = "idempotency_conflict"
    key: str


class InvalidTransitionError(RacineError):
    """``action`` is impossible for ``entity`` ``key`` in ``state``."""

    code = "invalid_transition"
    entity: str
    key: str
    state: str
    action: str


class AlreadyExistsError(RacineError):
    """A unique value (``entity``, ``key``) is already taken."""

    code = "already_exists"
    entity: str
    key: str


class BusyError(RacineError):
    """Other writers held the database past the busy timeout."""

    code = "busy"


class StorageError(RacineError, OSError):
    """SQLite or the file system failed."""

    code = "storage"


class SchemaTooNewError(RacineError):
    """The file was written by a newer Racine (``found`` > ``supported``)."""

    code = "schema_too_new"
    found: int
    supported: int


class PluginError(RacineError):
    """A plugin failed or was refused."""

    code = "plugin"


class DatabaseClosedError(RacineError):
    """The database was closed."""

    code = "closed"


_BY_CODE: Dict[str, Type[RacineError]] = {
    cls.code: cls
    for cls in (
        NotFoundError,
        InvalidInputError,
        NegativeStockError,
        InsufficientAvailableError,
        IdempotencyConflictError,
        InvalidTransitionError,
        AlreadyExistsError,
        BusyError,
        StorageError,
        SchemaTooNewError,
        PluginError,
        DatabaseClosedError,
    )
}


def _from_details(details_json: str) -> RacineError:
    """Builds the exception for a core error's JSON details (used by the
    native module)."""
    details: Dict[str, Any] = json.loads(details_json)
    cls = _BY_CODE.get(str(details.get("code")), RacineError)
    return cls(str(details.get("message", "")), details)


def invalid(field: str, reason: str) -> InvalidInputError:
    """An :class:`InvalidInputError` raised by the Python layer itself."""
    return InvalidInputError(
        f"invalid {field}: {reason}",
        {"code": "invalid_input", "field": field, "reason": reason},
    )
