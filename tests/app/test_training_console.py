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
from ohjaaja.training.engine import Shift
from ohjaaja.usecases.contacts import ContactForm
from ohjaaja.usecases.desk import Desk
from tests.app.helpers import choose, keys, settle
from tests.app.training_fakes import RealTime, trainee_beside, trainer_with_shift


@pytest.fixture
def real() -> RealTime:
    return RealTime()


@pytest.fixture
def played(tmp_path: Path, real: RealTime) -> Iterator[tuple[Desk, Shift]]:
    desk, shift = trainer_with_shift(tmp_path / "training.sqlite", real)
    yield desk, shift
    desk.close()


def console_app(desk: Desk, shift: Shift, language: str = "fi"):  # type: ignore[no-untyped-def]
    settings = Settings(
        database=desk.database, worker_name=desk.worker_name, language=language, training=True
    )
    return make_app(desk, settings, shift=shift)  # type: ignore[arg-type]


def shown(app, widget_id: str) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one(f"#{widget_id}", Static).render())


def test_speeds_go_from_1x_to_60x_and_stop_there() -> None:
    assert [faster(s) for s in (1, 2, 30, 60)] == [2, 5, 60, 60]
    assert [slower(s) for s in (60, 5, 2, 1)] == [30, 2, 1, 1]


async def test_a_trainer_starts_pauses_and_speeds_up_a_shift(
    played: tuple[Desk, Shift], real: RealTime
) -> None:
    trainer, shift = played
    app = console_app(trainer, shift)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ConsoleScreen)  # the console opens first
        assert "TAUKO" in shown(app, "shift-clock")
        assert "to 12.03. 08.00.00" in shown(app, "shift-clock")
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
        await keys(pilot, "full_stop")  # a step of a minute, paused
        assert "08.02.00" in shown(app, "shift-clock")
        await keys(pilot, "minus")
        assert shift.clock.speed == 5
        # The banner of every screen says where the shift is.
        assert "KOULUTUS ‖ tauko" in str(app.screen.query_one("#title").render())


async def test_a_contact_added_by_hand_arrives_in_the_queue(played: tuple[Desk, Shift]) -> None:
    trainer, shift = played
    app = console_app(trainer, shift)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "a")
        await choose(pilot, "#channel", "chat")
        await choose(pilot, "#language", "sv")
        await keys(pilot, "f10")
        queue = trainer.contacts.queue()
        assert [(c.channel, c.line_code, c.municipality_code, c.language) for c in queue] == [
            ("chat", "ikaihmiset", "853", "sv")
        ]
        assert "Jonossa 1" in shown(app, "shift-figures")


async def test_ending_asks_first(played: tuple[Desk, Shift]) -> None:
    trainer, shift = played
    app = console_app(trainer, shift)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "e", "escape")
        assert not shift.status().ended
        await keys(pilot, "e", "f10")
        assert shift.status().ended
        assert "päättynyt" in shown(app, "shift-clock")


async def test_each_trainee_s_contact_answers_and_points(played: tuple[Desk, Shift]) -> None:
    trainer, shift = played
    shift.add_contact("phone", "ikaihmiset", "853")
    shift.add_contact("chat", "tyoikaiset", "853")
    hanna = trainee_beside(trainer, shift, "Harjoittelija Hanna")
    pekka = trainee_beside(trainer, shift, "Harjoittelija Pekka")
    try:
        assert hanna.contacts.take_next(["ikaihmiset"]) is not None
        taken = pekka.contacts.take_next()
        assert taken is not None
        form = ContactForm(caller_kind="anonymous", outcome="resolved")
        assert pekka.contacts.close_contact(taken.id, "Neuvottu.", form) == []
        app = console_app(trainer, shift)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            table = app.screen.query_one("#trainees")
            rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
    finally:
        hanna.close()
        pekka.close()
    assert [row[:3] for row in rows] == [
        ["Harjoittelija Hanna", "Puhelu · IKÄ", "1"],
        ["Harjoittelija Pekka", "—", "1"],
    ]


