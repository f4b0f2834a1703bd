"""Opening hours of the lines, with Finnish public holidays and their eves.

A line is closed on public holidays (holidays.Finland). On the eve of a holiday
(a weekday, not itself a holiday, followed by one) the line closes at its eve
closing time if that is earlier than usual. The emergency line is open always.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from ohjaaja.db.holiday_cache import finnish_holidays
from ohjaaja.domain.clock import local

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Interval:
    opens: time
    closes: time

    @classmethod
    def parse(cls, text: str) -> Interval:
        """'08:00-15:00' -> Interval."""
        start, end = (part.strip() for part in text.split("-"))
        return cls(time.fromisoformat(start), time.fromisoformat(end))

    def __str__(self) -> str:
        return f"{self.opens:%H:%M}-{self.closes:%H:%M}"


@dataclass(frozen=True)
class OpeningHours:
    """Weekly hours (weekday 0 = Monday) plus the closing time on holiday eves."""

    weekly: dict[int, tuple[Interval, ...]] = field(default_factory=dict)
    eve_closes: time | None = None
    always_open: bool = False

    @classmethod
    def from_spec(cls, spec: dict[str, object]) -> OpeningHours:
        """Read the fixture form: {"always_open": true} or
        {"mon-thu": "08:00-15:00", "fri": "08:00-13:00", "holiday_eve": "08:00-13:00"}."""
        if spec.get("always_open"):
            return cls(always_open=True)
        weekly: dict[int, tuple[Interval, ...]] = {}
        eve_closes = None
        for key, value in spec.items():
            if key == "holiday_eve":
                eve_closes = Interval.parse(str(value)).closes
                continue
            intervals = tuple(Interval.parse(part) for part in str(value).split(","))
            for day in expand_days(key):
                weekly[day] = intervals
        return cls(weekly=weekly, eve_closes=eve_closes)

    def intervals_on(self, day: date) -> tuple[Interval, ...]:
        """The intervals the line is open on a calendar day (Finnish local time)."""
        if self.always_open:
            return (Interval(time(0, 0), time(23, 59, 59, 999999)),)
        if is_holiday(day):
            return ()
        intervals = self.weekly.get(day.weekday(), ())
        if self.eve_closes is not None and is_holiday_eve(day):
            eve = self.eve_closes
            intervals = tuple(
                Interval(i.opens, min(i.closes, eve)) for i in intervals if i.opens < eve
            )
        return intervals

    def is_open(self, at: datetime) -> bool:
        """Whether the line is open at a (timezone-aware) instant."""
        if self.always_open:
            return True
        moment = local(at)
        clock = moment.time().replace(tzinfo=None)
        return any(i.opens <= clock < i.closes for i in self.intervals_on(moment.date()))

    def describe(self, day: date) -> str:
        """'08:00-15:00', '24/7' or '' when closed all day."""
        if self.always_open:
            return "24/7"
        return ", ".join(str(i) for i in self.intervals_on(day))


def expand_days(key: str) -> list[int]:
    if "-" in key:
        first, last = (DAY_NAMES.index(part) for part in key.split("-"))
        return list(range(first, last + 1))
    return [DAY_NAMES.index(key)]


@lru_cache(maxsize=8)
def _finland(year: int) -> dict[date, str]:
    return finnish_holidays(year)  # the `holidays` library's days, kept in a file


def is_holiday(day: date) -> bool:
    return day in _finland(day.year)


def _is_eve_holiday(day: date) -> bool:
    """Christmas Eve and Midsummer Eve: days off themselves, not the day before them."""
    midsummer_eve = day.month == 6 and 19 <= day.day <= 25 and day.weekday() == 4
    return (day.month, day.day) == (12, 24) or midsummer_eve


def is_holiday_eve(day: date) -> bool:
    """A weekday, not a holiday, followed by a holiday (arkipyhän aatto): short hours."""
    if day.weekday() >= 5 or is_holiday(day):
        return False
    following = day + timedelta(days=1)
    return is_holiday(following) and not _is_eve_holiday(following)
