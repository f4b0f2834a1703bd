"""A shift played by a trainer's desk into a training store, worked by trainee desks
(real server processes, both stores): each scripted contact is taken exactly once,
whoever races for it; every trainee desk's clock follows the trainer's; a caller
abandons only while nobody has taken the call, and only the trainer's desk may say
so."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from ohjaaja.sync.client import SyncClient
from ohjaaja.training import catalogues
from ohjaaja.training.clock import ClockState, SimClock
from ohjaaja.training.debrief import build_debrief
from ohjaaja.training.engine import Shift, contact_id
from ohjaaja.training.follow import follow_shift
from ohjaaja.training.scenario import World
from ohjaaja.usecases.catalogue import write_catalogue
from ohjaaja.usecases.desk import Desk
from tests.sync.conftest import AT, Server
from tests.training.scenarios import START, morning


class Real:
    def __init__(self) -> None:
        self.t = 1_000.0

    def __call__(self) -> float:
        return self.t


class Site:
    """A training desk of its own file and token, on a SimClock as a training desk
    is opened (ohjaaja.shell.opening)."""

    def __init__(
        self, server: Server, tmp: Path, name: str, real: Real, roles: tuple[str, ...]
    ) -> None:
        admin = server.admin()
        admin.add_worker(name, list(roles), [], AT)
        token = admin.create_token(f"{name}-desk", "desk", AT, [name])
        admin.close()
        path = tmp / f"{name}.sqlite"
        self.clock = SimClock(ClockState(START, real(), 1.0, False), real)
        self.desk = Desk(path, self.clock, name, roles, training=True)
        self.sync = SyncClient(path, server.url, token, self.clock)

    def close(self) -> None:
        self.sync.close()
        self.desk.close()


def outcomes(site: Site, name: str) -> list[tuple[str, str | None]]:
    """(status, reason) of this desk's pushed mutations of one name."""
    found = site.desk.conn.execute(
        "SELECT status, result FROM outbox WHERE name = ? ORDER BY seq", (name,)
    ).fetchall()
    return [(s, json.loads(r).get("reason") if r else None) for s, r in found]


def test_three_trainees_share_one_queue_each_scripted_contact_taken_once(
    training_server: Server, tmp_path: Path
) -> None:
    real = Real()
    trainer = Site(training_server, tmp_path, "kouluttaja", real, ("trainer",))
    trainees = [
        Site(training_server, tmp_path, f"harjoittelija-{n}", real, ("guidance",)) for n in range(3)
    ]
    scenario = morning(per_hour=0.0, scripts=5)
    scenario = scenario.__class__(**{**scenario.__dict__, "scripts": tuple(
        s.__class__(**{**s.__dict__, "patience": None}) for s in scenario.scripts
    )})  # fmt: skip
    shift = Shift.start(trainer.desk, scenario, "{}", "json", shift_id="shift-1", real=real)
    shift.step(timedelta(hours=1))
    assert shift.advance() == 5
    assert trainer.sync.sync_once().rejected == 0
    for trainee in trainees:
        trainee.sync.sync_once()
        assert follow_shift(trainee.desk)
        assert trainee.desk.clock.now() == START + timedelta(hours=1)  # paused there
        # Its world: the register from the store, the demo's catalogue of its own.
        for table, count in (("client", 21), ("service", 1)):
            held = trainee.desk.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            assert held >= count, table
    # Each round, all three go for the first in the queue offline, then push.
    for _ in range(6):
        for trainee in trainees:
            trainee.desk.contacts.take_next()
        for trainee in trainees:
            trainee.sync.sync_once()
    trainer.sync.sync_once()
    scripted = [contact_id("shift-1", f"c:{s.id}") for s in scenario.scripts]
    holders = {
        cid: trainer.desk.conn.execute(
            "SELECT status, taken_by FROM contact WHERE id = ?", (cid,)
        ).fetchone()
        for cid in scripted
    }
    trainee_ids = {t.desk.worker_id for t in trainees}
    assert all(status == "taken" and who in trainee_ids for status, who in holders.values())
    won = [s for t in trainees for s, _ in outcomes(t, "contact.claim") if s == "applied"]
    assert len(won) == len(scripted)  # each taken exactly once
    for trainee in trainees:  # every desk agrees with the store
        for cid, (_, who) in holders.items():
            row = trainee.desk.conn.execute(
                "SELECT taken_by FROM contact WHERE id = ?", (cid,)
            ).fetchone()
            assert row[0] == who
    assert shift.status().answered == 5
    for site in (trainer, *trainees):
        site.close()


def test_a_pause_reaches_every_trainee_desk(training_server: Server, tmp_path: Path) -> None:
    real = Real()
    trainer = Site(training_server, tmp_path, "kouluttaja", real, ("trainer",))
    trainee = Site(training_server, tmp_path, "harjoittelija", real, ("guidance",))
    shift = Shift.start(trainer.desk, morning(), "{}", "json", shift_id="shift-1", real=real)
    shift.set_speed(10.0)
    shift.resume()
    trainer.sync.sync_once()
    trainee.sync.sync_once()
    follow_shift(trainee.desk)
    real.t += 6
    assert trainee.desk.clock.now() == START + timedelta(minutes=1)
    shift.pause()
    trainer.sync.sync_once()
    trainee.sync.sync_once()
    assert follow_shift(trainee.desk)
    real.t += 600
    assert trainee.desk.clock.now() == trainer.desk.clock.now()
    assert trainee.desk.clock.now() == START + timedelta(minutes=1)
    trainer.close()
    trainee.close()


