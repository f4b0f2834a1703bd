"""Focus a worker can see and get back (issue 15, item 8): the focused field's label
marked without colour, a key to the note from anywhere on a contact, and the
search box one key away in the client search (F5) and the catalogue (F7)."""

from __future__ import annotations

from ohjaaja.screens.catalogue.catalogue import CatalogueScreen
from ohjaaja.screens.clients.client_search import ClientSearchScreen
from ohjaaja.screens.contact.contact import ContactScreen
from textual.widgets import DataTable, Input, Select, TextArea

from ohjaaja.usecases.desk import Desk
from tests.app.helpers import app_for, keys, settle
from tests.conftest import AINO


def marked_labels(screen) -> list[str]:
    """The ids of the fields whose label is drawn reversed: the focus, without colour."""
    marked = []
    for label in screen.query(".field > .label"):
        if label.rich_style.reverse:
            field = label.parent
            marked.append(next((c.id for c in field.children if c.id), "?"))
    return marked


async def test_the_focused_field_is_marked_without_colour(desk: Desk) -> None:
    desk.contacts.receive("phone", "ikaihmiset", "853")
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "n")
        screen = app.screen
        assert isinstance(screen, ContactScreen)
        assert screen.focused is screen.query_one("#search", Input)
        assert marked_labels(screen) == ["search"]
        screen.query_one("#outcome", Select).focus()
        await settle(pilot)
        assert marked_labels(screen) == ["outcome"]


async def test_a_key_takes_the_focus_to_the_note(desk: Desk) -> None:
    """After choosing a client, Tab and Space opened the caller list and the note
    went nowhere: F12 goes to the note from any field of the contact."""
    client_id = desk.clients.create_client(AINO).client_id
    contact_id = desk.contacts.receive("chat", "ikaihmiset", "853")
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "n", "f3", *"mäkinen ai", "enter")  # Enter in the box picks
        screen = app.screen
        assert isinstance(screen, ContactScreen) and screen.form.client_id == client_id
        screen.query_one("#caller_kind", Select).focus()
        await keys(pilot, "f12", *"Soitti")
        note = screen.query_one("#note", TextArea)
        assert screen.focused is note and note.text == "Soitti"
        assert marked_labels(screen) == ["note"]
    assert desk.contacts.load_draft(contact_id)[0] == "Soitti"


async def test_f5_in_the_client_search_returns_to_the_search_box(desk: Desk) -> None:
    desk.clients.create_client(AINO)
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "f5", *"mäkinen")
        screen = app.screen
        assert isinstance(screen, ClientSearchScreen)
        screen.query_one("#found", DataTable).focus()
        await settle(pilot)
        await keys(pilot, "f5")
        assert app.screen is screen
        assert screen.focused is screen.query_one("#query", Input)


async def test_f7_in_the_catalogue_returns_to_the_search_box(admin: Desk) -> None:
    app = app_for(admin)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "f7", *"kotih")
        screen = app.screen
        assert isinstance(screen, CatalogueScreen)
        screen.query_one("#services", DataTable).focus()
        await settle(pilot)
        await keys(pilot, "f7")
        assert app.screen is screen
        assert screen.focused is screen.query_one("#query", Input)


async def test_the_arrows_in_a_search_box_move_its_results_and_enter_picks(desk: Desk) -> None:
    """Down and Up in the search box move the results' cursor with the focus kept in
    the box, and Enter opens (or picks) the row they chose, without Tab."""
    desk.clients.create_client(AINO)
    desk.clients.create_client(
        {**AINO, "first_names": "Bertta", "hetu": "", "birth_date": "1.1.1950", "phone": ""}
    )
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "f5", *"mäkinen")
        search = app.screen
        assert isinstance(search, ClientSearchScreen)
        table = search.query_one("#found", DataTable)
        await keys(pilot, "down", "down", "up", "down")  # two rows: 1, 1, 0, 1
        assert search.focused is search.query_one("#query") and table.cursor_row == 1
        second = search.results.matches[1]
        await keys(pilot, "enter")
        assert app.screen.client_id == second.id  # type: ignore[attr-defined]
        await keys(pilot, "escape")
        await keys(pilot, "backspace", "enter")  # the first row, once it is of "mäkine"
        assert app.screen.client_id == search.results.matches[0].id  # type: ignore[attr-defined]


async def test_the_arrows_in_the_contacts_search_pick_a_client(desk: Desk) -> None:
    desk.clients.create_client(AINO)
    second = desk.clients.create_client(
        {**AINO, "first_names": "Bertta", "hetu": "", "birth_date": "1.1.1950", "phone": ""}
    ).client_id
    desk.contacts.receive("chat", "ikaihmiset", "853")
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "n", *"mäkinen")
        screen = app.screen
        assert isinstance(screen, ContactScreen)
        order = [m.id for m in screen.matches]
        await keys(pilot, *["down"] * order.index(second), "enter")
        assert screen.form.client_id == second
