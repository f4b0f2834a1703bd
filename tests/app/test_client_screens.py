"""Pilot tests: finding a client, the card, revealing the code, editing, the log."""

from __future__ import annotations

import io

from ohjaaja.screens.clients.access_log import AccessLogScreen
from ohjaaja.screens.clients.client_card import ClientCardScreen
from ohjaaja.screens.clients.client_form import ClientFormScreen
from ohjaaja.screens.clients.client_search import ClientSearchScreen
from ohjaaja.screens.clients.reveal import RevealScreen
from ohjaaja.screens.contact.contact import ContactScreen
from rich.console import Console
from textual.widgets import DataTable, Input, Select, Static

from ohjaaja.domain.clock import FixedClock
from ohjaaja.usecases.desk import Desk
from tests.app.helpers import app_for, keys, settle
from tests.conftest import AINO


def rendered(screen, selector: str) -> str:
    """The text a widget shows, as a worker would read it."""
    console = Console(width=78, record=True, file=io.StringIO())
    console.print(screen.query_one(selector, Static).content)
    return console.export_text()


async def test_search_from_anywhere_then_the_card(desk: Desk) -> None:
    client_id = desk.clients.create_client(AINO).client_id
    desk.clients.create_client({**AINO, "last_name": "Mäkelä", "hetu": "010150-123A"})
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "f5")
        screen = app.screen
        assert isinstance(screen, ClientSearchScreen)
        await keys(pilot, *"makinen")
        table = screen.query_one("#found", DataTable)
        assert table.row_count == 1
        assert [str(cell) for cell in table.get_row_at(0)[:3]] == [
            "Mäkinen Aino Maria",
            "13.10.1952",
            "74",
        ]
        await keys(pilot, "enter", "enter")  # to the results, then open the card
        card = app.screen
        assert isinstance(card, ClientCardScreen) and card.client_id == client_id
        text = rendered(card, "#card")
        assert "131052-****" in text and "040 5485906" in text
        assert "308T" not in text
        assert desk.clients.access_log(client_id)[-1].action == "view"


async def test_reveal_asks_why_and_logs_it(desk: Desk) -> None:
    client_id = desk.clients.create_client(AINO).client_id
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ClientCardScreen(desk, client_id, "search"))
        await settle(pilot)
        await keys(pilot, "r")
        assert isinstance(app.screen, RevealScreen)
        await keys(pilot, "enter")  # no reason: asked again
        assert "⚠" in rendered(app.screen, "#form-status")
        await keys(pilot, *"Kela", "enter")
        assert isinstance(app.screen, ClientCardScreen)
        assert "131052-308T" in rendered(app.screen, "#card")
        entry = desk.clients.access_log(client_id)[-1]
        assert (entry.action, entry.reason) == ("reveal", "Kela")
        await keys(pilot, "k")
        log = app.screen
        assert isinstance(log, AccessLogScreen)
        assert log.query_one("#log", DataTable).row_count == 3  # create, view, reveal
        await keys(pilot, "x")
        exported = list((desk.database.parent / "exports").glob("access-log-*.csv"))
        assert len(exported) == 1 and "Kela" in exported[0].read_text(encoding="utf-8")


async def test_edit_with_a_bad_field_then_fixed(desk: Desk) -> None:
    client_id = desk.clients.create_client(AINO).client_id
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ClientCardScreen(desk, client_id, "search"))
        await settle(pilot)
        await keys(pilot, "e")
        form = app.screen
        assert isinstance(form, ClientFormScreen)
        await keys(pilot, "down", "down", "down", "down", "down")  # down moves between fields
        assert form.focused is form.query_one("#email", Input)
        await keys(pilot, *"aino@", "f10")
        assert "⚠" in rendered(form, "#error-email")
        assert form.focused is form.query_one("#email", Input)
        await keys(pilot, *"example.fi", "f10")
        assert isinstance(app.screen, ClientCardScreen)
        assert "aino@example.fi" in rendered(app.screen, "#card")


async def test_the_edit_form_switched_from_swedish_to_english(desk: Desk) -> None:
    """Its lists, errors, count and the kept code's hint follow F2 (sv -> en)."""
    client_id = desk.clients.create_client(AINO).client_id
    app = app_for(desk, "sv")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ClientCardScreen(desk, client_id, "search"))
        await settle(pilot)
        await keys(pilot, "e")
        form = app.screen
        assert isinstance(form, ClientFormScreen)
        form.query_one("#email", Input).value = "aino@"
        await keys(pilot, "f10")
        assert rendered(form, "#error-email").strip() == "⚠ inte en giltig e-postadress"
        assert rendered(form, "#form-status").strip() == "Rätta 1 fält"
        await keys(pilot, "f2")
        assert rendered(form, "#error-email").strip() == "⚠ not a valid email address"
        assert rendered(form, "#form-status").strip() == "Fix 1 field"
        assert rendered(form.query_one("#municipality_code"), "#label").strip() == "Turku"
        assert form.query_one("#hetu", Input).placeholder == "unchanged (131052-****)"


