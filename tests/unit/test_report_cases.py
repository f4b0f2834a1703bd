"""The figures after the contacts (handovers, notifications, services and unmet needs,
frequent contacters, staffing) on hand-made histories with known answers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from ohjaaja.domain import erlang
from ohjaaja.domain.reports import cases, staffing  # noqa: F401  (registers the reports)
from ohjaaja.domain.reports.facts import (
    ContactFact,
    Facts,
    HandoverFact,
    NotificationFact,
    OfferFact,
)
from ohjaaja.domain.reports.model import HELSINKI, Filters, Period, Request, Section, Settings
from ohjaaja.domain.reports.registry import REPORTS

MONDAY = date(2026, 11, 23)


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """A moment of November (or, past 30, December) 2026 in Finnish time."""
    month, day = (12, day - 30) if day > 30 else (11, day)
    return datetime(2026, month, day, hour, minute, second, tzinfo=HELSINKI)


def run(name: str, facts: Facts, request: Request | None = None) -> tuple[Section, ...]:
    return REPORTS[name](facts, request or Request(name, Period(MONDAY, MONDAY)))


def value(
    sections: Sequence[Section],
    figure: str,
    group: tuple[tuple[str, str], ...] = (),
    interval: str = "",
) -> object:
    found = [
        (row.value, row.n)
        for section in sections
        for row in section.rows
        if row.figure == figure and row.group == group and row.interval == interval
    ]
    assert len(found) == 1, f"{figure} {group} {interval}: {found}"
    return found[0]


# -- handovers ---------------------------------------------------------------------------


def handover(
    hid: str, team: str | None, municipality: str, sent: datetime, **moves: object
) -> HandoverFact:
    return HandoverFact(hid, None, team, municipality, "normal", "sent", sent, **moves)  # type: ignore[arg-type]


HANDOVERS = (
    # accepted in 20 min, completed an hour after its due
    handover("h1", "assessment:853", "853", at(23, 9), due_at=at(23, 10),
             accepted_at=at(23, 9, 20), completed_at=at(23, 11)),
    # returned, then sent on to another team: a new handover, timed from its own sending
    handover("h2", "assessment:853", "853", at(23, 10), due_at=at(23, 16),
             returned_at=at(23, 10, 30)),
    handover("h3", "home_care:853", "853", at(23, 10, 40), due_at=at(23, 16),
             accepted_at=at(23, 10, 50), completed_at=at(23, 12, 40)),
    # sent before midnight, due after it, completed after the due
    handover("h4", "child_welfare:529", "529", at(23, 23, 30), due_at=at(24, 0, 30),
             accepted_at=at(24, 0, 10), completed_at=at(24, 1)),
    # sent before midnight to a named worker, still open
    handover("h5", None, "529", at(23, 23, 45), due_at=at(24, 0, 45)),
    # the day before: not in the period
    handover("h6", "assessment:853", "853", at(22, 23, 50), due_at=at(23, 0, 50)),
)  # fmt: skip


def test_handovers_sent_accepted_completed_returned_overdue() -> None:
    sections = run("handovers", Facts(handovers=HANDOVERS, as_of=at(24, 12)))
    assert sections[0].notes == ("as_of=2026-11-24 12:00",)
    assert value(sections, "handovers_sent") == (5, 5)
    assert value(sections, "handovers_accepted") == (3, 5)
    assert value(sections, "handovers_completed") == (3, 5)
    assert value(sections, "handovers_returned") == (1, 5)
    assert value(sections, "handovers_overdue") == (3, 5)  # h1, h4 late; h5 still open
    team = (("team", "assessment:853"),)
    assert value(sections, "handovers_sent", team) == (2, 2)
    assert value(sections, "handovers_returned", team) == (1, 2)
    assert value(sections, "handovers_overdue", team) == (1, 2)
    assert value(sections, "handovers_overdue", (("team", "worker"),)) == (1, 1)
    assert value(sections, "handovers_overdue", (("municipality", "529"),)) == (2, 2)


def test_handovers_due_after_midnight_are_not_overdue_at_the_end_of_their_day() -> None:
    # As of the period's end (00:00): h4 (due 00:30) and h5 (due 00:45) not yet late.
    sections = run("handovers", Facts(handovers=HANDOVERS))
    assert value(sections, "handovers_overdue") == (1, 5)
    at_0040 = Facts(handovers=HANDOVERS, as_of=at(24, 0, 40))  # h4 late, h5 not yet
    assert value(run("handovers", at_0040), "handovers_overdue") == (2, 5)
    at_0046 = Facts(handovers=HANDOVERS, as_of=at(24, 0, 46))
    assert value(run("handovers", at_0046), "handovers_overdue") == (3, 5)


def test_handover_times_median_and_90th_percentile() -> None:
    sections = run("handovers", Facts(handovers=HANDOVERS))
    # to accept: 20 min, 10 min, 40 min (over midnight); to complete: 2 h, 2 h, 1.5 h
    assert value(sections, "to_accept_median") == (1200.0, 3)
    assert value(sections, "to_accept_p90") == (2400.0, 3)
    assert value(sections, "to_complete_median") == (7200.0, 3)
    assert value(sections, "to_complete_p90") == (7200.0, 3)
    assert value(sections, "to_accept_median", (("team", "child_welfare:529"),)) == (2400.0, 1)
    assert value(sections, "to_complete_median", (("team", "worker"),)) == (None, 0)


def test_handovers_of_the_chosen_municipalities_only() -> None:
    request = Request("handovers", Period(MONDAY, MONDAY), Filters(municipalities=("529",)))
    sections = run("handovers", Facts(handovers=HANDOVERS), request)
    assert value(sections, "handovers_sent") == (2, 2)


# -- notifications -------------------------------------------------------------------------

NOTIFICATIONS = (
    # accepted within the hour; the investigation decided on the third day
    NotificationFact("n1", "child_welfare", None, "853", at(23, 10), at(23, 10),
                     due_at=at(23, 11), accepted_at=at(23, 10, 30), completed_at=at(25, 10)),
    # accepted an hour late; never completed
    NotificationFact("n2", "child_welfare", None, "853", at(23, 12), at(23, 12),
                     due_at=at(23, 13), accepted_at=at(23, 14)),
    # same day: due 17:00 (two hours on), not accepted
    NotificationFact("n3", "elderly_services", None, "529", at(23, 15), at(23, 15),
                     due_at=at(23, 17)),
    # no handover held: the default due of its urgency (same day: 16:00)
    NotificationFact("n4", "social_care_need", None, "529", at(23, 11), at(23, 11),
                     accepted_at=at(23, 15, 59)),
)  # fmt: skip


def test_notifications_by_kind() -> None:
    sections = run("notifications", Facts(notifications=NOTIFICATIONS))
    assert value(sections, "notifications_made") == (4, 4)
    assert value(sections, "notifications_made", (("kind", "child_welfare"),)) == (2, 2)
    assert value(sections, "notifications_made", (("kind", "elderly_services"),)) == (1, 1)


def clock(kind: str, name: str) -> tuple[tuple[str, str], ...]:
    return (("kind", kind), ("clock", name))


def test_clocks_met_missed_and_pending_on_the_day() -> None:
    sections = run("notifications", Facts(notifications=NOTIFICATIONS, as_of=at(23, 16, 30)))
    urgency = clock("child_welfare", "urgency_now")
    assert value(sections, "clock_met", urgency) == (0.5, 2)
    assert value(sections, "clock_missed", urgency) == (1, 2)
    investigation = clock("child_welfare", "investigation")  # due Wednesday 2 December
    assert value(sections, "clock_pending", investigation) == (2, 0)
    assert value(sections, "clock_met", investigation) == (None, 0)
    assert value(sections, "clock_pending", clock("elderly_services", "look_into")) == (1, 0)
    assert value(sections, "clock_met", clock("social_care_need", "look_into")) == (1.0, 1)


def test_clocks_after_seven_working_days() -> None:
    sections = run("notifications", Facts(notifications=NOTIFICATIONS, as_of=at(33, 12)))
    investigation = clock("child_welfare", "investigation")
    assert value(sections, "clock_met", investigation) == (0.5, 2)  # n1 met, n2 missed
    assert value(sections, "clock_missed", clock("elderly_services", "look_into")) == (1, 1)
    # Completed on the last day, at 23:59 Finnish time, is still met.
    late = replace(NOTIFICATIONS[1], completed_at=at(32, 23, 59))
    sections = run("notifications", Facts(notifications=(late,), as_of=at(33, 12)))
    assert value(sections, "clock_met", investigation) == (1.0, 1)


# -- services and unmet needs -------------------------------------------------------------


def offer(
    oid: str,
    municipality: str,
    group: str,
    when: datetime,
    service: tuple[str, str, str] | None = None,
    need: str | None = None,
) -> OfferFact:
    sid, name, sector = service or (None, None, None)
    return OfferFact(oid, "c", municipality, sid, name, sector, need, group, when)


HOME_CARE = ("s1", "Kotihoito", "public")
PEERS = ("s2", "Vertaistukiryhmä", "third")
OFFERS = (
    offer("o1", "853", "ikaihmiset", at(23, 9), HOME_CARE),
    offer("o2", "529", "ikaihmiset", at(23, 9, 30), HOME_CARE),
    offer("o3", "853", "lapsiperheet", at(23, 10), PEERS),
    offer("u1", "853", "ikaihmiset", at(23, 10), need="Kuljetus iltaisin kauppaan"),
    offer("u2", "529", "lapsiperheet", at(23, 11), need="Vertaisryhmä ruotsiksi"),
    offer("u3", "529", "ikaihmiset", at(23, 12), need="Asiointiapu pankissa"),
    offer("u4", "529", "ikaihmiset", at(22, 12), need="Eilinen tarve"),
)


def test_services_offered_by_service_sector_and_municipality() -> None:
    sections = run("services", Facts(offers=OFFERS))
    assert value(sections, "services_offered") == (3, 3)
    assert value(sections, "services_offered", (("service", "Kotihoito"),)) == (2, 2)
    assert value(sections, "services_offered", (("sector", "third"),)) == (1, 1)
    assert value(sections, "services_offered", (("municipality", "853"),)) == (2, 2)


def test_unmet_needs_counted_by_municipality_and_group_and_listed_in_their_words() -> None:
    sections = run("services", Facts(offers=OFFERS))
    assert value(sections, "unmet_needs") == (3, 3)
    assert value(sections, "unmet_needs", (("municipality", "529"),)) == (2, 2)
    assert value(sections, "unmet_needs", (("municipality", "853"),)) == (1, 1)
    assert value(sections, "unmet_needs", (("client_group", "ikaihmiset"),)) == (2, 2)
    assert value(sections, "unmet_needs", (("client_group", "lapsiperheet"),)) == (1, 1)
    words = next(s for s in sections if s.key == "unmet_need_words").rows
    assert {r.interval for r in words} == {"2026-11-23"}
    assert [(r.value, dict(r.group)) for r in words] == [
        ("Kuljetus iltaisin kauppaan", {"municipality": "853", "client_group": "ikaihmiset"}),
        ("Vertaisryhmä ruotsiksi", {"municipality": "529", "client_group": "lapsiperheet"}),
        ("Asiointiapu pankissa", {"municipality": "529", "client_group": "ikaihmiset"}),
    ]
    request = Request("services", Period(MONDAY, MONDAY), Filters(municipalities=("529",)))
    chosen = run("services", Facts(offers=OFFERS), request)
    assert value(chosen, "unmet_needs") == (2, 2)
    assert value(chosen, "services_offered") == (1, 1)


# -- frequent contacters --------------------------------------------------------------------

PER_CLIENT = {"a": 10, "b": 9, "c": 11, "d": 1}


def test_frequent_contacters_from_exactly_the_threshold_counted_not_named() -> None:
    sections = run("frequent", Facts(contacts_per_client=PER_CLIENT))
    assert value(sections, "frequent_contacters") == (2, 4)  # 10 counts, 9 does not
    assert value(sections, "frequent_contacts") == (21, 31)
    assert [s.key for s in sections] == ["frequent"]
    assert sections[0].notes == ("frequent_contacts=10", "frequent_months=12", "may_see_clients=no")
    stricter = Request("frequent", Period(MONDAY, MONDAY), settings=Settings(frequent_contacts=11))
    stricter_sections = run("frequent", Facts(contacts_per_client=PER_CLIENT), stricter)
    assert value(stricter_sections, "frequent_contacters") == (1, 4)


def test_frequent_contacters_named_for_a_role_that_may_see_clients() -> None:
    request = Request("frequent", Period(MONDAY, MONDAY), settings=Settings(may_see_clients=True))
    sections = run("frequent", Facts(contacts_per_client=PER_CLIENT), request)
    listed = next(s for s in sections if s.key == "frequent_clients").rows
    assert [(r.group, r.value) for r in listed] == [
        ((("client", "c"),), 11),
        ((("client", "a"),), 10),
    ]


# -- staffing ---------------------------------------------------------------------------------


def contact(
    cid: str, received: datetime, taken: float | None, handled: float, worker: str = "w1",
    line: str = "ikaihmiset", abandoned: float | None = None,
) -> ContactFact:  # fmt: skip
    taken_at = received + timedelta(seconds=taken) if taken is not None else None
    return ContactFact(
        cid, "phone", line, line, "853", "fi", received,
        "closed" if taken_at else "abandoned",
        taken_at=taken_at,
        closed_at=taken_at + timedelta(seconds=handled) if taken_at else None,
        abandoned_at=received + timedelta(seconds=abandoned) if abandoned is not None else None,
        taken_by=worker if taken_at else None,
    )  # fmt: skip


# Call Centre Helper's Erlang C example: 200 calls an hour, 180 s each, 80 % within 20 s
# needs 14 agents (tests/training/test_erlang.py). 200 arrive between 10:00 and 10:57
# on the elderly line, taken by 12 workers; one on another line and one made to the
# elderly line but answered by the emergency's worker are not counted.
EXAMPLE = (
    *(
        contact(f"c{i}", at(23, 10) + timedelta(seconds=17 * i), 0, 180, f"w{i % 12}")
        for i in range(200)
    ),
    contact("other", at(23, 10), 0, 180, "w99", line="mipa"),
    replace(contact("routed", at(23, 10), 0, 180, "w98"), answered_line="sosiaalipaivystys"),
)
TARGET = Settings(service_level_seconds=20, service_level_target=0.8)


def staffing_request(days: int = 1) -> Request:
    period = Period(MONDAY, MONDAY + timedelta(days=days - 1))
    return Request("staffing", period, Filters(lines=("ikaihmiset",)), TARGET)


def test_staffing_against_the_erlang_c_example() -> None:
    sections = run("staffing", Facts(contacts=EXAMPLE), staffing_request())
    assert value(sections, "arrival_rate", interval="10") == (200.0, 200)
    assert value(sections, "handling_mean") == (180.0, 200)
    assert value(sections, "workers_needed", interval="10") == (14, 200)
    assert value(sections, "workers_on_duty", interval="10") == (12.0, 200)
    assert value(sections, "workers_needed", interval="09") == (0, 0)
    assert value(sections, "workers_on_duty", interval="11") == (0.0, 0)
    assert "model=erlang_c" in sections[0].notes


def test_staffing_over_two_days_halves_the_rate() -> None:
    sections = run("staffing", Facts(contacts=EXAMPLE), staffing_request(days=2))
    assert value(sections, "arrival_rate", interval="10") == (100.0, 200)
    needed = erlang.workers_needed(100.0, 180.0, None, service_level=0.8, within=20)
    assert value(sections, "workers_needed", interval="10") == (needed, 200)
    assert value(sections, "workers_on_duty", interval="10") == (6.0, 200)


def test_staffing_with_callers_who_hang_up_uses_erlang_a() -> None:
    # Two hang up after 60 s and 120 s, three wait 30 s each: patience 270 s / 2.
    gave_up = (
        contact("a1", at(23, 10), None, 0, abandoned=60),
        contact("a2", at(23, 10, 5), None, 0, abandoned=120),
    )
    answered = tuple(contact(f"b{i}", at(23, 10, 10 * i), 30, 300) for i in range(1, 4))
    sections = run("staffing", Facts(contacts=gave_up + answered), staffing_request())
    assert value(sections, "patience_mean") == (135.0, 2)
    assert "model=erlang_a" in sections[0].notes
    needed = erlang.workers_needed(5.0, 300.0, 135.0, service_level=0.8, within=20)
    assert value(sections, "workers_needed", interval="10") == (needed, 5)


def test_on_duty_counts_each_hour_a_contact_spans() -> None:
    long = contact("long", at(23, 10, 50), 0, 80 * 60, "w1")  # 10:50 to 12:10
    short = contact("short", at(23, 11, 5), 0, 60, "w2")
    assert staffing.on_duty((long, short)) == {
        "2026-11-23T10": 1,
        "2026-11-23T11": 2,
        "2026-11-23T12": 1,
    }


def test_the_staffing_model_is_checked() -> None:
    request = replace(staffing_request(), extra={"model": "erlang_x"})
    with pytest.raises(ValueError, match="model"):
        run("staffing", Facts(contacts=EXAMPLE), request)


def test_every_figure_and_section_has_its_words_in_three_languages() -> None:
    import json
    from pathlib import Path

    import ohjaaja

    messages = json.loads(
        (Path(ohjaaja.__file__).parent / "locales" / "messages.json").read_text("utf-8")
    )
    facts = Facts(
        handovers=HANDOVERS,
        notifications=NOTIFICATIONS,
        offers=OFFERS,
        contacts=EXAMPLE,
        contacts_per_client=PER_CLIENT,
    )
    seeing = Settings(may_see_clients=True)
    keys = set()
    notes = set()
    for name in ("handovers", "notifications", "services", "frequent", "staffing"):
        for section in run(name, facts, replace(staffing_request(), name=name, settings=seeing)):
            keys |= {f"report.section.{section.key}", f"report.define.{section.key}"}
            notes |= {f"report.note.{note.partition('=')[0]}" for note in section.notes}
            for row in section.rows:
                keys |= {f"report.figure.{row.figure}", f"report.define.{row.figure}"}
    assert len(keys) == 2 * (10 + 24)
    # service_level_seconds is the contact figures' note (their module's messages).
    assert len(notes - {"report.note.service_level_seconds"}) == 7
    for key in sorted(keys | notes - {"report.note.service_level_seconds"}):
        assert set(messages.get(key, {})) == {"fi", "sv", "en"}, key


# -- the converters the desk and the server share ------------------------------------------


def test_stored_rows_become_facts_as_a_server_document_holds_them() -> None:
    from ohjaaja.domain.reports.facts import (
        handover_from_row,
        notification_from_row,
        offer_from_row,
    )

    document = {
        "id": "h1", "contact_id": "c1", "to_team": "assessment:853", "urgency": "same_day",
        "state": "returned", "created_at": "2026-11-23T08:00:00.000000Z",
        "due_at": "2026-11-23T14:00:00.000000Z", "municipality_code": "853",
    }  # fmt: skip
    events = [  # in any order; each move's first event counts
        {"kind": "return", "at": "2026-11-23T09:00:00.000000Z"},
        {"kind": "accept", "at": "2026-11-23T08:30:00.000000Z"},
        {"kind": "sent", "at": "2026-11-23T08:00:00.000000Z"},
        {"kind": "accept", "at": "2026-11-23T08:45:00.000000Z"},
    ]
    fact = handover_from_row(document, events)
    assert (fact.sent_at, fact.accepted_at, fact.returned_at) == (
        at(23, 10),
        at(23, 10, 30),
        at(23, 11),
    )
    assert (fact.due_at, fact.completed_at, fact.state) == (at(23, 16), None, "returned")
    with pytest.raises(ValueError, match="created_at"):
        handover_from_row({**document, "created_at": None})

    made = {"id": "n1", "kind": "child_welfare", "contact_id": None, "municipality_code": "853",
            "created_at": "2026-11-23T08:00:00.000000Z", "received_at": None}  # fmt: skip
    notification = notification_from_row(made, fact)
    assert (notification.due_at, notification.accepted_at) == (fact.due_at, fact.accepted_at)
    joined = {**made, "due_at": at(23, 11), "accepted_at": "2026-11-23T08:10:00.000000Z"}
    assert notification_from_row(joined).accepted_at == at(23, 10, 10)

    row = {"id": "o1", "contact_id": "c1", "service_id": "s1", "unmet_need": None,
           "created_at": "2026-11-23T08:00:00.000000Z", "municipality_code": "853",
           "line_code": "ikaihmiset", "service_name": '{"fi": "Kotihoito", "sv": "Hemvård"}',
           "sector": "public"}  # fmt: skip
    offered = offer_from_row(row)
    assert (offered.service_name, offered.client_group, offered.created_at) == (
        "Kotihoito", "ikaihmiset", at(23, 10)
    )  # fmt: skip
    need = offer_from_row({**row, "service_id": None, "service_name": None, "sector": None,
                           "unmet_need": "Kuljetus"})  # fmt: skip
    assert (need.service_name, need.unmet_need) == (None, "Kuljetus")


def test_a_store_that_knows_who_was_on_duty_is_believed() -> None:
    rota = {"2026-11-23T10": 15, "2026-11-24T10": 9}  # the second day is outside the period
    sections = run("staffing", Facts(contacts=EXAMPLE, workers_on_duty=rota), staffing_request())
    assert value(sections, "workers_on_duty", interval="10") == (15.0, 200)
