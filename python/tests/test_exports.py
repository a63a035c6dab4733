"""Exports read back with openpyxl, as a spreadsheet user sees them: bold
frozen headers with an autofilter, number and date formats, text ids with
their leading zeros, inert formulas, rollover sheets, the dashboard
workbook's charts, streaming to a file object, progress and cancellation."""

import io
import os
from datetime import datetime, timezone
from decimal import Decimal

import openpyxl
import pytest

from conftest import fresh_database
import racine


@pytest.fixture
def shop():
    with racine.Database(fresh_database(), time_zone="Europe/Paris") as db:
        oak = db.create_item("00042", "Oak plank")
        db.receive(oak, 10, Decimal("4.5"), reference="0012345678901234567", note="=HYPERLINK(\"x\")",
                   effective_at=datetime(2026, 3, 15, 11, 0, tzinfo=timezone.utc))
        db.issue(oak, Decimal("2.5"), actor="+33 6 12 34 56 78",
                 effective_at=datetime(2026, 3, 16, 8, 30, tzinfo=timezone.utc))
        yield db


def test_xlsx_formats_types_and_inert_text(shop, tmp_path):
    path = tmp_path / "shop.xlsx"
    summary = shop.export([{"dataset": "movements", "filter": {"order": "oldest_first"}}, {"dataset": "stock"}], path)
    assert [(s.name, s.rows) for s in summary.sheets] == [("Movements", 2), ("Stock", 1)]
    assert summary.bytes == os.path.getsize(path)
    book = openpyxl.load_workbook(path)
    ws = book["Movements"]
    assert ws["A1"].value == "Movement" and ws["A1"].font.bold
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:S3"
    assert ws.column_dimensions["D"].width > 10
    receipt, sale = ws[2], ws[3]
    assert receipt[0].value == "1" and receipt[0].data_type == "s", "ids are text"
    assert receipt[3].value == "00042"
    assert receipt[11].value == "0012345678901234567"
    assert receipt[13].value == '=HYPERLINK("x")' and receipt[13].data_type == "s"
    assert receipt[13].quotePrefix, "quote-prefixed: never evaluated"
    assert receipt[1].value == datetime(2026, 3, 15, 12, 0), "noon in Paris"
    assert receipt[1].number_format == "yyyy-mm-dd hh:mm:ss"
    assert receipt[7].value == 4.5 and receipt[7].number_format == "#,##0.00####"
    assert sale[6].value == -2.5 and sale[6].data_type == "n"
    assert sale[12].value == "+33 6 12 34 56 78" and sale[12].data_type == "s"


def test_csv_to_a_file_object_with_the_excel_preset(shop):
    buffer = io.BytesIO()
    shop.export([{"dataset": "movements", "filter": {"order": "oldest_first"}}], file=buffer,
                format="csv", csv={"preset": "excel", "delimiter": ";", "decimal_separator": ","})
    data = buffer.getvalue()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data[3:].decode().split("\r\n")
    assert lines[1].startswith("1;2026-03-15 12:00:00;")
    assert ';"\'=HYPERLINK(""x"")";' in lines[1], "quoted, and prefixed so that Excel shows it as text"
    assert ";-2,5;" in lines[2]
    assert shop.export_bytes([{"dataset": "stock"}], format="csv").startswith(b"Item,SKU,Name")


def test_rollover_progress_and_cancellation(tmp_path):
    with racine.Database(fresh_database()) as db:
        mug = db.create_item("MUG", "Mug")
        for _ in range(3):
            db.post_batch([racine.Movement.receipt(mug, 1, 1) for _ in range(1000)])
        summary = db.export([{"dataset": "movements"}], tmp_path / "m.xlsx", xlsx={"max_rows_per_sheet": 1001})
        assert [(s.name, s.rows) for s in summary.sheets] == [("Movements", 1000), ("Movements (2)", 1000), ("Movements (3)", 1000)]
        book = openpyxl.load_workbook(tmp_path / "m.xlsx", read_only=True)
        assert book.sheetnames == ["Movements", "Movements (2)", "Movements (3)"]
        seen = []
        db.export([{"dataset": "movements"}], tmp_path / "p.csv", format="csv", progress=seen.append)
        assert seen[0].sheet == "Movements" and seen[0].sheet_total == 3000
        assert seen[-1].done and seen[-1].rows == 3000
        target = tmp_path / "cancelled.xlsx"
        with pytest.raises(racine.CancelledError) as e:
            db.export([{"dataset": "movements"}], target, progress=lambda p: False)
        assert e.value.code == "cancelled"
        assert not target.exists() and sorted(os.listdir(tmp_path)) == ["m.xlsx", "p.csv"]

        def broken(p):
            raise RuntimeError("the progress bar broke")

        with pytest.raises(RuntimeError, match="progress bar broke"):
            db.export([{"dataset": "movements"}], target, progress=broken)
        with pytest.raises(racine.InvalidInputError) as bad:
            db.export([{"dataset": "movments"}], target)
        assert bad.value.field.startswith("sheets[0]")
        assert not target.exists()


def test_dashboard_workbook_has_charts_and_definitions(shop):
    data = shop.export_bytes([{"dataset": "dashboards", "erp": {"period": "2026-03"}}])
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert {"ERP", "Daily flows", "Top materials", "CRM", "Pipeline", "Definitions"} <= set(book.sheetnames)
    assert len(book["ERP"]._charts) == 2 and len(book["CRM"]._charts) == 1
    erp = shop.erp_dashboard(period="2026-03")
    rows = {r[0].value: r for r in book["ERP"].iter_rows(min_row=2)}
    assert Decimal(str(rows["stock_valuation"][2].value)) == erp.valuation.total
    definitions = {r[0].value: r[1].value for r in book["Definitions"].iter_rows(min_row=2)}
    assert definitions["stock_valuation"] == erp.valuation.definition.formula
