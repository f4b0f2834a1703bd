"""The server's intake: `python3 dev.py bench intake`.

`POST /v1/contacts` (a phone system's or an e-form's new contact) from 20 concurrent
clients, on SQLite and, with OHJAAJA_TEST_POSTGRES_URL, PostgreSQL. The floor in the
same run: the same rows written in process into a new store of the same kind, one
transaction per contact, as the route writes them (no HTTP, no token check).

Sizes from the environment: OHJAAJA_BENCH_INTAKE_CONTACTS (2,000 per store),
OHJAAJA_BENCH_INTAKE_CLIENTS (20), OHJAAJA_BENCH_PORT (0: any free port).
"""

from __future__ import annotations

import tempfile
import threading
import time
from pathlib import Path

import httpx
from ohjaaja.db.ids import new_id
from ohjaaja.db.server.store import Store, Writer

from ohjaaja.domain.clock import SystemClock, to_iso
from ohjaaja.sync.rows import normalise
from tests.bench import sized
from tests.bench.__main__ import pct
from tests.bench.stores import kinds, server_store
from tests.sync.conftest import AT, start_server, stop

CONTACTS = sized("INTAKE_CONTACTS", 2000)
CLIENTS = sized("INTAKE_CLIENTS", 20)
PORT = sized("PORT", 0)
BODY = {"channel": "phone", "line": "ikaihmiset", "municipality_code": "853", "language": "fi",
        "phone": "040 123 4567"}  # fmt: skip


def over_http(store_args: list[str]) -> tuple[float, list[float]]:
    """(contacts a second, each request's seconds) from CLIENTS clients at once."""
    server = start_server(store_args, port=PORT, quiet=True)
    try:
        admin = server.admin()
        token = admin.create_token("bench-intake", "integration", AT)
        admin.close()
        times: list[float] = []
        lock = threading.Lock()
        share = [CONTACTS // CLIENTS + (i < CONTACTS % CLIENTS) for i in range(CLIENTS)]
        start = threading.Barrier(CLIENTS + 1)

        def client(count: int) -> None:
            headers = {"Authorization": f"Bearer {token}"}
            with httpx.Client(base_url=server.url, headers=headers, timeout=60) as http:
                http.get("/v1/health")  # connected before the clock starts
                start.wait()
                mine = []
                for _ in range(count):
                    t0 = time.perf_counter()
                    http.post("/v1/contacts", json=BODY).raise_for_status()
                    mine.append(time.perf_counter() - t0)
            with lock:
                times.extend(mine)

        threads = [threading.Thread(target=client, args=(n,)) for n in share]
        for thread in threads:
            thread.start()
        start.wait()
        t0 = time.perf_counter()
        for thread in threads:
            thread.join()
        return CONTACTS / (time.perf_counter() - t0), times
    finally:
        stop(server)


def floor(url: str) -> float:
    """Contacts a second written in process, one transaction each, as the route does."""
    store = Store(url)
    clock = SystemClock()
    try:
        t0 = time.perf_counter()
        for _ in range(CONTACTS):
            now = to_iso(clock.now())
            row = normalise("contact", {
                "id": new_id(), "channel": "phone", "line_code": "ikaihmiset",
                "municipality_code": "853", "language": "fi", "caller_phone": "+358401234567",
                "priority": 3, "received_at": now, "created_at": now, "updated_at": now,
            }, "contact")  # fmt: skip

            def write(writer: Writer, row: dict = row) -> None:
                writer.put("contact", row["id"], row)

            store.transaction(write)
        return CONTACTS / (time.perf_counter() - t0)
    finally:
        store.close()


def main() -> None:
    print(f"intake: POST /v1/contacts, {CONTACTS:,} contacts from {CLIENTS} clients at once")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for kind in kinds():
            with server_store(kind, folder, "floor") as (_, floor_url):
                bare = floor(floor_url)
            with server_store(kind, folder, "intake") as (store_args, _):
                rate, times = over_http(store_args)
            print(
                f"  {kind:10}: {rate:6.0f} contacts/s, p50 {pct(times, 0.5) * 1000:6.1f} ms"
                f"  p95 {pct(times, 0.95) * 1000:6.1f} ms | floor (in process, one transaction"
                f" each) {bare:6.0f}/s | {bare / rate:4.1f}x slower than the floor"
            )


if __name__ == "__main__":
    main()
