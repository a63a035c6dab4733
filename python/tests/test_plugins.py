"""Plugins and the outbox from Python: the C low-stock sink, the Rust
quarantine validator and accounting export, load failures as exceptions,
and a script following the outbox with its own cursor."""

import json
import os
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import fresh_database
import racine

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def plugins() -> Path:
    """The example plugins and fixtures, built by scripts/build-plugins."""
    out = ROOT / "target" / "plugins"
    subprocess.run([str(ROOT / "scripts" / "build-plugins"), str(out)], check=True)
    return out


def lib(plugins: Path, name: str) -> Path:
    return plugins / f"lib{name}.so"


def test_the_c_sink_writes_low_stock_alerts(plugins, tmp_path):
    alerts = tmp_path / "alerts.jsonl"
    with racine.Database(str(tmp_path / "shop.db")) as db:
        info = db.load_plugin(lib(plugins, "low_stock_alerts"), config={"path": str(alerts)})
        assert (info.name, info.version, info.state, info.capabilities) == (
            "low-stock-alerts", "1.0.0", "active", ["event_sink"])
        mug = db.create_item("MUG", "Blue mug", reorder_point=5).id
        db.receive(mug, 6, 2)
        db.issue(mug, 1)
        line = json.loads(alerts.read_text())
        assert line["event"]["kind"] == "stock_below_reorder_point"
        assert line["event"]["data"]["available"] == "5"
        assert line["item"]["name"] == "Blue mug"
        [p] = db.plugins()
        assert p.cursor == db.outbox_events().items[-1].id


def test_the_rust_validator_refuses_sales_from_quarantine(plugins):
    with racine.Database(fresh_database()) as db:
        db.load_plugin(lib(plugins, "racine_shop_rules"), config={"quarantined": ["QUAR"]})
        quar = db.create_warehouse("QUAR", "Quarantine").id
        mug = db.create_item("MUG", "Mug").id
        db.receive(mug, 4, 2, warehouse=quar)
        with pytest.raises(racine.PluginError) as e:
            db.issue(mug, 1, warehouse=quar)
        assert e.value.plugin == "shop-rules"
        assert "QUAR is quarantined" in e.value.reason
        assert e.value.code == "plugin"
        assert db.stock(mug, warehouse=quar).on_hand == Decimal(4)
        with pytest.raises(racine.PluginError):
            db.place_order("W-1", [{"sku": "MUG", "quantity": 1, "unit_price": 5, "warehouse": quar}])
        assert db.plugins()[0].vetoes == 2


def test_the_rust_exporter_writes_an_accounting_journal(plugins, tmp_path):
    with racine.Database(fresh_database()) as db:
        db.load_plugin(lib(plugins, "racine_shop_rules"))
        mug = db.create_item("MUG", "Mug").id
        db.receive(mug, 10, Decimal("2.5"))
        db.issue(mug, 4, reference="INV-9")
        path = tmp_path / "journal.csv"
        summary = db.export([{"dataset": "movements"}], path, format="plugin", plugin="accounting-csv")
        assert (summary.format, summary.rows) == ("plugin", 2)
        lines = path.read_text().splitlines()
        assert lines[0] == "date;journal;account;label;debit;credit;reference;movement"
        assert [l.split(";")[2:6] for l in lines[1:] if ";sale " in l] == [
            ["310000", "sale MUG x 4", "", "10"], ["603700", "sale MUG x 4", "10", ""]]
        with pytest.raises(racine.InvalidInputError) as e:
            db.export([{"dataset": "movements"}], tmp_path / "x", format="plugin", plugin="nope")
        assert e.value.field == "plugin"


@pytest.mark.parametrize("name, config, expected", [
    ("no_entry", None, "exports no racine_plugin_init"),
    ("racine_faulty_plugin", {"mode": "wrong_abi"}, "built for plugin ABI 99"),
    ("racine_faulty_plugin", {"mode": "small_table"}, "its table is 16 bytes"),
    ("racine_faulty_plugin", {"mode": "init_error"}, "refused to start"),
])
def test_load_failures_raise_plugin_errors(plugins, name, config, expected):
    with racine.Database(fresh_database()) as db:
        with pytest.raises(racine.PluginError) as e:
            db.load_plugin(lib(plugins, name), config=config)
        assert expected in e.value.reason
        [p] = db.plugins()
        assert p.state == "failed" and expected in (p.error or "")
        db.create_item("MUG", "Mug")  # the handle works on


def test_a_panicking_validator_is_an_exception_not_a_crash(plugins):
    with racine.Database(fresh_database()) as db:
        mug = db.create_item("MUG", "Mug").id
        db.load_plugin(lib(plugins, "racine_faulty_plugin"), config={"mode": "validate_panic"})
        with pytest.raises(racine.PluginError, match="panicked"):
            db.receive(mug, 1, 1)
        assert db.plugins()[0].state == "failed"
        db.unload_plugin("faulty")
        db.receive(mug, 1, 1)
        assert db.verify().is_clean


def test_relative_paths_are_refused(plugins):
    with racine.Database(fresh_database()) as db:
        with pytest.raises(racine.InvalidInputError) as e:
            db.load_plugin("libracine_shop_rules.so")
        assert e.value.field == "path"


def test_a_script_follows_the_outbox_with_its_own_cursor(tmp_path):
    path = str(tmp_path / "shop.db")
    with racine.Database(path) as shop, racine.Database(path) as worker:
        worker.outbox_subscribe("mailer")
        mug = shop.create_item("MUG", "Mug").id
        shop.receive(mug, 3, 1)
        shop.issue(mug, 1)
        batch = worker.outbox_poll("mailer", limit=10)
        assert [e.kind for e in batch.events] == ["movement_recorded", "movement_recorded"]
        assert batch.events[1].data["quantity"] == "-1"
        assert worker.outbox_poll("mailer").events == batch.events, "at least once: until acknowledged"
        consumer = worker.outbox_ack("mailer", batch.events[-1].id)
        assert (consumer.position, consumer.pending) == (batch.events[-1].id, 0)
        assert worker.outbox_poll("mailer").events == []
        assert worker.outbox_prune().removed == 2
        with pytest.raises(racine.NotFoundError):
            worker.outbox_poll("nobody")
