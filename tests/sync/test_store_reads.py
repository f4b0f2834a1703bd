"""Reads of the server's SQLite store never take its write lock: a head poll, a
token check or a pull goes on while a push holds a write transaction."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from ohjaaja.db.server.store import Store
from sqlalchemy import event, text


def test_reads_go_on_while_a_writer_holds_the_lock(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'server.sqlite'}")
    holding, done = threading.Event(), threading.Event()

    def writer() -> None:
        with store.engine.begin() as conn:  # BEGIN IMMEDIATE: the write lock
            conn.execute(text("SELECT 1"))
            holding.set()
            done.wait(timeout=60)

    thread = threading.Thread(target=writer)
    thread.start()
    assert holding.wait(timeout=30)
    read: list[object] = []
    reader = threading.Thread(
        target=lambda: read.append((store.head(), store.authenticate("ohj_nobody")))
    )
    reader.start()
    reader.join(timeout=20)  # taking the write lock it would wait out the busy timeout (30 s)
    finished = not reader.is_alive()
    done.set()
    thread.join()
    reader.join()
    assert finished, "a read waited for the writer's lock"
    assert read == [(0, None)]


def _statements(store: Store) -> list[tuple[str, bool]]:
    """Each statement the store runs from now on, and whether it ran outside a
    transaction (autocommit): a pull's reads were the server's waits at 200 desks."""
    seen: list[tuple[str, bool]] = []

    @event.listens_for(store.engine, "before_cursor_execute")
    def note(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        seen.append((statement.split()[0], bool(getattr(cursor.connection, "autocommit", False))))

    return seen


def test_the_epoch_is_read_once_a_second_and_a_new_one_at_once(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'server.sqlite'}")
    store.EPOCH_SECONDS = 3600  # no test of timing: a slow machine would read it again
    seen = _statements(store)
    first = store.epoch
    assert [store.epoch for _ in range(50)] == [first] * 50
    assert [s for s, _ in seen if s == "SELECT"] == ["SELECT"]
    assert store.new_epoch() == store.epoch != first


def test_token_checks_and_head_polls_run_without_a_transaction_on_postgresql(
    postgres_url: str,
) -> None:
    store = Store(postgres_url)
    seen = _statements(store)
    assert store.authenticate("ohj_nobody") is None
    store.heads()
    assert seen == [("SELECT", True), ("SELECT", True)]
    # A pull's page is read in one transaction: its statements see one snapshot.
    store.changes(0, 10, None, None)
    assert seen[2:] and all(not autocommit for _, autocommit in seen[2:])
