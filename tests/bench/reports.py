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

import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from ohjaaja.db.bulk import insert_rows
from ohjaaja.db.engine import transaction
from ohjaaja.db.server.store import Store
from ohjaaja.db.server.tables import counter, report_keys, row_state
from ohjaaja.db.workers import ensure_worker
from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects.postgresql import TIMESTAMP

from ohjaaja.demo.build import OUTCOME_WEIGHTS, load_clients
from ohjaaja.demo.catalogue import load_demo_catalogue
from ohjaaja.demo.simulator import WEEKDAY_PROFILE, ArrivalSimulator
from ohjaaja.demo.synthetic import generate_clients
from ohjaaja.domain.clock import FixedClock, local, to_iso
from ohjaaja.domain.notifications import KINDS as NOTIFICATION_KINDS
from ohjaaja.domain.queue import LINES, default_priority
from ohjaaja.sync.rows import COLUMNS, desk_row
from ohjaaja.usecases.desk import Desk
from tests.sync.conftest import PG_ENV, start_server, stop

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
        workers = [ensure_worker(conn, f"Ohjaaja {n}", ["guidance"], to_iso(start))
                   for n in range(WORKERS)]  # fmt: skip
    load_clients(conn, iter(generate_clients(max(50, min(CLIENTS, per_line)), seed=seed)))
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
    for table in SYNCED:
        insert_rows(conn, table, rows[table])
    desk.close()
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
                at, parent = report_keys(table, data)  # as Store.put keeps them
                batch.append({"tbl": table, "id": data["id"], "version": version, "seq": seq,
                              "data": data, "kind": "shared", "at": at,
                              "parent": parent})  # fmt: skip
                if len(batch) == 5000:
                    conn.execute(insert(row_state), batch)
                    written += len(batch)
                    batch = []
            if batch:
                conn.execute(insert(row_state), batch)
                written += len(batch)
        conn.execute(update(counter).where(counter.c.name == "seq").values(value=seq))
    return written


def desk_floor(conn: Any, since: str, until: str) -> tuple[int, float | None]:
    """The month's contacts and their average seconds to answer, in one statement."""
    count, average = conn.execute(
        "SELECT count(*), avg((julianday(taken_at) - julianday(received_at)) * 86400.0) "
        "FROM contact WHERE deleted = 0 AND received_at >= ? AND received_at < ?",
        (since, until),
    ).fetchone()
    return int(count), average


def desk_rows(conn: Any, since: str, until: str) -> int:
    """A second floor: the month's contact rows and their events read as the report
    reads them (db/reports), before any figure is computed."""
    from ohjaaja.db.reports.contacts import contacts, events

    return len(contacts(conn, since, until)) + len(events(conn, since, until))


def store_floor(store: Store, since: str, until: str) -> tuple[int, float | None]:
    """The same on the store's documents, in one statement (the month found by the
    indexed copy of received_at, as the server's readers find it)."""
    received = row_state.c.at
    taken = row_state.c.data["taken_at"].as_string()
    received_text = row_state.c.data["received_at"].as_string()
    if store.engine.dialect.name == "postgresql":
        seconds: Any = func.extract(
            "epoch", func.cast(taken, TIMESTAMP(timezone=True))
            - func.cast(received_text, TIMESTAMP(timezone=True)),
        )  # fmt: skip
    else:
        seconds = (func.julianday(taken) - func.julianday(received_text)) * 86400.0
    query = select(func.count(), func.avg(seconds)).where(
        row_state.c.tbl == "contact", received >= since, received < until,
        row_state.c.data["deleted"].as_integer() == 0,
    )  # fmt: skip
    with store.engine.connect() as conn:
        count, average = conn.execute(query).one()
    return int(count), None if average is None else float(average)


