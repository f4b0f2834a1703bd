"""The admin's forms typed by keyboard alone, as a worker at 80x24 does: every text in
fi, sv and en (F3 shows the next language), hours with Swedish day names, exceptional
hours, a bad field named and nothing typed lost; then saved and seen on the card."""

from __future__ import annotations

from datetime import date, time

from ohjaaja.screens.catalogue.organization_form import OrganizationFormScreen
from ohjaaja.screens.catalogue.service_detail import ServiceDetailScreen
from ohjaaja.screens.catalogue.service_form import ServiceFormScreen
from ohjaaja.screens.kit.widgets import field_line
from textual.pilot import Pilot
from textual.widgets import Input

from ohjaaja.usecases.desk import Desk
from tests.app.helpers import app_for, keys, settle
from tests.app.test_client_screens import rendered


async def to_field(pilot: Pilot, name: str) -> None:
    """Tab on until the field has the focus (a field of a hidden language never does)."""
    for _ in range(60):
        focused = pilot.app.focused
        if focused is not None and focused.id == name:
            return
        await keys(pilot, "tab")
    raise AssertionError(f"never reached #{name} by tab")


async def type_into(pilot: Pilot, name: str, text: str) -> None:
    await to_field(pilot, name)
    await keys(pilot, "end", "ctrl+u", *text)


async def test_the_admin_types_every_kind_of_field_and_saves(admin: Desk) -> None:
    (klubitalo,) = admin.catalogue.search_services("klubitalo")
    app = app_for(admin)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "f7", *"klubitalo", "enter", "enter", "e")
        form = app.screen
        assert isinstance(form, ServiceFormScreen)
        assert "suomi (F3: ruotsi, englanti)" in rendered(form, "#text-language")
        await type_into(pilot, "eligibility_fi", "Täysi-ikäinen")
        await keys(pilot, "f3")  # the Swedish texts in place of the Finnish ones
        assert not field_line(form.query_one("#eligibility_fi", Input)).display
        await type_into(pilot, "eligibility_sv", "Myndig")
        await keys(pilot, "f3")
        await type_into(pilot, "name_en", "Clubhouse Aallokko")
        await type_into(pilot, "application_en", "Call us")
        await type_into(pilot, "hours", "mån-fre 8.30-15.30; lö 10-14")
        await type_into(pilot, "exceptions", "24.11. suljettu; 1.7.-31.7. 9-12; 24.12. auki")
        await keys(pilot, "f10")
        assert app.screen is form
        assert " ".join(rendered(form, "#error-exceptions").split()) == (  # wrapped
            "⚠ '24.12. auki': 'auki' ei ole suljettu eikä aukioloaika (9-12); "
            "kirjoita esim. 24.12.-26.12. suljettu; 1.7.-31.7. 9-12"
        )
        assert app.focused is form.query_one("#exceptions", Input)
        typed = {n: form.query_one(f"#{n}", Input).value for n in ("eligibility_sv", "name_en")}
        assert typed == {"eligibility_sv": "Myndig", "name_en": "Clubhouse Aallokko"}
        await keys(pilot, "ctrl+w", *"suljettu", "f10")
        detail = app.screen
        assert isinstance(detail, ServiceDetailScreen)
        card = rendered(detail, "#card")
        assert "Täysi-ikäinen" in card
        assert "24.11.2026 suljettu" in card and "1.7.-31.7.2027 09:00-12:00" in card
        assert "ti 24.11.      kiinni  (poikkeus)" in card  # the next seven days
        assert "la 28.11.      10:00-14:00" in card
    service, _ = admin.catalogue.service(klubitalo.id)  # type: ignore[misc]
    assert service.eligibility == {"fi": "Täysi-ikäinen", "sv": "Myndig"}
    assert (service.name["en"], service.application["en"]) == ("Clubhouse Aallokko", "Call us")
    assert [(e.valid_from, e.valid_to, e.opens) for e in service.exceptional_hours] == [
        (date(2026, 11, 24), date(2026, 11, 24), None),
        (date(2027, 7, 1), date(2027, 7, 31), time(9)),
        (date(2026, 12, 24), date(2026, 12, 24), None),
    ]
    assert [rule.days for rule in service.schedules] == [(0, 1, 2, 3, 4), (5,)]


async def test_a_missing_name_shows_the_language_it_is_asked_in(admin: Desk) -> None:
    """With the English texts shown, an emptied name is asked for there; an error in a
    text of a hidden language shows that language."""
    app = app_for(admin)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "f7", *"klubitalo", "enter", "enter", "e", "f3", "f3")
        form = app.screen
        assert isinstance(form, ServiceFormScreen)
        for name in ("name_fi", "name_sv", "name_en"):
            form.query_one(f"#{name}", Input).value = ""
        await keys(pilot, "f10")
        assert "⚠" in rendered(form, "#error-name_en")
        assert app.focused is form.query_one("#name_en", Input)


async def test_the_organisation_form_edits_its_english_description(admin: Desk) -> None:
    app = app_for(admin)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "f7", *"klubitalo", "enter", "enter", "e", "f6")
        dialog = app.screen
        assert isinstance(dialog, OrganizationFormScreen)
        await type_into(pilot, "description_en", "Mental health association")
        await keys(pilot, "f10")
        assert isinstance(app.screen, ServiceFormScreen)
    (organization,) = [o for o in admin.catalogue.organizations() if o.description.get("en")]
    assert organization.description["en"] == "Mental health association"
