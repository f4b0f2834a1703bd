"""Pilot tests: what a guidance worker does, key by key."""

from __future__ import annotations

import threading

from ohjaaja.screens.clients.client_form import ClientFormScreen
from ohjaaja.screens.contact.contact import ContactScreen
from ohjaaja.screens.kit.help import HelpScreen
from ohjaaja.screens.queue.log_contact import LogContactScreen
from ohjaaja.screens.queue.queue import QueueScreen
from textual.widgets import DataTable, Input, Static, TextArea

from ohjaaja.domain.clock import FixedClock
from ohjaaja.usecases.desk import Desk
from tests.app.helpers import app_for, burst, choose, keys, settle
from tests.conftest import AINO


def _contact_row(desk: Desk, contact_id: str):
    return desk.conn.execute("SELECT * FROM contact WHERE id = ?", (contact_id,)).fetchone()


async def test_take_next_identify_by_phone_note_outcome_close(
    desk: Desk, clock: FixedClock
) -> None:
    client_id = desk.clients.create_client(AINO).client_id
    older = desk.contacts.receive("phone", "ikaihmiset", "853", "fi", "+358405485906")
    clock.advance(seconds=20)
    desk.contacts.receive("email", "ikaihmiset", "853")
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#queue", DataTable)
        assert table.row_count == 2
        clock.advance(seconds=15)
        await keys(pilot, "n")
        screen = app.screen
        assert isinstance(screen, ContactScreen) and screen.contact.id == older
        # Identified from the caller's number, without a keystroke.
        assert "Mäkinen Aino Maria" in str(screen.query_one("#client", Static).render())
        assert screen.form.client_id == client_id and screen.form.caller_kind == "client"
        await keys(pilot, *"Kysyi kotihoidosta.")
        assert desk.contacts.load_draft(older)[0] == "Kysyi kotihoidosta."
        await choose(pilot, "#outcome", "resolved")
        reasons = screen.query_one("#reasons")
        reasons.focus()
        await keys(pilot, "space")
        clock.advance(minutes=3)
        await keys(pilot, "f10")
        assert isinstance(app.screen, QueueScreen)
    row = _contact_row(desk, older)
    assert row["status"] == "closed" and row["outcome"] == "resolved"
    assert row["note"] == "Kysyi kotihoidosta." and row["client_id"] == client_id
    assert row["reasons"] == '["kotihoito"]'
    assert row["taken_at"] == "2026-11-23T08:00:35.000000Z"
    assert row["closed_at"] == "2026-11-23T08:03:35.000000Z"
    assert desk.contacts.load_draft(older) is None


async def test_close_without_outcome_names_the_field(desk: Desk) -> None:
    desk.contacts.receive("chat", "mipa", "853")
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "n")
        await keys(pilot, "f10")
        errors = str(app.screen.query_one("#errors", Static).render())
        assert "Soittaja: valitse" in errors and "Tulos: valitse" in errors
        assert isinstance(app.screen, ContactScreen)


async def test_new_client_with_bad_fields_then_fixed(desk: Desk) -> None:
    contact_id = desk.contacts.receive("phone", "ikaihmiset", "853", "fi", "+358405485906")
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "n")
        await keys(pilot, "f4")
        form = app.screen
        assert isinstance(form, ClientFormScreen)
        # The caller's number and municipality are filled in already.
        assert form.query_one("#phone", Input).value == "040 5485906"
        await pilot.press(*"Virtanen", "tab", "tab")
        await pilot.press(*"131052-308X")
        form.query_one("#phone", Input).value = "040 548"
        await keys(pilot, "f10")
        assert isinstance(app.screen, ClientFormScreen)
        error_text = {
            name: str(form.query_one(f"#error-{name}", Static).render())
            for name in ("first_names", "hetu", "phone", "last_name")
        }
        assert "pakollinen" in error_text["first_names"]
        assert "tarkistusmerkki" in error_text["hetu"]
        assert "ei ole kelvollinen" in error_text["phone"]
        assert error_text["last_name"] == ""
        assert desk.conn.execute("SELECT count(*) FROM client").fetchone()[0] == 0
        # Fix the fields and save again.
        form.query_one("#first_names", Input).value = "Ville"
        form.query_one("#hetu", Input).value = "131052-308T"
        form.query_one("#phone", Input).value = "040 548 5906"
        await keys(pilot, "f10")
        screen = app.screen
        assert isinstance(screen, ContactScreen)
        assert "Virtanen Ville" in str(screen.query_one("#client", Static).render())
    row = desk.conn.execute("SELECT id, last_name, municipality_code FROM client").fetchone()
    assert tuple(row)[1:] == ("Virtanen", "853")
    assert _contact_row(desk, contact_id)["client_id"] == row["id"]


