"""Putting a mutation in the desk's outbox, checked against its definition first.

The same check the server runs (ohjaaja.sync.mutations.check) runs here, in the
transaction that makes the change: a desk can never queue a mutation the server
would find malformed. Failing it is a bug in the desk, not a worker's input
(forms check their fields with their own messages before this).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from ohjaaja.db import outbox


def record(
    conn: sqlite3.Connection, name: str, args: dict[str, Any], at: str, worker_id: str
) -> str:
    from ohjaaja.sync.mutations import check  # at the first write, not at the desk's start

    check(name, args)
    return outbox.record(conn, name, args, at, worker_id)


def record_many(
    conn: sqlite3.Connection, mutations: list[tuple[str, dict[str, Any]]], at: str, worker_id: str
) -> None:
    from ohjaaja.sync.mutations import check

    for name, args in mutations:
        check(name, args)
    outbox.record_many(conn, mutations, at, worker_id)
