"""Scoring a training shift: the figures against the targets, and each kind of
expected action met and missed, with its reason (ohjaaja/training/scoring.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from ohjaaja.i18n import set_language
from ohjaaja.training.scenario import Expect, Targets
from ohjaaja.training.scoring import Check, ShiftScore, score_shift
from tests.training.shift_state import ShiftState, handover_to, minutes, work_well


@pytest.fixture
def state(tmp_path: Path) -> Iterator[ShiftState]:
    shift = ShiftState(tmp_path / "training.sqlite")
    yield shift
    shift.close_all()


def checks_of(score: ShiftScore, script_id: str) -> dict[str, Check]:
    return {c.kind: c for c in score.checks if c.script_id == script_id}


def test_every_kind_met_and_a_missing_field_missed_first(state: ShiftState) -> None:
    work_well(state)
    set_language("en")
    score = score_shift(state.trainer, state.scenario, state.shift_id)
    elli = checks_of(score, "elli")
    assert {kind: c.met for kind, c in elli.items()} == dict.fromkeys(
        ("answer", "identify", "reasons", "offer", "notification", "handover", "outcome"), True
    )
    assert str(elli["answer"].actual) == "answered by Aino after 0:20"
    assert str(elli["identify"].actual) == "identified Elli Maria Virtanen"
    assert "Service-need assessment" in str(elli["handover"].actual)
    child = checks_of(score, "lapsi")
    assert child["answer"].met
    assert not child["notification"].met and child["notification"].critical
    assert str(child["notification"].actual) == (
        "notification Child-welfare notification missing field(s): Danger now"
    )
    assert str(elli["offer"].actual).startswith("offered ") and "-" not in str(elli["offer"].actual)
    assert score.checks[0] is child["notification"]  # the critical miss first
    assert score.critical_misses == (child["notification"],)
    assert (score.points, score.possible) == (10 + 1, 14)
    trainees = {t.name: t for t in score.trainees}
    assert (trainees["Aino"].points, trainees["Aino"].possible) == (10, 10)
    assert (trainees["Bertil"].points, trainees["Bertil"].possible) == (1, 4)


def test_the_figures_reuse_the_queue_and_meet_or_miss_their_targets(state: ShiftState) -> None:
    work_well(state)
    score = score_shift(state.trainer, state.scenario, state.shift_id)
    whole = score.figures
    assert (whole.arrived, whole.answered, whole.abandoned, whole.closed) == (5, 4, 1, 4)
    # Answered after 20 s, 10 s, 5 s and 120 s.
    assert whole.average_speed_of_answer == pytest.approx(155 / 4)
    assert whole.service_level == pytest.approx(3 / 4)
    assert whole.abandonment == pytest.approx(1 / 5)
    assert whole.first_contact == pytest.approx(1 / 4)
    assert whole.assessment == pytest.approx(1 / 4)
    verdicts = {v.name: v.met for v in score.verdicts}
    assert verdicts == {"asa": False, "service_level": False, "abandonment": False,
                        "first_contact": False, "assessment": False}  # fmt: skip
    bertil = next(t for t in score.trainees if t.name == "Bertil")
    assert bertil.figures.answered == 2 and bertil.figures.abandonment is None
    assert bertil.figures.average_speed_of_answer == pytest.approx((10 + 120) / 2)
    assert "abandonment" not in {v.name for v in bertil.verdicts}


def test_targets_come_from_the_scenario(tmp_path: Path) -> None:
    from tests.training.shift_state import scenario

    easy = Targets(answer_seconds=60, service_level=0.5, service_level_seconds=150,
                   abandonment=0.25, first_contact=0.2, assessment=0.3)  # fmt: skip
    state = ShiftState(tmp_path / "t.sqlite", scenario(easy))
    try:
        work_well(state)
        score = score_shift(state.trainer, state.scenario, state.shift_id)
    finally:
        state.close_all()
    assert score.figures.service_level == 1.0  # every answer within 150 s
    assert all(v.met for v in score.verdicts), score.verdicts


def test_the_pilot_figures_are_the_default_targets() -> None:
    targets = Targets()
    assert (targets.answer_seconds, targets.first_contact, targets.assessment) == (9, 0.89, 0.11)


def test_misses_of_every_kind_say_why(state: ShiftState) -> None:
    set_language("en")
    s = state
    elli = s.arrive(minutes(5), "elli")
    s.take("Aino", elli, minutes(7))  # 2 min: too late for 60 s
    aino = s.desk("Aino")
    other = s.trainer.clients.create_client(
        {"first_names": "Eino", "last_name": "Virtanen", "hetu": "010150-123A",
         "municipality_code": "853", "language": "fi", "phone": ""}
    ).client_id  # fmt: skip
    assert other
    s.at(minutes(8))
    aino.contacts.attach_client(elli, other)
    s.at(minutes(9))
    aino.catalogue.offer_service(elli, s.service("lapsiperheet", "phone"), "fi")
    s.at(minutes(10))
    made, _ = aino.handovers.create_notification(
        "social_care_need", {"subject": "E", "concern": "c", "consent": "yes"}, elli, other, "853"
    )
    assert made
    handover_to(aino, elli, "home_care:853", "normal")
    s.close("Aino", elli, minutes(12), "resolved", ("kotihoito",), other)
    child = s.arrive(minutes(20), "lapsi", line="lapsiperheet")
    s.abandon(child, minutes(23))
    s.end(minutes(60))
    score = score_shift(s.trainer, s.scenario, s.shift_id)
    why = {kind: str(c.actual) for kind, c in checks_of(score, "elli").items()}
    assert not any(c.met for c in score.checks)
    assert why["answer"] == "too late: answered by Aino after 2:00; after 2:00, limit 1:00"
    assert why["identify"] == "identified Eino Virtanen, not Elli Maria Virtanen"
    assert why["reasons"] == "missing reasons muisti"
    assert why["offer"].endswith("none that fits")
    assert why["notification"].startswith("notification Notification of a need for social care")
    assert "not" in why["notification"]
    # The notification's own handover went to adult social work, the hand-made one
    # to home care: the last one made is named.
    assert why["handover"].startswith("sent to Home care") and "normal" in why["handover"]
    assert why["outcome"] == "closed as: Resolved at first contact"
    lapsi = checks_of(score, "lapsi")
    assert str(lapsi["answer"].actual) == "abandoned after 3:00"
    assert str(lapsi["notification"].actual) == "no notification made"
    assert [c.critical_miss for c in score.checks[:2]] == [True, True]
    assert score.points == 0


def test_a_scripted_contact_that_never_came_misses_everything(state: ShiftState) -> None:
    s = state
    s.end(minutes(60))
    score = score_shift(s.trainer, s.scenario, s.shift_id)
    assert {c.actual.key for c in score.checks} == {"score.did.no_contact"}
    assert score.figures.arrived == 0 and score.figures.average_speed_of_answer is None
    assert all(v.met is None for v in score.verdicts)


def test_a_caller_who_called_again_is_scored_on_both_calls(state: ShiftState) -> None:
    s = state
    first = s.arrive(minutes(5), "elli")
    s.abandon(first, minutes(6))
    second = s.arrive(minutes(15), "elli", attempt=2)
    s.take("Aino", second, minutes(15) + timedelta(seconds=5))
    s.end(minutes(60))
    answer = checks_of(score_shift(s.trainer, s.scenario, s.shift_id), "elli")["answer"]
    # Answered, but ten minutes after the scripted call first came: too late.
    assert not answer.met and answer.contact_id == second
    assert "10:05" in str(answer.actual)


def test_an_urgency_left_open_takes_any_and_an_offer_by_id_counts(state: ShiftState) -> None:
    s = state
    scen = s.scenario
    service = s.service("ikaihmiset", "home")
    elli = replace(scen.scripts[0], expect=(
        Expect("handover", team="home_care"), Expect("offer", services=("nope", service)),
    ))  # fmt: skip
    s.scenario = replace(scen, scripts=(elli,))
    contact = s.arrive(minutes(5), "elli")
    s.take("Aino", contact, minutes(6))
    handover_to(s.desk("Aino"), contact, "home_care:853", "immediate")
    s.desk("Aino").catalogue.offer_service(contact, service, "fi")
    score = score_shift(s.trainer, s.scenario, s.shift_id)
    assert [c.met for c in score.checks] == [True, True]
    set_language("en")
    name = next(x for x in s.trainer.catalogue.all_services() if x.id == service).name["en"]
    assert str(score.checks[1].expected) == f"offered one of nope, {name}"  # by name, not id


def test_the_same_shift_scores_the_same_and_reads_in_every_language(state: ShiftState) -> None:
    work_well(state)
    first = score_shift(state.trainer, state.scenario, state.shift_id)
    again = score_shift(state.trainer.conn, state.scenario, state.shift_id)
    assert first == again
    texts = set()
    for language in ("fi", "sv", "en"):
        set_language(language)
        texts.add(str(first.checks[0].actual))
    assert len(texts) == 3


def test_an_unknown_shift_is_named(state: ShiftState) -> None:
    with pytest.raises(LookupError, match="nope"):
        score_shift(state.trainer, state.scenario, "nope")


def test_the_same_work_on_another_file_scores_the_same(tmp_path: Path) -> None:
    """Determinism: the same scenario and the same trainee actions, the same score
    (a contact's id aside, which the engine derives from the shift and the script)."""
    scores = []
    for name in ("one", "two"):
        state = ShiftState(tmp_path / f"{name}.sqlite")
        try:
            work_well(state)
            score = score_shift(state.trainer, state.scenario, state.shift_id)
        finally:
            state.close_all()
        checks = tuple(replace(c, contact_id=None) for c in score.checks)
        trainees = tuple(replace(t, checks=()) for t in score.trainees)
        scores.append(replace(score, checks=checks, trainees=trainees))
    assert scores[0] == scores[1]
