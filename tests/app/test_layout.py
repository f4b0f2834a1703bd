"""Pilot: everything a worker needs is readable whole at 80x24.

What a screen draws is read back from the terminal picture itself (the strips
Textual would write), so a text cut by its column, covered by another widget or
scrolled out of view fails, even when the widget holds the whole text.
"""

from __future__ import annotations

import re

import pytest
from ohjaaja.screens.catalogue.organization_form import OrganizationFormScreen
from ohjaaja.screens.catalogue.service_form import ServiceFormScreen
from ohjaaja.screens.clients.access_log import AccessLogScreen
from ohjaaja.screens.clients.client_card import ClientCardScreen
from ohjaaja.screens.clients.client_form import ClientFormScreen
from ohjaaja.screens.clients.relative_form import RelativeFormScreen
from ohjaaja.screens.handovers.handover_form import HandoverFormScreen
from ohjaaja.screens.handovers.notification_form import NotificationFormScreen
from ohjaaja.screens.kit.widgets import field_line
from ohjaaja.screens.queue.callback import CallbackScreen
from ohjaaja.screens.queue.log_contact import LogContactScreen
from textual.app import App
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input

from ohjaaja.domain import teams
from ohjaaja.i18n import t_in
from ohjaaja.usecases.desk import Desk
from tests.app.helpers import app_for, keys, settle
from tests.conftest import AINO


def picture(app: App) -> list[str]:
    """The lines of the terminal as drawn, 80 characters each."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def shown_in(app: App, widget: Widget) -> str:
    """What the terminal shows where the widget is: its visible part only."""
    visible = app.screen._compositor.visible_widgets.get(widget)
    if visible is None:
        return ""
    region, clip = visible
    region = region.intersection(clip).intersection(widget.content_region)
    lines = picture(app)[region.y : region.bottom]
    return squeeze(" ".join(line[region.x : region.right] for line in lines))


def field_errors(screen: Screen) -> dict[str, str]:
    """Each field error the form holds, by its widget id."""
    found = {}
    for widget in screen.query(".error"):
        held = squeeze(str(widget.render()))
        if held:
            found[widget.id or ""] = held
    return found


def assert_errors_whole(app: App) -> None:
    errors = field_errors(app.screen)
    assert errors, "the form showed no field errors"
    for error_id, held in errors.items():
        widget = app.screen.query_one(f"#{error_id}")
        assert held in shown_in(app, widget), (error_id, held, shown_in(app, widget))


async def type_into(pilot, screen: Screen, values: dict[str, str]) -> None:
    for name, value in values.items():
        screen.query_one(f"#{name}", Input).value = value
    await settle(pilot)


async def test_client_form_errors_are_whole_at_80x24_in_every_language(desk: Desk) -> None:
    for language in ("fi", "sv", "en"):
        app = app_for(desk, language)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            app.push_screen(ClientFormScreen(desk, {}))
            await settle(pilot)
            await type_into(
                pilot,
                app.screen,
                {
                    "last_name": "Virtanen",
                    "hetu": "131052-308X",
                    "birth_date": "31.02.1952",
                    "phone": "040 12",
                    "email": "aino@",
                },
            )
            await keys(pilot, "f10")
            assert len(field_errors(app.screen)) >= 4
            assert_errors_whole(app)


FORMS = {
    "client": lambda desk: ClientFormScreen(desk, {}),
    "relative": lambda desk: RelativeFormScreen(desk, "no-such-client"),
    "organization": lambda desk: OrganizationFormScreen(desk, None),
    "service": lambda desk: ServiceFormScreen(desk, None),
    "handover": lambda desk: HandoverFormScreen(desk, None, None, "Mäkinen Aino", "853"),
    "notification": lambda desk: NotificationFormScreen(desk, None, None, "Mäkinen Aino", "853"),
    "log_contact": lambda desk: LogContactScreen(desk),
}


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
@pytest.mark.parametrize("form", list(FORMS))
async def test_every_field_error_of_every_form_is_readable_whole(
    admin: Desk, form: str, language: str
) -> None:
    """The longest field error there is, on every field of the form at once: the
    worker going down the form sees each one whole beside the field it is about."""
    longest = t_in(language, "error.hetu.impossible")
    app = app_for(admin, language)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(FORMS[form](admin))
        await settle(pilot)
        screen = app.screen
        shown = [w for w in screen.query(".error") if field_line(w).display]
        assert shown
        for error in shown:
            error.update(f"⚠ {longest}")
        await settle(pilot)
        for error in shown:
            field = screen.query_one(f"#{(error.id or '').removeprefix('error-')}")
            field.focus()
            await settle(pilot)
            assert f"⚠ {longest}" in shown_in(app, error), (error.id, shown_in(app, error))


def in_view(app: App, widget: Widget) -> bool:
    """Whether the whole of the widget's first line is on the terminal, unclipped."""
    visible = app.screen._compositor.visible_widgets.get(widget)
    if visible is None:
        return False
    region, clip = visible
    first_line = region.intersection(clip).intersection(widget.region)
    return first_line.height > 0 and first_line.width == region.width