async def test_the_shift_advances_on_other_screens_and_survives_a_failure(
    played: tuple[Desk, Shift], real: RealTime
) -> None:
    trainer, shift = played
    calls = []
    advance = shift.advance

    def broken() -> int:
        calls.append("broken")
        raise RuntimeError("the engine broke")

    app = console_app(trainer, shift)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "space", "f11")  # running; to the desk: the queue
        assert type(app.screen).__name__ == "QueueScreen"
        real.at += 10 * 60  # ten minutes of the shift at 1x
        app.heartbeat()
        await settle(pilot)
        status = shift.status()
        assert status.waiting + status.abandoned >= 1  # the scripted 8.05 caller came
        shift.advance = broken  # type: ignore[method-assign]
        app.heartbeat()
        await settle(pilot)
        app.heartbeat()  # tried again: the failed one did not stick
        await settle(pilot)
        assert len(calls) >= 2  # (the app's own heartbeat may have tried too)
        shift.advance = advance  # type: ignore[method-assign]
        assert app.is_running
        await keys(pilot, "f11")
        assert isinstance(app.screen, ConsoleScreen)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
async def test_the_console_s_footer_is_whole_at_80_columns(
    played: tuple[Desk, Shift], language: str
) -> None:
    from tests.app.test_keys import footer_problems

    trainer, shift = played
    app = console_app(trainer, shift, language)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        problems = footer_problems(pilot)
        await keys(pilot, "a")
        problems += footer_problems(pilot)
        await keys(pilot, "escape", "e")
        problems += footer_problems(pilot)
    assert problems == []


async def test_d_opens_the_debrief_of_the_shift(played: tuple[Desk, Shift]) -> None:
    trainer, shift = played
    app = console_app(trainer, shift)
    opened = []
    app.open_debrief = lambda shift_id, scenario: opened.append((shift_id, scenario.name))  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "d")
    assert opened == [(shift.id, "aamu-ikaihmiset")]


async def test_the_trainer_reads_the_caller_s_part_from_a_trainee_s_row(
    played: tuple[Desk, Shift], real: RealTime
) -> None:
    """Enter on a trainee on a scripted call: the caller card with every answer, to
    read aloud; nothing is asked or recorded."""
    from ohjaaja.db import training as rows
    from ohjaaja.screens.training.caller_card import CallerCardScreen

    trainer, shift = played
    shift.resume()
    real.at += 6 * 60
    shift.advance()
    hanna = trainee_beside(trainer, shift, "Harjoittelija Hanna")
    scripted = hanna.conn.execute(
        "SELECT contact_id FROM training_contact WHERE script_id = 'aino-muisti'"
    ).fetchone()[0]
    try:
        assert hanna.contacts.take(scripted) is not None
        app = console_app(trainer, shift)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            app.screen.query_one("#trainees").focus()
            await keys(pilot, "enter")
            assert isinstance(app.screen, CallerCardScreen)
            listing = app.screen.query_one("#topics")
            first = str(listing.get_option_at_index(0).prompt)
            assert "isä kuoli kaksi vuotta sitten" in first  # shown without asking
            await keys(pilot, "enter")
            assert not app.screen.check_action("ask", ())
    finally:
        hanna.close()
    assert [e for e in rows.events(trainer.conn, shift.id) if e[1] == "fact_asked"] == []


async def test_quick_presses_of_faster_and_run_each_count(played: tuple[Desk, Shift]) -> None:
    """Three + pressed before the first change is written: 1x -> 10x, not 2x (each
    press counted from the speed the trainer asked for, not the one written yet)."""
    import threading

    trainer, shift = played
    written = threading.Event()  # the first change held back until all three are pressed
    set_speed = shift.set_speed

    def slow_set_speed(speed: float) -> None:
        written.wait(timeout=10)
        set_speed(speed)

    shift.set_speed = slow_set_speed  # type: ignore[method-assign]
    app = console_app(trainer, shift)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("plus", "plus", "plus")
        written.set()
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert shift.clock.speed == 10
        await pilot.press("minus", "minus")
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert shift.clock.speed == 2
        await pilot.press("space", "space", "space")  # run, pause, run
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert not shift.clock.paused


async def test_the_desk_that_plays_the_shift_does_not_follow_its_row(
    played: tuple[Desk, Shift],
) -> None:
    """The trainer's desk is the shift's clock: it never takes the clock back from the
    row. (A heartbeat that read the row just before a press of space put the old,
    paused clock back over the trainer's start: seen in CI.)"""
    import sqlite3

    from ohjaaja.db import training as rows

    trainer, shift = played
    app = console_app(trainer, shift)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "space")
        assert not shift.clock.paused
        # The row as a read a moment before the start saw it, written by another
        # connection so that the desk sees a change.
        stale = {**shift.clock.state.to_json(), "paused": True}
        other = sqlite3.connect(trainer.database)
        with other:
            rows.set_clock(other, shift.id, stale, "2026-03-12T08:00:00+00:00")
        other.close()
        app._look_for_changes()
        await settle(pilot)
        assert not shift.clock.paused
