"""Reading a store's rows into the facts, written once for the desk and the server.

Each store has readers of the same names and arguments (a desk's: db/reports; the
server's: db/server/reports): a connection, the period as stored times [since, until),
the filters. A loader turns one family's rows into some of Facts' fields with the
from-row converters (facts.py), so a desk and the server holding the same rows give
the same numbers by construction. The loaders call only what they are given: no I/O
of their own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol, TypeVar

from ohjaaja.domain.clock import to_iso
from ohjaaja.domain.reports.facts import (
    contact_from_row,
    handover_from_row,
    notification_from_row,
    offer_from_row,
)
from ohjaaja.domain.reports.model import HELSINKI, Request

Rows = TypeVar("Rows", covariant=True)


class Reader(Protocol[Rows]):
    """One reader: (conn, since, until, lines, channels, municipalities) -> rows."""

    def __call__(
        self,
        conn: Any,
        since: str,
        until: str,
        lines: Sequence[str] = (),
        channels: Sequence[str] = (),
        municipalities: Sequence[str] = (),
    ) -> Rows: ...


class ContactReaders(Protocol):
    """db/reports/contacts.py, db/server/reports.py."""

    @property
    def contacts(self) -> Reader[list[dict[str, Any]]]: ...
    @property
    def events(self) -> Reader[dict[str, list[dict[str, Any]]]]: ...
    @property
    def contacts_per_client(self) -> Reader[dict[str, int]]: ...


class CaseReaders(Protocol):
    """db/reports/cases.py, db/server/reports.py; a handover's row carries its
    `events`."""

    @property
    def handovers(self) -> Reader[list[dict[str, Any]]]: ...
    @property
    def notifications(self) -> Reader[list[dict[str, Any]]]: ...
    @property
    def offers(self) -> Reader[list[dict[str, Any]]]: ...


def months_back(day: date, months: int) -> date:
    """The same day `months` months earlier (the month's last day if it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def look_back_since(request: Request) -> datetime:
    """The start of the look-back window ending with the period (frequent contacters:
    Settings.frequent_months, 12 by the seeds), at local midnight."""
    end = request.period.end + timedelta(days=1)
    return datetime.combine(months_back(end, request.settings.frequent_months), time(0), HELSINKI)


def bounds(request: Request) -> tuple[str, str]:
    """The period as stored times: [since, until)."""
    return to_iso(request.period.since), to_iso(request.period.until)


def chosen(request: Request) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    filters = request.filters
    return filters.lines, filters.channels, filters.municipalities


def load_contacts(read: ContactReaders, conn: Any, request: Request) -> Mapping[str, Any]:
    since, until = bounds(request)
    rows = read.contacts(conn, since, until, *chosen(request))
    events = read.events(conn, since, until, *chosen(request))
    back = to_iso(look_back_since(request))
    return {
        "contacts": tuple(contact_from_row(row, events.get(row["id"], ())) for row in rows),
        "contacts_per_client": read.contacts_per_client(conn, back, until, *chosen(request)),
    }


def load_cases(read: CaseReaders, conn: Any, request: Request) -> Mapping[str, Any]:
    """The period's handovers, notifications and offers."""
    since, until = bounds(request)
    filters = chosen(request)
    return {
        "handovers": tuple(
            handover_from_row(row, row["events"])
            for row in read.handovers(conn, since, until, *filters)
        ),
        "notifications": tuple(
            notification_from_row(row) for row in read.notifications(conn, since, until, *filters)
        ),
        "offers": tuple(offer_from_row(row) for row in read.offers(conn, since, until, *filters)),
    }
