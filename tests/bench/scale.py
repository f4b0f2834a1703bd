"""A region on one server (issue 20): `python3 dev.py bench scale`.

- Propagation: two server processes on one PostgreSQL database; N followers
  (lightweight desks: each follows the event stream of one of the two servers,
  half each, from its cursor, and takes the pages the stream carries, as a desk
  does; it pulls /v1/changes only when the head passes its cursor without a page,
  as against a server from before pages in the stream), run in a few worker
  processes. A writer desk pushes a contact to the first server; the latency is
  from before its push to the moment each follower received the row.
  p50/p95/p99, the servers' CPU (share of one core over the run) and resident
  memory.
- Intake: 20 concurrent clients posting contacts, beside the floor of one
  transaction per contact written in process to the same kind of store.
- Push: batches of 500 mutations, beside the floor of a bulk insert of the same
  rows and the mutation log into the same kind of store.

Options: --followers 20,200 (1000 where the machine allows), --changes N,
--intake N, --push N, --port-base P (P and P+1; default any free ports), --python
PATH (the interpreter whose ohjaaja serves: measure another checkout for a
before/after). PostgreSQL figures need OHJAAJA_TEST_POSTGRES_URL; databases made
are named with OHJAAJA_BENCH_DB_PREFIX (default ohjaaja_scale) and dropped after.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psycopg
from ohjaaja.db.server.store import Store, Writer
from ohjaaja.db.server.tables import client_trail, pushed_mutation, row_link, row_state
from sqlalchemy import Table, select

from tests.bench.__main__ import pct
from tests.sync.conftest import AT, Server, push_body, start_server, stop

FOLLOWERS_PER_PROCESS = 250
ARRIVAL_TIMEOUT = 10.0


def contact_row(row_id: str | None = None) -> dict[str, Any]:
    return {"id": row_id or str(uuid.uuid4()), "channel": "phone", "line_code": "ikaihmiset",
            "municipality_code": "853", "language": "fi", "priority": 3, "status": "waiting",
            "received_at": AT, "created_at": AT, "updated_at": AT}  # fmt: skip


# -- followers ------------------------------------------------------------------------
# A follower speaks HTTP/1.1 over asyncio's streams itself: httpx took about a
# millisecond of the follower process's CPU a pull, so 200 followers in one process
# measured the followers' own queue (200 ms and more), not the servers'.
class _Http:
    """One keep-alive connection: GET a path, the answer's JSON."""

    def __init__(self, url: str, token: str) -> None:
        self.host, _, port = url.removeprefix("http://").partition(":")
        self.port = int(port.rstrip("/"))
        self.headers = f"Host: {self.host}\r\nAuthorization: Bearer {token}\r\n"
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def open(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        # A page of the event stream is one line: past asyncio's 64 KiB at a first catch-up.
        return await asyncio.open_connection(self.host, self.port, limit=2**26)

    async def send(self, writer: asyncio.StreamWriter, path: str) -> None:
        writer.write(f"GET {path} HTTP/1.1\r\n{self.headers}\r\n".encode("ascii"))
        await writer.drain()

    @staticmethod
    async def head(reader: asyncio.StreamReader) -> dict[str, str]:
        """The status line and headers: 200, or raise."""
        status = (await reader.readline()).decode("latin-1")
        if not status.startswith("HTTP/1.1 200"):
            raise RuntimeError(f"follower: {status.strip() or 'connection closed'}")
        headers = {}
        while (line := (await reader.readline()).decode("latin-1").strip()) != "":
            name, _, value = line.partition(":")
            headers[name.lower()] = value.strip()
        return headers

    async def get_json(self, path: str) -> Any:
        if self.streams is None:
            self.streams = await self.open()
        reader, writer = self.streams
        await self.send(writer, path)
        headers = await self.head(reader)
        return json.loads(await reader.readexactly(int(headers["content-length"])))


async def _follow(url: str, token: str, ready: asyncio.Event, seen: Any) -> None:
    """One desk: read the event stream from its cursor, taking the pages it carries
    (`event: changes`), as a desk does; pull only where a page does not start at
    this follower's cursor."""
    http = _Http(url, token)
    cursor = 0

    def take(page: dict[str, Any]) -> None:
        nonlocal cursor
        now = time.time()
        for change in page["changes"]:
            if change["table"] == "contact":
                seen(change["id"], now)
        cursor = max(cursor, page["next_cursor"])

    reader, writer = await http.open()
    try:
        await http.send(writer, f"/v1/events?cursor={cursor}")
        await http.head(reader)
        event = None
        # The stream comes in chunks: their size lines are neither `event:` nor `data:`.
        while line := (await reader.readline()).decode("utf-8"):
            if line.startswith("event:"):
                event = line.partition(":")[2].strip()
            elif line.startswith("data:") and event == "changes":
                page = json.loads(line.partition(":")[2])
                if page["cursor"] == cursor:
                    take(page)
            elif line.startswith("data:") and event == "head":
                head = int(line.partition(":")[2])
                while cursor < head:
                    take(await http.get_json(f"/v1/changes?cursor={cursor}&limit=1000"))
                ready.set()
    finally:
        writer.close()
        if http.streams is not None:
            http.streams[1].close()


def _followers(urls: list[str], tokens: list[str], first: int, out: Any, stop_event: Any) -> None:
    """A worker process: its share of the followers; reports ('ready', n) once each
    has caught up, then lists of (contact id, time), each contact each one pulled
    (sent every few milliseconds: a message an arrival was the process's own queue)."""

    async def run() -> None:
        readies = []
        tasks = []
        arrivals: list[tuple[str, float]] = []

        def seen(contact_id: str, at: float) -> None:
            arrivals.append((contact_id, at))

        async def send() -> None:
            while True:
                await asyncio.sleep(0.005)
                if arrivals:
                    out.put(arrivals[:])
                    arrivals.clear()

        for n, token in enumerate(tokens):
            ready = asyncio.Event()
            readies.append(ready)
            url = urls[(first + n) % len(urls)]
            tasks.append(asyncio.create_task(_follow(url, token, ready, seen)))
        await asyncio.gather(*(r.wait() for r in readies))
        arrivals.clear()
        out.put(("ready", len(tokens)))
        tasks.append(asyncio.create_task(send()))
        await asyncio.to_thread(stop_event.wait)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    asyncio.run(run())


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _tokens(server: Server, names: list[str]) -> list[str]:
    admin = server.admin()
    tokens = []
    for name in names:
        admin.add_worker(name, ["guidance"], [], AT)
        tokens.append(admin.create_token(name, "desk", AT, [name]))
    admin.close()
    return tokens


def propagation(
    url: str, followers: int, changes: int, ports: list[int], python: str
) -> dict[str, float]:
    servers = [start_server(["--database-url", url], port=p, quiet=True, python=python)
               for p in ports]  # fmt: skip
    stop_event = multiprocessing.Event()
    workers: list[multiprocessing.Process] = []
    try:
        tokens = _tokens(servers[0], [f"f{n}" for n in range(followers)])
        writer_token = _tokens(servers[0], ["writer"])[0]
        out: Any = multiprocessing.Queue()
        urls = [s.url for s in servers]
        for first in range(0, followers, FOLLOWERS_PER_PROCESS):
            share = tokens[first : first + FOLLOWERS_PER_PROCESS]
            worker = multiprocessing.Process(
                target=_followers, args=(urls, share, first, out, stop_event), daemon=True
            )
            worker.start()
            workers.append(worker)
        ready = 0
        while ready < followers:
            message = out.get(timeout=120)
            if message[0] == "ready":
                ready += message[1]
        cpu0 = [_cpu_seconds(s.process.pid) for s in servers]
        wall0 = time.time()
        writer = servers[0].client(writer_token)
        latencies: list[float] = []
        missing = 0
        for n in range(changes):
            row = contact_row()
            body = push_body("writer", [{"seq": n + 1, "mutation_id": f"w{n}",
                                          "name": "contact.receive", "worker": "writer",
                                          "args": row}])  # fmt: skip
            sent = time.time()
            writer.post("/v1/push", json=body).raise_for_status()
            times: list[float] = []
            deadline = time.time() + ARRIVAL_TIMEOUT
            while len(times) < followers and time.time() < deadline:
                try:
                    arrivals = out.get(timeout=max(0.01, deadline - time.time()))
                except Exception:
                    break
                times += [at for contact_id, at in arrivals if contact_id == row["id"]]
            latencies += [(t - sent) * 1000 for t in times]
            missing += followers - len(times)
        wall = time.time() - wall0
        cpu = [
            (_cpu_seconds(s.process.pid) - c) / wall * 100
            for s, c in zip(servers, cpu0, strict=True)
        ]
        rss = [_peak_rss_mib(s.process.pid) for s in servers]
        p50, p95, p99 = (pct(latencies, q) for q in (0.5, 0.95, 0.99))
        print(
            f"propagation, {followers} followers on two server processes (PostgreSQL), "
            f"{changes} changes ({missing} arrivals not seen in {ARRIVAL_TIMEOUT:.0f} s)"
        )
        print(f"  p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  p99 {p99:7.1f} ms")
        print(f"  server CPU {cpu[0]:.0f} % + {cpu[1]:.0f} % of a core; "
              f"peak RSS {rss[0]:.0f} + {rss[1]:.0f} MiB")  # fmt: skip
        writer.close()
        return {"p50": p50, "p95": p95, "p99": p99, "missing": missing}
    finally:
        stop_event.set()
        for worker in workers:
            worker.join(timeout=10)
            if worker.is_alive():
                worker.terminate()
        for server in servers:
            stop(server)


# -- intake and push beside their floors ------------------------------------------------
def intake(store_args: list[str], floor_url: str, count: int, port: int, python: str) -> float:
    """Contacts posted a second by 20 clients, as a share of the floor."""
    server = start_server(store_args, port=port, quiet=True, python=python)
    try:
        token = server.token("integration", "pbx")
        body = {"channel": "phone", "line": "ikaihmiset", "municipality_code": "853"}
        clients = [server.client(token) for _ in range(20)]

        def post(n: int) -> None:
            clients[n % 20].post("/v1/contacts", json=body).raise_for_status()

        with ThreadPoolExecutor(20) as pool:
            t0 = time.perf_counter()
            list(pool.map(post, range(count)))
            rate = count / (time.perf_counter() - t0)
        for client in clients:
            client.close()
    finally:
        stop(server)
    floor_store = Store(floor_url)
    rows = [contact_row() for _ in range(count)]
    t0 = time.perf_counter()
    for row in rows:

        def put(writer: Writer, row: dict[str, Any] = row) -> None:
            writer.put("contact", row["id"], row, new=True)

        floor_store.transaction(put)
    floor = count / (time.perf_counter() - t0)
    floor_store.close()
    return print_rate("intake, 20 clients", rate, floor, "one transaction a contact")


def print_rate(label: str, rate: float, floor: float, what: str) -> float:
    print(f"  {label:22}: {rate:7.0f}/s; floor ({what}) {floor:7.0f}/s; "
          f"{rate / floor * 100:5.1f} % of the floor")  # fmt: skip
    return rate / floor


def push(store_args: list[str], floor_url: str, count: int, port: int, python: str) -> float:
    """Mutations pushed a second, as a share of the floor."""
    server = start_server(store_args, port=port, quiet=True, python=python)
    rows = [contact_row() for _ in range(count)]
    try:
        client = server.client(_tokens(server, ["bench"])[0])
        # The bodies are made before the clock starts, as the floor's rows are: a
        # desk writes its outbox over the shift; building and encoding 500 mutations
        # here was a third of the time measured, none of it the server's.
        bodies = [json.dumps(push_body("bench", [
            {"seq": i + 1, "mutation_id": f"m{i}", "name": "contact.receive",
             "worker": "bench", "args": rows[i]}
            for i in range(first, min(first + 500, count))
        ])).encode() for first in range(0, count, 500)]  # fmt: skip
        headers = {"Content-Type": "application/json"}
        t0 = time.perf_counter()
        for body in bodies:
            client.post("/v1/push", content=body, headers=headers).raise_for_status()
        rate = count / (time.perf_counter() - t0)
        client.close()
    finally:
        stop(server)
    # The floor writes the very rows the push stored, read back: each row whole as the
    # rules made it (26 columns of a contact, not the 10 keys of its arguments), with
    # its signature and scope, and the log's entries with their answers.
    written = _stored(_url_of(store_args), (row_state, pushed_mutation, row_link, client_trail))
    floor_store = Store(floor_url)
    # The median of three: one bulk insert lasts a fraction of a second, and on these
    # machines one such run alone was seen anywhere from 13,000 to 36,000 rows a second.
    floors = []
    for _ in range(3):
        t0 = time.perf_counter()
        with floor_store.engine.begin() as conn:
            for table, entries in written.items():
                conn.execute(table.insert(), entries)
        floors.append(count / (time.perf_counter() - t0))
        with floor_store.engine.begin() as conn:
            for table in written:
                conn.execute(table.delete())
    floor = statistics.median(floors)
    floor_store.close()
    return print_rate("push, batches of 500", rate, floor, "bulk insert of rows and log")


def _url_of(store_args: list[str]) -> str:
    option, where = store_args
    return f"sqlite:///{where}" if option == "--database" else where


def _stored(url: str, tables: tuple[Table, ...]) -> dict[Table, list[dict[str, Any]]]:
    """Each table's rows as a store holds them (those with any)."""
    store = Store(url)
    with store.engine.connect() as conn:
        found = {table: [dict(row._mapping) for row in conn.execute(select(table))]
                 for table in tables}  # fmt: skip
    store.close()
    return {table: rows for table, rows in found.items() if rows}


# -- databases --------------------------------------------------------------------------
class Databases:
    """PostgreSQL databases made for the run, dropped at its end."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.made: list[str] = []
        self.prefix = os.environ.get("OHJAAJA_BENCH_DB_PREFIX", "ohjaaja_scale")

    def new(self) -> str:
        name = f"{self.prefix}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(self.base, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        self.made.append(name)
        return self.base.rsplit("/", 1)[0] + "/" + name

    def drop(self) -> None:
        with psycopg.connect(self.base, autocommit=True) as admin:
            for name in self.made:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(argv: list[str]) -> dict[str, Any]:
    """The figures by name (the suite's smoke run checks them)."""
    parser = argparse.ArgumentParser(prog="dev.py bench scale")
    parser.add_argument("--followers", default="20,200")
    parser.add_argument("--changes", type=int, default=30)
    parser.add_argument("--intake", type=int, default=1000)
    parser.add_argument("--push", type=int, default=2000)
    parser.add_argument("--port-base", type=int, default=0)
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args(argv)
    ports = [args.port_base, args.port_base + 1] if args.port_base else [0, 0]
    base = os.environ.get("OHJAAJA_TEST_POSTGRES_URL")
    databases = Databases(base) if base else None
    figures: dict[str, Any] = {}
    try:
        if databases is not None:
            for followers in (int(n) for n in args.followers.split(",") if n):
                figures[f"propagation {followers}"] = propagation(
                    databases.new(), followers, args.changes, ports, args.python
                )
        else:
            print("propagation: set OHJAAJA_TEST_POSTGRES_URL (two processes on PostgreSQL)")
        with tempfile.TemporaryDirectory() as tmp:
            stores: list[tuple[str, list[str], str]] = [(
                "SQLite", ["--database", f"{tmp}/intake.sqlite"], f"sqlite:///{tmp}/floor.sqlite"
            )]  # fmt: skip
            if databases is not None:
                stores.append(("PostgreSQL", ["--database-url", databases.new()], databases.new()))
            for label, where, floor in stores:
                print(f"{label}:")
                figures[f"intake {label}"] = intake(where, floor, args.intake, ports[0],
                                                    args.python)  # fmt: skip
            stores = [("SQLite", ["--database", f"{tmp}/push.sqlite"],
                       f"sqlite:///{tmp}/push-floor.sqlite")]  # fmt: skip
            if databases is not None:
                stores.append(("PostgreSQL", ["--database-url", databases.new()], databases.new()))
            for label, where, floor in stores:
                print(f"{label}:")
                figures[f"push {label}"] = push(where, floor, args.push, ports[0], args.python)
    finally:
        if databases is not None:
            databases.drop()
    return figures


def main(argv: list[str] | None = None) -> None:
    run(sys.argv[2:] if argv is None else argv)


if __name__ == "__main__":
    main()
