"""The desk's reader of handovers, notifications and offers (db/reports/cases.py and
ohjaaja/usecases/report_cases.py) on a real migrated desk database, written through
the desk's own use cases, and the reports computed from what it read."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from ohjaaja.domain.clock import FixedClock
from ohjaaja.domain.reports import cases  # noqa: F401  (registers the reports)
from ohjaaja.domain.reports.facts import Facts
from ohjaaja.domain.reports.model import Filters, Period, Request
from ohjaaja.domain.reports.registry import REPORTS
from ohjaaja.usecases.catalogue import Filters as CatalogueFilters
from ohjaaja.usecases.desk import Desk
from ohjaaja.usecases.handovers import HandoverForm
from ohjaaja.usecases.report_cases import load_cases
from tests.conftest import AINO

MONDAY = date(2026, 11, 23)  # the fixed clock's day: 10:00 in Helsinki
EVERYTHING = Filters()


@pytest.fixture
def team(db_path: Path, clock: FixedClock, admin: Desk) -> Iterator[Desk]:
    desk = Desk(db_path, clock, "Tiimiläinen", teams=("assessment:853",))
    yield desk
    desk.close()


def read(desk: Desk, filters: Filters = EVERYTHING, day: date = MONDAY) -> Facts:
    request = Request("handovers", Period(day, day), filters)
    with desk.ctx.lock:
        return Facts(**load_cases(desk.ctx.conn, request))


def test_the_desk_reads_its_handovers_notifications_and_offers(
    admin: Desk, team: Desk, clock: FixedClock
) -> None:
    client = admin.clients.create_client(AINO).client_id
    contact = admin.contacts.log_contact("phone", "ikaihmiset", "853")
    service = admin.catalogue.search_services(
        "kotihoito", filters=CatalogueFilters(municipality_code="853")
    )[0]
    admin.catalogue.offer_service(contact, service.id, "fi")
    admin.catalogue.record_unmet_need(contact, "Kuljetus iltaisin kauppaan", "fi")
    accepted, _ = admin.handovers.create_handover(
        HandoverForm(contact_id=contact, to_team="assessment:853", note="Arvio")
    )
    returned, _ = admin.handovers.create_handover(
        HandoverForm(client_id=client, to_team="assessment:853", note="Väärä tiimi")
    )
    made, errors = admin.handovers.create_notification(
        "elderly_services",
        {"subject": "Aino", "observed": ["food"], "concern": "Ei syö"},
        contact,
        client,
        "853",
    )
    assert errors == [] and accepted and returned and made
    clock.advance(seconds=20 * 60)
    assert team.handovers.move_handover(accepted, "accept") is None
    assert team.handovers.move_handover(returned, "return", "ei meille") is None
    notified = next(v for v in team.handovers.inbox() if v.notification_id == made)
    assert team.handovers.move_handover(notified.id, "accept") is None
    clock.advance(seconds=3600)
    assert team.handovers.move_handover(accepted, "complete", "Kotihoito alkaa") is None

    facts = read(admin)
    by_id = {h.id: h for h in facts.handovers}
    assert set(by_id) == {accepted, returned, notified.id}
    one = by_id[accepted]
    assert (one.to_team, one.municipality, one.state) == ("assessment:853", "853", "completed")
    assert one.accepted_at is not None and one.completed_at is not None
    assert (one.accepted_at - one.sent_at, one.completed_at - one.sent_at) == (
        timedelta(minutes=20),
        timedelta(minutes=80),
    )
    # No contact: the client's municipality.
    assert (by_id[returned].municipality, by_id[returned].returned_at) == ("853", one.accepted_at)
    (notification,) = facts.notifications
    assert (notification.id, notification.kind, notification.municipality) == (
        made,
        "elderly_services",
        "853",
    )
    assert notification.accepted_at == one.accepted_at and notification.completed_at is None
    assert notification.due_at == by_id[notified.id].due_at is not None
    offered, unmet = sorted(facts.offers, key=lambda o: o.service_id is None)
    assert (offered.service_id, offered.service_name) == (service.id, service.name)
    assert offered.sector == "public" and offered.client_group == "ikaihmiset"
    assert (unmet.unmet_need, unmet.municipality, unmet.service_id) == (
        "Kuljetus iltaisin kauppaan",
        "853",
        None,
    )

    # The filters and the period narrow the reading; a handover without a contact
    # passes a line filter only when there is none.
    assert read(admin, Filters(municipalities=("529",))) == Facts()
    by_line = read(admin, Filters(lines=("ikaihmiset",)))
    assert {h.id for h in by_line.handovers} == {accepted, notified.id}
    assert len(by_line.offers) == 2
    assert read(admin, Filters(lines=("mipa",))) == Facts()
    assert read(admin, day=MONDAY + timedelta(days=1)) == Facts()

    # And the figures come out of it.
    request = Request("handovers", Period(MONDAY, MONDAY))
    figures = {
        (row.figure, row.group): row.value
        for section in REPORTS["handovers"](facts, request)
        for row in section.rows
    }
    assert figures["handovers_sent", ()] == 3
    assert figures["handovers_returned", ()] == 1
    assert figures["to_accept_median", ()] == 20 * 60
    services = {
        (row.figure, row.group): row.value
        for section in REPORTS["services"](facts, request)
        for row in section.rows
    }
    assert services["unmet_needs", (("client_group", "ikaihmiset"),)] == 1
