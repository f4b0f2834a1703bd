"""A training desk's clock follows the shift on its file: the trainer's desk and a
trainee's desk on one file (solo), each its own connection, as two processes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from ohjaaja.domain.clock import FixedClock
from ohjaaja.training.clock import SimClock
from ohjaaja.training.engine import Shift
from ohjaaja.training.follow import desk_clock, follow_shift
from ohjaaja.usecases.desk import Desk
from tests.training.scenarios import START, morning


class Real:
    def __init__(self) -> None:
        self.t = 1_000.0

    def __call__(self) -> float:
        return self.t


def test_a_trainee_desk_runs_on_real_time_until_a_shift_then_on_its_clock(
    tmp_path: Path,
) -> None:
    real = Real()
    path = tmp_path / "solo.sqlite"
    wall = FixedClock(datetime(2026, 12, 1, 12, 0, tzinfo=UTC))
    trainee = Desk(path, desk_clock(True, wall, real), "Harjoittelija", training=True)
    trainer = Desk(path, desk_clock(True, wall, real), "Kouluttaja", ("trainer",), training=True)
    real.t += 5
    assert trainee.clock.now() == wall.now() + timedelta(seconds=5)
    assert not follow_shift(trainee)  # no shift yet
    shift = Shift.start(trainer, morning(), "{}", "json", shift_id="s", real=real)
    assert trainee.has_changed() and follow_shift(trainee)
    assert trainee.clock.now() == START  # paused at the scenario's start
    shift.set_speed(60.0)
    shift.resume()
    assert trainee.has_changed() and follow_shift(trainee)
    real.t += 60
    assert trainee.clock.now() == START + timedelta(hours=1) == trainer.clock.now()
    shift.pause()
    real.t += 60
    assert trainee.clock.now() == START + timedelta(hours=2)  # not yet told: runs on
    assert trainee.has_changed() and follow_shift(trainee)
    assert trainee.clock.now() == START + timedelta(hours=1) == trainer.clock.now()
    assert not follow_shift(trainee)  # nothing new
    shift.end()
    assert trainee.has_changed() and not follow_shift(trainee)  # ended where it stood
    real.t += 60
    assert trainee.clock.now() == START + timedelta(hours=1)


def test_a_client_data_desk_keeps_its_own_clock(tmp_path: Path, clock: FixedClock) -> None:
    assert desk_clock(False, clock) is clock
    desk = Desk(tmp_path / "p.sqlite", clock, "Ohjaaja")
    assert not follow_shift(desk)
    assert not isinstance(desk.clock, SimClock)


def test_a_trainee_desk_loads_the_catalogue_the_shifts_text_names(
    tmp_path: Path, clock: FixedClock
) -> None:
    """A trainee's desk has no scenario file: the shift's row carries the scenario's
    text, and the desk loads the catalogue that names (here: no store to pull from)."""
    from ohjaaja.db import training as rows

    from ohjaaja.training import catalogues
    from ohjaaja.training.clock import ClockState

    trainee = Desk(tmp_path / "t.sqlite", desk_clock(True, clock), "Harjoittelija", training=True)
    source = "title: Yö\nworld: {clients: 5, catalogue: yo-paivystys}\n"
    clock_state = ClockState(START, 0.0, 1.0, False).to_json()
    with trainee.writing() as conn:
        rows.insert_shift(conn, "s", "yo", source, "yaml", 1, clock_state, "2026-12-01T10:00:00Z")
    assert follow_shift(trainee)
    held = {r[0] for r in trainee.conn.execute("SELECT id FROM service")}
    assert held == {s.id for s in catalogues.records("yo-paivystys")[1]}
    assert catalogues.named_in("{}") == catalogues.named_in("[: not yaml") == "demo"
