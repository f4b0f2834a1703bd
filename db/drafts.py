"""Drafts: what a worker has typed on a contact or a longer form, saved as it is typed."""

from __future__ import annotations

import sqlite3

from ohjaaja.db.engine import one


def save(
    conn: sqlite3.Connection, contact_id: str, worker_id: str, text: str, form: str, at: str
) -> None:
    conn.execute(
        "INSERT INTO draft (contact_id, worker_id, text, form, updated_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT(contact_id) DO UPDATE SET "
        "worker_id = excluded.worker_id, text = excluded.text, form = excluded.form, "
        "updated_at = excluded.updated_at",
        (contact_id, worker_id, text, form, at),
    )


def load(conn: sqlite3.Connection, contact_id: str) -> sqlite3.Row | None:
    return one(
        conn.execute("SELECT text, form, updated_at FROM draft WHERE contact_id = ?", (contact_id,))
    )


def discard(conn: sqlite3.Connection, contact_id: str) -> None:
    conn.execute("DELETE FROM draft WHERE contact_id = ?", (contact_id,))


def save_form(conn: sqlite3.Connection, key: str, worker_id: str, fields: str, at: str) -> None:
    conn.execute(
        "INSERT INTO form_draft (key, worker_id, fields, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(key) DO UPDATE SET fields = excluded.fields, updated_at = excluded.updated_at",
        (key, worker_id, fields, at),
    )


def load_form(conn: sqlite3.Connection, key: str) -> sqlite3.Row | None:
    return one(conn.execute("SELECT fields, updated_at FROM form_draft WHERE key = ?", (key,)))


def discard_form(conn: sqlite3.Connection, key: str) -> None:
    conn.execute("DELETE FROM form_draft WHERE key = ?", (key,))
