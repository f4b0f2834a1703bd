"""A desk's handovers, notifications and offers for a report: plain rows (column ->
value dicts) as stored, with the joined values the converters need. db imports
nothing of the domain: the use case turns them into facts through
ohjaaja.domain.reports.facts (handover_from_row, notification_from_row,
offer_from_row), the converters the server uses on its JSON documents.

Bounds are UTC ISO 8601 strings as stored (ohjaaja.domain.clock.to_iso). The filters
are the contacts': lines match the contact's original line (after hours routed ones
count in the line they were made to), channels its channel, municipalities the
contact's municipality, else the client's. A row with no contact passes a line or
channel filter only when that filter is empty.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from ohjaaja.db.reports.rows import dicts, in_filters

Rows = list[dict[str, Any]]

# The municipality of a handover or an offer: the contact's, else the client's.
_MUNICIPALITY = "coalesce(c.municipality_code, cl.municipality_code)"
_JOINS = "LEFT JOIN contact AS c ON c.id = {0}.contact_id LEFT JOIN client AS cl ON cl.id = {1}"


def _filters(
    lines: Sequence[str], channels: Sequence[str], municipalities: Sequence[str]
) -> tuple[str, list[Any]]:
    return in_filters(
        (
            ("coalesce(c.original_line_code, c.line_code)", lines),
            ("c.channel", channels),
            (_MUNICIPALITY, municipalities),
        )
    )


def handovers(
    conn: sqlite3.Connection,
    since: str,
    until: str,
    lines: Sequence[str] = (),
    channels: Sequence[str] = (),
    municipalities: Sequence[str] = (),
) -> Rows:
    """Handovers sent in [since, until) (notifications' handovers included), each with
    `municipality_code` joined and `events`: its handover_event rows (kind, at), in
    the order written: handover_from_row(row, row["events"])."""
    where, params = _filters(lines, channels, municipalities)
    found = dicts(
        conn.execute(
            "SELECT h.id, h.contact_id, h.to_team, h.urgency, h.state, h.created_at, "
            f"h.due_at, {_MUNICIPALITY} AS municipality_code FROM handover AS h "
            + _JOINS.format("h", "coalesce(h.client_id, c.client_id)")
            + f" WHERE h.deleted = 0 AND h.created_at >= ? AND h.created_at < ?{where} "
            "ORDER BY h.created_at, h.id",
            [since, until, *params],
        )
    )
    events: dict[str, Rows] = {row["id"]: [] for row in found}
    for handover_id, kind, at in conn.execute(
        "SELECT e.handover_id, e.kind, e.at FROM handover_event AS e "
        "JOIN handover AS h ON h.id = e.handover_id "
        "WHERE h.deleted = 0 AND h.created_at >= ? AND h.created_at < ? ORDER BY e.at, e.rowid",
        (since, until),
    ):
        if handover_id in events:
            events[handover_id].append({"kind": kind, "at": at})
    for row in found:
        row["events"] = events[row["id"]]
    return found


def notifications(
    conn: sqlite3.Connection,
    since: str,
    until: str,
    lines: Sequence[str] = (),
    channels: Sequence[str] = (),
    municipalities: Sequence[str] = (),
) -> Rows:
    """Notifications made in [since, until), with the times of the handover made with
    each (handover.notification_id): its `due_at`, and its first `accepted_at` and
    `completed_at` events. The municipality filter is the notification's own."""
    where, params = _filters(lines, channels, ())
    if municipalities:
        where += f" AND n.municipality_code IN ({', '.join('?' for _ in municipalities)})"
        params.extend(municipalities)
    # One pass over the notification's handover and its events (handover_event is
    # indexed by handover; SQLite indexes handover.notification_id for the join).
    return dicts(
        conn.execute(
            "SELECT n.id, n.kind, n.contact_id, n.municipality_code, n.created_at, "
            "n.received_at, min(h.due_at) AS due_at, "
            "min(CASE WHEN e.kind = 'accept' THEN e.at END) AS accepted_at, "
            "min(CASE WHEN e.kind = 'complete' THEN e.at END) AS completed_at "
            "FROM notification AS n LEFT JOIN contact AS c ON c.id = n.contact_id "
            "LEFT JOIN handover AS h ON h.notification_id = n.id AND h.deleted = 0 "
            "LEFT JOIN handover_event AS e ON e.handover_id = h.id "
            f"WHERE n.deleted = 0 AND n.created_at >= ? AND n.created_at < ?{where} "
            "GROUP BY n.id ORDER BY n.created_at, n.id",
            [since, until, *params],
        )
    )


def offers(
    conn: sqlite3.Connection,
    since: str,
    until: str,
    lines: Sequence[str] = (),
    channels: Sequence[str] = (),
    municipalities: Sequence[str] = (),
) -> Rows:
    """Offers made in [since, until) (an unmet need is an offer with no service), with
    the contact's `municipality_code` (else the client's) and `line_code` (its
    original line: the client group), the service's `service_name` (JSON texts) and
    its organisation's `sector`."""
    where, params = _filters(lines, channels, municipalities)
    return dicts(
        conn.execute(
            "SELECT o.id, o.contact_id, o.service_id, o.unmet_need, o.created_at, "
            f"{_MUNICIPALITY} AS municipality_code, "
            "coalesce(c.original_line_code, c.line_code) AS line_code, "
            "s.name AS service_name, g.sector FROM offer AS o "
            + _JOINS.format("o", "c.client_id")
            + " LEFT JOIN service AS s ON s.id = o.service_id "
            "LEFT JOIN organization AS g ON g.id = s.organization_id "
            f"WHERE o.created_at >= ? AND o.created_at < ?{where} ORDER BY o.created_at, o.id",
            [since, until, *params],
        )
    )
