"""The cost shares' CSV files: what they hold, and errors naming file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from ohjaaja.domain.reference import FIXTURES, municipalities
from ohjaaja.exchange.cost_inputs import CostInputError, read_contacts, read_population
from ohjaaja.i18n import set_language

NAMES = {code: m.name_fi for code, m in municipalities().items()}
BOTH = {code: (m.name_fi, m.name_sv) for code, m in municipalities().items()}


@pytest.fixture(autouse=True)
def english() -> None:
    set_language("en")


def write(tmp_path: Path, text: str, name: str = "input.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_contacts_file_comma_or_semicolon_with_a_byte_order_mark(tmp_path: Path) -> None:
    path = write(tmp_path, "\ufeffmunicipality_code;contacts\r\n853;1200\r\n\r\n680;0\r\n")
    assert read_contacts(path, NAMES) == {"853": 1200, "680": 0}
    path = write(tmp_path, "Municipality_Code , Contacts\n019, 7\n")
    assert read_contacts(path, NAMES) == {"019": 7}


@pytest.mark.parametrize(
    ("text", "line", "field", "why"),
    [
        ("municipality_code,contacts\n853,10\n999,3\n", 3, "municipality_code", "'999' is not"),
        ("municipality_code,contacts\n853,10\n853,3\n", 3, "municipality_code", "first on line 2"),
        ("municipality_code,contacts\n853,-1\n", 2, "contacts", "'-1' is not a whole number"),
        ("municipality_code,contacts\n853,1.5\n", 2, "contacts", "'1.5'"),
        ("municipality_code,contacts\n853,\n", 2, "contacts", "'' is not"),
        ("municipality_code,contacts\n853,1,2\n", 2, "row", "3 fields, the header has 2"),
        ("municipality_code,count\n853,1\n", 1, "contacts", "no such column"),
        ("code,contacts\n853,1\n", 1, "municipality_code", "no such column"),
        ("municipality_code,contacts,contacts\n", 1, "contacts", "twice"),
        ("", 1, "header", "no header row"),
    ],
)
def test_contacts_file_errors_name_file_line_and_field(
    tmp_path: Path, text: str, line: int, field: str, why: str
) -> None:
    path = write(tmp_path, text, "suoritteet-2020.csv")
    with pytest.raises(CostInputError) as caught:
        read_contacts(path, NAMES)
    assert (caught.value.path, caught.value.line, caught.value.field) == (path, line, field)
    assert str(caught.value).startswith(f"{path}:{line}: {field}: ")
    assert why in str(caught.value)


def test_a_file_that_is_not_there_or_not_text(tmp_path: Path) -> None:
    with pytest.raises(CostInputError) as caught:
        read_contacts(tmp_path / "missing.csv", NAMES)
    assert str(caught.value).startswith(f"{tmp_path / 'missing.csv'}: file: cannot be read")
    path = tmp_path / "latin1.csv"
    path.write_bytes("municipality_code,contacts\n853,1 # Åbo\n".encode("latin-1"))
    with pytest.raises(CostInputError, match="not UTF-8"):
        read_contacts(path, NAMES)


def test_the_shipped_fixture_is_a_population_file() -> None:
    read = read_population(FIXTURES / "varsinais-suomi-municipalities.csv", 2019, BOTH)
    assert len(read) == 27
    turku = next(m for m in read if m.code == "853")
    assert (turku.population_75plus, turku.population_year, turku.in_agreement) == (
        17865, 2019, True,
    )  # fmt: skip
    assert [m.code for m in read if not m.in_agreement] == ["895"]  # Uusikaupunki


def test_a_plain_population_file_of_another_year(tmp_path: Path) -> None:
    path = write(tmp_path, "municipality_code,population_75plus_2024,in_agreement\n"
                 "853,21000,yes\n895,2100,kyllä\n680,2900,ei\n")  # fmt: skip
    read = {m.code: m for m in read_population(path, 2024, BOTH)}
    assert read["853"].population_75plus == 21000 and read["853"].name_sv == "Åbo"
    assert (read["895"].in_agreement, read["680"].in_agreement) == (True, False)
    everyone = write(tmp_path, "code,population_75plus\n853,1\n019,2\n", "plain.csv")
    assert all(m.in_agreement for m in read_population(everyone, 2030, BOTH))


@pytest.mark.parametrize(
    ("text", "year", "line", "field", "why"),
    [
        ("code,population_75plus_2019\n853,1\n", 2021, 1, "population_75plus_2021", "no such"),
        ("code,population_75plus\n853,many\n", 2021, 2, "population_75plus", "'many'"),
        ("code,population_75plus,in_agreement\n853,1,maybe\n", 2021, 2, "in_agreement", "yes"),
        (
            "code,population_75plus,in_guidance_agreement_2021,in_guidance_agreement_2022\n",
            2021,
            1,
            "in_guidance_agreement_2022",
            "which agreement",
        ),
        ("code,population_75plus\n", 2021, 2, "code", "no municipalities"),
    ],
)
def test_population_file_errors_name_file_line_and_field(
    tmp_path: Path, text: str, year: int, line: int, field: str, why: str
) -> None:
    path = write(tmp_path, text, "vaesto.csv")
    with pytest.raises(CostInputError) as caught:
        read_population(path, year, BOTH)
    assert str(caught.value).startswith(f"{path}:{line}: {field}: ")
    assert why in str(caught.value)
