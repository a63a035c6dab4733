"""The Python package: every operation, every error kind, exact decimals,
threads and processes sharing a database."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from decimal import Decimal as D
from pathlib import Path
from typing import Iterator, List

import pytest

from conftest import fresh_database
import racine
from racine import Database, Movement

D = Decimal


@pytest.fixture
def db() -> Iterator[Database]:
    with Database(fresh_database()) as database:
        yield database


@pytest.fixture
def db_path(tmp_path: Path) -> str:
    return str(tmp_path / "shop.db")


def test_version_and_info(db: Database) -> None:
    info = db.info()
    assert info.version == racine.__version__
    assert info.schema_version >= 1
    assert info.time_zone == "UTC"
    assert "closed" not in repr(db)


def test_worked_valuation_examples(db: Database) -> None:
    avg = db.create_item("AVG", "Average", valuation="moving_average")
    db.receive(avg, 10, D("100"))
    db.receive(avg, 10, D("120"))
    assert db.stock(avg).unit_value == D("110")
    out = db.issue(avg, 5).movements[0]
    assert (out.value_change, out.balance_after, out.value_after) == (D("-550"), D("15"), D("1650"))

    fifo = db.create_item("FIFO", "First in")
    db.receive(fifo, 68, D("15"))
    db.receive(fifo, 140, D("15.5"))
    assert db.issue(fifo, 94).movements[0].value_change == D("-1423")
    assert db.verify().is_clean


def test_decimals_are_exact_and_floats_refused(db: Database) -> None:
    item = db.create_item("DEC", "Decimals", valuation="moving_average")
    for _ in range(3):
        db.receive(item, D("0.1"), D("0.1"))
    level = db.stock(item)
    assert level.on_hand == D("0.3")  # 0.1 + 0.1 + 0.1, exactly
    assert level.value == D("0.03")
    assert db.on_hand(item) == D("0.3")
    for bad in [
        lambda: db.receive(item, 0.1, D("1")),
        lambda: db.receive(item, 1, 2.5),
        lambda: db.issue(item, 1.0),
        lambda: db.create_item("F", "F", reorder_point=1.5),
        lambda: db.receive(item, True, D("1")),
        lambda: db.receive(item, D("NaN"), D("1")),
    ]:
        with pytest.raises(racine.InvalidInputError) as e:
            bad()
        assert isinstance(e.value, ValueError)
    with pytest.raises(racine.InvalidInputError) as e:
        db.receive(item, "1.0000001", D("1"))
    assert "more than 6 decimals" in str(e.value)
    assert db.stock(item).on_hand == D("0.3")
    # Large and tiny amounts survive the round trip.
    big = db.create_item("BIG", "Big")
    db.receive(big, D("1000000"), D("0.000001"))
    assert db.stock(big).value == D("1")


def test_master_data(db: Database) -> None:
    item = db.create_item("FLOUR", "Flour", unit="kg", kind="product", reorder_point=D("2.5"))
    assert (item.unit, item.kind, item.reorder_point, item.active) == ("kg", "product", D("2.5"), True)
    assert item.created_at.tzinfo is not None
    with pytest.raises(racine.AlreadyExistsError) as e:
        db.create_item("FLOUR", "again")
    assert (e.value.entity, e.value.key) == ("item", "FLOUR")
    changed = db.update_item(item, name="Wheat flour", reorder_point=None)
    assert (changed.name, changed.reorder_point, changed.unit) == ("Wheat flour", None, "kg")
    assert db.item_by_sku("FLOUR").id == item.id
    assert db.item(item.id).name == "Wheat flour"
    db.receive(item, 1, 1)
    with pytest.raises(racine.InvalidTransitionError) as t:
        db.update_item(item, valuation="lifo")
    assert t.value.entity == "item"
    assert not db.deactivate_item(item).active
    for i in range(5):
        db.create_item(f"SKU-{i}", f"Item {i}")
    first = db.items(limit=4)
    rest = db.items(limit=4, after=first.next)
    assert [len(first.items), len(rest.items), rest.next] == [4, 2, None]
    assert [i.sku for i in db.items(search="sku-3").items] == ["SKU-3"]
    assert len(db.items(active=False).items) == 1

    shop = db.create_warehouse("SHOP", "Shop floor")
    assert db.warehouse_by_code("SHOP").id == shop.id
    assert db.default_warehouse().code == "MAIN"
    db.update_warehouse(shop, is_default=True)
    assert db.default_warehouse().code == "SHOP"
    with pytest.raises(racine.InvalidTransitionError):
        db.deactivate_warehouse(shop)
    main = db.warehouse_by_code("MAIN")
    assert not db.deactivate_warehouse(main).active
    assert [w.code for w in db.warehouses(active=True).items] == ["SHOP"]
    assert db.warehouse(main).name == "Main warehouse"

    s = db.create_supplier("Moulin", email="contact@moulin.fr", phone="0612345678")
    assert s.phone == "0612345678"  # a phone number stays text
    assert db.update_supplier(s, phone="").phone is None
    assert not db.deactivate_supplier(s).active
    assert db.suppliers(active=False).items[0].name == "Moulin"
    assert db.supplier(s.id).email == "contact@moulin.fr"
    with pytest.raises(racine.InvalidInputError):
        db.create_supplier("X", email="not-an-email")


def test_movements_of_every_kind(db: Database) -> None:
    item = db.create_item("CHAIR", "Chair", valuation="moving_average")
    main = db.default_warehouse()
    shop = db.create_warehouse("SHOP", "Shop")
    db.receive(item, 10, D("25"), reference="PO-1", actor="marie", note="first delivery")
    adj = db.adjust(item, -1, "breakage", note="dropped").movements[0]
    assert (adj.reason, adj.quantity, adj.note) == ("breakage", D("-1"), "dropped")
    count = db.count(item, 8).movements
    assert [(m.reason, m.quantity) for m in count] == [("inventory_count", D("-1"))]
    assert db.count(item, 8).movements == []
    legs = db.transfer(item, main, shop, 3).movements
    assert [m.reason for m in legs] == ["transfer_out", "transfer_in"]
    assert legs[0].transfer_id == legs[1].transfer_id == legs[0].id
    assert db.stock(item, shop).value == D("75")
    assert [s.warehouse for s in db.stock_by_warehouse(item)] == [main.id, shop.id]
    back = db.receive(item, 1, None, reason="customer_return").movements[0]
    assert back.unit_cost == D("25")
    posted = db.post({"kind": "issue", "item": item.id, "quantity": "1", "warehouse": shop.id})
    assert posted.movements[0].warehouse_code == "SHOP"
    assert db.stock_value() == D("200")
    assert db.stock_value(shop) == D("50")
    with pytest.raises(racine.InvalidInputError):
        db.adjust(item, 1, "breakage")
    with pytest.raises(racine.InvalidInputError):
        db.post({"kind": "issue", "item": item.id, "quantity": "1", "colour": "red"})  # type: ignore[dict-item]


def test_negative_stock_error_carries_its_fields_and_writes_nothing(db: Database) -> None:
    item = db.create_item("LAST", "Last units")
    db.receive(item, 3, D("10"))
    before = db.stock(item)
    with pytest.raises(racine.NegativeStockError) as e:
        db.issue(item, 4)
    err = e.value
    assert (err.sku, err.warehouse, err.available, err.requested) == ("LAST", "MAIN", D("3"), D("4"))
    assert err.item == item.id and err.code == "negative_stock"
    assert err.details["code"] == "negative_stock"
    assert isinstance(err, racine.RacineError)
    assert db.stock(item) == before
    assert len(db.movements().items) == 1


def test_batch_is_all_or_nothing(db: Database) -> None:
    a = db.create_item("A", "A")
    batch = [Movement.receipt(a, 5, 2), Movement.issue(a, 3), Movement.issue(a, 3)]
    with pytest.raises(racine.NegativeStockError) as e:
        db.post_batch(batch)
    assert e.value.index == 2
    assert db.stock(a).on_hand == 0
    with pytest.raises(racine.InvalidInputError) as bad:
        db.post_batch([Movement.receipt(a, 1, 1), Movement.issue(a, 0.5)])
    assert bad.value.index == 1
    assert len(db.post_batch(batch[:2]).movements) == 2
    assert db.stock(a).on_hand == 2


def test_large_batch_records_are_read_back_lazily(db: Database) -> None:
    a = db.create_item("A", "A")
    db.receive(a, 1, 1)
    posted = db.post_batch([Movement.receipt(a, 1, 2) for _ in range(2_500)])
    assert len(posted) == 2_500
    records = posted.movements  # read back from the ledger, in pages
    assert [m.id for m in records] == list(range(2, 2_502))
    assert records[-1].balance_after == D("2501")
    assert db.stock(a).on_hand == D("2501")


def test_idempotency(db: Database) -> None:
    a = db.create_item("A", "A")
    first = db.receive(a, 5, 2, idempotency_key="webhook-1")
    assert db.receive(a, 5, 2, idempotency_key="webhook-1") == first
    assert db.stock(a).on_hand == 5
    with pytest.raises(racine.IdempotencyConflictError) as e:
        db.receive(a, 6, 2, idempotency_key="webhook-1")
    assert e.value.key == "webhook-1"
    db.post_batch([Movement.issue(a, 1)], idempotency_key="b")
    db.post_batch([Movement.issue(a, 1)], idempotency_key="b")
    assert db.stock(a).on_hand == 4


def test_history_and_as_of(db: Database) -> None:
    a = db.create_item("A", "A", valuation="moving_average")
    t0 = datetime(2025, 11, 1, 8, tzinfo=timezone.utc)
    for i in range(6):
        db.receive(a, 1, 10 + i, effective_at=t0 + timedelta(hours=i), reference=f"R{i % 2}")
    db.adjust(a, -1, "loss")
    assert len(db.movements(item=a).items) == 7
    assert len(db.movements(reason="loss").items) == 1
    assert len(db.movements(reference="R0").items) == 3
    window = db.movements(from_=t0 + timedelta(hours=1), to=t0 + timedelta(hours=3), order="oldest_first")
    assert [m.id for m in window.items] == [2, 3]
    page = db.movements(limit=5)
    assert len(page.items) == 5 and page.next is not None
    assert len(db.movements(limit=5, after=page.next).items) == 2
    then = db.stock_as_of(a, t0 + timedelta(hours=1))
    assert (then.on_hand, then.value) == (D("2"), D("21"))
    paris = timezone(timedelta(hours=1))
    same = db.stock_as_of(a, datetime(2025, 11, 1, 11, tzinfo=paris))  # 10:00 UTC
    assert same.on_hand == D("3")
    with pytest.raises(racine.InvalidInputError):
        db.stock_as_of(a, datetime(2025, 11, 1))  # naive
    with pytest.raises(racine.InvalidInputError):
        db.movements(limit=0)


def test_stock_levels_and_low_stock(db: Database) -> None:
    low = db.create_item("LOW", "Low", reorder_point=5)
    fine = db.create_item("FINE", "Fine", reorder_point=1)
    db.receive(low, 5, 1)
    db.receive(fine, 5, 1)
    assert [s.sku for s in db.stock_levels(low_stock_only=True).items] == ["LOW"]
    assert len(db.stock_levels().items) == 2


def test_purchases(db: Database) -> None:
    wood = db.create_item("WOOD", "Wood")
    sup = db.create_supplier("Scierie")
    po = db.create_purchase_order(
        sup, "PO-7", [racine.NewPurchaseLine(wood, 10, D("12.5")), {"item": wood, "quantity": 2, "unit_cost": "1"}]
    )
    assert (po.status, po.total_ordered) == ("open", D("127"))
    got = db.receive_purchase(po, lines=[racine.ReceiveLine(po.lines[0].id, 6)], actor="marie", idempotency_key="dn-1")
    assert got.order.status == "partially_received"
    assert got.movements[0].purchase_line_id == po.lines[0].id
    assert db.receive_purchase(po, lines=[racine.ReceiveLine(po.lines[0].id, 6)], actor="marie", idempotency_key="dn-1") == got
    with pytest.raises(racine.InvalidTransitionError):
        db.receive_purchase(po, lines=[{"line": po.lines[0].id, "quantity": 5}])
    closed = db.cancel_purchase_remainder(po)
    assert closed.status == "closed"
    assert db.purchase_order(po.id).lines[1].cancelled == D("2")
    assert len(db.purchase_orders(status="closed").items) == 1
    with pytest.raises(racine.AlreadyExistsError):
        db.create_purchase_order(sup, "PO-7", [racine.NewPurchaseLine(wood, 1, 1)])
    assert db.stock(wood).on_hand == D("6")


def test_not_found_and_closed(db_path: str) -> None:
    db = Database(db_path)
    with pytest.raises(racine.NotFoundError) as e:
        db.item(42)
    assert (e.value.entity, e.value.key) == ("item", "42")
    assert isinstance(e.value, LookupError)
    with pytest.raises(racine.NotFoundError):
        db.stock(1, 99)
    db.close()
    assert db.closed
    with pytest.raises(racine.DatabaseClosedError):
        db.info()
    db.close()  # harmless


def test_schema_too_new_and_storage_errors(tmp_path: Path) -> None:
    path = str(tmp_path / "new.db")
    Database(path).close()
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA user_version = 999")
    raw.close()
    with pytest.raises(racine.SchemaTooNewError) as e:
        Database(path)
    assert (e.value.found, e.value.supported) == (999, racine.Database().info().schema_version)
    with pytest.raises(racine.StorageError):
        Database(str(tmp_path / "no" / "such" / "dir" / "x.db"))
    with pytest.raises(racine.InvalidInputError):
        Database(time_zone="Mars/Olympus")
    with pytest.raises(racine.InvalidInputError):
        Database(synchronous="sometimes")


_HOLD_LOCK = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.read()
conn.execute("ROLLBACK")
"""


