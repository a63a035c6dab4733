"""Imports from Python: a shop's spreadsheets (csv and xlsx written by
openpyxl) into a fresh ledger, with the same report, refusals and keyed
re-imports as every other binding."""

from decimal import Decimal

import openpyxl
import pytest

from conftest import fresh_database
import racine


@pytest.fixture
def db():
    with racine.Database(fresh_database(), time_zone="Europe/Paris") as db:
        yield db


def test_items_then_opening_stock_from_a_workbook(db, tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Items"
    ws.append(["SKU", "Name", "Reorder point"])
    ws.append(["00042", "Oak plank", 5])
    ws.append(["GLUE", "Wood glue", None])
    stock = book.create_sheet("Stock")
    stock.append(["sku", "quantity", "unit_cost"])
    stock.append(["00042", 3, 4.5])
    stock.append(["GLUE", 10, "2.10"])
    path = tmp_path / "shop.xlsx"
    book.save(path)

    report = db.import_file("items", str(path))
    assert (report.kind, report.rows, report.created, report.existing) == ("items", 2, 2, 0)
    # Text ids keep their leading zeros.
    assert db.item_by_sku("00042").reorder_point == Decimal("5")
    opening = db.import_file("opening_stock", str(path), sheet="Stock")
    assert opening.created == 2
    assert db.stock(db.item_by_sku("00042").id).on_hand == Decimal("3")
    assert db.stock_value() == Decimal("34.5")
    again = db.import_file("items", str(path))
    assert (again.created, again.existing) == (0, 2)


def test_a_wrong_file_is_refused_with_every_problem_and_writes_nothing(db, tmp_path):
    path = tmp_path / "items.csv"
    path.write_text("sku,name,reorder_point\n,No sku,1\nB,Beta,minus one\nC,Gamma,2\n")
    with pytest.raises(racine.ImportRefusedError) as refused:
        db.import_file("items", str(path))
    e = refused.value
    assert (e.kind, e.rows, e.invalid_rows) == ("items", 3, 2)
    assert [(p["row"], p["column"], p["value"], p["code"]) for p in e.problems] == [
        (2, "sku", "", "invalid_input"),
        (3, "reorder_point", "minus one", "invalid_input"),
    ]
    assert "2 of 3 rows are wrong" in str(e)
    assert db.items().items == []

    dry = db.import_file("items", str(path), skip_invalid=True, dry_run=True)
    assert (dry.created, dry.rejected, dry.dry_run) == (1, 2, True)
    assert not (tmp_path / "items.rejects.csv").exists()
    written = db.import_file("items", str(path), skip_invalid=True)
    assert (written.created, written.rejected) == (1, 2)
    assert written.rejects_path == str(tmp_path / "items.rejects.csv")
    rejects = (tmp_path / "items.rejects.csv").read_text().splitlines()
    assert rejects[0] == "row,sku,name,reorder_point,error"
    assert [r.split(",")[0] for r in rejects[1:]] == ["2", "3"]


def test_templates_and_columns(db, tmp_path):
    columns = db.import_columns("contacts")
    assert "emails" in [c.name for c in columns]
    path = tmp_path / "contacts.xlsx"
    db.write_import_template("contacts", str(path))
    header = [c.value for c in openpyxl.load_workbook(path).active[1]]
    assert header == [c.name for c in columns]
    items = tmp_path / "items.xlsx"
    db.write_import_template("items", str(items))
    # The template's example row is a valid item.
    assert db.import_file("items", str(items)).created == 1
    with pytest.raises(racine.InvalidInputError) as missing:
        db.import_file("items", str(tmp_path / "missing.csv"))
    assert missing.value.field == "path"
    with pytest.raises(racine.InvalidInputError) as bad:
        db.import_file("inventory", str(path))  # type: ignore[arg-type]
    assert bad.value.field == "kind"
