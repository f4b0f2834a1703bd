"""The HSDS API's pages on a 20,000-service catalogue: `python3 dev.py bench hsds`.

The bench catalogue's 20,000 services (tests/bench/catalogue.py: the demo's over and
over, with their phones, hours and locations) go into a server store as the documents
a sync leaves there, on SQLite and, with OHJAAJA_TEST_POSTGRES_URL, on PostgreSQL too;
a real server process serves them. `GET /hsds/services` (50 a page) is timed at the
first, the middle and the last page, a whole walk of every page, and a page of full
records, each beside two floors of the same run: the page's own SQL (the count and
the page of documents) run in this process on the same store, and `GET /v1/health`
on the same server (the HTTP round trip and a read of the store's head).
OHJAAJA_BENCH_HSDS_SERVICES changes the size (the suite's smoke test runs it tiny).
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from ohjaaja.db.server import catalogue as docs
from ohjaaja.db.server.store import Store
from ohjaaja.db.server.tables import counter, row_state
from sqlalchemy import insert, select, update

from ohjaaja.demo.catalogue import demo_catalogue
from ohjaaja.domain.catalogue_rows import organization_rows, service_rows
from ohjaaja.sync.rows import COLUMNS
from tests.bench.catalogue import synthetic_catalogue
from tests.bench.reports import store_for, timed
from tests.sync.conftest import PG_ENV, start_server, stop

SERVICES = 20_000
PER_PAGE = 50
NOW = "2026-11-23T08:00:00.000000Z"


def load(store: Store, count: int) -> int:
    """The catalogue into the store as synced documents, in bulk; the rows written."""
    organizations, _ = demo_catalogue()
    tables: dict[str, list[dict[str, Any]]] = {}
    for organization in organizations:
        for table, rows in organization_rows(organization, NOW).items():
            tables.setdefault(table, []).extend(rows)
    for service in synthetic_catalogue(count, random.Random(5)):
        for table, rows in service_rows(service, NOW).items():
            tables.setdefault(table, []).extend(rows)
    written = 0
    with store.engine.begin() as conn:
        seq = int(conn.execute(select(counter.c.value).where(counter.c.name == "seq")).scalar_one())
        for table, rows in tables.items():
            defaults = {name: column.default for name, column in COLUMNS[table].items()}
            batch = []
            for row in rows:
                seq += 1
                data = {name: {**defaults, **row}[name] for name in COLUMNS[table]}
                batch.append({"tbl": table, "id": data["id"], "version": 1, "seq": seq,
                              "data": data, "kind": "shared"})  # fmt: skip
            for start in range(0, len(batch), 5000):
                conn.execute(insert(row_state), batch[start : start + 5000])
            written += len(batch)
        conn.execute(update(counter).where(counter.c.name == "seq").values(value=seq))
    return written


@dataclass
class Figures:
    store: str
    services: int
    pages: int
    rows: int  # documents in the store
    timings: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    walked: list[str] = field(default_factory=list)  # every id, in the order pages gave them
    total_items: int = 0


def measure(folder: Path, store_args: list[str], store_url: str, count: int,
            runs: int) -> Figures:  # fmt: skip
    """Load, serve, time: each line (HTTP, the page's SQL in process, GET /v1/health)."""
    store = Store(store_url)
    rows = load(store, count)
    token = store.create_token("bench-reader", "organiser", NOW)
    pages = -(-count // PER_PAGE)
    found = Figures(store.engine.dialect.name, count, pages, rows)
    server = start_server(store_args, quiet=True)
    client = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"},
                          timeout=120)  # fmt: skip

    def page(number: int, full: bool = False) -> Callable[[], Any]:
        params = {"page": number, "per_page": PER_PAGE, "full": str(full).lower()}
        return lambda: client.get("/hsds/services", params=params).raise_for_status().json()

    def sql(number: int) -> Callable[[], Any]:
        def run() -> Any:
            with store.engine.connect() as conn, conn.begin():
                return docs.services(conn, docs.Query(), PER_PAGE, (number - 1) * PER_PAGE)

        return run

    def health() -> Any:
        return client.get("/v1/health").raise_for_status().json()

    try:
        health_seconds, _ = timed(health, runs * 3)
        for label, number in (("first page", 1), ("middle page", (pages + 1) // 2),
                              ("last page", pages)):  # fmt: skip
            seconds, _ = timed(page(number), runs)
            floor, _ = timed(sql(number), runs)
            found.timings[f"{label} ({number})"] = (seconds, floor, health_seconds)
        seconds, _ = timed(page(1, full=True), runs)
        floor, _ = timed(sql(1), runs)
        found.timings["first page, full=true"] = (seconds, floor, health_seconds)
        started = time.perf_counter()
        for number in range(1, pages + 1):
            answer = page(number)()
            found.total_items = answer["total_items"]
            found.walked += [record["id"] for record in answer["contents"]]
        walk = (time.perf_counter() - started) / pages
        started = time.perf_counter()
        for number in range(1, pages + 1):
            sql(number)()
        floor = (time.perf_counter() - started) / pages
        found.timings["every page, one walk (mean)"] = (walk, floor, health_seconds)
    finally:
        client.close()
        stop(server)
        store.close()
    return found


def report(found: Figures) -> None:
    print(f"GET /hsds/services on {found.services:,} services ({found.store}; {found.rows:,} "
          f"documents in the store), {PER_PAGE} a page, {found.pages} pages")  # fmt: skip
    print(f"  {'median of the runs':30} {'HTTP':>9} {'page SQL':>10} {'ratio':>7}"
          f" {'/v1/health':>11} {'ratio':>7}")  # fmt: skip
    for label, (seconds, floor, health) in found.timings.items():
        print(f"  {label:30} {seconds * 1000:7.1f}ms {floor * 1000:8.1f}ms {seconds / floor:6.1f}x"
              f" {health * 1000:9.1f}ms {seconds / health:6.1f}x")  # fmt: skip
    every = len(found.walked) == len(set(found.walked)) == found.total_items == found.services
    print(f"  the walk gave every service once: {'yes' if every else 'NO'}")


def main() -> None:
    count = int(os.environ.get("OHJAAJA_BENCH_HSDS_SERVICES", SERVICES))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "server.sqlite"
        report(measure(folder, ["--database", str(path)], f"sqlite:///{path}", count, runs=5))
        if os.environ.get(PG_ENV):
            store_args, url, drop = store_for(folder)
            try:
                report(measure(folder, store_args, url, count, runs=5))
            finally:
                drop()
