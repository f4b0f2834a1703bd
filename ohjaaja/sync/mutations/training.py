"""A training shift shared through a training store: the trainer's desk puts the
shift (its scenario and clock) and every trainee desk pulls it and follows its
clock; a trainee's desk adds what the trainee asked a scripted caller.

A client-data store never takes either: each row carries is_training = 1, and the
push refuses a training flag on such a store before any rule runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ohjaaja.sync.mutations.base import (
    Actor,
    Outcome,
    Parsed,
    Rejection,
    Store,
    Write,
    arguments,
    insert_once,
    resolve_refs,
    row_of,
)
from ohjaaja.sync.rows import Invalid


def _training(row: dict[str, Any], field: str) -> dict[str, Any]:
    if row.get("is_training") != 1:
        raise Invalid(f"{field}.is_training", "must be 1: a shift is training data")
    return row


def parse_shift(args: Mapping[str, Any]) -> Parsed:
    """The whole shift row, as the trainer's desk holds it after a change."""
    arguments(args, ("row", "worker_id"))
    row = _training(row_of("training_shift", args["row"], "args.row"), "args.row")
    return {"row": row, "id": row["id"]}  # id: the row a refused desk returns to


def apply_shift(parsed: Parsed, store: Store, actor: Actor) -> Outcome:
    """The later push wins (a clock set twice at once: the last one stands, as on
    the trainer's own screen); an ended shift stays ended."""
    row = parsed["row"]
    stored = store.get("training_shift", row["id"])
    if stored is None:
        return [Write("training_shift", row["id"], {**row, "version": 1}, new=True)]
    if stored.get("ended_at") and not row.get("ended_at"):
        return Rejection("shift_ended", {"id": row["id"]}, current=(("training_shift", row["id"]),))
    if any(stored[key] != row[key] for key in ("scenario", "source", "format", "seed")):
        # A shift's scenario is fixed when it starts: a different one is a new shift.
        return Rejection(
            "shift_scenario_fixed", {"id": row["id"]}, current=(("training_shift", row["id"]),)
        )
    return [Write("training_shift", row["id"], {**row, "version": int(stored["version"]) + 1})]


def parse_event(args: Mapping[str, Any]) -> Parsed:
    row = row_of("training_event", args, "args")
    if not row["worker_id"]:
        raise Invalid("args.worker_id", "required")
    return {"row": row}


def apply_event(parsed: Parsed, store: Store, actor: Actor) -> Outcome:
    """Append-only, to a shift the store holds and that has not ended."""
    row = resolve_refs("training_event", parsed["row"], store, "args")
    shift = store.get("training_shift", row["shift_id"])
    if shift is not None and shift.get("ended_at"):
        return Rejection("shift_ended", {"id": row["shift_id"]})
    return insert_once("training_event", row, store)
