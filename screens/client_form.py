"""A new client, made on the spot; every bad field says what is wrong with it."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Select, Static

from ohjaaja.clients import CLIENT_FIELDS, FieldError
from ohjaaja.desk import Desk
from ohjaaja.i18n import t
from screens.bindings import action, translate_bindings
from screens.labels import language_options, municipality_options
from screens.widgets import T, choice, desk_footer, field_row, steady_cursors

TEXT_FIELDS = ("last_name", "first_names", "hetu", "birth_date", "phone")


class ClientFormScreen(ModalScreen[str | None]):
    BINDINGS = [
        action("save", "f10", "save", priority=True),
        action("cancel", "escape", "cancel", key_display="Esc"),
    ]

    def __init__(self, desk: Desk, prefill: dict[str, str]) -> None:
        super().__init__()
        self.desk = desk
        self.prefill = prefill

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield T("title.new_client", classes="dialog-title")
            for name in TEXT_FIELDS:
                text = Input(self.prefill.get(name, ""), id=name, compact=True)
                yield field_row(f"field.{name}", text, f"error-{name}")
            municipality = choice(
                municipality_options(), "municipality_code", self.prefill.get("municipality_code")
            )
            yield field_row("field.municipality_code", municipality, "error-municipality_code")
            language = choice(language_options(), "language", self.prefill.get("language") or "fi")
            yield field_row("field.language", language, "error-language")
            yield Static("", id="form-status")
        yield desk_footer()

    def on_mount(self) -> None:
        translate_bindings(self)
        steady_cursors(self)
        self.query_one("#last_name", Input).focus()

    def retranslate(self) -> None:
        translate_bindings(self)
        for widget in self.query(T):
            widget.retranslate()

    def values(self) -> dict[str, str]:
        values = {name: self.query_one(f"#{name}", Input).value for name in TEXT_FIELDS}
        for name in ("municipality_code", "language"):
            selected = self.query_one(f"#{name}", Select).value
            values[name] = "" if selected is Select.NULL else str(selected)
        return values

    def action_save(self) -> None:
        self._save(self.values())

    @work(thread=True, exclusive=True, group="client-save")
    def _save(self, values: dict[str, str]) -> None:
        client_id, errors = self.desk.create_client(values)
        self.app.call_from_thread(self._after_save, client_id, errors)

    def _after_save(self, client_id: str | None, errors: list[FieldError]) -> None:
        by_field = {e.field: e for e in errors}
        for name in CLIENT_FIELDS:
            error = by_field.get(name)
            self.query_one(f"#error-{name}", Static).update(f"⚠ {t(error.key)}" if error else "")
        if errors:
            self.query_one("#form-status", Static).update(t("form.fix_fields", count=len(errors)))
            self.query_one(f"#{errors[0].field}").focus()
            return
        self.dismiss(client_id)

    def action_cancel(self) -> None:
        self.dismiss(None)
