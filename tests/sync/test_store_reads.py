"""Reads of the server's SQLite store never take its write lock: a head poll, a
token check or a pull goes on while a push holds a write transaction."""

from __future__ import annotations

import threading
from pathlib import Path

from ohjaaja.db.server.store import Store
from sqlalchemy import text


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
