"""Contacts: the queue and its figures, intake, claiming, the worker's note and
choices as a draft, and closing with an outcome.

Every change writes its outbox mutation in the same transaction; attaching a
client to a contact is a look at the client's data, logged as such.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from time import monotonic_ns

from ohjaaja.db import contacts as contact_rows
from ohjaaja.db import drafts as draft_rows
from ohjaaja.db.engine import transaction
from ohjaaja.db.ids import new_id
from ohjaaja.domain import reference
from ohjaaja.domain.clients import FieldError
from ohjaaja.domain.clock import from_iso, to_iso
from ohjaaja.domain.limits import NOTE_MAX
from ohjaaja.domain.queue import (
    CALLER_KINDS,
    CHANNELS,
    LINES,
    OUTCOMES,
    DayFigures,
    QueueEntry,
    abandoned_event_id,
    answer_event_id,
    day_figures,
    default_priority,
    route_line,
    shift_start,
)
from ohjaaja.sync.outgoing import record
from ohjaaja.usecases.context import DeskContext


@dataclass(frozen=True)
class ContactView:
    id: str
    channel: str
    line_code: str
    original_line_code: str | None
    municipality_code: str | None
    language: str
    caller_phone: str | None
    caller_kind: str | None
    client_id: str | None
    status: str
    received_at: datetime
    taken_at: datetime | None
    via_queue: bool
    reasons: tuple[str, ...]
    note: str
    outcome: str | None
    claim_state: str | None = None  # pending until the server confirms; lost if another won
    callback_at: datetime | None = None  # set when the contact is (or was) a scheduled callback


@dataclass(frozen=True)
class LostClaim:
    """A contact this desk took offline that the server gave to another worker: shown
    until the worker has seen it, with what they wrote kept."""

    contact: ContactView
    holder_name: str | None
    kept: tuple[str, ...]  # notes kept on the contact, and a draft not yet kept


@dataclass
class ContactForm:
    """What the worker fills in on the contact screen; saved with the draft."""

    caller_kind: str | None = None
    client_id: str | None = None
    reasons: list[str] = field(default_factory=list)
    outcome: str | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ContactForm:
        data = json.loads(text or "{}")
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


class ContactUseCases:
    """One worker's contacts on a desk shared by many."""

    def __init__(self, ctx: DeskContext) -> None:
        self.ctx = ctx
        # The social emergency's staff see their own line's contacts first.
        self.first_line = "sosiaalipaivystys" if "emergency" in ctx.teams else None
        self._draft_revisions: dict[str, int] = {}

    # -- reading the queue -----------------------------------------------
    def queue(self, lines: Sequence[str] | None = None, limit: int = 500) -> list[QueueEntry]:
        with self.ctx.lock:
            rows = contact_rows.waiting(
                self.ctx.conn, lines, limit, self.ctx.now(), self.first_line
            )
        return [
            QueueEntry(
                id=row["id"],
                channel=row["channel"],
                line_code=row["line_code"],
                municipality_code=row["municipality_code"],
                language=row["language"],
                # A due callback waits from its time, not from the first call.
                received_at=from_iso(row["callback_at"] or row["received_at"]),
                priority=row["priority"],
                caller_phone=row["caller_phone"],
                original_line_code=row["original_line_code"],
            )
            for row in rows
        ]

    def figures(self, lines: Sequence[str] | None = None) -> DayFigures:
        """The figures of these lines (all if none): waiting now, and answered and
        closed in the shift so far (ohjaaja.domain.queue.shift_start)."""
        now = self.ctx.clock.now()
        start = shift_start(now)
        since = to_iso(start)
        with self.ctx.lock:
            waiting = contact_rows.waiting_since(self.ctx.conn, lines, to_iso(now))
            answered = contact_rows.answered_since(self.ctx.conn, since, lines)
            outcomes = contact_rows.outcomes_since(self.ctx.conn, since, lines)
        return day_figures(
            now,
            (from_iso(at) for at in waiting),
            ((from_iso(r), from_iso(t)) for r, t in answered),
            outcomes,
            start,
        )

    def lines_open(self) -> dict[str, bool]:
        now = self.ctx.clock.now()
        return {code: line.hours.is_open(now) for code, line in reference.lines().items()}

    # -- intake -------------------------------------------------------------
    def receive(
        self,
        channel: str,
        line: str,
        municipality_code: str | None,
        language: str = "fi",
        caller_phone: str | None = None,
        received_at: datetime | None = None,
        priority: int | None = None,
        contact_id: str | None = None,
    ) -> str:
        """A new contact into the queue, routed to the emergency line after hours.
        `contact_id`: a training shift's, derived from the shift and its script so
        that every desk of the shift names it alike."""
        if channel not in CHANNELS:
            raise ValueError(f"unknown channel {channel!r}")
        if line not in LINES:
            raise ValueError(f"unknown line {line!r}")
        at = received_at or self.ctx.clock.now()
        hours = {code: item.hours for code, item in reference.lines().items()}
        routed = route_line(line, at, hours)
        now = self.ctx.now()
        contact_id, received = contact_id or new_id(), to_iso(at)
        values = {
            "id": contact_id,
            "channel": channel,
            "line_code": routed,
            "original_line_code": line if routed != line else None,
            "municipality_code": municipality_code,
            "language": language,
            "caller_phone": caller_phone,
            "priority": priority if priority is not None else default_priority(channel, routed),
            "status": "waiting",
            "received_at": received,
            "created_at": now,
            "updated_at": now,
        }
        with self.ctx.writing() as conn:
            contact_rows.insert_contact(conn, values)
            contact_rows.add_event(conn, contact_id, "received", received, None)
            record(conn, "contact.receive", values, now, self.ctx.worker_id)
        return contact_id

    def abandon(self, contact_id: str, at: datetime | None = None) -> bool:
        """The caller hung up before anyone answered: a worker marks it from the queue,
        the demo's and a training shift's callers give up. True if the contact was
        still waiting here; not undoable. The server refuses it once someone has taken
        the contact (their claim stands) and, on a training store, from anyone but the
        trainer's desk; the desk then returns to the contact as the server has it."""
        when = to_iso(at or self.ctx.clock.now())
        now = self.ctx.now()
        worker = self.ctx.worker_id
        with self.ctx.writing() as conn:
            version = contact_rows.abandon(conn, contact_id, now)
            if version is None:
                return False
            contact_rows.add_event(conn, contact_id, "abandoned", when, worker,
                                   event_id=abandoned_event_id(contact_id))  # fmt: skip
            args = {"id": contact_id, "worker_id": worker, "at": when}
            record(conn, "contact.abandon", args, now, worker)
        return True

    def log_contact(
        self,
        channel: str,
        line: str,
        municipality_code: str | None,
        language: str = "fi",
        caller_phone: str | None = None,
    ) -> str:
        """A contact that did not come through the queue, taken by this worker at once."""
        if channel not in CHANNELS:
            raise ValueError(f"unknown channel {channel!r}")
        now = self.ctx.now()
        contact_id = new_id()
        values = {
            "id": contact_id,
            "channel": channel,
            "line_code": line,
            "municipality_code": municipality_code,
            "language": language,
            "caller_phone": caller_phone,
            "priority": default_priority(channel, line),
            "status": "taken",
            "via_queue": 0,
            "received_at": now,
            "taken_at": now,
            "taken_by": self.ctx.worker_id,
            "created_at": now,
            "updated_at": now,
        }
        with self.ctx.writing() as conn:
            contact_rows.insert_contact(conn, values)
            event_id = answer_event_id(contact_id, "logged", now, self.ctx.worker_id)
            contact_rows.add_event(
                conn, contact_id, "logged", now, self.ctx.worker_id, event_id=event_id
            )
            record(conn, "contact.log", values, now, self.ctx.worker_id)
        return contact_id

    # -- claiming -------------------------------------------------------------
    def take(self, contact_id: str) -> ContactView | None:
        """Claim a waiting contact; None when another desk took it first."""
        now = self.ctx.now()
        with self.ctx.writing() as conn:
            version = contact_rows.claim(conn, contact_id, self.ctx.worker_id, now)
            if version is None:
                return None
            event_id = answer_event_id(contact_id, "taken", now, self.ctx.worker_id)
            contact_rows.add_event(
                conn, contact_id, "taken", now, self.ctx.worker_id, event_id=event_id
            )
            record(
                conn,
                "contact.claim",
                {"id": contact_id, "worker_id": self.ctx.worker_id, "at": now, "version": version},
                now,
                self.ctx.worker_id,
            )
            row = contact_rows.get(conn, contact_id)
            assert row is not None  # claimed just now, in this transaction
            return _contact_view(row)

    def take_next(self, lines: Sequence[str] | None = None) -> ContactView | None:
        """The first contact in queue order; if another desk wins it, the next one."""
        while True:
            with self.ctx.lock:
                contact_id = contact_rows.next_waiting_id(
                    self.ctx.conn, lines, self.ctx.now(), self.first_line
                )
            if contact_id is None:
                return None
            taken = self.take(contact_id)
            if taken is not None:
                return taken

    def release(self, contact_id: str) -> None:
        """Put a taken contact back in the queue (its draft stays on this desk)."""
        now = self.ctx.now()
        with self.ctx.writing() as conn:
            version = contact_rows.update(
                conn,
                contact_id,
                {"status": "waiting", "taken_by": None, "taken_at": None, "updated_at": now},
            )
            released = answer_event_id(contact_id, "released", now, self.ctx.worker_id)
            contact_rows.add_event(
                conn, contact_id, "released", now, self.ctx.worker_id, event_id=released
            )
            args = {
                "id": contact_id,
                "worker_id": self.ctx.worker_id,
                "at": now,
                "version": version,
            }
            record(conn, "contact.release", args, now, self.ctx.worker_id)

    def contact(self, contact_id: str) -> ContactView:
        with self.ctx.lock:
            row = contact_rows.get(self.ctx.conn, contact_id)
        if row is None:
            raise KeyError(contact_id)
        return _contact_view(row)

    def lost_claims(self) -> list[LostClaim]:
        with self.ctx.lock:
            return [self._lost(row) for row in contact_rows.lost_claims(self.ctx.conn)]

    def _lost(self, row: sqlite3.Row) -> LostClaim:
        kept = contact_rows.notes_by(self.ctx.conn, row["id"], self.ctx.worker_id)
        draft = draft_rows.load(self.ctx.conn, row["id"])
        if draft is not None and draft["text"].strip():
            kept.append(draft["text"])
        return LostClaim(_contact_view(row), row["holder_name"], tuple(kept))

    def others_notes(self, contact_id: str) -> list[tuple[str, str]]:
        """(who, text) of the notes other workers kept on this contact, newest first:
        what a worker whose claim or close another desk refused had written."""
        with self.ctx.lock:
            found = contact_rows.notes_of_others(self.ctx.conn, contact_id, self.ctx.worker_id)
        return [
            (row["worker_name"] or "?", json.loads(row["data"]).get("text", "")) for row in found
        ]

    def acknowledge_lost(self, contact_id: str) -> None:
        """The worker has seen that another worker has the contact: what they were
        typing on it is kept as their note (synced, so the holder reads it too)."""
        now = self.ctx.now()
        with self.ctx.writing() as conn:
            draft = draft_rows.load(conn, contact_id)
            if draft is not None and draft["text"].strip():
                note = {"id": new_id(), "contact_id": contact_id, "worker_id": self.ctx.worker_id,
                        "at": now, "text": draft["text"][:NOTE_MAX],
                        "why": "claim_lost"}  # fmt: skip
                contact_rows.add_note(conn, note)
                record(conn, "contact.note", note, now, self.ctx.worker_id)
            draft_rows.discard(conn, contact_id)
            conn.execute("UPDATE contact SET claim_state = NULL WHERE id = ?", (contact_id,))
        # A save of a change made before this, still in flight, cannot bring it back.
        self._draft_revisions[contact_id] = monotonic_ns()

    def my_open_contacts(self) -> list[ContactView]:
        with self.ctx.lock:
            rows = contact_rows.open_for_worker(self.ctx.conn, self.ctx.worker_id)
        return [_contact_view(row) for row in rows]

    # -- identifying the client -------------------------------------------
    def attach_client(self, contact_id: str, client_id: str | None) -> None:
        now = self.ctx.now()
        with self.ctx.writing() as conn:
            version = contact_rows.update(
                conn, contact_id, {"client_id": client_id, "updated_at": now}
            )
            contact_rows.add_event(conn, contact_id, "identified", now, self.ctx.worker_id)
            if client_id:
                self.ctx.audit(conn, client_id, "view", f"contact:{contact_id}", {}, now)
            record(
                conn,
                "contact.identify",
                {"id": contact_id, "client_id": client_id, "worker_id": self.ctx.worker_id,
                 "version": version},
                now,
                self.ctx.worker_id,
            )  # fmt: skip

    # -- drafts and closing ---------------------------------------------------
    def save_draft(self, contact_id: str, text: str, form: ContactForm, revision: int) -> bool:
        """Save what is being typed. Saves arrive from worker threads in any order,
        so an older revision than one already saved is ignored. The revision is when
        the change was made (time.monotonic_ns on the screen), so a screen opened
        again continues where the one before stopped."""
        with self.ctx.lock:
            if revision <= self._draft_revisions.get(contact_id, -1):
                return False
            with transaction(self.ctx.conn) as conn:
                draft_rows.save(
                    conn, contact_id, self.ctx.worker_id, text, form.to_json(), self.ctx.now()
                )
            self._draft_revisions[contact_id] = revision
            return True

    def load_draft(self, contact_id: str) -> tuple[str, ContactForm] | None:
        with self.ctx.lock:
            row = draft_rows.load(self.ctx.conn, contact_id)
        if row is None:
            return None
        return row["text"], ContactForm.from_json(row["form"])

    def close_contact(self, contact_id: str, note: str, form: ContactForm) -> list[FieldError]:
        """Store the outcome; handling time is taken_at to closed_at."""
        errors = []
        if form.caller_kind not in CALLER_KINDS:
            errors.append(FieldError("caller_kind", "error.choose", "choose who is calling"))
        if form.outcome not in OUTCOMES:
            errors.append(FieldError("outcome", "error.choose", "choose an outcome"))
        known = set(reference.reasons().get(self.contact(contact_id).line_code, {}))
        unknown = [code for code in form.reasons if code not in known]
        if unknown:
            errors.append(FieldError("reasons", "error.reason", f"unknown: {', '.join(unknown)}"))
        if len(note) > NOTE_MAX:
            errors.append(
                FieldError("note", "error.note_too_long", f"at most {NOTE_MAX} characters")
            )
        if errors:
            return errors
        now = self.ctx.now()
        values = {
            "status": "closed",
            "closed_at": now,
            "caller_kind": form.caller_kind,
            "client_id": form.client_id,
            "reasons": json.dumps(form.reasons),
            "note": note,
            "outcome": form.outcome,
            "updated_at": now,
        }
        with self.ctx.writing() as conn:
            version = contact_rows.update(conn, contact_id, values)
            contact_rows.add_event(
                conn, contact_id, "closed", now, self.ctx.worker_id, {"outcome": form.outcome}
            )
            if form.client_id:
                self.ctx.audit(conn, form.client_id, "update", f"contact:{contact_id}", {}, now)
            draft_rows.discard(conn, contact_id)
            record(
                conn,
                "contact.close",
                {"id": contact_id, "version": version, "worker_id": self.ctx.worker_id, **values},
                now,
                self.ctx.worker_id,
            )
        # A save of a change made before this, still in flight, cannot bring it back.
        self._draft_revisions[contact_id] = monotonic_ns()
        return []


def _contact_view(row: sqlite3.Row) -> ContactView:
    return ContactView(
        id=row["id"],
        channel=row["channel"],
        line_code=row["line_code"],
        original_line_code=row["original_line_code"],
        municipality_code=row["municipality_code"],
        language=row["language"],
        caller_phone=row["caller_phone"],
        caller_kind=row["caller_kind"],
        client_id=row["client_id"],
        status=row["status"],
        received_at=from_iso(row["received_at"]),
        taken_at=from_iso(row["taken_at"]) if row["taken_at"] else None,
        via_queue=bool(row["via_queue"]),
        reasons=tuple(json.loads(row["reasons"])),
        note=row["note"],
        outcome=row["outcome"],
        claim_state=row["claim_state"],
        callback_at=from_iso(row["callback_at"]) if row["callback_at"] else None,
    )
