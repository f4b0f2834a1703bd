"""Training's screens at 80x24, on the real engine with a fixed clock: the trainer's
console as a shift runs, a trainee's queue under the training banner, the caller
card with one fact asked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot

from ohjaaja.shell.app import make_app
from ohjaaja.shell.settings import Settings
from ohjaaja.training.engine import Shift
from ohjaaja.usecases.desk import Desk
from tests.app.helpers import app_for, keys, settle
from tests.app.training_fakes import RealTime, trainee_beside, trainer_with_shift


@pytest.fixture
def real() -> RealTime:
    return RealTime()


@pytest.fixture
def played(tmp_path: Path, real: RealTime) -> Iterator[tuple[Desk, Shift, Desk]]:
    """The bundled morning shift on a trainer's desk, run 6 simulated minutes at 10x,
    then paused; a trainee on the same file has taken the first scripted caller."""
    trainer, shift = trainer_with_shift(tmp_path / "training.sqlite", real)
    shift.resume()
    shift.set_speed(10)
    real.at += 36  # 6 minutes of the shift
    shift.advance()
    shift.pause()
    trainee = trainee_beside(trainer, shift, "Harjoittelija Hanna")
    scripted = trainee.conn.execute(
        "SELECT contact_id FROM training_contact WHERE script_id = 'aino-muisti'"
    ).fetchone()[0]
    assert trainee.contacts.take(scripted) is not None
    yield trainer, shift, trainee
    trainee.close()
    trainer.close()


def test_trainer_console(snap_compare, played: tuple[Desk, Shift, Desk]) -> None:
    trainer, shift, _trainee = played
    settings = Settings(database=trainer.database, worker_name=trainer.worker_name, training=True)
    app = make_app(trainer, settings, shift=shift)
    assert snap_compare(app, terminal_size=(80, 24), run_before=settle)


def test_trainee_queue_with_the_banner(snap_compare, played: tuple[Desk, Shift, Desk]) -> None:
    trainer, shift, _trainee = played
    other = trainee_beside(trainer, shift, "Harjoittelija Pekka")
    try:
        assert snap_compare(app_for(other), terminal_size=(80, 24), run_before=settle)
    finally:
        other.close()


def test_caller_card(snap_compare, played: tuple[Desk, Shift, Desk]) -> None:
    _trainer, _shift, trainee = played

    async def asked(pilot: Pilot) -> None:
        await settle(pilot)  # the trainee's taken contact opens again
        await keys(pilot, "ctrl+k", "down", "enter")

    assert snap_compare(app_for(trainee), terminal_size=(80, 24), run_before=asked)
