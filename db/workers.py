"""Workers: the people (and trainers, admins) who use a desk."""

from __future__ import annotations

import json
import sqlite3

from db.ids import new_id


def ensure_worker(
    conn: sqlite3.Connection, name: str, roles: list[str], at: str
) -> tuple[str, bool]:
    """The id of the worker with this name, created if missing; (id, created)."""
    row = conn.execute("SELECT id FROM worker WHERE name = ?", (name,)).fetchone()
    if row is not None:
        return str(row[0]), False
    worker_id = new_id()
    conn.execute(
        "INSERT INTO worker (id, name, roles, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
        (worker_id, name, json.dumps(roles), at, at),
    )
    return worker_id, True


def worker_row(conn: sqlite3.Connection, worker_id: str) -> dict[str, object]:
    row = conn.execute("SELECT * FROM worker WHERE id = ?", (worker_id,)).fetchone()
    return dict(row)
