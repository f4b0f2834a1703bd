"""Clients, their phones and relatives, and their access log, in the database.

Search is in db.client_search; this module reads and writes single clients.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from ohjaaja.db.engine import one

# What a search result shows (the identity code is masked before it reaches a screen).
CLIENT_SUMMARY = (
    "c.id, c.last_name, c.first_names, c.hetu, c.birth_date, c.municipality_code, c.language"
)


def insert_client(conn: sqlite3.Connection, values: dict[str, Any]) -> None:
    columns = ", ".join(values)
    marks = ", ".join(f":{name}" for name in values)
    conn.execute(f"INSERT INTO client ({columns}) VALUES ({marks})", values)


def insert_phone(conn: sqlite3.Connection, values: dict[str, Any]) -> None:
    conn.execute(
        "INSERT INTO client_phone (id, client_id, e164, kind, created_at, updated_at) "
        "VALUES (:id, :client_id, :e164, :kind, :created_at, :updated_at)",
        values,
    )


def get(conn: sqlite3.Connection, client_id: str) -> sqlite3.Row | None:
    return one(conn.execute("SELECT * FROM client WHERE id = ? AND deleted = 0", (client_id,)))


def update_client(conn: sqlite3.Connection, client_id: str, changes: dict[str, Any]) -> int:
    """Change some fields; returns the new version."""
    sets = ", ".join(f"{name} = :{name}" for name in changes)
    conn.execute(
        f"UPDATE client SET {sets}, version = version + 1 WHERE id = :client_id",
        {**changes, "client_id": client_id},
    )
    return int(conn.execute("SELECT version FROM client WHERE id = ?", (client_id,)).fetchone()[0])


def phones(conn: sqlite3.Connection, client_id: str) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT * FROM client_phone WHERE client_id = ? AND deleted = 0 ORDER BY created_at, id",
        (client_id,),
    ).fetchall()


def delete_phone(conn: sqlite3.Connection, phone_id: str, at: str) -> dict[str, Any]:
    """A tombstone (rows are never removed, so the deletion syncs); returns the row."""
    conn.execute(
        "UPDATE client_phone SET deleted = 1, version = version + 1, updated_at = ? WHERE id = ?",
        (at, phone_id),
    )
    return row_dict(conn, "client_phone", phone_id)


def relatives(conn: sqlite3.Connection, client_id: str) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT * FROM relative WHERE client_id = ? AND deleted = 0 ORDER BY created_at, id",
        (client_id,),
    ).fetchall()


def put_relative(conn: sqlite3.Connection, values: dict[str, Any]) -> dict[str, Any]:
    """Insert a relative, or replace one (a new version); returns the stored row."""
    conn.execute(
        "INSERT INTO relative (id, client_id, name, relation, phone_e164, deleted, "
        "created_at, updated_at) VALUES (:id, :client_id, :name, :relation, :phone_e164, "
        ":deleted, :created_at, :updated_at) ON CONFLICT(id) DO UPDATE SET "
        "name = excluded.name, relation = excluded.relation, phone_e164 = excluded.phone_e164, "
        "deleted = excluded.deleted, updated_at = excluded.updated_at, version = version + 1",
        {"deleted": 0, **values},
    )
    return row_dict(conn, "relative", values["id"])


def row_dict(conn: sqlite3.Connection, table: str, row_id: str) -> dict[str, Any]:
    row = conn.execute(f"SELECT * FROM {table} WHERE id = ?", (row_id,)).fetchone()
    return dict(row)


def contacts(conn: sqlite3.Connection, client_id: str, limit: int = 200) -> list[sqlite3.Row]:
    """The client's contacts, newest first, with the worker who took each."""
    return conn.execute(
        "SELECT c.*, w.name AS worker_name FROM contact c "
        "LEFT JOIN worker w ON w.id = c.taken_by "
        "WHERE c.client_id = ? AND c.deleted = 0 ORDER BY c.received_at DESC LIMIT ?",
        (client_id, limit),
    ).fetchall()


def offers(conn: sqlite3.Connection, client_id: str) -> list[sqlite3.Row]:
    """What was offered on the client's contacts: each service's names (JSON by
    language) or the unmet need as written, in the order offered."""
    return conn.execute(
        "SELECT o.contact_id, s.name AS service_name, o.unmet_need FROM offer o "
        "JOIN contact c ON c.id = o.contact_id LEFT JOIN service s ON s.id = o.service_id "
        "WHERE c.client_id = ? AND c.deleted = 0 ORDER BY o.created_at, o.id",
        (client_id,),
    ).fetchall()


