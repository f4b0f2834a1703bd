from datetime import date

from ohjaaja.domain.clients import age_on, parse_date, validate_client
from ohjaaja.domain.reference import municipalities
from tests.conftest import AINO

KNOWN = set(municipalities())
GOOD = AINO


def errors_of(fields: dict[str, str]) -> dict[str, str]:
    _, errors = validate_client(fields, KNOWN)
    return {e.field: e.key for e in errors}


def test_a_good_client() -> None:
    clean, errors = validate_client(GOOD, KNOWN)
    assert errors == []
    assert clean is not None
    assert clean.phones == ("+358405485906",)
    assert clean.birth_date == date(1952, 10, 13)


def test_every_bad_field_is_named_with_its_reason() -> None:
    bad = {
        "last_name": " ",
        "first_names": "",
        "hetu": "131052-308X",
        "phone": "12",
        "municipality_code": "999",
        "language": "de",
    }
    assert errors_of(bad) == {
        "last_name": "error.required",
        "first_names": "error.required",
        "hetu": "error.hetu.check",
        "phone": "error.phone.invalid",
        "municipality_code": "error.municipality",
        "language": "error.language",
    }


def test_identity_code_or_birth_date_is_needed() -> None:
    assert errors_of({**GOOD, "hetu": ""}) == {"hetu": "error.hetu_or_birth"}
    assert errors_of({**GOOD, "hetu": "", "birth_date": "13.10.1952"}) == {}


def test_birth_date_must_agree_with_the_code() -> None:
    assert errors_of({**GOOD, "birth_date": "1952-10-14"}) == {"birth_date": "error.date_mismatch"}
    assert errors_of({**GOOD, "birth_date": "1952-10-13"}) == {}
    assert errors_of({**GOOD, "birth_date": "30.2.1952"}) == {"birth_date": "error.date"}


def test_temporary_code_is_marked() -> None:
    clean, _ = validate_client({**GOOD, "hetu": "010180-912H"}, KNOWN)
    assert clean is not None and clean.hetu_temporary


def test_dates_and_ages() -> None:
    assert parse_date("1.2.1950") == date(1950, 2, 1)
    assert age_on(date(1952, 10, 13), date(2026, 10, 12)) == 73
    assert age_on(date(1952, 10, 13), date(2026, 10, 13)) == 74
