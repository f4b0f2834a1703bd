"""A training shift played into a training desk's database.

Interface fixed first so the console (screens/training) and the engine could be
built side by side; h-engine fills it in. The shift writes ordinary contacts
through the desk's parts, so trainees work them as in production; what the
shift adds (where a contact came from, the trainer's actions, abandonments) goes
to the training_* tables (db/training.py).
"""

from __future__ import annotations

import bisect
import sqlite3
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ohjaaja.db import training as rows
from ohjaaja.db.engine import transaction
from ohjaaja.db.ids import new_id
from ohjaaja.db.reference import get_meta, set_meta
from ohjaaja.demo.build import load_clients
from ohjaaja.demo.synthetic import generate_clients
from ohjaaja.domain.clock import from_iso, to_iso
from ohjaaja.sync.outgoing import record_many
from ohjaaja.sync.rows import desk_row
from ohjaaja.training import arrivals as plans
from ohjaaja.training import catalogues, scoring, sharing
from ohjaaja.training.arrivals import Arrival
from ohjaaja.training.clock import ClockState, SimClock, check_speed
from ohjaaja.training.scenario import Person, Scenario
from ohjaaja.usecases.desk import Desk

POINTS_EVERY = 3.0  # real seconds between scoring the status's points again


class NotATrainingDesk(Exception):
    """A shift is played only into a training database."""


@dataclass(frozen=True)
class TraineeNow:
    worker_id: str
    name: str
    contact_id: str | None  # what they are on now
    answered: int
    points: int


@dataclass(frozen=True)
class ShiftStatus:
    shift_id: str
    title: str
    now: datetime  # simulated
    end: datetime
    speed: float
    paused: bool
    ended: bool
    waiting: int
    answered: int
    abandoned: int
    scripted_done: int  # scripted contacts closed
    scripted_total: int
    trainees: tuple[TraineeNow, ...] = field(default_factory=tuple)


def contact_id(shift_id: str, key: str) -> str:
    """A shift's contact id from the shift and the arrival's key (a scripted contact:
    its script id): the same on every desk and every replay of the shift."""
    return str(uuid.uuid5(_namespace(shift_id), key))


def _namespace(shift_id: str) -> uuid.UUID:
    try:
        return uuid.UUID(shift_id)
    except ValueError:
        return uuid.uuid5(uuid.NAMESPACE_OID, shift_id)


def prepare_world(desk: Desk, scenario: Scenario, seed: int) -> None:
    """The shift's world on a desk's file, once: the seeded synthetic register and the
    scenario's catalogue when the file has none (the same ids on every desk: the demo's
    builders are seeded, and their rows never sync), then the scenario's inline
    persons into the register (through the desk, so they reach the training store)."""
    if not desk.training:
        raise NotATrainingDesk(f"{desk.database}: a shift is played only on a training desk")
    now = to_iso(desk.clock.now())
    with desk.ctx.lock:  # the bulk load runs its own transactions
        conn = desk.conn
        if get_meta(conn, "training_register") is None and _count(conn, "client") == 0:
            load_clients(conn, generate_clients(scenario.world.clients, seed=seed), seed=seed)
            with transaction(conn):
                _register_up(conn, desk.worker_id, now)
                set_meta(conn, "training_register", str(seed))
        # A trainer puts the catalogue to the store too (a training store takes it from
        # the trainer role, README), so the trainees' offers name services it holds.
        where = catalogues.of(scenario)
        if where is not None:  # None: the trainer's file, the store's copy comes by sync
            catalogues.load(conn, where, now, _putter(desk))
    for script in scenario.scripts:
        person = script.caller.person
        if person is not None and not _known(desk, person):
            _add_person(desk, person)


def _putter(desk: Desk) -> str | None:
    """Who puts the shift's catalogue to the store: a trainer (or an admin); a
    trainee practising alone keeps it on the desk."""
    return desk.worker_id if {"trainer", "admin"} & set(desk.ctx.roles) else None


