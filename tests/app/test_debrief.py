"""The debrief on screen: the trainer sees what was met and what was missed (the
critical miss first), and walks the shift with the replay's keys."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from ohjaaja.screens.training.debrief import DebriefScreen

from ohjaaja.demo.catalogue import demo_service_keys
from ohjaaja.i18n import set_language
from ohjaaja.training.debrief import check_cells
from tests.app.helpers import app_for, keys, settle
from tests.training.shift_state import START, ShiftState, minutes, work_well


def cells(screen: DebriefScreen, table: str) -> list[list[str]]:
    from ohjaaja.screens.kit.plain import DataTable

    found = screen.query_one(f"#{table}", DataTable)
    return [
        [str(getattr(cell, "plain", cell)).replace("\n", " ") for cell in found.get_row_at(i)]
        for i in range(found.row_count)
    ]


async def test_a_long_expectation_is_folded_whole_not_cut(tmp_path: Path) -> None:
    state = ShiftState(tmp_path / "training.sqlite")
    work_well(state)
    set_language("en")
    app = app_for(state.trainer, language="en")
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            app.open_debrief(state.shift_id, state.scenario)
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, DebriefScreen) and screen.debrief is not None
            checks = cells(screen, "debrief-checks")
            score = screen.debrief.score.checks
            # The Elderly Services Act notification: 76 characters expected, 86 done.
            assert max(len(c.expected.text()) for c in score) > 75

            def squash(text: str) -> str:  # folding breaks at spaces and after hyphens
                return "".join(text.split())

            said = [check_cells(c, limit_first=True)[2] for c in score]  # the limit first
            assert [squash(row[2]) for row in checks] == [squash(text) for text in said]
            assert [squash(row[3]) for row in checks] == [squash(c.actual.text()) for c in score]
    finally:
        set_language("fi")


async def test_a_time_limit_is_never_cut_however_long_the_expectation(tmp_path: Path) -> None:
    """An offer of any of many services runs past the fold's eight lines: what is
    cut is the end of the list (with '…'), never the time limit, said first."""
    from dataclasses import replace

    from ohjaaja.training.scenario import Expect
    from tests.training.shift_state import scenario

    base = scenario()
    services = tuple(sorted(s for ids in demo_service_keys().values() for s in ids))
    offer = Expect("offer", points=1, services=services, within=timedelta(minutes=10))
    elli = replace(base.scripts[0], expect=(offer,))
    state = ShiftState(tmp_path / "training.sqlite", replace(base, scripts=(elli,)))
    work_well(state)
    set_language("en")
    app = app_for(state.trainer, language="en")
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            app.open_debrief(state.shift_id, state.scenario)
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, DebriefScreen) and screen.debrief is not None
            (check,) = screen.debrief.score.checks
            assert len(check.expected.text()) > 8 * 25  # more than the column folds
            (row,) = cells(screen, "debrief-checks")
            assert "within 10:00" in row[2], row[2]
            assert row[2].endswith("…")
    finally:
        set_language("fi")


async def test_the_debrief_shows_a_met_and_a_missed_expectation(tmp_path: Path) -> None:
    state = ShiftState(tmp_path / "training.sqlite")
    ids = work_well(state)
    set_language("en")
    app = app_for(state.trainer, language="en")
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            app.open_debrief(state.shift_id, state.scenario)
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, DebriefScreen)
            checks = cells(screen, "debrief-checks")
            assert checks[0][:2] == ["‼", "lapsi"] and "Danger now" in checks[0][3]
            assert checks[0][4] == "0/3"
            identify = next(row for row in checks if row[2].startswith("client Elli"))
            assert identify[0] == "✓" and identify[3] == "identified Elli Maria Virtanen"
            figures = cells(screen, "debrief-figures")
            assert [row[0] for row in figures] == ["Target", "Whole shift", "Aino", "Bertil"]
            replay = screen.replay
            assert replay is not None and replay.at == START and not replay.playing
            await keys(pilot, "full_stop", "full_stop")  # from the start: arrived, taken
            assert replay.at == START + minutes(5) + timedelta(seconds=20)
            assert replay.state().on[state.desk("Aino").worker_id] == ids["elli"]
            said = str(screen.query_one("#debrief-replay").render())
            assert "08.05.20" in said and "Aino: elli" in said and "paused" in said
            timeline = screen.query_one("#debrief-timeline")
            assert timeline.cursor_row == 2  # type: ignore[attr-defined]
            await keys(pilot, "plus", "plus")
            assert replay.speed == 60
            await keys(pilot, "minus")
            assert replay.speed == 30
            await keys(pilot, "space")
            assert replay.playing
            await keys(pilot, "space", "r")
            assert not replay.playing and replay.at == START
            await keys(pilot, "f2")  # to Finnish: the tables written again
            assert cells(screen, "debrief-figures")[0][0] == "Tavoite"
            await keys(pilot, "escape")
            assert not isinstance(app.screen, DebriefScreen)
    finally:
        state.close_all()
