"""Sync benchmarks (issue 3): `python3 dev.py bench sync`.

Propagation latency with 20 desks on loopback (change at one desk to the row in
another desk's database), push throughput on each store beside a plain bulk
insert of the same rows into the same store (the floor), and catch-up time for
10,000 changes. PostgreSQL figures need OHJAAJA_TEST_POSTGRES_URL.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
import time
import uuid
from pathlib import Path

import psycopg
from ohjaaja.db.server.store import Store
from ohjaaja.db.server.tables import row_state

from ohjaaja.domain.clock import SystemClock
from ohjaaja.sync.client import SyncClient
from ohjaaja.usecases.desk import Desk
from tests.bench import sized
from tests.bench.__main__ import pct
from tests.sync.conftest import AT, Server, push_body, start_server, stop

DESKS = sized("SYNC_DESKS", 20)
ROUNDS = sized("SYNC_ROUNDS", 30)
PUSH_N = sized("SYNC_PUSH", 5000)
CATCH_UP = sized("SYNC_CATCH_UP", 10_000)


def contact(i: int) -> dict:
    return {
        "id": str(uuid.uuid4()), "channel": "phone", "line_code": "ikaihmiset",
        "municipality_code": "853", "language": "fi", "priority": 3, "status": "waiting",
        "received_at": AT, "created_at": AT, "updated_at": AT,
    }  # fmt: skip


def desk_token(server: Server, name: str) -> str:
    """A desk token acting for a worker of the same name, registered on the server."""
    admin = server.admin()
    admin.add_worker(name, ["guidance"], [], AT)
    token = admin.create_token(name, "desk", AT, [name])
    admin.close()
    return token


def propagation(server: Server, workdir: Path) -> None:
    clock = SystemClock()
    writer_path = workdir / "writer.sqlite"
    writer = Desk(writer_path, clock, "writer")
    writer_sync = SyncClient(writer_path, server.url, desk_token(server, "writer"), clock)
    writer_sync.sync_once()
    arrived: dict[tuple[int, str], float] = {}
    stop_flag = threading.Event()
    readers = []
    for n in range(DESKS - 1):
        path = workdir / f"reader-{n}.sqlite"
        Desk(path, clock, f"reader-{n}").close()
        client = SyncClient(path, server.url, desk_token(server, f"reader-{n}"), clock)
        client.sync_once()
        readers.append((n, client))

    def follow(n: int, client: SyncClient) -> None:
        def on_head(_head: int) -> None:
            client.sync_once()
            now = time.perf_counter()
            for (contact_id,) in client.conn.execute("SELECT id FROM contact"):
                arrived.setdefault((n, contact_id), now)

        # The stream ends with an error when the benchmark stops the server.
        with contextlib.suppress(Exception):
            client.follow(on_head, stop_flag.is_set)

    threads = [threading.Thread(target=follow, args=r, daemon=True) for r in readers]
    for thread in threads:
        thread.start()
    time.sleep(0.5)  # let every stream connect before the first change
    sent: dict[str, float] = {}
    for _ in range(ROUNDS):
        start = time.perf_counter()
        contact_id = writer.contacts.receive("phone", "sosiaalipaivystys", "853")
        writer_sync.sync_once()
        sent[contact_id] = start
        deadline = time.perf_counter() + 5
        while time.perf_counter() < deadline and sum(
            (n, contact_id) in arrived for n, _ in readers
        ) < len(readers):
            time.sleep(0.005)
    stop_flag.set()
    latencies = [
        (arrived[(n, cid)] - t0) * 1000
        for cid, t0 in sent.items()
        for n, _ in readers
        if (n, cid) in arrived
    ]
    missing = ROUNDS * len(readers) - len(latencies)
    print(f"propagation, {DESKS} desks on loopback, {ROUNDS} changes ({missing} not seen in 5 s)")
    p50, p95, p99 = (pct(latencies, q) for q in (0.5, 0.95, 0.99))
    print("  change at one desk -> row in another desk's database:")
    print(f"  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  p99 {p99:6.1f} ms (target p95 < 500 ms)")
    writer_sync.close()
    writer.close()


def throughput(label: str, store_args: list[str], floor_url: str) -> None:
    server = start_server(store_args)
    try:
        client = server.client(desk_token(server, "bench"))
        rows = [contact(i) for i in range(PUSH_N)]
        t0 = time.perf_counter()
        for first in range(0, PUSH_N, 500):
            body = push_body("bench", [
                {"seq": i + 1, "mutation_id": f"m{i}", "name": "contact.receive",
                 "worker": "bench", "args": rows[i]}
                for i in range(first, min(first + 500, PUSH_N))
            ])  # fmt: skip
            response = client.post("/v1/push", json=body)
            response.raise_for_status()
        pushed = PUSH_N / (time.perf_counter() - t0)
    finally:
        stop(server)
    floor_store = Store(floor_url)
    t0 = time.perf_counter()
    with floor_store.engine.begin() as conn:
        conn.execute(
            row_state.insert(),
            [
                {"tbl": "contact", "id": r["id"], "version": 1, "seq": i + 1, "data": r, "sig": ""}
                for i, r in enumerate(rows)
            ],
        )
    floor = PUSH_N / (time.perf_counter() - t0)
    print(
        f"push throughput, {label:10}: {pushed:8.0f} mutations/s over HTTP; bulk insert floor "
        f"{floor:8.0f} rows/s; ratio {floor / pushed:5.1f}x slower than the floor"
    )


def catch_up(server: Server, workdir: Path) -> None:
    clock = SystemClock()
    source_path = workdir / "source.sqlite"
    source = Desk(source_path, clock, "source")
    for _ in range(CATCH_UP):
        source.contacts.receive("chat", "mipa", "853")
    source_sync = SyncClient(source_path, server.url, desk_token(server, "source"), clock)
    source_sync.sync_once()
    late_path = workdir / "late.sqlite"
    Desk(late_path, clock, "late").close()
    late = SyncClient(late_path, server.url, desk_token(server, "late"), clock)
    t0 = time.perf_counter()
    report = late.sync_once()
    seconds = time.perf_counter() - t0
    print(f"catch-up: {report.pulled} changes pulled and applied by a desk back online")
    print(f"  in {seconds:.2f} s")
    late.close()
    source_sync.close()
    source.close()


def pg_database(base: str) -> str:
    name = f"ohjaaja_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return base.rsplit("/", 1)[0] + "/" + name


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        server = start_server(["--database", str(workdir / "server.sqlite")])
        try:
            propagation(server, workdir)
            catch_up(server, workdir)
        finally:
            stop(server)
        sqlite_push = workdir / "push.sqlite"
        floor_sqlite = f"sqlite:///{workdir / 'floor.sqlite'}"
        throughput("SQLite", ["--database", str(sqlite_push)], floor_sqlite)
        base = os.environ.get("OHJAAJA_TEST_POSTGRES_URL")
        if base:
            url, floor = pg_database(base), pg_database(base)
            try:
                throughput("PostgreSQL", ["--database-url", url], floor)
            finally:
                with psycopg.connect(base, autocommit=True) as admin:
                    for made in (url, floor):
                        name = made.rsplit("/", 1)[1]
                        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            print("push throughput, PostgreSQL: set OHJAAJA_TEST_POSTGRES_URL to measure")


if __name__ == "__main__":
    main()
