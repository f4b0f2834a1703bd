"""Handovers, notifications, callbacks and shifts: the rules, then the desk."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import holidays
import pytest

from ohjaaja.domain import notifications, teams
from ohjaaja.domain.clock import HELSINKI, FixedClock
from ohjaaja.domain.handovers import (
    ACTIONS,
    MOVES,
    STATES,
    IllegalMove,
    Parties,
    default_due,
    is_overdue,
    next_state,
)
from ohjaaja.domain.workdays import add_working_days, is_working_day, working_days_between
from ohjaaja.i18n import t
from ohjaaja.usecases.contacts import ContactForm
from ohjaaja.usecases.desk import Desk
from ohjaaja.usecases.handovers import Attention, HandoverForm
from tests.conftest import AINO

TEAM = Parties(None, "assessment:853", None)


# -- the state machine ---------------------------------------------------------
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_move_is_legal_or_refused(state: str, action: str) -> None:
    parties = Parties(None, "assessment:853", "w1")
    if (state, action) in MOVES:
        assert next_state(state, action, parties, "w1", ("assessment:853",)) in STATES
    else:
        with pytest.raises(IllegalMove) as refused:
            next_state(state, action, parties, "w1", ("assessment:853",))
        assert refused.value.key == "handover.illegal"


def test_only_the_addressee_accepts_and_only_the_acceptor_finishes() -> None:
    assert next_state("sent", "accept", TEAM, "w2", ("assessment:853",)) == "accepted"
    with pytest.raises(IllegalMove, match="not_addressed"):
        next_state("sent", "accept", TEAM, "w2", ("home_care:853",))
    named = Parties("w3", None, None)
    with pytest.raises(IllegalMove, match="not_addressed"):
        next_state("sent", "return", named, "w2", ())
    assert next_state("sent", "return", named, "w3", ()) == "returned"
    taken = Parties(None, "assessment:853", "w2")
    with pytest.raises(IllegalMove, match="not_yours"):
        next_state("accepted", "complete", taken, "w9", ("assessment:853",))
    assert next_state("accepted", "complete", taken, "w2", ()) == "completed"
    # The server knows no teams: it checks the state and the acceptor only.
    assert next_state("sent", "accept", TEAM, "anyone", None) == "accepted"


def test_due_times_by_urgency() -> None:
    monday = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 10:00 in Helsinki
    assert default_due("immediate", monday) == monday + timedelta(hours=1)
    assert default_due("same_day", monday) == datetime(2026, 11, 23, 16, tzinfo=HELSINKI)
    late = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)  # 16:30: two hours on
    assert default_due("same_day", late) == late + timedelta(hours=2)
    # Thursday 3 Dec 2026: Friday, then Monday 7th (Independence Day is a Sunday), Tuesday.
    thursday = datetime(2026, 12, 3, 8, tzinfo=UTC)
    assert default_due("normal", thursday) == datetime(2026, 12, 8, 16, tzinfo=HELSINKI)
    assert is_overdue("sent", monday, monday + timedelta(minutes=1))
    assert not is_overdue("completed", monday, monday + timedelta(days=1))


# -- working days and routing by hours -------------------------------------------
def test_seven_working_days_over_christmas_and_epiphany() -> None:
    assert add_working_days(date(2026, 12, 23), 7) == date(2027, 1, 7)
    assert working_days_between(date(2026, 12, 23), date(2027, 1, 7)) == 7


def test_a_year_of_working_day_clocks() -> None:
    off = set(holidays.Finland(years=[2026, 2027]))
    day = date(2026, 1, 1)
    while day.year == 2026:
        due = add_working_days(day, 7)
        assert due.weekday() < 5 and due not in off, day
        assert working_days_between(day, due) == 7
        between = [day + timedelta(days=i) for i in range(1, (due - day).days)]
        assert sum(1 for d in between if d.weekday() < 5 and d not in off) == 6, day
        day += timedelta(days=1)
    assert not is_working_day(date(2026, 12, 24))


def test_routing_by_team_hours_across_a_year_of_holidays() -> None:
    """Child welfare in Turku: Mon-Thu 8-16, Fri 8-15, eves of holidays 8-13; else
    the social emergency. Checked hour by hour against holidays.Finland directly."""
    off = holidays.Finland(years=2026)
    eve_holidays = {
        d for d in off if (d.month == 12 and d.day == 24) or off.get(d) == "Midsummer Eve"
    }
    moment = datetime(2026, 1, 1, 0, 30, tzinfo=HELSINKI)
    routed = set()
    while moment.year == 2026:
        day, hour = moment.date(), moment.hour
        closes = 16 if day.weekday() < 4 else 15
        following = day + timedelta(days=1)
        if (
            day.weekday() < 5
            and day not in off
            and following in off
            and following not in eve_holidays
        ):
            closes = 13
        open_now = day.weekday() < 5 and day not in off and 8 <= hour < closes
        expected = "child_welfare:853" if open_now else teams.EMERGENCY
        assert teams.route("child_welfare", "853", moment) == expected, moment
        routed.add(expected)
        moment += timedelta(hours=1)
    assert routed == {"child_welfare:853", teams.EMERGENCY}
    assert teams.route("child_welfare", None, moment) == teams.EMERGENCY


def test_team_codes() -> None:
    assert teams.team_name("assessment:853", "sv") == "Bedömning av servicebehov, Åbo"
    assert teams.team_name("emergency", "fi") == "Sosiaalipäivystys"
    assert not teams.is_valid("assessment:999") and not teams.is_valid("police")
    assert teams.team_options("853")[-1] == "emergency" and len(teams.team_options(None)) == 1


# -- notifications -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "fields", "missing"),
    [
        ("child_welfare", {}, {"subject", "concern"}),
        ("social_care_need", {"subject": "X", "concern": "Y"}, {"consent"}),
        ("elderly_services", {"subject": "X", "concern": " "}, {"observed", "concern"}),
        ("elderly_services", {"subject": "X", "concern": "Y", "observed": ["abuse"]}, set()),
    ],
)
def test_each_kind_requires_its_fields(kind: str, fields: dict, missing: set) -> None:
    assert {name for name, _ in notifications.check(kind, fields)} == missing


def test_a_child_welfare_notification_is_about_a_child() -> None:
    """The Child Welfare Act's notification is about someone under 18 on the day it is
    made; a birth date that says otherwise (or is no date) names the field."""
    fields = {"subject": "X", "concern": "Y"}
    on = date(2026, 11, 23)
    adult = [("birth_date", "notification.error.not_a_child")]
    assert notifications.check("child_welfare", {**fields, "birth_date": "13.10.1952"}, on) == adult
    assert notifications.check("child_welfare", {**fields, "birth_date": "23.11.2008"}, on) == adult
    assert notifications.check("child_welfare", {**fields, "birth_date": "24.11.2008"}, on) == []
    assert notifications.check("child_welfare", {**fields, "birth_date": ""}, on) == []
    elderly = {**fields, "observed": ["abuse"], "birth_date": "31.2.1950"}
    assert notifications.check("elderly_services", elderly, on) == [("birth_date", "error.date")]


def test_child_welfare_clocks() -> None:
    received = datetime(2026, 12, 23, 10, tzinfo=UTC)
    urgency, decision = notifications.clocks("child_welfare", received, {})
    assert urgency.due == received and decision.due == date(2027, 1, 7)
    assert [c.key for c in notifications.clocks("elderly_services", received, {})] == [
        "notification.clock.look_into"
    ]


# -- at the desk ----------------------------------------------------------------------
@pytest.fixture
def turku(db_path: Path, clock: FixedClock) -> Desk:
    desk = Desk(db_path, clock, "Tiimiläinen", teams=("assessment:853", "child_welfare:853"))
    yield desk
    desk.close()


def test_a_handover_from_a_contact_to_a_team(desk: Desk, turku: Desk, clock: FixedClock) -> None:
    client_id = desk.clients.create_client(AINO).client_id
    contact = desk.contacts.log_contact("phone", "ikaihmiset", "853")
    form = HandoverForm(contact_id=contact, client_id=client_id, to_team="assessment:853")
    assert desk.handovers.create_handover(form) == (None, [("note", "error.required")])
    made, errors = desk.handovers.create_handover(
        HandoverForm(
            contact_id=contact, client_id=client_id, to_team="assessment:853",
            situation="Kaatuillut kotona", note="Arvio kotihoidon tarpeesta", urgency="same_day",
        )
    )  # fmt: skip
    assert errors == [] and made
    assert [v.id for v in turku.handovers.inbox()] == [made] and turku.handovers.inbox()[
        0
    ].client_name
    assert [v.state for v in desk.handovers.outbox()] == ["sent"]
    assert desk.clients.access_log(client_id)[-1].action == "handover"
    assert desk.handovers.move_handover(made, "accept") == "handover.not_addressed"
    assert turku.handovers.move_handover(made, "return") == "handover.error.reason"
    assert turku.handovers.move_handover(made, "accept") is None
    clock.advance(seconds=3600)
    assert turku.handovers.move_handover(made, "complete") == "handover.error.note"
    assert turku.handovers.move_handover(made, "complete", "  ") == "handover.error.note"
    assert turku.handovers.move_handover(made, "complete", " Kotihoito alkaa ma ") is None
    events = turku.handovers.handover_events(made)
    assert [e.kind for e in events] == ["sent", "accept", "complete"]
    assert events[-1].reason == "Kotihoito alkaa ma"  # the note of what was done
    assert turku.handovers.inbox() == []
    assert desk.handovers.handover(made).state == "completed"  # type: ignore[union-attr]


def test_two_desks_on_one_file_accept_at_once_and_one_wins(
    db_path: Path, clock: FixedClock, desk: Desk
) -> None:
    made, _ = desk.handovers.create_handover(HandoverForm(to_team="assessment:853", note="Kiire"))
    first = Desk(db_path, clock, "Eka", teams=("assessment:853",))
    second = Desk(db_path, clock, "Toka", teams=("assessment:853",))
    results = [
        first.handovers.move_handover(made, "accept"),
        second.handovers.move_handover(made, "accept"),
    ]
    assert results == [None, "handover.illegal"]
    assert desk.handovers.handover(made).accepted_name == "Eka"  # type: ignore[union-attr]
    assert second.handovers.move_handover(made, "return", "ei minun") == "handover.not_yours"
    first.close()
    second.close()


def test_overdue_ones_sort_first_and_are_marked(desk: Desk, turku: Desk, clock: FixedClock) -> None:
    later = clock.now() + timedelta(days=2)
    desk.handovers.create_handover(
        HandoverForm(to_team="assessment:853", note="Myöhemmin", due_at=later)
    )
    desk.handovers.create_handover(
        HandoverForm(to_team="assessment:853", note="Pian", due_at=clock.now() + timedelta(hours=1))
    )
    assert turku.handovers.attention() == Attention(new_handovers=2)
    clock.advance(seconds=2 * 3600)
    inbox = turku.handovers.inbox()
    assert [(v.note, v.overdue) for v in inbox] == [("Pian", True), ("Myöhemmin", False)]
    turku.handovers.move_handover(inbox[1].id, "accept")
    assert turku.handovers.attention() == Attention(new_handovers=1, overdue_handovers=1)
    desk.handovers.hand_over_shift(
        "Iltavuoro"
    )  # a colleague's shift handover, not the sender's own
    assert turku.handovers.attention().shifts == 1 and desk.handovers.attention().shifts == 0


def test_a_notification_goes_to_the_open_team_or_the_emergency(
    desk: Desk, turku: Desk, clock: FixedClock
) -> None:
    client_id = desk.clients.create_client(AINO).client_id
    contact = desk.contacts.log_contact("phone", "lapsiperheet", "853")
    fields = {"subject": "Lapsi", "concern": "Jäi yksin kotiin", "danger_now": True}
    assert desk.handovers.create_notification("child_welfare", {}, contact, client_id, "853")[1]
    made, errors = desk.handovers.create_notification(
        "child_welfare", fields, contact, client_id, "853"
    )
    assert errors == [] and made
    view = desk.handovers.notification(made)
    assert view is not None and view.routed_to == "child_welfare:853"  # Monday 10:00: open
    (handover,) = turku.handovers.inbox()
    assert handover.notification_id == made and handover.urgency == "immediate"
    assert desk.clients.access_log(client_id)[-1].action == "notification"
    clock.set(datetime(2026, 11, 23, 18, 0, tzinfo=UTC))  # 20:00: the team has gone home
    night, _ = desk.handovers.create_notification(
        "child_welfare", fields, contact, client_id, "853"
    )
    assert desk.handovers.notification(night).routed_to == "emergency"  # type: ignore[union-attr]
    emergency = Desk(desk.database, clock, "Päivystäjä", teams=("emergency",))
    assert [v.notification_id for v in emergency.handovers.inbox()] == [night]
    emergency.close()


def test_a_child_welfare_notification_about_an_adult_is_refused(desk: Desk) -> None:
    client_id = desk.clients.create_client(AINO).client_id
    fields = {"subject": "Mäkinen Aino", "birth_date": "13.10.1952", "concern": "Huoli"}
    made, errors = desk.handovers.create_notification(
        "child_welfare", fields, None, client_id, "853"
    )
    assert made is None and errors == [("birth_date", "notification.error.not_a_child")]
    assert t("notification.error.not_a_child") == "lapsen on oltava alle 18-vuotias"


def test_a_callback_returns_to_the_queue_at_its_time(desk: Desk, clock: FixedClock) -> None:
    client_id = desk.clients.create_client(AINO).client_id
    contact = desk.contacts.receive("phone", "ikaihmiset", "853", "fi", "+358405485906")
    desk.contacts.take(contact)
    desk.handovers.schedule_callback(contact, clock.now() + timedelta(hours=1))
    assert desk.contacts.queue() == [] and desk.contacts.my_open_contacts() == []
    clock.advance(seconds=3600)
    (due,) = desk.contacts.queue()
    assert due.id == contact and due.received_at == clock.now()  # it waits from its time
    # Called back twice without an answer: the card flags repeated missed callbacks.
    for _ in range(2):
        taken = desk.contacts.take_next()
        assert taken is not None and taken.callback_at is not None
        desk.contacts.attach_client(contact, client_id)
        desk.handovers.schedule_callback(contact, clock.now() + timedelta(minutes=30), missed=True)
        clock.advance(seconds=1800)
    assert "flag.missed_callbacks" in desk.clients.client_card(client_id, "search").flags
    taken = desk.contacts.take_next()
    assert taken is not None
    form = ContactForm(caller_kind="client", client_id=client_id, outcome="resolved")
    assert desk.contacts.close_contact(contact, "Tavoitettu", form) == []


def test_a_due_callback_takes_its_place_by_when_it_is_due(desk: Desk, clock: FixedClock) -> None:
    """A callback due at 11 waits from 11: a call that came at 10:30 has waited
    longer and is answered first, though the callback's first call came at 10."""
    first = desk.contacts.receive("phone", "ikaihmiset", "853")
    desk.contacts.take(first)
    desk.handovers.schedule_callback(first, clock.now() + timedelta(hours=1))
    clock.advance(minutes=30)
    later = desk.contacts.receive("phone", "ikaihmiset", "853")
    clock.advance(minutes=30)
    assert [entry.id for entry in desk.contacts.queue()] == [later, first]
    taken = desk.contacts.take_next()
    assert taken is not None and taken.id == later