@pytest.mark.parametrize("form", [*FORMS, "callback"])
async def test_tab_reaches_every_field_of_every_form_in_view(admin: Desk, form: str) -> None:
    """Tab from the first field to the last, at 80x24: each field the focus lands on
    is drawn where the worker can see it (a form longer than the screen scrolls)."""
    contact = admin.contacts.receive("phone", "ikaihmiset", "853")
    admin.contacts.take(contact)
    forms = {**FORMS, "callback": lambda desk: CallbackScreen(desk, desk.contacts.contact(contact))}
    app = app_for(admin)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(forms[form](admin))
        await settle(pilot)
        seen: list[Widget] = []
        while app.focused is not None and app.focused not in seen:
            seen.append(app.focused)
            assert in_view(app, app.focused), (form, app.focused, len(seen))
            await keys(pilot, "tab")
        assert len(seen) >= 3, seen


def no_codes(text: str) -> None:
    """Neither a message key nor a team code: what only the program reads."""
    assert not re.search(r"\b(audit|handover|notification|card|log)\.[a-z_]+", text), text
    assert not re.search(r"\b[a-z]+_[a-z_]+(:\d{3})?\b", text), text


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
async def test_the_card_and_the_access_log_speak_words_not_codes(desk: Desk, language: str) -> None:
    client_id = desk.clients.create_client(AINO).client_id
    contact = desk.contacts.log_contact("phone", "lapsiperheet", "853")
    fields = {"subject": "Lapsi", "concern": "Jäi yksin kotiin", "danger_now": True}
    made, errors = desk.handovers.create_notification(
        "child_welfare", fields, contact, client_id, "853"
    )
    assert made and not errors
    app = app_for(desk, language)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ClientCardScreen(desk, client_id, "search"))
        await settle(pilot)
        card = "\n".join(picture(app))
        assert teams.team_name("child_welfare:853", language) in card, card
        no_codes(card)
        await keys(pilot, "k")
        assert isinstance(app.screen, AccessLogScreen)
        log = "\n".join(picture(app))
        assert t_in(language, "audit.notification") in log
        no_codes(log)


def test_every_access_log_action_has_words() -> None:
    """Each action the use cases write to the access log reads as words in the log."""
    from pathlib import Path

    import ohjaaja.usecases

    source = "".join(p.read_text() for p in Path(ohjaaja.usecases.__file__).parent.glob("*.py"))
    actions = set(re.findall(r"ctx\.audit\(\s*conn,\s*[^,]+,\s*\"(\w+)\"", source))
    assert {"view", "handover", "notification"} <= actions
    for action in actions:
        for language in ("fi", "sv", "en"):
            assert t_in(language, f"audit.{action}") != f"audit.{action}", action


async def test_the_saved_access_log_path_is_shown_whole(desk: Desk) -> None:
    client_id = desk.clients.create_client(AINO).client_id
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(AccessLogScreen(desk, client_id, "Mäkinen Aino"))
        await settle(pilot)
        await keys(pilot, "x")
        (saved,) = (desk.database.parent / "exports").glob("access-log-*.csv")
        told = t_in("fi", "log.exported", path=str(saved)).replace(" ", "")
        shown = shown_in(app, app.screen.query_one("#status")).replace(" ", "")  # a path folds
        assert told in shown, picture(app)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
async def test_the_saved_summary_path_is_shown_whole(admin: Desk, language: str) -> None:
    from ohjaaja.screens.contact.offer_context import OfferContext
    from ohjaaja.screens.contact.offer_summary import OfferSummaryScreen

    contact = admin.contacts.log_contact("phone", "ikaihmiset", "853")
    app = app_for(admin, language)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(OfferSummaryScreen(admin, OfferContext(contact, "Aino", "853", language)))
        await settle(pilot)
        await keys(pilot, "x")
        (saved,) = (admin.database.parent / "exports").glob("summary-*.txt")
        told = t_in(language, "summary.saved", path=str(saved)).replace(" ", "")
        shown = shown_in(app, app.screen.query_one("#status")).replace(" ", "")  # a path folds
        assert told in shown, picture(app)


