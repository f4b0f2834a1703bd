"""What the training screens' tests share: a real-time function the test moves (the
shift's SimClock reads it), and the bundled morning shift started on a desk."""

from __future__ import annotations

from pathlib import Path

from ohjaaja.training.clock import SimClock
from ohjaaja.training.engine import Shift
from ohjaaja.training.files import find_scenario
from ohjaaja.usecases.desk import Desk

SHIFT_ID = "0190aaaa-0000-7000-8000-00000000000a"


class RealTime:
    """time.time for the clock, moved by the test."""

    def __init__(self) -> None:
        self.at = 1_000_000.0

    def __call__(self) -> float:
        return self.at


def trainer_with_shift(path: Path, real: RealTime) -> tuple[Desk, Shift]:
    """The trainer's desk on the shift's clock, the bundled morning shift started on
    it (paused at Thursday 12.03.2026 8:00)."""
    scenario, source, fmt = find_scenario("aamu-ikaihmiset")
    desk = Desk(path, SimClock.starting(scenario.start, scenario.speed, real), "Kouluttaja Kaisa",
                ("guidance", "trainer"), training=True)  # fmt: skip
    shift = Shift.start(desk, scenario, source, fmt, shift_id=SHIFT_ID, real=real)
    return desk, shift


def trainee_beside(trainer: Desk, shift: Shift, name: str) -> Desk:
    """A trainee's desk on the same file (a thin-terminal host), on the shift's clock."""
    return Desk(trainer.database, SimClock(shift.clock.state, shift.clock._real), name,
                training=True)  # fmt: skip
