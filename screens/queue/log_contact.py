"""Logging a contact that did not come through the queue (walk-in, direct call)."""

from __future__ import annotations

from ohjaaja.screens.kit.base import DeskModal, db_work
from ohjaaja.screens.kit.bindings import action
from ohjaaja.screens.kit.labels import language_options, municipality_options
from ohjaaja.screens.kit.widgets import Said, T, choice, coded, desk_footer, field_row
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Select

from ohjaaja.domain.phones import PhoneError, normalise_phone
from ohjaaja.domain.queue import CHANNELS, LINES
from ohjaaja.usecases.desk import Desk


class LogContactScreen(DeskModal[str | None]):
    """Returns the id of the new contact, already taken by this worker."""

    BINDINGS = [
        action("save", "f10", "save", priority=True),
        action("cancel", "escape", "cancel", key_display="Esc"),
    ]

    def __init__(self, desk: Desk, lines: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.desk = desk
        self.default_line = lines[0] if len(lines) == 1 else "ikaihmiset"

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            yield T("title.log_contact", classes="dialog-title")
            channels = choice(coded("channel", CHANNELS), "channel", "walk_in")
            yield field_row("field.channel", channels)
            yield field_row("field.line", choice(coded("line", LINES), "line", self.default_line))
            yield field_row(
                "field.municipality_code", choice(municipality_options, "municipality_code")
            )
            yield field_row("field.language", choice(language_options, "language", "fi"))
            yield field_row("field.phone", Input(id="phone", compact=True), "error-phone")
        yield desk_footer()

    def mounted(self) -> None:
        self.query_one("#channel", Select).focus()

    def action_save(self) -> None:
        phone_text = self.query_one("#phone", Input).value.strip()
        phone = None
        if phone_text:
            try:
                phone = normalise_phone(phone_text)
            except PhoneError as exc:
                self.query_one("#error-phone", Said).warn(exc.key)
                self.query_one("#phone", Input).focus()
                return
        municipality = self.query_one("#municipality_code", Select).value
        self._save(
            str(self.query_one("#channel", Select).value),
            str(self.query_one("#line", Select).value),
            None if municipality is Select.NULL else str(municipality),
            str(self.query_one("#language", Select).value),
            phone,
        )

    @db_work("log_contact", group="log-save", exclusive=True)
    def _save(
        self, channel: str, line: str, municipality: str | None, language: str, phone: str | None
    ) -> None:
        contact_id = self.desk.contacts.log_contact(channel, line, municipality, language, phone)
        self.app.call_from_thread(self.dismiss, contact_id)

    def action_cancel(self) -> None:
        self.dismiss(None)
