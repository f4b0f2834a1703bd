"""The handover screen: the inbox (to me and my teams) and the outbox (what I sent).

a accepts, F9 returns with a reason, F10 completes with a note of what was done,
Enter shows the whole handover with its steps; in the outbox, f sends a returned
one on elsewhere. Overdue ones are marked with '!' and sort first by due time.
"""

from __future__ import annotations

from datetime import datetime

from ohjaaja.screens.kit.base import DeskScreen, db_work
from ohjaaja.screens.kit.bindings import action
from ohjaaja.screens.kit.card_screen import CardScreen, Facts
from ohjaaja.screens.kit.plain import DataTable, Static
from ohjaaja.screens.kit.reason import ReasonScreen
from ohjaaja.screens.kit.widgets import Said, TitleBar, desk_footer, when
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult

from ohjaaja.domain.clients import finnish_date
from ohjaaja.domain.handovers import OPEN_STATES, IllegalMove, Parties, next_state
from ohjaaja.domain.phones import display_phone
from ohjaaja.domain.teams import split, team_name
from ohjaaja.i18n import get_language, t
from ohjaaja.usecases.desk import Desk
from ohjaaja.usecases.handovers import HandoverEvent, HandoverView, NotificationView


def receiver(view: HandoverView) -> str:
    if view.to_team:
        return team_name(view.to_team, get_language())
    return view.to_name or "—"


def held_by(view: HandoverView) -> str:
    """The state and who took it: a team's handover a colleague has is seen as theirs."""
    state = t(f"handover.state.{view.state}")
    return f"{state} ({view.accepted_name})" if view.accepted_name else state


def handover_row(view: HandoverView, inbox: bool) -> tuple[str, ...]:
    due = ("! " if view.overdue else "") + when(view.due_at)
    who = (view.from_name or "—") if inbox else receiver(view)
    state = held_by(view)
    if view.warm:
        state += " ♨"
    return (due, t(f"urgency.short.{view.urgency}"), who, view.client_name or "—", state, view.note)


def handover_body(
    view: HandoverView, events: list[HandoverEvent], notification: NotificationView | None
) -> Group:
    facts = Facts()
    row = facts.row

    row("handover.from", view.from_name or "—")
    row("handover.to", receiver(view))
    row("handover.client", view.client_name or "")
    row("handover.phone", ", ".join(display_phone(e164) for e164 in view.client_phones))
    urgency = t(f"urgency.{view.urgency}") + (f" · {t('handover.warm')}" if view.warm else "")
    row("handover.urgency", urgency)
    due = when(view.due_at) + (f"  {t('handover.overdue')}" if view.overdue else "")
    row("handover.due", due)
    row("handover.state", held_by(view))
    for name in ("situation", "background", "assessment", "recommendation", "note"):
        row(f"handover.{name}", getattr(view, name))
    parts: list[object] = [facts.grid]
    if notification is not None:
        clocks = Table.grid(padding=(0, 1))
        clocks.add_column(width=14)
        clocks.add_column()
        for clock in notification.clocks:
            due_text = (
                when(clock.due) if isinstance(clock.due, datetime) else finnish_date(clock.due)
            )
            clocks.add_row("⏱", t(clock.key, due=due_text))
        title = t(f"notification.kind.{notification.kind}")
        parts += [Text(f"\n{title}", style="bold"), clocks]
    steps = Table.grid(padding=(0, 1))
    steps.add_column(width=14)
    steps.add_column()
    for event in events:
        text = f"{t('handover.event.' + event.kind)} · {event.worker_name or '—'}"
        if event.reason:
            text += f": {event.reason}"
        steps.add_row(when(event.at), text)
    parts += [Text(f"\n{t('handover.steps')}", style="bold"), steps]
    return Group(*parts)  # type: ignore[arg-type]


def where_now(view: HandoverView, events: list[HandoverEvent]) -> str:
    """The handover's state now and who moved it there: a refused move says this."""
    who = events[-1].worker_name if events else None
    if view.state == "accepted" and view.accepted_name:
        who = view.accepted_name
    return t("handover.now", state=t(f"handover.state.{view.state}"), name=who or "—")


