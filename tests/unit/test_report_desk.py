"""Contacts as stored, into the reports' facts: contact_from_row on rows and events as
the desk writes them, and the desk's reader on a real migrated desk database."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from ohjaaja.db import contacts as contact_rows
from ohjaaja.db.engine import transaction

from ohjaaja.domain.clock import FixedClock, to_iso
from ohjaaja.domain.reports.facts import CallbackFact, contact_from_row
from ohjaaja.domain.reports.loading import months_back
from ohjaaja.domain.reports.model import Filters, Period, Request, Row
from ohjaaja.usecases.contacts import ContactForm
from ohjaaja.usecases.desk import Desk
from ohjaaja.usecases.reports import load_facts, run_report
from tests.conftest import AINO

T0 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # Monday 10:00 in Helsinki
NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))


def iso(minutes: float) -> str:
    return to_iso(T0 + timedelta(minutes=minutes))


def stored(**changes: object) -> dict[str, object]:
    """A contact row as the desk stores it (and the server's JSON document holds it)."""
    row: dict[str, object] = {
        "id": "c1", "channel": "phone", "line_code": "ikaihmiset", "original_line_code": None,
        "municipality_code": "853", "language": "fi", "received_at": iso(0), "status": "closed",
        "via_queue": 1, "client_id": None, "caller_kind": "client", "taken_at": iso(1),
        "closed_at": iso(5), "taken_by": "w1", "outcome": "resolved", "reasons": "[]",
        "callback_at": None, "is_training": 0, "updated_at": iso(5),
    }  # fmt: skip
    row.update(changes)
    return row


def event(kind: str, minutes: float, **data: object) -> dict[str, object]:
    return {"kind": kind, "at": iso(minutes), "data": json.dumps(data)}


def test_a_row_alone_is_a_contact_answered_and_closed() -> None:
    fact = contact_from_row(stored(original_line_code="mipa", line_code="sosiaalipaivystys",
                                   reasons='["r1", "r2"]'))  # fmt: skip
    assert (fact.line, fact.answered_line) == ("mipa", "sosiaalipaivystys")
    assert fact.taken_at == T0 + timedelta(minutes=1) == fact.last_taken_at
    assert fact.reasons == ("r1", "r2")
    assert not fact.reopened and fact.callbacks == ()


def test_a_servers_json_document_reads_the_same() -> None:
    """The server keeps rows as JSON: booleans, lists, and the same ISO strings."""
    desk_row = stored(reasons='["r1"]')
    document = stored(reasons=["r1"], via_queue=True, is_training=False)
    assert contact_from_row(document) == contact_from_row(desk_row)
    with_moments = stored(received_at=T0, taken_at=T0 + timedelta(minutes=1), reasons=["r1"])
    assert contact_from_row(with_moments).taken_at == T0 + timedelta(minutes=1)


def test_the_first_take_comes_from_the_events_when_the_contact_was_released() -> None:
    # taken at 1, put back at 2, taken again at 3 (the row keeps only the last take)
    events = [event("taken", 3), event("released", 2), event("taken", 1)]  # any order
    fact = contact_from_row(stored(taken_at=iso(3)), events)
    assert fact.taken_at == T0 + timedelta(minutes=1)
    assert fact.last_taken_at == T0 + timedelta(minutes=3)
    assert fact.reopened


def test_an_abandoned_contact_by_its_status_or_its_event() -> None:
    row = stored(status="abandoned", taken_at=None, closed_at=None, outcome=None, taken_by=None)
    by_event = contact_from_row(row, [event("abandoned", 0.5)])
    assert by_event.abandoned_at == T0 + timedelta(seconds=30)
    assert contact_from_row(row).abandoned_at == T0 + timedelta(minutes=5)  # updated_at
    waiting = {**row, "status": "waiting"}
    assert contact_from_row(waiting, [event("abandoned", 2)]).status == "abandoned"
    assert contact_from_row({**row, "abandoned_at": iso(0.25)}).abandoned_at == T0 + timedelta(
        seconds=15
    )


def test_callbacks_made_missed_and_their_times_from_the_events() -> None:
    events = [
        event("taken", 1),
        event("callback_scheduled", 3, at=iso(60)),
        event("taken", 70),  # the callback: nobody answered
        event("callback_scheduled", 72, at=iso(240)),
        event("callback_missed", 72),
        event("taken", 250),
    ]
    fact = contact_from_row(stored(taken_at=iso(250), callback_at=iso(240)), events)
    assert fact.taken_at == T0 + timedelta(minutes=1)
    assert fact.reopened
    assert fact.callbacks == (
        CallbackFact(T0 + timedelta(minutes=60), T0 + timedelta(minutes=3),
                     T0 + timedelta(minutes=70), missed=True),
        CallbackFact(T0 + timedelta(minutes=240), T0 + timedelta(minutes=72),
                     T0 + timedelta(minutes=250)),
    )  # fmt: skip


def test_a_callback_on_the_row_alone_keeps_its_time_but_not_the_first_answer() -> None:
    fact = contact_from_row(stored(taken_at=iso(62), callback_at=iso(60)))
    assert fact.taken_at is None  # the first answer is not on the row
    due, called = T0 + timedelta(minutes=60), T0 + timedelta(minutes=62)
    assert fact.callbacks == (CallbackFact(due, called_at=called),)
    assert fact.reopened


def test_a_callback_a_colleague_scheduled_is_not_made_by_this_desks_first_take() -> None:
    # This desk answered (its own 'taken' event); a colleague's desk put it back for a
    # callback at 60, which is still waiting: nothing here says it was made.
    row = stored(status="waiting", taken_at=None, closed_at=None, outcome=None, callback_at=iso(60))
    fact = contact_from_row(row, [event("taken", 1)])
    assert fact.callbacks == (CallbackFact(T0 + timedelta(minutes=60)),)
    assert fact.taken_at == T0 + timedelta(minutes=1)


def test_a_row_without_its_arrival_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="received_at"):
        contact_from_row(stored(received_at=None))