def _register_up(conn: sqlite3.Connection, worker_id: str, at: str) -> None:
    """The synthetic register into the outbox, so that a training store holds the
    clients the trainees identify (a contact naming a client the store lacks is
    refused); a solo desk keeps them unsent."""
    phones: dict[str, list[dict[str, Any]]] = {}
    for row in conn.execute("SELECT * FROM client_phone ORDER BY id"):
        phones.setdefault(row["client_id"], []).append(desk_row("client_phone", row))
    made: list[tuple[str, dict[str, Any]]] = []
    for row in conn.execute("SELECT * FROM client ORDER BY id"):
        client = {k: v for k, v in desk_row("client", row).items() if k not in _NOT_NEW}
        own = phones.get(row["id"], [])
        made.append(
            (
                "client.create",
                {"client": client, "phone": own[0] if own else None, "phones": own[1:]},
            )
        )
    for row in conn.execute("SELECT * FROM relative ORDER BY id"):
        made.append(("relative.put", {**desk_row("relative", row), "worker_id": worker_id}))
    record_many(conn, made, at, worker_id)


_NOT_NEW = ("version", "deleted")


def _count(conn: sqlite3.Connection, table: str) -> int:
    return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def _known(desk: Desk, person: Person) -> bool:
    with desk.ctx.reading() as conn:
        if person.hetu:
            return (
                conn.execute("SELECT 1 FROM client WHERE hetu = ?", (person.hetu,)).fetchone()
                is not None
            )
        found = conn.execute(
            "SELECT 1 FROM client WHERE last_name = ? AND first_names = ? AND birth_date IS ?",
            (person.last_name, person.first_names, person.birth_date),
        )
        return found.fetchone() is not None


def _add_person(desk: Desk, person: Person) -> None:
    birth = ""
    if person.birth_date:
        day = date.fromisoformat(person.birth_date)
        birth = f"{day.day}.{day.month}.{day.year}"
    fields = {
        "last_name": person.last_name,
        "first_names": person.first_names,
        "hetu": person.hetu or "",
        "birth_date": birth,
        "phone": person.phone or "",
        "municipality_code": person.municipality or "",
        "language": person.language,
    }
    saved = desk.clients.create_client(fields, allow_duplicate=True)
    if saved.client_id is None:
        raise ValueError(f"scenario person {person.last_name} {person.first_names}: {saved}")