async def test_a_new_clients_municipality_is_the_contacts_or_blank(desk: Desk) -> None:
    """F4 from a contact: the contact's municipality, or none chosen (never the
    first of the list); from the search, the municipality searched, or none."""
    desk.contacts.receive("phone", "ikaihmiset", None)
    turku = desk.contacts.receive("phone", "ikaihmiset", "853")
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "n", "f4")
        assert isinstance(app.screen, ClientFormScreen)
        assert app.screen.query_one("#municipality_code", Select).value is Select.NULL
        await keys(pilot, "escape", "escape")
        desk.contacts.take(turku)
        app.push_screen(ContactScreen(desk, desk.contacts.contact(turku)))
        await settle(pilot)
        await keys(pilot, "f4")
        assert isinstance(app.screen, ClientFormScreen)
        assert app.screen.query_one("#municipality_code", Select).value == "853"
        await keys(pilot, "escape", "escape", "f5", "f4")
        assert isinstance(app.screen, ClientFormScreen)
        assert app.screen.query_one("#municipality_code", Select).value is Select.NULL


async def test_from_a_contact_search_and_pick(desk: Desk, clock: FixedClock) -> None:
    client_id = desk.clients.create_client(AINO).client_id
    contact_id = desk.contacts.receive("chat", "ikaihmiset", "853")
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "n")
        contact = app.screen
        assert isinstance(contact, ContactScreen) and contact.form.client_id is None
        await keys(pilot, "f5")
        assert isinstance(app.screen, ClientSearchScreen) and app.screen.pickable
        await keys(pilot, *"131052", "enter", "ctrl+o")
        assert app.screen is contact and contact.form.client_id == client_id
        reasons = [e.reason for e in desk.clients.access_log(client_id)]
        assert f"contact:{contact_id}" in reasons


async def test_same_name_and_birth_date_is_offered(desk: Desk) -> None:
    client_id = desk.clients.create_client(AINO).client_id
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "f5", "f4")
        form = app.screen
        assert isinstance(form, ClientFormScreen)
        for name, value in (("last_name", "Mäkinen"), ("first_names", "Aino Maria")):
            form.query_one(f"#{name}", Input).value = value
        form.query_one("#birth_date", Input).value = "13.10.1952"
        assert not form.check_action("use_existing", ())  # F6 is offered only for a duplicate
        await keys(pilot, "f10")
        assert "Mäkinen Aino Maria" in rendered(form, "#form-status")
        assert form.check_action("use_existing", ())
        await keys(pilot, "f6")  # the existing client instead
        card = app.screen
        assert isinstance(card, ClientCardScreen) and card.client_id == client_id


async def test_a_number_is_found_on_the_screen_by_its_first_digits(desk: Desk) -> None:
    """Issue 15, item 26: the screen and `clients find` share the desk's search; each
    key typed of Aino's 040 548 5906 from the area code on finds her."""
    desk.clients.create_client(AINO)
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "f5")
        table = app.screen.query_one("#found", DataTable)
        for key in "040548":
            await keys(pilot, key)
            typed = app.screen.query_one("#query", Input).value
            assert table.row_count == (1 if len(typed) >= 3 else 0), typed


async def test_the_services_offered_show_on_the_contact_and_the_card(admin: Desk) -> None:
    admin.clients.create_client(AINO)
    contact_id = admin.contacts.receive("phone", "ikaihmiset", "853", "fi", "+358405485906")
    service = admin.catalogue.search_services("kotihoito")[0]
    admin.catalogue.offer_service(contact_id, service.id, "fi")
    admin.catalogue.record_unmet_need(contact_id, "Saattaja lääkäriin", "fi")
    app = app_for(admin)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "n")
        screen = app.screen
        assert isinstance(screen, ContactScreen)
        offered = rendered(screen, "#offered")
        assert service.name in offered and "Saattaja lääkäriin" in offered
        await keys(pilot, "f6")
        card = app.screen
        assert isinstance(card, ClientCardScreen)
        history = rendered(card, "#card")
        assert service.name in history and "Saattaja lääkäriin" in history


async def test_the_card_shows_a_colleagues_work_without_logging_another_look(
    desk: Desk,
) -> None:
    """A colleague (another process on the file, or a sync round) hands this client
    over while the card is open: the card shows it; showing it again is not a new
    look on the access log."""
    from ohjaaja.usecases.handovers import HandoverForm

    client_id = desk.clients.create_client(AINO).client_id
    colleague = Desk(desk.database, desk.clock, "Kollega")
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ClientCardScreen(desk, client_id, "search"))
        await settle(pilot)
        assert "Avoin siirto" not in rendered(app.screen, "#card")
        colleague.handovers.create_handover(
            HandoverForm(client_id=client_id, to_team="assessment:853", note="Kotihoidon arvio")
        )
        app.heartbeat()  # the beat that looks for other connections' writes
        await settle(pilot)
        assert "Avoin siirto" in rendered(app.screen, "#card")
        looks = [e for e in desk.clients.access_log(client_id) if e.action == "view"]
        assert len(looks) == 1
    colleague.close()
