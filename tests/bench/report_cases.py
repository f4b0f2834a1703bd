"""A month's case reports (handovers, notifications, services) on a desk holding a
year of the region's work: 125,000 contacts (25,000 a line), 5 % handed over, a fifth
of those with a notification, 40 % with a service offered, 3 % with an unmet need.
Times reading the month (db/reports/cases.py and the row converters) and computing
the three reports, beside the floor: the bare SQL aggregates of the same rows (counts
by municipality, kind and service) in the same run.
Run: `python -m tests.bench.report_cases`."""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from ohjaaja.db.engine import connect, transaction
from ohjaaja.db.migrate import migrate

from ohjaaja.demo.catalogue import load_demo_catalogue
from ohjaaja.domain.clock import to_iso
from ohjaaja.domain.reports import cases  # noqa: F401  (registers the reports)
from ohjaaja.domain.reports.facts import Facts
from ohjaaja.domain.reports.model import Period, Request
from ohjaaja.domain.reports.registry import REPORTS
from ohjaaja.usecases.desk import seed_reference
from ohjaaja.usecases.report_cases import load_cases
from tests.bench import sized

CONTACTS = sized("CASES_CONTACTS", 125_000)
RUNS = sized("CASES_RUNS", 9)
START = datetime(2026, 1, 1, tzinfo=UTC)
JUNE = Period(date(2026, 6, 1), date(2026, 6, 30))
KINDS = ("child_welfare", "elderly_services", "social_care_need")


def build(path: Path) -> None:
    conn = connect(path)
    migrate(conn)
    with transaction(conn):
        seed_reference(conn)
        load_demo_catalogue(conn, to_iso(START))
    services = [r[0] for r in conn.execute("SELECT id FROM service")]
    places = [r[0] for r in conn.execute("SELECT code FROM municipality")]
    lines = [r[0] for r in conn.execute("SELECT code FROM line")]
    rnd = random.Random(17)
    year = sorted(rnd.uniform(0, 365 * 86400) for _ in range(CONTACTS))
    rows: dict[str, list[tuple[object, ...]]] = {
        "contact": [], "offer": [], "notification": [], "handover": [], "handover_event": []
    }  # fmt: skip
    for i, offset in enumerate(year):
        at = START + timedelta(seconds=offset)
        cid, place = f"c{i:06d}", rnd.choice(places)
        rows["contact"].append(
            (cid, "phone", rnd.choice(lines), place, to_iso(at), "closed", to_iso(at), to_iso(at))
        )
        if rnd.random() < 0.4:
            made = to_iso(at + timedelta(minutes=5))
            rows["offer"].append((f"o{i}", cid, rnd.choice(services), None, made))
        if rnd.random() < 0.03:
            made = to_iso(at + timedelta(minutes=6))
            rows["offer"].append((f"u{i}", cid, None, f"tarve {i % 50}", made))
        if rnd.random() < 0.05:
            hid, sent = f"h{i}", at + timedelta(minutes=7)
            nid = f"n{i}" if rnd.random() < 0.2 else None
            if nid:
                stamp = to_iso(sent)
                rows["notification"].append(
                    (nid, rnd.choice(KINDS), cid, place, stamp, stamp, stamp)
                )
            due = to_iso(sent + timedelta(hours=4))
            rows["handover"].append(
                (hid, cid, "assessment:853", "x", due, "completed", nid, to_iso(sent), to_iso(sent))
            )
            for kind, later in (("sent", 0), ("accept", rnd.uniform(1, 300)),
                                ("complete", rnd.uniform(60, 2880))):  # fmt: skip
                event_at = to_iso(sent + timedelta(minutes=later))
                rows["handover_event"].append((f"{hid}{kind}", hid, kind, event_at))
    columns = {
        "contact": "id, channel, line_code, municipality_code, received_at, status, "
        "created_at, updated_at",
        "offer": "id, contact_id, service_id, unmet_need, created_at",
        "notification": "id, kind, contact_id, municipality_code, received_at, created_at, "
        "updated_at",
        "handover": "id, contact_id, to_team, note, due_at, state, notification_id, "
        "created_at, updated_at",
        "handover_event": "id, handover_id, kind, at",
    }
    with transaction(conn):
        for table, names in columns.items():
            marks = ", ".join("?" * len(names.split(",")))
            conn.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows[table])
    conn.execute("ANALYZE")
    conn.close()


def median_ms(work: Callable[[], object]) -> float:
    work()
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "desk.sqlite"
        started = time.perf_counter()
        build(path)
        print(f"a year of {CONTACTS:,} contacts built in {time.perf_counter() - started:.1f} s")
        conn = connect(path)
        since, until = to_iso(JUNE.since), to_iso(JUNE.until)

        def floor() -> None:
            conn.execute(
                "SELECT coalesce(c.municipality_code, ''), count(*), sum(h.state = 'completed') "
                "FROM handover AS h LEFT JOIN contact AS c ON c.id = h.contact_id "
                "WHERE h.created_at >= ? AND h.created_at < ? GROUP BY 1",
                (since, until),
            ).fetchall()
            conn.execute(
                "SELECT kind, count(*) FROM notification "
                "WHERE created_at >= ? AND created_at < ? GROUP BY kind",
                (since, until),
            ).fetchall()
            conn.execute(
                "SELECT o.service_id, c.municipality_code, count(*) FROM offer AS o "
                "LEFT JOIN contact AS c ON c.id = o.contact_id "
                "WHERE o.created_at >= ? AND o.created_at < ? GROUP BY 1, 2",
                (since, until),
            ).fetchall()

        def reports() -> Facts:
            facts = Facts(**load_cases(conn, Request("handovers", JUNE)))
            for name in ("handovers", "notifications", "services"):
                REPORTS[name](facts, Request(name, JUNE))
            return facts

        facts = reports()
        bare, ours = median_ms(floor), median_ms(reports)
        print(
            f"June: {len(facts.handovers)} handovers, {len(facts.notifications)} notifications, "
            f"{len(facts.offers)} offers; median of {RUNS} runs:"
        )
        print(f"  floor: the bare SQL aggregates          : {bare:7.1f} ms")
        print(
            f"  read and compute the three case reports : {ours:7.1f} ms   ratio {ours / bare:.1f}x"
        )
        conn.close()


if __name__ == "__main__":
    main()
