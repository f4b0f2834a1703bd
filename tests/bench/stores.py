"""The server stores a benchmark runs on: SQLite always, PostgreSQL (a database of
its own, dropped afterwards) when OHJAAJA_TEST_POSTGRES_URL is set."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from tests.sync.conftest import PG_ENV


def kinds() -> list[str]:
    return ["SQLite", "PostgreSQL"] if os.environ.get(PG_ENV) else ["SQLite"]


@contextmanager
def server_store(kind: str, folder: Path, name: str) -> Iterator[tuple[list[str], str]]:
    """(the server's arguments, the store's URL) of a new store of this kind."""
    if kind == "SQLite":
        path = folder / f"{name}.sqlite"
        yield ["--database", str(path)], f"sqlite:///{path}"
        return
    base = os.environ[PG_ENV]
    database = f"ohjaaja_bench_{name}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    url = base.rsplit("/", 1)[0] + "/" + database
    try:
        yield ["--database-url", url], url
    finally:
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
