"""W7 and W12 of shared/docs/PERF.md from Python, side by side in one run:

- W7: a stock read through the Python package, against the same read in Rust
  (timed inside the extension, no Python crossing) and against Python's own
  sqlite3 reading a hand-written stock table.
- W12: batches of 1,000 movements through ``post_batch``, against the same
  batches posted by the Rust API directly, and against the usual
  hand-written service in Python's sqlite3 (per movement: SELECT the stock,
  check it, INSERT the movement, UPDATE the stock; one transaction a batch).

    pip install ./python && python python/benches/bench_python.py [items] [batches]

``scripts/bench`` runs it with ``RACINE_BENCH_JSON`` (one JSON line per
figure) and, under callgrind, with ``RACINE_BENCH_OPS=<op>:<n>`` (``stock``,
``stock-raw`` or ``sqlite-stock``): the set-up, then ``n`` reads, nothing
else.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

import racine
from racine import Movement

ITEMS = int(sys.argv[1]) if len(sys.argv) > 1 else 2_000
BATCHES = int(sys.argv[2]) if len(sys.argv) > 2 else 20
BATCH = 1_000


def emit(w: str, subject: str, **fields: Any) -> None:
    """One figure for scripts/bench, when RACINE_BENCH_JSON names a file."""
    path = os.environ.get("RACINE_BENCH_JSON")
    if path:
        line = {"w": w, "subject": subject, "from": "python", "rev": os.environ.get("RACINE_BENCH_REV", "")}
        with open(path, "a") as f:
            f.write(json.dumps({**line, **fields}) + "\n")


def ops(tmp: str, spec: str) -> None:
    """The set-up, then n reads of one kind: for callgrind."""
    op, n = spec.split(":")
    db, items, whs = seeded(str(Path(tmp) / "racine.db"))
    conn = hand_written(str(Path(tmp) / "hand.db"), items, whs)
    q = "SELECT quantity FROM stock WHERE item_id = ? AND warehouse_id = ?"

    def by_hand(i: int, w: int) -> Any:
        return conn.execute(q, (i, w)).fetchone()

    read: Dict[str, Callable[[int, int], Any]] = {
        "stock": db.stock,
        "stock-raw": db._engine.stock_raw,
        "sqlite-stock": by_hand,
    }
    fn = read[op]
    for k in range(int(n)):
        fn(items[k % len(items)], whs[k % 2])


def seeded(path: str) -> Tuple[racine.Database, List[int], List[int]]:
    db = racine.Database(path, synchronous="normal")
    w2 = db.create_warehouse("W2", "Second").id
    whs = [db.default_warehouse().id, w2]
    items = [db.create_item(f"SKU-{i:05}", "bench").id for i in range(ITEMS)]
    opening = [Movement.receipt(i, 1_000_000, 5, warehouse=w) for i in items for w in whs]
    for k in range(0, len(opening), 5_000):
        db.post_batch(opening[k : k + 5_000])
    return db, items, whs


def batches(rng: random.Random, items: List[int], whs: List[int]) -> List[List[Dict[str, Any]]]:
    out = []
    for _ in range(BATCHES):
        batch = []
        for _ in range(BATCH):
            m: Dict[str, Any] = {"item": rng.choice(items), "warehouse": rng.choice(whs), "quantity": str(rng.randint(1, 5))}
            if rng.random() < 0.5:
                m.update(kind="receipt", unit_cost=str(rng.randint(4, 6)))
            else:
                m.update(kind="issue")
            batch.append(m)
        out.append(batch)
    return out


def hand_written(path: str, items: List[int], whs: List[int]) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(
        """PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
        CREATE TABLE stock (item_id INTEGER, warehouse_id INTEGER, quantity INTEGER NOT NULL,
                            PRIMARY KEY (item_id, warehouse_id)) WITHOUT ROWID;
        CREATE TABLE movements (id INTEGER PRIMARY KEY, item_id INTEGER, warehouse_id INTEGER,
                                quantity INTEGER, reason TEXT, unit_cost INTEGER, created_at REAL);
        CREATE INDEX movements_by_stock ON movements(item_id, warehouse_id, created_at);"""
    )
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO stock VALUES (?, ?, ?)", [(i, w, 1_000_000 * 10**6) for i in items for w in whs]
    )
    conn.execute("COMMIT")
    return conn


def hand_written_batches(conn: sqlite3.Connection, all_batches: List[List[Dict[str, Any]]]) -> float:
    start = time.perf_counter()
    rows = 0
    for batch in all_batches:
        conn.execute("BEGIN IMMEDIATE")
        for m in batch:
            qty = int(Decimal(m["quantity"]) * 10**6)
            delta = qty if m["kind"] == "receipt" else -qty
            (have,) = conn.execute(
                "SELECT quantity FROM stock WHERE item_id = ? AND warehouse_id = ?", (m["item"], m["warehouse"])
            ).fetchone()
            if have + delta < 0:
                raise RuntimeError("negative stock")
            conn.execute(
                "INSERT INTO movements(item_id, warehouse_id, quantity, reason, unit_cost, created_at) VALUES (?,?,?,?,?,?)",
                (m["item"], m["warehouse"], delta, m["kind"], int(Decimal(m.get("unit_cost", "0")) * 10**6), time.time()),
            )
            conn.execute(
                "UPDATE stock SET quantity = quantity + ? WHERE item_id = ? AND warehouse_id = ?",
                (delta, m["item"], m["warehouse"]),
            )
            rows += 1
        conn.execute("COMMIT")
    return rows / (time.perf_counter() - start)


def per_call_ns(fn: Any, pairs: List[Tuple[int, int]], n: int) -> float:
    start = time.perf_counter_ns()
    for k in range(n):
        item, w = pairs[k % len(pairs)]
        fn(item, w)
    return (time.perf_counter_ns() - start) / n


def main() -> None:
    rng = random.Random(42)
    with tempfile.TemporaryDirectory(dir="target" if Path("target").is_dir() else None) as tmp:
        if os.environ.get("RACINE_BENCH_OPS"):
            return ops(tmp, os.environ["RACINE_BENCH_OPS"])
        db, items, whs = seeded(str(Path(tmp) / "racine.db"))
        info = db.info()
        print(f"racine {info.version}, SQLite {info.sqlite_version}, Python {sys.version.split()[0]}; "
              f"WAL, synchronous=NORMAL; {ITEMS} items x 2 warehouses")

        # W7: point reads.
        pairs = [(rng.choice(items), rng.choice(whs)) for _ in range(10_000)]
        n = 100_000
        engine = db._engine
        rust_ns = statistics.median(engine._bench_stock_direct(pairs, n) for _ in range(3))
        raw_ns = statistics.median(per_call_ns(engine.stock_raw, pairs, n) for _ in range(3))
        fast_ns = statistics.median(per_call_ns(db.on_hand, pairs, n // 2) for _ in range(3))
        full_ns = statistics.median(per_call_ns(db.stock, pairs, n // 10) for _ in range(3))
        conn = hand_written(str(Path(tmp) / "hand.db"), items, whs)
        q = "SELECT quantity FROM stock WHERE item_id = ? AND warehouse_id = ?"
        sqlite_ns = statistics.median(
            per_call_ns(lambda i, w: conn.execute(q, (i, w)).fetchone(), pairs, n) for _ in range(3)
        )
        print("\nW7  stock read (mean per call)")
        print(f"    Rust direct (inside the extension):         {rust_ns / 1000:7.2f} µs")
        print(f"    Python, Engine.stock_raw (ints):             {raw_ns / 1000:7.2f} µs  (+{(raw_ns - rust_ns) / 1000:.2f} µs)")
        print(f"    Python, Database.on_hand (Decimal):          {fast_ns / 1000:7.2f} µs  (+{(fast_ns - rust_ns) / 1000:.2f} µs)")
        print(f"    Python, Database.stock (StockLevel):         {full_ns / 1000:7.2f} µs  (+{(full_ns - rust_ns) / 1000:.2f} µs)")
        print(f"    Python sqlite3, hand-written SELECT:         {sqlite_ns / 1000:7.2f} µs")
        emit("W7 Python", "rust direct", mean_us=rust_ns / 1000)
        emit("W7 Python", "racine stock_raw", mean_us=raw_ns / 1000)
        emit("W7 Python", "racine on_hand", mean_us=fast_ns / 1000)
        emit("W7 Python", "racine stock", mean_us=full_ns / 1000)
        emit("W7 Python", "python sqlite3 hand-written", mean_us=sqlite_ns / 1000)

        # W12: batches of 1,000.
        # Interleaved, so that both see the same ledger size and checkpoints.
        work = batches(rng, items, whs)
        rust_s = py_s = 0.0
        for k in range(0, len(work) - 1, 2):
            rust_s += BATCH / engine._bench_post_batches_direct(json.dumps([work[k]]))
            start = time.perf_counter()
            db.post_batch(work[k + 1])
            py_s += time.perf_counter() - start
        rounds = len(work) // 2
        rust_rate = rounds * BATCH / rust_s
        py_rate = rounds * BATCH / py_s
        hand_rate = hand_written_batches(conn, work)
        print("\nW12 batches of 1,000 movements (movements/s)")
        print(f"    Rust direct post_batch:                {rust_rate:9.0f}")
        print(f"    Python Database.post_batch:            {py_rate:9.0f}   ratio to Rust {py_rate / rust_rate:.2f} (target >= 0.8)")
        print(f"    Python sqlite3, hand-written service:  {hand_rate:9.0f}   (no valuation, no history)")
        emit("W12 Python", "rust direct", per_s=rust_rate)
        emit("W12 Python", "racine", per_s=py_rate)
        emit("W12 Python", "python sqlite3 hand-written", per_s=hand_rate)
        assert db.verify().is_clean
        db.close()
        conn.close()


if __name__ == "__main__":
    main()
