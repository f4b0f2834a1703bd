"""An organisation, new or edited (admin): every field the catalogue keeps of it:
names and descriptions in fi, sv and en, sector, website, email, phones."""

from __future__ import annotations

from ohjaaja.screens.kit.base import DeskModal, db_work
from ohjaaja.screens.kit.bindings import action
from ohjaaja.screens.kit.widgets import (
    FORM_KEYS,
    Said,
    T,
    choice,
    coded,
    desk_footer,
    field_row,
    show_field_errors,
)
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Select

from ohjaaja.domain.catalogue import SECTORS, Organization, Problem, organization_form_values
from ohjaaja.domain.reasons import Reason
from ohjaaja.usecases.desk import Desk

TEXT_FIELDS = (
    "name_fi", "name_sv", "name_en", "description_fi", "description_sv", "description_en",
    "website", "email", "phones",
)  # fmt: skip


class OrganizationFormScreen(DeskModal[str | None]):
    """Dismissed with the saved organisation's id, or None."""

    BINDINGS = [
        action("save", "f10", "save", priority=True),
        action("cancel", "escape", "cancel", key_display="Esc"),
        *FORM_KEYS,
    ]

    def __init__(self, desk: Desk, organization: Organization | None) -> None:
        super().__init__()
        self.desk = desk
        self.organization = organization
        self.prefill = organization_form_values(organization) if organization else {}

    def compose(self) -> ComposeResult:
        title = "title.edit_organization" if self.organization else "title.new_organization"
        with VerticalScroll(id="dialog"):
            yield T(title, classes="dialog-title")
            for name in TEXT_FIELDS:
                value = Input(self.prefill.get(name, ""), id=name, compact=True)
                yield field_row(f"service_form.{name}", value, f"error-{name}")
            chosen = self.prefill.get("sector", "public")
            sector = choice(coded("sector", SECTORS), "sector", chosen)
            yield field_row("service_form.sector", sector, "error-sector")
            yield Said("", id="form-status")
        yield desk_footer()

    def mounted(self) -> None:
        self.query_one("#name_fi", Input).focus()

    def action_save(self) -> None:
        values = {name: self.query_one(f"#{name}", Input).value for name in TEXT_FIELDS}
        values["sector"] = str(self.query_one("#sector", Select).value)
        self._save(values)

    @db_work("organization_save", group="organization-save", exclusive=True)
    def _save(self, values: dict[str, str]) -> None:
        saved = self.desk.catalogue.save_organization_form(values, self.organization)
        self.app.call_from_thread(self._after_save, *saved)

    def _after_save(self, organization_id: str | None, problems: list[Problem]) -> None:
        by_field: dict[str, str | Reason] = {}
        fields = (*TEXT_FIELDS, "sector")
        for name, why in problems:  # a text of all languages (missing, too long): its _fi
            key = name if name in fields else f"{name}_fi"
            by_field.setdefault(key if key in fields else "name_fi", why)
        if not show_field_errors(self, fields, by_field):
            self.dismiss(organization_id)

    def action_cancel(self) -> None:
        self.dismiss(None)
