"""A stand-in for the training engine's Shift (ohjaaja/training/engine.py), with the
same API, for the console's and the caller card's Pilot tests: the engine is built
side by side, and these tests are about the screens' keys, not the engine's rules.
Its clock is a real SimClock on a real-time function the test moves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ohjaaja.training.clock import ClockState, SimClock
from ohjaaja.training.engine import ShiftStatus, TraineeNow
from ohjaaja.training.scenario import Caller, Fact, Scenario, ScriptedContact
from ohjaaja.usecases.desk import Desk

START = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)  # Thursday 8:00 in Helsinki

SCENARIO = Scenario(
    title="Aamu ikäihmisten linjalla",
    language="fi",
    start=START,
    duration=timedelta(hours=4),
    name="aamu",
    scripts=(
        ScriptedContact(
            id="tytar",
            at=timedelta(minutes=5),
            channel="phone",
            line="ikaihmiset",
            municipality="853",
            language="fi",
            caller=Caller(kind="relative", name="Liisa Mäkinen"),
            opening="Äitini ei ole vastannut puhelimeen kahteen päivään.",
            facts=(
                Fact("Asuuko äiti yksin?", "Kyllä, isä kuoli keväällä."),
                Fact("Onko kotihoitoa?", "Ei ole, hän ei ole halunnut."),
            ),
            reactions=("Huolestunut, puhuu nopeasti", "Rauhoittuu, kun häntä kuunnellaan"),
        ),
    ),
)


class RealTime:
    """time.time for the clock, moved by the test."""

    def __init__(self) -> None:
        self.at = 1_000_000.0

    def __call__(self) -> float:
        return self.at


def shift_clock(real: RealTime) -> SimClock:
    """The shift's clock, paused at its start: the desk playing it reads it too."""
    return SimClock(ClockState(START, real(), 1.0, True), real)


class FakeShift:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self.scenario = SCENARIO
        self.id = "shift-1"
        assert isinstance(desk.clock, SimClock), "the desk follows the shift's clock"
        self.clock = desk.clock
        self.advanced = 0
        self.added: list[tuple[str, str, str | None, str]] = []
        self.ended = False
        self.trainees: tuple[TraineeNow, ...] = ()

    def advance(self) -> None:
        self.advanced += 1

    def pause(self) -> None:
        self.clock.pause()

    def resume(self) -> None:
        self.clock.resume()

    def set_speed(self, speed: float) -> None:
        self.clock.set_speed(speed)

    def step(self, delta: timedelta) -> None:
        self.clock.step(delta)

    def add_contact(
        self, channel: str, line: str, municipality: str | None, language: str = "fi"
    ) -> str:
        self.added.append((channel, line, municipality, language))
        return self.desk.contacts.receive(channel, line, municipality, language, None)

    def end(self) -> None:
        self.ended = True
        self.clock.pause()

    def status(self) -> ShiftStatus:
        waiting = len(self.desk.contacts.queue())
        return ShiftStatus(
            shift_id=self.id,
            title=self.scenario.title,
            now=self.clock.now(),
            end=self.scenario.end,
            speed=self.clock.speed,
            paused=self.clock.paused,
            ended=self.ended,
            waiting=waiting,
            answered=3,
            abandoned=1,
            scripted_done=0,
            scripted_total=len(self.scenario.scripts),
            trainees=self.trainees,
        )
