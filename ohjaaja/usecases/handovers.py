"""The desk's handovers, statutory notifications, callbacks and shift handovers.

A mixin of Desk (ohjaaja.usecases.desk). Moving a handover is a compare-and-set on its
state here (desk processes sharing a file) and on the server (desks across the
region): of two workers accepting at once, exactly one wins.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ohjaaja.db import contacts as contact_rows
from ohjaaja.db import handovers as rows
from ohjaaja.db.ids import new_id
from ohjaaja.domain import notifications, teams
from ohjaaja.domain.clock import from_iso, local, to_iso
from ohjaaja.domain.handovers import (
    OPEN_STATES,
    SUMMARY_FIELDS,
    URGENCIES,
    IllegalMove,
    Parties,
    default_due,
    is_overdue,
    next_state,
)
from ohjaaja.domain.limits import NOTE_MAX, TEXT_MAX
from ohjaaja.domain.queue import answer_event_id
from ohjaaja.i18n import t
from ohjaaja.sync.outgoing import record
from ohjaaja.usecases.context import DeskContext
from ohjaaja.usecases.drafts import FormDraftUseCases, about

NEXT_SHIFT = timedelta(hours=12)  # "callbacks due in the next shift"


@dataclass
class HandoverForm:
    """What the worker fills in; note and a receiver are required."""

    contact_id: str | None = None
    client_id: str | None = None
    to_worker_id: str | None = None
    to_team: str | None = None
    situation: str = ""
    background: str = ""
    assessment: str = ""
    recommendation: str = ""
    note: str = ""
    urgency: str = "normal"
    due_at: datetime | None = None
    warm: bool = False


@dataclass(frozen=True)
class HandoverView:
    id: str
    contact_id: str | None
    client_id: str | None
    client_name: str | None
    from_worker_id: str | None
    from_name: str | None
    to_worker_id: str | None
    to_name: str | None
    to_team: str | None
    situation: str
    background: str
    assessment: str
    recommendation: str
    note: str
    urgency: str
    due_at: datetime | None
    warm: bool
    state: str
    accepted_by: str | None
    accepted_name: str | None
    created_at: datetime
    notification_id: str | None
    overdue: bool
    client_phones: tuple[str, ...] = ()  # E.164, the client's numbers in their order


@dataclass(frozen=True)
class HandoverEvent:
    at: datetime
    kind: str
    worker_name: str | None
    reason: str | None


@dataclass(frozen=True)
class NotificationView:
    id: str
    kind: str
    routed_to: str
    received_at: datetime
    fields: dict[str, Any]
    clocks: list[notifications.Clock]


@dataclass(frozen=True)
class ShiftView:
    id: str
    from_name: str
    note: str
    items: list[dict[str, str]]
    created_at: datetime
    acknowledged_name: str | None = None
    acknowledged_at: datetime | None = None


@dataclass(frozen=True)
class OpenMatters:
    """What a worker hands over at the end of a shift."""

    contacts: list[dict[str, str]] = field(default_factory=list)
    handovers: list[dict[str, str]] = field(default_factory=list)
    callbacks: list[dict[str, str]] = field(default_factory=list)

    def items(self) -> list[dict[str, str]]:
        return [*self.contacts, *self.handovers, *self.callbacks]


@dataclass(frozen=True)
class Attention:
    """What the queue reminds a worker of: handovers to take on, overdue ones, and
    colleagues' shift handovers nobody has acknowledged."""

    new_handovers: int = 0
    overdue_handovers: int = 0
    shifts: int = 0