def test_busy_error_and_gil_released_while_waiting(db_path: str) -> None:
    db = Database(db_path, busy_timeout_ms=1500)
    item = db.create_item("A", "A")
    # Another process holds the write lock: our write waits in Racine. (Not
    # a sqlite3 connection in this process: two SQLite libraries in one
    # process do not see each other's POSIX locks.)
    blocker = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, db_path], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert blocker.stdout is not None and blocker.stdout.readline().strip() == "locked"
    ticks = 0
    done = threading.Event()
    result: List[BaseException] = []

    def writer() -> None:
        try:
            db.receive(item, 1, 1)
        except BaseException as e:  # noqa: BLE001 - handed to the test thread
            result.append(e)
        done.set()

    t = threading.Thread(target=writer)
    t.start()
    while not done.is_set():
        ticks += 1  # runs only if the waiting call released the GIL
        time.sleep(0.001)
    t.join()
    blocker.communicate("")  # releases the lock and exits
    assert isinstance(result[0], racine.BusyError)
    assert ticks > 100
    db.receive(item, 1, 1)
    assert db.stock(item).on_hand == 1


def test_threads_share_one_database(db_path: str) -> None:
    db = Database(db_path, synchronous="normal")
    item = db.create_item("HOT", "Hot item")
    db.receive(item, 250, 2)
    sold: List[int] = []
    refused: List[int] = []

    def buyer() -> None:
        for _ in range(50):
            try:
                db.issue(item, 1)
                sold.append(1)
            except racine.NegativeStockError:
                refused.append(1)

    threads = [threading.Thread(target=buyer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert (len(sold), len(refused)) == (250, 150)
    assert db.stock(item).on_hand == 0
    assert db.verify().is_clean


def _process_buyer(path: str, item: int, attempts: int, queue: "multiprocessing.Queue[tuple[int, int, int]]") -> None:
    db = Database(path)
    sold = refused = other = 0
    for _ in range(attempts):
        try:
            db.issue(item, 1)
            sold += 1
        except racine.NegativeStockError:
            refused += 1
        except racine.RacineError:
            other += 1
    queue.put((sold, refused, other))


def test_processes_share_one_file(db_path: str) -> None:
    db = Database(db_path)
    item = db.create_item("LAST", "Last units")
    db.receive(item, 60, 3)
    ctx = multiprocessing.get_context("spawn")
    queue: "multiprocessing.Queue[tuple[int, int, int]]" = ctx.Queue()
    procs = [ctx.Process(target=_process_buyer, args=(db_path, item.id, 30, queue)) for _ in range(3)]
    for p in procs:
        p.start()
    results = [queue.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert sum(r[0] for r in results) == 60
    assert sum(r[1] for r in results) == 30
    assert sum(r[2] for r in results) == 0  # no busy error reached a caller
    assert db.stock(item).on_hand == 0
    assert db.verify().is_clean


def test_typed_and_json_reads_agree(db: Database) -> None:
    item = db.create_item("A", "A", reorder_point=5, valuation="moving_average")
    for qty, cost in [(D("2.5"), 4), (100, 1), (D("0.000001"), D("0.5"))]:
        db.receive(item, qty, cost)
    typed = db.stock(item)
    via_json = racine._convert.build(racine.StockLevel, db._call("stock", item=item.id))
    assert typed == via_json
    assert [str(typed.on_hand), str(typed.value)] == [str(via_json.on_hand), str(via_json.value)]
    db.issue(item, D("2.500001"))
    assert str(db.stock(item).on_hand) == "100"
    assert db.on_hand(item) == D("100")
    # Negative and fractional figures, every field, as the JSON path writes them.
    short = db.create_item("NEG", "Neg", allow_negative=True, valuation="moving_average")
    db.receive(short, D("1.25"), D("3.1"))
    for qty in [D("3.5"), D("0.000001"), 7]:
        db.issue(short, qty)
        typed = db.stock(short)
        via_json = racine._convert.build(racine.StockLevel, db._call("stock", item=short.id))
        assert typed == via_json
        assert repr(typed) == repr(via_json)


def test_error_hierarchy() -> None:
    kinds = [
        racine.NotFoundError,
        racine.InvalidInputError,
        racine.NegativeStockError,
        racine.InsufficientAvailableError,
        racine.IdempotencyConflictError,
        racine.InvalidTransitionError,
        racine.AlreadyExistsError,
        racine.BusyError,
        racine.StorageError,
        racine.SchemaTooNewError,
        racine.DatabaseClosedError,
    ]
    codes = {k.code for k in kinds}
    assert len(codes) == len(kinds)
    for k in kinds:
        assert issubclass(k, racine.RacineError)
    err = racine.errors._from_details(
        '{"code":"insufficient_available","message":"m","item":1,"sku":"S","warehouse":"MAIN",'
        '"available":"1.5","requested":"2"}'
    )
    assert isinstance(err, racine.InsufficientAvailableError)
    assert isinstance(err, racine.StockRefusalError)
    assert issubclass(racine.NegativeStockError, racine.StockRefusalError)
    assert (err.available, err.requested) == (D("1.5"), D("2"))


def test_the_catalogue_is_all_here() -> None:
    """Every operation and error kind of schema/racine.json has its method
    and its exception class in the installed package."""
    schema = json.loads((Path(__file__).parents[2] / "schema" / "racine.json").read_text())
    for op in schema["operations"]:
        assert callable(getattr(Database, op["name"], None)), f"no Database.{op['name']}()"
    assert set(racine.OPERATIONS) == {op["name"] for op in schema["operations"]}
    for kind in schema["errors"]:
        cls = racine.errors._BY_CODE.get(kind["code"])
        assert cls is not None and issubclass(cls, racine.RacineError), kind["code"]
        if kind["family"] == "stock_refusal":
            assert issubclass(cls, racine.StockRefusalError)
    for name, spec in schema["$defs"].items():
        if spec.get("type") == "string" and "oneOf" in spec:
            assert racine.CLOSED_SETS[name] == tuple(v["const"] for v in spec["oneOf"])


def test_ergonomics_a_new_user_reaches_for(db: Database) -> None:
    oak = db.create_item("OAK-PLANK", "Oak plank")
    db.receive("OAK-PLANK", 10, D("4"))  # an item by its SKU…
    assert db.stock("OAK-PLANK").on_hand == D("10") == db.stock(oak).on_hand  # …or by itself
    assert db.item("OAK-PLANK").id == oak.id
    assert db.movements(item="OAK-PLANK").items[0].sku == "OAK-PLANK"
    for i in range(7):
        db.create_item(f"BULK-{i}", "Bulk")
    assert len(list(db.iter_items(limit=3))) == 8  # listings page to the end by themselves
    with pytest.raises(racine.InvalidInputError) as e:
        db.create_item("BAD", "Bad", valuation="fifoo")  # type: ignore[arg-type]
    assert e.value.field == "valuation"  # the argument, not the request
    assert "fifo, lifo, moving_average" in str(e.value)
    with pytest.raises(racine.InvalidInputError) as e:
        db.stock_levels(limit=0)
    assert e.value.field == "limit"
    with pytest.raises(racine.StockRefusalError):  # one base class for every stock refusal
        db.issue(oak, 11)
    # A shop that tracks stock only: no price, no currency.
    placed = db.place_order("S-1", [racine.NewOrderLine(sku="OAK-PLANK", quantity=2)])
    assert (placed.total, placed.currency) == (D("0"), "XXX")
    shipped = db.fulfil_order("S-1", [racine.FulfilLine(line=1, quantity=1)])
    back = db.return_order("S-1", [racine.ReturnLine(line=1, quantity=1, restock=True)])
    assert (shipped.status, back.lines[0].returned) == ("partially_fulfilled", D("1"))


def test_cost_layers_supplier_returns_and_backdated_issues() -> None:
    from datetime import datetime, timezone

    with Database(fresh_database()) as db:
        oak = db.create_item("OAK", "Oak")  # FIFO
        first = db.receive(oak, 10, D("10")).movements[0]
        dear = db.receive(oak, 10, D("12")).movements[0]
        back = db.issue(oak, 4, reason="supplier_return", against_receipt=dear.id)
        assert back.movements[0].value_change == D("-48")
        open_layers = db.cost_layers(oak)
        assert open_layers.valuation == "fifo"
        assert [(l.quantity, l.unit_cost, l.movement) for l in open_layers.layers] == [
            (D("10"), D("10"), first.id),
            (D("6"), D("12"), dear.id),
        ]
        with pytest.raises(racine.NegativeStockError) as e:
            db.issue(oak, 8, effective_at=datetime(2020, 1, 1, tzinfo=timezone.utc))
        assert e.value.at == datetime(2020, 1, 1, tzinfo=timezone.utc) and e.value.available == 0
        assert db.verify().is_clean