async def test_find_a_client_by_name(desk: Desk) -> None:
    client_id = desk.clients.create_client(AINO).client_id
    contact_id = desk.contacts.receive("chat", "ikaihmiset", "853")
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "n")
        await keys(pilot, "f3", *"mäkinen ai")
        await pilot.press("enter")  # to the results
        await pilot.press("enter")  # choose the first
        await settle(pilot)
        assert app.screen.form.client_id == client_id
    assert _contact_row(desk, contact_id)["client_id"] == client_id


async def test_a_draft_survives_a_restart(db_path, clock: FixedClock) -> None:
    desk = Desk(db_path, clock, "Testi")
    contact_id = desk.contacts.receive("phone", "lapsiperheet", "853")
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "n")
        await choose(pilot, "#caller_kind", "relative")
        app.screen.query_one("#note", TextArea).focus()
        await keys(pilot, *"Isä soitti, huoli lapsesta")
    desk.close()  # the process ends without closing the contact

    again = Desk(db_path, clock, "Testi")
    app = app_for(again)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ContactScreen) and screen.contact.id == contact_id
        assert screen.query_one("#note", TextArea).text == "Isä soitti, huoli lapsesta"
        assert screen.form.caller_kind == "relative"
    again.close()


async def test_log_a_contact_outside_the_queue(desk: Desk) -> None:
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "l")
        assert isinstance(app.screen, LogContactScreen)
        app.screen.query_one("#phone", Input).value = "0405485906"
        await keys(pilot, "f10")
        screen = app.screen
        assert isinstance(screen, ContactScreen)
        assert screen.contact.channel == "walk_in" and not screen.contact.via_queue
        assert screen.contact.caller_phone == "+358405485906"


async def test_contact_taken_elsewhere_is_told(db_path, clock: FixedClock) -> None:
    desk = Desk(db_path, clock, "Eka")
    other = Desk(db_path, clock, "Toka")
    contact_id = desk.contacts.receive("phone", "ikaihmiset", "853")
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        other.contacts.take(contact_id)  # another desk process on the same host
        await keys(pilot, "t")
        assert isinstance(app.screen, QueueScreen)
        assert any("toinen ehti" in n.message for n in app._notifications)
        assert app.screen.query_one("#queue", DataTable).row_count == 0
    desk.close()
    other.close()


async def test_line_filter_keys(desk: Desk) -> None:
    desk.contacts.receive("phone", "ikaihmiset", "853")
    desk.contacts.receive("phone", "lapsiperheet", "853")
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "1")
        table = app.screen.query_one("#queue", DataTable)
        assert table.row_count == 1
        await keys(pilot, "0")
        assert table.row_count == 2


async def test_f2_is_remembered_for_the_worker(desk: Desk, tmp_path) -> None:
    from ohjaaja.shell.app import make_app
    from ohjaaja.shell.settings import Settings, remembered_language

    kept = tmp_path / "preferences.json"
    settings = Settings(desk.database, desk.worker_name, preferences=kept)
    app = make_app(desk, settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "f2", "f2")
    assert remembered_language(kept, desk.worker_name) == "en"
    assert remembered_language(kept, "Someone else") is None


