"""What each outbox mutation does to the shared state, as pure functions.

The server keeps each synced row as a document (table, id) -> data with a
version. A handler reads the rows it needs through `get`, and returns the rows
to write, or a Rejection with the reason (a lost claim, a duplicate identity
code). The store runs handlers inside its transaction; nothing here does I/O.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ohjaaja import notifications, teams
from ohjaaja.handovers import URGENCIES, IllegalMove, Parties, next_state

Row = dict[str, Any]
Getter = Callable[[str, str], Row | None]


@dataclass(frozen=True)
class Write:
    table: str
    id: str
    data: Row


@dataclass(frozen=True)
class Rejection:
    reason: str
    detail: Row = field(default_factory=dict)


class BadArguments(ValueError):
    """The mutation's arguments are malformed; the message names the field."""


def _require(args: Row, *names: str) -> None:
    for name in names:
        if name not in args or args[name] in (None, ""):
            raise BadArguments(f"{name}: required")


def _versioned(row: Row, changes: Row) -> Row:
    return {**row, **changes, "version": int(row.get("version", 1)) + 1}


def insert_contact(args: Row, get: Getter) -> list[Write] | Rejection:
    _require(args, "id", "channel", "line_code", "received_at")
    row = {k: v for k, v in args.items() if k != "v"}
    if get("contact", row["id"]) is not None:
        return Rejection("exists", {"id": row["id"]})
    return [Write("contact", row["id"], {**row, "version": 1})]


def claim_contact(args: Row, get: Getter) -> list[Write] | Rejection:
    """Compare-and-set: only a waiting contact can be claimed; the loser is told who won."""
    _require(args, "id", "worker_id", "at")
    row = get("contact", args["id"])
    if row is None:
        return Rejection("unknown", {"id": args["id"]})
    if row.get("status") != "waiting":
        return Rejection("taken", {"id": args["id"], "taken_by": row.get("taken_by")})
    changes = {"status": "taken", "taken_by": args["worker_id"], "taken_at": args["at"]}
    return [Write("contact", args["id"], _versioned(row, {**changes, "claim_state": "confirmed"}))]


def release_contact(args: Row, get: Getter) -> list[Write] | Rejection:
    _require(args, "id")
    row = get("contact", args["id"])
    if row is None:
        return Rejection("unknown", {"id": args["id"]})
    changes = {"status": "waiting", "taken_by": None, "taken_at": None, "claim_state": None}
    return [Write("contact", args["id"], _versioned(row, changes))]


def update_contact(
    allowed: frozenset[str], owner_only: bool = False
) -> Callable[[Row, Getter], list[Write] | Rejection]:
    def handler(args: Row, get: Getter) -> list[Write] | Rejection:
        _require(args, "id")
        row = get("contact", args["id"])
        if row is None:
            return Rejection("unknown", {"id": args["id"]})
        if owner_only:
            _require(args, "worker_id")
            if row.get("taken_by") not in (None, args["worker_id"]):
                # Another desk won the claim: the loser's work stays in its outbox.
                return Rejection("not_yours", {"id": args["id"], "taken_by": row.get("taken_by")})
        changes = {k: v for k, v in args.items() if k in allowed}
        return [Write("contact", args["id"], _versioned(row, changes))]

    return handler


def create_client(args: Row, get: Getter) -> list[Write] | Rejection:
    client = args.get("client")
    if not isinstance(client, dict):
        raise BadArguments("client: required")
    _require(client, "id", "last_name", "first_names")
    if get("client", client["id"]) is not None:
        return Rejection("exists", {"id": client["id"]})
    hetu = client.get("hetu")
    owner = get("client_hetu", hetu) if hetu else None
    if owner is not None and owner.get("client_id") is not None:
        return Rejection("hetu_taken", {"hetu": hetu})
    writes = [Write("client", client["id"], {**client, "version": 1})]
    if hetu:  # an index row, so the unique check is one lookup on any store
        writes.append(Write("client_hetu", hetu, {"client_id": client["id"]}))
    phones = [args.get("phone"), *(args.get("phones") or [])]
    for phone in phones:
        if isinstance(phone, dict):
            _require(phone, "id", "e164")
            writes.append(Write("client_phone", phone["id"], {**phone, "version": 1}))
    return writes


CLIENT_FIELDS = frozenset(
    {
        "hetu",
        "hetu_temporary",
        "birth_date",
        "last_name",
        "first_names",
        "email",
        "address",
        "language",
        "municipality_code",
        "alerts",
        "updated_at",
    }
)


