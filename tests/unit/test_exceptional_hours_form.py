"""The admin form's exceptional hours: '24.12.-26.12. suljettu; 1.7.-31.7. 9-12',
read in fi, sv or en, written back in the worker's language, every error naming the
part and why; and the service form keeps them (and areas outside the region)."""

from __future__ import annotations

from datetime import date, time
from itertools import count

import pytest

from ohjaaja.domain.catalogue import Service, ServiceArea, service_form_values, service_from_form
from ohjaaja.domain.reasons import Reason, Unusable
from ohjaaja.domain.schedules import ExceptionalHours, exceptions_text, parse_exceptions_text
from ohjaaja.i18n import t_in

TODAY = date(2026, 12, 5)


def said(why: Reason, language: str) -> str:
    params = {name: said(v, language) if isinstance(v, Reason) else v for name, v in why.params}
    return t_in(language, why.key, **params)


def test_a_closed_christmas_and_a_summer_of_short_hours() -> None:
    christmas, summer = parse_exceptions_text("24.12.-26.12. suljettu; 1.7.-31.7. 9-12", TODAY)
    assert (christmas.valid_from, christmas.valid_to, christmas.closed) == (
        date(2026, 12, 24),
        date(2026, 12, 26),
        True,
    )
    # 1.7.-31.7. of 2026 is over by December: the next summer is meant.
    assert (summer.valid_from, summer.valid_to) == (date(2027, 7, 1), date(2027, 7, 31))
    assert (summer.opens, summer.closes, summer.days) == (time(9), time(12), ())


@pytest.mark.parametrize(
    "written",
    [
        "24.12.2026-26.12.2026 stängt",
        "24.12.-26.12.2026 closed",
        "24.12. - 26.12. Suljettu",
        "24.12.–26.12. kiinni",
    ],
)
def test_the_closed_word_and_the_dates_are_read_in_any_of_the_languages(written: str) -> None:
    (christmas,) = parse_exceptions_text(written, TODAY)
    assert (christmas.valid_from, christmas.valid_to, christmas.closed) == (
        date(2026, 12, 24),
        date(2026, 12, 26),
        True,
    )


def test_one_day_weekdays_and_a_night_over_the_new_year() -> None:
    eve, nights, new_year = parse_exceptions_text(
        "6.12. 10-14; 1.12.-31.12. pe 20-8; 28.12.-2.1. mån-fre 8.30-12", TODAY
    )
    assert (eve.valid_from, eve.valid_to, eve.opens, eve.closes) == (
        date(2026, 12, 6),
        date(2026, 12, 6),
        time(10),
        time(14),
    )
    assert (nights.days, nights.opens, nights.closes) == ((4,), time(20), time(8))
    assert (new_year.valid_from, new_year.valid_to) == (date(2026, 12, 28), date(2027, 1, 2))
    assert new_year.days == (0, 1, 2, 3, 4) and new_year.opens == time(8, 30)


def test_written_back_in_the_workers_language_and_read_again_the_same() -> None:
    exceptions = parse_exceptions_text(
        "24.12.-26.12. suljettu; 1.7.-31.7. ma-pe 9-12; 28.12.-2.1. 0-24", TODAY
    )
    assert exceptions_text(exceptions, "fi") == (
        "24.12.-26.12.2026 suljettu; 1.7.-31.7.2027 ma-pe 09:00-12:00; "
        "28.12.2026-2.1.2027 00:00-24:00"
    )
    assert exceptions_text(exceptions, "sv").startswith("24.12.-26.12.2026 stängt; 1.7.")
    assert "mån-fre 09:00-12:00" in exceptions_text(exceptions, "sv")
    assert exceptions_text(exceptions, "en").startswith("24.12.-26.12.2026 closed;")
    for language in ("fi", "sv", "en"):
        again = parse_exceptions_text(exceptions_text(exceptions, language), date(2027, 9, 1))
        assert again == exceptions
    assert exceptions_text((ExceptionalHours("x", date(2026, 12, 6), date(2026, 12, 6)),)) == (
        "6.12.2026 closed"
    )


