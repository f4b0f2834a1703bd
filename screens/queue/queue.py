"""The contact queue: today's figures, which lines are open, the waiting contacts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ohjaaja.screens.kit.base import DeskScreen, db_work
from ohjaaja.screens.kit.bindings import action, group
from ohjaaja.screens.kit.labels import channel_name, line_short, municipality_name
from ohjaaja.screens.kit.plain import DataTable, Static
from ohjaaja.screens.kit.widgets import TitleBar, desk_footer
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.worker import Worker

from ohjaaja.domain.clock import local
from ohjaaja.domain.queue import LINES, DayFigures, QueueEntry, format_duration, wait_seconds
from ohjaaja.i18n import t
from ohjaaja.usecases.contacts import ContactView
from ohjaaja.usecases.desk import Desk
from ohjaaja.usecases.handovers import Attention

PAGE = 200  # rows drawn at once; the figures line tells how many wait in all
COLUMNS = ("col.priority", "col.channel", "col.line", "col.municipality", "col.lang", "col.wait")


@dataclass(frozen=True)
class QueueData:
    entries: list[QueueEntry]
    figures: DayFigures
    my_open: int
    attention: Attention
    lost: int = 0  # contacts taken here offline that another desk won, not yet seen


def _line_bindings() -> list:
    bindings = [
        group(action(f"line_{i}", str(i), f"toggle_line('{code}')"), "group.lines")
        for i, code in enumerate(LINES, start=1)
    ]
    return [*bindings, action("all_lines", "0", "all_lines", show=False)]


def sync_text(app: object) -> str:
    """'● online 13.05.02 · 0 to send' or '○ offline since ... · 12 to send'."""
    status = getattr(app, "sync_status", None)
    if status is None:
        return ""
    when = local(status.last_ok).strftime("%H.%M.%S") if status.last_ok else "—"
    key = "sync.online" if status.online else "sync.offline"
    text = t(key, time=when, pending=status.pending)
    if status.quarantined:
        text += " · " + t("sync.quarantined", count=status.quarantined)
    return text


def attention_texts(attention: Attention) -> list[str]:
    """'Siirtoja 2, myöhässä 1 (h)', 'Vuoronvaihto kuittaamatta: 1 (s)'."""
    texts = []
    if attention.new_handovers or attention.overdue_handovers:
        text = t("queue.handovers", count=attention.new_handovers)
        if attention.overdue_handovers:
            text += ", " + t("handover.overdue_count", count=attention.overdue_handovers)
        texts.append(text + " (h)")
    if attention.shifts:
        texts.append(t("queue.shifts", count=attention.shifts))
    return texts


def join_fitting(parts: list[str], width: int) -> str:
    """Parts two spaces apart, a new line started between parts rather than inside one."""
    lines = [""]
    for part in parts:
        if lines[-1] and len(lines[-1]) + 2 + len(part) > width:
            lines.append(part)
        else:
            lines[-1] = f"{lines[-1]}  {part}" if lines[-1] else part
    return "\n".join(lines)


class QueueScreen(DeskScreen):
    BINDINGS = [
        action("take_next", "n", "take_next"),
        action("take_selected", "t", "take_selected"),  # Enter does not: taken by accident
        action("log_contact", "l", "log_contact"),
        # The caller hung up: asked again. Not in the footer (no room at 80 columns): F1 lists it.
        action("abandon_contact", "p", "abandon_contact", show=False),
        action("my_open", "o", "my_open", show=False),  # the status line shows (o) when open
        action("handovers", "h", "handovers"),
        action("shift", "s", "shift"),
        *_line_bindings(),
    ]

    def __init__(self, desk: Desk, lines: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.desk = desk
        self.lines: set[str] = set(lines)
        self.data: QueueData | None = None
        self.lines_open: dict[str, bool] = {}
        self._lines_minute: datetime | None = None
        self._status_parts: list[str] = []  # the status line's texts before the sync state

    def compose(self) -> ComposeResult:
        yield TitleBar("title.queue", self.desk.worker_name, id="title")
        yield Static("", id="figures")
        yield Static("", id="lines")
        yield DataTable(id="queue", cursor_type="row", zebra_stripes=False)
        yield Static("", id="status")
        yield desk_footer()

    def mounted(self) -> None:
        self._add_columns()
        self.refresh_queue()
        self.call_after_refresh(self.refresh_lines_open)
        self.set_interval(60.0, self.refresh_lines_open)
        # Handovers fall overdue, and the shift's figures move on, by the clock alone.
        self.set_interval(60.0, self.refresh_queue)

    def _add_columns(self) -> None:
        table = self.query_one("#queue", DataTable)
        widths = (2, 14, 9, 16, 5, 9)
        for key, width in zip(COLUMNS, widths, strict=True):
            table.add_column(t(key), width=width, key=key)

    def retranslated(self) -> None:
        table = self.query_one("#queue", DataTable)
        table.clear(columns=True)
        self._add_columns()
        self.show_data()

    # -- data ---------------------------------------------------------------
    def desk_changed(self) -> None:
        self.refresh_queue()

    def clock_ticked(self, now: datetime) -> None:
        """Every second: the wait times in view and the longest wait move; the lines'
        hours at each new minute of the clock (a training shift's runs up to 60 times
        faster, and a trainer's step jumps it)."""
        super().clock_ticked(now)
        minute = now.replace(second=0, microsecond=0)
        if minute != self._lines_minute:
            if self._lines_minute is not None:
                self.refresh_lines_open()
            self._lines_minute = minute
        if self.data is None:
            return
        self.query_one("#figures", Static).update(self._figures_text(self.data.figures, now))
        table = self.query_one("#queue", DataTable)
        first = int(table.scroll_y)
        for entry in self.data.entries[first : first + table.size.height]:
            if entry.id in table.rows:
                wait = format_duration(wait_seconds(entry.received_at, now))
                table.update_cell(entry.id, "col.wait", wait)

    @db_work("queue", group="queue-refresh", exclusive=True)
    def refresh_queue(self) -> None:
        lines = sorted(self.lines) or None
        data = QueueData(
            entries=self.desk.contacts.queue(lines, PAGE),
            figures=self.desk.contacts.figures(lines),
            my_open=len(self.desk.contacts.my_open_contacts()),
            attention=self.desk.handovers.attention(),
            lost=len(self.desk.contacts.lost_claims()),
        )
        self.app.call_from_thread(self._apply, data)

    @db_work("lines_open", group="lines-open", exclusive=True)
    def refresh_lines_open(self) -> None:
        """Which lines are open: after the first draw, since it loads the holiday
        calendar, and then once a minute (hours change on the minute)."""
        lines_open = self.desk.contacts.lines_open()
        self.app.call_from_thread(self._apply_lines_open, lines_open)

    def _apply_lines_open(self, lines_open: dict[str, bool]) -> None:
        self.lines_open = lines_open
        self.show_data()

    def _apply(self, data: QueueData) -> None:
        self.data = data
        self.show_data()

    def show_data(self) -> None:
        now = self.desk.clock.now()
        since = self.data.figures.since if self.data else None
        # Answered, ASA and FCR are of the shift so far (ohjaaja.domain.queue.shift_start).
        extra = t("fig.since", hour=local(since).hour) if since else ""
        self.query_one("#title", TitleBar).show(now, extra)
        if self.data is None:
            return
        self.query_one("#figures", Static).update(self._figures_text(self.data.figures, now))
        self.query_one("#lines", Static).update(self._lines_text(self.lines_open))
        self._fill_table(self.data.entries, now)
        parts = attention_texts(self.data.attention)
        if self.data.lost:
            parts.insert(0, t("queue.lost", count=self.data.lost))
        if self.data.my_open:
            parts.append(t("queue.my_open", count=self.data.my_open))
        shown = len(self.data.entries)
        if self.data.figures.waiting > shown:
            parts.insert(0, t("queue.shown", shown=shown, total=self.data.figures.waiting))
        self._status_parts = parts
        self.show_sync_state()

    def show_sync_state(self) -> None:
        """The status line with the sync state as it is now: after every sync round
        (with many desks on a host, each arrival makes one at every desk), so it
        redraws that line alone, never the queue."""
        status = self.query_one("#status", Static)
        parts = [*self._status_parts, sync_text(self.app)]
        status.update(join_fitting([p for p in parts if p], max(status.size.width, 80)))

    def _figures_text(self, f: DayFigures, now: datetime) -> Text:
        def pct(share: float | None) -> str:
            return "—" if share is None else f"{round(share * 100)} %"

        parts = [
            (t("fig.waiting"), str(f.waiting)),
            (t("fig.longest"), format_duration(f.longest_wait_at(now))),
            (t("fig.answered"), str(f.answered)),
            (t("fig.asa"), format_duration(f.average_speed_of_answer)),
            (t("fig.fcr"), pct(f.first_contact_resolution)),
        ]
        text = Text(" ")
        for index, (label, value) in enumerate(parts):
            if index:
                text.append(" · ", style="dim")
            text.append(f"{label} ")
            text.append(value, style="bold")
        return text

    def _lines_text(self, lines_open: dict[str, bool]) -> Text:
        text = Text(" ")
        for index, code in enumerate(LINES, start=1):
            selected = not self.lines or code in self.lines
            state = lines_open.get(code)  # unknown until the first hours check
            mark = " " if state is None else ("●" if state else "○")
            style = "bold reverse" if self.lines and code in self.lines else ""
            text.append(f"{index} ", style="dim")
            text.append(f"{line_short(code)} {mark}", style=style if selected else "dim")
            text.append("  ")
        text.append(f"● {t('lines.open')} ○ {t('lines.closed')}", style="dim")
        return text

    def _fill_table(self, entries: list[QueueEntry], now: datetime) -> None:
        """The rows for the entries. The same contacts in the same order (the minute's
        reload, a write elsewhere) change only the cells that differ; otherwise the
        table is built again, the cursor kept on the contact it was on."""
        table = self.query_one("#queue", DataTable)
        rows = {entry.id: self._row_cells(entry, now) for entry in entries}
        if [key.value for key in table.rows] == list(rows):
            for row_key, cells in rows.items():
                for column, cell in zip(COLUMNS, cells, strict=True):
                    table.update_cell(row_key, column, cell)
            return
        table.refill(rows.items())

    def _row_cells(self, entry: QueueEntry, now: datetime) -> tuple[Text | str, ...]:
        line = line_short(entry.line_code)
        if entry.original_line_code:
            line = f"{line}←{line_short(entry.original_line_code)}"
        return (
            Text(str(entry.priority), style="bold red" if entry.priority == 1 else ""),
            channel_name(entry.channel),
            line,
            municipality_name(entry.municipality_code),
            entry.language,
            format_duration(wait_seconds(entry.received_at, now)),
        )

    # -- actions ------------------------------------------------------------
    def action_toggle_line(self, code: str) -> None:
        self.lines ^= {code}
        self.refresh_queue()

    def action_all_lines(self) -> None:
        self.lines.clear()
        self.refresh_queue()

    def action_take_next(self) -> None:
        self._start_taking(None)

    def action_take_selected(self) -> None:
        row_key = self.chosen_row(self.query_one("#queue", DataTable))
        if row_key is not None:
            self._start_taking(row_key)

    # While a take is on its way (the contact screen opens after its writes), keys are
    # not the queue's: a worker who presses n and at once types the caller's name
    # would take another contact with a `t`, open the shift handover with an `s`.
    taking = False
    typed_ahead = ""
    _take_worker: Worker[None] | None = None
    _take_answered = False  # its answer is on the way to _after_take

    def _start_taking(self, contact_id: str | None) -> None:
        self.taking, self.typed_ahead, self._take_answered = True, "", False
        self._take_worker = self._take(contact_id)

    def hold_key(self, event: events.Key) -> bool:
        """Taking: the key is held (see KeysAsTyped), its letter kept for the contact's
        first field. Asked where the bindings run, so in the order typed: in a burst
        every key passes the screen's own handlers before the first one's binding."""
        if not self.taking:
            return False
        if event.key == "backspace":
            self.typed_ahead = self.typed_ahead[:-1]
        elif event.is_printable and event.character:
            self.typed_ahead += event.character
        return True

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The take ended with no answer (a failure, told by db_work): the keys are the
        queue's again. Only this take's worker: an abandon it cancelled ends later."""
        worker = event.worker
        if worker is self._take_worker and worker.is_finished and not self._take_answered:
            self.taking = False

    def action_abandon_contact(self) -> None:
        row_key = self.chosen_row(self.query_one("#queue", DataTable))
        entries = self.data.entries if self.data is not None else []
        entry = next((e for e in entries if e.id == row_key), None)
        if entry is None:
            return
        if self.desk.training and "trainer" not in self.desk.roles:
            # The shift's callers are the trainer's desk's to hang up (the server says so).
            self.notify(t("queue.abandon_trainer_only"), severity="warning", markup=False)
            return
        from ohjaaja.screens.queue.abandon import AbandonScreen

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self._abandon(entry.id)

        self.app.push_screen(AbandonScreen(self.desk, entry), answered)

    @db_work("abandon", group="take", exclusive=True)
    def _abandon(self, contact_id: str) -> None:
        marked = self.desk.contacts.abandon(contact_id)
        self.app.call_from_thread(self._after_abandon, marked)

    def _after_abandon(self, marked: bool) -> None:
        if marked:
            self.notify(t("queue.abandoned"), markup=False)
        else:
            self.notify(t("queue.no_longer_waiting"), severity="warning", markup=False)
        self.refresh_queue()

    @on(DataTable.RowSelected, "#queue")
    def _row_selected(self) -> None:
        """Enter (or a click) on a row says which key takes it; taking is deliberate."""
        self.notify(t("queue.enter_does_not_take"), timeout=4, markup=False)

    @db_work("take", group="take", exclusive=True)
    def _take(self, contact_id: str | None) -> None:
        if contact_id is None:
            contact = self.desk.contacts.take_next(sorted(self.lines) or None)
            message = None if contact else t("queue.empty")
        else:
            contact = self.desk.contacts.take(contact_id)
            message = None if contact else t("queue.taken_by_other")
        self.app.call_from_thread(self._after_take, contact, message)

    def _after_take(self, contact: ContactView | None, message: str | None) -> None:
        """Once the keys already on their way through the table and the screen have
        reached the app and been held: the last letters of a burst are the contact's,
        not lost on a screen no longer in front (each call_later queues behind them)."""
        self._take_answered = True
        table = self.query_one("#queue", DataTable)
        table.call_later(self.call_later, self.app.call_later, self._taken, contact, message)

    def _taken(self, contact: ContactView | None, message: str | None) -> None:
        self.taking, typed = False, self.typed_ahead
        self.typed_ahead = ""
        if contact is not None:
            self.app.show_contact(contact, typed)  # type: ignore[attr-defined]
        elif message:
            self.notify(message, severity="warning")
        self.refresh_queue()

    def action_log_contact(self) -> None:
        self.app.log_contact()  # type: ignore[attr-defined]

    def action_my_open(self) -> None:
        self.app.resume_open_contact()  # type: ignore[attr-defined]

    def action_handovers(self) -> None:
        from ohjaaja.screens.handovers.handovers import HandoversScreen

        self.app.push_screen(HandoversScreen(self.desk))

    def action_shift(self) -> None:
        from ohjaaja.screens.handovers.shift import ShiftScreen

        self.app.push_screen(ShiftScreen(self.desk))