def update_client(args: Row, get: Getter) -> list[Write] | Rejection:
    """Field by field onto the shared row: two desks editing different fields both
    keep their change; the same field, the later push wins."""
    _require(args, "id")
    row = get("client", args["id"])
    if row is None:
        return Rejection("unknown", {"id": args["id"]})
    changes = args.get("changes") or {}
    if not isinstance(changes, dict):
        raise BadArguments("changes: must be an object")
    unknown = set(changes) - CLIENT_FIELDS
    if unknown:
        raise BadArguments(f"changes: unknown field {sorted(unknown)[0]!r}")
    writes = []
    hetu = changes.get("hetu")
    if "hetu" in changes and hetu != row.get("hetu"):
        if hetu:
            owner = get("client_hetu", hetu)
            if owner is not None and owner.get("client_id") not in (None, args["id"]):
                return Rejection("hetu_taken", {"hetu": hetu})
            writes.append(Write("client_hetu", hetu, {"client_id": args["id"]}))
        if row.get("hetu"):  # the old code is free again
            writes.append(Write("client_hetu", row["hetu"], {"client_id": None}))
    if changes:
        writes.append(Write("client", args["id"], _versioned(row, changes)))
    for phone in args.get("phones") or []:
        if not isinstance(phone, dict):
            raise BadArguments("phones: must be objects")
        _require(phone, "id", "client_id", "e164")
        if phone["client_id"] != args["id"]:
            raise BadArguments("phones: a phone of another client")
        writes.append(Write("client_phone", phone["id"], _stored_version(phone, get)))
    return writes


def put_relative(args: Row, get: Getter) -> list[Write] | Rejection:
    """A relative added, changed or removed (deleted = 1): the whole row."""
    _require(args, "id", "client_id", "name", "relation")
    if get("client", args["client_id"]) is None:
        return Rejection("unknown", {"id": args["client_id"]})
    row = {k: v for k, v in args.items() if k != "v"}
    return [Write("relative", row["id"], _stored_version(row, get, "relative"))]


def _stored_version(row: Row, get: Getter, table: str = "client_phone") -> Row:
    """The row with the version after the server's copy (if any)."""
    current = get(table, row["id"])
    return {**row, "version": int(current.get("version", 1)) + 1 if current else 1}


def append_audit(args: Row, get: Getter) -> list[Write] | Rejection:
    """Append-only: the same id again is the same record (merge by id)."""
    _require(args, "id", "at", "action")
    row = {k: v for k, v in args.items() if k != "v"}
    if get("audit", row["id"]) is not None:
        return []
    return [Write("audit", row["id"], row)]


def create_worker(args: Row, get: Getter) -> list[Write] | Rejection:
    _require(args, "id", "name")
    row = {k: v for k, v in args.items() if k != "v"}
    if get("worker", row["id"]) is not None:
        return []
    return [Write("worker", row["id"], row)]


CATALOGUE_TABLES = frozenset(
    {"organization", "service", "location", "service_at_location", "catalogue_phone", "schedule"}
)


def put_catalogue(args: Row, get: Getter) -> list[Write] | Rejection:
    """Whole catalogue rows by table (an edit, an import, a tombstone): the later push wins."""
    tables = args.get("rows")
    if not isinstance(tables, dict) or not tables:
        raise BadArguments("rows: required, an object of tables")
    writes = []
    for table, rows in tables.items():
        if table not in CATALOGUE_TABLES:
            raise BadArguments(f"rows: not a catalogue table {table!r}")
        if not isinstance(rows, list):
            raise BadArguments(f"rows.{table}: must be a list")
        for row in rows:
            if not isinstance(row, dict) or not row.get("id"):
                raise BadArguments(f"rows.{table}: each row needs an id")
            writes.append(Write(table, row["id"], _stored_version(row, get, table)))
    return writes


def create_offer(args: Row, get: Getter) -> list[Write] | Rejection:
    """Append-only: a service offered in a contact, or an unmet need."""
    _require(args, "id", "contact_id", "created_at")
    if not args.get("service_id") and not args.get("unmet_need"):
        raise BadArguments("service_id: a service or an unmet need is required")
    if get("offer", args["id"]) is not None:
        return []
    return [Write("offer", args["id"], {k: v for k, v in args.items() if k != "v"})]


def schedule_callback(args: Row, get: Getter) -> list[Write] | Rejection:
    """The contact goes back to the queue, to be taken again at callback_at; a missed
    attempt comes with its contact_event row (the card counts them)."""
    _require(args, "id", "worker_id", "callback_at")
    row = get("contact", args["id"])
    if row is None:
        return Rejection("unknown", {"id": args["id"]})
    if row.get("taken_by") not in (None, args["worker_id"]):
        return Rejection("not_yours", {"id": args["id"], "taken_by": row.get("taken_by")})
    changes = {
        "status": "waiting", "taken_by": None, "taken_at": None, "claim_state": None,
        "callback_at": args["callback_at"],
    }  # fmt: skip
    writes = [Write("contact", args["id"], _versioned(row, changes))]
    event = args.get("event")
    if isinstance(event, dict):
        _require(event, "id", "contact_id", "kind", "at")
        writes.append(Write("contact_event", event["id"], event))
    return writes


def create_handover(args: Row, get: Getter) -> list[Write] | Rejection:
    _require(args, "id", "note", "from_worker_id")
    if not args.get("to_worker_id") and not args.get("to_team"):
        raise BadArguments("to_worker_id: a worker or a team is required")
    if args.get("to_team") and not teams.is_valid(str(args["to_team"])):
        raise BadArguments(f"to_team: not a team {args['to_team']!r}")
    if args.get("urgency", "normal") not in URGENCIES:
        raise BadArguments(f"urgency: one of {', '.join(URGENCIES)}")
    if get("handover", args["id"]) is not None:
        return []
    row = {k: v for k, v in args.items() if k not in ("v", "event")}
    writes = [Write("handover", row["id"], {**row, "state": "sent", "version": 1})]
    return writes + _event(args)


