"""Many desk processes starting at once on one file (a thin-terminal host at shift
change): all of them open it, the first start of a new file included; the schema is
made once."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

import pytest

PROCESSES = 16


def _open(path: str, barrier: Barrier, outcomes: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    import os

    from ohjaaja.db.migrate import current_version

    from ohjaaja.domain.clock import SystemClock
    from ohjaaja.usecases.desk import Desk

    barrier.wait()
    try:
        desk = Desk(path, SystemClock(), f"Worker {os.getpid()}")
        outcomes.put(("ok", current_version(desk.conn)))
        desk.close()
    except Exception as exc:
        outcomes.put(("failed", f"{type(exc).__name__}: {exc}"))


def test_processes_opening_a_new_file_at_once_all_start(tmp_path: Path) -> None:
    from ohjaaja.db.migrate import latest_version

    spawn = multiprocessing.get_context("spawn")
    barrier = spawn.Barrier(PROCESSES)
    outcomes = spawn.Queue()
    path = str(tmp_path / "desk.sqlite")
    started = [
        spawn.Process(target=_open, args=(path, barrier, outcomes)) for _ in range(PROCESSES)
    ]
    for process in started:
        process.start()
    seen = [outcomes.get(timeout=120) for _ in started]
    for process in started:
        process.join(timeout=60)
    assert [outcome for outcome in seen if outcome[0] != "ok"] == []
    assert {version for _, version in seen} == {latest_version()}


def test_a_migration_another_process_applied_meanwhile_is_not_run_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """migrate read the version before another process migrated the file: each step
    reads it again under the write lock ('table municipality already exists')."""
    from ohjaaja.db import migrate as migrations
    from ohjaaja.db.engine import connect

    path = tmp_path / "desk.sqlite"
    first, late = connect(path), connect(path)
    migrations.migrate(first)
    looks = [0]  # the late one's first look: a new file
    real = migrations.current_version
    monkeypatch.setattr(migrations, "current_version", lambda c: looks.pop() if looks else real(c))
    assert migrations.migrate(late) == migrations.latest_version()


def test_a_busy_file_is_waited_for_not_called_broken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database another process holds longer than the busy timeout (a hundred desks
    starting at once) is tried again; it was refused with 'restore the file from a
    backup' - advice that would have replaced a healthy file."""
    import sqlite3

    from ohjaaja.usecases import desk as desk_module

    real = desk_module.migrate
    busy = [sqlite3.OperationalError("database is locked")]

    def migrate_once_busy(conn: sqlite3.Connection) -> int:
        if busy:
            raise busy.pop()
        return real(conn)

    monkeypatch.setattr(desk_module, "migrate", migrate_once_busy)
    monkeypatch.setattr(desk_module, "BUSY_BACKOFF_SECONDS", 0.0)
    conn = desk_module.open_database(tmp_path / "desk.sqlite")
    assert busy == []
    conn.close()


class _Watched:
    """A connection whose failed statements are told (sqlite3's own cannot be patched)."""

    def __init__(self, conn: Any, failed: threading.Event) -> None:
        self.conn, self.failed = conn, failed

    @property
    def in_transaction(self) -> bool:
        return bool(self.conn.in_transaction)

    def execute(self, sql: str, *args: Any) -> Any:
        try:
            return self.conn.execute(sql, *args)
        except sqlite3.OperationalError:
            self.failed.set()
            raise


def test_a_write_waits_out_a_lock_held_past_the_busy_timeout(tmp_path: Path) -> None:
    """A hundred desks writing at shift change queue for the one write lock longer
    than SQLite's busy timeout: a write tries again rather than failing with
    'database is locked' (2 of 100 desks did, in `bench start`)."""
    from ohjaaja.db.engine import connect, transaction

    path = tmp_path / "desk.sqlite"
    holder, waiter = connect(path), connect(path)
    holder.execute("CREATE TABLE t (x)")
    waiter.execute("PRAGMA busy_timeout = 20")  # SQLite gives up on its own quickly
    failed, done = threading.Event(), threading.Event()
    problems: list[BaseException] = []

    def write() -> None:
        try:
            with transaction(_Watched(waiter, failed)):  # type: ignore[arg-type]
                waiter.execute("INSERT INTO t VALUES (1)")
        except BaseException as exc:  # told to the test below
            problems.append(exc)
        done.set()

    holder.execute("BEGIN IMMEDIATE")
    writer = threading.Thread(target=write)
    writer.start()
    assert failed.wait(30)  # SQLite said busy at least once
    holder.execute("COMMIT")
    assert done.wait(30)
    writer.join()
    assert problems == []
    assert holder.execute("SELECT count(*) FROM t").fetchone()[0] == 1
