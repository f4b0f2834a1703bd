"""A new handover, from a contact or a client card: to whom (a team of the client's
municipality or another one, the social emergency, or a named worker), the
structured summary (situation, background, assessment, recommendation), urgency,
due time, warm or not, and a note (required)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from ohjaaja.screens.kit.base import DeskScreen, db_work
from ohjaaja.screens.kit.bindings import action
from ohjaaja.screens.kit.form_draft import KeepsDraft, write_fields
from ohjaaja.screens.kit.labels import municipality_options
from ohjaaja.screens.kit.widgets import (
    FORM_KEYS,
    Choice,
    Said,
    Tick,
    TitleBar,
    choice,
    coded,
    desk_footer,
    field_row,
    show_field_errors,
)
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Select

from ohjaaja.domain.clock import HELSINKI, local
from ohjaaja.domain.handovers import URGENCIES, default_due
from ohjaaja.domain.limits import NOTE_MAX, TEXT_MAX
from ohjaaja.domain.teams import team_name, team_options
from ohjaaja.domain.workdays import add_working_days
from ohjaaja.i18n import get_language, t
from ohjaaja.usecases.desk import Desk
from ohjaaja.usecases.drafts import about
from ohjaaja.usecases.handovers import HandoverForm

TEXTS = ("situation", "background", "assessment", "recommendation", "note")
DUE_CHOICES = ("default", "1h", "4h", "tomorrow", "3days")


def due_time(choice: str, urgency: str, now: datetime) -> datetime:
    """The due time a choice means now: the urgency's default, or a fixed step."""
    if choice == "1h":
        return now + timedelta(hours=1)
    if choice == "4h":
        return now + timedelta(hours=4)
    if choice in ("tomorrow", "3days"):
        days = 1 if choice == "tomorrow" else 3
        day = add_working_days(local(now).date(), days)
        return datetime.combine(day, time(9 if days == 1 else 16), tzinfo=HELSINKI)
    return default_due(urgency, now)


class HandoverFormScreen(KeepsDraft, DeskScreen[str | None]):
    """Dismissed with the new handover's id, or None."""

    BINDINGS = [
        action("send_handover", "f10", "send", priority=True),
        action("cancel", "escape", "cancel", key_display="Esc"),
        *FORM_KEYS,
    ]

    def __init__(
        self,
        desk: Desk,
        contact_id: str | None,
        client_id: str | None,
        client_name: str | None,
        municipality_code: str | None,
        prefill: dict[str, Any] | None = None,
    ) -> None:
        super().__init__()
        self.prefill = prefill or {}
        self.desk = desk
        self.contact_id = contact_id
        self.client_id = client_id
        self.client_name = client_name
        self.municipality_code = municipality_code
        self.team_municipality = municipality_code
        self._workers: list[tuple[str, str]] = []  # (id, name), read once mounted

    def compose(self) -> ComposeResult:
        yield TitleBar("title.new_handover", self.desk.worker_name, id="title")
        with VerticalScroll(id="form-scroll"):
            # Teams are a municipality's: the client's to begin with, any on request.
            place = choice(municipality_options, "team_municipality", self.municipality_code)
            yield field_row("handover.team_municipality", place)
            yield field_row("handover.to", Choice(self._targets, "to"), "error-to")
            urgency = choice(coded("urgency", URGENCIES), "urgency", "normal")
            yield field_row("handover.urgency", urgency, "error-urgency")
            due = choice(coded("handover.due", DUE_CHOICES), "due", "default")
            yield field_row("handover.due", due, "error-due")
            yield field_row("handover.warm", Tick("handover.warm_hint", id="warm"), "error-warm")
            for name in TEXTS:
                limit = NOTE_MAX if name == "note" else TEXT_MAX
                text = Input(id=name, compact=True, max_length=limit)
                yield field_row(f"handover.{name}", text, f"error-{name}")
        yield Said("", id="form-status")
        yield desk_footer()

    def _targets(self) -> list[tuple[str, str]]:
        language = get_language()
        teams = [
            (team_name(code, language), f"team:{code}")
            for code in team_options(self.team_municipality)
        ]
        people = [
            (f"{t('handover.worker')}: {name}", f"worker:{worker_id}")
            for worker_id, name in self._workers
            if worker_id != self.desk.worker_id
        ]
        return teams + people

    def mounted(self) -> None:
        extra = self.client_name or None
        self.query_one("#title", TitleBar).show(self.desk.clock.now(), extra)
        self.query_one("#to", Select).focus()
        self._show_due()
        self._load_workers()

    @db_work("workers", group="handover-workers", exclusive=True)
    def _load_workers(self) -> None:
        found = self.desk.handovers.workers()
        self.app.call_from_thread(self._workers_loaded, found)

    def _workers_loaded(self, found: list[tuple[str, str]]) -> None:
        # The draft may name a worker as the receiver: restored once they are listed.
        self._workers = found
        self.query_one("#to", Select).set_options(self._targets())
        self.restore_draft("handover", about(self.contact_id, self.client_id))

    def after_restore(self, restored: bool) -> None:
        if not restored and self.prefill:
            write_fields(self, self.prefill)  # a returned handover being sent on

    @on(Select.Changed, "#team_municipality")
    def _municipality_chosen(self) -> None:
        # The list's value now, not the event's: a restored draft may have moved it on.
        value = self.query_one("#team_municipality", Select).value
        self._offer_teams_of(None if value is Select.NULL else str(value))

    def before_restore(self, fields: dict[str, Any]) -> None:
        # The receiver is one of the teams of the municipality chosen in the draft.
        self._offer_teams_of(fields.get("team_municipality") or self.municipality_code)

    def _offer_teams_of(self, municipality_code: str | None) -> None:
        if municipality_code == self.team_municipality:
            return
        self.team_municipality = municipality_code
        receiver = self.query_one("#to", Select)
        kept = receiver.value if str(receiver.value).startswith("worker:") else None
        receiver.set_options(self._targets())
        if kept is not None:
            receiver.value = kept

    @on(Select.Changed, "#urgency")
    @on(Select.Changed, "#due")
    def _show_due(self) -> None:
        form = self.form()
        self.query_one("#error-due", Said).update(
            f"→ {local(form.due_at):%d.%m. %H.%M}" if form.due_at else ""
        )

    def form(self) -> HandoverForm:
        target = self.query_one("#to", Select).value
        kind, _, value = str(target).partition(":") if target is not Select.NULL else ("", "", "")
        urgency = str(self.query_one("#urgency", Select).value)
        due = str(self.query_one("#due", Select).value)
        return HandoverForm(
            contact_id=self.contact_id,
            client_id=self.client_id,
            to_worker_id=value if kind == "worker" else None,
            to_team=value if kind == "team" else None,
            urgency=urgency,
            due_at=due_time(due, urgency, self.desk.clock.now()),
            warm=self.query_one("#warm", Tick).value,
            **{name: self.query_one(f"#{name}", Input).value for name in TEXTS},
        )

    def action_send(self) -> None:
        self._send(self.form())

    @db_work("handover_send", group="handover-send", exclusive=True)
    def _send(self, form: HandoverForm) -> None:
        saved = self.desk.handovers.create_handover(form)
        self.app.call_from_thread(self._after, *saved)

    def _after(self, handover_id: str | None, errors: list[tuple[str, str]]) -> None:
        by_field = {name: key for name, key in reversed(errors)}  # the first per field
        if not show_field_errors(self, ("to", "urgency", *TEXTS), by_field):
            self.dismiss(handover_id)

    def action_cancel(self) -> None:
        self.dismiss(None)
