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
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache
from typing import Any

from ohjaaja.domain.catalogue import text_in
from ohjaaja.domain.clock import from_iso


@dataclass(frozen=True)
class CallbackFact:
    """One callback a worker promised (contact_event 'callback_scheduled'): when it was
    due, when a worker took the contact again to make it, and whether that call found
    nobody ('callback_missed', recorded when the worker scheduled the next one)."""

    due_at: datetime
    scheduled_at: datetime | None = None
    called_at: datetime | None = None
    missed: bool = False


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
    last_taken_at: datetime | None = None  # the take the contact was closed from
    callbacks: tuple[CallbackFact, ...] = ()


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
class MunicipalityFact:
    """A municipality as the cost shares need it: the population aged 75+ of one year
    and whether it is in the guidance agreement."""

    code: str
    name_fi: str
    name_sv: str
    population_75plus: int
    population_year: int
    in_agreement: bool


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
    municipalities: tuple[MunicipalityFact, ...] = ()
    # Performed contacts by municipality code given from outside the store (a CSV for a
    # period before the system); None: the cost shares count the contacts above.
    performed_contacts: Mapping[str, int] | None = None
    # When the store was read: a handover still open then and past its due is overdue,
    # a clock not yet due then is pending. None: the end of the period.
    as_of: datetime | None = None


# -- from stored rows -------------------------------------------------------------
# The contact_event kinds the facts read (the desk writes them: ohjaaja/usecases/
# contacts.py and handovers.py). On the server only 'callback_missed' and 'note' are
# synced rows; a reader there may pass events made from the pushed mutations
# (contact.claim -> taken, contact.release -> released, contact.callback ->
# callback_scheduled with data {"at": callback_at}, contact.abandon -> abandoned).
TAKEN_KINDS = ("taken", "logged")
BACK_TO_QUEUE_KINDS = ("released", "callback_scheduled")
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


def _data(event: Mapping[str, Any]) -> Mapping[str, Any]:
    data = event.get("data") or {}
    if isinstance(data, str):
        loaded = json.loads(data) if data.strip() else {}
        return loaded if isinstance(loaded, dict) else {}
    return data if isinstance(data, Mapping) else {}


def _reasons(value: object) -> tuple[str, ...]:
    if value is None or value == "" or value == "[]":  # most contacts: no JSON to parse
        return ()
    if isinstance(value, str):
        value = json.loads(value)
    if not isinstance(value, list | tuple):
        raise ValueError(f"reasons: not a list: {value!r}")
    return tuple(str(code) for code in value)


