"""The benchmark command: every workload of shared/docs/PERF.md that exists,
from Rust, Python and PHP, beside its baselines run in the same invocation,
as one Markdown table saved under bench/results/.

    scripts/bench            # the full run (about an hour)
    scripts/bench --quick    # a small version (a few minutes)
    scripts/bench --before 58ded70   # also measures that revision, side by side

Rates and latencies come from the bench programs themselves
(core/benches/*.rs, python/benches/bench_python.py, php/benchmarks/bench.php),
which append one JSON line per figure to the file named by RACINE_BENCH_JSON.
The deterministic figures are measured here: instructions per operation with
callgrind (the difference of two runs of different lengths, so the set-up
cancels out), syncs per commit with strace.
"""

from __future__ import annotations

import argparse
import datetime
import filecmp
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path
from typing import Any, Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent

QUICK = {
    "RACINE_BENCH_ITEMS": "2000",
    "RACINE_BENCH_MOVEMENTS": "200000",
    "RACINE_BENCH_SECONDS": "1",
    "RACINE_BENCH_EXPORT_ROWS": "200000",
    "RACINE_BENCH_OPPORTUNITIES": "20000",
    "RACINE_BENCH_RUNS": "5",
}
FULL = {
    "RACINE_BENCH_ITEMS": "10000",
    "RACINE_BENCH_MOVEMENTS": "2000000",
    "RACINE_BENCH_SECONDS": "3",
    "RACINE_BENCH_EXPORT_ROWS": "1000000",
    "RACINE_BENCH_OPPORTUNITIES": "100000",
    "RACINE_BENCH_RUNS": "21",
}
# Operations counted under callgrind: (program, op, short run, long run,
# units per op). A set-up of 1,000 items keeps valgrind's runs short.
RUST_OPS = [("post", 100, 600, 1), ("hand-post", 100, 600, 1), ("batch", 1, 3, 1000),
            ("hand-batch", 1, 3, 1000), ("order", 50, 300, 1), ("hand-order", 50, 300, 1),
            ("stock", 1000, 6000, 1), ("hand-stock", 1000, 6000, 1)]
PYTHON_OPS = [("stock", 500, 3000), ("stock-raw", 500, 3000), ("sqlite-stock", 500, 3000)]
PHP_OPS = [("post", 50, 300, 1), ("batch", 1, 3, 1000), ("stock", 500, 3000, 1), ("pdo-stock", 500, 3000, 1)]


def say(*a: Any) -> None:
    print("==>", *a, flush=True)


def sh(cmd: List[str], cwd: Path, env: Dict[str, str], capture: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, env=env, check=True, text=True,
                          stdout=subprocess.PIPE if capture else None,
                          stderr=subprocess.PIPE if capture else None)


class Tree:
    """A checkout to measure: this one, or a worktree of an earlier revision
    with this checkout's bench programs copied in (they use the public API)."""

    def __init__(self, root: Path, rev: str, env: Dict[str, str]):
        self.root, self.rev, self.env = root, rev, env
        self.target = Path(env.get("CARGO_TARGET_DIR", root / "target"))
        self.benches: Dict[str, str] = {}

    def build(self) -> None:
        say(f"building {self.rev} in release mode ({self.root})")
        out = sh(["cargo", "bench", "-p", "racine", "--no-run", "--message-format=json"],
                 self.root, self.env, capture=True).stdout
        for line in out.splitlines():
            msg = json.loads(line)
            if msg.get("reason") == "compiler-artifact" and msg.get("executable") and "bench" in msg["target"]["kind"]:
                self.benches[msg["target"]["name"]] = msg["executable"]
        sh(["cargo", "build", "--quiet", "--release", "-p", "racine-ffi"], self.root, self.env)
        self.lib = self.target / "release/libracine_ffi.so"
        venv = self.target / "bench-venv"
        if not (venv / "bin/python").exists():
            sh([sys.executable, "-m", "venv", str(venv)], self.root, self.env)
        self.python = str(venv / "bin/python")
        pip = [self.python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        sh(pip + ["maturin>=1.5,<2", "xlsxwriter", "openpyxl>=3.1,<4"], self.root, self.env)
        env = dict(self.env, PATH=f"{venv}/bin:{self.env['PATH']}")
        sh(pip + ["--no-build-isolation", "--force-reinstall", "./python"], self.root, env)

    def run_env(self, extra: Dict[str, str]) -> Dict[str, str]:
        return dict(self.env, RACINE_BENCH_REV=self.rev, RACINE_LIB=str(self.lib), **extra)


def instructions(cmd: List[str], cwd: Path, env: Dict[str, str]) -> Optional[int]:
    """Instructions the program executed, as callgrind counts them."""
    p = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"] + cmd,
                       cwd=cwd, env=env, text=True, capture_output=True)
    m = re.search(r"Collected : (\d+)", p.stderr)
    if p.returncode != 0 or not m:
        print(p.stderr[-2000:], file=sys.stderr)
        return None
    return int(m.group(1))