class Shift:
    """One run of a scenario. The trainer's console calls `advance` every tick (in a
    worker thread); it makes every arrival and abandonment due by the clock's now.

    The plan (arrivals.plan) is made once from the seed; what has been made of it is
    in the database (training_contact, keyed by the derived contact ids), so a shift
    picked up after a restart goes on where it was, and the same actions on the same
    seed give the same events."""

    def __init__(
        self, desk: Desk, scenario: Scenario, clock: SimClock, shift_id: str, seed: int = 1
    ) -> None:
        self.desk = desk
        self.scenario = scenario
        self.clock = clock
        self.id = shift_id
        self.seed = seed
        self.plan = plans.plan(scenario, seed)
        self._times = [a.at for a in self.plan]
        self._by_key = {a.key: a for a in self.plan}
        self._due = 0  # plan[:_due] are made
        self._settled: set[str] = set()  # abandoned contacts whose calling again is decided
        self._ended = False
        self._scored: tuple[object, float, dict[str, int]] | None = None  # see _points

    @classmethod
    def start(
        cls,
        desk: Desk,
        scenario: Scenario,
        source: str,
        fmt: str,
        seed: int | None = None,
        shift_id: str | None = None,
        real: Callable[[], float] = time.time,
    ) -> Shift:
        """Record a new shift (paused at the scenario's start) and put its world in
        place: the scripted persons into the training register. A desk opened on a
        SimClock (a training desk, ohjaaja.training.follow) gets the shift's clock in
        it, so the desk's waits and times are the shift's."""
        seed = scenario.seed if seed is None else seed
        prepare_world(desk, scenario, seed)
        shift_id = shift_id or new_id()
        state = ClockState(scenario.start.astimezone(UTC), real(), check_speed(scenario.speed))
        clock = desk.clock if isinstance(desk.clock, SimClock) else SimClock(state, real)
        clock.follow(state)
        shift = cls(desk, scenario, clock, shift_id, seed)
        name = scenario.name or scenario.title
        with desk.writing() as conn:
            started = _real_now()
            rows.insert_shift(
                conn, shift_id, name, source, fmt, seed, clock.state.to_json(), started
            )
            shift._event(conn, "started", data={"seed": seed, "speed": clock.speed})
            sharing.put_shift(conn, shift_id, started, desk.worker_id)
        return shift

    @classmethod
    def running(
        cls, desk: Desk, scenario: Scenario, real: Callable[[], float] = time.time
    ) -> Shift | None:
        """The shift running on this desk's file, picked up after a restart."""
        with desk.ctx.reading() as conn:
            found = rows.running_shift(conn)
        if found is None:
            return None
        state = ClockState.from_json(found.clock)
        clock = desk.clock if isinstance(desk.clock, SimClock) else SimClock(state, real)
        clock.follow(state)
        shift = cls(desk, scenario, clock, found.id, found.seed)
        with desk.ctx.reading() as conn:
            made = {
                r[0]
                for r in conn.execute(
                    "SELECT contact_id FROM training_contact WHERE shift_id = ?", (found.id,)
                )
            }
        while (
            shift._due < len(shift.plan)
            and contact_id(found.id, shift.plan[shift._due].key) in made
        ):
            shift._due += 1
        return shift

    # -- the shift going on -------------------------------------------------------
    def advance(self) -> int:
        """Make every arrival, abandonment and calling again due by the simulated now;
        the number of events made."""
        if self._ended:
            return 0
        now = min(self.clock.now(), self.scenario.end)
        made = 0
        while True:
            step = self._arrive(now) + self._abandon(now) + self._call_again(now)
            if not step:
                return made
            made += step

    def advance_to(self, at: datetime) -> int:
        """A headless run's tick: the clock moved on to `at` untraced (no event, no
        shift row put: nobody follows a headless run, and a row per tick would fill
        the outbox), then `advance`."""
        now = self.clock.now()
        if at > now:
            self.clock.step(at - now)
        return self.advance()

    def _arrive(self, now: datetime) -> int:
        due = bisect.bisect_right(self._times, now)
        made = 0
        for arrival in self.plan[self._due : due]:
            made += self._receive(arrival)
        self._due = max(self._due, due)
        return made

    def _receive(self, arrival: Arrival) -> int:
        cid = contact_id(self.id, arrival.key)
        with self.desk.ctx.reading() as conn:
            if conn.execute(
                "SELECT 1 FROM training_contact WHERE contact_id = ?", (cid,)
            ).fetchone():
                return 0
            # Received, but the desk stopped before the shift noted it: only the note.
            received = conn.execute("SELECT 1 FROM contact WHERE id = ?", (cid,)).fetchone()
        if received is None:
            self.desk.contacts.receive(
                arrival.channel,
                arrival.line,
                arrival.municipality,
                arrival.language,
                arrival.caller_phone,
                received_at=arrival.at,
                contact_id=cid,
            )
        patience = arrival.patience.total_seconds() if arrival.patience is not None else None
        with self.desk.writing() as conn:
            rows.add_contact(
                conn, cid, self.id, arrival.script_id, arrival.stream, patience, arrival.attempt
            )
            data = {"key": arrival.key, "channel": arrival.channel, "line": arrival.line}
            self._event(conn, "arrived", cid, at=arrival.at, data=data)
        return 1

    def _abandon(self, now: datetime) -> int:
        with self.desk.ctx.reading() as conn:
            waiting = conn.execute(
                "SELECT c.id, c.received_at, t.patience_s FROM training_contact AS t "
                "JOIN contact AS c ON c.id = t.contact_id WHERE t.shift_id = ? "
                "AND c.status = 'waiting' AND t.patience_s IS NOT NULL",
                (self.id,),
            ).fetchall()
        due = sorted(
            (from_iso(received) + timedelta(seconds=patience), cid)
            for cid, received, patience in waiting
            if from_iso(received) + timedelta(seconds=patience) <= now
        )
        made = 0
        for at, cid in due:
            if self.desk.contacts.abandon(cid, at):
                with self.desk.writing() as conn:
                    self._event(conn, "abandoned", cid, at=at)
                made += 1
        return made

    def _call_again(self, now: datetime) -> int:
        """Callers who hung up and, by their draw, call again by now."""
        with self.desk.ctx.reading() as conn:
            gone = conn.execute(
                # Still abandoned: the store may have refused it (a trainee's claim
                # got there first) and returned the contact as taken.
                "SELECT e.contact_id, e.at FROM training_event AS e "
                "JOIN contact AS c ON c.id = e.contact_id AND c.status = 'abandoned' "
                "WHERE e.shift_id = ? AND e.kind = 'abandoned'",
                (self.id,),
            ).fetchall()
            keys = dict(
                conn.execute(
                    "SELECT contact_id, json_extract(data, '$.key') FROM training_event "
                    "WHERE shift_id = ? AND kind = 'arrived'",
                    (self.id,),
                ).fetchall()
            )
        made = 0
        for cid, at in gone:
            if cid in self._settled:
                continue
            first = self._arrival(str(keys.get(cid, "")))
            again = None if first is None else plans.call_again(first, from_iso(at), self.seed)
            if again is None or again.at > self.scenario.end:
                self._settled.add(cid)  # gave up, or would call after the shift
            elif again.at <= now:
                made += self._receive(again)
                self._settled.add(cid)
        return made

    def _arrival(self, key: str) -> Arrival | None:
        """An arrival of the plan, or a calling again of one (rebuilt from its key)."""
        base, _, attempt = key.partition("#")
        arrival = self._by_key.get(base)
        if arrival is None or not attempt:
            return arrival
        # Calling again is drawn from the caller alone, so rebuilding it follows the
        # same draws; its time comes from the abandonment before it.
        with self.desk.ctx.reading() as conn:
            for n in range(2, int(attempt) + 1):
                before = contact_id(self.id, base if n == 2 else f"{base}#{n - 1}")
                row = conn.execute(
                    "SELECT at FROM training_event WHERE contact_id = ? AND kind = 'abandoned'",
                    (before,),
                ).fetchone()
                if row is None or arrival is None:
                    return None
                arrival = plans.call_again(arrival, from_iso(row[0]), self.seed)
        return arrival

    # -- the trainer's controls ----------------------------------------------------
    def pause(self) -> None:
        self.clock.pause()
        self._clock_changed("paused")

    def resume(self) -> None:
        self.clock.resume()
        self._clock_changed("resumed")

    def set_speed(self, speed: float) -> None:
        self.clock.set_speed(speed)
        self._clock_changed("speed", {"speed": self.clock.speed})

    def step(self, delta: timedelta) -> None:
        self.clock.step(delta)
        self._clock_changed("stepped", {"seconds": delta.total_seconds()})

    def add_contact(
        self, channel: str, line: str, municipality: str | None, language: str = "fi"
    ) -> str:
        """A contact the trainer adds by hand, arriving now."""
        now = self.clock.now()
        with self.desk.ctx.reading() as conn:
            n = conn.execute(
                "SELECT count(*) FROM training_event WHERE shift_id = ? AND kind = 'added'",
                (self.id,),
            ).fetchone()[0]
        key = f"h:{n + 1}"
        cid = contact_id(self.id, key)
        self.desk.contacts.receive(
            channel, line, municipality, language, received_at=now, contact_id=cid
        )
        with self.desk.writing() as conn:
            rows.add_contact(conn, cid, self.id)
            data = {"key": key, "channel": channel, "line": line}
            self._event(conn, "added", cid, at=now, data=data)
        return cid

    def end(self) -> None:
        if not self.clock.paused:
            self.clock.pause()
        with self.desk.writing() as conn:
            ended = _real_now()
            rows.set_clock(conn, self.id, self.clock.state.to_json(), ended)
            rows.end_shift(conn, self.id, ended)
            self._event(conn, "ended")
            sharing.put_shift(conn, self.id, ended, self.desk.worker_id)
        self._ended = True

    def _clock_changed(self, kind: str, data: dict[str, Any] | None = None) -> None:
        with self.desk.writing() as conn:
            at = _real_now()
            rows.set_clock(conn, self.id, self.clock.state.to_json(), at)
            self._event(conn, kind, data=data)
            sharing.put_shift(conn, self.id, at, self.desk.worker_id)

    def _event(
        self,
        conn: sqlite3.Connection,
        kind: str,
        contact: str | None = None,
        at: datetime | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        when = to_iso(at or self.clock.now())
        rows.add_event(conn, self.id, when, kind, contact, None, data or {})

    # -- what the trainer sees -----------------------------------------------------
    def status(self) -> ShiftStatus:
        with self.desk.ctx.reading() as conn:
            counts = dict(
                conn.execute(
                    "SELECT c.status, count(*) FROM training_contact AS t "
                    "JOIN contact AS c ON c.id = t.contact_id WHERE t.shift_id = ? "
                    "GROUP BY c.status",
                    (self.id,),
                ).fetchall()
            )
            answered = conn.execute(
                "SELECT count(*) FROM training_contact AS t JOIN contact AS c "
                "ON c.id = t.contact_id WHERE t.shift_id = ? AND c.taken_at IS NOT NULL",
                (self.id,),
            ).fetchone()[0]
            done = conn.execute(
                "SELECT count(*) FROM training_contact AS t JOIN contact AS c "
                "ON c.id = t.contact_id WHERE t.shift_id = ? AND t.script_id IS NOT NULL "
                "AND c.status = 'closed'",
                (self.id,),
            ).fetchone()[0]
            trainees = conn.execute(
                "SELECT w.id, w.name, "
                "(SELECT c.id FROM contact AS c JOIN training_contact AS t ON t.contact_id = c.id "
                " WHERE t.shift_id = ? AND c.taken_by = w.id AND c.status = 'taken' "
                " ORDER BY c.taken_at DESC LIMIT 1), "
                "(SELECT count(*) FROM contact AS c JOIN training_contact AS t "
                " ON t.contact_id = c.id WHERE t.shift_id = ? AND c.taken_by = w.id) "
                # The desk's own worker too: in `train --solo` they are the trainee
                # (a trainer who takes no contact is left out below).
                "FROM worker AS w ORDER BY w.name",
                (self.id, self.id),
            ).fetchall()
            ended = rows.shift(conn, self.id)
        points = self._points((tuple(sorted(counts.items())), answered, done))
        return ShiftStatus(
            shift_id=self.id,
            title=self.scenario.title,
            now=self.clock.now(),
            end=self.scenario.end,
            speed=self.clock.speed,
            paused=self.clock.paused,
            ended=self._ended or (ended is not None and ended.ended_at is not None),
            waiting=int(counts.get("waiting", 0)),
            answered=int(answered),
            abandoned=int(counts.get("abandoned", 0)),
            scripted_done=int(done),
            scripted_total=len(self.scenario.scripts),
            trainees=tuple(
                TraineeNow(str(wid), str(name), cur, int(n), points.get(str(wid), 0))
                for wid, name, cur, n in trainees
                if cur is not None or n
            ),
        )

    def _points(self, contacts: object) -> dict[str, int]:
        """Each trainee's points so far. Scoring reads the whole record (about 0.1 s
        on a 2,000-contact shift) and the console reads the status every second, so
        the points are scored again only when the shift's contacts changed (arrived,
        answered, closed: `contacts`), or else at most every POINTS_EVERY real
        seconds (for what changes within a contact: a client, an offer, a notification)."""
        at = time.monotonic()
        if self._scored is not None:
            seen, scored_at, points = self._scored
            if seen == contacts and at - scored_at < POINTS_EVERY:
                return points
        score = scoring.score_shift(self.desk, self.scenario, self.id, self.clock.now())
        points = {t.worker_id: t.points for t in score.trainees}
        self._scored = (contacts, at, points)
        return points


def _real_now() -> str:
    """Real time for the rows' stamps (started, ended): the desk's own clock may be
    the shift's simulated one."""
    return to_iso(datetime.fromtimestamp(time.time(), tz=UTC))
