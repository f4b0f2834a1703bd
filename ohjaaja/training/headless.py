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

from ohjaaja.db import training as rows
from ohjaaja.domain.clock import HELSINKI, to_iso
from ohjaaja.training.clock import ClockState, SimClock
from ohjaaja.training.erlang import QueueFigures, erlang_a_figures, erlang_c_figures, workers_needed
from ohjaaja.training.scenario import Scenario, Stream
from ohjaaja.usecases.contacts import ContactForm
from ohjaaja.usecases.desk import Desk

POLICIES = ("oldest", "urgent")
DISTRIBUTIONS = ("lognormal", "exponential")
LOGNORMAL_SIGMA = 0.6  # handling times' spread: a coefficient of variation of about 0.66
ABANDONING = ("phone", "chat")  # who hangs up; a letter or an e-form waits


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


def _finite(value: object) -> object:
    return None if isinstance(value, float) and not math.isfinite(value) else value


@dataclass
class _Contact:
    id: str
    received: datetime
    priority: int
    hour: str
    patience: float | None
    stream: Stream | None
    attrs: tuple[str, str, str | None, str]
    attempt: int


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
        self.clock = SimClock(ClockState(scenario.start, 0.0, 1.0, False), real=lambda: 0.0)
        self.desks = [
            Desk(path, self.clock, f"Trainee {n + 1}", training=True) for n in range(trainees)
        ]
        self.events: list[tuple[datetime, int, str, Any]] = []
        self.seq = 0
        self.waiting: dict[str, _Contact] = {}
        self.free: deque[int] = deque(range(trainees))
        self.rng_handling = random.Random(f"{seed}:handling")
        self.rng_again = random.Random(f"{seed}:again")
        self.shift_id = f"headless-{seed}"
        self.waits: list[tuple[str, float]] = []  # (hour, seconds) of the answered
        self.abandons: list[str] = []
        self.arrivals: list[str] = []
        self.max_queue: dict[str, int] = {}

    def push(self, at: datetime, kind: str, data: Any) -> None:
        self.seq += 1
        heapq.heappush(self.events, (at, self.seq, kind, data))

    def play(self) -> HeadlessResult:
        with self.desks[0].ctx.writing() as conn:
            rows.insert_shift(
                conn,
                self.shift_id,
                self.scenario.name or self.scenario.title,
                "",
                "json",
                self.seed,
                self.clock.state.to_json(),
                to_iso(self.scenario.start),
            )
        for at, stream, attrs in plan_arrivals(self.scenario, self.seed):
            self.push(at, "arrive", (stream, attrs, 1, None))
        for script in self.scenario.scripts:
            attrs = (script.channel, script.line, script.municipality, script.language)
            patience = script.patience.total_seconds() if script.patience else None
            self.push(self.scenario.start + script.at, "arrive", (None, attrs, 1, patience))
        try:
            while self.events and self.events[0][0] < self.scenario.end:
                at, _, kind, data = heapq.heappop(self.events)
                if at > self.clock.now():
                    self.clock.step(at - self.clock.now())
                getattr(self, f"_{kind}")(data)
            return self._result()
        finally:
            for desk in self.desks:
                desk.close()

    def _arrive(
        self, data: tuple[Stream | None, tuple[str, str, str | None, str], int, float | None]
    ) -> None:
        stream, attrs, attempt, scripted_patience = data
        channel, line, municipality, language = attrs
        now = self.clock.now()
        desk = self.desks[0]
        contact_id = desk.contacts.receive(channel, line, municipality, language, received_at=now)
        patience = None
        if channel in ABANDONING:
            if stream is None:  # a script's caller waits exactly as long as written
                patience = scripted_patience
            else:
                mean = stream.patience.mean.total_seconds()
                patience = self.rng_again.expovariate(1.0 / mean)
        with desk.ctx.writing() as conn:
            name = stream.name if stream else None
            rows.add_contact(conn, contact_id, self.shift_id, None, name, patience, attempt)
        priority = int(
            desk.conn.execute(
                "SELECT priority FROM contact WHERE id = ?", (contact_id,)
            ).fetchone()[0]
        )
        hour = _hour(now)
        self.arrivals.append(hour)
        self.waiting[contact_id] = _Contact(
            contact_id, now, priority, hour, patience, stream, attrs, attempt
        )
        if patience is not None:
            self.push(now + timedelta(seconds=patience), "patience", contact_id)
        self._dispatch()
        self.max_queue[hour] = max(self.max_queue.get(hour, 0), len(self.waiting))

    def _patience(self, contact_id: str) -> None:
        contact = self.waiting.pop(contact_id, None)
        if contact is None:
            return  # answered in time
        now = self.clock.now()
        desk = self.desks[0]
        # The caller hung up: the contact leaves the queue, marked in the shift's timeline.
        with desk.ctx.writing() as conn:
            conn.execute(
                "UPDATE contact SET status = 'closed', outcome = 'no_action', closed_at = ?, "
                "updated_at = ? WHERE id = ? AND status = 'waiting'",
                (to_iso(now), to_iso(now), contact_id),
            )
            rows.add_event(conn, self.shift_id, to_iso(now), "abandoned", contact_id)
        self.abandons.append(contact.hour)
        stream = contact.stream
        if stream is not None and self.rng_again.random() < stream.patience.call_again:
            again = self.rng_again.expovariate(1.0 / stream.patience.again_after.total_seconds())
            self.push(
                now + timedelta(seconds=again),
                "arrive",
                (stream, contact.attrs, contact.attempt + 1, None),
            )

    def _done(self, data: tuple[int, str]) -> None:
        trainee, contact_id = data
        form = ContactForm(caller_kind="anonymous", outcome="resolved")
        errors = self.desks[trainee].contacts.close_contact(contact_id, "", form)
        assert not errors, errors
        self.free.append(trainee)
        self._dispatch()

    def _dispatch(self) -> None:
        now = self.clock.now()
        while self.free and self.waiting:
            trainee = self.free.popleft()
            desk = self.desks[trainee]
            if self.policy == "urgent":
                view = desk.contacts.take_next()  # the queue's own order: urgent first
                taken = view.id if view is not None else None
            else:
                oldest = min(self.waiting.values(), key=lambda c: (c.received, c.id))
                taken = oldest.id if desk.contacts.take(oldest.id) is not None else None
            if taken is None or taken not in self.waiting:
                raise RuntimeError("the headless queue and the desk's disagree")
            contact = self.waiting.pop(taken)
            self.waits.append((contact.hour, (now - contact.received).total_seconds()))
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


