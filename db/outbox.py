"""The outbox: each change a desk makes, as a named, versioned mutation.

Written inside the same transaction as the change itself, so a change and its
outbox entry exist together or not at all. Each entry names the worker who
acted; the server checks that worker against its register and the desk's token.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from ohjaaja.db.ids import new_id

MUTATION_VERSION = 1


def record(
    conn: sqlite3.Connection, name: str, args: dict[str, Any], at: str, worker_id: str
) -> str:
    """Append a mutation; the caller holds the transaction. Returns its mutation id."""
    mutation_id = new_id()
    conn.execute(_INSERT, (mutation_id, name, payload(args), at, worker_id))
    return mutation_id


def record_many(
    conn: sqlite3.Connection, mutations: list[tuple[str, dict[str, Any]]], at: str, worker_id: str
) -> None:
    """Append many mutations in order (a bulk import); the caller holds the transaction."""
    conn.executemany(
        _INSERT, ((new_id(), name, payload(args), at, worker_id) for name, args in mutations)
    )


_INSERT = (
    "INSERT INTO outbox (mutation_id, name, args, created_at, worker_id) VALUES (?, ?, ?, ?, ?)"
)


def payload(args: dict[str, Any]) -> str:
    return json.dumps({"v": MUTATION_VERSION, **args}, ensure_ascii=False, sort_keys=True)


def pending(conn: sqlite3.Connection, limit: int = 500) -> list[sqlite3.Row]:
    """Unacknowledged entries in order; status and result are set on an entry the
    server once answered and that is sent again after a restore."""
    return conn.execute(
        "SELECT seq, mutation_id, name, args, created_at, worker_id, status, result FROM outbox "
        "WHERE acked_at IS NULL ORDER BY seq LIMIT ?",
        (limit,),
    ).fetchall()


def pending_count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM outbox WHERE acked_at IS NULL").fetchone()[0])


def rejected_count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM outbox WHERE status = 'rejected'").fetchone()[0])


def acknowledge(conn: sqlite3.Connection, answers: list[tuple[int, str, str]], at: str) -> None:
    """Record the server's (seq, status, result JSON) for pushed mutations."""
    conn.executemany(
        "UPDATE outbox SET acked_at = ?, status = ?, result = ? WHERE seq = ?",
        [(at, status, result, seq) for seq, status, result in answers],
    )


def resend_after(conn: sqlite3.Connection, seq: int) -> int:
    """After the server was restored: entries past what it still knows go again
    (keeping the answer they got, which is sent along)."""
    return conn.execute(
        "UPDATE outbox SET acked_at = NULL WHERE seq > ? AND acked_at IS NOT NULL", (seq,)
    ).rowcount
