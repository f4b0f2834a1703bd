"""The simulated clock of a training shift.

Its whole state is one small value (`ClockState`): the simulated time at an
anchor, the real time at that anchor, the speed and whether it is paused. The
trainer's console changes it; every desk of the shift reads the same state (solo:
in process; with a training server: from the server), so a pause stops every
desk's waits and clocks at once and all of them show the same simulated time.
Real time is wall-clock seconds (time.time), which is the same for every process
on a host and close enough between hosts for a class.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from ohjaaja.domain.limits import TRAINING_SPEED_MAX as MAX_SPEED
from ohjaaja.domain.limits import TRAINING_SPEED_MIN as MIN_SPEED


@dataclass(frozen=True)
class ClockState:
    sim_at: datetime  # aware, UTC
    real_at: float  # time.time() at the anchor
    speed: float = 1.0
    paused: bool = True  # a shift starts paused until the trainer starts it

    def at(self, real_now: float) -> datetime:
        if self.paused:
            return self.sim_at
        return self.sim_at + timedelta(seconds=(real_now - self.real_at) * self.speed)

    def anchored(self, real_now: float) -> ClockState:
        """The same clock with its anchor moved to now (before any change)."""
        return replace(self, sim_at=self.at(real_now), real_at=real_now)

    def to_json(self) -> dict[str, object]:
        return {
            "sim_at": self.sim_at.astimezone(UTC).isoformat(),
            "real_at": self.real_at,
            "speed": self.speed,
            "paused": self.paused,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> ClockState:
        sim_at = datetime.fromisoformat(str(data["sim_at"]))
        if sim_at.tzinfo is None:
            raise ValueError("sim_at: needs a time zone")
        speed = float(data["speed"])  # type: ignore[arg-type]
        if not MIN_SPEED <= speed <= MAX_SPEED:
            raise ValueError(f"speed: must be in {MIN_SPEED:g}..{MAX_SPEED:g}")
        return cls(sim_at.astimezone(UTC), float(data["real_at"]), speed, bool(data["paused"]))  # type: ignore[arg-type]


class SimClock:
    """A Clock (ohjaaja.domain.clock) that runs at the scenario's speed."""

    def __init__(self, state: ClockState, real: Callable[[], float] = time.time) -> None:
        self._state = state
        self._real = real

    @classmethod
    def starting(
        cls, at: datetime, speed: float = 1.0, real: Callable[[], float] = time.time
    ) -> SimClock:
        return cls(ClockState(at.astimezone(UTC), real(), check_speed(speed), True), real)

    @property
    def state(self) -> ClockState:
        return self._state

    def follow(self, state: ClockState) -> None:
        """Take the state another process set (a desk following its trainer)."""
        self._state = state

    def now(self) -> datetime:
        return self._state.at(self._real())

    @property
    def paused(self) -> bool:
        return self._state.paused

    @property
    def speed(self) -> float:
        return self._state.speed

    def pause(self) -> None:
        self._state = replace(self._state.anchored(self._real()), paused=True)

    def resume(self) -> None:
        self._state = replace(self._state.anchored(self._real()), paused=False)

    def set_speed(self, speed: float) -> None:
        self._state = replace(self._state.anchored(self._real()), speed=check_speed(speed))

    def step(self, delta: timedelta) -> None:
        """Move simulated time on by `delta` (forward only), paused or not."""
        if delta < timedelta(0):
            raise ValueError("a shift's clock only moves forward")
        state = self._state.anchored(self._real())
        self._state = replace(state, sim_at=state.sim_at + delta)


def check_speed(speed: float) -> float:
    if not MIN_SPEED <= speed <= MAX_SPEED:
        raise ValueError(f"speed must be in {MIN_SPEED:g}..{MAX_SPEED:g}, not {speed:g}")
    return float(speed)
