"""Racine: an embeddable stock ledger with exact valuation.

>>> from decimal import Decimal
>>> import racine
>>> with racine.Database() as db:            # in memory; pass a path for a file
...     mug = db.create_item("MUG", "Mug", valuation="moving_average")
...     _ = db.receive(mug, 10, Decimal("4.20"), reference="PO-1")
...     sale = db.issue("MUG", 3, reference="ORDER-1", idempotency_key="order-1-paid")
...     db.stock(mug).value
Decimal('29.4')

Quantities and money are :class:`decimal.Decimal` (a ``float`` is refused),
instants are aware :class:`datetime.datetime`, an item is named by its id,
its SKU or the item itself. Errors are subclasses of :class:`RacineError`
carrying their fields (``NegativeStockError.available``…); every stock
refusal is a :class:`StockRefusalError`.

Every operation, result class and closed set is generated from Racine's
catalogue (``racine._generated``, ``racine.errors``); this package adds only
the connection and a few shortcuts (``racine._database``).
"""

from . import errors
from ._database import BatchPosted, Database, ExportProgress, Movement
from ._generated import *  # noqa: F401,F403 - the catalogue's results, inputs and closed sets
from ._generated import __all__ as _generated_names
from ._racine import version as _native_version
from .errors import *  # noqa: F401,F403 - one exception class per error kind
from .errors import __all__ as _error_names

__version__: str = _native_version()

__all__ = [
    "Database",
    "Movement",
    "BatchPosted",
    "ExportProgress",
    "errors",
    "__version__",
    *[n for n in _generated_names if n != "Operations"],
    *_error_names,
]
