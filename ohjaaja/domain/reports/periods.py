"""Periods a report is asked for, read from what a person types (the CLI's --period,
--from and --to, the reports screen's field): named periods relative to today, a
year, a month, or a range of days. Days are Finnish local days (Europe/Helsinki):
`today` is the day it is in Helsinki, whatever the host's zone, and Period turns days
into instants (so a day of a DST change is 23 or 25 hours long).

Errors are PeriodError: the option it came from ("period", "from", "to") and why, in
the worker's language (ohjaaja.i18n)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from ohjaaja.domain.reports.model import HELSINKI, Period
from ohjaaja.i18n import t

NAMED = ("today", "yesterday", "this-week", "last-week", "this-month", "last-month")


class PeriodError(ValueError):
    def __init__(self, option: str, reason: str) -> None:
        super().__init__(f"--{option}: {reason}")
        self.option = option
        self.reason = reason


def helsinki_today(now: datetime) -> date:
    """The Finnish local day of an aware instant."""
    return now.astimezone(HELSINKI).date()


def _month(year: int, month: int) -> Period:
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return Period(first, following - timedelta(days=1))


def parse_period(text: str, today: date, option: str = "period") -> Period:
    """today, yesterday, this-week and last-week (ISO weeks, Monday to Sunday),
    this-month, last-month, a year (2026) or a month (2026-11)."""
    value = text.strip().lower()
    monday = today - timedelta(days=today.weekday())
    if value == "today":
        return Period(today, today)
    if value == "yesterday":
        return Period(today - timedelta(days=1), today - timedelta(days=1))
    if value == "this-week":
        return Period(monday, monday + timedelta(days=6))
    if value == "last-week":
        return Period(monday - timedelta(days=7), monday - timedelta(days=1))
    if value == "this-month":
        return _month(today.year, today.month)
    if value == "last-month":
        last = today.replace(day=1) - timedelta(days=1)
        return _month(last.year, last.month)
    if re.fullmatch(r"\d{4}", value) and int(value) >= 1:
        return Period(date(int(value), 1, 1), date(int(value), 12, 31))
    found = re.fullmatch(r"(\d{4})-(\d{2})", value)
    if found and int(found[1]) >= 1 and 1 <= int(found[2]) <= 12:
        return _month(int(found[1]), int(found[2]))
    raise PeriodError(option, t("report.error.period", value=text, named=", ".join(NAMED)))


def parse_day(text: str, option: str) -> date:
    """A day as YYYY-MM-DD."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        try:
            return date.fromisoformat(text.strip())
        except ValueError:
            pass
    raise PeriodError(option, t("report.error.day", value=text))


def period_between(start: str, end: str | None, today: date) -> Period:
    """--from START --to END, both days included; without END, up to today."""
    first = parse_day(start, "from")
    last = parse_day(end, "to") if end is not None else today
    if last < first:
        raise PeriodError("to", t("report.error.ends_before", start=first, end=last))
    return Period(first, last)


def choose_period(
    period: str | None, start: str | None, end: str | None, today: date, default: str = "today"
) -> Period:
    """What the options say: --period, or --from (and --to), not both; neither: `default`."""
    if period is not None and (start is not None or end is not None):
        raise PeriodError("period", t("report.error.period_and_range"))
    if start is not None:
        return period_between(start, end, today)
    if end is not None:
        raise PeriodError("to", t("report.error.to_without_from"))
    return parse_period(period if period is not None else default, today)
