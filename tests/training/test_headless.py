"""A shift played headless by simulated trainees on a real training desk file."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ohjaaja.training.headless import Handling, expected_per_hour, play
from ohjaaja.training.scenario import Patience, Scenario, Stream

START = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)  # Thursday 8:00 in Helsinki


def stationary(hours: int = 8, rate: float = 60.0) -> Scenario:
    stream = Stream("older", rate, patience=Patience(timedelta(minutes=3), call_again=0.0))
    return Scenario("Steady", "fi", START, timedelta(hours=hours), streams=(stream,), name="steady")


def test_same_seed_same_figures_another_seed_others() -> None:
    scenario = stationary(hours=1)
    handling = Handling(timedelta(minutes=6), "lognormal")
    first = play(scenario, 7, 5, "oldest", handling)
    assert play(scenario, 7, 5, "oldest", handling) == first
    assert play(scenario, 8, 5, "oldest", handling) != first


def test_a_stationary_stream_plays_close_to_erlang_a() -> None:
    # 60 an hour, 6 min exponential handling (6 erlangs), 3 min patience, 7 trainees:
    # over 8 hours (about 480 callers) the played shares stay near the model's.
    result = play(stationary(), 1, 7, "oldest", Handling(timedelta(minutes=6), "exponential"))
    a = result.erlang_a
    assert a is not None and result.abandonment is not None and result.asa is not None
    assert 400 < result.contacts < 560
    assert result.answered + result.abandoned + result.left_waiting == result.contacts
    assert result.abandonment == pytest.approx(a.abandonment, abs=0.05)
    assert result.service_level == pytest.approx(a.service_level, abs=0.08)
    assert result.asa == pytest.approx(a.asa, abs=12.0)
    assert result.needed_a is not None and result.needed_c is not None
    assert result.needed_a <= result.needed_c


def test_the_shift_is_written_to_the_training_file(tmp_path: Path) -> None:
    database = tmp_path / "training.sqlite"
    result = play(stationary(hours=1), 3, 2, "urgent", database=database)
    conn = sqlite3.connect(database)
    statuses = dict(conn.execute("SELECT status, count(*) FROM contact GROUP BY status").fetchall())
    abandoned = conn.execute(
        "SELECT count(*) FROM training_event WHERE kind = 'abandoned'"
    ).fetchone()[0]
    takers = conn.execute("SELECT count(DISTINCT taken_by) FROM contact").fetchone()[0]
    assert conn.execute("SELECT count(*) FROM training_contact").fetchone()[0] == result.contacts
    assert abandoned == result.abandoned
    assert statuses.get("abandoned", 0) == result.abandoned  # the engine's own marking
    assert statuses.get("closed", 0) + statuses.get("taken", 0) == result.answered
    assert statuses.get("waiting", 0) == result.left_waiting
    assert takers == 2  # both trainees' desks took contacts


def test_hours_follow_the_local_clock_and_the_morning_peak() -> None:
    stream = Stream("older", 10.0, per_hour={8: 40.0, 9: 30.0})
    scenario = Scenario("Peak", "fi", START, timedelta(hours=3), streams=(stream,))
    assert expected_per_hour(scenario) == {"08:00": 40.0, "09:00": 30.0, "10:00": 10.0}
    result = play(scenario, 2, 3)
    assert [h.hour for h in result.hours] == ["08:00", "09:00", "10:00"]
    assert result.hours[0].contacts > result.hours[2].contacts
    assert result.needed_peak is not None and result.needed_a is not None
    assert result.needed_peak >= result.needed_a


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"policy": "random"}, "policy"), ({"trainees": 0}, "trainees")],
)
def test_bad_choices_are_named(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        play(stationary(hours=1), 1, **kwargs)


def test_bad_handling_is_named() -> None:
    with pytest.raises(ValueError, match="distribution"):
        Handling(timedelta(minutes=6), "uniform")
    with pytest.raises(ValueError, match="handling"):
        Handling(timedelta(0))
