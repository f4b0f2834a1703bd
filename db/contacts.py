"""Contacts in the database: intake, the waiting queue, claims, closing.

Every function here runs inside the caller's transaction; the use cases in
ohjaaja.usecases.desk decide the transaction and write the outbox entry with it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from ohjaaja.db.engine import one
from ohjaaja.db.ids import new_id

QUEUE_COLUMNS = (
    "id, channel, line_code, original_line_code, municipality_code, language, "
    "received_at, priority, caller_phone"
)


def insert_contact(conn: sqlite3.Connection, values: dict[str, Any]) -> str:
    """Insert a contact row; `values` holds the columns (id and timestamps included)."""
    columns = ", ".join(values)
    marks = ", ".join(f":{name}" for name in values)
    conn.execute(f"INSERT INTO contact ({columns}) VALUES ({marks})", values)
    return str(values["id"])


def add_event(
    conn: sqlite3.Connection,
    contact_id: str,
    kind: str,
    at: str,
    worker_id: str | None,
    data: dict[str, Any] | None = None,
    event_id: str | None = None,
) -> str:
    # A given id is derived from the fact (ohjaaja.domain.queue): the same fact twice
    # is one event.
    verb = "INSERT OR IGNORE" if event_id else "INSERT"
    event_id = event_id or new_id()
    conn.execute(
        f"{verb} INTO contact_event (id, contact_id, kind, at, worker_id, data) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (event_id, contact_id, kind, at, worker_id, json.dumps(data or {}, ensure_ascii=False)),
    )
    return event_id


def add_note(conn: sqlite3.Connection, note: dict[str, Any]) -> None:
    """A worker's note on a contact: a contact event of kind 'note'."""
    data = json.dumps({"text": note["text"], "why": note.get("why", "")}, ensure_ascii=False,
                      sort_keys=True)  # fmt: skip
    conn.execute(
        "INSERT INTO contact_event (id, contact_id, kind, at, worker_id, data) "
        "VALUES (?, ?, 'note', ?, ?, ?)",
        (note["id"], note["contact_id"], note["at"], note["worker_id"], data),
    )


# A callback scheduled for later is waiting, but not in the queue until its time.
_DUE = "(callback_at IS NULL OR callback_at <= ?)"


def waiting(
    conn: sqlite3.Connection,
    lines: Sequence[str] | None = None,
    limit: int = 500,
    now: str = "9999",
    first_line: str | None = None,
) -> list[sqlite3.Row]:
    """Waiting contacts in queue order (ohjaaja.domain.queue.order_key), optionally by line;
    first_line's contacts before the rest (the emergency staff's own queue)."""
    sql = (
        f"SELECT {QUEUE_COLUMNS}, callback_at FROM contact "
        f"WHERE status = 'waiting' AND deleted = 0 AND {_DUE}"
    )
    params: list[Any] = [now]
    if lines:
        sql += f" AND line_code IN ({', '.join('?' for _ in lines)})"
        params.extend(lines)
    # A due callback waits from its time (as the rows and the figures count it).
    order = "priority, coalesce(callback_at, received_at), id"
    if first_line:
        order = "line_code = ? DESC, " + order
        params.append(first_line)
    sql += f" ORDER BY {order} LIMIT ?"
    params.append(limit)
    return conn.execute(sql, params).fetchall()


def _in_lines(lines: Sequence[str] | None) -> tuple[str, list[Any]]:
    if not lines:
        return "", []
    return f" AND line_code IN ({', '.join('?' for _ in lines)})", list(lines)


def waiting_since(
    conn: sqlite3.Connection, lines: Sequence[str] | None = None, now: str = "9999"
) -> list[str]:
    """Since when each waiting contact waits: a due callback from its time, as the
    queue's rows count it."""
    where, params = _in_lines(lines)
    sql = (
        "SELECT coalesce(callback_at, received_at) FROM contact "
        f"WHERE status = 'waiting' AND deleted = 0 AND {_DUE}{where}"
    )
    return [row[0] for row in conn.execute(sql, [now, *params])]


def scheduled_callbacks(conn: sqlite3.Connection, until: str, worker_id: str) -> list[sqlite3.Row]:
    """Callbacks waiting for their time, up to `until`, soonest first: those the worker
    scheduled last (a colleague's are the colleague's to hand over)."""
    return conn.execute(
        "SELECT * FROM contact c WHERE status = 'waiting' AND deleted = 0 "
        "AND callback_at IS NOT NULL AND callback_at <= ? "
        "AND (SELECT e.worker_id FROM contact_event e WHERE e.contact_id = c.id "
        "     AND e.kind = 'callback_scheduled' ORDER BY e.at DESC, e.id DESC LIMIT 1) = ? "
        "ORDER BY callback_at",
        (until, worker_id),
    ).fetchall()


