"""Service hours: weekly HSDS rules with Finnish holidays, their eves and overnight hours."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from ohjaaja.domain.clock import HELSINKI
from ohjaaja.domain.reasons import Reason, Unusable
from ohjaaja.domain.schedules import (
    ServiceHours,
    WeeklyHours,
    hours_text,
    parse_byday,
    parse_hours_text,
    parse_time,
)
from ohjaaja.i18n import t_in

OFFICE = WeeklyHours("a", (0, 1, 2, 3, 4), time(8), time(16))
NIGHT = WeeklyHours("b", (0, 1, 2, 3, 4, 5, 6), time(20), time(8))
WEEKEND = WeeklyHours("c", (5, 6), time(10), time(14))


def at(day: str, clock: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time.fromisoformat(clock), tzinfo=HELSINKI)


def test_office_hours_on_an_ordinary_week() -> None:
    hours = ServiceHours((OFFICE,))
    assert hours.is_open(at("2026-11-23", "08:00"))  # Monday, the opening minute
    assert not hours.is_open(at("2026-11-23", "16:00"))  # the closing minute is closed
    assert not hours.is_open(at("2026-11-28", "12:00"))  # Saturday
    assert hours.describe(date(2026, 11, 23)) == "08:00-16:00"


def test_instants_are_read_in_finnish_time() -> None:
    hours = ServiceHours((OFFICE,))
    from datetime import UTC

    # 06:30 UTC is 08:30 in Helsinki in winter: open.
    assert hours.is_open(datetime(2026, 11, 23, 6, 30, tzinfo=UTC))
    assert not hours.is_open(datetime(2026, 11, 23, 5, 30, tzinfo=UTC))


@pytest.mark.parametrize(
    ("day", "why"),
    [
        ("2026-01-06", "Epiphany, a Tuesday"),
        ("2026-04-03", "Good Friday"),
        ("2026-04-06", "Easter Monday"),
        ("2026-05-01", "May Day"),
        ("2026-05-14", "Ascension Day"),
        ("2026-06-19", "Midsummer Eve, a day off itself"),
        ("2026-12-24", "Christmas Eve"),
        ("2026-12-25", "Christmas Day"),
        ("2027-12-06", "Independence Day, a Monday"),
    ],
)
def test_closed_on_public_holidays(day: str, why: str) -> None:
    assert not ServiceHours((OFFICE,)).is_open(at(day, "10:00")), why


def test_a_year_of_weekdays_open_exactly_when_not_a_holiday() -> None:
    import holidays

    off = set(holidays.Finland(years=2027))
    hours = ServiceHours((OFFICE,))
    day = date(2027, 1, 1)
    while day.year == 2027:
        expected = day.weekday() < 5 and day not in off
        assert hours.is_open(datetime.combine(day, time(9), tzinfo=HELSINKI)) == expected, day
        day = date.fromordinal(day.toordinal() + 1)


def test_sunday_rule_on_holidays() -> None:
    hours = ServiceHours((OFFICE, WEEKEND), holidays="sunday")
    # Ascension Day 2026 is a Thursday: Sunday's 10-14, not the office hours.
    assert hours.describe(date(2026, 5, 14)) == "10:00-14:00"
    assert hours.is_open(at("2026-05-14", "11:00"))
    assert not hours.is_open(at("2026-05-14", "15:00"))


def test_open_rule_ignores_holidays() -> None:
    hours = ServiceHours((OFFICE,), holidays="open")
    assert hours.is_open(at("2026-05-14", "11:00"))


def test_eves_close_early_when_the_service_says_so() -> None:
    short = ServiceHours((OFFICE,), eve_closes=time(12))
    # Wednesday 13 May 2026 is the eve of Ascension Day.
    assert short.describe(date(2026, 5, 13)) == "08:00-12:00"
    assert short.is_open(at("2026-05-13", "11:59"))
    assert not short.is_open(at("2026-05-13", "12:30"))
    # New Year's Eve 2026 (Thursday, before a Friday holiday).
    assert short.describe(date(2026, 12, 31)) == "08:00-12:00"
    # The day before Christmas Eve is not an eve: Christmas Eve is a day off itself.
    assert short.describe(date(2026, 12, 23)) == "08:00-16:00"
    # Without an eve time, eves keep their usual hours.
    assert ServiceHours((OFFICE,)).describe(date(2026, 5, 13)) == "08:00-16:00"


def test_overnight_hours_belong_to_the_day_they_start() -> None:
    hours = ServiceHours((NIGHT,), holidays="closed")
    assert hours.is_open(at("2026-11-27", "23:00"))  # Friday night
    assert hours.is_open(at("2026-11-28", "07:59"))  # still Friday's shift on Saturday
    assert not hours.is_open(at("2026-11-28", "08:00"))
    assert hours.describe(date(2026, 11, 27)) == "20:00-08:00"
    # A holiday decides by the day a shift begins: Christmas Day and Boxing Day
    # (both holidays) start no shift, so their nights and the mornings after are closed.
    assert not hours.is_open(at("2026-12-25", "23:00"))
    assert not hours.is_open(at("2026-12-26", "02:00"))
    assert not hours.is_open(at("2026-12-27", "02:00"))
    assert hours.is_open(at("2026-12-27", "23:00"))  # Sunday 27th is an ordinary day
    assert hours.is_open(at("2026-12-28", "02:00"))


def test_whole_days() -> None:
    always = ServiceHours((WeeklyHours("d", tuple(range(7)), time(0), time(0)),), holidays="open")
    for moment in ("00:00", "12:00", "23:59"):
        assert always.is_open(at("2026-12-25", moment))


def test_no_rules_means_hours_unknown() -> None:
    assert not ServiceHours().known
    assert ServiceHours((OFFICE,)).known


def test_the_admin_notation_reads_and_writes_back() -> None:
    text = "mon-fri 08:00-16:00; sat-sun 10:00-14:00; mon,wed-thu 20:00-08:00; mon-sun 00:00-24:00"
    rules = parse_hours_text(text, ["x"])
    assert rules[0].id == "x" and rules[1].id == ""
    assert rules[2].days == (0, 2, 3)
    assert hours_text(rules) == text


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("mon-fri 25:00-16:00", "not a time: '25:00'"),
        ("mon-fry 08:00-16:00", "not a day"),
        ("mon-fri 08.00", "not a time"),
        ("08:00-16:00", "not a day"),
        ("ma-pe 8:61-16", "not a time: '8:61'"),
    ],
)
def test_bad_hours_say_which_part(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_hours_text(text, [])


@pytest.mark.parametrize(
    "text",
    [
        "mon-fri 09:00-16:00; sat 10:00-14:00",
        "ma-pe 9-16; la 10-14",
        "Ma–Pe 9.00–16.00; la 10–14",
        "maanantai-perjantai 9-16; lauantai 10-14",
        "mån-fre 9-16; lör 10-14",
        "må-fr 09.00-16.00; lö 10:00-14:00",
        "måndag-fredag 9-16; lördag 10-14",
    ],
)
def test_days_and_hours_are_read_in_finnish_swedish_and_english(text: str) -> None:
    rules = parse_hours_text(text, [])
    assert [(r.days, r.opens, r.closes) for r in rules] == [
        ((0, 1, 2, 3, 4), time(9), time(16)),
        ((5,), time(10), time(14)),
    ]


def test_the_notation_is_written_in_the_workers_language_and_read_back() -> None:
    text = "mon-fri 08:00-16:00; sat-sun 10:00-14:00; mon,wed-thu 20:00-08:00"
    rules = parse_hours_text(text, [])
    assert hours_text(rules, "fi") == "ma-pe 08:00-16:00; la-su 10:00-14:00; ma,ke-to 20:00-08:00"
    assert hours_text(rules, "sv").startswith("mån-fre 08:00-16:00; lör-sön")
    for language in ("fi", "sv", "en"):
        assert parse_hours_text(hours_text(rules, language), []) == rules


def told(why: Reason, language: str) -> str:
    params = {name: told(v, language) if isinstance(v, Reason) else v for name, v in why.params}
    return t_in(language, why.key, **params)


def test_a_bad_part_is_told_in_the_workers_language() -> None:
    with pytest.raises(Unusable) as caught:
        parse_hours_text("ma-px 9-16", [])
    assert "ei ole viikonpäivä" in told(caught.value.why, "fi")
    assert "px" in told(caught.value.why, "fi")
    assert "veckodag" in told(caught.value.why, "sv")
    assert "not a day" in str(caught.value)  # the import and the command line: English
    with pytest.raises(Unusable) as caught:
        parse_hours_text("ma-pe 9-25", [])
    assert "ei ole kellonaika" in told(caught.value.why, "fi")


def test_hsds_byday_and_times() -> None:
    assert parse_byday("MO,TU, fr") == (0, 1, 4)
    with pytest.raises(ValueError, match="XX"):
        parse_byday("MO,XX")
    assert parse_time("8:00") == time(8) and parse_time("24:00") == time(0)
