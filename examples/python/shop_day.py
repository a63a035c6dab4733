"""A shop's day from Python: a purchase received, sales (one webhook
delivered twice), a refused sale, a breakage, an inventory count, a
transfer, then stock and valuation.

    pip install ./python
    python examples/python/shop_day.py            # writes ./shop-day-py.db
"""

from __future__ import annotations

import sys
from decimal import Decimal as D
from pathlib import Path

import racine
from racine import Movement


def main(path: str) -> int:
    for suffix in ("", "-wal", "-shm"):  # the demo starts from an empty file
        Path(path + suffix).unlink(missing_ok=True)

    with racine.Database(path, time_zone="Europe/Paris", default_warehouse="ATELIER") as db:
        print(f"Racine {racine.__version__}, database {path}")
        atelier = db.default_warehouse()
        shop = db.create_warehouse("BOUTIQUE", "Shop floor")
        oak = db.create_item("OAK-BOARD", "Oak board 2 m", unit="board", reorder_point=20)
        varnish = db.create_item("VARNISH-1L", "Varnish 1 l", unit="can", valuation="moving_average")
        stool = db.create_item("STOOL-OAK", "Oak stool", kind="product", reorder_point=8)
        sawmill = db.create_supplier("Scierie du Jura", email="commandes@scierie-jura.fr", phone="0381234567")

        db.post_batch(
            [
                Movement.receipt(oak, 12, D("17.80"), reason="opening_balance"),
                Movement.receipt(varnish, 4, D("9.50"), reason="opening_balance"),
                Movement.receipt(stool, 10, 42, reason="opening_balance"),
            ]
        )

        po = db.create_purchase_order(
            sawmill,
            "PO-2025-0042",
            [racine.NewPurchaseLine(oak, 50, D("18.40")), racine.NewPurchaseLine(varnish, 12, D("9.90"))],
        )
        got = db.receive_purchase(
            po,
            lines=[racine.ReceiveLine(po.lines[0].id, 50), racine.ReceiveLine(po.lines[1].id, 8)],
            actor="marie",
            idempotency_key="BL-7781",
        )
        po = db.cancel_purchase_remainder(po)
        print(f"09:00 {po.reference}: received {got.order.total_received} of {got.order.total_ordered}; {po.status}")

        db.transfer(stool, atelier, shop, 6, actor="paul")
        for order, qty in [("ORDER-1001", 1), ("ORDER-1002", 2), ("ORDER-1003", 1), ("ORDER-1002", 2)]:
            db.issue(stool, qty, warehouse=shop, reference=order, idempotency_key=f"webhook:{order}:paid")
        print("sales: 4 stools sold (ORDER-1002's webhook came twice, issued once)")

        try:
            db.issue(stool, 5, warehouse=shop, reference="ORDER-1004")
        except racine.NegativeStockError as e:
            print(f"ORDER-1004 refused: {e.available} available in {e.warehouse}, {e.requested} requested")

        db.issue(oak, 30, reason="manual_correction", note="used for 6 stools")
        db.adjust(oak, -2, "breakage", note="split during planing", actor="paul")
        counted = db.count(varnish, 11, actor="marie").movements[0]
        print(f"varnish counted 11: ledger posts {counted.quantity} ({counted.value_change})")

        print("\nStock at close of day")
        for item in (oak, varnish, stool):
            for level in db.stock_by_warehouse(item):
                where = db.warehouse(level.warehouse).code if level.warehouse else "all"
                print(f"  {level.sku:<11} {where:<9} {level.on_hand:>6} on hand  value {level.value:>10}")
        print(f"Stock valuation: {db.stock_value()}")
        for low in db.stock_levels(low_stock_only=True).items:
            print(f"Reorder {low.sku}: {low.available} available, reorder point {low.reorder_point}")
        report = db.verify()
        print(f"verify: {report.movements_checked} movements replayed, {report.drift_count} drift(s)")
        return 0 if report.is_clean else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "shop-day-py.db"))
