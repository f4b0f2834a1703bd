"""Workers: the people (and trainers, admins) who use a desk."""

from __future__ import annotations

import json
import sqlite3

from ohjaaja.db.ids import worker_id


def ensure_worker(conn: sqlite3.Connection, name: str, roles: list[str], at: str) -> str:
    """The id of the worker with this name, created if missing. A new worker's id
    comes from the name, as in the server's register; a database made before that
    keeps the id its worker already has."""
    row = conn.execute("SELECT id FROM worker WHERE name = ?", (name,)).fetchone()
    if row is not None:
        return str(row[0])
    key = worker_id(name)
    conn.execute(
        "INSERT INTO worker (id, name, roles, created_at, updated_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT(id) DO NOTHING",
        (key, name, json.dumps(roles), at, at),
    )
    return key