def answered_since(
    conn: sqlite3.Connection, since: str, lines: Sequence[str] | None = None
) -> list[tuple[str, str]]:
    """(received_at, taken_at) of queue contacts taken since `since`, of these lines."""
    where, params = _in_lines(lines)
    return [
        (row[0], row[1])
        for row in conn.execute(
            "SELECT received_at, taken_at FROM contact WHERE taken_at >= ? AND via_queue = 1 "
            f"AND deleted = 0{where}",
            (since, *params),
        )
    ]


def outcomes_since(
    conn: sqlite3.Connection, since: str, lines: Sequence[str] | None = None
) -> list[str]:
    where, params = _in_lines(lines)
    return [
        row[0]
        for row in conn.execute(
            f"SELECT outcome FROM contact WHERE closed_at >= ? AND deleted = 0{where}",
            (since, *params),
        )
    ]


def claim(conn: sqlite3.Connection, contact_id: str, worker_id: str, at: str) -> int | None:
    """Compare-and-set: take a waiting contact. The new version, or None if it was
    no longer waiting (another desk process got it first)."""
    row = conn.execute(
        "UPDATE contact SET status = 'taken', taken_by = ?, taken_at = ?, claim_state = "
        "'pending', version = version + 1, updated_at = ? "
        "WHERE id = ? AND status = 'waiting' RETURNING version",
        (worker_id, at, at, contact_id),
    ).fetchone()
    return None if row is None else int(row[0])


def abandon(conn: sqlite3.Connection, contact_id: str, now: str) -> int | None:
    """A waiting contact whose caller hung up: its new version, or None if it was no
    longer waiting (someone here took it first). When is in contact_event; closed_at
    stays empty: nobody closed it, and no outcome is counted for it."""
    row = conn.execute(
        "UPDATE contact SET status = 'abandoned', version = version + 1, "
        "updated_at = ? WHERE id = ? AND status = 'waiting' RETURNING version",
        (now, contact_id),
    ).fetchone()
    return None if row is None else int(row[0])


def next_waiting_id(
    conn: sqlite3.Connection, lines: Sequence[str] | None, now: str, first_line: str | None
) -> str | None:
    rows = waiting(conn, lines, limit=1, now=now, first_line=first_line)
    return str(rows[0]["id"]) if rows else None


def get(conn: sqlite3.Connection, contact_id: str) -> sqlite3.Row | None:
    return one(conn.execute("SELECT * FROM contact WHERE id = ?", (contact_id,)))


def open_for_worker(conn: sqlite3.Connection, worker_id: str) -> list[sqlite3.Row]:
    """Contacts this worker has taken and not closed, newest first."""
    return conn.execute(
        "SELECT * FROM contact WHERE status = 'taken' AND taken_by = ? AND deleted = 0 "
        "ORDER BY taken_at DESC",
        (worker_id,),
    ).fetchall()


def update(conn: sqlite3.Connection, contact_id: str, values: dict[str, Any]) -> int:
    """Set columns and bump the version; returns the new version."""
    assignments = ", ".join(f"{name} = :{name}" for name in values)
    row = conn.execute(
        f"UPDATE contact SET {assignments}, version = version + 1 WHERE id = :_id "
        "RETURNING version",
        {**values, "_id": contact_id},
    ).fetchone()
    if row is None:
        raise KeyError(contact_id)
    return int(row[0])


def lost_claims(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Contacts this desk claimed and the server gave to another, not yet seen."""
    return conn.execute(
        "SELECT c.*, w.name AS holder_name FROM contact AS c "
        "LEFT JOIN worker AS w ON w.id = c.taken_by WHERE c.claim_state = 'lost' "
        "ORDER BY c.received_at"
    ).fetchall()


def notes_of_others(conn: sqlite3.Connection, contact_id: str, worker_id: str) -> list[sqlite3.Row]:
    """Notes other workers kept on a contact (a close or a claim another desk won),
    newest first, with who wrote them."""
    return conn.execute(
        "SELECT e.at, e.data, w.name AS worker_name FROM contact_event AS e "
        "LEFT JOIN worker AS w ON w.id = e.worker_id "
        "WHERE e.contact_id = ? AND e.kind = 'note' AND e.worker_id IS NOT ? ORDER BY e.at DESC",
        (contact_id, worker_id),
    ).fetchall()


def notes_by(conn: sqlite3.Connection, contact_id: str, worker_id: str) -> list[str]:
    """The texts a worker kept as notes on a contact, oldest first."""
    return [
        json.loads(row[0]).get("text", "")
        for row in conn.execute(
            "SELECT data FROM contact_event WHERE contact_id = ? AND worker_id = ? "
            "AND kind = 'note' ORDER BY at",
            (contact_id, worker_id),
        )
    ]