async def test_the_palette_and_an_open_list_speak_the_workers_language(desk: Desk) -> None:
    from textual.command import CommandInput, CommandList

    app = app_for(desk, "sv")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "ctrl+p")
        assert app.screen.query_one(CommandInput).placeholder == "Sök kommando…"
        await keys(pilot, *"zzzq")
        await pilot.pause(0.8)  # the palette waits half a second before it says so
        found = app.screen.query_one(CommandList)
        assert [str(found.get_option_at_index(0).prompt.renderable)] == ["Inga träffar"]
        await keys(pilot, "escape", "l", "enter")  # a list opened in a dialog
        assert isinstance(app.screen, LogContactScreen)
        shown = {b.binding.description for b in app.screen.active_bindings.values()}
        assert "Stäng listan" in shown and "Dismiss menu" not in shown
        await keys(pilot, "f2")
        shown = {b.binding.description for b in app.screen.active_bindings.values()}
        assert "Close the list" in shown


async def test_language_switch_help_and_palette(desk: Desk) -> None:
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "f2")
        footer_text = " ".join(b.binding.description for b in app.screen.active_bindings.values())
        assert "Nästa" in footer_text
        await keys(pilot, "f2")
        assert "Next" in " ".join(
            b.binding.description for b in app.screen.active_bindings.values()
        )
        await keys(pilot, "f1")
        assert isinstance(app.screen, HelpScreen)
        rows = {row[3]: row for row in app.screen.rows()}
        assert rows["take_next"][:2] == ("n", "Next")
        assert rows["take_next"][2].startswith("Take the next contact")
        assert {"log_contact", "line_1", "help", "language", "quit"} <= set(rows)
        await keys(pilot, "escape")
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Next" in titles and "Log" in titles and "Help" in titles


async def test_the_caller_survives_leaving_and_coming_back(desk: Desk) -> None:
    """Esc, then o: everything chosen is there, and what is chosen on the second
    visit is kept too (the desk had refused a new screen's first saves)."""
    contact_id = desk.contacts.receive("phone", "lapsiperheet", "853")
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "n")
        app.screen.query_one("#note", TextArea).focus()
        await keys(pilot, *"Isä soitti")
        await keys(pilot, "escape", "o")
        assert isinstance(app.screen, ContactScreen)
        await choose(pilot, "#caller_kind", "relative")
        await keys(pilot, "escape", "o")
        screen = app.screen
        assert isinstance(screen, ContactScreen) and screen.contact.id == contact_id
        assert screen.form.caller_kind == "relative"
        assert screen.query_one("#caller_kind").value == "relative"
        assert screen.query_one("#note", TextArea).text == "Isä soitti"
    assert desk.contacts.load_draft(contact_id)[1].caller_kind == "relative"


async def test_keys_typed_while_the_contact_loads_are_kept(desk: Desk, monkeypatch) -> None:
    """A worker who opens a contact and types at once (a browser desk draws before the
    contact's draft has loaded) keeps every key: the note typed before the load ends is
    neither wiped by the loaded note nor left unsaved, and the focus stays in it."""
    import threading

    contact_id = desk.contacts.receive("phone", "lapsiperheet", "853")
    loaded = threading.Event()
    load_draft = desk.contacts.load_draft

    def slow_load(contact: str):
        loaded.wait(timeout=30)
        return load_draft(contact)

    monkeypatch.setattr(desk.contacts, "load_draft", slow_load)
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ContactScreen)
        await pilot.press("f12", *"Soitti itse")
        await pilot.pause()
        loaded.set()
        await settle(pilot)
        note = app.screen.query_one("#note", TextArea)
        assert note.text == "Soitti itse"
        assert app.screen.focused is note
    assert load_draft(contact_id)[0] == "Soitti itse"


