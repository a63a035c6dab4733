"""Bad input from Python: always the binding's typed InvalidInputError naming
the field (never OverflowError, KeyError or RecursionError), and nothing
written."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal as D
from typing import Any, Iterator

import pytest

from conftest import fresh_database
import racine
from racine import Database


@pytest.fixture
def db() -> Iterator[Database]:
    with Database(fresh_database()) as database:
        mug = database.create_item("MUG", "Mug")
        database.receive(mug, 10, 4)
        yield database


def refused(excinfo: Any, field: str) -> str:
    err = excinfo.value
    assert isinstance(err, racine.InvalidInputError), repr(err)
    assert err.field == field, (err.field, str(err))
    return str(err.reason)


def test_ids_out_of_the_native_range_are_invalid_input(db: Database) -> None:
    for call in (lambda: db.stock(2**63), lambda: db.on_hand(2**63), lambda: db.stock(-(2**64))):
        with pytest.raises(racine.InvalidInputError) as e:
            call()
        assert e.value.field == "item"
    with pytest.raises(racine.InvalidInputError) as e:
        db.stock(1, warehouse=2**63)
    assert e.value.field == "warehouse"


def test_a_return_line_without_restock_names_the_field(db: Database) -> None:
    db.place_order("1", [{"sku": "MUG", "quantity": 2, "unit_price": 5}])
    db.fulfil_order("1")
    with pytest.raises(racine.InvalidInputError) as e:
        db.return_order("1", [{"line": 1, "quantity": 1}])
    assert refused(e, "lines[0].restock") == "is required"
    assert db.stock(db.item_by_sku("MUG")).on_hand == D("8")


def test_a_deeply_nested_value_is_invalid_input_not_recursion_error(db: Database) -> None:
    deep: Any = "x"
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(racine.InvalidInputError) as e:
        db.receive("MUG", 1, 1, note=deep)
    assert refused(e, "movement.note") == racine._generated.TOO_DEEP
    # Deeper than the core reads, yet within Python's encoder: the same refusal.
    middle: Any = 1
    for _ in range(300):
        middle = [middle]
    with pytest.raises(racine.InvalidInputError) as e:
        db.fulfil_order("1", middle)
    assert e.value.reason == racine._generated.TOO_DEEP
    assert len(db.movements().items) == 1


def test_exact_decimals_with_trailing_zeros_are_accepted(db: Database) -> None:
    posted = db.receive("MUG", D("0.10000000"), D("2.500000000"))
    assert posted.movements[0].quantity == D("0.1")
    for bad in (" 5", "5 ", "+5", "5.", ".5", "1e3", "0.0000001"):
        with pytest.raises(racine.InvalidInputError) as e:
            db.receive("MUG", bad, 1)
        assert e.value.field == "movement.quantity", bad


def test_instants_over_the_whole_range(db: Database) -> None:
    early = datetime(999, 1, 1, tzinfo=timezone.utc)
    posted = db.receive("MUG", 1, 1, effective_at=early)
    assert posted.movements[0].effective_at == early
    first = datetime(1, 1, 1, 12, tzinfo=timezone(timedelta(hours=5)))
    assert db.receive("MUG", 1, 1, effective_at=first).movements[0].effective_at == first
    with pytest.raises(racine.InvalidInputError) as e:
        db.receive("MUG", 1, 1, effective_at=datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc))
    assert "9999-12-30T22:00:00Z" in refused(e, "movement.effective_at")
    with pytest.raises(racine.InvalidInputError) as e:
        db.receive("MUG", 1, 1, effective_at=datetime(2026, 1, 1))  # no offset
    refused(e, "movement.effective_at")


def test_an_empty_list_of_lines_is_refused_not_taken_as_all(db: Database) -> None:
    db.place_order("2", [{"sku": "MUG", "quantity": 2, "unit_price": 5}])
    with pytest.raises(racine.InvalidInputError) as e:
        db.fulfil_order("2", [])
    refused(e, "lines")
    assert db.order("2").status == "placed"
    assert db.fulfil_order("2").status == "fulfilled"


def test_unknown_arguments_are_refused_by_every_operation(db: Database) -> None:
    for op in ("verify", "info"):
        with pytest.raises(racine.InvalidInputError) as e:
            db._call(op, deep=True)
        assert e.value.field == "deep"
