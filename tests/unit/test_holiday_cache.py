"""Finland's holidays kept in a file: a desk's second start draws without loading
the `holidays` library, the days are the library's, and a spoilt file is never
believed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import holidays
import pytest
from ohjaaja.db import holiday_cache
from ohjaaja.db.holiday_cache import finnish_holidays

ROOT = Path(__file__).resolve().parents[2]
ASK = (
    "import sys; from datetime import date; from ohjaaja.domain.hours import is_holiday; "
    "print(is_holiday(date(2026, 12, 6)), is_holiday(date(2026, 12, 7)), "
    "'holidays' in sys.modules)"
)


def library(year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("FI", years=year))


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_a_second_start_does_not_load_the_library(cache_home: Path) -> None:
    env = dict(os.environ, XDG_CACHE_HOME=str(cache_home))
    said = [
        subprocess.run([sys.executable, "-c", ASK], cwd=ROOT, env=env, capture_output=True,
                       text=True, check=True).stdout.split()
        for _ in range(2)
    ]  # fmt: skip
    # Independence Day is a holiday, the Monday after is not; the first start loads
    # the library and keeps the days, the second reads them.
    assert said == [["True", "False", "True"], ["True", "False", "False"]]


def test_the_days_kept_are_the_librarys(cache_home: Path) -> None:
    first = finnish_holidays(2027)
    assert first == library(2027)
    assert finnish_holidays(2027) == library(2027)
    assert len(list(cache_home.rglob("holidays-fi-*.json"))) == 1


@pytest.mark.parametrize(
    "spoilt",
    [
        "not json",
        json.dumps({"2027": {"2027-13-01": "no such day"}}),
        json.dumps({"2027": {"2026-12-24": "another year's day"}}),
        json.dumps({"2027": {"2027-12-24": 7}}),
        json.dumps({"2027": {}}),
        json.dumps(["2027"]),
    ],
    ids=["garbage", "not-a-date", "another-year", "not-a-name", "empty", "not-a-mapping"],
)
def test_a_spoilt_file_is_not_believed(cache_home: Path, spoilt: str) -> None:
    finnish_holidays(2026)  # makes the file
    (path,) = cache_home.rglob("holidays-fi-*.json")
    path.write_text(spoilt, encoding="utf-8")
    assert finnish_holidays(2027) == library(2027)


def test_a_folder_that_cannot_be_written_is_no_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert finnish_holidays(2028) == library(2028)


def test_without_the_librarys_version_nothing_is_kept(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(holiday_cache, "_library_version", lambda: None)
    assert finnish_holidays(2026) == library(2026)
    assert not cache_home.exists()