class HandoverMoves:
    """Accept, return (asking why) and complete, for the list and the detail."""

    desk: Desk

    def current(self) -> HandoverView | None:
        raise NotImplementedError

    def chosen(self) -> HandoverView | None:
        """The handover a key acts on: the list's is the row the worker chose."""
        return self.current()

    def moved(self, refused: str | None) -> None:
        """After a move: None, or why it was refused (translated, with who has it)."""
        raise NotImplementedError

    def action_accept(self) -> None:
        view = self.chosen()
        if view is not None:
            self._do_move(view.id, "accept", "", None)

    def action_complete(self) -> None:
        self._ask_unless_refused("complete", "title.complete_handover", "handover.what_done")

    def action_return_handover(self) -> None:
        self._ask_unless_refused("return", "title.return_handover", "handover.why_return")

    def _ask_unless_refused(self, action_name: str, title_key: str, question_key: str) -> None:
        """Asks why (return) or what was done (complete) only for a move that may be
        made: one a colleague has taken or finished is tried at once, and says who.
        The move is made from the dialog: refused, the dialog stays with what was
        typed and says why (who has it now); done, it closes."""
        view = self.chosen()
        if view is None:
            return
        parties = Parties(view.to_worker_id, view.to_team, view.accepted_by)
        try:
            next_state(view.state, action_name, parties, self.desk.worker_id, self.desk.teams)
        except IllegalMove:
            self._do_move(view.id, action_name, "", None)
            return
        dialog = ReasonScreen(
            title_key,
            question_key,
            attempt=lambda reason: self._do_move(view.id, action_name, reason, dialog),
        )
        self.app.push_screen(dialog)  # type: ignore[attr-defined]

    @db_work("handover_move", group="handover-move")
    def _do_move(
        self, handover_id: str, action_name: str, reason: str, dialog: ReasonScreen | None
    ) -> None:
        error = self.desk.handovers.move_handover(handover_id, action_name, reason)
        if error is None:
            if dialog is not None:
                self.app.call_from_thread(dialog.dismiss, reason)  # type: ignore[attr-defined]
            self.app.call_from_thread(self.moved, None)  # type: ignore[attr-defined]
            return
        # Refused: most often a colleague was first. Say where it is now, and who did it.
        view = self.desk.handovers.handover(handover_id)
        events = self.desk.handovers.handover_events(handover_id)
        moved_on = view is not None and error in ("handover.illegal", "handover.not_yours")
        text = f"⚠ {where_now(view, events) if view is not None and moved_on else t(error)}"
        if dialog is not None:
            self.app.call_from_thread(dialog.refused, text)  # type: ignore[attr-defined]
        self.app.call_from_thread(self.moved, text)  # type: ignore[attr-defined]


class HandoversScreen(HandoverMoves, DeskScreen[None]):
    BINDINGS = [
        action("inbox", "i", "show('inbox')"),
        action("outbox", "u", "show('outbox')"),
        action("accept", "a", "accept"),
        action("return_handover", "f9", "return_handover"),
        action("complete", "f10", "complete"),
        action("resend", "f", "resend"),
        action("go_back", "escape", "back", key_display="Esc"),
    ]
    ONLY_WHEN = {
        "accept": "in_inbox",
        "return_handover": "in_inbox",
        "complete": "in_inbox",
        "resend": "in_outbox",
    }

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk
        self.mode = "inbox"
        self.views: list[HandoverView] = []
        self.refused: tuple[str, str] | None = None  # (handover id, why): kept while on it

    def compose(self) -> ComposeResult:
        yield TitleBar("title.handovers", self.desk.worker_name, id="title")
        yield DataTable(id="handovers", cursor_type="row", zebra_stripes=False)
        yield Said("", id="status")
        yield desk_footer()

    def mounted(self) -> None:
        self._columns()
        self.query_one("#handovers", DataTable).focus()
        self.load()
        # Writes show at once (desk_changed); handovers fall overdue by the clock alone.
        self.set_interval(60.0, self.load)

    def desk_changed(self) -> None:
        self.load()

    def retranslated(self) -> None:
        self._columns()
        self._show(self.views)

    def _columns(self) -> None:
        table = self.query_one("#handovers", DataTable)
        table.clear(columns=True)
        who = "from" if self.mode == "inbox" else "to"
        # With cell padding 78 columns, room for the scrollbar. A name or a team
        # folds onto a second line, the message onto three (Enter shows it whole);
        # the due time folds between its day and its hour.
        columns = (
            ("due", 9, 2),
            ("urgency", 6, 1),
            (who, 14, 2),
            ("client", 14, 2),
            ("state", 10, 2),
            ("note", 13, 3),
        )
        for key, width, lines in columns:
            table.add_column(t(f"handover.col.{key}"), width=width, lines=lines)
        title = self.query_one("#title", TitleBar)
        title.show(self.desk.clock.now(), t(f"handover.{self.mode}"))

    def action_show(self, mode: str) -> None:
        self.mode = mode
        self._columns()
        self.refresh_bindings()  # the footer shows what this list's keys do
        self.load()

    @property
    def in_inbox(self) -> bool:
        return self.mode == "inbox"

    @property
    def in_outbox(self) -> bool:
        return self.mode == "outbox"

    @db_work("handovers", group="handovers-load", exclusive=True)
    def load(self) -> None:
        views = (
            self.desk.handovers.inbox() if self.mode == "inbox" else self.desk.handovers.outbox()
        )
        self.app.call_from_thread(self._show, views)

    def _reload(self, _result: object) -> None:
        """load() as the callback of a screen pushed from this one."""
        self.load()

    def _show(self, views: list[HandoverView]) -> None:
        table = self.query_one("#handovers", DataTable)
        self.views = views
        table.refill((view.id, handover_row(view, self.mode == "inbox")) for view in views)
        overdue = sum(1 for v in views if v.overdue)
        status = t("handover.count", count=len(views))
        if overdue:
            status += " · " + t("handover.overdue_count", count=overdue)
        current = self.current()
        if self.refused is not None and current is not None and current.id == self.refused[0]:
            status = self.refused[1]  # a refused move is told until the cursor leaves it
        self.query_one("#status", Static).update(status)

    def current(self) -> HandoverView | None:
        return self._view(self.query_one("#handovers", DataTable).cursor_key)

    def chosen(self) -> HandoverView | None:
        return self._view(self.chosen_row(self.query_one("#handovers", DataTable)))

    def _view(self, key: str | None) -> HandoverView | None:
        return next((view for view in self.views if view.id == key), None)

    def moved(self, refused: str | None) -> None:
        current = self.current()
        self.refused = (current.id, refused) if refused and current is not None else None
        if refused:
            self.query_one("#status", Static).update(refused)
        self.load()

    @on(DataTable.RowHighlighted, "#handovers")
    def _cursor_moved(self) -> None:
        current = self.current()
        if self.refused is not None and (current is None or current.id != self.refused[0]):
            self.refused = None

    def action_resend(self) -> None:
        """A returned handover sent on elsewhere: a new one, its texts filled in."""
        from ohjaaja.screens.handovers.handover_form import HandoverFormScreen

        view = self.chosen()
        if view is None:
            return
        if view.state != "returned":
            self.query_one("#status", Said).warn("handover.resend_returned_only")
            return
        texts = ("situation", "background", "assessment", "recommendation", "note")
        prefill = {name: getattr(view, name) for name in texts}
        prefill |= {"urgency": view.urgency, "warm": view.warm}
        place = split(view.to_team)[1] if view.to_team else None
        form = HandoverFormScreen(
            self.desk, view.contact_id, view.client_id, view.client_name, place, prefill
        )
        self.app.push_screen(form, self._reload)

    @on(DataTable.RowSelected, "#handovers")
    def _open(self) -> None:
        view = self.current()
        if view is not None:
            self.app.push_screen(HandoverDetailScreen(self.desk, view.id), self._reload)

    def action_back(self) -> None:
        self.dismiss(None)


