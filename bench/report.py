"""The Markdown table of scripts/bench: every target of shared/docs/PERF.md
with Racine's figure, its baseline from the same run, the ratio, and
whether the target is met."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Tuple

Lines = List[Dict[str, Any]]


class Figures:
    def __init__(self, lines: Lines, rev: str):
        self.by: Dict[Tuple[str, str], Dict[str, Any]] = {}
        for line in lines:
            if line.get("rev") == rev:
                self.by[(line["w"], line["subject"])] = line

    def get(self, w: str, subject: str, field: str) -> Optional[float]:
        v = self.by.get((w, subject), {}).get(field)
        return float(v) if isinstance(v, (int, float)) else None

    def subjects(self, w: str) -> List[str]:
        return [s for (ww, s) in self.by if ww == w]


def fmt(v: Optional[float], unit: str = "") -> str:
    if v is None:
        return "—"
    if abs(v) >= 1000:
        text = f"{v:,.0f}"
    elif abs(v) >= 10:
        text = f"{v:.1f}"
    else:
        text = f"{v:.2f}"
    return f"{text}{unit}"


def ratio(a: Optional[float], b: Optional[float]) -> Optional[float]:
    return a / b if a is not None and b else None


Row = Tuple[str, str, str, str, Optional[float], str, Optional[bool]]


def rows(f: Figures) -> List[Row]:
    """(W, figure, racine, baseline, ratio, target, met)."""
    out: List[Row] = []

    def add(w: str, figure: str, ours: Optional[float], base: Optional[float], unit: str, base_name: str,
            target: str, test: Callable[[float], bool], use_ratio: bool = True) -> None:
        value = ratio(ours, base) if use_ratio else ours
        met = test(value) if value is not None else None
        out.append((w, figure, fmt(ours, unit), f"{base_name} {fmt(base, unit)}" if base_name else "",
                    value, target, met))

    g = f.get
    add("W1", "durable commits/s vs the fsync limit", g("W1", "racine", "per_s"), g("W1", "fsync limit", "per_s"),
        "/s", "3-frame append + fdatasync", "≥ 0.9", lambda r: r >= 0.9)
    add("W1", "pages per commit", g("W1", "racine", "pages"), g("W1", "rust hand-written", "pages"), "",
        "hand-written", "≤ 3.2 pages", lambda v: v <= 3.2, use_ratio=False)
    add("W1", "syncs per commit", g("syncs", "rust post", "per_op"), g("syncs", "rust hand-post", "per_op"), "",
        "hand-written", "exactly 1", lambda v: abs(v - 1) < 0.02, use_ratio=False)
    add("W1", "of which fdatasync", g("syncs", "rust post", "fdatasync"), g("syncs", "rust hand-post", "fdatasync"),
        "", "hand-written", "all of them", lambda v: abs(v - (g("syncs", "rust post", "per_op") or 0)) < 0.02,
        use_ratio=False)
    add("W1", "commits/s vs the PDO service (Rust)", g("W1", "racine", "per_s"), g("W1", "pdo decrement-only", "per_s"),
        "/s", "PDO", "≥ 1.2", lambda r: r >= 1.2)
    add("W1", "commits/s vs the PDO service (from PHP)", g("W1", "racine from php", "per_s"),
        g("W1", "pdo decrement-only", "per_s"), "/s", "PDO", "≥ 1.2", lambda r: r >= 1.2)
    add("W1", "commits/s vs PDO writing the same rows (from PHP)", g("W1", "racine from php", "per_s"),
        g("W1", "pdo same rows", "per_s"), "/s", "PDO same rows", "(reported)", lambda r: True)
    add("W2", "commits/s, NORMAL", g("W2", "racine", "per_s"), g("W2", "rust hand-written", "per_s"), "/s",
        "hand-written Rust", "≥ 0.8", lambda r: r >= 0.8)
    p99, hp99 = g("W2", "racine", "p99_us"), g("W2", "rust hand-written", "p99_us")
    add("W2", "p99 latency", p99, hp99, " µs", "hand-written Rust", "≤ 2 × its p99", lambda r: r <= 2.0)
    add("W2", "instructions per movement", g("instructions", "rust post", "per_op"),
        g("instructions", "rust hand-post", "per_op"), "", "hand-written Rust", "≤ 1.3 ×", lambda r: r <= 1.3)
    add("W3", "movements/s in batches of 1,000", g("W3", "racine", "per_s"), g("W3", "rust hand-written", "per_s"),
        "/s", "hand-written Rust", "≥ 0.8", lambda r: r >= 0.8)
    add("W3", "movements/s vs PDO's own batches (both from PHP)", g("W12 PHP", "racine", "per_s"),
        g("W3", "pdo decrement-only", "per_s"), "/s", "PDO", "≥ 2", lambda r: r >= 2.0)
    add("W3", "instructions per movement", g("instructions", "rust batch", "per_op"),
        g("instructions", "rust hand-batch", "per_op"), "", "hand-written Rust", "≤ 25,000",
        lambda v: v <= 25_000, use_ratio=False)
    add("W3", "pages per batch", g("W3", "racine", "pages"), g("W3", "rust hand-written", "pages"), "",
        "hand-written Rust", "(reported)", lambda r: True)
    for sync, floor in (("FULL", 1.0), ("NORMAL", 1.5)):
        w = f"W4 {sync}"
        add("W4", f"orders/s, {sync}, vs PDO writing the same rows (Rust)", g(w, "racine decrement_on_sale", "per_s"),
            g(w, "pdo same rows", "per_s"), "/s", "PDO same rows", f"≥ {floor}", lambda r, fl=floor: r >= fl)
        add("W4", f"orders/s, {sync}, vs PDO writing the same rows (from PHP)", g(w, "racine from php", "per_s"),
            g(w, "pdo same rows", "per_s"), "/s", "PDO same rows", f"≥ {floor}", lambda r, fl=floor: r >= fl)
        add("W4", f"orders/s, {sync}, vs the decrement-only PDO service", g(w, "racine decrement_on_sale", "per_s"),
            g(w, "pdo decrement-only", "per_s"), "/s", "PDO decrement-only", "(reported)", lambda r: True)
        add("W4", f"orders/s, {sync}, vs hand-written Rust, same rows", g(w, "racine decrement_on_sale", "per_s"),
            g(w, "rust hand-written", "per_s"), "/s", "hand-written Rust", "(reported)", lambda r: True)
    add("W4", "pages per order (decrement on sale)", g("W4 FULL", "racine decrement_on_sale", "pages"),
        g("W4 FULL", "rust hand-written", "pages"), "", "hand-written Rust", "≤ 18", lambda v: v <= 18,
        use_ratio=False)
    add("W4", "pages per order (reserve)", g("W4 FULL", "racine reserve", "pages"), None, "", "", "≤ 18",
        lambda v: v <= 18, use_ratio=False)
    add("W4", "pages written by a refused order", g("W4 FULL", "racine refused order", "pages"), None, "", "",
        "0", lambda v: v == 0, use_ratio=False)
    add("W4", "instructions per order", g("instructions", "rust order", "per_op"),
        g("instructions", "rust hand-order", "per_op"), "", "hand-written Rust", "(reported)", lambda r: True)
    add("W6", "stock read p50", g("W6", "racine", "p50_us"), g("W6", "rust hand-written", "p50_us"), " µs",
        "hand-written SELECT", "≤ 3 µs", lambda v: v <= 3.0, use_ratio=False)
    add("W6", "stock read p99", g("W6", "racine", "p99_us"), g("W6", "rust hand-written", "p99_us"), " µs",
        "hand-written SELECT", "≤ 10 µs", lambda v: v <= 10.0, use_ratio=False)
    add("W6", "instructions per read", g("instructions", "rust stock", "per_op"),
        g("instructions", "rust hand-stock", "per_op"), "", "hand-written SELECT", "(reported)", lambda r: True)
    add("W7", "Python typed stock() vs sqlite3 SELECT (time)", g("W7 Python", "racine stock", "mean_us"),
        g("W7 Python", "python sqlite3 hand-written", "mean_us"), " µs", "sqlite3", "≤ 1.0", lambda r: r <= 1.0)
    add("W7", "Python typed stock() vs sqlite3 SELECT (instructions)", g("instructions", "python stock", "per_op"),
        g("instructions", "python sqlite-stock", "per_op"), "", "sqlite3", "≤ 1.0", lambda r: r <= 1.0)
    raw, direct = g("W7 Python", "racine stock_raw", "mean_us"), g("W7 Python", "rust direct", "mean_us")
    over = raw - direct if raw is not None and direct is not None else None
    out.append(("W7", "Python raw read over Rust", fmt(raw, " µs"), f"Rust direct {fmt(direct, ' µs')}",
                over, "≤ +1 µs", None if over is None else over <= 1.0))
    add("W7", "PHP typed stock() vs PDO SELECT (p50)", g("W7 PHP", "racine stock", "p50_us"),
        g("W7 PHP", "pdo select", "p50_us"), " µs", "PDO", "≤ 1.0", lambda r: r <= 1.0)
    add("W7", "PHP stock() vs PDO SELECT (instructions)", g("instructions", "php stock", "per_op"),
        g("instructions", "php pdo-stock", "per_op"), "", "PDO", "≤ 1.0", lambda r: r <= 1.0)
    add("W7", "PHP post() vs Rust post() (instructions)", g("instructions", "php post", "per_op"),
        g("instructions", "rust post", "per_op"), "", "Rust", "≤ 1.5", lambda r: r <= 1.5)
    # Imports: no target in PERF.md yet, reported beside their baselines.
    add("imports", "items csv, rows/s", g("imports", "racine items", "per_s"),
        g("imports", "hand-written items loader", "per_s"), "/s", "hand-written loader", "(reported)", lambda r: True)
    add("imports", "opening stock csv, rows/s", g("imports", "racine opening stock", "per_s"),
        g("imports", "post_batch opening balances", "per_s"), "/s", "post_batch", "(reported)", lambda r: True)
    add("imports", "items re-imported (nothing written), rows/s", g("imports", "racine items again", "per_s"),
        g("imports", "racine items", "per_s"), "/s", "first import", "(reported)", lambda r: True)
    for subject in f.subjects("W8"):
        racine_ms, hand_ms = g("W8", subject, "racine_ms"), g("W8", subject, "hand_ms")
        if hand_ms is not None:
            add("W8", subject, hand_ms, racine_ms, " ms", "racine", "≥ 1.0 (hand / racine time)",
                lambda r: r >= 1.0)
            out[-1] = ("W8", subject, fmt(racine_ms, " ms"), f"hand-written SQL {fmt(hand_ms, ' ms')}",
                       out[-1][4], out[-1][5], out[-1][6])
        else:
            add("W8", subject, racine_ms, None, " ms", "", "(reported)", lambda v: True, use_ratio=False)
    for subject in f.subjects("W9") + f.subjects("W10"):
        if not subject.startswith("racine"):
            continue
        w = "W9" if " csv " in subject else "W10"
        rows_n = subject.split()[-2]
        ours = g(w, subject, "rows_per_s")
        if w == "W9":
            add(w, f"csv rows/s ({rows_n} rows)", ours, None, "/s", "", "≥ 2,000,000", lambda v: v >= 2e6,
                use_ratio=False)
            add(w, f"csv vs Python's csv module ({rows_n} rows)", ours, g(w, f"python csv {rows_n} rows", "rows_per_s"),
                "/s", "csv module", "≥ 4", lambda r: r >= 4)
        else:
            for lib, floor in (("xlsxwriter", 5), ("openpyxl", 8)):
                add(w, f"xlsx vs {lib} ({rows_n} rows)", ours, g(w, f"python {lib} {rows_n} rows", "rows_per_s"),
                    "/s", lib, f"≥ {floor}", lambda r, fl=floor: r >= fl)
            add(w, f"xlsx peak memory ({rows_n} rows)", g(w, subject, "peak_mib"), None, " MiB", "",
                "flat 1M → 5M (export_memory test)", lambda v: True, use_ratio=False)
    add("W12", "Python post_batch vs Rust direct", g("W12 Python", "racine", "per_s"),
        g("W12 Python", "rust direct", "per_s"), "/s", "Rust direct", "≥ 0.9", lambda r: r >= 0.9)
    rust_b, php_b = g("instructions", "rust batch", "per_op"), g("instructions", "php batch", "per_op")
    add("W12", "PHP postBatch vs Rust (instructions per movement, Rust / PHP)", rust_b, php_b, "", "PHP",
        "≥ 0.9", lambda r: r >= 0.9)
    busy = g("W14", "soak", "busy")
    out.append(("W14", "Busy reaching callers, two writers + readers", fmt(busy), "", busy, "0",
                None if busy is None else busy == 0))
    add("W14", "reader p99 under write load vs idle", g("W14", "soak", "loaded_p99_us"),
        g("W14", "soak", "idle_p99_us"), " µs", "idle", "≤ 1.5", lambda r: r <= 1.5)
    add("W15", "open + read p99 while two writers commit", g("W15", "racine under two writers", "p99_us"),
        g("W15", "racine idle", "p99_us"), " µs", "idle", "≤ 2,000 µs", lambda v: v <= 2000, use_ratio=False)
    b = g("W15", "racine under two writers", "busy")
    out.append(("W15", "Busy during opens", fmt(b), "", b, "0", None if b is None else b == 0))
    add("W16", "PostgreSQL, 16 clients on the last units of 4 items", g("W16", "racine", "per_s"),
        g("W16", "postgres hand-written", "per_s"), "/s", "SELECT … FOR UPDATE", "≥ 0.8", lambda r: r >= 0.8)
    add("W1-PG", "PostgreSQL commits/s, one client", g("W1-PG", "racine", "per_s"),
        g("W1-PG", "postgres hand-written", "per_s"), "/s", "hand-written", "(beside W1)", lambda r: None)
    add("W4-PG", "PostgreSQL orders/s, one client", g("W4-PG", "racine", "per_s"),
        g("W4-PG", "postgres hand-written", "per_s"), "/s", "SELECT … FOR UPDATE", "(beside W4)", lambda r: None)
    return out


def markdown(lines: Lines, revs: List[str], machine: str, quick: bool) -> str:
    now = revs[0]
    f = Figures(lines, now)
    env = f.by.get(("env", "sqlite"), {})
    head = [
        f"# Racine benchmarks — {revs[0]}{' (quick)' if quick else ''}",
        "",
        f"- Machine: {machine}",
        f"- SQLite {env.get('version', '?')}, page size {env.get('page_size', '?')}, "
        f"built with {env.get('build_flags') or 'no extra flags'}",
        f"- PRAGMAs: {env.get('pragmas', '?')}",
        f"- {env.get('items', '?')} items × 2 warehouses; figures measured side by side in one run; "
        "instructions by callgrind (difference of two run lengths), syncs by strace",
        "",
        "| W | figure | Racine | baseline | ratio | target | met |",
        "|---|---|---|---|---|---|---|",
    ]
    body = []
    for w, figure, ours, base, value, target, met in rows(f):
        mark = "—" if met is None else ("yes" if met else "**no**")
        body.append(f"| {w} | {figure} | {ours} | {base} | {fmt(value)} | {target} | {mark} |")
    text = head + body
    if len(revs) > 1:
        before = Figures(lines, revs[1])
        text += ["", f"## Before ({revs[1]}) and after ({revs[0]}), same command", "",
                 "| figure | before | after | after / before |", "|---|---|---|---|"]
        pairs = [
            ("W1 pages per commit", "W1", "racine", "pages"),
            ("W1 syncs per commit", "syncs", "rust post", "per_op"),
            ("W1 commits/s (FULL)", "W1", "racine", "per_s"),
            ("W2 instructions per movement", "instructions", "rust post", "per_op"),
            ("W2 commits/s (NORMAL)", "W2", "racine", "per_s"),
            ("W3 instructions per movement", "instructions", "rust batch", "per_op"),
            ("W3 pages per batch of 1,000", "W3", "racine", "pages"),
            ("W3 movements/s", "W3", "racine", "per_s"),
            ("W4 pages per order (decrement on sale)", "W4 FULL", "racine decrement_on_sale", "pages"),
            ("W4 pages per order (reserve)", "W4 FULL", "racine reserve", "pages"),
            ("W4 instructions per order", "instructions", "rust order", "per_op"),
            ("W4 orders/s (FULL, decrement on sale)", "W4 FULL", "racine decrement_on_sale", "per_s"),
            ("W6 instructions per stock read", "instructions", "rust stock", "per_op"),
            ("W7 Python stock() instructions", "instructions", "python stock", "per_op"),
            ("W7 Python stock() µs", "W7 Python", "racine stock", "mean_us"),
            ("W7 PHP stock() instructions", "instructions", "php stock", "per_op"),
            ("W7 PHP post() instructions", "instructions", "php post", "per_op"),
            ("W12 PHP postBatch instructions per movement", "instructions", "php batch", "per_op"),
        ]
        for name, w, subject, field in pairs:
            a, b = before.get(w, subject, field), f.get(w, subject, field)
            text.append(f"| {name} | {fmt(a)} | {fmt(b)} | {fmt(ratio(b, a))} |")
    text += ["", "PostgreSQL figures (W16, W1-PG, W4-PG) come from a durable cluster started by the benchmark. "
             "PhpSpreadsheet (W10) is not installed here; "
             "its published figures are in PERF.md.", ""]
    return "\n".join(text)
