"""The facts figures are computed from: one record per contact, handover,
notification and offer, in aware UTC datetimes. The desk (db/reports.py) and the
server (db/server/reports.py) each read their store into these; converting a stored
row (a column -> value mapping, the desk's row or the server's JSON document alike)
goes through the from_row functions here, so both read it the same way.

Add a field with a default when a figure needs one; never compute figures here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


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

    @classmethod
    def from_row(cls, row: Mapping[str, Any], population_year: int) -> MunicipalityFact:
        """A row of the desk's municipality table (db/reports/municipalities.py)."""
        return cls(
            code=str(row["code"]),
            name_fi=str(row["name_fi"]),
            name_sv=str(row["name_sv"]),
            population_75plus=int(row["population_75plus"]),
            population_year=population_year,
            in_agreement=bool(row["in_agreement"]),
        )


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
