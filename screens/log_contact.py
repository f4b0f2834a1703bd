"""Logging a contact that did not come through the queue (walk-in, direct call)."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Select, Static

from ohjaaja.desk import Desk
from ohjaaja.i18n import LANGUAGES, get_language, t
from ohjaaja.phones import PhoneError, normalise_phone
from ohjaaja.queue import CHANNELS, LINES
from ohjaaja.reference import municipalities
from screens.bindings import action, translate_bindings
from screens.labels import channel_name, line_name
from screens.widgets import T, desk_footer, steady_cursors


class LogContactScreen(ModalScreen[str | None]):
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
        language = get_language()
        places = sorted(municipalities().values(), key=lambda m: m.name(language))
        with Vertical(id="dialog"):
            yield T("title.log_contact", classes="dialog-title")
            with Horizontal(classes="field"):
                yield T("field.channel", classes="label")
                yield Select(
                    [(channel_name(c), c) for c in CHANNELS],
                    value="walk_in",
                    id="channel",
                    compact=True,
                    allow_blank=False,
                )
            with Horizontal(classes="field"):
                yield T("field.line", classes="label")
                yield Select(
                    [(line_name(code), code) for code in LINES],
                    value=self.default_line,
                    id="line",
                    compact=True,
                    allow_blank=False,
                )
            with Horizontal(classes="field"):
                yield T("field.municipality_code", classes="label")
                yield Select(
                    [(m.name(language), m.code) for m in places],
                    id="municipality_code",
                    compact=True,
                    prompt="—",
                )
            with Horizontal(classes="field"):
                yield T("field.language", classes="label")
                yield Select(
                    [(t(f"language.{code}"), code) for code in LANGUAGES],
                    value="fi",
                    id="language",
                    compact=True,
                    allow_blank=False,
                )
            with Horizontal(classes="field"):
                yield T("field.phone", classes="label")
                yield Input(id="phone", compact=True)
                yield Static("", id="error-phone", classes="error")
        yield desk_footer()

    def on_mount(self) -> None:
        translate_bindings(self)
        steady_cursors(self)
        self.query_one("#channel", Select).focus()

    def retranslate(self) -> None:
        translate_bindings(self)
        for widget in self.query(T):
            widget.retranslate()

    def action_save(self) -> None:
        phone_text = self.query_one("#phone", Input).value.strip()
        phone = None
        if phone_text:
            try:
                phone = normalise_phone(phone_text)
            except PhoneError as exc:
                self.query_one("#error-phone", Static).update(f"⚠ {t(exc.key)}")
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

    @work(thread=True, exclusive=True, group="log-save")
    def _save(
        self, channel: str, line: str, municipality: str | None, language: str, phone: str | None
    ) -> None:
        contact_id = self.desk.log_contact(channel, line, municipality, language, phone)
        self.app.call_from_thread(self.dismiss, contact_id)

    def action_cancel(self) -> None:
        self.dismiss(None)
