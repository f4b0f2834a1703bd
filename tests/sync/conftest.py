"""Real server processes on both stores: SQLite always, PostgreSQL from the URL in
OHJAAJA_TEST_POSTGRES_URL (set by .ci/run; under CI a missing URL is a failure,
never a skip). Each PostgreSQL test gets a database of its own."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg
import pytest
from ohjaaja.db.ids import worker_id
from ohjaaja.db.server.journal import Journal
from ohjaaja.db.server.store import Store

from ohjaaja.domain.clock import FixedClock
from ohjaaja.sync.client import SyncClient
from ohjaaja.sync.protocol import SCHEMA_VERSION
from ohjaaja.sync.scope import Reach, encode
from ohjaaja.usecases.desk import Desk

AT = "2026-11-23T08:00:00.000000Z"

PG_ENV = "OHJAAJA_TEST_POSTGRES_URL"


@dataclass
class Server:
    url: str
    store_args: list[str]
    process: subprocess.Popen[str]
    registered: set[str] = field(default_factory=set)

    def token(self, role: str, name: str, workers: tuple[str, ...] = ()) -> str:
        """A new token; a desk token acts for `workers`, registered here if new."""
        for worker in workers:
            if worker not in self.registered:
                self.worker(worker)
        acts = ["--workers", ",".join(workers)] if workers else []
        return cli(
            "server", "token", "create", *self.store_args, "--role", role, "--name", name, *acts
        )

    def worker(
        self, name: str, roles: tuple[str, ...] = ("guidance",), teams: tuple[str, ...] = ()
    ) -> str:
        """Add (or change) a worker in the server's register; their id."""
        extra = ["--teams", ",".join(teams)] if teams else []
        self.registered.add(name)
        return cli(
            "server", "worker", "add", name, *self.store_args, "--roles", ",".join(roles), *extra
        )

    def admin(self) -> Store:
        """The server's store, opened here, for making many workers and tokens at once
        (the CLI does the same, one process per call)."""
        if self.store_args[0] == "--database":
            path = Path(self.store_args[1])
            return Store(f"sqlite:///{path}", journal=Journal(f"{path}.admin-log"))
        return Store(self.store_args[1])

    def desk_tokens(self, count: int) -> list[str]:
        """Tokens of desks desk-0..desk-N, each acting for its worker w0..wN."""
        admin = self.admin()
        tokens = []
        for n in range(count):
            admin.add_worker(f"w{n}", ["guidance"], [], AT)
            tokens.append(admin.create_token(f"desk-{n}", "desk", AT, [f"w{n}"]))
        admin.close()
        return tokens

    def client(self, token: str | None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)


class Site:
    """One desk: its own database file, its own token, its sync client."""

    def __init__(
        self,
        server: Server,
        tmp: Path,
        name: str,
        clock: FixedClock,
        roles: tuple[str, ...] = ("guidance",),
        teams: tuple[str, ...] = (),
        reach: Reach | None = None,
    ) -> None:
        reach = reach or Reach()
        self.path = tmp / f"{name}.sqlite"
        self.worker = f"worker-{name}"
        admin = server.admin()
        admin.add_worker(self.worker, roles, teams, AT)
        self.token = admin.create_token(
            name, "desk", AT, [self.worker], encode(reach.munis), encode(reach.lines),
            reach.identity_codes,
        )  # fmt: skip
        admin.close()
        self.desk = Desk(self.path, clock, self.worker, roles, teams=teams)
        self.sync = SyncClient(self.path, server.url, self.token, clock)

    def use(self, server: Server) -> None:
        """After a restart: the server is back, on a new port of this machine."""
        self.sync.http.base_url = server.url

    def close(self) -> None:
        self.sync.close()
        self.desk.close()


def push_body(desk: str, mutations: list[dict], incarnation: str = "") -> dict:
    """A push as a desk sends it; each mutation names its acting worker by name."""
    for mutation in mutations:
        if "worker" in mutation:
            mutation["worker_id"] = worker_id(mutation.pop("worker"))
    return {"desk_id": desk, "incarnation": incarnation, "schema_version": SCHEMA_VERSION,
            "mutations": mutations}  # fmt: skip


def cli(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "ohjaaja.shell.cli", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


def start_server(
    store_args: list[str], fault: str | None = None, port: int = 0, quiet: bool = False,
    python: str = sys.executable,
) -> Server:  # fmt: skip
    """Start `ohjaaja server` on a free port (or `port`); wait for uvicorn's own
    'running' line. `fault` makes it die at that point of its first push (OHJAAJA_FAULT);
    `quiet` drops its access log (a benchmark's output is its figures); `python`: the
    interpreter whose ohjaaja runs it (a benchmark compares another checkout's)."""
    env = {k: v for k, v in os.environ.items() if k != "OHJAAJA_FAULT"}
    if fault:
        env["OHJAAJA_FAULT"] = fault
    process = subprocess.Popen(
        [python, "-m", "ohjaaja.shell.cli", "server", *store_args, "--port", str(port)],
        # Another interpreter runs its own ohjaaja, not the one in this checkout's folder.
        cwd=None if python == sys.executable else Path(python).parent,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL if quiet else None,
        text=True,
        env=env,
    )
    assert process.stderr is not None
    for line in process.stderr:
        match = re.search(r"Uvicorn running on (http://\S+)", line)
        if match:
            # Keep reading its log, so a full pipe never stalls the server.
            threading.Thread(target=process.stderr.read, daemon=True).start()
            return Server(match.group(1), store_args, process)
    raise RuntimeError(f"the server did not start (exit {process.wait()})")


def stop(server: Server) -> None:
    server.process.terminate()
    server.process.wait(timeout=30)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    base = os.environ.get(PG_ENV)
    if not base:
        if os.environ.get("CI"):
            pytest.fail(f"{PG_ENV} is required under CI")
        pytest.skip(f"{PG_ENV} not set")
    name = f"ohjaaja_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield base.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def store_args(request: pytest.FixtureRequest, tmp_path: Path) -> list[str]:
    if request.param == "sqlite":
        return ["--database", str(tmp_path / "server.sqlite")]
    return ["--database-url", request.getfixturevalue("postgres_url")]


@pytest.fixture
def server(store_args: list[str]) -> Iterator[Server]:
    running = start_server(store_args)
    yield running
    stop(running)


@pytest.fixture
def training_server(store_args: list[str], tmp_path: Path) -> Iterator[Server]:
    """A training store beside the test's client-data store, on the same kind of store."""
    if store_args[0] == "--database":
        where = ["--database", str(tmp_path / "training-server.sqlite")]
        running = start_server([*where, "--training"])
        running.store_args = where
        yield running
        stop(running)
        return
    base = os.environ[PG_ENV]
    name = f"ohjaaja_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    where = ["--database-url", base.rsplit("/", 1)[0] + "/" + name]
    running = start_server([*where, "--training"])
    running.store_args = where
    yield running
    stop(running)
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
