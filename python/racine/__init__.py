"""Racine: an embeddable stock ledger with exact valuation.

>>> from decimal import Decimal
>>> import racine
>>> with racine.Database() as db:            # in memory; pass a path for a file
...     mug = db.create_item("MUG", "Mug", valuation="moving_average")
...     _ = db.receive(mug, 10, Decimal("4.20"), reference="PO-1")
...     sale = db.issue(mug, 3, reference="ORDER-1", idempotency_key="order-1-paid")
...     db.stock(mug).value
Decimal('29.4')

Quantities and money are :class:`decimal.Decimal` (a ``float`` is refused),
instants are aware :class:`datetime.datetime`. Errors are subclasses of
:class:`RacineError` carrying their fields (``NegativeStockError.available``…).
"""

from ._database import Database, DecimalLike, IdLike, Movement, PurchaseLineIn
from ._racine import version as _native_version
from .errors import (
    AlreadyExistsError,
    BusyError,
    DatabaseClosedError,
    IdempotencyConflictError,
    InsufficientAvailableError,
    InvalidInputError,
    InvalidTransitionError,
    NegativeStockError,
    NotFoundError,
    PluginError,
    RacineError,
    SchemaTooNewError,
    StorageError,
)
from .types import (
    Customer,
    Drift,
    Info,
    Item,
    MovementRecord,
    Order,
    OrderEvent,
    OrderLine,
    Page,
    Posted,
    PurchaseLine,
    PurchaseOrder,
    PurchaseReceived,
    Reservation,
    StockAt,
    StockLevel,
    Supplier,
    VerifyReport,
    Warehouse,
)

__version__: str = _native_version()

__all__ = [
    "Database",
    "Movement",
    "PurchaseLineIn",
    "DecimalLike",
    "IdLike",
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
    "Customer",
    "Order",
    "OrderEvent",
    "OrderLine",
    "Reservation",
    "Drift",
    "Info",
    "Item",
    "MovementRecord",
    "Page",
    "Posted",
    "PurchaseLine",
    "PurchaseOrder",
    "PurchaseReceived",
    "StockAt",
    "StockLevel",
    "Supplier",
    "VerifyReport",
    "Warehouse",
    "__version__",
]
