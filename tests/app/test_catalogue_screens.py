"""Pilot tests: the catalogue from anywhere and from a contact, filters, a service's
detail, offering, an unmet need, the summary, and the admin's edit."""

from __future__ import annotations

from ohjaaja.screens.catalogue.catalogue import CatalogueScreen
from ohjaaja.screens.catalogue.service_detail import ServiceDetailScreen
from ohjaaja.screens.catalogue.service_form import ServiceFormScreen
from ohjaaja.screens.contact.contact import ContactScreen
from ohjaaja.screens.contact.offer_summary import OfferSummaryScreen
from ohjaaja.screens.contact.unmet_need import UnmetNeedScreen
from textual.widgets import Checkbox, DataTable, Input, Select, Static, TextArea

from ohjaaja.domain.clock import FixedClock
from ohjaaja.usecases.desk import Desk
from tests.app.helpers import app_for, choose, keys, settle
from tests.app.test_client_screens import rendered
from tests.conftest import AINO


def names(screen: CatalogueScreen) -> list[str]:
    table = screen.query_one("#services", DataTable)
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


async def test_search_as_one_types_and_narrow_with_filters(admin: Desk) -> None:
    app = app_for(admin)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "f7")
        screen = app.screen
        assert isinstance(screen, CatalogueScreen)
        assert len(names(screen)) == 100  # the first page, by name
        await keys(pilot, *"kotih")
        assert names(screen)[0].startswith("Kotihoito")
        await keys(pilot, "down")  # the results' cursor moves; the focus stays in the box
        assert screen.focused is screen.query_one("#query", Input)
        assert screen.query_one("#services", DataTable).cursor_row == 1
        await choose(pilot, "#municipality", "445")  # Parainen
        assert names(screen) == ["Kotihoito – Parainen", "Yksityinen kotihoito"]
        await choose(pilot, "#sector", "private")
        assert names(screen) == ["Yksityinen kotihoito"]
        assert "Palveluja: 1" in rendered(screen, "#status")
        await choose(pilot, "#cost", "free")
        assert names(screen) == []
        assert "Ei palveluja" in rendered(screen, "#status")


async def test_the_list_pages_on_with_pgdn_and_tells_the_true_total(admin: Desk) -> None:
    app = app_for(admin)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "f7")
        screen = app.screen
        assert isinstance(screen, CatalogueScreen)
        first_page = names(screen)
        assert len(first_page) == 100
        assert "Palveluja 1–100 / 173" in rendered(screen, "#status")
        await keys(pilot, "pagedown")  # from the search line: the next page
        second_page = names(screen)
        assert len(second_page) == 73 and not set(first_page) & set(second_page)
        assert "Palveluja 101–173 / 173" in rendered(screen, "#status")
        table = screen.query_one("#services", DataTable)
        table.focus()
        await keys(pilot, "pageup")  # on the first row of the page: the page before,
        assert names(screen) == first_page  # its last row under the cursor
        assert table.cursor_row == 99
        await keys(pilot, "ctrl+home", "pagedown")  # within the page: a screenful down
        assert names(screen) == first_page and 0 < table.cursor_row < 99
        await keys(pilot, "ctrl+end", "pagedown")  # from its last row: on to the next page
        assert names(screen) == second_page and table.cursor_row == 0
        screen.query_one("#query", Input).focus()
        await keys(pilot, *"kotih")  # fewer than a page: the plain count, PgDn the table's
        assert "Palveluja: " in rendered(screen, "#status")
        assert not screen.paged


async def test_open_now_on_a_holiday_night(admin: Desk, clock: FixedClock) -> None:
    from datetime import UTC, datetime

    clock.set(datetime(2026, 12, 24, 20, 0, tzinfo=UTC))  # Christmas Eve, 22:00
    app = app_for(admin)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "f7")
        screen = app.screen
        screen.query_one("#open_now", Checkbox).focus()
        await keys(pilot, "space")
        open_now = names(screen)
        assert "Sosiaali- ja kriisipäivystys" in open_now and "Päihdepäivystys" in open_now
        assert "Kasvatus- ja perheneuvola" not in open_now


