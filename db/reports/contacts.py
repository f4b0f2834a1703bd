"""A desk's contacts for a report: the rows of a period and filters, their events,
and the look-back count of contacts per client.

Plain rows (column -> value dicts), as stored: db imports nothing of the domain, so
the use case (ohjaaja/usecases/reports.py) turns them into facts through
ohjaaja.domain.reports.facts.contact_from_row, the same converter the server uses.
Times are compared as stored (UTC ISO 8601 with a Z, ohjaaja.domain.clock.to_iso),
so the bounds must be written the same way.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from ohjaaja.db.reports.rows import dicts, in_filters

# What contact_from_row reads of a contact row.
COLUMNS = (
    "id, channel, line_code, original_line_code, municipality_code, language, received_at, "
    "status, via_queue, client_id, caller_kind, taken_at, closed_at, taken_by, outcome, "
    "reasons, callback_at, is_training, updated_at"
)
# The events contact_from_row reads; notes and the rest are not needed.
EVENT_KINDS = ("taken", "logged", "released", "callback_scheduled", "callback_missed", "abandoned")


def _where(
    since: str,
    until: str,
    lines: Sequence[str],
    channels: Sequence[str],
    municipalities: Sequence[str],
    alias: str = "",
) -> tuple[str, list[Any]]:
    """Received in [since, until), not deleted, in these lines (a contact routed after
    hours counts in the line it was made to), channels and municipalities."""
    a = f"{alias}." if alias else ""
    filters, params = in_filters(
        (
            (f"coalesce({a}original_line_code, {a}line_code)", lines),
            (f"{a}channel", channels),
            (f"{a}municipality_code", municipalities),
        )
    )
    sql = f"{a}deleted = 0 AND {a}received_at >= ? AND {a}received_at < ?" + filters
    return sql, [since, until, *params]


def contacts(
    conn: sqlite3.Connection,
    since: str,
    until: str,
    lines: Sequence[str] = (),
    channels: Sequence[str] = (),
    municipalities: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """The contacts received in [since, until) that the filters let through, oldest first."""
    where, params = _where(since, until, lines, channels, municipalities)
    return dicts(
        conn.execute(
            f"SELECT {COLUMNS} FROM contact WHERE {where} ORDER BY received_at, id", params
        )
    )


def events(
    conn: sqlite3.Connection,
    since: str,
    until: str,
    lines: Sequence[str] = (),
    channels: Sequence[str] = (),
    municipalities: Sequence[str] = (),
) -> dict[str, list[dict[str, Any]]]:
    """contact id -> its events (kind, at, data) in the order written, for the same
    contacts as `contacts` (one query, not one per contact)."""
    where, params = _where(since, until, lines, channels, municipalities, alias="c")
    kinds = ", ".join("?" for _ in EVENT_KINDS)
    found: dict[str, list[dict[str, Any]]] = {}
    for contact_id, kind, at, data in conn.execute(
        "SELECT e.contact_id, e.kind, e.at, e.data FROM contact_event AS e "
        f"JOIN contact AS c ON c.id = e.contact_id WHERE e.kind IN ({kinds}) AND {where} "
        "ORDER BY e.at, e.rowid",
        [*EVENT_KINDS, *params],
    ):
        found.setdefault(contact_id, []).append({"kind": kind, "at": at, "data": data})
    return found


def contacts_per_client(
    conn: sqlite3.Connection,
    since: str,
    until: str,
    lines: Sequence[str] = (),
    channels: Sequence[str] = (),
    municipalities: Sequence[str] = (),
) -> dict[str, int]:
    """client id -> contacts received in [since, until) under the same filters (the
    look-back of frequent contacters); contacts with no client are not counted."""
    where, params = _where(since, until, lines, channels, municipalities)
    return {
        client_id: count
        for client_id, count in conn.execute(
            f"SELECT client_id, count(*) FROM contact WHERE {where} AND client_id IS NOT NULL "
            "GROUP BY client_id",
            params,
        )
    }
