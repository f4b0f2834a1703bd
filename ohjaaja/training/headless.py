"""A shift played headless by simulated trainees, for a trainer preparing it.

The shift runs on a real training desk database (a temporary file): every contact
is received, taken and closed through ordinary Desk objects, one per trainee, as
trainees would on their desks; only the trainees' choices are simulated (the
policy: the oldest contact first, or the queue's own order, urgent first) and
their handling times are drawn (lognormal or exponential, with a mean). Nothing
waits for real time: the shift's SimClock is stepped to the next event.

Beside the played figures stand Erlang C and Erlang A (erlang.py) for the same
arrival rate, handling time and patience, and the trainees the scenario's targets
need, so a trainer sees whether a class of K can carry the scenario.
"""

from __future__ import annotations

import heapq
import math
import random
import statistics
import tempfile
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ohjaaja.domain.clock import HELSINKI
from ohjaaja.training import arrivals as plans
from ohjaaja.training.arrivals import IMPATIENT_CHANNELS, Arrival
from ohjaaja.training.clock import ClockState, SimClock
from ohjaaja.training.engine import Shift, contact_id
from ohjaaja.training.erlang import QueueFigures, erlang_a_figures, erlang_c_figures, workers_needed
from ohjaaja.training.scenario import Scenario
from ohjaaja.usecases.contacts import ContactForm
from ohjaaja.usecases.desk import Desk

POLICIES = ("oldest", "urgent")
DISTRIBUTIONS = ("lognormal", "exponential")
LOGNORMAL_SIGMA = 0.6  # handling times' spread: a coefficient of variation of about 0.66


@dataclass(frozen=True)
class Handling:
    mean: timedelta = timedelta(minutes=6)
    distribution: str = "lognormal"

    def __post_init__(self) -> None:
        if self.distribution not in DISTRIBUTIONS:
            raise ValueError(f"handling distribution must be one of {', '.join(DISTRIBUTIONS)}")
        if self.mean <= timedelta(0):
            raise ValueError("handling time must be positive")

    def draw(self, rng: random.Random) -> float:
        mean = self.mean.total_seconds()
        if self.distribution == "exponential":
            return rng.expovariate(1.0 / mean)
        mu = math.log(mean) - LOGNORMAL_SIGMA**2 / 2  # so that the mean is `mean`
        return rng.lognormvariate(mu, LOGNORMAL_SIGMA)


@dataclass(frozen=True)
class HourFigures:
    hour: str  # local, "08:00"
    expected: float  # contacts the streams' rates give for the hour
    contacts: int
    answered: int
    abandoned: int
    asa: float | None  # seconds
    service_level: float | None
    max_queue: int
    needed: int | None  # trainees Erlang A (or C) asks for this hour's rate


