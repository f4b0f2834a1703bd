"""The desk side of sync in the database: acknowledging pushed mutations and
applying pulled rows."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from db.engine import transaction

# Tables a pulled row may land in; server-only tables (the identity-code index) are skipped.
SYNCED_TABLES = (
    "worker",
    "client",
    "client_phone",
    "relative",
    "contact",
    "audit",
    "organization",
    "service",
    "location",
    "service_at_location",
    "catalogue_phone",
    "schedule",
    "offer",
    "contact_event",
    "notification",
    "handover",
    "handover_event",
    "shift_handover",
)
APPEND_ONLY = ("audit", "offer", "contact_event", "handover_event")


def columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def acknowledge(
    conn: sqlite3.Connection, results: Iterable[tuple[int, str, dict[str, Any]]], at: str
) -> None:
    """Record the server's (seq, status, result) for pushed mutations."""
    conn.executemany(
        "UPDATE outbox SET acked_at = ?, status = ?, result = ? WHERE seq = ?",
        [(at, status, json.dumps(result), seq) for seq, status, result in results],
    )


def unacknowledge_all(conn: sqlite3.Connection) -> int:
    """After the server's epoch changed: everything may have to be sent again."""
    return conn.execute("UPDATE outbox SET acked_at = NULL WHERE acked_at IS NOT NULL").rowcount


def pending_row_ids(conn: sqlite3.Connection) -> set[str]:
    """Ids of rows with local changes not yet acknowledged: a pull must not overwrite them."""
    ids: set[str] = set()
    for (args,) in conn.execute("SELECT args FROM outbox WHERE acked_at IS NULL"):
        data = json.loads(args)
        # A mutation names its rows at the top, or in nested rows and lists of rows
        # (client.create's client and phones, catalogue.put's tables of rows).
        ids.update(_row_ids(data, depth=3))
    return ids


def _row_ids(value: Any, depth: int) -> set[str]:
    if depth < 0:
        return set()
    if isinstance(value, list):
        return set().union(*(_row_ids(item, depth - 1) for item in value))
    if not isinstance(value, dict):
        return set()
    found = {value["id"]} if isinstance(value.get("id"), str) else set()
    return found.union(*(_row_ids(item, depth - 1) for item in value.values()))


def apply_rows(conn: sqlite3.Connection, rows: list[dict[str, Any]]) -> int:
    """Apply one pulled page in one transaction; foreign keys are checked at commit,
    so rows of one page may arrive in any order. Returns how many rows were written."""
    written = 0
    with transaction(conn):
        conn.execute("PRAGMA defer_foreign_keys = ON")
        skip = pending_row_ids(conn)
        known = {table: set(columns(conn, table)) for table in SYNCED_TABLES}
        for change in rows:
            table, data = change["table"], change["data"]
            if table not in known or change["id"] in skip:
                continue
            values = {k: _sql_value(v) for k, v in data.items() if k in known[table]}
            if table in APPEND_ONLY:  # never updated
                _insert(conn, table, values, "OR IGNORE")
            elif table == "worker":
                _upsert_worker(conn, values)
            else:
                _upsert(conn, table, values)
            written += 1
    return written


def _sql_value(value: Any) -> Any:
    return json.dumps(value) if isinstance(value, list | dict) else value


def _insert(conn: sqlite3.Connection, table: str, values: dict[str, Any], verb: str = "") -> None:
    names = ", ".join(values)
    marks = ", ".join(f":{k}" for k in values)
    conn.execute(f"INSERT {verb} INTO {table} ({names}) VALUES ({marks})", values)


def _upsert(conn: sqlite3.Connection, table: str, values: dict[str, Any]) -> None:
    names = ", ".join(values)
    marks = ", ".join(f":{k}" for k in values)
    updates = ", ".join(f"{k} = excluded.{k}" for k in values if k != "id")
    conn.execute(
        f"INSERT INTO {table} ({names}) VALUES ({marks}) ON CONFLICT(id) DO UPDATE SET {updates}",
        values,
    )


def _upsert_worker(conn: sqlite3.Connection, values: dict[str, Any]) -> None:
    """Two desks may each have made a worker of the same name: keep both, the second
    with its id in the name, so contacts can still point at it."""
    clash = conn.execute(
        "SELECT 1 FROM worker WHERE name = ? AND id != ?", (values.get("name"), values["id"])
    ).fetchone()
    if clash:
        values = {**values, "name": f"{values['name']} · {values['id'][:8]}"}
    _upsert(conn, "worker", values)


def mark_claim(conn: sqlite3.Connection, contact_id: str, state: str) -> None:
    conn.execute("UPDATE contact SET claim_state = ? WHERE id = ?", (state, contact_id))
