"""The caller hung up before anyone answered: the worker marks the contact from the
queue. It cannot be undone, so it is asked once more (F10 marks, Esc cancels)."""

from __future__ import annotations

from datetime import datetime

from ohjaaja.screens.kit.base import DeskModal
from ohjaaja.screens.kit.bindings import action
from ohjaaja.screens.kit.widgets import Said, T, contact_summary, desk_footer
from textual.app import ComposeResult
from textual.containers import Vertical

from ohjaaja.domain.queue import QueueEntry, format_duration, wait_seconds
from ohjaaja.usecases.desk import Desk


class AbandonScreen(DeskModal[bool]):
    BINDINGS = [
        action("abandon_confirm", "f10", "confirm", priority=True),
        action("cancel", "escape", "cancel", key_display="Esc"),
    ]

    def __init__(self, desk: Desk, entry: QueueEntry) -> None:
        super().__init__()
        self.desk = desk
        self.entry = entry

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield T("title.abandon", classes="dialog-title")
            yield Said(id="which")
            yield Said(id="waited")
            yield Said(id="question")
        yield desk_footer()

    def mounted(self) -> None:
        self.query_one("#which", Said).show(lambda: contact_summary(self.entry))
        self.query_one("#question", Said).say("abandon.question")
        self._show_wait()

    def clock_ticked(self, now: datetime) -> None:
        super().clock_ticked(now)
        self._show_wait(now)

    def _show_wait(self, now: datetime | None = None) -> None:
        waited = wait_seconds(self.entry.received_at, now or self.desk.clock.now())
        self.query_one("#waited", Said).say("abandon.waited", wait=format_duration(waited))

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
