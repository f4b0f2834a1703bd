"""Writing what the server sends into the desk's database, defensively.

A pulled row is checked against the protocol's definition of its table before it
is written, and written inside a savepoint: a row that still cannot be stored (a
parent that has not arrived, a code held by a client this desk has not pushed,
a malformed row) goes to the quarantine with its reason and is tried again after
every page, and the pull goes on. No single row can stop a desk.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from ohjaaja.db import sync_state
from ohjaaja.sync.rows import APPEND_ONLY, TABLES, Invalid, desk_row, normalise
from ohjaaja.sync.scope import CHILDREN, CLIENT_DATA

Change = dict[str, Any]


def apply_changes(
    conn: sqlite3.Connection, changes: Iterable[Change], skip: set[str], at: str
) -> None:
    """Write changes inside the caller's transaction, then retry the quarantine.
    `skip`: ids with local changes the server has not yet acknowledged.

    A page is first written whole, in one savepoint; only if one of its rows fails
    is it written again row by row, each in its own (most pages never pay for it)."""
    changes = list(changes)
    held = sync_state.quarantine_count(conn) > 0
    conn.execute("SAVEPOINT pulled_page")
    try:
        signed = [s for s in (_write(conn, change, skip) for change in changes) if s]
        sync_state.remember_signed(conn, signed)
    except (Invalid, sqlite3.Error):
        conn.execute("ROLLBACK TO pulled_page")
        conn.execute("RELEASE pulled_page")
        for change in changes:
            _apply_one(conn, change, skip, at)
    else:
        conn.execute("RELEASE pulled_page")
        if held:  # a newer version of a row held aside made it in
            for change in changes:
                sync_state.release(conn, str(change.get("table")), str(change.get("id")))
    retry_quarantine(conn, skip, at)


Signed = tuple[str, str, int, str]


def _write(conn: sqlite3.Connection, change: Change, skip: set[str]) -> Signed | None:
    """Write one pulled row (no savepoint of its own): its (table, id, seq, sig) to
    remember, or None if it is not written here (a newer server's table, or a row
    with changes of this desk's waiting)."""
    table = change.get("table")
    if table not in TABLES or change.get("id") in skip:
        return None
    if change.get("removed") is True:
        if table in CLIENT_DATA and isinstance(change.get("id"), str):
            remove(conn, str(table), change["id"], skip)
        return None
    values = _checked(str(table), change)
    if table in APPEND_ONLY:
        sync_state.insert_once(conn, str(table), values)
    elif table == "worker":
        sync_state.upsert_worker(conn, values)
    else:
        sync_state.upsert(conn, str(table), values)
    return str(table), values["id"], int(change["seq"]), change["sig"]


def remove(conn: sqlite3.Connection, table: str, row_id: str, skip: set[str]) -> bool:
    """Take away a row that left this desk's scope, and the rows referring to it;
    True if it is gone. What a worker here is working on stays (a change not yet
    pushed, a contact held or with a note being typed), and so does what it
    refers to."""
    if row_id in skip or (table == "contact" and sync_state.in_use(conn, row_id)):
        return False
    whole = True
    for child, column in CHILDREN[table]:
        for child_id in sync_state.referring(conn, child, column, row_id):
            whole = remove(conn, child, child_id, skip) and whole
    if not whole:
        return False
    if table == "client":
        sync_state.blank_client(conn, row_id)
    else:
        sync_state.delete_row(conn, table, row_id)
    return True


def forget_client_data(conn: sqlite3.Connection, skip: set[str]) -> None:
    """Take away every row of client data (but what a worker here is working on),
    before pulling what a changed reach allows."""
    for table in sorted(CLIENT_DATA):
        for row_id in sync_state.all_ids(conn, table):
            remove(conn, table, row_id, skip)


def retry_quarantine(conn: sqlite3.Connection, skip: set[str], at: str) -> int:
    """Rows put aside earlier, tried again until a round frees none (a child whose
    parent was itself waiting goes in the round after its parent)."""
    released = 0
    while True:
        freed = 0
        for change in sync_state.quarantined(conn):
            if _apply_one(conn, change, skip, at, retry=True) == "written":
                sync_state.release(conn, change["table"], change["id"])
                freed += 1
        released += freed
        if not freed:
            return released


def _apply_one(
    conn: sqlite3.Connection, change: Change, skip: set[str], at: str, retry: bool = False
) -> str:
    conn.execute("SAVEPOINT pulled_row")
    try:
        written = _write(conn, change, skip)
        if written:
            sync_state.remember_signed(conn, [written])
    except Invalid as exc:
        conn.execute("RELEASE pulled_row")
        if not retry:
            sync_state.quarantine(conn, change, f"malformed: {exc}", at)
        return "quarantined"
    except sqlite3.Error as exc:  # a constraint, or a trigger the row's contents break
        conn.execute("ROLLBACK TO pulled_row")
        conn.execute("RELEASE pulled_row")
        sync_state.quarantine(conn, change, _reason(exc), at)
        return "quarantined"
    conn.execute("RELEASE pulled_row")
    if not written:
        return "skipped"
    if not retry:
        sync_state.release(conn, str(change["table"]), str(change["id"]))  # a newer version
    return "written"


def _checked(table: str, change: Change) -> dict[str, Any]:
    values = normalise(table, change.get("data"), table)
    if values["id"] != change.get("id"):
        raise Invalid(f"{table}.id", "differs from the change's id")
    if not isinstance(change.get("seq"), int) or not isinstance(change.get("sig"), str):
        raise Invalid("change", "no sequence number or signature")
    return values


def _reason(exc: sqlite3.Error) -> str:
    text = str(exc)
    if "FOREIGN KEY" in text:
        return "waiting for a row it refers to"
    if "UNIQUE" in text:
        return f"held by another row here: {text}"
    return text


def signed_rows(conn: sqlite3.Connection, after_seq: int) -> list[dict[str, Any]]:
    """Rows this desk pulled after `after_seq`, as the server signed them: what a
    restored server may lack. A row changed here since was kept as signed at its
    first change (and the outbox carries the change itself)."""
    rows = []
    for signed in sync_state.signed_after(conn, after_seq):
        if signed["tbl"] not in TABLES:
            continue
        if signed["data"] is not None:
            data = json.loads(signed["data"])
        else:
            stored = sync_state.row(conn, signed["tbl"], signed["id"])
            if stored is None:
                continue
            data = desk_row(signed["tbl"], stored)
        rows.append(
            {"table": signed["tbl"], "id": signed["id"], "version": int(data.get("version") or 1),
             "seq": int(signed["seq"]), "data": data, "sig": signed["sig"]}
        )  # fmt: skip
    return rows