async def test_a_colleagues_shift_note_is_readable_whole_before_it_is_acknowledged(
    desk: Desk, clock
) -> None:
    from ohjaaja.screens.handovers.shift import ShiftScreen

    note = "Aino Mäkisen tytär soittaa iltapäivällä kotihoidon käynneistä; katso siirto"
    colleague = Desk(desk.database, clock, "Kollega Yövuoro")
    made, errors = colleague.handovers.hand_over_shift(note)
    colleague.close()
    assert made and not errors
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ShiftScreen(desk))
        await settle(pilot)
        app.screen.query_one("#pending").focus()
        await settle(pilot)
        assert squeeze(note) in squeeze(" ".join(picture(app))), picture(app)


def table_fits(app: App) -> None:
    """No table of the screen is wider than its place: no column scrolls out of sight."""
    from textual.widgets import DataTable

    for table in app.screen.query(DataTable):
        assert table.virtual_size.width <= table.scrollable_content_region.width, (
            table.id,
            table.virtual_size.width,
            table.scrollable_content_region.width,
        )


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
async def test_the_handover_list_shows_names_urgency_and_the_message_readable(
    desk: Desk, language: str
) -> None:
    from ohjaaja.screens.handovers.handovers import HandoversScreen

    from ohjaaja.usecases.handovers import HandoverForm

    client_id = desk.clients.create_client(
        {**AINO, "last_name": "Heikkilä", "first_names": "Olavi"}
    ).client_id
    liisa = Desk(desk.database, desk.clock, "Virtanen Liisa")
    note = "Kotihoidon käynnit lisättävä, tytär soittaa iltapäivällä"
    made, _ = liisa.handovers.create_handover(
        HandoverForm(
            client_id=client_id, to_worker_id=desk.worker_id, note=note, urgency="same_day"
        )
    )
    liisa.close()
    assert made
    app = app_for(desk, language)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(HandoversScreen(desk))
        await settle(pilot)
        shown = "\n".join(picture(app))
        table_fits(app)
        assert "Virtanen Liisa" in shown, shown
        assert "Heikkilä Olavi" in shown, shown
        urgency = t_in(language, "urgency.short.same_day")
        assert re.search(rf"\s{re.escape(urgency)}\s", shown), shown
        assert "Kotihoidon" in shown and "käynnit" in shown, shown


def test_the_short_urgencies_are_whole_words() -> None:
    assert t_in("fi", "urgency.short.same_day") == "TÄNÄÄN"


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
async def test_the_access_log_fits_80_columns_with_its_reasons_readable(
    desk: Desk, language: str
) -> None:
    client_id = desk.clients.create_client(AINO).client_id
    desk.clients.client_card(client_id, "Tytär soitti äidin kotihoidon käynneistä")
    app = app_for(desk, language)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(AccessLogScreen(desk, client_id, "Mäkinen Aino"))
        await settle(pilot)
        table_fits(app)
        shown = squeeze(" ".join(picture(app)))
        assert "Tytär soitti" in shown, picture(app)
        assert desk.worker_name in shown, picture(app)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
async def test_the_title_shows_the_lines_name_whole(desk: Desk, language: str) -> None:
    """The longest line's name in the contact screen's title, where a contact puts it
    (not written into the queue's title by hand: the queue's own refresh, on the
    heartbeat, would write its title again whenever a loaded machine lets it run)."""
    desk.contacts.receive("phone", "sosiaalipaivystys", "853", language, "+358405485906")
    app = app_for(desk, language)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "n")
        name = t_in(language, "line.sosiaalipaivystys")
        assert name in picture(app)[0], picture(app)[0]
        assert desk.worker_name.split()[0] in picture(app)[0]


async def test_toasts_cover_neither_the_status_line_nor_the_footer(desk: Desk) -> None:
    """A toast sits at the top right: the status line and the footer's keys stay readable."""
    from textual.widgets import Footer
    from textual.widgets._toast import Toast

    app = app_for(desk)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        app.notify("Kieli vaihdettu: tämä ilmoitus on niin pitkä, että se jatkuu riveille")
        await settle(pilot)
        (toast,) = app.screen.query(Toast)
        kept = [app.screen.query_one("#status"), app.screen.query_one(Footer)]
        assert toast.region.x >= 39 and toast.region.y <= 2, toast.region  # top right
        for widget in kept:
            assert not toast.region.overlaps(widget.region), (widget, toast.region)