def test_the_emergency_sees_its_own_line_first(
    db_path: Path, clock: FixedClock, desk: Desk
) -> None:
    # An urgent contact of the older people's line, and one routed after hours.
    earlier = clock.now() - timedelta(minutes=9)
    desk.contacts.receive("phone", "ikaihmiset", "853", received_at=earlier, priority=1)
    clock.set(datetime(2026, 11, 23, 19, 0, tzinfo=UTC))  # 21:00: after hours
    late = desk.contacts.receive("phone", "ikaihmiset", "853", priority=2)
    assert desk.contacts.contact(late).line_code == "sosiaalipaivystys"
    assert desk.contacts.contact(late).original_line_code == "ikaihmiset"
    emergency = Desk(db_path, clock, "Päivystäjä", teams=("emergency",))
    assert [e.line_code for e in emergency.contacts.queue()] == ["sosiaalipaivystys", "ikaihmiset"]
    assert [e.line_code for e in desk.contacts.queue()] == ["ikaihmiset", "sosiaalipaivystys"]
    emergency.close()


def test_a_shift_handovers_items_say_what_they_are_now(
    db_path: Path, clock: FixedClock, desk: Desk, turku: Desk
) -> None:
    """The handover listed as sent at the change of shift was returned since: the
    night worker reads it as returned, not as still waiting."""
    made, _ = desk.handovers.create_handover(HandoverForm(to_team="assessment:853", note="Odottaa"))
    desk.handovers.hand_over_shift("Yksi siirto odottaa")
    assert turku.handovers.move_handover(made, "return", "Ei meille") is None  # type: ignore[arg-type]
    night = Desk(db_path, clock, "Yövuoro")
    (pending,) = night.handovers.pending_shift_handovers()
    assert [(i["id"], i["state"]) for i in pending.items] == [(made, "returned")]
    night.close()


