"""Live updates across server processes: on PostgreSQL a commit in one process
wakes the event-stream followers of another through LISTEN/NOTIFY, not a poll."""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path

import pytest

from ohjaaja.domain.clock import SystemClock
from ohjaaja.sync.client import SyncClient
from ohjaaja.usecases.desk import Desk
from tests.sync.conftest import start_server, stop


def test_a_push_to_one_process_wakes_a_follower_of_the_other_without_polling(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OHJAAJA_WATCH_POLL", "3600")  # the servers poll once an hour
    store = ["--database-url", postgres_url]
    first, second = start_server(store), start_server(store)
    try:
        token = first.token("desk", "listener", ("Anna",))
        intake = first.client(first.token("integration", "pbx"))
        heads: list[int] = []
        connected, moved = threading.Event(), threading.Event()

        def on_head(head: int) -> None:
            heads.append(head)
            if len(heads) == 1:
                connected.set()
            elif head > heads[0]:
                moved.set()

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "desk.sqlite"
            Desk(path, SystemClock(), "Anna").close()
            listener = SyncClient(path, second.url, token, SystemClock())
            thread = threading.Thread(
                target=lambda: listener.follow(on_head, moved.is_set), daemon=True
            )
            thread.start()
            assert connected.wait(timeout=30), "the event stream did not open"
            body = {"channel": "chat", "line": "sosiaalipaivystys", "municipality_code": "853"}
            assert intake.post("/v1/contacts", json=body).status_code == 201
            assert moved.wait(timeout=30), f"no wake through the other process: {heads}"
            listener.close()
    finally:
        for server in (first, second):
            stop(server)
