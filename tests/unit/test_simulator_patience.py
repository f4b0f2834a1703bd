"""The demo's callers give up: a phone caller's patience (exponential, mean 3 min),
after which an unanswered contact is abandoned through the desk's use case."""

from __future__ import annotations

import heapq
import math
from datetime import timedelta
from pathlib import Path

from ohjaaja.demo.simulator import PATIENCE_MEAN_SECONDS, ArrivalSimulator, Callers
from ohjaaja.domain.clock import FixedClock, from_iso, to_iso
from ohjaaja.usecases.desk import Desk
from tests.conftest import MONDAY_MORNING

ANSWER_AFTER = timedelta(seconds=60)  # every contact is answered a minute after it arrives


def run_days(path: Path, days: int, seed: int) -> tuple[dict[str, str], dict[str, str], int]:
    """Arrivals of `days` days received by a desk; each contact taken when its minute
    is up, unless its caller gave up first. (status by contact, channel by contact,
    abandoned contacts whose moment is their caller's patience to the microsecond)."""
    clock = FixedClock(MONDAY_MORNING.replace(hour=0))
    desk = Desk(path, clock, "Simulaattori")
    simulator, callers = ArrivalSimulator(seed=seed), Callers()
    start = clock.now()
    arrivals = simulator.between(start, start + timedelta(days=days))
    patience = {}
    answers: list = []
    for arrival in arrivals:
        for due, contact_id in _due(answers, arrival.received_at):
            clock.set(due)
            for gone, at in callers.given_up(due):
                desk.contacts.abandon(gone, at)
            desk.contacts.take(contact_id)
        for gone, at in callers.given_up(arrival.received_at):
            desk.contacts.abandon(gone, at)
        clock.set(arrival.received_at)
        contact_id = desk.contacts.receive(
            arrival.channel, arrival.line, arrival.municipality_code, arrival.language,
            arrival.caller_phone, received_at=arrival.received_at,
        )  # fmt: skip
        callers.waiting(contact_id, arrival)
        patience[contact_id] = arrival.patience
        heapq.heappush(answers, (arrival.received_at + ANSWER_AFTER, contact_id))
    rows = desk.conn.execute(
        "SELECT c.id, c.status, c.channel, c.received_at, e.at FROM contact AS c "
        "LEFT JOIN contact_event AS e ON e.contact_id = c.id AND e.kind = 'abandoned'"
    ).fetchall()
    exact = sum(
        1
        for r in rows
        if r["at"] is not None and r["at"] == to_iso(from_iso(r["received_at"]) + patience[r["id"]])
    )
    desk.close()
    return {r["id"]: r["status"] for r in rows}, {r["id"]: r["channel"] for r in rows}, exact


def _due(answers: list, until) -> list:
    due = []
    while answers and answers[0][0] <= until:
        due.append(heapq.heappop(answers))
    return due


def test_only_phone_callers_have_a_patience_drawn_from_its_distribution() -> None:
    simulator = ArrivalSimulator(seed=3)
    arrivals = simulator.between(MONDAY_MORNING, MONDAY_MORNING + timedelta(days=60))
    phone = [a.patience.total_seconds() for a in arrivals if a.channel == "phone" and a.patience]
    assert all(a.patience is None for a in arrivals if a.channel != "phone")
    assert len(phone) == len([a for a in arrivals if a.channel == "phone"]) > 4000
    mean = sum(phone) / len(phone)
    assert abs(mean - PATIENCE_MEAN_SECONDS) < 0.05 * PATIENCE_MEAN_SECONDS
    # Exponential: a third of callers (1 - e^-(60/180)) are gone within the first minute.
    within_a_minute = sum(1 for p in phone if p < 60) / len(phone)
    assert abs(within_a_minute - (1 - math.exp(-60 / PATIENCE_MEAN_SECONDS))) < 0.02


def test_the_same_seed_makes_the_same_arrivals_whatever_the_patience() -> None:
    first = ArrivalSimulator(seed=7).between(MONDAY_MORNING, MONDAY_MORNING + timedelta(hours=8))
    again = ArrivalSimulator(seed=7).between(MONDAY_MORNING, MONDAY_MORNING + timedelta(hours=8))
    assert first == again
    assert [a.patience for a in first] == [a.patience for a in again]


def test_over_a_long_seeded_run_the_callers_who_give_up_are_abandoned_at_the_expected_rate(
    tmp_path: Path,
) -> None:
    status, channel, exact = run_days(tmp_path / "sim.sqlite", days=14, seed=5)
    phone = [cid for cid in status if channel[cid] == "phone"]
    abandoned = [cid for cid in status if status[cid] == "abandoned"]
    assert len(phone) > 1000
    # Only phone callers give up, and only while nobody has answered them.
    assert {channel[cid] for cid in abandoned} == {"phone"}
    assert {status[cid] for cid in status if channel[cid] != "phone"} <= {"taken", "waiting"}
    # Each is abandoned at the moment their patience ran out (the event the reports read).
    assert exact == len(abandoned)
    # Answered after a minute, a caller of exponential patience (mean 3 min) gives up
    # first with probability 1 - e^(-60/180), about 28 %.
    share = len(abandoned) / len(phone)
    expected = 1 - math.exp(-ANSWER_AFTER.total_seconds() / PATIENCE_MEAN_SECONDS)
    print(f"abandoned {len(abandoned)} of {len(phone)} phone callers: {share:.3f}, "
          f"expected {expected:.3f}")  # fmt: skip
    assert abs(share - expected) < 0.03
