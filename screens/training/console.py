"""The trainer's console: the shift as it runs, and the trainer's hands on it.

What it shows comes from `Shift.status()` (ohjaaja/training/engine.py), read in a
worker each time the app's heartbeat advances the shift and after each of the
trainer's keys; the keys call the Shift in a worker too (each one writes the
shift's clock and syncs it to the trainees' desks). The shift itself is advanced
by the app (OhjaajaApp.advance_shift), so it keeps running while the trainer, or a
trainee practising alone, is on another screen.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from ohjaaja.screens.kit.base import DeskModal, DeskScreen, db_work
from ohjaaja.screens.kit.bindings import action
from ohjaaja.screens.kit.labels import (
    channel_name,
    language_options,
    line_short,
    municipality_options,
)
from ohjaaja.screens.kit.plain import DataTable, Static
from ohjaaja.screens.kit.widgets import (
    FORM_KEYS,
    WEEKDAYS,
    Said,
    T,
    TitleBar,
    choice,
    coded,
    desk_footer,
    field_row,
)
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Select

from ohjaaja.domain.clock import local
from ohjaaja.domain.queue import CHANNELS, LINES
from ohjaaja.i18n import t
from ohjaaja.usecases.desk import Desk

if TYPE_CHECKING:
    from ohjaaja.training.engine import Shift, ShiftStatus

# The trainer's speeds, 1x to 60x (ohjaaja.domain.limits bounds the clock's).
SPEEDS = (1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0)
STEP = timedelta(minutes=1)  # one press of the step key, paused or not


def faster(speed: float) -> float:
    return next((s for s in SPEEDS if s > speed), SPEEDS[-1])


def slower(speed: float) -> float:
    return next((s for s in reversed(SPEEDS) if s < speed), SPEEDS[0])


def state_text(status: ShiftStatus) -> str:
    if status.ended:
        return t("console.ended")
    return t("console.paused") if status.paused else t("console.running")


def clock_line(status: ShiftStatus) -> str:
    """' to 26.11. 08.15.30 · 10× · käynnissä · loppuu 12.00'"""
    now = local(status.now)
    return " " + " · ".join(
        (
            f"{t(WEEKDAYS[now.weekday()])} {now:%d.%m. %H.%M.%S}",
            f"{status.speed:g}×",
            state_text(status),
            t("console.ends", at=f"{local(status.end):%H.%M}"),
        )
    )


def figures_line(status: ShiftStatus) -> str:
    return " " + t(
        "console.figures",
        waiting=status.waiting,
        answered=status.answered,
        abandoned=status.abandoned,
        done=status.scripted_done,
        total=status.scripted_total,
    )


class ConsoleScreen(DeskScreen[None]):
    BINDINGS = [
        action("run_pause", "space", "run_pause", key_display="␣"),
        # One footer entry for both (+/-): at 80 columns the footer has room for one.
        action("faster", "plus", "faster", key_display="+/-"),
        action("slower", "minus", "slower", show=False),
        action("step", "full_stop", "step", key_display="."),
        action("add_contact", "a", "add_contact"),
        action("end_shift", "e", "end_shift"),
        action("debrief", "d", "debrief"),
        action("read_caller", "enter", "read_caller", show=False),
        action("go_back", "escape", "back", key_display="Esc", show=False),
    ]
    ONLY_WHEN = {"debrief": "can_debrief"}

    def __init__(self, desk: Desk, shift: Shift) -> None:
        super().__init__()
        self.desk = desk
        self.shift = shift
        self.status: ShiftStatus | None = None
        self._contacts: dict[str, str] = {}  # contact id -> what the trainee is on
        # The speed the trainer asked for: a quick second + counts from it, not from
        # the clock that the first press's worker has not yet changed.
        self._speed = shift.clock.speed
        self._paused = shift.clock.paused
        # One change at a time, reading what was asked inside: the worker that applies
        # last started after the last press, so the clock ends as asked last.
        self._applying = threading.Lock()

    @property
    def can_debrief(self) -> bool:
        return hasattr(self.app, "open_debrief")

    def compose(self) -> ComposeResult:
        yield TitleBar("title.console", self.desk.worker_name, id="title")
        yield Static("", id="shift-title")
        yield Static("", id="shift-clock")
        yield Static("", id="shift-figures")
        yield DataTable(id="trainees", cursor_type="row", zebra_stripes=False)
        yield Said("", id="status")
        yield desk_footer()

    def mounted(self) -> None:
        self._columns()
        self.query_one("#title", TitleBar).show(self.desk.clock.now())
        self.load()

    def retranslated(self) -> None:
        self._columns()
        if self.status is not None:
            self.show_status(self.status, self._contacts)

    def _columns(self) -> None:
        table = self.query_one("#trainees", DataTable)
        table.clear(columns=True)
        table.add_column(t("console.col_trainee"), width=26)
        table.add_column(t("console.col_on"), width=26)
        table.add_column(t("console.col_answered"), width=9)
        table.add_column(t("console.col_points"), width=8)
        if self.status is not None:
            self._rows(self.status)

    # -- what it shows ------------------------------------------------------------
    def desk_changed(self) -> None:
        self.load()

    def shift_advanced(self) -> None:
        """The app advanced the shift (each heartbeat): show where it is now."""
        self.load()

    @db_work("console_load", group="console-load", exclusive=True)
    def load(self) -> None:
        status = self.shift.status()
        contacts: dict[str, str] = {}
        for trainee in status.trainees:
            if trainee.contact_id:
                contact = self.desk.contacts.contact(trainee.contact_id)
                contacts[trainee.contact_id] = (
                    f"{channel_name(contact.channel)} · {line_short(contact.line_code)}"
                )
        self.app.call_from_thread(self.show_status, status, contacts)

    def show_status(self, status: ShiftStatus, contacts: dict[str, str]) -> None:
        self.status = status
        self._contacts = contacts
        self.query_one("#title", TitleBar).show(self.desk.clock.now())
        self.query_one("#shift-title", Static).update(f" {status.title}")
        self.query_one("#shift-clock", Static).update(clock_line(status))
        self.query_one("#shift-figures", Static).update(figures_line(status))
        self._rows(status)
        self.refresh_bindings()

    def _rows(self, status: ShiftStatus) -> None:
        table = self.query_one("#trainees", DataTable)
        table.clear()
        for trainee in status.trainees:
            on = self._contacts.get(trainee.contact_id or "", "—") if trainee.contact_id else "—"
            table.add_row(trainee.name, on, str(trainee.answered), str(trainee.points))
        if not status.trainees:
            self.query_one("#status", Said).say("console.no_trainees")
        else:
            self.query_one("#status", Said).clear()

    # -- the trainer's keys -------------------------------------------------------
    def action_run_pause(self) -> None:
        if self.status is None or not self.status.ended:
            self._paused = not self._paused  # as the speed: a quick second press counts
            self._do(self._run_or_pause)

    def _run_or_pause(self) -> None:
        with self._applying:
            if self._paused:
                self.shift.pause()
            else:
                self.shift.resume()

    def action_faster(self) -> None:
        self._speed = faster(self._speed)
        self._do(self._set_speed)

    def action_slower(self) -> None:
        self._speed = slower(self._speed)
        self._do(self._set_speed)

    def _set_speed(self) -> None:
        """Run in a worker: the speed asked for last, whichever press's worker runs last."""
        with self._applying:
            self.shift.set_speed(self._speed)

    def action_step(self) -> None:
        self._do(lambda: self.shift.step(STEP))

    def action_add_contact(self) -> None:
        def added(chosen: tuple[str, str, str | None, str] | None) -> None:
            if chosen is not None:
                channel, line, municipality, language = chosen
                self._do(lambda: self.shift.add_contact(channel, line, municipality, language))

        self.app.push_screen(AddContactScreen(self.desk), added)

    def action_end_shift(self) -> None:
        def confirmed(yes: bool | None) -> None:
            if yes:
                self._do(self.shift.end)

        self.app.push_screen(EndShiftScreen(self.desk), confirmed)

    def action_debrief(self) -> None:
        opener = getattr(self.app, "open_debrief", None)
        if opener is not None:
            opener(self.shift.id, self.shift.scenario)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a trainee: the caller card of the contact they are on, every
        answer shown, for the trainer who plays the caller."""
        event.stop()
        self.action_read_caller()

    def action_read_caller(self) -> None:
        from ohjaaja.screens.training.caller_card import CallerCardScreen

        table = self.query_one("#trainees", DataTable)
        if self.status is None or not 0 <= table.cursor_row < len(self.status.trainees):
            return
        contact_id = self.status.trainees[table.cursor_row].contact_id
        if contact_id is None:
            self.query_one("#status", Said).say("console.trainee_idle")
            return
        self.app.push_screen(CallerCardScreen(self.desk, contact_id, trainer=True))

    def action_back(self) -> None:
        self.app.pop_screen()

    @db_work("console_change", group="console-change")
    def _do(self, change: Callable[[], Any]) -> None:
        """One of the trainer's changes, then the shift as it is after it."""
        change()
        self.app.call_from_thread(self.load)


