"""The engine the suite runs on: SQLite in memory by default; with
RACINE_TEST_ENGINE=postgres, each database a fresh schema of the server
that RACINE_TEST_POSTGRES names (scripts/test starts one and runs the
suite once per engine)."""

import itertools
import os
import subprocess

_schemas = itertools.count()


def fresh_database() -> str:
    """A new, empty database of the engine under test (its path or URL)."""
    if os.environ.get("RACINE_TEST_ENGINE") != "postgres":
        return ":memory:"
    url = os.environ["RACINE_TEST_POSTGRES"]
    schema = f"py{os.getpid()}_{next(_schemas)}"
    subprocess.run(["psql", "-q", "-X", url, "-c", f"CREATE SCHEMA {schema}"], check=True)
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}"
