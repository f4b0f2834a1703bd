"""Clients, their phones and relatives in the database.

Lookup here is the contact screen's quick identification; the full regional
search (folded names, ranking, paging) is issue 4's.
"""

from __future__ import annotations

import sqlite3
from typing import Any

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


def hetu_exists(conn: sqlite3.Connection, hetu: str) -> bool:
    return conn.execute("SELECT 1 FROM client WHERE hetu = ?", (hetu,)).fetchone() is not None


def by_phone(conn: sqlite3.Connection, e164: str, limit: int = 20) -> list[sqlite3.Row]:
    """Clients with this number, and clients whose relative has it ('via' says which)."""
    return conn.execute(
        f"SELECT {CLIENT_SUMMARY}, 'client' AS via, NULL AS relative_name "
        "FROM client_phone p JOIN client c ON c.id = p.client_id "
        "WHERE p.e164 = ? AND p.deleted = 0 AND c.deleted = 0 "
        f"UNION ALL SELECT {CLIENT_SUMMARY}, 'relative' AS via, r.name AS relative_name "
        "FROM relative r JOIN client c ON c.id = r.client_id "
        "WHERE r.phone_e164 = ? AND r.deleted = 0 AND c.deleted = 0 LIMIT ?",
        (e164, e164, limit),
    ).fetchall()


def by_hetu_prefix(conn: sqlite3.Connection, prefix: str, limit: int = 20) -> list[sqlite3.Row]:
    # hetu is UNIQUE, so its index serves a range scan for the prefix.
    return conn.execute(
        f"SELECT {CLIENT_SUMMARY}, 'hetu' AS via, NULL AS relative_name FROM client c "
        "WHERE c.hetu >= ? AND c.hetu < ? AND c.deleted = 0 ORDER BY c.hetu LIMIT ?",
        (prefix, prefix + "\uffff", limit),
    ).fetchall()


def by_name(
    conn: sqlite3.Connection, first: str, second: str | None, limit: int = 20
) -> list[sqlite3.Row]:
    """Folded words (db.text.fold): a last-name prefix, and with a second word a
    first-name prefix, in either order. Exact last names come first. Each order
    is an index range on search_name ('last first names')."""
    if second is None:
        return conn.execute(
            f"SELECT {CLIENT_SUMMARY}, 'name' AS via, NULL AS relative_name FROM client c "
            "WHERE c.search_name >= ? AND c.search_name < ? AND c.deleted = 0 "
            "ORDER BY c.search_name >= ? AND c.search_name < ? DESC, c.search_name LIMIT ?",
            (first, first + "\uffff", first + " ", first + "!", limit),
        ).fetchall()
    return conn.execute(
        f"SELECT {CLIENT_SUMMARY}, 'name' AS via, NULL AS relative_name FROM client c "
        "WHERE c.deleted = 0 AND ("
        "(c.search_name >= :a AND c.search_name < :a_end AND c.search_name LIKE :b_first) OR "
        "(c.search_name >= :b AND c.search_name < :b_end AND c.search_name LIKE :a_first)) "
        "ORDER BY c.search_name LIMIT :limit",
        {
            "a": first,
            "a_end": first + "\uffff",
            "b_first": f"% {second}%",
            "b": second,
            "b_end": second + "\uffff",
            "a_first": f"% {first}%",
            "limit": limit,
        },
    ).fetchall()


def get_summary(conn: sqlite3.Connection, client_id: str) -> sqlite3.Row | None:
    return conn.execute(
        f"SELECT {CLIENT_SUMMARY}, 'id' AS via, NULL AS relative_name FROM client c WHERE c.id = ?",
        (client_id,),
    ).fetchone()


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
