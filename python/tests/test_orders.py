"""Orders from Python: transitions, refusals, and processes racing for the last units."""

from __future__ import annotations

import multiprocessing
from datetime import datetime, timezone
from decimal import Decimal as D
from pathlib import Path
from typing import Iterator, List, Tuple

import pytest

from conftest import fresh_database
import racine
from racine import Database


@pytest.fixture
def db() -> Iterator[Database]:
    with Database(fresh_database()) as database:
        mug = database.create_item("MUG", "Mug", valuation="moving_average")
        cup = database.create_item("CUP", "Cup")
        database.receive(mug, 10, 4)
        database.receive(cup, 5, 2)
        yield database


def lines(*pairs: Tuple[str, str]) -> List[dict]:
    return [{"sku": sku, "quantity": q, "unit_price": D("9.90")} for sku, q in pairs]


def test_lifecycle(db: Database) -> None:
    mug = db.item_by_sku("MUG")
    placed = db.place_order("1042", lines(("MUG", "3")), currency="EUR", customer={"email": "ana@example.com"},
                            idempotency_key="wh:placed")
    assert (placed.status, placed.total, placed.customer.email) == ("placed", D("29.7"), "ana@example.com")
    assert db.place_order("1042", lines(("MUG", "3")), currency="EUR", customer={"email": "ana@example.com"},
                          idempotency_key="wh:placed") == placed
    level = db.stock(mug)
    assert (level.on_hand, level.reserved, level.available) == (D("10"), D("3"), D("7"))
    assert db.pay_order("1042", idempotency_key="psp:1").paid
    assert db.pay_order("1042", idempotency_key="psp:1").paid  # the same webhook twice
    with pytest.raises(racine.InvalidTransitionError):
        db.pay_order("1042", idempotency_key="psp:2")
    part = db.fulfil_order("1042", [racine.FulfilLine(line=1, quantity=1)])
    assert part.status == "partially_fulfilled"
    with pytest.raises(racine.InvalidTransitionError):
        db.fulfil_order("1042", [{"line": 1, "quantity": 5}])  # more than ordered
    sale = db.movements(reason="sale").items[0]
    assert (sale.order_id, sale.order_event_id) == (part.id, part.events[-1].id)
    cancelled = db.cancel_order("1042")
    assert cancelled.status == "cancelled" and cancelled.lines[0].restocked == D("1")
    with pytest.raises(racine.InvalidTransitionError):
        db.cancel_order("1042")
    with pytest.raises(racine.InvalidTransitionError):
        db.return_order("1042", [{"line": 1, "quantity": 1, "restock": True}])  # return after cancel
    assert db.stock(mug).available == D("10")
    assert [e.kind for e in db.order("1042").events] == ["placed", "paid", "fulfilled", "cancelled"]
    assert db.verify().is_clean


def test_short_order_lists_every_line(db: Database) -> None:
    with pytest.raises(racine.InsufficientAvailableError) as e:
        db.place_order("9", lines(("MUG", "11"), ("CUP", "1"), ("CUP", "5")), currency="EUR")
    err = e.value
    assert [(ln["line"], ln["sku"], ln["available"], ln["requested"]) for ln in err.lines] == [
        (1, "MUG", D("10"), D("11")),
        (3, "CUP", D("4"), D("5")),
    ]
    assert (err.sku, err.available) == ("MUG", D("10"))
    with pytest.raises(racine.NotFoundError):
        db.order("9")
    with pytest.raises(racine.InvalidInputError):
        db.place_order("10", lines(("MUG", "1")), currency="euro")
    with pytest.raises(racine.InvalidInputError):
        db.place_order("10", [{"sku": "MUG", "quantity": 1.0, "unit_price": 1}], currency="EUR")


