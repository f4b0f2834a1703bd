"""Pilot: what the end of a sync round does at the desk.

Ctrl+Q while a round is out leaves nothing in the error log. A round's end is handed
to the UI thread (`_sync_done`); Textual takes every screen down first and only then
stops taking calls from threads, so a round that ended in that moment found no
screen on the stack, and its `ScreenStackError` went to ohjaaja-errors.log as a
failed sync (the earlier run of bench/desks.py: 530 lines).

A round redraws the status line, not the queue: with many desks on one host every
arrival makes a round at each of them.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import pytest

from ohjaaja.shell.app import OhjaajaApp, make_app
from ohjaaja.shell.settings import Settings
from ohjaaja.sync.client import SyncStatus
from ohjaaja.usecases.desk import Desk
from ohjaaja.usecases.failures import ERROR_LOG


async def test_a_sync_round_ending_while_the_desk_quits_is_no_failure(
    desk: Desk, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(
        database=desk.database, worker_name=desk.worker_name,
        server="http://127.0.0.1:9", token="not-used",
    )  # fmt: skip
    app = make_app(desk, settings)
    answer = threading.Event()  # the server's answer to the round, given when we say
    out, done, finished = threading.Event(), threading.Event(), threading.Event()

    def round_out(self: OhjaajaApp) -> tuple[SyncStatus, None]:
        out.set()
        answer.wait(30)
        return SyncStatus(True, None, 0), None

    monkeypatch.setattr(OhjaajaApp, "_sync_once", round_out)
    monkeypatch.setattr(OhjaajaApp, "follow_server", lambda self: None)
    original_done = OhjaajaApp._sync_done

    def sync_done(self: OhjaajaApp, *args: Any) -> None:
        try:
            original_done(self, *args)
        finally:
            done.set()

    monkeypatch.setattr(OhjaajaApp, "_sync_done", sync_done)
    close_all = app._close_all

    async def screens_gone_then_the_answer() -> None:
        await close_all()  # every screen taken down, as on Ctrl+Q
        answer.set()
        await asyncio.to_thread(done.wait, 30)  # the round's end runs on this loop

    app._close_all = screens_gone_then_the_answer  # type: ignore[method-assign]
    run_worker = app.run_worker

    def tracked(work: Any, *args: Any, **kwargs: Any) -> Any:
        def run() -> None:  # the worker's whole run, its failure logged or not
            try:
                work()
            finally:
                if kwargs.get("name") == "_sync_in_thread":
                    finished.set()

        return run_worker(run, *args, **kwargs)

    app.run_worker = tracked  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        assert await asyncio.to_thread(out.wait, 30), "the first round is out"
        await pilot.press("ctrl+q")
    assert done.is_set()
    assert await asyncio.to_thread(finished.wait, 30)
    log = db_path.parent / ERROR_LOG
    assert not log.exists(), log.read_text(encoding="utf-8")[-3000:]
    assert app.return_code in (None, 0)


async def test_a_sync_round_redraws_the_status_line_not_the_queue(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each round ends by showing the sync state in the queue's status line. With
    many desks on one host every arrival starts a round at each of them: a round
    that brought nothing must not refill the table (the whole queue redrawn)."""
    from ohjaaja.screens.queue.queue import QueueScreen

    from tests.app.helpers import settle

    desk.contacts.receive("phone", "ikaihmiset", "853")
    settings = Settings(
        database=desk.database, worker_name=desk.worker_name,
        server="http://127.0.0.1:9", token="not-used",
    )  # fmt: skip
    app = make_app(desk, settings)
    pending = iter(range(1, 100))
    monkeypatch.setattr(
        OhjaajaApp, "_sync_once", lambda self: (SyncStatus(True, None, next(pending)), None)
    )
    monkeypatch.setattr(OhjaajaApp, "follow_server", lambda self: None)
    fills: list[int] = []
    fill = QueueScreen._fill_table
    monkeypatch.setattr(
        QueueScreen, "_fill_table", lambda self, *a: (fills.append(1), fill(self, *a))[1]
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        before = len(fills)
        status = app.screen.query_one("#status")
        app.sync_round()
        await settle(pilot)
        assert len(fills) == before
        assert "lähettämättä 2" in str(status.render())  # the second round's state shown
