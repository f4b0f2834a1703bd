"""Bulk loading of generated rows (demo and benchmark registers) with sqlite-utils.

Fixture loads are not desk changes, so they bypass the outbox on purpose.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

import sqlite_utils


def insert_rows(
    conn: sqlite3.Connection, table: str, rows: Iterable[dict[str, Any]], batch_size: int = 5000
) -> None:
    """Insert many rows into an existing table inside one transaction."""
    db = sqlite_utils.Database(conn)
    conn.execute("BEGIN")
    try:
        db.table(table).insert_all(rows, batch_size=batch_size)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