def test_abandoning_loses_to_a_trainees_claim_and_is_the_trainers_alone(
    training_server: Server, tmp_path: Path
) -> None:
    real = Real()
    trainer = Site(training_server, tmp_path, "kouluttaja", real, ("trainer",))
    trainee = Site(training_server, tmp_path, "harjoittelija", real, ("guidance",))
    scenario = morning(per_hour=0.0)
    shift = Shift.start(trainer.desk, scenario, "{}", "json", shift_id="shift-1", real=real)
    shift.step(timedelta(minutes=6))
    shift.advance()
    trainer.sync.sync_once()
    trainee.sync.sync_once()
    first = contact_id("shift-1", "c:daughter-0")
    assert trainee.desk.contacts.take(first) is not None
    trainee.sync.sync_once()
    # The trainer's desk has not heard: its caller hangs up at 8:09, too late.
    shift.step(timedelta(minutes=10))
    shift.advance()
    assert (
        trainer.desk.conn.execute("SELECT status FROM contact WHERE id = ?", (first,)).fetchone()[0]
        == "abandoned"
    )
    report = trainer.sync.sync_once()
    assert outcomes(trainer, "contact.abandon")[0] == ("rejected", "taken")
    assert report.rejected >= 1
    row = trainer.desk.conn.execute(
        "SELECT status, taken_by FROM contact WHERE id = ?", (first,)
    ).fetchone()
    assert tuple(row) == ("taken", trainee.desk.worker_id)  # the claim stands
    # Nor did the caller hang up in the shift's record: no 'abandoned' event for the
    # debrief's timeline, and the shift counts it answered.
    recorded = trainer.desk.conn.execute(
        "SELECT count(*) FROM training_event WHERE contact_id = ? AND kind = 'abandoned'",
        (first,),
    ).fetchone()[0]
    assert recorded == 0
    assert not [m for m in build_debrief(trainer.desk.conn, scenario, "shift-1").timeline
                if m.kind == "abandoned"]  # fmt: skip
    # The second caller (8:15) waits unanswered: a trainee's desk cannot hang it up.
    shift.step(timedelta(minutes=1))
    shift.advance()
    trainer.sync.sync_once()
    trainee.sync.sync_once()
    second = contact_id("shift-1", "c:daughter-1")
    assert trainee.desk.contacts.abandon(second)
    trainee.sync.sync_once()
    assert outcomes(trainee, "contact.abandon") == [("rejected", "role")]
    assert (
        trainee.desk.conn.execute("SELECT status FROM contact WHERE id = ?", (second,)).fetchone()[
            0
        ]
        == "waiting"
    )
    trainer.close()
    trainee.close()


def test_a_trainer_who_is_an_admin_puts_the_catalogue_so_trainees_offers_stand(
    training_server: Server, tmp_path: Path
) -> None:
    real = Real()
    trainer = Site(training_server, tmp_path, "kouluttaja", real, ("trainer", "admin"))
    trainee = Site(training_server, tmp_path, "harjoittelija", real, ("guidance",))
    scenario = morning(per_hour=0.0)
    shift = Shift.start(trainer.desk, scenario, "{}", "json", shift_id="shift-1", real=real)
    shift.step(timedelta(minutes=6))
    shift.advance()
    assert trainer.sync.sync_once().rejected == 0
    trainee.sync.sync_once()
    follow_shift(trainee.desk)
    services = trainer.desk.conn.execute("SELECT count(*) FROM service").fetchone()[0]
    held = trainee.desk.conn.execute("SELECT count(*) FROM service").fetchone()[0]
    assert held == services > 0  # pulled from the store
    first = contact_id("shift-1", "c:daughter-0")
    assert trainee.desk.contacts.take(first) is not None
    service = trainee.desk.conn.execute("SELECT id FROM service ORDER BY id LIMIT 1").fetchone()[0]
    trainee.desk.catalogue.offer_service(first, service, "fi")
    assert trainee.sync.sync_once().rejected == 0
    assert outcomes(trainee, "offer.create") == [("applied", None)]
    trainer.close()
    trainee.close()