@pytest.mark.parametrize(
    ("written", "english", "finnish"),
    [
        (
            "jouluna suljettu",
            "'jouluna suljettu': 'jouluna' is not a date or period (24.12. or 24.12.-26.12.)",
            "'jouluna suljettu': 'jouluna' ei ole päivä eikä jakso (24.12. tai 24.12.-26.12.)",
        ),
        (
            "31.2. suljettu",
            "'31.2. suljettu': '31.2.' is not a date (24.12. or 24.12.2026)",
            "'31.2. suljettu': '31.2.' ei ole päivämäärä (24.12. tai 24.12.2026)",
        ),
        (
            "26.12.2026-24.12.2026 suljettu",
            "'26.12.2026-24.12.2026 suljettu': ends before it begins",
            "'26.12.2026-24.12.2026 suljettu': päättyy ennen kuin alkaa",
        ),
        (
            "24.12.-26.12.",
            "'24.12.-26.12.': say closed or the hours (9-12)",
            "'24.12.-26.12.': kirjoita suljettu tai aukioloaika (9-12)",
        ),
        (
            "1.7.-31.7. 9-25",
            "'1.7.-31.7. 9-25': '25:00' is not a time (HH:MM)",
            "'1.7.-31.7. 9-25': '25:00' ei ole kellonaika (HH:MM)",
        ),
        (
            "1.7.-31.7. xx 9-12",
            "'1.7.-31.7. xx 9-12': 'xx' is not a day",
            "'1.7.-31.7. xx 9-12': 'xx' ei ole viikonpäivä",
        ),
    ],
)
def test_each_error_names_the_part_and_why(written: str, english: str, finnish: str) -> None:
    with pytest.raises(Unusable) as raised:
        parse_exceptions_text(f"6.12. suljettu; {written}", TODAY)
    why = raised.value.why
    assert said(why, "en").startswith(english)
    assert str(why).startswith(english.partition(": ")[0])  # the command line's English
    assert said(why, "fi").startswith(finnish)
    assert said(why, "sv") not in (said(why, "en"), said(why, "fi"))


def form(**changed: object) -> dict[str, object]:
    values: dict[str, object] = {
        "organization_id": "org",
        "name_fi": "Klubitalo",
        "status": "active",
        "client_groups": [],
        "channels": [],
        "languages": "fi",
        "areas": "",
        "free": True,
        "holidays": "closed",
        "eve_closes": "",
        "phones": "",
        "hours": "ma-pe 8-16",
        "exceptions": "",
    }
    return {**values, **changed}


def ids() -> object:
    numbers = count(1)
    return lambda: f"id{next(numbers)}"


def test_the_service_form_reads_the_exceptions_and_keeps_what_it_does_not_show() -> None:
    helsinki = ServiceArea("area-hki", "Helsinki", uri="http://example.test/091")
    named = ExceptionalHours(
        "ptv-1", date(2026, 12, 24), date(2026, 12, 26), description={"fi": "Joulu"}
    )
    old = Service(
        "s", "org", {"fi": "Klubitalo"}, other_areas=(helsinki,), exceptional_hours=(named,)
    )
    shown = service_form_values(old, "fi")
    assert shown["exceptions"] == "24.12.-26.12.2026 suljettu"
    assert shown["other_areas"] == "Helsinki"
    written = form(exceptions=f"{shown['exceptions']}; 1.7.-31.7. 9-12")
    service, problems = service_from_form(written, old, ids(), today=TODAY)  # type: ignore[arg-type]
    assert problems == [] and service is not None
    kept, summer = service.exceptional_hours
    assert kept == named  # the same period keeps its id and its description
    assert summer.id == "id1" and summer.valid_from == date(2027, 7, 1)
    assert service.other_areas == (helsinki,)


def test_a_bad_exception_is_the_exceptions_fields_error() -> None:
    service, problems = service_from_form(
        form(exceptions="24.12.-26.12. auki"),
        None,
        ids(),
        today=TODAY,  # type: ignore[arg-type]
    )
    assert service is None
    ((name, why),) = problems
    assert name == "exceptions"
    assert said(why, "en").startswith("'24.12.-26.12. auki': 'auki'")