def syncs(cmd: List[str], cwd: Path, env: Dict[str, str]) -> Optional[Dict[str, int]]:
    """fsync and fdatasync calls of the program and its threads."""
    with tempfile.NamedTemporaryFile("r", suffix=".strace") as out:
        p = subprocess.run(["strace", "-f", "-c", "-e", "trace=fsync,fdatasync", "-o", out.name] + cmd,
                           cwd=cwd, env=env, capture_output=True)
        if p.returncode != 0:
            return None
        calls = {"fsync": 0, "fdatasync": 0}
        for line in out.read().splitlines():
            cols = line.split()
            if cols and cols[-1] in calls:
                calls[cols[-1]] = int(cols[3])  # % time, seconds, usecs/call, calls[, errors], syscall
        return calls


def count_ops(tree: Tree, emit: Any) -> None:
    """Instructions per operation (W2, W3, W4, W6, W7) and syncs per commit (W1)."""
    small = {"RACINE_BENCH_ITEMS": "1000"}
    ledger = [tree.benches["ledger"]]
    if shutil.which("valgrind"):
        for op, a, b, units in RUST_OPS:
            counts = [instructions(ledger, tree.root, tree.run_env({**small, "RACINE_BENCH_OPS": f"{op}:{n}"}))
                      for n in (a, b)]
            if None not in counts:
                emit("instructions", f"rust {op}", per_op=(counts[1] - counts[0]) / ((b - a) * units))
        for op, a, b in PYTHON_OPS:
            script = str(ROOT / "python/benches/bench_python.py")
            counts = [instructions([tree.python, script, "1000"], tree.root,
                                   tree.run_env({"RACINE_BENCH_OPS": f"{op}:{n}"})) for n in (a, b)]
            if None not in counts:
                emit("instructions", f"python {op}", per_op=(counts[1] - counts[0]) / (b - a))
        if shutil.which("php"):
            for op, a, b, units in PHP_OPS:
                counts = [instructions(["php", "-d", "ffi.enable=1", str(tree.root / "php/benchmarks/bench.php"), "1000"],
                                       tree.root, tree.run_env({"RACINE_BENCH_OPS": f"{op}:{n}"})) for n in (a, b)]
                if None not in counts:
                    emit("instructions", f"php {op}", per_op=(counts[1] - counts[0]) / ((b - a) * units))
    if shutil.which("strace"):
        for op in ("post", "hand-post", "order"):
            counts = [syncs(ledger, tree.root, tree.run_env({**small, "RACINE_BENCH_OPS": f"{op}:{n}",
                                                             "RACINE_BENCH_OPS_SYNC": "full"})) for n in (50, 250)]
            if None not in counts:
                a, b = counts[0] or {}, counts[1] or {}
                per = {k: (b[k] - a[k]) / 200 for k in b}
                emit("syncs", f"rust {op}", per_op=sum(per.values()), **per)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small sizes, 1 s per workload (a few minutes)")
    ap.add_argument("--before", metavar="REV", help="also measure this revision, side by side")
    ap.add_argument("--build-only", action="store_true", help="build what would be measured, then stop")
    ap.add_argument("--out", type=Path, default=ROOT / "bench/results", help="where the Markdown table goes")
    args = ap.parse_args()

    sizes = QUICK if args.quick else FULL
    env = dict(os.environ, **sizes, CARGO_TERM_QUIET="true")
    work = Path(tempfile.mkdtemp(prefix="racine-bench-", dir=ROOT / "target"))
    results = work / "results.jsonl"
    env["RACINE_BENCH_JSON"] = str(results)

    def emit_for(rev: str) -> Any:
        def emit(w: str, subject: str, **fields: Any) -> None:
            with open(results, "a") as f:
                f.write(json.dumps({"w": w, "subject": subject, "from": "bench", "rev": rev, **fields}) + "\n")
        return emit

    head = sh(["git", "rev-parse", "--short", "HEAD"], ROOT, env, capture=True).stdout.strip()
    dirty = sh(["git", "status", "--porcelain", "--untracked-files=no"], ROOT, env, capture=True).stdout.strip()
    trees = [Tree(ROOT, head + ("+" if dirty else ""), env)]
    if args.before:
        # Outside this checkout, so that its cargo settings (.cargo/) are the
        # revision's own, at a fixed path, so that its build is reused.
        wt = Path(tempfile.gettempdir()) / f"racine-bench-before-{zlib.crc32(str(ROOT).encode()):08x}"
        want = sh(["git", "rev-parse", args.before], ROOT, env, capture=True).stdout.strip()
        have = sh(["git", "-C", str(wt), "rev-parse", "HEAD"], ROOT, env, capture=True).stdout.strip() \
            if (wt / ".git").exists() else ""
        if have != want:  # else reused as it is, with its build
            if wt.exists():
                sh(["git", "worktree", "remove", "--force", str(wt)], ROOT, env)
            sh(["git", "worktree", "add", "--detach", str(wt), args.before], ROOT, env)
        for rel in ("core/benches/ledger.rs", "core/benches/common/mod.rs", "python/benches/bench_python.py",
                    "php/benchmarks/bench.php"):
            if not filecmp.cmp(ROOT / rel, wt / rel, shallow=False):
                shutil.copy(ROOT / rel, wt / rel)
        rev = sh(["git", "rev-parse", "--short", args.before], ROOT, env, capture=True).stdout.strip()
        # Its build stays beside the worktree, so the next run reuses it.
        trees.append(Tree(wt, rev, dict(env, CARGO_TARGET_DIR=str(ROOT / "target/bench-before-target"))))

    sh(["scripts/build-plugins", "target/plugins"], ROOT, env)
    for tree in trees:
        tree.build()
    if args.build_only:
        return
    for tree in trees:
        say(f"{tree.rev}: ledger (W1-W4, W6, W15)")
        sh([tree.benches["ledger"]], tree.root, tree.run_env({}))
        say(f"{tree.rev}: instructions and syncs per operation")
        count_ops(tree, emit_for(tree.rev))
        say(f"{tree.rev}: Python (W7, W12)")
        sh([tree.python, str(ROOT / "python/benches/bench_python.py"), sizes["RACINE_BENCH_ITEMS"],
            "10" if args.quick else "40"], tree.root, tree.run_env({}))
        if shutil.which("php"):
            say(f"{tree.rev}: PHP (W1, W3, W4, W7, W12)")
            sh(["php", "-d", "ffi.enable=1", str(tree.root / "php/benchmarks/bench.php"), sizes["RACINE_BENCH_ITEMS"],
                sizes["RACINE_BENCH_SECONDS"]], tree.root, tree.run_env({}))
    tree = trees[0]
    say("dashboards (W8)")
    sh([tree.benches["dashboards"]], ROOT, tree.run_env({}))
    say("imports")
    sh([tree.benches["imports"]], ROOT, tree.run_env({"RACINE_BENCH_IMPORT_ROWS": "20000" if args.quick else "100000"}))
    say("exports (W9, W10)")
    sh([tree.benches["exports"]], ROOT, tree.run_env({"RACINE_BENCH_PYTHON": tree.python}))
    if "postgres" in tree.benches and list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        say("PostgreSQL (W1-PG, W4-PG, W16 at 16 clients), on a durable cluster of its own")
        sh([tree.benches["postgres"]], ROOT, tree.run_env({"RACINE_BENCH_PG_UNITS": "250" if args.quick else "1000"}))
    say("soak (W14)")
    sh(["cargo", "test", "--quiet", "--release", "-p", "racine", "--test", "soak", "--", "--nocapture"], ROOT,
       tree.run_env({"RACINE_SOAK_SECONDS": "10" if args.quick else "60"}))

    sys.path.insert(0, str(ROOT / "bench"))
    import report

    lines = [json.loads(l) for l in results.read_text().splitlines() if l.strip()]
    machine = f"{platform.node()}, {os.cpu_count()} cores, {platform.platform()}"
    table = report.markdown(lines, [t.rev for t in trees], machine, quick=args.quick)
    print("\n" + table)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y-%m-%d-%H%M")
    name = f"{stamp}-{platform.node()}{'-quick' if args.quick else ''}"
    (args.out / f"{name}.md").write_text(table)
    (args.out / f"{name}.jsonl").write_text(results.read_text())
    say(f"saved {args.out / name}.md")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