def move_handover(args: Row, get: Getter) -> list[Write] | Rejection:
    """Compare-and-set on the state: of two desks accepting at once, one wins and the
    other is told who; every other illegal move is refused the same way."""
    _require(args, "id", "action", "worker_id", "at")
    row = get("handover", args["id"])
    if row is None:
        return Rejection("unknown", {"id": args["id"]})
    parties = Parties(row.get("to_worker_id"), row.get("to_team"), row.get("accepted_by"))
    try:
        state = next_state(row["state"], args["action"], parties, args["worker_id"], None)
    except IllegalMove as exc:
        detail = {"id": args["id"], "state": row["state"], "accepted_by": row.get("accepted_by")}
        return Rejection(exc.key, detail)
    changes: Row = {"state": state, "updated_at": args["at"]}
    if args["action"] == "accept":
        changes["accepted_by"] = args["worker_id"]
    return [Write("handover", args["id"], _versioned(row, changes)), *_event(args)]


def _event(args: Row) -> list[Write]:
    event = args.get("event")
    if not isinstance(event, dict):
        raise BadArguments("event: required")
    _require(event, "id", "handover_id", "kind", "at")
    return [Write("handover_event", event["id"], event)]


def create_notification(args: Row, get: Getter) -> list[Write] | Rejection:
    notification = args.get("notification")
    if not isinstance(notification, dict):
        raise BadArguments("notification: required")
    _require(notification, "id", "kind", "routed_to")
    _check_notification(notification)
    if get("notification", notification["id"]) is not None:
        return []
    writes = [Write("notification", notification["id"], {**notification, "version": 1})]
    handover = args.get("handover")
    if isinstance(handover, dict):
        made = create_handover(handover, get)
        if isinstance(made, Rejection):
            return made
        writes += made
    return writes


def _check_notification(notification: Row) -> None:
    """The same checks as the form's: the kind's required fields, known choices."""
    try:
        fields = json.loads(notification.get("fields") or "{}")
    except (TypeError, ValueError) as exc:
        raise BadArguments("notification.fields: not a JSON object") from exc
    if not isinstance(fields, dict):
        raise BadArguments("notification.fields: not a JSON object")
    problems = notifications.check(str(notification["kind"]), fields)
    if problems:
        named = ", ".join(f"{name} ({key})" for name, key in problems)
        raise BadArguments(f"notification.fields: {named}")
    if not teams.is_valid(str(notification["routed_to"])):
        raise BadArguments(f"notification.routed_to: not a team {notification['routed_to']!r}")


def create_shift_handover(args: Row, get: Getter) -> list[Write] | Rejection:
    _require(args, "id", "from_worker_id", "note")
    if get("shift_handover", args["id"]) is not None:
        return []
    row = {k: v for k, v in args.items() if k != "v"}
    return [Write("shift_handover", row["id"], {**row, "version": 1})]


def acknowledge_shift(args: Row, get: Getter) -> list[Write] | Rejection:
    """Once: the first to acknowledge is on record; a second is told who was first."""
    _require(args, "id", "worker_id", "at")
    row = get("shift_handover", args["id"])
    if row is None:
        return Rejection("unknown", {"id": args["id"]})
    if row.get("acknowledged_by"):
        return Rejection("acknowledged", {"id": args["id"], "by": row["acknowledged_by"]})
    changes = {"acknowledged_by": args["worker_id"], "acknowledged_at": args["at"]}
    return [Write("shift_handover", args["id"], _versioned(row, changes))]


HANDLERS: dict[str, Callable[[Row, Getter], list[Write] | Rejection]] = {
    "contact.receive": insert_contact,
    "contact.log": insert_contact,
    "contact.claim": claim_contact,
    "contact.release": release_contact,
    "contact.identify": update_contact(frozenset({"client_id"})),
    "contact.close": update_contact(
        frozenset(
            {"status", "closed_at", "caller_kind", "client_id", "reasons", "note", "outcome"}
        ),
        owner_only=True,
    ),
    "client.create": create_client,
    "client.update": update_client,
    "relative.put": put_relative,
    "audit.append": append_audit,
    "worker.create": create_worker,
    "catalogue.put": put_catalogue,
    "offer.create": create_offer,
    "contact.callback": schedule_callback,
    "handover.create": create_handover,
    "handover.move": move_handover,
    "notification.create": create_notification,
    "shift.create": create_shift_handover,
    "shift.acknowledge": acknowledge_shift,
}


def apply(name: str, args: Row, get: Getter) -> list[Write] | Rejection:
    """Run the named mutation; BadArguments for malformed args or an unknown name."""
    handler = HANDLERS.get(name)
    if handler is None:
        raise BadArguments(f"name: unknown mutation {name!r}")
    if not isinstance(args, dict):
        raise BadArguments("args: must be an object")
    return handler(args, get)
