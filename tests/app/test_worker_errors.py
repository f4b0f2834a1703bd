"""Pilot: database work that fails is told and logged; the desk keeps running.

A use case that raises inside a screen's worker (a full disk, a damaged file, a
bug) must not end the desk in the middle of a call: the worker is told what
failed in their language, the traceback goes to the log beside the database, and
every key still works.
"""

from __future__ import annotations

import asyncio
import sqlite3
import stat
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ohjaaja.screens.handovers.handovers import HandoversScreen
from ohjaaja.screens.kit.base import db_work
from ohjaaja.screens.queue.callback import CallbackScreen
from ohjaaja.screens.queue.queue import QueueScreen
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Static

from ohjaaja.i18n import t_in
from ohjaaja.usecases.contacts import ContactUseCases
from ohjaaja.usecases.desk import Desk
from ohjaaja.usecases.failures import ERROR_LOG
from ohjaaja.usecases.handovers import HandoverUseCases
from tests.app.helpers import app_for, keys, settle


def broken(*_args: object, **_kwargs: object) -> None:
    raise sqlite3.OperationalError("disk I/O error")


def failed_text(language: str, what: str, log: Path) -> str:
    return t_in(language, "work.failed", what=t_in(language, f"work.{what}"), log=str(log))


def told(app: object) -> list[str]:
    return [n.message for n in app._notifications]  # type: ignore[attr-defined]


def tracked(
    work: Callable[[], None], done: threading.Event, escaped: list[BaseException] | None = None
) -> Callable[[], None]:
    """`work` as db_work hands it to Textual, telling when it has ended (`done`) and
    what it let through (`escaped`)."""

    def run() -> None:
        try:
            work()
        except BaseException as error:
            if escaped is not None:
                escaped.append(error)
            raise
        finally:
            done.set()

    return run


async def test_a_failing_take_is_told_logged_and_the_desk_goes_on(
    desk: Desk, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    desk.contacts.receive("phone", "ikaihmiset", "853")
    monkeypatch.setattr(ContactUseCases, "take_next", broken)
    log = db_path.parent / ERROR_LOG
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "n")
        assert isinstance(app.screen, QueueScreen)  # still at the queue, nothing taken
        assert failed_text("fi", "take", log) in told(app)
        assert "Yhteydenoton ottaminen" in failed_text("fi", "take", log)
        await keys(pilot, "h")  # the desk goes on: the next key works
        assert isinstance(app.screen, HandoversScreen)
    assert app.return_code in (None, 0)
    text = log.read_text(encoding="utf-8")
    assert "Testi Työntekijä" in text and "take" in text
    assert "Traceback" in text and "take_next" in text and "disk I/O error" in text
    assert stat.S_IMODE(log.stat().st_mode) == 0o600


async def test_a_failing_save_in_a_dialog_keeps_it_open_and_speaks_swedish(
    desk: Desk, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    contact_id = desk.contacts.receive("phone", "ikaihmiset", "853")
    assert desk.contacts.take(contact_id)
    monkeypatch.setattr(HandoverUseCases, "schedule_callback", broken)
    app = app_for(desk, "sv")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "f8")
        assert isinstance(app.screen, CallbackScreen)
        await keys(pilot, "f10")
        assert isinstance(app.screen, CallbackScreen)  # what was typed is still there
        assert failed_text("sv", "callback", db_path.parent / ERROR_LOG) in told(app)
        await keys(pilot, "escape")
        assert not isinstance(app.screen, CallbackScreen)
    assert "schedule_callback" in (db_path.parent / ERROR_LOG).read_text(encoding="utf-8")


async def test_the_same_failure_every_second_is_told_and_logged_once(
    desk: Desk, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        monkeypatch.setattr(ContactUseCases, "queue", broken)
        for _ in range(3):  # as the queue's tick does when the disk has gone bad
            queue.refresh_queue()
            await settle(pilot)
        failed = failed_text("fi", "queue", db_path.parent / ERROR_LOG)
        assert told(app).count(failed) == 1
    assert (db_path.parent / ERROR_LOG).read_text(encoding="utf-8").count("Traceback") == 1


async def test_work_that_ends_after_the_desk_closed_is_not_a_failure(
    desk: Desk, db_path: Path
) -> None:
    """Quit while a worker reads: its answer has no desk left to show it on, and
    Textual refuses it ('App is not running'). Nothing failed, so nothing is logged
    (50 desks quit at once wrote such tracebacks to the worker's error log)."""
    started, release, done = threading.Event(), threading.Event(), threading.Event()

    class Closing(App[None]):
        def __init__(self) -> None:
            super().__init__()
            self.desk = desk

        def run_worker(self, work: Any, *args: Any, **kwargs: Any) -> Any:
            return super().run_worker(tracked(work, done), *args, **kwargs)

        @db_work("queue", group="reading")
        def read(self) -> None:
            started.set()
            release.wait(30)
            self.call_from_thread(lambda: None)

    async def quit_while_reading(pilot: Pilot[None]) -> None:
        app.read()
        assert await asyncio.to_thread(started.wait, 30)
        app.exit()

    app = Closing()
    # run_async as the desk runs (run_test leaves the app's loop set after it ends)
    await app.run_async(headless=True, size=(80, 24), auto_pilot=quit_while_reading)
    release.set()
    assert await asyncio.to_thread(done.wait, 30)  # the loop runs on meanwhile
    assert not (db_path.parent / ERROR_LOG).exists()


async def test_an_answer_for_a_screen_already_closed_is_not_a_failure(
    desk: Desk, db_path: Path
) -> None:
    """A worker types a name and presses Esc before the search answers: the answer has
    no screen left to show it on (its widgets are gone). Nothing failed, so nothing is
    told or logged (the soak wrote 'No nodes match #found' to the error log and told
    the worker that the search had failed)."""
    started, release, done = threading.Event(), threading.Event(), threading.Event()

    class Reading(Screen[None]):
        def __init__(self) -> None:
            super().__init__()
            self.desk = desk

        def compose(self) -> ComposeResult:
            yield Static(id="found")

        def run_worker(self, work: Any, *args: Any, **kwargs: Any) -> Any:
            return super().run_worker(tracked(work, done, escaped), *args, **kwargs)

        @db_work("client_search", group="client-search")
        def read(self) -> None:
            started.set()
            release.wait(30)
            app.call_from_thread(self.show)  # as the desk's threads reach the app

        def show(self) -> None:
            self.query_one("#found", Static).update("Virtanen")

    async def close_while_reading(pilot: Pilot[None]) -> None:
        screen = Reading()
        await app.push_screen(screen)
        screen.read()
        assert await asyncio.to_thread(started.wait, 30)
        app.pop_screen()
        await pilot.pause()
        assert not screen.is_attached
        release.set()
        assert await asyncio.to_thread(done.wait, 30)
        await pilot.pause()
        seen.extend(told(app))
        app.exit()

    seen: list[str] = []
    escaped: list[BaseException] = []
    app = app_for(desk)
    await app.run_async(headless=True, size=(80, 24), auto_pilot=close_while_reading)
    assert seen == [] and escaped == []
    assert not (db_path.parent / ERROR_LOG).exists()
