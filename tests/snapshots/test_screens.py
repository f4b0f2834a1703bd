"""Every screen at 80x24 with fixed data and a fixed clock. Review changes as pictures:
`pytest tests/snapshots --snapshot-update`, then open snapshot_report.html or the SVGs."""

from __future__ import annotations

from datetime import timedelta

from textual.pilot import Pilot
from textual.widgets import TextArea

from ohjaaja.domain.clock import FixedClock
from ohjaaja.usecases.desk import Desk
from tests.app.helpers import app_for, choose, keys, settle
from tests.conftest import AINO


def busy_morning(desk: Desk, clock: FixedClock) -> None:
    """A fixed queue: every channel, several lines and municipalities, one after hours."""
    desk.clients.create_client(AINO)
    start = clock.now()
    arrivals = [
        ("phone", "ikaihmiset", "853", "fi", "+358405485906"),
        ("chat", "lapsiperheet", "202", "fi", None),
        ("callback", "ikaihmiset", "445", "sv", "+358401112233"),
        ("email", "tyoikaiset", "529", "fi", None),
        ("walk_in", "ikaihmiset", "853", "fi", None),
        ("eform", "mipa", "680", "en", None),
        ("phone", "sosiaalipaivystys", "734", "fi", "+358449876543"),
    ]
    for minutes, (channel, line, place, language, phone) in zip(
        (14, 12, 9, 7, 3, 2, 1), arrivals, strict=True
    ):
        desk.contacts.receive(
            channel, line, place, language, phone, received_at=start - timedelta(minutes=minutes)
        )
    clock.advance(seconds=5)


def test_queue(snap_compare, desk: Desk, clock: FixedClock) -> None:
    busy_morning(desk, clock)
    assert snap_compare(app_for(desk), terminal_size=(80, 24), run_before=settle)


def test_queue_in_swedish_filtered(snap_compare, desk: Desk, clock: FixedClock) -> None:
    busy_morning(desk, clock)

    async def filtered(pilot: Pilot) -> None:
        await settle(pilot)
        await keys(pilot, "3")

    assert snap_compare(app_for(desk, "sv"), terminal_size=(80, 24), run_before=filtered)


def test_contact(snap_compare, desk: Desk, clock: FixedClock) -> None:
    busy_morning(desk, clock)

    async def handling(pilot: Pilot) -> None:
        await settle(pilot)
        await keys(pilot, "n")
        clock.advance(seconds=95)
        pilot.app.screen.query_one("#note", TextArea).focus()
        await pilot.press(*"Tytär soitti äidin puolesta; kotihoidon tarve kasvanut.")
        await choose(pilot, "#outcome", "assessment")
        pilot.app.screen.query_one("#note", TextArea).focus()
        await settle(pilot)

    assert snap_compare(app_for(desk), terminal_size=(80, 24), run_before=handling)


