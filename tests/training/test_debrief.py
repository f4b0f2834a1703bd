"""The debrief of a training shift: its timeline, the HTML page and the CSV for the
class, and the replay (ohjaaja/training/debrief.py)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from ohjaaja.i18n import set_language
from ohjaaja.training.debrief import (
    Debrief,
    Replay,
    build_debrief,
    state_at,
    to_csv,
    to_html,
    write_files,
)
from tests.training.shift_state import START, ShiftState, minutes, work_well


@pytest.fixture
def worked(tmp_path: Path) -> Iterator[tuple[ShiftState, dict[str, str]]]:
    state = ShiftState(tmp_path / "training.sqlite")
    ids = work_well(state)
    yield state, ids
    state.close_all()


def debrief_of(state: ShiftState) -> Debrief:
    return build_debrief(state.trainer, state.scenario, state.shift_id)


def test_the_timeline_has_every_kind_in_order(worked: tuple[ShiftState, dict[str, str]]) -> None:
    state, ids = worked
    debrief = debrief_of(state)
    kinds = [(m.kind, m.who) for m in debrief.timeline if m.contact_id == ids["elli"]]
    assert kinds == [
        ("arrived", ""),
        ("taken", "Aino"),
        ("fact_asked", "Aino"),
        ("identified", "Aino"),
        ("offered", "Aino"),
        ("notified", "Aino"),
        ("closed", "Aino"),
    ]
    assert [m.at for m in debrief.timeline] == sorted(m.at for m in debrief.timeline)
    assert {m.kind for m in debrief.timeline} >= {"started", "abandoned", "ended", "arrived"}
    elli = debrief.scripts[0]
    assert elli.script_id == "elli" and elli.facts_asked == ("Asuuko yksin?",)
    assert elli.caller == "Pekka Virtanen" and elli.at == START + minutes(5)


def test_the_html_page_stands_alone_and_escapes_text(
    worked: tuple[ShiftState, dict[str, str]],
) -> None:
    state, _ = worked
    state.scenario = replace(state.scenario, title="<script>alert(1)</script> & co")
    set_language("en")
    page = to_html(debrief_of(state))
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
    assert "http://" not in page and "https://" not in page and "<link" not in page
    assert "src=" not in page
    assert "missing field(s): Danger now" in page  # a miss, with its reason
    assert 'class="critical"' in page
    assert "identified Elli Maria Virtanen" in page  # a met one
    assert "Asuuko yksin?" in page
    assert page.index("Danger now") < page.index("identified Elli Maria Virtanen")


def test_the_csv_is_one_file_with_a_section_column(
    worked: tuple[ShiftState, dict[str, str]], tmp_path: Path
) -> None:
    state, _ = worked
    set_language("en")
    debrief = debrief_of(state)
    html_path, csv_path = tmp_path / "out" / "d.html", tmp_path / "out" / "d.csv"
    assert write_files(debrief, html_path, csv_path) == [html_path, csv_path]
    assert html_path.read_text(encoding="utf-8") == to_html(debrief)
    assert csv_path.stat().st_mode & 0o077 == 0  # the owner's only
    rows = list(csv.reader(io.StringIO(csv_path.read_text(encoding="utf-8"))))
    sections = {row[0] for row in rows}
    assert sections == {"section", "figures", "expected", "timeline"}
    expected = [row for row in rows if row[0] == "expected"]
    assert expected[1][1:3] == ["‼", "lapsi"]  # after its header: the critical miss
    timeline = [row for row in rows if row[0] == "timeline"]
    assert len(timeline) == len(debrief.timeline) + 1
    figures = [row for row in rows if row[0] == "figures"]
    assert [row[1] for row in figures[1:]] == ["Target", "Whole shift", "Aino", "Bertil"]
    assert to_csv(debrief) == csv_path.read_bytes().decode("utf-8")


def test_a_cell_that_a_spreadsheet_would_run_stays_text(
    worked: tuple[ShiftState, dict[str, str]],
) -> None:
    state, _ = worked
    state.scenario = replace(state.scenario, title="=HYPERLINK(1)")
    assert "'=HYPERLINK(1)" in to_csv(debrief_of(state))


def test_state_at_rebuilds_the_queue_and_the_trainees(
    worked: tuple[ShiftState, dict[str, str]],
) -> None:
    state, ids = worked
    debrief = debrief_of(state)
    workers = {t.name: t.worker_id for t in debrief.score.trainees}
    at_start = state_at(debrief, START)
    assert at_start.waiting == () and set(at_start.on.values()) == {None}
    waiting = state_at(debrief, START + minutes(5) + timedelta(seconds=10))
    assert waiting.waiting == (ids["elli"],) and waiting.answered == 0
    on = state_at(debrief, START + minutes(6))
    assert on.waiting == () and on.on[workers["Aino"]] == ids["elli"] and on.answered == 1
    busy = state_at(debrief, START + minutes(32))
    assert busy.waiting == (ids["two"],) and busy.on[workers["Aino"]] == ids["one"]
    assert busy.on[workers["Bertil"]] is None and busy.closed == 2
    gone = state_at(debrief, START + minutes(44))
    assert gone.waiting == () and gone.abandoned == 1 and gone.answered == 4
    assert gone.closed == 4


def test_the_replay_plays_at_any_speed_and_steps(
    worked: tuple[ShiftState, dict[str, str]],
) -> None:
    state, ids = worked
    replay = Replay(debrief_of(state), speed=10)
    assert not replay.tick(1.0) and replay.at == START  # paused until played
    replay.toggle()
    replay.tick(30.0)  # 30 real seconds at 10x: five simulated minutes
    assert replay.at == START + minutes(5) and replay.state().waiting == (ids["elli"],)
    replay.faster()
    assert replay.speed == 30
    replay.slower(), replay.slower()
    assert replay.speed == 5
    replay.step()
    assert not replay.playing and replay.at == START + minutes(5) + timedelta(seconds=20)
    assert replay.state().on[state.desk("Aino").worker_id] == ids["elli"]
    for _ in range(10):
        replay.slower()
    assert replay.speed == 1
    replay.toggle()
    replay.speed = 600
    while replay.tick(60.0):
        pass
    assert replay.at == replay.end == START + minutes(60) and not replay.playing
    replay.toggle()  # at the end: again from the start
    assert replay.playing and replay.at == START


def test_on_the_trainers_file_what_other_desks_did_comes_from_the_contacts(
    worked: tuple[ShiftState, dict[str, str]],
) -> None:
    """Trainees' contact events stay on their own desks; their contact rows sync."""
    state, ids = worked
    whole = debrief_of(state)
    with state.trainer.writing() as conn:
        conn.execute("DELETE FROM contact_event WHERE kind IN ('taken', 'closed', 'identified')")
    synced = debrief_of(state)
    kinds = [(m.kind, m.who) for m in synced.timeline if m.contact_id == ids["elli"]]
    assert kinds == [
        ("arrived", ""),
        ("taken", "Aino"),
        ("fact_asked", "Aino"),
        ("offered", "Aino"),
        ("notified", "Aino"),
        ("identified", "Aino"),
        ("closed", "Aino"),
    ]
    assert synced.score == whole.score
    at = START + minutes(32)
    assert state_at(synced, at) == state_at(whole, at)
