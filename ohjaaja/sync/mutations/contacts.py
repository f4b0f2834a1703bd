"""Contacts: intake at a desk, claims, release, identifying the client, closing,
callbacks and notes.

A contact taken by a worker is that worker's until released, closed or called
back: only they change it. Claiming is a compare-and-set on the server's row.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any

from ohjaaja.domain.queue import abandoned_event_id, answer_event_id
from ohjaaja.sync import protocol
from ohjaaja.sync.mutations.base import (
    Actor,
    Outcome,
    Parsed,
    Rejection,
    Store,
    Write,
    an_id,
    arguments,
    bump,
    insert_once,
    resolve_refs,
    row_of,
)
from ohjaaja.sync.rows import TIME, Invalid, Row, check_text, partial

_INTAKE = ("id", "channel", "line_code", "original_line_code", "municipality_code", "language",
           "caller_phone", "priority", "status", "via_queue", "received_at", "created_at",
           "updated_at")  # fmt: skip
CLOSE_FIELDS = ("status", "closed_at", "caller_kind", "client_id", "reasons", "note", "outcome",
                "updated_at")  # fmt: skip
_NOT_YOURS = "not_yours"
# A desk's own events have random ids (uuid7): a derived one (uuid5) is taken by the
# event the server records (a contact's abandoning), never by a desk's note.
_DESK_MADE = "an id the desk makes (a UUID v7), not a derived one"


def parse_receive(args: Mapping[str, Any]) -> Parsed:
    """A contact arriving at a desk: waiting in the queue, taken by nobody."""
    row = row_of("contact", args, "args", _INTAKE)
    if row["status"] != "waiting" or row["via_queue"] != 1:
        raise Invalid("args.status", "a received contact arrives waiting in the queue")
    return {"row": row}


def parse_log(args: Mapping[str, Any]) -> Parsed:
    """A contact that did not come through the queue: taken at once by its worker."""
    row = row_of("contact", args, "args", (*_INTAKE, "taken_at", "taken_by"))
    if row["status"] != "taken" or row["via_queue"] != 0 or not row["taken_by"]:
        raise Invalid("args.status", "a logged contact is taken by its worker at once")
    return {"row": row}


def apply_insert(parsed: Parsed, store: Store, actor: Actor) -> Outcome:
    if _derived_id(parsed["row"]["id"]) and "trainer" not in actor.roles:
        # A training shift names its contacts by uuid5 of the shift and the script, the
        # same on every desk; a trainee's desk that made one first would take the place
        # of the scripted caller. Desks and the intake make uuid7 ids.
        return Rejection("shift_contact", {"id": parsed["row"]["id"]}, code=403)
    row = resolve_refs("contact", parsed["row"], store, "args")
    return insert_once("contact", row, store)


def _derived_id(row_id: str) -> bool:
    """A uuid5: an id derived, never made at random by a desk (a training shift's
    contact, a contact's 'abandoned' event: ohjaaja.domain.queue.abandoned_event_id)."""
    try:
        return uuid.UUID(row_id).version == 5
    except ValueError:
        return False


def apply_log(parsed: Parsed, store: Store, actor: Actor) -> Outcome:
    """A logged contact, and its 'logged' event as the desk wrote it."""
    inserted = apply_insert(parsed, store, actor)
    if isinstance(inserted, Rejection) or not inserted:
        return inserted
    row = parsed["row"]
    if not row.get("taken_at"):
        return inserted
    return _with_event(
        list(inserted), answer_event(row["id"], "logged", row["taken_at"], row["taken_by"]), store
    )


def parse_claim(args: Mapping[str, Any]) -> Parsed:
    arguments(args, ("id", "worker_id", "at"))
    return {"id": an_id(args, "id"), "at": TIME.check(args["at"], "args.at")}


def _contact(store: Store, contact_id: str) -> dict[str, Any] | Rejection:
    row = store.get("contact", contact_id)
    if row is None:
        return Rejection("unknown", {"id": contact_id}, code=404)
    return row


def _not_yours(row: Mapping[str, Any]) -> Rejection:
    return Rejection(
        _NOT_YOURS,
        {"id": row["id"], "taken_by": row.get("taken_by")},
        current=(("contact", row["id"]),),
    )


def apply_claim(parsed: Parsed, store: Store, actor: Actor) -> Outcome:
    """Compare-and-set: a waiting contact only; the loser is told who won."""
    row = _contact(store, parsed["id"])
    if isinstance(row, Rejection):
        return row
    if row["status"] == "taken" and row["taken_by"] == actor.id and row["taken_at"] == parsed["at"]:
        return []  # this very claim, sent again
    if row["status"] != "waiting":
        return Rejection(
            "abandoned" if row["status"] == "abandoned" else "taken",  # the caller hung up
            {"id": row["id"], "taken_by": row["taken_by"]},
            current=(("contact", row["id"]),),
        )
    changes = {"status": "taken", "taken_by": actor.id, "taken_at": parsed["at"]}
    taken = answer_event(row["id"], "taken", parsed["at"], actor.id)
    return _with_event([Write("contact", row["id"], bump(row, changes))], taken, store)


def parse_abandon(args: Mapping[str, Any]) -> Parsed:
    arguments(args, ("id", "worker_id", "at"))
    return {"id": an_id(args, "id"), "at": TIME.check(args["at"], "args.at")}


def abandoned_event(contact_id: str, at: str, worker_id: str | None, data: Row) -> Row:
    """The record of the moment a contact was abandoned (reports' time to abandon),
    under the one id every desk and the server give it."""
    return row_of(
        "contact_event",
        {"id": abandoned_event_id(contact_id), "contact_id": contact_id, "kind": "abandoned",
         "at": at, "worker_id": worker_id,
         "data": json.dumps(data, ensure_ascii=False, sort_keys=True)},
        "event",
    )  # fmt: skip


def answer_event(contact_id: str, kind: str, at: str, worker_id: str | None,
                 data: str = "{}") -> Row:  # fmt: skip
    """A taken, logged, released or callback_scheduled event as the desk that acted
    wrote it (the same id, ohjaaja.domain.queue.answer_event_id, and data): the
    store keeps how a contact was answered, so the region's reports are a desk's."""
    return row_of(
        "contact_event",
        {"id": answer_event_id(contact_id, kind, at, worker_id), "contact_id": contact_id,
         "kind": kind, "at": at, "worker_id": worker_id, "data": data},
        "event",
    )  # fmt: skip


def _with_event(writes: list[Write], event: Row, store: Store) -> Outcome:
    written = insert_once("contact_event", event, store)
    if isinstance(written, Rejection):
        return written
    return [*writes, *written]


def apply_abandon(parsed: Parsed, store: Store, actor: Actor) -> Outcome:
    """A caller hung up unanswered: reported by an integration (the phone system), or
    marked by a worker from the queue. Only a waiting contact: one that someone has
    taken (or closed) was answered, and that stands (409, and the desk returns to the
    row as the store has it). Abandoned again is nothing new. On a training store only
    the trainer's desk, which plays the shift's callers, hangs one up."""
    row = _contact(store, parsed["id"])
    if isinstance(row, Rejection):
        return row
    if store.training and not {"trainer", "integration"} & actor.roles:
        # The desk marked it already: it returns to the contact as the store has it.
        return Rejection("role", {"needs": "trainer"}, current=(("contact", row["id"]),), code=403)
    if row["status"] == "abandoned":
        return []  # sent again, or reported twice
    if row["status"] != "waiting":
        return Rejection(
            row["status"],  # taken or closed: it was answered
            {"id": row["id"], "taken_by": row.get("taken_by")},
            current=(("contact", row["id"]),),
        )
    who = {} if actor.id else {"integration": actor.name}
    event = abandoned_event(row["id"], parsed["at"], actor.id or None, who)
    written = insert_once("contact_event", event, store)
    if isinstance(written, Rejection):
        return written
    return [Write("contact", row["id"], bump(row, {"status": "abandoned"})), *written]


def _held(store: Store, contact_id: str, actor: Actor) -> dict[str, Any] | Rejection:
    """The contact, if this worker holds it; else why not."""
    row = _contact(store, contact_id)
    if isinstance(row, Rejection):
        return row
    if row["status"] != "taken" or row["taken_by"] != actor.id:
        return _not_yours(row)
    return row


def parse_release(args: Mapping[str, Any]) -> Parsed:
    arguments(args, ("id", "worker_id"), ("at",))
    at = args.get("at")
    return {"id": an_id(args, "id"), "at": None if at is None else TIME.check(at, "args.at")}


def apply_release(parsed: Parsed, store: Store, actor: Actor) -> Outcome:
    row = _held(store, parsed["id"], actor)
    if isinstance(row, Rejection):
        return row
    changes = {"status": "waiting", "taken_by": None, "taken_at": None}
    writes = [Write("contact", row["id"], bump(row, changes))]
    if parsed["at"] is None:  # a desk that did not say when: no time to record
        return writes
    return _with_event(writes, answer_event(row["id"], "released", parsed["at"], actor.id), store)


def parse_identify(args: Mapping[str, Any]) -> Parsed:
    arguments(args, ("id", "worker_id"), ("client_id",))
    client_id = args.get("client_id")
    return {
        "id": an_id(args, "id"),
        "client_id": None if client_id is None else an_id(args, "client_id"),
    }


def apply_identify(parsed: Parsed, store: Store, actor: Actor) -> Outcome:
    row = _held(store, parsed["id"], actor)
    if isinstance(row, Rejection):
        return row
    changes = resolve_refs("contact", {"client_id": parsed["client_id"]}, store, "args")
    return [Write("contact", row["id"], bump(row, changes))]


def parse_close(args: Mapping[str, Any]) -> Parsed:
    arguments(args, ("id", "worker_id", "status", "closed_at"), CLOSE_FIELDS[2:])
    changes = partial("contact", {k: args[k] for k in CLOSE_FIELDS if k in args}, "args")
    if changes["status"] != "closed":
        raise Invalid("args.status", "a close sets the status to closed")
    return {"id": an_id(args, "id"), "changes": changes}


def apply_close(parsed: Parsed, store: Store, actor: Actor) -> Outcome:
    row = store.get("contact", parsed["id"])
    changes = resolve_refs("contact", parsed["changes"], store, "args")
    if row is not None and row["status"] == "closed" and row["taken_by"] == actor.id:
        if all(row.get(k) == v for k, v in changes.items()):
            return []  # this very close, sent again
        # A closed contact is not rewritten (its note, its time, its client).
        return Rejection("closed", {"id": row["id"]}, current=(("contact", row["id"]),))
    held = _held(store, parsed["id"], actor)
    if isinstance(held, Rejection):
        return held
    return [Write("contact", held["id"], bump(held, changes))]


def parse_callback(args: Mapping[str, Any]) -> Parsed:
    arguments(args, ("id", "worker_id", "callback_at"), ("event", "at"))
    parsed: Parsed = {
        "id": an_id(args, "id"),
        "callback_at": TIME.check(args["callback_at"], "args.callback_at"),
        "at": None if args.get("at") is None else TIME.check(args["at"], "args.at"),
        "event": None,
    }
    if args.get("event") is not None:
        event = row_of("contact_event", args["event"], "args.event")
        if event["contact_id"] != parsed["id"] or event["kind"] != "callback_missed":
            raise Invalid("args.event", "a missed callback of this contact")
        if not event["worker_id"]:
            raise Invalid("args.event.worker_id", "required: who called")
        if _derived_id(event["id"]):
            raise Invalid("args.event.id", _DESK_MADE)
        parsed["event"] = event
    return parsed


def apply_callback(parsed: Parsed, store: Store, actor: Actor) -> Outcome:
    """Back to the queue, to be taken again at its time; a missed attempt is an event."""
    row = _held(store, parsed["id"], actor)
    if isinstance(row, Rejection):
        return row
    writes: list[Write] = []
    if parsed["at"] is not None:  # when it was scheduled, and for when
        data = json.dumps({"at": parsed["callback_at"]}, ensure_ascii=False)
        made = answer_event(row["id"], "callback_scheduled", parsed["at"], actor.id, data)
        scheduled = insert_once("contact_event", made, store)
        if isinstance(scheduled, Rejection):
            return scheduled
        writes += scheduled
    if parsed["event"] is not None:
        event = insert_once("contact_event", parsed["event"], store)
        if isinstance(event, Rejection):
            return event
        writes += event
    changes = {"status": "waiting", "taken_by": None, "taken_at": None,
               "callback_at": parsed["callback_at"]}  # fmt: skip
    return [Write("contact", row["id"], bump(row, changes)), *writes]


def parse_note(args: Mapping[str, Any]) -> Parsed:
    """A worker's note on a contact they do not hold (a refused close keeps its text)."""
    arguments(args, ("id", "contact_id", "worker_id", "at", "text"), ("why",))
    text = check_text(args["text"], "args.text", protocol.NOTE_MAX)
    why = check_text(args.get("why") or "", "args.why", 64)
    event = row_of(
        "contact_event",
        {"id": args["id"], "contact_id": args["contact_id"], "kind": "note", "at": args["at"],
         "worker_id": args["worker_id"],
         "data": json.dumps({"text": text, "why": why}, ensure_ascii=False, sort_keys=True)},
        "args",
    )  # fmt: skip
    if _derived_id(event["id"]):
        raise Invalid("args.id", _DESK_MADE)
    return {"event": event}


def apply_note(parsed: Parsed, store: Store, actor: Actor) -> Outcome:
    event = resolve_refs("contact_event", parsed["event"], store, "args")
    return insert_once("contact_event", event, store)
