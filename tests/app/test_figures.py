"""Pilot tests: the figures and counts a worker reads are right at once, after
every write, on every screen, and move with the clock."""

from __future__ import annotations

from datetime import UTC, datetime

from ohjaaja.screens.catalogue.catalogue import CatalogueScreen
from ohjaaja.screens.clients.client_search import ClientSearchScreen
from ohjaaja.screens.contact.contact import ContactScreen
from ohjaaja.screens.handovers.handovers import HandoversScreen
from ohjaaja.screens.handovers.shift import ShiftScreen
from ohjaaja.screens.queue.queue import QueueScreen
from textual.widgets import DataTable

from ohjaaja.domain.clock import FixedClock
from ohjaaja.usecases.desk import Desk
from ohjaaja.usecases.handovers import HandoverForm
from tests.app.helpers import app_for, choose, keys, settle
from tests.app.test_client_screens import rendered
from tests.app.test_handover_screens import team_desk


def figures(app) -> str:  # type: ignore[no-untyped-def]
    return rendered(app.screen, "#figures")


async def test_a_released_or_closed_contact_shows_at_once(desk: Desk, clock: FixedClock) -> None:
    desk.contacts.receive("phone", "ikaihmiset", "853")
    clock.advance(seconds=30)
    desk.contacts.receive("chat", "ikaihmiset", "853")
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "vastattu 0" in figures(app)
        await keys(pilot, "n")
        assert isinstance(app.screen, ContactScreen)
        await keys(pilot, "f9")  # back to the queue
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        assert queue.query_one("#queue", DataTable).row_count == 2
        assert "vastattu 0" in figures(app)
        assert "Omia avoimia" not in rendered(queue, "#status")
        await keys(pilot, "n")
        await choose(pilot, "#caller_kind", "client")
        await choose(pilot, "#outcome", "resolved")
        await keys(pilot, "f10")  # closed
        assert app.screen is queue
        assert queue.query_one("#queue", DataTable).row_count == 1
        assert "vastattu 1" in figures(app) and "ratk. heti" in figures(app)
        assert "Omia avoimia" not in rendered(queue, "#status")
        # Nothing failed on the way: no screen closed meanwhile was drawn on.
        assert [n.message for n in app._notifications if n.severity == "error"] == []


async def test_the_reminders_follow_the_lists_they_count(desk: Desk, clock: FixedClock) -> None:
    for note in ("Yksi", "Kaksi", "Kolme"):
        desk.handovers.create_handover(HandoverForm(to_team="assessment:853", note=note))
    desk.handovers.hand_over_shift("Yö oli rauhallinen")
    team = team_desk(desk)
    app = app_for(team)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        status = rendered(app.screen, "#status")
        assert "Uusia siirtoja: 3 (h)" in status and "vuoronvaihtoja: 1 (s)" in status
        await keys(pilot, "h")
        assert isinstance(app.screen, HandoversScreen)
        await keys(pilot, "a", "f10", *"Arvio tehty", "enter")  # accepted, completed (with a note)
        assert app.screen.query_one("#handovers", DataTable).row_count == 2
        await keys(pilot, "escape")
        assert "Uusia siirtoja: 2 (h)" in rendered(app.screen, "#status")
        await keys(pilot, "s")
        assert isinstance(app.screen, ShiftScreen)
        await keys(pilot, "tab", "a")  # on the list, acknowledged: the list is empty
        assert app.screen.query_one("#pending", DataTable).row_count == 0
        await keys(pilot, "escape")
        assert "vuoronvaihto" not in rendered(app.screen, "#status")
    team.close()


async def test_a_write_by_another_process_shows_at_the_next_beat(
    desk: Desk, clock: FixedClock
) -> None:
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        other = Desk(desk.database, clock, "Toinen")
        other.contacts.receive("phone", "mipa", "853")
        app.heartbeat()
        await settle(pilot)
        assert app.screen.query_one("#queue", DataTable).row_count == 1
        other.close()


async def test_the_figures_follow_the_line_filter(desk: Desk, clock: FixedClock) -> None:
    desk.contacts.take(desk.contacts.receive("phone", "ikaihmiset", "853"))
    desk.contacts.receive("phone", "mipa", "853")
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "escape")  # from the contact left open
        assert "Odottaa 1" in figures(app) and "vastattu 1" in figures(app)
        await keys(pilot, "4")  # mielenterveys- ja päihdelinja only
        assert "Odottaa 1" in figures(app) and "vastattu 0" in figures(app)
        await keys(pilot, "4", "3")  # ikäihmiset only
        assert "Odottaa 0" in figures(app) and "vastattu 1" in figures(app)
        assert "luvut klo 8 alkaen" in rendered(app.screen, "#title")  # of which shift


async def test_the_night_shift_keeps_its_figures_past_midnight(db_path) -> None:  # type: ignore[no-untyped-def]
    clock = FixedClock(datetime(2026, 11, 23, 21, 0, tzinfo=UTC))  # 23:00 in Helsinki
    desk = Desk(db_path, clock, "Yövuoro", teams=("emergency",))
    desk.contacts.take(desk.contacts.receive("phone", "sosiaalipaivystys", "853"))
    clock.advance(minutes=90)  # 00:30
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "escape")
        assert "vastattu 1" in figures(app)
        assert "luvut klo 20 alkaen" in rendered(app.screen, "#title")
    desk.close()


async def test_the_longest_wait_and_the_clocks_move_every_second(
    desk: Desk, clock: FixedClock
) -> None:
    desk.contacts.receive("phone", "ikaihmiset", "853")
    clock.advance(seconds=40)
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "pisin 0:40" in figures(app)
        clock.advance(seconds=25)
        app.heartbeat()  # what the app does every second
        await settle(pilot)
        table = app.screen.query_one("#queue", DataTable)
        assert str(table.get_row_at(0)[-1]) == "1:05"
        assert "pisin 1:05" in figures(app)
        await keys(pilot, "f5")
        assert isinstance(app.screen, ClientSearchScreen)
        assert "10.01" in rendered(app.screen, "#title")
        clock.advance(minutes=3)
        app.heartbeat()
        await settle(pilot)
        assert "10.04" in rendered(app.screen, "#title")


async def test_the_offer_count_is_the_contacts_own(admin: Desk) -> None:
    admin.contacts.receive("phone", "ikaihmiset", "445", "fi")
    app = app_for(admin)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "n", "f7")
        assert isinstance(app.screen, CatalogueScreen)
        await keys(pilot, *"kotihoito", "enter", "ctrl+o", "down", "ctrl+o")
        assert "tarjottu 2" in rendered(app.screen, "#status")
        await keys(pilot, "ctrl+o")  # the same service again: still two offers
        assert "tarjottu 2" in rendered(app.screen, "#status")
        assert "jo tarjottu" in rendered(app.screen, "#status")
        await keys(pilot, "escape")
        assert isinstance(app.screen, ContactScreen)
        await keys(pilot, "f7")
        assert "tarjottu 2" in rendered(app.screen, "#status")
