"""A training shift played into a training desk's database.

Interface fixed first so the console (screens/training) and the engine could be
built side by side; h-engine fills it in. The shift writes ordinary contacts
through the desk's parts, so trainees work them as in production; what the
shift adds (where a contact came from, the trainer's actions, abandonments) goes
to the training_* tables (db/training.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ohjaaja.training.clock import SimClock
from ohjaaja.training.scenario import Scenario
from ohjaaja.usecases.desk import Desk


class NotATrainingDesk(Exception):
    """A shift is played only into a training database."""


@dataclass(frozen=True)
class TraineeNow:
    worker_id: str
    name: str
    contact_id: str | None  # what they are on now
    answered: int
    points: int


@dataclass(frozen=True)
class ShiftStatus:
    shift_id: str
    title: str
    now: datetime  # simulated
    end: datetime
    speed: float
    paused: bool
    ended: bool
    waiting: int
    answered: int
    abandoned: int
    scripted_done: int  # scripted contacts closed
    scripted_total: int
    trainees: tuple[TraineeNow, ...] = field(default_factory=tuple)


class Shift:
    """One run of a scenario. The trainer's console calls `advance` every tick (in a
    worker thread); it makes every arrival and abandonment due by the clock's now."""

    def __init__(self, desk: Desk, scenario: Scenario, clock: SimClock, shift_id: str) -> None:
        self.desk = desk
        self.scenario = scenario
        self.clock = clock
        self.id = shift_id

    @classmethod
    def start(
        cls,
        desk: Desk,
        scenario: Scenario,
        source: str,
        fmt: str,
        seed: int | None = None,
    ) -> Shift:
        """Record a new shift (paused at the scenario's start) and put its world in
        place: the scripted persons into the training register."""
        raise NotImplementedError

    @classmethod
    def running(cls, desk: Desk) -> Shift | None:
        """The shift running on this desk's file, picked up after a restart."""
        raise NotImplementedError

    def advance(self) -> None:
        raise NotImplementedError

    def pause(self) -> None:
        raise NotImplementedError

    def resume(self) -> None:
        raise NotImplementedError

    def set_speed(self, speed: float) -> None:
        raise NotImplementedError

    def step(self, delta: timedelta) -> None:
        raise NotImplementedError

    def add_contact(
        self, channel: str, line: str, municipality: str | None, language: str = "fi"
    ) -> str:
        """A contact the trainer adds by hand, arriving now."""
        raise NotImplementedError

    def end(self) -> None:
        raise NotImplementedError

    def status(self) -> ShiftStatus:
        raise NotImplementedError
