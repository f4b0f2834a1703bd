"""A service, new or edited (admin): texts in Finnish and Swedish (and English),
for whom, where, in which languages and channels, cost, phones and hours.

Hours are written as 'ma-pe 8-16; la 10-14' (day names in Finnish, Swedish or
English, times as 8, 8:00 or 8.00; 20-8 runs overnight, 0-24 is the whole day).
Every field that cannot be used is named with its reason; nothing is saved until
all are right.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ohjaaja.screens.kit.base import DeskScreen, db_work
from ohjaaja.screens.kit.bindings import action
from ohjaaja.screens.kit.labels import line_short, reason_text
from ohjaaja.screens.kit.widgets import (
    FORM_KEYS,
    Choice,
    Options,
    Said,
    Tick,
    TickList,
    TitleBar,
    coded,
    desk_footer,
    field_row,
    show_field_errors,
)
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Select, SelectionList

from ohjaaja.domain.catalogue import (
    SERVICE_CHANNELS,
    STATUSES,
    Organization,
    Problem,
    Service,
    place_fields,
    service_form_values,
    text_in,
)
from ohjaaja.domain.clients import finnish_date
from ohjaaja.domain.phones import display_phone
from ohjaaja.domain.reasons import Reason
from ohjaaja.domain.reference import lines
from ohjaaja.domain.schedules import HOLIDAY_RULES
from ohjaaja.i18n import get_language, t
from ohjaaja.usecases.desk import Desk

TEXT_FIELDS = (
    "name_fi", "name_sv", "name_en", "description_fi", "description_sv", "description_en",
    "eligibility_fi", "eligibility_sv", "eligibility_en",
    "application_fi", "application_sv", "application_en", "languages", "areas",
    "fees_fi", "fees_sv", "fees_en", "phones", "website", "email", "address", "postal_code", "city",
    "hours", "eve_closes",
)  # fmt: skip
CHOICES = ("organization_id", "status", "holidays")
TICKS = ("client_groups", "channels")
ALL_FIELDS = ("organization_id", *TEXT_FIELDS, "status", "holidays", "free", *TICKS)  # in order


class ServiceFormScreen(DeskScreen[str | None]):
    """Dismissed with the saved service's id, or None when cancelled."""

    BINDINGS = [
        action("save", "f10", "save", priority=True),
        # F7 is the app's catalogue, which never let an F7 here through; F4 is new.
        action("edit_organization", "f6", "edit_organization", priority=True),
        action("new_organization", "f4", "new_organization", priority=True),
        action("cancel", "escape", "cancel", key_display="Esc"),
        *FORM_KEYS,
    ]

    def __init__(self, desk: Desk, service: Service | None) -> None:
        super().__init__()
        self.desk = desk
        self.service = service
        self._organizations: list[Organization] = []  # read by a worker once mounted
        self.prefill: dict[str, Any] = (
            service_form_values(service, get_language()) if service else {
                "status": "active", "holidays": "closed", "free": True, "languages": "fi, sv",
            }
        )  # fmt: skip
        # Every place of the service, and one more left empty to add a place.
        places = len(service.locations) + 1 if service else 1
        extra = [name for index in range(1, places) for name in place_fields(index)]
        at = TEXT_FIELDS.index("city") + 1
        self.text_fields = (*TEXT_FIELDS[:at], *extra, *TEXT_FIELDS[at:])
        self.all_fields = (
            "organization_id",
            *self.text_fields,
            *ALL_FIELDS[len(TEXT_FIELDS) + 1 :],
        )

    def compose(self) -> ComposeResult:
        title = "title.edit_service" if self.service else "title.new_service"
        yield TitleBar(title, self.desk.worker_name, id="title")
        with VerticalScroll(id="form-scroll"):
            # Filled by a worker once mounted (the database is not read on the UI thread).
            organizations = Choice(self._organization_options, "organization_id", allow_blank=True)
            yield field_row("service_form.organization_id", organizations, "error-organization_id")
            for name in self.text_fields:
                base, _, number = name.rpartition("_")
                if number.isdigit() and base == "address":  # the second place on
                    header = Said(id=f"place-{number}", classes="section")
                    header.say("service_form.place", n=number)
                    yield header
                label = base if number.isdigit() else name
                value = Input(str(self.prefill.get(name, "")), id=name, compact=True)
                yield field_row(f"service_form.{label}", value, f"error-{name}")
            yield self._select("status", coded("status", STATUSES))
            yield self._select("holidays", coded("holidays", HOLIDAY_RULES))
            free = Tick("catalogue.free", bool(self.prefill.get("free")), id="free")
            yield field_row("service_form.free", free, "error-free")
            # Ticked, the details were checked today (HSDS last_verified; F9 in the
            # catalogue lists those not checked for a year). The last date is said.
            last = self.service.last_verified if self.service else None
            said = {"date": finnish_date(last) if last else "—"}
            verified = Tick("service_form.verified_now", False, id="verified", said=said)
            yield field_row("service_form.verified", verified)
            yield self._ticks("client_groups", lines(), line_short)
            yield self._ticks("channels", SERVICE_CHANNELS, lambda c: t(f"service_channel.{c}"))
        yield Said("", id="form-status")
        yield desk_footer()

    def _organization_options(self) -> list[tuple[str, str]]:
        return [(text_in(o.name, get_language()), o.id) for o in self._organizations]

    def _select(self, name: str, options: Options) -> Any:
        widget = Choice(options, name, self.prefill.get(name) or None, allow_blank=True)
        return field_row(f"service_form.{name}", widget, f"error-{name}")

    def _ticks(self, name: str, codes: Iterable[str], label: Callable[[str], str]) -> Any:
        chosen = set(self.prefill.get(name, []))
        ticks = [(label(code), code, code in chosen) for code in codes]
        widget = TickList(*ticks, id=name, labels=label)
        return field_row(f"service_form.{name}", widget, f"error-{name}", tall=True)

    def mounted(self) -> None:
        self.query_one("#title", TitleBar).show(self.desk.clock.now())
        self.query_one("#organization_id", Select).focus()
        self._load_organizations(self.prefill.get("organization_id"))

    def retranslated(self) -> None:
        self._organization_phones()

    @db_work("organizations", group="service-organizations", exclusive=True)
    def _load_organizations(self, chosen: str | None) -> None:
        found = self.desk.catalogue.organizations()
        self.app.call_from_thread(self._show_organizations, found, chosen)

    def _show_organizations(self, found: list[Organization], chosen: str | None) -> None:
        self._organizations = found
        select = self.query_one("#organization_id", Select)
        select.set_options(self._organization_options())
        if chosen in {o.id for o in found}:
            select.value = chosen
        self._organization_phones()

    @on(Select.Changed, "#organization_id")
    def _organization_phones(self) -> None:
        """Without numbers of its own a service is called on its organisation's: shown
        in the empty field, and left the organisation's when saved so."""
        selected = self.query_one("#organization_id", Select).value
        found = [o for o in self._organizations if o.id == selected]
        numbers = ", ".join(display_phone(p.number) for p in found[0].phones) if found else ""
        placeholder = t("service_form.phones_of_organization", numbers=numbers) if numbers else ""
        self.query_one("#phones", Input).placeholder = placeholder

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {n: self.query_one(f"#{n}", Input).value for n in self.text_fields}
        for name in CHOICES:
            selected = self.query_one(f"#{name}", Select).value
            values[name] = "" if selected is Select.NULL else str(selected)
        for name in TICKS:
            values[name] = list(self.query_one(f"#{name}", SelectionList).selected)
        values["free"] = self.query_one("#free", Tick).value
        values["verified"] = self.query_one("#verified", Tick).value
        return values

    def action_save(self) -> None:
        self._save(self.values())

    @db_work("service_save", group="service-save", exclusive=True)
    def _save(self, values: dict[str, Any]) -> None:
        saved = self.desk.catalogue.save_service_form(values, self.service)
        self.app.call_from_thread(self._after_save, *saved)

    def _after_save(self, service_id: str | None, problems: list[Problem]) -> None:
        by_field: dict[str, Reason] = {}
        for name, why in problems:
            key = {"name": "name_fi", "service_areas": "areas", "location": "city"}.get(name, name)
            by_field.setdefault(key if key in self.all_fields else "name_fi", why)
        if not show_field_errors(self, self.all_fields, by_field):
            self.dismiss(service_id)
            return
        # The first one whole on the status line too, named by its field's label.
        first = next(name for name in self.all_fields if name in by_field)
        count, told = len(problems), by_field[first]

        def status() -> str:
            fix = t("form.fix_fields", count=count)
            return f"{fix} · {t(f'service_form.{first}')}: {reason_text(told)}"

        self.query_one("#form-status", Said).show(status)

    def action_edit_organization(self) -> None:
        selected = self.query_one("#organization_id", Select).value
        found = [o for o in self._organizations if o.id == selected]
        if found:
            self._organization_form(found[0])

    def action_new_organization(self) -> None:
        self._organization_form(None)

    def _organization_form(self, organization: Organization | None) -> None:
        from ohjaaja.screens.catalogue.organization_form import OrganizationFormScreen

        self.app.push_screen(
            OrganizationFormScreen(self.desk, organization), self._organization_saved
        )

    def _organization_saved(self, organization_id: str | None) -> None:
        if organization_id is not None:
            self._load_organizations(organization_id)

    def action_cancel(self) -> None:
        self.dismiss(None)
