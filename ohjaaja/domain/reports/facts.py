"""The facts figures are computed from: one record per contact, handover,
notification and offer, in aware UTC datetimes. The desk (db/reports.py) and the
server (db/server/reports.py) each read their store into these; converting a stored
row (a column -> value mapping, the desk's row or the server's JSON document alike)
goes through the from_row functions here, so both read it the same way.

Add a field with a default when a figure needs one; never compute figures here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from ohjaaja.domain.catalogue import text_in
from ohjaaja.domain.clock import from_iso


@dataclass(frozen=True)
class ContactFact:
    id: str
    channel: str
    line: str  # the line it was made to (original_line_code, else line_code)
    answered_line: str  # the line that took it (after hours: the emergency)
    municipality: str | None
    language: str
    received_at: datetime
    status: str  # waiting, taken, closed, abandoned
    via_queue: bool = True
    client_id: str | None = None
    caller_kind: str | None = None
    taken_at: datetime | None = None  # first time taken (answered)
    closed_at: datetime | None = None
    abandoned_at: datetime | None = None
    taken_by: str | None = None
    outcome: str | None = None
    reasons: tuple[str, ...] = ()
    callback_at: datetime | None = None
    reopened: bool = False
    is_training: bool = False


@dataclass(frozen=True)
class HandoverFact:
    id: str
    contact_id: str | None
    to_team: str | None
    municipality: str | None  # the contact's, else the client's
    urgency: str
    state: str  # sent, accepted, completed, returned
    sent_at: datetime
    due_at: datetime | None = None
    accepted_at: datetime | None = None
    completed_at: datetime | None = None
    returned_at: datetime | None = None


@dataclass(frozen=True)
class NotificationFact:
    id: str
    kind: str
    contact_id: str | None
    municipality: str | None
    made_at: datetime
    received_at: datetime | None = None  # the receiving team acknowledged it
    # The handover that carries it to the team (handover.notification_id): its clocks
    # are met by the team accepting it (on time: by its due) and completing it.
    due_at: datetime | None = None
    accepted_at: datetime | None = None
    completed_at: datetime | None = None


@dataclass(frozen=True)
class OfferFact:
    id: str
    contact_id: str
    municipality: str | None  # the contact's
    service_id: str | None
    service_name: str | None
    sector: str | None  # the provider's: public, private, third
    unmet_need: str | None  # the worker's words when no service fits
    client_group: str | None = None
    created_at: datetime | None = None


@dataclass(frozen=True)
class Facts:
    """What a store holds for one request: the period's records, and for figures that
    look back (frequent contacters: 12 months) the counts they need."""

    contacts: tuple[ContactFact, ...] = ()
    handovers: tuple[HandoverFact, ...] = ()
    notifications: tuple[NotificationFact, ...] = ()
    offers: tuple[OfferFact, ...] = ()
    # client id -> contacts in the look-back window ending at the period's end
    contacts_per_client: dict[str, int] = field(default_factory=dict)
    workers_on_duty: dict[str, int] = field(default_factory=dict)  # "YYYY-MM-DDTHH" -> workers
    # When the store was read: a handover still open then and past its due is overdue,
    # a clock not yet due then is pending. None: the end of the period.
    as_of: datetime | None = None


# -- from stored rows ------------------------------------------------------------------
# A row is a column -> value mapping: a desk's sqlite3.Row or the server's JSON
# document, with the joined values named below (the reader joins them).

RowLike = Mapping[str, object]


def _moment(value: object) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        return from_iso(value)
    raise ValueError(f"not a time: {value!r}")


def _required(row: RowLike, column: str) -> datetime:
    at = _moment(row.get(column))
    if at is None:
        raise ValueError(f"{row.get('id')}: {column} is required")
    return at


def _text(value: object) -> str | None:
    return None if value is None or value == "" else str(value)


def handover_from_row(row: RowLike, events: Iterable[RowLike] = ()) -> HandoverFact:
    """`row`: a handover's columns id, contact_id, to_team, urgency, state, created_at
    (sent), due_at, and the joined `municipality_code` (the contact's, else the
    client's). `events`: its handover_event rows (kind: sent, accept, complete, return;
    at); each move's time is its first event of that kind."""
    moved: dict[str, datetime] = {}
    for event in events:
        at = _moment(event["at"])
        kind = str(event["kind"])
        if at is not None and (kind not in moved or at < moved[kind]):
            moved[kind] = at
    sent = _required(row, "created_at")
    return HandoverFact(
        id=str(row["id"]),
        contact_id=_text(row.get("contact_id")),
        to_team=_text(row.get("to_team")),
        municipality=_text(row.get("municipality_code")),
        urgency=str(row.get("urgency") or "normal"),
        state=str(row["state"]),
        sent_at=moved.get("sent", sent),
        due_at=_moment(row.get("due_at")),
        accepted_at=moved.get("accept"),
        completed_at=moved.get("complete"),
        returned_at=moved.get("return"),
    )


def notification_from_row(row: RowLike, handover: HandoverFact | None = None) -> NotificationFact:
    """`row`: a notification's columns id, kind, contact_id, municipality_code,
    created_at (made), received_at, and of the handover made with it
    (handover.notification_id = id) the joined `due_at`, `accepted_at` and
    `completed_at` (its first accept and complete events). A store that holds that
    handover as a fact may pass it as `handover` instead of joining them."""
    if handover is not None:
        row = {
            **row,
            "due_at": handover.due_at,
            "accepted_at": handover.accepted_at,
            "completed_at": handover.completed_at,
        }
    return NotificationFact(
        id=str(row["id"]),
        kind=str(row["kind"]),
        contact_id=_text(row.get("contact_id")),
        municipality=_text(row.get("municipality_code")),
        made_at=_required(row, "created_at"),
        received_at=_moment(row.get("received_at")),
        due_at=_moment(row.get("due_at")),
        accepted_at=_moment(row.get("accepted_at")),
        completed_at=_moment(row.get("completed_at")),
    )


@lru_cache(maxsize=4096)
def _finnish(names: str) -> str | None:
    """A name in Finnish (else Swedish, else English) from its JSON texts; plain text
    as it is. Cached: a month's offers name the same few services again and again."""
    if not names.startswith("{"):
        return names or None
    return text_in(json.loads(names), "fi") or None


def offer_from_row(row: RowLike) -> OfferFact:
    """`row`: an offer's columns id, contact_id, service_id, unmet_need, created_at, and
    the joined `municipality_code` and `line_code` (the contact's; its original line
    when routed: the client group), `service_name` (the service's name texts, JSON) and
    `sector` (its organisation's)."""
    names = row.get("service_name")
    return OfferFact(
        id=str(row["id"]),
        contact_id=str(row["contact_id"]),
        municipality=_text(row.get("municipality_code")),
        service_id=_text(row.get("service_id")),
        service_name=_finnish(names) if isinstance(names, str) else None,
        sector=_text(row.get("sector")),
        unmet_need=_text(row.get("unmet_need")),
        client_group=_text(row.get("line_code")),
        created_at=_moment(row.get("created_at")),
    )
