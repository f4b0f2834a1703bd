"""Every mutation a desk sends, defined once for the desk and the server.

`check(name, args)` is what a desk runs before a mutation enters its outbox and
what the server runs first: the shape, types, formats and lengths of the
arguments and the fields a desk may set. `DEFINITIONS[name].apply` is the rule
the server enforces in its transaction. `actor_fields` name the arguments that
say who acted: each must be the acting worker the push names for the mutation,
and that worker must be one the desk's token may act for.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ohjaaja.sync import protocol
from ohjaaja.sync.mutations import catalogue, clients, contacts, handovers, training
from ohjaaja.sync.mutations.base import (
    Actor,
    Definition,
    Outcome,
    Parsed,
    Rejection,
    Store,
    Write,
    dig,
)
from ohjaaja.sync.rows import Invalid

_ALL = (
    Definition("worker.create", clients.parse_worker, clients.apply_worker, ("id",)),
    Definition("contact.receive", contacts.parse_receive, contacts.apply_insert),
    Definition("contact.log", contacts.parse_log, contacts.apply_log, ("taken_by",)),
    Definition(
        "contact.claim", contacts.parse_claim, contacts.apply_claim, ("worker_id",), row="contact"
    ),
    Definition(
        "contact.release",
        contacts.parse_release,
        contacts.apply_release,
        ("worker_id",),
        row="contact",
    ),
    Definition(
        "contact.identify",
        contacts.parse_identify,
        contacts.apply_identify,
        ("worker_id",),
        row="contact",
    ),
    Definition(
        "contact.close", contacts.parse_close, contacts.apply_close, ("worker_id",), row="contact"
    ),
    Definition(
        "contact.callback",
        contacts.parse_callback,
        contacts.apply_callback,
        ("worker_id", "event.worker_id"),
        row="contact",
    ),
    Definition("contact.note", contacts.parse_note, contacts.apply_note, ("worker_id",)),
    Definition(
        "contact.abandon",
        contacts.parse_abandon,
        contacts.apply_abandon,
        ("worker_id",),
        row="contact",
    ),
    Definition("client.create", clients.parse_create, clients.apply_create),
    Definition(
        "client.update", clients.parse_update, clients.apply_update, ("worker_id",), row="client"
    ),
    Definition("relative.put", clients.parse_relative, clients.apply_relative, ("worker_id",)),
    Definition("audit.append", clients.parse_audit, clients.apply_audit, ("worker_id",)),
    # A training store's catalogue is the class's practice material, no client data:
    # the trainer who runs the shift puts the scenario's there (README, Training).
    Definition(
        "catalogue.put",
        catalogue.parse_put,
        catalogue.apply_put,
        ("worker_id",),
        role="admin",
        training_role="trainer",
    ),
    Definition("offer.create", catalogue.parse_offer, catalogue.apply_offer, ("worker_id",)),
    Definition(
        "handover.create",
        handovers.parse_create,
        handovers.apply_create,
        ("from_worker_id", "event.worker_id"),
    ),
    Definition(
        "handover.move",
        handovers.parse_move,
        handovers.apply_move,
        ("worker_id", "event.worker_id"),
        row="handover",
    ),
    Definition(
        "notification.create",
        handovers.parse_notification,
        handovers.apply_notification,
        (
            "notification.notifier_worker_id",
            "handover.from_worker_id",
            "handover.event.worker_id",
        ),
    ),
    Definition("shift.create", handovers.parse_shift, handovers.apply_shift, ("from_worker_id",)),
    Definition(
        "shift.acknowledge",
        handovers.parse_acknowledge,
        handovers.apply_acknowledge,
        ("worker_id",),
        row="shift_handover",
    ),
    Definition(
        "training.shift",
        training.parse_shift,
        training.apply_shift,
        ("worker_id",),
        role="trainer",
        row="training_shift",
    ),
    Definition("training.event", training.parse_event, training.apply_event, ("worker_id",)),
)
DEFINITIONS: dict[str, Definition] = {d.name: d for d in _ALL}
assert tuple(DEFINITIONS) == protocol.MUTATIONS, "protocol.MUTATIONS lists every definition"


def definition(name: str) -> Definition:
    found = DEFINITIONS.get(name)
    if found is None:
        raise Invalid("name", f"unknown mutation {name!r}")
    return found


def check(name: str, args: Any) -> Parsed:
    """The parsed arguments of a mutation, or Invalid naming the first bad field."""
    if not isinstance(args, Mapping):
        raise Invalid("args", "must be an object")
    return definition(name).parse(args)


def acting_fields(name: str, args: Mapping[str, Any]) -> dict[str, Any]:
    """Each actor field of the mutation and what the arguments say there."""
    return {path: dig(args, path) for path in definition(name).actor_fields}


__all__ = [
    "DEFINITIONS",
    "Actor",
    "Definition",
    "Invalid",
    "Outcome",
    "Parsed",
    "Rejection",
    "Store",
    "Write",
    "acting_fields",
    "check",
    "definition",
]