def test_replacing_an_edited_order(db: Database) -> None:
    db.place_order("E1", lines(("MUG", "8")), currency="EUR")
    db.pay_order("E1")
    new = db.replace_order("E1", {"external_id": "E1~2", "currency": "EUR", "lines": lines(("MUG", "9"))},
                           idempotency_key="shop:E1:edit")
    assert (new.external_id, new.paid, db.order("E1").status) == ("E1~2", True, "cancelled")
    assert db.stock("MUG").reserved == D("9")
    with pytest.raises(racine.InsufficientAvailableError):
        db.replace_order("E1~2", {"external_id": "E1~3", "currency": "EUR", "lines": lines(("MUG", "11"))})
    assert (db.order("E1~2").status, db.stock("MUG").reserved) == ("placed", D("9"))


def test_returns_and_expiry(db: Database) -> None:
    db.place_order("R", lines(("MUG", "2"), ("CUP", "1")), currency="EUR")
    db.fulfil_order("R")
    after = db.return_order("R", [{"line": 1, "quantity": 1, "restock": True}, {"line": 2, "quantity": 1, "restock": False}])
    assert [ln.returned for ln in after.lines] == [D("1"), D("1")]
    assert db.stock(db.item_by_sku("MUG")).on_hand == D("9")
    hold = datetime(2025, 11, 25, 10, tzinfo=timezone.utc)
    db.place_order("CART", lines(("CUP", "2")), currency="EUR", placed_at=hold,
                   expires_at=hold.replace(hour=11))
    assert db.expire_reservations(hold.replace(hour=10, minute=59)) == []
    assert db.expire_reservations(hold.replace(hour=11)) == ["CART"]
    assert db.order("CART").reservations[0].status == "expired"
    assert db.stock(db.item_by_sku("CUP")).reserved == D("0")


def test_decrement_on_sale_policy(db: Database) -> None:
    db.set_stock_policy("decrement_on_sale")
    assert db.stock_policy() == "decrement_on_sale"
    placed = db.place_order("D", lines(("CUP", "2")), currency="EUR", idempotency_key="wc:D")
    assert len(placed.movements) == 1 and placed.reservations == []
    db.cancel_order("D", idempotency_key="wc:D:cancel")
    db.cancel_order("D", idempotency_key="wc:D:cancel")  # cancel then delete, same key
    assert db.stock(db.item_by_sku("CUP")).on_hand == D("5")


def _checkout(path: str, first: int, count: int, queue: "multiprocessing.Queue[Tuple[int, int, int]]") -> None:
    db = Database(path)
    placed = refused = other = 0
    for n in range(first, first + count):
        try:
            db.place_order(f"W{n}", [{"sku": "LAST", "quantity": 1, "unit_price": 5}], currency="EUR")
            db.fulfil_order(f"W{n}")
            placed += 1
        except racine.InsufficientAvailableError:
            refused += 1
        except racine.RacineError:
            other += 1
    queue.put((placed, refused, other))


def test_processes_race_for_the_last_units(tmp_path: Path) -> None:
    path = str(tmp_path / "shop.db")
    db = Database(path)
    last = db.create_item("LAST", "Last units")
    db.receive(last, 12, 3)
    ctx = multiprocessing.get_context("spawn")
    queue: "multiprocessing.Queue[Tuple[int, int, int]]" = ctx.Queue()
    procs = [ctx.Process(target=_checkout, args=(path, 100 * p, 10, queue)) for p in range(3)]
    for p in procs:
        p.start()
    results = [queue.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert sum(r[0] for r in results) == 12  # exactly the stock is sold
    assert sum(r[1] for r in results) == 18
    assert sum(r[2] for r in results) == 0  # no busy error
    level = db.stock(last)
    assert (level.on_hand, level.reserved) == (D("0"), D("0"))
    # Every refused order left nothing behind.
    refused = [f"W{100 * p + n}" for p in range(3) for n in range(10)]
    placed = [o for o in refused if _exists(db, o)]
    assert len(placed) == 12
    assert db.verify().is_clean


def _exists(db: Database, external_id: str) -> bool:
    try:
        db.order(external_id)
        return True
    except racine.NotFoundError:
        return False