class HandoverDetailScreen(HandoverMoves, CardScreen[None]):
    TITLE_KEY = "title.handover"
    BINDINGS = [
        action("accept", "a", "accept"),
        action("return_handover", "f9", "return_handover"),
        action("complete", "f10", "complete"),
        action("client_card", "f6", "client_card"),
        action("go_back", "escape", "back", key_display="Esc"),
    ]

    # A handover this worker has taken is not taken again; while it is open every
    # other key stays, so that one a colleague has taken meanwhile says who has it
    # when pressed. A returned or completed one has nothing left to do.
    ONLY_WHEN = {"accept": "not_mine", "return_handover": "still_open", "complete": "still_open"}

    def __init__(self, desk: Desk, handover_id: str) -> None:
        super().__init__()
        self.desk = desk
        self.handover_id = handover_id
        self.view: HandoverView | None = None

    @property
    def not_mine(self) -> bool:
        view = self.view
        return view is None or view.accepted_by != self.desk.worker_id

    @property
    def still_open(self) -> bool:
        return self.view is not None and self.view.state in OPEN_STATES

    def retranslated(self) -> None:
        self.load()

    # A colleague may move it while it is open here: CardScreen.desk_changed loads
    # it again after a write, another process's or a sync round's.

    @db_work("handover", group="handover-load", exclusive=True)
    def load(self) -> None:
        view = self.desk.handovers.handover(self.handover_id)
        events = self.desk.handovers.handover_events(self.handover_id)
        notification = None
        if view is not None and view.notification_id:
            notification = self.desk.handovers.notification(view.notification_id)
        self.app.call_from_thread(self._show, view, events, notification)

    def _show(
        self,
        view: HandoverView | None,
        events: list[HandoverEvent],
        notification: NotificationView | None,
    ) -> None:
        self.view = view
        self.refresh_bindings()  # the footer offers what may be done now
        card = self.query_one("#card", Static)
        card.update(
            t("handover.gone") if view is None else handover_body(view, events, notification)
        )

    def current(self) -> HandoverView | None:
        return self.view

    def moved(self, refused: str | None) -> None:
        self.load()
        self.query_one("#status", Static).update(refused or t("handover.moved"))

    def action_client_card(self) -> None:
        """The client's card, to call them or see their history; the look is logged
        with this handover as its reason, as a contact's is with the contact. Opened
        by the app: the card imports the handover screens."""
        if self.view is None or not self.view.client_id:
            self.query_one("#status", Static).update(f"⚠ {t('handover.no_client')}")
            return
        reason = f"handover:{self.view.id}"
        self.app.open_client_card(self.view.client_id, reason, self.reload)  # type: ignore[attr-defined]

    def action_back(self) -> None:
        self.dismiss(None)
