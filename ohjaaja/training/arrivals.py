"""A scenario's arrivals, planned once from its seed: the streams' background
contacts (a non-homogeneous Poisson process by thinning, its rate following the
local hour) and the scripted contacts at their times.

Each phone or chat caller has a patience (exponential, the stream's mean) after
which, still unanswered, they hang up; whether and when they call again is drawn
with them, so the plan depends on nothing but the scenario and the seed. A
caller calling again is planned when they abandon (`call_again`), from a random
source of its own keyed by the caller, so the trainees' speed changes which
callers call again but never what any one caller does.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from ohjaaja.domain.clock import local
from ohjaaja.domain.reference import municipalities
from ohjaaja.training.scenario import Patience, Scenario, Stream

IMPATIENT_CHANNELS = ("phone", "chat")  # a caller waiting on the line; others wait
OLDER_LINE = "ikaihmiset"  # its callers come by the population over 75


@dataclass(frozen=True)
class Arrival:
    key: str  # unique in the plan: "s:<stream>:<n>" or "c:<script id>"; "#2" calling again
    at: datetime
    channel: str
    line: str
    municipality: str | None
    language: str
    caller_phone: str | None = None
    stream: str | None = None
    script_id: str | None = None
    patience: timedelta | None = None  # None: waits until answered
    patience_mean: timedelta = timedelta(minutes=3)  # the stream's, for calling again
    attempt: int = 1
    again_chance: float = 0.0  # after abandoning: calls again with this probability ...
    again_after: timedelta = timedelta(minutes=10)  # ... after about this long


def rate(stream: Stream, at: datetime) -> float:
    """Arrivals per hour at this instant (by its Finnish local hour)."""
    return stream.per_hour.get(local(at).hour, stream.base_per_hour)


def plan(scenario: Scenario, seed: int) -> list[Arrival]:
    """Every first arrival of the shift, in time order (ties by key)."""
    arrivals = [
        arrival for stream in scenario.streams for arrival in _stream(scenario, stream, seed)
    ]
    for script in scenario.scripts:
        at = scenario.start + script.at
        if at > scenario.end:
            continue
        arrivals.append(
            Arrival(
                key=f"c:{script.id}",
                at=at,
                channel=script.channel,
                line=script.line,
                municipality=script.municipality,
                language=script.language,
                caller_phone=script.caller.phone,
                script_id=script.id,
                patience=script.patience if script.channel in IMPATIENT_CHANNELS else None,
            )
        )
    return sorted(arrivals, key=lambda a: (a.at, a.key))


def _stream(scenario: Scenario, stream: Stream, seed: int) -> list[Arrival]:
    # A source per stream: adding a stream to a scenario leaves the others' callers as they were.
    rng = random.Random(f"{seed}/{stream.name}")
    peak = max([stream.base_per_hour, *stream.per_hour.values()])
    if peak <= 0:
        return []
    places = _places(stream)
    arrivals: list[Arrival] = []
    at = scenario.start
    while True:
        at += timedelta(hours=rng.expovariate(peak))
        if at >= scenario.end:
            return arrivals
        if rng.random() * peak >= rate(stream, at):
            continue  # thinned: the rate here is below the peak
        arrivals.append(_caller(rng, stream, places, at, len(arrivals)))


def _places(stream: Stream) -> dict[str, dict[str, float]]:
    """Municipality weights by line: the stream's own, or the population's."""
    if stream.municipalities:
        return {line: stream.municipalities for line in stream.lines}
    found = municipalities().values()
    return {
        line: {
            m.code: float(m.population_75plus if line == OLDER_LINE else m.population)
            for m in found
        }
        for line in stream.lines
    }


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _caller(
    rng: random.Random,
    stream: Stream,
    places: dict[str, dict[str, float]],
    at: datetime,
    n: int,
) -> Arrival:
    channel = _pick(rng, stream.channels)
    line = _pick(rng, stream.lines)
    municipality = _pick(rng, places[line])
    language = _pick(rng, stream.languages)
    phone = None
    if channel in ("phone", "callback"):
        phone = f"+35840{rng.randrange(1_000_000, 10_000_000)}"
    return Arrival(
        key=f"s:{stream.name}:{n}",
        at=at,
        channel=channel,
        line=line,
        municipality=municipality,
        language=language,
        caller_phone=phone,
        stream=stream.name,
        patience=_patience(rng, stream.patience) if channel in IMPATIENT_CHANNELS else None,
        patience_mean=stream.patience.mean,
        again_chance=stream.patience.call_again,
        again_after=stream.patience.again_after,
    )


def _patience(rng: random.Random, patience: Patience) -> timedelta:
    return timedelta(seconds=rng.expovariate(1 / max(patience.mean.total_seconds(), 1.0)))


def call_again(arrival: Arrival, abandoned_at: datetime, seed: int) -> Arrival | None:
    """The same caller calling again after hanging up at `abandoned_at`, or None.
    The delay is exponential around `again_after`; the new wait's patience is drawn
    with the stream's mean again."""
    if arrival.patience is None or arrival.again_chance <= 0:
        return None
    base = arrival.key.split("#")[0]
    rng = random.Random(f"{seed}/{base}#{arrival.attempt + 1}")
    if rng.random() >= arrival.again_chance:
        return None
    mean = arrival.again_after.total_seconds()
    delay = timedelta(seconds=rng.expovariate(1 / max(mean, 1.0)))
    return replace(
        arrival,
        key=f"{base}#{arrival.attempt + 1}",
        at=abandoned_at + delay,
        patience=_patience(rng, Patience(mean=arrival.patience_mean)),
        attempt=arrival.attempt + 1,
        # Each time less likely to try once more: a caller gives up in the end.
        again_chance=arrival.again_chance / 2,
    )
