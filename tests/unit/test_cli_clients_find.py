"""`ohjaaja clients find` (issue 15, item 26): the desk's search from the shell, a
number found by its first digits, and an empty result said as one.

Exit status: 0 clients found, 1 none found (said on standard error; with --json
standard output still holds the page, its list empty), 2 nothing to search for."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ohjaaja.domain.clock import FixedClock
from ohjaaja.shell.cli import main
from ohjaaja.usecases.desk import Desk
from tests.conftest import AINO


@pytest.fixture
def register(db_path: Path, clock: FixedClock) -> Path:
    desk = Desk(db_path, clock, "Testi")
    desk.clients.create_client({**AINO, "phone": "040 1009027"})
    desk.clients.create_client(
        {**AINO, "last_name": "Koski", "hetu": "010150-123A", "phone": "050 1234567"}
    )
    desk.close()
    return db_path


@pytest.mark.parametrize("typed", ["0401", "04010", "040 100", "+358 40 10", "0401009027"])
def test_a_number_is_found_by_its_first_digits(register: Path, typed: str, capsys) -> None:
    assert main(["clients", "find", typed, "--json", "--database", str(register)]) == 0
    found = json.loads(capsys.readouterr().out)["clients"]
    assert [c["name"] for c in found] == ["Mäkinen Aino Maria"]


@pytest.mark.parametrize("as_json", [True, False])
def test_nothing_found_is_said(register: Path, as_json: bool, capsys) -> None:
    argv = ["clients", "find", "0409", "--database", str(register)]
    assert main([*argv, "--json"] if as_json else argv) == 1
    out, err = capsys.readouterr()
    assert "asiakkaita ei löytynyt haulla '0409'" in err
    if as_json:
        assert json.loads(out) == {"page": 1, "more": False, "clients": []}
    else:
        assert out == ""


@pytest.mark.parametrize(
    ("language", "said"),
    [("en", "no clients found for '0409'"), ("sv", "inga klienter hittades för '0409'")],
)
def test_nothing_found_is_said_in_the_workers_language(
    register: Path, language: str, said: str, capsys, tmp_path: Path, monkeypatch
) -> None:
    """The language F2 last chose for the worker (the desk's rule for its commands)."""
    from ohjaaja.shell.settings import remember_language

    kept = tmp_path / "preferences.json"
    monkeypatch.setenv("OHJAAJA_PREFERENCES", str(kept))
    remember_language(kept, "Anna", language)
    argv = ["clients", "find", "0409", "--database", str(register), "--worker", "Anna"]
    assert main(argv) == 1
    assert said in capsys.readouterr().err


def test_a_page_past_the_last_is_said(register: Path, capsys) -> None:
    assert main(["clients", "find", "makinen", "--page", "3", "--database", str(register)]) == 1
    assert "sivulla 3 ei ole mitään" in capsys.readouterr().err


@pytest.mark.parametrize("typed", ["", "04", "0"])
def test_a_query_that_stands_for_no_search_is_said(register: Path, typed: str, capsys) -> None:
    assert main(["clients", "find", typed, "--database", str(register)]) == 2
    assert "nothing to search for" in capsys.readouterr().err
