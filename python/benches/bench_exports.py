"""The Python baselines of W9 and W10 (shared/docs/PERF.md): the rows of
Racine's movement export, read from the same SQLite file with sqlite3 and
written by the csv module, XlsxWriter (constant_memory) or openpyxl
(write_only), with the same columns and cell types (ids and codes as text,
decimals as numbers, instants as date-times). Run by
``cargo bench -p racine --bench exports``, one process per export so that
its peak memory is its own:

    python python/benches/bench_exports.py DB ROWS csv|xlsxwriter|openpyxl OUT

Prints one JSON line: rows, seconds, peak_kib.
"""

from __future__ import annotations

import csv
import importlib
import json
import resource
import sqlite3
import sys
import time
from datetime import datetime, timedelta
from typing import Any, Iterator, List, Optional, Tuple

HEADER = [
    "Movement", "Effective at", "Recorded at", "SKU", "Warehouse", "Reason", "Quantity", "Unit cost",
    "Value change", "Balance after", "Value after", "Reference", "Actor", "Note", "Transfer",
    "Purchase line", "Order", "Order event", "Idempotency key",
]
EPOCH = datetime(1970, 1, 1)
DECIMALS = (6, 7, 8, 9, 10)  # quantity, unit cost, value change, balance after, value after
INSTANTS = (1, 2)
FORMULA = ("=", "+", "-", "@", "\t", "\r", "\n")


def rows(db: str, limit: int) -> Iterator[Tuple[Any, ...]]:
    """The rows Racine exports: newest first, the `limit` oldest movements."""
    conn = sqlite3.connect(db)
    yield from conn.execute(
        """SELECT m.id, m.effective_at, m.recorded_at, i.sku, w.code, m.reason, m.quantity,
                  COALESCE(m.unit_cost, 0), m.value_change, m.balance_after, m.value_after,
                  m.reference, m.actor, m.note, m.transfer_id, m.purchase_line_id, m.order_id,
                  m.order_event_id, m.idempotency_key
           FROM movements m JOIN items i ON i.id = m.item_id JOIN warehouses w ON w.id = m.warehouse_id
           WHERE m.id < ? ORDER BY m.id DESC""",
        (limit + 1,),
    )


def decimal_text(raw: int) -> str:
    """Millionths as exact decimal text (12.5, -3, 0.000001)."""
    sign = "-" if raw < 0 else ""
    units, fraction = divmod(abs(raw), 1_000_000)
    if fraction == 0:
        return f"{sign}{units}"
    return f"{sign}{units}.{fraction:06d}".rstrip("0")


def instant(micros: int) -> datetime:
    return EPOCH + timedelta(microseconds=micros)


def text(value: Optional[str], neutralise: bool) -> str:
    if value is None:
        return ""
    return "'" + value if neutralise and value.startswith(FORMULA) else value


def with_csv(db: str, limit: int, out: str) -> int:
    n = 0
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(HEADER)
        for r in rows(db, limit):
            w.writerow([
                r[0], instant(r[1]).isoformat() + "+00:00", instant(r[2]).isoformat() + "+00:00", text(r[3], True),
                text(r[4], True), r[5], *(decimal_text(r[i]) for i in DECIMALS), text(r[11], True),
                text(r[12], True), text(r[13], True), *("" if v is None else v for v in r[14:18]), text(r[18], True),
            ])
            n += 1
    return n


def xlsx_cells(r: Tuple[Any, ...]) -> List[Any]:
    """The typed cells: (kind, value) with kind in text, number, instant."""
    cells: List[Any] = [("text", str(r[0])), ("instant", instant(r[1])), ("instant", instant(r[2])),
                        ("text", r[3]), ("text", r[4]), ("text", r[5])]
    cells += [("number", r[i] / 1_000_000) for i in DECIMALS]
    cells += [("text", r[i]) for i in (11, 12, 13)]
    cells += [("text", None if v is None else str(v)) for v in r[14:18]]
    cells.append(("text", r[18]))
    return cells


MAX_ROWS = 1_048_576


def with_xlsxwriter(db: str, limit: int, out: str) -> int:
    xlsxwriter = importlib.import_module("xlsxwriter")
    book = xlsxwriter.Workbook(out, {"constant_memory": True})
    bold = book.add_format({"bold": True})
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    money = book.add_format({"num_format": "#,##0.00####"})
    inert = book.add_format({"quote_prefix": True})
    n, sheet, row = 0, None, MAX_ROWS
    for r in rows(db, limit):
        if row >= MAX_ROWS:
            sheet = book.add_worksheet("Movements" if sheet is None else f"Movements ({n // (MAX_ROWS - 1) + 1})")
            sheet.freeze_panes(1, 0)
            sheet.write_row(0, 0, HEADER, bold)
            row = 1
        assert sheet is not None
        for c, (kind, v) in enumerate(xlsx_cells(r)):
            if v is None:
                continue
            if kind == "text":
                sheet.write_string(row, c, v, inert if v.startswith(FORMULA) else None)
            elif kind == "number":
                sheet.write_number(row, c, v, money)
            else:
                sheet.write_datetime(row, c, v, stamp)
        row += 1
        n += 1
    book.close()
    return n


def with_openpyxl(db: str, limit: int, out: str) -> int:
    openpyxl = importlib.import_module("openpyxl")
    cell_type = importlib.import_module("openpyxl.cell").WriteOnlyCell
    font = importlib.import_module("openpyxl.styles").Font(bold=True)
    book = openpyxl.Workbook(write_only=True)
    n, sheet, row = 0, None, MAX_ROWS
    for r in rows(db, limit):
        if row >= MAX_ROWS:
            sheet = book.create_sheet("Movements" if sheet is None else f"Movements ({n // (MAX_ROWS - 1) + 1})")
            header = []
            for h in HEADER:
                cell = cell_type(sheet, value=h)
                cell.font = font
                header.append(cell)
            sheet.append(header)
            row = 1
        assert sheet is not None
        values: List[Any] = []
        for kind, v in xlsx_cells(r):
            if kind == "instant":
                cell = cell_type(sheet, value=v)
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
                values.append(cell)
            elif kind == "text" and v is not None:
                cell = cell_type(sheet, value=v)
                cell.data_type = "s"  # never a formula, whatever the text
                values.append(cell)
            else:
                values.append(v)
        sheet.append(values)
        row += 1
        n += 1
    book.save(out)
    return n


def main() -> None:
    db, limit, writer, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    run = {"csv": with_csv, "xlsxwriter": with_xlsxwriter, "openpyxl": with_openpyxl}[writer]
    start = time.perf_counter()
    n = run(db, limit, out)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"rows": n, "seconds": seconds, "peak_kib": peak}))


if __name__ == "__main__":
    main()
