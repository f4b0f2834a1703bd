"""Injected clocks: nothing in ohjaaja calls datetime.now() directly.

The desk, the demo and the tests each pass a clock, so wait times, opening hours
and the training simulator all read the same time.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

HELSINKI = ZoneInfo("Europe/Helsinki")


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that moves only when told: for tests, snapshots and simulations."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")
        self._at = at.astimezone(UTC)

    def now(self) -> datetime:
        return self._at

    def advance(self, **delta: float) -> None:
        self._at += timedelta(**delta)

    def set(self, at: datetime) -> None:
        self._at = at.astimezone(UTC)


def local(at: datetime) -> datetime:
    """The Finnish wall-clock time of a UTC instant."""
    return at.astimezone(HELSINKI)


def to_iso(at: datetime) -> str:
    """UTC ISO 8601 with a Z, the one way times are stored."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def stamp_from_iso(text: str) -> str:
    """Any ISO 8601 date and time (without an offset: UTC) as stored (to_iso), so that
    stamps from elsewhere (PTV's `modified`) compare as times; ValueError if the text
    is no date and time."""
    if "T" not in text:  # fromisoformat takes a bare date too: a stamp has a time
        raise ValueError(f"not a date and time: {text!r}")
    at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return to_iso(at if at.tzinfo else at.replace(tzinfo=UTC))


def from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
