"""What every family of figures needs: the period's intervals in Finnish local time,
filters, and the few statistics (mean, share, median, nearest-rank percentile)."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from ohjaaja.domain.reports.facts import ContactFact
from ohjaaja.domain.reports.model import HELSINKI, Filters, Period

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HOURS = tuple(f"{hour:02d}" for hour in range(24))


def grain(period: Period) -> str:
    """The interval a person wants for the period: hours of one day, days up to two
    months, months beyond."""
    days = (period.end - period.start).days + 1
    return "hour" if days == 1 else "day" if days <= 62 else "month"


def interval_of(moment: datetime, period: Period) -> str:
    """The period's interval a moment falls in, by Finnish local time (so a contact at
    23:59 belongs to its own day, whatever UTC says, over DST changes too)."""
    here = moment.astimezone(HELSINKI)
    kind = grain(period)
    if kind == "hour":
        return f"{here.hour:02d}"
    if kind == "day":
        return here.date().isoformat()
    return f"{here.year:04d}-{here.month:02d}"


def intervals(period: Period) -> tuple[str, ...]:
    """Every interval of the period in order, the empty ones too."""
    kind = grain(period)
    if kind == "hour":
        return HOURS
    days = [period.start + timedelta(days=i) for i in range((period.end - period.start).days + 1)]
    if kind == "day":
        return tuple(day.isoformat() for day in days)
    return tuple(dict.fromkeys(f"{d.year:04d}-{d.month:02d}" for d in days))


def local_hour(moment: datetime) -> str:
    return f"{moment.astimezone(HELSINKI).hour:02d}"


def local_weekday(moment: datetime) -> str:
    return WEEKDAYS[moment.astimezone(HELSINKI).weekday()]


def local_day(moment: datetime) -> date:
    return moment.astimezone(HELSINKI).date()


def in_scope(contact: ContactFact, period: Period, filters: Filters) -> bool:
    """Received in the period and let through by the filters; lines match the line the
    contact was made to (after hours it was answered by the emergency)."""
    return (
        period.contains(contact.received_at)
        and (not filters.lines or contact.line in filters.lines)
        and (not filters.channels or contact.channel in filters.channels)
        and (not filters.municipalities or (contact.municipality or "") in filters.municipalities)
    )


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def median(values: Sequence[float]) -> float | None:
    return float(statistics.median(values)) if values else None


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest rank: the smallest value with at least p % of the values at or below it
    (an observed value, never an interpolation)."""
    if not values:
        return None
    ordered = sorted(values)
    return float(ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1])


def seconds(start: datetime, end: datetime) -> float:
    return max(0.0, (end - start).total_seconds())
