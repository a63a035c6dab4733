"""The CRM through Python: contacts and their matching forms, a pipeline
with an opportunity moved to won (placing its order), duplicates, a merge,
an erasure, and refusals as typed exceptions."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal as D
from typing import Iterator

import pytest

from conftest import fresh_database
import racine
from racine import Database, Movement


@pytest.fixture
def db() -> Iterator[Database]:
    with Database(fresh_database()) as database:
        database.set_default_country("FR")
        yield database


def sales(db: Database) -> racine.Pipeline:
    db.add_lost_reason("price", "Too expensive")
    return db.create_pipeline(
        "Sales",
        [
            {"name": "Lead", "probability": "10"},
            {"name": "Proposal", "probability": D("60")},
            {"name": "Won", "kind": "won"},
            {"name": "Lost", "kind": "lost"},
        ],
    )


def test_contacts_keep_their_matching_forms(db: Database) -> None:
    acme = db.create_contact("ACME", kind="company")
    marie = db.create_contact(
        "Marie Curie",
        company=acme,
        emails=["  Marie.Curie@Example.FR "],
        phones=["06 12 34 56 78"],
        tags=["vip"],
        custom={"size": 38, "newsletter": True},
        external_id="U-1",
    )
    assert isinstance(marie, racine.Contact)
    assert marie.company == acme.id
    assert (marie.emails[0].address, marie.emails[0].normalised) == ("Marie.Curie@Example.FR", "marie.curie@example.fr")
    assert marie.phones[0].e164 == "+33612345678"
    assert marie.custom == {"size": 38, "newsletter": True}
    assert marie.status == "active"
    found = db.contacts(search="+33 6 12 34 56 78")
    assert [c.id for c in found.items] == [marie.id]
    assert [c.id for c in db.contacts(tag="vip").items] == [marie.id]
    changed = db.update_contact(marie.id, notes="Prefers mornings", company=None)
    assert (changed.notes, changed.company) == ("Prefers mornings", None)
    assert db.archive_contact(marie.id).status == "archived"
    assert db.contacts(status="archived").items[0].id == marie.id


def test_a_pipeline_with_an_opportunity_moved_to_won(db: Database) -> None:
    pipeline = sales(db)
    bench = db.create_item("BENCH", "Lab bench")
    db.post(Movement.receipt(bench, "3", "200"))
    marie = db.create_contact("Marie Curie", emails=["marie@example.fr"])
    deal = db.create_opportunity(
        "Two benches",
        marie,
        pipeline,
        currency="EUR",
        lines=[{"sku": "BENCH", "quantity": "2", "unit_price": "450"}],
        expected_close=date(2026, 7, 31),
        owner="sophie",
    )
    assert (deal.stage_name, deal.amount, deal.probability) == ("Lead", D("900"), D("10"))
    assert deal.expected_close == date(2026, 7, 31)
    proposal = pipeline.stages[1].id
    moved = db.move_opportunity(deal.id, proposal, actor="sophie", note="quote sent")
    assert moved.probability == D("60")
    won = db.win_opportunity(deal.id, order={"external_id": "CRM-1"}, idempotency_key="win-1")
    assert won.opportunity.status == "won"
    assert [t.kind for t in won.opportunity.history] == ["created", "moved", "won"]
    assert isinstance(won.opportunity.history[0].at, datetime)
    assert won.order is not None and won.order.contact == marie.id
    assert won.order.total == D("900")
    assert db.stock(bench).available == D("1")
    assert db.win_opportunity(deal.id, order={"external_id": "CRM-1"}, idempotency_key="win-1") == won
    assert [o.external_id for o in db.contact_orders(marie).items] == ["CRM-1"]
    lost = db.create_opportunity("Chairs", marie, pipeline)
    lost = db.lose_opportunity(lost.id, "price")
    assert (lost.status, lost.lost_reason) == ("lost", "price")
    again = db.reopen_opportunity(lost.id)
    assert (again.status, again.stage_name) == ("open", "Lead")
    assert db.verify().is_clean


def test_interactions(db: Database) -> None:
    marie = db.create_contact("Marie Curie")
    call = db.log_interaction("call", marie, "Discussed the quote", at=datetime(2026, 6, 1, 9, tzinfo=timezone.utc), author="sophie")
    task = db.log_interaction("task", marie, "Send the contract", due=date(2026, 6, 8))
    now = datetime(2026, 6, 10, tzinfo=timezone.utc)
    assert [i.id for i in db.interactions(contact=marie.id, now=now).items] == [call.id]
    assert [i.id for i in db.interactions(when="planned", now=now).items] == [task.id]
    assert db.complete_task(task.id).done
    assert db.interactions(owner="sophie", when="all").items[0].id == call.id


def test_duplicates_merge_and_erasure(db: Database) -> None:
    a = db.create_contact("Marie Curie", emails=["Marie.Curie@example.fr"], phones=["+33 6 12 34 56 78"])
    b = db.create_contact("M. Curie", emails=["marie.curie@EXAMPLE.fr "], phones=["06 12 34 56 78"])
    pairs = db.duplicate_contacts()
    assert [(p.contact, p.other, p.score) for p in pairs] == [(a.id, b.id, 98)]
    assert [r.kind for r in pairs[0].reasons] == ["same_email", "same_phone"]
    note = db.log_interaction("note", b, "Met at the fair")
    merge = db.merge_contacts(b.id, a.id, actor="sophie")
    assert merge.interactions == [note.id]
    assert db.contact(b.id).merged_into == a.id
    erasure = db.erase_contact(a.id, actor="dpo", reason="GDPR request 42")
    assert erasure.also == [b.id]
    gone = db.contact(a.id)
    assert gone.status == "erased" and gone.emails == [] and "Marie" not in gone.name
    assert db.contact_history(a.id).erasure == erasure


def test_refusals_are_typed(db: Database) -> None:
    pipeline = sales(db)
    partners = db.create_pipeline("Partners", [{"name": "Talk"}])
    marie = db.create_contact("Marie Curie")
    with pytest.raises(racine.InvalidInputError) as e:
        db.create_opportunity("Deal", marie, pipeline, amount="10")
    assert e.value.field == "currency"
    with pytest.raises(racine.InvalidInputError) as e:
        db.create_opportunity("Deal", marie, pipeline, stage=partners.stages[0].id)
    assert e.value.field == "stage"
    deal = db.create_opportunity("Deal", marie, partners)
    with pytest.raises(racine.InvalidInputError) as e:
        db.win_opportunity(deal.id)
    assert e.value.field == "stage" and "no won stage" in str(e.value)
    open_deal = db.create_opportunity("Open", marie, pipeline)
    with pytest.raises(racine.InvalidTransitionError):
        db.reopen_opportunity(open_deal.id)
    with pytest.raises(racine.InvalidInputError) as e:
        db.lose_opportunity(open_deal.id, "weather")
    assert e.value.field == "reason"
    with pytest.raises(racine.InvalidInputError) as e:
        db.merge_contacts(marie.id, marie.id)
    assert e.value.field == "into"
    with pytest.raises(racine.InvalidInputError) as e:
        db.create_contact("Bad", phones=["12"])
    assert e.value.field == "phones[0]"
    with pytest.raises(racine.NotFoundError):
        db.create_opportunity("Deal", marie, 999)
