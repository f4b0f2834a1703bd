"""Periods as a person types them: Finnish local days, ISO weeks, months, years, ranges."""

from datetime import UTC, date, datetime

import pytest

from ohjaaja.domain.reports.model import HELSINKI, Period
from ohjaaja.domain.reports.periods import (
    PeriodError,
    choose_period,
    helsinki_today,
    parse_period,
    period_between,
)
from ohjaaja.i18n import set_language

THURSDAY = date(2026, 10, 1)  # the week crosses September into October


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("today", date(2026, 10, 1), date(2026, 10, 1)),
        ("yesterday", date(2026, 9, 30), date(2026, 9, 30)),
        ("this-week", date(2026, 9, 28), date(2026, 10, 4)),
        ("last-week", date(2026, 9, 21), date(2026, 9, 27)),
        ("this-month", date(2026, 10, 1), date(2026, 10, 31)),
        ("last-month", date(2026, 9, 1), date(2026, 9, 30)),
        ("2026", date(2026, 1, 1), date(2026, 12, 31)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2026-12", date(2026, 12, 1), date(2026, 12, 31)),
        (" This-Week ", date(2026, 9, 28), date(2026, 10, 4)),
    ],
)
def test_named_periods(text: str, start: date, end: date) -> None:
    assert parse_period(text, THURSDAY) == Period(start, end)


def test_weeks_and_months_across_the_year_end() -> None:
    new_year = date(2027, 1, 1)  # a Friday: ISO week 53 of 2026 runs into 2027
    assert parse_period("this-week", new_year) == Period(date(2026, 12, 28), date(2027, 1, 3))
    assert parse_period("last-month", new_year) == Period(date(2026, 12, 1), date(2026, 12, 31))
    assert parse_period("yesterday", new_year) == Period(date(2026, 12, 31), date(2026, 12, 31))
    assert parse_period("last-week", date(2027, 1, 4)) == Period(
        date(2026, 12, 28), date(2027, 1, 3)
    )


def test_today_is_the_day_in_helsinki() -> None:
    # 22:30 UTC on 31 December is already New Year's Day in Helsinki (UTC+2)
    assert helsinki_today(datetime(2026, 12, 31, 22, 30, tzinfo=UTC)) == date(2027, 1, 1)
    # in summer time (UTC+3) 21:00 UTC is already the next day; 20:59 is not
    assert helsinki_today(datetime(2026, 6, 30, 21, 0, tzinfo=UTC)) == date(2026, 7, 1)
    assert helsinki_today(datetime(2026, 6, 30, 20, 59, tzinfo=UTC)) == date(2026, 6, 30)


def test_days_of_a_dst_change_are_23_and_25_hours() -> None:
    spring = parse_period("2026-03", THURSDAY)  # clocks go forward on 29 March
    day = period_between("2026-03-29", "2026-03-29", THURSDAY)
    # (subtracting two times of one zone gives wall-clock time: compare instants in UTC)
    assert (day.until.astimezone(UTC) - day.since).total_seconds() == 23 * 3600
    autumn = period_between("2026-10-25", "2026-10-25", THURSDAY)
    assert (autumn.until.astimezone(UTC) - autumn.since).total_seconds() == 25 * 3600
    # a month is its local midnights: March starts at 22:00 UTC on 28 February
    assert spring.since.astimezone(UTC) == datetime(2026, 2, 28, 22, 0, tzinfo=UTC)
    assert spring.until.astimezone(UTC) == datetime(2026, 3, 31, 21, 0, tzinfo=UTC)
    assert spring.contains(datetime(2026, 3, 31, 20, 59, tzinfo=UTC))
    assert not spring.contains(datetime(2026, 3, 31, 21, 0, tzinfo=UTC))


def test_a_range_includes_both_days() -> None:
    period = period_between("2026-11-01", "2026-11-30", THURSDAY)
    assert period == Period(date(2026, 11, 1), date(2026, 11, 30))
    assert period.until == datetime(2026, 12, 1, tzinfo=HELSINKI)
    assert period_between("2026-09-15", None, THURSDAY).end == THURSDAY


@pytest.mark.parametrize(
    ("period", "start", "end", "option", "words"),
    [
        ("fortnight", None, None, "period", "'fortnight' is not a period"),
        ("2026-13", None, None, "period", "'2026-13' is not a period"),
        (None, "2026-02-30", None, "from", "'2026-02-30' is not a day"),
        (None, "1.11.2026", None, "from", "YYYY-MM-DD"),
        (None, "2026-11-30", "2026-11-01", "to", "ends (2026-11-01) before it starts"),
        ("today", "2026-11-01", None, "period", "not both"),
        (None, None, "2026-11-01", "to", "--to needs --from"),
    ],
)
def test_bad_periods_name_the_option_and_why(
    period: str | None, start: str | None, end: str | None, option: str, words: str
) -> None:
    set_language("en")
    with pytest.raises(PeriodError) as caught:
        choose_period(period, start, end, THURSDAY)
    assert caught.value.option == option
    assert words in caught.value.reason


def test_errors_are_in_the_workers_language() -> None:
    with pytest.raises(PeriodError) as caught:
        parse_period("viikko", THURSDAY)
    assert "'viikko' ei ole jakso" in caught.value.reason
    set_language("sv")
    with pytest.raises(PeriodError) as caught:
        parse_period("vecka", THURSDAY)
    assert "'vecka' är ingen period" in caught.value.reason


def test_neither_gives_the_default() -> None:
    assert choose_period(None, None, None, THURSDAY) == Period(THURSDAY, THURSDAY)
    assert choose_period(None, None, None, THURSDAY, "last-month").start == date(2026, 9, 1)
