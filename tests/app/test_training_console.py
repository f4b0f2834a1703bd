"""The trainer's console, key by key: start, pause, faster and slower, a step, a
contact added by hand, the end after asking; the app advances the shift on its
heartbeat whatever screen is in view, and a failing advance never ends the desk."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from ohjaaja.screens.training.console import ConsoleScreen, faster, slower
from textual.widgets import Static

from ohjaaja.shell.app import make_app
from ohjaaja.shell.settings import Settings
from ohjaaja.training.engine import TraineeNow
from ohjaaja.usecases.desk import Desk
from tests.app.helpers import choose, keys, settle
from tests.app.training_fakes import FakeShift, RealTime, shift_clock


@pytest.fixture
def real() -> RealTime:
    return RealTime()


@pytest.fixture
def trainer(tmp_path: Path, real: RealTime) -> Iterator[Desk]:
    """The trainer's desk, its clock the shift's."""
    desk = Desk(tmp_path / "training.sqlite", shift_clock(real), "Kouluttaja Kaisa",
                ("guidance", "trainer"), training=True)  # fmt: skip
    yield desk
    desk.close()


def console_app(desk: Desk, shift: FakeShift, language: str = "fi"):  # type: ignore[no-untyped-def]
    settings = Settings(
        database=desk.database, worker_name=desk.worker_name, language=language, training=True
    )
    return make_app(desk, settings, shift=shift)  # type: ignore[arg-type]


def shown(app, widget_id: str) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one(f"#{widget_id}", Static).render())


def test_speeds_go_from_1x_to_60x_and_stop_there() -> None:
    assert [faster(s) for s in (1, 2, 30, 60)] == [2, 5, 60, 60]
    assert [slower(s) for s in (60, 5, 2, 1)] == [30, 2, 1, 1]


async def test_a_trainer_starts_pauses_and_speeds_up_a_shift(trainer: Desk, real: RealTime) -> None:
    shift = FakeShift(trainer)
    app = console_app(trainer, shift)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ConsoleScreen)  # the console opens first
        assert "TAUKO" in shown(app, "shift-clock")
        assert "to 26.11. 08.00.00" in shown(app, "shift-clock")
        await keys(pilot, "space")
        assert not shift.clock.paused
        assert "käynnissä" in shown(app, "shift-clock")
        await keys(pilot, "plus", "plus", "plus")  # 1x -> 2x -> 5x -> 10x
        assert shift.clock.speed == 10
        assert "10×" in shown(app, "shift-clock")
        real.at += 6  # a minute of the shift at 10x
        await keys(pilot, "space")
        assert shift.clock.paused
        assert "08.01.00" in shown(app, "shift-clock")
        assert "TAUKO" in shown(app, "shift-clock")
        await keys(pilot, "s")  # a step of a minute, paused
        assert "08.02.00" in shown(app, "shift-clock")
        await keys(pilot, "minus")
        assert shift.clock.speed == 5
        # The banner of every screen says where the shift is.
        assert "KOULUTUS ‖ tauko" in str(app.screen.query_one("#title").render())


async def test_a_contact_added_by_hand_arrives_in_the_queue(trainer: Desk) -> None:
    shift = FakeShift(trainer)
    app = console_app(trainer, shift)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "a")
        await choose(pilot, "#channel", "chat")
        await choose(pilot, "#language", "sv")
        await keys(pilot, "f10")
        assert shift.added == [("chat", "ikaihmiset", "853", "sv")]
        assert [c.channel for c in trainer.contacts.queue()] == ["chat"]
        assert "Jonossa 1" in shown(app, "shift-figures")


async def test_ending_asks_first(trainer: Desk) -> None:
    shift = FakeShift(trainer)
    app = console_app(trainer, shift)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "e", "escape")
        assert not shift.ended
        await keys(pilot, "e", "f10")
        assert shift.ended
        assert "päättynyt" in shown(app, "shift-clock")


async def test_each_trainee_s_contact_answers_and_points(trainer: Desk) -> None:
    shift = FakeShift(trainer)
    contact_id = trainer.contacts.receive("phone", "ikaihmiset", "853", "fi", None)
    shift.trainees = (
        TraineeNow("w1", "Harjoittelija Hanna", contact_id, 4, 7),
        TraineeNow("w2", "Harjoittelija Pekka", None, 2, 3),
    )
    app = console_app(trainer, shift)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#trainees")
        rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
        assert rows == [
            ["Harjoittelija Hanna", "Puhelu · IKÄ", "4", "7"],
            ["Harjoittelija Pekka", "—", "2", "3"],
        ]


async def test_the_shift_advances_on_other_screens_and_survives_a_failure(
    trainer: Desk,
) -> None:
    shift = FakeShift(trainer)

    def broken() -> None:
        shift.advanced += 1
        raise RuntimeError("the engine broke")

    app = console_app(trainer, shift)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "f11")  # to the desk: the queue
        assert type(app.screen).__name__ == "QueueScreen"
        before = shift.advanced
        app.heartbeat()
        await settle(pilot)
        assert shift.advanced == before + 1
        shift.advance = broken  # type: ignore[method-assign]
        app.heartbeat()
        await settle(pilot)
        app.heartbeat()  # tried again: the failed one did not stick
        await settle(pilot)
        assert shift.advanced == before + 3
        assert app.is_running
        await keys(pilot, "f11")
        assert isinstance(app.screen, ConsoleScreen)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
async def test_the_console_s_footer_is_whole_at_80_columns(trainer: Desk, language: str) -> None:
    from tests.app.test_keys import footer_problems

    shift = FakeShift(trainer)
    app = console_app(trainer, shift, language)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        problems = footer_problems(pilot)
        await keys(pilot, "a")
        problems += footer_problems(pilot)
        await keys(pilot, "escape", "e")
        problems += footer_problems(pilot)
    assert problems == []


async def test_d_opens_the_debrief_of_the_shift(trainer: Desk) -> None:
    shift = FakeShift(trainer)
    app = console_app(trainer, shift)
    opened = []
    app.open_debrief = lambda shift_id, scenario: opened.append((shift_id, scenario.name))  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "d")
    assert opened == [("shift-1", "aamu")]