class AddContactScreen(DeskModal[tuple[str, str, str | None, str] | None]):
    """A contact the trainer adds by hand, arriving now: channel, line, municipality
    and language."""

    BINDINGS = [
        action("add_contact_save", "f10", "save", priority=True),
        action("cancel", "escape", "cancel", key_display="Esc"),
        *FORM_KEYS,
    ]

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield T("title.add_contact", classes="dialog-title")
            yield field_row("field.channel", choice(coded("channel", CHANNELS), "channel", "phone"))
            yield field_row("field.line", choice(coded("line", LINES), "line", "ikaihmiset"))
            yield field_row(
                "field.municipality_code", choice(municipality_options, "municipality", "853")
            )
            yield field_row("field.language", choice(language_options, "language", "fi"))
            yield Said("", id="form-status")
        yield desk_footer()

    def mounted(self) -> None:
        self.query_one("#channel").focus()

    def _value(self, widget_id: str) -> str | None:
        value = self.query_one(f"#{widget_id}", Select).value
        return None if value is Select.NULL else str(value)

    def action_save(self) -> None:
        channel, line = self._value("channel"), self._value("line")
        if channel is None or line is None:
            self.query_one("#form-status", Said).warn("console.choose_channel_line")
            return
        self.dismiss((channel, line, self._value("municipality"), self._value("language") or "fi"))

    def action_cancel(self) -> None:
        self.dismiss(None)


class EndShiftScreen(DeskModal[bool]):
    """Ending a shift cannot be undone: asked once more."""

    BINDINGS = [
        action("end_shift_confirm", "f10", "confirm", priority=True),
        action("cancel", "escape", "cancel", key_display="Esc"),
    ]

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield T("title.end_shift", classes="dialog-title")
            yield T("console.end_question")
        yield desk_footer()

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
