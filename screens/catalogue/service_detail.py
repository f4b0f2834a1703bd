"""One service in full: what it is, for whom, what it costs, how to apply, who
provides it, numbers, addresses, areas (those outside the region too), exceptional
hours with their dates, the next seven days' hours, languages, when verified."""

from __future__ import annotations

from datetime import date, timedelta

from ohjaaja.screens.contact.offer_context import OfferContext
from ohjaaja.screens.kit.base import db_work
from ohjaaja.screens.kit.bindings import action
from ohjaaja.screens.kit.card_screen import CardScreen, Facts
from ohjaaja.screens.kit.labels import line_name, municipality_name
from ohjaaja.screens.kit.plain import Static
from ohjaaja.screens.kit.widgets import WEEKDAYS, Said
from rich.console import Group
from rich.table import Table
from rich.text import Text

from ohjaaja.domain.catalogue import Organization, Service, text_in
from ohjaaja.domain.clients import finnish_date
from ohjaaja.domain.clock import local
from ohjaaja.domain.phones import display_phone
from ohjaaja.domain.schedules import exceptions_text
from ohjaaja.i18n import get_language, t
from ohjaaja.usecases.desk import Desk


def service_body(service: Service, organization: Organization, today: date, language: str) -> Group:
    facts = Facts()
    row = facts.row

    row(
        "service.provider",
        f"{text_in(organization.name, language)} · {t('sector.' + organization.sector)}",
    )
    row("service.description", text_in(service.description, language))
    row("service.for", ", ".join(line_name(code) for code in service.client_groups))
    row("service.eligibility", text_in(service.eligibility, language))
    cost = t("catalogue.free") if service.free else t("catalogue.paid")
    fees = text_in(service.fees, language)
    row("service.fees", f"{cost}. {fees}" if fees else cost)
    row("service.apply", text_in(service.application, language))
    phones = service.phones or organization.phones
    row("service.phones", ", ".join(display_phone(p.number) for p in phones))
    for place in service.locations:
        address = ", ".join(
            part for part in (place.address, f"{place.postal_code} {place.city}".strip()) if part
        )
        row("service.address", address)
    if service.url:
        row("service.url", service.url)
    if service.email:
        row("service.email", service.email)
    if service.service_areas or not service.other_areas:
        areas = (
            ", ".join(municipality_name(code) for code in service.service_areas)
            if service.service_areas
            else t("service.whole_region")
        )
        row("service.areas", areas)
    if service.other_areas:  # outside the region, as the catalogue gave them
        names = (area.name or area.uri or area.id for area in service.other_areas)
        row("service.other_areas", ", ".join(names))
    row("service.languages", ", ".join(t(f"service_language.{c}") for c in service.languages))
    row("service.channels", ", ".join(t(f"service_channel.{c}") for c in service.channels))
    # Exceptions not yet over, by date, each with its dates (and the source's name).
    for exception in sorted(service.exceptional_hours, key=lambda e: e.valid_from):
        if exception.valid_to >= today:
            said = exceptions_text((exception,), get_language())
            named = text_in(exception.description, language)
            row("service.exceptions", f"{said} ({named})" if named else said)
    hours = Table.grid(padding=(0, 1))
    hours.add_column(width=14)
    hours.add_column()
    for offset in range(7):
        day = today + timedelta(days=offset)
        label = f"{t(WEEKDAYS[day.weekday()])} {day.day}.{day.month}."
        exceptional = service.hours.exceptional(day)
        # No weekly hours is not known to be closed (the list says '?'): an exception
        # alone decides only its own days.
        known = service.hours.known or exceptional
        shown = service.hours.describe(day) or t(
            "catalogue.closed" if known else "catalogue.hours_unknown"
        )
        if exceptional:
            shown += f"  {t('service.exceptional_day')}"
        hours.add_row(label, shown)
    verified = finnish_date(service.last_verified) if service.last_verified else "—"
    if service.stale(today):
        verified += f"  {t('service.stale')}"
    row("service.verified", verified)
    title = Text(text_in(service.name, language), style="bold")
    return Group(title, facts.grid, Text(f"\n{t('service.hours')}", style="bold"), hours)


class ServiceDetailScreen(CardScreen[bool]):
    """Dismissed with True when the service was offered from here."""

    TITLE_KEY = "title.service"

    BINDINGS = [
        action("offer", "ctrl+o", "offer", priority=True),
        action("edit_service", "e", "edit"),
        action("verify_service", "v", "verify"),
        action("go_back", "escape", "back", key_display="Esc"),
    ]
    ONLY_WHEN = {"offer": "offering", "edit": "desk.is_admin", "verify": "desk.is_admin"}

    def __init__(self, desk: Desk, service_id: str, context: OfferContext | None = None) -> None:
        super().__init__()
        self.desk = desk
        self.service_id = service_id
        self.context = context
        self.found: tuple[Service, Organization] | None = None
        self.offered = False

    @property
    def offering(self) -> bool:
        return self.context is not None

    def retranslated(self) -> None:
        self._show()

    @db_work("service", group="service-load", exclusive=True)
    def load(self) -> None:
        found = self.desk.catalogue.service(self.service_id)
        self.app.call_from_thread(self._loaded, found)

    def _loaded(self, found: tuple[Service, Organization] | None) -> None:
        self.found = found
        self._show()

    def _show(self) -> None:
        card = self.query_one("#card", Static)
        if self.found is None:
            card.update(t("service.gone"))
            return
        language = self.context.language if self.context else get_language()
        today = local(self.desk.clock.now()).date()
        card.update(service_body(*self.found, today, language))

    def action_offer(self) -> None:
        if self.context is None or self.found is None:
            return
        self._offer()

    @db_work("offer", group="offer")
    def _offer(self) -> None:
        assert self.context is not None
        new = self.desk.catalogue.offer_service(
            self.context.contact_id, self.service_id, self.context.language
        )
        self.app.call_from_thread(self._offered, new)

    def _offered(self, new: bool) -> None:
        """Offered: back to the list, which counts it; offered already: said here."""
        if not new and self.found is not None:
            name = text_in(self.found[0].name, self.context.language if self.context else "fi")
            self.query_one("#status", Said).say("catalogue.offered_already", name=name)
            return
        self.offered = True
        self.dismiss(True)

    def action_edit(self) -> None:
        if not self.desk.is_admin or self.found is None:
            return
        from ohjaaja.screens.catalogue.service_form import ServiceFormScreen

        self.app.push_screen(ServiceFormScreen(self.desk, self.found[0]), self.reload)

    def action_verify(self) -> None:
        if self.desk.is_admin:
            self._verify()

    @db_work("verify_service", group="service-verify")
    def _verify(self) -> None:
        self.desk.catalogue.mark_verified(self.service_id)
        self.app.call_from_thread(self.load)
        self.app.call_from_thread(self.query_one("#status", Said).say, "service.verified_now")

    def action_back(self) -> None:
        self.dismiss(self.offered)
