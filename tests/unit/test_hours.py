from datetime import UTC, date, datetime, time, timedelta

import holidays
import pytest

from ohjaaja.domain.clock import HELSINKI
from ohjaaja.domain.hours import OpeningHours, is_holiday, is_holiday_eve
from ohjaaja.domain.reference import lines

OLDER = OpeningHours.from_spec(
    {"mon-thu": "08:00-15:00", "fri": "08:00-13:00", "holiday_eve": "08:00-13:00"}
)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=HELSINKI)


def test_ordinary_week() -> None:
    monday = date(2026, 11, 23)
    assert OLDER.describe(monday) == "08:00-15:00"
    assert OLDER.describe(monday + timedelta(days=4)) == "08:00-13:00"  # Friday
    assert OLDER.describe(monday + timedelta(days=5)) == ""  # Saturday
    assert OLDER.is_open(at(monday, 8, 0))
    assert OLDER.is_open(at(monday, 14, 59))
    assert not OLDER.is_open(at(monday, 15, 0))
    assert not OLDER.is_open(at(monday, 7, 59))


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 1, 5), "08:00-13:00"),  # eve of Epiphany (Monday)
        (date(2026, 4, 2), "08:00-13:00"),  # Maundy Thursday, eve of Good Friday
        (date(2026, 4, 3), ""),  # Good Friday
        (date(2026, 4, 30), "08:00-13:00"),  # May Day eve
        (date(2026, 5, 13), "08:00-13:00"),  # eve of Ascension Day
        (date(2026, 6, 18), "08:00-15:00"),  # the day before Midsummer Eve: ordinary
        (date(2026, 6, 19), ""),  # Midsummer Eve: a day off
        (date(2026, 10, 30), "08:00-13:00"),  # Friday before All Saints' Day
        (date(2026, 12, 23), "08:00-15:00"),  # the day before Christmas Eve: ordinary
        (date(2026, 12, 24), ""),
        (date(2026, 12, 31), "08:00-13:00"),  # New Year's Eve (Thursday)
        (date(2027, 12, 6), ""),  # Independence Day on a Monday
    ],
)
def test_holidays_and_eves(day: date, expected: str) -> None:
    assert OLDER.describe(day) == expected


def test_a_whole_year_of_days() -> None:
    finland = holidays.Finland(years=[2026, 2027])
    day = date(2026, 1, 1)
    while day.year < 2028:
        text = OLDER.describe(day)
        if day in finland or day.weekday() >= 5:
            assert text == "", day
        elif is_holiday_eve(day):
            assert text == "08:00-13:00", day
            assert (day + timedelta(days=1)) in finland
        else:
            assert text == ("08:00-13:00" if day.weekday() == 4 else "08:00-15:00"), day
        day += timedelta(days=1)


def test_eve_never_lengthens_a_shorter_day() -> None:
    working_age = OpeningHours.from_spec({"mon-fri": "08:00-12:00", "holiday_eve": "08:00-13:00"})
    assert working_age.describe(date(2026, 12, 31)) == "08:00-12:00"


def test_summer_and_winter_time() -> None:
    # 08:00 in Helsinki is 05:00 UTC in summer and 06:00 UTC in winter.
    assert OLDER.is_open(datetime(2026, 7, 1, 5, 0, tzinfo=UTC))
    assert not OLDER.is_open(datetime(2026, 12, 1, 5, 0, tzinfo=UTC))
    assert OLDER.is_open(datetime(2026, 12, 1, 6, 0, tzinfo=UTC))


def test_emergency_line_is_always_open() -> None:
    emergency = lines()["sosiaalipaivystys"].hours
    assert emergency.is_open(at(date(2026, 12, 24), 3, 0))
    assert emergency.describe(date(2026, 12, 25)) == "24/7"


def test_fixture_lines_match_the_sources() -> None:
    defs = lines()
    assert set(defs) == {"lapsiperheet", "tyoikaiset", "ikaihmiset", "mipa", "sosiaalipaivystys"}
    assert defs["tyoikaiset"].hours.describe(date(2026, 11, 23)) == "08:00-12:00"
    assert defs["mipa"].hours.describe(date(2026, 11, 23)) == "09:00-12:00"
    assert is_holiday(date(2026, 12, 6))  # Independence Day, a Sunday in 2026
