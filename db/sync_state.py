"""The desk's side of sync in its database: writing pulled rows, the signatures of
rows as the server served them, the quarantine, and merged clients.

These run inside the caller's transaction; ohjaaja.sync decides what to write.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any

from ohjaaja.db.engine import one

# Where a client id is kept, for moving rows to the client it was merged into.
CLIENT_REFERENCES = (
    ("contact", "client_id"),
    ("handover", "client_id"),
    ("notification", "client_id"),
    ("relative", "client_id"),
    ("client_phone", "client_id"),
    ("audit", "client_id"),
)


def pending_row_ids(conn: sqlite3.Connection) -> set[str]:
    """Ids of rows with local changes not yet acknowledged: a pull must not overwrite them."""
    ids: set[str] = set()
    for (args,) in conn.execute("SELECT args FROM outbox WHERE acked_at IS NULL"):
        # A mutation names its rows at the top, or in nested rows and lists of rows
        # (client.create's client and phones, catalogue.put's tables of rows).
        ids.update(_row_ids(json.loads(args), depth=3))
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


def upsert(conn: sqlite3.Connection, table: str, values: dict[str, Any]) -> None:
    """Insert or update the synced columns; the desk's own columns are left alone."""
    conn.execute(_upsert_sql(table, tuple(values)), values)


def insert_once(conn: sqlite3.Connection, table: str, values: dict[str, Any]) -> None:
    """Append-only rows: what is here stays as it is."""
    conn.execute(_insert_sql(table, tuple(values)), values)


@cache
def _upsert_sql(table: str, names: tuple[str, ...]) -> str:
    updates = ", ".join(f"{k} = excluded.{k}" for k in names if k != "id")
    insert = _insert_sql(table, names).replace(" OR IGNORE", "")
    return f"{insert} ON CONFLICT(id) DO UPDATE SET {updates}"


@cache
def _insert_sql(table: str, names: tuple[str, ...]) -> str:
    marks = ", ".join(f":{k}" for k in names)
    return f"INSERT OR IGNORE INTO {table} ({', '.join(names)}) VALUES ({marks})"


def upsert_worker(conn: sqlite3.Connection, values: dict[str, Any]) -> None:
    """A worker this desk already knows by the same name under an older id (made
    before ids came from names) keeps that name; the new row is told apart."""
    clash = conn.execute(
        "SELECT 1 FROM worker WHERE name = ? AND id != ?", (values.get("name"), values["id"])
    ).fetchone()
    if clash:
        values = {**values, "name": f"{values['name']} · {values['id'][:8]}"}
    upsert(conn, "worker", values)


def row(conn: sqlite3.Connection, table: str, row_id: str) -> sqlite3.Row | None:
    return one(conn.execute(f"SELECT * FROM {table} WHERE id = ?", (row_id,)))


# -- rows that left this desk's scope -------------------------------------------------
def referring(conn: sqlite3.Connection, table: str, column: str, row_id: str) -> list[str]:
    return [r[0] for r in conn.execute(f"SELECT id FROM {table} WHERE {column} = ?", (row_id,))]


def all_ids(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[0] for r in conn.execute(f"SELECT id FROM {table}")]


def in_use(conn: sqlite3.Connection, contact_id: str) -> bool:
    """A contact a worker of this desk (one who has worked here) holds, or a note
    being typed on it here: never taken away."""
    return (
        conn.execute(
            "SELECT 1 FROM contact WHERE id = ? AND status = 'taken' AND taken_by IN "
            "(SELECT DISTINCT worker_id FROM outbox) UNION ALL "
            "SELECT 1 FROM draft WHERE contact_id = ?",
            (contact_id, contact_id),
        ).fetchone()
        is not None
    )


def delete_row(conn: sqlite3.Connection, table: str, row_id: str) -> None:
    forget_signed(conn, table, row_id)
    release(conn, table, row_id)
    conn.execute(f"DELETE FROM {table} WHERE id = ?", (row_id,))


def blank_client(conn: sqlite3.Connection, client_id: str) -> None:
    """A client this desk may hold no longer: what identifies them is erased; the row
    stays, deleted, as the desk's own access-log rows (append-only) point at it."""
    forget_signed(conn, "client", client_id)  # first: its trigger would keep a copy
    release(conn, "client", client_id)
    conn.execute(
        "UPDATE client SET hetu = NULL, hetu_temporary = 0, birth_date = NULL, last_name = '', "
        "first_names = '', municipality_code = NULL, email = NULL, address = NULL, alerts = '', "
        "deleted = 1 WHERE id = ?",
        (client_id,),
    )


# -- signatures of pulled rows ---------------------------------------------------
def remember_signed(conn: sqlite3.Connection, signed: list[tuple[str, str, int, str]]) -> None:
    """(table, id, seq, sig) of rows as just written: the ones signed, so no kept copy
    is needed (the migration's triggers keep one at the first local change)."""
    conn.executemany(
        "INSERT INTO sync_row (tbl, id, seq, sig) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(tbl, id) DO UPDATE SET seq = excluded.seq, sig = excluded.sig, data = NULL",
        signed,
    )


