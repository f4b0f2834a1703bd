"""A shift played into a training desk: arrivals become contacts, unanswered
callers abandon and call again, the trainer's controls move the shared clock, and
the same seed and actions give the same events."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from ohjaaja.db import training as rows

from ohjaaja.domain.clock import FixedClock
from ohjaaja.training.clock import ClockState, SimClock
from ohjaaja.training.engine import NotATrainingDesk, Shift, contact_id
from ohjaaja.training.scenario import Expect, Patience, Scenario
from ohjaaja.usecases.desk import Desk
from tests.training.scenarios import START, morning


class Real:
    """Real time the test moves."""

    def __init__(self) -> None:
        self.t = 1_000.0

    def __call__(self) -> float:
        return self.t


def trainer_desk(path: Path, real: Real, name: str = "Kouluttaja Kaisa") -> Desk:
    clock = SimClock(ClockState(START, real()), real)
    return Desk(path, clock, name, ("trainer",), training=True)


def test_a_shift_starts_paused_with_its_world_and_makes_nothing_until_resumed(
    tmp_path: Path,
) -> None:
    real = Real()
    desk = trainer_desk(tmp_path / "t.sqlite", real)
    shift = Shift.start(desk, morning(), "{}", "json", seed=4, shift_id="shift-1", real=real)
    assert desk.clock.now() == START and shift.clock is desk.clock
    clients = desk.conn.execute("SELECT count(*) FROM client").fetchone()[0]
    assert clients == 21  # the seeded register and the scenario's person, once
    assert desk.conn.execute("SELECT count(*) FROM service").fetchone()[0] > 0
    real.t += 3600
    assert shift.advance() == 0
    status = shift.status()
    assert (status.paused, status.waiting, status.scripted_total) == (True, 0, 2)
    assert [kind for _, kind, *_ in rows.events(desk.conn, "shift-1")] == ["started"]


def test_arrivals_due_by_the_simulated_now_become_contacts(tmp_path: Path) -> None:
    real = Real()
    desk = trainer_desk(tmp_path / "t.sqlite", real)
    shift = Shift.start(desk, morning(), "{}", "json", seed=4, shift_id="shift-1", real=real)
    shift.set_speed(60.0)
    shift.resume()
    real.t += 6  # six minutes simulated: the first scripted caller at 8:05
    made = shift.advance()
    assert made >= 1
    scripted = contact_id("shift-1", "c:daughter-0")
    row = desk.conn.execute(
        "SELECT status, received_at FROM contact WHERE id = ?", (scripted,)
    ).fetchone()
    assert row[0] == "waiting" and row[1].startswith("2026-12-03T06:05:00")
    assert shift.advance() == 0  # nothing twice
    kinds = [kind for _, kind, *_ in rows.events(desk.conn, "shift-1")]
    status = shift.status()
    assert made == len(kinds) - 3  # but started, speed and resumed
    assert status.waiting + status.abandoned == kinds.count("arrived")


def test_an_unanswered_caller_abandons_at_their_patience_a_taken_one_does_not(
    tmp_path: Path,
) -> None:
    real = Real()
    desk = trainer_desk(tmp_path / "t.sqlite", real)
    scenario = morning(per_hour=0.0)
    shift = Shift.start(desk, scenario, "{}", "json", shift_id="shift-1", real=real)
    shift.step(timedelta(minutes=16))
    assert shift.advance() == 3  # two arrived, the first (8:05 + 4 min) abandoned
    first, second = (contact_id("shift-1", f"c:daughter-{n}") for n in range(2))
    assert desk.contacts.take(second) is not None
    shift.step(timedelta(minutes=30))
    assert shift.advance() == 0
    status = shift.status()
    assert (status.abandoned, status.answered, status.waiting) == (1, 1, 0)
    abandoned = [
        (at, c) for at, kind, c, _, _ in rows.events(desk.conn, "shift-1") if kind == "abandoned"
    ]
    assert abandoned == [("2026-12-03T06:09:00.000000Z", first)]


def test_abandoned_callers_call_again_as_a_new_contact(tmp_path: Path) -> None:
    real = Real()
    desk = trainer_desk(tmp_path / "t.sqlite", real)
    scenario = morning(per_hour=60.0, hours=1.0, patience=Patience(call_again=1.0), scripts=0)
    shift = Shift.start(desk, scenario, "{}", "json", seed=8, shift_id="shift-1", real=real)
    shift.step(timedelta(hours=1))
    shift.advance()
    attempts = dict(
        desk.conn.execute("SELECT attempt, count(*) FROM training_contact GROUP BY attempt")
    )
    assert attempts[2] > 0 and attempts.get(3, 0) <= attempts[2]
    again = desk.conn.execute(
        "SELECT c.received_at FROM training_contact AS t JOIN contact AS c ON c.id = t.contact_id "
        "WHERE t.attempt = 2"
    ).fetchall()
    assert all(r[0] <= "2026-12-03T07:00:00.000000Z" for r in again)


def test_pause_speed_and_step_move_the_desks_clock_and_are_recorded(tmp_path: Path) -> None:
    real = Real()
    desk = trainer_desk(tmp_path / "t.sqlite", real)
    shift = Shift.start(desk, morning(), "{}", "json", shift_id="shift-1", real=real)
    shift.resume()
    real.t += 10
    assert desk.clock.now() == START + timedelta(seconds=10)
    shift.set_speed(30.0)
    real.t += 10
    assert desk.clock.now() == START + timedelta(seconds=310)
    shift.pause()
    real.t += 100
    assert desk.clock.now() == START + timedelta(seconds=310)
    shift.step(timedelta(minutes=5))
    assert desk.clock.now() == START + timedelta(seconds=610)
    stored = ClockState.from_json(rows.shift(desk.conn, "shift-1").clock)  # type: ignore[union-attr]
    assert stored == desk.clock.state  # type: ignore[attr-defined]
    kinds = [kind for _, kind, *_ in rows.events(desk.conn, "shift-1")]
    assert kinds == ["started", "resumed", "speed", "paused", "stepped"]
    with pytest.raises(ValueError):
        shift.set_speed(61.0)
    shift.end()
    assert shift.status().ended and shift.advance() == 0
    assert Shift.running(desk, morning()) is None


def test_a_shift_is_picked_up_after_a_restart(tmp_path: Path) -> None:
    real = Real()
    path = tmp_path / "t.sqlite"
    desk = trainer_desk(path, real)
    shift = Shift.start(desk, morning(), "{}", "json", shift_id="shift-1", real=real)
    shift.step(timedelta(minutes=30))
    made = shift.advance()
    desk.close()
    again = trainer_desk(path, real)
    picked = Shift.running(again, morning(), real=real)
    assert picked is not None and picked.id == "shift-1"
    assert again.clock.now() == START + timedelta(minutes=30)
    assert picked.advance() == 0
    picked.step(timedelta(minutes=30))
    assert picked.advance() > 0
    assert made > 0


def events_of(tmp: Path, name: str) -> list[tuple[str, str, str | None]]:
    real = Real()
    desk = trainer_desk(tmp / f"{name}.sqlite", real)
    scenario = morning(per_hour=40.0, patience=Patience(mean=timedelta(minutes=1), call_again=0.5))
    shift = Shift.start(desk, scenario, "{}", "json", seed=11, shift_id="shift-1", real=real)
    shift.resume()
    for minute in range(0, 120, 7):
        real.t += 60
        shift.advance()
        taken = desk.contacts.take_next()
        if taken is not None and minute % 2:
            desk.contacts.close_contact  # noqa: B018 - taken and left open: a trainee busy
        shift.set_speed(10.0 if minute % 3 else 5.0)
    shift.end()
    return [(at, kind, c) for at, kind, c, _, _ in rows.events(desk.conn, "shift-1")]


def test_the_same_scenario_seed_and_actions_give_the_same_events(tmp_path: Path) -> None:
    first = events_of(tmp_path, "a")
    assert len([e for e in first if e[1] == "abandoned"]) > 0
    assert first == events_of(tmp_path, "b")


def test_a_shift_is_played_only_on_a_training_desk(tmp_path: Path, clock: FixedClock) -> None:
    desk = Desk(tmp_path / "p.sqlite", clock, "Kouluttaja Kaisa", ("trainer",))
    with pytest.raises(NotATrainingDesk):
        Shift.start(desk, morning(), "{}", "json")


def test_a_headless_tick_moves_the_clock_untraced_and_makes_the_same_arrivals(
    tmp_path: Path,
) -> None:
    real = Real()
    stepped = trainer_desk(tmp_path / "a.sqlite", real)
    shift = Shift.start(stepped, morning(), "{}", "json", seed=2, shift_id="s", real=real)
    shift.step(timedelta(hours=1))
    shift.advance()
    headless = trainer_desk(tmp_path / "b.sqlite", real)
    run = Shift.start(headless, morning(), "{}", "json", seed=2, shift_id="s", real=real)
    for minute in range(1, 61):
        run.advance_to(START + timedelta(minutes=minute))
    made = [e for e in rows.events(stepped.conn, "s") if e[1] != "stepped"]
    assert made == rows.events(headless.conn, "s")
    assert (
        headless.conn.execute(
            "SELECT count(*) FROM outbox WHERE name = 'training.shift'"
        ).fetchone()[0]
        == 1
    )  # the start only


def test_a_caller_the_store_gave_back_as_taken_does_not_call_again(tmp_path: Path) -> None:
    real = Real()
    desk = trainer_desk(tmp_path / "t.sqlite", real)
    scenario = morning(per_hour=60.0, hours=1.0, patience=Patience(call_again=1.0), scripts=0)
    shift = Shift.start(desk, scenario, "{}", "json", seed=8, shift_id="s", real=real)
    shift.advance_to(START + timedelta(minutes=20))
    keys = {c: d["key"] for _, kind, c, _, d in rows.events(desk.conn, "s") if kind == "arrived"}
    made = {c for (c,) in desk.conn.execute("SELECT contact_id FROM training_contact")}
    gone = [
        c
        for _, kind, c, _, _ in rows.events(desk.conn, "s")
        if kind == "abandoned" and contact_id("s", f"{keys[c]}#2") not in made  # not yet
    ]
    given_back, left = gone[: len(gone) // 2], gone[len(gone) // 2 :]
    assert given_back and left
    # As the sync client does with a refused abandon: the contact back as the store has it.
    with desk.writing() as conn:
        for cid in given_back:
            conn.execute("UPDATE contact SET status = 'taken' WHERE id = ?", (cid,))
    shift.advance_to(START + timedelta(hours=1))
    made = {c for (c,) in desk.conn.execute("SELECT contact_id FROM training_contact")}
    again = {c: contact_id("s", f"{keys[c]}#2") in made for c in gone}
    assert not any(again[c] for c in given_back)
    assert any(again[c] for c in left)


def test_a_contact_received_before_a_crash_is_noted_not_received_twice(tmp_path: Path) -> None:
    real = Real()
    desk = trainer_desk(tmp_path / "t.sqlite", real)
    shift = Shift.start(desk, morning(per_hour=0.0), "{}", "json", shift_id="s", real=real)
    first = contact_id("s", "c:daughter-0")
    # The desk stopped between receiving the scripted contact and noting it.
    desk.contacts.receive("phone", "ikaihmiset", "853", received_at=START, contact_id=first)
    shift.advance_to(START + timedelta(minutes=6))
    noted = desk.conn.execute("SELECT script_id FROM training_contact").fetchall()
    assert [tuple(r) for r in noted] == [("daughter-0",)]


def answered_in_time() -> Scenario:
    """The morning with its first scripted caller expecting an answer within a minute."""
    scen = morning()
    first = replace(
        scen.scripts[0], expect=(Expect("answer", points=2, within=timedelta(minutes=1)),)
    )
    return replace(scen, scripts=(first, *scen.scripts[1:]))


def test_the_status_gives_each_trainee_their_points_so_far(tmp_path: Path) -> None:
    real = Real()
    desk = trainer_desk(tmp_path / "t.sqlite", real)
    shift = Shift.start(
        desk, answered_in_time(), "{}", "json", seed=4, shift_id="shift-1", real=real
    )
    shift.resume()
    real.t += 5 * 60 + 10  # the first scripted caller at 8:05, answered 10 s later
    shift.advance()
    trainee = Desk(desk.database, SimClock(shift.clock.state, real), "Aino", training=True)
    assert trainee.contacts.take(contact_id("shift-1", "c:daughter-0")) is not None
    (aino,) = shift.status().trainees
    assert (aino.name, aino.answered, aino.points) == ("Aino", 1, 2)
    trainee.close()


def test_solo_the_desks_own_worker_is_a_trainee_once_they_take_a_contact(tmp_path: Path) -> None:
    real = Real()
    desk = trainer_desk(tmp_path / "t.sqlite", real, name="Harjoittelija")
    shift = Shift.start(
        desk, answered_in_time(), "{}", "json", seed=4, shift_id="shift-1", real=real
    )
    assert shift.status().trainees == ()
    shift.resume()
    real.t += 5 * 60 + 10
    shift.advance()
    assert desk.contacts.take(contact_id("shift-1", "c:daughter-0")) is not None
    (me,) = shift.status().trainees
    assert (me.worker_id, me.answered, me.points) == (desk.worker_id, 1, 2)