async def test_from_a_contact_offer_record_a_need_and_read_the_summary(admin: Desk) -> None:
    admin.clients.create_client({**AINO, "language": "sv", "municipality_code": "445"})
    contact = admin.contacts.receive("phone", "ikaihmiset", "445", "sv", "+358405485906")
    app = app_for(admin)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "n")
        assert isinstance(app.screen, ContactScreen)
        await keys(pilot, "f7")
        screen = app.screen
        assert isinstance(screen, CatalogueScreen)
        assert screen.context is not None and screen.context.language == "sv"
        # Opened for the client: her municipality, names in her language.
        await keys(pilot, *"hemv")
        assert names(screen)[:2] == ["Hemvård – Pargas", "Privat hemvård"]
        await keys(pilot, "ctrl+o")  # the first, highlighted under the search box
        # The screen speaks the worker's language; the service is named in the client's.
        assert "tarjottu: Hemvård – Pargas" in rendered(screen, "#status")
        await keys(pilot, "down", "enter")  # open the second one, from the box
        detail = app.screen
        assert isinstance(detail, ServiceDetailScreen)
        text = rendered(detail, "#card")
        assert "Privat hemvård" in text and "Från 45 €/h" in text
        await keys(pilot, "ctrl+o")  # offered from the detail; back to the list
        assert app.screen is screen
        await keys(pilot, "up", "enter", "ctrl+o")  # the first, offered already: said; stays
        assert app.screen is not screen
        assert "jo tarjottu: Hemvård – Pargas" in rendered(app.screen, "#status")
        await keys(pilot, "escape")
        assert app.screen is screen
        await keys(pilot, "ctrl+g")
        assert isinstance(app.screen, UnmetNeedScreen)
        await keys(pilot, "enter")  # nothing written: asked again
        assert "⚠" in rendered(app.screen, "#form-status")
        await keys(pilot, *"Kamratgrupp i Pargas", "enter")
        assert app.screen is screen
        await keys(pilot, "ctrl+r")
        summary = app.screen
        assert isinstance(summary, OfferSummaryScreen)
        text = summary.query_one("#summary", TextArea).text
        assert text.startswith("Tjänster som vi talade om:")
        assert "1. Hemvård – Pargas" in text and "2. Privat hemvård" in text
        assert "Kamratgrupp i Pargas" in rendered(summary, "#offers")
        await keys(pilot, "l")  # the same summary in English, then save it to send
        assert summary.query_one("#summary", TextArea).text.startswith("Services we talked")
        await keys(pilot, "x")
        saved = list((admin.database.parent / "exports").glob("summary-*.txt"))
        assert len(saved) == 1 and "Services we talked about" in saved[0].read_text("utf-8")
    offers = admin.catalogue.offers(contact, "fi")
    assert [(o.name, o.unmet_need) for o in offers] == [
        ("Kotihoito – Parainen", False),
        ("Yksityinen kotihoito", False),
        ("Kamratgrupp i Pargas", True),
    ]


async def test_admin_edits_a_service_and_a_bad_field_is_named(admin: Desk) -> None:
    app = app_for(admin)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "f7", *"klubitalo", "enter", "enter")
        detail = app.screen
        assert isinstance(detail, ServiceDetailScreen)
        await keys(pilot, "e")
        form = app.screen
        assert isinstance(form, ServiceFormScreen)
        hours = form.query_one("#hours", Input)
        assert hours.value == "ma-pe 08:30-15:30"  # the days in the worker's language
        hours.value = "ma-pe 08:30-15:30; la 25:00-14:00"
        await keys(pilot, "f10")
        assert app.screen is form
        assert "⚠" in rendered(form, "#error-hours")
        hours.value = "ma-pe 8.30-15.30; la 10-14"
        await keys(pilot, "f10")
        assert app.screen is detail
        assert "10:00-14:00" in rendered(detail, "#card")