def missed_callbacks(conn: sqlite3.Connection, client_id: str, since: str) -> list[str]:
    """When callbacks to this client went unanswered (events the callback list records)."""
    return [
        row[0]
        for row in conn.execute(
            "SELECT e.at FROM contact_event e JOIN contact c ON c.id = e.contact_id "
            "WHERE c.client_id = ? AND e.kind = 'callback_missed' AND e.at >= ?",
            (client_id, since),
        )
    ]


def open_handovers(conn: sqlite3.Connection, client_id: str) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT * FROM handover WHERE client_id = ? AND deleted = 0 "
        "AND state IN ('sent', 'accepted', 'returned') ORDER BY created_at DESC",
        (client_id,),
    ).fetchall()


def notifications(conn: sqlite3.Connection, client_id: str) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT * FROM notification WHERE client_id = ? AND deleted = 0 ORDER BY created_at DESC",
        (client_id,),
    ).fetchall()


def access_log(conn: sqlite3.Connection, client_id: str) -> list[sqlite3.Row]:
    """Every recorded use of the client's data, oldest first, with the worker's name."""
    return conn.execute(
        "SELECT a.*, w.name AS worker_name FROM audit a LEFT JOIN worker w ON w.id = a.worker_id "
        "WHERE a.client_id = ? ORDER BY a.at, a.id",
        (client_id,),
    ).fetchall()


def hetu_owner(conn: sqlite3.Connection, hetu: str) -> str | None:
    row = conn.execute("SELECT id FROM client WHERE hetu = ?", (hetu,)).fetchone()
    return row[0] if row else None


def names_by_hetu(conn: sqlite3.Connection, codes: list[str], chunk: int = 500) -> dict[str, str]:
    """Identity code -> folded name of the clients holding one of these codes."""
    found: dict[str, str] = {}
    for start in range(0, len(codes), chunk):
        part = codes[start : start + chunk]
        marks = ", ".join("?" for _ in part)
        found.update(
            conn.execute(f"SELECT hetu, search_name FROM client WHERE hetu IN ({marks})", part)
        )
    return found


def person_exists(conn: sqlite3.Connection, search_name: str, birth_date: str | None) -> bool:
    """A client with this folded name and birth date (or none known), not deleted."""
    row = conn.execute(
        "SELECT 1 FROM client WHERE search_name = ? AND birth_date IS ? AND deleted = 0",
        (search_name, birth_date),
    ).fetchone()
    return row is not None


def same_name_and_birth(
    conn: sqlite3.Connection, search_name: str, birth_date: str, other_than: str | None
) -> str | None:
    """Another client with this folded name and birth date (a likely duplicate)."""
    row = conn.execute(
        "SELECT id FROM client WHERE search_name = ? AND birth_date = ? AND deleted = 0 "
        "AND id IS NOT ? LIMIT 1",
        (search_name, birth_date, other_than),
    ).fetchone()
    return row[0] if row else None


def get_summary(conn: sqlite3.Connection, client_id: str) -> sqlite3.Row | None:
    return one(
        conn.execute(
            f"SELECT {CLIENT_SUMMARY}, 'id' AS via, NULL AS relative_name, NULL AS relation "
            "FROM client c WHERE c.id = ?",
            (client_id,),
        )
    )


def add_audit(
    conn: sqlite3.Connection,
    audit_id: str,
    at: str,
    worker_id: str | None,
    client_id: str | None,
    action: str,
    reason: str | None,
    detail: str,
) -> None:
    conn.execute(
        "INSERT INTO audit (id, at, worker_id, client_id, action, reason, detail) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (audit_id, at, worker_id, client_id, action, reason, detail),
    )


def some_phones(conn: sqlite3.Connection, limit: int) -> list[str]:
    return [row[0] for row in conn.execute("SELECT e164 FROM client_phone LIMIT ?", (limit,))]


def merged_target(conn: sqlite3.Connection, client_id: str) -> str | None:
    """The client this one was merged into (the server found its identity code
    already registered), once that client is here."""
    row = conn.execute(
        "SELECT m.to_id FROM client_merge AS m JOIN client AS c ON c.id = m.to_id "
        "WHERE m.from_id = ?",
        (client_id,),
    ).fetchone()
    return None if row is None else str(row[0])