def test_new_client_with_errors(snap_compare, desk: Desk, clock: FixedClock) -> None:
    busy_morning(desk, clock)

    async def bad_form(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("down", "t")  # a chat: nobody identified
        await settle(pilot)
        await keys(pilot, "f4")
        assert type(pilot.app.screen).__name__ == "ClientFormScreen"  # the picture is of it
        await pilot.press(*"Virtanen", "tab", "tab", *"131052-308X", "tab", "tab", *"040 12")
        await keys(pilot, "f10")

    assert snap_compare(app_for(desk), terminal_size=(80, 24), run_before=bad_form)


def test_help(snap_compare, desk: Desk, clock: FixedClock) -> None:
    busy_morning(desk, clock)

    async def help_open(pilot: Pilot) -> None:
        await settle(pilot)
        await keys(pilot, "f1")

    assert snap_compare(app_for(desk, "en"), terminal_size=(80, 24), run_before=help_open)


def client_with_history(desk: Desk, clock: FixedClock) -> str:
    """Aino with a relative, an alert, eleven contacts this year and namesakes."""
    from ohjaaja.usecases.contacts import ContactForm

    client_id = desk.clients.create_client(
        {**AINO, "alerts": "Kuulee huonosti: puhu hitaasti"}
    ).client_id
    assert client_id
    desk.clients.save_relative(client_id, "Mäkinen Pekka", "child", "050 123 4567")
    for first, code in (("Aarne", "010150-123A"), ("Eino Ilmari", "050345-1237")):
        desk.clients.create_client({**AINO, "first_names": first, "hetu": code, "phone": ""})
    notes = ("Kysyi kotihoidon maksuista.", "Omainen huolissaan, ohjattu arviointiin.")
    for day in range(11):
        contact_id = desk.contacts.log_contact("phone", "ikaihmiset", "853")
        desk.contacts.attach_client(contact_id, client_id)
        form = ContactForm("client", client_id, ["kotihoito"], "resolved")
        desk.contacts.close_contact(contact_id, notes[day % 2], form)
        clock.advance(hours=20)
    return client_id


def test_client_search(snap_compare, desk: Desk, clock: FixedClock) -> None:
    client_with_history(desk, clock)

    async def searched(pilot: Pilot) -> None:
        await settle(pilot)
        await keys(pilot, "f5", *"makinen")

    assert snap_compare(app_for(desk), terminal_size=(80, 24), run_before=searched)


def test_client_card(snap_compare, desk: Desk, clock: FixedClock) -> None:
    client_with_history(desk, clock)

    async def opened(pilot: Pilot) -> None:
        await settle(pilot)
        await keys(pilot, "f5", *"050 123 4567", "enter", "enter")

    assert snap_compare(app_for(desk), terminal_size=(80, 24), run_before=opened)


def test_catalogue_for_a_contact(snap_compare, admin: Desk, clock: FixedClock) -> None:
    admin.clients.create_client({**AINO, "municipality_code": "853"})
    admin.contacts.receive("phone", "ikaihmiset", "853", "fi", "+358405485906")

    async def searching(pilot: Pilot) -> None:
        await settle(pilot)
        await keys(pilot, "n", "f7", *"koti")

    assert snap_compare(app_for(admin), terminal_size=(80, 24), run_before=searching)


def test_service_detail(snap_compare, admin: Desk, clock: FixedClock) -> None:
    async def opened(pilot: Pilot) -> None:
        await settle(pilot)
        await keys(pilot, "f7", *"velkaneuvonta", "enter", "enter")

    assert snap_compare(app_for(admin), terminal_size=(80, 24), run_before=opened)


def test_offer_summary_in_swedish(snap_compare, admin: Desk, clock: FixedClock) -> None:
    admin.clients.create_client({**AINO, "municipality_code": "445", "language": "sv"})
    admin.contacts.receive("phone", "ikaihmiset", "445", "sv", "+358405485906")

    async def offered(pilot: Pilot) -> None:
        await settle(pilot)
        await keys(pilot, "n", "f7", *"hemv", "enter", "ctrl+o", "down", "ctrl+o", "ctrl+r")

    assert snap_compare(app_for(admin), terminal_size=(80, 24), run_before=offered)


def test_handover_inbox(snap_compare, desk: Desk, clock: FixedClock) -> None:
    from ohjaaja.usecases.handovers import HandoverForm

    client_id = desk.clients.create_client(AINO).client_id
    desk.handovers.create_handover(
        HandoverForm(client_id=client_id, to_team="assessment:853", note="Kotihoidon arvio",
                     urgency="same_day", due_at=clock.now() + timedelta(hours=1))
    )  # fmt: skip
    desk.handovers.create_handover(
        HandoverForm(to_team="assessment:853", note="Omaishoidon tuki", warm=True,
                     due_at=clock.now() + timedelta(days=2))
    )  # fmt: skip
    desk.handovers.create_notification(
        "elderly_services",
        {"subject": "Mäkinen Aino", "concern": "Ei syö", "observed": ["food"]},
        None, client_id, "853",
    )  # fmt: skip
    clock.advance(seconds=2 * 3600)  # the first is overdue now
    team = Desk(desk.database, clock, "Tiimiläinen", teams=("assessment:853",))

    async def inbox(pilot: Pilot) -> None:
        await settle(pilot)
        await keys(pilot, "h")

    assert snap_compare(app_for(team), terminal_size=(80, 24), run_before=inbox)


def test_notification_form(snap_compare, desk: Desk, clock: FixedClock) -> None:
    desk.clients.create_client(AINO)
    desk.contacts.receive("phone", "lapsiperheet", "853", "fi", "+358405485906")

    async def opened(pilot: Pilot) -> None:
        await settle(pilot)
        await keys(pilot, "n", "ctrl+n")
        pilot.app.screen.query_one("#subject").value = "Mäkinen Eetu"
        pilot.app.screen.query_one("#concern").value = "Lapsi jäi yksin kotiin"

    assert snap_compare(app_for(desk), terminal_size=(80, 24), run_before=opened)


def test_shift_handover(snap_compare, desk: Desk, clock: FixedClock) -> None:
    from ohjaaja.usecases.handovers import HandoverForm

    desk.contacts.take(desk.contacts.receive("phone", "ikaihmiset", "853"))
    callback = desk.contacts.receive("callback", "lapsiperheet", "202")
    desk.contacts.take(callback)
    desk.handovers.schedule_callback(callback, clock.now() + timedelta(hours=3))
    desk.handovers.create_handover(HandoverForm(to_team="emergency", note="Yöksi päivystykselle"))
    evening = Desk(desk.database, clock, "Iltavuoro")
    evening.handovers.hand_over_shift("Kaksi soittopyyntöä, yksi siirto odottaa")

    async def opened(pilot: Pilot) -> None:
        await settle(pilot)
        await keys(pilot, "escape", "s")
        await keys(pilot, *"Puhelu kesken")

    assert snap_compare(app_for(desk), terminal_size=(80, 24), run_before=opened)


def handovers_to_the_team(desk: Desk, clock: FixedClock) -> Desk:
    """A same-day handover to Turku's assessment team, overdue now; the desk of a member."""
    from ohjaaja.usecases.handovers import HandoverForm

    client_id = desk.clients.create_client(AINO).client_id
    desk.handovers.create_handover(
        HandoverForm(client_id=client_id, to_team="assessment:853", note="Kotihoidon arvio",
                     situation="Kaatuillut kotona kahdesti viikon aikana",
                     recommendation="Kotihoidon tarpeen arvio kotikäynnillä",
                     urgency="same_day", due_at=clock.now() + timedelta(hours=1))
    )  # fmt: skip
    clock.advance(seconds=2 * 3600)  # overdue now
    return Desk(desk.database, clock, "Tiimiläinen", teams=("assessment:853",))


def test_handover_detail(snap_compare, desk: Desk, clock: FixedClock) -> None:
    team = handovers_to_the_team(desk, clock)

    async def opened(pilot: Pilot) -> None:
        await settle(pilot)
        await keys(pilot, "h", "a", "enter")  # accepted, then the whole handover

    assert snap_compare(app_for(team), terminal_size=(80, 24), run_before=opened)


def test_handover_form(snap_compare, desk: Desk, clock: FixedClock) -> None:
    desk.clients.create_client(AINO)
    desk.contacts.receive("phone", "ikaihmiset", "853", "fi", "+358405485906")

    async def writing(pilot: Pilot) -> None:
        await settle(pilot)
        await keys(pilot, "n", "ctrl+t")
        await choose(pilot, "#to", "team:assessment:853")
        screen = pilot.app.screen
        screen.query_one("#situation").value = "Kaatuillut kotona, asuu yksin"
        screen.query_one("#note").value = "Tytär toivoo kotikäyntiä tällä viikolla"
        screen.query_one("#note").focus()
        await settle(pilot)

    assert snap_compare(app_for(desk), terminal_size=(80, 24), run_before=writing)


def test_callback(snap_compare, desk: Desk, clock: FixedClock) -> None:
    desk.contacts.receive("phone", "ikaihmiset", "853", "fi", "+358405485906")

    async def asked(pilot: Pilot) -> None:
        await settle(pilot)
        await keys(pilot, "n", "f8")

    assert snap_compare(app_for(desk), terminal_size=(80, 24), run_before=asked)


def test_log_contact(snap_compare, desk: Desk, clock: FixedClock) -> None:
    busy_morning(desk, clock)

    async def logging(pilot: Pilot) -> None:
        await settle(pilot)
        await keys(pilot, "l")
        pilot.app.screen.query_one("#phone").value = "040 548 5906"
        await settle(pilot)

    assert snap_compare(app_for(desk), terminal_size=(80, 24), run_before=logging)


def test_lost_claim(snap_compare, desk: Desk, clock: FixedClock) -> None:
    from ohjaaja.usecases.contacts import ContactForm
    from tests.app.test_lost_claim import lose

    contact_id = desk.contacts.receive("phone", "ikaihmiset", "853")
    desk.contacts.take(contact_id)
    desk.contacts.save_draft(contact_id, "Soittaja kysyi omaishoidon tuesta", ContactForm(), 1)
    lose(desk, contact_id)  # the server gave it to Bertta

    async def told(pilot: Pilot) -> None:
        await settle(pilot)
        await keys(pilot, "o")

    assert snap_compare(app_for(desk), terminal_size=(80, 24), run_before=told)


# From the queue to Aino's card, found by her relative's number.
CARD_OF_AINO = ("f5", *"050 123 4567", "enter", "enter")


def test_reveal(snap_compare, desk: Desk, clock: FixedClock) -> None:
    client_with_history(desk, clock)

    async def asked(pilot: Pilot) -> None:
        await settle(pilot)
        await keys(pilot, *CARD_OF_AINO, "r", *"Kelan lomake")

    assert snap_compare(app_for(desk), terminal_size=(80, 24), run_before=asked)


def test_relative_form(snap_compare, desk: Desk, clock: FixedClock) -> None:
    client_with_history(desk, clock)

    async def adding(pilot: Pilot) -> None:
        await settle(pilot)
        await keys(pilot, *CARD_OF_AINO, "f4", *"Mäkinen Liisa")

    assert snap_compare(app_for(desk), terminal_size=(80, 24), run_before=adding)


def test_access_log(snap_compare, desk: Desk, clock: FixedClock, monkeypatch) -> None:
    """The log names each contact by the end of its id: ids made in order, not at random."""
    import uuid

    from ohjaaja.db.ids import sequential_ids

    ids = sequential_ids(1_795_000_000_000)
    monkeypatch.setattr("uuid6.uuid7", lambda: uuid.UUID(next(ids)))
    client_with_history(desk, clock)

    async def logged(pilot: Pilot) -> None:
        await settle(pilot)
        await keys(pilot, *CARD_OF_AINO, "r", *"Kelan lomake", "enter", "k")

    assert snap_compare(app_for(desk), terminal_size=(80, 24), run_before=logged)


def test_unmet_need(snap_compare, admin: Desk, clock: FixedClock) -> None:
    admin.clients.create_client({**AINO, "municipality_code": "853"})
    admin.contacts.receive("phone", "ikaihmiset", "853", "fi", "+358405485906")

    async def recording(pilot: Pilot) -> None:
        await settle(pilot)
        await keys(pilot, "n", "f7", *"vertaistuki", "ctrl+g", *"Vertaisryhmä omaishoitajille")

    assert snap_compare(app_for(admin), terminal_size=(80, 24), run_before=recording)


def test_service_form(snap_compare, admin: Desk, clock: FixedClock) -> None:
    async def editing(pilot: Pilot) -> None:
        await settle(pilot)
        await keys(pilot, "f7", *"klubitalo", "enter", "enter", "e")

    assert snap_compare(app_for(admin), terminal_size=(80, 24), run_before=editing)


def test_service_form_in_swedish_with_a_bad_exception(
    snap_compare, admin: Desk, clock: FixedClock
) -> None:
    """The Swedish texts (F3) and the hours: a bad exceptional date named below it,
    brought into view though the field had the focus already."""

    async def editing(pilot: Pilot) -> None:
        await settle(pilot)
        await keys(pilot, "f7", *"klubitalo", "enter", "enter", "e", "f3")
        pilot.app.screen.query_one("#exceptions").focus()
        await keys(pilot, *"24.12.-26.12. suljettu; 31.2. 9-12", "f10")

    assert snap_compare(app_for(admin), terminal_size=(80, 24), run_before=editing)


def test_service_detail_with_exceptions(snap_compare, admin: Desk, clock: FixedClock) -> None:
    """An area outside the region, an exception with its dates and name, and the next
    seven days with the exceptional one marked."""
    from dataclasses import replace
    from datetime import date, time

    from ohjaaja.domain.catalogue import ServiceArea
    from ohjaaja.domain.schedules import ExceptionalHours

    (found,) = admin.catalogue.search_services("klubitalo")
    service, _ = admin.catalogue.service(found.id)  # type: ignore[misc]
    staff_day = ExceptionalHours(
        "x1", date(2026, 11, 24), date(2026, 11, 24), description={"fi": "Henkilöstöpäivä"}
    )
    summer = ExceptionalHours("x2", date(2027, 7, 1), date(2027, 7, 31), time(9), time(12))
    helsinki = ServiceArea("a1", "Helsinki", uri="http://uri.suomi.fi/codelist/jhs/kunta/091")
    edited = replace(
        service,
        service_areas=("853",),
        other_areas=(helsinki,),
        exceptional_hours=(staff_day, summer),
    )
    assert admin.catalogue.save_service(edited) == []

    async def opened(pilot: Pilot) -> None:
        await settle(pilot)
        await keys(pilot, "f7", *"klubitalo", "enter", "enter", "end")

    assert snap_compare(app_for(admin), terminal_size=(80, 24), run_before=opened)


def test_organization_form(snap_compare, admin: Desk, clock: FixedClock) -> None:
    """A new organisation (F8 in the service form), its Finnish name typed."""

    async def adding(pilot: Pilot) -> None:
        await settle(pilot)
        await keys(pilot, "f7", *"klubitalo", "enter", "enter", "e", "f4")
        await keys(pilot, *"Turun Seudun Omaishoitajat ry")

    assert snap_compare(app_for(admin), terminal_size=(80, 24), run_before=adding)


def test_debrief(snap_compare, desk: Desk) -> None:
    """A trainer's debrief of a shift: the critical miss first, the met ones after,
    the replay stepped to the first answer."""
    from pathlib import Path

    from tests.training.shift_state import ShiftState, work_well

    state = ShiftState(Path(desk.database).parent / "training.sqlite")
    work_well(state)

    async def opened(pilot: Pilot) -> None:
        await settle(pilot)
        pilot.app.open_debrief(state.shift_id, state.scenario)  # type: ignore[attr-defined]
        await settle(pilot)
        await keys(pilot, "full_stop", "full_stop", "full_stop")

    assert snap_compare(app_for(state.trainer), terminal_size=(80, 24), run_before=opened)


def three_weeks_of_contacts(desk: Desk, clock: FixedClock) -> None:
    """Contacts on the three weeks before Monday morning, busiest on weekday mornings:
    a month's report has every hour and weekday to draw."""
    from ohjaaja.domain.queue import LINES

    start = clock.now()
    for n in range(150):  # several in the busiest hours: the heat map's shades differ
        back = timedelta(days=n % 19, hours=(n * n) % 11)
        channel = ("phone", "chat", "email")[n % 3]
        desk.contacts.receive(
            channel, LINES[n % len(LINES)], "853", "fi", None, received_at=start - back
        )


def test_reports_list(snap_compare, desk: Desk, clock: FixedClock) -> None:
    """Ctrl+S from the queue: the reports, this month, no filters, the settings."""
    three_weeks_of_contacts(desk, clock)

    async def opened(pilot: Pilot) -> None:
        await settle(pilot)
        await keys(pilot, "ctrl+s")

    assert snap_compare(app_for(desk), terminal_size=(80, 24), run_before=opened)


def test_report_with_a_heatmap(snap_compare, desk: Desk, clock: FixedClock) -> None:
    """This month's volumes, the cursor on the last figure: hour x weekday."""
    three_weeks_of_contacts(desk, clock)

    async def opened(pilot: Pilot) -> None:
        await settle(pilot)
        await keys(pilot, "ctrl+s", "down", "f10")  # overview is first, volumes next
        await keys(pilot, "ctrl+end")

    assert snap_compare(app_for(desk), terminal_size=(80, 24), run_before=opened)