async def test_the_form_shows_the_numbers_the_service_is_called_on(admin: Desk) -> None:
    """Most services are called on their organisation's number: the form shows it in
    the empty field (saving leaves it the organisation's), and a service's own numbers
    as its value."""
    app = app_for(admin)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "f7", *"klubitalo", "enter", "enter", "e")
        form = app.screen
        assert isinstance(form, ServiceFormScreen)
        phones = form.query_one("#phones", Input)
        assert phones.value == "" and "02 2510300" in phones.placeholder
        assert "organisaation" in phones.placeholder
        # Every text of the detail is on the form, in fi, sv and en, and the address.
        for name in ("description_en", "eligibility_sv", "application_en", "fees_en", "city"):
            assert form.query_one(f"#{name}", Input)
        assert form.query_one("#address", Input).value != ""
        await keys(pilot, "f10")
        assert not isinstance(app.screen, ServiceFormScreen)
    (klubitalo,) = admin.catalogue.search_services("klubitalo")
    service, _ = admin.catalogue.service(klubitalo.id)  # type: ignore[misc]
    assert service.phones == ()  # still the organisation's number, not a copy of it


FIELDS = ("organization_id", "name_fi", "hours", "eve_closes", "areas", "phones", "languages")


def shown_error(form: ServiceFormScreen, name: str) -> str:
    return rendered(form, f"#error-{name}").strip()


async def test_the_service_form_names_bad_fields_in_the_workers_language(admin: Desk) -> None:
    app = app_for(admin)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "f7", *"klubitalo", "enter", "enter", "e")
        form = app.screen
        assert isinstance(form, ServiceFormScreen)
        form.query_one("#hours", Input).value = "xx-pe 9-16"  # ma-pe would do
        form.query_one("#eve_closes", Input).value = "25:00"
        form.query_one("#areas", Input).value = "Tukholma"
        await keys(pilot, "f10")
        shown = {name: shown_error(form, name) for name in FIELDS if shown_error(form, name)}
        assert shown == {
            "hours": "⚠ 'xx-pe 9-16': 'xx-pe' ei ole viikonpäivä; kirjoita esim. ma-pe 8-16",
            "eve_closes": "⚠ '25:00' ei ole kellonaika (HH:MM)",
            "areas": "⚠ 'Tukholma' ei ole alueen kunta",
        }
        status = rendered(form, "#form-status").strip()
        assert status == "Korjaa 3 kenttää · Kunnat: 'Tukholma' ei ole alueen kunta"
        # Once the texts read, the rules: a name in some language, an organisation.
        form.query_one("#hours", Input).value = "mon-fri 09:00-16:00"
        form.query_one("#eve_closes", Input).value = ""
        form.query_one("#areas", Input).value = ""
        form.query_one("#organization_id", Select).clear()
        for name in ("name_fi", "name_sv", "name_en"):
            form.query_one(f"#{name}", Input).value = ""
        await keys(pilot, "f10")
        shown = {name: shown_error(form, name) for name in FIELDS if shown_error(form, name)}
        assert shown == {
            "organization_id": "⚠ valitse organisaatio",
            "name_fi": "⚠ anna nimi ainakin yhdellä kielellä",
        }
        assert rendered(form, "#form-status").startswith("Korjaa 2 kenttää · Organisaatio: valitse")


async def test_a_description_too_long_to_store_is_named_on_its_field(admin: Desk) -> None:
    app = app_for(admin)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "f7", *"klubitalo", "enter", "enter", "e")
        form = app.screen
        assert isinstance(form, ServiceFormScreen)
        form.query_one("#description_fi", Input).value = "x" * 40_000
        await keys(pilot, "f10")
        assert app.screen is form  # the typed text stays to be shortened
        assert shown_error(form, "description_fi").startswith("⚠ enintään 30000 merkkiä (")
        assert form.query_one("#description_fi", Input).value == "x" * 40_000