def _rate(stream: Stream, at: datetime) -> float:
    return stream.per_hour.get(at.astimezone(HELSINKI).hour, stream.base_per_hour)


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
            _rate(s, at) for s in scenario.streams
        )
        at = until
    return out


def mean_patience(scenario: Scenario) -> float | None:
    """The live callers' mean patience in seconds, weighted by their streams' rates."""
    weights = [
        (s.base_per_hour * sum(w for ch, w in s.channels.items() if ch in ABANDONING)
         / max(sum(s.channels.values()), 1e-12), s.patience.mean.total_seconds())
        for s in scenario.streams
    ]  # fmt: skip
    total = sum(w for w, _ in weights)
    if total <= 0:
        return None
    return sum(w * p for w, p in weights) / total


def plan_arrivals(
    scenario: Scenario, seed: int
) -> list[tuple[datetime, Stream, tuple[str, str, str | None, str]]]:
    """The streams' Poisson arrivals over the shift (rates by local hour, by thinning):
    (time, stream, (channel, line, municipality, language)), in time order."""
    out = []
    for stream in scenario.streams:
        rng = random.Random(f"{seed}:{stream.name}")
        top = max([stream.base_per_hour, *stream.per_hour.values()])
        if top <= 0:
            continue
        at = scenario.start
        while True:
            at += timedelta(seconds=rng.expovariate(top / 3600.0))
            if at >= scenario.end:
                break
            if rng.random() * top > _rate(stream, at):
                continue
            attrs = (
                _pick(rng, stream.channels) or "phone",
                _pick(rng, stream.lines) or "ikaihmiset",
                _pick(rng, stream.municipalities),
                _pick(rng, stream.languages) or scenario.language,
            )
            out.append((at, stream, attrs))
    out.sort(key=lambda a: (a[0], a[1].name))
    return out


def _pick(rng: random.Random, weights: dict[str, float]) -> str | None:
    if not weights:
        return None
    keys = sorted(weights)
    return rng.choices(keys, [weights[k] for k in keys])[0]
