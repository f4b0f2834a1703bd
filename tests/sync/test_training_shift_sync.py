"""A training shift through a training store (real server processes, both stores):
the trainer's desk puts the shift and its clock, every trainee desk follows it; a
trainee's questions to a scripted caller reach the trainer. Tried as a careless or
hostile desk would: a trainee setting the clock, a shift sent to a client-data
store, a malformed clock, an event for an ended shift, a shift's scenario swapped."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ohjaaja.db import outbox
from ohjaaja.db import training as rows
from ohjaaja.db.ids import worker_id

from ohjaaja.domain.clock import FixedClock
from ohjaaja.sync.client import SyncClient
from ohjaaja.training import sharing
from ohjaaja.training.clock import ClockState
from ohjaaja.usecases.desk import Desk
from tests.sync.conftest import AT, Server, push_body

SCENARIO = '{"title": "Aamu", "language": "fi"}'
START = datetime(2026, 12, 3, 6, 0, tzinfo=UTC)  # 8:00 in Helsinki


class Trainee:
    """A training desk with its own file and token, acting for one worker."""

    def __init__(
        self, server: Server, tmp: Path, name: str, clock: FixedClock, roles: tuple[str, ...]
    ) -> None:
        admin = server.admin()
        admin.add_worker(name, list(roles), [], AT)
        self.desk_name = f"{name}-desk"
        self.token = admin.create_token(self.desk_name, "desk", AT, [name])
        admin.close()
        self.path = tmp / f"{name}.sqlite"
        self.desk = Desk(self.path, clock, name, roles, training=True)
        self.sync = SyncClient(self.path, server.url, self.token, clock)
        self.worker = self.desk.worker_id

    def close(self) -> None:
        self.sync.close()
        self.desk.close()


def start_shift(trainer: Trainee, shift_id: str = "shift-1") -> ClockState:
    clock = ClockState(START, 1_000.0, 1.0, True)
    with trainer.desk.ctx.writing() as conn:
        rows.insert_shift(conn, shift_id, "aamu", SCENARIO, "json", 7, clock.to_json(), AT)
        sharing.put_shift(conn, shift_id, AT, trainer.worker)
    return clock


def set_clock(trainer: Trainee, clock: ClockState, shift_id: str = "shift-1") -> None:
    with trainer.desk.ctx.writing() as conn:
        rows.set_clock(conn, shift_id, clock.to_json(), AT)
        sharing.put_shift(conn, shift_id, AT, trainer.worker)


def clock_at(desk: Desk, shift_id: str = "shift-1") -> ClockState | None:
    found = rows.shift(desk.conn, shift_id)
    return None if found is None else ClockState.from_json(found.clock)


def test_every_trainee_desk_follows_the_trainers_clock(
    training_server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    trainer = Trainee(training_server, tmp_path, "kouluttaja", clock, ("trainer",))
    trainees = [
        Trainee(training_server, tmp_path, f"harjoittelija-{n}", clock, ("guidance",))
        for n in range(2)
    ]
    started = start_shift(trainer)
    assert trainer.sync.sync_once().rejected == 0
    for trainee in trainees:
        trainee.sync.sync_once()
        assert clock_at(trainee.desk) == started  # paused at the scenario's start
    running = ClockState(START, 1_010.0, 10.0, False)
    set_clock(trainer, running)
    trainer.sync.sync_once()
    for trainee in trainees:
        trainee.sync.sync_once()
        assert clock_at(trainee.desk) == running
        assert running.at(1_020.0) == datetime(2026, 12, 3, 6, 1, 40, tzinfo=UTC)
    for site in (trainer, *trainees):
        site.close()


def test_a_trainee_cannot_set_the_clock_nor_start_a_shift(
    training_server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    trainer = Trainee(training_server, tmp_path, "kouluttaja", clock, ("trainer",))
    trainee = Trainee(training_server, tmp_path, "harjoittelija", clock, ("guidance",))
    started = start_shift(trainer)
    trainer.sync.sync_once()
    trainee.sync.sync_once()
    # The trainee's desk writes a paused clock of its own and a shift of its own.
    with trainee.desk.ctx.writing() as conn:
        rows.set_clock(conn, "shift-1", ClockState(START, 1.0, 60.0, False).to_json(), AT)
        sharing.put_shift(conn, "shift-1", AT, trainee.worker)
        rows.insert_shift(conn, "shift-2", "oma", SCENARIO, "json", 1, started.to_json(), AT)
        sharing.put_shift(conn, "shift-2", AT, trainee.worker)
    report = trainee.sync.sync_once()
    assert report.rejected == 2
    answers = [json.loads(r["result"]) for r in trainee.desk.conn.execute(
        "SELECT result FROM outbox WHERE name = 'training.shift'")]  # fmt: skip
    assert {a["reason"] for a in answers} == {"role"}
    trainer.sync.sync_once()
    assert clock_at(trainer.desk) == started  # unchanged at the store and the trainer
    assert rows.shift(trainer.desk.conn, "shift-2") is None
    # ... and the trainee's own desk is back on the trainer's clock.
    assert clock_at(trainee.desk) == started
    trainer.close()
    trainee.close()


def test_a_client_data_store_never_takes_a_shift(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    admin = server.admin()
    admin.add_worker("kouluttaja", ["trainer"], [], AT)
    token = admin.create_token("trainer-desk", "desk", AT, ["kouluttaja"])
    admin.close()
    row = {"id": "shift-1", "scenario": "aamu", "source": SCENARIO, "format": "json", "seed": 7,
           "clock": json.dumps(ClockState(START, 1.0).to_json()), "started_at": AT,
           "ended_at": None, "is_training": 1, "version": 1, "deleted": 0, "created_at": AT,
           "updated_at": AT}  # fmt: skip
    who = worker_id("kouluttaja")
    item = {"seq": 1, "mutation_id": "m1", "name": "training.shift", "worker": "kouluttaja",
            "args": {"row": row, "worker_id": who}}  # fmt: skip
    answer = server.client(token).post("/v1/push", json=push_body("trainer-desk", [item]))
    result = answer.json()["results"][0]
    assert result["status"] == "rejected" and result["result"]["code"] == 422
    assert result["result"]["field"] == "args.row.is_training"
    # Unflagged, the rule itself refuses it: a shift is training data or nothing.
    item = {**item, "seq": 2, "mutation_id": "m2",
            "args": {"row": {**row, "is_training": 0}, "worker_id": who}}  # fmt: skip
    answer = server.client(token).post("/v1/push", json=push_body("trainer-desk", [item]))
    result = answer.json()["results"][0]
    assert result["status"] == "rejected" and result["result"]["field"] == "args.row.is_training"


def push_one(server: Server, site: Trainee, name: str, args: dict[str, Any], seq: int) -> dict:
    item = {"seq": seq, "mutation_id": f"hand-{seq}", "name": name, "args": args,
            "worker_id": site.worker}  # fmt: skip
    body = {**push_body(site.desk_name, [item], incarnation="by-hand"), "training": True}
    answer = server.client(site.token).post("/v1/push", json=body)
    assert answer.status_code == 200, answer.text
    result: dict = answer.json()["results"][0]
    return result


def test_malformed_shifts_are_refused_with_the_field_and_nothing_stored(
    training_server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    trainer = Trainee(training_server, tmp_path, "kouluttaja", clock, ("trainer",))
    good = ClockState(START, 1.0).to_json()
    cases = [
        ({"clock": json.dumps({**good, "speed": 500})}, "args.row.clock.speed"),
        ({"clock": json.dumps({**good, "sim_at": "2026-12-03T06:00:00"})}, "args.row.clock.sim_at"),
        ({"clock": json.dumps({**good, "paused": "no"})}, "args.row.clock.paused"),
        ({"clock": json.dumps({"speed": 1})}, "args.row.clock"),
        ({"format": "xml"}, "args.row.format"),
        ({"source": "x" * 200_001}, "args.row.source"),
    ]
    start_shift(trainer)
    row = rows.shift_row(trainer.desk.conn, "shift-1")
    assert row is not None
    for seq, (changes, field) in enumerate(cases, start=1):
        args = {"row": {**row, **changes}, "worker_id": trainer.worker}
        result = push_one(training_server, trainer, "training.shift", args, seq)
        assert result["status"] == "rejected", (field, result)
        assert result["result"]["field"] == field, (field, result)
    reader = training_server.client(trainer.token)
    changes = reader.get("/v1/changes", params={"cursor": 0}).json()["changes"]
    assert [c for c in changes if c["table"] == "training_shift"] == []
    trainer.close()


def test_a_trainees_question_reaches_the_trainer_and_a_shift_once_ended_stays_ended(
    training_server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    trainer = Trainee(training_server, tmp_path, "kouluttaja", clock, ("trainer",))
    trainee = Trainee(training_server, tmp_path, "harjoittelija", clock, ("guidance",))
    start_shift(trainer)
    trainer.sync.sync_once()
    trainee.sync.sync_once()
    with trainee.desk.ctx.writing() as conn:
        sharing.fact_asked(conn, "shift-1", "c-1", "asuuko yksin", AT, AT, trainee.worker)
    assert trainee.sync.sync_once().rejected == 0
    trainer.sync.sync_once()
    asked = rows.events(trainer.desk.conn, "shift-1")
    assert [(kind, contact, data) for _, kind, contact, _, data in asked] == [
        ("fact_asked", "c-1", {"topic": "asuuko yksin"})
    ]
    # A trainee's desk may add only questions to the timeline, never the trainer's events.
    forged = {"id": "e-forged", "shift_id": "shift-1", "at": AT, "kind": "paused",
              "contact_id": None, "worker_id": trainee.worker, "data": "{}"}  # fmt: skip
    result = push_one(training_server, trainee, "training.event", forged, 1)
    assert result["status"] == "rejected" and result["result"]["field"] == "args.kind"
    # Ended: the trainer's desk ends it; a late question and a restart are refused.
    with trainer.desk.ctx.writing() as conn:
        rows.end_shift(conn, "shift-1", "2026-11-23T09:00:00.000000Z")
        sharing.put_shift(conn, "shift-1", AT, trainer.worker)
    trainer.sync.sync_once()
    late = {**forged, "id": "e-late", "kind": "fact_asked"}
    result = push_one(training_server, trainee, "training.event", late, 2)
    assert result["status"] == "rejected" and result["result"]["reason"] == "shift_ended"
    reopened = rows.shift_row(trainer.desk.conn, "shift-1")
    assert reopened is not None
    again = {"row": {**reopened, "ended_at": None}, "worker_id": trainer.worker}
    result = push_one(training_server, trainer, "training.shift", again, 1)
    assert result["status"] == "rejected" and result["result"]["reason"] == "shift_ended"
    assert not [r for r in outbox.pending(trainer.desk.conn) if r["name"] == "training.shift"]
    trainer.close()
    trainee.close()
