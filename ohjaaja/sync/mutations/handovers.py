"""Handovers and their moves, statutory notifications, shift handovers.

Moving a handover runs the same state machine as the desk (ohjaaja.domain.handovers),
with the team membership of the server's register: a team's handover is
accepted only by one of its members.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ohjaaja.domain import notifications
from ohjaaja.domain.clock import from_iso, local
from ohjaaja.domain.handovers import IllegalMove, Parties, next_state
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
from ohjaaja.sync.rows import TIME, Invalid, check_text

_NEW = ("id", "contact_id", "client_id", "from_worker_id", "to_worker_id", "to_team", "situation",
        "background", "assessment", "recommendation", "note", "urgency", "due_at", "warm",
        "state", "is_training", "created_at", "updated_at")  # fmt: skip


def parse_create(args: Mapping[str, Any], notification_id: str | None = None) -> Parsed:
    if not isinstance(args, Mapping):
        raise Invalid("args", "must be an object")
    fields = {k: v for k, v in args.items() if k != "event"}
    allowed = (*_NEW, "notification_id") if notification_id else _NEW
    row = row_of("handover", {"state": "sent", **fields}, "args", allowed)
    if row["state"] != "sent" or row["accepted_by"] is not None:
        raise Invalid("args.state", "a new handover is sent")
    if bool(row["to_worker_id"]) == bool(row["to_team"]):
        raise Invalid("args.to_worker_id", "a worker or a team, one of them")
    if not row["note"].strip():
        raise Invalid("args.note", "required")
    if not row["from_worker_id"]:
        raise Invalid("args.from_worker_id", "required")
    if notification_id and row["notification_id"] != notification_id:
        raise Invalid("args.notification_id", "the handover of this notification")
    return {"row": row, "event": _event(args.get("event"), row["id"], "sent")}


def _event(data: Any, handover_id: str, kind: str) -> dict[str, Any]:
    if data is None:
        raise Invalid("args.event", "required")
    event = row_of("handover_event", data, "args.event")
    if event["handover_id"] != handover_id or event["kind"] != kind:
        raise Invalid("args.event", f"the {kind} event of this handover")
    if not event["worker_id"]:
        raise Invalid("args.event.worker_id", "required: who moved it")
    return event


def apply_create(parsed: Parsed, store: Store, actor: Actor) -> Outcome:
    return _insert(parsed, store, "args", set())


def _insert(parsed: Parsed, store: Store, field: str, own: set[tuple[str, str]]) -> Outcome:
    row = resolve_refs("handover", parsed["row"], store, field, own)
    receiver = store.worker(row["to_worker_id"]) if row["to_worker_id"] else None
    if receiver is not None and not receiver.active:
        raise Invalid(f"{field}.to_worker_id", "this worker is no longer in the register")
    made = insert_once("handover", row, store)
    if isinstance(made, Rejection) or not made:
        return made
    event = insert_once("handover_event", resolve_refs(
        "handover_event", parsed["event"], store, f"{field}.event", {("handover", row["id"])}
    ), store)  # fmt: skip
    return event if isinstance(event, Rejection) else [*made, *event]


def parse_move(args: Mapping[str, Any]) -> Parsed:
    arguments(args, ("id", "action", "worker_id", "at", "event"), ("reason",))
    if args["action"] not in protocol.ACTIONS:
        raise Invalid("args.action", f"one of {', '.join(protocol.ACTIONS)}")
    reason = args.get("reason")
    if reason is not None:
        check_text(reason, "args.reason", protocol.SHORT_TEXT_MAX)
    handover_id = an_id(args, "id")
    return {
        "id": handover_id,
        "action": args["action"],
        "at": TIME.check(args["at"], "args.at"),
        "event": _event(args["event"], handover_id, args["action"]),
    }


def apply_move(parsed: Parsed, store: Store, actor: Actor) -> Outcome:
    """Compare-and-set on the state: of two workers accepting at once, one wins and
    the other is told who; every other illegal move is refused the same way."""
    row = store.get("handover", parsed["id"])
    if row is None:
        return Rejection("unknown", {"id": parsed["id"]}, code=404)
    event = parsed["event"]
    if store.get("handover_event", event["id"]) == event:
        return []  # this very move, sent again
    parties = Parties(row["to_worker_id"], row["to_team"], row["accepted_by"])
    try:
        state = next_state(row["state"], parsed["action"], parties, actor.id, actor.teams)
    except IllegalMove as exc:
        detail = {"id": row["id"], "state": row["state"], "accepted_by": row["accepted_by"]}
        return Rejection(exc.key, detail, current=(("handover", row["id"]),))
    added = insert_once("handover_event", event, store)
    if isinstance(added, Rejection):
        return added
    changes: dict[str, Any] = {"state": state, "updated_at": parsed["at"]}
    if parsed["action"] == "accept":
        changes["accepted_by"] = actor.id
    return [Write("handover", row["id"], bump(row, changes)), *added]


def parse_notification(args: Mapping[str, Any]) -> Parsed:
    arguments(args, ("notification", "handover"))
    notification = row_of("notification", args["notification"], "args.notification")
    try:
        fields = json.loads(notification["fields"])
    except ValueError as exc:  # normalise checked it parses; kept for the type checker
        raise Invalid("args.notification.fields", "not JSON") from exc
    made_on = local(from_iso(notification["received_at"] or notification["created_at"])).date()
    problems = notifications.check(notification["kind"], fields, made_on)
    if problems:
        named = ", ".join(f"{name} ({key})" for name, key in problems)
        raise Invalid("args.notification.fields", named)
    if not notification["notifier_worker_id"]:
        raise Invalid("args.notification.notifier_worker_id", "required")
    handover = args["handover"]
    if not isinstance(handover, Mapping):
        raise Invalid("args.handover", "must be an object")
    made = parse_create(handover, notification["id"])
    if made["row"]["to_team"] != notification["routed_to"]:
        raise Invalid("args.handover.to_team", "goes where the notification is routed")
    return {"notification": notification, "handover": made}


def apply_notification(parsed: Parsed, store: Store, actor: Actor) -> Outcome:
    notification = resolve_refs("notification", parsed["notification"], store, "args.notification")
    made = insert_once("notification", notification, store)
    if isinstance(made, Rejection) or not made:
        return made
    own = {("notification", notification["id"])}
    writes = _insert(parsed["handover"], store, "args.handover", own)
    return writes if isinstance(writes, Rejection) else [*made, *writes]


_SHIFT = ("id", "from_worker_id", "note", "items", "created_at", "updated_at")


def parse_shift(args: Mapping[str, Any]) -> Parsed:
    return {"row": row_of("shift_handover", args, "args", _SHIFT)}


def apply_shift(parsed: Parsed, store: Store, actor: Actor) -> Outcome:
    return insert_once("shift_handover", resolve_refs("shift_handover", parsed["row"], store,
                                                      "args"), store)  # fmt: skip


def parse_acknowledge(args: Mapping[str, Any]) -> Parsed:
    arguments(args, ("id", "worker_id", "at"))
    return {"id": an_id(args, "id"), "at": TIME.check(args["at"], "args.at")}


def apply_acknowledge(parsed: Parsed, store: Store, actor: Actor) -> Outcome:
    """Once, by a colleague: the first to acknowledge is on record."""
    row = store.get("shift_handover", parsed["id"])
    if row is None:
        return Rejection("unknown", {"id": parsed["id"]}, code=404)
    current = (("shift_handover", row["id"]),)
    if row["acknowledged_by"] == actor.id:
        return []
    if row["acknowledged_by"]:
        return Rejection("acknowledged", {"id": row["id"], "by": row["acknowledged_by"]},
                         current=current)  # fmt: skip
    if row["from_worker_id"] == actor.id:
        return Rejection("own_shift", {"id": row["id"]}, current=current)
    changes = {"acknowledged_by": actor.id, "acknowledged_at": parsed["at"]}
    return [Write("shift_handover", row["id"], bump(row, changes))]
