"""Asking why before the identity code is shown; the answer goes to the access log."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ohjaaja.i18n import t
from screens.bindings import action, translate_bindings
from screens.widgets import T, desk_footer, steady_cursors


class RevealScreen(ModalScreen[str | None]):
    """Dismissed with the reason given, or None when cancelled."""

    BINDINGS = [action("cancel", "escape", "cancel", key_display="Esc")]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield T("title.reveal", classes="dialog-title")
            yield T("reveal.why")
            yield Input(id="reason", placeholder=t("reveal.placeholder"), compact=True)
            yield Static("", id="form-status")
        yield desk_footer()

    def on_mount(self) -> None:
        translate_bindings(self)
        steady_cursors(self)
        self.query_one("#reason", Input).focus()

    @on(Input.Submitted, "#reason")
    def _submitted(self, event: Input.Submitted) -> None:
        reason = event.value.strip()
        if not reason:
            self.query_one("#form-status", Static).update(f"⚠ {t('reveal.required')}")
            return
        self.dismiss(reason)

    def action_cancel(self) -> None:
        self.dismiss(None)
