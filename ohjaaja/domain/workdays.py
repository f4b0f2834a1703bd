"""Working days for statutory clocks: Monday to Friday, Finnish public holidays off."""

from __future__ import annotations

from datetime import date, timedelta

from ohjaaja.domain.hours import is_holiday


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_holiday(day)


def add_working_days(start: date, count: int) -> date:
    """The count-th working day after start (the day of receipt does not count)."""
    day = start
    left = count
    while left > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after start up to and including end (0 if end is not later)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day)
    return count
