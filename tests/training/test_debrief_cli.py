"""`ohjaaja train debrief`: the debrief of a shift from the shell, its scenario read
from the shift's own row."""

from __future__ import annotations

from pathlib import Path

import pytest

from ohjaaja.shell.cli import main
from ohjaaja.training.files import parse_scenario
from tests.training.shift_state import ShiftState, minutes

SCENARIO = """
title: Torstai
language: fi
start: "2026-11-26T08:00"
duration: 1h
world: {clients: 20, catalogue: demo}
scripts:
  - id: elli
    at: 5min
    channel: phone
    line: ikaihmiset
    municipality: "853"
    caller:
      kind: relative
      name: Pekka
      person: {first_names: Elli Maria, last_name: Virtanen, birth_date: "1942-03-15",
               hetu: 150342-0020, municipality: "853"}
    opening: Äiti ei syö.
    expect:
      - {kind: answer, within: 1min, points: 1}
      - {kind: identify, points: 2, critical: true}
"""


@pytest.fixture
def shift(tmp_path: Path) -> Path:
    scenario = parse_scenario(SCENARIO, "yaml", "torstai")
    state = ShiftState(tmp_path / "t.sqlite", scenario, source=(SCENARIO, "yaml"))
    try:
        contact = state.arrive(minutes(5), "elli")
        state.take("Aino", contact, minutes(5.5))
        state.end(minutes(60))
    finally:
        state.close_all()
    return tmp_path / "t.sqlite"


def test_the_latest_shift_to_html_and_csv(shift: Path, tmp_path: Path, capsys) -> None:
    page, sheet = tmp_path / "d.html", tmp_path / "d.csv"
    code = main(["train", "debrief", "--database", str(shift), "--html", str(page),
                 "--csv", str(sheet), "--in", "en"])  # fmt: skip
    assert code == 0
    assert capsys.readouterr().out.split() == [str(page), str(sheet)]
    text = page.read_text(encoding="utf-8")
    assert "Debrief: Torstai" in text and "no client identified" in text
    assert "answered by Aino after 0:30" in text
    assert sheet.read_text(encoding="utf-8").startswith("section,shift,shift-1,Torstai")


def test_without_files_the_report_is_printed_critical_misses_first(shift: Path, capsys) -> None:
    assert main(["train", "debrief", "shift-1", "--database", str(shift), "--in", "en"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Debrief: Torstai"
    assert "Points 1/3 · critical misses 1" in out
    checks = [line for line in out if line.startswith(("‼", "✓", "✗"))]
    assert checks[0].startswith("‼ elli") and "no client identified" in checks[0]
    assert checks[1].startswith("✓ elli")


def test_an_unknown_shift_and_a_missing_file_are_named(shift: Path, tmp_path: Path, capsys) -> None:
    assert main(["train", "debrief", "nope", "--database", str(shift), "--in", "en"]) == 1
    assert "No training shift nope" in capsys.readouterr().err
    missing = tmp_path / "none.sqlite"
    assert main(["train", "debrief", "--database", str(missing)]) == 2
    assert str(missing) in capsys.readouterr().err
    assert not missing.exists()