class HandoverUseCases:
    """Handovers, notifications, callbacks and shift handovers. A long form's draft
    (drafts) is discarded in the same transaction that saves the form."""

    def __init__(self, ctx: DeskContext, drafts: FormDraftUseCases) -> None:
        self.ctx = ctx
        self.drafts = drafts

    # -- handovers ------------------------------------------------------------
    def workers(self) -> list[tuple[str, str]]:
        with self.ctx.lock:
            return [(row["id"], row["name"]) for row in rows.workers(self.ctx.conn)]

    def create_handover(self, form: HandoverForm) -> tuple[str | None, list[tuple[str, str]]]:
        """A handover with its 'sent' event, or (field, message key) for each problem."""
        errors = self._check_handover(form)
        if errors:
            return None, errors
        now = self.ctx.now()
        values = self._handover_values(form, now)
        with self.ctx.writing() as conn:
            self._insert_handover(conn, values, now)
            self.drafts.discard(conn, "handover", about(form.contact_id, form.client_id))
        return values["id"], []

    def _check_handover(self, form: HandoverForm) -> list[tuple[str, str]]:
        errors = []
        if not form.note.strip():
            errors.append(("note", "error.required"))
        if len(form.note) > NOTE_MAX:
            errors.append(("note", "error.note_too_long"))
        errors += [
            (name, "error.text_too_long")
            for name in SUMMARY_FIELDS
            if len(getattr(form, name)) > TEXT_MAX
        ]
        if bool(form.to_worker_id) == bool(form.to_team):
            errors.append(("to", "handover.error.receiver"))
        if form.to_team and not teams.is_valid(form.to_team):
            errors.append(("to", "handover.error.team"))
        if form.to_worker_id and form.to_worker_id not in dict(self.workers()):
            errors.append(("to", "handover.error.worker"))
        if form.urgency not in URGENCIES:
            errors.append(("urgency", "handover.error.urgency"))
        return errors

    def _handover_values(self, form: HandoverForm, now: str) -> dict[str, Any]:
        values = {k: v for k, v in asdict(form).items() if k != "due_at"}
        return {
            **values,
            "id": new_id(),
            "from_worker_id": self.ctx.worker_id,
            "note": form.note.strip(),
            "due_at": to_iso(form.due_at) if form.due_at else None,
            "warm": int(form.warm),
            "state": "sent",
            "created_at": now,
            "updated_at": now,
        }

    def _insert_handover(self, conn: sqlite3.Connection, values: dict[str, Any], now: str) -> None:
        """The row, its event, the access-log row when it is about a client, the outbox."""
        rows.insert(conn, "handover", values)
        event = self._event(values["id"], "sent", now, None)
        rows.insert(conn, "handover_event", event)
        if values.get("client_id"):
            reason = f"contact:{values['contact_id']}" if values.get("contact_id") else "handover"
            self.ctx.audit(
                conn, values["client_id"], "handover", reason, {"handover": values["id"]}, now
            )
        record(conn, "handover.create", {**values, "event": event}, now, self.ctx.worker_id)

    def _event(self, handover_id: str, kind: str, at: str, reason: str | None) -> dict[str, Any]:
        return {
            "id": new_id(),
            "handover_id": handover_id,
            "kind": kind,
            "at": at,
            "worker_id": self.ctx.worker_id,
            "reason": reason,
        }

    def inbox(self) -> list[HandoverView]:
        with self.ctx.lock:
            found = rows.inbox(self.ctx.conn, self.ctx.worker_id, self.ctx.teams)
        return [self._view(row) for row in found]

    def attention(self) -> Attention:
        inbox = self.inbox()
        return Attention(
            new_handovers=sum(1 for view in inbox if view.state == "sent"),
            overdue_handovers=sum(1 for view in inbox if view.overdue),
            shifts=len(self.pending_shift_handovers()),
        )

    def outbox(self, days: int = 7) -> list[HandoverView]:
        since = to_iso(self.ctx.clock.now() - timedelta(days=days))
        with self.ctx.lock:
            found = rows.outbox(self.ctx.conn, self.ctx.worker_id, since)
        return [self._view(row) for row in found]

    def handover(self, handover_id: str) -> HandoverView | None:
        with self.ctx.lock:
            row = rows.get(self.ctx.conn, handover_id)
        return None if row is None else self._view(row)

    def handover_events(self, handover_id: str) -> list[HandoverEvent]:
        with self.ctx.lock:
            found = rows.events(self.ctx.conn, handover_id)
        return [
            HandoverEvent(from_iso(e["at"]), e["kind"], e["worker_name"], e["reason"])
            for e in found
        ]

    def _view(self, row: sqlite3.Row) -> HandoverView:
        due = from_iso(row["due_at"]) if row["due_at"] else None
        return HandoverView(
            id=row["id"],
            contact_id=row["contact_id"],
            client_id=row["client_id"],
            client_name=row["client_name"],
            from_worker_id=row["from_worker_id"],
            from_name=row["from_name"],
            to_worker_id=row["to_worker_id"],
            to_name=row["to_name"],
            to_team=row["to_team"],
            situation=row["situation"],
            background=row["background"],
            assessment=row["assessment"],
            recommendation=row["recommendation"],
            note=row["note"],
            urgency=row["urgency"],
            due_at=due,
            warm=bool(row["warm"]),
            state=row["state"],
            accepted_by=row["accepted_by"],
            accepted_name=row["accepted_name"],
            created_at=from_iso(row["created_at"]),
            notification_id=row["notification_id"],
            overdue=is_overdue(row["state"], due, self.ctx.clock.now()),
            client_phones=tuple((row["client_phones"] or "").split()),
        )

    def move_handover(self, handover_id: str, action: str, reason: str = "") -> str | None:
        """Accept, return (a reason required) or complete (a note of what was done
        required; a move refused anyway says why before asking for it); None, or why
        not (a key). The reason or note is the move's event's, synced with it."""
        now = self.ctx.now()
        with self.ctx.writing() as conn:
            row = rows.get(conn, handover_id)
            if row is None:
                return "handover.error.gone"
            parties = Parties(row["to_worker_id"], row["to_team"], row["accepted_by"])
            try:
                state = next_state(
                    row["state"], action, parties, self.ctx.worker_id, self.ctx.teams
                )
            except IllegalMove as exc:
                return exc.key
            # Asked for once the move may be made: one refused anyway says why first.
            if action == "return" and not reason.strip():
                return "handover.error.reason"
            if action == "complete" and not reason.strip():
                return "handover.error.note"
            changes: dict[str, Any] = {"state": state, "updated_at": now}
            if action == "accept":
                changes["accepted_by"] = self.ctx.worker_id
            if rows.update(conn, handover_id, row["state"], changes) is None:
                return "handover.illegal"  # another process on this file moved it first
            event = self._event(handover_id, action, now, reason.strip() or None)
            rows.insert(conn, "handover_event", event)
            record(
                conn,
                "handover.move",
                {"id": handover_id, "action": action, "worker_id": self.ctx.worker_id, "at": now,
                 "reason": reason.strip() or None, "event": event},
                now,
                self.ctx.worker_id,
            )  # fmt: skip
        return None

    # -- callbacks --------------------------------------------------------------
    def schedule_callback(self, contact_id: str, at: datetime, missed: bool = False) -> None:
        """Back into the queue at `at`; a missed attempt is on record (the card counts them)."""
        now = self.ctx.now()
        with self.ctx.writing() as conn:
            changes = {
                "status": "waiting", "taken_by": None, "taken_at": None, "claim_state": None,
                "callback_at": to_iso(at), "updated_at": now,
            }  # fmt: skip
            contact_rows.update(conn, contact_id, changes)
            contact_rows.add_event(
                conn,
                contact_id,
                "callback_scheduled",
                now,
                self.ctx.worker_id,
                {"at": to_iso(at)},
                event_id=answer_event_id(contact_id, "callback_scheduled", now, self.ctx.worker_id),
            )
            args: dict[str, Any] = {
                "id": contact_id, "worker_id": self.ctx.worker_id, "callback_at": to_iso(at),
                "at": now,
            }  # fmt: skip
            if missed:
                event_id = contact_rows.add_event(
                    conn, contact_id, "callback_missed", now, self.ctx.worker_id
                )
                args["event"] = {
                    "id": event_id, "contact_id": contact_id, "kind": "callback_missed",
                    "at": now, "worker_id": self.ctx.worker_id, "data": "{}",
                }  # fmt: skip
            record(conn, "contact.callback", args, now, self.ctx.worker_id)

    # -- notifications ------------------------------------------------------------
    def create_notification(
        self,
        kind: str,
        fields: dict[str, Any],
        contact_id: str | None,
        client_id: str | None,
        municipality_code: str | None,
    ) -> tuple[str | None, list[tuple[str, str]]]:
        """Routed to the team of the municipality, or the social emergency when that team
        is closed; a handover to the team comes with it, so it lands in their inbox."""
        errors = notifications.check(kind, fields, local(self.ctx.clock.now()).date())
        errors += [
            (name, "error.text_too_long")
            for name, value in fields.items()
            if isinstance(value, str) and len(value) > TEXT_MAX
        ]
        if errors:
            return None, errors
        now = self.ctx.now()
        routed = teams.route(notifications.TEAM_KIND[kind], municipality_code, self.ctx.clock.now())
        notification = {
            "id": new_id(), "kind": kind, "client_id": client_id, "contact_id": contact_id,
            "municipality_code": municipality_code, "routed_to": routed,
            "fields": json.dumps(fields, ensure_ascii=False, sort_keys=True),
            "notifier_worker_id": self.ctx.worker_id, "received_at": now,
            "created_at": now, "updated_at": now,
        }  # fmt: skip
        form = HandoverForm(
            contact_id=contact_id,
            client_id=client_id,
            to_team=routed,
            situation=str(fields.get("concern", "")),
            note=f"{t(f'notification.kind.{kind}')}: {fields.get('subject', '')}",
            urgency=notifications.urgency(kind, fields),
            due_at=default_due(notifications.urgency(kind, fields), self.ctx.clock.now()),
        )
        handover = {**self._handover_values(form, now), "notification_id": notification["id"]}
        with self.ctx.writing() as conn:
            rows.insert(conn, "notification", notification)
            rows.insert(conn, "handover", handover)
            event = self._event(handover["id"], "sent", now, None)
            rows.insert(conn, "handover_event", event)
            if client_id:
                detail = {"notification": notification["id"], "kind": kind}
                self.ctx.audit(
                    conn, client_id, "notification", f"contact:{contact_id}", detail, now
                )
            record(
                conn,
                "notification.create",
                {"notification": notification, "handover": {**handover, "event": event}},
                now,
                self.ctx.worker_id,
            )
            self.drafts.discard(conn, "notification", about(contact_id, client_id))
        return notification["id"], []

    def notification(self, notification_id: str) -> NotificationView | None:
        with self.ctx.lock:
            row = rows.notification(self.ctx.conn, notification_id)
        if row is None:
            return None
        received = from_iso(row["received_at"] or row["created_at"])
        fields = json.loads(row["fields"])
        return NotificationView(
            id=row["id"],
            kind=row["kind"],
            routed_to=row["routed_to"],
            received_at=received,
            fields=fields,
            clocks=notifications.clocks(row["kind"], received, fields),
        )

    # -- the end of a shift ---------------------------------------------------------
    def open_matters(self) -> OpenMatters:
        """Taken but unclosed contacts, open handovers in either direction, and the
        callbacks this worker scheduled that fall due in the next shift."""
        until = to_iso(self.ctx.clock.now() + NEXT_SHIFT)
        with self.ctx.lock:
            taken = contact_rows.open_for_worker(self.ctx.conn, self.ctx.worker_id)
            mine = rows.inbox(self.ctx.conn, self.ctx.worker_id, ())
            sent = [
                r
                for r in rows.outbox(self.ctx.conn, self.ctx.worker_id, "9999")
                if r["state"] == "sent"
            ]
            callbacks = contact_rows.scheduled_callbacks(self.ctx.conn, until, self.ctx.worker_id)
        return OpenMatters(
            contacts=[
                {"kind": "contact", "id": r["id"], "line": r["line_code"], "at": r["taken_at"]}
                for r in taken
            ],
            handovers=[
                {"kind": "handover", "id": r["id"], "state": r["state"], "note": r["note"]}
                for r in [*mine, *sent]
                if r["state"] in OPEN_STATES
            ],
            callbacks=[
                {"kind": "callback", "id": r["id"], "line": r["line_code"], "at": r["callback_at"]}
                for r in callbacks
            ],
        )

    def hand_over_shift(self, note: str) -> tuple[str | None, list[tuple[str, str]]]:
        if not note.strip():
            return None, [("note", "error.required")]
        if len(note) > NOTE_MAX:
            return None, [("note", "error.note_too_long")]
        now = self.ctx.now()
        values = {
            "id": new_id(), "from_worker_id": self.ctx.worker_id, "note": note.strip(),
            "items": json.dumps(self.open_matters().items(), ensure_ascii=False),
            "created_at": now, "updated_at": now,
        }  # fmt: skip
        with self.ctx.writing() as conn:
            rows.insert(conn, "shift_handover", values)
            record(conn, "shift.create", values, now, self.ctx.worker_id)
            self.drafts.discard(conn, "shift", "")
        return values["id"], []

    def pending_shift_handovers(self) -> list[ShiftView]:
        """Shift handovers of others that nobody has acknowledged yet."""
        with self.ctx.lock:
            found = rows.open_shift_handovers(self.ctx.conn)
            shifts = [_shift(r) for r in found if r["from_worker_id"] != self.ctx.worker_id]
            for shift in shifts:
                self._states_now(shift.items)
        return shifts

    def _states_now(self, items: list[dict[str, str]]) -> None:
        """A handover listed at the change of shift says its state now (returned or
        completed since), as the one who acknowledges must read it. Under the lock."""
        for item in items:
            if item.get("kind") == "handover":
                row = rows.get(self.ctx.conn, item["id"])
                if row is not None:
                    item["state"] = row["state"]

    def recent_shift_handovers(self, days: int = 2) -> list[ShiftView]:
        since = to_iso(self.ctx.clock.now() - timedelta(days=days))
        with self.ctx.lock:
            return [_shift(row) for row in rows.shift_handovers(self.ctx.conn, since)]

    def acknowledge_shift(self, shift_id: str) -> bool:
        now = self.ctx.now()
        with self.ctx.writing() as conn:
            if not rows.acknowledge_shift(conn, shift_id, self.ctx.worker_id, now):
                return False
            args = {"id": shift_id, "worker_id": self.ctx.worker_id, "at": now}
            record(conn, "shift.acknowledge", args, now, self.ctx.worker_id)
        return True


def _shift(row: sqlite3.Row) -> ShiftView:
    keys = row.keys()
    return ShiftView(
        id=row["id"],
        from_name=row["from_name"],
        note=row["note"],
        items=json.loads(row["items"]),
        created_at=from_iso(row["created_at"]),
        acknowledged_name=row["acknowledged_name"] if "acknowledged_name" in keys else None,
        acknowledged_at=from_iso(row["acknowledged_at"]) if row["acknowledged_at"] else None,
    )
