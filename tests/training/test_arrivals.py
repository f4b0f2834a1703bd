"""Arrivals planned from a scenario and a seed: the Poisson rate by local hour,
callers' patience, calling again; the same seed gives the same plan."""

from __future__ import annotations

import math
from datetime import timedelta

from ohjaaja.domain.clock import local
from ohjaaja.training import arrivals
from ohjaaja.training.scenario import Patience, Stream
from tests.training.scenarios import morning


def test_the_rate_follows_the_local_hour_within_poisson_bounds() -> None:
    scenario = morning(per_hour=30.0, hours=400.0, scripts=0)
    plan = arrivals.plan(scenario, seed=5)
    by_hour: dict[int, int] = {}
    for arrival in plan:
        by_hour[local(arrival.at).hour] = by_hour.get(local(arrival.at).hour, 0) + 1
    # 400 hours from 8:00: each local hour of the day is covered 16 or 17 times.
    for hour, count in by_hour.items():
        covered = sum(
            1 for h in range(400) if local(scenario.start + timedelta(hours=h)).hour == hour
        )
        expected = covered * (60.0 if hour == 9 else 30.0)
        assert abs(count - expected) < 4 * math.sqrt(expected), (hour, count, expected)
    assert set(by_hour) == set(range(24))


def test_callers_channels_and_languages_by_the_streams_weights() -> None:
    plan = arrivals.plan(morning(per_hour=100.0, hours=50.0, scripts=0), seed=2)
    phones = sum(a.channel == "phone" for a in plan) / len(plan)
    swedish = sum(a.language == "sv" for a in plan) / len(plan)
    assert abs(phones - 0.8) < 0.03
    assert abs(swedish - 0.1) < 0.02
    assert {a.line for a in plan} == {"ikaihmiset"}
    # No municipalities named: by the population over 75, Turku the most.
    towns: dict[str | None, int] = {}
    for a in plan:
        towns[a.municipality] = towns.get(a.municipality, 0) + 1
    assert max(towns, key=lambda k: towns[k]) == "853"


def test_patience_is_exponential_with_the_streams_mean_for_phone_and_chat_only() -> None:
    patience = Patience(mean=timedelta(minutes=2))
    plan = arrivals.plan(morning(per_hour=200.0, hours=30.0, patience=patience, scripts=0), 9)
    waits = [a.patience.total_seconds() for a in plan if a.patience is not None]
    mean = sum(waits) / len(waits)
    assert abs(mean - 120.0) < 4 * 120.0 / math.sqrt(len(waits))
    assert all(a.patience is None for a in plan if a.channel == "email")


def test_calling_again_by_its_chance_after_about_its_delay() -> None:
    patience = Patience(call_again=0.3, again_after=timedelta(minutes=10))
    plan = [a for a in arrivals.plan(morning(200.0, 20.0, patience, 0), 3) if a.patience]
    again = [arrivals.call_again(a, a.at + a.patience, 3) for a in plan if a.patience]
    came = [(first, second) for first, second in zip(plan, again, strict=True) if second]
    share = len(came) / len(plan)
    assert abs(share - 0.3) < 4 * math.sqrt(0.3 * 0.7 / len(plan))
    delays = [(b.at - (a.at + a.patience)).total_seconds() for a, b in came if a.patience]
    assert abs(sum(delays) / len(delays) - 600.0) < 4 * 600.0 / math.sqrt(len(delays))
    assert all(b.attempt == 2 and b.key == f"{a.key}#2" for a, b in came)
    # The same caller, asked again, does the same.
    first, second = came[0]
    assert first.patience is not None
    assert arrivals.call_again(first, first.at + first.patience, 3) == second


def test_the_same_seed_gives_the_same_plan_and_another_seed_another() -> None:
    scenario = morning()
    assert arrivals.plan(scenario, 1) == arrivals.plan(scenario, 1)
    assert arrivals.plan(scenario, 1) != arrivals.plan(scenario, 2)


def test_scripted_contacts_come_at_their_times_with_their_patience() -> None:
    scenario = morning(per_hour=0.0)
    plan = arrivals.plan(scenario, 1)
    assert [(a.key, a.at - scenario.start, a.patience) for a in plan] == [
        ("c:daughter-0", timedelta(minutes=5), timedelta(minutes=4)),
        ("c:daughter-1", timedelta(minutes=15), timedelta(minutes=4)),
    ]


def test_a_stream_with_no_rate_brings_nobody() -> None:
    quiet = Stream(name="quiet", base_per_hour=0.0)
    assert arrivals._stream(morning(), quiet, 1) == []
