"""The end of a shift: the worker's open matters (taken but unclosed contacts, open
handovers, callbacks due in the next shift) handed over with a note; and the
handovers of the shift before, which the next shift reads and acknowledges: `a` on
the list, as a handover is accepted (in the note it is a letter).

The focus stays in the note: the list is reached by Tab, never moved to as it loads,
since a worker who begins the note at once would type into it, and every `a` of the
words would acknowledge a colleague's handover unread. The first one is shown whole
below the list without the focus."""

from __future__ import annotations

from ohjaaja.screens.kit.base import DeskScreen, db_work
from ohjaaja.screens.kit.bindings import action
from ohjaaja.screens.kit.form_draft import KeepsDraft
from ohjaaja.screens.kit.labels import line_short
from ohjaaja.screens.kit.plain import DataTable, Static
from ohjaaja.screens.kit.widgets import Said, T, TitleBar, desk_footer, when
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import TextArea

from ohjaaja.domain.clock import from_iso
from ohjaaja.i18n import t
from ohjaaja.usecases.desk import Desk
from ohjaaja.usecases.handovers import OpenMatters, ShiftView


def matter_line(item: dict[str, str]) -> str:
    kind = item["kind"]
    if kind == "handover":
        state = t(f"handover.state.{item['state']}")
        return f"{t('shift.item.handover')}: {item.get('note', '')} ({state})"
    at = when(from_iso(item["at"])) if item.get("at") else "—"
    return f"{t('shift.item.' + kind)}: {line_short(item['line'])} {at}"


class ShiftScreen(KeepsDraft, DeskScreen[None]):
    draft_status = "#status"
    BINDINGS = [
        action("hand_over_shift", "f10", "hand_over", priority=True),
        action("acknowledge_shift", "a", "acknowledge"),
        action("go_back", "escape", "back", key_display="Esc"),
    ]
    ONLY_WHEN = {"acknowledge": "on_pending"}

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk
        self.pending: list[ShiftView] = []

    def compose(self) -> ComposeResult:
        yield TitleBar("title.shift", self.desk.worker_name, id="title")
        yield T("shift.mine", classes="section")
        yield Static("", id="matters")
        with Horizontal(classes="field note"):
            yield T("shift.note", classes="label")
            yield TextArea(id="note", compact=True, soft_wrap=True, tab_behavior="focus")
        yield T("shift.others", classes="section")
        yield DataTable(id="pending", cursor_type="row", zebra_stripes=False)
        yield Said("", id="status")
        yield desk_footer()

    def mounted(self) -> None:
        self.query_one("#title", TitleBar).show(self.desk.clock.now())
        self._columns()
        self.query_one("#note", TextArea).focus()
        self.load()
        self.restore_draft("shift", "")

    @property
    def on_pending(self) -> bool:
        """`a` acknowledges in the colleagues' list: in the note it is typed."""
        return bool(self.pending) and self.focused is self.query_one("#pending", DataTable)

    def watch_focused(self, focused: Widget | None) -> None:
        super().watch_focused(focused)
        if focused is self.query_one("#pending", DataTable) and self._typing_on:
            self._typing_on = False  # brought back by the worker (Tab)
        self.refresh_bindings()  # the footer offers `a` only where it acknowledges

    def _columns(self) -> None:
        table = self.query_one("#pending", DataTable)
        table.clear(columns=True)
        # With cell padding 77 columns: the note folds onto three lines.
        for key, width, lines in (("at", 12, 1), ("from", 16, 2), ("note", 34, 3), ("items", 7, 1)):
            table.add_column(t(f"shift.col.{key}"), width=width, lines=lines)

    def retranslated(self) -> None:
        self._columns()
        self.load()

    def desk_changed(self) -> None:
        self.load()

    @db_work("shift", group="shift-load", exclusive=True)
    def load(self) -> None:
        matters = self.desk.handovers.open_matters()
        pending = self.desk.handovers.pending_shift_handovers()
        self.app.call_from_thread(self._show, matters, pending)

    def _show(self, matters: OpenMatters, pending: list[ShiftView]) -> None:
        items = matters.items()
        lines = [f" · {matter_line(item)}" for item in items[:6]]
        if len(items) > 6:
            lines.append(f" · … +{len(items) - 6}")
        self.query_one("#matters", Static).update("\n".join(lines) or f" {t('shift.nothing_open')}")
        self.pending = pending
        table = self.query_one("#pending", DataTable)
        table.refill(
            (view.id, (when(view.created_at), view.from_name, view.note, str(len(view.items))))
            for view in pending
        )
        if not pending and self.focused is table:
            self.query_one("#note", TextArea).focus()  # the last one acknowledged
        self.refresh_bindings()

    def action_hand_over(self) -> None:
        self._hand_over(self.query_one("#note", TextArea).text)

    @db_work("shift_hand_over", group="shift-hand-over", exclusive=True)
    def _hand_over(self, note: str) -> None:
        made, errors = self.desk.handovers.hand_over_shift(note)
        self.app.call_from_thread(self._handed_over, made, errors)

    def _handed_over(self, made: str | None, errors: list[tuple[str, str]]) -> None:
        status = self.query_one("#status", Said)
        if errors:
            status.warn("shift.note_required")
            return
        self.query_one("#note", TextArea).load_text("")
        status.say("shift.handed_over")

    # A letter typed on the list went on into the note: the keys of the same burst
    # still on their way from the list follow it there, `a` too (the focus moves to
    # the note only after them), until the worker brings the focus back to the list.
    _typing_on = False

    def on_key(self, event: events.Key) -> None:
        """A letter typed on the list that no key there binds goes to the note, and
        the focus with it: what the worker typed is not lost."""
        table = self.query_one("#pending", DataTable)
        if not event.is_printable or not event.character:
            return
        if not self._typing_on and (self.focused is not table or event.key in self.active_bindings):
            return
        event.stop()
        event.prevent_default()
        self._typing_on = True
        note = self.query_one("#note", TextArea)
        note.focus()
        note.insert(event.character)

    def action_acknowledge(self) -> None:
        view = self._view(self.chosen_row(self.query_one("#pending", DataTable)))
        if view is not None:
            self._acknowledge(view)

    def _view(self, key: str | None) -> ShiftView | None:
        return next((view for view in self.pending if view.id == key), None)

    @db_work("shift_acknowledge", group="shift-acknowledge")
    def _acknowledge(self, view: ShiftView) -> None:
        done = self.desk.handovers.acknowledge_shift(view.id)
        key = "shift.acknowledged" if done else "shift.already_acknowledged"
        self.app.call_from_thread(self.query_one("#status", Said).say, key, name=view.from_name)
        self.load()

    @on(DataTable.RowHighlighted, "#pending")
    @on(DataTable.RowSelected, "#pending")
    def _show_items(self) -> None:
        """The colleague's note and matters whole below the list, as the cursor comes
        to them: read before acknowledged (the list's column cuts the note)."""
        view = self._view(self.query_one("#pending", DataTable).cursor_key)
        if view is not None:

            def items() -> str:
                lines = [f" · {matter_line(item)}" for item in view.items]
                if not lines:
                    return f"{view.note} · {t('shift.nothing_open')}"
                return "\n".join([view.note, *lines])

            self.query_one("#status", Said).show(items)

    def action_back(self) -> None:
        self.dismiss(None)
