"""A client, new or edited; every bad field says what is wrong with it.

The same name and birth date as an existing client is not an error (people do
share both) but it is asked about: F10 again saves anyway, F6 takes the
existing client instead.
"""

from __future__ import annotations

from ohjaaja.screens.kit.base import DeskModal, db_work
from ohjaaja.screens.kit.bindings import action
from ohjaaja.screens.kit.labels import language_options, municipality_options
from ohjaaja.screens.kit.widgets import (
    FORM_KEYS,
    Said,
    T,
    choice,
    desk_footer,
    field_row,
    show_field_errors,
)
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Select

from ohjaaja.domain.clients import CLIENT_FIELDS
from ohjaaja.i18n import t
from ohjaaja.usecases.clients import SaveResult
from ohjaaja.usecases.desk import Desk

TEXT_FIELDS = ("last_name", "first_names", "hetu", "birth_date", "phone", "email", "address")
CHOICE_FIELDS = ("municipality_code", "language")


class ClientFormScreen(DeskModal[str | None]):
    """Dismissed with the saved (or the chosen existing) client's id, or None."""

    BINDINGS = [
        action("save", "f10", "save", priority=True),
        action("use_existing", "f6", "use_existing", priority=True),
        action("cancel", "escape", "cancel", key_display="Esc"),
        *FORM_KEYS,
    ]
    ONLY_WHEN = {"use_existing": "duplicate_id"}  # F6 shows once a duplicate is named

    def __init__(
        self,
        desk: Desk,
        prefill: dict[str, str],
        client_id: str | None = None,
        hetu_masked: str | None = None,
    ) -> None:
        super().__init__()
        self.desk = desk
        self.prefill = prefill
        self.client_id = client_id
        self.hetu_masked = hetu_masked
        self.duplicate_id: str | None = None

    def compose(self) -> ComposeResult:
        title = "title.edit_client" if self.client_id else "title.new_client"
        with VerticalScroll(id="dialog"):
            yield T(title, classes="dialog-title")
            for name in TEXT_FIELDS:
                text = Input(self.prefill.get(name, ""), id=name, compact=True)
                if name == "hetu" and self.hetu_masked:
                    text.placeholder = t("client.hetu_unchanged", code=self.hetu_masked)
                yield field_row(f"field.{name}", text, f"error-{name}")
            municipality = choice(
                municipality_options, "municipality_code", self.prefill.get("municipality_code")
            )
            yield field_row("field.municipality_code", municipality, "error-municipality_code")
            language = choice(language_options, "language", self.prefill.get("language") or "fi")
            yield field_row("field.language", language, "error-language")
            alerts = Input(self.prefill.get("alerts", ""), id="alerts", compact=True)
            yield field_row("field.alerts", alerts, "error-alerts")
            yield Said("", id="form-status")
        yield desk_footer()

    def mounted(self) -> None:
        self.query_one("#last_name", Input).focus()

    def retranslated(self) -> None:
        if self.hetu_masked:
            hetu = self.query_one("#hetu", Input)
            hetu.placeholder = t("client.hetu_unchanged", code=self.hetu_masked)

    def values(self) -> dict[str, str]:
        values = {name: self.query_one(f"#{name}", Input).value for name in TEXT_FIELDS}
        values["alerts"] = self.query_one("#alerts", Input).value
        for name in CHOICE_FIELDS:
            selected = self.query_one(f"#{name}", Select).value
            values[name] = "" if selected is Select.NULL else str(selected)
        return values

    def action_save(self) -> None:
        # A second F10 after the duplicate warning means "save anyway".
        self._save(self.values(), allow_duplicate=self.duplicate_id is not None)

    @db_work("client_save", group="client-save", exclusive=True)
    def _save(self, values: dict[str, str], allow_duplicate: bool) -> None:
        if self.client_id:
            saved = self.desk.clients.update_client(self.client_id, values, allow_duplicate)
        else:
            saved = self.desk.clients.create_client(values, allow_duplicate)
        self.app.call_from_thread(self._after_save, saved)

    def _after_save(self, saved: SaveResult) -> None:
        by_field = {e.field: e.key for e in reversed(saved.errors)}  # the first per field
        status = self.query_one("#form-status", Said)
        if saved.duplicate is not None:
            show_field_errors(self, CLIENT_FIELDS, {})  # none now: the earlier ones go
            self.duplicate_id = saved.duplicate.id
            self.refresh_bindings()
            born = saved.duplicate.birth_date or ""
            status.say("form.duplicate", name=saved.duplicate.name, born=born)
            return
        self.duplicate_id = None
        self.refresh_bindings()
        if not show_field_errors(self, CLIENT_FIELDS, by_field):
            self.dismiss(saved.client_id)

    def action_use_existing(self) -> None:
        if self.duplicate_id is not None:
            self.dismiss(self.duplicate_id)

    def action_cancel(self) -> None:
        self.dismiss(None)