def contact_from_row(
    row: Mapping[str, Any], events: Iterable[Mapping[str, Any]] = ()
) -> ContactFact:
    """A contact's fact from its stored row and its events.

    `row`: the contact table's columns (the desk's sqlite3.Row as a dict, or the
    server's JSON document): id, channel, line_code, original_line_code,
    municipality_code, language, received_at, status, via_queue, client_id,
    caller_kind, taken_at, closed_at, taken_by, outcome, reasons (a JSON list or a
    list), callback_at, is_training; optionally abandoned_at and updated_at. Times
    are ISO 8601 strings (as stored) or aware datetimes.

    `events`: the contact's contact_event rows, each with kind, at and data (a JSON
    object or a dict), in any order. Kinds read: taken, logged, released,
    callback_scheduled (data.at: when it is due), callback_missed, abandoned.

    What the row alone cannot say, the events tell: the *first* time it was taken
    (a release or a callback empties taken_at and a later take sets it again),
    whether it came back to the queue (reopened), each callback. Without events
    (a colleague's contact on a desk, which holds only its own events) the row
    decides: taken_at is the first take unless a callback was scheduled, when the
    first take is unknown (None: not in the answer times)."""
    ordered = sorted(events, key=lambda e: str(e.get("at") or ""))
    takes = [m for e in ordered if e.get("kind") in TAKEN_KINDS if (m := _moment(e["at"]))]
    kinds = {str(e.get("kind")) for e in ordered}
    row_taken = _moment(row.get("taken_at"))
    callback_at = _moment(row.get("callback_at"))
    status = str(row["status"])
    if takes:
        first_taken: datetime | None = takes[0]
    elif callback_at is None:
        first_taken = row_taken
    else:
        first_taken = None  # the answer before the callback is not on this row
    abandoned_at = _moment(row.get("abandoned_at"))
    if abandoned_at is None:
        abandoned_at = next(
            (_moment(e["at"]) for e in ordered if e.get("kind") == "abandoned"), None
        )
    if "abandoned" in kinds and status == "waiting":
        status = "abandoned"
    if status == "abandoned" and abandoned_at is None:
        abandoned_at = _moment(row.get("updated_at"))
    return ContactFact(
        id=str(row["id"]),
        channel=str(row["channel"]),
        line=str(row.get("original_line_code") or row["line_code"]),
        answered_line=str(row["line_code"]),
        municipality=row.get("municipality_code"),
        language=str(row.get("language") or "fi"),
        received_at=_received(row),
        status=status,
        via_queue=bool(row.get("via_queue", True)),
        client_id=row.get("client_id"),
        caller_kind=row.get("caller_kind"),
        taken_at=first_taken,
        closed_at=_moment(row.get("closed_at")),
        abandoned_at=abandoned_at,
        taken_by=row.get("taken_by"),
        outcome=row.get("outcome"),
        reasons=_reasons(row.get("reasons")),
        callback_at=callback_at,
        reopened=(
            bool(kinds & set(BACK_TO_QUEUE_KINDS)) or len(takes) > 1 or callback_at is not None
        ),
        is_training=bool(row.get("is_training", False)),
        last_taken_at=row_taken or (takes[-1] if takes else None),
        callbacks=_callbacks(ordered, callback_at, row_taken, status),
    )


def _received(row: Mapping[str, Any]) -> datetime:
    received = _moment(row.get("received_at"))
    if received is None:
        raise ValueError(f"contact {row.get('id')}: received_at is required")
    return received


def _callbacks(
    events: list[Mapping[str, Any]],
    callback_at: datetime | None,
    row_taken: datetime | None,
    status: str,
) -> tuple[CallbackFact, ...]:
    """Each scheduled callback, the take that made it and whether that call missed.
    A 'callback_missed' event is written when the worker schedules the next try: it
    marks the latest callback made before it (or, with none, the call just made)."""
    made: list[CallbackFact] = []
    scheduled = any(e.get("kind") == "callback_scheduled" for e in events)
    if not scheduled and callback_at is not None:  # the row alone: its last callback
        called = row_taken if status in ("taken", "closed") else None
        made.append(CallbackFact(due_at=callback_at, called_at=called))
    for event in events:
        kind, at = event.get("kind"), _moment(event.get("at"))
        if at is None:
            continue
        if kind == "callback_scheduled":
            due = _moment(_data(event).get("at")) or at
            made.append(CallbackFact(due_at=due, scheduled_at=at))
        elif kind in TAKEN_KINDS and made and made[-1].called_at is None and scheduled:
            made[-1] = replace(made[-1], called_at=at)
        elif kind == "callback_missed":
            tried = [i for i, c in enumerate(made) if c.called_at is not None]
            if tried:
                made[tried[-1]] = replace(made[tried[-1]], missed=True)
            else:  # the first call (a callback request) found nobody
                place = len(made) - 1 if made and made[-1].called_at is None else len(made)
                made.insert(place, CallbackFact(due_at=at, called_at=at, missed=True))
    return tuple(made)


def municipality_from_row(row: Mapping[str, Any], population_year: int) -> MunicipalityFact:
    """A row of the desk's municipality table (db/reports/municipalities.py): code,
    name_fi, name_sv, population_75plus, in_agreement; its population is of
    `population_year` (the table holds one year's)."""
    return MunicipalityFact(
        code=str(row["code"]),
        name_fi=str(row["name_fi"]),
        name_sv=str(row["name_sv"]),
        population_75plus=int(row["population_75plus"]),
        population_year=population_year,
        in_agreement=bool(row["in_agreement"]),
    )


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
