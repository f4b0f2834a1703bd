"""Contact arrivals for the demo and for simulated shifts.

A non-homogeneous Poisson process: the rate follows the hour of the day (busy
in the morning, quiet after the lines close, the emergency line never empty).
Peak about 36 contacts an hour for the whole region, all lines together.

A phone caller waits on the line only so long: each has a patience, drawn from an
exponential distribution with a mean of three minutes (PATIENCE_MEAN_SECONDS: the
training streams' default, and what Erlang A assumes). Unanswered when it runs out,
the caller hangs up and the contact is abandoned (Callers, and the desk's
contacts.abandon). Were answer waits exponential with the pilot's 9-second mean,
about 5 % would hang up (9 / (9 + 180)), the pilot's target.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ohjaaja.domain.clock import local
from ohjaaja.domain.reference import municipalities

PEAK_PER_HOUR = 36.0
NIGHT_PER_HOUR = 2.0  # the social emergency line, all night
# Share of the peak rate by local hour on weekdays.
WEEKDAY_PROFILE = {
    7: 0.15, 8: 0.7, 9: 1.0, 10: 0.95, 11: 0.8, 12: 0.65, 13: 0.6, 14: 0.45, 15: 0.2, 16: 0.12,
}  # fmt: skip
LINE_WEIGHTS = {
    "ikaihmiset": 0.40,
    "tyoikaiset": 0.20,
    "lapsiperheet": 0.20,
    "mipa": 0.10,
    "sosiaalipaivystys": 0.10,
}
PATIENCE_MEAN_SECONDS = 180.0
PATIENT_CHANNELS = ("phone",)  # on the line now; a chat's writer may come back to it
CHANNEL_WEIGHTS = {
    "phone": 0.55,
    "callback": 0.15,
    "chat": 0.12,
    "email": 0.08,
    "eform": 0.07,
    "walk_in": 0.03,
}


@dataclass(frozen=True)
class Arrival:
    received_at: datetime
    channel: str
    line: str
    municipality_code: str
    language: str
    caller_phone: str | None
    patience: timedelta | None = None  # a phone caller hangs up unanswered after this


def rate_per_hour(at: datetime) -> float:
    moment = local(at)
    if moment.weekday() >= 5:
        return NIGHT_PER_HOUR
    return max(NIGHT_PER_HOUR, PEAK_PER_HOUR * WEEKDAY_PROFILE.get(moment.hour, 0.0))


class ArrivalSimulator:
    """Draws arrivals; known phone numbers make some callers identifiable."""

    def __init__(self, seed: int | None = 7, known_phones: Sequence[str] = ()) -> None:
        self.rng = random.Random(seed)
        # Patience from a stream of its own: the arrivals a seed makes stay the same.
        self.patience_rng = random.Random(None if seed is None else f"patience-{seed}")
        self.known_phones = list(known_phones)
        self._places = list(municipalities().values())

    def gap_after(self, at: datetime) -> timedelta:
        """Time to the next arrival (exponential at the current rate)."""
        return timedelta(hours=self.rng.expovariate(rate_per_hour(at)))

    def arrival(self, at: datetime) -> Arrival:
        rng = self.rng
        line = rng.choices(list(LINE_WEIGHTS), weights=list(LINE_WEIGHTS.values()))[0]
        channel = rng.choices(list(CHANNEL_WEIGHTS), weights=list(CHANNEL_WEIGHTS.values()))[0]
        older = line == "ikaihmiset"
        weights = [m.population_75plus if older else m.population for m in self._places]
        place = rng.choices(self._places, weights=weights)[0]
        language = "sv" if place.code in ("322", "445") and rng.random() < 0.6 else "fi"
        if language == "fi" and rng.random() < 0.04:
            language = rng.choice(("sv", "en"))
        phone = None
        if channel in ("phone", "callback"):
            if self.known_phones and rng.random() < 0.7:
                phone = rng.choice(self.known_phones)
            else:
                phone = f"+35840{rng.randrange(1_000_000, 10_000_000)}"
        patience = None
        if channel in PATIENT_CHANNELS:
            patience = timedelta(seconds=self.patience_rng.expovariate(1 / PATIENCE_MEAN_SECONDS))
        return Arrival(at, channel, line, place.code, language, phone, patience)

    def between(self, start: datetime, end: datetime) -> list[Arrival]:
        arrivals = []
        at = start + self.gap_after(start)
        while at < end:
            arrivals.append(self.arrival(at))
            at += self.gap_after(at)
        return arrivals


class Callers:
    """Callers waiting on the line, each until their patience runs out: which have
    given up by now, and when each did (the moment their contact is abandoned)."""

    def __init__(self) -> None:
        self._until: list[tuple[datetime, str]] = []

    def waiting(self, contact_id: str, arrival: Arrival) -> None:
        if arrival.patience is not None:
            heapq.heappush(self._until, (arrival.received_at + arrival.patience, contact_id))

    def given_up(self, now: datetime) -> list[tuple[str, datetime]]:
        """(contact id, when they hung up) of those whose patience ran out by now, once
        each; a contact someone has taken is the desk's to leave alone."""
        gone = []
        while self._until and self._until[0][0] <= now:
            at, contact_id = heapq.heappop(self._until)
            gone.append((contact_id, at))
        return gone