# -- the desk's reader on a real migrated database -------------------------------
def headline(rows: tuple[Row, ...], figure: str) -> Row:
    """The figure for the whole period, not broken down."""
    return next(r for r in rows if r.figure == figure and not r.group and not r.interval)


def close(
    desk: Desk, contact_id: str, outcome: str = "resolved", client: str | None = None
) -> None:
    assert (
        desk.contacts.close_contact(contact_id, "", ContactForm("client", client, [], outcome))
        == []
    )


def test_the_desk_reads_its_contacts_into_the_same_figures(desk: Desk, clock: FixedClock) -> None:
    # 10:00 Monday: answered in 9 s, handled 4 min, resolved.
    first = desk.contacts.receive("phone", "ikaihmiset", "853")
    clock.advance(seconds=9)
    desk.contacts.take(first)
    clock.advance(minutes=4)
    close(desk, first)
    # Released and taken again: answered at the first take, closed for an assessment.
    second = desk.contacts.receive("chat", "ikaihmiset", "202", language="sv")
    clock.advance(seconds=20)
    desk.contacts.take(second)
    clock.advance(seconds=10)
    desk.contacts.release(second)
    clock.advance(seconds=30)
    desk.contacts.take(second)
    clock.advance(minutes=2)
    close(desk, second, "assessment")
    # A caller who hung up after 40 s (as a caller's integration records it).
    gone = desk.contacts.receive("phone", "mipa", "853")
    clock.advance(seconds=40)
    with transaction(desk.conn) as conn:
        contact_rows.abandon(conn, gone, desk.ctx.now())
        contact_rows.add_event(conn, gone, "abandoned", desk.ctx.now(), None)
    # 21:30 in Helsinki: the older people's line is closed, the contact goes to the emergency.
    clock.set(datetime(2026, 11, 23, 19, 30, tzinfo=UTC))
    night = desk.contacts.receive("phone", "ikaihmiset", "853")
    clock.advance(seconds=15)
    desk.contacts.take(night)
    # A contact deleted (a mistaken entry) is not counted.
    deleted = desk.contacts.receive("phone", "ikaihmiset", "853")
    with transaction(desk.conn) as conn:
        contact_rows.update(conn, deleted, {"deleted": 1})
    # December is outside the period.
    desk.contacts.receive(
        "phone", "ikaihmiset", "853", received_at=datetime(2026, 12, 1, 8, tzinfo=UTC)
    )

    facts = load_facts(desk.ctx, Request("overview", NOVEMBER))
    by_id = {c.id: c for c in facts.contacts}
    assert set(by_id) == {first, second, gone, night}
    assert (by_id[night].line, by_id[night].answered_line) == ("ikaihmiset", "sosiaalipaivystys")
    assert by_id[second].reopened and not by_id[first].reopened
    assert by_id[second].taken_at is not None and by_id[second].last_taken_at is not None
    assert (by_id[second].last_taken_at - by_id[second].taken_at).total_seconds() == 40
    assert by_id[gone].status == "abandoned"

    elderly = load_facts(desk.conn, Request("overview", NOVEMBER, Filters(lines=("ikaihmiset",))))
    assert {c.id for c in elderly.contacts} == {first, second, night}

    report = run_report(desk.ctx, Request("answers", NOVEMBER))
    sections = {s.key: s.rows for s in report.sections}
    asa = headline(sections["answer_speed"], "asa")
    assert (asa.value, asa.n) == (pytest.approx((9 + 20 + 15) / 3, abs=1e-4), 3)
    rate = headline(sections["abandonment"], "abandonment_rate")
    assert (rate.value, rate.n) == (0.25, 4)
    outcomes = {s.key: s.rows for s in desk.reports.run(Request("outcomes", NOVEMBER)).sections}
    fcr = headline(outcomes["resolution"], "fcr")
    assert (fcr.value, fcr.n) == (0.5, 2)
    assert report.source == "desk" and report.generated_at == clock.now()


def test_the_look_back_counts_a_clients_contacts_in_the_twelve_months(
    desk: Desk, clock: FixedClock
) -> None:
    client_id = desk.clients.create_client(dict(AINO)).client_id
    assert client_id is not None
    moments = [
        datetime(2025, 11, 30, 21, 59, tzinfo=UTC),  # 23:59 on 30 Nov 2025: before the window
        datetime(2025, 11, 30, 22, 1, tzinfo=UTC),  # 00:01 on 1 Dec 2025: inside
        datetime(2026, 6, 1, 9, tzinfo=UTC),
        datetime(2026, 11, 30, 21, 0, tzinfo=UTC),  # 23:00 on 30 Nov 2026: inside
    ]
    for moment in moments:
        contact_id = desk.contacts.receive("phone", "sosiaalipaivystys", "853", received_at=moment)
        with transaction(desk.conn) as conn:
            contact_rows.update(conn, contact_id, {"client_id": client_id})
    facts = load_facts(desk.ctx, Request("overview", NOVEMBER))
    assert facts.contacts_per_client == {client_id: 3}
    assert len(facts.contacts) == 1
    assert months_back(date(2026, 12, 1), 12) == date(2025, 12, 1)
    assert months_back(date(2027, 3, 31), 1) == date(2027, 2, 28)


def test_the_desk_starts_without_importing_the_figures() -> None:
    import subprocess
    import sys

    code = (
        "import sys, ohjaaja.usecases.desk\n"
        "sys.exit(1 if 'ohjaaja.domain.reports.contacts' in sys.modules else 0)\n"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
