"""A relative of the client: name, relation and a phone number to reach them."""

from __future__ import annotations

from ohjaaja.screens.kit.base import DeskModal, db_work
from ohjaaja.screens.kit.bindings import action
from ohjaaja.screens.kit.labels import relation_options
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

from ohjaaja.domain.clients import FieldError
from ohjaaja.usecases.desk import Desk

FIELDS = ("relative_name", "relation", "relative_phone")


class RelativeFormScreen(DeskModal[bool]):
    """Dismissed with True when the relative was saved."""

    BINDINGS = [
        action("save", "f10", "save", priority=True),
        action("cancel", "escape", "cancel", key_display="Esc"),
        *FORM_KEYS,
    ]

    def __init__(self, desk: Desk, client_id: str) -> None:
        super().__init__()
        self.desk = desk
        self.client_id = client_id

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            yield T("title.add_relative", classes="dialog-title")
            name = Input(id="relative_name", compact=True)
            yield field_row("field.relative_name", name, "error-relative_name")
            yield field_row(
                "field.relation", choice(relation_options, "relation"), "error-relation"
            )
            phone = Input(id="relative_phone", compact=True)
            yield field_row("field.relative_phone", phone, "error-relative_phone")
            yield Said("", id="form-status")
        yield desk_footer()

    def mounted(self) -> None:
        self.query_one("#relative_name", Input).focus()

    def action_save(self) -> None:
        relation = self.query_one("#relation", Select).value
        self._save(
            self.query_one("#relative_name", Input).value,
            "" if relation is Select.NULL else str(relation),
            self.query_one("#relative_phone", Input).value,
        )

    @db_work("relative", group="relative-save", exclusive=True)
    def _save(self, name: str, relation: str, phone: str) -> None:
        errors = self.desk.clients.save_relative(self.client_id, name, relation, phone)
        self.app.call_from_thread(self._after_save, errors)

    def _after_save(self, errors: list[FieldError]) -> None:
        by_field = {e.field: e.key for e in reversed(errors)}  # the first per field
        if not show_field_errors(self, FIELDS, by_field):
            self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
