"""The outbox: each change a desk makes, as a named, versioned mutation.

Written inside the same transaction as the change itself, so a change and its
outbox entry exist together or not at all. The server (issue 3) applies these.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from db.ids import new_id

MUTATION_VERSION = 1


def record(conn: sqlite3.Connection, name: str, args: dict[str, Any], at: str) -> str:
    """Append a mutation; the caller holds the transaction. Returns its mutation id."""
    mutation_id = new_id()
    conn.execute(_INSERT, (mutation_id, name, _payload(args), at))
    return mutation_id


def record_many(
    conn: sqlite3.Connection, mutations: list[tuple[str, dict[str, Any]]], at: str
) -> None:
    """Append many mutations in order (a bulk import); the caller holds the transaction."""
    conn.executemany(_INSERT, ((new_id(), name, _payload(args), at) for name, args in mutations))


_INSERT = "INSERT INTO outbox (mutation_id, name, args, created_at) VALUES (?, ?, ?, ?)"


def _payload(args: dict[str, Any]) -> str:
    return json.dumps({"v": MUTATION_VERSION, **args}, ensure_ascii=False, sort_keys=True)


def pending(conn: sqlite3.Connection, limit: int = 500) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT seq, mutation_id, name, args, created_at FROM outbox "
        "WHERE acked_at IS NULL ORDER BY seq LIMIT ?",
        (limit,),
    ).fetchall()


def pending_count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM outbox WHERE acked_at IS NULL").fetchone()[0])