async def test_keys_typed_right_after_f12_go_to_the_note(desk: Desk) -> None:
    """Keys that arrive together (a fast typist, a browser desk over a slow link)
    follow the focus that F12 gave: none lands in the field it left."""
    from textual import events

    desk.contacts.receive("phone", "lapsiperheet", "853")
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "n")
        assert app.focused is app.screen.query_one("#search", Input)
        for key, character in (("f12", None), ("o", "o"), ("k", "k")):
            app.post_message(events.Key(key, character))  # all queued before any is handled
        await settle(pilot)
        assert app.screen.query_one("#note", TextArea).text == "ok"
        assert app.screen.query_one("#search", Input).value == ""


async def test_what_is_typed_while_a_contact_is_being_taken_goes_to_the_contact(
    desk: Desk, clock: FixedClock, monkeypatch
) -> None:
    """`n` and at once the caller's name: the contact screen opens after the take's
    writes, and until it does the keys were the queue's (`t` took another contact, `s`
    opened the shift handover beneath, the space opened the caller list). They wait
    for the contact, the letters in its search field, and the queue does nothing."""
    import threading

    first = desk.contacts.receive("email", "ikaihmiset", "853")
    clock.advance(minutes=1)
    desk.contacts.receive("email", "ikaihmiset", "202")
    gate = threading.Event()
    take_next = desk.contacts.take_next

    def held(*args: object, **kwargs: object) -> object:
        gate.wait(30)  # until the keys are in: the take is as slow as it can be
        return take_next(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(desk.contacts, "take_next", held)
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "down")  # the cursor on the second contact: `t` would take it
        # In one burst, as a terminal's keys arrive: each key is on its way through the
        # widgets before the one before it has acted.
        burst(app, "n", *"Virtanen soitti", "backspace", "s", "t")
        await pilot.pause()
        gate.set()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ContactScreen)
        assert screen.contact.id == first
        assert screen.query_one("#search", Input).value == "Virtanen soittst"
        assert [s.__class__.__name__ for s in app.screen_stack[1:]] == [
            "QueueScreen",
            "ContactScreen",
        ]
        assert [c.id for c in desk.contacts.my_open_contacts()] == [first]


def held(monkeypatch, part: object, name: str) -> threading.Event:
    """`part.name` made to wait for the returned event (set it to let it go on)."""
    gate = threading.Event()
    real = getattr(part, name)

    def waiting(*args: object, **kwargs: object) -> object:
        gate.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(part, name, waiting)
    return gate


async def test_a_name_typed_ahead_finds_its_client(desk: Desk, monkeypatch) -> None:
    """The search the typed letters start is not wiped when the contact's state loads
    (found by a review: an e-mail contact has no phone to match, and its empty matches
    replaced the name's)."""
    desk.clients.create_client(AINO)
    desk.contacts.receive("email", "ikaihmiset", "853")
    gate = held(monkeypatch, desk.contacts, "take_next")
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        burst(app, *"nMäk")
        await pilot.pause()
        gate.set()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ContactScreen)
        assert screen.query_one("#search", Input).value == "Mäk"
        assert [m.id for m in screen.matches] != []


async def test_an_abandon_cut_short_by_a_take_does_not_end_the_take(
    desk: Desk, clock: FixedClock, monkeypatch
) -> None:
    """The abandon (p, F10) and the take share one group, the take cancelling it: the
    abandon's end, told later, ended the take's hold on the keys (found by a review),
    and the `s` typed for the contact opened the shift handover beneath it."""
    for _ in range(2):
        desk.contacts.receive("phone", "ikaihmiset", "853")
        clock.advance(seconds=30)
    abandon = held(monkeypatch, desk.contacts, "abandon")
    take = held(monkeypatch, desk.contacts, "take_next")
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("p", "f10", "n", "s")
        abandon.set()
        take.set()
        await settle(pilot)
        names = [type(s).__name__ for s in app.screen_stack[1:]]
        assert names == ["QueueScreen", "ContactScreen"]
        assert app.screen.query_one("#search", Input).value == "s"