def timed(work: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """(median seconds, the last result) of `runs` runs after one to warm caches."""
    result = work()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


@dataclass
class Figures:
    contacts: int  # in the year
    month: int  # in the month
    store: str
    desk_report: float
    desk_floor: float
    desk_rows: float  # reading the month's contact rows and events: the report's input
    server_report: float
    server_floor: float
    same: bool  # the server's report equals the desk's
    cases: dict[str, tuple[int, int]]  # the month's handovers, ...: (desk, store's reader)


def measure(folder: Path, store_args: list[str], store_url: str, per_line: int,
            runs: int, name: str = "overview") -> Figures:  # fmt: skip
    from ohjaaja.domain.reports.model import Period, Request
    from ohjaaja.exchange.reports import report_document, report_from_json
    from ohjaaja.sync.reports import fetch_report
    from ohjaaja.usecases.reports import run_report

    region = generate(folder, per_line)
    request = Request(name, Period(*MONTH))
    since, until = to_iso(request.period.since), to_iso(request.period.until)
    desk = Desk(region.desk, FixedClock(datetime(2026, 12, 1, 8, tzinfo=UTC)), "Bench")
    store = Store(store_url)
    load_store(store, region, desk.conn)
    token = store.create_token("organiser", "organiser", to_iso(datetime.now(UTC)))
    server = start_server(store_args, quiet=True)
    try:
        desk_seconds, desk_report = timed(lambda: run_report(desk.ctx, request), runs)
        floor_seconds, (month, _) = timed(lambda: desk_floor(desk.conn, since, until), runs)
        rows_seconds, _ = timed(lambda: desk_rows(desk.conn, since, until), runs)
        server_seconds, answer = timed(lambda: fetch_report(server.url, token, request), runs)
        store_seconds, (on_store, _) = timed(lambda: store_floor(store, since, until), runs)
        cases = month_cases(desk.conn, store, since, until)
    finally:
        stop(server)
        desk.close()
        store.close()
    assert month == on_store, (month, on_store)

    def bare(document: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in document.items() if k not in ("source", "generated_at")}

    same = bare(report_document(report_from_json(answer))) == bare(report_document(desk_report))
    return Figures(region.contacts, month, store.engine.dialect.name, desk_seconds,
                   floor_seconds, rows_seconds, server_seconds, store_seconds,
                   same, cases)  # fmt: skip


def month_cases(desk_conn: Any, store: Store, since: str, until: str) -> dict[str, tuple[int, int]]:
    """The month's handovers, notifications and offers as the desk counts them, beside
    what the store's readers (db/server/reports.py) return for the same month."""
    from ohjaaja.db.server import reports as store_rows

    found = {}
    with store.engine.connect() as conn:
        for table, read in (("handover", store_rows.handovers),
                            ("notification", store_rows.notifications),
                            ("offer", store_rows.offers)):  # fmt: skip
            (held,) = desk_conn.execute(
                f"SELECT count(*) FROM {table} WHERE created_at >= ? AND created_at < ?",
                (since, until),
            ).fetchone()
            found[table] = (int(held), len(read(conn, since, until)))
    return found


def store_for(folder: Path) -> tuple[list[str], str, Callable[[], None]]:
    """PostgreSQL (a database of its own) from OHJAAJA_TEST_POSTGRES_URL, else SQLite:
    the server's arguments, the store's URL, and what drops it afterwards."""
    base = os.environ.get(PG_ENV)
    if not base:
        path = folder / "server.sqlite"
        return ["--database", str(path)], f"sqlite:///{path}", lambda: None
    name = f"ohjaaja_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = base.rsplit("/", 1)[0] + "/" + name

    def drop() -> None:
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return ["--database-url", url], url, drop


def main() -> None:
    per_line = int(os.environ.get("OHJAAJA_BENCH_REPORTS_PER_LINE", PER_LINE))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store_args, url, drop = store_for(folder)
        try:
            started = time.perf_counter()
            found = measure(folder, store_args, url, per_line, runs=5)
        finally:
            drop()
    print(f"a month's report (overview, {MONTH[0]:%B %Y}) on a year of the region: "
          f"{found.contacts:,} contacts, {found.month:,} in the month "
          f"(generated and loaded in {time.perf_counter() - started:.0f} s)")  # fmt: skip
    print("  median of 5 runs               report     bare SQL aggregate   ratio")
    for label, report, floor in (
        ("desk (SQLite)", found.desk_report, found.desk_floor),
        (f"server ({found.store}, HTTP)", found.server_report, found.server_floor),
    ):
        print(f"  {label:<28} {report * 1000:8.0f} ms   {floor * 1000:8.1f} ms"
              f"          {report / floor:6.1f}x")  # fmt: skip
    print(
        f"  desk (SQLite), beside reading the month's rows and events "
        f"({found.desk_rows * 1000:.1f} ms): {found.desk_report / found.desk_rows:.1f}x"
    )
    print(f"  the server's figures equal the desk's: {'yes' if found.same else 'NO'}")
    print("  the month's cases (desk / store's reader): " + ", ".join(
        f"{table} {held}/{read}" for table, (held, read) in found.cases.items()))  # fmt: skip