def test_a_shift_is_handed_over_and_acknowledged_once(
    db_path: Path, clock: FixedClock, desk: Desk
) -> None:
    contact = desk.contacts.receive("phone", "ikaihmiset", "853")
    desk.contacts.take(contact)
    other = desk.contacts.receive("phone", "ikaihmiset", "853")
    desk.contacts.take(other)
    desk.handovers.schedule_callback(other, clock.now() + timedelta(hours=3))
    desk.handovers.create_handover(HandoverForm(to_team="assessment:853", note="Odottaa"))
    colleague = Desk(db_path, clock, "Kollega")
    theirs = colleague.contacts.receive("phone", "ikaihmiset", "853")
    colleague.contacts.take(theirs)
    colleague.handovers.schedule_callback(theirs, clock.now() + timedelta(hours=2))
    matters = desk.handovers.open_matters()
    assert [len(matters.contacts), len(matters.handovers), len(matters.callbacks)] == [1, 1, 1]
    assert [c["id"] for c in matters.callbacks] == [other]  # the colleague's is theirs to hand over
    assert [c["id"] for c in colleague.handovers.open_matters().callbacks] == [theirs]
    colleague.close()
    assert desk.handovers.hand_over_shift(" ") == (None, [("note", "error.required")])
    made, _ = desk.handovers.hand_over_shift("Yksi puhelu kesken, soittopyyntö klo 13")
    assert desk.handovers.pending_shift_handovers() == []  # not one's own
    night = Desk(db_path, clock, "Yövuoro")
    morning = Desk(db_path, clock, "Aamuvuoro")
    (pending,) = night.handovers.pending_shift_handovers()
    assert pending.id == made and len(pending.items) == 3
    assert night.handovers.acknowledge_shift(made) is True
    assert morning.handovers.acknowledge_shift(made) is False
    (recent,) = desk.handovers.recent_shift_handovers()
    assert recent.acknowledged_name == "Yövuoro"
    night.close()
    morning.close()
