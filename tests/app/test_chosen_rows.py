"""Pilot: a key acts on the row the worker chose, never on one a reload slid under
the cursor. Lists reload as other desks write (every second or so): the cursor
stays on its row wherever that row now sorts, and when the row has left the list
the first key that would act on it says so and does nothing (the next acts on the
row now shown)."""

from __future__ import annotations

from datetime import timedelta

from ohjaaja.screens.catalogue.catalogue import CatalogueScreen
from ohjaaja.screens.contact.contact import ContactScreen
from ohjaaja.screens.handovers.handovers import HandoversScreen
from ohjaaja.screens.handovers.shift import ShiftScreen
from ohjaaja.screens.kit.plain import DataTable as PlainTable
from ohjaaja.screens.queue.queue import QueueScreen
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from ohjaaja.domain.clock import FixedClock
from ohjaaja.usecases.desk import Desk
from ohjaaja.usecases.handovers import HandoverForm
from tests.app.helpers import app_for, keys, settle
from tests.app.test_handover_screens import team_desk

GONE = "poistui listalta"  # list.row_gone, in Finnish


def notices(app: object) -> str:
    return " ".join(str(n.message) for n in app._notifications)  # type: ignore[attr-defined]


async def test_the_shift_list_keeps_its_row_and_a_gone_one_is_not_stood_in_for(
    desk: Desk, clock: FixedClock
) -> None:
    desk.handovers.hand_over_shift("Ensimmäinen vuoro")
    clock.advance(minutes=5)
    evening = Desk(desk.database, clock, "Iltavuoro")
    evening.handovers.hand_over_shift("Toinen vuoro")
    night = Desk(desk.database, clock, "Yövuoro")
    app = app_for(night)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await keys(pilot, "s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ShiftScreen)
        await keys(pilot, "tab", "down")  # on "Toinen vuoro"
        screen.load()  # a write elsewhere reloads the list
        await settle(pilot)
        await keys(pilot, "a")
        await settle(pilot)
        left = [view.note for view in night.handovers.pending_shift_handovers()]
        assert left == ["Ensimmäinen vuoro"]
        # A colleague acknowledges the one the cursor is on: it leaves the list.
        desk.handovers.hand_over_shift("Kolmas vuoro")
        screen.load()
        await settle(pilot)
        await keys(pilot, "down")  # on "Kolmas vuoro"
        evening.handovers.acknowledge_shift(evening.handovers.pending_shift_handovers()[-1].id)
        screen.load()
        await settle(pilot)
        await keys(pilot, "a")  # the cursor now rests on "Ensimmäinen": told, not done
        await settle(pilot)
        assert GONE in notices(app)
        assert [v.note for v in night.handovers.pending_shift_handovers()] == ["Ensimmäinen vuoro"]
        await keys(pilot, "a")  # seen: now it is the worker's choice
        await settle(pilot)
        assert night.handovers.pending_shift_handovers() == []
    for each in (night, evening):
        each.close()


async def test_the_inbox_keeps_its_handover_when_a_new_one_sorts_above(
    desk: Desk, clock: FixedClock
) -> None:
    later = clock.now() + timedelta(hours=8)
    first, _ = desk.handovers.create_handover(
        HandoverForm(to_team="assessment:853", note="Ensimmäinen", urgency="same_day", due_at=later)
    )
    second, _ = desk.handovers.create_handover(
        HandoverForm(to_team="assessment:853", note="Toinen", urgency="same_day", due_at=later)
    )
    team = team_desk(desk)
    app = app_for(team)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await keys(pilot, "h")
        screen = app.screen
        assert isinstance(screen, HandoversScreen)
        await settle(pilot)
        await keys(pilot, "down")  # on "Toinen"
        soon = clock.now() + timedelta(hours=1)
        desk.handovers.create_handover(
            HandoverForm(to_team="assessment:853", note="Kiire", urgency="same_day", due_at=soon)
        )  # sorts first
        screen.load()
        await settle(pilot)
        await keys(pilot, "a")
        await settle(pilot)
        assert team.handovers.handover(second).state == "accepted"  # type: ignore[union-attr]
        assert team.handovers.handover(first).state == "sent"  # type: ignore[union-attr]
    team.close()


async def test_a_contact_taken_elsewhere_is_not_stood_in_for_by_the_next_row(
    desk: Desk, clock: FixedClock
) -> None:
    ids = []
    for municipality in ("853", "202", "445"):
        ids.append(desk.contacts.receive("email", "ikaihmiset", municipality))
        clock.advance(minutes=1)
    other = Desk(desk.database, clock, "Toinen")
    app = app_for(desk)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        await keys(pilot, "down")  # the second contact
        assert other.contacts.take(ids[1]) is not None  # another desk takes it
        queue.refresh_queue()
        await settle(pilot)
        await keys(pilot, "t")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)  # nothing taken: told
        assert GONE in notices(app)
        assert desk.contacts.my_open_contacts() == []
        await keys(pilot, "t")  # the row now shown, chosen
        await settle(pilot)
        assert isinstance(app.screen, ContactScreen)
        assert len(desk.contacts.my_open_contacts()) == 1
    other.close()


async def test_back_from_a_service_the_offer_is_of_the_service_looked_at(admin: Desk) -> None:
    admin.contacts.receive("phone", "ikaihmiset", "853")
    app = app_for(admin)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "n", "f7")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CatalogueScreen)
        await keys(pilot, "down", "down", "down")
        table = screen.query_one("#services", DataTable)
        looked_at = screen.hits[table.cursor_row].name
        assert looked_at != screen.hits[0].name
        await keys(pilot, "enter")
        await settle(pilot)
        await keys(pilot, "escape")
        await settle(pilot)
        await keys(pilot, "ctrl+o")
        await settle(pilot)
        assert f"tarjottu: {looked_at}" in str(screen.query_one("#status").render())


class OneTable(App[None]):
    def compose(self) -> ComposeResult:
        table: PlainTable[str] = PlainTable()
        table.add_column("row")
        yield table


async def test_a_new_list_forgets_the_row_gone_and_a_row_back_takes_the_cursor() -> None:
    """Found by a review: back from a service gone from the results, a new search (its
    cursor at the first row, unmoved) refused the first Ctrl+O; and a row that comes
    back is the worker's row again."""
    app = OneTable()
    async with app.run_test() as pilot:
        table = app.query_one(PlainTable)
        table.refill([("a", ["A"]), ("b", ["B"])])
        table.refill([("b", ["B"])])
        assert table.gone == "a"
        table.clear()  # another search
        table.refill([("x", ["X"]), ("y", ["Y"])])
        assert table.chosen_key() == "x"
        table.refill([("a", ["A"]), ("b", ["B"]), ("c", ["C"])])
        table.move_cursor(row=1)
        await pilot.pause()
        table.refill([("a", ["A"]), ("c", ["C"])])
        assert (table.gone, table.cursor_key) == ("b", "c")
        table.refill([("a", ["A"]), ("b", ["B"]), ("c", ["C"])])  # b is back
        assert (table.gone, table.chosen_key()) == (None, "b")