async def test_a_guidance_worker_has_no_admin_keys(desk: Desk, admin: Desk) -> None:
    app = app_for(desk)  # the same database, without the admin role
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "f7", *"klubitalo", "enter", "enter", "e", "f4")
        assert isinstance(app.screen, ServiceDetailScreen)
        assert not isinstance(app.screen, ServiceFormScreen)
        footer = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert "Muokkaa" not in footer


async def test_the_admin_lists_services_not_verified_for_a_year(
    admin: Desk, clock: FixedClock
) -> None:
    from datetime import timedelta

    (klubitalo,) = [hit.id for hit in admin.catalogue.search_services("klubitalo")]
    clock.set(clock.now() + timedelta(days=400))
    assert admin.catalogue.mark_verified(klubitalo) == []
    app = app_for(admin)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "f7", *"klubitalo")
        screen = app.screen
        assert isinstance(screen, CatalogueScreen)
        assert names(screen) == ["Klubitalo Aallokko"]
        await keys(pilot, "ctrl+l")  # only those to check: this one was just checked
        assert names(screen) == [] and "tarkistamatta" in rendered(screen, "#status")
        screen.query_one("#query", Input).value = ""
        await settle(pilot)
        assert names(screen) and all(name.startswith("! ") for name in names(screen))
        await keys(pilot, "ctrl+l")
        assert "Klubitalo Aallokko" in names(screen)


async def test_web_and_email_addresses_are_checked_and_the_details_ticked_verified(
    admin: Desk, clock: FixedClock
) -> None:
    """The service form's web address and e-mail, refused by their rules in the worker's
    language naming the field; a tick marks the details checked today."""
    from ohjaaja.screens.kit.widgets import Tick

    from ohjaaja.domain.clock import local

    (klubitalo,) = admin.catalogue.search_services("klubitalo")
    app = app_for(admin)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "f7", *"klubitalo", "enter", "enter", "e")
        form = app.screen
        assert isinstance(form, ServiceFormScreen)
        form.query_one("#website", Input).value = "ftp://klubitalo.fi"
        form.query_one("#email", Input).value = "klubitalo@"
        await keys(pilot, "f10")
        assert app.screen is form
        assert shown_error(form, "website").startswith("⚠ ftp://klubitalo.fi: ei verkko-osoite")
        assert shown_error(form, "email").startswith("⚠ ei kelvollinen sähköpostiosoite")
        status = rendered(form, "#form-status").strip()
        assert status.startswith("Korjaa 2 kenttää · Verkkosivu: ftp://klubitalo.fi")
        form.query_one("#website", Input).value = "www.klubitalo.fi"
        form.query_one("#email", Input).value = "info@Klubitalo.FI"
        tick = form.query_one("#verified", Tick)
        assert not tick.value and "tarkistettu" in str(tick.label).lower()
        tick.value = True
        await keys(pilot, "f10")
        assert not isinstance(app.screen, ServiceFormScreen)
    service, _ = admin.catalogue.service(klubitalo.id)  # type: ignore[misc]
    assert (service.url, service.email) == ("https://www.klubitalo.fi", "info@klubitalo.fi")
    assert service.last_verified == local(clock.now()).date()


async def test_the_organisation_form_checks_its_web_address_and_email(admin: Desk) -> None:
    from ohjaaja.screens.catalogue.organization_form import OrganizationFormScreen

    app = app_for(admin)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "f7", "f4", "f4")
        form = app.screen
        assert isinstance(form, OrganizationFormScreen)
        form.query_one("#name_fi", Input).value = "Uusi yhdistys ry"
        form.query_one("#website", Input).value = "https://user:pw@yhdistys.fi"
        form.query_one("#email", Input).value = "yhdistys"
        await keys(pilot, "f10")
        assert app.screen is form
        assert "ei verkko-osoite" in rendered(form, "#error-website")
        assert "sähköpostiosoite" in rendered(form, "#error-email")
        form.query_one("#website", Input).value = "yhdistys.fi"
        form.query_one("#email", Input).value = "info@yhdistys.fi"
        form.query_one("#description_fi", Input).value = "x" * 40_000  # more than is stored
        await keys(pilot, "f10")
        assert app.screen is form  # not closed as if saved
        assert rendered(form, "#error-description_fi").strip().startswith("⚠ enintään 30000")
        form.query_one("#description_fi", Input).value = ""
        await keys(pilot, "f10")
        assert not isinstance(app.screen, OrganizationFormScreen)
    (made,) = [o for o in admin.catalogue.organizations() if o.name.get("fi") == "Uusi yhdistys ry"]
    assert (made.website, made.email) == ("https://yhdistys.fi", "info@yhdistys.fi")


