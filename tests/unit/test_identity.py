from datetime import date

import pytest
from stdnum.fi import hetu as stdnum_hetu

from ohjaaja.domain.identity import (
    CENTURY_SIGNS,
    IdentityCodeError,
    make_identity_code,
    parse_identity_code,
)


def test_classic_code() -> None:
    code = parse_identity_code("131052-308T")
    assert code.birth_date == date(1952, 10, 13)
    assert code.sex == "female"
    assert not code.temporary


@pytest.mark.parametrize("sign", ["Y", "X", "W", "V", "U"])
def test_2023_letters_for_the_1900s(sign: str) -> None:
    code = parse_identity_code(f"131052{sign}308T")
    assert code.birth_date == date(1952, 10, 13)
    assert code.code == f"131052{sign}308T"


@pytest.mark.parametrize("sign", ["A", "B", "C", "D", "E", "F"])
def test_letters_for_the_2000s(sign: str) -> None:
    code = make_identity_code(date(2010, 5, 3), 145, sign)
    assert parse_identity_code(code).birth_date == date(2010, 5, 3)


def test_the_sign_is_part_of_the_identity() -> None:
    # Same digits, different century-sign letters: two people, stored as given.
    assert parse_identity_code("131052-308T").code != parse_identity_code("131052Y308T").code


def test_1800s() -> None:
    code = make_identity_code(date(1899, 12, 31), 2, "+")
    assert parse_identity_code(code).birth_date == date(1899, 12, 31)


def test_temporary_codes_are_accepted_and_marked() -> None:
    code = make_identity_code(date(1980, 1, 1), 912, "-")
    assert parse_identity_code(code).temporary
    assert not parse_identity_code(make_identity_code(date(1980, 1, 1), 899, "-")).temporary


def test_lowercase_and_spaces_are_compacted() -> None:
    assert parse_identity_code(" 131052y308t ").code == "131052Y308T"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("131052-308X", "error.hetu.check"),
        ("131052-30", "error.hetu.length"),
        ("131052Z308T", "error.hetu.sign"),
        ("310252-3089", "error.hetu.impossible"),  # 31 February
        ("131052-001P", "error.hetu.impossible"),  # individual number below 002
    ],
)
def test_invalid_codes_say_why(text: str, key: str) -> None:
    with pytest.raises(IdentityCodeError) as caught:
        parse_identity_code(text)
    assert caught.value.key == key


def test_generated_codes_agree_with_stdnum_for_every_sign() -> None:
    for sign, century in CENTURY_SIGNS.items():
        code = make_identity_code(date(century + 45, 7, 9), 301, sign)
        assert stdnum_hetu.is_valid(code), code


def test_make_refuses_a_sign_of_another_century() -> None:
    with pytest.raises(ValueError):
        make_identity_code(date(1950, 1, 1), 100, "A")
