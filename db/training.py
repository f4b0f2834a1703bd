"""Training shifts in the database (migration 0010): the shift, where each of its
contacts came from, and its own timeline. Every function runs inside the caller's
transaction; ohjaaja.training decides what to write."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from ohjaaja.db.ids import new_id


@dataclass(frozen=True)
class ShiftRow:
    id: str
    scenario: str
    source: str
    format: str
    seed: int
    clock: dict[str, Any]  # ohjaaja.training.clock.ClockState.to_json()
    started_at: str
    ended_at: str | None


def insert_shift(
    conn: sqlite3.Connection,
    shift_id: str,
    scenario: str,
    source: str,
    fmt: str,
    seed: int,
    clock: dict[str, Any],
    started_at: str,
) -> None:
    conn.execute(
        "INSERT INTO training_shift (id, scenario, source, format, seed, clock, started_at, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            shift_id,
            scenario,
            source,
            fmt,
            seed,
            json.dumps(clock),
            started_at,
            started_at,
            started_at,
        ),
    )


def _shift(row: sqlite3.Row | tuple[Any, ...] | None) -> ShiftRow | None:
    if row is None:
        return None
    sid, scenario, source, fmt, seed, clock, started, ended = tuple(row)
    return ShiftRow(sid, scenario, source, fmt, int(seed), json.loads(clock), started, ended)


_SHIFT = (
    "SELECT id, scenario, source, format, seed, clock, started_at, ended_at FROM training_shift"
)


def running_shift(conn: sqlite3.Connection) -> ShiftRow | None:
    """The shift this file's desks are in: the latest one not ended."""
    return _shift(
        conn.execute(f"{_SHIFT} WHERE ended_at IS NULL ORDER BY started_at DESC LIMIT 1").fetchone()
    )


def shift(conn: sqlite3.Connection, shift_id: str) -> ShiftRow | None:
    return _shift(conn.execute(f"{_SHIFT} WHERE id = ?", (shift_id,)).fetchone())


def shifts(conn: sqlite3.Connection) -> list[ShiftRow]:
    rows = conn.execute(f"{_SHIFT} ORDER BY started_at DESC").fetchall()
    return [s for s in map(_shift, rows) if s is not None]


def set_clock(conn: sqlite3.Connection, shift_id: str, clock: dict[str, Any], at: str) -> None:
    conn.execute(
        "UPDATE training_shift SET clock = ?, version = version + 1, updated_at = ? WHERE id = ?",
        (json.dumps(clock), at, shift_id),
    )


def end_shift(conn: sqlite3.Connection, shift_id: str, ended_at: str) -> None:
    conn.execute(
        "UPDATE training_shift SET ended_at = ?, version = version + 1, updated_at = ? "
        "WHERE id = ?",
        (ended_at, ended_at, shift_id),
    )


def shift_row(conn: sqlite3.Connection, shift_id: str) -> dict[str, Any] | None:
    """The whole row as it syncs (mutation training.shift)."""
    cursor = conn.execute("SELECT * FROM training_shift WHERE id = ?", (shift_id,))
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cursor.description], tuple(row), strict=True))


def add_contact(
    conn: sqlite3.Connection,
    contact_id: str,
    shift_id: str,
    script_id: str | None = None,
    stream: str | None = None,
    patience_s: float | None = None,
    attempt: int = 1,
) -> None:
    conn.execute(
        "INSERT INTO training_contact "
        "(contact_id, shift_id, script_id, stream, patience_s, attempt) VALUES (?, ?, ?, ?, ?, ?)",
        (contact_id, shift_id, script_id, stream, patience_s, attempt),
    )


def script_of(conn: sqlite3.Connection, contact_id: str) -> tuple[str, str] | None:
    """(shift id, script id) of a scripted contact; None for any other contact."""
    row = conn.execute(
        "SELECT shift_id, script_id FROM training_contact "
        "WHERE contact_id = ? AND script_id IS NOT NULL",
        (contact_id,),
    ).fetchone()
    return None if row is None else (str(row[0]), str(row[1]))


def add_event(
    conn: sqlite3.Connection,
    shift_id: str,
    at: str,
    kind: str,
    contact_id: str | None = None,
    worker_id: str | None = None,
    data: dict[str, Any] | None = None,
    event_id: str | None = None,
) -> str:
    event_id = event_id or new_id()
    conn.execute(
        "INSERT INTO training_event (id, shift_id, at, kind, contact_id, worker_id, data) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (event_id, shift_id, at, kind, contact_id, worker_id, dumps(data or {})),
    )
    return event_id


def forget_abandoned(conn: sqlite3.Connection, contact_id: str) -> None:
    """The shift's record that a caller hung up, when the store refused the hang-up
    (a trainee's claim got there first): the caller was answered."""
    conn.execute(
        "DELETE FROM training_event WHERE contact_id = ? AND kind = 'abandoned'", (contact_id,)
    )


def dumps(data: dict[str, Any]) -> str:
    """An event's data as stored and as it syncs: the same text in both places."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def events(
    conn: sqlite3.Connection, shift_id: str
) -> list[tuple[str, str, str | None, str | None, dict[str, Any]]]:
    """(at, kind, contact id, worker id, data) in the order they happened."""
    rows = conn.execute(
        "SELECT at, kind, contact_id, worker_id, data FROM training_event "
        "WHERE shift_id = ? ORDER BY at, id",
        (shift_id,),
    ).fetchall()
    return [(r[0], r[1], r[2], r[3], json.loads(r[4])) for r in rows]