@pytest.mark.parametrize("beneath", ["f7", "h"])
async def test_help_covers_the_screen_and_shows_its_last_line_whole(
    desk: Desk, beneath: str
) -> None:
    """F1 over the catalogue (a wide table) or the handovers: nothing of the screen
    beneath shows at its edges, its scrollbar is inside its frame, and scrolled to
    the end its last hint is whole."""
    from ohjaaja.screens.kit.help import HelpScreen

    from ohjaaja.i18n import t

    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, beneath, "f1")
        assert isinstance(app.screen, HelpScreen)
        dialog = app.screen.query_one("#dialog")
        dialog.scroll_end(animate=False)
        await settle(pilot)
        lines = picture(app)
        assert lines[0].startswith("╭") and lines[0].endswith("╮"), lines[0]
        for line in lines[1:22]:
            assert line[0] == "│" and line[-1] in "│▁▂▃▄▅▆▇█▔", line
        assert lines[22].startswith("╰"), lines[22]
        inside = squeeze(" ".join(line[1:-1] for line in lines[1:22]))
        assert squeeze(t("help.keymap_hint")) in inside, lines


async def test_a_dialog_is_the_whole_width_and_starts_at_the_top(desk: Desk) -> None:
    """At 80x24 a dialog has every column and line there is for its fields and errors."""
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "l")
        assert isinstance(app.screen, LogContactScreen)
        region = app.screen.query_one("#dialog").region
        assert (region.x, region.y, region.width) == (0, 0, 80), region


@pytest.mark.parametrize("field", ["#outcome", "#caller_kind"])
async def test_an_open_list_fits_whole_between_the_title_and_the_footer(
    desk: Desk, field: str
) -> None:
    """The contact's outcome list (its last field) and the caller list (its first):
    open, every option is on screen, over neither its own field nor the footer, and
    no text of the lines it covers shows beside it."""
    from textual.widgets import Footer, Select
    from textual.widgets._select import SelectOverlay

    desk.contacts.receive("phone", "ikaihmiset", "853", "fi", "+358405485906")
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "n")
        select = app.screen.query_one(field, Select)
        select.focus()
        await keys(pilot, "enter")
        assert select.expanded
        overlay = select.query_one(SelectOverlay)
        lines = picture(app)
        shown = squeeze(" ".join(lines[overlay.region.y : overlay.region.bottom]))
        for prompt, _value in select._options[1:]:
            assert squeeze(str(prompt)) in shown, (prompt, lines)
        # Nothing of the lines beneath shows beside the options, to read as one of them.
        prompts = {squeeze(str(prompt)) for prompt, _value in select._options} | {"—"}
        for line in lines[overlay.region.y : overlay.region.bottom]:
            assert squeeze(line[overlay.region.x :]) in prompts, line
        assert not overlay.region.overlaps(select.region), (overlay.region, select.region)
        footer = app.screen.query_one(Footer)
        assert overlay.region.bottom <= footer.region.y, (overlay.region, footer.region)
        assert overlay.region.y >= 1  # below the title


async def test_a_toast_leaves_the_status_line_and_the_footer_readable(desk: Desk) -> None:
    """'Yhteydenotto suljettu' after F10 sat over the queue's status line: a toast
    shows above the status lines and the footer, not on them."""
    from ohjaaja.usecases.handovers import HandoverForm

    desk.handovers.create_handover(HandoverForm(to_worker_id=desk.worker_id, note="Soita"))
    app = app_for(desk)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        status = app.screen.query_one("#status")
        before = shown_in(app, status)
        assert "Uusia siirtoja" in before
        app.notify("Yhteydenotto suljettu")
        await settle(pilot)
        assert "Yhteydenotto suljettu" in squeeze(" ".join(picture(app)))
        assert shown_in(app, status) == before
        assert "f1 Ohje" in picture(app)[-1]


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
async def test_the_catalogues_short_words_are_whole(admin: Desk, language: str) -> None:
    """'avgi…': the price and open-now columns hold their words whole in every language."""
    from ohjaaja.screens.catalogue.catalogue import CatalogueScreen

    app = app_for(admin, language)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "f7", *"kotihoito")
        assert isinstance(app.screen, CatalogueScreen)
        words = set(squeeze(" ".join(picture(app))).split())
        assert t_in(language, "catalogue.paid_short") in words
        for column in ("open", "cost", "languages"):
            assert t_in(language, f"catalogue.col.{column}") in words, column
        assert {t_in(language, "catalogue.open"), t_in(language, "catalogue.closed")} & words
