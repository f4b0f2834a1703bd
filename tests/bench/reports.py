"""A month's report on a year of the region: `python3 dev.py bench reports`.

One year of the region's contacts (25,000 a line, five lines: 125,000), with their
offers, handovers and notifications in about the pilot's shares, is generated into a
desk's database; the same rows go into a server store (PostgreSQL from
OHJAAJA_TEST_POSTGRES_URL, else SQLite), served by a real server process. A month's
report (`overview`, or the heaviest registered) is then timed from the desk and from
the server (an organiser's GET, over loopback), each beside the bare SQL aggregate of
the same month in the same store (the contacts and their average seconds to answer, in
one statement): the floor, and the ratio. OHJAAJA_BENCH_REPORTS_PER_LINE changes the
size (the suite's smoke test runs it tiny).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from ohjaaja.db.bulk import insert_rows
from ohjaaja.db.engine import transaction
from ohjaaja.db.server.store import Store
from ohjaaja.db.server.tables import counter, row_state
from ohjaaja.db.workers import ensure_worker
from sqlalchemy import insert, select, update

from ohjaaja.demo.build import OUTCOME_WEIGHTS, load_clients
from ohjaaja.demo.catalogue import load_demo_catalogue
from ohjaaja.demo.simulator import WEEKDAY_PROFILE, ArrivalSimulator
from ohjaaja.demo.synthetic import generate_clients
from ohjaaja.domain.clock import FixedClock, local, to_iso
from ohjaaja.domain.notifications import KINDS as NOTIFICATION_KINDS
from ohjaaja.domain.queue import LINES, default_priority
from ohjaaja.sync.rows import COLUMNS, desk_row
from ohjaaja.usecases.desk import Desk

PER_LINE = 25_000
CLIENTS = 20_000
WORKERS = 40
YEAR_END = date(2026, 11, 30)  # the year: December 2025 to November 2026
MONTH = (date(2026, 10, 1), date(2026, 10, 31))
ABANDONED = 0.06  # of phone and callback contacts: the caller hung up first
IDENTIFIED = 0.45
OFFERED = 0.35  # closed contacts with a service offered
UNMET = 0.03
SYNCED = ("contact", "contact_event", "offer", "notification", "handover", "handover_event")
NEEDS = (
    "Ei kuljetuspalvelua iltaisin",
    "Ruotsinkielinen vertaistuki puuttuu",
    "Omaishoitajan lomitus viikonloppuisin",
    "Ingen kvällsservice",
    "Ei asiointiapua",
)


@dataclass
class Region:
    desk: Path
    rows: dict[str, list[dict[str, Any]]]  # the synced tables' rows, as the desk holds them

    @property
    def contacts(self) -> int:
        return len(self.rows["contact"])


def generate(folder: Path, per_line: int = PER_LINE, seed: int = 17) -> Region:
    """A desk database holding one year of the region (synthetic, reproducible)."""
    rng = random.Random(seed)
    path = folder / "region.sqlite"
    clock = FixedClock(datetime(2026, 12, 1, 8, 0, tzinfo=UTC))
    desk = Desk(path, clock, "Bench")
    conn = desk.conn
    start = datetime.combine(YEAR_END - timedelta(days=364), datetime.min.time(), UTC)
    with transaction(conn):
        load_demo_catalogue(conn, to_iso(start))
        load_clients(conn, iter(generate_clients(max(50, min(CLIENTS, per_line)), seed=seed)))
        workers = [ensure_worker(conn, f"Ohjaaja {n}", ["guidance"], to_iso(start))
                   for n in range(WORKERS)]  # fmt: skip
    clients = [r[0] for r in conn.execute("SELECT id FROM client ORDER BY id")]
    # A few people call very often, most once or twice (the seeds' frequent contacters).
    weights = [rng.paretovariate(1.3) for _ in clients]
    services = [r[0] for r in conn.execute("SELECT id FROM service ORDER BY id")]
    rows: dict[str, list[dict[str, Any]]] = {table: [] for table in SYNCED}
    arrivals = ArrivalSimulator(seed)
    ids = _ids(rng)
    for line in LINES:
        for moment in _moments(rng, start, per_line, around_the_clock=line == "sosiaalipaivystys"):
            arrival = arrivals.arrival(moment)
            contact = _contact(rng, next(ids), line, arrival, workers)
            if contact["status"] == "closed" and rng.random() < IDENTIFIED:
                contact["client_id"] = rng.choices(clients, weights)[0]
            rows["contact"].append(contact)
            if contact["status"] == "closed":
                _cases(rng, ids, contact, rows, services, workers)
    desk.close()
    with transaction(conn := Desk(path, clock, "Bench").conn):
        for table in SYNCED:
            insert_rows(conn, table, rows[table])
    conn.close()
    return Region(path, rows)


def _ids(rng: random.Random) -> Iterator[str]:
    while True:
        yield str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _moments(
    rng: random.Random, start: datetime, count: int, around_the_clock: bool
) -> list[datetime]:
    """Arrival moments over the year: office lines by the demo's hourly profile on
    weekdays (a little at weekends), the emergency line at any hour."""
    hours = list(range(24)) if around_the_clock else list(WEEKDAY_PROFILE)
    weights = [1.0] * 24 if around_the_clock else list(WEEKDAY_PROFILE.values())
    found = []
    while len(found) < count:
        day = start + timedelta(days=rng.randrange(365))
        hour = rng.choices(hours, weights)[0]
        moment = day + timedelta(hours=hour, seconds=rng.randrange(3600)) - timedelta(hours=2)
        if not around_the_clock and local(moment).weekday() >= 5 and rng.random() > 0.1:
            continue
        found.append(moment)
    return sorted(found)


def _contact(
    rng: random.Random, contact_id: str, line: str, arrival: Any, workers: list[str]
) -> dict[str, Any]:
    received = arrival.received_at
    spoken = arrival.channel in ("phone", "callback", "walk_in", "chat")
    row: dict[str, Any] = {
        **{name: column.default for name, column in COLUMNS["contact"].items()},
        "id": contact_id, "channel": arrival.channel, "line_code": line,
        "municipality_code": arrival.municipality_code, "language": arrival.language,
        "caller_phone": arrival.caller_phone, "priority": default_priority(arrival.channel, line),
        "status": "closed", "received_at": to_iso(received), "created_at": to_iso(received),
    }  # fmt: skip
    after_hours = line != "sosiaalipaivystys" and not 8 <= local(received).hour < 16
    if after_hours and spoken:  # routed to the emergency line, counted in its own
        row.update(line_code="sosiaalipaivystys", original_line_code=line)
    if arrival.channel in ("phone", "callback") and rng.random() < ABANDONED:
        gave_up = received + timedelta(seconds=rng.expovariate(1 / 70))
        row.update(status="abandoned", updated_at=to_iso(gave_up))
        return row
    wait = rng.expovariate(1 / 9) if spoken else rng.expovariate(1 / 5400)
    taken = received + timedelta(seconds=wait)
    closed = taken + timedelta(seconds=rng.lognormvariate(5.7, 0.6))
    outcome = rng.choices(list(OUTCOME_WEIGHTS), weights=list(OUTCOME_WEIGHTS.values()))[0]
    row.update(
        taken_at=to_iso(taken), closed_at=to_iso(closed), taken_by=rng.choice(workers),
        caller_kind=rng.choice(("client", "client", "relative", "professional")),
        outcome=outcome, updated_at=to_iso(closed), version=3,
    )  # fmt: skip
    return row


def _cases(rng: random.Random, ids: Iterator[str], contact: dict[str, Any],
           rows: dict[str, list[dict[str, Any]]], services: list[str],
           workers: list[str]) -> None:  # fmt: skip
    closed = datetime.fromisoformat(contact["closed_at"].replace("Z", "+00:00"))
    at, worker, muni = contact["closed_at"], contact["taken_by"], contact["municipality_code"]
    if rng.random() < OFFERED:
        for _ in range(rng.choice((1, 1, 2))):
            unmet = rng.random() < UNMET
            rows["offer"].append({
                "id": next(ids), "contact_id": contact["id"], "created_at": at, "worker_id": worker,
                "service_id": None if unmet else rng.choice(services),
                "unmet_need": rng.choice(NEEDS) if unmet else None, "language": contact["language"],
            })  # fmt: skip
    outcome = contact["outcome"]
    if outcome in ("assessment", "handover"):
        team = f"{'assessment' if outcome == 'assessment' else 'home_care'}:{muni}"
        handover_id = next(ids)
        urgency = rng.choices(("immediate", "same_day", "normal"), (1, 3, 6))[0]
        due = closed + timedelta(hours={"immediate": 2, "same_day": 8, "normal": 72}[urgency])
        events = [("sent", closed, worker)]
        state = "sent"
        if rng.random() < 0.9:
            accepted = closed + timedelta(minutes=rng.expovariate(1 / 180))
            other = rng.choice(workers)
            events.append(("accept", accepted, other))
            state = "accepted"
            fate = rng.random()
            if fate < 0.75:
                events.append(
                    ("complete", accepted + timedelta(hours=rng.expovariate(1 / 30)), other)
                )
                state = "completed"
            elif fate < 0.85:
                events.append(("return", accepted + timedelta(hours=2), other))
                state = "returned"
        rows["handover"].append({
            **{name: column.default for name, column in COLUMNS["handover"].items()},
            "id": handover_id, "contact_id": contact["id"], "client_id": contact["client_id"],
            "from_worker_id": worker, "to_team": team, "note": "Palvelutarpeen arvio",
            "urgency": urgency, "due_at": to_iso(due), "state": state,
            "accepted_by": events[1][2] if len(events) > 1 else None,
            "version": len(events), "created_at": at, "updated_at": to_iso(events[-1][1]),
        })  # fmt: skip
        for kind, when, who in events:
            reason = "ei meille" if kind == "return" else None
            rows["handover_event"].append({"id": next(ids), "handover_id": handover_id,
                                           "kind": kind, "at": to_iso(when), "worker_id": who,
                                           "reason": reason})  # fmt: skip
    if outcome == "notification":
        kind = rng.choice(NOTIFICATION_KINDS)
        received = closed + timedelta(minutes=rng.expovariate(1 / 90))
        rows["notification"].append({
            **{name: column.default for name, column in COLUMNS["notification"].items()},
            "id": next(ids), "kind": kind, "client_id": contact["client_id"],
            "contact_id": contact["id"], "municipality_code": muni,
            "routed_to": f"{'child_welfare' if kind == 'child_welfare' else 'social_work'}:{muni}",
            "notifier_worker_id": worker, "received_at": to_iso(received),
            "created_at": at, "updated_at": to_iso(received), "version": 2,
        })  # fmt: skip


def load_store(store: Store, region: Region, desk_conn: Any) -> int:
    """Every synced row of the desk into the store as documents, in bulk (the floor of
    a push is not what is measured here: `bench sync` measures that)."""
    tables = ("worker", "organization", "service", "client", *SYNCED)
    written = 0
    with store.engine.begin() as conn:
        seq = int(conn.execute(select(counter.c.value).where(counter.c.name == "seq")).scalar_one())
        for table in tables:
            batch = []
            for row in desk_conn.execute(f"SELECT * FROM {table}"):
                seq += 1
                data = desk_row(table, row)
                version = int(data.get("version", 1))
                batch.append({"tbl": table, "id": data["id"], "version": version, "seq": seq,
                              "data": data, "kind": "shared"})  # fmt: skip
                if len(batch) == 5000:
                    conn.execute(insert(row_state), batch)
                    written += len(batch)
                    batch = []
            if batch:
                conn.execute(insert(row_state), batch)
                written += len(batch)
        conn.execute(update(counter).where(counter.c.name == "seq").values(value=seq))
    return written