async def test_every_place_of_a_service_is_edited_on_its_form(admin: Desk) -> None:
    (klubitalo,) = admin.catalogue.search_services("klubitalo")
    app = app_for(admin)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "f7", *"klubitalo", "enter", "enter", "e")
        form = app.screen
        assert isinstance(form, ServiceFormScreen)
        assert "Paikka 2" in rendered(form, "#place-2")  # room for a second place
        form.query_one("#address_2", Input).value = "Sivupiste 2"
        form.query_one("#city_2", Input).value = "Raisio"
        await keys(pilot, "f10")
        assert not isinstance(app.screen, ServiceFormScreen)
        await keys(pilot, "e")
        again = app.screen
        assert isinstance(again, ServiceFormScreen)
        assert again.query_one("#address_2", Input).value == "Sivupiste 2"
        assert again.query_one("#address_3", Input).value == ""  # and a third to add
    service, _ = admin.catalogue.service(klubitalo.id)  # type: ignore[misc]
    assert [p.city for p in service.locations][-1] == "Raisio"


async def test_a_service_only_of_other_areas_is_found_under_all_areas(admin: Desk) -> None:
    from dataclasses import replace

    from ohjaaja.domain.catalogue import ServiceArea

    hit = admin.catalogue.search_services("velkaneuvonta")[0]
    service, _ = admin.catalogue.service(hit.id)  # type: ignore[misc]
    helsinki = ServiceArea("area-hki", "Helsinki")  # a neighbouring region's, from HSDS
    assert (
        admin.catalogue.save_service(replace(service, service_areas=(), other_areas=(helsinki,)))
        == []
    )
    app = app_for(admin)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "f7", *"velkaneuvonta")
        screen = app.screen
        assert isinstance(screen, CatalogueScreen)
        municipality = screen.query_one("#municipality", Select)
        assert str(municipality.prompt) == "Kaikki alueet"  # blank: no area left out
        assert hit.name in names(screen)
        await choose(pilot, "#municipality", "853")  # Turku: not offered there
        assert hit.name not in names(screen)
        await choose(pilot, "#municipality", Select.NULL)  # type: ignore[arg-type]
        assert hit.name in names(screen)


def test_a_card_of_a_service_without_hours_does_not_say_closed(admin: Desk) -> None:
    """No weekly hours known (an import without them): the next seven days say the
    hours are not known, not 'kiinni' (the list says '?'); an exception still shows."""
    from dataclasses import replace
    from datetime import date

    from ohjaaja.screens.catalogue.service_detail import service_body
    from rich.console import Console

    from ohjaaja.domain.schedules import ExceptionalHours
    from ohjaaja.i18n import set_language

    set_language("fi")
    hit = admin.catalogue.search_services("velkaneuvonta")[0]
    service, organization = admin.catalogue.service(hit.id)  # type: ignore[misc]
    closed = ExceptionalHours("x", date(2026, 12, 24), date(2026, 12, 24))
    unknown = replace(service, schedules=(), exceptional_hours=(closed,))
    console = Console(width=80, record=True)
    console.print(service_body(unknown, organization, date(2026, 12, 21), "fi"))
    days = [line for line in console.export_text().splitlines() if " 2" in line[:12]]
    assert [line.split(None, 2)[2].strip() for line in days if "12." in line] == [
        "ei tiedossa", "ei tiedossa", "ei tiedossa", "kiinni  (poikkeus)",
        "ei tiedossa", "ei tiedossa", "ei tiedossa",
    ]  # fmt: skip
