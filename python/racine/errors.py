# Generated from schema/racine.json by `cargo run -p racine-codegen`: do not edit.
"""Racine's exceptions: one class per error kind of the catalogue, with its
structured fields.

Every error carries ``code`` (the stable snake_case name shared by every
binding), ``message`` and ``details`` (all fields as a dict); the classes
below also expose their fields as attributes, with quantities as
:class:`decimal.Decimal`. A failed call has written nothing.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any, Dict, List, Optional, Type

from ._convert import parse_instant

_DECIMAL_FIELDS = {"available", "requested"}

_INSTANT_FIELDS = {"at"}



class RacineError(Exception):
    """Base of every Racine error."""

    code: str = "racine_error"

    def __init__(self, message: str, details: Optional[Dict[str, Any]] = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: Dict[str, Any] = dict(details or {})
        #: Zero-based index of the failing entry when the error came from a batch.
        self.index: Optional[int] = self.details.get("index")
        # Every other field becomes an attribute; decimals (also inside a
        # list of lines) become Decimal, instants aware datetimes.
        for name, value in self.details.items():
            if isinstance(value, list):
                value = [
                    {k: Decimal(v) if k in _DECIMAL_FIELDS else v for k, v in entry.items()}
                    if isinstance(entry, dict)
                    else entry
                    for entry in value
                ]
            elif name in _DECIMAL_FIELDS:
                value = Decimal(value)
            elif name in _INSTANT_FIELDS and value is not None:
                value = parse_instant(value)
            if name not in ("code", "message", "index"):
                setattr(self, name, value)


class StockRefusalError(RacineError):
    """Every refusal of the stock_refusal family: negative_stock, insufficient_available."""

    item: int
    sku: str
    warehouse: str
    available: Decimal
    requested: Decimal


class NotFoundError(RacineError, LookupError):
    """An id, SKU or code that names nothing. (status 1)"""

    code = "not_found"
    key: str
    entity: str


class InvalidInputError(RacineError, ValueError):
    """A field is missing, malformed or out of range. (status 2)"""

    code = "invalid_input"
    reason: str
    field: str


class NegativeStockError(StockRefusalError):
    """The movement would take available stock below zero. (status 3)"""

    code = "negative_stock"
    at: Optional[datetime]
    item: int
    sku: str
    warehouse: str
    available: Decimal
    requested: Decimal


class InsufficientAvailableError(StockRefusalError):
    """Not enough available (unreserved) stock for an order's lines. (status 4)"""

    code = "insufficient_available"
    lines: List[Dict[str, Any]]
    item: int
    sku: str
    warehouse: str
    available: Decimal
    requested: Decimal


class IdempotencyConflictError(RacineError):
    """An idempotency key was reused with a different request. (status 5)"""

    code = "idempotency_conflict"
    key: str


class InvalidTransitionError(RacineError):
    """The operation is impossible from the current state. (status 6)"""

    code = "invalid_transition"
    action: str
    entity: str
    key: str
    state: str


class AlreadyExistsError(RacineError):
    """A unique value (SKU, warehouse code…) is already taken. (status 7)"""

    code = "already_exists"
    key: str
    entity: str


class BusyError(RacineError):
    """The database stayed locked by other writers past the busy timeout. (status 8)"""

    code = "busy"


class StorageError(RacineError, OSError):
    """The storage engine or the file system failed, or a stored value is unreadable. (status 9)"""

    code = "storage"
    reason: str


class SchemaTooNewError(RacineError):
    """The database file was written by a newer Racine. (status 10)"""

    code = "schema_too_new"
    supported: int
    found: int


class PluginError(RacineError):
    """A plugin vetoed the write, failed, or could not be loaded; nothing was written. (status 11)"""

    code = "plugin"
    reason: str
    plugin: str


class CancelledError(RacineError):
    """The caller cancelled a long operation (an export); it left nothing behind. (status 12)"""

    code = "cancelled"
    rows: Any
    operation: str


class ImportRefusedError(RacineError):
    """Rows of a file to import are wrong; nothing was written. Every problem is listed with its row, column and value. (status 13)"""

    code = "import_refused"
    problems: List[Dict[str, Any]]
    kind: str
    rows: Any
    invalid_rows: Any


class DatabaseClosedError(RacineError):
    """The database was closed (``close()``); reopen it to go on."""

    code = "closed"


_BY_CODE: Dict[str, Type[RacineError]] = {
    "not_found": NotFoundError,
    "invalid_input": InvalidInputError,
    "negative_stock": NegativeStockError,
    "insufficient_available": InsufficientAvailableError,
    "idempotency_conflict": IdempotencyConflictError,
    "invalid_transition": InvalidTransitionError,
    "already_exists": AlreadyExistsError,
    "busy": BusyError,
    "storage": StorageError,
    "schema_too_new": SchemaTooNewError,
    "plugin": PluginError,
    "cancelled": CancelledError,
    "import_refused": ImportRefusedError,
    "closed": DatabaseClosedError,
}


def _from_details(details_json: str) -> RacineError:
    """Builds the exception for a core error's JSON details (used by the
    native module)."""
    details: Dict[str, Any] = json.loads(details_json)
    cls = _BY_CODE.get(str(details.get("code")), RacineError)
    return cls(str(details.get("message", "")), details)


__all__ = [
    "RacineError",
    "StockRefusalError",
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
    "CancelledError",
    "ImportRefusedError",
    "DatabaseClosedError",
]