def test_a_trainer_without_the_admin_role_puts_the_scenarios_named_catalogue(
    training_server: Server, tmp_path: Path
) -> None:
    """The scenario's catalogue fixture reaches the store and every trainee desk: the
    trainer role is enough on a training store (README: who loads the catalogue)."""
    real = Real()
    trainer = Site(training_server, tmp_path, "kouluttaja", real, ("trainer",))
    trainee = Site(training_server, tmp_path, "harjoittelija", real, ("guidance",))
    scenario = replace(morning(per_hour=0.0), world=World(clients=20, catalogue="yo-paivystys"))
    shift = Shift.start(trainer.desk, scenario, "{}", "json", shift_id="shift-1", real=real)
    shift.step(timedelta(minutes=6))
    shift.advance()
    assert trainer.sync.sync_once().rejected == 0
    assert set(outcomes(trainer, "catalogue.put")) == {("applied", None)}
    trainee.sync.sync_once()
    follow_shift(trainee.desk)
    fixture = {s.id for s in catalogues.records("yo-paivystys")[1]}
    held = {r[0] for r in trainee.desk.conn.execute("SELECT id FROM service")}
    assert held == fixture  # the night's eight, not the demo's
    first = contact_id("shift-1", "c:daughter-0")
    assert trainee.desk.contacts.take(first) is not None
    trainee.desk.catalogue.offer_service(first, "2f19eb2b-947c-5e23-86b7-82cd215be95e", "fi")
    assert trainee.sync.sync_once().rejected == 0
    assert outcomes(trainee, "offer.create") == [("applied", None)]
    trainer.close()
    trainee.close()


def test_a_catalogue_file_beside_the_trainers_scenario_reaches_every_trainee_desk(
    training_server: Server, tmp_path: Path
) -> None:
    """A trainee's desk has the shift's text, not the trainer's files: the file's
    catalogue comes from the store, where the trainer's desk put it, ids and all."""
    document = json.loads((catalogues.FOLDER / "yo-paivystys.json").read_text("utf-8"))
    own = tmp_path / "tarjotin.json"
    own.write_text(json.dumps({"contents": document["contents"][2:5]}), encoding="utf-8")
    real = Real()
    trainer = Site(training_server, tmp_path, "kouluttaja", real, ("trainer",))
    trainee = Site(training_server, tmp_path, "harjoittelija", real, ("guidance",))
    scenario = replace(
        morning(per_hour=0.0),
        world=World(clients=20, catalogue="tarjotin.json"),
        catalogue_file=str(own),
    )
    source = "world: {clients: 20, catalogue: tarjotin.json}\n"  # as the shift keeps it
    shift = Shift.start(trainer.desk, scenario, source, "yaml", shift_id="shift-1", real=real)
    shift.step(timedelta(minutes=6))
    shift.advance()
    assert trainer.sync.sync_once().rejected == 0
    trainee.sync.sync_once()
    follow_shift(trainee.desk)
    wanted = {s["id"] for s in document["contents"][2:5]}
    for site in (trainer, trainee):
        held = {r[0] for r in site.desk.conn.execute("SELECT id FROM service")}
        assert held == wanted  # the file's three, not the demo's nor the fixture's eight
    first = contact_id("shift-1", "c:daughter-0")
    assert trainee.desk.contacts.take(first) is not None
    trainee.desk.catalogue.offer_service(first, sorted(wanted)[0], "fi")
    assert trainee.sync.sync_once().rejected == 0
    assert outcomes(trainee, "offer.create") == [("applied", None)]
    trainer.close()
    trainee.close()


def test_a_trainee_may_not_put_a_training_stores_catalogue(
    training_server: Server, tmp_path: Path
) -> None:
    real = Real()
    trainee = Site(training_server, tmp_path, "harjoittelija", real, ("guidance",))
    organizations, services = catalogues.records("yo-paivystys")
    with trainee.desk.writing() as conn:
        write_catalogue(conn, organizations, services, AT, by=trainee.desk.worker_id)
    assert trainee.sync.sync_once().rejected > 0
    assert {s for s, _ in outcomes(trainee, "catalogue.put")} == {"rejected"}
    assert {r for _, r in outcomes(trainee, "catalogue.put")} == {"role"}
    trainee.close()


def test_a_trainee_cannot_take_a_scripted_callers_place(
    training_server: Server, tmp_path: Path
) -> None:
    real = Real()
    trainer = Site(training_server, tmp_path, "kouluttaja", real, ("trainer",))
    trainee = Site(training_server, tmp_path, "harjoittelija", real, ("guidance",))
    shift = Shift.start(
        trainer.desk, morning(per_hour=0.0), "{}", "json", shift_id="shift-1", real=real
    )
    trainer.sync.sync_once()
    trainee.sync.sync_once()
    # The shift's id and the scenario are on the trainee's desk: the id is computable.
    first = contact_id("shift-1", "c:daughter-0")
    trainee.desk.contacts.receive("chat", "mipa", "853", contact_id=first)
    trainee.sync.sync_once()
    assert outcomes(trainee, "contact.receive") == [("rejected", "shift_contact")]
    shift.step(timedelta(minutes=6))
    shift.advance()
    assert trainer.sync.sync_once().rejected == 0
    trainee.sync.sync_once()
    row = trainee.desk.conn.execute(
        "SELECT channel, line_code FROM contact WHERE id = ?", (first,)
    ).fetchone()
    assert tuple(row) == ("phone", "ikaihmiset")  # the scenario's caller, as the store has it
    trainer.close()
    trainee.close()
