"""What of a shift goes to a training store: the shift itself (the trainer's desk
puts it after every change, so trainee desks follow its clock) and the facts a
trainee asked a scripted caller (so the trainer's debrief has them).

Both are written to the outbox in the transaction that changed the desk's own
rows, as every other mutation is; a desk without a server keeps them unsent.
"""

from __future__ import annotations

import sqlite3

from ohjaaja.db import training as rows
from ohjaaja.db.ids import new_id
from ohjaaja.db.outbox import record


def put_shift(conn: sqlite3.Connection, shift_id: str, at: str, worker_id: str) -> None:
    """After the shift row changed here (started, clock, ended): the whole row up."""
    row = rows.shift_row(conn, shift_id)
    if row is None:
        raise LookupError(f"no training shift {shift_id}")
    record(conn, "training.shift", {"row": row, "worker_id": worker_id}, at, worker_id)


def fact_asked(
    conn: sqlite3.Connection,
    shift_id: str,
    contact_id: str,
    topic: str,
    sim_at: str,
    at: str,
    worker_id: str,
) -> str:
    """A trainee asked a scripted caller about `topic` at simulated time `sim_at`."""
    event_id = new_id()
    data = {"topic": topic}
    rows.add_event(conn, shift_id, sim_at, "fact_asked", contact_id, worker_id, data, event_id)
    args = {
        "id": event_id,
        "shift_id": shift_id,
        "at": sim_at,
        "kind": "fact_asked",
        "contact_id": contact_id,
        "worker_id": worker_id,
        "data": rows.dumps(data),
    }
    record(conn, "training.event", args, at, worker_id)
    return event_id
