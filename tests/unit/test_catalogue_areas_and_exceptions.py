"""Areas outside the region and exceptional hours: kept through the desk's rows,
a service only of other areas is not offered under a municipality of ours, and an
exception (a closed day, other hours, a summer break) wins over the weekly hours."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time

from ohjaaja.domain.catalogue import ServiceArea
from ohjaaja.domain.schedules import ExceptionalHours, ServiceHours, WeeklyHours
from ohjaaja.usecases.catalogue import Filters
from ohjaaja.usecases.desk import Desk

TURKU = "853"
WEEKDAYS = WeeklyHours("w", (0, 1, 2, 3, 4), time(8), time(16))
HELSINKI = ServiceArea(
    "area-hki", "Helsinki", uri="http://uri.suomi.fi/codelist/jhs/kunta_1_20240101/code/091"
)


def test_an_exception_replaces_the_week_for_its_days_only() -> None:
    summer = ExceptionalHours("s", date(2026, 7, 6), date(2026, 7, 10), time(9), time(12))
    closed = ExceptionalHours("c", date(2026, 7, 3), date(2026, 7, 3))
    hours = ServiceHours((WEEKDAYS,), exceptions=(summer, closed))
    assert hours.describe(date(2026, 7, 2)) == "08:00-16:00"  # a Thursday as usual
    assert hours.describe(date(2026, 7, 3)) == ""  # closed that Friday
    assert hours.describe(date(2026, 7, 6)) == "09:00-12:00"  # the summer week
    assert hours.describe(date(2026, 7, 11)) == ""  # Saturday: the week's rule, closed
    assert hours.describe(date(2026, 7, 13)) == "08:00-16:00"


def test_an_exception_runs_past_midnight_and_keeps_to_its_weekdays() -> None:
    nights = ExceptionalHours("n", date(2026, 12, 1), date(2026, 12, 31), time(20), time(8), (4,))
    hours = ServiceHours((WEEKDAYS,), exceptions=(nights,))
    friday_night = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)  # Saturday 5:00 in Helsinki
    assert hours.is_open(friday_night)
    assert hours.describe(date(2026, 12, 3)) == "08:00-16:00"  # a Thursday: not its day


def test_areas_outside_the_region_and_exceptions_survive_the_rows(admin: Desk) -> None:
    hit = admin.catalogue.search_services("velkaneuvonta")[0]
    service, _ = admin.catalogue.service(hit.id)  # type: ignore[misc]
    closed = ExceptionalHours(
        "x-1", date(2026, 12, 24), date(2026, 12, 26), description={"fi": "Joulu"}
    )
    elsewhere = replace(
        service, service_areas=(), other_areas=(HELSINKI,), exceptional_hours=(closed,)
    )
    assert admin.catalogue.save_service(elsewhere) == []
    again, _ = admin.catalogue.service(hit.id)  # type: ignore[misc]
    assert again.other_areas == (HELSINKI,)
    assert again.exceptional_hours == (closed,)
    assert again.schedules == service.schedules
    # Not under Turku's filter, found with all areas.
    turku = {h.id for h in admin.catalogue.search_services("velkaneuvonta", Filters(TURKU))}
    assert hit.id not in turku
    assert hit.id in {h.id for h in admin.catalogue.search_services("velkaneuvonta")}
    assert not again.available_in(TURKU)
    # Everywhere (nationwide) is still everywhere.
    assert replace(again, other_areas=()).available_in(TURKU)