def signed_after(conn: sqlite3.Connection, seq: int) -> Iterator[sqlite3.Row]:
    """Rows pulled with a sequence number after `seq`, in order."""
    yield from conn.execute(
        "SELECT tbl, id, seq, sig, data FROM sync_row WHERE seq > ? ORDER BY seq", (seq,)
    )


def forget_signed(conn: sqlite3.Connection, table: str, row_id: str) -> None:
    conn.execute("DELETE FROM sync_row WHERE tbl = ? AND id = ?", (table, row_id))


def signed_seq(conn: sqlite3.Connection, table: str, row_id: str) -> int | None:
    found = conn.execute(
        "SELECT seq FROM sync_row WHERE tbl = ? AND id = ?", (table, row_id)
    ).fetchone()
    return None if found is None else int(found[0])


# -- the quarantine ------------------------------------------------------------
def quarantine(conn: sqlite3.Connection, change: dict[str, Any], reason: str, at: str) -> None:
    conn.execute(
        "INSERT INTO sync_quarantine (tbl, id, seq, reason, change, first_at, last_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(tbl, id) DO UPDATE SET "
        "seq = excluded.seq, reason = excluded.reason, change = excluded.change, "
        "last_at = excluded.last_at, attempts = attempts + 1",
        (str(change.get("table")), str(change.get("id")), int(change.get("seq") or 0), reason,
         json.dumps(change, default=str), at, at),  # escaped: it may hold what UTF-8 cannot
    )  # fmt: skip


def quarantined(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """The changes put aside, oldest first."""
    return [
        json.loads(found[0])
        for found in conn.execute("SELECT change FROM sync_quarantine ORDER BY seq")
    ]


def quarantine_entries(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT tbl, id, seq, reason, first_at, last_at, attempts FROM sync_quarantine ORDER BY seq"
    ).fetchall()


def release(conn: sqlite3.Connection, table: str, row_id: str) -> None:
    conn.execute("DELETE FROM sync_quarantine WHERE tbl = ? AND id = ?", (table, row_id))


def quarantine_count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM sync_quarantine").fetchone()[0])


# -- claims and merged clients ---------------------------------------------------------
def worker_name(conn: sqlite3.Connection, worker_id: str) -> str | None:
    found = conn.execute("SELECT name FROM worker WHERE id = ?", (worker_id,)).fetchone()
    return None if found is None else str(found[0])


def mark_claim(conn: sqlite3.Connection, contact_id: str, state: str | None) -> None:
    conn.execute("UPDATE contact SET claim_state = ? WHERE id = ?", (state, contact_id))


def forget_event(conn: sqlite3.Connection, table: str, event_id: str) -> None:
    """An event of a change the server refused: it never happened."""
    conn.execute(f"DELETE FROM {table} WHERE id = ?", (event_id,))


def add_merge(conn: sqlite3.Connection, from_id: str, to_id: str, at: str) -> None:
    """The refused client gives its code up at once (so the holder can be pulled in)
    and is kept as a tombstone until the rows pointing at it are moved."""
    conn.execute(
        "INSERT INTO client_merge (from_id, to_id, at) VALUES (?, ?, ?) "
        "ON CONFLICT(from_id) DO NOTHING",
        (from_id, to_id, at),
    )
    conn.execute(
        "UPDATE client SET hetu = NULL, deleted = 1, updated_at = ? WHERE id = ?", (at, from_id)
    )


def open_merges(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """Merges whose target is here now and whose rows are not yet moved."""
    return [
        (found[0], found[1])
        for found in conn.execute(
            "SELECT m.from_id, m.to_id FROM client_merge AS m JOIN client AS c ON c.id = m.to_id "
            "WHERE m.done = 0"
        )
    ]


def complete_merge(conn: sqlite3.Connection, from_id: str, to_id: str) -> None:
    for table, column in CLIENT_REFERENCES:
        conn.execute(f"UPDATE {table} SET {column} = ? WHERE {column} = ?", (to_id, from_id))
    conn.execute("UPDATE client_merge SET done = 1 WHERE from_id = ?", (from_id,))


def merged_into(conn: sqlite3.Connection, client_id: str) -> str | None:
    found = conn.execute(
        "SELECT to_id FROM client_merge WHERE from_id = ?", (client_id,)
    ).fetchone()
    return None if found is None else str(found[0])


def columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [found[1] for found in conn.execute(f"PRAGMA table_info({table})")]


def existing(conn: sqlite3.Connection, tables: Iterable[str]) -> set[str]:
    names = {found[0] for found in conn.execute("SELECT name FROM sqlite_master")}
    return {table for table in tables if table in names}
