"""Asking why before something is done: revealing an identity code, returning a
handover. The answer is required; Esc cancels."""

from __future__ import annotations

from collections.abc import Callable

from ohjaaja.screens.kit.base import DeskModal
from ohjaaja.screens.kit.bindings import action
from ohjaaja.screens.kit.widgets import Said, T, desk_footer
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input

from ohjaaja.domain.limits import SHORT_TEXT_MAX
from ohjaaja.i18n import t


class ReasonScreen(DeskModal[str | None]):
    """Dismissed with the reason given, or None when cancelled."""

    BINDINGS = [action("cancel", "escape", "cancel", key_display="Esc")]

    def __init__(
        self,
        title_key: str,
        question_key: str,
        placeholder_key: str = "",
        attempt: Callable[[str], object] | None = None,
    ) -> None:
        """attempt: what the reason is for, started with it; it then dismisses this
        dialog, or calls `refused` (the dialog stays with what was typed)."""
        super().__init__()
        self.title_key = title_key
        self.question_key = question_key
        self.placeholder_key = placeholder_key
        self.attempt = attempt

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield T(self.title_key, classes="dialog-title")
            yield T(self.question_key)
            placeholder = t(self.placeholder_key) if self.placeholder_key else ""
            yield Input(
                id="reason", placeholder=placeholder, compact=True, max_length=SHORT_TEXT_MAX
            )
            yield Said("", id="form-status")
        yield desk_footer()

    def mounted(self) -> None:
        self.query_one("#reason", Input).focus()

    def retranslated(self) -> None:
        if self.placeholder_key:
            self.query_one("#reason", Input).placeholder = t(self.placeholder_key)

    @on(Input.Submitted, "#reason")
    def _submitted(self, event: Input.Submitted) -> None:
        reason = event.value.strip()
        if not reason:
            self.query_one("#form-status", Said).warn("reveal.required")
            return
        if self.attempt is None:
            self.dismiss(reason)
        else:
            self.attempt(reason)

    def refused(self, why: str) -> None:
        """The attempt was refused: why (already in the worker's words), the reason kept."""
        self.query_one("#form-status", Said).show(lambda: why)

    def action_cancel(self) -> None:
        self.dismiss(None)
