"""Scheduling a callback: the contact goes back to the queue and returns at the
chosen time. Calling back a client who did not answer records a missed callback
(the client card flags repeated ones)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from ohjaaja.screens.kit.base import DeskModal, db_work
from ohjaaja.screens.kit.bindings import action
from ohjaaja.screens.kit.widgets import (
    FORM_KEYS,
    Said,
    T,
    Tick,
    choice,
    coded,
    desk_footer,
    field_row,
)
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Select

from ohjaaja.domain.clock import HELSINKI, local
from ohjaaja.domain.workdays import add_working_days
from ohjaaja.usecases.contacts import ContactView
from ohjaaja.usecases.desk import Desk

CHOICES = ("30min", "1h", "2h", "tomorrow", "at")


def callback_time(choice: str, text: str, now: datetime) -> datetime | None:
    """The time a choice means; 'at' reads 'd.m. hh.mm' (or 'hh.mm' today); None if
    it cannot be read or is not in the future."""
    steps = {"30min": timedelta(minutes=30), "1h": timedelta(hours=1), "2h": timedelta(hours=2)}
    if choice in steps:
        return now + steps[choice]
    today = local(now)
    if choice == "tomorrow":
        day = add_working_days(today.date(), 1)
        return datetime.combine(day, time(9), tzinfo=HELSINKI)
    try:
        parts = text.replace(":", ".").split()
        day = today.date()
        if len(parts) == 2:
            d, m = (int(p) for p in parts[0].rstrip(".").split(".")[:2])
            day = day.replace(month=m, day=d)
            if day < today.date():
                day = day.replace(year=day.year + 1)
        hours, minutes = (int(p) for p in parts[-1].split(".")[:2])
        moment = datetime.combine(day, time(hours, minutes), tzinfo=HELSINKI)
    except (ValueError, IndexError):
        return None
    return moment if moment > now else None


class CallbackScreen(DeskModal[datetime | None]):
    BINDINGS = [
        action("save_callback", "f10", "save", priority=True),
        action("cancel", "escape", "cancel", key_display="Esc"),
        *FORM_KEYS,
    ]

    def __init__(self, desk: Desk, contact: ContactView) -> None:
        super().__init__()
        self.desk = desk
        self.contact = contact

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield T("title.callback", classes="dialog-title")
            yield field_row("callback.when", choice(coded("callback", CHOICES), "when", "1h"))
            yield field_row(
                "callback.at_label", Input(placeholder="24.11. 14.30", id="at", compact=True)
            )
            # A contact that was itself a callback: this attempt did not reach the client.
            missed = Tick("callback.missed", self.contact.callback_at is not None, id="missed")
            yield field_row("callback.attempt", missed)
            yield Said("", id="form-status")
        yield desk_footer()

    def mounted(self) -> None:
        self.query_one("#when", Select).focus()

    def action_save(self) -> None:
        choice = str(self.query_one("#when", Select).value)
        text = self.query_one("#at", Input).value
        at = callback_time(choice, text, self.desk.clock.now())
        if at is None:
            self.query_one("#form-status", Said).warn("callback.bad_time")
            return
        self._save(at, self.query_one("#missed", Tick).value)

    @db_work("callback", group="callback-save")
    def _save(self, at: datetime, missed: bool) -> None:
        self.desk.handovers.schedule_callback(self.contact.id, at, missed)
        self.app.call_from_thread(self.dismiss, at)

    def action_cancel(self) -> None:
        self.dismiss(None)
