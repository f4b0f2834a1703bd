"""A service, new or edited (admin): every field the catalogue models. Its texts
in Finnish, Swedish and English, one language at a time (F3 shows the next: the
form fits 80x24 without three copies of each text), for whom, where, in which
languages and channels, cost, phones, places, hours and exceptional hours.

Hours are written as 'ma-pe 8-16; la 10-14' (day names in Finnish, Swedish or
English, times as 8, 8:00 or 8.00; 20-8 runs overnight, 0-24 is the whole day);
exceptions as '24.12.-26.12. suljettu; 1.7.-31.7. 9-12'. Areas outside the region
(from an import) are shown, not edited, and kept. Every field that cannot be used
is named with its reason; nothing is saved until all are right, and nothing typed
is lost.
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
    field_line,
    field_row,
    show_field_errors,
)
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Select, SelectionList

from ohjaaja.domain.catalogue import (
    FORM_TEXTS,
    SERVICE_CHANNELS,
    STATUSES,
    TEXT_LANGUAGES,
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
    "hours", "exceptions", "eve_closes",
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
        action("text_language", "f3", "text_language", priority=True),
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
        self.text_language = get_language()  # the texts shown; F3 the next language
        self._ui_language = get_language()  # F2 moves the texts shown along with it
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
            yield field_row("service_form.text_language", Said(id="text-language"))
            for name in self.text_fields:
                base, _, number = name.rpartition("_")
                if number.isdigit() and base == "address":  # the second place on
                    header = Said(id=f"place-{number}", classes="section")
                    header.say("service_form.place", n=number)
                    yield header
                label = base if number.isdigit() else name
                value = Input(str(self.prefill.get(name, "")), id=name, compact=True)
                line = field_row(f"service_form.{label}", value, f"error-{name}")
                if base in FORM_TEXTS and number in TEXT_LANGUAGES:
                    line.add_class(f"text-{number}")  # shown while its language is
                yield line
                if name == "areas" and self.prefill.get("other_areas"):
                    other = Said(str(self.prefill["other_areas"]), id="other_areas")
                    yield field_row("service_form.other_areas", other)
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
        self._show_text_language(self.text_language)
        self.query_one("#organization_id", Select).focus()
        self._load_organizations(self.prefill.get("organization_id"))

    def retranslated(self) -> None:
        self._organization_phones()
        language = get_language()
        if {language, self._ui_language} <= set(TEXT_LANGUAGES):
            # As far from the new language as F3 had taken them from the old one, so
            # the form reads as one opened in the new language and F3'd as often.
            step = TEXT_LANGUAGES.index(self.text_language) - TEXT_LANGUAGES.index(
                self._ui_language
            )
            at = (TEXT_LANGUAGES.index(language) + step) % len(TEXT_LANGUAGES)
            self._show_text_language(TEXT_LANGUAGES[at])
        self._ui_language = language
        if self.focused is not None:
            # The focused line and its error, rewrapped in the new language, scrolled
            # to as a form opened in it would be: down from the top, no further.
            line = field_line(self.focused)
            for box in line.ancestors:
                if isinstance(box, Widget) and box.allow_vertical_scroll:
                    box.scroll_home(animate=False, immediate=True)
                    break
            self.call_after_refresh(line.scroll_visible, animate=False)
        if self.service is not None:
            # The days as the form wrote them, now in the new language, unless edited.
            shown = service_form_values(self.service, language)
            for name in ("hours", "exceptions"):
                field = self.query_one(f"#{name}", Input)
                if field.value == str(self.prefill.get(name, "")):
                    field.value = str(shown[name])
                    self.prefill[name] = shown[name]

    def action_text_language(self) -> None:
        """F3: the texts in the next language; what is typed in the others stays."""
        at = TEXT_LANGUAGES.index(self.text_language)
        self._show_text_language(TEXT_LANGUAGES[(at + 1) % len(TEXT_LANGUAGES)])

    def _show_text_language(self, language: str) -> None:
        self.text_language = language
        for code in TEXT_LANGUAGES:
            for line in self.query(f".text-{code}"):
                line.display = code == language
        others = [code for code in TEXT_LANGUAGES if code != language]

        def said() -> str:
            return t(
                "service_form.texts_in",
                language=t(f"service_language.{language}"),
                others=", ".join(t(f"service_language.{code}") for code in others),
            )

        self.query_one("#text-language", Said).show(said)

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
        name_field = f"name_{self.text_language}"  # a missing name: asked where one looks
        for name, why in problems:
            key = {"service_areas": "areas", "location": "city"}.get(name, name)
            if key not in self.all_fields:  # a text of all languages (too long): this one's
                key = f"{key}_{self.text_language}"
            by_field.setdefault(key if key in self.all_fields else name_field, why)
        # The first bad field in sight: its texts' language is shown if another was.
        bad = next((name for name in self.all_fields if name in by_field), None)
        base, _, language = (bad or "").rpartition("_")
        if base in FORM_TEXTS and language != self.text_language:
            self._show_text_language(language)
        if not show_field_errors(self, self.all_fields, by_field):
            self.dismiss(service_id)
            return
        # The first one whole on the status line too, named by its field's label.
        first = next(name for name in self.all_fields if name in by_field)
        count, told = len(problems), by_field[first]
        # Focused already (F10 from the bad field itself), it is not brought into view
        # by the focus: its error line, just shown, would stay below the screen.
        line = field_line(self.query_one(f"#{first}"))
        self.call_after_refresh(line.scroll_visible, animate=False)

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
