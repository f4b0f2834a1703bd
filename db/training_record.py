"""What a training shift left behind, read for its score and debrief
(ohjaaja.training.scoring, .debrief): one query per family of facts, each a join
on training_contact, so a 2,000-contact shift is read in a handful of statements."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

_OF_SHIFT = "JOIN training_contact AS tc ON tc.contact_id = {alias}.contact_id AND tc.shift_id = ?"


def contacts(conn: sqlite3.Connection, shift_id: str) -> list[dict[str, Any]]:
    """Every contact the shift made, with where it came from and what became of it."""
    rows = conn.execute(
        "SELECT c.id, tc.script_id, tc.stream, tc.attempt, c.channel, c.line_code, "
        "c.received_at, c.taken_at, c.closed_at, c.taken_by, c.status, c.client_id, "
        "c.reasons, c.outcome, c.via_queue FROM training_contact AS tc "
        "JOIN contact AS c ON c.id = tc.contact_id WHERE tc.shift_id = ? AND c.deleted = 0 "
        "ORDER BY c.received_at, c.id",
        (shift_id,),
    ).fetchall()
    keys = ("id", "script_id", "stream", "attempt", "channel", "line_code", "received_at",
            "taken_at", "closed_at", "taken_by", "status", "client_id", "reasons", "outcome",
            "via_queue")  # fmt: skip
    found = [dict(zip(keys, tuple(row), strict=True)) for row in rows]
    for row in found:
        row["reasons"] = tuple(json.loads(row["reasons"] or "[]"))
    return found


def _moments(rows: list[Any]) -> list[dict[str, Any]]:
    """(at, kind, contact id, worker id, data) rows as the debrief's timeline reads them."""
    return [
        {"at": r[0], "kind": r[1], "contact_id": r[2], "worker_id": r[3],
         "data": json.loads(r[4] or "{}")}
        for r in rows
    ]  # fmt: skip


def shift_events(conn: sqlite3.Connection, shift_id: str) -> list[dict[str, Any]]:
    """The shift's own timeline (training_event), in order."""
    rows = conn.execute(
        "SELECT at, kind, contact_id, worker_id, data, id FROM training_event "
        "WHERE shift_id = ? ORDER BY at, id",
        (shift_id,),
    ).fetchall()
    return _moments(rows)


def contact_events(conn: sqlite3.Connection, shift_id: str) -> list[dict[str, Any]]:
    """What the trainees did on the shift's contacts (taken, released, identified,
    closed, notes), in order."""
    rows = conn.execute(
        "SELECT e.at, e.kind, e.contact_id, e.worker_id, e.data FROM contact_event AS e "
        f"{_OF_SHIFT.format(alias='e')} WHERE e.kind != 'received' ORDER BY e.at, e.id",
        (shift_id,),
    ).fetchall()
    return _moments(rows)


def offers(conn: sqlite3.Connection, shift_id: str) -> list[dict[str, Any]]:
    """Services offered (and unmet needs) on the shift's contacts, with each service's
    client groups and channels."""
    rows = conn.execute(
        "SELECT o.contact_id, o.service_id, o.unmet_need, o.created_at, o.worker_id, "
        "s.client_groups, s.channels, s.name FROM offer AS o "
        f"{_OF_SHIFT.format(alias='o')} LEFT JOIN service AS s ON s.id = o.service_id "
        "ORDER BY o.created_at, o.id",
        (shift_id,),
    ).fetchall()
    return [
        {"contact_id": r[0], "service_id": r[1], "unmet_need": r[2], "at": r[3],
         "worker_id": r[4], "client_groups": tuple(json.loads(r[5] or "[]")),
         "channels": tuple(json.loads(r[6] or "[]")),
         "name": json.loads(r[7] or "{}")}
        for r in rows
    ]  # fmt: skip


def notifications(conn: sqlite3.Connection, shift_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT n.contact_id, n.kind, n.fields, n.routed_to, n.created_at, "
        "n.notifier_worker_id FROM notification AS n "
        f"{_OF_SHIFT.format(alias='n')} WHERE n.deleted = 0 ORDER BY n.created_at, n.id",
        (shift_id,),
    ).fetchall()
    return [
        {"contact_id": r[0], "kind": r[1], "fields": json.loads(r[2] or "{}"),
         "routed_to": r[3], "at": r[4], "worker_id": r[5]}
        for r in rows
    ]  # fmt: skip


def handovers(conn: sqlite3.Connection, shift_id: str) -> list[dict[str, Any]]:
    """Handovers made on the shift's contacts, a notification's own included."""
    rows = conn.execute(
        "SELECT h.contact_id, h.to_team, h.to_worker_id, h.urgency, h.created_at, "
        "h.from_worker_id, h.notification_id, w.name FROM handover AS h "
        f"{_OF_SHIFT.format(alias='h')} LEFT JOIN worker AS w ON w.id = h.to_worker_id "
        "WHERE h.deleted = 0 ORDER BY h.created_at, h.id",
        (shift_id,),
    ).fetchall()
    return [
        {"contact_id": r[0], "to_team": r[1], "to_worker_id": r[2], "urgency": r[3],
         "at": r[4], "worker_id": r[5], "notification_id": r[6], "to_name": r[7]}
        for r in rows
    ]  # fmt: skip


def clients(conn: sqlite3.Connection, ids: set[str]) -> dict[str, dict[str, Any]]:
    """Who the identified clients are: identity code, names, birth date."""
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    rows = conn.execute(
        f"SELECT id, hetu, first_names, last_name, birth_date FROM client WHERE id IN ({marks})",
        sorted(ids),
    ).fetchall()
    return {
        r[0]: {"hetu": r[1], "first_names": r[2], "last_name": r[3], "birth_date": r[4]}
        for r in rows
    }


def worker_names(conn: sqlite3.Connection) -> dict[str, str]:
    return {str(r[0]): str(r[1]) for r in conn.execute("SELECT id, name FROM worker")}


def service_names(conn: sqlite3.Connection, ids: set[str]) -> dict[str, dict[str, str]]:
    """The names (by language) of these services: what a scenario expects offered."""
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    rows = conn.execute(f"SELECT id, name FROM service WHERE id IN ({marks})", sorted(ids))
    return {str(r[0]): json.loads(r[1] or "{}") for r in rows}
