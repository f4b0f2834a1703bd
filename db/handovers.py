"""SQL of handovers, their events, notifications and shift handovers."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from ohjaaja.db.engine import one

Row = dict[str, Any]

_LIST = (
    "SELECT h.*, f.name AS from_name, t.name AS to_name, a.name AS accepted_name, "
    "c.last_name || ' ' || c.first_names AS client_name, "
    "(SELECT group_concat(e164, ' ') FROM (SELECT p.e164 FROM client_phone p "
    " WHERE p.client_id = h.client_id AND p.deleted = 0 ORDER BY p.created_at, p.id)"
    ") AS client_phones "
    "FROM handover h LEFT JOIN worker f ON f.id = h.from_worker_id "
    "LEFT JOIN worker t ON t.id = h.to_worker_id "
    "LEFT JOIN worker a ON a.id = h.accepted_by "
    "LEFT JOIN client c ON c.id = h.client_id "
)


def insert(conn: sqlite3.Connection, table: str, values: Row) -> None:
    names = ", ".join(values)
    marks = ", ".join(f":{name}" for name in values)
    conn.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", values)


def get(conn: sqlite3.Connection, handover_id: str) -> sqlite3.Row | None:
    return one(conn.execute(_LIST + "WHERE h.id = ?", (handover_id,)))


def inbox(conn: sqlite3.Connection, worker_id: str, teams: Sequence[str]) -> list[sqlite3.Row]:
    """Open handovers to this worker or their teams, and those they accepted."""
    marks = ", ".join("?" * len(teams)) or "NULL"
    return conn.execute(
        _LIST + "WHERE h.deleted = 0 AND h.state IN ('sent', 'accepted') AND ("
        f"h.to_worker_id = ? OR h.to_team IN ({marks}) OR h.accepted_by = ?) "
        "ORDER BY h.due_at IS NULL, h.due_at, h.created_at",
        (worker_id, *teams, worker_id),
    ).fetchall()


def outbox(conn: sqlite3.Connection, worker_id: str, since: str) -> list[sqlite3.Row]:
    """Handovers this worker sent: the open ones, and the ended ones since `since`."""
    return conn.execute(
        _LIST + "WHERE h.deleted = 0 AND h.from_worker_id = ? "
        "AND (h.state IN ('sent', 'accepted') OR h.updated_at >= ?) "
        "ORDER BY h.created_at DESC",
        (worker_id, since),
    ).fetchall()


def update(conn: sqlite3.Connection, handover_id: str, expect: str, changes: Row) -> int | None:
    """Compare-and-set on the state: the new version, or None if it had moved on."""
    sets = ", ".join(f"{name} = :{name}" for name in changes)
    row = conn.execute(
        f"UPDATE handover SET {sets}, version = version + 1 "
        "WHERE id = :id AND state = :expect RETURNING version",
        {**changes, "id": handover_id, "expect": expect},
    ).fetchone()
    return None if row is None else int(row[0])


def events(conn: sqlite3.Connection, handover_id: str) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT e.*, w.name AS worker_name FROM handover_event e "
        "LEFT JOIN worker w ON w.id = e.worker_id WHERE e.handover_id = ? ORDER BY e.at, e.id",
        (handover_id,),
    ).fetchall()


def notification(conn: sqlite3.Connection, notification_id: str) -> sqlite3.Row | None:
    return one(conn.execute("SELECT * FROM notification WHERE id = ?", (notification_id,)))


def workers(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute("SELECT id, name FROM worker ORDER BY name").fetchall()


def open_shift_handovers(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT s.*, w.name AS from_name FROM shift_handover s "
        "JOIN worker w ON w.id = s.from_worker_id "
        "WHERE s.acknowledged_at IS NULL AND s.deleted = 0 ORDER BY s.created_at"
    ).fetchall()


def shift_handovers(conn: sqlite3.Connection, since: str) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT s.*, w.name AS from_name, a.name AS acknowledged_name FROM shift_handover s "
        "JOIN worker w ON w.id = s.from_worker_id LEFT JOIN worker a ON a.id = s.acknowledged_by "
        "WHERE s.created_at >= ? AND s.deleted = 0 ORDER BY s.created_at DESC",
        (since,),
    ).fetchall()


def acknowledge_shift(conn: sqlite3.Connection, shift_id: str, worker_id: str, at: str) -> bool:
    cursor = conn.execute(
        "UPDATE shift_handover SET acknowledged_by = ?, acknowledged_at = ?, updated_at = ?, "
        "version = version + 1 WHERE id = ? AND acknowledged_at IS NULL",
        (worker_id, at, at, shift_id),
    )
    return cursor.rowcount == 1
