"""A service, new or edited (admin): texts in Finnish and Swedish (and English),
for whom, where, in which languages and channels, cost, phones and hours.

Hours are written as 'mon-fri 08:00-16:00; sat 10:00-14:00' (20:00-08:00 runs
overnight, 00:00-24:00 is the whole day). Every field that cannot be used is
named with its reason; nothing is saved until all are right.
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
)
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Select, SelectionList

from ohjaaja.domain.catalogue import (
    SERVICE_CHANNELS,
    STATUSES,
    Organization,
    Problem,
    Service,
    service_form_values,
    text_in,
)
from ohjaaja.domain.reasons import Reason
from ohjaaja.domain.reference import lines
from ohjaaja.domain.schedules import HOLIDAY_RULES
from ohjaaja.i18n import get_language, t
from ohjaaja.usecases.desk import Desk

TEXT_FIELDS = (
    "name_fi", "name_sv", "name_en", "description_fi", "description_sv", "languages", "areas",
    "fees_fi", "phones", "hours", "eve_closes",
)  # fmt: skip
CHOICES = ("organization_id", "status", "holidays")
TICKS = ("client_groups", "channels")
ALL_FIELDS = ("organization_id", *TEXT_FIELDS, "status", "holidays", "free", *TICKS)  # in order


class ServiceFormScreen(DeskScreen[str | None]):
    """Dismissed with the saved service's id, or None when cancelled."""

    BINDINGS = [
        action("save", "f10", "save", priority=True),
        action("edit_organization", "f7", "edit_organization", priority=True),
        action("new_organization", "f8", "new_organization", priority=True),
        action("cancel", "escape", "cancel", key_display="Esc"),
        *FORM_KEYS,
    ]

    def __init__(self, desk: Desk, service: Service | None) -> None:
        super().__init__()
        self.desk = desk
        self.service = service
        self.prefill: dict[str, Any] = service_form_values(service) if service else {
            "status": "active", "holidays": "closed", "free": True, "languages": "fi, sv",
        }  # fmt: skip
        self.organizations: list[Organization] = []

    def compose(self) -> ComposeResult:
        title = "title.edit_service" if self.service else "title.new_service"
        yield TitleBar(title, self.desk.worker_name, id="title")
        with VerticalScroll(id="form-scroll"):
            self.organizations = self.desk.organizations()
            yield self._select("organization_id", self._organization_options)
            for name in TEXT_FIELDS:
                value = Input(str(self.prefill.get(name, "")), id=name, compact=True)
                yield field_row(f"service_form.{name}", value, f"error-{name}")
            yield self._select("status", coded("status", STATUSES))
            yield self._select("holidays", coded("holidays", HOLIDAY_RULES))
            free = Tick("catalogue.free", bool(self.prefill.get("free")), id="free")
            yield field_row("service_form.free", free, "error-free")
            yield self._ticks("client_groups", lines(), line_short)
            yield self._ticks("channels", SERVICE_CHANNELS, lambda c: t(f"service_channel.{c}"))
        yield Said("", id="form-status")
        yield desk_footer()

    def _organization_options(self) -> list[tuple[str, str]]:
        return [(text_in(o.name, get_language()), o.id) for o in self.organizations]

    def _select(self, name: str, options: Options) -> Any:
        widget = Choice(options, name, self.prefill.get(name) or None, allow_blank=True)
        return field_row(f"service_form.{name}", widget, f"error-{name}")

    def _ticks(self, name: str, codes: Iterable[str], label: Callable[[str], str]) -> Any:
        chosen = set(self.prefill.get(name, []))
        ticks = [(label(code), code, code in chosen) for code in codes]
        widget = TickList(*ticks, id=name, labels=label)
        row = field_row(f"service_form.{name}", widget, f"error-{name}")
        row.add_class("tall")
        return row

    def mounted(self) -> None:
        self.query_one("#title", TitleBar).show(self.desk.clock.now())
        self.query_one("#organization_id", Select).focus()

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {n: self.query_one(f"#{n}", Input).value for n in TEXT_FIELDS}
        for name in CHOICES:
            selected = self.query_one(f"#{name}", Select).value
            values[name] = "" if selected is Select.NULL else str(selected)
        for name in TICKS:
            values[name] = list(self.query_one(f"#{name}", SelectionList).selected)
        values["free"] = self.query_one("#free", Tick).value
        return values

    def action_save(self) -> None:
        self._save(self.values())

    @db_work("service_save", group="service-save", exclusive=True)
    def _save(self, values: dict[str, Any]) -> None:
        saved = self.desk.save_service_form(values, self.service)
        self.app.call_from_thread(self._after_save, *saved)

    def _after_save(self, service_id: str | None, problems: list[Problem]) -> None:
        by_field: dict[str, Reason] = {}
        for name, why in problems:
            key = {"name": "name_fi", "service_areas": "areas"}.get(name, name)
            by_field.setdefault(key if key in ALL_FIELDS else "name_fi", why)
        for name in ALL_FIELDS:
            self.query_one(f"#error-{name}", Said).flag_why(by_field.get(name))
        if problems:
            first = next(name for name in ALL_FIELDS if name in by_field)
            count, why = len(problems), by_field[first]

            def status() -> str:
                fix = t("form.fix_fields", count=count)
                return f"{fix} · {t(f'service_form.{first}')}: {reason_text(why)}"

            self.query_one("#form-status", Said).show(status)
            self.query_one(f"#{first}").focus()
            return
        self.dismiss(service_id)

    def action_edit_organization(self) -> None:
        selected = self.query_one("#organization_id", Select).value
        found = [o for o in self.desk.organizations() if o.id == selected]
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
        if organization_id is None:
            return
        self.organizations = self.desk.organizations()
        select = self.query_one("#organization_id", Select)
        select.set_options(self._organization_options())
        select.value = organization_id

    def action_cancel(self) -> None:
        self.dismiss(None)
