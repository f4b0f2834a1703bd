"""The catalogue at the desk: search and ranking, filters, open now, offers and the
client's summary, and admin edits."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from ohjaaja.demo.catalogue import demo_catalogue
from ohjaaja.domain.catalogue import service_form_values
from ohjaaja.domain.clock import FixedClock, local
from ohjaaja.usecases.catalogue import Filters, match_expression
from ohjaaja.usecases.catalogue import unverified as unverified_only
from ohjaaja.usecases.desk import Desk

TURKU, PARAINEN = "853", "445"


def names(desk: Desk, text: str, **kwargs: object) -> list[str]:
    return [hit.name for hit in desk.catalogue.search_services(text, **kwargs)]  # type: ignore[arg-type]


def test_the_demo_catalogue_covers_every_group_and_sector_in_finnish_and_swedish() -> None:
    from ohjaaja.domain.reference import lines

    organizations, services = demo_catalogue()
    assert len(services) >= 150
    assert {o.sector for o in organizations} == {"public", "private", "third"}
    assert set(lines()) <= {g for s in services for g in s.client_groups}
    assert all(s.name.get("fi") and s.name.get("sv") for s in services)
    assert all(s.description.get("fi") and s.description.get("sv") for s in services)


def test_words_are_folded_prefixes_all_required() -> None:
    assert match_expression("Päihde  PÄIV") == '"paihde" "paiv"'
    assert match_expression("  ,. ") is None
    assert match_expression("ka") is None  # too short for trigrams: listed by name instead
    assert match_expression('koti" OR x') == '"koti"'  # no FTS syntax gets through


def test_search_folds_letters_and_ranks_names_beginning_with_the_word_first(admin: Desk) -> None:
    found = names(admin, "paihde")
    assert found[0] == "Päihdepäivystys"
    assert "Päihde- ja mielenterveysvertaisryhmät" in found
    first = names(admin, "koti")[:27]
    assert all(name.startswith("Kotihoito") for name in first)


def test_the_clients_language_ranks_its_names_first(admin: Desk) -> None:
    swedish = admin.catalogue.search_services("hem", language="sv")
    assert swedish[0].name.startswith("Hem")  # Hemvård – ..., in Swedish
    # Found by their Finnish names, shown in Swedish.
    shown = [hit.name for hit in admin.catalogue.search_services("kotihoito", language="sv")]
    assert "Hemvård – Åbo" in shown and "Privat hemvård" in shown


def test_a_word_is_found_inside_compounds(admin: Desk) -> None:
    assert names(admin, "toimeentulotuki")[0] == "Perustoimeentulotuki"
    assert "Sosiaali- ja kriisipäivystys" in names(admin, "kriisi")
    assert names(admin, "ka")[0].startswith("Kasvatus")  # a name beginning with it first


def test_the_description_and_the_provider_are_searched_too(admin: Desk) -> None:
    assert "Talous- ja velkaneuvonta" in names(admin, "velkojen")  # description
    kela = names(admin, "kela")  # the organisation's name
    assert "Perustoimeentulotuki" in kela and "Yleinen asumistuki" in kela


def test_municipality_keeps_its_own_and_region_wide_services(admin: Desk) -> None:
    found = names(admin, "kotihoito", filters=Filters(municipality_code=PARAINEN))
    assert found == ["Kotihoito – Parainen", "Yksityinen kotihoito"]  # the private one: anywhere
    swedish = names(admin, "", filters=Filters(municipality_code=PARAINEN, language="sv"))
    assert "Familjerådgivning på svenska" not in swedish  # named in fi here: the UI language
    assert "Ruotsinkielinen perheneuvonta" in swedish
    assert "Ruotsinkielinen perheneuvonta" not in names(
        admin, "", filters=Filters(municipality_code="019")
    )  # not offered in Aura


def test_filters_narrow_by_group_sector_language_channel_and_cost(admin: Desk) -> None:
    third = admin.catalogue.search_services("", filters=Filters(sector="third"))
    assert third and all(hit.sector == "third" for hit in third)
    paid = admin.catalogue.search_services(
        "", filters=Filters(free=False, client_group="ikaihmiset")
    )
    assert paid and all(not hit.free for hit in paid)
    assert "Yksityinen kotihoito" in [hit.name for hit in paid]
    chat = admin.catalogue.search_services("", filters=Filters(channel="chat"))
    assert chat and all("chat" in hit.channels for hit in chat)
    arabic = names(admin, "", filters=Filters(language="ar"))
    assert arabic == ["Maahan muuttaneiden sosiaaliohjaus"]


def test_open_now_follows_the_clock_and_holidays(admin: Desk, clock: FixedClock) -> None:
    clock.set(datetime(2026, 11, 23, 21, 0, tzinfo=UTC))  # Monday 23:00 in Helsinki
    open_late = names(admin, "", open_now=True)
    assert "Päihdepäivystys" in open_late and "Sosiaali- ja kriisipäivystys" in open_late
    assert not any(name.startswith("Kotihoito") for name in open_late)
    clock.set(datetime(2026, 12, 25, 9, 0, tzinfo=UTC))  # Christmas Day 11:00
    christmas = names(admin, "", open_now=True)
    assert "Lastensuojelun päivystys" in christmas  # Sunday's hours on holidays
    assert "Klubitalo Aallokko" not in christmas


def test_an_offer_and_an_unmet_need_are_kept_with_the_contact(admin: Desk) -> None:
    contact = admin.contacts.log_contact("phone", "ikaihmiset", TURKU)
    service = admin.catalogue.search_services(
        "kotihoito", filters=Filters(municipality_code=TURKU)
    )[0]
    admin.catalogue.offer_service(contact, service.id, "sv")
    admin.catalogue.record_unmet_need(contact, "Vertaisryhmä ruotsiksi Turussa", "sv")
    with pytest.raises(ValueError):
        admin.catalogue.record_unmet_need(contact, "  ", "sv")
    offers = admin.catalogue.offers(contact, "sv")
    assert [(o.name, o.unmet_need) for o in offers] == [
        ("Hemvård – Åbo", False),
        ("Vertaisryhmä ruotsiksi Turussa", True),
    ]
    sent = [
        json.loads(args) for name, args in admin.conn.execute("SELECT name, args FROM outbox")
        if name == "offer.create"
    ]  # fmt: skip
    assert [m["service_id"] is None for m in sent] == [False, True]


def test_a_service_offered_again_on_a_contact_is_one_offer(admin: Desk) -> None:
    """Offered twice on one contact (from the list, then from its detail): one offer,
    counted once, sent once; the use case says the second was not new."""
    contact = admin.contacts.log_contact("phone", "ikaihmiset", TURKU)
    service = admin.catalogue.search_services(
        "kotihoito", filters=Filters(municipality_code=TURKU)
    )[0]
    assert admin.catalogue.offer_service(contact, service.id, "fi") is True
    assert admin.catalogue.offer_service(contact, service.id, "sv") is False
    assert [o.service_id for o in admin.catalogue.offers(contact)] == [service.id]
    sent = [n for (n,) in admin.conn.execute("SELECT name FROM outbox") if n == "offer.create"]
    assert len(sent) == 1
    other = admin.contacts.log_contact("phone", "ikaihmiset", TURKU)
    assert admin.catalogue.offer_service(other, service.id, "fi") is True  # another contact's


def test_the_summary_is_in_the_clients_language(admin: Desk) -> None:
    contact = admin.contacts.log_contact("phone", "tyoikaiset", TURKU)
    assert "Inga tjänster" in admin.catalogue.offer_summary(contact, "sv")
    for text in ("velkaneuvonta", "toimeentulotuki"):
        admin.catalogue.offer_service(contact, admin.catalogue.search_services(text)[0].id, "sv")
    summary = admin.catalogue.offer_summary(contact, "sv")
    assert summary.startswith("Tjänster som vi talade om:")
    assert "1. Ekonomi- och skuldrådgivning (Sydvästra Finlands rättshjälpsbyrå)" in summary
    assert "Tfn 029 5660100" in summary  # the organisation's number: the service has none
    assert "mån-tor 09:00-15:00" in summary
    assert "2. Grundläggande utkomststöd" in summary and "Tfn 020 692207" in summary
    assert "Palvelut, joista puhuimme:" in admin.catalogue.offer_summary(contact, "fi")


def test_the_summary_names_this_weeks_exceptions(admin: Desk, clock: FixedClock) -> None:
    clock.set(datetime(2026, 12, 21, 8, 0, tzinfo=UTC))  # the Monday before Christmas
    contact = admin.contacts.log_contact("phone", "tyoikaiset", TURKU)
    admin.catalogue.offer_service(
        contact, admin.catalogue.search_services("velkaneuvonta")[0].id, "fi"
    )
    summary = admin.catalogue.offer_summary(contact, "fi")
    assert "poikkeus 24.12. kiinni" in summary and "poikkeus 25.12. kiinni" in summary


def test_only_an_admin_changes_the_catalogue(desk: Desk, admin: Desk) -> None:
    service, _ = admin.catalogue.service(admin.catalogue.search_services("velkaneuvonta")[0].id)  # type: ignore[misc]
    errors = desk.catalogue.save_service(replace(service, name={"fi": "Muu"}))
    assert [e.field for e in errors] == ["role"]


def test_an_edit_is_checked_versioned_and_drops_removed_rows(admin: Desk) -> None:
    hit = admin.catalogue.search_services("kotihoito", filters=Filters(municipality_code=TURKU))[0]
    service, _ = admin.catalogue.service(hit.id)  # type: ignore[misc]
    values = {
        "organization_id": service.organization_id, "name_fi": "Kotihoito – Turku",
        "name_sv": "Hemvård – Åbo", "name_en": "", "description_fi": "Uusi kuvaus",
        "description_sv": "", "languages": "fi, sv", "areas": "Turku", "fees_fi": "",
        "phones": "02 262 6000, 040 548 5906", "hours": "mon-thu 08:00-15:00",
        "eve_closes": "", "status": "active", "holidays": "closed",
        "client_groups": ["ikaihmiset"], "channels": ["phone"], "free": False,
    }  # fmt: skip
    saved, problems = admin.catalogue.save_service_form(values, service)
    assert (saved, problems) == (service.id, [])
    edited, _ = admin.catalogue.service(service.id)  # type: ignore[misc]
    assert edited.description == {"fi": "Uusi kuvaus"}
    assert [p.number for p in edited.phones] == ["+35822626000", "+358405485906"]
    assert edited.schedules[0].id == service.schedules[0].id  # the rule kept its id
    assert edited.service_areas == (TURKU,)
    version = admin.conn.execute("SELECT version FROM service WHERE id = ?", (service.id,))
    assert version.fetchone()[0] == 2
    bad = {**values, "phones": "040 12", "hours": "mon-fri 8-25", "areas": "Tukholma"}
    saved, problems = admin.catalogue.save_service_form(bad, edited)
    assert saved is None and {name for name, _ in problems} == {"phones", "hours", "areas"}
    no_name = {**values, "name_fi": "", "name_sv": "", "client_groups": ["nobody"]}
    saved, problems = admin.catalogue.save_service_form(no_name, edited)
    assert saved is None and {name for name, _ in problems} == {"name", "client_groups"}
    # Dropping the second phone tombstones it, in the database and in the outbox.
    admin.catalogue.save_service_form({**values, "phones": "02 262 6000"}, edited)
    dropped = edited.phones[1].id
    assert (
        admin.conn.execute(
            "SELECT deleted FROM catalogue_phone WHERE id = ?", (dropped,)
        ).fetchone()[0]
        == 1
    )
    last = json.loads(admin.conn.execute("SELECT args FROM outbox ORDER BY seq DESC").fetchone()[0])
    assert {row["id"]: row["deleted"] for row in last["rows"]["catalogue_phone"]}[dropped] == 1
    # Hours in Finnish or Swedish; a bad part is told in the worker's language.
    finnish = {**values, "hours": "ma-pe 9-16; la 10-14", "eve_closes": "14"}
    assert admin.catalogue.save_service_form(finnish, edited) == (service.id, [])
    edited, _ = admin.catalogue.service(service.id)  # type: ignore[misc]
    assert [(r.days, f"{r.opens:%H}-{r.closes:%H}") for r in edited.schedules] == [
        ((0, 1, 2, 3, 4), "09-16"), ((5,), "10-14"),
    ]  # fmt: skip
    assert service_form_values(edited, "sv")["hours"] == "mån-fre 09:00-16:00; lör 10:00-14:00"
    saved, problems = admin.catalogue.save_service_form({**values, "hours": "mån-frx 9-16"}, edited)
    assert saved is None and problems[0][0] == "hours" and problems[0][1].key == "error.hours"
    assert "not a day" in str(problems[0][1])  # a screen tells it in the worker's language


def test_services_not_verified_for_a_year_are_flagged(admin: Desk, clock: FixedClock) -> None:
    assert admin.catalogue.stale_services() == []
    clock.set(clock.now() + timedelta(days=400))
    stale = admin.catalogue.stale_services()
    assert len(stale) == 173
    assert all(hit.stale for hit in admin.catalogue.search_services("kela"))
    assert admin.catalogue.mark_verified(stale[0]) == []
    assert stale[0] not in admin.catalogue.stale_services()
    # The admin's list of those to check: the filters narrowed to the unverified.
    today = local(admin.clock.now()).date()
    unverified = unverified_only(Filters(municipality_code="853"), today)
    listed = {hit.id for hit in admin.catalogue.search_services("", unverified, limit=500)}
    everywhere = {hit.id for hit in admin.catalogue.search_services("", Filters("853"), limit=500)}
    assert listed == everywhere - {stale[0]} and listed <= set(stale)


def test_organisations_are_edited_with_their_phones(admin: Desk) -> None:
    saved, problems = admin.catalogue.save_organization_form(
        {"name_fi": "Uusi yhdistys ry", "name_sv": "", "name_en": "", "description_fi": "",
         "description_sv": "", "website": "", "email": "", "phones": "02 262 6000",
         "sector": "third"},
        None,
    )  # fmt: skip
    assert problems == [] and saved
    found = [o for o in admin.catalogue.organizations() if o.id == saved]
    assert found[0].sector == "third" and found[0].phones[0].number == "+35822626000"
    saved, problems = admin.catalogue.save_organization_form(
        {"name_fi": "", "name_sv": "", "name_en": "", "description_fi": "",
         "description_sv": "", "website": "", "email": "", "phones": "", "sector": "fourth"},
        None,
    )  # fmt: skip
    assert saved is None and {n for n, _ in problems} == {"name", "sector"}


def test_the_list_pages_through_every_service_with_the_true_total(
    admin: Desk, clock: FixedClock
) -> None:
    first = admin.catalogue.search_page("", limit=100)
    assert (first.offset, len(first.hits), first.total, first.has_more) == (0, 100, 173, True)
    second = admin.catalogue.search_page("", offset=100, limit=100)
    assert (second.offset, len(second.hits), second.total, second.has_more) == (100, 73, 173, False)
    every = [hit.id for hit in first.hits + second.hits]
    assert len(set(every)) == 173  # no service twice, none left out
    # Narrowed by words or by open now, the total is of what matches.
    homes = admin.catalogue.search_page("koti", limit=5)
    assert homes.total == len(admin.catalogue.search_services("koti", limit=500)) > 5
    opened = admin.catalogue.search_page("", open_now=True, limit=10)
    everything_open = admin.catalogue.search_services("", open_now=True, limit=500)
    assert opened.total == len(everything_open) > 10
    assert [h.id for h in opened.hits] == [h.id for h in everything_open[:10]]


def test_the_form_edits_eligibility_how_to_apply_english_texts_and_the_address(
    admin: Desk,
) -> None:
    (hit,) = admin.catalogue.search_services("klubitalo")
    service, _ = admin.catalogue.service(hit.id)  # type: ignore[misc]
    values = service_form_values(service, "fi")
    assert values["address"] == service.locations[0].address != ""
    assert values["eligibility_fi"] == service.eligibility.get("fi", "")
    values |= {
        "eligibility_fi": "Täysi-ikäiset", "eligibility_sv": "Vuxna", "eligibility_en": "Adults",
        "application_fi": "Soita", "application_sv": "Ring", "application_en": "Call us",
        "description_en": "A clubhouse", "fees_sv": "Gratis", "fees_en": "Free",
        "address": "Uusikatu 5", "postal_code": "20100", "city": "Turku",
    }  # fmt: skip
    assert admin.catalogue.save_service_form(values, service) == (service.id, [])
    edited, _ = admin.catalogue.service(service.id)  # type: ignore[misc]
    assert edited.eligibility == {"fi": "Täysi-ikäiset", "sv": "Vuxna", "en": "Adults"}
    assert edited.application == {"fi": "Soita", "sv": "Ring", "en": "Call us"}
    assert edited.description["en"] == "A clubhouse"
    assert edited.fees.get("sv") == "Gratis" and edited.fees.get("en") == "Free"
    place = edited.locations[0]
    assert (place.id, place.address, place.postal_code, place.city) == (
        service.locations[0].id, "Uusikatu 5", "20100", "Turku",
    )  # fmt: skip
    assert service_form_values(edited)["application_en"] == "Call us"
    # Emptied, the address goes; written on a service without one, a place is made.
    gone = {**values, "address": "", "postal_code": "", "city": ""}
    assert admin.catalogue.save_service_form(gone, edited) == (service.id, [])
    without, _ = admin.catalogue.service(service.id)  # type: ignore[misc]
    assert without.locations == service.locations[1:]
    again = {**gone, "address": "Toinenkatu 1", "city": "Turku"}
    assert admin.catalogue.save_service_form(again, without) == (service.id, [])
    placed, _ = admin.catalogue.service(service.id)  # type: ignore[misc]
    assert placed.locations[0].address == "Toinenkatu 1"
    assert placed.locations[0].municipality_code == "853"


def test_every_place_of_a_service_is_on_the_form(admin: Desk) -> None:
    """Each place its own address, postal code and city (address_2, ... for the second
    on), and one more left empty to add a place; emptied, a place goes."""
    from ohjaaja.domain.catalogue import place_fields

    (hit,) = admin.catalogue.search_services("klubitalo")
    service, _ = admin.catalogue.service(hit.id)  # type: ignore[misc]
    values = service_form_values(service, "fi")
    assert place_fields(1) == ("address_2", "postal_code_2", "city_2")
    added = {"address_2": "Sivupiste 2", "postal_code_2": "21200", "city_2": "Raisio"}
    assert all(values[name] == "" for name in added)  # room for one more
    assert admin.catalogue.save_service_form(values | added, service) == (service.id, [])
    two, _ = admin.catalogue.service(service.id)  # type: ignore[misc]
    assert [(p.address, p.municipality_code) for p in two.locations] == [
        (service.locations[0].address, service.locations[0].municipality_code),
        ("Sivupiste 2", "680"),
    ]
    shown = service_form_values(two, "fi")
    assert (shown["address_2"], shown["city_2"], shown["address_3"]) == (
        "Sivupiste 2",
        "Raisio",
        "",
    )
    # The second edited, the first emptied: the first goes, the second stays with its id.
    edited = shown | {"address": "", "postal_code": "", "city": "", "address_2": "Sivupiste 3"}
    assert admin.catalogue.save_service_form(edited, two) == (service.id, [])
    one, _ = admin.catalogue.service(service.id)  # type: ignore[misc]
    assert [(p.id, p.address) for p in one.locations] == [(two.locations[1].id, "Sivupiste 3")]


def test_a_value_too_long_to_store_is_a_problem_of_its_field_not_an_exception(
    admin: Desk,
) -> None:
    service, _ = admin.catalogue.service(admin.catalogue.search_services("kela")[0].id)  # type: ignore[misc]
    values = service_form_values(service, "fi")
    saved, problems = admin.catalogue.save_service_form(
        {**values, "description_fi": "Kuvaus " + "x" * 40_000}, service
    )
    assert saved is None and [name for name, _ in problems] == ["description"], problems
    assert str(problems[0][1]) == "at most 30000 characters (40072 given)"
    assert problems[0][1].key == "error.too_long_to_store"  # a screen says it in fi/sv
    stored, _ = admin.catalogue.service(service.id)  # type: ignore[misc]
    assert stored.description == service.description
