"""A trainee's desk (the app) follows the shift the trainer plays on its file: the
heartbeat's look for changes takes the shift's clock, so the queue's times are the
shift's and a pause stops them."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from ohjaaja.domain.clock import FixedClock
from ohjaaja.training.engine import Shift
from ohjaaja.training.follow import desk_clock
from ohjaaja.usecases.desk import Desk
from tests.app.helpers import app_for, settle
from tests.training.scenarios import START, morning


class Real:
    def __init__(self) -> None:
        self.t = 1_000.0

    def __call__(self) -> float:
        return self.t


async def test_the_trainees_app_takes_the_shifts_clock_when_the_file_changes(
    tmp_path: Path, clock: FixedClock
) -> None:
    real = Real()
    path = tmp_path / "solo.sqlite"
    desk = Desk(path, desk_clock(True, clock, real), "Harjoittelija", training=True)
    trainer = Desk(path, desk_clock(True, clock, real), "Kouluttaja", ("trainer",), training=True)
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert desk.clock.now() == clock.now()  # real time, before any shift
        scenario = morning(per_hour=0.0)
        shift = Shift.start(trainer, scenario, "{}", "json", shift_id="s", real=real)
        shift.step(timedelta(minutes=6))
        shift.advance()
        app._look_for_changes()
        await settle(pilot)
        assert desk.clock.now() == START + timedelta(minutes=6)
        real.t += 30
        assert desk.clock.now() == START + timedelta(minutes=6)  # paused
        (waiting,) = desk.contacts.queue()  # the first scripted caller, 8:05
        assert waiting.received_at == START + timedelta(minutes=5)