@dataclass(frozen=True)
class HeadlessResult:
    scenario: str
    seed: int
    trainees: int
    policy: str
    handling: float  # mean, seconds
    distribution: str
    contacts: int
    answered: int
    abandoned: int
    left_waiting: int  # still in the queue when the shift ended
    asa: float | None
    service_level: float | None  # answered within the target / callers who finished
    service_level_seconds: float
    abandonment: float | None
    max_queue: int
    per_hour_rate: float  # the streams' expected contacts an hour, over the shift
    patience: float | None  # the live callers' mean patience, seconds
    erlang_c: QueueFigures
    erlang_a: QueueFigures | None
    needed_c: int | None  # for the targets, at the average rate
    needed_a: int | None
    needed_peak: int | None  # at the busiest hour's rate
    hours: tuple[HourFigures, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("erlang_c", "erlang_a"):
            if data[key] is not None:
                data[key] = {k: _finite(v) for k, v in data[key].items()}
        return data


def _still() -> float:
    return 0.0


def _finite(value: object) -> object:
    return None if isinstance(value, float) and not math.isfinite(value) else value


@dataclass
class _Waiting:
    arrival: Arrival
    hour: str
    gives_up: datetime | None


def play(
    scenario: Scenario,
    seed: int | None = None,
    trainees: int = 3,
    policy: str = "oldest",
    handling: Handling | None = None,
    database: Path | None = None,
) -> HeadlessResult:
    """Play `scenario` from start to end; the same seed gives the same figures."""
    if policy not in POLICIES:
        raise ValueError(f"policy must be one of {', '.join(POLICIES)}")
    if trainees < 1:
        raise ValueError("trainees: at least one")
    seed = scenario.seed if seed is None else seed
    handling = handling or Handling()
    with _training_file(database) as path:
        return _Run(scenario, seed, trainees, policy, handling, path).play()


@contextmanager
def _training_file(database: Path | None) -> Iterator[Path]:
    if database is not None:
        yield database
        return
    with tempfile.TemporaryDirectory(prefix="ohjaaja-headless-") as tmp:
        yield Path(tmp) / "training.sqlite"


class _Run:
    """The engine's Shift plays the scenario (arrivals, abandonments, calling again);
    this loop only moves the clock to the next thing that happens and plays the
    trainees. It knows when the engine will act because the plan is the engine's
    (arrivals.plan, call_again) and a caller gives up at arrival + patience."""

    def __init__(
        self,
        scenario: Scenario,
        seed: int,
        trainees: int,
        policy: str,
        handling: Handling,
        path: Path,
    ) -> None:
        self.scenario, self.seed, self.policy, self.handling = scenario, seed, policy, handling
        # Real time stands still; the simulated clock is stepped from event to event.
        self.clock = SimClock(ClockState(scenario.start, 0.0, 1.0, True), real=_still)
        self.desks = [
            Desk(path, self.clock, f"Trainee {n + 1}", training=True) for n in range(trainees)
        ]
        self.events: list[tuple[datetime, int, str, Any]] = []
        self.seq = 0
        self.expected: dict[str, Arrival] = {}  # contact id -> what arrives, not yet in
        self.waiting: dict[str, _Waiting] = {}
        self.free: deque[int] = deque(range(trainees))
        self.rng_handling = random.Random(f"{seed}:handling")
        self.waits: list[tuple[str, float]] = []  # (hour, seconds) of the answered
        self.abandons: list[str] = []
        self.arrivals: list[str] = []
        self.max_queue: dict[str, int] = {}

    def push(self, at: datetime, kind: str, data: Any = None) -> None:
        self.seq += 1
        heapq.heappush(self.events, (at, self.seq, kind, data))

    def play(self) -> HeadlessResult:
        try:
            self.shift = Shift.start(
                self.desks[0], self.scenario, "", "json", self.seed, real=_still
            )
            self.shift.resume()
            for arrival in self.shift.plan:
                self._expect(arrival)
            while self.events and self.events[0][0] <= self.scenario.end:
                at, _, kind, data = heapq.heappop(self.events)
                if kind == "done":
                    if at > self.clock.now():
                        self.clock.step(at - self.clock.now())
                    self._done(data)
                else:  # the engine's turn: arrivals, callers giving up, calling again
                    self.shift.advance_to(at)
                    self._reconcile()
                self._dispatch()
            return self._result()
        finally:
            for desk in self.desks:
                desk.close()

    def _expect(self, arrival: Arrival) -> None:
        self.expected[contact_id(self.shift.id, arrival.key)] = arrival
        self.push(arrival.at, "engine")

    def _reconcile(self) -> None:
        """Take in what the engine made by now: new contacts, and callers gone."""
        now = self.clock.now()
        for cid in [c for c, a in self.expected.items() if a.at <= now]:
            arrival = self.expected.pop(cid)
            gives_up = arrival.at + arrival.patience if arrival.patience is not None else None
            hour = _hour(arrival.at)
            self.waiting[cid] = _Waiting(arrival, hour, gives_up)
            self.arrivals.append(hour)
            if gives_up is not None:
                self.push(gives_up, "engine")
        for cid in [c for c, w in self.waiting.items() if w.gives_up and w.gives_up <= now]:
            gone = self.waiting.pop(cid)
            if self.desks[0].contacts.contact(cid).status == "waiting":
                raise RuntimeError(f"the engine kept {cid} waiting past its patience")
            self.abandons.append(gone.hour)
            assert gone.gives_up is not None
            again = plans.call_again(gone.arrival, gone.gives_up, self.seed)
            if again is not None and again.at <= self.scenario.end:
                self._expect(again)
        queued = len(self.waiting)
        hour = _hour(now)
        self.max_queue[hour] = max(self.max_queue.get(hour, 0), queued)

    def _done(self, data: tuple[int, str]) -> None:
        trainee, cid = data
        form = ContactForm(caller_kind="anonymous", outcome="resolved")
        errors = self.desks[trainee].contacts.close_contact(cid, "", form)
        if errors:
            raise RuntimeError(f"a simulated trainee could not close {cid}: {errors}")
        self.free.append(trainee)

    def _dispatch(self) -> None:
        now = self.clock.now()
        while self.free and self.waiting:
            trainee = self.free.popleft()
            desk = self.desks[trainee]
            if self.policy == "urgent":
                view = desk.contacts.take_next()  # the queue's own order: urgent first
                taken = view.id if view is not None else None
            else:
                oldest = min(self.waiting, key=lambda c: (self.waiting[c].arrival.at, c))
                taken = oldest if desk.contacts.take(oldest) is not None else None
            if taken is None or taken not in self.waiting:
                raise RuntimeError("the headless queue and the desk's disagree")
            contact = self.waiting.pop(taken)
            self.waits.append((contact.hour, (now - contact.arrival.at).total_seconds()))
            seconds = self.handling.draw(self.rng_handling)
            self.push(now + timedelta(seconds=seconds), "done", (trainee, taken))

    def _result(self) -> HeadlessResult:
        sc, targets = self.scenario, self.scenario.targets
        within = targets.service_level_seconds
        handling_s = self.handling.mean.total_seconds()
        trainees = len(self.desks)
        hours_s = sc.duration.total_seconds() / 3600.0
        expected = expected_per_hour(sc)
        total_expected = sum(expected.values())
        per_hour = total_expected / hours_s if hours_s > 0 else 0.0
        patience = mean_patience(sc)
        c = erlang_c_figures(per_hour, handling_s, trainees, within)
        a = (
            erlang_a_figures(per_hour, handling_s, patience, trainees, within)
            if patience is not None
            else None
        )
        needed_c = _needed(per_hour, handling_s, None, targets)
        needed_a = _needed(per_hour, handling_s, patience, targets) if patience else None
        peak = max(expected.values(), default=0.0)
        needed_peak = _needed(peak, handling_s, patience, targets)
        hours = []
        for hour in sorted(set(expected) | set(self.arrivals)):
            waits = [w for h, w in self.waits if h == hour]
            abandoned = self.abandons.count(hour)
            hours.append(
                HourFigures(
                    hour,
                    round(expected.get(hour, 0.0), 2),
                    self.arrivals.count(hour),
                    len(waits),
                    abandoned,
                    statistics.fmean(waits) if waits else None,
                    _share(sum(w <= within for w in waits), len(waits) + abandoned),
                    self.max_queue.get(hour, 0),
                    _needed(expected.get(hour, 0.0), handling_s, patience, targets),
                )
            )
        waits = [w for _, w in self.waits]
        finished = len(waits) + len(self.abandons)
        return HeadlessResult(
            scenario=sc.name or sc.title,
            seed=self.seed,
            trainees=trainees,
            policy=self.policy,
            handling=handling_s,
            distribution=self.handling.distribution,
            contacts=len(self.arrivals),
            answered=len(waits),
            abandoned=len(self.abandons),
            left_waiting=len(self.waiting),
            asa=statistics.fmean(waits) if waits else None,
            service_level=_share(sum(w <= within for w in waits), finished),
            service_level_seconds=within,
            abandonment=_share(len(self.abandons), finished),
            max_queue=max(self.max_queue.values(), default=0),
            per_hour_rate=per_hour,
            patience=patience,
            erlang_c=c,
            erlang_a=a,
            needed_c=needed_c,
            needed_a=needed_a,
            needed_peak=needed_peak,
            hours=tuple(hours),
        )


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _needed(per_hour: float, handling_s: float, patience: float | None, targets: Any) -> int | None:
    try:
        return workers_needed(per_hour, handling_s, patience, targets)
    except ValueError:
        return None  # beyond any class: shown as such


def _hour(at: datetime) -> str:
    return at.astimezone(HELSINKI).strftime("%H:00")


def expected_per_hour(scenario: Scenario) -> dict[str, float]:
    """Contacts the streams give in each local hour of the shift (part hours pro rata)."""
    out: dict[str, float] = {}
    at = scenario.start
    while at < scenario.end:
        local = at.astimezone(HELSINKI)
        next_hour = (
            local.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        ).astimezone(at.tzinfo)
        until = min(next_hour, scenario.end)
        share = (until - at).total_seconds() / 3600.0
        out[_hour(at)] = out.get(_hour(at), 0.0) + share * sum(
            plans.rate(s, at) for s in scenario.streams
        )
        at = until
    return out


def mean_patience(scenario: Scenario) -> float | None:
    """The live callers' mean patience in seconds, weighted by their streams' rates."""
    weights = [
        (s.base_per_hour * sum(w for ch, w in s.channels.items() if ch in IMPATIENT_CHANNELS)
         / max(sum(s.channels.values()), 1e-12), s.patience.mean.total_seconds())
        for s in scenario.streams
    ]  # fmt: skip
    total = sum(w for w, _ in weights)
    if total <= 0:
        return None
    return sum(w * p for w, p in weights) / total
