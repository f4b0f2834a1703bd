"""What a report is, whatever computed it and wherever it is shown.

A report is sections of rows; a row is one figure for one interval or breakdown,
with how many contacts it rests on and, where the source documents give one, the
pilot's figure beside it. The screen, the CLI's table, CSV, JSON and XLSX all render
this one structure, so every place gives the same numbers.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from ohjaaja.domain.queue import SERVICE_LEVEL_SECONDS

HELSINKI = ZoneInfo("Europe/Helsinki")

Unit = Literal["count", "seconds", "share", "eur", "workers", "per_hour", "text"]
Value = int | float | str | None


@dataclass(frozen=True)
class Period:
    """Days from `start` to `end`, both included, in Finnish local time."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"the period ends ({self.end}) before it starts ({self.start})")

    @functools.cached_property  # contains() runs once per contact of a report
    def since(self) -> datetime:
        """The first moment, aware (Helsinki); compare with UTC instants freely."""
        return datetime.combine(self.start, time(0), HELSINKI)

    @functools.cached_property
    def until(self) -> datetime:
        """The first moment after the period (exclusive), aware (Helsinki)."""
        return datetime.combine(self.end + timedelta(days=1), time(0), HELSINKI)

    def contains(self, moment: datetime) -> bool:
        return self.since <= moment < self.until

    @property
    def label(self) -> str:
        return self.start.isoformat() if self.start == self.end else f"{self.start}..{self.end}"


@dataclass(frozen=True)
class Filters:
    """Empty means all. Lines are matched against a contact's original line (a contact
    routed after hours to the emergency counts in the line it was made to)."""

    lines: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    municipalities: tuple[str, ...] = ()


@dataclass(frozen=True)
class Settings:
    """Choices a figure depends on; each is shown beside the figures it changes."""

    # The queue header's N, so the desk's two service levels are one figure.
    service_level_seconds: int = SERVICE_LEVEL_SECONDS
    abandoned_in_service_level: bool = True
    short_abandon_seconds: int = 0  # abandoned sooner than this are not counted at all
    frequent_contacts: int = 10  # the seeds' trigger: about 10 a year
    frequent_months: int = 12
    may_see_clients: bool = False  # the viewer's role may see who the frequent contacters are
    callback_on_time_minutes: int = 60  # a callback made this long after its time is on time
    service_level_target: float = 0.8  # staffing: the share to answer within service_level_seconds


@dataclass(frozen=True)
class Request:
    name: str
    period: Period
    filters: Filters = Filters()
    settings: Settings = Settings()
    extra: Mapping[str, str] = field(default_factory=dict)  # a report's own options


@dataclass(frozen=True)
class Row:
    figure: str  # a stable key, e.g. "asa"; its label and definition are messages
    value: Value
    unit: Unit
    n: int  # how many contacts (or handovers, ...) it rests on
    interval: str = ""  # "2026-11-03", "08" (hour), "mon" (weekday), "" for the period
    group: tuple[tuple[str, str], ...] = ()  # a breakdown: (("line", "elderly"),)
    reference: Value = None  # the pilot's figure from the source documents, if any


@dataclass(frozen=True)
class Section:
    key: str  # message "report.section.<key>"; definition "report.define.<key>"
    rows: tuple[Row, ...]
    chart: Literal["bars", "heatmap", "histogram"] | None = None
    notes: tuple[str, ...] = ()  # e.g. the settings shown with the figure


@dataclass(frozen=True)
class Report:
    request: Request
    source: str  # "desk" or the server's URL
    generated_at: datetime
    sections: tuple[Section, ...]
