"""The KPI dashboards through Python: typed results with their definitions,
periods in the business time zone, currencies apart or converted with a
named rate table, and refusals as typed exceptions."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal as D
from typing import Iterator

import pytest

from conftest import fresh_database
import racine
from racine import Database, Movement

PARIS = timezone(timedelta(hours=1))


@pytest.fixture
def db() -> Iterator[Database]:
    with Database(fresh_database(), time_zone="Europe/Paris") as database:
        yield database


def test_periods_are_business_days_in_the_time_zone(db: Database) -> None:
    march = db.resolve_period("2026-03")
    assert march.start == datetime(2026, 2, 28, 23, tzinfo=timezone.utc)
    assert march.end == datetime(2026, 3, 31, 22, tzinfo=timezone.utc)
    assert (march.first_day, march.last_day) == (date(2026, 3, 1), date(2026, 3, 31))
    assert march.days == D(31) and march.time_zone == "Europe/Paris"
    week = db.resolve_period("last_7_days", now=datetime(2026, 4, 1, 1, tzinfo=timezone.utc))
    assert week.first_day == date(2026, 3, 26) and week.last_day == date(2026, 4, 1)
    with pytest.raises(racine.InvalidInputError) as e:
        db.resolve_period("2026-13")
    assert e.value.field == "period"


def test_the_erp_dashboard_is_typed_and_says_how_it_counted(db: Database) -> None:
    oak = db.create_item("OAK", "Oak plank", reorder_point="5").id
    db.post(Movement.receipt(oak, "10", "2", effective_at=datetime(2026, 2, 1, tzinfo=PARIS)))
    # Just after midnight on 1 March in Paris: 28 February in UTC.
    db.post(Movement.issue(oak, "3", effective_at=datetime(2026, 3, 1, 0, 0, 30, tzinfo=PARIS)))
    erp = db.erp_dashboard(period="2026-03")
    assert isinstance(erp, racine.ErpDashboard)
    assert erp.daily_flows.days[0].day == date(2026, 3, 1)
    assert erp.daily_flows.days[0].out_quantity == D("3")
    assert erp.daily_flows.total.out_value == D("6")
    assert erp.top_movers.by_quantity[0].sku == "OAK"
    assert erp.valuation.total == D("14")
    assert erp.low_stock.count == 0
    t = erp.turnover
    assert (t.cost_of_goods_issued, t.opening_value, t.closing_value) == (D(6), D(20), D(14))
    assert t.turnover.value == D("0.352941")
    d = erp.daily_flows.definition
    assert d.kpi == "daily_flows" and d.time_zone == "Europe/Paris" and d.rows_counted == 1
    assert d.period is not None and d.period.label == "2026-03"
    # The same query on its own gives the same figures.
    assert db.top_movers(period="2026-03") == erp.top_movers
    assert db.stockout_rate().rate.denominator == D(1)
    with pytest.raises(racine.InvalidInputError) as e:
        db.top_movers(limit=0)
    assert e.value.field == "limit"


def test_the_crm_dashboard_keeps_currencies_apart_unless_converted(db: Database) -> None:
    db.add_lost_reason("price", "Too expensive")
    sales = db.create_pipeline(
        "Sales",
        [
            {"name": "Lead", "probability": "20"},
            {"name": "Won", "kind": "won"},
            {"name": "Lost", "kind": "lost"},
        ],
    )
    acme = db.create_contact("ACME", kind="company").id
    when = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    won = db.create_opportunity("Stools", acme, sales.id, amount="900", currency="EUR", at=when)
    db.win_opportunity(won.id, at=when + timedelta(days=4))
    lost = db.create_opportunity("Tables", acme, sales.id, amount="500", currency="USD", at=when)
    db.lose_opportunity(lost.id, "price", at=when + timedelta(days=1))
    db.create_opportunity("Chairs", acme, sales.id, amount="100", currency="USD", at=when)
    crm = db.crm_dashboard(period="2026-03")
    assert isinstance(crm, racine.CrmDashboard)
    assert (crm.win_rate.won, crm.win_rate.lost) == (1, 1)
    assert [(v.currency, v.ratio.value) for v in crm.win_rate.by_value] == [
        ("EUR", D(1)),
        ("USD", D(0)),
    ]
    lead = crm.pipeline.pipelines[0].stages[0]
    assert (lead.name, lead.count) == ("Lead", 1)
    assert [(a.currency, a.amount) for a in lead.weighted] == [("USD", D(20))]
    assert crm.sales_cycle.days.value == D(4)
    assert crm.top_clients.rankings[0].clients[0].name == "ACME"
    rates = racine.RateTable(name="desk", currency="EUR", rates=[racine.Rate(currency="USD", rate=D("0.9"))])
    converted = db.win_rate(period="2026-03", rates=rates)
    assert converted.by_value[0].ratio.denominator == D(1350)
    assert "desk" in converted.definition.currency_rule
    with pytest.raises(racine.InvalidInputError) as e:
        db.win_rate(period="2026-03", rates={"name": "empty", "currency": "EUR", "rates": []})
    assert e.value.field == "rates" and "USD" in str(e.value)
    # As of before the loss, the lost deal was open.
    before = db.pipeline_by_stage(as_of=when + timedelta(hours=12))
    assert before.pipelines[0].stages[0].count == 3
